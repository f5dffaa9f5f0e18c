// SPDX-License-Identifier: GPL-2.0
/*
 * gupbench model: the cost of the lockless-walker start/end sequences
 * (bench/model-seq.h), measured in userspace around
 *
 *  - a simulated GUP-fast walk: a 4-level pointer chase through
 *    page-table-sized arrays (4 KiB, 512 x 8-byte entries) ending in P
 *    PTEs, cache-hot (the same 4 tables every call) and cache-cold (one
 *    of thousands of address spaces, picked at random each call, in a
 *    set of tables several times the size of the last-level cache);
 *  - a real GUP-fast call: vmsplice() of P pages into a pipe.
 *
 * These are userspace replicas, not kernel measurements: no IRQ
 * disabling, no per-CPU addressing, no folio refcounting in the
 * simulated walk. They say what the instructions cost on this CPU next
 * to a walk of known cache behaviour, and what share of a real call that
 * is.
 *
 * Timing: a batch of N calls between two reads of the calibrated timer;
 * a run's value is the 10%-trimmed mean of its batches (ns per call);
 * runs give the mean and its 95% CI (lib/stats.h). Within a run the variants are interleaved in
 * a rotating order so that drift affects them alike.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "gupbench.h"
#include "model-seq.h"
#include "walk-vmsplice.h"
#include "lib/proc.h"
#include "lib/results.h"
#include "lib/stats.h"
#include "lib/sysinfo.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#define PT_ENTRIES	512
#define PT_BYTES	(PT_ENTRIES * sizeof(uint64_t))
#define PT_PRESENT	1ull
#define MAX_VARIANTS	8

struct model_opts {
	unsigned int pages;
	unsigned int runs;
	unsigned int iters;		/* calls per timed batch */
	unsigned int batches;		/* batches per run (walk) */
	unsigned int vm_calls;		/* vmsplice calls per run; 0: skip */
	size_t cold_bytes;		/* 0: automatic */
	bool hot, cold;
	bool json_only;
	const char *root;
};

/* ------------------------------------------------------------------ */
/* The simulated page tables                                           */

/*
 * @nmm address spaces of 4 tables each (pgd, pud, pmd, pte). Address
 * space k's pgd is table 4k; its lower tables sit at random places in
 * the pool (a permutation per level), so a cold walk misses at every
 * level, as a walk of a page table that is not cached would.
 */
struct walkset {
	uint64_t *pool;
	size_t bytes;
	uint32_t nmm, mask;		/* nmm is a power of two */
	unsigned int pages;
	/*
	 * Always 0, but the compiler cannot know: each call's address
	 * space depends on the previous walk's result, so walks do not
	 * overlap in the out-of-order window. Real GUP-fast calls are a
	 * syscall apart and do not overlap either.
	 */
	uint64_t chain;
	const char *mode;
	bool thp;			/* MADV_HUGEPAGE accepted */
};

/* The "virtual address" of address space k: 4 table indices. */
static inline uint64_t va_hash(uint32_t k)
{
	return ((uint64_t)k + 1) * 0x9e3779b97f4a7c15ull;
}

static inline unsigned int va_index(uint64_t h, int level, unsigned int pages)
{
	if (level < 3)
		return (h >> (10 + 9 * level)) & (PT_ENTRIES - 1);
	/* first PTE, so that all @pages PTEs lie in the one table */
	return (unsigned int)((((h >> 37) & (PT_ENTRIES - 1)) *
			       (PT_ENTRIES + 1 - pages)) >> 9);
}

static inline uint64_t *pgd_of(const struct walkset *ws, uint32_t k)
{
	return ws->pool + (size_t)k * 4 * PT_ENTRIES;
}

/*
 * gup_fast_pgd_range() in miniature: pgd -> pud -> pmd -> P PTEs, each a
 * dependent load with a present check. A separate function, as the
 * kernel's walk is, so the sequences stay around a call.
 */
static __attribute__((noinline)) uint64_t pt_walk(const struct walkset *ws,
						  const uint64_t *pgd, uint32_t k)
{
	const volatile uint64_t *t = pgd;
	uint64_t h = va_hash(k), e, acc = 0;
	unsigned int i;

	for (int level = 0; level < 3; level++) {
		e = t[va_index(h, level, ws->pages)];
		if (!(e & PT_PRESENT))
			return 0;
		t = (const volatile uint64_t *)(uintptr_t)(e & ~PT_PRESENT);
	}
	i = va_index(h, 3, ws->pages);
	for (unsigned int j = 0; j < ws->pages; j++) {
		e = t[i + j];
		if (!(e & PT_PRESENT))
			break;
		acc += e;
	}
	return acc;
}

