// SPDX-License-Identifier: GPL-2.0
/*
 * Reads cases from stdin, one a line: "x1 x2 ... | y1 y2 ...", and prints
 * for each exactly one JSON line with what bench/lib/compare_stats.c
 * computes (Hodges-Lehmann/Mann-Whitney; Welch t on logs; paired t on log
 * ratios when the sides have the same length), for test_stats.py to check
 * against scipy and brute force. "welch"/"paired" are null when refused.
 */
#include "lib/compare_stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXN 4096

static json_t *jnum_or_null(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *ratio_json(int rc, const struct cs_ratio *r)
{
	if (rc)
		return json_null();
	return json_pack("{s:b,s:b,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}",
			 "paired", r->paired, "ci", r->ci, "change", jnum_or_null(r->change),
			 "lo", jnum_or_null(r->lo), "hi", jnum_or_null(r->hi),
			 "d", jnum_or_null(r->d), "se", jnum_or_null(r->se),
			 "df", jnum_or_null(r->df), "t", jnum_or_null(r->t),
			 "p", jnum_or_null(r->p), "mde", jnum_or_null(r->mde));
}

int main(void)
{
	static char line[1 << 20];
	static double x[MAXN], y[MAXN];

	while (fgets(line, sizeof(line), stdin)) {
		size_t nx = 0, ny = 0;
		int side = 0;
		struct cs_shift r;
		struct cs_ratio w, pr;
		json_t *o, *wj, *pj;
		int wrc, prc = -1;

		for (char *t = strtok(line, " \t\n"); t; t = strtok(NULL, " \t\n")) {
			if (!strcmp(t, "|"))
				side = 1;
			else if (side && ny < MAXN)
				y[ny++] = strtod(t, NULL);
			else if (!side && nx < MAXN)
				x[nx++] = strtod(t, NULL);
		}
		wrc = cs_welch_log(x, nx, y, ny, 0.95, &w);
		if (nx == ny)
			prc = cs_paired_log(x, y, nx, 0.95, &pr);
		wj = ratio_json(wrc, &w);
		pj = ratio_json(prc, &pr);
		if (cs_shift_test(x, nx, y, ny, 0.95, &r)) {
			o = json_pack("{s:n,s:o,s:o}", "hl", "welch", wj, "paired", pj);
			json_dumpf(o, stdout, JSON_COMPACT | JSON_REAL_PRECISION(17));
			putchar('\n');
			json_decref(o);
			continue;
		}
		o = json_pack("{s:o,s:o,s:o,s:I,s:o,s:f,s:o,s:b,s:b,s:o}",
			      "hl", jnum_or_null(r.hl), "lo", jnum_or_null(r.lo), "hi", jnum_or_null(r.hi),
			      "k", (json_int_t)r.k, "coverage", jnum_or_null(r.coverage), "u", r.u,
			      "p", jnum_or_null(r.p), "p_exact", r.p_exact, "ci_exact", r.ci_exact,
			      "median_x", jnum_or_null(cs_median(x, nx)));
		json_object_set_new(o, "welch", wj);
		json_object_set_new(o, "paired", pj);
		json_dumpf(o, stdout, JSON_COMPACT | JSON_REAL_PRECISION(17));
		putchar('\n');
		json_decref(o);
	}
	return 0;
}
