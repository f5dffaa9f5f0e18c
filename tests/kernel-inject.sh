#!/bin/bash
# tests/kernel-inject.sh REPO_ROOT
#
# Kernel-level known answer for the GUP-fast cost figure, through the whole
# pipeline: the inject kernel (patches/inject: /sys/kernel/debug/
# gup_fast_inject_ns, a busy-wait inside GUP-fast's IRQ-off section) is
# booted BOOTS times at 0 ns and BOOTS times at INJECT_NS ns, interleaved
# (scripts/compare-kernels --boots BOOTS -s walk inject:0 inject:INJECT_NS:
# vmsplice walker alone on CPU 1, no trigger, no bpftrace), then
# `gupbench compare inject-0 inject-INJECT_NS`. Prints the known added time
# beside what compare measured (GUP-fast p50 shift and its interval), and a
# boot-level view (one p50 per boot, Hodges-Lehmann shift over boots with
# its exact Mann-Whitney interval), which does not depend on how compare
# pools the boots.
#
# Asserts only what is robust:
#   - every boot ran, with the knob read back as requested;
#   - direction: the p50 shift is > 0 (compare and boot-level);
#   - lower bound: the known value is a lower bound (udelay() waits at
#     least N ns, plus up to one poll of its TSC loop), so the upper end of
#     compare's interval must reach it (less one histogram bucket: p50s are
#     bucket values);
#   - recovery: when compare's interval for the p50 shift is meaningful
#     (it exists and is narrower than the known value, so it can tell the
#     known value from 0), whether the known value lies in it (+- one
#     bucket) is printed; it fails the test only with STRICT=1, because
#     under TCG the delay loop overshoots N by an amount of its own (~0.5-1
#     us here, likely because each poll's PAUSE leaves QEMU's translated
#     code; see docs/kernels.md). Otherwise the pair is only recorded.
# QEMU TCG: timings are NOT hardware timings; this checks the pipeline and
# the statistics, not the size of any real cost.
#
# Env: INJECT_NS (default 1000: +13% of the TCG guest's 8-page vmsplice
# p50, ~7.5 us here; a whole microsecond so udelay() alone does it, not
# ndelay()'s +16% rounding), BOOTS (4), RUNS (10), T (0.5 s), OUT (default
# results/kernel-inject-<time>), GUPBENCH (default build/gupbench),
# ACCEL (default tcg: this machine's /dev/kvm cannot run nested guests and
# vm-run's probe costs 20 s a boot; "probe" to let vm-run decide), STRICT.
# Exit: 0 passed, 1 failed, 2 bad usage, 77 skipped (inject kernel not built,
# gupbench not built, no qemu).
# Takes ~BOOTS x 2 x 100 s under TCG on 2 busy host cores (about 14 min
# with the defaults; see docs/kernels.md).
set -uo pipefail
[ $# = 1 ] && [ -d "$1/patches/inject" ] || { echo "usage: $0 REPO_ROOT" >&2; exit 2; }
ROOT=$(cd "$1" && pwd)
NS=${INJECT_NS:-1000} ACCEL=${ACCEL:-tcg} STRICT=${STRICT:-0} BOOTS=${BOOTS:-4} RUNS=${RUNS:-10} T=${T:-0.5}
G=${GUPBENCH:-$ROOT/build/gupbench}
IMG=$ROOT/.kbuild/build/inject-base/arch/x86/boot/bzImage
skip() { echo "SKIP: $*"; exit 77; }
[ -f "$IMG" ] || skip "inject kernel not built ($IMG missing): run scripts/build-kernel inject"
[ -x "$G" ] || skip "$G missing: meson setup build && ninja -C build"
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 missing (apt-get install qemu-system-x86)"
[ "$(id -u)" = 0 ] || skip "needs root (the guest's root is the host's / over 9p)"
[[ $NS =~ ^[1-9][0-9]*$ ]] && [ "$NS" -le 1000000 ] || { echo "INJECT_NS must be 1-1000000" >&2; exit 2; }
OUT=${OUT:-$ROOT/results/kernel-inject-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT" && OUT=$(cd "$OUT" && pwd)
T0=$(date +%s)
echo "kernel-inject: inject:0 vs inject:$NS, $BOOTS boots each, walk scenario, $RUNS runs x $T s; results $OUT"

acc=(--accel "$ACCEL")
[ "$ACCEL" = probe ] && acc=()
"$ROOT/scripts/compare-kernels" -o "$OUT" -s walk -b "$BOOTS" -r "$RUNS" -T "$T" "${acc[@]}" \
	inject:0 "inject:$NS" >"$OUT/compare-kernels.log" 2>&1
ck=$?
T1=$(date +%s)
sed -n '/^sync IPIs/,$p' "$OUT/summary.txt"
"$G" compare "$OUT/inject-0" "$OUT/inject-$NS" -o "$OUT/compare" >"$OUT/compare.txt" 2>"$OUT/compare.err"
gc=$?
"$G" compare "$OUT/inject-0" "$OUT/inject-$NS" --format json >"$OUT/compare.json" 2>/dev/null
grep -E '^metric|^GUP-fast latency p50' "$OUT/compare.txt"

PYTHONPATH=$ROOT/scripts python3 - "$OUT" "$NS" "$BOOTS" "$ck" "$gc" "$T0" "$T1" "$STRICT" <<'PY'
import itertools, math, os, sys, time
import gupbench_results as gr
out, ns, boots, ck, gc, t0, t1 = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), \
    int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7])
