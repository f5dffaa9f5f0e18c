#!/bin/bash
# The results checker itself must be able to fail: one real 2-run
# collapse scenario, then check_results.py on it and on altered copies.
#   --runs 2 (what was asked)           -> 0, or 77 if /proc/vmstat lacks
#                                          the counter (said with SKIP)
#   --runs 3 (a gupbench that ignored -r looks like this from the checker)
#                                       -> 1
#   no --runs                           -> 2 (never taken from the manifest)
#   verify_counter_delta null           -> 77 with a "SKIP: ..." line
#   verify_counter_delta 0              -> 1
# usage: check-results-selftest.sh GUPBENCH
set -u
GB=$1
HERE=$(cd "$(dirname "$0")" && pwd)
CR=$HERE/check_results.py
export PYTHONPATH=$HERE/../scripts${PYTHONPATH:+:$PYTHONPATH}	# gupbench_results
OUT=$(mktemp -d "${TMPDIR:-/tmp}/gupbench-crself.XXXXXX")
trap 'rm -rf "$OUT"' EXIT
PASS=0 FAIL=0

"$GB" vmsplice -t collapse --trigger-mm other -r 2 -T 0.1 --warmup 0 \
	-o "$OUT/r" -q --no-bpftrace >"$OUT/gb.out" 2>&1
rc=$?
if [ $rc = 77 ]; then
	echo "SKIP: the collapse scenario cannot run here: $(grep -m1 SKIP "$OUT/gb.out")"
	exit 77
fi
[ $rc = 0 ] || { cat "$OUT/gb.out"; echo "FAIL: gupbench exit $rc"; exit 1; }
d=$(ls -d "$OUT"/r/*/ | head -1); d=${d%/}

# want WANT_RC NAME DIR ARGS...: check_results.py's exit status and output
want() {
	local w=$1 name=$2 dir=$3 out rc
	shift 3
	out=$(python3 "$CR" "$dir" "$@" 2>&1)
	rc=$?
	if [ "$rc" = "$w" ]; then
		PASS=$((PASS + 1)); echo "ok: $name: exit $rc: $( { echo "$out" | grep -E '^(FAIL|SKIP)'; echo "$out" | tail -1; } | head -1)"
	else
		FAIL=$((FAIL + 1)); echo "FAIL: $name: exit $rc, want $w"; echo "$out" | sed 's/^/  /'
	fi
}
# a copy of the results with every run file's trigger verify delta set
with_delta() {	# with_delta NAME JSON-VALUE
	cp -r "$d" "$OUT/$1"
	python3 - "$OUT/$1" "$2" <<'PY'
import glob, json, sys
import gupbench_results as gr
for f in glob.glob(sys.argv[1] + "/run-*.json"):
    r = gr.load_json(f)
    r["trigger"]["verify_counter_delta"] = json.loads(sys.argv[2])
    json.dump(r, open(f, "w"))
PY
}

if python3 -c 'import sys,gupbench_results as gr; sys.exit(0 if all(r["trigger"]["verify_counter_delta"] is not None for r in gr.runs(sys.argv[1])) else 1)' "$d"; then
	want 0 "real results, --runs 2" "$d" --runs 2 --trigger collapse
else
	want 77 "real results, --runs 2, /proc/vmstat without the counter" "$d" --runs 2 --trigger collapse
fi
want 1 "real results, --runs 3" "$d" --runs 3 --trigger collapse
want 2 "no --runs" "$d" --trigger collapse
with_delta null null
want 77 "verify_counter_delta null" "$OUT/null" --runs 2 --trigger collapse
python3 "$CR" "$OUT/null" --runs 2 --trigger collapse | grep -q '^SKIP: run-001.json: /proc/vmstat has no thp_collapse_alloc' ||
	{ FAIL=$((FAIL + 1)); echo "FAIL: no SKIP line for the null counter"; }
with_delta zero 0
want 1 "verify_counter_delta 0" "$OUT/zero" --runs 2 --trigger collapse
echo "$PASS passed, $FAIL failed"
[ $FAIL = 0 ]
