// SPDX-License-Identifier: GPL-2.0
/*
 * gupbench compare BASE OTHER... [-o OUTDIR] [--format text|csv|json]
 *
 * A results set is a run directory (manifest.json inside) or a directory
 * of run directories, one per scenario. Scenarios are matched by machine
 * (arch, cpu_model, cpus_online_count) and by (walker, trigger,
 * trigger_mm, pages). Runs are grouped into units of replication (an
 * invocation; the boot when the sides are different kernels) and each
 * metric is compared on its per-unit means: Welch's t on log unit values,
 * or the paired t on per-round log ratios when both sides were run
 * interleaved by round; Mann-Whitney U on the unit values beside it.
 * Metrics that exist once per set (sync IPIs per event, cyclictest) are
 * compared as single values. See bench/lib/compare_stats.h, docs/compare.md.
 */
#include "gupbench.h"
#include "lib/compare_stats.h"
#include "version.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CONF 0.95
#define FEW_UNITS 5

static const char method_text[] =
	"runs are grouped into units of replication: an invocation of gupbench "
	"(manifest unit.invocation_id), or the boot (unit.boot_id) when the two "
	"sides differ in kernel_release; runs inside a unit are correlated and are "
	"not independent samples. Each metric is averaged per unit (mean of the "
	"unit's runs) and the unit values are compared on the log scale: change = "
	"exp(d) - 1 with d the difference of mean log unit values (OTHER - BASE); "
	"95% CI = exp(d +- t * SE) - 1 with Welch's SE and Welch-Satterthwaite df, "
	"or, when both sides carry interleaving rounds with one unit of each side "
	"per round, the paired t on the per-round log ratios (\"paired by round\", "
	"df = rounds - 1); p = two-sided t p-value; p(U) = two-sided Mann-Whitney U "
	"p on the unit values; MDE = (t_0.975 + t_0.80) * SE, the change detectable "
	"with 80% power at these unit counts; * = the CI excludes 0, ~ = it does "
	"not. With fewer than 2 units on a side there is no interval. Values that "
	"exist once per set (sync IPIs per event, cyclictest) are compared as "
	"single values, without a CI.";

/* one unit of replication inside a scenario of a set: an invocation */
struct unit {
	char id[PATH_MAX];	/* invocation id, or the run directory without one */
	char boot[80];		/* "" when unknown */
	long round;		/* -1 when not given */
	double inject_measured_ns;
};

struct scen {
	char dir[PATH_MAX];
	struct cs_manifest mf;
	bool skipped;
	size_t nruns;
	struct cs_run *runs;
	size_t *run_unit;	/* runs[i] belongs to units[run_unit[i]] */
	struct unit *units;
	size_t nunits;
	bool ids_missing;	/* some run directory has no unit.invocation_id */
	struct cs_once once;
	bool have_once;
	int invocations;	/* run directories pooled into this one, beyond the first */
};

struct set {
	const char *path;
	struct scen *s;
	size_t n;
};

static struct set *sets;	/* global: reachable until exit */
static int nsets;

