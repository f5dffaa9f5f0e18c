#!/bin/bash
# gupbench model and litmus for arm64, run under qemu-aarch64 user-mode
# emulation on this x86_64 machine: the static build-aarch64/gupbench
# (scripts/build-cross) runs, picks the arm64 sequences and pairings,
# writes complete, well-formed results, and labels them "emulated: timing
# not meaningful" (detected by gupbench, recorded in the manifest). A
# functional test only: under qemu-user the arm64 barriers become the
# host's, so neither the timings nor the litmus counts say anything about
# arm64 hardware (docs/model-litmus.md). On arm64 hardware, model-run and
# litmus-full run the same checks natively.
# SKIP (77) with the reason when the cross toolchain, the arm64 libraries
# or qemu-aarch64 are missing (scripts/deps cross installs them).
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
[ "$(uname -m)" = x86_64 ] || skip "emulation test for x86_64 hosts (here: $(uname -m); run model-run and litmus-full natively)"
QEMU=${QEMU_AARCH64:-qemu-aarch64}
command -v "$QEMU" >/dev/null || skip "$QEMU not installed (apt-get install qemu-user)"
command -v aarch64-linux-gnu-gcc >/dev/null ||
	skip "aarch64-linux-gnu-gcc not installed (scripts/deps cross)"
[ -f "$SRCDIR/build-aarch64-sysroot/.debs" ] ||
	skip "no arm64 jansson/GSL in build-aarch64-sysroot/ (run scripts/deps cross as root)"
t0=$(date +%s)
"$SRCDIR/scripts/build-cross" > "$TMP/build.log" 2>&1 ||
	{ cat "$TMP/build.log"; fail "scripts/build-cross failed"; }
BIN=$SRCDIR/build-aarch64/gupbench
echo "ok: static aarch64 build ($(( $(date +%s) - t0 )) s): $BIN"
printf '#!/bin/sh\nexec %s %s "$@"\n' "$QEMU" "$BIN" > "$TMP/gupbench-arm64"
chmod +x "$TMP/gupbench-arm64"
"$TMP/gupbench-arm64" --version > /dev/null || fail "the arm64 gupbench does not run under $QEMU"

# model: the same checks as natively, plus the emulation label
t0=$(date +%s)
GUPBENCH=$TMP/gupbench-arm64 GUPBENCH_ARCH=aarch64 EXPECT_EMULATED=1 \
	bash "$here/model-run.sh" || fail "model-run under $QEMU: exit $?"
echo "ok: model under $QEMU ($(( $(date +%s) - t0 )) s)"

# litmus: every pairing runs with the arm64 barriers, results complete
t0=$(date +%s)
N=${LITMUS_ITERS:-20000}
"$TMP/gupbench-arm64" litmus --iters "$N" --time-limit 24 -o "$TMP/r" \
	> "$TMP/out" 2> "$TMP/err"
rc=$?
cat "$TMP/out"
[ $rc -eq 0 ] || { cat "$TMP/err"; fail "litmus exit $rc"; }
d=$(results_dir "$TMP/r" litmus)
[ -n "$d" ] && [ -f "$d/litmus.json" ] && [ ! -e "$d/INCOMPLETE" ] || fail "no complete results"
[ "$(json "$d/manifest.json" 'j["status"]')" = complete ] || fail "manifest status"
j=$d/litmus.json
[ "$(json "$j" 'j["arch"]')" = arm64 ] || fail "litmus.json arch is not arm64"
[ "$(json "$d/manifest.json" 'j["user_mode_emulation"]["emulated"]')" = True ] ||
	fail "manifest does not record the user-mode emulation"
json "$j" '"NOT evidence" in j["timing_note"] and "emulated: timing not meaningful" in j["timing_note"]' |
	grep -qx True || fail "litmus.json timing_note lacks the emulation label"
grep -q 'emulated: timing not meaningful' "$TMP/out" || fail "table lacks the emulation label"
get() { json "$j" "[p for p in j['pairings'] if p['name']=='$1'][0]['$2']"; }
for p in none/none mb/rmb mb/mb xchg/mb mb/collapse mb/unshare; do
	it=$(get $p iterations) || fail "$p missing from litmus.json"
	[ "$it" -gt 0 ] || fail "$p ran no iterations"
done
[ "$(get mb/rmb sync_barrier)" = "dmb ishld" ] || fail "mb/rmb sync side is not dmb ishld"
for p in mb/collapse mb/unshare; do
	get $p sync_barrier | grep -q 'dsb ishst; dsb ish; dmb ishld$' ||
		fail "$p sync side is not the arm64 flush sequence: $(get $p sync_barrier)"
done
get mb/collapse sync_barrier | grep -Eq '^\[W\] (swp|ldxr/stxr);' ||
	fail "mb/collapse does not clear with a relaxed exchange"
[ "$(get mb/unshare sync_barrier | cut -d';' -f1)" = "[W] str" ] ||
	fail "mb/unshare does not clear with a plain store"
[ "$(get none/none forbidden)" -gt 0 ] ||
	fail "control saw nothing in $(get none/none iterations) iterations under $QEMU"
echo "ok: litmus under $QEMU ($(( $(date +%s) - t0 )) s): 6 arm64 pairings, control $(get none/none forbidden) forbidden"
