#!/bin/bash
# The two ways of counting sync IPIs (gupbench --ipi-observer), for real:
#   agree     one collapse (other mm) run counted by bpftrace, with the
#             tracefs instance beside it (tracefs_cross_check): the sync
#             IPIs gupbench's trigger sent agree within the events in flight
#             at bpftrace's detach (0-2), no event lost
#   tracefs   the same counted through tracefs only: one sync IPI per
#             collapse to the walker CPU, queued = entered (+-2)
#   fallback  --ipi-observer=auto with no bpftrace in PATH: tracefs is used
#             and observers.json says why
#   sigint    SIGINT in the middle of the runs: exit 130, observers.json
#             written, the instance removed; a stale instance of a dead
#             gupbench is removed by the next run
#   bad       --ipi-observer=bogus: exit 2 with one line
# Every case checks that instances/gupbench-<pid> is gone afterwards.
# usage: ipi-observers.sh GUPBENCH CASE
set -u
GB=$1
CASE=$2
T=/sys/kernel/tracing
OUT=$(mktemp -d "${TMPDIR:-/tmp}/gupbench-ipiobs.XXXXXX")
LOG=$OUT.log
trap 'rm -rf "$OUT" "$LOG"' EXIT
fail() {
	echo "FAIL: $*"
	[ -s "$LOG" ] && sed 's/^/  log: /' "$LOG" | tail -20
	exit 1
}
ok() { echo "PASS: $*"; echo "1 passed, 0 failed"; exit 0; }

if [ "$CASE" = bad ]; then
	"$GB" vmsplice --ipi-observer=bogus >"$LOG" 2>&1
	rc=$?
	[ $rc -eq 2 ] || fail "--ipi-observer=bogus exited $rc, not 2"
	[ "$(wc -l <"$LOG")" -eq 1 ] && grep -q -- --ipi-observer "$LOG" ||
		fail "not one line naming --ipi-observer"
	ok "bad --ipi-observer: exit 2, one line"
fi
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (tracefs instances)"; exit 77; }
[ "$(nproc)" -ge 2 ] || { echo "SKIP: needs 2 CPUs (walker and trigger)"; exit 77; }
[ -d $T/events ] || mount -t tracefs nodev $T 2>/dev/null
[ -d $T/events/csd/csd_queue_cpu ] ||
	{ echo "SKIP: no csd:csd_queue_cpu tracepoint (kernel < 6.3 or no tracefs)"; exit 77; }
grep -qw tlb_remove_table_smp_sync /proc/kallsyms ||
	{ echo "SKIP: no tlb_remove_table_smp_sync in this kernel: no sync IPI to count"; exit 77; }
[ "$(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null)" != "" ] ||
	{ echo "SKIP: no THP (the collapse trigger)"; exit 77; }
RUN=(vmsplice -q -C 1 --trigger-cpus 0 -t collapse --trigger-mm other --warmup 0 -o "$OUT")
export PYTHONPATH=$(cd "$(dirname "$0")/../scripts" && pwd)${PYTHONPATH:+:$PYTHONPATH}	# gupbench_results

# observers.json's sync_ipis of the newest result as "key=value" lines
facts() {
	python3 - "$(ls -td "$OUT"/*/ | head -1)" <<'PY'
import sys
import gupbench_results as gr
o = gr.observers(sys.argv[1])
s = o["sync_ipis"]
print("status=%s" % s["status"])
print("reason=%s" % s.get("reason", ""))
print("method=%s" % s.get("method", ""))
if s["status"] == "ok":
    print("ours=%d queued=%d entered=%d events=%d" % (s["queued_by_gupbench_triggers"],
          s["queued_total"], s["entered_total"], s["trigger_events"]))
    print("walker=%s" % s["by_role"]["walker"]["per_cpu_per_event"])
    x = s.get("tracefs_cross_check", {})
    if "queued_by_gupbench_triggers" in x:
        print("x_ours=%d x_lost=%d" % (x["queued_by_gupbench_triggers"], x["lost_events"]))
    print("unusable=%s" % s.get("bpftrace_unusable", ""))
print("attribution=%s" % o["ipi_attribution"]["status"])
PY
}
no_instance() {
	ls -d $T/instances/gupbench-* 2>/dev/null | grep -q . && fail "instance left: $(ls -d $T/instances/gupbench-*)"
	return 0
}
val() { grep -o "\b$1=[^ ]*" <<<"$F" | head -1 | cut -d= -f2-; }