static inline uint64_t xorshift64(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static void shuffle(uint32_t *a, uint32_t n, uint64_t *x)
{
	for (uint32_t i = 0; i < n; i++)
		a[i] = i;
	for (uint32_t i = n - 1; i > 0; i--) {
		uint32_t j = (uint32_t)(xorshift64(x) % (i + 1));
		uint32_t t = a[i];

		a[i] = a[j];
		a[j] = t;
	}
}

static int walkset_init(struct walkset *ws, const char *mode, uint32_t nmm,
			unsigned int pages, char *err, size_t errlen)
{
	uint32_t *perm[3] = { NULL, NULL, NULL };
	uint64_t x = 0x243f6a8885a308d3ull;
	int ret = -1;

	memset(ws, 0, sizeof(*ws));
	ws->mode = mode;
	ws->nmm = nmm;
	ws->mask = nmm - 1;
	ws->pages = pages;
	ws->bytes = (size_t)nmm * 4 * PT_BYTES;
	ws->pool = mmap(NULL, ws->bytes, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ws->pool == MAP_FAILED) {
		ws->pool = NULL;
		snprintf(err, errlen, "mmap %zu bytes of page tables: %s",
			 ws->bytes, strerror(errno));
		return -1;
	}
	/* the kernel reaches page tables through its huge-page direct map */
	ws->thp = !madvise(ws->pool, ws->bytes, MADV_HUGEPAGE);

	for (int l = 0; l < 3; l++) {
		perm[l] = malloc(nmm * sizeof(*perm[l]));
		if (!perm[l]) {
			snprintf(err, errlen, "out of memory");
			goto out;
		}
		shuffle(perm[l], nmm, &x);
	}
	for (uint32_t k = 0; k < nmm; k++) {
		uint64_t h = va_hash(k), *t = pgd_of(ws, k);

		for (int l = 0; l < 3; l++) {
			uint64_t *next = ws->pool +
				((size_t)perm[l][k] * 4 + l + 1) * PT_ENTRIES;

			t[va_index(h, l, pages)] = (uint64_t)(uintptr_t)next | PT_PRESENT;
			t = next;
		}
		/* a PTE table: every entry present, a made-up pfn in each */
		for (unsigned int j = 0; j < PT_ENTRIES; j++)
			t[j] = ((uint64_t)(k * PT_ENTRIES + j) << 12) | PT_PRESENT;
	}
	ret = 0;
out:
	for (int l = 0; l < 3; l++)
		free(perm[l]);
	return ret;
}

static void walkset_free(struct walkset *ws)
{
	if (ws->pool)
		munmap(ws->pool, ws->bytes);
	ws->pool = NULL;
}

/* ------------------------------------------------------------------ */
/* A real GUP-fast call: the vmsplice walker's own (walk-vmsplice.h)    */
/* ------------------------------------------------------------------ */
/* Variants: one walk loop and one vmsplice loop each, with the         */
/* sequences inlined                                                    */

typedef uint64_t (*walk_loop_fn)(const struct walkset *ws, void **slot,
				 unsigned int n, uint64_t *rng);
typedef int (*vm_loop_fn)(struct vsplice *vc, void **slot, unsigned int n);

#define DEFINE_LOOPS(name, start, end)					\
static uint64_t walk_loop_##name(const struct walkset *ws, void **slot,	\
				 unsigned int n, uint64_t *rng)		\
{									\
	uint64_t acc = 0, x = *rng, w = 0;				\
									\
	for (unsigned int i = 0; i < n; i++) {				\
		uint32_t k;						\
		uint64_t *pgd;						\
									\
		/* ws->chain is 0: the next call waits for this one */	\
		x ^= w & ws->chain;					\
		k = (uint32_t)(xorshift64(&x) >> 32) & ws->mask;	\
		pgd = pgd_of(ws, k);					\
		start(slot, pgd);					\
		w = pt_walk(ws, pgd, k);				\
		end(slot);						\
		acc += w;						\
	}								\
	*rng = x;							\
	return acc;							\
}									\
									\
static int vm_loop_##name(struct vsplice *vc, void **slot, unsigned int n) \
{									\
	int ret = 0;							\
									\
	for (unsigned int i = 0; i < n && !ret; i++) {			\
		start(slot, vc);					\
		ret = vsplice_call(vc);					\
		end(slot);						\
	}								\
	return ret;							\
}

struct variant {
	const char *name;
	const char *start;		/* instructions, as the kernel emits them */
	const char *end;
	const char *what;
	walk_loop_fn walk;
	vm_loop_fn vm;
	bool (*usable)(void);
};

