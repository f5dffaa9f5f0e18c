// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "lib/cpulist.h"

static void expect_list(const char *in, const char *canon, int count)
{
	cpu_set_t s;
	char err[256], buf[256];

	assert_int_equal(cpulist_parse(in, &s, err, sizeof(err)), 0);
	assert_int_equal(CPU_COUNT(&s), count);
	assert_string_equal(cpulist_format(&s, buf, sizeof(buf)), canon);
}

static void test_valid(void **state)
{
	(void)state;
	expect_list("0", "0", 1);
	expect_list("0-3,8", "0-3,8", 5);
	expect_list("3,1,2", "1-3", 3);
	expect_list("0-7:2", "0,2,4,6", 4);
	expect_list("1-1", "1", 1);
	expect_list("5,5,5", "5", 1);
	/* overlaps are merged, as the kernel's bitmap_parselist() does */
	expect_list("0-1,1", "0-1", 2);
	expect_list("0-3,2-5", "0-5", 6);
	expect_list("0-7:2,2-3", "0,2-4,6", 5);
	expect_list("0-1023", "0-1023", 1024);
}

static void expect_bad(const char *in, const char *needle)
{
	cpu_set_t s;
	char err[256] = "";

	assert_int_equal(cpulist_parse(in, &s, err, sizeof(err)), -1);
	assert_non_null(strstr(err, needle));
}

static void test_malformed(void **state)
{
	(void)state;
	expect_bad("", "empty");
	expect_bad(NULL, "empty");
	expect_bad("a", "expected a CPU number");
	expect_bad("-1", "expected a CPU number");
	expect_bad("1-", "bad range end");
	expect_bad("3-1", "bad range end");
	expect_bad("1,", "trailing comma");
	expect_bad(",1", "expected a CPU number");
	expect_bad("1,,2", "expected a CPU number");
	expect_bad("1 2", "unexpected ' '");
	expect_bad("1;2", "unexpected ';'");
	expect_bad("0-4:0", "bad stride");
	expect_bad("0-4:", "bad stride");
	expect_bad("1024", "expected a CPU number");
	expect_bad("99999999999999999999", "expected a CPU number");
}

static void test_validate(void **state)
{
	cpu_set_t s, online;
	char err[256] = "";

	(void)state;
	assert_int_equal(cpulist_online(&online), 0);
	assert_true(CPU_COUNT(&online) >= 1);
	assert_int_equal(cpulist_validate("x", &online, err, sizeof(err)), 0);
	CPU_ZERO(&s);
	assert_int_equal(cpulist_validate("--walker-cpus", &s, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "empty"));
	CPU_SET(CPU_SETSIZE - 1, &s);
	assert_int_equal(cpulist_validate("--walker-cpus", &s, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not online"));
}

static void test_helpers(void **state)
{
	cpu_set_t a, b;
	char err[64];

	(void)state;
	cpulist_parse("1,4-5", &a, err, sizeof(err));
	cpulist_parse("5-9", &b, err, sizeof(err));
	assert_int_equal(cpulist_nth(&a, 0), 1);
	assert_int_equal(cpulist_nth(&a, 2), 5);
	assert_int_equal(cpulist_nth(&a, 3), -1);
	assert_true(cpulist_overlap(&a, &b));
	cpulist_parse("6-9", &b, err, sizeof(err));
	assert_false(cpulist_overlap(&a, &b));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_validate),
		cmocka_unit_test(test_helpers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
