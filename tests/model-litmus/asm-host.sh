#!/bin/bash
# The host architecture's sequences assemble, and the instructions the
# kernel emits are the ones in the object file.
. "$(dirname "$0")/lib.sh"
arch=$(uname -m)
cat > "$TMP/seq.c" <<'C'
#include "model-seq.h"
void *slot;
#if defined(__x86_64__)
void t_v4(void *mm) { seq_v4_start(&slot, mm); seq_release_end(&slot); }
void t_mfence(void *mm) { seq_mfence_start(&slot, mm); }
void t_xchg(void *mm) { seq_xchg_start(&slot, mm); }
void t_rmb(void) { seq_smp_rmb(); }
#elif defined(__aarch64__)
void t_v4(void *mm) { seq_v4_start(&slot, mm); seq_release_end(&slot); }
void t_raw(void *mm) { seq_raw_start(&slot, mm); }
void t_lse(void *mm) { seq_xchg_lse_start(&slot, mm); }
void t_llsc(void *mm) { seq_xchg_llsc_start(&slot, mm); }
void t_rmb(void) { seq_smp_rmb(); }
#endif
C
case $arch in
x86_64) want=('lock addl \$0x0,-0x4\(%rsp\)' 'mfence' 'xchg' 'movq +\$0x0,') ;;
aarch64) want=('dmb[[:space:]]+ish$' 'swpal' 'ldxr' 'stlxr' 'stlr' 'dmb[[:space:]]+ishld') ;;
*) skip "no sequences for $arch" ;;
esac
# shellcheck disable=SC2086
${CC:-cc} -O2 -Wall -Wextra -Werror -std=gnu11 -I"$SRCDIR/bench" -c "$TMP/seq.c" \
	-o "$TMP/seq.o" || fail "model-seq.h does not compile for $arch"
objdump -d "$TMP/seq.o" > "$TMP/seq.dis" || skip "objdump missing"
for w in "${want[@]}"; do
	grep -Eq "$w" "$TMP/seq.dis" || fail "'$w' not in the $arch object"
	echo "ok: $arch object has '$w'"
done
