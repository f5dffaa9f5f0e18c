#!/bin/bash
# Signals at several points of a run, for real. Each case starts gupbench
# in its own session (setsid), so that every process of the run -- the
# trigger process (threads gbt<pid>), the hugetlb children (gbu<pid>),
# perf, bpftrace -- can be found by session id whatever its process group.
#
#   kill-collapse, kill-hugetlb   SIGKILL the main process: within 2 s no
#                                 process of the run is left; a new run
#                                 then exits 0
#   int-warmup, int-mid,          one SIGINT to the process group during the
#   int-last, int-end             warm-up, in the middle of the measured runs,
#                                 right after the last run, and once the
#                                 trigger process is reaped (while the
#                                 observers are stopped)
#   int-child-first               SIGINT to the trigger process, 10 ms later
#                                 to the main process (the old code took
#                                 that for a double Ctrl-C)
#   int-child-only                SIGINT to the trigger process only
#   int-double                    two SIGINTs to the group 20 ms apart
#
# After a SIGINT: exit 130 with a directory whose manifest says
# "interrupted" (or, for int-last/int-end only, exit 0 and "complete" when the
# signal came after the results were final), INCOMPLETE saying why,
# observers.json, the runs done with their summary, no *.tmp, no process
# left, nr_hugepages and THP as before.
# usage: signals.sh GUPBENCH CASE
set -u
GB=$1
export PYTHONPATH=$(cd "$(dirname "$0")/../scripts" && pwd)${PYTHONPATH:+:$PYTHONPATH}	# gupbench_results
CASE=$2
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (huge pages, THP, tracing; signals to a root run)"; exit 77; }
command -v setsid >/dev/null || { echo "SKIP: setsid (util-linux) not installed"; exit 77; }
OUT=$(mktemp -d "${TMPDIR:-/tmp}/gupbench-sig.XXXXXX")
LOG=$OUT.log
pid=
cleanup() {
	[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
	rm -rf "$OUT" "$LOG"
}
trap cleanup EXIT
THP=/sys/kernel/mm/transparent_hugepage/enabled
hp_before=$(cat /proc/sys/vm/nr_hugepages)
thp_before=$(cat $THP 2>/dev/null)
NCPU=$(nproc)
[ "$NCPU" -ge 2 ] || { echo "SKIP: needs 2 CPUs (walker and trigger)"; exit 77; }
CPUS=(-C 1 --trigger-cpus 0)

fail() {
	echo "FAIL: $*"
	[ -s "$LOG" ] && sed 's/^/  log: /' "$LOG"
	exit 1
}

# every task (thread) of session $1, as "pid tid comm"
session_tasks() {
	ps -eL -o pid=,lwp=,sid=,comm= | awk -v s="$1" '$3 == s { print $1, $2, $4 }'
}
# processes left of run $1: its session, or its trigger task names
leftovers() {
	{ session_tasks "$1"; ps -eL -o pid=,lwp=,comm= | awk -v t="gbt$1" -v u="gbu$1" \
		'$3 == t || $3 == u { print $1, $2, $3 }'; } | sort -u
}
assert_gone() {	# assert_gone PID: nothing of the run within 2 s
	local left
	for _ in $(seq 40); do
		left=$(leftovers "$1")
		[ -z "$left" ] && return 0
		sleep 0.05
	done
	fail "processes of run $1 still there 2 s later: $(echo "$left" | tr '\n' ';')"
}
# start ARGS...: gupbench in a new session, pid in $pid
start() {
	setsid "$GB" vmsplice -o "$OUT" "${CPUS[@]}" "$@" >/dev/null 2>"$LOG" &
	pid=$!
}
wait_for() {	# wait_for WHAT CMD... : poll up to 30 s
	local what=$1
	shift
	for _ in $(seq 3000); do
		"$@" && return 0
		kill -0 "$pid" 2>/dev/null || fail "gupbench exited before $what"
		sleep 0.01
	done
	fail "timed out waiting for $what"
}
has_trigger() { ps -eL -o lwp=,comm= | awk -v t="gbt$pid" '$2 == t { f = 1 } END { exit !f }'; }
log_has() { grep -q -- "$1" "$LOG"; }
# the trigger process: not the main one, has a gbt<pid> thread
trigger_pid() {
	ps -eL -o pid=,comm= | awk -v t="gbt$pid" -v m="$pid" '$2 == t && $1 != m { print $1; exit }'
}
finish() {	# finish: wait for gupbench, exit status in $rc
	wait "$pid"
	rc=$?
}
state_restored() {
	[ "$(cat /proc/sys/vm/nr_hugepages)" = "$hp_before" ] ||
		fail "nr_hugepages $hp_before -> $(cat /proc/sys/vm/nr_hugepages)"
	[ "$(cat $THP 2>/dev/null)" = "$thp_before" ] ||
		fail "THP enabled '$thp_before' -> '$(cat $THP)'"
}
# check_dir WANT_STATUS [strict]: the one results directory is consistent
check_dir() {
	local want=$1 d
	d=("$OUT"/*/)
	[ ${#d[@]} -eq 1 ] && [ -d "${d[0]}" ] || fail "want one results directory, have: $(ls "$OUT")"
	python3 - "${d[0]%/}" "$want" "${2:-}" <<'PY' || fail "results directory check"
import glob, os, sys
import gupbench_results as gr
d, want, strict = sys.argv[1], sys.argv[2], sys.argv[3] == "strict"
def bad(msg):
    print("FAIL: %s: %s" % (d, msg)); sys.exit(1)
m = gr.manifest(d)
if m["status"] != want:
    bad("manifest status %r, want %r" % (m["status"], want))
tmp = glob.glob(d + "/*.tmp")
if tmp:
    bad("temporary files left: %s" % tmp)
inc = os.path.exists(d + "/INCOMPLETE")
if want == "complete":
    if inc:
        bad("complete run has INCOMPLETE")
    for f in ("summary.json", "summary.csv", "observers.json"):
        if not os.path.exists(d + "/" + f):
            bad(f + " missing")
    print("ok: complete run, %d runs" % m["runs_completed"])
    sys.exit(0)
if not inc or "interrupted" not in open(d + "/INCOMPLETE").read():
    bad("interrupted run without INCOMPLETE saying so")
if "interrupted" not in m.get("status_reason", ""):
    bad("status_reason %r" % m.get("status_reason"))
n = m["runs_completed"]
runs = sorted(glob.glob(d + "/run-*.json"))
if len(runs) != n:
    bad("%d run files for runs_completed %d" % (len(runs), n))
for r in runs:
    gr.load_json(r)
if strict and not os.path.exists(d + "/observers.json"):
    bad("observers.json missing")
if os.path.exists(d + "/observers.json"):
    gr.observers(d)
if n:
    s = gr.summary(d)
    if s["runs"] != n or s.get("interrupted") is not True:
        bad("summary.json runs %r interrupted %r" % (s["runs"], s.get("interrupted")))
    rows = open(d + "/summary.csv").read().splitlines()
    if len(rows) != n + 1:
        bad("summary.csv has %d rows for %d runs" % (len(rows) - 1, n))
elif os.path.exists(d + "/summary.csv") or os.path.exists(d + "/summary.json"):
    bad("summary without any run")
print("ok: %s: %s; %d runs kept; observers.json %s" % (m["status"], m["status_reason"], n,
      "present" if os.path.exists(d + "/observers.json") else "absent"))
PY
}
# interrupted [strict|loose]: exit 130 and an interrupted directory, clean
interrupted() {
	[ "$rc" -eq 130 ] || fail "exit status $rc, want 130"
	check_dir interrupted "${1:-strict}"
	assert_gone "$pid"
	state_restored
}

case $CASE in
kill-collapse|kill-hugetlb)
	if [ "$CASE" = kill-collapse ]; then
		args=(-t collapse --trigger-mm other --no-bpftrace)
	else
		# bpftrace too, where it works: it must die with gupbench
		args=(-t hugetlb-unshare --trigger-mm other)
	fi
	start -q --warmup 0 -r 3 -T 1 "${args[@]}"
	wait_for "the trigger to run" has_trigger
	sleep 0.3
	tp=$(trigger_pid)
	[ -n "$tp" ] || fail "no trigger process found"
	echo "run $pid: trigger process $tp; tasks: $(session_tasks "$pid" | awk '{print $3}' | sort | uniq -c | tr -s ' \n' ' ')"
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null
	assert_gone "$pid"
	echo "ok: SIGKILL of $pid left no process of the run within 2 s"
	# SIGKILL cannot restore settings: put nr_hugepages back for the next check
	echo "$hp_before" >/proc/sys/vm/nr_hugepages
	pid=
	rm -rf "${OUT:?}"/*
	start -q --warmup 0 -r 1 -T 0.1 "${args[@]}"
	finish
	[ "$rc" -eq 0 ] || fail "the run after the SIGKILL exited $rc"
	check_dir complete
	assert_gone "$pid"
	state_restored ;;
int-warmup)
	start --warmup 1 -r 2 -T 1 -t hugetlb-unshare --trigger-mm other --no-bpftrace
	wait_for "the trigger to run" has_trigger
	sleep 0.3
	log_has "warm-up 1/1 done" && fail "warm-up ended too soon for this test"
	kill -INT -- "-$pid"
	finish
	interrupted ;;
int-mid)
	start --warmup 0 -r 4 -T 0.3 -t collapse --trigger-mm other
	wait_for "run 1" log_has "run 1/4"
	kill -INT -- "-$pid"
	finish
	interrupted ;;
int-last|int-end)
	# int-last: the signal lands as soon as the last run is reported;
	# int-end: once the trigger process is gone (stopped and reaped), while
	# bpftrace is stopped and observers.json written -- where the old code
	# took the signal for a second one and left a "running" manifest
	start --warmup 0 -r 1 -T 0.3 -t collapse --trigger-mm other
	if [ "$CASE" = int-last ]; then
		wait_for "the last run" log_has "run 1/1"
	else
		wait_for "the trigger to run" has_trigger
		tp=$(trigger_pid)
		[ -n "$tp" ] || fail "no trigger process found"
		while [ -d "/proc/$tp" ] && kill -0 "$pid" 2>/dev/null; do sleep 0.002; done
	fi
	kill -INT -- "-$pid"
	finish
	if [ "$rc" -eq 0 ]; then
		echo "(the signal came after the results were final)"
		check_dir complete
		assert_gone "$pid"
		state_restored
	else
		interrupted
	fi ;;
int-child-first)
	start --warmup 0 -r 4 -T 0.3 -t hugetlb-unshare --trigger-mm other --no-bpftrace
	wait_for "run 1" log_has "run 1/4"
	tp=$(trigger_pid)
	[ -n "$tp" ] || fail "no trigger process found"
	kill -INT "$tp"
	sleep 0.01
	kill -INT "$pid"
	finish
	interrupted ;;
int-child-only)
	start --warmup 0 -r 4 -T 0.3 -t collapse --trigger-mm other --no-bpftrace
	wait_for "run 1" log_has "run 1/4"
	tp=$(trigger_pid)
	[ -n "$tp" ] || fail "no trigger process found"
	kill -INT "$tp"
	finish
	interrupted ;;
int-double)
	start --warmup 0 -r 4 -T 0.3 -t hugetlb-unshare --trigger-mm other
	wait_for "run 1" log_has "run 1/4"
	kill -INT -- "-$pid"
	sleep 0.02
	kill -INT -- "-$pid"
	finish
	interrupted loose ;;
*)
	fail "unknown case $CASE" ;;
esac
exit 0
