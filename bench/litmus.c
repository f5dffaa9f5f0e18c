// SPDX-License-Identifier: GPL-2.0
/*
 * gupbench litmus: the walker/sync barrier pairing as a store-buffering
 * litmus test on real hardware, two threads pinned on two CPUs.
 *
 *   walker (GUP-fast)                  syncer (tlb_remove_table_sync_mm)
 *   [W] slot = mm     (this_cpu_write) [W] table = freed  (page-table update)
 *   <walker barrier>                   <sync barrier>
 *   [R] r1 = table    (the walk)       [R] r2 = slot      (scan per-CPU mm)
 *
 * Forbidden: r1 == old table AND r2 == empty slot. The walker then walks a
 * table that is being freed while the syncer decides that this CPU needs
 * no IPI. Only a full barrier on BOTH sides forbids it (store -> load
 * order). The posted design pairs the walker's smp_mb() with smp_rmb() on
 * the sync side, which orders loads only: on x86 (TSO) smp_rmb() is just
 * a compiler barrier and the test is the classic SB shape with one fence,
 * whose forbidden outcome real x86 CPUs produce.
 *
 * Each iteration uses fresh values instead of resets: in iteration i the
 * walker stores slot = i and the syncer table = i, so "old table" is
 * r1 < i and "empty slot" is r2 < i. The two threads re-synchronise
 * every iteration through a per-side "done" counter (a two-party
 * barrier), then each waits a random short delay so that the racing
 * accesses meet at all relative offsets. Every shared word has its own
 * 128-byte block (adjacent-line prefetch pairs 64-byte lines).
 *
 * A user-space test: no IRQs are disabled and no IPI is sent; it tests
 * only the memory-ordering argument.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "gupbench.h"
#include "model-seq.h"
#include "lib/proc.h"
#include "lib/results.h"
#include "lib/sysinfo.h"

#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

#define LM_MAX_ITERS	1000000000ull
#define LM_DEF_ITERS	12000000ull
#define LM_DEF_LIMIT	60.0
#define LM_DEF_DELAY	255u

enum wside { W_NONE, W_MB, W_XCHG };
/*
 * S_COLLAPSE and S_UNSHARE: the syncer's [W] and what follows it are the
 * kernel's own update sequence before tlb_remove_table_sync_one() (6.12),
 * then v4's smp_rmb():
 *   collapse: pmdp_collapse_flush() = get-and-clear of the PMD, then
 *             flush_tlb_range()
 *   unshare:  huge_pmd_unshare() = pud_clear(), then
 *             huge_pmd_unshare_flush() -> tlb_flush_mmu_tlbonly()
 * (model-seq.h: seq_pmd_get_and_clear*, seq_tlb_flush_barrier).
 */
enum sside { S_NONE, S_RMB, S_MB, S_COLLAPSE, S_UNSHARE };
enum expect { EXPECT_CONTROL, EXPECT_ALLOWED, EXPECT_FORBIDDEN };

struct pairing {
	const char *name;
	enum wside w;
	enum sside s;
	enum expect expect;
	const char *design;
};

static const struct pairing pairings[] = {
	{ "none/none", W_NONE, S_NONE, EXPECT_CONTROL,
	  "control: no barrier on either side" },
	{ "mb/rmb", W_MB, S_RMB, EXPECT_ALLOWED,
	  "v4 as posted: walker smp_mb(), sync side smp_rmb()" },
	{ "mb/mb", W_MB, S_MB, EXPECT_FORBIDDEN,
	  "review fix: smp_mb() on both sides" },
	{ "xchg/mb", W_XCHG, S_MB, EXPECT_FORBIDDEN,
	  "review point 1: walker xchg(), sync side smp_mb()" },
	{ "mb/collapse", W_MB, S_COLLAPSE, EXPECT_FORBIDDEN,
	  "v4 in collapse_huge_page(): PMD get-and-clear, TLB flush, smp_rmb()" },
	{ "mb/unshare", W_MB, S_UNSHARE, EXPECT_FORBIDDEN,
	  "v4 in hugetlb PMD unshare: pud_clear(), TLB flush, smp_rmb()" },
};

