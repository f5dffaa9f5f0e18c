/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Paired A/B slices inside one invocation (--ab-inject-ns, --ab-knob).
 *
 * The untimed phase of every run is cut into slices of --ab-slice-ms,
 * taken in pairs, one A and one B slice per pair in a random order. B
 * differs from A by a known delay per call (--ab-inject-ns) or by the value
 * written to a kernel knob (--ab-knob PATH=A,B, e.g. the inject kernel's
 * /sys/kernel/debug/gup_fast_inject_ns). Each slice's wall time per call
 * is counted; each pair gives log(B/A). The machine's slow phases (another
 * tenant on the SMT sibling, host frequency) last ~0.1-1 s here, far longer
 * than a pair, so they cancel inside a pair where they do not between
 * invocations.
 */
#ifndef GUPBENCH_AB_H
#define GUPBENCH_AB_H

#include "gupbench.h"

#include <stdatomic.h>

extern atomic_uint ab_cur;		/* current slice */
extern unsigned char *ab_arms;		/* arm of each slice: 0 = A, 1 = B */
/*
 * --ab-inject-ns: after every untimed call A spins AB_A_NS and B AB_A_NS + N
 * (ticks): both read the timer alike and both leave a loop that spun (a
 * mispredicted exit, ~5 ns here, that a 0-tick A would not have), so only
 * N differs between the arms
 */
#define AB_A_NS 50
extern bool ab_spin;
extern uint64_t ab_a_ticks, ab_b_ticks;

/* Sets up for @nwalk walkers; 0, or -1 with @err (knob unusable). */
int ab_init(const struct options *opt, unsigned int nwalk, char *err, size_t len);

/* Main thread, before an untimed phase: plans the arms, sets slice 0's. */
int ab_begin(char *err, size_t len);

/*
 * Main thread, untimed phase, after the walkers were released at @t0_s:
 * runs the slices for @secs unless @stop() says so; returns the phase's
 * real length. 0 or -1 with @err (knob write failed).
 */
double ab_phase(double t0_s, double secs, bool (*stop)(void), char *err, size_t len);

/* Walker: before a call, the slice it counts into (arm: ab_arms[k]). */
static inline unsigned int ab_slice_now(void)
{
	return atomic_load_explicit(&ab_cur, memory_order_relaxed);
}

/* Walker @w made @n calls in slice @k and spun @ticks after them. */
void ab_count(unsigned int w, unsigned int k, uint64_t n, uint64_t ticks);

/* The phase's pairs as a run-file object (NULL without --ab-*). */
json_t *ab_run_json(void);

/* The manifest's "ab" object (NULL without --ab-*). */
json_t *ab_manifest_json(void);

#endif
