/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace replicas of the lockless page-table walker start/end sequences
 * of the "targeted TLB sync IPIs" series (v4) and of the review's
 * alternatives, as the kernel (6.12) emits them:
 *
 *   pt_walk_lockless_start(mm): this_cpu_write(active_lockless_pt_walk_mm, mm);
 *                               smp_mb();
 *   pt_walk_lockless_end():     smp_store_release(this_cpu_ptr(...), NULL);
 *
 * The per-CPU slot is a plain pointer here: the per-CPU address
 * computation (%gs prefix on x86, tpidr_el1 offset on arm64) is not
 * modelled. Everything else is the kernel's instruction sequence, in
 * inline assembly so that the compiler cannot pick another one.
 *
 * Only the running architecture's sequences are compiled; the arm64 ones
 * are cross-compiled by tests/model-litmus/cross-arm64.sh.
 *
 * Self-contained (stdint only) so that a test can compile it alone.
 */
#ifndef GUPBENCH_MODEL_SEQ_H
#define GUPBENCH_MODEL_SEQ_H

#include <stdint.h>

/* barrier(): the compiler may not move memory accesses across it. */
#define seq_barrier()	__asm__ __volatile__("" ::: "memory")

/*
 * a) bare walk, every architecture: only the compiler barriers
 * local_irq_save() implies.
 */
static inline void seq_none_start(void **slot, void *mm)
{
	(void)slot;
	(void)mm;
	seq_barrier();
}

static inline void seq_none_end(void **slot)
{
	(void)slot;
	seq_barrier();
}

#if defined(__x86_64__)

#define SEQ_ARCH "x86_64"

/*
 * smp_mb() on x86-64 since 4.15: a locked add of zero to the stack. Any
 * locked instruction drains the store buffer before later loads, which is
 * the only reordering TSO allows (store -> later load). In userspace
 * -4(%rsp) is in the red zone; adding zero leaves it unchanged.
 */
static inline void seq_smp_mb(void)
{
	__asm__ __volatile__("lock addl $0,-4(%%rsp)" ::: "memory", "cc");
}

/* smp_rmb() on x86: loads are not reordered with loads under TSO. */
static inline void seq_smp_rmb(void)
{
	seq_barrier();
}

/* b) v4 as posted: this_cpu_write() (a mov) + smp_mb() (lock addl). */
static inline void seq_v4_start(void **slot, void *mm)
{
	__asm__ __volatile__("movq %1, %0\n\t"
			     "lock addl $0,-4(%%rsp)"
			     : "=m"(*slot) : "r"(mm) : "memory", "cc");
}

/*
 * smp_store_release() on x86: stores are not reordered with earlier loads
 * or stores under TSO, so a plain mov after a compiler barrier.
 */
static inline void seq_release_end(void **slot)
{
	__asm__ __volatile__("movq $0, %0" : "=m"(*slot) :: "memory");
}

/* c) mov + mfence: the pre-4.15 smp_mb(); also orders non-temporal stores. */
static inline void seq_mfence_start(void **slot, void *mm)
{
	__asm__ __volatile__("movq %1, %0\n\t"
			     "mfence"
			     : "=m"(*slot) : "r"(mm) : "memory");
}

/*
 * d) xchg(this_cpu_ptr(&v), mm) (review point 1): xchg with a memory
 * operand is implicitly locked, so it is the store and the full barrier
 * in one instruction. (this_cpu_xchg() is an unlocked cmpxchg loop and is
 * not a full barrier; it is no substitute.)
 */
static inline void seq_xchg_start(void **slot, void *mm)
{
	__asm__ __volatile__("xchgq %0, %1"
			     : "+r"(mm), "+m"(*slot) :: "memory");
}

/*
 * The update side before the sync (litmus pairings mb/collapse and
 * mb/unshare). pmdp_collapse_flush() clears the PMD with
 * pmdp_huge_get_and_clear() = native_pmdp_get_and_clear() = xchg (the
 * same instruction as seq_xchg_start()); huge_pmd_unshare() clears the
 * PUD with pud_clear() = WRITE_ONCE (a plain mov). Both then flush the
 * TLB through flush_tlb_mm_range(), which first bumps the mm's TLB
 * generation: inc_mm_tlb_gen() = atomic64_inc_return() = lock xadd, a
 * full barrier ("callers are required to order their read of
 * mm_cpumask after their writes to the paging structures"), whatever
 * the flush then does (IPIs, a local flush, paravirt).
 */
static inline void seq_pmd_get_and_clear(uint64_t *p, uint64_t v)
{
	seq_xchg_start((void **)p, (void *)(uintptr_t)v);
}

static inline void seq_tlb_flush_barrier(uint64_t *tlb_gen)
{
	uint64_t one = 1;

	__asm__ __volatile__("lock xaddq %0, %1"
			     : "+r"(one), "+m"(*tlb_gen) :: "memory", "cc");
}

static inline void seq_cpu_relax(void)
{
	__asm__ __volatile__("pause" ::: "memory");
}

#elif defined(__aarch64__)

#define SEQ_ARCH "arm64"

/* smp_mb() on arm64: a full barrier for the inner shareable domain. */
static inline void seq_smp_mb(void)
{
	__asm__ __volatile__("dmb ish" ::: "memory");
}

/* smp_rmb() on arm64: orders earlier loads against later loads and stores. */
static inline void seq_smp_rmb(void)
{
	__asm__ __volatile__("dmb ishld" ::: "memory");
}

