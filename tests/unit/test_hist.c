// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/hist.h"

static uint64_t rng = 88172645463325252ull;

static uint64_t xorshift(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static int cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t exact_rank(const uint64_t *sorted, size_t n, double p)
{
	size_t rank = (size_t)ceil(p / 100.0 * (double)n);

	if (rank < 1)
		rank = 1;
	return sorted[rank - 1];
}

/* log-uniform values over 1 ns..10 s, plus a cluster and outliers */
static void fill(uint64_t *v, size_t n, int shape)
{
	for (size_t i = 0; i < n; i++) {
		double u = (double)(xorshift() >> 11) / 9007199254740992.0;

		switch (shape) {
		case 0:
			v[i] = (uint64_t)exp(u * log(1e10));
			break;
		case 1:
			v[i] = 700 + xorshift() % 200;
			break;
		case 2:
			v[i] = (xorshift() % 1000 == 0) ? 1000000 + xorshift() % 50000000 :
				500 + xorshift() % 50;
			break;
		default:	/* like an 8..256-page vmsplice(): 3-12 us */
			v[i] = 3000 + xorshift() % 9000;
		}
	}
}

static void check_shape(int shape, size_t n)
{
	uint64_t *v = malloc(n * sizeof(*v));
	struct hist *h = malloc(sizeof(*h));
	static const double ps[] = { 0.1, 1, 10, 50, 90, 99, 99.9, 99.99, 100 };
	double sum = 0;

	assert_non_null(v);
	assert_non_null(h);
	fill(v, n, shape);
	hist_reset(h);
	for (size_t i = 0; i < n; i++) {
		hist_record(h, v[i]);
		sum += (double)v[i];
	}
	qsort(v, n, sizeof(*v), cmp);
	assert_int_equal(h->count, n);
	assert_int_equal(h->min, v[0]);
	assert_int_equal(h->max, v[n - 1]);
	assert_true(fabs(hist_mean(h) - sum / n) <= 1e-6 * sum / n + 1);
	for (size_t i = 0; i < sizeof(ps) / sizeof(ps[0]); i++) {
		double want = (double)exact_rank(v, n, ps[i]);
		double got = hist_percentile(h, ps[i]);

		/*
		 * The interpolated value lies in the bucket holding the exact
		 * nearest-rank value (or on its upper bound): within one bucket
		 * width, 1 ns below 2048 ns and <= 1/2048 (0.049%) above.
		 */
		double tol = want < HIST_SUB ? 1.0 : want / HIST_SUB;

		if (fabs(got - want) > tol)
			fail_msg("shape %d p%.2f: histogram %.1f, exact %.1f", shape,
				 ps[i], got, want);
		if (ps[i] == 50 && want >= HIST_SUB && fabs(got - want) > 0.0005 * want)
			fail_msg("shape %d p50: histogram %.1f, exact %.1f: error > 0.05%%",
				 shape, got, want);
	}
	free(v);
	free(h);
}

static void test_percentiles(void **state)
{
	(void)state;
	for (int shape = 0; shape < 4; shape++) {
		check_shape(shape, 1);
		check_shape(shape, 7);
		check_shape(shape, 1000);
		check_shape(shape, 200000);
	}
}

static void test_buckets(void **state)
{
	(void)state;
	/* every value maps into a bucket whose bounds contain it */
	for (int i = 0; i < 200000; i++) {
		uint64_t v = xorshift() >> (xorshift() % 64);
		unsigned int idx = hist_index(v);

		if (v >> HIST_MAX_EXP) {
			assert_int_equal(idx, HIST_BUCKETS - 1);
			continue;
		}
		assert_true(idx < HIST_BUCKETS);
		assert_true(hist_bucket_lower(idx) <= v);
		assert_true(v < hist_bucket_lower(idx) + hist_bucket_width(idx));
		assert_true(hist_bucket_width(idx) * 2048 <= hist_bucket_lower(idx) ||
			    hist_bucket_width(idx) == 1);
	}
	for (unsigned int i = 1; i < HIST_BUCKETS; i++)
		assert_int_equal(hist_bucket_lower(i),
				 hist_bucket_lower(i - 1) + hist_bucket_width(i - 1));
}

/*
 * Interpolation inside a bucket: values spread evenly over one bucket
 * [2^20, 2^20 + 512) (width 512 ns). The bucket midpoint would give
 * 2^20 + 255.5 for every percentile; interpolation gives p25 ~ +128,
 * p75 ~ +384. Fails if percentiles fall back to the midpoint.
 */
static void test_interpolation(void **state)
{
	struct hist *h = malloc(sizeof(*h));
	const uint64_t base = 1ull << 20;

	(void)state;
	assert_non_null(h);
	assert_int_equal(hist_bucket_width(hist_index(base)), 512);
	hist_reset(h);
	for (int rep = 0; rep < 100; rep++)
		for (uint64_t k = 0; k < 512; k++)
			hist_record(h, base + k);
	assert_int_equal(hist_index(base), hist_index(base + 511));
	assert_true(fabs(hist_percentile(h, 25) - (base + 128)) <= 2);
	assert_true(fabs(hist_percentile(h, 50) - (base + 256)) <= 2);
	assert_true(fabs(hist_percentile(h, 75) - (base + 384)) <= 2);
	/* two values, one each in two adjacent buckets: p50 at the boundary */
	hist_reset(h);
	hist_record(h, base + 10);
	hist_record(h, base + 600);
	assert_true(fabs(hist_percentile(h, 50) - (base + 512)) <= 1e-9);
	free(h);
}

/* an old file (sub_bucket_bits 7) is read in its own layout */
static void test_old_layout(void **state)
{
	struct hist *h = malloc(sizeof(*h));
	char err[256];
	json_t *k;

	(void)state;
	/* 4 values in the 7-bit bucket [3200, 3216) (width 16) */
	k = json_loads("{\"sub_bucket_bits\":7,\"count\":4,\"sum\":12900,\"min\":3200,"
		       "\"max\":3215,\"buckets\":[[3200,4]]}", 0, NULL);
	assert_non_null(k);
	assert_int_equal(hist_from_json(k, h, err, sizeof(err)), 0);
	assert_int_equal(h->sub_bits, 7);
	assert_true(fabs(hist_percentile(h, 50) - 3208) <= 1e-9);
	json_decref(k);
	k = json_loads("{\"sub_bucket_bits\":9,\"count\":1,\"sum\":1,\"min\":1,"
		       "\"max\":1,\"buckets\":[[1,1]]}", 0, NULL);
	assert_int_equal(hist_from_json(k, h, err, sizeof(err)), -1);
	json_decref(k);
	free(h);
}

static void test_merge_empty(void **state)
{
	struct hist *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b));

	(void)state;
	hist_reset(a);
	hist_reset(b);
	assert_true(hist_percentile(a, 50) == 0);
	hist_record(b, 10);
	hist_record(b, 1000);
	hist_merge(a, b);
	hist_merge(a, b);
	assert_int_equal(a->count, 4);
	assert_int_equal(a->min, 10);
	assert_int_equal(a->max, 1000);
	hist_record(a, 1ull << 45);
	assert_int_equal(a->overflow, 1);
	free(a);
	free(b);
}

