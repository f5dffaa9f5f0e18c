// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/sysstate.h"

static char dir[] = "/tmp/gupbench-sysstate-XXXXXX";

static void put(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(s, f);
	fclose(f);
}

static char *get(const char *path, char *buf, size_t len)
{
	assert_int_equal(sysfs_read(path, buf, len), 0);
	return buf;
}

static void test_read_selected(void **state)
{
	char p[128], buf[64];

	(void)state;
	snprintf(p, sizeof(p), "%s/enabled", dir);
	put(p, "always [madvise] never\n");
	assert_string_equal(get(p, buf, sizeof(buf)), "madvise");
	put(p, "42\n");
	assert_string_equal(get(p, buf, sizeof(buf)), "42");
	assert_int_equal(sysfs_read("/nonexistent/x", buf, sizeof(buf)), -1);
}

static void test_set_restore(void **state)
{
	char a[128], b[128], buf[64], err[256];

	(void)state;
	snprintf(a, sizeof(a), "%s/a", dir);
	snprintf(b, sizeof(b), "%s/b", dir);
	put(a, "0\n");
	put(b, "always [never]\n");
	assert_int_equal(sysstate_set(a, "512", err, sizeof(err)), 0);
	assert_int_equal(sysstate_set(b, "madvise", err, sizeof(err)), 0);
	/* a second change of the same file restores the first old value */
	assert_int_equal(sysstate_set(a, "1024", err, sizeof(err)), 0);
	assert_int_equal(sysstate_pending(), 3);
	assert_string_equal(get(a, buf, sizeof(buf)), "1024");
	assert_string_equal(get(b, buf, sizeof(buf)), "madvise");
	sysstate_restore();
	assert_int_equal(sysstate_pending(), 0);
	assert_string_equal(get(a, buf, sizeof(buf)), "0");
	assert_string_equal(get(b, buf, sizeof(buf)), "never");
	sysstate_restore();	/* idempotent */
	assert_string_equal(get(a, buf, sizeof(buf)), "0");
	/* unreadable path: error with a reason, nothing remembered */
	assert_int_equal(sysstate_set("/nonexistent/x", "1", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cannot read"));
	assert_int_equal(sysstate_pending(), 0);
}

static void child_then(const char *path, int how)
{
	static volatile sig_atomic_t flag;
	char err[256];

	if (sysstate_set(path, "7", err, sizeof(err)))
		_exit(10);
	sysstate_install_signals(&flag);
	switch (how) {
	case 0:		/* error path: exit() runs the atexit restore */
		exit(1);
	case 1:		/* SIGINT then the normal path */
		raise(SIGINT);
		if (!flag)
			_exit(11);
		exit(130);
	case 2:		/* two signals only count: the caller winds down */
		raise(SIGINT);
		raise(SIGTERM);
		if (!flag || sysstate_signals() != 2)
			_exit(12);
		exit(130);
	default:	/* a third signal: the handler restores and exits */
		raise(SIGINT);
		raise(SIGINT);
		raise(SIGINT);
		_exit(13);
	}
}

static void test_restore_paths(void **state)
{
	char p[128], buf[64];

	(void)state;
	snprintf(p, sizeof(p), "%s/c", dir);
	for (int how = 0; how < 4; how++) {
		int st;
		pid_t pid;

		put(p, "3\n");
		fflush(NULL);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0)
			child_then(p, how);
		assert_int_equal(waitpid(pid, &st, 0), pid);
		assert_true(WIFEXITED(st));
		assert_int_equal(WEXITSTATUS(st), how == 0 ? 1 : 130);
		assert_string_equal(get(p, buf, sizeof(buf)), "3");
	}
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_selected),
		cmocka_unit_test(test_set_restore),
		cmocka_unit_test(test_restore_paths),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
