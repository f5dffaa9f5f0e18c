#!/bin/bash
# tests/kernel-switch.sh REPO_ROOT
#
# The cond-switch kernel's tracking switch (patches/cond-switch:
# /sys/kernel/debug/pt_walk_lockless_track) in QEMU, function only:
# builds cond-switch (scripts/build-kernel; after cond, only the files it
# touches miss ccache), then one boot with the switch at 0 and one at 1
# (scripts/compare-kernels -s "other track-ab" cond-switch:0 cond-switch:1)
# and asserts:
#   - each boot ran both scenarios with gupbench exit 0, and the knob read
#     back as written;
#   - switch 0, other-mm collapse: the isolated CPU 3 gets the sync IPI on
#     every collapse (broadcast, as without the series);
#   - switch 1, other-mm collapse: CPU 3 gets none (targeted);
#   - track-ab (gupbench --ab-knob ...pt_walk_lockless_track=0,1 in a real
#     kernel): every run file holds paired slices, and `gupbench compare`
#     gives the within-invocation row for the set.
# QEMU TCG: timings are NOT hardware timings; no cost is asserted.
# Env: ACCEL (default tcg), RUNS (4), T (0.5), OUT (default
# results/kernel-switch-<time>), GUPBENCH (default build/gupbench).
# Exit: 0 passed, 1 failed, 2 bad usage, 77 skipped (no qemu, not root,
# gupbench not built).
set -uo pipefail
[ $# = 1 ] && [ -d "$1/patches/cond-switch" ] || { echo "usage: $0 REPO_ROOT" >&2; exit 2; }
ROOT=$(cd "$1" && pwd)
ACCEL=${ACCEL:-tcg} RUNS=${RUNS:-4} T=${T:-0.5}
G=${GUPBENCH:-$ROOT/build/gupbench}
skip() { echo "SKIP: $*"; exit 77; }
[ -x "$G" ] || skip "$G missing: meson setup build && ninja -C build"
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 missing (apt-get install qemu-system-x86)"
[ "$(id -u)" = 0 ] || skip "needs root (the guest's root is the host's / over 9p)"
OUT=${OUT:-$ROOT/results/kernel-switch-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT" && OUT=$(cd "$OUT" && pwd)
T0=$(date +%s)
say() { printf '[kernel-switch %4ss] %s\n' "$(( $(date +%s) - T0 ))" "$*"; }

say "building cond-switch (log: $OUT/build-kernel.log)"
"$ROOT/scripts/build-kernel" cond-switch >"$OUT/build-kernel.log" 2>&1 ||
	{ tail -5 "$OUT/build-kernel.log"; echo "FAIL: build-kernel cond-switch"; echo "0 passed, 1 failed"; exit 1; }
say "built; booting cond-switch:0 and cond-switch:1 (log: $OUT/compare-kernels.log)"
GUPBENCH=$G "$ROOT/scripts/compare-kernels" -o "$OUT/ck" -s "other track-ab" -b 1 -r "$RUNS" \
	-T "$T" --accel "$ACCEL" cond-switch:0 cond-switch:1 >"$OUT/compare-kernels.log" 2>&1
ck=$?
say "compare-kernels exit $ck"
"$G" compare "$OUT/ck/cond-switch-0" -f json >"$OUT/ab.json" 2>"$OUT/ab.err"

PYTHONPATH=$ROOT/scripts /usr/bin/python3 - "$OUT/ck" "$ck" "$OUT/ab.json" <<'PY'
import glob, os, sys
import gupbench_results as gr
ck_dir, ck, ab_json = sys.argv[1], int(sys.argv[2]), sys.argv[3]
P = F = 0
def check(name, ok, detail):
    global P, F
    print("%s: %s (%s)" % ("PASS" if ok else "FAIL", name, detail))
    if ok: P += 1
    else: F += 1
def read(p):
    try: return open(p).read().strip()
    except OSError: return "missing"
def obs(s):
    f = sorted(glob.glob(os.path.join(ck_dir, s, "*-other", "observers.json")))
    return gr.observers(os.path.dirname(f[-1]))["sync_ipis"] if f else None
for v in ("0", "1"):
    s = "cond-switch-" + v
    st = [read(os.path.join(ck_dir, s, "status-" + sc)) for sc in ("other", "track-ab")]
    knob = read(os.path.join(ck_dir, s, "boot-1", "knob"))
    check(s + ": both scenarios exit 0, knob read back",
          ck == 0 and st == ["0", "0"] and knob.endswith("pt_walk_lockless_track=" + v),
          "compare-kernels exit %d, status other/track-ab %s, knob %s" % (ck, st, knob))
for v, want in (("0", "the sync IPI on every collapse"), ("1", "no sync IPI")):
    j = obs("cond-switch-" + v)
    if j is None:
        check("switch %s: observers.json" % v, False, "missing"); continue
    ev, q3 = j["trigger_events"], j["by_cpu_all_senders"]["3"]["count"]
    ok = ev > 0 and (q3 >= ev if v == "0" else q3 == 0)
    check("switch %s, other-mm collapse: CPU 3 gets %s" % (v, want), ok,
          "IPIs to CPU 3: %s; collapse events: %s; per CPU %s" % (
              q3, ev, {k: c["count"] for k, c in j["by_cpu_all_senders"].items()}))
runs = sorted(glob.glob(os.path.join(ck_dir, "cond-switch-*", "*-track-ab", "run-*.json")))
pairs = [gr.load_json(f)["ab"]["pairs"] for f in runs]
check("track-ab: every run holds paired slices", len(runs) >= 2 and min(pairs) > 0,
      "%d run files, pairs %s" % (len(runs), pairs))
try:
    rows = gr.load_json(ab_json)["ab_within"]
except (OSError, ValueError, KeyError):
    rows = []
check("gupbench compare: a within-invocation row for cond-switch-0",
      len(rows) == 1 and "pt_walk_lockless_track = 1" in rows[0]["b"],
      rows[0]["b"] if rows else "no row (see ab.err)")
print("note: QEMU TCG: timings are not hardware timings; function only")
print("%d passed, %d failed" % (P, F))
sys.exit(1 if F else 0)
PY
rc=$?
say "total $(( $(date +%s) - T0 )) s; results in $OUT"
exit $rc