#define VARIANT(n, s, e, w, u)						\
	{ .name = #n, .start = s, .end = e, .what = w,			\
	  .walk = walk_loop_##n, .vm = vm_loop_##n, .usable = u }

#if defined(__x86_64__)
DEFINE_LOOPS(none, seq_none_start, seq_none_end)
DEFINE_LOOPS(v4, seq_v4_start, seq_release_end)
DEFINE_LOOPS(mfence, seq_mfence_start, seq_release_end)
DEFINE_LOOPS(xchg, seq_xchg_start, seq_release_end)

static const struct variant variants[] = {
	VARIANT(none, "-", "-", "bare walk (compiler barriers only)", NULL),
	VARIANT(v4, "mov; lock addl $0,-4(%rsp)", "mov $0",
		"v4: this_cpu_write + smp_mb / smp_store_release", NULL),
	VARIANT(mfence, "mov; mfence", "mov $0",
		"store + mfence (old smp_mb) / release", NULL),
	VARIANT(xchg, "xchg", "mov $0",
		"xchg (implicitly locked) / release (review point 1)", NULL),
};
#elif defined(__aarch64__)
DEFINE_LOOPS(none, seq_none_start, seq_none_end)
DEFINE_LOOPS(v4, seq_v4_start, seq_release_end)
DEFINE_LOOPS(raw, seq_raw_start, seq_release_end)
DEFINE_LOOPS(xchg_lse, seq_xchg_lse_start, seq_release_end)
DEFINE_LOOPS(xchg_llsc, seq_xchg_llsc_start, seq_release_end)

static bool have_lse(void)
{
	return getauxval(AT_HWCAP) & HWCAP_ATOMICS;
}

static const struct variant variants[] = {
	VARIANT(none, "-", "-", "bare walk (compiler barriers only)", NULL),
	VARIANT(v4, "preempt_count++; str; preempt_count--; dmb ish", "stlr xzr",
		"v4: this_cpu_write (preempt-protected) + smp_mb / release", NULL),
	VARIANT(raw, "str; dmb ish", "stlr xzr",
		"__this_cpu_write + smp_mb / release (IRQs off: no preempt ops)",
		NULL),
	VARIANT(xchg_lse, "swpal", "stlr xzr", "xchg with LSE atomics / release",
		have_lse),
	VARIANT(xchg_llsc, "ldxr/stlxr loop; dmb ish", "stlr xzr",
		"xchg without LSE / release", NULL),
};
#else
static const struct variant variants[1];
#endif

#define NVARIANTS (sizeof(variants) / sizeof(variants[0]))

/* ------------------------------------------------------------------ */
/* Measurement                                                          */

static volatile uint64_t model_sink;
/* the per-CPU slot; its own cache line, as a per-CPU variable has */
static void *model_slot __attribute__((aligned(64)));

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * A run's value: the mean of its batches without the lowest and highest
 * 10%. Trimming drops batches hit by interrupts or preemption; averaging
 * the rest keeps what a median would lose to the timer's resolution
 * (a 10 ns TSC step in some VMs is 0.3 ns per call for a batch of 32).
 */
static double trimmed_mean(double *x, size_t n)
{
	size_t cut = n / 10;
	double sum = 0;

	qsort(x, n, sizeof(*x), cmp_double);
	for (size_t i = cut; i < n - cut; i++)
		sum += x[i];
	return sum / (double)(n - 2 * cut);
}

/* One timed batch of @v's walk loop: ns per call. */
static double walk_batch(const struct variant *v, const struct walkset *ws,
			 unsigned int iters, uint64_t *rng)
{
	uint64_t t0 = timer_start(&gb_timer), t1;

	model_sink += v->walk(ws, &model_slot, iters, rng);
	t1 = timer_stop(&gb_timer);
	return (double)timer_ns(&gb_timer, t1 - t0) / iters;
}

/* One timed batch of @v around vmsplice(), drained untimed: ns per call. */
static double vm_batch(const struct variant *v, struct vsplice *vc)
{
	unsigned int n = vc->per_batch;
	uint64_t t0 = timer_start(&gb_timer), t1;

	if (v->vm(vc, &model_slot, n))
		return -1;
	t1 = timer_stop(&gb_timer);
	if (vsplice_drain(vc, n * vc->len))
		return -1;
	return (double)timer_ns(&gb_timer, t1 - t0) / n;
}

/* ns[v][r]: run r of variant v; variants interleaved, rotating order. */
struct series {
	const char *title;
	unsigned int nv;
	const struct variant *v[MAX_VARIANTS];
	double *ns[MAX_VARIANTS];
	struct sample_stats st[MAX_VARIANTS], delta[MAX_VARIANTS], pct[MAX_VARIANTS];
};

static void series_stats(struct series *s, unsigned int runs)
{
	double *d = malloc(runs * sizeof(*d)), *p = malloc(runs * sizeof(*p));

	if (!d || !p)
		abort();
	for (unsigned int i = 0; i < s->nv; i++) {
		stats_describe(s->ns[i], runs, &s->st[i]);
		for (unsigned int r = 0; r < runs; r++) {
			d[r] = s->ns[i][r] - s->ns[0][r];
			p[r] = 100.0 * d[r] / s->ns[0][r];
		}
		stats_describe(d, runs, &s->delta[i]);
		stats_describe(p, runs, &s->pct[i]);
	}
	free(d);
	free(p);
}

static int series_alloc(struct series *s, const char *title, unsigned int runs)
{
	memset(s, 0, sizeof(*s));
	s->title = title;
	for (size_t i = 0; i < NVARIANTS; i++) {
		if (variants[i].usable && !variants[i].usable())
			continue;
		s->v[s->nv] = &variants[i];
		s->ns[s->nv] = calloc(runs, sizeof(double));
		if (!s->ns[s->nv])
			return -1;
		s->nv++;
	}
	return 0;
}

static void series_free(struct series *s)
{
	for (unsigned int i = 0; i < s->nv; i++)
		free(s->ns[i]);
}

static void progress(const struct model_opts *o, const char *fmt, const char *arg)
{
	if (!o->json_only) {
		fprintf(stderr, fmt, arg);
		fflush(stderr);
	}
}

/*
 * Per-run scratch: batch[v][b]. Batches of the variants are interleaved
 * (v0 v1 v2 v3, v1 v2 v3 v0, ...) so that whatever the machine does
 * during a run (other guests, frequency) hits every variant alike; a
 * run's value per variant is the trimmed mean of its batches.
 */
struct scratch {
	unsigned int nb;
	double *batch[MAX_VARIANTS];
};

static int scratch_alloc(struct scratch *sc, unsigned int nv, unsigned int nb)
{
	memset(sc, 0, sizeof(*sc));
	sc->nb = nb;
	for (unsigned int i = 0; i < nv; i++) {
		sc->batch[i] = malloc(nb * sizeof(double));
		if (!sc->batch[i])
			return -1;
	}
	return 0;
}

static void scratch_free(struct scratch *sc)
{
	for (unsigned int i = 0; i < MAX_VARIANTS; i++)
		free(sc->batch[i]);
}

static int measure_walk(struct series *s, const struct walkset *ws,
			const struct model_opts *o)
{
	struct scratch sc;
	uint64_t rng[MAX_VARIANTS];

	if (scratch_alloc(&sc, s->nv, o->batches)) {
		scratch_free(&sc);
		return -1;
	}
	progress(o, "gupbench: model: %s walk ...\n", ws->mode);
	for (unsigned int r = 0; r < o->runs; r++) {
		for (unsigned int i = 0; i < s->nv; i++) {
			/* warm up on a sequence of its own: cold must stay cold */
			rng[i] = va_hash(r * MAX_VARIANTS + i + 1000) | 1;
			model_sink += s->v[i]->walk(ws, &model_slot, o->iters, &rng[i]);
			/* then a fresh sequence of address spaces per run and variant */
			rng[i] = va_hash(r * MAX_VARIANTS + i) | 1;
		}
		for (unsigned int b = 0; b < o->batches; b++) {
			for (unsigned int j = 0; j < s->nv; j++) {
				unsigned int i = (b + j) % s->nv;

				sc.batch[i][b] = walk_batch(s->v[i], ws, o->iters, &rng[i]);
			}
		}
		for (unsigned int i = 0; i < s->nv; i++)
			s->ns[i][r] = trimmed_mean(sc.batch[i], o->batches);
	}
	scratch_free(&sc);
	series_stats(s, o->runs);
	return 0;
}

static int measure_vm(struct series *s, struct vsplice *vc,
		      const struct model_opts *o, char *err, size_t errlen)
{
	unsigned int nb = o->vm_calls / vc->per_batch;
	struct scratch sc;
	int ret = -1;

	if (!nb)
		nb = 1;
	if (scratch_alloc(&sc, s->nv, nb))
		goto out;
	progress(o, "gupbench: model: %s ...\n", "vmsplice");
	for (unsigned int r = 0; r < o->runs; r++) {
		for (unsigned int i = 0; i < s->nv; i++)
			if (vm_batch(s->v[i], vc) < 0)
				goto fail;
		for (unsigned int b = 0; b < nb; b++) {
			for (unsigned int j = 0; j < s->nv; j++) {
				unsigned int i = (b + j) % s->nv;

				sc.batch[i][b] = vm_batch(s->v[i], vc);
				if (sc.batch[i][b] < 0)
					goto fail;
			}
		}
		for (unsigned int i = 0; i < s->nv; i++)
			s->ns[i][r] = trimmed_mean(sc.batch[i], nb);
	}
	series_stats(s, o->runs);
	ret = 0;
	goto out;
fail:
	snprintf(err, errlen, "vmsplice/splice: %s", strerror(vc->err_no));
out:
	scratch_free(&sc);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Output                                                              */

static json_t *series_json(const struct series *s, unsigned int runs,
			   const struct series *hot)
{
	json_t *arr = json_array();

	for (unsigned int i = 0; i < s->nv; i++) {
		json_t *v = json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o}",
			"name", s->v[i]->name, "start", s->v[i]->start,
			"end", s->v[i]->end, "what", s->v[i]->what,
			"ns_per_call", stats_to_json(&s->st[i]),
			"delta_ns_vs_none", stats_to_json(&s->delta[i]),
			"overhead_pct_vs_none", stats_to_json(&s->pct[i]),
			"runs_ns_per_call", json_array());

		for (unsigned int r = 0; r < runs; r++)
			json_array_append_new(json_object_get(v, "runs_ns_per_call"),
					      json_real(s->ns[i][r]));
		if (hot && i < hot->nv)
			json_object_set_new(v, "hot_walk_delta_as_pct_of_call",
				json_real(100.0 * hot->delta[i].mean / s->st[0].mean));
		json_array_append_new(arr, v);
	}
	return arr;
}