static void bad(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void bad(const char *fmt, ...)
{
	va_list ap;

	fputs("gupbench compare: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_BAD_INPUT);
}

static bool exists(const char *dir, const char *name)
{
	char p[PATH_MAX];
	struct stat st;

	if (snprintf(p, sizeof(p), "%s/%s", dir, name) >= (int)sizeof(p))
		bad("%s/%s: path too long", dir, name);
	return stat(p, &st) == 0;
}

static json_t *load_json(const char *dir, const char *name)
{
	char p[PATH_MAX];
	json_error_t e;
	json_t *j;

	if (snprintf(p, sizeof(p), "%s/%s", dir, name) >= (int)sizeof(p))
		bad("%s/%s: path too long", dir, name);
	j = json_load_file(p, JSON_REJECT_DUPLICATES, &e);
	if (!j)
		bad("%s: malformed or truncated JSON (line %d: %s)", p, e.line, e.text);
	return j;
}

static int is_run_file(const struct dirent *d)
{
	unsigned int n;
	char tail[8];

	return sscanf(d->d_name, "run-%u.%7s", &n, tail) == 2 && !strcmp(tail, "json");
}

static int is_dir_entry(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

static void load_scen(const char *dir, struct scen *s)
{
	struct dirent **names;
	char err[256];
	json_t *j;
	int n;

	memset(s, 0, sizeof(*s));
	snprintf(s->dir, sizeof(s->dir), "%s", dir);
	if (exists(dir, "INCOMPLETE"))
		bad("%s: incomplete results (INCOMPLETE file present): run did not finish", dir);
	j = load_json(dir, "manifest.json");
	if (cs_manifest_from_json(j, &s->mf, err, sizeof(err)))
		bad("%s/manifest.json: %s", dir, err);
	json_decref(j);
	if (!strcmp(s->mf.status, "skipped")) {
		s->skipped = true;
		return;
	}
	if (strcmp(s->mf.status, "complete"))
		bad("%s: results not complete (status \"%s\")", dir, s->mf.status);

	n = scandir(dir, &names, is_run_file, alphasort);
	if (n < 0)
		bad("%s: %s", dir, strerror(errno));
	if (n == 0)
		bad("%s: status complete but no run-NNN.json files", dir);
	s->runs = calloc((size_t)n, sizeof(*s->runs));
	if (!s->runs)
		bad("out of memory");
	for (int i = 0; i < n; i++) {
		j = load_json(dir, names[i]->d_name);
		if (cs_run_from_json(j, &s->runs[i], err, sizeof(err)))
			bad("%s/%s: %s", dir, names[i]->d_name, err);
		json_decref(j);
		free(names[i]);
	}
	free(names);
	s->nruns = (size_t)n;
	s->run_unit = calloc((size_t)n, sizeof(*s->run_unit));
	s->units = calloc(1, sizeof(*s->units));
	if (!s->run_unit || !s->units)
		bad("out of memory");
	s->nunits = 1;
	s->ids_missing = !s->mf.invocation_id[0];
	snprintf(s->units[0].id, sizeof(s->units[0].id), "%s",
		 s->ids_missing ? dir : s->mf.invocation_id);
	snprintf(s->units[0].boot, sizeof(s->units[0].boot), "%s", s->mf.boot_id);
	s->units[0].round = s->mf.round;
	/* the known delay as it ran in the walker (runs' inject_in_loop_ns),
	 * else as measured at start-up in a tight loop (older files) */
	s->units[0].inject_measured_ns = s->mf.inject_measured_ns;
	if (s->mf.inject_measured_ns > 0) {
		double t = 0;
		size_t k = 0;

		for (size_t i = 0; i < s->nruns; i++)
			if (s->runs[i].inject_in_loop_ns > 0) {
				t += s->runs[i].inject_in_loop_ns;
				k++;
			}
		if (k == s->nruns)
			s->units[0].inject_measured_ns = t / (double)k;
	}
	if (s->mf.runs_completed >= 0 && (size_t)s->mf.runs_completed != s->nruns)
		bad("%s: manifest says %ld runs completed but %zu run files exist",
		    dir, s->mf.runs_completed, s->nruns);

	if (exists(dir, "observers.json")) {
		j = load_json(dir, "observers.json");
		if (cs_observers_from_json(j, &s->once, err, sizeof(err)))
			bad("%s/observers.json: %s", dir, err);
		json_decref(j);
		s->have_once = true;
	} else if (exists(dir, "summary.json")) {
		json_t *o;

		j = load_json(dir, "summary.json");
		o = json_object_get(j, "observers");
		if (o && !json_is_null(o)) {
			if (cs_observers_from_json(o, &s->once, err, sizeof(err)))
				bad("%s/summary.json: observers: %s", dir, err);
			s->have_once = true;
		}
		json_decref(j);
	}
}

static void machine_key(const struct cs_manifest *m, char *buf, size_t len)
{
	snprintf(buf, len, "%s|%s|%ld", m->arch, m->cpu_model, m->cpus);
}

static void scen_key(const struct cs_manifest *m, char *buf, size_t len)
{
	snprintf(buf, len, "%s|%s|%s|%ld", m->walker, m->trigger, m->trigger_mm, m->pages);
}

static bool same_place(const struct scen *a, const struct scen *b)
{
	char k1[512], k2[512];

	machine_key(&a->mf, k1, sizeof(k1));
	machine_key(&b->mf, k2, sizeof(k2));
	if (strcmp(k1, k2))
		return false;
	scen_key(&a->mf, k1, sizeof(k1));
	scen_key(&b->mf, k2, sizeof(k2));
	return !strcmp(k1, k2);
}

/*
 * The same scenario again in one set (another invocation, e.g. interleaved
 * rounds): its runs join @first as their own unit (the same invocation id
 * twice is one unit); the once-per-set values of the first invocation that
 * has them are kept.
 */
static void merge_scen(struct scen *first, struct scen *nw)
{
	size_t u;

	for (u = 0; u < first->nunits; u++)
		if (!strcmp(first->units[u].id, nw->units[0].id))
			break;
	if (u == first->nunits) {
		first->units = realloc(first->units, (first->nunits + 1) * sizeof(*first->units));
		if (!first->units)
			bad("out of memory");
		first->units[first->nunits++] = nw->units[0];
	}
	first->runs = realloc(first->runs, (first->nruns + nw->nruns) * sizeof(*first->runs));
	first->run_unit = realloc(first->run_unit,
				  (first->nruns + nw->nruns) * sizeof(*first->run_unit));
	if (!first->runs || !first->run_unit)
		bad("out of memory");
	memcpy(first->runs + first->nruns, nw->runs, nw->nruns * sizeof(*nw->runs));
	for (size_t i = 0; i < nw->nruns; i++)
		first->run_unit[first->nruns + i] = u;
	first->nruns += nw->nruns;
	first->invocations++;
	first->ids_missing |= nw->ids_missing;
	if (!first->have_once && nw->have_once) {
		first->once = nw->once;
		first->have_once = true;
	}
	free(nw->runs);
	free(nw->run_unit);
	free(nw->units);
	memset(nw, 0, sizeof(*nw));
}

static void load_set(const char *path, struct set *set)
{
	struct dirent **names;
	struct stat st;
	int n;

	memset(set, 0, sizeof(*set));
	set->path = path;
	if (stat(path, &st) || !S_ISDIR(st.st_mode))
		bad("%s: no such results directory", path);
	if (exists(path, "manifest.json") || exists(path, "INCOMPLETE")) {
		set->s = calloc(1, sizeof(*set->s));
		if (!set->s)
			bad("out of memory");
		load_scen(path, &set->s[0]);
		set->n = 1;
		return;
	}
	n = scandir(path, &names, is_dir_entry, alphasort);
	if (n < 0)
		bad("%s: %s", path, strerror(errno));
	set->s = calloc((size_t)n + 1, sizeof(*set->s));
	if (!set->s)
		bad("out of memory");
	for (int i = 0; i < n; i++) {
		char sub[PATH_MAX];

		snprintf(sub, sizeof(sub), "%s/%s", path, names[i]->d_name);
		free(names[i]);
		if (stat(sub, &st) || !S_ISDIR(st.st_mode) ||
		    (!exists(sub, "manifest.json") && !exists(sub, "INCOMPLETE")))
			continue;
		load_scen(sub, &set->s[set->n]);
		struct scen *nw = &set->s[set->n], *first = NULL;

		for (size_t k = 0; k < set->n && !first; k++)
			if (same_place(&set->s[k], nw) && !set->s[k].skipped && !nw->skipped)
				first = &set->s[k];
		if (!first) {
			set->n++;
			continue;
		}
		merge_scen(first, nw);
	}
	free(names);
	if (!set->n)
		bad("%s: no results here (no manifest.json in it or in its subdirectories)", path);
}

/* ---- building the comparison --------------------------------------------- */

static json_t *num_or_null(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

/* ---- units ---------------------------------------------------------- */

/* a unit as compared: an invocation, or all invocations of one boot */
struct group {
	char key[PATH_MAX];
	long round;		/* -1: none, or the invocations disagree */
	size_t nruns;
	double sum[CS_NRUN_METRICS];
	size_t cnt[CS_NRUN_METRICS];
};

struct grouping {
	struct group *g;
	size_t n;
};

static void group_units(const struct scen *s, bool by_boot, struct grouping *gr)
{
	size_t *map = calloc(s->nunits + 1, sizeof(*map));

	gr->g = calloc(s->nunits + 1, sizeof(*gr->g));
	gr->n = 0;
	if (!map || !gr->g)
		bad("out of memory");
	for (size_t u = 0; u < s->nunits; u++) {
		const char *key = by_boot ? s->units[u].boot : s->units[u].id;
		size_t k;

		for (k = 0; k < gr->n; k++)
			if (!strcmp(gr->g[k].key, key))
				break;
		if (k == gr->n) {
			snprintf(gr->g[k].key, sizeof(gr->g[k].key), "%s", key);
			gr->g[k].round = s->units[u].round;
			gr->n++;
		} else if (gr->g[k].round != s->units[u].round) {
			gr->g[k].round = -1;
		}
		map[u] = k;
	}
	for (size_t i = 0; i < s->nruns; i++) {
		struct group *g = &gr->g[map[s->run_unit[i]]];

		g->nruns++;
		for (int m = 0; m < CS_NRUN_METRICS; m++)
			if (s->runs[i].have[m]) {
				g->sum[m] += s->runs[i].v[m];
				g->cnt[m]++;
			}
	}
	free(map);
}

/* unit values of metric @m (mean of the unit's runs); units without it skipped */
static json_t *unit_values(const struct grouping *gr, int m, double *out, size_t *n)
{
	json_t *a = json_array();

	*n = 0;
	for (size_t k = 0; k < gr->n; k++)
		if (gr->g[k].cnt[m]) {
			out[*n] = gr->g[k].sum[m] / (double)gr->g[k].cnt[m];
			json_array_append_new(a, json_real(out[(*n)++]));
		}
	return a;
}

static json_t *run_values(const struct scen *s, int m, size_t *n)
{
	json_t *a = json_array();

	*n = 0;
	for (size_t i = 0; i < s->nruns; i++)
		if (s->runs[i].have[m]) {
			json_array_append_new(a, json_real(s->runs[i].v[m]));
			(*n)++;
		}
	return a;
}

/* lowest per-unit walker CPU share in the untimed phase; 1 when unknown */
static double min_share(const struct grouping *gr)
{
	double m = 1;

	for (size_t k = 0; k < gr->n; k++)
		if (gr->g[k].cnt[CS_U_SHARE])
			m = fmin(m, gr->g[k].sum[CS_U_SHARE] / (double)gr->g[k].cnt[CS_U_SHARE]);
	return m;
}

static bool rounds_unique(const struct grouping *gr, int m)
{
	for (size_t i = 0; i < gr->n; i++) {
		if (!gr->g[i].cnt[m])
			continue;
		if (gr->g[i].round < 0)
			return false;
		for (size_t j = 0; j < i; j++)
			if (gr->g[j].cnt[m] && gr->g[j].round == gr->g[i].round)
				return false;
	}
	return true;
}

/*
 * Pairs by round when both sides carry round numbers and every round has
 * exactly one unit of each side: x[i], y[i] of round i. False otherwise.
 */
static bool pair_by_round(const struct grouping *b, const struct grouping *o, int m,
			  double *x, double *y, size_t *n)
{
	size_t nb = 0, no = 0;

	*n = 0;
	if (!rounds_unique(b, m) || !rounds_unique(o, m))
		return false;
	for (size_t k = 0; k < o->n; k++)
		no += o->g[k].cnt[m] > 0;
	for (size_t i = 0; i < b->n; i++) {
		const struct group *gb = &b->g[i], *go = NULL;

		if (!gb->cnt[m])
			continue;
		nb++;
		for (size_t k = 0; k < o->n; k++)
			if (o->g[k].cnt[m] && o->g[k].round == gb->round)
				go = &o->g[k];
		if (!go)
			return false;
		x[*n] = gb->sum[m] / (double)gb->cnt[m];
		y[*n] = go->sum[m] / (double)go->cnt[m];
		(*n)++;
	}
	return nb == no && *n >= 2;
}

static double geomean(const double *x, size_t n)
{
	double s = 0;

	for (size_t i = 0; i < n; i++) {
		if (!(x[i] > 0) || !isfinite(x[i]))
			return NAN;
		s += log(x[i]);
	}
	return n ? exp(s / (double)n) : NAN;
}

static void set_info(json_t *o, const char *what, const struct set *set, const struct scen *s)
{
	json_object_set_new(o, what, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s?}",
		"set", set->path, "variant", s->mf.variant,
		"kernel_release", s->mf.kernel_release, "kernel_version", s->mf.kernel_version,
		"kernel_config_sha256", s->mf.config_sha, "dir", s->dir));
}

/* the test's name and the verdict's words for a per-unit row */
static void unit_words(const struct cs_ratio *t, bool sig, bool paired, size_t np, size_t nx,
		       size_t ny, const char *unit_name, char *test, size_t tlen,
		       char *verdict, size_t vlen)
{
	if (paired)
		snprintf(test, tlen, "paired t on per-round log ratios (paired by round, %zu rounds)", np);
	else if (t->ci)
		snprintf(test, tlen, "Welch t on log unit values");
	else
		snprintf(test, tlen, "none: fewer than 2 units on a side");
	if (t->ci)
		snprintf(verdict, vlen, "%s", sig ? "difference at 95% confidence" :
			 "no difference proven");
	else if (nx == 1 && ny == 1)
		snprintf(verdict, vlen, "between-unit variance unknown: 1 unit (%s) per side",
			 unit_name);
	else
		snprintf(verdict, vlen, "between-unit variance unknown: %zu unit(s) (%s) in BASE, %zu in OTHER",
			 nx, unit_name, ny);
}

/* the log-ratio test's numbers; @bc the base centre, for the shift */
static void ratio_fields(json_t *r, const struct cs_ratio *t, double bc)
{
	json_object_set_new(r, "change_pct", num_or_null(100 * t->change));
	json_object_set_new(r, "change_ci_pct", json_pack("[o,o]", num_or_null(100 * t->lo),
							  num_or_null(100 * t->hi)));
	json_object_set_new(r, "ci_half_width_pct", num_or_null(50 * (t->hi - t->lo)));
	json_object_set_new(r, "mde_pct", num_or_null(100 * t->mde));
	json_object_set_new(r, "df", num_or_null(t->df));
	json_object_set_new(r, "se_log", num_or_null(t->se));
	json_object_set_new(r, "t", num_or_null(t->t));
	json_object_set_new(r, "p", num_or_null(t->p));
	json_object_set_new(r, "shift", num_or_null(bc * t->change));
	json_object_set_new(r, "shift_ci", json_pack("[o,o]", num_or_null(bc * t->lo),
						     num_or_null(bc * t->hi)));
}

/* BASE's units @x against OTHER's @y (both sides have some) into row @r */
static void unit_compare(json_t *r, int m, const struct grouping *gb, const struct grouping *go,
			 double *x, size_t nx, double *y, size_t ny, double *px, double *py,
			 const char *unit_name)
{
	struct cs_ratio t;
	struct cs_shift u;
	size_t np;
	double bc = geomean(x, nx);
	bool paired = pair_by_round(gb, go, m, px, py, &np);
	bool sig;
	char test[160], verdict[200];

	if (paired ? cs_paired_log(px, py, np, CONF, &t) :
		     cs_welch_log(x, nx, y, ny, CONF, &t)) {
		json_object_set_new(r, "test", json_string("none: a unit value is <= 0"));
		json_object_set_new(r, "change_ci_pct", json_pack("[n,n]"));
		json_object_set_new(r, "mark", json_string("~"));
		json_object_set_new(r, "verdict", json_string(
			"no log-scale test: a unit value is <= 0"));
		return;
	}
	sig = t.ci && (t.lo > 0 || t.hi < 0);
	unit_words(&t, sig, paired, np, nx, ny, unit_name, test, sizeof(test), verdict,
		   sizeof(verdict));
	json_object_set_new(r, "test", json_string(test));
	json_object_set_new(r, "paired", json_boolean(paired));
	ratio_fields(r, &t, bc);
	if (nx >= 2 && ny >= 2 && !cs_shift_test(x, nx, y, ny, CONF, &u)) {
		json_object_set_new(r, "p_mw", num_or_null(u.p));
		json_object_set_new(r, "u_mw", num_or_null(u.u));
	} else {
		json_object_set_new(r, "p_mw", json_null());
	}
	json_object_set_new(r, "mark", json_string(sig ? "*" : "~"));
	json_object_set_new(r, "verdict", json_string(verdict));
}

static json_t *row_unit_metric(int m, const struct scen *b, const struct grouping *gb,
			       const struct scen *o, const struct grouping *go,
			       const char *unit_name)
{
	const struct cs_metric_info *mi = &cs_run_metrics[m];
	size_t nx, ny, rx, ry;
	double *x = calloc(gb->n + 1, sizeof(*x)), *y = calloc(go->n + 1, sizeof(*y));
	double *px = calloc(gb->n + 1, sizeof(*px)), *py = calloc(go->n + 1, sizeof(*py));
	json_t *r = json_pack("{s:s,s:s,s:s,s:s}", "metric", mi->name, "what", mi->what,
			      "unit", mi->unit, "kind", "per-unit");

	if (!x || !y || !px || !py)
		bad("out of memory");
	json_object_set_new(r, "base_values", unit_values(gb, m, x, &nx));
	json_object_set_new(r, "other_values", unit_values(go, m, y, &ny));
	json_object_set_new(r, "base_run_values", run_values(b, m, &rx));
	json_object_set_new(r, "other_run_values", run_values(o, m, &ry));
	if (!nx && !ny) {
		json_decref(r);
		r = NULL;
		goto out;
	}
	json_object_set_new(r, "n_base", json_integer((json_int_t)nx));
	json_object_set_new(r, "n_other", json_integer((json_int_t)ny));
	json_object_set_new(r, "n_base_runs", json_integer((json_int_t)rx));
	json_object_set_new(r, "n_other_runs", json_integer((json_int_t)ry));
	json_object_set_new(r, "base_median", num_or_null(cs_median(x, nx)));
	json_object_set_new(r, "other_median", num_or_null(cs_median(y, ny)));
	json_object_set_new(r, "base_center", num_or_null(geomean(x, nx)));
	json_object_set_new(r, "other_center", num_or_null(geomean(y, ny)));
	if (!nx || !ny) {
		json_object_set_new(r, "mark", json_string("missing"));
		json_object_set_new(r, "verdict", json_string(!nx ? "missing in BASE" : "missing in OTHER"));
	} else {
		unit_compare(r, m, gb, go, x, nx, y, ny, px, py, unit_name);
	}
out:
	free(x);
	free(y);
	free(px);
	free(py);
	return r;
}

static json_t *row_once_metric(int m, const struct scen *b, const struct scen *o)
{
	const struct cs_metric_info *mi = &cs_once_metrics[m];
	bool hb = b && b->have_once && b->once.have[m];
	bool ho = o && o->have_once && o->once.have[m];
	json_t *r;

	if (!hb && !ho)
		return NULL;
	r = json_pack("{s:s,s:s,s:s,s:s}", "metric", mi->name, "what", mi->what,
		      "unit", mi->unit, "kind", "once per set");
	json_object_set_new(r, "base_values", hb ? json_pack("[f]", b->once.v[m]) : json_array());
	json_object_set_new(r, "other_values", ho ? json_pack("[f]", o->once.v[m]) : json_array());
	json_object_set_new(r, "n_base", json_integer(hb));
	json_object_set_new(r, "n_other", json_integer(ho));
	json_object_set_new(r, "base_median", hb ? json_real(b->once.v[m]) : json_null());
	json_object_set_new(r, "other_median", ho ? json_real(o->once.v[m]) : json_null());
	if (hb && ho) {
		double d = o->once.v[m] - b->once.v[m];

		json_object_set_new(r, "shift", json_real(d));
		json_object_set_new(r, "change_pct", b->once.v[m] != 0 ?
				    json_real(100 * d / fabs(b->once.v[m])) : json_null());
		json_object_set_new(r, "ci_method", json_string("none: one value per set"));
		json_object_set_new(r, "mark", json_string("single"));
		json_object_set_new(r, "verdict", json_string("single values, no CI"));
	} else {
		json_object_set_new(r, "mark", json_string("missing"));
		json_object_set_new(r, "verdict", json_string(!hb ? "missing in BASE" : "missing in OTHER"));
	}
	return r;
}

/* mean over the invocations of manifest inject.measured_ns (0 without) */
static double mean_inject(const struct scen *s)
{
	double t = 0;

	for (size_t u = 0; u < s->nunits; u++)
		t += s->units[u].inject_measured_ns;
	return s->nunits ? t / (double)s->nunits : NAN;
}

/* what is compared: scenario, machine, the two sides, runs, invocations, inject */
static void scen_describe(json_t *c, const struct set *bs, const struct scen *b,
			  const struct set *os, const struct scen *o)
{
	const struct cs_manifest *mf = b ? &b->mf : &o->mf;
	char label[192];

	snprintf(label, sizeof(label), "%s, %ld pages, %s%s%s%s", mf->walker, mf->pages,
		 strcmp(mf->trigger, "none") ? "trigger " : "no trigger",
		 strcmp(mf->trigger, "none") ? mf->trigger : "",
		 mf->trigger_mm[0] ? " " : "", mf->trigger_mm[0] ? mf->trigger_mm : "");
	if (mf->trigger_mm[0])
		strncat(label, " mm", sizeof(label) - strlen(label) - 1);
	json_object_set_new(c, "scenario", json_pack("{s:s,s:s,s:s,s:I,s:s}",
		"walker", mf->walker, "trigger", mf->trigger, "trigger_mm", mf->trigger_mm,
		"pages", (json_int_t)mf->pages, "label", label));
	json_object_set_new(c, "machine", json_pack("{s:s,s:s,s:I}", "arch", mf->arch,
		"cpu_model", mf->cpu_model, "cpus_online_count", (json_int_t)mf->cpus));
	json_object_set_new(c, "timing_note", mf->timing_note[0] ? json_string(mf->timing_note)
							      : json_null());
	if (b)
		set_info(c, "base", bs, b);
	else
		json_object_set_new(c, "base", json_pack("{s:s}", "set", bs->path));
	if (o)
		set_info(c, "other", os, o);
	else
		json_object_set_new(c, "other", json_pack("{s:s}", "set", os->path));
	json_object_set_new(c, "base_runs", json_integer(b ? (json_int_t)b->nruns : 0));
	json_object_set_new(c, "other_runs", json_integer(o ? (json_int_t)o->nruns : 0));
	json_object_set_new(c, "base_invocations", json_integer(b ? b->invocations + 1 : 0));
	json_object_set_new(c, "other_invocations", json_integer(o ? o->invocations + 1 : 0));
	json_object_set_new(c, "inject_ns", json_pack("[o,o]", num_or_null(b ? b->mf.inject_ns : NAN),
						      num_or_null(o ? o->mf.inject_ns : NAN)));
	json_object_set_new(c, "inject_measured_ns", json_pack("[o,o]",
		num_or_null(b ? mean_inject(b) : NAN), num_or_null(o ? mean_inject(o) : NAN)));
}

/* the warning of a scenario missing or skipped on a side */
static void scen_missing(json_t *warn, const struct scen *b, const struct scen *o)
{
	char w[PATH_MAX + 512];
	const struct scen *sk = b && b->skipped ? b : o && o->skipped ? o : NULL;

	if (sk)
		snprintf(w, sizeof(w), "scenario skipped in %s (%s): %s",
			 sk == b ? "BASE" : "OTHER", sk->dir,
			 sk->mf.skip_reason[0] ? sk->mf.skip_reason : "no reason given");
	else
		snprintf(w, sizeof(w), "scenario missing in %s", !b ? "BASE" : "OTHER");
	json_array_append_new(warn, json_string(w));
}

/*
 * The unit of replication: the boot when the sides run different kernels
 * and every unit has a boot id, else the invocation (with a warning when
 * the kernels differ). Returns true for the boot.
 */
static bool unit_is_boot(const struct scen *b, const struct scen *o, json_t *warn)
{
	char w[PATH_MAX + 512];
	bool boots = true;

	if (!strcmp(b->mf.kernel_release, o->mf.kernel_release))
		return false;
	for (size_t u = 0; u < b->nunits; u++)
		boots &= b->units[u].boot[0] != 0;
	for (size_t u = 0; u < o->nunits; u++)
		boots &= o->units[u].boot[0] != 0;
	if (boots)
		return true;
	snprintf(w, sizeof(w), "sides differ in kernel_release (%s, %s) but boot ids are missing: invocations are the units, boot-to-boot variance is not covered",
		 b->mf.kernel_release, o->mf.kernel_release);
	json_array_append_new(warn, json_string(w));
	return false;
}

/* what the reader must know about the units: ids, boots, how few, CPU share */
static void unit_warnings(json_t *warn, const struct scen *b, const struct grouping *gb,
			  const struct scen *o, const struct grouping *go, bool by_boot,
			  const char *uname)
{
	char w[PATH_MAX + 512];
	size_t few = gb->n < go->n ? gb->n : go->n;

	if (b->ids_missing || o->ids_missing) {
		snprintf(w, sizeof(w), "unit ids missing%s%s: each run directory is a unit",
			 b->ids_missing ? " in BASE" : "",
			 o->ids_missing ? (b->ids_missing ? " and OTHER" : " in OTHER") : "");
		json_array_append_new(warn, json_string(w));
	}
	if (by_boot) {
		snprintf(w, sizeof(w), "sides differ in kernel_release (%s, %s): the unit is the boot; BASE %zu boot(s) from %zu invocation(s), OTHER %zu from %zu",
			 b->mf.kernel_release, o->mf.kernel_release, gb->n, b->nunits,
			 go->n, o->nunits);
		json_array_append_new(warn, json_string(w));
	}
	if (few < 2) {
		if (gb->n == 1 && go->n == 1)
			snprintf(w, sizeof(w), "between-unit variance unknown: 1 unit (%s) per side: change without an interval",
				 uname);
		else
			snprintf(w, sizeof(w), "between-unit variance unknown: BASE %zu unit(s) (%s), OTHER %zu: change without an interval",
				 gb->n, uname, go->n);
		json_array_append_new(warn, json_string(w));
	} else if (few < FEW_UNITS) {
		snprintf(w, sizeof(w), "fewer than %d units a side (BASE %zu, OTHER %zu %ss): the between-unit variance is poorly known; intervals are computed but fragile, use >= 8 interleaved rounds",
			 FEW_UNITS, gb->n, go->n, uname);
		json_array_append_new(warn, json_string(w));
	}
	if (min_share(gb) < 0.9 || min_share(go) < 0.9) {
		snprintf(w, sizeof(w), "walkers had as little as %.0f%% (BASE) / %.0f%% (OTHER) of their CPUs in the untimed phase (per unit; other load): wall ns/call then includes waiting, and an added cost shows up scaled by 1/share",
			 100 * fmin(min_share(gb), 1), 100 * fmin(min_share(go), 1));
		json_array_append_new(warn, json_string(w));
	}
	if (strcmp(b->mf.walker, "gup-test") == 0)
		json_array_append_new(warn, json_string(
			"walker gup-test: latency is the in-kernel gup_test time per call"));
}

/* both sides present and run: units, warnings, one row per metric */
static void scen_compared(json_t *c, json_t *rows, json_t *warn, const struct scen *b,
			  const struct scen *o)
{
	struct grouping gb, go;
	bool by_boot;
	const char *uname;

	json_object_set_new(c, "status", json_string("compared"));
	by_boot = unit_is_boot(b, o, warn);
	uname = by_boot ? "boot" : "invocation";
	group_units(b, by_boot, &gb);
	group_units(o, by_boot, &go);
	json_object_set_new(c, "unit", json_string(uname));
	json_object_set_new(c, "base_units", json_integer((json_int_t)gb.n));
	json_object_set_new(c, "other_units", json_integer((json_int_t)go.n));
	unit_warnings(warn, b, &gb, o, &go, by_boot, uname);
	for (int m = 0; m < CS_NRUN_METRICS; m++) {
		json_t *r = row_unit_metric(m, b, &gb, o, &go, uname);

		if (r)
			json_array_append_new(rows, r);
	}
	free(gb.g);
	free(go.g);
	for (int m = 0; m < CS_NONCE_METRICS; m++) {
		json_t *r = row_once_metric(m, b, o);

		if (r)
			json_array_append_new(rows, r);
	}
	if (b->have_once && b->once.ipi_reason[0])
		json_object_set_new(c, "base_ipi_note", json_string(b->once.ipi_reason));
	if (o->have_once && o->once.ipi_reason[0])
		json_object_set_new(c, "other_ipi_note", json_string(o->once.ipi_reason));
	if (b->have_once && b->once.cyc_reason[0])
		json_object_set_new(c, "base_cyclictest_note", json_string(b->once.cyc_reason));
}

static json_t *compare_scen(const struct set *bs, const struct scen *b,
			    const struct set *os, const struct scen *o)
{
	json_t *c = json_object(), *rows = json_array(), *warn = json_array();

	scen_describe(c, bs, b, os, o);
	if (!b || !o || b->skipped || o->skipped) {
		scen_missing(warn, b, o);
		json_object_set_new(c, "status", json_string("missing"));
	} else {
		scen_compared(c, rows, warn, b, o);
	}
	json_object_set_new(c, "warnings", warn);
	json_object_set_new(c, "metrics", rows);
	return c;
}

static void describe_machines(const struct set *s, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = 0;
	for (size_t i = 0; i < s->n && off < len; i++) {
		char k[300];
		bool dup = false;

		for (size_t j = 0; j < i; j++) {
			char k2[300];

			machine_key(&s->s[j].mf, k2, sizeof(k2));
			machine_key(&s->s[i].mf, k, sizeof(k));
			dup |= !strcmp(k, k2);
		}
		if (dup)
			continue;
		off += (size_t)snprintf(buf + off, len - off, "%s%s \"%s\" %ld CPUs",
					off ? ", " : "", s->s[i].mf.arch, s->s[i].mf.cpu_model,
					s->s[i].mf.cpus);
	}
}

static void compare_sets(const struct set *b, const struct set *o, json_t *out)
{
	bool common = false;

	for (size_t i = 0; i < b->n; i++)
		for (size_t j = 0; j < o->n; j++) {
			char k1[300], k2[300];

			machine_key(&b->s[i].mf, k1, sizeof(k1));
			machine_key(&o->s[j].mf, k2, sizeof(k2));
			common |= !strcmp(k1, k2);
		}
	if (!common) {
		char m1[512], m2[512];

		describe_machines(b, m1, sizeof(m1));
		describe_machines(o, m2, sizeof(m2));
		bad("refusing to compare %s (%s) with %s (%s): different machine or architecture; compare each set only against a baseline from its own machine",
		    b->path, m1, o->path, m2);
	}
	for (size_t i = 0; i < b->n; i++) {
		const struct scen *bs = &b->s[i], *match = NULL;

		if (!bs->dir[0])
			continue;
		for (size_t j = 0; j < o->n; j++)
			if (o->s[j].dir[0] && same_place(bs, &o->s[j]))
				match = &o->s[j];
		json_array_append_new(out, compare_scen(b, bs, o, match));
	}
	for (size_t j = 0; j < o->n; j++) {
		bool found = false;

		if (!o->s[j].dir[0])
			continue;
		for (size_t i = 0; i < b->n; i++)
			found |= b->s[i].dir[0] && same_place(&b->s[i], &o->s[j]);
		if (!found)
			json_array_append_new(out, compare_scen(b, NULL, o, &o->s[j]));
	}
}

/* ---- within-invocation A/B (gupbench --ab-*) ------------------------------ */

/*
 * Unit value: the mean over the invocation's runs of log(median B/A of the
 * run's pairs); the change and its CI: one-sample t over the units of the
 * set (cs_paired_log against 1). The known answer (--ab-inject-ns): B's
 * extra delay as it ran over A's median ns/call, averaged over the runs.
 */
static json_t *ab_within(const struct set *set, const struct scen *s)
{
	double *lr = calloc(s->nunits, sizeof(*lr)), *one = calloc(s->nunits, sizeof(*one));
	double *ratio = calloc(s->nunits, sizeof(*ratio)), known = 0;
	size_t *cnt = calloc(s->nunits, sizeof(*cnt)), n = 0, nk = 0, runs = 0;
	json_t *r, *vals = json_array();
	struct cs_ratio t;

	if (!lr || !one || !ratio || !cnt)
		bad("out of memory");
	for (size_t i = 0; i < s->nruns; i++) {
		const struct cs_run *x = &s->runs[i];

		if (!x->have_ab)
			continue;
		lr[s->run_unit[i]] += x->ab_log_ratio;
		cnt[s->run_unit[i]]++;
		runs++;
		if (isfinite(x->ab_b_inject_ns)) {
			known += x->ab_b_inject_ns / x->ab_a_ns;
			nk++;
		}
	}
	for (size_t u = 0; u < s->nunits; u++)
		if (cnt[u]) {
			one[n] = 1;
			ratio[n] = exp(lr[u] / (double)cnt[u]);
			json_array_append_new(vals, json_real(100 * (ratio[n] - 1)));
			n++;
		}
	r = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:o}", "set", set->path,
		      "variant", s->mf.variant, "scenario", s->mf.walker, "b", s->mf.ab_what,
		      "units", (json_int_t)n, "runs", (json_int_t)runs, "unit_change_pct", vals);
	if (n && !cs_paired_log(one, ratio, n, CONF, &t)) {
		json_object_set_new(r, "change_pct", json_real(100 * t.change));
		json_object_set_new(r, "ci_pct", t.ci ? json_pack("[f,f]", 100 * t.lo, 100 * t.hi) :
				    json_pack("[n,n]"));
		json_object_set_new(r, "ci_half_width_pct", t.ci ?
				    json_real(50 * (t.hi - t.lo)) : json_null());
		json_object_set_new(r, "mde_pct", num_or_null(100 * t.mde));
		json_object_set_new(r, "p", num_or_null(t.p));
		json_object_set_new(r, "mark", json_string(!t.ci ? "single" :
				    (t.lo > 0 || t.hi < 0) ? "*" : "~"));
	}
	json_object_set_new(r, "known_pct", nk ? json_real(100 * known / (double)nk) : json_null());
	json_object_set_new(r, "timing_note", s->mf.timing_note[0] ?
			    json_string(s->mf.timing_note) : json_null());
	free(lr);
	free(one);
	free(ratio);
	free(cnt);
	return r;
}

