#!/bin/bash
# Bad input to model and litmus: exit 2, one line on stderr naming the
# problem, and no results directory.
. "$(dirname "$0")/lib.sh"
EXPECT_GB=$GUPBENCH EXPECT_OUT=$TMP/r
. "$(dirname "$0")/../expect.sh"
expect "CPU 0 given twice" litmus --cpus 0,0
expect "is not two CPU numbers" litmus --cpus 0
expect "is not two CPU numbers" litmus --cpus 0,1,2
expect "is not two CPU numbers" litmus --cpus a,b
expect "is not two CPU numbers" litmus --cpus=-1,0
expect "is not online" litmus --cpus 0,$(( $(nproc --all) + 7 ))
expect "CPU 99999 does not exist" litmus --cpus 0,99999
expect "unknown pairing 'mb/wmb'" litmus --pairing mb/wmb
expect "--iters: 0 is out of range" litmus --iters 0
expect "--iters: 'many' is not a number" litmus --iters many
expect "--time-limit: '0' is not" litmus --time-limit 0
expect "--time-limit: 'soon' is not" litmus --time-limit soon
expect "--max-delay: 100 + 1 is not a power of two" litmus --max-delay 100
expect "unknown option '--frob'" litmus --frob
expect "needs a value" litmus --iters
expect "unexpected argument 'extra'" litmus extra
expect "--pages: 0 is out of range" model --pages 0
expect "--pages: 513 is out of range" model --pages 513
expect "--runs: 0 is out of range" model --runs 0
expect "--iters: 0 is out of range" model --iters 0
expect "--batches: 'x' is not a number" model --batches x
expect "unknown option '--frob'" model --frob
expect "unexpected argument 'extra'" model extra
[ ! -e "$TMP/r" ] || { ls -R "$TMP/r"; fail "bad input left a results directory"; }
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
