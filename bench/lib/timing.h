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

#include <jansson.h>

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

/* The timer every thread of this process uses (timer_init() once). */
extern struct gb_timer gb_timer;

/* The timer's description for a manifest (source, calibration, cost). */
json_t *timer_to_json(const struct gb_timer *t);

/*
 * A read of the timer with no ordering fences, for the delay below: the
 * delay only needs its reads in order with each other.
 */
static inline uint64_t timer_now(const struct gb_timer *t)
{
	if (t->kind == TIMER_CLOCK)
		return clock_raw_ns();
#if defined(__x86_64__)
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
#elif defined(__aarch64__)
	uint64_t v;

	__asm__ volatile("mrs %0, cntvct_el0" : "=r"(v));
	return v;
#else
	return clock_raw_ns();
#endif
}

/*
 * Busy-wait @ns nanoseconds (the --inject-ns known delay) against the
 * timer: spin until its reading is @ns past the first one. A loop of a
 * calibrated number of iterations is not a known delay: its length
 * follows the core's speed at the moment, and after a system call it ran
 * 1-2.5x its calibrated length here (docs/compare.md). A deadline is
 * reached at the same time whatever the loop's speed, give or take one
 * read. Returns the ticks between the first and the last read (the
 * delay's own view of its length); the cost outside that span, one read
 * or so, is timer_spin_measure()'s @outside_ns. timer_spin_ticks(t, 0)
 * still reads twice: the A arm of --ab-inject-ns, so that the cost outside
 * the span is the same in both arms.
 */
static inline uint64_t timer_spin_ticks(const struct gb_timer *t, uint64_t ticks)
{
	uint64_t start = timer_now(t), now;

	do
		now = timer_now(t);
	while (now - start < ticks);
	return now - start;
}

static inline uint64_t timer_ticks(const struct gb_timer *t, uint64_t ns)
{
	return (uint64_t)((double)ns / t->ns_per_tick + 0.5);
}

static inline uint64_t timer_spin_ns(const struct gb_timer *t, uint64_t ns)
{
	return ns ? timer_spin_ticks(t, timer_ticks(t, ns)) : 0;
}

/*
 * Real length of timer_spin_ns(@ns) in a tight loop, in ns: trimmed mean of
 * 2001 timed delays minus the timer's own cost. *@outside_ns (may be NULL)
 * gets the part of it outside the span timer_spin_ns() returns (the same
 * trimmed mean of that span subtracted): a delay's length in any context is
 * its returned span plus this.
 */
double timer_spin_measure(const struct gb_timer *t, uint64_t ns, double *outside_ns);

#endif
