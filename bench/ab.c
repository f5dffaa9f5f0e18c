// SPDX-License-Identifier: GPL-2.0
/*
 * Paired A/B slices inside one invocation: see ab.h. The main thread cuts
 * the untimed phase into slices and switches the arm; the walkers count
 * their calls into the current slice. Nothing here runs in the timed
 * phase.
 */
#include "ab.h"
#include "lib/compare_stats.h"
#include "lib/sysstate.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

atomic_uint ab_cur;
unsigned char *ab_arms;
bool ab_spin;
uint64_t ab_a_ticks, ab_b_ticks;

static const struct options *o;
static unsigned int nwalk, nslices, done_slices;
static uint64_t *calls, *spin_ticks;		/* [walker][slice] */
static uint64_t *t_ns;				/* slice starts, [nslices + 1] */
static unsigned int seed;
static bool knob_on;
static double inject_measured_ns;

/* as `echo V > PATH` (debugfs attribute files refuse pwrite() with ESPIPE) */
static int knob_write(const char *v, char *err, size_t len)
{
	if (sysfs_write(o->ab_knob, v)) {
		snprintf(err, len, "--ab-knob: writing '%s' to %s: %s", v, o->ab_knob,
			 strerror(errno));
		return -1;
	}
	return 0;
}

static int knob_check(const char *v, char *err, size_t len)
{
	char got[64];

	if (knob_write(v, err, len))
		return -1;
	if (sysfs_read(o->ab_knob, got, sizeof(got)) || strcmp(got, v)) {
		snprintf(err, len, "--ab-knob: %s reads '%s' after writing '%s'", o->ab_knob,
			 got, v);
		return -1;
	}
	return 0;
}

int ab_init(const struct options *opt, unsigned int nw, char *err, size_t len)
{
	unsigned int pairs;

	o = opt;
	if (!opt->ab)
		return 0;
	nwalk = nw;
	pairs = (unsigned int)(opt->run_time * 1000.0 / (2.0 * opt->ab_slice_ms));
	nslices = 2 * (pairs ? pairs : 1);
	calls = calloc((size_t)nw * nslices, sizeof(*calls));
	spin_ticks = calloc((size_t)nw * nslices, sizeof(*spin_ticks));
	t_ns = calloc(nslices + 1, sizeof(*t_ns));
	ab_arms = calloc(nslices, 1);
	if (!calls || !spin_ticks || !t_ns || !ab_arms)
		abort();
	seed = (unsigned int)(clock_raw_ns() ^ (uint64_t)getpid());
	if (!opt->ab_knob) {
		ab_spin = true;
		/* both arms leave a loop that spun (and mispredict its exit) */
		ab_a_ticks = timer_ticks(&gb_timer, AB_A_NS);
		ab_b_ticks = ab_a_ticks + timer_ticks(&gb_timer, opt->ab_inject_ns);
		inject_measured_ns = opt->ab_inject_ns ?
			timer_spin_measure(&gb_timer, opt->ab_inject_ns, NULL) : 0;
	} else {
		char e[PATH_MAX + 64];

		if (access(opt->ab_knob, R_OK | W_OK)) {
			snprintf(err, len, "--ab-knob: %s: %s", opt->ab_knob, strerror(errno));
			return -1;
		}
		/* remembered for sysstate_restore() on exit, error and signals */
		if (sysstate_set(opt->ab_knob, opt->ab_a, e, sizeof(e))) {
			snprintf(err, len, "--ab-knob: %s", e);
			return -1;
		}
		knob_on = true;
		if (knob_check(opt->ab_b, err, len) || knob_check(opt->ab_a, err, len))
			return -1;
	}
	return 0;
}

int ab_begin(char *err, size_t len)
{
	for (unsigned int p = 0; p < nslices / 2; p++) {
		unsigned char first = (unsigned char)(rand_r(&seed) & 1);

		ab_arms[2 * p] = first;
		ab_arms[2 * p + 1] = !first;
	}
	memset(calls, 0, (size_t)nwalk * nslices * sizeof(*calls));
	memset(spin_ticks, 0, (size_t)nwalk * nslices * sizeof(*spin_ticks));
	done_slices = 0;
	atomic_store(&ab_cur, 0);
	return knob_on ? knob_write(ab_arms[0] ? o->ab_b : o->ab_a, err, len) : 0;
}

static void sleep_to(uint64_t when)
{
	uint64_t now;

	while ((now = clock_raw_ns()) < when) {
		uint64_t left = when - now;
		struct timespec ts = { .tv_sec = 0,
				       .tv_nsec = (long)(left > 50000000 ? 50000000 : left) };

		nanosleep(&ts, NULL);
	}
}

