#!/bin/bash
# The arm64 sequences (never run here) cross-compile with
# aarch64-linux-gnu-gcc: model-seq.h alone at -march=armv8.1-a (LSE) and at
# the armv8.0 baseline (swpal assembles via .arch_extension), and
# bench/model.c + bench/litmus.c themselves (syntax and types of the
# arm64 paths), with the jansson headers borrowed from the host; then
# disassembles the objects and checks the instructions.
# Nothing is dropped silently: a missing cross libc, cross objdump or host
# jansson.h makes the test SKIP (77) with the reason, after every check
# that could still run has run.
. "$(dirname "$0")/lib.sh"
XCC=${XCC:-aarch64-linux-gnu-gcc}
command -v "$XCC" >/dev/null ||
	skip "$XCC not installed (apt-get install gcc-aarch64-linux-gnu)"
XOBJDUMP=${XOBJDUMP:-${XCC%gcc}objdump}
# the arm64 C library headers (model-seq.h includes <stdint.h>)
echo '#include <stdint.h>
#include <stdio.h>' | "$XCC" -E -x c - -o /dev/null 2>/dev/null ||
	skip "no arm64 libc headers for $XCC (apt-get install libc6-dev-arm64-cross)"
skipped=()
have_objdump=1
command -v "$XOBJDUMP" >/dev/null || {
	have_objdump=0
	skipped+=("disassembly checks not run: $XOBJDUMP not installed (apt-get install binutils-aarch64-linux-gnu)")
}
cat > "$TMP/seq.c" <<'C'
#include "model-seq.h"
#ifndef __aarch64__
#error not arm64
#endif
void *slot;
void t_none(void *mm) { seq_none_start(&slot, mm); seq_none_end(&slot); }
void t_v4(void *mm) { seq_v4_start(&slot, mm); seq_release_end(&slot); }
void t_raw(void *mm) { seq_raw_start(&slot, mm); }
void t_lse(void *mm) { seq_xchg_lse_start(&slot, mm); }
void t_llsc(void *mm) { seq_xchg_llsc_start(&slot, mm); }
void t_mb(void) { seq_smp_mb(); }
void t_rmb(void) { seq_smp_rmb(); }
void t_clear_lse(uint64_t *p) { seq_pmd_get_and_clear_lse(p, 0); }
void t_clear_llsc(uint64_t *p) { seq_pmd_get_and_clear_llsc(p, 0); }
void t_flush(uint64_t *g) { seq_tlb_flush_barrier(g); }
C
for march in armv8.1-a armv8-a; do
	"$XCC" -march=$march -O2 -Wall -Wextra -Werror -std=gnu11 \
		-I"$SRCDIR/bench" -c "$TMP/seq.c" -o "$TMP/seq-$march.o" ||
		fail "model-seq.h does not cross-compile at -march=$march"
	echo "ok: model-seq.h compiles for arm64 -march=$march"
done
if [ $have_objdump = 1 ]; then
	"$XOBJDUMP" -d "$TMP/seq-armv8.1-a.o" > "$TMP/seq.dis"
	for w in 'dmb[[:space:]]+ish$' 'dmb[[:space:]]+ishld' 'swpal' 'ldxr' \
		 'stlxr' 'stlr[[:space:]]+xzr' 'prfm[[:space:]]+pstl1strm' \
		 'swp[[:space:]]' 'stxr[[:space:]]' 'dsb[[:space:]]+ishst' 'dsb[[:space:]]+ish$'; do
		grep -Eq "$w" "$TMP/seq.dis" || fail "'$w' not in the arm64 object"
		echo "ok: arm64 object has '$w'"
	done
	# v4 start = preempt_count inc, str, dec-and-test, then dmb ish
	"$PY" - "$TMP/seq.dis" <<'P' || fail "t_v4 is not preempt-inc; str; preempt-dec; dmb ish"
import re, sys
dis = open(sys.argv[1]).read()
body = dis.split('<t_v4>:')[1].split('\n\n')[0]
ins = [l.split('\t')[2].split()[0] for l in body.splitlines() if l.count('\t') >= 2]
s = ' '.join(ins)
assert 'mrs' in ins, s                   # thread pointer (preempt word)
i_str = [k for k, x in enumerate(ins) if x == 'str']
assert len(i_str) >= 3, s                # count++, slot, count--
assert ins.index('dmb') > i_str[2], s    # barrier after the preempt_enable
assert 'stlr' in ins, s
print('ok: t_v4 =', s)
P
fi
# The arm64 paths of model.c and litmus.c: compile with the cross
# compiler. jansson.h/gsl are LP64-neutral; borrow the host's copies.
inc="$TMP/inc"
mkdir -p "$inc"
jdir=${JANSSON_INCLUDEDIR:-$(pkg-config --variable=includedir jansson 2>/dev/null || echo /usr/include)}
for h in jansson.h jansson_config.h; do
	[ -f "$jdir/$h" ] && ln -s "$jdir/$h" "$inc/$h"
done
if [ -f "$inc/jansson.h" ] && [ -f "$inc/jansson_config.h" ]; then
	for f in model.c litmus.c; do
		"$XCC" -march=armv8-a -O2 -Wall -Wextra -Werror -std=gnu11 -D_GNU_SOURCE \
			-I"$SRCDIR/bench" -I"$inc" -c "$SRCDIR/bench/$f" -o "$TMP/${f%.c}.o" ||
			fail "bench/$f does not cross-compile for arm64"
		echo "ok: bench/$f compiles for arm64"
	done
	if [ $have_objdump = 1 ]; then
		"$XOBJDUMP" -d "$TMP/model.o" | grep -Eq 'swpal' || fail "model.o has no swpal"
		echo "ok: arm64 model.o has the LSE variant"
	fi
else
	skipped+=("bench/model.c and bench/litmus.c not cross-compiled: no jansson.h/jansson_config.h in $jdir (apt-get install libjansson-dev)")
fi
if [ ${#skipped[@]} -gt 0 ]; then
	for s in "${skipped[@]}"; do echo "SKIP: $s"; done
	exit 77
fi
echo "ok: all arm64 cross checks ran"
