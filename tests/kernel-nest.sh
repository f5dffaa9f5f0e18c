#!/bin/bash
# tests/kernel-nest.sh REPO_ROOT
#
# A GUP-fast walk nested inside another on the same CPU (what a PMU NMI's
# perf_virt_to_phys() does; TCG has no PMU NMIs) must leave the outer walk
# announced. The cond-switch kernel (patches/cond-switch, on cond) has a
# self-test for it: /sys/kernel/debug/pt_walk_lockless_nest_test. Builds
# cond-switch (scripts/build-kernel; ccache), boots it once in QEMU and
# asserts:
#   - write 1, 200 times (cond's nesting: the nested walk puts back the
#     slot it found): 200 runs, 0 skipped, 0 violations;
#   - write 2, 20 times (the nested walk ended as v4 ends it: slot
#     cleared): 20 more violations, so the check can fail.
# Exit: 0 passed, 1 failed, 2 bad usage, 77 skipped (no qemu, not root).
set -uo pipefail
[ $# = 1 ] && [ -d "$1/patches/cond-switch" ] || { echo "usage: $0 REPO_ROOT" >&2; exit 2; }
ROOT=$(cd "$1" && pwd)
skip() { echo "SKIP: $*"; exit 77; }
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 missing (apt-get install qemu-system-x86)"
[ "$(id -u)" = 0 ] || skip "needs root (the guest's root is the host's / over 9p)"
OUT=${OUT:-$ROOT/results/kernel-nest-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT" && OUT=$(cd "$OUT" && pwd)
pass=0 fail=0
check() { if [ "$2" = "$3" ]; then echo "PASS: $1 ($2)"; pass=$((pass + 1)); else echo "FAIL: $1: got '$2', want '$3'"; fail=$((fail + 1)); fi; }

echo "building cond-switch (log: $OUT/build-kernel.log)"
IMG=$("$ROOT/scripts/build-kernel" cond-switch 2>"$OUT/build-kernel.log" | tail -1) && [ -f "$IMG" ] ||
	{ tail -5 "$OUT/build-kernel.log"; echo "FAIL: build-kernel cond-switch"; echo "0 passed, 1 failed"; exit 1; }

cat >"$OUT/guest.sh" <<'EOF'
d=/sys/kernel/debug
[ -e $d/pt_walk_lockless_nest_test ] || mount -t debugfs none $d
[ -e $d/pt_walk_lockless_nest_test ] || { echo "no $d/pt_walk_lockless_nest_test"; exit 3; }
for i in $(seq 200); do echo 1 >$d/pt_walk_lockless_nest_test || exit 4; done
echo "after1 $(cat $d/pt_walk_lockless_nest_result)"
for i in $(seq 20); do echo 2 >$d/pt_walk_lockless_nest_test || exit 5; done
echo "after2 $(cat $d/pt_walk_lockless_nest_result)"
EOF
"$ROOT/scripts/vm-run" -q -k "$IMG" -r "$OUT/vm" -s 2 -t 600 -- bash "$OUT/guest.sh" >"$OUT/vm-run.out" 2>&1
rc=$?
log=$OUT/vm/.vm/output.log
cat "$log" 2>/dev/null
check "guest script exit status" "$rc" 0
# "afterN runs R violations V skipped S"
field() { awk -v k="$1" -v f="$2" '$1 == k { for (i = 2; i < NF; i++) if ($i == f) print $(i + 1) }' "$log" 2>/dev/null; }
check "nested walks, cond's end: runs" "$(field after1 runs)" 200
check "nested walks, cond's end: skipped (tracking on, argv page present)" "$(field after1 skipped)" 0
check "nested walks, cond's end: slot still names the mm after the nested walk (violations)" "$(field after1 violations)" 0
check "nested walks, v4's end: the check catches the cleared slot (violations)" "$(field after2 violations)" 20
echo "$pass passed, $fail failed"
[ $fail = 0 ]
