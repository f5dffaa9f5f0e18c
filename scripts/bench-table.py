#!/usr/bin/env python3
"""Prints one line per scenario of a make-bench session from summary.json."""
import json
import os
import sys


def fmt(s, key):
    m = s.get(key)
    if not m:
        return "-"
    half = (m["ci95_mean"][1] - m["ci95_mean"][0]) / 2
    return "%.0f±%.0f" % (m["mean"], half)


def main():
    d = sys.argv[1]
    rows = []
    for name in sorted(os.listdir(d)):
        p = os.path.join(d, name)
        if not os.path.isdir(p):
            continue
        man = json.load(open(os.path.join(p, "manifest.json")))
        o = man.get("options", {})
        scen = o.get("walker", "?")
        if o.get("trigger"):
            scen += " + %s (%s mm)" % (o["trigger"], o["trigger_mm"])
        if man["status"] != "complete":
            why = "; ".join(x["reason"] for x in man.get("skipped", [])) or \
                man.get("status_reason", "")
            rows.append("%-40s %s: %s" % (scen, man["status"].upper(), why))
            continue
        s = json.load(open(os.path.join(p, "summary.json")))
        rows.append("%-40s %11s %11s %11s %9s %13s %9s" % (
            scen, fmt(s, "walker_p50"), fmt(s, "walker_p99"),
            fmt(s, "walker_p99.9"), fmt(s, "timing_cost"),
            fmt(s, "trigger_p50"), fmt(s, "trigger_events_per_s")))
        kernel = man["kernel_release"]
        cpu = man["cpu_model"]
        note = man.get("timing_note")
    print("kernel %s, %s; mean over runs ± half 95%% CI; ns unless marked"
          % (kernel if rows else "?", cpu if rows else "?"))
    print("%-40s %11s %11s %11s %9s %13s %9s" % (
        "scenario", "GUP p50", "GUP p99", "GUP p99.9", "timing%",
        "trigger p50", "events/s"))
    print("\n".join(rows))
    if rows and note:
        print("note: " + note)


if __name__ == "__main__":
    main()
