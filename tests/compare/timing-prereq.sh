# Sourced by the two timing known-answer tests (known-answer.sh,
# ab-known-answer.sh): SKIPs (exit 77, reason on stdout) when this machine
# or build cannot time the walker loop. Sets PY to the python that has scipy.
PY=/usr/bin/python3
$PY -c 'import scipy' 2>/dev/null || { echo "SKIP: needs python3-scipy (apt-get install -y python3-scipy)"; exit 77; }
# a timing known answer measures the plain build: under ASan/UBSan the
# walker loop it times is not the instrument (compare's C code runs under
# the sanitizers in compare-aa, compare-bad-input and compare-fuzz)
[ "${GUPBENCH_SANITIZED:-0}" = 1 ] && { echo "SKIP: timing known answer runs in the plain build only (this build is sanitized)"; exit 77; }
[ "$(getconf _NPROCESSORS_ONLN)" -ge 2 ] || { echo "SKIP: needs 2 CPUs (walker on its own CPU)"; exit 77; }
