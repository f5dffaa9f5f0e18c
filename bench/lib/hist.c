// SPDX-License-Identifier: GPL-2.0
#include "hist.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void hist_reset(struct hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min = UINT64_MAX;
	h->sub_bits = HIST_SUB_BITS;
}

unsigned int hist_nbuckets_bits(unsigned int bits)
{
	return (1u << bits) + (HIST_MAX_EXP - bits) * (1u << bits);
}

unsigned int hist_index_bits(uint64_t ns, unsigned int bits)
{
	unsigned int e, sub = 1u << bits;

	if (ns < sub)
		return (unsigned int)ns;
	e = 63 - __builtin_clzll(ns);
	if (e >= HIST_MAX_EXP)
		return hist_nbuckets_bits(bits) - 1;
	return sub + (e - bits) * sub + (unsigned int)((ns >> (e - bits)) - sub);
}

uint64_t hist_bucket_lower_bits(unsigned int idx, unsigned int bits)
{
	unsigned int g, s, sub = 1u << bits;

	if (idx < sub)
		return idx;
	g = (idx - sub) / sub;
	s = (idx - sub) % sub;
	return (uint64_t)(sub + s) << g;
}

uint64_t hist_bucket_width_bits(unsigned int idx, unsigned int bits)
{
	unsigned int sub = 1u << bits;

	if (idx < sub)
		return 1;
	return 1ull << ((idx - sub) / sub);
}

unsigned int hist_index(uint64_t ns)
{
	return hist_index_bits(ns, HIST_SUB_BITS);
}

uint64_t hist_bucket_lower(unsigned int idx)
{
	return hist_bucket_lower_bits(idx, HIST_SUB_BITS);
}

uint64_t hist_bucket_width(unsigned int idx)
{
	return hist_bucket_width_bits(idx, HIST_SUB_BITS);
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

/* the layout of @h; one that was zeroed instead of hist_reset(): current */
static unsigned int layout(const struct hist *h)
{
	return h->sub_bits >= 1 && h->sub_bits <= HIST_SUB_BITS ?
	       (unsigned int)h->sub_bits : HIST_SUB_BITS;
}

double hist_percentile(const struct hist *h, double p)
{
	unsigned int bits = layout(h), nb = hist_nbuckets_bits(bits);
	double q, seen = 0, v = (double)h->max;

	if (!h->count)
		return 0;
	q = p / 100.0 * (double)h->count;	/* continuous rank */
	if (q < 0)
		q = 0;
	for (unsigned int i = 0; i < nb; i++) {
		double n = (double)h->b[i];

		if (n && seen + n >= q) {
			double frac = (q - seen) / n;

			v = (double)hist_bucket_lower_bits(i, bits) +
			    frac * (double)hist_bucket_width_bits(i, bits);
			break;
		}
		seen += n;
	}
	if (v < (double)h->min)
		v = (double)h->min;
	if (v > (double)h->max)
		v = (double)h->max;
	return v;
}

double hist_mean(const struct hist *h)
{
	return h->count ? (double)h->sum / (double)h->count : 0;
}

json_t *hist_to_json(const struct hist *h)
{
	unsigned int bits = layout(h), nb = hist_nbuckets_bits(bits);
	json_t *b = json_array();

	for (unsigned int i = 0; i < nb; i++)
		if (h->b[i])
			json_array_append_new(b, json_pack("[II]",
				(json_int_t)hist_bucket_lower_bits(i, bits), (json_int_t)h->b[i]));
	return json_pack("{s:s, s:i, s:I, s:I, s:I, s:I, s:I, s:o}",
			 "unit", "ns", "sub_bucket_bits", (int)bits,
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
	if ((bits != HIST_SUB_BITS && bits != HIST_OLD_SUB_BITS) || !json_is_array(buckets) || count < 0 ||
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
		idx = hist_index_bits((uint64_t)lo, (unsigned int)bits);
		if (hist_bucket_lower_bits(idx, (unsigned int)bits) != (uint64_t)lo) {
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
	h->sub_bits = (uint64_t)bits;
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