#define NPAIRINGS (sizeof(pairings) / sizeof(pairings[0]))

struct lm_line {
	uint64_t v;
} __attribute__((aligned(128)));

struct lm_shared {
	struct lm_line slot;		/* walker's per-CPU mm: iteration set */
	struct lm_line table;		/* page table: iteration it was freed */
	struct lm_line done[2];		/* last iteration each side finished */
	struct lm_line stop_at;		/* first iteration neither side runs */
	struct lm_line tlb_gen;		/* x86: mm->context.tlb_gen */
};

struct lm_thread {
	struct lm_shared *sh;
	const struct pairing *p;
	pthread_barrier_t *start;
	int role;			/* 0 walker, 1 syncer */
	int cpu;
	uint64_t *bits;			/* bit i: other side's store unseen */
	uint64_t seed;
	unsigned int delay_mask;
	uint64_t deadline_ns;		/* syncer: stop by then */
	uint64_t done;			/* iterations completed */
	int err;			/* pinning failed: errno */
	pthread_t tid;
};

/* ------------------------------------------------------------------ */
/* The barriers, per architecture                                      */

#if defined(__aarch64__)
static bool lm_lse;

static void lm_arch_init(void)
{
	lm_lse = getauxval(AT_HWCAP) & HWCAP_ATOMICS;
}
#else
static void lm_arch_init(void)
{
}
#endif

static const char *wside_text(enum wside w)
{
#if defined(__x86_64__)
	static const char *const t[] = { "compiler barrier",
		"lock addl $0,-4(%rsp)", "xchg" };
#elif defined(__aarch64__)
	const char *const t[] = { "compiler barrier", "dmb ish",
		lm_lse ? "swpal" : "ldxr/stlxr; dmb ish" };
#else
	static const char *const t[] = { "-", "-", "-" };
#endif
	return t[w];
}

static const char *sside_text(enum sside s)
{
#if defined(__x86_64__)
	static const char *const t[] = { "compiler barrier",
		"compiler barrier (smp_rmb)", "lock addl $0,-4(%rsp)",
		"[W] xchg; lock xadd; smp_rmb",
		"[W] mov; lock xadd; smp_rmb" };
#elif defined(__aarch64__)
	const char *const t[] = { "compiler barrier", "dmb ishld",
		"dmb ish",
		lm_lse ? "[W] swp; dsb ishst; dsb ish; dmb ishld"
		       : "[W] ldxr/stxr; dsb ishst; dsb ish; dmb ishld",
		"[W] str; dsb ishst; dsb ish; dmb ishld" };
#else
	static const char *const t[] = { "-", "-", "-", "-", "-" };
#endif
	return t[s];
}

#ifndef SEQ_UNSUPPORTED
/* Walker: [W] slot = i; barrier. */
static inline __attribute__((always_inline))
void walker_publish(enum wside w, uint64_t *slot, uint64_t i)
{
	switch (w) {
	case W_NONE:
		__atomic_store_n(slot, i, __ATOMIC_RELAXED);
		seq_barrier();
		break;
	case W_MB:
		__atomic_store_n(slot, i, __ATOMIC_RELAXED);
		seq_smp_mb();
		break;
	case W_XCHG:
#if defined(__aarch64__)
		if (lm_lse)
			seq_xchg_lse_start((void **)slot, (void *)(uintptr_t)i);
		else
			seq_xchg_llsc_start((void **)slot, (void *)(uintptr_t)i);
#else
		seq_xchg_start((void **)slot, (void *)(uintptr_t)i);
#endif
		break;
	}
}

