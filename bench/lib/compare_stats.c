// SPDX-License-Identifier: GPL-2.0
/* Statistics and results readers for gupbench compare (see compare_stats.h). */
#include "compare_stats.h"
#include "cpulist.h"
#include "hist.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct cs_metric_info cs_run_metrics[CS_NRUN_METRICS] = {
	[CS_U_NSPC] = { "untimed_ns_per_call", "untimed ns/call per thread", "ns" },
	[CS_U_SHARE] = { "untimed_cpu_share", "walker CPU share (untimed)", "fraction" },
	[CS_W_P50]  = { "walker_p50",  "GUP-fast latency p50", "ns" },
	[CS_W_P90]  = { "walker_p90",  "GUP-fast latency p90", "ns" },
	[CS_W_P99]  = { "walker_p99",  "GUP-fast latency p99", "ns" },
	[CS_W_P999] = { "walker_p99.9", "GUP-fast latency p99.9", "ns" },
	[CS_W_MAX]  = { "walker_max",  "GUP-fast latency max", "ns" },
	[CS_W_MEAN] = { "walker_mean", "GUP-fast latency mean", "ns" },
	[CS_W_CPS]  = { "walker_calls_per_s", "GUP-fast calls/s (timed)", "calls/s" },
	[CS_U_CPS]  = { "untimed_calls_per_s", "GUP-fast calls/s (untimed)", "calls/s" },
	[CS_T_P50]  = { "trigger_p50", "update-side latency p50", "ns" },
	[CS_T_P99]  = { "trigger_p99", "update-side latency p99", "ns" },
	[CS_T_MAX]  = { "trigger_max", "update-side latency max", "ns" },
	[CS_T_MEAN] = { "trigger_mean", "update-side latency mean", "ns" },
	[CS_T_EPS]  = { "trigger_events_per_s", "update-side events/s", "events/s" },
	[CS_TIMING_COST] = { "timing_cost", "cost of timing each call", "%" },
};

const struct cs_metric_info cs_once_metrics[CS_NONCE_METRICS] = {
	[CS_IPI_WALKER]    = { "sync_ipis_walker", "sync IPIs/event per walker CPU", "IPIs/event/CPU" },
	[CS_IPI_TRIGGER]   = { "sync_ipis_trigger", "sync IPIs/event per trigger CPU", "IPIs/event/CPU" },
	[CS_IPI_RT]        = { "sync_ipis_rt", "sync IPIs/event per RT CPU", "IPIs/event/CPU" },
	[CS_IPI_IDLE]      = { "sync_ipis_idle", "sync IPIs/event per idle CPU", "IPIs/event/CPU" },
	[CS_IPI_NONWALKER] = { "sync_ipis_nonwalker", "sync IPIs/event to non-walking CPUs", "IPIs/event" },
	[CS_CYC_QUIET_MAX]   = { "cyclictest_quiet_max", "cyclictest max (quiet)", "us" },
	[CS_CYC_QUIET_P999]  = { "cyclictest_quiet_p99.9", "cyclictest p99.9 (quiet)", "us" },
	[CS_CYC_LOADED_MAX]  = { "cyclictest_loaded_max", "cyclictest max (loaded)", "us" },
	[CS_CYC_LOADED_P999] = { "cyclictest_loaded_p99.9", "cyclictest p99.9 (loaded)", "us" },
	[CS_OSN_QUIET_MAX]    = { "osnoise_quiet_max_single", "osnoise max single noise (quiet)", "us" },
	[CS_OSN_LOADED_MAX]   = { "osnoise_loaded_max_single", "osnoise max single noise (loaded)", "us" },
	[CS_OSN_LOADED_NPS]   = { "osnoise_loaded_noise_per_s", "osnoise noise per second (loaded)", "us/s" },
	[CS_OSN_LOADED_IRQPS] = { "osnoise_loaded_irq_per_s", "osnoise IRQs per second on the RT CPU (loaded)", "IRQs/s" },
	[CS_RT_CSD]           = { "rt_csd_per_event", "function-call csds queued to the RT CPU per event (runs)", "csds/event/CPU" },
};

