// SPDX-License-Identifier: GPL-2.0
/* Reference values computed independently (scipy.stats, R) for fixed data. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>

#include "lib/stats.h"

#define NEAR(a, b) assert_true(fabs((double)(a) - (b)) < 1e-6 * (fabs((double)(b)) + 1))

static void test_describe(void **state)
{
	/* scipy: mean 5.5, sd(ddof=1) 3.0276503540974917,
	 * t.interval(0.95, 9, loc=5.5, scale=sd/sqrt(10)) = (3.334149, 7.665851) */
	static const double x[] = { 3, 1, 4, 10, 5, 9, 2, 6, 8, 7 };
	struct sample_stats s;

	(void)state;
	stats_describe(x, 10, &s);
	NEAR(s.mean, 5.5);
	NEAR(s.median, 5.5);
	NEAR(s.sd, 3.0276503540974917);
	NEAR(s.min, 1);
	NEAR(s.max, 10);
	assert_true(fabs(s.ci95_lo - 3.334149) < 1e-5);
	assert_true(fabs(s.ci95_hi - 7.665851) < 1e-5);
}

static void test_small(void **state)
{
	static const double one[] = { 42 };
	struct sample_stats s;
	json_t *j;

	(void)state;
	stats_describe(one, 1, &s);
	NEAR(s.mean, 42);
	assert_true(isnan(s.sd));	/* one run: no spread, no interval */
	assert_true(isnan(s.ci95_lo) && isnan(s.ci95_hi));
	j = stats_to_json(&s);
	assert_non_null(j);
	assert_true(json_is_null(json_object_get(j, "ci95_mean")));
	assert_true(json_is_null(json_object_get(j, "sd")));
	json_decref(j);
	stats_describe(one, 0, &s);
	assert_int_equal(s.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_describe),
		cmocka_unit_test(test_small),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
