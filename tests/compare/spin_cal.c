// SPDX-License-Identifier: GPL-2.0
/*
 * What --inject-ns N really adds to a timed call: times
 * timer_spin_ns(N) (exactly as the runner calls it, between a start and
 * stop read) on a pinned CPU and prints the median and mean added ns per
 * N, as JSON: median and the 5-95% trimmed mean (the TSC of a VM may tick
 * in 10 ns steps; the trimmed mean resolves below one step and ignores
 * preemption outliers). The known-answer test uses it to turn "+1%" into inject
 * values whose real difference is known.
 * usage: spin_cal CPU N...
 */
#include "lib/timing.h"

#include <jansson.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>

#define ITERS 100000

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	static uint64_t d[ITERS];
	struct gb_timer t;
	cpu_set_t set;
	json_t *out = json_object();

	if (argc < 3) {
		fprintf(stderr, "usage: spin_cal CPU N...\n");
		return 2;
	}
	CPU_ZERO(&set);
	CPU_SET(atoi(argv[1]), &set);
	sched_setaffinity(0, sizeof(set), &set);
	if (timer_init(&t, false))
		return 1;
	for (int a = 2; a < argc; a++) {
		uint64_t ns = strtoull(argv[a], NULL, 10);
		double tm = 0;

		for (int i = 0; i < ITERS; i++) {
			uint64_t t0 = timer_start(&t);

			if (ns)
				timer_spin_ns(&t, ns);
			d[i] = timer_ns(&t, timer_stop(&t) - t0);
		}
		qsort(d, ITERS, sizeof(d[0]), cmp_u64);
		for (int i = ITERS / 20; i < ITERS - ITERS / 20; i++)
			tm += (double)d[i];
		tm /= ITERS - 2 * (ITERS / 20);
		json_object_set_new(out, argv[a], json_pack("{s:f,s:f}",
			"median_ns", (double)d[ITERS / 2], "trimmed_mean_ns", tm));
	}
	json_dumpf(out, stdout, JSON_INDENT(1) | JSON_SORT_KEYS);
	putchar('\n');
	json_decref(out);
	return 0;
}
