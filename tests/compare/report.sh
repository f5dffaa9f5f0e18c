#!/bin/bash
# scripts/report on the committed sample results (tests/compare/data/variants:
# real runs on the 2-CPU "AMD EPYC" VM, baseline and inject3pct): the cover
# letter exists and is <= 72 columns, CSV and JSON exist, and each of the
# six gnuplot scripts wrote a non-empty PNG and SVG; a run marked failed is
# listed with its reason and kept out of the comparison.
# usage: report.sh GUPBENCH REPORT_SCRIPT DATA_DIR
set -u
G=$1 REPORT=$2 DATA=$3
command -v gnuplot >/dev/null || { echo "SKIP: gnuplot not installed (apt-get install gnuplot-nox)"; exit 77; }
T=$(mktemp -d /tmp/gupbench-report.XXXXXX)
trap 'rm -rf "$T"' EXIT
GUPBENCH=$G "$REPORT" "$DATA/variants" "$T/report" >"$T/out" 2>"$T/err" || {
	echo "FAIL: report exited $?"; cat "$T/err"; exit 1; }
fail=0
cl=$T/report/cover-letter.txt
[ -s "$cl" ] || { echo "FAIL: no cover-letter.txt"; fail=1; }
w=$(awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }' "$cl")
[ "$w" -le 72 ] || { echo "FAIL: cover letter is $w columns wide"; fail=1; }
grep -q "NOT HARDWARE TIMINGS" "$cl" || { echo "FAIL: VM timings not labelled"; fail=1; }
grep -q "inject3pct" "$cl" || { echo "FAIL: variant missing from the table"; fail=1; }
for f in compare.csv compare.json compare.txt; do
	[ -s "$T/report/$f" ] || { echo "FAIL: no $f"; fail=1; }
done
for p in 1-latency-percentiles 2-overhead 3-sync-ipis 4-ipis-vs-cpus 5-cyclictest 6-update-side; do
	for e in png svg; do
		f=$T/report/plots/$p.$e
		if [ -s "$f" ]; then
			echo "ok: $p.$e $(stat -c %s "$f") bytes"
		else
			echo "FAIL: $p.$e missing or empty"; fail=1
		fi
	done
done
head -c 8 "$T/report/plots/2-overhead.png" | grep -q PNG || { echo "FAIL: 2-overhead.png is not a PNG"; fail=1; }
grep -q "<svg" "$T/report/plots/2-overhead.svg" || { echo "FAIL: 2-overhead.svg is not SVG"; fail=1; }
cat "$cl"

# a failed run (e.g. a sweep point whose walker was starved) is listed with
# its reason and left out of the statistics, not shown as zero; the rest is
# still reported
cp -r "$DATA/variants" "$T/failed"
d=$(ls -d "$T"/failed/inject3pct/*-collapse-other | head -1)
PYTHONPATH=$(cd "$(dirname "$0")/../../scripts" && pwd) python3 - "$d" <<'PY'
import json, os, sys
import gupbench_results as gr
p = os.path.join(sys.argv[1], "manifest.json")
m = gr.load_json(p)
m["status"], m["status_reason"] = "failed", "walker on CPU 1 completed no call in a 1.00 s phase"
json.dump(m, open(p, "w"))
PY
if GUPBENCH=$G "$REPORT" "$T/failed" "$T/failed-report" >"$T/fout" 2>"$T/ferr"; then
	grep -q "^Failed points" "$T/fout" && grep -q "completed no call" "$T/fout" &&
		echo "ok: a failed run is listed with its reason" ||
		{ echo "FAIL: the failed run is not listed with its reason"; fail=1; }
	[ -L "$T/failed-report/sets/inject3pct/$(basename "$d")" ] &&
		{ echo "FAIL: the failed run went into the comparison"; fail=1; }
else
	echo "FAIL: report exited $? on a set with one failed run"; cat "$T/ferr"; fail=1
fi
"$REPORT" --sweep-table "$T/failed" | grep -q "FAILED: walker on CPU 1 completed no call" &&
	echo "ok: --sweep-table shows the failed run as FAILED with its reason" ||
	{ echo "FAIL: --sweep-table does not show the failed run"; fail=1; }
exit $fail
