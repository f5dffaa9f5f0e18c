#!/bin/bash
# vm-faults.sh BZIMAGE
#
# Guest faults must not pass: boots BZIMAGE with scripts/vm-run and checks
# that a guest kernel that panics or an init that hangs makes vm-run end
# non-zero within its timeout, with the console log kept and the reason in
# .vm/FAILED. Real, deterministic triggers:
#   bad-init    init=/nonexistent              -> panic "Requested init
#               /nonexistent failed" at boot    -> 125
#   init-exits  init=/bin/false                -> panic "Attempted to kill
#               init!"                          -> 125
#   cmd-panic   the command prints a marker, then writes c to
#               /proc/sysrq-trigger: the kernel crashes in the middle of
#               the work (the marker proves vm-init ran the command; if
#               the crash did not happen the command exits 0) -> 125
#   init-hangs  init=/bin/sleep -- 100000 under a short -t -> 124 within
#               the timeout (+ vm-run's 5 s kill grace)
# Each wants the exit status, the time, a console log with the kernel's
# banner and the case's own message, FAILED naming the panic or timeout,
# and vm-run's stderr naming the console log.
# SKIP (77) with the reason when no guest kernel is given or found (the
# host's make test has none), or QEMU is missing.
# Env: VM_FAULTS_ACCEL=kvm|tcg (default: vm-run probes once),
#      VM_FAULTS_KEEP=1 keeps the results folder on success too.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
K=${1:-}
T0=$(date +%s)

skip() { echo "SKIP: $*"; exit 77; }
[ -n "$K" ] || skip "no guest kernel given (usage: vm-faults.sh BZIMAGE; build one with scripts/build-kernel baseline)"
[ -f "$K" ] || skip "no guest kernel at $K (build one with scripts/build-kernel baseline)"
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 not installed (apt-get install qemu-system-x86)"
command -v bc >/dev/null || skip "bc not installed (vm-run needs it)"

OUT=$(mktemp -d "${TMPDIR:-/tmp}/gupbench-vmfaults.XXXXXX")
PASS=0 FAIL=0
ACCEL=()
[ -n "${VM_FAULTS_ACCEL:-}" ] && ACCEL=(--accel "$VM_FAULTS_ACCEL")

ok() { PASS=$((PASS + 1)); echo "ok: $*"; }
bad() { FAIL=$((FAIL + 1)); echo "FAIL: $*"; }

# vm NAME TIMEOUT [vm-run args...] -- CMD...: sets RC, SECS, D
vm() {
	local name=$1 t=$2 s0
	shift 2
	D=$OUT/$name
	s0=$(date +%s.%N)
	"$ROOT/scripts/vm-run" -q -k "$K" -r "$D" -s 2 -m 512M -t "$t" "${ACCEL[@]}" "$@" \
		>"$OUT/$name.vm-run.out" 2>&1
	RC=$?
	SECS=$(echo "$(date +%s.%N) - $s0" | bc)
	printf '%s: vm-run exit %s after %.1f s (timeout %s s)\n' "$name" "$RC" "$SECS" "$t"
}

# expect NAME WANT_RC TIMEOUT CONSOLE_REGEX: the outcome of the last vm()
expect() {	# expect NAME WANT_RC TIMEOUT CONSOLE_REGEX FAILED_REGEX
	local name=$1 want=$2 t=$3 re=$4 fre=$5 why=()
	[ "$RC" = "$want" ] || why+=("exit $RC, want $want")
	# vm-run's timeout(1) kills after t s and again 5 s later; 10 s of slack
	[ "$(echo "$SECS <= $t + 10" | bc)" = 1 ] || why+=("took $SECS s, timeout $t s")
	[ -s "$D/.vm/console.log" ] || why+=("console log missing or empty")
	grep -q 'Linux version' "$D/.vm/console.log" 2>/dev/null ||
		why+=("console log lacks the kernel's boot banner")
	grep -Eq "$re" "$D/.vm/console.log" 2>/dev/null || why+=("console lacks /$re/")
	grep -Eq "$fre" "$D/.vm/FAILED" 2>/dev/null ||
		why+=(".vm/FAILED lacks /$fre/: '$(cat "$D/.vm/FAILED" 2>/dev/null)'")
	grep -q "console: $D/.vm/console.log" "$OUT/$name.vm-run.out" ||
		why+=("vm-run did not name the console log")
	if [ ${#why[@]} = 0 ]; then
		ok "$name: exit $RC in $(printf '%.1f' "$SECS") s; console: '$(grep -m1 -Eo "$re.{0,50}" "$D/.vm/console.log")'$([ -s "$D/.vm/FAILED" ] && echo "; FAILED: $(cat "$D/.vm/FAILED")")"
	else
		bad "$name: $(IFS=';'; echo "${why[*]}")"
		echo "  --- vm-run output:"; sed 's/^/  /' "$OUT/$name.vm-run.out"
		echo "  --- console tail:"; tail -15 "$D/.vm/console.log" 2>/dev/null | sed 's/^/  /'
	fi
}

# panics at boot, from the kernel command line (the first run probes KVM;
# the others reuse its choice)
vm bad-init 120 -a init=/nonexistent -- true
expect bad-init 125 120 'Kernel panic - not syncing: Requested init /nonexistent failed' 'kernel panic'
# kernel seconds from power-on to running init (it panicked right there)
kboot=$(sed -nE 's/^\[ *([0-9]+)\.[0-9]+\] Kernel panic.*/\1/p' "$OUT/bad-init/.vm/console.log" | head -1)
kboot=${kboot:-30}
[ ${#ACCEL[@]} = 0 ] && [ -f "$OUT/bad-init/.vm/vm.json" ] &&
	ACCEL=(--accel "$(python3 "$ROOT/scripts/gupbench_results.py" get "$OUT/bad-init/.vm/vm.json" accel | sed 's/^missing$/tcg/')")
echo "accel: ${ACCEL[1]:-?}"
vm init-exits 120 -a init=/bin/false -- true
expect init-exits 125 120 'Kernel panic - not syncing: Attempted to kill init' 'kernel panic'
# the kernel crashes while the command runs
# (the marker goes through printk, which the panic flushes to the console;
# vm-init's tee of the command's stdout may not run before the crash)
vm cmd-panic 180 -- sh -c 'echo vm-faults-crashing-now >/dev/kmsg; sleep 1; echo c >/proc/sysrq-trigger; sleep 30; exit 0'
expect cmd-panic 125 180 'Kernel panic - not syncing: sysrq triggered crash' 'kernel panic'
grep -q vm-faults-crashing-now "$OUT/cmd-panic/.vm/console.log" ||
	bad "cmd-panic: the command's marker is not on the console (did vm-init run it?)"
# init hangs: the timeout ends it. Long enough to reach init (twice the
# kernel time the bad-init run took to get there, plus 10 s, at least
# 30 s), short enough to keep the test quick.
ht=$(( kboot * 2 + 10 > 30 ? kboot * 2 + 10 : 30 ))
vm init-hangs "$ht" -a 'init=/bin/sleep -- 100000' -- true
expect init-hangs 124 "$ht" 'Run /bin/sleep as init process' "timeout after $ht s"

echo "vm-faults: $PASS passed, $FAIL failed in $(( $(date +%s) - T0 )) s"
if [ "$FAIL" = 0 ] && [ "${VM_FAULTS_KEEP:-0}" != 1 ]; then
	rm -rf "$OUT"
else
	echo "vm-faults: results kept in $OUT"
fi
[ "$FAIL" = 0 ] && [ "$PASS" -gt 0 ]
