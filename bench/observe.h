/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Observers attached to every run: sync IPIs through bpftrace
 * (scripts/gupbench-ipis.bt), the CAL line of /proc/interrupts per run,
 * cyclictest on the --rt-cpus (alone, then under load) and perf stat on
 * the walker CPUs. Whatever cannot run is recorded with the reason.
 */
#ifndef GUPBENCH_OBSERVE_H
#define GUPBENCH_OBSERVE_H

#include "gupbench.h"
#include "lib/results.h"

#include <jansson.h>

struct observe;

struct observe *observe_new(const struct options *opt, struct results *res);
/* cyclictest alone on the RT CPUs, before anything else runs */
void observe_quiet_reference(struct observe *o);
/* bpftrace attached (waits until it is) */
void observe_ipi_start(struct observe *o);
/* cyclictest under load and perf stat, for @secs seconds */
void observe_measure_start(struct observe *o, double secs);
void observe_run_begin(struct observe *o);
/* CAL deltas of the run just ended, per CPU and per role and per event */
json_t *observe_run_end(struct observe *o, uint64_t events);
void observe_measure_end(struct observe *o);
/*
 * Stops bpftrace, writes observers.json and returns its summary (owned).
 * @events: trigger events while bpftrace was attached. Sync IPIs are
 * attributed to gupbench's triggers by task name (gbt<pid>, gbu<pid>).
 */
json_t *observe_finish(struct observe *o, uint64_t events);

#endif
