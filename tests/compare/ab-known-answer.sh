#!/bin/bash
# Known answer for the within-invocation A/B (gupbench --ab-inject-ns),
# from real runs on this machine (~90 s): interleaved invocations of
#   aa       --ab-inject-ns 0    (an A/A: both arms identical)
#   inject1  --ab-inject-ns N1   (~ +1% of A's ns/call)
#   inject3  --ab-inject-ns N3   (~ +3%)
# N1, N3 from a short pilot A/A invocation. `gupbench compare` gives each
# set's change B/A with a t interval over its invocations; the known answer
# is B's extra delay as it ran (ab.b_inject_in_loop_ns) over A's ns/call.
# Asserted: each set's interval covers its known answer (3 checks at the
# Bonferroni level 1-0.01/3: family-wise false-fail rate 1%); when the
# 95% half-width is <= 1/3 of the effect, inject1/inject3 must be
# significant; when it is not, the test SKIPs (77) after the coverage
# checks with the measured half-width as the reason.
# KA_KNOWN_SCALE=2 multiplies the known answers by 2: the test must then
# fail (when the noise allows the check to see it).
# usage: ab-known-answer.sh GUPBENCH INTERLEAVE [OUTDIR]
set -u
G=$1 IL=$2
OUT=${3:-$(mktemp -d /tmp/gupbench-abka.XXXXXX)}
ROUNDS=${ROUNDS:-6} SCALE=${KA_KNOWN_SCALE:-1}
. "$(dirname "$0")/timing-prereq.sh"
mkdir -p "$OUT"
args="vmsplice -p 8 -r 2 -T 1 --warmup 0 --no-bpftrace"

if [ -z "${KA_RESULTS:-}" ]; then
	t0=$(date +%s)
	"$G" $args -r 1 -T 0.5 --ab-inject-ns 0 --variant pilot -o "$OUT/pilot" -q \
		>"$OUT/pilot.log" 2>&1 || { cat "$OUT/pilot.log"; echo "FAIL: pilot invocation"; exit 1; }
	read -r A N1 N3 < <($PY - "$OUT/pilot" "$(dirname "$IL")" <<'PY'
import sys
sys.path.insert(0, sys.argv[2])
import gupbench_results as gr
r = gr.runs(gr.results_dirs(sys.argv[1])[0])[0]
a = r["ab"]["a_ns_per_call_median"]
print("%.0f" % a, max(1, round(0.01 * a)), max(1, round(0.03 * a)))
PY
)
	[ -n "${N3:-}" ] || { echo "FAIL: cannot read the pilot's run file"; exit 1; }
	echo "pilot: A $A ns/call -> inject1 $N1 ns, inject3 $N3 ns; $ROUNDS rounds of 3 invocations ($args)"
	"$IL" -o "$OUT/il" --rounds "$ROUNDS" aa="$args --ab-inject-ns 0" \
		inject1="$args --ab-inject-ns $N1" inject3="$args --ab-inject-ns $N3" \
		2>"$OUT/interleave.log" >/dev/null || { tail -5 "$OUT/interleave.log"; echo "FAIL: interleave"; exit 1; }
	echo "machine time: $(( $(date +%s) - t0 )) s"
else
	OUT=$KA_RESULTS
fi
"$G" compare "$OUT/il/aa" "$OUT/il/inject1" "$OUT/il/inject3" -o "$OUT/compare" >/dev/null ||
	{ echo "FAIL: compare exited $?"; exit 1; }

$PY - "$OUT/compare/compare.json" "$SCALE" "$(dirname "$IL")" <<'PY'
import sys
sys.path.insert(0, sys.argv[3])
import gupbench_results as gr
rows = gr.load_json(sys.argv[1])["ab_within"]
scale = float(sys.argv[2])
conf_b = 1 - 0.01 / 3
fail, unreachable = [], []
if sorted(r["variant"] for r in rows) != ["aa", "inject1", "inject3"]:
    print("FAIL: compare gave A/B rows for %s" % [r["variant"] for r in rows]); sys.exit(1)
print("%-8s %5s %9s %20s %7s %7s %7s  %s" % ("set", "units", "change", "95% CI", "+-CI",
      "MDE80", "mark", "known"))
for r in sorted(rows, key=lambda r: r["variant"]):
    v = r["variant"]
    lo, hi = r["ci_pct"]
    if lo is None:
        fail.append("%s: no interval (%d units)" % (v, r["units"])); continue
    known = 0.0 if v == "aa" else scale * r["known_pct"]
    df = r["units"] - 1
    se = gr.se_log_from_ci(lo, hi, df)
    blo, bhi = gr.bonferroni_ci(r["change_pct"], se, df, conf_b)
    print("%-8s %5d %+8.3f%% [%+7.3f%%, %+7.3f%%] %6.3f%% %6.3f%% %7s  %+.3f%%" % (
        v, r["units"], r["change_pct"], lo, hi, r["ci_half_width_pct"], r["mde_pct"],
        r["mark"], known))
    if not blo <= known <= bhi:
        fail.append("%s: known %+.3f%% outside the %.2f%% CI [%+.3f%%, %+.3f%%]" % (
            v, known, 100 * conf_b, blo, bhi))
    if v == "aa":
        continue
    if r["ci_half_width_pct"] > abs(known) / 3:
        unreachable.append("%s: CI half-width %.3f%% > 1/3 of %+.3f%%" % (
            v, r["ci_half_width_pct"], known))
    elif r["mark"] != "*":
        fail.append("%s: precise enough but not significant" % v)
for f in fail:
    print("FAIL: " + f)
if fail:
    sys.exit(1)
if unreachable:
    print("SKIP: the measured noise makes the target unreachable: " + "; ".join(unreachable))
    sys.exit(77)
print("ok: every known answer covered, half-widths <= 1/3 of the effect, +1%/+3% significant")
PY
rc=$?
echo "results: $OUT"
exit $rc
