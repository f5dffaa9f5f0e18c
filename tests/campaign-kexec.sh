#!/bin/bash
# tests/campaign-kexec.sh REPO_ROOT
#
# scripts/campaign end to end in a QEMU guest: the guest is the "machine",
# its default kernel is baseline, and the campaign kexecs it between
# baseline, cond and inject (guest kernels with kernel-configs/kexec.config),
# 2 boots each, in the planned interleaved order. Steps:
#   1. build the three kernels (scripts/build-kernel VARIANT kexec)
#   2. campaign start --no-boot (on the host): plan, state file
#   3. safety on the host, with a stub `kexec` first in PATH (the host is
#      never kexec'd): resume without --yes refuses (exit 2, one line),
#      a corrupt copy of the state file gives exit 2 and one line, a missing
#      kernel refuses
#   4. vm-run boots the default kernel with `campaign resume DIR`; when the
#      second boot's scenarios have started, the test pulls the plug: kill -9
#      of QEMU (pid from vm-run's -pidfile), a power loss; then it records a
#      sha256 of every result file on the host
#   5. vm-run boots the default kernel again with `campaign resume DIR`:
#      the crashed boot is recorded as failed, the campaign goes on to the
#      end and runs scripts/report
#      and none of the files of the crash moment was lost or changed
#   6. checks on the host: every other boot done, with its own boot_id and
#      the planned kernel release, run dirs per boot, each set kexec'd into
#      at least twice, the report compares boots (unit "boot")
# QEMU TCG: timings are NOT hardware timings; nothing about cost is asserted.
# Env: ACCEL (tcg), RUNS (3), T (1), SCEN (walk), BOOTS (2), OUT
# (default results/campaign-kexec-<time>), GUPBENCH (build/gupbench).
# Exit: 0 passed, 1 failed, 2 bad usage, 77 skipped (reason printed).
set -uo pipefail
[ $# = 1 ] && [ -x "$1/scripts/campaign" ] || { echo "usage: $0 REPO_ROOT" >&2; exit 2; }
ROOT=$(cd "$1" && pwd)
# T 1 s, not 0.2: under TCG at host load ~11 a whole 0.2 s phase passed with
# no walker call (the guest stalled) and the runner failed that boot
ACCEL=${ACCEL:-tcg} RUNS=${RUNS:-3} T=${T:-1} SCEN=${SCEN:-walk} BOOTS=${BOOTS:-2}
G=${GUPBENCH:-$ROOT/build/gupbench}
export GUPBENCH=$G
skip() { echo "SKIP: $*"; echo "0 passed, 0 failed"; exit 77; }
[ -x "$G" ] || skip "$G missing: meson setup build && ninja -C build"
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 missing (apt-get install qemu-system-x86)"
[ -x /usr/sbin/kexec ] || [ -x /sbin/kexec ] || skip "kexec-tools missing on the host root the guest mounts (scripts/deps campaign)"
[ "$(id -u)" = 0 ] || skip "needs root (the guest's root is the host's / over 9p)"
OUT=${OUT:-$ROOT/results/campaign-kexec-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT" && OUT=$(cd "$OUT" && pwd)
C=$OUT/campaign
T0=$(date +%s) TS=$T0 P=0 F=0
say() { printf '[campaign-kexec %4ss] %s\n' "$(( $(date +%s) - T0 ))" "$*"; }
step() { say "step took $(( $(date +%s) - TS )) s"; TS=$(date +%s); }
check() { # NAME OK DETAIL
	if [ "$2" = 1 ]; then echo "PASS: $1 ($3)"; P=$((P + 1)); else echo "FAIL: $1 ($3)"; F=$((F + 1)); fi
}
end() { say "total $(( $(date +%s) - T0 )) s"; echo "$P passed, $F failed"; [ $F = 0 ]; exit $?; }

# 1. kernels
declare -A IMG
for v in baseline cond inject; do
	say "building $v with kexec (log: $OUT/build-$v.log)"
	if ! IMG[$v]=$("$ROOT/scripts/build-kernel" "$v" kexec 2>"$OUT/build-$v.log" | tail -1); then
		tail -3 "$OUT/build-$v.log"; check "build $v" 0 "build-kernel failed"; end
	fi
done
step

# 2. plan
KS=()
for v in baseline cond inject; do KS+=(-k "$v=${IMG[$v]}"); done
"$ROOT/scripts/campaign" start --no-boot -o "$C" -b "$BOOTS" -s "$SCEN" -r "$RUNS" -T "$T" \
	"${KS[@]}" baseline cond inject >"$OUT/start.log" 2>&1
rc=$?
check "campaign start --no-boot" "$([ $rc = 0 ] && [ -s "$C/campaign.json" ] && echo 1)" "exit $rc"
# every round boots each set once
bal=$(awk -F'\t' 'NR > 1 { n[$2 " " $3]++; r[$2] = 1; s[$3] = 1 }
	END { for (i in r) for (j in s) if (n[i " " j] != 1) bad++; print bad + 0 }' "$C/boots.tsv")
check "plan balanced: each set once a round" "$([ "$bal" = 0 ] && echo 1)" "$(awk -F'\t' 'NR>1{printf "%s ", $3}' "$C/boots.tsv")"
step

# 3. safety (the host: a stub kexec that only records, first in PATH)
stub=$OUT/stub && mkdir -p "$stub"
printf '#!/bin/sh\necho "$@" >>%s/kexec-calls\nexit 1\n' "$stub" >"$stub/kexec" && chmod +x "$stub/kexec"
cp -a "$C" "$OUT/copy"
msg=$(PATH=$stub:$PATH "$ROOT/scripts/campaign" resume "$OUT/copy" 2>&1 >/dev/null); rc=$?
check "no kexec without --yes" "$([ $rc = 2 ] && [ ! -e "$stub/kexec-calls" ] && [ "$(wc -l <<<"$msg")" = 1 ] && echo 1)" "exit $rc: $msg"
echo '{"version": 1, "boots": [' >"$OUT/copy/campaign.json"
msg=$(PATH=$stub:$PATH "$ROOT/scripts/campaign" resume --yes "$OUT/copy" 2>&1 >/dev/null); rc=$?
check "corrupt state: exit 2, one line" "$([ $rc = 2 ] && [ "$(wc -l <<<"$msg")" = 1 ] && [ ! -e "$stub/kexec-calls" ] && echo 1)" "exit $rc: $msg"
msg=$("$ROOT/scripts/campaign" start --no-boot -o "$OUT/copy2" -k "cond=$OUT/none" baseline cond 2>&1 >/dev/null); rc=$?
check "missing variant kernel refused" "$([ $rc = 2 ] && [ ! -e "$OUT/copy2/campaign.json" ] && echo 1)" "exit $rc: $msg"
step

# 4. the guest runs the campaign; the plug is pulled during the second boot:
# QEMU is killed with SIGKILL (its pid from vm-run's -pidfile), like a power
# loss: no shutdown, nothing flushed, no message from the guest. The point is
# controlled: boot 2 is running and its scenarios have started (the boot's
# output.log has its first lines), and boot 1's results are on the host.
vmrun() { "$ROOT/scripts/vm-run" -q -k "${IMG[baseline]}" -r "$C" -s 4 -m 2G -i 3 -t 3000 \
	--accel "$ACCEL" -- "$ROOT/scripts/campaign" resume "$C"; }
say "booting the default kernel (baseline): campaign resume; the crash comes in boot 2"
vmrun >"$OUT/vm-1.log" 2>&1 &
vp=$!
read -r set2 k2 < <(awk -F'\t' '$1 == 2 { print $3, $4 }' "$C/boots.tsv")
crashed=0 why="vm-run ended before boot 2 ran its scenarios"
while kill -0 $vp 2>/dev/null; do
	if awk -F'\t' '$1 == 2 && $5 == "running" { f = 1 } END { exit !f }' "$C/boots.tsv" &&
		[ -s "$C/$set2/boot-$k2/output.log" ]; then
		if qp=$(cat "$C/.vm/qemu.pid" 2>/dev/null) && [[ $(ps -o comm= "$qp") == qemu-system* ]] &&
			kill -9 "$qp"; then
			crashed=1 why="QEMU pid $qp killed (SIGKILL) at $(date +%T), boot 2 ($set2 boot $k2) running"
		else
			why="no QEMU to kill (pid file: ${qp:-none})"
		fi
		break
	fi
	sleep 0.5
done
wait $vp
rc=$?
say "$why; vm-run exit $rc"
# what is on the host after the crash (nothing writes now): all of it must
# survive the resume unchanged. Not compared: the campaign's state files
# (campaign.json, boots.tsv, log.txt: rewritten or appended by design; a
# campaign.json.tmp.PID a crash left between write and rename, replaced when
# a later boot's process has that PID) and compare-kernels' copies of the
# latest boot of a set (SET/uname-r, cmdline, kernel.config, status-*: each
# boot of the set rewrites them; the per-boot record is SET/boot-K/)
(cd "$C" && find . -path ./.vm -prune -o -type f ! -name campaign.json ! -name boots.tsv \
	! -name log.txt ! -name 'campaign.json.tmp.*' -print0 | sort -z | xargs -0 sha256sum |
	grep -Ev '  \./[^/]+/(uname-r|cmdline|kernel\.config|status-[^/]+)$') >"$OUT/before-crash.sha256"
check "boot 2 crashed (power loss: QEMU killed while its scenarios ran)" \
	"$([ $crashed = 1 ] && [ $rc != 0 ] && echo 1)" "$why; vm-run exit $rc"
cp "$C/.vm/console.log" "$OUT/console-1.log"
state2=$(awk -F'\t' '$1 == 2 { print $5 }' "$C/boots.tsv")
check "after the crash boot 2 is still in flight in the state file" \
	"$([ "$state2" = running ] && echo 1)" "state $state2"
step

# 5. back in the default kernel: resume
say "booting the default kernel again: campaign resume"
vmrun >"$OUT/vm-2.log" 2>&1
rc=$?
cp "$C/.vm/console.log" "$OUT/console-2.log"
# the guest's exit is the last boot's hook: 0 when that boot and the report passed
check "campaign resumed and finished (vm-run exit 0)" "$([ $rc = 0 ] && echo 1)" "exit $rc; $(tail -1 "$OUT/vm-2.log")"
(cd "$C" && sha256sum --quiet -c "$OUT/before-crash.sha256") >"$OUT/after-resume.sha256-check" 2>&1
same=$?
n=$(wc -l <"$OUT/before-crash.sha256")
check "no result written before the crash lost or changed by the resume" \
	"$([ $same = 0 ] && [ "$n" -gt 0 ] && echo 1)" \
	"$n files, sha256 at the crash = at the end; $(grep -c " ./$set2/" "$OUT/before-crash.sha256") of them under $set2/; $(head -c 200 "$OUT/after-resume.sha256-check")"
"$ROOT/scripts/campaign" status "$C" | tee "$OUT/status.txt"
step

# 6. what landed on the host
python3 - "$C" "$BOOTS" >"$OUT/checks.txt" 2>&1 <<'PY'
import json, os, sys
d, nb = sys.argv[1], int(sys.argv[2])
P = F = 0
def check(name, ok, detail):
    global P, F
    print("%s: %s (%s)" % ("PASS" if ok else "FAIL", name, detail))
    P, F = P + bool(ok), F + (not ok)
st = json.load(open(os.path.join(d, "campaign.json")))
bs = st["boots"]
b2 = bs[1]
check("boot 2 recorded as failed after the crash", b2["state"] == "failed" and "no results" in b2.get("reason", ""),
      "%s: %s" % (b2["state"], b2.get("reason")))
dflt = st["kernels"]["baseline"]["release"]
check("the failure was recorded from the default kernel, which then went on",
      "came back in %s" % dflt in b2.get("reason", "") and bs[2]["state"] == "done",
      "default %s; boot 3 %s" % (dflt, bs[2]["state"]))
rest = [b for b in bs if b["seq"] != 2]
check("every other boot done", all(b["state"] == "done" for b in rest),
      ", ".join("%d:%s" % (b["seq"], b["state"]) for b in rest))
done = [b for b in bs if b["state"] == "done"]
ids = [b.get("boot_id") for b in done if b.get("boot_id")]
check("a boot_id per done boot, all distinct", len(ids) == len(done) and len(set(ids)) == len(ids), "%d ids" % len(set(ids)))
rel = [(b["set"], b.get("release", "")) for b in done]
check("each boot ran the planned kernel", all(r.endswith("-gupbench-" + s) for s, r in rel),
      ", ".join(r for _, r in rel))
kex = {}
for b in bs:
    if "gupbench_campaign_boot=%d" % b["seq"] in b.get("cmdline", ""):
        kex[b["set"]] = kex.get(b["set"], 0) + 1
check("each set kexec'd into at least twice", len(kex) == 3 and min(kex.values()) >= 2, str(kex))
order = [b["set"] for b in sorted(bs, key=lambda b: b["seq"])]
check("boots ran in the planned interleaved order", [b["seq"] for b in bs] == list(range(1, len(bs) + 1)), " ".join(order))
runs_ok = []
for b in bs:
    if b["state"] != "done":
        continue
    rf = os.path.join(d, b["set"], "boot-%d" % b["k"], "runs")
    rs = open(rf).read().split() if os.path.exists(rf) else []
    runs_ok.append(bool(rs) and all(os.path.exists(os.path.join(d, b["set"], r, "manifest.json")) for r in rs))
check("every done boot's run dirs are on the host", runs_ok and all(runs_ok), "%d of %d" % (sum(runs_ok), len(runs_ok)))
try:
    cj = json.load(open(os.path.join(d, "report", "compare.json")))
    cmp = cj.get("comparisons", [])
    units = {(c.get("unit"), c.get("base_units"), c.get("other_units")) for c in cmp}
    ok = bool(cmp) and all(c.get("unit") == "boot" for c in cmp)
    check("report compares boots (unit boot)", ok, "; ".join("unit %s, %s vs %s units" % u for u in sorted(units, key=str)))
except (OSError, ValueError) as e:
    check("report compares boots (unit boot)", False, "report/compare.json: %s" % e)
print("PYRESULT %d %d" % (P, F))
PY
grep -v '^PYRESULT' "$OUT/checks.txt"
read -r _ p f < <(grep '^PYRESULT' "$OUT/checks.txt")
P=$((P + ${p:-0})) F=$((F + ${f:-1}))
step
end
