// SPDX-License-Identifier: GPL-2.0
#include "stats.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

void stats_describe(const double *x, size_t n, struct sample_stats *s)
{
	double *sorted;

	memset(s, 0, sizeof(*s));
	s->n = n;
	if (!n)
		return;
	sorted = malloc(n * sizeof(*sorted));
	if (!sorted)
		abort();
	memcpy(sorted, x, n * sizeof(*sorted));
	gsl_sort(sorted, 1, n);
	s->mean = gsl_stats_mean(x, 1, n);
	s->median = gsl_stats_median_from_sorted_data(sorted, 1, n);
	s->min = sorted[0];
	s->max = sorted[n - 1];
	if (n > 1) {
		double half;

		s->sd = gsl_stats_sd_m(x, 1, n, s->mean);
		half = gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)) * s->sd / sqrt((double)n);
		s->ci95_lo = s->mean - half;
		s->ci95_hi = s->mean + half;
	} else {	/* one run: no spread, no interval (not a zero-width one) */
		s->sd = s->ci95_lo = s->ci95_hi = NAN;
	}
	free(sorted);
}

/* sd and ci95_mean are null with fewer than 2 runs */
json_t *stats_to_json(const struct sample_stats *s)
{
	bool spread = s->n > 1;

	return json_pack("{s:I, s:f, s:o, s:f, s:f, s:f, s:o, s:s}",
			 "n", (json_int_t)s->n, "mean", s->mean,
			 "sd", spread ? json_real(s->sd) : json_null(),
			 "median", s->median, "min", s->min, "max", s->max,
			 "ci95_mean", spread ? json_pack("[f,f]", s->ci95_lo, s->ci95_hi) : json_null(),
			 "ci_method", "Student t, 95%, over runs");
}
