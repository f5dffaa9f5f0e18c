// SPDX-License-Identifier: GPL-2.0
/* Parsers checked on real output captured on this project's machines. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "lib/sysinfo.h"
#include "lib/toolparse.h"

#ifndef DATA_DIR
#define DATA_DIR "tests/data"
#endif

static char *load(const char *name)
{
	char p[512];
	char *t;

	snprintf(p, sizeof(p), "%s/%s", DATA_DIR, name);
	t = sysinfo_read_file(p);
	assert_non_null(t);
	return t;
}

static void test_bpftrace(void **state)
{
	/* 6.18 host, one walker on CPU 1, collapse trigger on CPU 0 */
	char *t = load("bpftrace-collapse-6.18.json"), err[256];
	struct ipi_counts *c = malloc(sizeof(*c));
	const char *const ours[] = { "gbt1234", "gbu1234", NULL };

	(void)state;
	assert_int_equal(bpftrace_parse(t, (const char *const[]){ "gb-trigger", NULL }, c, err, sizeof(err)), 0);
	assert_true(c->attached);
	assert_int_equal(c->queued[1], 2536);
	assert_int_equal(c->queued[0], 0);
	assert_int_equal(c->ours[1], 2536);
	assert_int_equal(c->ours_total, 2536);
	assert_int_equal(c->entered[1], 2536);
	assert_int_equal(c->queued_total, 2536);
	assert_int_equal(json_integer_value(json_object_get(c->senders, "gb-trigger")),
			 2536);
	ipi_counts_free(c);
	/* other senders count in queued but not in ours */
	assert_int_equal(bpftrace_parse("{\"type\": \"map\", \"data\": {\"@queue\": "
		"{\"1,gbu1234\": 5, \"1,khugepaged\": 2, \"3,gbu1234\": 5, "
		"\"3,gbt999\": 4}}}\n", ours, c, err, sizeof(err)), 0);
	assert_int_equal(c->queued[1], 7);
	assert_int_equal(c->ours[1], 5);
	assert_int_equal(c->ours[3], 5);
	assert_int_equal(c->ours_total, 10);
	assert_int_equal(c->queued_total, 16);
	assert_int_equal(json_integer_value(json_object_get(c->senders, "gbu1234")), 10);
	ipi_counts_free(c);
	free(t);
	/* malformed lines and maps are refused with a reason */
	assert_int_equal(bpftrace_parse("{\"type\": \"map\", \"data\": {\"@queue\": "
					"{\"x\": 1}}}\n", NULL, c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "bad CPU"));
	ipi_counts_free(c);
	assert_int_equal(bpftrace_parse("{\"type\": \"map\", \"data\"\n", NULL, c,
					err, sizeof(err)), -1);
	assert_non_null(strstr(err, "bad JSON"));
	ipi_counts_free(c);
	assert_int_equal(bpftrace_parse("", NULL, c, err, sizeof(err)), 0);
	assert_false(c->attached);
	ipi_counts_free(c);
	free(c);
}

static void test_cyclictest(void **state)
{
	/* rt-tests 2.40, -h 200 on a busy VM CPU: 3 overflows beyond 200 us */
	char *t = load("cyclictest-6.18.json"), err[256];
	struct cyclic_result *r = malloc(sizeof(*r));

	(void)state;
	assert_int_equal(cyclictest_parse(t, r, err, sizeof(err)), 0);
	assert_int_equal(r->nthreads, 1);
	assert_int_equal(r->cycles, 19808);
	assert_int_equal(r->overflows, 3);
	assert_true(r->max_us == 17552);
	assert_int_equal(r->lat.count, 19808);
	assert_true(r->lat.min == 6000);
	assert_true(r->lat.max == 17552000);
	assert_true(hist_percentile(&r->lat, 50) >= 12000 && hist_percentile(&r->lat, 50) < 14000);
	cyclic_result_free(r);
	free(t);
	assert_int_equal(cyclictest_parse("{\"thread\": {}}", r, err, sizeof(err)), -1);
	cyclic_result_free(r);
	assert_int_equal(cyclictest_parse("{\"thread\": {\"0\": {\"cycles\": 1, "
		"\"min\": 1, \"max\": 2, \"avg\": 1, \"histogram\": {\"1\": 5}}}}",
		r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "more than"));
	cyclic_result_free(r);
	assert_int_equal(cyclictest_parse("[1,2", r, err, sizeof(err)), -1);
	cyclic_result_free(r);
	free(r);
}

static void test_interrupts(void **state)
{
	char *t = load("proc-interrupts-6.18.txt");
	uint64_t v[64];
	int n;

	(void)state;
	assert_int_equal(proc_interrupts_cal(t, v, 64, &n), 0);
	assert_int_equal(n, 2);
	assert_true(v[0] > 0 && v[1] > 0);
	free(t);
	assert_int_equal(proc_interrupts_cal("           CPU0       CPU3\n"
		" CAL:         10         33   Function call interrupts\n", v, 64, &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(v[0], 10);
	assert_int_equal(v[3], 33);
	assert_int_equal(proc_interrupts_cal("CPU0\n NMI: 1\n", v, 64, &n), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bpftrace),
		cmocka_unit_test(test_cyclictest),
		cmocka_unit_test(test_interrupts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
