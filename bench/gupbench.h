/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gupbench: GUP-fast walkers against page-table-freeing triggers.
 * One walker or trigger per file, each an ops table the runner drives.
 */
#ifndef GUPBENCH_H
#define GUPBENCH_H

#include "lib/cli.h"
#include "lib/cpulist.h"
#include "lib/hist.h"
#include "lib/timing.h"

#include <jansson.h>

#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum trigger_mm { TRIGGER_MM_SAME, TRIGGER_MM_OTHER };

struct walker_ops;
struct trigger_ops;

struct options {
	const struct walker_ops *walker;
	const struct trigger_ops *trigger;	/* or NULL: no trigger */
	enum trigger_mm trigger_mm;
	cpu_set_t walker_cpus, trigger_cpus, rt_cpus;
	unsigned int rt_interval_us;	/* cyclictest -i */
	bool rt_timer_migration_off;	/* kernel.timer_migration=0 meanwhile */
	/* how sync IPIs are counted: --ipi-observer (--no-bpftrace: none) */
	enum { IPI_AUTO, IPI_BPFTRACE, IPI_TRACEFS, IPI_NONE } ipi_observer;
	unsigned int pages;		/* pages per GUP-fast call */
	unsigned int runs;
	unsigned int warmup_runs;
	double run_time;		/* seconds per timed (and untimed) phase */
	uint64_t inject_ns;
	unsigned int trigger_period_us;	/* 0: back to back */
	unsigned int gup_calls;		/* gup-test calls per ioctl */
	bool gup_pin;			/* gup-test PIN_FAST vs GUP_FAST */
	const char *target;		/* odirect target */
	size_t target_size;		/* odirect file size */
	unsigned int unshare_touch;	/* pages a hugetlb child touches */
	const char *results_root;
	const char *variant;
	const char *label;
	bool have_round;		/* --round N (or GUPBENCH_ROUND) given */
	unsigned int round;		/* interleaving round, recorded in the manifest */
	bool force_clock;
	bool quiet;
	/* paired A/B slices in the untimed phase (ab.h) */
	bool ab;
	uint64_t ab_inject_ns;		/* B's extra delay per call */
	const char *ab_knob;		/* or: a file written A / B */
	char ab_a[32], ab_b[32];
	unsigned int ab_slice_ms;
};

/* One walker thread's state. */
struct walker {
	const struct options *opt;
	int index, cpu;
	void *priv;			/* workload's own */
	struct hist hist;		/* this phase's per-call latencies */
	uint64_t calls;			/* GUP-fast calls in this phase */
	uint64_t errors;
	int err_no;
	char err[256];
};

/*
 * A walker. call() is the timed GUP-fast operation; after() is untimed
 * housekeeping (drain a pipe, verify data). When call() sets
 * *kernel_ns, that in-kernel time per call is recorded instead of the
 * user-space time, and *ncalls says how many calls the operation made.
 * Returns 0, or -1 with w->err set.
 */
struct walker_ops {
	const char *name;
	const char *summary;
	/* validates the options; calls die_input() on bad input */
	void (*check)(const struct options *opt);
	/*
	 * 0 usable, 1 skip, -1 error (reason set either way); runs once in
	 * the main process before any thread starts
	 */
	int (*probe)(const struct options *opt, char *reason, size_t len);
	int (*setup)(struct walker *w);
	int (*call)(struct walker *w, uint64_t *kernel_ns, uint64_t *ncalls);
	int (*after)(struct walker *w);
	void (*teardown)(struct walker *w);
	const char *timed_what;		/* what the timed region holds */
	bool takes_target;		/* --target/--target-size are its options */
};

/* One trigger thread's state (lives in the trigger's process). */
struct trigger {
	const struct options *opt;
	int index, cpu;
	void *priv;
	char err[256];
};

struct trigger_ops {
	const char *name;
	const char *summary;
	/* 0 usable, 1 skip (reason); may change system state via sysstate */
	int (*prepare)(const struct options *opt, char *reason, size_t len);
	/*
	 * 0 done, -1 error, 1 skip: a resource prepare() saw is gone (another
	 * user took the huge pages); t->err says why either way. teardown()
	 * is called after a failed setup too.
	 */
	int (*setup)(struct trigger *t);
	/*
	 * One page-table-freeing event; *ns is its update-side latency.
	 * 0 done, 1 the event failed but may be retried (counted), -1 fatal.
	 */
	int (*event)(struct trigger *t, uint64_t *ns);
	void (*teardown)(struct trigger *t);
	/* optional: a global counter that proves events happened */
	const char *verify_counter;	/* /proc/vmstat field, or NULL */
	const char *event_what;
};

extern const struct walker_ops walker_vmsplice, walker_odirect, walker_gup_test;
extern const struct trigger_ops trigger_collapse, trigger_hugetlb_unshare,
	trigger_hugetlb_unshare_first;

const struct walker_ops *walker_find(const char *name);
const struct trigger_ops *trigger_find(const char *name);

/* Runs the walker/trigger scenario; returns an exit status. */
int run_scenario(const struct options *opt, const char *argv0_line);

/* Subcommands that are not walkers (bench/model.c, bench/litmus.c). */
int cmd_model(int argc, char **argv);
int cmd_litmus(int argc, char **argv);
int cmd_compare(int argc, char **argv);	/* bench/compare.c */
int cmd_claim(int argc, char **argv);	/* bench/claim.c */


#endif