static void print_ci(const struct sample_stats *st, bool sign, bool last)
{
	char buf[64];

	snprintf(buf, sizeof(buf), sign ? "%+.2f [%+.2f, %+.2f]" : "%.2f [%.2f, %.2f]",
		 st->mean, st->ci95_lo, st->ci95_hi);
	printf(last ? "  %s" : "  %-26s", buf);
}

static const char *verdict(const struct sample_stats *d)
{
	if (d->n < 2)
		return "";
	if (d->ci95_lo > 0)
		return "slower";
	if (d->ci95_hi < 0)
		return "faster";
	return "no difference proven";
}

/*
 * @step: one timer step spread over a batch (ns per call). A significant
 * delta smaller than that is at the timer's limit: the averaging makes it
 * visible, but code layout can produce it as easily as the sequence.
 */
static void print_series(const struct series *s, const struct series *hot,
			 double step)
{
	printf("\n%s\n", s->title);
	printf("%-10s %-28s %-8s  %-26s  %-26s  %s\n", "variant",
	       "start sequence", "end", "ns/call mean [95% CI]",
	       "+ns vs none [95% CI]", "+% vs none [95% CI]");
	for (unsigned int i = 0; i < s->nv; i++) {
		printf("%-10s %-28s %-8s", s->v[i]->name, s->v[i]->start, s->v[i]->end);
		print_ci(&s->st[i], false, i == 0);
		if (i == 0) {
			printf("\n");
			continue;
		}
		print_ci(&s->delta[i], true, false);
		print_ci(&s->pct[i], true, false);
		printf(" %s", verdict(&s->delta[i]));
		if (s->delta[i].n > 1 && fabs(s->delta[i].mean) < step)
			printf(" (below one timer step per call, %.2f ns)", step);
		if (hot && i < hot->nv)
			printf("; hot-walk delta = %.2f%% of the call",
			       100.0 * hot->delta[i].mean / s->st[0].mean);
		printf("\n");
	}
}