static void ab_sets(json_t *out)
{
	for (int i = 0; i < nsets; i++)
		for (size_t k = 0; k < sets[i].n; k++) {
			const struct scen *s = &sets[i].s[k];
			bool any = false;

			for (size_t j = 0; s->dir[0] && j < s->nruns; j++)
				any |= s->runs[j].have_ab;
			if (any)
				json_array_append_new(out, ab_within(&sets[i], s));
		}
}

/* ---- output ------------------------------------------------------------- */

static double jnum(const json_t *o, const char *k)
{
	const json_t *j = json_object_get(o, k);

	return json_is_number(j) ? json_number_value(j) : NAN;
}

/* element @i of JSON array @a as a number, NAN if it is not one */
static double jidx(const json_t *a, size_t i)
{
	const json_t *v = json_array_get(a, i);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

static const char *jstr(const json_t *o, const char *k)
{
	const json_t *j = json_object_get(o, k);

	return json_is_string(j) ? json_string_value(j) : "";
}

static char *fmt_val(double v, char *buf, size_t len)
{
	double a = fabs(v);

	if (!isfinite(v))
		snprintf(buf, len, "-");
	else if (a >= 1000)
		snprintf(buf, len, "%.0f", v);
	else if (a >= 10)
		snprintf(buf, len, "%.1f", v);
	else
		snprintf(buf, len, "%.3f", v);
	return buf;
}

static char *fmt_pct(double v, char *buf, size_t len)
{
	if (!isfinite(v))
		snprintf(buf, len, "n/a");
	else
		snprintf(buf, len, "%+.2f%%", v);
	return buf;
}

/* the head of one comparison: sets, machine, unit, notes, warnings */
static void print_comparison_head(FILE *f, const json_t *c)
{
	const json_t *b = json_object_get(c, "base"), *o = json_object_get(c, "other");
	const json_t *mach = json_object_get(c, "machine"), *w;
	size_t k;

	fprintf(f, "\n== %s vs %s: %s ==\n", jstr(o, "variant")[0] ? jstr(o, "variant") : jstr(o, "set"),
		jstr(b, "variant")[0] ? jstr(b, "variant") : jstr(b, "set"),
		jstr(json_object_get(c, "scenario"), "label"));
	fprintf(f, "machine: %s \"%s\", %lld CPUs online\n", jstr(mach, "arch"),
		jstr(mach, "cpu_model"),
		(long long)json_integer_value(json_object_get(mach, "cpus_online_count")));
	fprintf(f, "BASE:  %s  kernel %s  config %.12s  %lld runs  %lld invocation(s)  %s\n",
		jstr(b, "variant"), jstr(b, "kernel_release"), jstr(b, "kernel_config_sha256"),
		(long long)json_integer_value(json_object_get(c, "base_runs")),
		(long long)json_integer_value(json_object_get(c, "base_invocations")),
		jstr(b, "dir")[0] ? jstr(b, "dir") : jstr(b, "set"));
	fprintf(f, "OTHER: %s  kernel %s  config %.12s  %lld runs  %lld invocation(s)  %s\n",
		jstr(o, "variant"), jstr(o, "kernel_release"), jstr(o, "kernel_config_sha256"),
		(long long)json_integer_value(json_object_get(c, "other_runs")),
		(long long)json_integer_value(json_object_get(c, "other_invocations")),
		jstr(o, "dir")[0] ? jstr(o, "dir") : jstr(o, "set"));
	if (json_is_string(json_object_get(c, "unit")))
		fprintf(f, "unit of replication: %s (BASE %lld, OTHER %lld units)\n",
			jstr(c, "unit"),
			(long long)json_integer_value(json_object_get(c, "base_units")),
			(long long)json_integer_value(json_object_get(c, "other_units")));
	if (json_is_string(json_object_get(c, "timing_note")))
		fprintf(f, "note: %s\n", jstr(c, "timing_note"));
	json_array_foreach(json_object_get(c, "warnings"), k, w)
		fprintf(f, "warning: %s\n", json_string_value(w));
}

/* the interval columns of a metric row: CI, its half width, MDE, p, p(U) */
static void metric_ci_cols(const json_t *r, char ci[80], char hw[32], char mde[32],
			   char pt[32], char pu[32])
{
	const json_t *cp = json_object_get(r, "change_ci_pct");
	char lo[32], hi[32];

	if (json_is_number(json_array_get(cp, 0))) {
		snprintf(ci, 80, "[%s, %s]", fmt_pct(jidx(cp, 0), lo, sizeof(lo)),
			 fmt_pct(jidx(cp, 1), hi, sizeof(hi)));
		snprintf(hw, 32, "%.2f%%", jnum(r, "ci_half_width_pct"));
		snprintf(mde, 32, "%.2f%%", jnum(r, "mde_pct"));
		snprintf(pt, 32, "%.4f", jnum(r, "p"));
	} else {
		snprintf(ci, 80, "(no interval)");
		snprintf(hw, 32, "-");
		snprintf(mde, 32, "-");
		snprintf(pt, 32, "-");
	}
	if (isfinite(jnum(r, "p_mw")))
		snprintf(pu, 32, "%.4f", jnum(r, "p_mw"));
	else
		snprintf(pu, 32, "-");
}

/* one row of the metric table (*once_hdr: the once-per-set header is out) */
static void print_metric_row(FILE *f, const json_t *r, bool *once_hdr)
{
	char name[80], v1[32], v2[32], ch[32], ci[80], hw[32], mde[32];
	char un[32], rn[32], pt[32], pu[32];
	const char *mark = jstr(r, "mark");
	const json_t *cp = json_object_get(r, "change_ci_pct");

	if (!strcmp(jstr(r, "kind"), "once per set") && !*once_hdr) {
		fprintf(f, "-- once per set: single values, no CI --\n");
		*once_hdr = true;
	}
	snprintf(name, sizeof(name), "%s (%s)", jstr(r, "what"), jstr(r, "unit"));
	if (!strcmp(jstr(r, "kind"), "per-unit")) {
		fmt_val(jnum(r, "base_center"), v1, sizeof(v1));
		fmt_val(jnum(r, "other_center"), v2, sizeof(v2));
	} else {
		fmt_val(jnum(r, "base_median"), v1, sizeof(v1));
		fmt_val(jnum(r, "other_median"), v2, sizeof(v2));
	}
	fmt_pct(jnum(r, "change_pct"), ch, sizeof(ch));
	if (!strcmp(mark, "missing")) {
		fprintf(f, "%-34s %5s %7s %10s %10s  missing: %s\n", name, "", "", v1, v2,
			jstr(r, "verdict"));
		return;
	}
	if (!strcmp(mark, "single")) {
		fprintf(f, "%-34s %5s %7s %10s %10s %8s %20s\n", name, "1/1", "", v1, v2, ch,
			"(single value)");
		return;
	}
	snprintf(un, sizeof(un), "%lld/%lld",
		 (long long)json_integer_value(json_object_get(r, "n_base")),
		 (long long)json_integer_value(json_object_get(r, "n_other")));
	snprintf(rn, sizeof(rn), "%lld/%lld",
		 (long long)json_integer_value(json_object_get(r, "n_base_runs")),
		 (long long)json_integer_value(json_object_get(r, "n_other_runs")));
	metric_ci_cols(r, ci, hw, mde, pt, pu);
	fprintf(f, "%-34s %5s %7s %10s %10s %8s %20s %7s %7s %7s %7s %s %s\n", name, un, rn,
		v1, v2, ch, ci, hw, mde, pt, pu, mark,
		json_is_number(json_array_get(cp, 0)) ?
		(json_is_true(json_object_get(r, "paired")) ? "paired by round" : "Welch") :
		jstr(r, "verdict"));
}

/* the per-unit values of each per-unit metric of comparison @c */
static void print_unit_values(FILE *f, const json_t *c)
{
	const json_t *r;
	size_t k;

	fprintf(f, "per-unit values (BASE | OTHER; BASE/OTHER = geometric mean of unit values):\n");
	json_array_foreach(json_object_get(c, "metrics"), k, r) {
		const json_t *v;
		size_t q;
		char buf[32];

		if (strcmp(jstr(r, "kind"), "per-unit"))
			continue;
		fprintf(f, "  %-20s", jstr(r, "metric"));
		json_array_foreach(json_object_get(r, "base_values"), q, v)
			fprintf(f, " %s", fmt_val(json_number_value(v), buf, sizeof(buf)));
		fprintf(f, " |");
		json_array_foreach(json_object_get(r, "other_values"), q, v)
			fprintf(f, " %s", fmt_val(json_number_value(v), buf, sizeof(buf)));
		fputc('\n', f);
	}
}

/* the A/B-within-invocation table (rows of "ab_within"), if there are rows */
static void print_ab_within(FILE *f, const json_t *rows)
{
	const json_t *r;
	size_t i;

	if (json_array_size(rows)) {
		fprintf(f, "\n== A/B within invocations (paired slices; unit = invocation; "
			"t interval over the units) ==\n");
		fprintf(f, "%-24s %-9s %6s %5s %9s %21s %8s %8s %8s %5s  %s\n", "set", "walker",
			"units", "runs", "change", "95% CI", "+-CI", "MDE80", "p", "mark",
			"known / B");
	}
	json_array_foreach(rows, i, r) {
		const json_t *ci = json_object_get(r, "ci_pct");
		char b1[32], b2[32], b3[32], b4[32], b5[32];

		fprintf(f, "%-24s %-9s %6lld %5lld %9s [%8s, %8s] %8s %8s %8.4f %5s  ",
			jstr(r, "variant")[0] ? jstr(r, "variant") : jstr(r, "set"),
			jstr(r, "scenario"), (long long)json_integer_value(json_object_get(r, "units")),
			(long long)json_integer_value(json_object_get(r, "runs")),
			fmt_pct(jnum(r, "change_pct"), b1, sizeof(b1)),
			fmt_pct(jidx(ci, 0), b2, sizeof(b2)), fmt_pct(jidx(ci, 1), b3, sizeof(b3)),
			fmt_pct(jnum(r, "ci_half_width_pct"), b4, sizeof(b4)),
			fmt_pct(jnum(r, "mde_pct"), b5, sizeof(b5)), jnum(r, "p"), jstr(r, "mark"));
		if (isfinite(jnum(r, "known_pct")))
			fprintf(f, "known %s; ", fmt_pct(jnum(r, "known_pct"), b1, sizeof(b1)));
		fprintf(f, "%s\n", jstr(r, "b"));
		if (json_is_string(json_object_get(r, "timing_note")))
			fprintf(f, "  note: %s\n", jstr(r, "timing_note"));
		if (json_integer_value(json_object_get(r, "units")) < 2)
			fprintf(f, "  (one invocation: no interval; the unit of replication is "
				"the invocation, run it again)\n");
	}
}

static void print_text(FILE *f, const json_t *all)
{
	const json_t *c, *r;
	size_t i, k;

	fprintf(f, "gupbench compare (%s)\nmethod: %s\n", GUPBENCH_VERSION, method_text);
	json_array_foreach(json_object_get(all, "comparisons"), i, c) {
		bool once_hdr = false;

		print_comparison_head(f, c);
		if (!json_array_size(json_object_get(c, "metrics")))
			continue;
		fprintf(f, "%-34s %5s %7s %10s %10s %8s %20s %7s %7s %7s %7s  %s\n", "metric",
			"units", "runs", "BASE", "OTHER", "change", "95% CI of change", "+-CI",
			"MDE80", "p", "p(U)", "test");
		json_array_foreach(json_object_get(c, "metrics"), k, r)
			print_metric_row(f, r, &once_hdr);
		print_unit_values(f, c);
	}
	print_ab_within(f, json_object_get(all, "ab_within"));
}

static void csv_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void csv_num(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, ",%.10g", v);
	else
		fputc(',', f);
}

