/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Log-linear latency histogram in nanoseconds: exact below 128 ns, then
 * 128 sub-buckets per power of two up to 2^40 ns (~18 min). A bucket is at
 * most 1/128 of its lower bound wide, so a value reported as the bucket's
 * midpoint is within 0.4% of the truth (the issue asks for <= 1%).
 * Fixed size and no pointers, so it can live in shared memory.
 */
#ifndef GUPBENCH_HIST_H
#define GUPBENCH_HIST_H

#include <stdint.h>
#include <jansson.h>

#define HIST_SUB_BITS	7
#define HIST_SUB	(1u << HIST_SUB_BITS)
#define HIST_MAX_EXP	40
#define HIST_BUCKETS	(HIST_SUB + (HIST_MAX_EXP - HIST_SUB_BITS) * HIST_SUB)

struct hist {
	uint64_t count;
	uint64_t sum;		/* ns */
	uint64_t min, max;	/* exact, ns */
	uint64_t overflow;	/* values clamped into the last bucket */
	uint64_t b[HIST_BUCKETS];
};

void hist_reset(struct hist *h);
unsigned int hist_index(uint64_t ns);
uint64_t hist_bucket_lower(unsigned int idx);
uint64_t hist_bucket_width(unsigned int idx);

static inline void hist_record(struct hist *h, uint64_t ns)
{
	unsigned int i = hist_index(ns);

	if (ns >> HIST_MAX_EXP)
		h->overflow++;
	h->b[i]++;
	h->count++;
	h->sum += ns;
	if (ns < h->min)
		h->min = ns;
	if (ns > h->max)
		h->max = ns;
}

void hist_merge(struct hist *dst, const struct hist *src);

/* Nearest-rank percentile, 0 < p <= 100; 0 for an empty histogram. */
double hist_percentile(const struct hist *h, double p);
double hist_mean(const struct hist *h);

/* {"unit":"ns","count":..,"sum":..,"min":..,"max":..,"buckets":[[lower,n],..]} */
json_t *hist_to_json(const struct hist *h);
/* Returns 0, or -1 with a reason in @err when @j is not such an object. */
int hist_from_json(const json_t *j, struct hist *h, char *err, size_t errlen);

/* Percentile summary: count,min,p50,p90,p99,p99.9,max,mean. */
struct hist_summary {
	uint64_t count;
	double min, p50, p90, p99, p999, max, mean;
};
void hist_summarise(const struct hist *h, struct hist_summary *s);
json_t *hist_summary_to_json(const struct hist_summary *s);

#endif
