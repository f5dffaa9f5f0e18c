// SPDX-License-Identifier: GPL-2.0
/* Process-wide run state: stop requests, child processes, task names. */
#include "proc.h"
#include "sysstate.h"

#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <unistd.h>

char gb_name_walker[16], gb_name_trigger[16], gb_name_unshare[16];

static volatile sig_atomic_t *intr_flag;

void gb_name_tasks(const char *walker_prefix)
{
	int pid = (int)getpid();

	snprintf(gb_name_walker, sizeof(gb_name_walker), "%s%d", walker_prefix, pid);
	snprintf(gb_name_trigger, sizeof(gb_name_trigger), "gbt%d", pid);
	snprintf(gb_name_unshare, sizeof(gb_name_unshare), "gbu%d", pid);
}

void gb_share_intr_flag(volatile sig_atomic_t *flag)
{
	intr_flag = flag;
}

static void child_on_signal(int sig)
{
	(void)sig;
	if (intr_flag)
		*intr_flag = 1;	/* the main process stops us */
}

static void die_with_parent(pid_t parent)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)	/* it died before the prctl */
		_exit(1);
}

void gb_forked_child(pid_t parent)
{
	die_with_parent(parent);
	sysstate_handle_signals(child_on_signal);
}

void gb_spawned_child(pid_t parent)
{
	die_with_parent(parent);
	/*
	 * Its own process group, so that a Ctrl-C reaches gupbench only and
	 * gupbench stops its tools in order (exec resets the handlers).
	 */
	setpgid(0, 0);
}

bool gb_interrupted(void)
{
	return sysstate_signals() > 0 || (intr_flag && *intr_flag);
}

bool gb_hurry(void)
{
	return sysstate_signals() > 1;
}

int gb_pin_self(int cpu)
{
	cpu_set_t s;

	CPU_ZERO(&s);
	CPU_SET(cpu, &s);
	return pthread_setaffinity_np(pthread_self(), sizeof(s), &s);
}
