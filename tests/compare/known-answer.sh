#!/bin/bash
# Known answer and a real A/A for gupbench compare, from real interleaved
# runs on this machine (scripts/interleave; about 60-90 s):
#   baseline  vmsplice -p 8                    \
#   aa        the same, separate invocations    | one invocation of each per
#   inject1   --inject-ns N1 (~ +1% untimed)    | round, randomised balanced
#   inject3   --inject-ns N3 (~ +3% untimed)   /  order, paired by round
# N1, N3 come from a short pilot baseline invocation: 1% and 3% of its
# untimed ns/call. The known answer of each set is the delay as it ran in
# the walker (compare's inject_measured_ns: the runs' inject_in_loop_ns,
# averaged over the set's units, minus baseline's) divided by the
# baseline's value of the metric (geometric mean of its units), for the
# primary metric (untimed ns/call per thread) and for GUP-fast p50.
# Asserted per metric:
#   - the CI of inject1 and inject3 covers the known value, the A/A CI
#     covers 0 (6 coverage checks: each at the Bonferroni level 1-0.01/6,
#     so the family-wise false-fail rate stays 1%: a CI step that fails 1 run
#     in 20 by design is a flaky CI; the 95% CI is printed);
#   - the 95% CI half-width is <= 1/3 of the injected effect;
#   - inject1 and inject3 are significant (*) (the A/A's "covers 0" is
#     its coverage check above).
# The timed p50 checks of a set whose delay is under twice the pilot's
# shortest delay (the timer floor) are printed, not asserted: near the
# floor the in-loop delay did not hold as the timed p50's known shift
# (a fresh Debian root on the CI VM: +0.07% measured for a known +1.44%,
# 3.4 standard errors off; the host the same hour: +2.33% for +2.01%).
# When the measured noise makes the half-width target unreachable in the
# time budget (KA_BUDGET_S, default 75 s of runs), the reachable checks are
# still made and a failure among them fails; otherwise the test SKIPs
# (77) with the measured MDE and half-width as the reason. The untimed
# ns/call is wall time: when the walker had < 90% of its CPU (other load,
# run's untimed_cpu_share) a fixed delay shows up scaled by 1/share, so
# the known answers do not hold; the inject checks are
# then printed, not asserted (KA_ASSERT_UNDER_LOAD=1 asserts them anyway),
# the A/A is still asserted, and the reason (the measured share) is given.
# KA_RESULTS=OUT evaluates an earlier run's OUT again without running.
# KA_KNOWN_SCALE=2 multiplies the known answers by 2 (the known value off by
# the effect size): the test must then fail.
# usage: known-answer.sh GUPBENCH INTERLEAVE [OUTDIR]
set -u
G=$1 IL=$2
OUT=${3:-$(mktemp -d /tmp/gupbench-ka.XXXXXX)}
PAGES=${PAGES:-8} T=${T:-0.1} RUNS=${RUNS:-2} BUDGET=${KA_BUDGET_S:-75}
SCALE=${KA_KNOWN_SCALE:-1}
. "$(dirname "$0")/timing-prereq.sh"
mkdir -p "$OUT"
args="vmsplice -p $PAGES -r $RUNS -T $T --warmup 0 --no-bpftrace"

if [ -n "${KA_RESULTS:-}" ]; then	# evaluate an earlier run's results again
	OUT=$KA_RESULTS
	[ -s "$OUT/compare/compare.json" ] || { echo "FAIL: $OUT/compare/compare.json missing"; exit 1; }
	echo "evaluating $OUT again (KA_KNOWN_SCALE=$SCALE)"
else
t0=$(date +%s%N)
# the pilot injects the shortest delay (1 ns requested): its in-loop length
# F is the floor of any delay (a few timer reads), and N + F - 1 the length
# of a delay of N ns, so N = target - F + 1
"$G" $args --inject-ns 1 --variant pilot -o "$OUT/pilot" -q >"$OUT/pilot.log" 2>&1 || {
	rc=$?; cat "$OUT/pilot.log"; echo "FAIL: pilot invocation exited $rc"; exit 1; }