/* ------------------------------------------------------------------ */
/* Options                                                             */

static void model_usage(FILE *f)
{
	fprintf(f,
"usage: gupbench model [options]\n"
"Userspace replicas of the walker start/end sequences (bench/model-seq.h),\n"
"timed around a simulated 4-level page-table walk (hot and cold) and\n"
"around vmsplice() of P pages (a real GUP-fast call). Not kernel timings.\n"
"  -p, --pages P       PTEs (pages) per call (default 8; 1-512)\n"
"  -r, --runs R        runs per variant (default 10)\n"
"  -n, --iters N       calls per timed batch (default 1000)\n"
"      --batches B     batches per run; a run is their 10%%-trimmed mean\n"
"                      (default 100)\n"
"      --vm-calls N    vmsplice calls per run (default 32768; 0 skips)\n"
"      --hot           hot walk only\n"
"      --cold          cold walk only (default: both)\n"
"      --cold-mib M    size of the cold table set (default 4 x L3, 64-512)\n"
"  -o, --results DIR   parent of the results directory (default results)\n"
"      --json-only     print model.json on stdout instead of the table\n");
}

static void parse_opts(int argc, char **argv, struct model_opts *o)
{
	enum { O_BATCHES = 256, O_VM, O_HOT, O_COLD, O_COLD_MIB, O_JSON };
	static const struct option lo[] = {
		{ "pages", required_argument, NULL, 'p' },
		{ "runs", required_argument, NULL, 'r' },
		{ "iters", required_argument, NULL, 'n' },
		{ "batches", required_argument, NULL, O_BATCHES },
		{ "vm-calls", required_argument, NULL, O_VM },
		{ "hot", no_argument, NULL, O_HOT },
		{ "cold", no_argument, NULL, O_COLD },
		{ "cold-mib", required_argument, NULL, O_COLD_MIB },
		{ "results", required_argument, NULL, 'o' },
		{ "json-only", no_argument, NULL, O_JSON },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*o = (struct model_opts){ .pages = 8, .runs = 10, .iters = 1000,
				  .batches = 100, .vm_calls = 32768,
				  .root = "results" };
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":p:r:n:o:h", lo, NULL)) != -1) {
		switch (c) {
		case 'p':
			o->pages = opt_number("--pages", optarg, 1, PT_ENTRIES);
			break;
		case 'r':
			o->runs = opt_number("--runs", optarg, 1, 10000);
			break;
		case 'n':
			o->iters = opt_number("--iters", optarg, 1, 100000000);
			break;
		case O_BATCHES:
			o->batches = opt_number("--batches", optarg, 1, 1000000);
			break;
		case O_VM:
			o->vm_calls = opt_number("--vm-calls", optarg, 0, 100000000);
			break;
		case O_HOT:
			o->hot = true;
			break;
		case O_COLD:
			o->cold = true;
			break;
		case O_COLD_MIB:
			o->cold_bytes = opt_number("--cold-mib", optarg, 1, 65536) << 20;
			break;
		case 'o':
			if (!*optarg)
				die_input("model: --results: empty path");
			o->root = optarg;
			break;
		case O_JSON:
			o->json_only = true;
			break;
		case 'h':
			model_usage(stdout);
			exit(0);
		case ':':
			die_input("model: option '%s' needs a value", argv[optind - 1]);
		default:
			die_input("model: unknown option '%s' (see gupbench model --help)",
				  argv[optind - 1]);
		}
	}
	if (optind < argc)
		die_input("model: unexpected argument '%s'", argv[optind]);
	if (!o->hot && !o->cold)
		o->hot = o->cold = true;
}

