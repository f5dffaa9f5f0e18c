/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Statistics and results readers for `gupbench compare`.
 *
 * Shift between two samples of per-run values (x = base, y = other):
 *  - Hodges-Lehmann estimate: median of all nx*ny differences y_j - x_i;
 *  - its distribution-free confidence interval (Bauer 1972): the order
 *    statistics D(k), D(nx*ny+1-k) of those differences, k from the
 *    Mann-Whitney U null distribution, exact (q-binomial counts) when
 *    nx, ny <= CS_EXACT_MAX, normal approximation above;
 *  - a two-sided Mann-Whitney U p-value, computed as scipy 1.10's
 *    mannwhitneyu(x, y) method="auto" does: exact when there are no ties
 *    and min(nx, ny) < 8, else normal with tie and continuity correction.
 *
 * The JSON readers never trust their input: every field is checked and a
 * reason is returned instead of crashing (they are fuzzed, see fuzz/).
 */
#ifndef GUPBENCH_COMPARE_STATS_H
#define GUPBENCH_COMPARE_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#define CS_EXACT_MAX	50

double cs_median(const double *x, size_t n);	/* NAN when n == 0 */
double cs_hodges_lehmann(const double *x, size_t nx, const double *y, size_t ny);

/* counts[u] of U = u, u = 0..m*n, under H0 (no ties); sum = C(m+n, m). */
int cs_mw_counts(size_t m, size_t n, long double *counts);

struct cs_shift {
	double hl;		/* Hodges-Lehmann shift y - x */
	double lo, hi;		/* CI of the shift; NAN when unattainable */
	double coverage;	/* confidence actually achieved (>= conf if exact) */
	size_t k;		/* CI = [D(k), D(nx*ny+1-k)], 1-based; 0 none */
	bool ci_exact;
	double u;		/* Mann-Whitney U of x (scipy's U1) */
	double p;		/* two-sided */
	bool p_exact;
	bool ties;
};
/* 0, or -1 when a side is empty or a value is not finite. */
int cs_shift_test(const double *x, size_t nx, const double *y, size_t ny,
		  double conf, struct cs_shift *r);

/*
 * Unit-level comparison: one value per unit of replication (an invocation,
 * or a boot) per side, compared on the log scale, so the change is a ratio
 * and its CI is exp(d +- t * SE) - 1:
 *  - Welch: d = mean(log y) - mean(log x), SE = sqrt(sx^2/nx + sy^2/ny),
 *    Welch-Satterthwaite df;
 *  - paired (one unit of each side per interleaving round): d = mean of the
 *    per-round log ratios log(y_i / x_i), SE = sd / sqrt(n), df = n - 1.
 * p is the two-sided t p-value; the minimum detectable effect at 80% power
 * and two-sided 5% is (t_{0.975,df} + t_{0.80,df}) * SE (on the log scale).
 * With fewer than two units on a side (two pairs when paired) there is no
 * between-unit variance: only the point change is given (ci == false).
 */
struct cs_ratio {
	size_t nx, ny;		/* units (pairs when paired: nx == ny) */
	bool paired, ci;
	double change;		/* exp(d) - 1 */
	double lo, hi;		/* CI of the change; NAN without ci */
	double d, se, df, t, p;	/* log scale; NAN without ci */
	double mde;		/* exp((t_{1-a/2} + t_{0.80}) * SE) - 1; NAN without ci */
};
/* 0, or -1 when a side is empty or a value is not finite and > 0. */
int cs_welch_log(const double *x, size_t nx, const double *y, size_t ny,
		 double conf, struct cs_ratio *r);
int cs_paired_log(const double *x, const double *y, size_t n, double conf,
		  struct cs_ratio *r);

/* ---- results readers ---------------------------------------------------- */

enum cs_run_metric {
	CS_U_NSPC,	/* primary: untimed ns per call per walker thread */
	CS_U_SHARE,	/* walker CPU time / wall time in the untimed phase */
	CS_W_P50, CS_W_P90, CS_W_P99, CS_W_P999, CS_W_MAX, CS_W_MEAN,
	CS_W_CPS, CS_U_CPS,
	CS_T_P50, CS_T_P99, CS_T_MAX, CS_T_MEAN, CS_T_EPS,
	CS_TIMING_COST,	/* summary.json only: compare does not read it */
	CS_NRUN_METRICS
};

enum cs_once_metric {
	CS_IPI_WALKER, CS_IPI_TRIGGER, CS_IPI_RT, CS_IPI_IDLE, CS_IPI_NONWALKER,
	CS_CYC_QUIET_MAX, CS_CYC_QUIET_P999, CS_CYC_LOADED_MAX, CS_CYC_LOADED_P999,
	/* rtla osnoise on the RT CPUs (worst CPU; rates: mean over them) */
	CS_OSN_QUIET_MAX, CS_OSN_LOADED_MAX, CS_OSN_LOADED_NPS, CS_OSN_LOADED_IRQPS,
	/* function-call csds queued to the RT CPUs in the runs, per event per CPU */
	CS_RT_CSD,
	CS_NONCE_METRICS
};

/* The one table of metric names and units: summary.json and compare. */
struct cs_metric_info {
	const char *name;	/* stable key (CSV/JSON) */
	const char *what;	/* human description */
	const char *unit;
};
extern const struct cs_metric_info cs_run_metrics[CS_NRUN_METRICS];
extern const struct cs_metric_info cs_once_metrics[CS_NONCE_METRICS];

struct cs_run {
	double v[CS_NRUN_METRICS];
	bool have[CS_NRUN_METRICS];
	double inject_in_loop_ns;	/* "inject_in_loop_ns"; 0 without */
	/* "ab" (gupbench --ab-*): log of the median B/A ratio of the run's
	 * pairs, A's median ns/call, B's extra delay in the loop (NAN: none) */
	bool have_ab;
	double ab_log_ratio, ab_a_ns, ab_b_inject_ns;
};
/*
 * One run-NNN.json. Walker values come from its histogram (hist_from_json);
 * untimed ns/call from "untimed_ns_per_call", or for older files
 * untimed duration_s * 1e9 * threads / calls. A count or rate that is
 * negative or not a finite number is an error naming the field.
 */
int cs_run_from_json(const json_t *run, struct cs_run *r, char *err, size_t len);

struct cs_once {
	double v[CS_NONCE_METRICS];
	bool have[CS_NONCE_METRICS];
	char ipi_reason[160];	/* why no IPI numbers, if none */
	char cyc_reason[160];
};
/*
 * observers.json (object with "sync_ipis"/"cyclictest"), or the
 * "observers" object of summary.json ("sync_ipis_by_role"/"cyclictest").
 */
int cs_observers_from_json(const json_t *obs, struct cs_once *o, char *err, size_t len);

struct cs_manifest {
	char status[32], variant[128], kernel_release[128], kernel_version[128];
	char arch[32], cpu_model[128], config_sha[80], timing_note[256];
	char walker[32], trigger[32], trigger_mm[16], skip_reason[256];
	long cpus, pages, runs_completed;
	double inject_ns;
	double inject_measured_ns;	/* manifest inject.measured_ns; 0 without */
	char ab_what[320];		/* manifest "ab": what B is; "" without */
	/* "unit": empty strings / round -1 when absent (older files) */
	char invocation_id[80], boot_id[80], order[128];
	long round;
};
int cs_manifest_from_json(const json_t *m, struct cs_manifest *mf, char *err, size_t len);

#endif