static void csv_vals(FILE *f, const json_t *a)
{
	const json_t *v;
	size_t q;

	fputs(",\"", f);
	json_array_foreach(a, q, v)
		fprintf(f, "%s%.10g", q ? " " : "", json_number_value(v));
	fputc('"', f);
}

static void print_csv(FILE *f, const json_t *all)
{
	const json_t *c, *r;
	size_t i, k;

	fprintf(f, "base_variant,other_variant,arch,cpu_model,cpus,walker,trigger,trigger_mm,pages,"
		"metric,unit,kind,unit_of_replication,n_base,n_other,n_base_runs,n_other_runs,"
		"base_center,other_center,base_median,other_median,change_pct,ci_lo_pct,"
		"ci_hi_pct,ci_half_width_pct,mde_pct,df,p,p_mw,shift,shift_ci_lo,shift_ci_hi,"
		"test,mark,verdict,base_values,other_values,base_dir,other_dir\n");
	json_array_foreach(json_object_get(all, "comparisons"), i, c) {
		const json_t *b = json_object_get(c, "base"), *o = json_object_get(c, "other");
		const json_t *m = json_object_get(c, "machine"), *s = json_object_get(c, "scenario");

		json_array_foreach(json_object_get(c, "metrics"), k, r) {
			const json_t *cp = json_object_get(r, "change_ci_pct");
			const json_t *sc = json_object_get(r, "shift_ci");

			csv_str(f, jstr(b, "variant")); fputc(',', f);
			csv_str(f, jstr(o, "variant")); fputc(',', f);
			csv_str(f, jstr(m, "arch")); fputc(',', f);
			csv_str(f, jstr(m, "cpu_model"));
			fprintf(f, ",%lld,", (long long)json_integer_value(json_object_get(m, "cpus_online_count")));
			csv_str(f, jstr(s, "walker")); fputc(',', f);
			csv_str(f, jstr(s, "trigger")); fputc(',', f);
			csv_str(f, jstr(s, "trigger_mm"));
			fprintf(f, ",%lld,", (long long)json_integer_value(json_object_get(s, "pages")));
			csv_str(f, jstr(r, "metric")); fputc(',', f);
			csv_str(f, jstr(r, "unit")); fputc(',', f);
			csv_str(f, jstr(r, "kind")); fputc(',', f);
			csv_str(f, jstr(c, "unit"));
			fprintf(f, ",%lld,%lld", (long long)json_integer_value(json_object_get(r, "n_base")),
				(long long)json_integer_value(json_object_get(r, "n_other")));
			csv_num(f, jnum(r, "n_base_runs"));
			csv_num(f, jnum(r, "n_other_runs"));
			csv_num(f, jnum(r, "base_center"));
			csv_num(f, jnum(r, "other_center"));
			csv_num(f, jnum(r, "base_median"));
			csv_num(f, jnum(r, "other_median"));
			csv_num(f, jnum(r, "change_pct"));
			csv_num(f, jidx(cp, 0));
			csv_num(f, jidx(cp, 1));
			csv_num(f, jnum(r, "ci_half_width_pct"));
			csv_num(f, jnum(r, "mde_pct"));
			csv_num(f, jnum(r, "df"));
			csv_num(f, jnum(r, "p"));
			csv_num(f, jnum(r, "p_mw"));
			csv_num(f, jnum(r, "shift"));
			csv_num(f, jidx(sc, 0));
			csv_num(f, jidx(sc, 1));
			fputc(',', f); csv_str(f, json_is_string(json_object_get(r, "test")) ? jstr(r, "test") :
					       jstr(r, "ci_method"));
			fputc(',', f); csv_str(f, jstr(r, "mark"));
			fputc(',', f); csv_str(f, jstr(r, "verdict"));
			csv_vals(f, json_object_get(r, "base_values"));
			csv_vals(f, json_object_get(r, "other_values"));
			fputc(',', f); csv_str(f, jstr(b, "dir"));
			fputc(',', f); csv_str(f, jstr(o, "dir"));
			fputc('\n', f);
		}
	}
}

