#!/bin/bash
# scripts/report on a campaign folder (scripts/campaign's campaign.json and
# compare-kernels' layout), built from the committed sample runs
# (tests/compare/data/variants, one walker run dir per boot): baseline
# boots 1-2 done; inject3pct boot 1 recorded failed (a crash) with its
# complete run dir listed in boot-1/runs, boot 2 done, boot 3 still running
# (a report mid-campaign) with a complete run dir that boot-3/runs does not
# list yet but whose manifest has boot 3's boot_id. Checks: the comparison
# has 2 baseline units and 1 inject3pct unit (boots 1 and 3 left out), the
# cover letter (stdout and cover-letter.txt) has one line per left-out boot
# with its run dir count and reason, --sweep-table lists them too, a corrupt
# state is exit 2 with one line. Control: the same folder without
# campaign.json (a plain compare folder) has 3 inject3pct units, so the
# unit check fails if the report stops leaving those boots out.
# usage: campaign-report.sh GUPBENCH REPORT_SCRIPT DATA_DIR
set -u
G=$1 REPORT=$2 DATA=$3
RES=$(cd "$(dirname "$REPORT")" && pwd)/gupbench_results.py
command -v gnuplot >/dev/null || { echo "SKIP: gnuplot not installed (apt-get install gnuplot-nox)"; exit 77; }
T=$(mktemp -d /tmp/gupbench-campaign-report.XXXXXX)
trap 'rm -rf "$T"' EXIT
C=$T/campaign
fail=0
check() {	# check WHAT OK(1/empty) DETAIL
	if [ "$2" = 1 ]; then echo "ok: $1"; else echo "FAIL: $1: $3"; fail=1; fi
}

# the fixture: run dirs, boot-K records, manifests with the boot's unit,
# the state (written with json.dump, as a test fixture; read by the module)
PYTHONPATH=$(dirname "$RES") python3 - "$DATA/variants" "$C" <<'PY' || exit 1
import json, os, shutil, sys
import gupbench_results as gr
src, c = sys.argv[1:]
boots, seq = [], 0
plan = {"baseline": ["done", "done"], "inject3pct": ["failed", "done", "running"]}
for s, states in plan.items():
    runs = [d for d in gr.results_dirs(os.path.join(src, s)) if d.endswith("-vmsplice")]
    for k, state in enumerate(states, 1):
        seq += 1
        name = "20270101T%06dZ-vmsplice" % (seq * 100)
        d = os.path.join(c, s, name)
        shutil.copytree(runs[(k - 1) % len(runs)], d)
        bid = "00000000-0000-4000-8000-%012d" % seq
        p = os.path.join(d, "manifest.json")
        m = gr.load_json(p)
        m["kernel_release"] = "6.18.44-gupbench-" + s
        m["unit"] = {"boot_id": bid, "invocation_id": "%032x" % seq, "round": k - 1}
        json.dump(m, open(p, "w"))
        bd = os.path.join(c, s, "boot-%d" % k)
        os.makedirs(bd)
        open(os.path.join(bd, "boot_id"), "w").write(bid + "\n")
        # boot 3 is in flight: its scenario's run dir is not listed yet
        open(os.path.join(bd, "runs"), "w").write("" if state == "running" else name + "\n")
        b = {"seq": seq, "round": k - 1, "set": s, "k": k, "state": state, "boot_id": bid,
             "release": m["kernel_release"], "running_since": "2027-01-01T00:00:00+0000"}
        if state == "failed":
            b["reason"] = "no results: the machine came back in 6.18.44 (boot_id x) " \
                          "without finishing it (crash, hang, power loss or stop)"
        boots.append(b)
json.dump({"version": 1, "sets": {s: {"variant": s, "knob": "", "value": ""} for s in plan},
           "boots": boots, "finished": None}, open(os.path.join(c, "campaign.json"), "w"))
PY

units() {	# units SIDE of the first comparison in DIR/compare.json
	python3 "$RES" get "$1/compare.json" comparisons 0 "$2_units"
}
GUPBENCH=$G "$REPORT" "$C" "$T/report" >"$T/out" 2>"$T/err"
rc=$?
check "report on the campaign folder: exit 0" "$([ $rc = 0 ] && echo 1)" "exit $rc: $(cat "$T/err")"
check "unit is the boot" "$([ "$(python3 "$RES" get "$T/report/compare.json" comparisons 0 unit)" = boot ] && echo 1)" \
	"$(python3 "$RES" get "$T/report/compare.json" comparisons 0 unit)"
b=$(units "$T/report" base) o=$(units "$T/report" other)
check "units: baseline 2, inject3pct 1 (failed boot 1 and running boot 3 left out)" \
	"$([ "$b/$o" = 2/1 ] && echo 1)" "baseline $b, inject3pct $o"
for f in "$T/out" "$T/report/cover-letter.txt"; do
	check "$(basename "$f"): failed boot 1 listed (set, boot, run dirs, reason)" \
		"$(grep -q '^inject3pct boot 1: 1 run dir left out: failed: no results: the' "$f" && echo 1)" \
		"$(grep -A3 '^Boots left out' "$f")"
	check "$(basename "$f"): in-flight boot 3 listed (its run dir by boot_id)" \
		"$(grep -q '^inject3pct boot 3: 1 run dir left out: in flight (running since' "$f" && echo 1)" \
		"$(grep -A6 '^Boots left out' "$f")"
	check "$(basename "$f"): no done boot listed" \
		"$(grep -q '^baseline boot\|^inject3pct boot 2' "$f" || echo 1)" "$(grep -A6 '^Boots left out' "$f")"
done
w=$(awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }' "$T/report/cover-letter.txt")
check "cover letter <= 72 columns" "$([ "$w" -le 72 ] && echo 1)" "$w columns"
check "the left-out run dirs are kept on disk" \
	"$([ "$(find "$C/inject3pct" -maxdepth 1 -name "2027*-vmsplice" | wc -l)" = 3 ] && echo 1)" "$(ls "$C/inject3pct")"
"$REPORT" --sweep-table "$C" >"$T/sweep" 2>&1
check "--sweep-table lists the left-out boots" \
	"$(grep -c '^inject3pct boot [13]: 1 run dir left out' "$T/sweep" | grep -qx 2 && echo 1)" "$(cat "$T/sweep")"

# control: without the state the same run dirs are 3 inject3pct units
cp -r "$C" "$T/plain" && rm "$T/plain/campaign.json"
GUPBENCH=$G "$REPORT" "$T/plain" "$T/plain-report" >"$T/pout" 2>"$T/perr"
o=$(units "$T/plain-report" other)
check "control: without campaign.json inject3pct has 3 units (the check above can fail)" \
	"$([ "$o" = 3 ] && ! grep -q '^Boots left out' "$T/pout" && echo 1)" "$o units; $(cat "$T/perr")"

# a corrupt state: exit 2, one line
cp -r "$C" "$T/bad" && echo '{"version": 1, "boots": [{"state": "gone"}]}' >"$T/bad/campaign.json"
GUPBENCH=$G "$REPORT" "$T/bad" "$T/bad-report" >"$T/bout" 2>&1
rc=$?
check "corrupt campaign.json: exit 2, one line" \
	"$([ $rc = 2 ] && [ "$(wc -l <"$T/bout")" = 1 ] && echo 1)" "exit $rc: $(cat "$T/bout")"
cat "$T/bout"
sed -n '/^Boots left out/,/^$/p' "$T/report/cover-letter.txt"
exit $fail