/* Syncer: [W] table = i and what comes before its [R] of the slot. */
static inline __attribute__((always_inline))
void sync_update(enum sside s, uint64_t *table, uint64_t i, uint64_t *tlb_gen)
{
	switch (s) {
	case S_NONE:
		__atomic_store_n(table, i, __ATOMIC_RELAXED);
		seq_barrier();
		break;
	case S_RMB:
		__atomic_store_n(table, i, __ATOMIC_RELAXED);
		seq_smp_rmb();
		break;
	case S_MB:
		__atomic_store_n(table, i, __ATOMIC_RELAXED);
		seq_smp_mb();
		break;
	case S_COLLAPSE:
#if defined(__aarch64__)
		if (lm_lse)
			seq_pmd_get_and_clear_lse(table, i);
		else
			seq_pmd_get_and_clear_llsc(table, i);
#else
		seq_pmd_get_and_clear(table, i);
#endif
		seq_tlb_flush_barrier(tlb_gen);
		seq_smp_rmb();
		break;
	case S_UNSHARE:
		__atomic_store_n(table, i, __ATOMIC_RELAXED);
		seq_tlb_flush_barrier(tlb_gen);
		seq_smp_rmb();
		break;
	}
}

static inline uint64_t lm_rand(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static inline void lm_delay(unsigned int n)
{
	for (unsigned int j = 0; j < n; j++)
		seq_barrier();
}

/*
 * One side's loop. Inlined per (side, barrier) so that each loop has
 * exactly its barrier and nothing else between the racing accesses.
 */
static inline __attribute__((always_inline))
void lm_loop(struct lm_thread *t, enum wside w, enum sside s)
{
	struct lm_shared *sh = t->sh;
	uint64_t *me = &sh->done[t->role].v, *other = &sh->done[!t->role].v;
	uint64_t x = t->seed, i, r;

	for (i = 1; ; i++) {
		/* two-party barrier: the other side has finished i - 1 */
		while (__atomic_load_n(other, __ATOMIC_ACQUIRE) < i - 1)
			seq_cpu_relax();
		/*
		 * The syncer alone reads the clock; the walker is at most one
		 * iteration ahead and sees stop_at through the done handshake.
		 */
		if (t->role && !(i & 0xffff) && clock_raw_ns() > t->deadline_ns)
			__atomic_store_n(&sh->stop_at.v, i + 2, __ATOMIC_RELAXED);
		if (i >= __atomic_load_n(&sh->stop_at.v, __ATOMIC_RELAXED))
			break;
		lm_delay(lm_rand(&x) & t->delay_mask);
		if (!t->role) {
			walker_publish(w, &sh->slot.v, i);		/* [W] slot */
			r = __atomic_load_n(&sh->table.v, __ATOMIC_RELAXED); /* [R] */
		} else {
			sync_update(s, &sh->table.v, i, &sh->tlb_gen.v);	/* [W] */
			r = __atomic_load_n(&sh->slot.v, __ATOMIC_RELAXED); /* [R] */
		}
		if (r < i)
			t->bits[i >> 6] |= 1ull << (i & 63);
		__atomic_store_n(me, i, __ATOMIC_RELEASE);
	}
	t->done = i - 1;
}

static void lm_dispatch(struct lm_thread *t)
{
	switch (t->role * 32 + t->p->w * 8 + t->p->s) {
	case 0 * 32 + W_NONE * 8 + S_NONE:
		lm_loop(t, W_NONE, S_NONE);
		break;
	case 0 * 32 + W_MB * 8 + S_RMB:
	case 0 * 32 + W_MB * 8 + S_MB:
	case 0 * 32 + W_MB * 8 + S_COLLAPSE:
	case 0 * 32 + W_MB * 8 + S_UNSHARE:
		lm_loop(t, W_MB, S_NONE);	/* walker ignores the sync side */
		break;
	case 0 * 32 + W_XCHG * 8 + S_MB:
		lm_loop(t, W_XCHG, S_NONE);
		break;
	case 32 + W_NONE * 8 + S_NONE:
		lm_loop(t, W_NONE, S_NONE);
		break;
	case 32 + W_MB * 8 + S_RMB:
		lm_loop(t, W_NONE, S_RMB);	/* syncer ignores the walker side */
		break;
	case 32 + W_MB * 8 + S_MB:
	case 32 + W_XCHG * 8 + S_MB:
		lm_loop(t, W_NONE, S_MB);
		break;
	case 32 + W_MB * 8 + S_COLLAPSE:
		lm_loop(t, W_NONE, S_COLLAPSE);
		break;
	case 32 + W_MB * 8 + S_UNSHARE:
		lm_loop(t, W_NONE, S_UNSHARE);
		break;
	default:
		abort();
	}
}
#else
static void lm_dispatch(struct lm_thread *t)
{
	(void)t;
	abort();
}
#endif

static void *lm_thread_fn(void *arg)
{
	struct lm_thread *t = arg;

	t->err = gb_pin_self(t->cpu);	/* 0 or an errno value */
	pthread_barrier_wait(t->start);
	if (t->err)
		return NULL;
	lm_dispatch(t);
	return NULL;
}

/* ------------------------------------------------------------------ */

struct lm_result {
	const struct pairing *p;
	uint64_t iters;
	bool time_limited;
	double seconds;
	uint64_t old_empty;		/* forbidden */
	uint64_t old_mm;		/* walker saw old table, syncer saw mm */
	uint64_t freed_empty;		/* walker saw freed table, slot empty */
	uint64_t freed_mm;		/* both saw the other's store */
};

struct lm_opts {
	uint64_t iters;
	int cpu[2];
	const struct pairing *only;	/* NULL: all */
	double time_limit;		/* whole command, seconds */
	unsigned int delay_mask;
	const char *root;
};

static void lm_count(struct lm_result *res, const uint64_t *bw, const uint64_t *bs)
{
	uint64_t n = res->iters, words = n / 64 + 1;
	uint64_t a = 0, w = 0, s = 0;

	for (uint64_t k = 0; k < words; k++) {
		a += __builtin_popcountll(bw[k] & bs[k]);
		w += __builtin_popcountll(bw[k] & ~bs[k]);
		s += __builtin_popcountll(~bw[k] & bs[k]);
	}
	res->old_empty = a;
	res->old_mm = w;
	res->freed_empty = s;
	res->freed_mm = n - a - w - s;
}

static int lm_run(const struct lm_opts *o, const struct pairing *p,
		  double limit_s, struct lm_result *res, char *err, size_t errlen)
{
	struct lm_shared *sh;
	struct lm_thread t[2];
	pthread_barrier_t start;
	uint64_t words = o->iters / 64 + 1, t0;
	int ret = -1;

	memset(res, 0, sizeof(*res));
	memset(t, 0, sizeof(t));
	res->p = p;
	sh = aligned_alloc(128, sizeof(*sh));
	if (!sh) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	memset(sh, 0, sizeof(*sh));
	sh->stop_at.v = o->iters + 1;
	pthread_barrier_init(&start, NULL, 2);
	for (int k = 0; k < 2; k++) {
		t[k].bits = calloc(words, sizeof(uint64_t));
		if (!t[k].bits) {
			snprintf(err, errlen, "out of memory for %llu iterations",
				 (unsigned long long)o->iters);
			goto out;
		}
	}
	t0 = clock_raw_ns();
	for (int k = 0; k < 2; k++) {
		t[k] = (struct lm_thread){ .sh = sh, .p = p, .start = &start,
			.role = k, .cpu = o->cpu[k], .bits = t[k].bits,
			.seed = 0x9e3779b97f4a7c15ull * (k + 1) + t0,
			.delay_mask = o->delay_mask,
			.deadline_ns = t0 + (uint64_t)(limit_s * 1e9) };
		if (pthread_create(&t[k].tid, NULL, lm_thread_fn, &t[k])) {
			snprintf(err, errlen, "pthread_create failed");
			/* the other thread waits at the barrier forever: give up */
			exit(EXIT_RUN_FAILED);
		}
	}
	for (int k = 0; k < 2; k++)
		pthread_join(t[k].tid, NULL);
	res->seconds = (double)(clock_raw_ns() - t0) / 1e9;
	for (int k = 0; k < 2; k++) {
		if (t[k].err) {
			snprintf(err, errlen, "cannot pin to CPU %d: %s", t[k].cpu,
				 strerror(t[k].err));
			goto out;
		}
	}
	if (t[0].done != t[1].done) {
		snprintf(err, errlen, "internal error: sides ran %llu and %llu iterations",
			 (unsigned long long)t[0].done, (unsigned long long)t[1].done);
		goto out;
	}
	res->iters = t[0].done;
	res->time_limited = res->iters < o->iters;
	lm_count(res, t[0].bits, t[1].bits);
	ret = 0;
out:
	pthread_barrier_destroy(&start);
	free(t[0].bits);
	free(t[1].bits);
	free(sh);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Options                                                             */

static void lm_parse_cpus(const char *s, int cpu[2])
{
	char buf[64], err[256];
	char *comma, *end;
	cpu_set_t set;

	if (strlen(s) >= sizeof(buf))
		die_input("litmus: --cpus: '%s' is not two CPU numbers A,B", s);
	snprintf(buf, sizeof(buf), "%s", s);
	comma = strchr(buf, ',');
	if (!comma || comma == buf || !comma[1])
		die_input("litmus: --cpus: '%s' is not two CPU numbers A,B", s);
	*comma = '\0';
	for (int k = 0; k < 2; k++) {
		const char *p = k ? comma + 1 : buf;
		long v;

		errno = 0;
		if (*p < '0' || *p > '9')
			die_input("litmus: --cpus: '%s' is not two CPU numbers A,B", s);
		v = strtol(p, &end, 10);
		if (errno || *end)
			die_input("litmus: --cpus: '%s' is not two CPU numbers A,B", s);
		if (v >= CPU_SETSIZE)
			die_input("litmus: --cpus: CPU %ld does not exist (0-%d)", v,
				  CPU_SETSIZE - 1);
		cpu[k] = (int)v;
	}
	if (cpu[0] == cpu[1])
		die_input("litmus: --cpus: CPU %d given twice; the test needs two "
			  "different CPUs", cpu[0]);
	CPU_ZERO(&set);
	CPU_SET(cpu[0], &set);
	CPU_SET(cpu[1], &set);
	if (cpulist_validate("--cpus", &set, err, sizeof(err)))
		die_input("litmus: %s", err);
}

static void lm_usage(FILE *f)
{
	fprintf(f,
"usage: gupbench litmus [options]\n"
"Store-buffering litmus test of the walker/sync barrier pairing, two threads\n"
"pinned on two CPUs. Counts the forbidden outcome (walker reads the old\n"
"table AND syncer reads an empty slot) per pairing.\n"
"  -n, --iters N          iterations per pairing (default %llu)\n"
"  -c, --cpus A,B         walker CPU A, syncer CPU B (default: first two online)\n"
"  -P, --pairing NAME     none/none, mb/rmb, mb/mb, xchg/mb, mb/collapse,\n"
"                         mb/unshare or all (default all)\n"
"  -T, --time-limit SEC   limit for the whole command, shared equally by the\n"
"                         pairings (default %.0f)\n"
"      --max-delay N      random delay before each side: 0..N loop steps,\n"
"                         N+1 a power of two (default %u)\n"
"  -o, --results DIR      parent of the results directory (default results)\n"
"Exit status: 0 done, 1 a full-barrier pairing showed the forbidden outcome\n"
"or the run failed, 2 bad input, 77 fewer than two CPUs.\n",
		LM_DEF_ITERS, LM_DEF_LIMIT, LM_DEF_DELAY);
}

static const struct pairing *pairing_find(const char *name)
{
	for (size_t i = 0; i < NPAIRINGS; i++)
		if (!strcmp(pairings[i].name, name))
			return &pairings[i];
	return NULL;
}

static bool lm_parse(int argc, char **argv, struct lm_opts *o)
{
	static const struct option lo[] = {
		{ "iters", required_argument, NULL, 'n' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "pairing", required_argument, NULL, 'P' },
		{ "time-limit", required_argument, NULL, 'T' },
		{ "max-delay", required_argument, NULL, 'D' },
		{ "results", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool cpus_given = false;
	unsigned long long d;
	char *end;
	int c;

	*o = (struct lm_opts){ .iters = LM_DEF_ITERS, .time_limit = LM_DEF_LIMIT,
			       .delay_mask = LM_DEF_DELAY, .root = "results" };
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":n:c:P:T:o:h", lo, NULL)) != -1) {
		switch (c) {
		case 'n':
			o->iters = opt_number("--iters", optarg, 1, LM_MAX_ITERS);
			break;
		case 'c':
			lm_parse_cpus(optarg, o->cpu);
			cpus_given = true;
			break;
		case 'P':
			if (!strcmp(optarg, "all")) {
				o->only = NULL;
				break;
			}
			o->only = pairing_find(optarg);
			if (!o->only)
				die_input("litmus: unknown pairing '%s' (none/none, mb/rmb, "
					  "mb/mb, xchg/mb, mb/collapse, mb/unshare or all)",
					  optarg);
			break;
		case 'T':
			errno = 0;
			o->time_limit = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(o->time_limit > 0) ||
			    o->time_limit > 86400)
				die_input("litmus: --time-limit: '%s' is not a number of "
					  "seconds (0-86400]", optarg);
			break;
		case 'D':
			d = opt_number("--max-delay", optarg, 0, 65535);
			if (d & (d + 1))
				die_input("litmus: --max-delay: %llu + 1 is not a power of two", d);
			o->delay_mask = (unsigned int)d;
			break;
		case 'o':
			if (!*optarg)
				die_input("litmus: --results: empty path");
			o->root = optarg;
			break;
		case 'h':
			lm_usage(stdout);
			exit(0);
		case ':':
			die_input("litmus: option '%s' needs a value", argv[optind - 1]);
		default:
			die_input("litmus: unknown option '%s' (see gupbench litmus --help)",
				  argv[optind - 1]);
		}
	}
	if (optind < argc)
		die_input("litmus: unexpected argument '%s'", argv[optind]);
	return cpus_given;
}

