/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bad input, the same way in every subcommand: one line on stderr
 * ("gupbench: ...") and exit status 2.
 */
#ifndef GUPBENCH_CLI_H
#define GUPBENCH_CLI_H

#include <stddef.h>

/* Exit statuses. 77 is what meson and automake read as "skipped". */
enum {
	EXIT_RUN_FAILED = 1,
	EXIT_BAD_INPUT = 2,
	EXIT_SKIPPED = 77,
	EXIT_INTERRUPTED = 130,
};

void die_input(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* A decimal number for option @opt in [lo, hi], else die_input(). */
unsigned long long opt_number(const char *opt, const char *s,
			      unsigned long long lo, unsigned long long hi);

/*
 * The index of @s in the NULL-terminated @names, else die_input():
 * "OPT: 'S' is not A, B or C".
 */
int opt_choice(const char *opt, const char *s, const char *const *names);

/* @prefix and argv[0..argc) joined by spaces (cut at @len), for a manifest. */
const char *cli_cmdline(int argc, char **argv, const char *prefix, char *buf, size_t len);

/*
 * A data file the gupbench binary uses (a bpftrace script): in the
 * directory @env names if it is set, else beside the binary
 * (/proc/self/exe: an installed gupbench), else in ../@subdir from it (a
 * build directory inside the source tree). 0 and @buf its path, or -1
 * and @buf the first place looked at.
 */
int cli_find_file(const char *name, const char *env, const char *subdir,
		  char *buf, size_t len);

#endif
