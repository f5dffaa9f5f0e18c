// SPDX-License-Identifier: GPL-2.0
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void die_input(const char *fmt, ...)
{
	va_list ap;

	fputs("gupbench: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_BAD_INPUT);
}

unsigned long long opt_number(const char *opt, const char *s,
			      unsigned long long lo, unsigned long long hi)
{
	char *end;
	unsigned long long v;

	errno = 0;
	if (!s || !*s || *s == '-')
		die_input("%s: '%s' is not a number", opt, s ? s : "");
	v = strtoull(s, &end, 10);
	if (errno || *end)
		die_input("%s: '%s' is not a number", opt, s);
	if (v < lo || v > hi)
		die_input("%s: %llu is out of range (%llu-%llu)", opt, v, lo, hi);
	return v;
}

const char *cli_cmdline(int argc, char **argv, const char *prefix, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (int i = 0; i < argc && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%s", i ? " " : prefix, argv[i]);
	return buf;
}
