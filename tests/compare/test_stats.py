#!/usr/bin/python3
"""compare_stats.c against independent references on fixed data
(tests/compare/data/stats-cases.json):
 - Hodges-Lehmann: brute-force median of all pairwise differences;
 - U and the two-sided p: scipy.stats.mannwhitneyu(x, y) (method "auto");
 - the Bauer CI: the null distribution of U by plain recursion
   f(m, n, u) = f(m-1, n, u-n) + f(m, n-1, u) (checked once against full
   enumeration of rank subsets), k = largest with P(U <= k-1) <= 2.5%,
   CI = [D(k), D(mn+1-k)]; for large n the normal formula;
 - the unit-level tests compare uses: Welch t on log values against
   scipy.stats.ttest_ind(equal_var=False) (t, p), the Welch-Satterthwaite
   df by hand, CI exp(d +- t.ppf(0.975, df) * se) - 1 and the MDE
   exp((t.ppf(0.975, df) + t.ppf(0.80, df)) * se) - 1; the paired t on log
   ratios against scipy.stats.ttest_rel. No interval with < 2 units (pairs);
   refused (null) when a value is <= 0.
The tool must print exactly one line per case: missing or empty output fails.
usage: test_stats.py STATS_TOOL CASES.json"""
import itertools, json, math, statistics, subprocess, sys
from functools import lru_cache
try:
    from scipy import stats
except ImportError:
    print("SKIP: python3-scipy not installed (apt-get install -y python3-scipy)")
    sys.exit(77)

@lru_cache(maxsize=None)
def f(m, n, u):
    if u < 0:
        return 0
    if m == 0 or n == 0:
        return 1 if u == 0 else 0
    return f(m - 1, n, u - n) + f(m, n - 1, u)

def enum_counts(m, n):
    c = [0] * (m * n + 1)
    for xs in itertools.combinations(range(m + n), m):
        # U of x = number of (x, y) pairs with x > y
        u = sum(sum(1 for yr in range(m + n) if yr not in xs and yr < xr) for xr in xs)
        c[u] += 1
    return c

for m, n in ((3, 4), (5, 5), (4, 7)):
    assert enum_counts(m, n) == [f(m, n, u) for u in range(m * n + 1)], (m, n)

def close(a, b, tol=1e-9):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= tol * max(1.0, abs(a), abs(b))

tool, cases = sys.argv[1], json.load(open(sys.argv[2]))
inp = "".join(" ".join(map(repr, c["x"])) + " | " + " ".join(map(repr, c["y"])) + "\n"
              for c in cases)
out = subprocess.run([tool], input=inp, capture_output=True, text=True, check=True).stdout
fails = 0

lines = out.splitlines()
if not lines or len(lines) != len(cases):
    print("FAIL: the tool printed %d lines for %d cases" % (len(lines), len(cases)))
    sys.exit(1)

