#!/usr/bin/python3
"""compare_stats.c against independent references on fixed data
(tests/compare/data/stats-cases.json):
 - Hodges-Lehmann: brute-force median of all pairwise differences;
 - U and the two-sided p: scipy.stats.mannwhitneyu(x, y) (method "auto");
 - the Bauer CI: the null distribution of U by plain recursion
   f(m, n, u) = f(m-1, n, u-n) + f(m, n-1, u) (checked once against full
   enumeration of rank subsets), k = largest with P(U <= k-1) <= 2.5%,
   CI = [D(k), D(mn+1-k)]; for large n the normal formula.
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

tool, cases = sys.argv[1], json.load(open(sys.argv[2]))
inp = "".join(" ".join(map(repr, c["x"])) + " | " + " ".join(map(repr, c["y"])) + "\n"
              for c in cases)
out = subprocess.run([tool], input=inp, capture_output=True, text=True, check=True).stdout
fails = 0

def close(a, b, tol=1e-9):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= tol * max(1.0, abs(a), abs(b))

for c, line in zip(cases, out.splitlines()):
    x, y, r = c["x"], c["y"], json.loads(line)
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
