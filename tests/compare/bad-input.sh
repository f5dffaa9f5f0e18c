#!/bin/bash
# gupbench compare: a real A/A on committed interleaved runs, and bad input
# (every case: exit 2 and a one-line message naming the problem; never a
# crash), stated conditions (old files without unit ids, one unit a side),
# or a row marked "missing" for a metric present on one side only.
# usage: bad-input.sh GUPBENCH DATA_DIR
set -u
G=$1 DATA=$2
S=$DATA/variants
T=$(mktemp -d /tmp/gupbench-cmp-bad.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail=0
PY=/usr/bin/python3
export PYTHONPATH=$(cd "$(dirname "$0")/../../scripts" && pwd)${PYTHONPATH:+:$PYTHONPATH}	# gupbench_results

# A real A/A: two sets of separate invocations of the same command, run
# interleaved by scripts/interleave on the 2-CPU VM (data/aa: baseline and
# aa, 5 rounds of 2 runs each): paired by round, the CI of the primary
# metric and of p50 must cover 0. (A set against itself cannot fail and is
# not a test.)
"$G" compare "$DATA/aa/baseline" "$DATA/aa/aa" --format json >"$T/aa.json" || { echo "FAIL: A/A exit $?"; exit 1; }
$PY - "$T/aa.json" <<'PY' || fail=1
import sys
import gupbench_results as gr
d = gr.load_json(sys.argv[1])
(c,) = d["comparisons"]
assert c["status"] == "compared" and c["unit"] == "invocation", c["status"]
assert c["base_units"] == 5 and c["other_units"] == 5, (c["base_units"], c["other_units"])
for r in c["metrics"]:
    if r["metric"] in ("untimed_ns_per_call", "walker_p50"):
        lo, hi = r["change_ci_pct"]
        assert r["paired"] and lo <= 0 <= hi and r["mark"] == "~", r
        print("ok: A/A %s: %+.2f%% [%+.2f%%, %+.2f%%] p %.3f %s (%s)" % (
            r["metric"], r["change_pct"], lo, hi, r["p"], r["mark"], r["test"]))
PY

expect2() { # name pattern args...
	local name=$1 pat=$2 rc
	shift 2
	"$G" compare "$@" >"$T/out" 2>"$T/err"
	rc=$?
	if [ $rc -ne 2 ]; then
		echo "FAIL: $name: exit $rc, want 2"; cat "$T/err"; fail=1; return
	fi
	if ! grep -qi -- "$pat" "$T/err"; then
		echo "FAIL: $name: message lacks \"$pat\":"; cat "$T/err"; fail=1; return
	fi
	if [ "$(wc -l <"$T/err")" -ne 1 ]; then
		echo "FAIL: $name: message is not one line:"; cat "$T/err"; fail=1; return
	fi
	echo "ok: $name: $(cat "$T/err")"
}
fresh() { rm -rf "$T/o"; cp -r "$S/inject3pct" "$T/o"; }
setfield() { # run-file dotted.field value(JSON)
	$PY - "$@" <<'PY'
import json, sys
import gupbench_results as gr
f, path, val = sys.argv[1], sys.argv[2].split("."), json.loads(sys.argv[3])
j = gr.load_json(f)
o = j
for k in path[:-1]:
    o = o[k]
o[path[-1]] = val
json.dump(j, open(f, "w"))
PY
}
one_run_dir() { ls -d "$T"/o/*/ | head -1; }

expect2 "missing folder" "no such results directory" "$S/baseline" "$T/nonexistent"
mkdir -p "$T/empty"
expect2 "empty folder" "no results here" "$S/baseline" "$T/empty"
fresh; d=$(one_run_dir); echo "killed" >"$d/INCOMPLETE"
expect2 "INCOMPLETE present" "incomplete" "$S/baseline" "$T/o"
fresh; d=$(one_run_dir); sed -i 's/"status": *"complete"/"status": "interrupted"/' "$d/manifest.json"
expect2 "status interrupted" "not complete" "$S/baseline" "$T/o"
fresh; d=$(one_run_dir); head -c 300 "$d/run-002.json" >"$d/x" && mv "$d/x" "$d/run-002.json"
expect2 "truncated run JSON" "malformed or truncated" "$S/baseline" "$T/o"
fresh; d=$(one_run_dir); : >"$d/manifest.json"
expect2 "empty manifest" "manifest.json" "$S/baseline" "$T/o"
fresh; d=$(one_run_dir); $PY - "$d/run-001.json" <<'PY'
import json, sys
import gupbench_results as gr
j = gr.load_json(sys.argv[1]); j["timed"]["histogram"]["buckets"] = [[5, "x"]]
json.dump(j, open(sys.argv[1], "w"))
PY
expect2 "malformed histogram" "histogram" "$S/baseline" "$T/o"
fresh; d=$(one_run_dir); $PY - "$d/run-001.json" <<'PY'
import json, sys
import gupbench_results as gr
j = gr.load_json(sys.argv[1]); j["timed"] = [1, 2]
json.dump(j, open(sys.argv[1], "w"))
PY
expect2 "wrong JSON type" "timed" "$S/baseline" "$T/o"
fresh; d=$(one_run_dir); rm "$d/run-002.json"
expect2 "run file missing" "runs completed" "$S/baseline" "$T/o"
fresh; for m in "$T"/o/*/manifest.json; do sed -i 's/"arch": *"[^"]*"/"arch": "aarch64"/' "$m"; done
expect2 "different architecture" "refusing to compare" "$S/baseline" "$T/o"
fresh; for m in "$T"/o/*/manifest.json; do sed -i 's/"cpus_online_count": *[0-9]*/"cpus_online_count": 16/' "$m"; done
expect2 "different CPU count" "different machine" "$S/baseline" "$T/o"
expect2 "bad format" "format" "$S/baseline" "$S/baseline" --format xml
expect2 "one set only" "need a BASE" "$S/baseline"

# counts and rates must be finite and >= 0: exit 2 naming file and field
for c in "timed.calls -5" "timed.calls_per_s -1.5" "untimed.calls -1" "untimed.calls_per_s \"NaN\"" \
	 "untimed_ns_per_call \"inf\"" "timed.duration_s null"; do
	set -- $c
	fresh; d=$(one_run_dir); setfield "$d/run-003.json" "$1" "$2"
	expect2 "$1 = $2" "run-003.json: field $1 is" "$S/baseline" "$T/o"
done
fresh; d=$(ls -d "$T"/o/*collapse*/ | head -1); setfield "$d/run-002.json" trigger.events -3
expect2 "trigger.events = -3" "run-002.json: field trigger.events is negative" "$S/baseline" "$T/o"
fresh; d=$(ls -d "$T"/o/*collapse*/ | head -1); setfield "$d/run-002.json" trigger.events_per_s '"-Infinity"'
expect2 "trigger.events_per_s = -Infinity" "field trigger.events_per_s is not a finite number" "$S/baseline" "$T/o"

# stated, not refused: compare exits 0 and its output holds the statement
stated() { # name pattern compare-args...
	local name=$1 pat=$2 rc
	shift 2
	"$G" compare "$@" >"$T/out" 2>"$T/err"
	rc=$?
	if [ $rc -eq 0 ] && grep -q -- "$pat" "$T/out"; then
		echo "ok: $name: $(grep -m1 -- "$pat" "$T/out")"
		return 0
	fi
	echo "FAIL: $name: exit $rc"; cat "$T/out" "$T/err"; fail=1
	return 1
}

# old files without unit ids; one unit a side (and then no interval at all)
stated "old files without unit ids" \
	"unit ids missing in BASE and OTHER: each run directory is a unit" "$S/baseline" "$S/inject3pct"
mkdir -p "$T/one/b" "$T/one/o"
cp -r "$S"/baseline/20261126T010552Z-vmsplice "$T/one/b/"
cp -r "$S"/inject3pct/20261126T010610Z-vmsplice "$T/one/o/"
if stated "one unit a side" "between-unit variance unknown: 1 unit (invocation) per side" \
	"$T/one/b" "$T/one/o"; then
	grep -q "(no interval)" "$T/out" && ! grep -qE '\[[-+][0-9.]+%, [-+][0-9.]+%\]' "$T/out" ||
		{ echo "FAIL: one unit a side: an interval is printed"; cat "$T/out"; fail=1; }
fi

# a metric on one side only: OTHER's trigger scenario without trigger data
fresh
for d in "$T"/o/*/; do
	grep -q '"trigger": *"collapse"' "$d/manifest.json" || continue
	for r in "$d"/run-*.json; do
		$PY -c 'import json,sys,gupbench_results as gr; j=gr.load_json(sys.argv[1]); j["trigger"]=None; json.dump(j,open(sys.argv[1],"w"))' "$r"
	done
done
stated "metric on one side only: rows marked missing" "missing: missing in OTHER" "$S/baseline" "$T/o"
exit $fail
