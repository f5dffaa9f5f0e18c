#!/usr/bin/env python3
"""Checks one gupbench results directory.

usage: check_results.py DIR --runs N [--trigger NAME]

N is the number of measured runs the caller asked gupbench for (-r N): it
is required and never taken from the results under test, so a gupbench that
ignores or misparses -r cannot agree with itself.
Exit: 0 every check ran and passed; 1 a check failed (reasons printed);
2 bad usage; 77 every check that ran passed but one could not run (printed
as "SKIP: ..."), e.g. /proc/vmstat lacks the trigger's verify counter
(kernels without CONFIG_VM_EVENT_COUNTERS), so the kernel never confirmed
that the trigger events happened.
"""
import csv
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
import gupbench_results as gr  # noqa: E402  the one reader of results


def main():
    if len(sys.argv) < 2 or sys.argv[1].startswith("-"):
        print(__doc__, file=sys.stderr)
        return 2
    d = sys.argv[1]
    args = sys.argv[2:]
    try:
        trigger = args[args.index("--trigger") + 1] if "--trigger" in args else None
        runs = int(args[args.index("--runs") + 1])
        if runs < 1:
            raise ValueError
    except (ValueError, IndexError):
        print("check_results.py: --runs N (N >= 1, the -r given to gupbench) "
              "is required", file=sys.stderr)
        return 2
    errs = []
    skips = []

    def check(cond, msg):
        if not cond:
            errs.append(msg)

    m = gr.manifest(d)
    for k in gr.MANIFEST_KEYS:
        check(k in m, "manifest lacks " + k)
    check(m.get("status") == "complete", "status is %s" % m.get("status"))
    check(not os.path.exists(os.path.join(d, "INCOMPLETE")), "INCOMPLETE left")
    t = m.get("timer", {})
    check(t.get("overhead_median_ns", 0) > 0, "timer overhead not measured")
    check(t.get("ns_per_tick", 0) > 0, "timer not calibrated")
    check(m.get("options", {}).get("runs") == runs,
          "manifest options.runs is %s, gupbench was asked for %d"
          % (m.get("options", {}).get("runs"), runs))
    check(m.get("runs_completed") == runs,
          "manifest runs_completed is %s, want %d" % (m.get("runs_completed"), runs))
    files = gr.run_files(d)
    check(len(files) == runs, "%d run files for %d runs" % (len(files), runs))
    for f in files:
        r = gr.load_json(os.path.join(d, f))
        tm = r["timed"]
        lat = tm["latency"]
        check(tm["calls"] > 0, f + ": no timed calls")
        check(r["untimed"]["calls"] > 0, f + ": no untimed calls")
        vals = [lat[p] for p in gr.PCTS]
        check(vals == sorted(vals), f + ": percentiles not monotonic %s" % vals)
        check(lat["min"] > 0, f + ": zero latency")
        hcount = tm["histogram"]["count"]
        if m["options"]["walker"] != "gup-test":
            check(hcount == tm["calls"], f + ": histogram holds %d of %d calls"
                  % (hcount, tm["calls"]))
        check(sum(n for _, n in tm["histogram"]["buckets"]) == hcount,
              f + ": buckets do not add up")
        tr = r.get("trigger")
        if trigger:
            check(tr and tr["name"] == trigger, f + ": trigger missing")
            if tr:
                check(tr["events"] > 0, f + ": no trigger events")
                check(tr["latency"]["p50"] > 0, f + ": no trigger latency")
                # The kernel's own count of the trigger's events. The delta
                # is null where /proc/vmstat lacks the counter (tinyconfig:
                # no CONFIG_VM_EVENT_COUNTERS): a skipped check, reported.
                if tr.get("verify_counter"):
                    if tr.get("verify_counter_delta") is None:
                        skips.append("%s: /proc/vmstat has no %s: the kernel did "
                                     "not confirm the %d %s events" % (
                                         f, tr["verify_counter"], tr["events"],
                                         tr["name"]))
                    else:
                        msg = "%s: %s rose by %d for %d %s events" % (
                            f, tr["verify_counter"], tr["verify_counter_delta"],
                            tr["events"], tr["name"])
                        good = tr["verify_counter_delta"] >= 0.9 * tr["events"]
                        check(good, msg)
                        if good:
                            print("ok: " + msg)
        else:
            check(tr is None, f + ": unexpected trigger")
    rows = list(csv.DictReader(open(os.path.join(d, "summary.csv"))))
    check(len(rows) == runs, "summary.csv has %d rows" % len(rows))
    s = gr.summary(d)
    for k in ["walker_p50", "walker_p99.9", "walker_calls_per_s", "timing_cost"]:
        check(k in s and s[k].get("n") == runs, "summary.json %s: n is %s, want %d"
              % (k, s.get(k, {}).get("n"), runs))
    if trigger:
        check("trigger_p50" in s, "summary.json lacks trigger_p50")
    if errs:
        print("\n".join("FAIL: " + e for e in errs))
        return 1
    if skips:
        print("\n".join("SKIP: " + e for e in skips))
        print("skipped: %s (%d runs): the other checks passed" % (d, runs))
        return 77
    print("ok: %s (%d runs)" % (d, runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
