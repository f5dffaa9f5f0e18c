#!/usr/bin/python3
"""gupbench compare on synthetic results with a known truth (no timing).

Run directories are written the way the runner writes them (manifest.json
with "unit", run-NNN.json with a histogram and untimed_ns_per_call) from
fixed pseudo-random numbers, then compared:

 1. invocation offsets, no real difference: each invocation of either side
    has its own constant offset (BASE 0% and +2%, OTHER +2.5% and +3%),
    identical otherwise. The unit-level test must say "~" with 0 in the
    CI. The runs-pooled method compare used before (Hodges-Lehmann /
    Mann-Whitney on all runs, run through compare_stats_tool) calls the
    same data significant: checked, so the trap is real.
 2. a known +1% shift, 8 units a side, small noise: "*", CI covers +1%,
    Welch; then the same with a drift of up to +-3% per round shared by
    both sides and rounds recorded: "paired by round", "*", CI covers +1%.
    The MDE printed is checked against scipy (t.ppf).
 3. two kernels, two invocations each, all in one boot: the boot is the
    unit, 1 a side: no interval, "between-unit variance unknown".
 4. manifests without "unit": "unit ids missing: each run directory is a
    unit".
usage: synthetic.py GUPBENCH STATS_TOOL"""
import json, math, os, random, statistics, subprocess, sys, tempfile
try:
    from scipy import stats
except ImportError:
    print("SKIP: python3-scipy not installed (apt-get install -y python3-scipy)")
    sys.exit(77)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))
import gupbench_results as gr  # noqa: E402  the one reader of results

G, TOOL = sys.argv[1], sys.argv[2]
T = tempfile.mkdtemp(prefix="gupbench-synth.")
fails = 0
serial = [0]


def hist(v):
    v = int(round(v))
    e = v.bit_length() - 1
    lo = v if v < 2048 else (v >> (e - 11)) << (e - 11)
    return {"unit": "ns", "sub_bucket_bits": 11, "count": 1, "sum": v, "min": v,
            "max": v, "overflow": 0, "buckets": [[lo, 1]]}


def invocation(root, variant, values, kernel="6.1.0-synth", boot="b0", rnd=None,
               unit=True):
    serial[0] += 1
    d = os.path.join(root, "%04d-vmsplice" % serial[0])
    os.makedirs(d)
    man = {"status": "complete", "variant": variant, "kernel_release": kernel,
           "arch": "x86_64", "cpu_model": "synthetic", "cpus_online_count": 2,
           "runs_completed": len(values),
           "options": {"walker": "vmsplice", "pages": 8, "inject_ns": 0}}
    if unit:
        man["unit"] = {"invocation_id": "%032x" % random.getrandbits(128), "boot_id": boot,
                       "round": rnd, "order": None}
    json.dump(man, open(os.path.join(d, "manifest.json"), "w"))
    for i, v in enumerate(values, 1):
        calls = int(2e8 / v)
        run = {"run": i,
               "timed": {"duration_s": 0.2, "calls": calls, "calls_per_s": calls / 0.2,
                         "histogram": hist(v), "threads": [{"cpu": 1}]},
               "untimed": {"duration_s": 0.2, "calls": calls, "calls_per_s": calls / 0.2},
               "untimed_ns_per_call": v, "timing_cost_pct": 0, "trigger": None}
        json.dump(run, open(os.path.join(d, "run-%03d.json" % i), "w"))


def compare(a, b):
    p = subprocess.run([G, "compare", a, b, "--format", "json"], capture_output=True,
                       text=True)
    if p.returncode:
        print("FAIL: compare exit %d: %s" % (p.returncode, p.stderr.strip()))
        sys.exit(1)
    c = gr.compare_doc(p.stdout)["comparisons"]
    assert len(c) == 1, len(c)
    return c[0]


def row(c, metric="untimed_ns_per_call"):
    return next(r for r in c["metrics"] if r["metric"] == metric)


def check(what, ok, line):
    global fails
    print("%s: %s: %s" % ("ok" if ok else "FAIL", what, line))
    fails += not ok


def show(r):
    lo, hi = r["change_ci_pct"]
    if lo is None:
        return "change %+.2f%% (no interval) %s: %s" % (r["change_pct"], r["mark"], r["verdict"])
    return "change %+.2f%% CI [%+.2f%%, %+.2f%%] +-%.2f%% MDE %.2f%% p %.4f p(U) %s %s (%s)" % (
        r["change_pct"], lo, hi, r["ci_half_width_pct"], r["mde_pct"], r["p"],
        "-" if r["p_mw"] is None else "%.4f" % r["p_mw"], r["mark"], r["test"])


def runs(rng, level, n=5, sd=0.0005):
    return [level * (1 + rng.gauss(0, sd)) for _ in range(n)]


rng = random.Random(20261126)
random.seed(7)
B0 = 200000.0

# 1. invocation offsets, no difference
for side, offs in (("base", (0.0, 0.02)), ("other", (0.025, 0.03))):
    for o in offs:
        invocation(os.path.join(T, "1", side), side, runs(rng, B0 * (1 + o)))