static int fail(char *err, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (err && len) {
		va_start(ap, fmt);
		vsnprintf(err, len, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* ---- statistics ---------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double cs_median(const double *x, size_t n)
{
	double *c, m;

	if (!n)
		return NAN;
	c = malloc(n * sizeof(*c));
	if (!c)
		return NAN;
	memcpy(c, x, n * sizeof(*c));
	gsl_sort(c, 1, n);
	m = gsl_stats_median_from_sorted_data(c, 1, n);
	free(c);
	return m;
}

/* All nx*ny differences y_j - x_i, sorted; NULL on allocation failure. */
static double *sorted_diffs(const double *x, size_t nx, const double *y, size_t ny)
{
	double *d = malloc(nx * ny * sizeof(*d));

	if (!d)
		return NULL;
	for (size_t i = 0; i < nx; i++)
		for (size_t j = 0; j < ny; j++)
			d[i * ny + j] = y[j] - x[i];
	gsl_sort(d, 1, nx * ny);
	return d;
}

double cs_hodges_lehmann(const double *x, size_t nx, const double *y, size_t ny)
{
	double *d, m;

	if (!nx || !ny)
		return NAN;
	d = sorted_diffs(x, nx, y, ny);
	if (!d)
		return NAN;
	m = gsl_stats_median_from_sorted_data(d, 1, nx * ny);
	free(d);
	return m;
}

/*
 * Gaussian binomial [m+n choose m]_q: its coefficient of q^u is the number
 * of arrangements of m x's and n y's with U = u. Built as
 * prod_{i=1..m} (1 - q^(n+i)) / (1 - q^i); every intermediate product is
 * [n+i choose i]_q, so all values stay non-negative integers.
 */
int cs_mw_counts(size_t m, size_t n, long double *c)
{
	size_t deg = m * n;

	for (size_t u = 0; u <= deg; u++)
		c[u] = 0;
	c[0] = 1;
	for (size_t i = 1; i <= m; i++) {
		size_t s = n + i, cur = (i - 1) * n;	/* degree so far */
		size_t top = cur + s;

		/* multiply by (1 - q^s); the result degree cur + s may pass
		 * deg only transiently, so clip: those terms cancel in the
		 * division below and are never read */
		for (size_t k = top > deg ? deg : top; k >= s; k--)
			c[k] -= c[k - s];
		/* divide by (1 - q^i): running sums with stride i */
		for (size_t k = i; k <= deg; k++)
			c[k] += c[k - i];
	}
	return 0;
}

/* midranks of the pooled sample; returns sum of x's ranks, sets tie term */
static double rank_sum_x(const double *x, size_t nx, const double *y, size_t ny,
			 double *tie_term, bool *ties)
{
	size_t n = nx + ny;
	struct pv { double v; int isx; } *p = malloc(n * sizeof(*p));
	double rx = 0;

	*tie_term = 0;
	*ties = false;
	if (!p)
		return NAN;
	for (size_t i = 0; i < nx; i++)
		p[i] = (struct pv){ x[i], 1 };
	for (size_t j = 0; j < ny; j++)
		p[nx + j] = (struct pv){ y[j], 0 };
	qsort(p, n, sizeof(*p), cmp_double);	/* v is the first member */
	for (size_t i = 0; i < n;) {
		size_t j = i;

		while (j + 1 < n && p[j + 1].v == p[i].v)
			j++;
		double t = (double)(j - i + 1), r = (double)(i + j) / 2 + 1;

		if (t > 1) {
			*ties = true;
			*tie_term += t * t * t - t;
		}
		for (size_t k = i; k <= j; k++)
			if (p[k].isx)
				rx += r;
		i = j + 1;
	}
	free(p);
	return rx;
}

/* the Mann-Whitney p-value of r->u (scipy's conventions); @cnt: exact counts */
static void shift_p(struct cs_shift *r, const long double *cnt, long double total,
		    size_t nx, size_t ny, double tie_term, bool exact_p)
{
	size_t mn = nx * ny;
	double umax = fmax(r->u, (double)mn - r->u);

	if (exact_p) {
		long double sf = 0;

		for (size_t u = (size_t)umax; u <= mn; u++)
			sf += cnt[u];
		r->p = (double)(2 * sf / total);
	} else {
		double n = (double)(nx + ny);
		double s = sqrt((double)mn / 12 * ((n + 1) - tie_term / (n * (n - 1))));
		double z = (umax - (double)mn / 2 - 0.5);

		r->p = s > 0 ? 2 * gsl_cdf_ugaussian_Q(z / s) : 1;
	}
	if (r->p > 1)
		r->p = 1;
	r->p_exact = exact_p;
}

/* Bauer's interval's rank r->k and its coverage; @cnt: exact counts */
static void shift_k(struct cs_shift *r, const long double *cnt, long double total,
		    size_t nx, size_t ny, double conf, bool exact_ci)
{
	size_t mn = nx * ny;
	double alpha = 1 - conf;
	long double cum = 0;

	r->ci_exact = exact_ci;
	if (exact_ci) {
		/* largest k with P(U <= k-1) <= alpha/2 */
		size_t k = 0;

		for (size_t u = 0; u < mn; u++) {
			cum += cnt[u];
			if (cum / total <= alpha / 2)
				k = u + 1;
			else
				break;
		}
		r->k = k;
		if (k) {
			long double tail = 0;

			for (size_t u = 0; u < k; u++)
				tail += cnt[u];
			r->coverage = (double)(1 - 2 * tail / total);
		}
	} else {
		double z = gsl_cdf_ugaussian_Qinv(alpha / 2);
		double c = (double)mn / 2 - z * sqrt((double)mn * (nx + ny + 1) / 12);

		r->k = c >= 1 ? (size_t)floor(c) : 0;
		r->coverage = conf;
	}
}

int cs_shift_test(const double *x, size_t nx, const double *y, size_t ny,
		  double conf, struct cs_shift *r)
{
	size_t mn = nx * ny;
	double tie_term, *d;
	long double *cnt = NULL, total = 0;
	bool exact_p, exact_ci;

	memset(r, 0, sizeof(*r));
	r->hl = r->lo = r->hi = r->u = r->p = r->coverage = NAN;
	if (!nx || !ny || !(conf > 0 && conf < 1))
		return -1;
	for (size_t i = 0; i < nx; i++)
		if (!isfinite(x[i]))
			return -1;
	for (size_t j = 0; j < ny; j++)
		if (!isfinite(y[j]))
			return -1;

	r->u = rank_sum_x(x, nx, y, ny, &tie_term, &r->ties) - (double)nx * (nx + 1) / 2;
	if (isnan(r->u))
		return -1;
	exact_p = !(nx > 8 && ny > 8) && !r->ties;
	exact_ci = nx <= CS_EXACT_MAX && ny <= CS_EXACT_MAX;
	if (exact_p || exact_ci) {
		cnt = malloc((mn + 1) * sizeof(*cnt));
		if (!cnt)
			return -1;
		cs_mw_counts(nx, ny, cnt);
		for (size_t u = 0; u <= mn; u++)
			total += cnt[u];
	}
	shift_p(r, cnt, total, nx, ny, tie_term, exact_p);

	/* Hodges-Lehmann and Bauer's interval */
	d = sorted_diffs(x, nx, y, ny);
	if (!d) {
		free(cnt);
		return -1;
	}
	r->hl = gsl_stats_median_from_sorted_data(d, 1, mn);
	shift_k(r, cnt, total, nx, ny, conf, exact_ci);
	if (r->k && r->k <= mn) {
		r->lo = d[r->k - 1];
		r->hi = d[mn - r->k];
	}
	free(d);
	free(cnt);
	return 0;
}

static int log_mean_var(const double *x, size_t n, double *m, double *v)
{
	double s = 0, ss = 0;

	for (size_t i = 0; i < n; i++)
		if (!isfinite(x[i]) || x[i] <= 0)
			return -1;
	for (size_t i = 0; i < n; i++)
		s += log(x[i]);
	*m = s / (double)n;
	for (size_t i = 0; i < n; i++)
		ss += (log(x[i]) - *m) * (log(x[i]) - *m);
	*v = n > 1 ? ss / (double)(n - 1) : NAN;
	return 0;
}

static void ratio_ci(struct cs_ratio *r, double conf)
{
	double tc, tp;

	r->change = exp(r->d) - 1;
	if (!r->ci)
		return;
	tc = gsl_cdf_tdist_Pinv(1 - (1 - conf) / 2, r->df);
	tp = gsl_cdf_tdist_Pinv(0.80, r->df);
	r->lo = exp(r->d - tc * r->se) - 1;
	r->hi = exp(r->d + tc * r->se) - 1;
	r->mde = exp((tc + tp) * r->se) - 1;
	if (r->se > 0) {
		r->t = r->d / r->se;
		r->p = 2 * gsl_cdf_tdist_Q(fabs(r->t), r->df);
	} else {
		r->t = r->d == 0 ? 0 : copysign(INFINITY, r->d);
		r->p = r->d == 0 ? 1 : 0;
	}
	if (r->p > 1)
		r->p = 1;
}

static void ratio_init(struct cs_ratio *r, size_t nx, size_t ny, bool paired)
{
	memset(r, 0, sizeof(*r));
	r->nx = nx;
	r->ny = ny;
	r->paired = paired;
	r->change = r->lo = r->hi = r->d = r->se = r->df = r->t = r->p = r->mde = NAN;
}

int cs_welch_log(const double *x, size_t nx, const double *y, size_t ny,
		 double conf, struct cs_ratio *r)
{
	double mx, my, vx, vy;

	ratio_init(r, nx, ny, false);
	if (!nx || !ny || !(conf > 0 && conf < 1) ||
	    log_mean_var(x, nx, &mx, &vx) || log_mean_var(y, ny, &my, &vy))
		return -1;
	r->d = my - mx;
	if (nx >= 2 && ny >= 2) {
		double a = vx / (double)nx, b = vy / (double)ny;

		r->ci = true;
		r->se = sqrt(a + b);
		/* Welch-Satterthwaite; both variances 0: the pooled df */
		r->df = a + b > 0 ? (a + b) * (a + b) /
			(a * a / (double)(nx - 1) + b * b / (double)(ny - 1)) :
			(double)(nx + ny - 2);
	}
	ratio_ci(r, conf);
	return 0;
}

int cs_paired_log(const double *x, const double *y, size_t n, double conf,
		  struct cs_ratio *r)
{
	double *q, m, v;
	int rc;

	ratio_init(r, n, n, true);
	if (!n || !(conf > 0 && conf < 1))
		return -1;
	q = malloc(n * sizeof(*q));
	if (!q)
		return -1;
	for (size_t i = 0; i < n; i++)
		q[i] = isfinite(x[i]) && isfinite(y[i]) && x[i] > 0 && y[i] > 0 ?
		       y[i] / x[i] : NAN;
	rc = log_mean_var(q, n, &m, &v);
	free(q);
	if (rc)
		return -1;
	r->d = m;
	if (n >= 2) {
		r->ci = true;
		r->se = sqrt(v / (double)n);
		r->df = (double)(n - 1);
	}
	ratio_ci(r, conf);
	return 0;
}

/* ---- JSON readers -------------------------------------------------------- */

static bool num(const json_t *o, const char *key, double *v)
{
	const json_t *j = json_is_object(o) ? json_object_get(o, key) : NULL;

	if (!json_is_number(j))
		return false;
	*v = json_number_value(j);
	return isfinite(*v);
}

static void str(const json_t *o, const char *key, char *buf, size_t len)
{
	const json_t *j = json_is_object(o) ? json_object_get(o, key) : NULL;

	snprintf(buf, len, "%s", json_is_string(j) ? json_string_value(j) : "");
}

static int hist_metrics(const json_t *part, const char *what, double *p50,
			double *p90, double *p99, double *p999, double *max,
			double *mean, char *err, size_t len)
{
	const json_t *hj = json_object_get(part, "histogram");
	struct hist *h;
	char why[160];
	int rc = 0;

	if (!hj)
		return fail(err, len, "%s: no \"histogram\"", what);
	h = malloc(sizeof(*h));
	if (!h)
		return fail(err, len, "out of memory");
	if (hist_from_json(hj, h, why, sizeof(why)))
		rc = fail(err, len, "%s histogram: %s", what, why);
	else if (!h->count)
		rc = fail(err, len, "%s histogram is empty", what);
	else {
		*p50 = hist_percentile(h, 50);
		if (p90)
			*p90 = hist_percentile(h, 90);
		*p99 = hist_percentile(h, 99);
		if (p999)
			*p999 = hist_percentile(h, 99.9);
		*max = (double)h->max;
		*mean = hist_mean(h);
	}
	free(h);
	return rc;
}

/*
 * A count or rate: absent is fine (the caller decides), present must be a
 * finite number >= 0. Returns -1 with "@part.@key ..." in @err otherwise.
 */
static int count_ok(const json_t *o, const char *part, const char *key,
		    char *err, size_t len)
{
	const json_t *j = json_object_get(o, key);
	const char *dot = part[0] ? "." : "";

	if (!j || (json_is_null(j) && !part[0]))
		return 0;
	if (!json_is_number(j) || !isfinite(json_number_value(j)))
		return fail(err, len, "field %s%s%s is not a finite number", part, dot, key);
	if (json_number_value(j) < 0)
		return fail(err, len, "field %s%s%s is negative (%g)", part, dot, key,
			    json_number_value(j));
	return 0;
}

static int counts_ok(const json_t *run, char *err, size_t len)
{
	static const char *const tkeys[] = { "calls", "calls_per_s", "duration_s" };
	static const char *const trkeys[] = { "events", "failed_events", "events_per_s" };
	const json_t *t = json_object_get(run, "timed"), *u = json_object_get(run, "untimed");
	const json_t *tr = json_object_get(run, "trigger");

	for (int i = 0; i < 3; i++)
		if ((json_is_object(t) && count_ok(t, "timed", tkeys[i], err, len)) ||
		    (json_is_object(u) && count_ok(u, "untimed", tkeys[i], err, len)) ||
		    (json_is_object(tr) && count_ok(tr, "trigger", trkeys[i], err, len)))
			return -1;
	return count_ok(run, "", "untimed_ns_per_call", err, len) ||
	       count_ok(run, "", "untimed_cpu_share", err, len);
}

int cs_run_from_json(const json_t *run, struct cs_run *r, char *err, size_t len)
{
	const json_t *timed, *untimed, *trig;
	double *v = r->v;

	memset(r, 0, sizeof(*r));
	if (!json_is_object(run))
		return fail(err, len, "not a JSON object");
	if (counts_ok(run, err, len))
		return -1;
	timed = json_object_get(run, "timed");
	if (!json_is_object(timed))
		return fail(err, len, "no \"timed\" object");
	if (hist_metrics(timed, "timed", &v[CS_W_P50], &v[CS_W_P90], &v[CS_W_P99],
			 &v[CS_W_P999], &v[CS_W_MAX], &v[CS_W_MEAN], err, len))
		return -1;
	for (int i = CS_W_P50; i <= CS_W_MEAN; i++)
		r->have[i] = true;
	if (!num(timed, "calls_per_s", &v[CS_W_CPS]))
		return fail(err, len, "timed: no numeric \"calls_per_s\"");
	r->have[CS_W_CPS] = true;
	untimed = json_object_get(run, "untimed");
	if (untimed && !json_is_null(untimed)) {
		double d, c;
		const json_t *th = json_object_get(timed, "threads");

		if (!num(untimed, "calls_per_s", &v[CS_U_CPS]))
			return fail(err, len, "untimed: no numeric \"calls_per_s\"");
		r->have[CS_U_CPS] = true;
		if (num(run, "untimed_ns_per_call", &v[CS_U_NSPC]))
			r->have[CS_U_NSPC] = v[CS_U_NSPC] > 0;
		else if (num(untimed, "duration_s", &d) && num(untimed, "calls", &c) && c > 0 &&
			 json_is_array(th) && json_array_size(th)) {
			/* older files: derived the way the runner computes it */
			v[CS_U_NSPC] = d * 1e9 * (double)json_array_size(th) / c;
			r->have[CS_U_NSPC] = v[CS_U_NSPC] > 0;
		}
		if (num(run, "untimed_cpu_share", &v[CS_U_SHARE]))
			r->have[CS_U_SHARE] = v[CS_U_SHARE] > 0;
		if (num(run, "inject_in_loop_ns", &r->inject_in_loop_ns) &&
		    !(r->inject_in_loop_ns >= 0))
			return fail(err, len, "\"inject_in_loop_ns\" is negative");
	}
	r->ab_b_inject_ns = NAN;
	if (json_is_object(json_object_get(run, "ab"))) {
		const json_t *ab = json_object_get(run, "ab");
		double c;

		if (num(ab, "change_pct_median", &c) && num(ab, "a_ns_per_call_median",
							    &r->ab_a_ns)) {
			if (!(c > -100) || !(r->ab_a_ns > 0))
				return fail(err, len, "ab: change_pct_median or "
					    "a_ns_per_call_median out of range");
			r->ab_log_ratio = log1p(c / 100);
			r->have_ab = true;
		}
		if (!num(ab, "b_inject_in_loop_ns", &r->ab_b_inject_ns))
			r->ab_b_inject_ns = NAN;
	}
	trig = json_object_get(run, "trigger");
	if (trig && !json_is_null(trig)) {
		if (!json_is_object(trig))
			return fail(err, len, "\"trigger\" is neither null nor an object");
		if (!num(trig, "events_per_s", &v[CS_T_EPS]))
			return fail(err, len, "trigger: no numeric \"events_per_s\"");
		r->have[CS_T_EPS] = true;
		/* a trigger that managed no event has an empty histogram */
		if (json_is_object(json_object_get(trig, "histogram")) &&
		    json_integer_value(json_object_get(json_object_get(trig, "histogram"),
						       "count")) == 0)
			return 0;
		if (hist_metrics(trig, "trigger", &v[CS_T_P50], NULL, &v[CS_T_P99], NULL,
				 &v[CS_T_MAX], &v[CS_T_MEAN], err, len))
			return -1;
		r->have[CS_T_P50] = r->have[CS_T_P99] = true;
		r->have[CS_T_MAX] = r->have[CS_T_MEAN] = true;
	}
	return 0;
}

static long cpus_in(const json_t *role)
{
	const json_t *c = json_object_get(role, "cpus");
	cpu_set_t set;
	char why[128];

	if (!json_is_string(c) || cpulist_parse(json_string_value(c), &set, why, sizeof(why)))
		return -1;
	return CPU_COUNT(&set);
}

static int ipis(const json_t *by_role, double events, struct cs_once *o,
		char *err, size_t len)
{
	static const char *const roles[] = { "walker", "trigger", "rt", "idle" };
	static const int idx[] = { CS_IPI_WALKER, CS_IPI_TRIGGER, CS_IPI_RT, CS_IPI_IDLE };
	double nonwalker = 0;
	bool any = false, ok = true;

	for (int i = 0; i < 4; i++) {
		const json_t *r = json_object_get(by_role, roles[i]);
		double v, total;
		long n;

		if (!r)
			continue;
		if (!json_is_object(r))
			return fail(err, len, "sync IPIs: role %s is not an object", roles[i]);
		if (!num(r, "per_cpu_per_event", &v))
			continue;	/* null: no trigger events */
		o->v[idx[i]] = v;
		o->have[idx[i]] = true;
		any = true;
		if (i == 0)
			continue;
		if (events > 0 && num(r, "total", &total))
			nonwalker += total / events;
		else if ((n = cpus_in(r)) > 0)
			nonwalker += v * (double)n;
		else
			ok = false;
	}
	if (any && ok) {
		o->v[CS_IPI_NONWALKER] = nonwalker;
		o->have[CS_IPI_NONWALKER] = true;
	}
	if (!any && !o->ipi_reason[0])
		snprintf(o->ipi_reason, sizeof(o->ipi_reason), "no trigger events");
	return 0;
}

static int cyc_part(const json_t *c, const char *tag, int imax, int ip999,
		    struct cs_once *o, char *err, size_t len)
{
	const json_t *p = json_object_get(c, tag);
	const json_t *st;

	if (!p)
		return 0;
	if (!json_is_object(p))
		return fail(err, len, "cyclictest %s is not an object", tag);
	st = json_object_get(p, "status");
	if (json_is_string(st) && strcmp(json_string_value(st), "ok"))
		return 0;
	if (num(p, "max_us", &o->v[imax]))
		o->have[imax] = true;
	if (num(p, "p99.9_us", &o->v[ip999]))
		o->have[ip999] = true;
	return 0;
}

/* rtla's "quiet"/"loaded" part: worst max single noise, mean rates over CPUs */
static void osn_part(const json_t *r, const char *tag, int imax, int inps, int iirq,
		     struct cs_once *o)
{
	const json_t *p = json_object_get(r, tag), *cpus = json_object_get(p, "by_cpu"), *c;
	double nps = 0, irq = 0, v;
	const char *k;
	int n = 0;

	if (!json_is_object(cpus))
		return;
	json_object_foreach((json_t *)cpus, k, c) {
		if (num(c, "max_single_noise_us", &v) && (!o->have[imax] || v > o->v[imax])) {
			o->v[imax] = v;
			o->have[imax] = true;
		}
		if (num(c, "noise_us_per_s", &v))
			nps += v;
		if (num(c, "irq_per_s", &v))
			irq += v;
		n++;
	}
	if (n && inps >= 0) {
		o->v[inps] = nps / n;
		o->v[iirq] = irq / n;
		o->have[inps] = o->have[iirq] = true;
	}
}

/* ipi_attribution.runs: csds queued to the RT CPUs per event per CPU */
static void rt_csds(const json_t *a, struct cs_once *o)
{
	const json_t *runs = json_object_get(a, "runs"), *t;
	double ev, total = 0, v;
	const char *k;
	int n = 0;

	if (!num(a, "trigger_events_in_runs", &ev) || ev <= 0 || !json_is_object(runs))
		return;
	json_object_foreach((json_t *)runs, k, t) {
		const json_t *role = json_object_get(t, "role");

		if (!json_is_string(role) || strcmp(json_string_value(role), "rt") ||
		    !num(t, "total", &v))
			continue;
		total += v;
		n++;
	}
	if (n) {
		o->v[CS_RT_CSD] = total / n / ev;
		o->have[CS_RT_CSD] = true;
	}
}

int cs_observers_from_json(const json_t *obs, struct cs_once *o, char *err, size_t len)
{
	const json_t *s, *c;

	memset(o, 0, sizeof(*o));
	if (!json_is_object(obs))
		return fail(err, len, "observers: not a JSON object");
	s = json_object_get(obs, "sync_ipis");
	if (s) {
		const json_t *st = json_object_get(s, "status");
		double ev = 0;

		if (!json_is_object(s))
			return fail(err, len, "\"sync_ipis\" is not an object");
		if (json_is_string(st) && strcmp(json_string_value(st), "ok")) {
			str(s, "reason", o->ipi_reason, sizeof(o->ipi_reason));
			if (!o->ipi_reason[0])
				snprintf(o->ipi_reason, sizeof(o->ipi_reason), "sync IPIs: %s",
					 json_string_value(st));
		} else if (json_is_object(json_object_get(s, "by_role"))) {
			num(s, "trigger_events", &ev);
			if (ipis(json_object_get(s, "by_role"), ev, o, err, len))
				return -1;
		} else {
			return fail(err, len, "sync_ipis: no \"by_role\" object");
		}
	} else if ((s = json_object_get(obs, "sync_ipis_by_role"))) {
		if (json_is_string(s))
			snprintf(o->ipi_reason, sizeof(o->ipi_reason), "%s", json_string_value(s));
		else if (!json_is_object(s))
			return fail(err, len, "\"sync_ipis_by_role\" is neither object nor reason");
		else if (ipis(s, 0, o, err, len))
			return -1;
	} else {
		snprintf(o->ipi_reason, sizeof(o->ipi_reason), "no sync IPI data");
	}

	osn_part(json_object_get(obs, "rtla"), "quiet", CS_OSN_QUIET_MAX, -1, -1, o);
	osn_part(json_object_get(obs, "rtla"), "loaded", CS_OSN_LOADED_MAX, CS_OSN_LOADED_NPS,
		 CS_OSN_LOADED_IRQPS, o);
	rt_csds(json_object_get(obs, "ipi_attribution"), o);
	c = json_object_get(obs, "cyclictest");
	if (!c || json_is_null(c)) {
		snprintf(o->cyc_reason, sizeof(o->cyc_reason), "no cyclictest data");
		return 0;
	}
	if (!json_is_object(c))
		return fail(err, len, "\"cyclictest\" is not an object");
	str(c, "reason", o->cyc_reason, sizeof(o->cyc_reason));
	if (cyc_part(c, "quiet", CS_CYC_QUIET_MAX, CS_CYC_QUIET_P999, o, err, len) ||
	    cyc_part(c, "loaded", CS_CYC_LOADED_MAX, CS_CYC_LOADED_P999, o, err, len))
		return -1;
	return 0;
}

int cs_manifest_from_json(const json_t *m, struct cs_manifest *mf, char *err, size_t len)
{
	const json_t *opt, *sk, *u;
	double v;

	memset(mf, 0, sizeof(*mf));
	if (!json_is_object(m))
		return fail(err, len, "manifest: not a JSON object");
	str(m, "status", mf->status, sizeof(mf->status));
	if (!mf->status[0])
		return fail(err, len, "manifest: no \"status\"");
	str(m, "variant", mf->variant, sizeof(mf->variant));
	str(m, "kernel_release", mf->kernel_release, sizeof(mf->kernel_release));
	str(m, "kernel_version", mf->kernel_version, sizeof(mf->kernel_version));
	str(m, "arch", mf->arch, sizeof(mf->arch));
	str(m, "cpu_model", mf->cpu_model, sizeof(mf->cpu_model));
	str(m, "kernel_config_sha256", mf->config_sha, sizeof(mf->config_sha));
	str(m, "timing_note", mf->timing_note, sizeof(mf->timing_note));
	if (!mf->arch[0])
		return fail(err, len, "manifest: no \"arch\"");
	if (!num(m, "cpus_online_count", &v) || v < 1 || v > 1e6)
		return fail(err, len, "manifest: no valid \"cpus_online_count\"");
	mf->cpus = (long)v;
	mf->runs_completed = num(m, "runs_completed", &v) && v >= 0 && v < 1e9 ? (long)v : -1;
	sk = json_object_get(m, "skipped");
	if (json_is_array(sk) && json_array_size(sk)) {
		const json_t *s0 = json_array_get(sk, 0);
		char what[64], why[180];

		str(s0, "what", what, sizeof(what));
		str(s0, "reason", why, sizeof(why));
		snprintf(mf->skip_reason, sizeof(mf->skip_reason), "%s: %s", what, why);
	}
	opt = json_object_get(m, "options");
	if (!json_is_object(opt))
		return fail(err, len, "manifest: no \"options\" object");
	str(opt, "walker", mf->walker, sizeof(mf->walker));
	if (!mf->walker[0])
		return fail(err, len, "manifest: options has no \"walker\"");
	str(opt, "trigger", mf->trigger, sizeof(mf->trigger));
	if (!mf->trigger[0])
		snprintf(mf->trigger, sizeof(mf->trigger), "none");
	str(opt, "trigger_mm", mf->trigger_mm, sizeof(mf->trigger_mm));
	if (!strcmp(mf->trigger, "none"))
		mf->trigger_mm[0] = 0;
	if (!num(opt, "pages", &v) || v < 0 || v > 1e9)
		return fail(err, len, "manifest: options has no valid \"pages\"");
	mf->pages = (long)v;
	mf->inject_ns = num(opt, "inject_ns", &v) ? v : 0;
	mf->inject_measured_ns = num(json_object_get(m, "inject"), "measured_ns", &v) ? v : 0;
	if (json_is_object(json_object_get(m, "ab"))) {
		const json_t *ab = json_object_get(m, "ab"), *k = json_object_get(ab, "knob");
		char path[200] = "", a[40] = "", b[40] = "";

		if (json_is_object(k)) {
			str(k, "path", path, sizeof(path));
			str(k, "a", a, sizeof(a));
			str(k, "b", b, sizeof(b));
			snprintf(mf->ab_what, sizeof(mf->ab_what), "B: %s = %s, A: %s", path, b, a);
		} else if (num(json_object_get(ab, "b_inject"), "requested_ns", &v)) {
			snprintf(mf->ab_what, sizeof(mf->ab_what),
				 "B: +%.0f ns delay per call (--ab-inject-ns)", v);
		} else {
			snprintf(mf->ab_what, sizeof(mf->ab_what), "B: unknown");
		}
	}
	mf->round = -1;
	u = json_object_get(m, "unit");
	if (u && !json_is_null(u)) {
		const json_t *rj;

		if (!json_is_object(u))
			return fail(err, len, "manifest: \"unit\" is not an object");
		str(u, "invocation_id", mf->invocation_id, sizeof(mf->invocation_id));
		str(u, "boot_id", mf->boot_id, sizeof(mf->boot_id));
		str(u, "order", mf->order, sizeof(mf->order));
		rj = json_object_get(u, "round");
		if (json_is_integer(rj) && json_integer_value(rj) >= 0 &&
		    json_integer_value(rj) <= 1000000)
			mf->round = (long)json_integer_value(rj);
		else if (rj && !json_is_null(rj))
			return fail(err, len, "manifest: unit.round is neither null nor a round number");
	}
	return 0;
}
