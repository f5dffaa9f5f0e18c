#!/bin/bash
# export-series REPO_ROOT: scripts/export-series puts the user's identity in
# From:/Signed-off-by:/the shortlog of every series and leaves the diffs
# byte-identical; a placeholder or missing identity, an unknown variant and
# a non-empty output folder are refused with one line and exit 2.
set -u
[ $# = 1 ] && [ -x "$1/scripts/export-series" ] || { echo "usage: $0 REPO_ROOT" >&2; exit 2; }
ROOT=$(cd "$1" && pwd)
ES=$ROOT/scripts/export-series
pass=0 fail=0
ok() { echo "PASS: $*"; pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
ID="Jane Doe <jane@corp.com>"
for v in $("$ROOT/scripts/kernel-source" variants); do
	[ "$v" = baseline ] && continue
	if ! AUTHOR=$ID "$ES" -o "$T/$v" "$v" >/dev/null 2>"$T/err"; then bad "$v: $(cat "$T/err")"; continue; fi
	series=$(ls "$ROOT"/patches/"$v"/0*.patch | wc -l)
	got=$(ls "$T/$v"/0*.patch | wc -l)
	left=$(grep -l 'gupbench@localhost' "$T/$v"/* 2>/dev/null | wc -l)
	froms=$(grep -h '^From: ' "$T/$v"/* | sort -u)
	same=1
	for f in "$ROOT"/patches/"$v"/0*.patch; do
		cmp -s <(sed -n '/^diff --git/,$p' "$f") <(sed -n '/^diff --git/,$p' "$T/$v/$(basename "$f")") || same=0
	done
	if [ "$got" = "$series" ] && [ "$left" = 0 ] && [ "$froms" = "From: $ID" ] && [ $same = 1 ]; then
		ok "$v: $got files, From/Signed-off-by are '$ID', diffs unchanged"
	else
		bad "$v: $got of $series files, $left with the placeholder, From lines '$froms', diffs same=$same"
	fi
done
refuse() {	# refuse DESCRIPTION ENV... -- ARGS...
	local d=$1 rc; shift
	local envs=()
	while [ "$1" != -- ]; do envs+=("$1"); shift; done; shift
	(cd "$T" && env -u AUTHOR HOME="$T/home" GIT_CONFIG_NOSYSTEM=1 "${envs[@]}" "$ES" "$@") >/dev/null 2>"$T/err"; rc=$?
	if [ $rc = 2 ] && [ "$(wc -l <"$T/err")" = 1 ]; then ok "$d refused: $(cat "$T/err")"
	else bad "$d: exit $rc (want 2), stderr: $(head -2 "$T/err")"; fi
}
mkdir -p "$T/home"
refuse "no identity" -- -o "$T/x1" cond
refuse "placeholder identity" "AUTHOR=gupbench project <gupbench@localhost>" -- -o "$T/x2" cond
refuse "example.org identity" "AUTHOR=A B <a@example.org>" -- -o "$T/x3" cond
refuse "not Name <addr>" "AUTHOR=jane@corp.com" -- -o "$T/x4" cond
refuse "unknown variant" "AUTHOR=$ID" -- -o "$T/x5" nosuch
refuse "non-empty output folder" "AUTHOR=$ID" -- -o "$T/cond" cond
echo "$pass passed, $fail failed"
[ $fail = 0 ]
