# Sourced by the kernel proofs (scripts/ci-kernel-proof, scripts/ci-arm64-proof):
# their shared harness. proof_init NAME DEFAULT_OUT sets OUT, LOG, T0; then
#   say MSG            timestamped line on stdout and in $LOG
#   step NAME          "step done: NAME (N s)" since the previous step
#   check NAME RC DETAIL   PASS (RC 0) or FAIL, counted
#   finish             total time, the final "N passed, N failed"; exit 0 only
#                      when none failed and one passed
#   skip REASON        exit 77 with the reason
#   proof_packages SET installs scripts/deps SET (architecture-aware check,
#                      --no-install-recommends); not root and missing: skip
#   guest_status DIR SCENARIO...  echoes each scenario's guest exit status;
#                      returns 1 unless every one is 0 (a skip, 77, fails)
#   get SET SCENARIO KEY...  a key path into SET's latest run of SCENARIO's
#                      observers.json (scripts/gupbench_results.py get)
# and the key paths Q N / R N (sync IPIs queued for / entered on CPU N), EV
# (trigger events), num VALUE (a count).
# shellcheck shell=bash
proof_init() {
	PROOF=$1
	OUT=${CI_PROOF_OUT:-$2}
	mkdir -p "$OUT" && OUT=$(cd "$OUT" && pwd) || exit 2
	LOG=$OUT/$PROOF.log
	T0=$(date +%s) step_t=$(date +%s) PASS=0 FAIL=0
}
say() { printf '[%s %5ss] %s\n' "$PROOF" "$(( $(date +%s) - T0 ))" "$*" | tee -a "$LOG"; }
step() { local now; now=$(date +%s); say "step done: $1 ($(( now - step_t )) s)"; step_t=$now; }
check() { # check NAME COND-EXIT-STATUS DETAIL
	if [ "$2" = 0 ]; then PASS=$((PASS + 1)); say "PASS: $1 ($3)"
	else FAIL=$((FAIL + 1)); say "FAIL: $1 ($3)"; fi
}
finish() {
	say "total $(( $(date +%s) - T0 )) s; results in $OUT"
	echo "$PASS passed, $FAIL failed" | tee -a "$LOG"
	[ "$FAIL" = 0 ] && [ "$PASS" -gt 0 ]
	exit $?
}
skip() { say "SKIP: $1"; echo "0 passed, 0 failed (skipped: $1)" | tee -a "$LOG"; exit 77; }

proof_packages() {
	local rc
	"$ROOT/scripts/deps" "$1" >>"$LOG" 2>&1
	rc=$?
	[ $rc = 2 ] && [ "$(id -u)" != 0 ] && skip "packages missing and not root (scripts/deps $1; see $LOG)"
	[ $rc = 0 ] || { check "packages installed (scripts/deps $1)" 1 "see $LOG"; finish; }
	step "packages (scripts/deps $1)"
}

guest_status() {
	local d=$1 sc s st='' bad=0
	shift
	for sc in "$@"; do
		s=$(cat "$d/status-$sc" 2>/dev/null) || s="none (scenario did not run)"
		case $s in
		0) ;;
		77) s="77 = skipped, not a pass (why: $d/.vm/output.log)"; bad=1 ;;
		*) bad=1 ;;
		esac
		st+=" $sc: $s;"
	done
	echo "$st"
	return $bad
}

get() {
	local f
	f=$(ls "$OUT/$1"/*-"$2"/observers.json 2>/dev/null | tail -1)
	shift 2
	# shellcheck disable=SC2048,SC2086
	python3 "$ROOT/scripts/gupbench_results.py" get "$f" $*	# keys: words
}
Q() { echo "sync_ipis by_cpu_all_senders $1 count"; }
R() { echo "sync_ipis entered_by_cpu_all_senders $1 count"; }
EV="sync_ipis trigger_events"
num() { [[ $1 =~ ^[0-9]+$ ]]; }