strict = sys.argv[8] == "1"
res = []
def check(name, ok, detail):
    res.append(ok)
    print("%s: %s (%s)" % ("PASS" if ok else "FAIL", name, detail))

def boot_p50s(label):
    """one walker p50 (median over that boot's runs) per boot"""
    vals, knobs = [], []
    d = os.path.join(out, label)
    for b in range(1, boots + 1):
        bd = os.path.join(d, "boot-%d" % b)
        try:
            runs = [l.strip() for l in open(os.path.join(bd, "runs")) if l.strip()]
            knobs.append(open(os.path.join(bd, "inject_ns")).read().strip())
            s = gr.summary(os.path.join(d, runs[-1]))
            vals.append(float(s["walker_p50"]["median"]))
        except (OSError, ValueError, KeyError, IndexError):
            pass
    return vals, knobs

b0, k0 = boot_p50s("inject-0")
b1, k1 = boot_p50s("inject-%d" % ns)
check("compare-kernels ran every boot", ck == 0 and len(b0) == boots and len(b1) == boots,
      "exit %d; boots with a result: %d at 0 ns, %d at %d ns" % (ck, len(b0), len(b1), ns))
check("knob read back in every boot", k0 == ["0"] * boots and k1 == [str(ns)] * boots,
      "inject-0: %s; inject-%d: %s" % (k0, ns, k1))

# compare's own figure
m = None
try:
    doc = gr.load_json(os.path.join(out, "compare.json"))
    for c in doc["comparisons"]:
        for x in c["metrics"]:
            if x["metric"] == "walker_p50":
                m = x
except (OSError, ValueError, KeyError):
    pass
