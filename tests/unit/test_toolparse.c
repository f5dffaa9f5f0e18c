// SPDX-License-Identifier: GPL-2.0
/* Parsers checked on real output captured on this project's machines. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
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

/*
 * The trigger task names gupbench gives its trigger threads/processes,
 * made the way bench/runner.c makes them: gbt<pid> (collapse and other
 * triggers), gbu<pid> (the hugetlb-unshare child). @pid is the gupbench
 * process of the capture.
 */
static void trigger_names(char (*n)[32], int pid)
{
	snprintf(n[0], sizeof(n[0]), "gbt%d", pid);
	snprintf(n[1], sizeof(n[1]), "gbu%d", pid);
}

static void test_bpftrace(void **state)
{
	/*
	 * Captured from `gupbench vmsplice -C 1 --trigger-cpus 0 -t collapse
	 * --trigger-mm other -r 2 -T 0.25` (pid 19692) on the 6.18.44 KVM
	 * host, 2 CPUs: walker on CPU 1, collapse trigger on CPU 0.
	 */
	char *t = load("bpftrace-collapse-6.18.json"), err[256], names[2][32];
	struct ipi_counts *c = malloc(sizeof(*c));
	const char *const ours[] = { "gbt1234", "gbu1234", NULL };
	const char *real[3];

	(void)state;
	trigger_names(names, 19692);
	real[0] = names[0];
	real[1] = names[1];
	real[2] = NULL;
	assert_string_equal(real[0], "gbt19692");
	assert_int_equal(bpftrace_parse(t, real, c, err, sizeof(err)), 0);
	assert_true(c->attached);
	assert_int_equal(c->queued[1], 324);
	assert_int_equal(c->queued[0], 0);
	assert_int_equal(c->ours[1], 324);
	assert_int_equal(c->ours[0], 0);
	assert_int_equal(c->ours_total, 324);
	assert_int_equal(c->entered[1], 320);
	assert_int_equal(c->entered_total, 320);
	assert_int_equal(c->queued_total, 324);
	assert_int_equal(json_integer_value(json_object_get(c->senders, "gbt19692")), 324);
	assert_int_equal(json_object_size(c->senders), 1);
	ipi_counts_free(c);
	/* the names of another gupbench process, or the old fixed names, are not ours */
	assert_int_equal(bpftrace_parse(t, ours, c, err, sizeof(err)), 0);
	assert_int_equal(c->queued_total, 324);
	assert_int_equal(c->ours_total, 0);
	ipi_counts_free(c);
	assert_int_equal(bpftrace_parse(t, (const char *const[]){ "gb-trigger", "gb-unshare", NULL },
					c, err, sizeof(err)), 0);
	assert_int_equal(c->ours_total, 0);
	ipi_counts_free(c);
	free(t);

	/*
	 * Captured in a QEMU TCG guest of the 6.12.117 baseline kernel, 4 vCPUs
	 * (results/examples/qemu-tcg-6.12.117-baseline-vmsplice-hugetlb-unshare-other):
	 * hugetlb-unshare child gbu87 of gupbench pid 87 on CPU 2, walker CPU 1.
	 */
	t = load("bpftrace-unshare-6.12-qemu.json");
	trigger_names(names, 87);
	assert_int_equal(bpftrace_parse(t, real, c, err, sizeof(err)), 0);
	assert_true(c->attached);
	for (int cpu = 0; cpu < 4; cpu++) {
		uint64_t want = cpu == 2 ? 0 : 2123;

		assert_int_equal(c->queued[cpu], want);
		assert_int_equal(c->ours[cpu], want);
		assert_int_equal(c->entered[cpu], want);
	}
	assert_int_equal(c->ours_total, 3 * 2123);
	assert_int_equal(json_integer_value(json_object_get(c->senders, "gbu87")), 3 * 2123);
	ipi_counts_free(c);
	free(t);
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
