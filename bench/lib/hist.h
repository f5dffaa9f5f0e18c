/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Log-linear latency histogram in nanoseconds: exact below 2048 ns, then
 * 2048 sub-buckets per power of two up to 2^40 ns (~18 min). A bucket is at
 * most 1/2048 (0.049%) of its lower bound wide, and percentiles are linearly
 * interpolated inside their bucket, so they are not on a grid.
 * Fixed size and no pointers, so it can live in shared memory:
 * sizeof(struct hist) = 48 + 8 * 61440 bytes (480 KiB; 34 KiB with 7 bits).
 *
 * Files written before the layout changed (sub_bucket_bits 7) are read in
 * their own layout: @sub_bits says which one a histogram holds.
 */
#ifndef GUPBENCH_HIST_H
#define GUPBENCH_HIST_H

#include <stdint.h>
#include <jansson.h>

#define HIST_SUB_BITS	11
#define HIST_OLD_SUB_BITS 7	/* still readable from JSON */
#define HIST_SUB	(1u << HIST_SUB_BITS)
#define HIST_MAX_EXP	40
#define HIST_BUCKETS	(HIST_SUB + (HIST_MAX_EXP - HIST_SUB_BITS) * HIST_SUB)

struct hist {
	uint64_t count;
	uint64_t sum;		/* ns */
	uint64_t min, max;	/* exact, ns */
	uint64_t overflow;	/* values clamped into the last bucket */
	uint64_t sub_bits;	/* layout: HIST_SUB_BITS, or 7 when read from an old file */
	uint64_t b[HIST_BUCKETS];
};

void hist_reset(struct hist *h);
/* bucket geometry of the current layout (HIST_SUB_BITS) */
unsigned int hist_index(uint64_t ns);
uint64_t hist_bucket_lower(unsigned int idx);
uint64_t hist_bucket_width(unsigned int idx);
/* the same for any layout with @bits sub-bucket bits (1..HIST_SUB_BITS) */
unsigned int hist_index_bits(uint64_t ns, unsigned int bits);
uint64_t hist_bucket_lower_bits(unsigned int idx, unsigned int bits);
uint64_t hist_bucket_width_bits(unsigned int idx, unsigned int bits);
unsigned int hist_nbuckets_bits(unsigned int bits);

/* Only for a histogram in the current layout (hist_reset()). */
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

/* Both in the current layout. */
void hist_merge(struct hist *dst, const struct hist *src);

/*
 * Percentile, 0 < p <= 100; 0 for an empty histogram. The rank p/100 *
 * count is located in its bucket and the value interpolated linearly,
 * assuming the bucket's values are spread evenly over it; clamped to
 * [min, max].
 */
double hist_percentile(const struct hist *h, double p);
double hist_mean(const struct hist *h);

/* {"unit":"ns","sub_bucket_bits":11,"count":..,"sum":..,"min":..,"max":..,
 *  "overflow":..,"buckets":[[lower,n],..]} (sparse) */
json_t *hist_to_json(const struct hist *h);
/* Returns 0, or -1 with a reason in @err when @j is not such an object;
 * sub_bucket_bits 11 and (old files) 7 are accepted. */
int hist_from_json(const json_t *j, struct hist *h, char *err, size_t errlen);

/* Percentile summary: count,min,p50,p90,p99,p99.9,max,mean. */
struct hist_summary {
	uint64_t count;
	double min, p50, p90, p99, p999, max, mean;
};
void hist_summarise(const struct hist *h, struct hist_summary *s);
json_t *hist_summary_to_json(const struct hist_summary *s);

#endif