bucket = None
try:   # histogram bucket width at the base p50 (a p50 is a bucket value)
    d = os.path.join(out, "inject-0")
    run = sorted(r for r in os.listdir(d) if r.endswith("-walk"))[0]
    h = gr.runs(os.path.join(d, run))[0]["timed"]["histogram"]
    p50 = sorted(b0)[len(b0) // 2]
    bucket = 2.0 ** math.floor(math.log2(p50)) / 2 ** int(h["sub_bucket_bits"])
except (OSError, ValueError, KeyError, IndexError):
    pass

# boot-level: Hodges-Lehmann shift over boots, exact Mann-Whitney interval
def hl(a, b):
    d = sorted(y - x for x in a for y in b)
    n = len(d)
    med = (d[(n - 1) // 2] + d[n // 2]) / 2
    # null distribution of U (no ties assumed) by enumeration
    k, m_, N = len(a), len(b), len(a) + len(b)
    counts = {}
    for comb in itertools.combinations(range(N), m_):
        u = sum(r for r in comb) - m_ * (m_ - 1) // 2
        counts[u] = counts.get(u, 0) + 1
    tot = sum(counts.values())
    cdf, j = 0, 0
    while True:   # largest j with P(U <= j-1) <= 0.025
        if (cdf + counts.get(j, 0)) / tot > 0.025:
            break
        cdf += counts.get(j, 0)
        j += 1
    cover = 1 - 2 * cdf / tot
    lo, hi = (d[j - 1], d[n - j]) if j >= 1 else (None, None)
    u_obs = sum(1 for x in a for y in b if y > x) + 0.5 * sum(1 for x in a for y in b if y == x)
    mu = k * m_ / 2
    p = sum(c for u, c in counts.items() if abs(u - mu) >= abs(u_obs - mu) - 1e-9) / tot
    return med, lo, hi, cover, p

print()
print("known answer: +%d ns per GUP-fast call (udelay in the IRQ-off section; a lower bound)" % ns)
print("boot p50s (ns), inject-0:   %s" % " ".join("%.0f" % v for v in b0))
print("boot p50s (ns), inject-%-4d %s" % (ns, " ".join("%.0f" % v for v in b1)))
if b0 and b1:
    base = sorted(b0)[len(b0) // 2]
    med, lo, hi, cover, p = hl(b0, b1)
    print("boot level (%d vs %d boots): shift %+.0f ns (%+.1f%% of %.0f), exact %.1f%% interval %s, p = %.3f"
          % (len(b0), len(b1), med, 100 * med / base, base, 100 * cover,
             "[%+.0f, %+.0f]" % (lo, hi) if lo is not None else "none (too few boots)", p))
    check("direction, boot level: p50 shift > 0", med > 0, "%+.0f ns" % med)
if m:
    lo, hi = (m.get("shift_ci") or [None, None])[:2]
    print("gupbench compare (%s vs %s runs): p50 shift %+.0f ns (%+.2f%%), 95%% CI %s, p = %s %s"
          % (m.get("n_base"), m.get("n_other"), m["shift"], m.get("change_pct") or 0,
             "[%+.0f, %+.0f]" % (lo, hi) if lo is not None else "none",
             m.get("p"), m.get("mark", "")))
    print("known %d ns vs measured %+.0f ns (ratio %.2f); histogram bucket at the p50: %s ns"
          % (ns, m["shift"], m["shift"] / ns, "%.0f" % bucket if bucket else "?"))
    check("direction, gupbench compare: p50 shift > 0", m["shift"] > 0, "%+.0f ns" % m["shift"])
    tol = bucket or 0
    if lo is not None:
        check("lower bound: compare's interval reaches the known value",
              hi + tol >= ns, "upper end %+.0f ns (+ one bucket %.0f) >= %d" % (hi, tol, ns))
    if lo is not None and hi - lo < ns:
        inside = lo - tol <= ns <= hi + tol
        detail = "%d in [%.0f, %.0f] +- %.0f" % (ns, lo, hi, tol)
        if strict:
            check("known value inside compare's interval (+- one bucket)", inside, detail)
        else:
            print("%s: known value inside compare's interval (+- one bucket): %s (%s; "
                  "recorded, asserted only with STRICT=1)"
                  % ("RECOVERED" if inside else "NOT RECOVERED", "yes" if inside else "no", detail))
    else:
        print("note: compare's interval %s is not meaningful here (missing or wider than the "
              "known value): known vs measured recorded only" % ([lo, hi],))
else:
    check("gupbench compare gave a walker_p50 comparison", False, "exit %d, see %s/compare.err" % (gc, out))
print("time: %d s for %d boots (%.0f s per boot), %d s in all"
      % (t1 - t0, 2 * boots, (t1 - t0) / max(1, 2 * boots), time.time() - t0))
print("note: QEMU TCG software emulation: timings are NOT hardware timings; "
      "this checks the pipeline and the statistics, not a real cost")
print("%d passed, %d failed" % (sum(res), len(res) - sum(res)))
sys.exit(0 if all(res) else 1)
PY
