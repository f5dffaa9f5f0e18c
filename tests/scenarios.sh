#!/bin/bash
# The scenario matrices have one owner, scripts/scenarios.txt (read through
# scripts/scenarios): every consumer's --list (the scenarios it would run,
# "LABEL ARGS") must equal the table's rows, for the real table and for an
# altered one given through $GUPBENCH_SCENARIOS (rows reordered, one dropped
# per set, a marker argument on each), which fails any consumer that keeps
# a list of its own. Also: the table is well formed and a malformed one is
# caught; compare-kernels --help describes the table's rows; the arguments
# the CI proofs rely on, pinned.
# usage: scenarios.sh   (no root, no build; ~3 s)
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SC=$ROOT/scripts/scenarios
T=$(mktemp -d "${TMPDIR:-/tmp}/gupbench-scen.XXXXXX")
trap 'rm -rf "$T"' EXIT
pass=0 failed=0
ok() { echo "ok: $*"; pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; failed=$((failed + 1)); }
KNOB=$("$ROOT/scripts/compare-kernels" --knob-of cond-switch)

# expect SET [ARGS...]: "LABEL ARGS" for each row of SET, from the reader
expect() {
	local set=$1 l
	shift
	for l in $("$SC" list "$set"); do echo "$l $("$SC" args "$set" "$l" "$@")"; done
}

# consumers: the --list of each, for the table in $GUPBENCH_SCENARIOS
consumer() {
	case $1 in
	bench) "$ROOT/scripts/bench" --list ;;
	race) "$ROOT/scripts/race-stress" --list ;;
	integration) bash "$ROOT/tests/integration.sh" /nonexistent --list ;;
	compare) "$ROOT/scripts/compare-kernels" --list -s "$("$SC" list compare | paste -sd' ')" ;;
	esac
}
params() {	# the reader arguments each consumer gives
	case $1 in
	integration) echo DIR=DIR ;;
	compare) echo "--cpus 1 2 3 KNOB=$KNOB" ;;
	esac
}

compare_all() {	# compare_all TAG
	local c
	for c in bench integration compare race; do
		# shellcheck disable=SC2046
		expect "$c" $(params "$c") >"$T/want" 2>"$T/err" || { bad "$1: reader failed for $c: $(cat "$T/err")"; continue; }
		consumer "$c" >"$T/got" 2>"$T/err"
		if [ -s "$T/want" ] && diff -u "$T/want" "$T/got" >"$T/diff"; then
			ok "$1: $c --list = the table's $c rows ($(wc -l <"$T/got") scenarios)"
		else
			bad "$1: $c --list differs from the table's $c rows:"; sed 's/^/    /' "$T/diff" "$T/err"
		fi
	done
}

"$SC" check && ok "scripts/scenarios.txt is well formed" || bad "scenarios check"
compare_all "real table"

# pinned: what ci-kernel-proof / ci-arm64-proof and the docs' results rely on
pin() {	# pin WANT SET LABEL [ARGS...]
	local want=$1 got
	shift
	got=$("$SC" args "$@")
	[ "$got" = "$want" ] && ok "pinned: $1 $2 -> $got" || bad "$1 $2: '$got', want '$want'"
}
pin "vmsplice -C 1 -t collapse --trigger-cpus 2 --trigger-mm other --rt-cpus 3" compare other --cpus 1 2 3
pin "gup-test -p 64 --gup-calls 64 -C 1 -t collapse --trigger-cpus 2 --trigger-mm same --rt-cpus 3" compare same-gup --cpus 1 2 3
pin "vmsplice -C 1 -t collapse --trigger-cpus 0 --trigger-mm other" compare other --cpus 1 0 -
pin "vmsplice --no-bpftrace -C 1" compare walk --cpus 1 2 3
got=$("$ROOT/scripts/compare-kernels" --list --cpus 2 -s other)
[ "$got" = "cpus=2 other vmsplice -C 1 -t collapse --trigger-cpus 0 --trigger-mm other" ] &&
	ok "compare-kernels --cpus 2: no RT CPU" || bad "compare-kernels --cpus 2 --list: '$got'"

# an altered table: each set reversed, its last row (first after reversal)
# dropped, a marker argument on every row
awk '/^[[:space:]]*(#|$)/ { next }
	{ $6 = ($6 == "-" ? "" : $6) " --marker-" $2; sub(/^ /, "", $6); row[$1] = $0 "\n" row[$1]; n[$1]++ }
	END { for (s in row) { sub(/^[^\n]*\n/, "", row[s]); printf "%s", row[s] } }' \
	"$ROOT/scripts/scenarios.txt" >"$T/altered.txt"
export GUPBENCH_SCENARIOS=$T/altered.txt
"$SC" check && ok "altered table is well formed" || bad "altered table check"
compare_all "altered table"
# compare-kernels --help lists the table's compare rows, not its own words
"$ROOT/scripts/compare-kernels" --help >"$T/help" 2>&1
"$SC" describe compare | sed 's/^/  /' >"$T/want"
if grep -qF -- --marker- "$T/want" && grep -qxFf "$T/want" "$T/help" &&
	[ "$(grep -cxFf "$T/want" "$T/help")" = "$(wc -l <"$T/want")" ]; then
	ok "altered table: compare-kernels --help lists its $(wc -l <"$T/want") compare rows"
else
	bad "compare-kernels --help does not list the altered table's compare rows"
fi
if diff -q <(consumer bench) <(GUPBENCH_SCENARIOS='' consumer bench) >/dev/null; then
	bad "altered table did not change bench --list (the test cannot see drift)"
fi

# a malformed table is caught
printf 'bench x vmsplice collapse both -\nbench y walker - -\nbench x vmsplice - - -\n' >"$T/bad.txt"
GUPBENCH_SCENARIOS=$T/bad.txt "$SC" check 2>"$T/err"
[ $? = 1 ] && [ "$(wc -l <"$T/err")" -ge 3 ] && ok "malformed table: $(wc -l <"$T/err") errors" ||
	bad "malformed table not caught: $(cat "$T/err")"
GUPBENCH_SCENARIOS=$T/bad.txt "$SC" args bench nope 2>/dev/null
[ $? = 2 ] && ok "unknown label: exit 2" || bad "unknown label not exit 2"
echo "$pass passed, $failed failed"
[ $failed = 0 ]
