#!/bin/bash
# The loaded cyclictest's window is the measured runs: gupbench starts it
# with a long -D (a backstop), waits until its timer threads measure
# (SCHED_FIFO on the RT CPU) before the first measured run, and stops it
# with a SIGINT when the last measured run ends; cyclictest.loaded records
# start_wait_s, stop "sigint after runs", d_s and the window (duration_s).
# A stub cyclictest first in PATH behaves as rt-tests 2.x's does
# (src/cyclictest/cyclictest.c): a startup (mlockall, its SIGINT handler),
# then a timer thread that pins itself to the RT CPU and goes SCHED_FIFO
# (-p95) late, as under TCG; on SIGINT (or -D) it writes its --json (a real
# cyclictest 2.40 file, tests/data/cyclictest-6.18.json) and its summary
# and exits 0. It logs how it ended; if gupbench sent no SIGINT after the
# runs, the loaded stub gives up after 20 s (gupbench's backstop kills it
# first) and the test fails.
# usage: cyclictest-sigint.sh GUPBENCH
set -u
GB=$1
HERE=$(cd "$(dirname "$0")" && pwd)
export PYTHONPATH=$HERE/../scripts:$HERE${PYTHONPATH:+:$PYTHONPATH}	# gupbench_results, stubtest
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (SCHED_FIFO for the stub's thread)"; exit 77; }
[ "$(nproc)" -ge 2 ] || { echo "SKIP: needs 2 CPUs (walker and RT CPU)"; exit 77; }
python3 -c 'import os; os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(1))' 2>/dev/null ||
	{ echo "SKIP: cannot set SCHED_FIFO here"; exit 77; }
T=$(mktemp -d "${TMPDIR:-/tmp}/gupbench-cyclictest-sigint.XXXXXX")
trap 'rm -rf "$T"' EXIT
mkdir "$T/bin" "$T/out"
cat >"$T/bin/cyclictest" <<'STUB'
#!/usr/bin/env python3
# stub cyclictest 2.x (see tests/cyclictest-sigint.sh)
import os, shutil, signal, sys, threading, time
a = sys.argv[1:]
if "--help" in a:
    print("cyclictest V 2.40 (gupbench test stub)")
    sys.exit(0)
D = int(a[a.index("-D") + 1])
cpu = int(a[a.index("-a") + 1].split(",")[0].split("-")[0])
out = [x.split("=", 1)[1] for x in a if x.startswith("--json=")][0]
stop, on, how = threading.Event(), [], ["duration"]
time.sleep(0.3)                               # mlockall
def sigint(sig, frame):
    how[0] = "sigint"
    stop.set()
signal.signal(signal.SIGINT, sigint)          # before the threads, as 2.x
time.sleep(1.2)                               # thread creation under TCG
def timerthread():
    os.sched_setaffinity(0, {cpu})
    os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(95))
    on.append(time.monotonic())               # -D counts from here
    while not stop.wait(0.01):
        pass
th = threading.Thread(target=timerthread)
th.start()
while not on and th.is_alive():
    time.sleep(0.01)
limit = D if D <= 60 else 20
while not stop.is_set() and time.monotonic() - on[0] < limit:
    stop.wait(0.05)
if how[0] == "duration" and limit != D:
    how[0] = "no-sigint-in-20s"
el = time.monotonic() - on[0]
stop.set()
th.join()
shutil.copy(os.environ["STUB_JSON"], out)
print("T: 0 (%d) P:95 I:100 C:  19808 Min:      6 Act:   10 Avg:   16 Max:   17552" % os.getpid())
with open(os.environ["STUB_LOG"], "a") as f:
    f.write("D=%d stop=%s measured_s=%.3f\n" % (D, how[0], el))
STUB
chmod +x "$T/bin/cyclictest"
export STUB_JSON=$HERE/data/cyclictest-6.18.json STUB_LOG=$T/stub.log
# runs: 2 x (0.5 s timed + 0.5 s untimed); RT CPU the last CPU
rt=$(($(nproc) - 1))
PATH=$T/bin:$PATH "$GB" vmsplice -q -C 0 --rt-cpus $rt -r 2 -T 0.5 --warmup 0 \
	--no-bpftrace -o "$T/out" >"$T/log" 2>&1 || { echo "FAIL: gupbench exited $?"; cat "$T/log"; exit 1; }
cat "$STUB_LOG"
python3 - "$(ls -d "$T"/out/*/)" "$STUB_LOG" <<'PY'
import sys
import gupbench_results as gr
import stubtest
o = gr.observers(sys.argv[1])["cyclictest"]
log, check = stubtest.start(sys.argv[2])
q, ld = o.get("quiet", {}), o.get("loaded", {})
check("two stub cyclictest runs (quiet, loaded): %s" % log, len(log) == 2)
check("quiet: ended by its -D 1: %s" % (log[0] if log else None),
      log and log[0]["D"] == "1" and log[0]["stop"] == "duration")
check("quiet: status ok, cycles 19808: %s" % {k: q.get(k) for k in ("status", "cycles")},
      q.get("status") == "ok" and q.get("cycles") == 19808)
stub = log[1] if len(log) > 1 else {}
check("loaded: the stub got a SIGINT: %s" % stub, stub.get("stop") == "sigint")
check("loaded: -D %s is a backstop (>= 600 s), d_s %s" % (stub.get("D"), ld.get("d_s")),
      int(stub.get("D", 0)) >= 600 and str(ld.get("d_s")) == stub.get("D"))
# the stub's thread went FIFO 1.5 s after its start; the runs waited for it
check("loaded: the runs waited for its thread (start_wait_s %s >= 1.2, no start_wait)" %
      ld.get("start_wait_s"), (ld.get("start_wait_s") or 0) >= 1.2 and "start_wait" not in ld)
# the runs (2 x 1 s nominal) came between its thread measuring and the SIGINT
check("loaded: SIGINT after the runs (%s s after its thread measured)" % stub.get("measured_s"),
      float(stub.get("measured_s", 0)) >= 2.0)
check("loaded: stop 'sigint after runs', status ok, cycles 19808: %s" % {k: ld.get(k) for k in
      ("status", "stop", "d_s", "duration_s", "start_wait_s", "reason", "cycles")},
      ld.get("status") == "ok" and ld.get("stop") == "sigint after runs" and
      ld.get("cycles") == 19808)
check("loaded: duration_s %s within 0.5 s of the stub's window %s" % (ld.get("duration_s"),
      stub.get("measured_s")), abs((ld.get("duration_s") or -9) - float(stub.get("measured_s", 0))) < 0.5)
check.end()
PY
rc=$?
[ $rc = 0 ] || cat "$T/log"
exit $rc