t1=$(date +%s%N)
read -r N1 N3 R U0 F < <($PY - "$OUT/pilot" "$(( (t1 - t0) / 1000000 ))" "$BUDGET" "$(dirname "$IL")" <<'PY'
import sys
sys.path.insert(0, sys.argv[4])
import gupbench_results as gr
runs = gr.runs(gr.results_dirs(sys.argv[1])[0])
f = sum(r["inject_in_loop_ns"] for r in runs) / len(runs)
u0 = sorted(r["untimed_ns_per_call"] for r in runs)[len(runs) // 2] - f
ms, budget = int(sys.argv[2]), float(sys.argv[3])
# 4 sets a round; at least 6 rounds, at most 30
rounds = max(6, min(30, int(budget * 1000 / (4 * max(ms, 300)))))
print(max(1, round(0.01 * u0 - f + 1)), max(1, round(0.03 * u0 - f + 1)), rounds,
      "%.1f" % u0, "%.1f" % f)
PY
)
[ -n "${R:-}" ] || { echo "FAIL: cannot read the pilot's run files"; exit 1; }
echo "pilot: untimed ns/call $U0, shortest delay $F ns -> inject1 $N1 ns, inject3 $N3 ns" \
	"(delays of ~1% and ~3%; 1% is more when it is below the shortest delay);" \
	"$R rounds of 4 invocations ($args)"

"$IL" -o "$OUT/il" --rounds "$R" baseline="$args" aa="$args" \
	inject1="$args --inject-ns $N1" inject3="$args --inject-ns $N3" 2>"$OUT/interleave.log" >/dev/null || {
	rc=$?; tail -5 "$OUT/interleave.log"; echo "FAIL: interleave exited $rc"; exit 1; }
"$G" compare "$OUT/il/baseline" "$OUT/il/aa" "$OUT/il/inject1" "$OUT/il/inject3" \
	-o "$OUT/compare" >/dev/null || { echo "FAIL: compare exited $?"; exit 1; }
t2=$(date +%s%N)
echo "machine time: $(( (t2 - t0) / 1000000000 )) s (pilot + $((R * 4)) invocations + compare)"
fi

[ -n "${F:-}" ] && echo "$F" >"$OUT/pilot-floor-ns"
F=${F:-$(cat "$OUT/pilot-floor-ns" 2>/dev/null)}
$PY - "$OUT/compare/compare.json" "$SCALE" "${KA_ASSERT_UNDER_LOAD:-0}" "$(dirname "$IL")" "${F:-0}" <<'PY'
import sys
sys.path.insert(0, sys.argv[4])
import gupbench_results as gr
doc = gr.load_json(sys.argv[1])
scale, force = float(sys.argv[2]), sys.argv[3] == "1"
floor = float(sys.argv[5])	# the pilot's shortest delay (timer reads), ns
CHECKS = 6
conf_b = 1 - 0.01 / CHECKS	# family-wise false-fail rate 1%
fail, unreachable = [], []
share = 1.0
for c in doc["comparisons"]:
    for r in c["metrics"]:
        if r["metric"] == "untimed_cpu_share":
            share = min([share] + r["base_values"] + r["other_values"])
loaded = share < 0.9 and not force
if loaded:
    unreachable.append("walker CPU share in the untimed phase down to %.0f%% (other load): "
                       "untimed wall ns/call scales a fixed delay by 1/share, so the known "
                       "answers do not hold (inject checks printed, not asserted; the A/A "
                       "is)" % (100 * share))
print("%-8s %-20s %8s %20s %7s %7s %7s %6s  %s" % ("set", "metric", "change", "95% CI",
      "+-CI", "MDE80", "p", "mark", "known"))
for c in doc["comparisons"]:
    v = c["other"]["variant"]
    mb, mo = c["inject_measured_ns"]
    for r in c["metrics"]:
        if r["metric"] not in ("untimed_ns_per_call", "walker_p50"):
            continue
        lo, hi = r["change_ci_pct"]
        if lo is None:
            fail.append("%s %s: no interval (%s)" % (v, r["metric"], r["verdict"]))
            continue
        delay = (mo or 0) - (mb or 0)	# ns per call, as it ran in the loop
        known = 0.0 if v == "aa" else scale * 100 * delay / r["base_center"]
        # Bonferroni-level interval from the same d, se, df
        blo, bhi = gr.bonferroni_ci(r["change_pct"], r["se_log"], r["df"], conf_b)
        line = "%-8s %-20s %+7.2f%% [%+7.2f%%, %+7.2f%%] %6.2f%% %6.2f%% %7.4f %6s  %+.2f%%" % (
            v, r["metric"], r["change_pct"], lo, hi, r["ci_half_width_pct"], r["mde_pct"],
            r["p"], r["mark"] + (" paired" if r.get("paired") else ""), known)
        if not lo <= known <= hi:
            line += " (outside the 95%% CI; Bonferroni %.2f%% CI [%+.2f%%, %+.2f%%])" % (
                100 * conf_b, blo, bhi)
        contended = loaded and v != "aa"
        # near the timer floor: printed, not asserted (see the header)
        hidden = (r["metric"] == "walker_p50" and v != "aa" and floor > 0 and
                  delay < 2 * floor)
        if contended:
            line += "   [not asserted: CPU share]"
        elif hidden:
            line += ("   [not asserted: a %.0f ns delay is under 2x the timer floor %.1f ns, "
                     "not a stable known shift of a timed percentile]" % (delay, floor))
        print(line)
        if contended or hidden:
            continue
        if v != "aa" and known <= 0:
            fail.append("%s: no injected delay measured (manifest inject.measured_ns)" % v)
            continue
        if not blo <= known <= bhi:
            fail.append("%s %s: known %+.2f%% outside the %.2f%% CI [%+.2f%%, %+.2f%%]" % (
                v, r["metric"], known, 100 * conf_b, blo, bhi))
        if v == "aa":
            continue	# its 0 is checked above at the Bonferroni level
        if r["ci_half_width_pct"] > abs(known) / 3:
            unreachable.append("%s %s: CI half-width %.2f%% > 1/3 of %+.2f%% (MDE %.2f%%)" % (
                v, r["metric"], r["ci_half_width_pct"], known, r["mde_pct"]))
        elif r["mark"] != "*":
            fail.append("%s %s: precise enough (+-%.2f%%) but not significant" % (
                v, r["metric"], r["ci_half_width_pct"]))
for f in fail:
    print("FAIL: " + f)
if fail:
    sys.exit(1)
if unreachable:
    print("SKIP: the measured noise makes the target unreachable in the time budget: " +
          "; ".join(unreachable))
    sys.exit(77)
print("ok: every known answer covered, half-widths <= 1/3 of the effect, +1%/+3% significant, A/A covers 0")
PY
rc=$?
echo "results: $OUT"
exit $rc
