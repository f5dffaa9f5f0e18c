# Helpers for the model/litmus tests. Sourced.
set -u
: "${GUPBENCH:?GUPBENCH not set}" "${SRCDIR:?SRCDIR not set}"
PY=$(command -v python3 || true)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/gupbench-ml.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }

# newest results directory with LABEL under DIR
results_dir() { ls -d "$1"/*-"$2"* 2>/dev/null | tail -1; }

# json FILE 'python expression on j' -> prints the value (j read by
# scripts/gupbench_results.py, the results reader)
json() {
	PYTHONPATH=$SRCDIR/scripts "$PY" -c 'import sys, gupbench_results as gr; j = gr.load_json(sys.argv[1]); print(eval(sys.argv[2]))' "$1" "$2"
}

# Tests must also pass under ASan/UBSan: make leaks and UB fatal but keep
# whatever the caller set.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
[ -n "$PY" ] || skip "python3 not found"
