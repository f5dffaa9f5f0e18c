// SPDX-License-Identifier: GPL-2.0
/*
 * Reads cases from stdin, one a line: "x1 x2 ... | y1 y2 ...", and prints
 * for each a JSON line with what bench/lib/compare_stats.c computes, for
 * test_stats.py to check against scipy and brute force.
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

int main(void)
{
	static char line[1 << 20];
	static double x[MAXN], y[MAXN];

	while (fgets(line, sizeof(line), stdin)) {
		size_t nx = 0, ny = 0;
		int side = 0;
		struct cs_shift r;
		json_t *o;

		for (char *t = strtok(line, " \t\n"); t; t = strtok(NULL, " \t\n")) {
			if (!strcmp(t, "|"))
				side = 1;
			else if (side && ny < MAXN)
				y[ny++] = strtod(t, NULL);
			else if (!side && nx < MAXN)
				x[nx++] = strtod(t, NULL);
		}
		if (cs_shift_test(x, nx, y, ny, 0.95, &r)) {
			puts("null");
			continue;
		}
		o = json_pack("{s:o,s:o,s:o,s:I,s:o,s:f,s:o,s:b,s:b,s:o}",
			      "hl", jnum_or_null(r.hl), "lo", jnum_or_null(r.lo), "hi", jnum_or_null(r.hi),
			      "k", (json_int_t)r.k, "coverage", jnum_or_null(r.coverage), "u", r.u,
			      "p", jnum_or_null(r.p), "p_exact", r.p_exact, "ci_exact", r.ci_exact,
			      "median_x", jnum_or_null(cs_median(x, nx)));
		json_dumpf(o, stdout, JSON_COMPACT | JSON_REAL_PRECISION(17));
		putchar('\n');
		json_decref(o);
	}
	return 0;
}
