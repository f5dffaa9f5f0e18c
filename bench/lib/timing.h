/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-call timer: a cycle counter calibrated against CLOCK_MONOTONIC_RAW
 * where the architecture has a usable one (x86 invariant TSC, arm64
 * CNTVCT_EL0), else clock_gettime(CLOCK_MONOTONIC_RAW) in nanoseconds.
 */
#ifndef GUPBENCH_TIMING_H
#define GUPBENCH_TIMING_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

enum timer_kind { TIMER_CLOCK, TIMER_TSC, TIMER_CNTVCT };

struct gb_timer {
	enum timer_kind kind;
	const char *name;	/* "tsc", "cntvct", "clock_gettime" */
	double ns_per_tick;
	double calib_ms;	/* length of the calibration window */
	/* cost of one start/stop pair, measured back to back, in ns */
	double overhead_min_ns;
	double overhead_median_ns;
	double resolution_ns;	/* smallest non-zero difference seen */
	double spin_ns_per_iter;	/* timer_spin_ns() delay loop calibration */
	char why[160];		/* why this source was chosen */
};

static inline uint64_t clock_raw_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

#if defined(__x86_64__)
static inline uint64_t tsc_start(void)
{
	uint32_t lo, hi;

	/* lfence keeps earlier instructions from sliding past the read */
	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) :: "memory");
	return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t tsc_stop(void)
{
	uint32_t lo, hi, aux;

	/* rdtscp waits for earlier instructions; lfence for later ones */
	__asm__ volatile("rdtscp; lfence" : "=a"(lo), "=d"(hi), "=c"(aux) :: "memory");
	return ((uint64_t)hi << 32) | lo;
}
#elif defined(__aarch64__)
static inline uint64_t tsc_start(void)
{
	uint64_t v;

	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v) :: "memory");
	return v;
}

static inline uint64_t tsc_stop(void)
{
	uint64_t v;

	__asm__ volatile("isb; mrs %0, cntvct_el0; isb" : "=r"(v) :: "memory");
	return v;
}
#else
static inline uint64_t tsc_start(void) { return clock_raw_ns(); }
static inline uint64_t tsc_stop(void) { return clock_raw_ns(); }
#endif

/* Ticks of the chosen source. */
static inline uint64_t timer_start(const struct gb_timer *t)
{
	return t->kind == TIMER_CLOCK ? clock_raw_ns() : tsc_start();
}

static inline uint64_t timer_stop(const struct gb_timer *t)
{
	return t->kind == TIMER_CLOCK ? clock_raw_ns() : tsc_stop();
}

static inline uint64_t timer_ns(const struct gb_timer *t, uint64_t ticks)
{
	return (uint64_t)((double)ticks * t->ns_per_tick + 0.5);
}

/*
 * Pick and calibrate the timer and measure its own cost. @force_clock
 * selects clock_gettime() even where a counter exists. Returns 0.
 */
int timer_init(struct gb_timer *t, bool force_clock);

/*
 * Busy-wait about @ns nanoseconds (the --inject-ns known delay): a delay
 * loop calibrated in timer_init(), so that it reads no clock and has no
 * step of the timer's granularity; timer_spin_measure() says how long it
 * really takes.
 */
static inline void spin_iters(uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		__asm__ volatile("" : "+r"(i));
}

static inline void timer_spin_ns(const struct gb_timer *t, uint64_t ns)
{
	if (ns)
		spin_iters((uint64_t)((double)ns / t->spin_ns_per_iter + 0.5));
}

/* Real length of timer_spin_ns(@ns) (trimmed mean, timer cost subtracted). */
double timer_spin_measure(const struct gb_timer *t, uint64_t ns);

#endif