/* ------------------------------------------------------------------ */
/* Output                                                              */

static double per_million(uint64_t n, uint64_t iters)
{
	return iters ? 1e6 * (double)n / (double)iters : 0;
}

/* under user-mode emulation the ordering seen is the host's */
static bool lm_emulated;

static const char *lm_verdict(const struct lm_result *r, bool control_seen)
{
	if (lm_emulated && r->p->expect == EXPECT_ALLOWED && r->old_empty)
		return "observed, but emulated: the host's ordering, no claim";
	switch (r->p->expect) {
	case EXPECT_CONTROL:
		return r->old_empty ? "observed: the test does reach the race"
				    : "NOT observed: the test did not stress enough";
	case EXPECT_ALLOWED:
		if (r->old_empty)
			return "OBSERVED: the posted pairing is broken";
		return control_seen ? "not observed in these iterations"
				    : "no claim (control saw nothing)";
	case EXPECT_FORBIDDEN:
		if (r->old_empty)
			return "VIOLATION: forbidden outcome with full barriers";
		return control_seen ? "none (as required)"
				    : "none, but no claim (control saw nothing)";
	}
	return "";
}

static json_t *lm_result_json(const struct lm_result *r, bool control_seen)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:b, s:f, s:I, s:f, "
			 "s:{s:I, s:I, s:I, s:I}, s:s}",
		"name", r->p->name, "design", r->p->design,
		"walker_barrier", wside_text(r->p->w),
		"sync_barrier", sside_text(r->p->s),
		"expect", r->p->expect == EXPECT_CONTROL ? "control" :
			  r->p->expect == EXPECT_ALLOWED ? "forbidden outcome allowed" :
			  "forbidden outcome must not occur",
		"iterations", (json_int_t)r->iters, "time_limited", r->time_limited,
		"seconds", r->seconds, "forbidden", (json_int_t)r->old_empty,
		"forbidden_per_million", per_million(r->old_empty, r->iters),
		"outcomes", "old_table+empty_slot", (json_int_t)r->old_empty,
		"old_table+slot_mm", (json_int_t)r->old_mm,
		"freed_table+empty_slot", (json_int_t)r->freed_empty,
		"freed_table+slot_mm", (json_int_t)r->freed_mm,
		"verdict", lm_verdict(r, control_seen));
}