case $CASE in
agree)
	command -v bpftrace >/dev/null || { echo "SKIP: bpftrace not installed"; exit 77; }
	"$GB" "${RUN[@]}" -r 2 -T 1 --ipi-observer=bpftrace >"$LOG" 2>&1 || fail "gupbench exited $?"
	F=$(facts); echo "$F"
	[ "$(val status)" = ok ] || fail "bpftrace did not count: $(val reason)"
	[ "$(val method)" = bpftrace ] || fail "method $(val method), not bpftrace"
	[ -n "$(val x_ours)" ] || fail "no tracefs cross-check"
	[ "$(val x_lost)" = 0 ] || fail "tracefs lost $(val x_lost) events"
	b=$(val ours) t=$(val x_ours)
	[ "$b" -gt 0 ] || fail "no sync IPI from the trigger counted"
	d=$((t - b))
	[ $d -ge 0 ] && [ $d -le 2 ] || fail "bpftrace $b vs tracefs $t: differ by $d (0-2 allowed)"
	no_instance
	ok "bpftrace $b, tracefs $t sync IPIs from the trigger (difference $d)" ;;
tracefs)
	"$GB" "${RUN[@]}" -r 2 -T 1 --ipi-observer=tracefs >"$LOG" 2>&1 || fail "gupbench exited $?"
	F=$(facts); echo "$F"
	[ "$(val status)" = ok ] || fail "tracefs did not count: $(val reason)"
	[ "$(val method)" = tracefs ] || fail "method $(val method), not tracefs"
	q=$(val queued) e=$(val entered) n=$(val events)
	[ "$n" -gt 0 ] || fail "no trigger event"
	[ $((q - e)) -ge 0 ] && [ $((q - e)) -le 2 ] || fail "queued $q, entered $e"
	python3 -c "import sys; w=float(sys.argv[1]); sys.exit(not 0.95 <= w <= 1.05)" \
		"$(val walker)" || fail "walker got $(val walker) sync IPIs per collapse, not 1"
	no_instance
	ok "tracefs: $q queued, $e entered for $n collapses (walker $(val walker)/event)" ;;
fallback)
	PATH=/nonexistent "$GB" "${RUN[@]}" -r 1 -T 0.5 >"$LOG" 2>&1 || fail "gupbench exited $?"
	F=$(facts); echo "$F"
	[ "$(val status)" = ok ] && [ "$(val method)" = tracefs ] ||
		fail "auto without bpftrace: status $(val status), method $(val method)"
	grep -q "unusable=bpftrace not installed" <<<"$F" || fail "no bpftrace_unusable reason"
	no_instance
	ok "auto without bpftrace counted through tracefs" ;;
sigint)
	# a stale instance of a process that is gone (SIGKILLed gupbench)
	sh -c 'exit 0' & dead=$!; wait $dead
	mkdir $T/instances/gupbench-$dead || fail "cannot make a stale instance"
	"$GB" "${RUN[@]}" -r 6 -T 1 --ipi-observer=tracefs >"$LOG" 2>&1 & pid=$!
	sleep 4
	[ -d $T/instances/gupbench-$pid ] || { kill -KILL $pid; fail "no instance while running"; }
	[ -d $T/instances/gupbench-$dead ] && { kill -KILL $pid; fail "stale instance not removed"; }
	kill -INT $pid
	wait $pid; rc=$?
	[ $rc -eq 130 ] || fail "exit $rc after SIGINT, not 130"
	F=$(facts); echo "$F"
	[ "$(val attribution)" != "" ] || fail "observers.json not written"
	no_instance
	ok "SIGINT: exit 130, observers.json written ($(val status)), instance removed" ;;
*)
	echo "usage: $0 GUPBENCH agree|tracefs|fallback|sigint|bad" >&2
	exit 2 ;;
esac
