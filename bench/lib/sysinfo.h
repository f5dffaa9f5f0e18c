/* SPDX-License-Identifier: GPL-2.0 */
/* What a manifest says about the machine, the kernel and the tools. */
#ifndef GUPBENCH_SYSINFO_H
#define GUPBENCH_SYSINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

/* @variant may be NULL: the kernel release is used. */
json_t *sysinfo_collect(const char *variant);
/*
 * A build record ("key value" lines, build-kernel's gupbench-kernel.txt) as
 * the manifest's kernel_build object: each key a string, "patch" lines the
 * array "patches", plus "known": true and "file": PATH.
 */
json_t *sysinfo_kernel_build_parse(const char *text, const char *path);

/*
 * User-mode emulation (qemu-user): 1 when the kernel's architecture
 * (/proc/sys/kernel/arch, which qemu-user passes through) differs from
 * the one uname() reports (which qemu-user answers for the guest), 0 when
 * they match, -1 when the kernel does not say. @kernel_arch gets the
 * kernel's architecture or "unknown". sysinfo_collect() records it as
 * "user_mode_emulation".
 */
int sysinfo_emulated(char *kernel_arch, size_t len);

/* First line of a command's stdout (via /bin/sh), or "" . */
int sysinfo_cmd_line(const char *cmd, char *buf, size_t len);

/* Whole file as a string, trailing newlines removed; NULL if absent. */
char *sysinfo_read_file(const char *path);

/* /proc/vmstat field, or -1. */
long long vmstat_read(const char *field);

/*
 * NULL on bare metal, else what a VM (CPUID hypervisor bit or vendor) or
 * QEMU TCG does to timings; @counts: the results also hold IPI counts,
 * which TCG keeps trustworthy.
 */
const char *sysinfo_virt_note(bool counts);

#endif
