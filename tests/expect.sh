# Sourced by the bad-input tests. expect 'message part' SUBCOMMAND ARGS...
# runs "$EXPECT_GB" SUBCOMMAND -o "$EXPECT_OUT" ARGS... and wants exit 2 with
# exactly one line on stderr containing the message; counts passed/failed.
passed=0 failed=0
expect() {
	local want=$1 err rc
	shift
	err=$("$EXPECT_GB" "$1" -o "$EXPECT_OUT" "${@:2}" 2>&1 >/dev/null)
	rc=$?
	if [ $rc -ne 2 ]; then
		echo "FAIL: gupbench $*: exit $rc, want 2 (stderr: $err)"
		failed=$((failed + 1))
	elif [ "$(printf '%s\n' "$err" | wc -l)" -ne 1 ] || [[ $err != *"$want"* ]]; then
		echo "FAIL: gupbench $*: stderr '$err' lacks '$want' or is not one line"
		failed=$((failed + 1))
	else
		echo "ok: $* -> $err"
		passed=$((passed + 1))
	fi
}