/*
 * Size of CPU 0's L3 from sysfs (glibc's sysconf value can be wrong in
 * VMs), or 0.
 */
static size_t l3_bytes(void)
{
	char *s = sysinfo_read_file("/sys/devices/system/cpu/cpu0/cache/index3/size");
	char *end;
	size_t v = 0;

	if (s) {
		v = strtoul(s, &end, 10);
		if (*end == 'K')
			v <<= 10;
		else if (*end == 'M')
			v <<= 20;
		free(s);
	}
	return v;
}

/* Address spaces in the cold set: a power of two, >= max(64 MiB, 4 x L3). */
static uint32_t cold_nmm(const struct model_opts *o)
{
	size_t want = o->cold_bytes, per = 4 * PT_BYTES;
	size_t l3 = l3_bytes();
	uint32_t n = 1;

	if (!want) {
		want = 64ul << 20;
		if (l3 * 4 > want)
			want = l3 * 4;
		if (want > 512ul << 20)
			want = 512ul << 20;
	}
	while ((size_t)n * 2 * per <= want)
		n *= 2;
	return n;
}

/* Pin to the CPU we are on: no migration between batches. */
static int pin_here(void)
{
	int cpu = sched_getcpu();

	if (cpu < 0)
		return -1;
	return gb_pin_self(cpu) ? -1 : cpu;
}

static json_t *timer_info(unsigned int iters)
{
	json_t *t = timer_to_json(&gb_timer);

	json_object_set_new(t, "overhead_per_call_ns",
			    json_real(gb_timer.overhead_median_ns / iters));
	json_object_set_new(t, "overhead_note", json_string(
		"one start/stop pair per batch of calls; included in ns/call"));
	return t;
}

