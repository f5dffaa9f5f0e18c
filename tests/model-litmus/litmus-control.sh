#!/bin/bash
# The control pairing (no barriers) must show the forbidden store-buffering
# outcome within a bounded time on this machine; else the litmus test
# cannot show anything. Iterations grow until it is seen (bounded).
. "$(dirname "$0")/lib.sh"
[ "$(nproc)" -ge 2 ] || skip "needs two CPUs"
for n in 200000 1000000 4000000; do
	"$GUPBENCH" litmus --pairing none/none --iters $n --time-limit 20 \
		-o "$TMP/r$n" > "$TMP/out" 2> "$TMP/err" || { cat "$TMP/err"; fail "exit $?"; }
	d=$(results_dir "$TMP/r$n" litmus)
	f=$(json "$d/litmus.json" 'j["pairings"][0]["forbidden"]')
	it=$(json "$d/litmus.json" 'j["pairings"][0]["iterations"]')
	echo "none/none: $f forbidden in $it iterations"
	if [ "$f" -gt 0 ]; then
		json "$d/litmus.json" 'j["control_observed"]' | grep -qx True ||
			fail "control_observed not set"
		grep -q 'observed' "$TMP/out" || fail "table lacks the verdict"
		echo "ok: control observes the forbidden outcome"
		exit 0
	fi
done
cat "$TMP/out"
fail "control never showed the forbidden outcome: the test does not stress enough"
