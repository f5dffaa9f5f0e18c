/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Process-wide run state every part of gupbench shares: whether a stop
 * was asked for, the processes it forks or spawns, its task names and
 * CPU pinning. The signal counting itself is sysstate's.
 */
#ifndef GUPBENCH_PROC_H
#define GUPBENCH_PROC_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

/*
 * Task names, so that tracers can tell this invocation's threads from
 * any other: gbw<pid> walkers (gbc<pid> under `gupbench claim`), gbt<pid>
 * triggers, gbu<pid> hugetlb children, where <pid> is the main
 * process's. Set by gb_name_tasks().
 */
extern char gb_name_walker[16], gb_name_trigger[16], gb_name_unshare[16];

/* Names this process's tasks; @walker_prefix is "gbw" or "gbc". */
void gb_name_tasks(const char *walker_prefix);

/*
 * A flag in memory shared with the forked processes (MAP_SHARED), or
 * NULL: a forked child's SIGINT/SIGTERM/SIGHUP sets it, and
 * gb_interrupted() reads it in every process.
 */
void gb_share_intr_flag(volatile sig_atomic_t *flag);

/*
 * Every process gupbench forks calls this first thing in the child, with
 * the pid of the process that forked it: the child is SIGKILLed when that
 * thread dies (PR_SET_PDEATHSIG, and at once if it died already), so a
 * SIGKILLed gupbench leaves nothing running. gb_forked_child() also
 * replaces the parent's signal handling: a SIGINT/SIGTERM/SIGHUP to a
 * trigger process only asks the main process to stop (which then stops
 * the children); it never counts as the main process's own second signal.
 * gb_spawned_child() is the same for a child that is about to exec a tool.
 */
void gb_forked_child(pid_t parent);
void gb_spawned_child(pid_t parent);

/* A stop was asked for (a signal to this run), or asked to hurry (two). */
bool gb_interrupted(void);
bool gb_hurry(void);

/* Pins the calling thread to @cpu: 0, or an error number. */
int gb_pin_self(int cpu);

#endif
