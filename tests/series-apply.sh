#!/bin/bash
# series-apply REPO_ROOT: every series applies to its pinned kernel source,
# by the apply the build uses (scripts/kernel-source apply, which
# scripts/build-kernel calls), and the pin is enforced. No kernel is built:
# drift shows in minutes, not in the 40-minute proof.
#   1 each base of patches/SOURCES with a series folder: the pinned .deb is
#     fetched (or taken from .kbuild/sources/), its sha256 checked, and every
#     variant's series applies exactly (no 3-way merge, no fuzz)
#   2 a .deb whose sha256 differs from the pin is refused (exit 2, one line,
#     nothing imported)
#   3 a pinned version the archive no longer serves: exit 2 and one line that
#     names it, what is served instead and the rebase-check command
# SKIP (77) only when the pinned source cannot be fetched (archive
# unreachable); a pin the archive stopped serving is a FAIL (that is drift).
set -u
[ $# = 1 ] && [ -f "$1/patches/SOURCES" ] || { echo "usage: $0 REPO_ROOT" >&2; exit 2; }
ROOT=$(cd "$1" && pwd)
KS=$ROOT/scripts/kernel-source
pass=0 fail=0
ok() { echo "PASS: $*"; pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

for b in $("$KS" bases); do
	vs=$("$KS" --base "$b" variants)
	if [ -z "$vs" ]; then
		echo "note: base $b has no series yet ($("$KS" --base "$b" info | awk '$1 == "series" {print $2}')/ holds none)"
		continue
	fi
	if ! tree=$("$KS" --base "$b" tree 2>"$TMP/err"); then
		cat "$TMP/err"
		if grep -q 'cannot reach\|cannot read the package lists' "$TMP/err"; then
			echo "SKIP: the pinned source of base $b cannot be fetched: $(tail -1 "$TMP/err")"
			exit 77
		fi
		bad "base $b: the pinned source: $(tail -1 "$TMP/err")"
		continue
	fi
	ok "base $b: pinned source $("$KS" --base "$b" info | awk '$1 == "package" || $1 == "version" {printf "%s ", $2}')at ${tree:0:12} (sha256 checked)"
	for v in $vs; do
		if c=$("$KS" --base "$b" apply "$v" 2>"$TMP/err"); then
			n=$("$KS" --base "$b" series "$v" | wc -l)
			ok "base $b: $v: $n patch(es) apply (tree ${c:0:12})"
		else
			bad "base $b: $v: $(tail -1 "$TMP/err")"
		fi
	done
done

# 2 and 3 on a private cache (KBUILD_DIR) and pin table (GUPBENCH_SOURCES)
b=$("$KS" bases | head -1)
read -r _ pkg ver sha uri suite series < <(grep -Ev '^[[:space:]]*(#|$)' "$ROOT/patches/SOURCES" | head -1)
deb=$ROOT/.kbuild/sources/${pkg}_${ver}_all.deb
mkdir -p "$TMP/kb/sources"
if [ -f "$deb" ]; then
	ln "$deb" "$TMP/kb/sources/" 2>/dev/null || cp "$deb" "$TMP/kb/sources/"
	echo "$b $pkg $ver $(printf '0%.0s' $(seq 64)) $uri $suite $series" >"$TMP/SOURCES.badsha"
	KBUILD_DIR=$TMP/kb GUPBENCH_SOURCES=$TMP/SOURCES.badsha "$KS" tree >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ $rc = 2 ] && [ "$(wc -l <"$TMP/err")" = 1 ] && grep -q "sha256 $sha, but patches/SOURCES pins 0000" "$TMP/err" &&
		[ ! -e "$TMP/kb/linux.git" ] && [ ! -s "$TMP/out" ]; then
		ok "a .deb that does not match the pinned sha256 is refused: $(cat "$TMP/err")"
	else
		bad "sha256 mismatch: exit $rc (want 2), stderr: $(head -3 "$TMP/err"), linux.git $( [ -e "$TMP/kb/linux.git" ] && echo made || echo absent)"
	fi
else
	bad "no cached $deb after step 1"
fi

echo "$b $pkg ${ver%%.*}.0.0-1 $sha $uri $suite $series" >"$TMP/SOURCES.gone"
KBUILD_DIR=$TMP/kb2 GUPBENCH_SOURCES=$TMP/SOURCES.gone "$KS" tree >"$TMP/out" 2>"$TMP/err"
rc=$?
if grep -q 'cannot reach\|cannot read the package lists' "$TMP/err"; then
	echo "SKIP: the archive cannot be reached: $(tail -1 "$TMP/err")"; exit 77
fi
if [ $rc = 2 ] && [ "$(wc -l <"$TMP/err")" = 1 ] &&
	grep -q "$pkg ${ver%%.*}.0.0-1 (pinned in patches/SOURCES) is no longer served by .*; it serves [0-9].*: try the series on it with scripts/rebase-check --base $b [0-9]" "$TMP/err" &&
	[ ! -e "$TMP/kb2/linux.git" ]; then
	ok "a pinned version the archive no longer serves: exit 2, one line: $(cat "$TMP/err")"
else
	bad "pinned version not served: exit $rc (want 2), stderr: $(head -3 "$TMP/err")"
fi

echo "$pass passed, $fail failed"
[ $fail = 0 ]
