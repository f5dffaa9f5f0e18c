#!/bin/bash
# scripts/ipi-attribution on a real observers.json (cond kernel, TCG guest,
# other-mm collapse, isolated CPU 3; recorded 2026-11-26) and bad input.
# usage: ipi-attribution.sh SCRIPT DATA_DIR
set -u
S=$1 D=$2
fail() { echo "FAIL: $*"; exit 1; }
out=$("$S" "$D/attribution-cond-tcg") || fail "exit $? on a good directory"
echo "$out"
grep -q "CPU 3 (rt): 513 csds queued in the runs (111 trigger events: 4.62/event), 447 outside; CAL in the runs 428" <<<"$out" ||
	fail "CPU 3 summary line"
grep -Eq "sched_ttwu_pending wakes cyclictest +506 +4.56 +313" <<<"$out" || fail "cyclictest wake-up row"
! grep -q "tlb_remove_table_smp_sync" <<<"$out" || fail "cond sent a sync IPI to CPU 3?"
out=$("$S" --cpu 0 "$D/attribution-cond-tcg") || fail "--cpu 0"
grep -q "CPU 0 (idle)" <<<"$out" || fail "--cpu 0 shows CPU 0"
"$S" /nonexistent 2>/dev/null; [ $? = 2 ] || fail "missing dir: not exit 2"
"$S" --cpu x "$D/attribution-cond-tcg" 2>/dev/null; [ $? = 2 ] || fail "--cpu x: not exit 2"
"$S" 2>/dev/null; [ $? = 2 ] || fail "no argument: not exit 2"
echo "1 passed, 0 failed"