static void test_json_round_trip(void **state)
{
	struct hist *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b));
	char err[256];
	json_t *j, *k;
	char *text;

	(void)state;
	hist_reset(a);
	for (int i = 0; i < 50000; i++)
		hist_record(a, xorshift() % 10000000);
	j = hist_to_json(a);
	text = json_dumps(j, 0);
	k = json_loads(text, 0, NULL);
	assert_non_null(k);
	assert_int_equal(hist_from_json(k, b, err, sizeof(err)), 0);
	assert_memory_equal(a, b, sizeof(*a));
	/* corruptions are refused with a reason, never a crash */
	json_object_set_new(k, "count", json_integer(3));
	assert_int_equal(hist_from_json(k, b, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "count"));
	json_object_del(k, "buckets");
	assert_int_equal(hist_from_json(k, b, err, sizeof(err)), -1);
	json_decref(k);
	k = json_loads("{\"sub_bucket_bits\":7,\"count\":1,\"sum\":1,\"min\":1,"
		       "\"max\":1,\"buckets\":[[129,1]]}", 0, NULL);
	assert_int_equal(hist_from_json(k, b, err, sizeof(err)), 0);
	json_decref(k);
	k = json_loads("{\"sub_bucket_bits\":7,\"count\":1,\"sum\":1,\"min\":1,"
		       "\"max\":1,\"buckets\":[[257,1]]}", 0, NULL);
	assert_int_equal(hist_from_json(k, b, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "bucket bound"));
	json_decref(k);
	json_decref(j);
	free(text);
	free(a);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buckets),
		cmocka_unit_test(test_percentiles),
		cmocka_unit_test(test_interpolation),
		cmocka_unit_test(test_old_layout),
		cmocka_unit_test(test_merge_empty),
		cmocka_unit_test(test_json_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
