#!/bin/bash
# The rtla observer (rtla osnoise top on the RT CPU, quiet and loaded),
# for real: vmsplice walker on CPU 1, RT CPU 0 (the last CPU with >= 3).
# Without the osnoise tracer (CONFIG_OSNOISE_TRACER) or rtla, the run must
# record the SKIP with its reason in observers.json -- checked -- and the
# test SKIPs (77) saying why. With it: quiet and loaded rows for the RT CPU
# with a runtime, the noise, max single noise and the IRQ count.
# usage: rtla.sh GUPBENCH
set -u
GB=$1
export PYTHONPATH=$(cd "$(dirname "$0")/../scripts" && pwd)${PYTHONPATH:+:$PYTHONPATH}	# gupbench_results
OUT=$(mktemp -d "${TMPDIR:-/tmp}/gupbench-rtla.XXXXXX")
trap 'rm -rf "$OUT"' EXIT
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (rtla, tracefs)"; exit 77; }
n=$(nproc)
[ "$n" -ge 2 ] || { echo "SKIP: needs 2 CPUs (walker and RT CPU)"; exit 77; }
rt=$((n >= 3 ? n - 1 : 0))
"$GB" vmsplice -q -C 1 --rt-cpus $rt -r 1 -T 0.5 --warmup 0 --no-bpftrace -o "$OUT" \
	>"$OUT.log" 2>&1 || { echo "FAIL: gupbench exited $?"; cat "$OUT.log"; rm -f "$OUT.log"; exit 1; }
rm -f "$OUT.log"
python3 - "$(ls -d "$OUT"/*/)" "$rt" <<'PY'
import sys
import gupbench_results as gr
o = gr.observers(sys.argv[1])["rtla"]
rt = sys.argv[2]
st = o.get("status")
if st == "skipped":
    r = o.get("reason", "")
    if not r:
        print("FAIL: rtla skipped without a reason"); sys.exit(1)
    print("SKIP: rtla observer skipped, recorded in observers.json: %s" % r); sys.exit(77)
if st != "ok":
    print("FAIL: rtla status %s: %s" % (st, o)); sys.exit(1)
for tag in ("quiet", "loaded"):
    p = o.get(tag, {})
    c = (p.get("by_cpu") or {}).get(rt)
    if p.get("status") != "ok" or not c or c["runtime_us"] <= 0:
        print("FAIL: rtla %s: %s" % (tag, p)); sys.exit(1)
    print("%s: CPU %s max single noise %d us, %.0f us noise/s, %d IRQs (%.0f/s)" % (
        tag, rt, c["max_single_noise_us"], c["noise_us_per_s"], c["irq"], c["irq_per_s"]))
print("1 passed, 0 failed")
PY
