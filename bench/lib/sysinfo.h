/* SPDX-License-Identifier: GPL-2.0 */
/* What a manifest says about the machine, the kernel and the tools. */
#ifndef GUPBENCH_SYSINFO_H
#define GUPBENCH_SYSINFO_H

#include <stddef.h>
#include <jansson.h>

/* @variant may be NULL: the kernel release is used. */
json_t *sysinfo_collect(const char *variant);

/* First line of a command's stdout (via /bin/sh), or "" . */
int sysinfo_cmd_line(const char *cmd, char *buf, size_t len);

/* Whole file as a string, trailing newlines removed; NULL if absent. */
char *sysinfo_read_file(const char *path);

#endif