def check_ratio(why, x, y, r):
    """Welch and paired log-scale tests of compare_stats.c against scipy."""
    bad = 0
    lx = [math.log(v) for v in x if v > 0]
    ly = [math.log(v) for v in y if v > 0]
    refused = len(lx) != len(x) or len(ly) != len(y)
    for kind in ("welch", "paired"):
        got = r.get(kind, "absent")
        if got == "absent":
            print("%-45s %s: no output  MISMATCH" % (why, kind))
            bad += 1
            continue
        if kind == "paired" and len(x) != len(y):
            if got is not None:
                print("%-45s paired output for unequal sides  MISMATCH" % why)
                bad += 1
            continue
        if refused:
            if got is not None:
                print("%-45s %s: a value <= 0 was not refused  MISMATCH" % (why, kind))
                bad += 1
            else:
                print("%-45s %s: refused (value <= 0), as it should" % (why, kind))
            continue
        if got is None:
            print("%-45s %s: refused valid input  MISMATCH" % (why, kind))
            bad += 1
            continue
        if kind == "welch":
            d = statistics.mean(ly) - statistics.mean(lx)
            ok_ci = len(lx) >= 2 and len(ly) >= 2
        else:
            q = [b - a for a, b in zip(lx, ly)]
            d = statistics.mean(q)
            ok_ci = len(q) >= 2
        want = {"change": math.exp(d) - 1, "d": d}
        if ok_ci:
            if kind == "welch":
                a, b = statistics.variance(lx) / len(lx), statistics.variance(ly) / len(ly)
                se = math.sqrt(a + b)
                df = (a + b) ** 2 / (a * a / (len(lx) - 1) + b * b / (len(ly) - 1)) \
                    if a + b > 0 else len(lx) + len(ly) - 2
                ref = stats.ttest_ind(ly, lx, equal_var=False) if a + b > 0 else None
            else:
                se = statistics.stdev(q) / math.sqrt(len(q))
                df = len(q) - 1
                ref = stats.ttest_rel(ly, lx) if se > 0 else None
            tc, tp = stats.t.ppf(0.975, df), stats.t.ppf(0.80, df)
            want.update(se=se, df=df, lo=math.exp(d - tc * se) - 1,
                        hi=math.exp(d + tc * se) - 1, mde=math.exp((tc + tp) * se) - 1)
            if ref is not None:
                want.update(t=float(ref.statistic), p=float(ref.pvalue))
        else:
            want.update(lo=None, hi=None, se=None, df=None, t=None, p=None, mde=None)
        if got["ci"] != ok_ci:
            bad += 1
        mism = {k: (got[k], v) for k, v in want.items() if not close(got[k], v, 1e-7)}
        print("%-45s %-6s change %+.5f CI [%s, %s] df %s p %s MDE %s%s" % (
            why, kind, got["change"], fmt(got["lo"]), fmt(got["hi"]), fmt(got["df"]),
            fmt(got["p"]), fmt(got["mde"]), "  MISMATCH " + repr(mism) if mism else ""))
        bad += bool(mism)
        if ok_ci and not got["lo"] <= got["change"] <= got["hi"]:
            print("  FAIL: change outside its CI")
            bad += 1
    return bad

def fmt(v):
    return "-" if v is None else "%.6g" % v

for c, line in zip(cases, lines):
    x, y, r = c["x"], c["y"], json.loads(line)
    fails += check_ratio(c["why"], x, y, r)
    if r.get("hl") is None:
        print("%-45s shift test refused: MISMATCH" % c["why"])
        fails += 1
        continue
    m, n = len(x), len(y)
    d = sorted(yj - xi for xi in x for yj in y)
    hl = statistics.median(d)
    res = stats.mannwhitneyu(x, y, alternative="two-sided")
    if m <= 50 and n <= 50:
        tot = math.comb(m + n, m)
        k, cum = 0, 0
        for u in range(m * n):
            cum += f(m, n, u)
            if cum / tot <= 0.025:
                k = u + 1
            else:
                break
        cov = 1 - 2 * sum(f(m, n, u) for u in range(k)) / tot if k else None
    else:
        cval = m * n / 2 - stats.norm.ppf(0.975) * math.sqrt(m * n * (m + n + 1) / 12)
        k = int(math.floor(cval)) if cval >= 1 else 0
        cov = 0.95
    lo, hi = (d[k - 1], d[m * n - k]) if k else (None, None)
    checks = {"hl": (r["hl"], hl), "u": (r["u"], float(res.statistic)),
              "p": (r["p"], float(res.pvalue)), "k": (r["k"], k),
              "lo": (r["lo"], lo), "hi": (r["hi"], hi), "coverage": (r["coverage"], cov)}
    bad = [k_ for k_, (a, b) in checks.items() if not close(a, b, 1e-7)]
    print("%-45s HL %+9.3f CI [%s, %s] k=%d cov %.4f U %6.1f p %.6f (scipy %.6f)%s" % (
        c["why"], r["hl"], r["lo"], r["hi"], r["k"], r["coverage"] or float("nan"),
        r["u"], r["p"], res.pvalue, "" if not bad else "  MISMATCH " + repr(
            {k_: checks[k_] for k_ in bad})))
    fails += bool(bad)
    # the CI must contain the estimate
    if k and not (r["lo"] <= r["hl"] <= r["hi"]):
        print("  FAIL: HL outside its CI")
        fails += 1
sys.exit(1 if fails else 0)
