/* SPDX-License-Identifier: GPL-2.0 */
/* Spread of per-run values (GSL). */
#ifndef GUPBENCH_STATS_H
#define GUPBENCH_STATS_H

#include <stddef.h>
#include <jansson.h>

struct sample_stats {
	size_t n;
	double mean, sd, median, min, max;
	double ci95_lo, ci95_hi;	/* Student t interval of the mean; NAN (and sd
				 * NAN) when n < 2 */
};

void stats_describe(const double *x, size_t n, struct sample_stats *s);
json_t *stats_to_json(const struct sample_stats *s);

#endif
