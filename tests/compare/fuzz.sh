#!/bin/bash
# Builds the libFuzzer target fuzz/fuzz_results_json.c with clang
# (-fsanitize=fuzzer,address,undefined) and runs it for FUZZ_SECONDS
# (default 25) on a seed corpus made from the committed sample results.
# SKIP (77) with the reason when clang or its fuzzer runtime is missing.
# usage: fuzz.sh SOURCE_ROOT BUILD_DIR DATA_DIR BUILD_ROOT LIB_SOURCE...
# (LIB_SOURCE...: meson.build's libgup_src, the library's one source list;
# BUILD_ROOT holds its generated version.h)
set -u
SRC=$1 B=$2 DATA=$3 BROOT=$4
shift 4
SECS=${FUZZ_SECONDS:-25}
CC=${FUZZ_CC:-clang}
command -v "$CC" >/dev/null || { echo "SKIP: $CC not installed (apt-get install clang libclang-rt-14-dev)"; exit 77; }
W=$B/fuzz-work
mkdir -p "$W/corpus" "$W/artifacts"
if ! "$CC" -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-D_GNU_SOURCE -I"$SRC/bench" -I"$BROOT" "$SRC/fuzz/fuzz_results_json.c" "$@" \
	$(pkg-config --cflags --libs jansson gsl) -lm -pthread -o "$W/fuzz_results_json" 2>"$W/build.err"; then
	if grep -qi "libclang_rt.fuzzer\|cannot find.*fuzzer" "$W/build.err"; then
		echo "SKIP: clang's libFuzzer runtime missing (apt-get install libclang-rt-14-dev)"
		exit 77
	fi
	cat "$W/build.err"
	echo "FAIL: fuzz target does not build"
	exit 1
fi
# seed corpus: every JSON file of the sample results, plus small edge cases
i=0
while IFS= read -r f; do
	cp "$f" "$W/corpus/seed-$i.json"
	i=$((i + 1))
done < <(find "$DATA/variants" -name '*.json' | sort)
printf '{}' >"$W/corpus/empty.json"
printf '{"timed":{"histogram":{"unit":"ns","count":1,"sum":5,"min":5,"max":5,"buckets":[[5,1]]},"calls_per_s":1}}' \
	>"$W/corpus/minimal-run.json"
echo "seed corpus: $(ls "$W/corpus" | wc -l) files; fuzzing for ${SECS}s"
"$W/fuzz_results_json" -max_total_time="$SECS" -max_len=65536 -timeout=10 -rss_limit_mb=1024 \
	-artifact_prefix="$W/artifacts/" -print_final_stats=1 "$W/corpus" >"$W/fuzz.log" 2>&1
rc=$?
grep -E "^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::new_units_added)" "$W/fuzz.log"
if [ $rc -ne 0 ]; then
	tail -40 "$W/fuzz.log"
	echo "FAIL: the fuzzer found a crash (reproducer in $W/artifacts)"
	exit 1
fi
echo "ok: no crash in ${SECS}s"