static void lm_print(const struct lm_opts *o, json_t *sys, const struct lm_result *r,
		     size_t n, bool control_ran, bool control_seen, const char *loadavg)
{
	printf("gupbench litmus: store-buffering test of the walker/sync barrier pairing\n"
	       "(userspace, two pinned threads; a memory-ordering test, no IPIs).\n");
	printf("CPU: %s   arch: %s   walker on CPU %d, syncer on CPU %d\n",
	       json_string_value(json_object_get(sys, "cpu_model")), SEQ_ARCH,
	       o->cpu[0], o->cpu[1]);
	printf("walker: [W] slot=mm; <barrier>; [R] r1=table    "
	       "syncer: [W] table=freed; <barrier>; [R] r2=slot\n");
	printf("forbidden: r1 == old table AND r2 == empty slot; "
	       "random delay 0..%u steps per side\n", o->delay_mask);
	printf("load average at start: %s\n", loadavg);
	if (json_is_string(json_object_get(sys, "timing_note")))
		printf("%s\n", json_string_value(json_object_get(sys, "timing_note")));
	printf("\n");
	printf("%-11s %-22s %-44s %11s  %10s %10s %11s %10s %9s  %s\n",
	       "pairing", "walker barrier", "sync barrier", "iterations",
	       "forbidden", "old+mm", "freed+empty", "freed+mm", "per 1e6", "verdict");
	for (size_t i = 0; i < n; i++)
		printf("%-11s %-22s %-44s %11llu%s %10llu %10llu %11llu %10llu %9.2f  %s\n",
		       r[i].p->name, wside_text(r[i].p->w), sside_text(r[i].p->s),
		       (unsigned long long)r[i].iters, r[i].time_limited ? "*" : " ",
		       (unsigned long long)r[i].old_empty,
		       (unsigned long long)r[i].old_mm,
		       (unsigned long long)r[i].freed_empty,
		       (unsigned long long)r[i].freed_mm,
		       per_million(r[i].old_empty, r[i].iters),
		       lm_verdict(&r[i], control_seen));
	for (size_t i = 0; i < n; i++)
		if (r[i].time_limited) {
			printf("* cut short by the time limit\n");
			break;
		}
	if (!control_ran)
		printf("\nThe control (none/none) was not run: a zero count above "
		       "proves nothing on its own.\n");
	else if (!control_seen)
		printf("\nThe control saw no forbidden outcome: the test did not stress "
		       "enough, and nothing is claimed about the other pairings.\n");
}

