#!/bin/bash
# gupbench compare: A/A on committed sample results, and bad input (every
# case: exit 2 and a one-line message naming the problem; never a crash),
# or a row marked "missing" for a metric present on one side only.
# usage: bad-input.sh GUPBENCH DATA_DIR
set -u
G=$1 DATA=$2
S=$DATA/variants
T=$(mktemp -d /tmp/gupbench-cmp-bad.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail=0
PY=/usr/bin/python3

# A/A: a set against itself: every per-run metric "~", change 0, exit 0
"$G" compare "$S/baseline" "$S/baseline" --format json >"$T/aa.json" || { echo "FAIL: A/A exit $?"; exit 1; }
$PY - "$T/aa.json" <<'PY' || fail=1
import json, sys
d = json.load(open(sys.argv[1]))
n = 0
for c in d["comparisons"]:
    assert c["status"] == "compared", c["status"]
    for r in c["metrics"]:
        if r["kind"] == "per-run":
            assert r["mark"] == "~" and r["shift"] == 0 and r["p"] == 1, r
            n += 1
        else:
            assert r["mark"] == "single" and r["shift"] == 0, r
print("ok: A/A of a set with itself: %d per-run metrics, no difference" % n)
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
j = json.load(open(sys.argv[1])); j["timed"]["histogram"]["buckets"] = [[5, "x"]]
json.dump(j, open(sys.argv[1], "w"))
PY
expect2 "malformed histogram" "histogram" "$S/baseline" "$T/o"
fresh; d=$(one_run_dir); $PY - "$d/run-001.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1])); j["timed"] = [1, 2]
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

# a metric on one side only: OTHER's trigger scenario without trigger data
fresh
for d in "$T"/o/*/; do
	grep -q '"trigger": *"collapse"' "$d/manifest.json" || continue
	for r in "$d"/run-*.json; do
		$PY -c 'import json,sys; j=json.load(open(sys.argv[1])); j["trigger"]=None; json.dump(j,open(sys.argv[1],"w"))' "$r"
	done
done
"$G" compare "$S/baseline" "$T/o" >"$T/out" 2>"$T/err"
rc=$?
if [ $rc -eq 0 ] && grep -q "missing: missing in OTHER" "$T/out"; then
	echo "ok: metric on one side only: rows marked missing: $(grep -c 'missing in OTHER' "$T/out")"
else
	echo "FAIL: one-sided metric: exit $rc"; cat "$T/err"; fail=1
fi
exit $fail
