// SPDX-License-Identifier: GPL-2.0
#include "stats.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
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
	} else {
		s->ci95_lo = s->ci95_hi = s->mean;
	}
	free(sorted);
}

json_t *stats_to_json(const struct sample_stats *s)
{
	return json_pack("{s:I, s:f, s:f, s:f, s:f, s:f, s:[f,f], s:s}",
			 "n", (json_int_t)s->n, "mean", s->mean, "sd", s->sd,
			 "median", s->median, "min", s->min, "max", s->max,
			 "ci95_mean", s->ci95_lo, s->ci95_hi,
			 "ci_method", "Student t, 95%, over runs");
}