/* ------------------------------------------------------------------ */

/* what the pairings showed, together */
struct lm_verdict {
	bool control_ran, control_seen, violation;
};

/* the results directory and its manifest; returns the manifest (a reference) */
static json_t *lm_open_results(struct results *rd, const struct lm_opts *o)
{
	char err[256], karch[64];

	if (results_create(rd, o->root, "litmus", err, sizeof(err)))
		die_input("litmus: %s", err);
	results_preamble(rd, NULL, "gupbench litmus");
	lm_emulated = sysinfo_emulated(karch, sizeof(karch)) == 1;
	if (lm_emulated) {
		char note[320];

		/* qemu-user maps the guest's barriers onto the host's */
		snprintf(note, sizeof(note), "emulated: timing not meaningful, and the "
			 "memory ordering is the %s host's: these %s counts are NOT "
			 "evidence about %s hardware", karch, SEQ_ARCH, SEQ_ARCH);
		json_object_set_new(rd->manifest, "timing_note", json_string(note));
	}
	results_write_json(rd, "manifest.json", rd->manifest);
	return json_incref(rd->manifest);
}

/* runs the pairings into @res; -1 (results marked failed) when one cannot run */
static int lm_run_all(const struct lm_opts *o, const struct pairing *const *run, size_t n,
		      struct lm_result *res, struct results *rd, struct lm_verdict *v)
{
	char err[256];