c = compare(os.path.join(T, "1", "base"), os.path.join(T, "1", "other"))
r = row(c)
lo, hi = r["change_ci_pct"]
check("invocation offsets: unit level", r["mark"] == "~" and lo <= 0 <= hi, show(r))
pooled = subprocess.run([TOOL], input=" ".join(map(repr, r["base_run_values"])) + " | " +
                        " ".join(map(repr, r["other_run_values"])) + "\n",
                        capture_output=True, text=True, check=True).stdout
pj = json.loads(pooled)
med = statistics.median(r["base_run_values"])
old_sig = pj["p"] < 0.05 and (pj["lo"] > 0 or pj["hi"] < 0)
check("invocation offsets: the old runs-pooled HL/Mann-Whitney calls it significant",
      old_sig, "%+.2f%% [%+.2f%%, %+.2f%%] p %.4f %s (10 runs a side as independent)" % (
          100 * pj["hl"] / med, 100 * pj["lo"] / med, 100 * pj["hi"] / med, pj["p"],
          "*" if old_sig else "~"))

# 2. known +1%, 8 units a side; unpaired, then with per-round drift, paired
for tag, drift, rounds in (("2w", 0.0, False), ("2p", 0.03, True)):
    for k in range(8):
        d = rng.uniform(-drift, drift)
        for side, eff in (("base", 0.0), ("other", 0.01)):
            u = rng.gauss(0, 0.002)
            invocation(os.path.join(T, tag, side), side,
                       runs(rng, B0 * (1 + d) * (1 + eff) * (1 + u), n=3),
                       rnd=k if rounds else None)
    c = compare(os.path.join(T, tag, "base"), os.path.join(T, tag, "other"))
    r = row(c)
    lo, hi = r["change_ci_pct"]
    check("known +1%%, 8 units a side%s" % (", round drift +-3%, paired" if rounds else ""),
          r["mark"] == "*" and lo <= 1.0 <= hi and r["paired"] == rounds, show(r))
    # MDE and CI by hand / scipy from the unit values compare reports
    x = [math.log(v) for v in r["base_values"]]
    y = [math.log(v) for v in r["other_values"]]
    if rounds:
        q = [b - a for a, b in zip(x, y)]
        se, df, d = statistics.stdev(q) / math.sqrt(len(q)), len(q) - 1, statistics.mean(q)
    else:
        a, b = statistics.variance(x) / len(x), statistics.variance(y) / len(y)
        se, d = math.sqrt(a + b), statistics.mean(y) - statistics.mean(x)
        df = (a + b) ** 2 / (a * a / (len(x) - 1) + b * b / (len(y) - 1))
    mde = 100 * (math.exp((stats.t.ppf(0.975, df) + stats.t.ppf(0.80, df)) * se) - 1)
    wlo = 100 * (math.exp(d - stats.t.ppf(0.975, df) * se) - 1)
    check("MDE and CI against scipy (%s)" % ("paired" if rounds else "Welch"),
          abs(mde - r["mde_pct"]) < 1e-6 and abs(wlo - lo) < 1e-6,
          "MDE %.6f%% (scipy %.6f%%), CI low %.6f%% (scipy %.6f%%)" % (r["mde_pct"], mde, lo, wlo))

# 3. two kernels in one boot: 1 unit (boot) a side
for side, kern, eff in (("base", "6.1.0-a", 0.0), ("other", "6.1.0-b", 0.03)):
    for _ in range(2):
        invocation(os.path.join(T, "3", side), side, runs(rng, B0 * (1 + eff)), kernel=kern,
                   boot="same-boot")
c = compare(os.path.join(T, "3", "base"), os.path.join(T, "3", "other"))
r = row(c)
check("one boot per kernel", c["unit"] == "boot" and r["change_ci_pct"] == [None, None] and
      r["verdict"] == "between-unit variance unknown: 1 unit (boot) per side" and
      any("between-unit variance unknown: 1 unit (boot) per side" in w for w in c["warnings"]),
      show(r))
p = subprocess.run([G, "compare", os.path.join(T, "3", "base"), os.path.join(T, "3", "other")],
                   capture_output=True, text=True)
check("one boot per kernel, text", "between-unit variance unknown: 1 unit (boot) per side"
      in p.stdout and "(no interval)" in p.stdout,
      next((l for l in p.stdout.splitlines() if l.startswith("untimed")), "no row"))

# 4. old manifests without "unit"
for side in ("base", "other"):
    for _ in range(3):
        invocation(os.path.join(T, "4", side), side, runs(rng, B0), unit=False)
c = compare(os.path.join(T, "4", "base"), os.path.join(T, "4", "other"))
check("unit ids missing", any("unit ids missing" in w and "each run directory is a unit" in w
                              for w in c["warnings"]) and c["base_units"] == 3,
      "; ".join(c["warnings"]))

subprocess.run(["rm", "-rf", T])
sys.exit(1 if fails else 0)
