#!/usr/bin/env python3
"""Prints one line per scenario of a make-bench session from summary.json."""
import os
import sys

import gupbench_results as gr


def fmt(s, key):
    m = gr.mean_half_ci(s, key)
    if not m:
        return "-"
    if m[1] is None:            # one run: no interval to show
        return "%.0f±?" % m[0]
    return "%.0f±%.0f" % m


def ipis(s):
    """sync IPIs per CPU per event: walker/idle/rt, or why not measured."""
    o = gr.get(s, "observers", "sync_ipis_by_role")
    if not isinstance(o, dict):
        return "n/a"
    out = []
    for role, tag in (("walker", "w"), ("idle", "i"), ("rt", "rt")):
        v = gr.sync_ipis_per_cpu_per_event(s, role)
        if v is not None:
            out.append("%s%.2f" % (tag, v))
    return " ".join(out) or "-"


def cyclic(s):
    c = s.get("observers", {}).get("cyclictest", {})
    q, l = c.get("quiet"), c.get("loaded")
    if not q or not l or q.get("status") != "ok" or l.get("status") != "ok":
        return "-"
    return "%.0f/%.0f" % (q["max_us"], l["max_us"])


def main():
    d = sys.argv[1]
    rows = []
    for name in sorted(os.listdir(d)):
        p = os.path.join(d, name)
        if not os.path.isdir(p):
            continue
        if not gr.is_results_dir(p):
            continue
        man = gr.manifest(p)
        o = man.get("options", {})
        if not isinstance(o, dict) or "walker" not in o:
            continue    # model / litmus: printed below the table
        scen = gr.scenario(man)
        if man["status"] != "complete":
            rows.append("%-40s %s: %s" % (scen, man["status"].upper(),
                                          gr.skip_reasons(man)))
            continue
        s = gr.summary(p)
        rows.append("%-38s %9s %10s %12s %7s %12s %9s %-12s %s" % (
            scen, fmt(s, "walker_p50"), fmt(s, "walker_p99"),
            fmt(s, "walker_p99.9"), fmt(s, "timing_cost"),
            fmt(s, "trigger_p50"), fmt(s, "trigger_events_per_s"), ipis(s),
            cyclic(s)))
        kernel = man["kernel_release"]
        cpu = man["cpu_model"]
        note = man.get("timing_note")
    print("kernel %s, %s; mean over runs ± half 95%% CI (±? one run: no interval); ns unless marked"
          % (kernel if rows else "?", cpu if rows else "?"))
    print("sync IPIs: per CPU per trigger event on walker (w), idle (i) and "
          "RT (rt) CPUs; RT max: cyclictest max us quiet/loaded")
    print("%-38s %9s %10s %12s %7s %12s %9s %-12s %s" % (
        "scenario", "GUP p50", "GUP p99", "GUP p99.9", "timing%",
        "trigger p50", "events/s", "sync IPIs", "RT max"))
    print("\n".join(rows))
    if rows and note:
        print("note: " + note)


if __name__ == "__main__":
    main()