	for (size_t i = 0; i < n; i++) {
		fprintf(stderr, "gupbench: litmus: %s ...\n", run[i]->name);
		if (lm_run(o, run[i], o->time_limit / n, &res[i], err, sizeof(err))) {
			fprintf(stderr, "gupbench: litmus: %s\n", err);
			results_finish(rd, "failed", err);
			return -1;
		}
		if (run[i]->expect == EXPECT_CONTROL) {
			v->control_ran = true;
			v->control_seen = res[i].old_empty > 0;
		}
		if (run[i]->expect == EXPECT_FORBIDDEN && res[i].old_empty)
			v->violation = true;
	}
	return 0;
}

/* litmus.json */
static json_t *lm_json(const struct lm_opts *o, json_t *sys, const struct lm_result *res,
		       size_t n, const struct lm_verdict *v, const char *loadavg)
{
	json_t *out, *arr = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, lm_result_json(&res[i], v->control_seen));
	out = json_pack("{s:s, s:s, s:s, s:[i,i], s:I, s:f, s:i, s:o, s:b, s:b, s:b, s:s}",
		"what", "store-buffering litmus test of the walker/sync barrier pairing "
			"(userspace threads)",
		"arch", SEQ_ARCH,
		"cpu_model", json_string_value(json_object_get(sys, "cpu_model")),
		"cpus", o->cpu[0], o->cpu[1], "iters_requested", (json_int_t)o->iters,
		"time_limit_s", o->time_limit, "max_delay", (int)o->delay_mask,
		"pairings", arr, "control_ran", v->control_ran,
		"control_observed", v->control_seen, "full_barrier_violation", v->violation,
		"conclusion", !v->control_ran ? "control not run: zero counts prove nothing" :
			!v->control_seen ? "control saw nothing: the test did not stress enough; "
					   "no claim" :
			v->violation ? "a full-barrier pairing showed the forbidden outcome" :
			"control observed; see each pairing's verdict");
	json_object_set_new(out, "loadavg_at_start", json_string(loadavg));
	json_object_set(out, "timing_note", json_object_get(sys, "timing_note") ?
			json_object_get(sys, "timing_note") : json_null());
	return out;
}

