// SPDX-License-Identifier: GPL-2.0
#include "timing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct gb_timer gb_timer;

json_t *timer_to_json(const struct gb_timer *t)
{
	return json_pack("{s:s, s:s, s:f, s:f, s:f, s:f, s:s}",
		"source", t->name, "why", t->why,
		"ns_per_tick", t->ns_per_tick,
		"overhead_min_ns", t->overhead_min_ns,
		"overhead_median_ns", t->overhead_median_ns,
		"resolution_ns", t->resolution_ns,
		"overhead_note", "cost of one back-to-back start/stop pair; it is inside every timed call");
}

#if defined(__x86_64__)
#include <cpuid.h>

static bool counter_usable(char *why, size_t len)
{
	unsigned int a, b, c, d;

	if (__get_cpuid(0x80000007, &a, &b, &c, &d) && (d & (1u << 8))) {
		snprintf(why, len, "x86 invariant TSC (CPUID 80000007H:EDX[8])");
		return true;
	}
	snprintf(why, len, "TSC not invariant (CPUID 80000007H:EDX[8] clear)");
	return false;
}
#elif defined(__aarch64__)
static bool counter_usable(char *why, size_t len)
{
	snprintf(why, len, "arm64 CNTVCT_EL0 generic timer");
	return true;
}
#else
static bool counter_usable(char *why, size_t len)
{
	snprintf(why, len, "no cycle counter supported on this architecture");
	return false;
}
#endif

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void calibrate(struct gb_timer *t)
{
	/* Three 20 ms windows; keep the one with the tightest bracket. */
	double best = 0, best_err = 1e18;

	for (int i = 0; i < 3; i++) {
		uint64_t c0a = clock_raw_ns(), s0 = tsc_start(), c0b = clock_raw_ns();
		uint64_t c1a, s1, c1b;

		do {
			c1a = clock_raw_ns();
		} while (c1a - c0a < 20000000ull);
		s1 = tsc_stop();
		c1b = clock_raw_ns();
		double ns = (double)((c1a + c1b) / 2 - (c0a + c0b) / 2);
		double err = (double)(c0b - c0a + c1b - c1a);

		if (err < best_err && s1 > s0) {
			best_err = err;
			best = ns / (double)(s1 - s0);
		}
	}
	t->ns_per_tick = best;
	t->calib_ms = 20.0;
}

static void measure_overhead(struct gb_timer *t)
{
	enum { N = 20001 };
	uint64_t *d = malloc(N * sizeof(*d));
	uint64_t min_nz = UINT64_MAX;

	if (!d)
		abort();
	for (int i = 0; i < N; i++) {
		uint64_t a = timer_start(t), b = timer_stop(t);

		d[i] = b - a;
		if (d[i] && d[i] < min_nz)
			min_nz = d[i];
	}
	qsort(d, N, sizeof(*d), cmp_u64);
	t->overhead_min_ns = d[0] * t->ns_per_tick;
	t->overhead_median_ns = d[N / 2] * t->ns_per_tick;
	t->resolution_ns = min_nz == UINT64_MAX ? 0 : min_nz * t->ns_per_tick;
	free(d);
}

int timer_init(struct gb_timer *t, bool force_clock)
{
	memset(t, 0, sizeof(*t));
	if (!force_clock && counter_usable(t->why, sizeof(t->why))) {
#if defined(__x86_64__)
		t->kind = TIMER_TSC;
		t->name = "tsc";
#else
		t->kind = TIMER_CNTVCT;
		t->name = "cntvct";
#endif
		calibrate(t);
	} else {
		if (force_clock)
			snprintf(t->why, sizeof(t->why), "clock_gettime forced");
		t->kind = TIMER_CLOCK;
		t->name = "clock_gettime(CLOCK_MONOTONIC_RAW)";
		t->ns_per_tick = 1.0;
	}
	measure_overhead(t);
	return 0;
}

double timer_spin_measure(const struct gb_timer *t, uint64_t ns, double *outside_ns)
{
	enum { N = 2001 };
	uint64_t *d = malloc(N * sizeof(*d)), *e = malloc(N * sizeof(*e));
	uint64_t *s = malloc(N * sizeof(*s));
	double r = 0, span = 0;

	if (!d || !e || !s)
		abort();
	for (int i = 0; i < N; i++) {
		uint64_t a = timer_start(t), b;

		s[i] = timer_spin_ns(t, ns);
		b = timer_stop(t);
		d[i] = b - a;
		a = timer_start(t);
		e[i] = timer_stop(t) - a;
	}
	/* 10%-trimmed means: averaging resolves below the timer's step */
	qsort(d, N, sizeof(*d), cmp_u64);
	qsort(e, N, sizeof(*e), cmp_u64);
	qsort(s, N, sizeof(*s), cmp_u64);
	for (int i = N / 10; i < N - N / 10; i++) {
		r += (double)d[i] - (double)e[i];
		span += (double)s[i];
	}
	r = r / (N - 2 * (N / 10)) * t->ns_per_tick;
	span = span / (N - 2 * (N / 10)) * t->ns_per_tick;
	if (outside_ns)
		*outside_ns = r - span;
	free(d);
	free(e);
	free(s);
	return r;
}
