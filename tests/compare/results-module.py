#!/usr/bin/env python3
"""scripts/gupbench_results.py against the C side, on the committed samples.

usage: results-module.py GUPBENCH DATA_DIR SCRIPTS_DIR

- get() and the 'get FILE KEY...' command return what the files hold, and
  "missing" for an absent key or file;
- scenario() and the summary readers agree with the files;
- bonferroni_ci() at 95% reproduces the interval gupbench compare (C, GSL)
  printed for every row, from the row's change_pct, se_log and df: the one
  Python recompute of compare's intervals is the C one.
Exit 0 pass, 1 fail, 77 without scipy.
"""
import json
import os
import subprocess
import sys
import tempfile

gb, data, scripts = sys.argv[1:4]
sys.path.insert(0, scripts)
import gupbench_results as gr  # noqa: E402

fails = []


def check(cond, msg):
    print(("ok: " if cond else "FAIL: ") + msg)
    if not cond:
        fails.append(msg)


dirs = sorted(os.path.join(r, "") for r, _, f in os.walk(data) if "manifest.json" in f)
check(len(dirs) >= 3, "%d sample results directories" % len(dirs))
d = dirs[0]
m, s = gr.manifest(d), gr.summary(d)
raw = json.load(open(os.path.join(d, "summary.json")))
check(gr.get(s, "walker_p50", "median") == raw["walker_p50"]["median"],
      "get(summary, walker_p50, median) = %s" % raw["walker_p50"]["median"])
check(gr.get(s, "walker_p50", "ci95_mean", 1) == raw["walker_p50"]["ci95_mean"][1],
      "get() indexes lists")
check(gr.get(s, "no_such_metric", "median") is None, "get() of an absent key is None")
check(gr.scenario(m) == m["options"]["walker"], "scenario() = %s" % gr.scenario(m))
check(len(gr.run_files(d)) == m["runs_completed"],
      "run_files(): %d = runs_completed" % len(gr.run_files(d)))
out = subprocess.run([sys.executable, os.path.join(scripts, "gupbench_results.py"), "get",
                      os.path.join(d, "manifest.json"), "options", "walker"],
                     capture_output=True, text=True).stdout.strip()
check(out == m["options"]["walker"], "'get manifest.json options walker' prints %s" % out)
out = subprocess.run([sys.executable, os.path.join(scripts, "gupbench_results.py"), "get",
                      os.path.join(d, "nonexistent.json"), "x"],
                     capture_output=True, text=True).stdout.strip()
check(out == "missing", "'get' of a file that is not there prints missing")

try:
    import scipy  # noqa: F401
except ImportError:
    print("SKIP: bonferroni_ci() not checked: python3-scipy not installed")
    sys.exit(1 if fails else 77)

with tempfile.TemporaryDirectory() as t:
    base, other = (os.path.join(data, "variants", v) for v in ("baseline", "inject3pct"))
    r = subprocess.run([gb, "compare", base, other, "-o", t], capture_output=True, text=True)
    check(r.returncode == 0, "gupbench compare of the sample variants exit %d" % r.returncode)
    doc = gr.load_json(os.path.join(t, "compare.json"))
n = 0
for c in doc["comparisons"]:
    for row in c["metrics"]:
        lo, hi = row.get("change_ci_pct") or (None, None)
        if lo is None or row.get("se_log") is None or row.get("paired"):
            continue
        plo, phi = gr.bonferroni_ci(row["change_pct"], row["se_log"], row["df"], 0.95)
        n += 1
        if abs(plo - lo) > 1e-6 + 1e-6 * abs(lo) or abs(phi - hi) > 1e-6 + 1e-6 * abs(hi):
            check(False, "%s: Python [%g, %g] vs compare [%g, %g]"
                  % (row["metric"], plo, phi, lo, hi))
check(n > 0, "bonferroni_ci(.., 0.95) = compare's interval on all %d rows" % n)
sys.exit(1 if fails else 0)
