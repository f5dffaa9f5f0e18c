#!/bin/bash
# Resource faults, for real (root: mounts and cgroups).
#
#   results-full    -o on a full 16 KiB tmpfs: exit 2 before measuring
#                   (< 2 s), one line naming the path and the errno,
#                   nothing left behind
#   results-later   -o on a tmpfs with room for the first files only (an
#                   inode limit): the write that fails later is named with
#                   its path and errno, exit 1, manifest "failed", no *.tmp
#   hugetlb-gone    the huge pages the hugetlb-unshare trigger checked are
#                   not obtainable at its mmap(): a hugetlb cgroup whose
#                   reservation limit is 0 makes that mmap() fail with
#                   ENOMEM, which is what another writer of
#                   vm.nr_hugepages does between the check and the mmap.
#                   Exit 77, the reason in the manifest's "skipped" list,
#                   nr_hugepages as before
# usage: faults.sh GUPBENCH CASE
set -u
GB=$1
CASE=$2
export PYTHONPATH=$(cd "$(dirname "$0")/../scripts" && pwd)${PYTHONPATH:+:$PYTHONPATH}	# gupbench_results
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (mounts a tmpfs / makes a cgroup)"; exit 77; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/gupbench-faults.XXXXXX")
MNT=$WORK/mnt
CG=
CG_ENABLED=
cleanup() {
	mountpoint -q "$MNT" && umount "$MNT"
	if [ -n "$CG" ] && [ -d "$CG" ]; then
		# anything still in it goes back to the parent first
		while read -r p; do echo "$p" >"${CG%/*}/cgroup.procs"; done <"$CG/cgroup.procs" 2>/dev/null
		rmdir "$CG"
	fi
	[ -n "$CG_ENABLED" ] && echo "-hugetlb" >"$CG_ENABLED/cgroup.subtree_control"
	rm -rf "$WORK"
}
trap cleanup EXIT
mkdir "$MNT"
fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }
# a tmpfs on $MNT with mount options $1
tmpfs() {
	mount -t tmpfs -o "$1" gupbench-test "$MNT" 2>"$WORK/mount.err" ||
		skip "cannot mount a tmpfs ($1): $(cat "$WORK/mount.err")"
}
RUN=(vmsplice -q --warmup 0 -T 0.1 --no-bpftrace)

case $CASE in
results-full)
	tmpfs size=16k
	dd if=/dev/zero of="$MNT/fill" bs=4k count=8 2>/dev/null	# ENOSPC: full
	[ "$(df --output=avail "$MNT" | tail -1)" -eq 0 ] || fail "could not fill the tmpfs"
	t0=$(date +%s%N)
	err=$("$GB" "${RUN[@]}" -r 50 -T 1 -o "$MNT/results" 2>&1 >/dev/null)
	rc=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
	echo "exit $rc after $ms ms: $err"
	[ $rc -eq 2 ] || fail "exit $rc, want 2"
	[ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] || fail "stderr is not one line"
	[[ $err == *"$MNT/results/"* ]] || fail "the line does not name the path"
	[[ $err == *"No space left on device"* ]] || fail "the line does not give the errno"
	[ $ms -lt 2000 ] || fail "took $ms ms: it measured before finding out"
	[ "$(ls -A "$MNT")" = fill ] || fail "left behind: $(ls -AR "$MNT")" ;;
results-later)
	# inodes: the root, the results directory, INCOMPLETE, manifest.json,
	# summary.csv.tmp and one for each manifest rewrite: the checks before
	# measuring pass, a run or observer file cannot be made
	tmpfs size=1m,nr_inodes=6
	err=$("$GB" "${RUN[@]}" -r 3 -o "$MNT" 2>&1 >/dev/null)
	rc=$?
	echo "exit $rc: $err"
	[ $rc -eq 1 ] || fail "exit $rc, want 1"
	line=$(printf '%s\n' "$err" | grep 'error:')
	[ "$(printf '%s\n' "$line" | wc -l)" -eq 1 ] || fail "want one error line"
	[[ $line == *"'$MNT/"*"': No space left on device" ]] ||
		fail "the error line does not name the path and the errno"
	d=("$MNT"/*/)
	[ ${#d[@]} -eq 1 ] || fail "want one results directory"
	python3 - "${d[0]%/}" <<'PY' || fail "results directory"
import glob, sys
import gupbench_results as gr
d = sys.argv[1]
m = gr.manifest(d)
assert m["status"] == "failed", m["status"]
assert "No space left on device" in m["status_reason"], m["status_reason"]
assert not glob.glob(d + "/*.tmp"), glob.glob(d + "/*.tmp")
print("ok: manifest failed: " + m["status_reason"])
PY
	;;
hugetlb-gone)
	root=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
	[ -n "$root" ] || skip "no cgroup2 hierarchy mounted"
	grep -qw hugetlb "$root/cgroup.controllers" ||
		skip "the hugetlb controller is not available in cgroup2 at $root (bound to cgroup v1?)"
	if ! grep -qw hugetlb "$root/cgroup.subtree_control"; then
		echo "+hugetlb" >"$root/cgroup.subtree_control" 2>/dev/null ||
			skip "cannot enable the hugetlb controller in $root"
		CG_ENABLED=$root
	fi
	hsz=$(awk '/^Hugepagesize:/ { print $2 }' /proc/meminfo)
	case $hsz in
	2048) f=hugetlb.2MB.rsvd.max ;;
	*) skip "huge page size $hsz kB: no rule for its cgroup file here" ;;
	esac
	CG=$root/gupbench-test.$$
	mkdir "$CG" || skip "cannot make a cgroup in $root"
	[ -e "$CG/$f" ] || skip "no $f: kernel older than 5.7 (no hugetlb reservation limits)"
	echo 0 >"$CG/$f"
	before=$(cat /proc/sys/vm/nr_hugepages)
	OUT=$WORK/out
	bash -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' _ "$CG" \
		"$GB" "${RUN[@]}" -r 1 -C 1 -t hugetlb-unshare --trigger-cpus 0 -o "$OUT" \
		>/dev/null 2>"$WORK/err"
	rc=$?
	cat "$WORK/err"
	after=$(cat /proc/sys/vm/nr_hugepages)
	d=("$OUT"/*/)
	[ ${#d[@]} -eq 1 ] && [ -d "${d[0]}" ] || fail "want one results directory (exit $rc)"
	reason=$(python3 -c 'import sys, gupbench_results as gr
m = gr.manifest(sys.argv[1])
print("|".join([m["status"]] + [s["reason"] for s in m["skipped"] if s["what"] == "hugetlb-unshare"]))' "${d[0]}")
	case $reason in
	skipped\|"no huge pages obtainable"*|skipped\|"cannot reserve"*)
		skip "this machine has no huge pages to reserve at all: ${reason#*|}" ;;
	esac
	[ $rc -eq 77 ] || fail "exit $rc, want 77 (skip)"
	[[ $reason == "skipped|mmap 1 GiB MAP_HUGETLB: Cannot allocate memory"* ]] ||
		fail "manifest status|reason: $reason"
	[ -e "${d[0]}/INCOMPLETE" ] && fail "a skipped run left INCOMPLETE"
	[ "$before" = "$after" ] || fail "nr_hugepages $before -> $after"
	echo "ok: exit 77, skipped: ${reason#*|}; nr_hugepages $after" ;;
*)
	fail "unknown case $CASE" ;;
esac
exit 0
