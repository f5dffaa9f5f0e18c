// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the results readers of gupbench compare: any byte
 * string is parsed as JSON (jansson) and fed to the run, observers and
 * manifest readers of bench/lib/compare_stats.c (which calls
 * hist_from_json), then the statistics run on whatever numbers came out.
 * Build: clang -g -O1 -fsanitize=fuzzer,address,undefined -Ibench \
 *   fuzz/fuzz_results_json.c bench/lib/compare_stats.c bench/lib/hist.c \
 *   bench/lib/cpulist.c -ljansson -lgsl -lgslcblas -lm
 * (tests/compare/fuzz.sh does this and runs it on a seed corpus.)
 */
#include "lib/compare_stats.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	struct cs_run r;
	struct cs_once o;
	struct cs_manifest m;
	struct cs_shift s;
	double x[CS_NRUN_METRICS], y[CS_NONCE_METRICS];
	size_t nx = 0, ny = 0;

	if (!j)
		return 0;
	if (!cs_run_from_json(j, &r, err, sizeof(err)))
		for (int i = 0; i < CS_NRUN_METRICS; i++)
			if (r.have[i])
				x[nx++] = r.v[i];
	if (!cs_observers_from_json(j, &o, err, sizeof(err)))
		for (int i = 0; i < CS_NONCE_METRICS; i++)
			if (o.have[i])
				y[ny++] = o.v[i];
	cs_observers_from_json(json_object_get(j, "observers"), &o, err, sizeof(err));
	cs_manifest_from_json(j, &m, err, sizeof(err));
	if (nx && ny)
		cs_shift_test(x, nx, y, ny, 0.95, &s);
	json_decref(j);
	return 0;
}
