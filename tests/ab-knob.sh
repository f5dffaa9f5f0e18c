#!/bin/bash
# gupbench --ab-knob on a plain file standing in for a kernel knob (no
# root, no special kernel): the slices write A and B, the file's old value
# comes back after a complete run and after a SIGINT, the run files hold
# the pairs, compare gives the within-invocation row (one invocation: no
# interval), and a knob that cannot be written is refused (exit 2).
# usage: ab-knob.sh GUPBENCH
set -u
GB=$1
W=$(mktemp -d "${TMPDIR:-/tmp}/gupbench-abknob.XXXXXX")
trap 'rm -rf "$W"' EXIT
FAILS=0
export PYTHONPATH=$(cd "$(dirname "$0")/../scripts" && pwd)${PYTHONPATH:+:$PYTHONPATH}
ok() { echo "ok: $*"; }
no() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
[ "$(getconf _NPROCESSORS_ONLN)" -ge 2 ] || { echo "SKIP: needs 2 CPUs"; exit 77; }
echo 7 >"$W/knob"

"$GB" vmsplice -q --no-bpftrace -r 2 -T 0.2 --warmup 0 --ab-knob "$W/knob=0,1" \
	-o "$W/r" >"$W/out" 2>&1
rc=$?
[ $rc = 0 ] && ok "complete run exit 0" || { cat "$W/out"; no "complete run exit $rc"; }
[ "$(cat "$W/knob")" = 7 ] && ok "knob restored to 7 after the run" ||
	no "knob reads '$(cat "$W/knob")' after the run, not 7"
/usr/bin/python3 - "$W/r" <<'PY' && ok "run files: 10 pairs each, knob in the manifest" || no "run files"
import sys
import gupbench_results as gr
d = gr.results_dirs(sys.argv[1])[0]
m = gr.manifest(d)
assert m["ab"]["knob"]["b"] == "1" and m["ab"]["pairs_per_run"] == 10, m["ab"]
for r in gr.runs(d):
    ab = r["ab"]
    assert ab["pairs"] + ab["empty_pairs"] == 10 and len(ab["log_ratios"]) == ab["pairs"], ab
    assert ab["pairs"] >= 9, ab
PY
"$GB" compare "$W/r" -f json >"$W/cmp.json" 2>"$W/cmp.err"
/usr/bin/python3 - "$W/cmp.json" <<'PY' && ok "compare: one ab_within row, 1 unit, no interval" || { cat "$W/cmp.err"; no "compare row"; }
import sys
import gupbench_results as gr
r = gr.load_json(sys.argv[1])["ab_within"]
assert len(r) == 1 and r[0]["units"] == 1 and r[0]["ci_pct"] == [None, None], r
assert "= 1, A: 0" in r[0]["b"], r
PY

"$GB" vmsplice -q --no-bpftrace -r 50 -T 0.2 --warmup 0 --ab-knob "$W/knob=0,1" \
	-o "$W/i" >"$W/out2" 2>&1 &
pid=$!
sleep 1.5
kill -INT $pid
wait $pid
rc=$?
[ $rc = 130 ] && ok "SIGINT: exit 130" || no "SIGINT: exit $rc, not 130"
[ "$(cat "$W/knob")" = 7 ] && ok "knob restored to 7 after SIGINT" ||
	no "knob reads '$(cat "$W/knob")' after SIGINT, not 7"

"$GB" vmsplice -q --no-bpftrace -r 1 -T 0.2 --ab-knob /proc/version=0,1 -o "$W/x" 2>"$W/err3"
rc=$?
[ $rc = 2 ] && [ "$(wc -l <"$W/err3")" = 1 ] && grep -q -- "--ab-knob" "$W/err3" &&
	ok "unwritable knob: exit 2, one line: $(cat "$W/err3")" ||
	no "unwritable knob: exit $rc, stderr: $(cat "$W/err3")"
[ ! -e "$W/x" ] || [ -z "$(ls -A "$W/x")" ] && ok "unwritable knob: no results dir" ||
	no "unwritable knob left $(ls "$W/x")"
echo "$FAILS failed"
[ $FAILS = 0 ]
