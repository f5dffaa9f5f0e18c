#!/usr/bin/env python3
"""The one Python reader of gupbench results directories (docs/results.md).

Every script that reads results (scripts/report, scripts/bench-table.py,
scripts/compare-kernels, scripts/ci-kernel-proof, tests/check_results.py,
tests/compare/*.sh) uses this module instead of its own json.load()s and
key paths. Standard library only; bonferroni_ci() needs scipy.

Also the reader of the documents gupbench compare writes (compare.json,
`compare -f json` output: compare_doc()), of a campaign's state
(campaign.json, which scripts/campaign writes: campaign_state(), used by
scripts/campaign and scripts/report) and of scripts' own JSON (vm.json)
through load_json().

As a command, for shell scripts (no JSON is parsed in bash):
  gupbench_results.py get FILE KEY...   the value at FILE's KEY path (one
                                        key per level; list indexes are
                                        numbers), "missing" if any is absent
  gupbench_results.py skips DIR         why the run in DIR skipped:
                                        "what: reason; ..." (empty if none)
"""
import json
import math
import os
import sys

# manifest.json keys every walker run has (bench/runner.c, lib/sysinfo.c)
MANIFEST_KEYS = ["status", "variant", "kernel_release", "kernel_version",
                 "cmdline", "kernel_config_sha256", "cpu_model", "arch",
                 "cpus_online_count", "thp", "hugetlb", "tools", "start_time",
                 "end_time", "timer", "options", "skipped", "command"]
# run-NNN.json timed.latency percentiles, in order
PCTS = ["min", "p50", "p90", "p99", "p99.9", "max"]


def load_json(path):
    """The JSON document at @path (errors propagate)."""
    with open(path) as f:
        return json.load(f)


def load(d, name, default=None):
    """File @name of results directory @d, or @default if absent or bad."""
    try:
        return load_json(os.path.join(d, name))
    except (OSError, ValueError):
        return default


def manifest(d):
    return load_json(os.path.join(d, "manifest.json"))


def summary(d):
    return load_json(os.path.join(d, "summary.json"))


def observers(d):
    return load_json(os.path.join(d, "observers.json"))


def compare_doc(text):
    """The document of `gupbench compare -f json`'s output @text."""
    return json.loads(text)


def run_files(d):
    """run-NNN.json names of @d, in run order."""
    return sorted(f for f in os.listdir(d) if f.startswith("run-"))


def runs(d):
    """The run-NNN.json documents of @d, in run order."""
    return [load_json(os.path.join(d, f)) for f in run_files(d)]


def results_dirs(root):
    """The results directories directly under @root, in name (= time) order."""
    return sorted(os.path.join(root, f) for f in os.listdir(root)
                  if is_results_dir(os.path.join(root, f)))


def is_results_dir(d):
    return os.path.exists(os.path.join(d, "manifest.json"))


# a campaign's state file (scripts/campaign writes it) and its boot states
CAMPAIGN_STATE = "campaign.json"
CAMPAIGN_BOOT_STATES = ("planned", "started", "running", "done", "failed")


def campaign_state(d):
    """The state of campaign folder @d (DIR/campaign.json: version 1, boots
    with seq, round, set, k, state, and boot_id, release, reason once known),
    or None when @d has none (not a campaign); ValueError ("Type: what")
    when it is corrupt, OSError when it cannot be read."""
    p = os.path.join(d, CAMPAIGN_STATE)
    if not os.path.exists(p):
        return None
    try:
        st = load_json(p)
        assert isinstance(st, dict) and st.get("version") == 1, "not version 1"
        assert isinstance(st["boots"], list), "boots not a list"
        for b in st["boots"]:
            assert b["state"] in CAMPAIGN_BOOT_STATES, "boot state %r" % b["state"]
            assert isinstance(b["set"], str) and all(
                isinstance(b[k], int) for k in ("seq", "round", "k")), \
                "boot %r: seq, round, k not integers or set not a string" % b.get("seq")
    except (ValueError, KeyError, TypeError, AssertionError) as e:
        raise ValueError("%s: %s" % (type(e).__name__, e)) from None
    return st


def get(obj, *keys):
    """obj[k0][k1]... or None where a level is missing (or not a container)."""
    for k in keys:
        if isinstance(obj, dict):
            obj = obj.get(str(k))
        elif isinstance(obj, list) and str(k).lstrip("-").isdigit():
            i = int(k)
            obj = obj[i] if -len(obj) <= i < len(obj) else None
        else:
            return None
        if obj is None:
            return None
    return obj


def is_walker_run(man):
    """A walker scenario's manifest (not model, litmus, claim)."""
    o = man.get("options")
    return isinstance(o, dict) and "walker" in o and man.get("kind") != "claim"


def scenario(man):
    """'walker' or 'walker + trigger (mm mm)' of a walker run's manifest."""
    o = man.get("options", {})
    s = o.get("walker", "?")
    if o.get("trigger"):
        s += " + %s (%s mm)" % (o["trigger"], o["trigger_mm"])
    return s


def skip_reasons(man):
    """Why a run that is not complete is not: its skips, else its reason."""
    return "; ".join(x["reason"] for x in man.get("skipped", [])) or \
        man.get("status_reason", "")


def skips_text(man):
    """'what: reason; ...' of a manifest's skipped list ('' if none)."""
    return "; ".join("%s: %s" % (x["what"], x["reason"])
                     for x in man.get("skipped", []))


def mean_half_ci(s, key):
    """(mean, half width of its 95% CI) of summary.json metric @key, or None;
    the half width is None with one run (ci95_mean null: no interval)."""
    m = s.get(key)
    if not m:
        return None
    ci = m.get("ci95_mean")
    return m["mean"], (ci[1] - ci[0]) / 2 if ci else None


def sync_ipis_per_cpu_per_event(s, role):
    """summary.json's sync IPIs per CPU per trigger event for @role, or None."""
    return get(s, "observers", "sync_ipis_by_role", role, "per_cpu_per_event")


def se_log_from_ci(lo_pct, hi_pct, df, conf=0.95):
    """The log-scale standard error behind a t interval [lo_pct, hi_pct] (%)."""
    from scipy import stats
    return (math.log1p(hi_pct / 100) - math.log1p(lo_pct / 100)) / \
        (2 * stats.t.ppf(1 - (1 - conf) / 2, df))


def bonferroni_ci(change_pct, se_log, df, conf):
    """
    The @conf interval (in %) of a change compare reported as change_pct with
    se_log and df on the log scale: the same d, se and df at another level,
    e.g. 1 - 0.01 / checks for a family of checks.
    """
    from scipy import stats
    tb = stats.t.ppf(1 - (1 - conf) / 2, df)
    d = math.log1p(change_pct / 100)
    return (100 * (math.exp(d - tb * se_log) - 1),
            100 * (math.exp(d + tb * se_log) - 1))


def main(argv):
    if len(argv) >= 3 and argv[0] == "get":
        try:
            v = get(load_json(argv[1]), *argv[2:])
        except (OSError, ValueError):
            v = None
        print("missing" if v is None else
              v if not isinstance(v, (dict, list)) else json.dumps(v))
        return 0
    if len(argv) == 2 and argv[0] == "skips":
        print(skips_text(manifest(argv[1])))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