enum fmt { FMT_TEXT, FMT_CSV, FMT_JSON };

static void emit(FILE *f, const json_t *all, enum fmt fmt)
{
	if (fmt == FMT_TEXT)
		print_text(f, all);
	else if (fmt == FMT_CSV)
		print_csv(f, all);
	else {
		json_dumpf(all, f, JSON_INDENT(1) | JSON_REAL_PRECISION(12));
		fputc('\n', f);
	}
}

static void write_out(const char *dir, const char *name, const json_t *all, enum fmt fmt)
{
	char p[PATH_MAX], tmp[PATH_MAX + 8];
	FILE *f;

	if (snprintf(p, sizeof(p), "%s/%s", dir, name) >= (int)sizeof(p))
		bad("%s/%s: path too long", dir, name);
	snprintf(tmp, sizeof(tmp), "%s.tmp", p);
	f = fopen(tmp, "w");
	if (!f) {
		fprintf(stderr, "gupbench compare: %s: %s\n", tmp, strerror(errno));
		exit(EXIT_RUN_FAILED);
	}
	emit(f, all, fmt);
	if (fclose(f) || rename(tmp, p)) {
		fprintf(stderr, "gupbench compare: cannot write %s: %s\n", p, strerror(errno));
		exit(EXIT_RUN_FAILED);
	}
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: gupbench compare BASE OTHER... [-o OUTDIR] [--format text|csv|json]\n"
"       gupbench compare SET...   (sets of gupbench --ab-* invocations)\n"
"BASE and each OTHER are results sets: a results directory, or a directory\n"
"of them (one per scenario). Each OTHER is compared against BASE, scenario\n"
"by scenario, on the same machine only. Runs are grouped into units (an\n"
"invocation; the boot when the sides differ in kernel_release) and the\n"
"unit means compared (Welch t on logs, or paired by round for sets run by\n"
"scripts/interleave); see docs/compare.md. -o also writes compare.txt,\n"
"compare.csv and compare.json into OUTDIR.\n"
"Every set whose runs hold paired A/B slices (gupbench --ab-inject-ns,\n"
"--ab-knob) also gets a within-invocation row: the change B/A, one unit\n"
"value per invocation (mean over its runs of the log median pair ratio),\n"
"t interval over the invocations; one set alone is enough for it.\n"
"Exit status: 0 compared, 2 bad input (missing/incomplete/malformed\n"
"results, sets from different machines).\n");
}

