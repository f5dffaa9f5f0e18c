// SPDX-License-Identifier: GPL-2.0
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

int opt_choice(const char *opt, const char *s, const char *const *names)
{
	char list[256];
	size_t off = 0;
	int n = 0;

	for (; names[n]; n++)
		if (!strcmp(s, names[n]))
			return n;
	for (int i = 0; i < n && off < sizeof(list); i++)
		off += snprintf(list + off, sizeof(list) - off, "%s%s",
				!i ? "" : i == n - 1 ? " or " : ", ", names[i]);
	die_input("%s: '%s' is not %s", opt, s, list);
}

const char *cli_cmdline(int argc, char **argv, const char *prefix, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (int i = 0; i < argc && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%s", i ? " " : prefix, argv[i]);
	return buf;
}

int cli_find_file(const char *name, const char *env, const char *subdir,
		  char *buf, size_t len)
{
	const char *dir = getenv(env);
	char exe[PATH_MAX], *slash;
	ssize_t n;

	if (!buf || !len)
		return -1;
	if (dir && *dir) {
		snprintf(buf, len, "%s/%s", dir, name);
		return access(buf, R_OK) ? -1 : 0;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0) {
		snprintf(buf, len, "/proc/self/exe");
		return -1;
	}
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';
	snprintf(buf, len, "%s/../%s/%s", exe, subdir, name);
	if (!access(buf, R_OK))
		return 0;
	snprintf(buf, len, "%s/%s", exe, name);
	return access(buf, R_OK) ? -1 : 0;
}
