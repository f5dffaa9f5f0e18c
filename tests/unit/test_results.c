// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/results.h"

static char root[] = "/tmp/gupbench-results-XXXXXX";

static int exists(const char *dir, const char *name)
{
	char p[PATH_MAX + 64];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return access(p, F_OK) == 0;
}

static void test_never_overwrites(void **state)
{
	struct results a, b;
	char err[256];

	(void)state;
	assert_int_equal(results_create(&a, root, "x", err, sizeof(err)), 0);
	assert_int_equal(results_create(&b, root, "x", err, sizeof(err)), 0);
	assert_string_not_equal(a.dir, b.dir);
	assert_true(exists(a.dir, "INCOMPLETE"));
	assert_true(exists(a.dir, "manifest.json"));
	assert_int_equal(results_finish(&a, "complete", NULL), 0);
	assert_false(exists(a.dir, "INCOMPLETE"));
	assert_int_equal(results_finish(&b, "interrupted", "signal"), 0);
	assert_true(exists(b.dir, "INCOMPLETE"));
}

static void test_json_round_trip(void **state)
{
	struct results r;
	char err[256], p[PATH_MAX + 64];
	json_t *j = json_pack("{s:s, s:f, s:[i,i], s:{s:b}}", "name", "vmsplice",
			      "p50", 781.5, "cpus", 1, 3, "nested", "ok", 1);
	json_t *back;

	(void)state;
	assert_int_equal(results_create(&r, root, "json", err, sizeof(err)), 0);
	results_skip(&r, "gup-test", "no CONFIG_GUP_TEST");
	assert_int_equal(results_write_json(&r, "run-001.json", j), 0);
	assert_false(exists(r.dir, "run-001.json.tmp"));
	snprintf(p, sizeof(p), "%s/run-001.json", r.dir);
	back = json_load_file(p, 0, NULL);
	assert_non_null(back);
	assert_true(json_equal(j, back));
	json_decref(back);
	results_finish(&r, "skipped", "no CONFIG_GUP_TEST");
	snprintf(p, sizeof(p), "%s/manifest.json", r.dir);
	back = json_load_file(p, 0, NULL);
	assert_string_equal(json_string_value(json_object_get(back, "status")), "skipped");
	assert_string_equal(json_string_value(json_object_get(
		json_array_get(json_object_get(back, "skipped"), 0), "reason")),
		"no CONFIG_GUP_TEST");
	json_decref(back);
	json_decref(j);
}

static void test_unwritable(void **state)
{
	struct results r;
	char err[256] = "";
	char file[300];
	FILE *f;

	(void)state;
	assert_int_equal(results_create(&r, "/proc/version/x", "y", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "Not a directory"));
	/* a regular file as the root: says so, not "Permission denied" */
	snprintf(file, sizeof(file), "%s/a-file", root);
	f = fopen(file, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(results_create(&r, file, "y", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "is not a directory"));
}

/* a failed write names the file and the errno, and leaves no .tmp */
static void test_write_error(void **state)
{
	struct results r;
	char err[256] = "", want[PATH_MAX + 64], tmp[PATH_MAX + 64];
	json_t *j = json_pack("{s:i}", "x", 1);

	(void)state;
	assert_int_equal(results_create(&r, root, "werr", err, sizeof(err)), 0);
	assert_string_equal(r.err, "");
	assert_int_equal(results_write_json(&r, "no-such-dir/x.json", j), -1);
	snprintf(want, sizeof(want), "cannot write '%s/no-such-dir/x.json.tmp': %s", r.dir,
		 strerror(ENOENT));
	assert_string_equal(r.err, want);
	/* the first failure is kept */
	assert_int_equal(results_write_json(&r, "no-such-dir/y.json", j), -1);
	assert_string_equal(r.err, want);
	snprintf(tmp, sizeof(tmp), "%s/manifest.json.tmp", r.dir);
	assert_int_equal(access(tmp, F_OK), -1);
	json_decref(j);
	results_finish(&r, "failed", "test");
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(root) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	return system(cmd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_never_overwrites),
		cmocka_unit_test(test_json_round_trip),
		cmocka_unit_test(test_unwritable),
		cmocka_unit_test(test_write_error),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
