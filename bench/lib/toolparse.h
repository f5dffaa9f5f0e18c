/* SPDX-License-Identifier: GPL-2.0 */
/* Parsers for the output of the external observers (bpftrace, cyclictest). */
#ifndef GUPBENCH_TOOLPARSE_H
#define GUPBENCH_TOOLPARSE_H

#include "cpulist.h"
#include "hist.h"

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

/*
 * scripts/gupbench-ipis.bt run with `bpftrace -f json`, or the same line
 * format written by the tracefs reader (bench/csdtrace.h)
 */
struct ipi_counts {
	bool attached;			/* saw "attached_probes" */
	uint64_t queued[CPU_SETSIZE];	/* csd_queue_cpu per target CPU */
	uint64_t ours[CPU_SETSIZE];	/* ... sent by the tasks named in @ours */
	uint64_t entered[CPU_SETSIZE];	/* csd_function_entry per CPU */
	uint64_t queued_total, entered_total, ours_total;
	json_t *senders;		/* {"comm": count} (owned) */
	/* tracefs reader (bench/csdtrace.h) only */
	uint64_t lost_total;		/* "@lost": events the buffer lost */
	json_t *attr;			/* "@attr" (owned), NULL if absent */
	json_t *irq_noise;		/* "@irq_noise" (owned), NULL if absent */
};

/*
 * 0, or -1 with a reason. The last dump of each map wins. @ours: NULL-
 * terminated task names whose IPIs count in c->ours (may be NULL).
 */
int bpftrace_parse(const char *text, const char *const *ours,
		   struct ipi_counts *c, char *err, size_t len);
void ipi_counts_free(struct ipi_counts *c);

/* cyclictest --json (rt-tests 2.x) with -h: histogram in microseconds */
struct cyclic_result {
	unsigned int nthreads;
	uint64_t cycles, overflows;	/* overflows: beyond the -h range */
	double max_us;
	struct hist lat;		/* all threads, in ns */
	json_t *threads;		/* [{cpu, cycles, min, avg, max}] (owned) */
};

int cyclictest_parse(const char *text, struct cyclic_result *r, char *err, size_t len);
void cyclic_result_free(struct cyclic_result *r);

/*
 * The function-call IPI line of /proc/interrupts ("CAL:" on x86, the
 * "IPI<n>:" line named "Function call interrupts" on arm64): per_cpu[cpu] by
 * the CPU numbers of the header; *ncpu is one past the highest CPU seen.
 * 0, or -1 if absent.
 */
int proc_interrupts_cal(const char *text, uint64_t *per_cpu, int max, int *ncpu);
/*
 * The TLB shootdown line of /proc/interrupts ("TLB:", x86: flush IPIs
 * received, also counted in CAL), as proc_interrupts_cal(). -1 if absent
 * (arm64 invalidates TLBs by broadcast TLBI: no flush IPI, no such line).
 */
int proc_interrupts_tlb(const char *text, uint64_t *per_cpu, int max, int *ncpu);

/*
 * `rtla osnoise top -q` (rtla 6.1+): the summary table, one row per CPU,
 * times in us. 0 with *n rows, or -1 with a reason.
 */
struct osnoise_row {
	int cpu;
	uint64_t periods, runtime_us, noise_us, max_noise_us, max_single_us;
	uint64_t hw, nmi, irq, softirq, thread;
	double avail_pct;
};

int rtla_osnoise_parse(const char *text, struct osnoise_row *rows, int max, int *n,
		       char *err, size_t len);

/*
 * The window rtla's table covers, from its "duration:   0 00:00:06" header
 * line (days hh:mm:ss since its tracer came on, whole seconds): seconds,
 * or -1 if there is no such line. The same header whether -d ended rtla or
 * a SIGINT did (rtla 6.1 and 6.12 print one table either way).
 */
long rtla_osnoise_duration(const char *text);

/*
 * One line of a tracefs trace_pipe (default options) holding a csd event:
 *   "  comm-pid  [003] d.h2.  123.456: csd_function_entry: func=f, csd=..."
 *   "  comm-pid  [001] ...2.  123.456: csd_queue_cpu: cpu=3 callsite=c+0x1/0x2 func=f csd=..."
 * a sched_waking line ("sched_waking: comm=C pid=P prio=N target_cpu=003"),
 * a trace_marker line ("tracing_mark_write: TEXT"), the osnoise tracer's
 * per-interrupt noise record ("irq_noise: call_function_single:251 start
 * 12.000000001 duration 830 ns": desc in func, vector in target, the
 * duration in ns; on x86 desc names the APIC vector, else the IRQ's action)
 * or a lost-events line ("CPU:3 [LOST 12 EVENTS]"). The flags after the
 * CPU tell interrupt context ('h', 'H' or 's' third): there the task is
 * only the interrupted one.
 */
enum csd_line_kind { CSD_OTHER, CSD_QUEUE, CSD_ENTRY, CSD_MARKER, CSD_LOST, CSD_WAKING,
		     CSD_IRQ_NOISE };
struct csd_line {
	enum csd_line_kind kind;
	char comm[32];			/* task that was running */
	int pid;
	int cpu;			/* CPU the event was recorded on */
	bool irq;			/* recorded in hard or soft interrupt context */
	int target;			/* CSD_QUEUE: cpu=; CSD_WAKING: target_cpu=;
					   CSD_IRQ_NOISE: the vector */
	char wakee[32];			/* CSD_WAKING (sched:sched_waking): comm= */
	char func[128];			/* func= as the kernel symbolised it;
					   CSD_IRQ_NOISE: the IRQ's desc */
	char text[128];			/* CSD_MARKER: the marker */
	uint64_t lost;			/* CSD_LOST */
	uint64_t ns;			/* CSD_IRQ_NOISE: its duration */
};

/* the kind, or -1 for a csd/marker line that does not parse */
int tracefs_csd_line(const char *line, struct csd_line *e);

/*
 * rtla.loaded.irq_attribution from the tracefs reader's "@irq_noise" map
 * ({"runs"|"outside_runs": {cpu: {desc: {count, ns}}}}, the phase from the
 * runs' trace_marker lines): per CPU `irqs`, `function_call_irqs` (x86
 * call_function*) and `by_vector`, between the measured runs' markers in
 * "by_cpu" and over the whole instance in "whole_instance". Status "ok"
 * only with events in the runs; "failed" with the reason (and the whole
 * instance's counts) when every event fell outside them or none came.
 * A new reference; @irq_noise is not changed.
 */
json_t *rtla_irq_attribution_json(json_t *irq_noise);

#endif