int cmd_litmus(int argc, char **argv)
{
	struct lm_opts o;
	struct lm_result res[NPAIRINGS];
	struct results rd;
	const struct pairing *run[NPAIRINGS];
	struct lm_verdict v = { 0 };
	size_t n = 0;
	char loadavg[64];
	json_t *sys, *out;
	int ret = 0;

	if (!lm_parse(argc, argv, &o)) {
		cpu_set_t online;

		if (cpulist_online(&online) || CPU_COUNT(&online) < 2) {
			fprintf(stderr, "gupbench: litmus: needs two online CPUs\n");
			return EXIT_SKIPPED;
		}
		o.cpu[0] = cpulist_nth(&online, 0);
		o.cpu[1] = cpulist_nth(&online, 1);
	}
#ifdef SEQ_UNSUPPORTED
	fprintf(stderr, "gupbench: litmus: no barrier sequences for this architecture\n");
	return EXIT_SKIPPED;
#endif
	lm_arch_init();
	if (sysinfo_cmd_line("cut -d' ' -f1-3 /proc/loadavg", loadavg, sizeof(loadavg)))
		snprintf(loadavg, sizeof(loadavg), "unknown");
	for (size_t i = 0; i < NPAIRINGS; i++)
		if (!o.only || o.only == &pairings[i])
			run[n++] = &pairings[i];

	sys = lm_open_results(&rd, &o);
	if (lm_run_all(&o, run, n, res, &rd, &v)) {
		json_decref(sys);
		return EXIT_RUN_FAILED;
	}
	out = lm_json(&o, sys, res, n, &v, loadavg);
	lm_print(&o, sys, res, n, v.control_ran, v.control_seen, loadavg);
	if (results_write_json(&rd, "litmus.json", out)) {
		fprintf(stderr, "gupbench: litmus: cannot write litmus.json\n");
		results_finish(&rd, "failed", "cannot write litmus.json");
		ret = EXIT_RUN_FAILED;
	} else {
		printf("\nresults: %s\n", rd.dir);
		results_finish(&rd, "complete", NULL);
		if (v.violation)
			ret = EXIT_RUN_FAILED;
	}
	json_decref(out);
	json_decref(sys);
	return ret;
}
