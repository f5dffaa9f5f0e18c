#!/bin/bash
# --rt-timer-migration off: kernel.timer_migration is 0 while the RT CPU is
# measured (recorded in observers.json) and back to its old value after a
# complete run and after SIGINT; a bad value exits 2 with one line.
# usage: rt-timer-migration.sh GUPBENCH
set -u
GB=$1
export PYTHONPATH=$(cd "$(dirname "$0")/../scripts" && pwd)${PYTHONPATH:+:$PYTHONPATH}	# gupbench_results
K=/proc/sys/kernel/timer_migration
OUT=$(mktemp -d "${TMPDIR:-/tmp}/gupbench-tmig.XXXXXX")
trap 'rm -rf "$OUT"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
"$GB" vmsplice --rt-timer-migration maybe >"$OUT/err" 2>&1; rc=$?
[ $rc = 2 ] && [ "$(wc -l <"$OUT/err")" = 1 ] || fail "bad value: exit $rc, $(cat "$OUT/err")"
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (kernel.timer_migration)"; exit 77; }
[ -w $K ] || { echo "SKIP: no $K (kernel without NO_HZ_COMMON timer migration)"; exit 77; }
[ "$(nproc)" -ge 2 ] || { echo "SKIP: needs 2 CPUs (walker and RT CPU)"; exit 77; }
command -v cyclictest >/dev/null || { echo "SKIP: cyclictest not installed (rt-tests)"; exit 77; }
before=$(cat $K)
[ "$before" = 1 ] || { echo "SKIP: timer_migration is already $before here"; exit 77; }
"$GB" vmsplice -q -C 1 --rt-cpus 0 --rt-timer-migration off --no-bpftrace -r 1 -T 0.3 \
	--warmup 0 -o "$OUT/r" >/dev/null 2>&1 || fail "gupbench exited $?"
v=$(python3 -c 'import sys, gupbench_results as gr; print(gr.observers(gr.results_dirs(sys.argv[1])[0])["cyclictest"]["timer_migration"])' "$OUT/r")
[ "$v" = 0 ] || fail "observers.json says timer_migration $v during the run, not 0"
[ "$(cat $K)" = "$before" ] || fail "not restored after the run: $(cat $K)"
"$GB" vmsplice -q -C 1 --rt-cpus 0 --rt-timer-migration off --no-bpftrace -r 20 -T 0.3 \
	--warmup 0 -o "$OUT/s" >/dev/null 2>&1 & pid=$!
sleep 3
mid=$(cat $K)
kill -INT $pid; wait $pid; rc=$?
[ $rc = 130 ] || fail "exit $rc after SIGINT"
[ "$mid" = 0 ] || fail "timer_migration $mid during the run"
[ "$(cat $K)" = "$before" ] || fail "not restored after SIGINT: $(cat $K)"
echo "PASS: 0 during the runs, $before after a complete run and after SIGINT"
echo "1 passed, 0 failed"