int cmd_compare(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *outdir = NULL;
	enum fmt fmt = FMT_TEXT;
	json_t *all, *cmp;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:f:h", lo, NULL)) != -1) {
		switch (c) {
		case 'o':
			outdir = optarg;
			break;
		case 'f':
			if (!strcmp(optarg, "text"))
				fmt = FMT_TEXT;
			else if (!strcmp(optarg, "csv"))
				fmt = FMT_CSV;
			else if (!strcmp(optarg, "json"))
				fmt = FMT_JSON;
			else
				bad("--format must be text, csv or json, not \"%s\"", optarg);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_BAD_INPUT;
		}
	}
	if (argc - optind < 1)
		bad("need a BASE and at least one OTHER results set, or one set of --ab-* "
		    "runs (see gupbench compare --help)");
	nsets = argc - optind;
	sets = calloc((size_t)nsets, sizeof(*sets));
	if (!sets)
		bad("out of memory");
	for (int i = 0; i < nsets; i++)
		load_set(argv[optind + i], &sets[i]);

	all = json_pack("{s:s,s:s,s:s,s:f}", "tool", "gupbench compare", "version",
			GUPBENCH_VERSION, "method", method_text, "confidence", CONF);
	cmp = json_array();
	for (int i = 1; i < nsets; i++)
		compare_sets(&sets[0], &sets[i], cmp);
	json_object_set_new(all, "comparisons", cmp);
	cmp = json_array();
	ab_sets(cmp);
	json_object_set_new(all, "ab_within", cmp);
	if (nsets == 1 && !json_array_size(cmp))
		bad("need a BASE and at least one OTHER results set: %s alone has no --ab-* "
		    "runs (see gupbench compare --help)", sets[0].path);

	if (outdir) {
		if (mkdir(outdir, 0777) && errno != EEXIST)
			bad("%s: %s", outdir, strerror(errno));
		write_out(outdir, "compare.txt", all, FMT_TEXT);
		write_out(outdir, "compare.csv", all, FMT_CSV);
		write_out(outdir, "compare.json", all, FMT_JSON);
	}
	emit(stdout, all, fmt);
	json_decref(all);
	for (int i = 0; i < nsets; i++) {
		for (size_t k = 0; k < sets[i].n; k++) {
			free(sets[i].s[k].runs);
			free(sets[i].s[k].run_unit);
			free(sets[i].s[k].units);
		}
		free(sets[i].s);
	}
	free(sets);
	return 0;
}
