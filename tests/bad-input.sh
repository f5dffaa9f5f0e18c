#!/bin/bash
# Bad input: one clear line on stderr, exit status 2, no results left
# looking complete.
set -u
GB=$1
OUT=$(mktemp -d "${TMPDIR:-/tmp}/gupbench-bad.XXXXXX")
FILE=$(mktemp "${TMPDIR:-/tmp}/gupbench-bad-file.XXXXXX")
# A tmpfs for the odirect refusal: /dev/shm, else one mounted here (root).
# Without either, the case is reported as not run and the test SKIPs.
TMPFS= TMPFS_MNT= TMPFS_WHY=
if TMPFS=$(mktemp -d /dev/shm/gupbench-bad.XXXXXX 2>/dev/null) &&
   [ "$(stat -f -c %T "$TMPFS")" = tmpfs ]; then
	:
else
	[ -n "$TMPFS" ] && rmdir "$TMPFS"
	TMPFS=$(mktemp -d "${TMPDIR:-/tmp}/gupbench-bad-tmpfs.XXXXXX")
	if mount -t tmpfs -o size=1m gupbench-bad "$TMPFS" 2>/dev/null; then
		TMPFS_MNT=$TMPFS
	else
		TMPFS_WHY="no tmpfs to test the odirect refusal on: /dev/shm is not a usable tmpfs and mounting one was refused"
		rmdir "$TMPFS"
		TMPFS=
	fi
fi
cleanup() {
	rm -rf "$OUT" "$FILE"
	if [ -n "$TMPFS_MNT" ]; then
		umount "$TMPFS_MNT" && rmdir "$TMPFS_MNT"
	elif [ -n "$TMPFS" ]; then
		rmdir "$TMPFS"
	fi
}
trap cleanup EXIT
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
if [ -n "$TMPFS" ]; then
	expect "do not pin user pages" odirect --target "$TMPFS"
else
	echo "NOT RUN: $TMPFS_WHY"
fi
# directories where no file can be made (root passes access(W_OK) there)
expect "--target /proc" odirect --target /proc
expect "--target /sys/kernel/mm" odirect --target /sys/kernel/mm
expect "only for the odirect" vmsplice --target /var/tmp
expect "--variant" vmsplice --variant 'a b'
expect "bad option '--frob'" vmsplice --frob
expect "unexpected argument" vmsplice extra
expect "Not a directory" vmsplice -o /proc/version/x
expect "'$FILE' is not a directory" vmsplice -o "$FILE"

# not bad input: overlapping CPU lists are merged as in the kernel's
# cpulist format, and --help says so (the merge itself: unit-cpulist)
if "$GB" --help | tr -s ' \n' ' ' | grep -q "overlapping ranges (0-1,1) are merged"; then
	echo "ok: --help documents that overlapping CPU lists are merged"
	passed=$((passed + 1))
else
	echo "FAIL: --help does not say that overlapping CPU lists are merged"
	failed=$((failed + 1))
fi

# none of the above may leave a results directory behind
left=$(ls -A "$OUT")
if [ -n "$left" ]; then
	echo "FAIL: bad input left results: $left"
	failed=$((failed + 1))
else
	passed=$((passed + 1))
fi
echo "$passed passed, $failed failed"
[ $failed -eq 0 ] || exit 1
if [ -n "$TMPFS_WHY" ]; then
	echo "SKIP: $TMPFS_WHY (every other case passed)"
	exit 77
fi
