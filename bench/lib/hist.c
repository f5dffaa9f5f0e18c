// SPDX-License-Identifier: GPL-2.0
#include "hist.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void hist_reset(struct hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min = UINT64_MAX;
}

unsigned int hist_index(uint64_t ns)
{
	unsigned int e;

	if (ns < HIST_SUB)
		return (unsigned int)ns;
	e = 63 - __builtin_clzll(ns);
	if (e >= HIST_MAX_EXP)
		return HIST_BUCKETS - 1;
	return HIST_SUB + (e - HIST_SUB_BITS) * HIST_SUB +
	       (unsigned int)((ns >> (e - HIST_SUB_BITS)) - HIST_SUB);
}

uint64_t hist_bucket_lower(unsigned int idx)
{
	unsigned int g, sub;

	if (idx < HIST_SUB)
		return idx;
	g = (idx - HIST_SUB) / HIST_SUB;
	sub = (idx - HIST_SUB) % HIST_SUB;
	return (uint64_t)(HIST_SUB + sub) << g;
}

uint64_t hist_bucket_width(unsigned int idx)
{
	if (idx < HIST_SUB)
		return 1;
	return 1ull << ((idx - HIST_SUB) / HIST_SUB);
}

void hist_merge(struct hist *dst, const struct hist *src)
{
	for (unsigned int i = 0; i < HIST_BUCKETS; i++)
		dst->b[i] += src->b[i];
	dst->count += src->count;
	dst->sum += src->sum;
	dst->overflow += src->overflow;
	if (src->count && src->min < dst->min)
		dst->min = src->min;
	if (src->count && src->max > dst->max)
		dst->max = src->max;
}

double hist_percentile(const struct hist *h, double p)
{
	uint64_t rank, seen = 0;

	if (!h->count)
		return 0;
	rank = (uint64_t)ceil(p / 100.0 * (double)h->count);
	if (rank < 1)
		rank = 1;
	if (rank > h->count)
		rank = h->count;
	for (unsigned int i = 0; i < HIST_BUCKETS; i++) {
		seen += h->b[i];
		if (seen >= rank) {
			double lo = (double)hist_bucket_lower(i);
			double mid = lo + (double)(hist_bucket_width(i) - 1) / 2.0;

			if (mid < (double)h->min)
				mid = (double)h->min;
			if (mid > (double)h->max)
				mid = (double)h->max;
			return mid;
		}
	}
	return (double)h->max;
}

double hist_mean(const struct hist *h)
{
	return h->count ? (double)h->sum / (double)h->count : 0;
}

json_t *hist_to_json(const struct hist *h)
{
	json_t *b = json_array();

	for (unsigned int i = 0; i < HIST_BUCKETS; i++)
		if (h->b[i])
			json_array_append_new(b, json_pack("[II]",
				(json_int_t)hist_bucket_lower(i), (json_int_t)h->b[i]));
	return json_pack("{s:s, s:i, s:I, s:I, s:I, s:I, s:I, s:o}",
			 "unit", "ns", "sub_bucket_bits", HIST_SUB_BITS,
			 "count", (json_int_t)h->count, "sum", (json_int_t)h->sum,
			 "min", (json_int_t)(h->count ? h->min : 0),
			 "max", (json_int_t)h->max,
			 "overflow", (json_int_t)h->overflow, "buckets", b);
}

int hist_from_json(const json_t *j, struct hist *h, char *err, size_t errlen)
{
	json_int_t count, sum, min, max, overflow = 0;
	int bits;
	json_t *buckets, *pair;
	json_error_t jerr;
	size_t i;
	uint64_t total = 0;

	hist_reset(h);
	if (json_unpack_ex((json_t *)j, &jerr, 0, "{s:i, s:I, s:I, s:I, s:I, s?I, s:o}",
			   "sub_bucket_bits", &bits, "count", &count, "sum", &sum,
			   "min", &min, "max", &max, "overflow", &overflow,
			   "buckets", &buckets)) {
		snprintf(err, errlen, "histogram: %s", jerr.text);
		return -1;
	}
	if (bits != HIST_SUB_BITS || !json_is_array(buckets) || count < 0 ||
	    sum < 0 || min < 0 || max < min) {
		snprintf(err, errlen, "histogram: inconsistent header");
		return -1;
	}
	json_array_foreach(buckets, i, pair) {
		json_int_t lo, n;
		unsigned int idx;

		if (json_unpack_ex(pair, &jerr, JSON_STRICT, "[II]", &lo, &n) ||
		    lo < 0 || n <= 0) {
			snprintf(err, errlen, "histogram: bad bucket %zu", i);
			return -1;
		}
		idx = hist_index((uint64_t)lo);
		if (hist_bucket_lower(idx) != (uint64_t)lo) {
			snprintf(err, errlen, "histogram: %lld is not a bucket bound",
				 (long long)lo);
			return -1;
		}
		h->b[idx] += (uint64_t)n;
		total += (uint64_t)n;
	}
	if (total != (uint64_t)count) {
		snprintf(err, errlen, "histogram: buckets hold %llu values, count says %lld",
			 (unsigned long long)total, (long long)count);
		return -1;
	}
	h->count = count;
	h->sum = sum;
	h->min = count ? (uint64_t)min : UINT64_MAX;
	h->max = max;
	h->overflow = overflow;
	return 0;
}

void hist_summarise(const struct hist *h, struct hist_summary *s)
{
	s->count = h->count;
	s->min = h->count ? (double)h->min : 0;
	s->p50 = hist_percentile(h, 50);
	s->p90 = hist_percentile(h, 90);
	s->p99 = hist_percentile(h, 99);
	s->p999 = hist_percentile(h, 99.9);
	s->max = (double)h->max;
	s->mean = hist_mean(h);
}

json_t *hist_summary_to_json(const struct hist_summary *s)
{
	return json_pack("{s:s, s:I, s:f, s:f, s:f, s:f, s:f, s:f, s:f}",
			 "unit", "ns", "count", (json_int_t)s->count, "min", s->min,
			 "p50", s->p50, "p90", s->p90, "p99", s->p99, "p99.9", s->p999,
			 "max", s->max, "mean", s->mean);
}