/* __this_cpu_write() + smp_mb(): str + dmb ish (IRQs are off anyway). */
static inline void seq_raw_start(void **slot, void *mm)
{
	__asm__ __volatile__("str %x1, [%x0]\n\t"
			     "dmb ish"
			     :: "r"(slot), "r"(mm) : "memory");
}

/* smp_store_release(): stlr orders it after every earlier access. */
static inline void seq_release_end(void **slot)
{
	__asm__ __volatile__("stlr xzr, [%x0]" :: "r"(slot) : "memory");
}

/*
 * this_cpu_write() on arm64 wraps the store in preempt_disable() /
 * preempt_enable() (__this_cpu_preempt_check + preempt_count ops on
 * thread_info). The replica: a per-thread preempt word laid out like
 * arm64's thread_info.preempt (u32 count, u32 need_resched, where
 * need_resched == 0 means "reschedule"), incremented, compiler barrier,
 * the store, compiler barrier, then the dec-and-test of preempt_enable().
 */
union seq_preempt {
	uint64_t pc;
	struct {
		uint32_t count;
		uint32_t need_resched;
	} p;
};

static __thread union seq_preempt seq_preempt_word = { .p = { 0, 1 } };
static __thread uint64_t seq_preempt_schedules;

static __attribute__((noinline)) void seq_preempt_schedule(void)
{
	seq_preempt_schedules++;	/* never taken: need_resched stays 1 */
}

static inline void seq_preempt_disable(void)
{
	union seq_preempt *w = &seq_preempt_word;

	*(volatile uint32_t *)&w->p.count = *(volatile uint32_t *)&w->p.count + 1;
	seq_barrier();
}

static inline void seq_preempt_enable(void)
{
	union seq_preempt *w = &seq_preempt_word;
	uint64_t pc;

	seq_barrier();
	pc = *(volatile uint64_t *)&w->pc - 1;
	*(volatile uint32_t *)&w->p.count = (uint32_t)pc;
	if (__builtin_expect(!pc || !*(volatile uint64_t *)&w->pc, 0))
		seq_preempt_schedule();
}

/* v4 as posted: this_cpu_write() (preempt-protected str) + dmb ish. */
static inline void seq_v4_start(void **slot, void *mm)
{
	seq_preempt_disable();
	__asm__ __volatile__("str %x1, [%x0]" :: "r"(slot), "r"(mm) : "memory");
	seq_preempt_enable();
	seq_smp_mb();
}

/*
 * Full-barrier xchg() with LSE atomics: swpal (acquire + release on one
 * atomic, which is a full barrier for the kernel's memory model).
 * Needs ARMv8.1 (HWCAP_ATOMICS); ".arch_extension lse" lets it assemble
 * without -march=armv8.1-a.
 */
static inline void seq_xchg_lse_start(void **slot, void *mm)
{
	void *old;

	__asm__ __volatile__(".arch_extension lse\n\t"
			     "swpal %x2, %x0, [%x1]"
			     : "=&r"(old) : "r"(slot), "r"(mm) : "memory");
	(void)old;
}

/* Full-barrier xchg() without LSE: ldxr/stlxr loop + dmb ish. */
static inline void seq_xchg_llsc_start(void **slot, void *mm)
{
	void *old;
	uint32_t fail;

	__asm__ __volatile__("prfm pstl1strm, [%x2]\n"
			     "1:\tldxr %x0, [%x2]\n\t"
			     "stlxr %w1, %x3, [%x2]\n\t"
			     "cbnz %w1, 1b\n\t"
			     "dmb ish"
			     : "=&r"(old), "=&r"(fail) : "r"(slot), "r"(mm)
			     : "memory");
	(void)old;
}

/*
 * The update side before the sync (litmus pairings mb/collapse and
 * mb/unshare). pmdp_huge_get_and_clear() is xchg_relaxed(): swp with LSE,
 * else an ldxr/stxr loop, no barrier either way. pud_clear() is
 * WRITE_ONCE (str; set_pud() adds dsb ishst; isb only for a valid
 * entry). Both then flush: flush_tlb_range() / tlb_flush() ->
 * __flush_tlb_range() or flush_tlb_mm() = dsb ishst; tlbi ...is; ...;
 * __tlbi_sync_s1ish() = dsb ish. TLBI cannot run at EL0 (it is undefined
 * there), so the replica keeps the two DSBs around where it would be;
 * DSB ISH is what orders the clear against the later load of the slot.
 */
static inline void seq_pmd_get_and_clear_lse(uint64_t *p, uint64_t v)
{
	uint64_t old;

	__asm__ __volatile__(".arch_extension lse\n\t"
			     "swp %x2, %x0, [%x1]"
			     : "=&r"(old) : "r"(p), "r"(v) : "memory");
	(void)old;
}

static inline void seq_pmd_get_and_clear_llsc(uint64_t *p, uint64_t v)
{
	uint64_t old;
	uint32_t fail;

	__asm__ __volatile__("prfm pstl1strm, [%x2]\n"
			     "1:\tldxr %x0, [%x2]\n\t"
			     "stxr %w1, %x3, [%x2]\n\t"
			     "cbnz %w1, 1b"
			     : "=&r"(old), "=&r"(fail) : "r"(p), "r"(v)
			     : "memory");
	(void)old;
}

static inline void seq_tlb_flush_barrier(uint64_t *tlb_gen)
{
	(void)tlb_gen;
	__asm__ __volatile__("dsb ishst\n\t"
			     "dsb ish" ::: "memory");
}

static inline void seq_cpu_relax(void)
{
	__asm__ __volatile__("yield" ::: "memory");
}

#else
/* No sequences for this architecture: model and litmus exit 77. */
#define SEQ_UNSUPPORTED 1
#endif

#endif
