/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Function-call IPIs counted through tracefs, for kernels or guests where
 * bpftrace cannot run (a static busybox initramfs, no BPF): a tracing
 * instance of its own (instances/gupbench-<pid>, the global buffer is left
 * alone) with csd:csd_queue_cpu and csd:csd_function_entry, filtered in
 * the kernel on the sync function's address from /proc/kallsyms (and, for
 * the attribution, on the target CPUs), read by a child process that polls
 * trace_pipe without blocking (no reader wake-ups on the traced CPUs) and
 * counts. Its output is bpftrace's -f json line format, so one parser
 * (bpftrace_parse) reads both, plus an "@attr" map (see csdtrace_start).
 */
#ifndef GUPBENCH_CSDTRACE_H
#define GUPBENCH_CSDTRACE_H

#include "lib/cpulist.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define CSDTRACE_ROOT "/sys/kernel/tracing"

struct csdtrace {
	char dir[128];		/* the instance, "" when none */
	pid_t reader;
};

/*
 * Addresses of @sym in /proc/kallsyms as a filter on @field
 * ("func == 0x... || func == 0x..."): 0, or -1 with the reason (no such
 * symbol, or addresses hidden: kptr_restrict / not root).
 */
int csdtrace_sym_filter(const char *sym, const char *field, char *out, size_t len,
			char *why, size_t wlen);

/*
 * Creates and enables the instance and starts the reader, pinned to
 * @reader_cpus, writing @out when stopped. Counted: csd_queue_cpu and
 * csd_function_entry of @sync_sym if @count_sync ("@queue" {"cpu,comm": n}
 * and "@entry_by_cpu" maps, as scripts/gupbench-ipis.bt), and every
 * csd_queue_cpu to a CPU of @attr_cpus ("@attr" {"runs"|"outside_runs":
 * {target: {func: {"comm-pid": n}}}}, the phase set by csdtrace_mark()),
 * plus "@lost" {cpu: events the buffer lost}. 0, or -1 with the reason,
 * nothing left behind.
 */
int csdtrace_start(struct csdtrace *t, const char *sync_sym, bool count_sync,
		   const cpu_set_t *attr_cpus, const cpu_set_t *reader_cpus,
		   const char *out, char *why, size_t len);
/* a trace_marker line: "gupbench-runs-begin" / "gupbench-runs-end" */
void csdtrace_mark(struct csdtrace *t, const char *text);
/* stops the reader (its last drain, then @out), removes the instance */
int csdtrace_stop(struct csdtrace *t);

#endif