static void print_header(const struct model_opts *o, json_t *sys, int cpu,
			 const struct walkset *cold, const char *loadavg)
{
	printf("gupbench model: USERSPACE REPLICAS of the walker start/end sequences,\n"
	       "not kernel measurements (no IRQ-off, no per-CPU addressing, no folio refs).\n");
	printf("CPU: %s   arch: %s   pinned to CPU %d\n",
	       json_string_value(json_object_get(sys, "cpu_model")), SEQ_ARCH, cpu);
	printf("timer: %s (%s), resolution %.1f ns;\n"
	       "  start/stop pair %.1f ns median, once per batch of %u calls = %.3f ns/call\n",
	       gb_timer.name, gb_timer.why, gb_timer.resolution_ns,
	       gb_timer.overhead_median_ns, o->iters,
	       gb_timer.overhead_median_ns / o->iters);
	printf("pages per call: %u   runs: %u   batches per run: %u "
	       "(a run = 10%%-trimmed mean of its batches)\n",
	       o->pages, o->runs, o->batches);
	if (cold)
		printf("cold set: %zu MiB of page tables, %u address spaces, MADV_HUGEPAGE %s\n",
		       cold->bytes >> 20, cold->nmm, cold->thp ? "accepted" : "refused");
	printf("CI: Student t 95%% over runs; deltas and %% are per run against 'none' "
	       "of the same run.\n");
	printf("load average at start: %s\n", loadavg);
	if (json_is_string(json_object_get(sys, "timing_note")))
		printf("%s\n", json_string_value(json_object_get(sys, "timing_note")));
}

/* ------------------------------------------------------------------ */

/* One gupbench model invocation: what its steps share. */
struct model_run {
	struct model_opts o;
	struct results res;
	struct walkset hot, cold;
	struct series s_hot, s_cold, s_vm;
	struct vsplice vc;
	bool have_hot, have_cold, have_vm;
	json_t *sys, *out;
	int cpu;
	char err[256], loadavg[64];
};

/* The results directory, its manifest, and model.json's header part. */
static void model_open(struct model_run *m)
{
	char karch[64];

	if (results_create(&m->res, m->o.root, "model", m->err, sizeof(m->err)))
		die_input("model: %s", m->err);
	results_preamble(&m->res, NULL, "gupbench model");
	m->sys = json_incref(m->res.manifest);
	if (sysinfo_emulated(karch, sizeof(karch)) == 1) {
		char note[160];

		snprintf(note, sizeof(note), "emulated: timing not meaningful (%s binary "
			 "under user-mode emulation on a %s kernel)", SEQ_ARCH, karch);
		json_object_set_new(m->res.manifest, "timing_note", json_string(note));
	}
	json_object_set_new(m->res.manifest, "timer", timer_info(m->o.iters));
	results_write_json(&m->res, "manifest.json", m->res.manifest);

	m->out = json_pack("{s:s, s:s, s:s, s:i, s:o, s:{s:i, s:i, s:i, s:i, s:i}}",
		"what", "userspace replicas of the lockless walker start/end sequences; "
			"not kernel measurements",
		"arch", SEQ_ARCH,
		"cpu_model", json_string_value(json_object_get(m->sys, "cpu_model")),
		"cpu", m->cpu, "timer", timer_info(m->o.iters),
		"params", "pages", m->o.pages, "runs", m->o.runs, "iters_per_batch", m->o.iters,
		"batches_per_run", m->o.batches, "vm_calls_per_run", m->o.vm_calls);
	json_object_set_new(m->out, "loadavg_at_start", json_string(m->loadavg));
	json_object_set(m->out, "timing_note", json_object_get(m->sys, "timing_note") ?
			json_object_get(m->sys, "timing_note") : json_null());
}

/* The hot and cold walk loops; -1 with m->err on failure. */
static int model_walks(struct model_run *m)
{
	const struct model_opts *o = &m->o;
	json_t *modes = json_object();

	json_object_set_new(m->out, "walk", modes);
	if (o->hot) {
		if (walkset_init(&m->hot, "hot", 1, o->pages, m->err, sizeof(m->err)) ||
		    series_alloc(&m->s_hot, "walk: HOT (the same 4 page tables every call)",
				 o->runs) || measure_walk(&m->s_hot, &m->hot, o))
			return -1;
		m->have_hot = true;
	}
	if (o->cold) {
		if (walkset_init(&m->cold, "cold", cold_nmm(o), o->pages, m->err,
				 sizeof(m->err)) ||
		    series_alloc(&m->s_cold, "walk: COLD (random address space per call, "
				 "every level a likely cache miss)", o->runs) ||
		    measure_walk(&m->s_cold, &m->cold, o))
			return -1;
		m->have_cold = true;
	}
	if (m->have_hot)
		json_object_set_new(modes, "hot", json_pack("{s:I, s:I, s:b, s:o}",
			"table_bytes", (json_int_t)m->hot.bytes, "address_spaces",
			(json_int_t)m->hot.nmm, "madv_hugepage", m->hot.thp,
			"variants", series_json(&m->s_hot, o->runs, NULL)));
	if (m->have_cold)
		json_object_set_new(modes, "cold", json_pack("{s:I, s:I, s:b, s:o}",
			"table_bytes", (json_int_t)m->cold.bytes, "address_spaces",
			(json_int_t)m->cold.nmm, "madv_hugepage", m->cold.thp,
			"variants", series_json(&m->s_cold, o->runs, NULL)));
	walkset_free(&m->hot);
	walkset_free(&m->cold);
	return 0;
}

