#!/bin/bash
# `gupbench model` runs briefly here: exit 0, the table labelled with the
# CPU model and architecture, a complete results directory whose
# model.json has every variant with its statistics. SKIP (77) with the
# reason when gupbench skipped the vmsplice part.
# GUPBENCH_ARCH: the binary's architecture when it is not the host's
# (arm64-user.sh); EXPECT_EMULATED=1: the results must carry the
# user-mode emulation label, else they must not.
. "$(dirname "$0")/lib.sh"
case ${GUPBENCH_ARCH:-$(uname -m)} in
x86_64) variants="none v4 mfence xchg" ;;
aarch64) variants="none v4 raw xchg_llsc" ;;
*) skip "no sequences for $(uname -m)" ;;
esac
args=(--runs 3 --iters 200 --batches 10 --vm-calls 256 --cold-mib 8 -o "$TMP/r")
"$GUPBENCH" model "${args[@]}" > "$TMP/out" 2> "$TMP/err"
rc=$?
cat "$TMP/out"
[ $rc -eq 0 ] || { cat "$TMP/err"; fail "model exit $rc"; }
cpu=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: *//')
grep -q 'USERSPACE REPLICAS' "$TMP/out" || fail "table does not say it is a replica"
[ -z "$cpu" ] || grep -qF "CPU: $cpu" "$TMP/out" || fail "table lacks CPU model '$cpu'"
grep -qE "arch: (x86_64|arm64)" "$TMP/out" || fail "table lacks the architecture"
grep -q 'timer: ' "$TMP/out" || fail "table does not state the timer"
d=$(results_dir "$TMP/r" model)
[ -n "$d" ] && [ -f "$d/model.json" ] && [ -f "$d/manifest.json" ] ||
	fail "no results dir with model.json and manifest.json"
[ ! -e "$d/INCOMPLETE" ] || fail "results left INCOMPLETE"
[ "$(json "$d/manifest.json" 'j["status"]')" = complete ] || fail "manifest status"
j=$d/model.json
json "$j" '"not kernel" in j["what"]' | grep -qx True || fail "model.json 'what'"
for mode in hot cold; do
	for v in $variants; do
		ok=$(json "$j" "[x for x in j['walk']['$mode']['variants'] if x['name']=='$v'][0]['ns_per_call']['mean'] > 0 and len([x for x in j['walk']['$mode']['variants'] if x['name']=='$v'][0]['ns_per_call']['ci95_mean']) == 2") ||
			fail "$mode/$v missing"
		[ "$ok" = True ] || fail "$mode/$v: no positive mean / CI"
	done
	echo "ok: $mode walk: $variants"
done
json "$j" '[x["overhead_pct_vs_none"]["n"] for x in j["walk"]["hot"]["variants"]] == [3]*len(j["walk"]["hot"]["variants"])' |
	grep -qx True || fail "overhead % not over 3 runs"
vm_skip=
if json "$j" '"skipped" in j["vmsplice"]' | grep -qx True; then
	# checked below, reported as a SKIP once the other checks have run
	vm_skip=$(json "$j" 'j["vmsplice"]["skipped"]')
	json "$d/manifest.json" 'any(s["what"] == "vmsplice" for s in j["skipped"])' |
		grep -qx True || fail "vmsplice skipped but not in the manifest's skipped list"
else
	json "$j" 'all(x["ns_per_call"]["mean"] > 0 and "hot_walk_delta_as_pct_of_call" in x for x in j["vmsplice"]["variants"])' |
		grep -qx True || fail "vmsplice variants incomplete"
	echo "ok: vmsplice: $(json "$j" 'round(j["vmsplice"]["variants"][0]["ns_per_call"]["mean"])') ns per call"
fi
if [ -n "${EXPECT_EMULATED:-}" ]; then
	grep -q 'emulated: timing not meaningful' "$TMP/out" || fail "table lacks the emulation label"
	json "$j" '"emulated: timing not meaningful" in j["timing_note"]' | grep -qx True ||
		fail "model.json timing_note lacks the emulation label"
	[ "$(json "$d/manifest.json" 'j["user_mode_emulation"]["emulated"]')" = True ] ||
		fail "manifest does not record the user-mode emulation"
	echo "ok: labelled emulated: $(json "$j" 'j["timing_note"]')"
else
	! grep -q 'emulated' "$TMP/out" || fail "native run labelled emulated"
	[ "$(json "$d/manifest.json" 'j["user_mode_emulation"]["emulated"]')" != True ] ||
		fail "native run recorded as emulated"
fi
for k in source overhead_median_ns overhead_per_call_ns; do
	json "$j" "j['timer']['$k']" > /dev/null || fail "timer.$k missing"
done
# --json-only: stdout is the JSON alone
"$GUPBENCH" model --hot --runs 2 --iters 100 --batches 5 --vm-calls 0 --json-only \
	-o "$TMP/r2" > "$TMP/j.json" 2> "$TMP/err" || fail "--json-only exit $?"
json "$TMP/j.json" 'len(j["walk"]["hot"]["variants"])' > /dev/null ||
	fail "--json-only stdout is not JSON"
# The sequences around a real GUP-fast call are half of what this test
# proves: a skipped vmsplice part is a SKIP, never a pass.
[ -z "$vm_skip" ] || skip "vmsplice part of gupbench model skipped: $vm_skip (walk checks above passed)"
echo "ok: model runs, table and model.json complete"