double ab_phase(double t0_s, double secs, bool (*stop)(void), char *err, size_t len)
{
	uint64_t t0 = (uint64_t)(t0_s * 1e9), slice = (uint64_t)(secs * 1e9) / nslices;
	unsigned int k;

	t_ns[0] = t0;
	for (k = 1; k < nslices && !stop(); k++) {
		sleep_to(t0 + k * slice);
		if (knob_on && knob_write(ab_arms[k] ? o->ab_b : o->ab_a, err, len))
			break;
		t_ns[k] = clock_raw_ns();
		atomic_store(&ab_cur, k);
	}
	if (k == nslices && !stop())
		sleep_to(t0 + nslices * slice);
	t_ns[k] = clock_raw_ns();
	done_slices = k;
	return (double)(t_ns[k] - t0) / 1e9;
}

void ab_count(unsigned int w, unsigned int k, uint64_t n, uint64_t ticks)
{
	size_t i = (size_t)w * nslices + k;

	calls[i] += n;
	spin_ticks[i] += ticks;
}

/* per-thread wall ns per call of slice @s, 0 when no call */
static double slice_ns(unsigned int s, uint64_t *c)
{
	*c = 0;
	for (unsigned int w = 0; w < nwalk; w++)
		*c += calls[(size_t)w * nslices + s];
	return *c ? (double)(t_ns[s + 1] - t_ns[s]) * nwalk / (double)*c : 0;
}

json_t *ab_run_json(void)
{
	unsigned int pairs = done_slices / 2, np = 0, empty = 0;
	double *lr, *an, *bn, tk[2] = { 0, 0 }, nc[2] = { 0, 0 };
	json_t *j, *a;

	if (!o->ab)
		return NULL;
	lr = malloc((pairs + 1) * sizeof(*lr));
	an = malloc((pairs + 1) * sizeof(*an));
	bn = malloc((pairs + 1) * sizeof(*bn));
	a = json_array();
	if (!lr || !an || !bn || !a)
		abort();
	for (unsigned int p = 0; p < pairs; p++) {
		unsigned int sa = ab_arms[2 * p] ? 2 * p + 1 : 2 * p, sb = sa ^ 1;
		uint64_t ca, cb;
		double na = slice_ns(sa, &ca), nb = slice_ns(sb, &cb);

		if (!ca || !cb) {
			empty++;
			continue;
		}
		for (unsigned int w = 0; w < nwalk; w++) {
			tk[0] += (double)spin_ticks[(size_t)w * nslices + sa];
			tk[1] += (double)spin_ticks[(size_t)w * nslices + sb];
		}
		nc[0] += (double)ca;
		nc[1] += (double)cb;
		lr[np] = log(nb / na);
		an[np] = na;
		bn[np] = nb;
		json_array_append_new(a, json_real(lr[np]));
		np++;
	}
	j = json_pack("{s:i, s:i, s:o}", "pairs", np, "empty_pairs", empty, "log_ratios", a);
	if (np) {
		json_object_set_new(j, "a_ns_per_call_median", json_real(cs_median(an, np)));
		json_object_set_new(j, "b_ns_per_call_median", json_real(cs_median(bn, np)));
		json_object_set_new(j, "change_pct_median",
				    json_real(100 * (exp(cs_median(lr, np)) - 1)));
	}
	/* B's extra delay as it ran: its spans per call minus A's (both arms
	 * read the timer alike, so the cost outside the spans cancels) */
	if (ab_spin && nc[0] > 0 && nc[1] > 0)
		json_object_set_new(j, "b_inject_in_loop_ns",
			json_real((tk[1] / nc[1] - tk[0] / nc[0]) * gb_timer.ns_per_tick));
	free(lr);
	free(an);
	free(bn);
	return j;
}

json_t *ab_manifest_json(void)
{
	json_t *j;

	if (!o->ab)
		return NULL;
	j = json_pack("{s:f, s:i, s:s}", "slice_ms", (double)o->ab_slice_ms,
		      "pairs_per_run", nslices / 2, "how",
		      "the untimed phase of each run in pairs of slices, one A and one B "
		      "in a random order per pair; per slice: wall ns per call per "
		      "walker thread; per pair: log(B/A); run files: ab.log_ratios");
	if (ab_spin)
		json_object_set_new(j, "b_inject", json_pack("{s:I, s:f, s:s}",
			"requested_ns", (json_int_t)o->ab_inject_ns,
			"measured_ns", inject_measured_ns,
			"how", "after every untimed call A spins 50 ns and B 50 + N ns past "
			       "the first timer read; run files: ab.b_inject_in_loop_ns = "
			       "B's spans per call minus A's"));
	if (o->ab_knob)
		json_object_set_new(j, "knob", json_pack("{s:s, s:s, s:s}",
			"path", o->ab_knob, "a", o->ab_a, "b", o->ab_b));
	return j;
}