/* Around a real vmsplice(); a failure is a recorded skip. */
static void model_vmsplice(struct model_run *m)
{
	const struct model_opts *o = &m->o;
	char title[160];

	snprintf(title, sizeof(title), "around a real GUP-fast call: "
		 "vmsplice() of %u pages into a pipe (drain untimed)", o->pages);
	if (vsplice_open(&m->vc, o->pages, 1 << 20, m->err, sizeof(m->err)) ||
	    series_alloc(&m->s_vm, "", o->runs) ||
	    measure_vm(&m->s_vm, &m->vc, o, m->err, sizeof(m->err))) {
		results_skip(&m->res, "vmsplice", m->err);
		json_object_set_new(m->out, "vmsplice",
				    json_pack("{s:s}", "skipped", m->err));
	} else {
		m->s_vm.title = strdup(title);
		m->have_vm = true;
		json_object_set_new(m->out, "vmsplice", json_pack("{s:I, s:I, s:o}",
			"calls_per_batch", (json_int_t)m->vc.per_batch,
			"pipe_bytes", (json_int_t)m->vc.pipe_bytes,
			"variants", series_json(&m->s_vm, o->runs,
						m->have_hot ? &m->s_hot : NULL)));
	}
	vsplice_close(&m->vc);
}

static void model_print(struct model_run *m)
{
	const struct model_opts *o = &m->o;
	double step = gb_timer.resolution_ns;

	if (o->json_only) {
		json_dumpf(m->out, stdout, JSON_INDENT(1) | JSON_SORT_KEYS);
		printf("\n");
		return;
	}
	print_header(o, m->sys, m->cpu, m->have_cold ? &m->cold : NULL, m->loadavg);
	if (m->have_hot)
		print_series(&m->s_hot, NULL, step / o->iters);
	if (m->have_cold)
		print_series(&m->s_cold, NULL, step / o->iters);
	if (m->have_vm)
		print_series(&m->s_vm, m->have_hot ? &m->s_hot : NULL,
			     step / m->vc.per_batch);
	printf("\nresults: %s\n", m->res.dir);
}

int cmd_model(int argc, char **argv)
{
	static struct model_run m;
	int ret = EXIT_RUN_FAILED;

	snprintf(m.err, sizeof(m.err), "out of memory");
	parse_opts(argc, argv, &m.o);
	/* other work on the machine shows up as noise: say how much there was */
	if (sysinfo_cmd_line("cut -d' ' -f1-3 /proc/loadavg", m.loadavg, sizeof(m.loadavg)))
		snprintf(m.loadavg, sizeof(m.loadavg), "unknown");
#ifdef SEQ_UNSUPPORTED
	fprintf(stderr, "gupbench: model: no start/end sequences for this architecture\n");
	return EXIT_SKIPPED;
#endif
	timer_init(&gb_timer, false);
	m.cpu = pin_here();
	model_open(&m);
	if (model_walks(&m))
		goto fail;
	if (m.o.vm_calls)
		model_vmsplice(&m);
	if (results_write_json(&m.res, "model.json", m.out)) {
		snprintf(m.err, sizeof(m.err), "cannot write model.json");
		goto fail;
	}
	model_print(&m);
	results_finish(&m.res, "complete", NULL);
	ret = 0;
	goto out;
fail:
	fprintf(stderr, "gupbench: model: %s\n", m.err);
	results_finish(&m.res, "failed", m.err);
out:
	if (m.have_vm)
		free((void *)m.s_vm.title);
	series_free(&m.s_hot);
	series_free(&m.s_cold);
	series_free(&m.s_vm);
	walkset_free(&m.hot);
	walkset_free(&m.cold);
	json_decref(m.out);
	json_decref(m.sys);
	return ret;
}
