#!/bin/bash
# gupbench claim (the v4 cover letter's method) and scripts/claim-vs-gupbench:
# a short real run gives a well-formed results directory; bad input exits 2
# with one line. About 20 s. SKIP (77) when not root or with fewer than 2 CPUs.
# usage: claim.sh GUPBENCH SCRIPT
set -u
GB=$1
SCRIPT=$2
HERE=$(cd "$(dirname "$0")" && pwd)
export PYTHONPATH=$(cd "$(dirname "$0")/../scripts" && pwd)${PYTHONPATH:+:$PYTHONPATH}	# gupbench_results
OUT=$(mktemp -d "${TMPDIR:-/tmp}/gupbench-claim.XXXXXX")
trap 'rm -rf "$OUT"' EXIT

fail() { echo "FAIL: $*"; exit 1; }

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: not root (claim pins threads and, where present, opens /sys/kernel/debug/gup_test)"
	exit 77
fi
if [ "$(nproc)" -lt 2 ]; then
	echo "SKIP: $(nproc) CPU online; claim's threads run on all CPUs but the first"
	exit 77
fi

# --- a real run: 3 repetitions of a small fixed number of calls ---------------
"$GB" claim --reps 3 --calls 3000 -o "$OUT/run" > "$OUT/stdout" 2> "$OUT/stderr"
rc=$?
[ $rc -eq 0 ] || { cat "$OUT/stderr"; fail "gupbench claim --reps 3 --calls 3000 exited $rc"; }
cat "$OUT/stdout"
d=("$OUT"/run/*/)
[ ${#d[@]} -eq 1 ] && [ -d "${d[0]}" ] || fail "expected one results dir under $OUT/run"
grep -q '^path: \(vmsplice (fallback, gup_test unusable: .*)\|gup-test (.*)\)$' "$OUT/stdout" ||
	fail "stdout does not name the path taken (and why)"
grep -q '^as the claim put it: total time ' "$OUT/stdout" || fail "no line in the claim's form"
python3 - "${d[0]%/}" <<'EOF' || exit 1
import csv, math, os, sys
import gupbench_results as gr
d = sys.argv[1]
errs = []
def check(c, m):
    if not c:
        errs.append(m)
m, s = gr.manifest(d), gr.summary(d)
check(m.get("kind") == "claim", "manifest kind %r" % m.get("kind"))
check(m.get("status") == "complete", "manifest status %r" % m.get("status"))
check(m.get("reps_completed") == 3, "reps_completed %r" % m.get("reps_completed"))
check(not os.path.exists(os.path.join(d, "INCOMPLETE")), "INCOMPLETE left")
p = m.get("path", {})
check(p.get("name") in ("vmsplice", "gup-test"), "path %r" % p)
if p.get("name") == "vmsplice":
    check(p.get("why", "").startswith("fallback, gup_test unusable: "),
          "vmsplice path without the fallback reason: %r" % p.get("why"))
check(m.get("calls_per_thread") == 3000 or
      (p.get("name") == "gup-test" and m.get("calls_per_thread") % 1024 == 0),
      "calls_per_thread %r" % m.get("calls_per_thread"))
for k in ("timer", "options", "command", "start_time", "end_time", "kernel_release",
          "cpu_model", "arch"):
    check(k in m, "manifest lacks %s" % k)
w = s.get("wall_s_per_rep", [])
check(len(w) == 3, "%d wall times, want 3" % len(w))
check(all(isinstance(x, float) and math.isfinite(x) and x > 0 for x in w),
      "wall times not positive finite: %r" % w)
for key in ("wall_s", "ns_per_call"):
    st = s.get(key, {})
    check(st.get("n") == 3, "%s n %r" % (key, st.get("n")))
    lo, hi = st.get("ci95_mean", [None, None])
    check(all(isinstance(v, float) and math.isfinite(v) for v in
              (st.get("mean"), st.get("sd"), lo, hi)), "%s not finite: %r" % (key, st))
    check(lo <= st["mean"] <= hi, "%s mean outside its CI" % key)
check(abs(s["wall_s"]["mean"] * 1e9 / s["calls_per_thread"] - s["ns_per_call"]["mean"])
      < 1e-6 * s["ns_per_call"]["mean"], "ns_per_call != wall / calls")
rows = list(csv.DictReader(open(os.path.join(d, "reps.csv"))))
check(len(rows) == 3, "reps.csv has %d rows" % len(rows))
check([float(r["wall_s"]) for r in rows] == [round(x, 9) for x in w] or
      all(abs(float(r["wall_s"]) - x) < 1e-8 for r, x in zip(rows, w)),
      "reps.csv and summary.json disagree")
for e in errs:
    print("FAIL: " + e)
sys.exit(1 if errs else 0)
EOF
echo "ok: results dir well formed"

# --- bad input: exit 2, exactly one line on stderr, nothing left behind -------
EXPECT_GB=$GB EXPECT_OUT=$OUT/bad
mkdir -p "$EXPECT_OUT"
. "$HERE/expect.sh"
expect "--reps: 0 is out of range" claim --reps 0
expect "--calls: '-1' is not a number" claim --calls -1
expect "--calls: 0 is out of range" claim --calls 0
expect "bad option '--frob'" claim --frob
expect "unexpected argument" claim extra
expect "--path" claim --path kernel
expect "--rep-time" claim --rep-time 0
expect "--time-budget" claim --time-budget 10 --calls 5
expect "--inject-ns" claim --inject-ns x
expect "bad CPU list" claim --cpus 4000
expect "is not online" claim --cpus 999
left=$(ls -A "$EXPECT_OUT")
if [ -n "$left" ]; then
	echo "FAIL: bad input left results: $left"
	failed=$((failed + 1))
fi

# --- the comparison script, at its smallest budget ----------------------------
GUPBENCH=$GB "$SCRIPT" --budget 10 --rounds 2 -o "$OUT/cvg" > "$OUT/cvg.out" 2> "$OUT/cvg.err"
rc=$?
cat "$OUT/cvg.out"
if [ $rc -ne 0 ]; then
	cat "$OUT/cvg.err"
	echo "FAIL: claim-vs-gupbench exited $rc"
	failed=$((failed + 1))
else
	python3 - "$OUT/cvg/summary.json" <<'EOF' || failed=$((failed + 1))
import math, sys
import gupbench_results as gr
s = gr.load_json(sys.argv[1])
c = s["comparisons"][0]
bad = [k for k in ("claim_pooled", "gupbench_welch", "gupbench_paired")
       if not (math.isfinite(c[k]["half"]) and c[k]["half"] > 0)]
bad += ["machine time"] if not (s["machine_time_s"]["claim"] > 0 and
                                s["machine_time_s"]["gupbench"] > 0) else []
if bad:
    print("FAIL: claim-vs-gupbench summary: " + ", ".join(bad))
    sys.exit(1)
print("ok: claim-vs-gupbench table and summary.json")
EOF
	passed=$((passed + 1))
fi
err=$("$SCRIPT" --frob 2>&1 >/dev/null); rc=$?
if [ $rc -eq 2 ] && [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ]; then
	passed=$((passed + 1))
else
	echo "FAIL: claim-vs-gupbench --frob: exit $rc, stderr '$err'"
	failed=$((failed + 1))
fi
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
