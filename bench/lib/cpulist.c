// SPDX-License-Identifier: GPL-2.0
#include "cpulist.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse_num(const char **p, long *out)
{
	char *end;

	if (!isdigit((unsigned char)**p))
		return -1;
	errno = 0;
	*out = strtol(*p, &end, 10);
	if (errno || *out < 0 || *out >= CPU_SETSIZE)
		return -1;
	*p = end;
	return 0;
}

int cpulist_parse(const char *s, cpu_set_t *set, char *err, size_t errlen)
{
	const char *p = s;

	CPU_ZERO(set);
	if (!s || !*s) {
		snprintf(err, errlen, "empty CPU list");
		return -1;
	}
	while (*p) {
		long a, b, stride = 1;

		if (parse_num(&p, &a)) {
			snprintf(err, errlen,
				 "bad CPU list '%s': expected a CPU number (0-%d) at '%s'",
				 s, CPU_SETSIZE - 1, p);
			return -1;
		}
		b = a;
		if (*p == '-') {
			p++;
			if (parse_num(&p, &b) || b < a) {
				snprintf(err, errlen,
					 "bad CPU list '%s': bad range end near '%s'", s, p);
				return -1;
			}
			if (*p == ':') {
				p++;
				if (parse_num(&p, &stride) || stride == 0) {
					snprintf(err, errlen,
						 "bad CPU list '%s': bad stride near '%s'", s, p);
					return -1;
				}
			}
		}
		for (long c = a; c <= b; c += stride)
			CPU_SET(c, set);
		if (*p == ',') {
			p++;
			if (!*p) {
				snprintf(err, errlen, "bad CPU list '%s': trailing comma", s);
				return -1;
			}
		} else if (*p) {
			snprintf(err, errlen, "bad CPU list '%s': unexpected '%c'", s, *p);
			return -1;
		}
	}
	return 0;
}

char *cpulist_format(const cpu_set_t *set, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (int c = 0; c < CPU_SETSIZE; c++) {
		int e = c;

		if (!CPU_ISSET(c, set))
			continue;
		while (e + 1 < CPU_SETSIZE && CPU_ISSET(e + 1, set))
			e++;
		if (off < len)
			off += snprintf(buf + off, len - off, "%s%d", off ? "," : "", c);
		if (e > c && off < len)
			off += snprintf(buf + off, len - off, "-%d", e);
		c = e;
	}
	return buf;
}

int cpulist_read_file(const char *path, cpu_set_t *set)
{
	char line[4096], err[256];
	FILE *f = fopen(path, "r");

	CPU_ZERO(set);
	if (!f)
		return -1;
	if (!fgets(line, sizeof(line), f)) {
		fclose(f);
		return 0;
	}
	fclose(f);
	line[strcspn(line, "\n")] = '\0';
	if (!line[0])
		return 0;
	return cpulist_parse(line, set, err, sizeof(err));
}

int cpulist_online(cpu_set_t *set)
{
	return cpulist_read_file("/sys/devices/system/cpu/online", set);
}

/*
 * CPUs this process may be pinned to: its cgroup v2 cpuset. Not the
 * current affinity mask, which isolcpus= shrinks although pinning to an
 * isolated CPU is allowed (and is what an RT CPU is for).
 */
static void cpuset_allowed(cpu_set_t *allowed, const cpu_set_t *online)
{
	char line[1024], path[1200];
	FILE *f = fopen("/proc/self/cgroup", "r");

	*allowed = *online;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "0::", 3))
			continue;
		snprintf(path, sizeof(path), "/sys/fs/cgroup%s/cpuset.cpus.effective",
			 line + 3);
		if (cpulist_read_file(path, allowed) || !CPU_COUNT(allowed))
			*allowed = *online;
	}
	fclose(f);
}

int cpulist_validate(const char *what, const cpu_set_t *set,
		     char *err, size_t errlen)
{
	cpu_set_t online, allowed;

	if (CPU_COUNT(set) == 0) {
		snprintf(err, errlen, "%s: empty CPU list", what);
		return -1;
	}
	if (cpulist_online(&online)) {
		snprintf(err, errlen, "cannot read /sys/devices/system/cpu/online");
		return -1;
	}
	cpuset_allowed(&allowed, &online);
	for (int c = 0; c < CPU_SETSIZE; c++) {
		if (!CPU_ISSET(c, set))
			continue;
		if (!CPU_ISSET(c, &online)) {
			char buf[256];

			snprintf(err, errlen, "%s: CPU %d is not online (online: %s)",
				 what, c, cpulist_format(&online, buf, sizeof(buf)));
			return -1;
		}
		if (!CPU_ISSET(c, &allowed)) {
			snprintf(err, errlen,
				 "%s: CPU %d is not in this process's cpuset",
				 what, c);
			return -1;
		}
	}
	return 0;
}

int cpulist_nth(const cpu_set_t *set, int n)
{
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, set) && n-- == 0)
			return c;
	return -1;
}

bool cpulist_overlap(const cpu_set_t *a, const cpu_set_t *b)
{
	cpu_set_t and;

	CPU_AND(&and, a, b);
	return CPU_COUNT(&and) != 0;
}
