/* SPDX-License-Identifier: GPL-2.0 */
/* CPU lists in the kernel's cpulist syntax ("0-3,8,10-15:2"). */
#ifndef GUPBENCH_CPULIST_H
#define GUPBENCH_CPULIST_H

#include <sched.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * Parse @s into @set. Returns 0, or -1 with a one-line reason in @err.
 * Accepts "N", "N-M", "N-M:S" (stride) separated by commas, like
 * lib/bitmap.c:bitmap_parselist() without the group form.
 */
int cpulist_parse(const char *s, cpu_set_t *set, char *err, size_t errlen);

/* Format @set as a cpulist ("0-3,8"). Returns @buf. */
char *cpulist_format(const cpu_set_t *set, char *buf, size_t len);

/* CPUs that are online (/sys/devices/system/cpu/online). 0 or -1. */
int cpulist_online(cpu_set_t *set);

/* CPUs from a sysfs cpulist file; an empty or missing file gives an empty set. */
int cpulist_read_file(const char *path, cpu_set_t *set);

/*
 * Checks a user-given set: non-empty, every CPU online and allowed for this
 * process. Returns 0, or -1 with a reason naming @what in @err.
 */
int cpulist_validate(const char *what, const cpu_set_t *set,
		     char *err, size_t errlen);

/* The n-th CPU (0-based) of @set, or -1. */
int cpulist_nth(const cpu_set_t *set, int n);

bool cpulist_overlap(const cpu_set_t *a, const cpu_set_t *b);

#endif
