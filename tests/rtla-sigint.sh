#!/bin/bash
# The loaded rtla's window is the measured runs: gupbench starts it with a
# long -d (a backstop) and stops it with a SIGINT when the last measured run
# ends, as a user's Ctrl-C would; rtla.loaded records stop "sigint after
# runs" and the window rtla printed (duration_s). No osnoise kernel needed:
# in a private mount namespace a tmpfs stands in for /sys/kernel/tracing
# (available_tracers "osnoise") and a stub rtla first in PATH behaves as
# rtla 6.1's osnoise top -q does (tools/tracing/rtla/src/osnoise_top.c):
# after a setup it puts its instance's tracer on, samples until -d or a
# SIGINT, then prints its one table (a real rtla 6.1 table,
# tests/data/rtla-osnoise-top-guest-loaded.txt, its "duration:" line the
# stub's own) and removes its instance. The stub logs how it ended; if
# gupbench sent no SIGINT after the runs, the loaded stub gives up after
# 20 s and the test fails.
# usage: rtla-sigint.sh GUPBENCH
set -u
GB=$1
HERE=$(cd "$(dirname "$0")" && pwd)
export PYTHONPATH=$HERE/../scripts:$HERE${PYTHONPATH:+:$PYTHONPATH}	# gupbench_results, stubtest
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (a mount namespace, rtla's root check)"; exit 77; }
[ "$(nproc)" -ge 2 ] || { echo "SKIP: needs 2 CPUs (walker and RT CPU)"; exit 77; }
command -v unshare >/dev/null || { echo "SKIP: no unshare (util-linux)"; exit 77; }
command -v cyclictest >/dev/null ||
	{ echo "SKIP: cyclictest not installed (the rtla references follow cyclictest's)"; exit 77; }
# --propagation unchanged: in a chroot (scripts/fresh-root) / is no mount
# point and unshare's default (make / private) fails; the fake tracefs
# is made private itself below, so it never reaches the real one
unshare -m --propagation unchanged true 2>/dev/null ||
	{ echo "SKIP: cannot make a mount namespace here"; exit 77; }
T=$(mktemp -d "${TMPDIR:-/tmp}/gupbench-rtla-sigint.XXXXXX")
trap 'rm -rf "$T"' EXIT
mkdir "$T/bin" "$T/out"
cat >"$T/bin/rtla" <<'STUB'
#!/bin/bash
# stub rtla osnoise top (see tests/rtla-sigint.sh)
case "$*" in *--help*) echo "rtla stub (version test)"; exit 0;; esac
d=0
while [ $# -gt 0 ]; do [ "$1" = -d ] && d=${2%s}; shift; done
stop=duration
trap 'stop=sigint' INT
since() { awk -v a="$(date +%s.%N)" -v b="$1" 'BEGIN { printf "%.6f", a - b }'; }
sleep 0.3					# rtla's setup: formats, instance, config
inst=/sys/kernel/tracing/instances/stub-$$
mkdir -p "$inst" && echo osnoise >"$inst/current_tracer" && echo 1 >"$inst/tracing_on"
start=$(date +%s.%N)
limit=$d; [ "$d" -gt 60 ] && limit=20		# the loaded one: no SIGINT in 20 s
while [ "$stop" = duration ]; do
	el=$(since "$start")
	awk -v e="$el" -v l="$limit" 'BEGIN { exit !(e >= l) }' && break
	sleep 0.05
done
[ "$stop" = duration ] && [ "$limit" != "$d" ] && stop=no-sigint-in-20s
el=$(since "$start")
s=$(printf %.0f "$el")
sed "s/^duration: .*|/duration: $(printf '%3d %02d:%02d:%02d' 0 0 $((s / 60)) $((s % 60))) |/" \
	"$STUB_TABLE"
rm -rf "$inst"
echo "d=$d stop=$stop elapsed=$el duration_s=$s" >>"$STUB_LOG"
exit 0
STUB
chmod +x "$T/bin/rtla"
export STUB_TABLE=$HERE/data/rtla-osnoise-top-guest-loaded.txt STUB_LOG=$T/stub.log
# runs: 2 x (0.5 s timed + 0.5 s untimed); RT CPU the last CPU
rt=$(($(nproc) - 1))
PATH=$T/bin:$PATH unshare -m --propagation unchanged sh -c '
	mount --make-rprivate /sys/kernel/tracing || exit 3
	mount -t tmpfs gupbench-fake-tracefs /sys/kernel/tracing || exit 3
	echo "nop osnoise" >/sys/kernel/tracing/available_tracers
	mkdir /sys/kernel/tracing/instances
	exec "$@"' sh "$GB" vmsplice -q -C 0 --rt-cpus $rt -r 2 -T 0.5 --warmup 0 \
	--no-bpftrace -o "$T/out" >"$T/log" 2>&1 || { echo "FAIL: gupbench exited $?"; cat "$T/log"; exit 1; }
cat "$STUB_LOG"
python3 - "$(ls -d "$T"/out/*/)" "$STUB_LOG" <<'PY'
import sys
import gupbench_results as gr
import stubtest
o = gr.observers(sys.argv[1])["rtla"]
log, check = stubtest.start(sys.argv[2])
q, ld = o.get("quiet", {}), o.get("loaded", {})
check("two stub rtla runs (quiet, loaded): %s" % log, len(log) == 2)
check("quiet: ended by its -d 1s: %s" % (log[0] if log else None),
      log and log[0]["d"] == "1" and log[0]["stop"] == "duration")
check("quiet: status ok, duration_s 1: %s" % q, q.get("status") == "ok" and q.get("duration_s") == 1)
stub = log[1] if len(log) > 1 else {}
check("loaded: the stub got a SIGINT: %s" % stub, stub.get("stop") == "sigint")
check("loaded: -d %s is a backstop (>= 600 s)" % stub.get("d"), int(stub.get("d", 0)) >= 600)
# the runs (2 x 1 s nominal) came between the stub's tracer on and the SIGINT
check("loaded: SIGINT after the runs (%s s after its tracer was on)" % stub.get("elapsed"),
      float(stub.get("elapsed", 0)) >= 2.0)
check("loaded: stop 'sigint after runs', status ok, rows: %s" % {k: ld.get(k) for k in
      ("status", "stop", "d_s", "duration_s", "start_wait_s", "reason")},
      ld.get("status") == "ok" and ld.get("stop") == "sigint after runs" and
      (ld.get("by_cpu") or {}).get("3", {}).get("runtime_us") == 5009689)
check("loaded: duration_s %s as the stub printed (%s)" % (ld.get("duration_s"), stub.get("duration_s")),
      str(ld.get("duration_s")) == stub.get("duration_s"))
check.end()
PY
rc=$?
[ $rc = 0 ] || cat "$T/log"
exit $rc
