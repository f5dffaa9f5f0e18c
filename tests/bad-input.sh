#!/bin/bash
# Bad input: one clear line on stderr, exit status 2, no results left
# looking complete.
set -u
GB=$1
OUT=$(mktemp -d "${TMPDIR:-/tmp}/gupbench-bad.XXXXXX")
trap 'rm -rf "$OUT"' EXIT
TMPFS=$(mktemp -d /dev/shm/gupbench-bad.XXXXXX 2>/dev/null || true)
NCPU=$(nproc)
EXPECT_GB=$GB EXPECT_OUT=$OUT
. "$(dirname "$0")/expect.sh"

expect "unknown workload 'frob'" frob
expect "unknown trigger 'explode'" vmsplice -t explode
expect "bad CPU list '1-'" vmsplice -C 1-
expect "bad CPU list 'x'" vmsplice -C x
expect "bad CPU list '0,,1'" vmsplice -C 0,,1
expect "is not online" vmsplice -C $((NCPU + 5))
expect "is not online" vmsplice -t collapse --trigger-cpus 1000
expect "overlap" vmsplice -C 0-1 -t collapse --trigger-cpus 1
expect "--pages: 0 is out of range" vmsplice -p 0
expect "--pages: 100000 is out of range" vmsplice -p 100000
expect "--pages: 'eight' is not a number" vmsplice -p eight
expect "--runs: 0 is out of range" vmsplice -r 0
expect "--run-time" vmsplice -T 0
expect "--run-time" vmsplice -T 1e9
expect "--inject-ns" vmsplice --inject-ns -5
expect "--trigger-mm" vmsplice -t collapse --trigger-mm both
expect "need --trigger" vmsplice --trigger-mm same
expect "--target-size" odirect --target /var/tmp --target-size 3Q
expect "needs --target" odirect
expect "No such file" odirect --target /nonexistent/dir
expect "must be a block device or a directory" odirect --target /etc/passwd
[ -n "$TMPFS" ] && expect "do not pin user pages" odirect --target "$TMPFS"
expect "only for the odirect" vmsplice --target /var/tmp
expect "--variant" vmsplice --variant 'a b'
expect "bad option '--frob'" vmsplice --frob
expect "unexpected argument" vmsplice extra
expect "not writable" vmsplice -o /proc/version/x

# none of the above may leave a results directory behind
left=$(ls -A "$OUT")
if [ -n "$left" ]; then
	echo "FAIL: bad input left results: $left"
	failed=$((failed + 1))
else
	passed=$((passed + 1))
fi
[ -n "$TMPFS" ] && rmdir "$TMPFS"
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
