// SPDX-License-Identifier: GPL-2.0
#include "observe.h"
#include "csdtrace.h"
#include "lib/proc.h"
#include "lib/sysinfo.h"
#include "lib/sysstate.h"
#include "lib/toolparse.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TRACEFS "/sys/kernel/tracing"
#define SYNC_FUNC "tlb_remove_table_smp_sync"
#define RTLA_START_MAX_S 60
#define CT_START_MAX_S 60

struct observe {
	const struct options *opt;
	struct results *res;
	cpu_set_t online;
	/* sync IPIs: bpftrace or a tracefs instance (method) */
	const char *method;		/* NULL: not counted (bt_why) */
	pid_t bt_pid;
	char bt_why[512], bt_fallback[512];
	bool tracefs_mounted;
	/* the tracefs instance: sync counts (method "tracefs"), attribution */
	struct csdtrace ct;
	bool ct_on;
	int attr_cpus;			/* RT and idle CPUs */
	char ct_why[512];
	/* /proc/interrupts CAL */
	uint64_t cal0[CPU_SETSIZE], cal_sum[CPU_SETSIZE];
	uint64_t cal_events;
	char cal_why[128];
	/* /proc/interrupts TLB (x86 flush IPIs received; a subset of CAL) */
	uint64_t tlb0[CPU_SETSIZE], tlb_sum[CPU_SETSIZE];
	char tlb_why[160];
	/* cyclictest */
	json_t *cyc;
	pid_t ct_pid;
	double ct_secs;
	double ct_wait_s;		/* the runs' wait for the loaded cyclictest's threads */
	const char *ct_wait_why;	/* NULL: they were measuring */
	struct timespec ct_t0;		/* the wait's end: the runs start */
	long ct_d;			/* the loaded cyclictest's -D, a backstop */
	const char *ct_stop;		/* how its window ended */
	double ct_window_s;		/* ct_t0 to its SIGINT */
	/* rtla osnoise on the RT CPUs */
	json_t *rtla;
	pid_t rtla_pid;
	double rtla_wait_s;		/* the runs' wait for the loaded rtla's tracer */
	const char *rtla_wait_why;	/* NULL: its tracer was on */
	long rtla_d;			/* the loaded rtla's -d, a backstop */
	const char *rtla_stop;		/* how its window ended */
	/* perf stat */
	pid_t perf_pid;
	json_t *perf;
};

/* {"status": "skipped" or "failed", "reason": ...}: an observer that did not count */
static json_t *not_measured(const char *status, const char *reason)
{
	return json_pack("{s:s, s:s}", "status", status, "reason", reason);
}

static const char *const roles[] = { "walker", "trigger", "rt", "idle" };

static const char *role_of(const struct observe *o, int cpu)
{
	if (CPU_ISSET(cpu, &o->opt->walker_cpus))
		return roles[0];
	if (o->opt->trigger && CPU_ISSET(cpu, &o->opt->trigger_cpus))
		return roles[1];
	if (CPU_ISSET(cpu, &o->opt->rt_cpus))
		return roles[2];
	return roles[3];
}

static bool find_tool(const char *name, char *path, size_t len)
{
	const char *env = getenv("PATH");
	char *dirs = strdup(env ? env : "/usr/sbin:/usr/bin:/sbin:/bin"), *save, *d;
	bool found = false;

	for (d = strtok_r(dirs, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
		snprintf(path, len, "%s/%s", d, name);
		found = !access(path, X_OK);
	}
	free(dirs);
	return found;
}

/*
 * Where gupbench's own tools (perf, bpftrace, cyclictest's and rtla's main
 * threads, the tracefs reader) run: the trigger CPUs, else the CPUs that
 * neither walk nor are RT CPUs, else all but the RT CPUs. Left to the
 * scheduler they ran on the idle CPU and their wake-ups were a third of
 * the csds queued to it (ipi_attribution, TCG guest, 2026-11-26).
 */
static void tool_cpus(const struct observe *o, cpu_set_t *set)
{
	CPU_ZERO(set);
	if (o->opt->trigger)
		CPU_OR(set, set, &o->opt->trigger_cpus);
	for (int pass = 0; pass < 2 && !CPU_COUNT(set); pass++)
		for (int c = 0; c < CPU_SETSIZE; c++)
			if (CPU_ISSET(c, &o->online) && !CPU_ISSET(c, &o->opt->rt_cpus) &&
			    (pass || !CPU_ISSET(c, &o->opt->walker_cpus)))
				CPU_SET(c, set);
	CPU_AND(set, set, &o->online);
}

/* fork + exec @argv with stdout/stderr to files in the results dir */
static pid_t spawn(struct observe *o, char *const argv[], const char *out,
		   const char *errf)
{
	char po[PATH_MAX + 64], pe[PATH_MAX + 64];
	pid_t pid;

	pid_t self = getpid();
	cpu_set_t tools;

	tool_cpus(o, &tools);
	snprintf(po, sizeof(po), "%s/%s", o->res->dir, out);
	snprintf(pe, sizeof(pe), "%s/%s", o->res->dir, errf);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		int fo, fe, fi;
		sigset_t none;

		/* dies with gupbench; own process group: gupbench stops it */
		gb_spawned_child(self);
		if (CPU_COUNT(&tools))
			sched_setaffinity(0, sizeof(tools), &tools);
		fo = open(po, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		fe = open(pe, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		fi = open("/dev/null", O_RDONLY);
		if (fo < 0 || fe < 0 || fi < 0)
			_exit(126);
		dup2(fi, 0);
		dup2(fo, 1);
		dup2(fe, 2);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		execv(argv[0], argv);
		_exit(127);
	}
	return pid;
}

/* @pid has exited (not reaped: wait_timeout() still collects its status) */
static bool child_exited(pid_t pid)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	return !waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) &&
	       si.si_pid == pid;
}

/*
 * The measured runs are over: a tool watching them (rtla, cyclictest) stops
 * as on Ctrl-C, unless its backstop duration ended it first. How its window
 * ended, for observers.json.
 */
static const char *stop_at_runs_end(pid_t pid)
{
	if (child_exited(pid))
		return "duration";
	kill(pid, SIGINT);
	return gb_interrupted() ? "sigint, gupbench interrupted" : "sigint after runs";
}

enum wait_end { WAIT_READY, WAIT_EXITED, WAIT_INTERRUPTED, WAIT_TIMEOUT };

/*
 * Before the measured runs: polls @ready every 20 ms until it holds, the
 * tool @pid exits, gupbench is interrupted or @max_s pass, in that order of
 * precedence at each poll. *@waited_s: the time it took; *@end: the clock
 * at its end.
 */
static enum wait_end wait_ready(struct observe *o, pid_t pid, bool (*ready)(struct observe *),
				double max_s, double *waited_s, struct timespec *end)
{
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, end);
		*waited_s = (end->tv_sec - t0.tv_sec) + (end->tv_nsec - t0.tv_nsec) / 1e9;
		if (ready(o))
			return WAIT_READY;
		if (child_exited(pid))
			return WAIT_EXITED;
		if (gb_interrupted())
			return WAIT_INTERRUPTED;
		if (*waited_s >= max_s)
			return WAIT_TIMEOUT;
		usleep(20000);
	}
}

/*
 * Waits for a tool. When gupbench is interrupted the tool gets SIGINT
 * (they all stop early on it and still write their output); after a
 * second signal, or @secs, SIGKILL.
 */
static int wait_timeout(pid_t pid, double secs)
{
	bool told = false;
	int st;

	for (double t = 0; t < secs && !gb_hurry(); t += 0.02) {
		pid_t r = waitpid(pid, &st, WNOHANG);

		if (r == pid)
			return st;
		if (r < 0 && errno != EINTR)
			return -1;
		if (!told && gb_interrupted()) {
			kill(pid, SIGINT);
			told = true;
		}
		usleep(20000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return -1;
}

static char *read_result(struct observe *o, const char *name)
{
	char p[PATH_MAX + 64];

	snprintf(p, sizeof(p), "%s/%s", o->res->dir, name);
	return sysinfo_read_file(p);
}

static void last_line(const char *text, char *buf, size_t len)
{
	const char *p, *best = NULL;

	buf[0] = '\0';
	if (!text)
		return;
	for (p = text; *p; p++)
		if ((p == text || p[-1] == '\n') && *p != '\n' &&
		    strncmp(p, "ERROR: Unknown error -1: couldn't set RLIMIT", 44))
			best = p;
	if (best)
		snprintf(buf, len, "%.*s", (int)strcspn(best, "\n"), best);
}

static void record_tool_versions(struct observe *o)
{
	static const char *const tools[][2] = {
		{ "bpftrace", "bpftrace --version 2>&1" },
		{ "cyclictest", "cyclictest --help 2>&1 | head -1" },
		{ "perf", "perf --version 2>&1" },
		{ "rtla", "rtla --help 2>&1 | grep -m1 version" },
	};
	json_t *t = json_object_get(o->res->manifest, "tools");
	char path[PATH_MAX], line[256];

	for (size_t i = 0; t && i < sizeof(tools) / sizeof(tools[0]); i++) {
		if (!find_tool(tools[i][0], path, sizeof(path)))
			snprintf(line, sizeof(line), "not installed");
		else
			sysinfo_cmd_line(tools[i][1], line, sizeof(line));
		json_object_set_new(t, tools[i][0], json_string(line));
	}
}

struct observe *observe_new(const struct options *opt, struct results *res)
{
	struct observe *o = calloc(1, sizeof(*o));
	char *text = sysinfo_read_file("/proc/interrupts");
	int n;

	if (!o)
		abort();
	o->opt = opt;
	o->res = res;
	o->bt_pid = o->ct_pid = o->perf_pid = o->rtla_pid = -1;
	o->cyc = json_object();
	o->rtla = json_object();
	cpulist_online(&o->online);
	if (!text || proc_interrupts_cal(text, o->cal0, CPU_SETSIZE, &n))
		snprintf(o->cal_why, sizeof(o->cal_why),
			 "no function-call IPI line (CAL, arm64 IPI1) in /proc/interrupts");
	if (!text || proc_interrupts_tlb(text, o->tlb0, CPU_SETSIZE, &n))
		snprintf(o->tlb_why, sizeof(o->tlb_why), "no TLB shootdown line (TLB:) in "
			 "/proc/interrupts: TLB flushes send no IPI here (arm64: broadcast TLBI)");
	free(text);
	record_tool_versions(o);
	return o;
}

/* ---- rtla osnoise ------------------------------------------------------ */

/* rtla usable on the RT CPUs: NULL, or the reason it is not */
static const char *rtla_unusable(struct observe *o, char *tool, size_t len)
{
	char *tracers;
	bool has;

	if (!find_tool("rtla", tool, len))
		return "rtla not installed (apt-get install rtla)";
	if (geteuid())
		return "rtla needs root";
	if (access(TRACEFS "/available_tracers", R_OK) &&
	    mount("nodev", TRACEFS, "tracefs", 0, NULL) == 0)
		o->tracefs_mounted = true;
	tracers = sysinfo_read_file(TRACEFS "/available_tracers");
	has = tracers && strstr(tracers, "osnoise");
	free(tracers);
	if (!has)
		return "no osnoise tracer in this kernel (CONFIG_OSNOISE_TRACER; "
		       "kernel-configs/rtla.config)";
	return NULL;
}

static pid_t rtla_spawn(struct observe *o, long secs, const char *tag)
{
	char tool[PATH_MAX], cpus[256], dur[32], out[64], err[64];
	const char *why = rtla_unusable(o, tool, sizeof(tool));

	if (why) {
		json_object_set_new(o->rtla, "status", json_string("skipped"));
		json_object_set_new(o->rtla, "reason", json_string(why));
		return -2;
	}
	cpulist_format(&o->opt->rt_cpus, cpus, sizeof(cpus));
	snprintf(dur, sizeof(dur), "%lds", secs);
	snprintf(out, sizeof(out), "rtla-osnoise-%s.txt", tag);
	snprintf(err, sizeof(err), "rtla-osnoise-%s.err", tag);
	{
		/*
		 * 100 ms periods (90 ms of sampling each): rtla prints a CPU row
		 * only for periods that ended, and with the default 1 s period a
		 * 1 s run ended none ("duration 0 00:00:01" and no row, seen in
		 * a 6.12 TCG guest)
		 */
		char *argv[] = { tool, "osnoise", "top", "-q", "-p", "100000", "-r", "90000",
				 "-c", cpus, "-d", dur, NULL };

		return spawn(o, argv, out, err);
	}
}

/* @dir (tracefs or one of its instances) has the osnoise tracer on */
static bool osnoise_on_in(const char *dir)
{
	char p[512], *tracer, *on;
	bool yes;

	snprintf(p, sizeof(p), "%s/current_tracer", dir);
	tracer = sysinfo_read_file(p);
	snprintf(p, sizeof(p), "%s/tracing_on", dir);
	on = sysinfo_read_file(p);
	yes = tracer && on && !strncmp(tracer, "osnoise", 7) && (tracer[7] == '\n' ||
	      !tracer[7]) && on[0] == '1';
	free(tracer);
	free(on);
	return yes;
}

/* some tracefs instance (rtla makes its own) or the top has osnoise on */
static bool osnoise_on(void)
{
	DIR *d = opendir(TRACEFS "/instances");
	struct dirent *de;
	bool yes = osnoise_on_in(TRACEFS);
	char p[512];

	while (!yes && d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), TRACEFS "/instances/%s", de->d_name);
		yes = osnoise_on_in(p);
	}
	if (d)
		closedir(d);
	return yes;
}

/*
 * rtla's -d and its sampling start when its tracer is on, after a setup
 * (the kernel's event formats, its instance, the tracer) that in a loaded
 * 6.12 TCG guest outlasted all six measured runs: every osnoise:irq_noise
 * event fell after the last run's end marker. The measured runs wait for
 * the tracer, up to RTLA_START_MAX_S; the wait goes into observers.json.
 */
static bool rtla_sampling(struct observe *o)
{
	(void)o;
	return osnoise_on();
}

static void rtla_wait_sampling(struct observe *o)
{
	struct timespec end;

	switch (wait_ready(o, o->rtla_pid, rtla_sampling, RTLA_START_MAX_S, &o->rtla_wait_s, &end)) {
	case WAIT_READY:
		o->rtla_wait_why = NULL;
		break;
	case WAIT_EXITED:
		o->rtla_wait_why = "rtla exited before its tracer was on";
		break;
	case WAIT_INTERRUPTED:
		o->rtla_wait_why = "interrupted while waiting for rtla's tracer";
		break;
	case WAIT_TIMEOUT:
		o->rtla_wait_why = "rtla's tracer was not on after 60 s: the runs went "
			"ahead without it";
		break;
	}
}

/*
 * rtla's table into rtla.@tag. @status: its wait status, or -1 if it was
 * killed after @waited s (a table it had printed is kept, "incomplete").
 */
static void rtla_collect(struct observe *o, const char *tag, int status, double waited)
{
	struct osnoise_row rows[64];
	char name[64], why[512];
	char *text;
	json_t *cpus, *res;
	bool parsed;
	long dur;
	int n;

	snprintf(name, sizeof(name), "rtla-osnoise-%s.txt", tag);
	text = read_result(o, name);
	parsed = text && !rtla_osnoise_parse(text, rows, 64, &n, why, sizeof(why));
	if (status > 0 && WIFSIGNALED(status) && WTERMSIG(status) == SIGINT) {
		/* rtla sets its SIGINT handler once its tracer is on */
		snprintf(why, sizeof(why), "rtla was ended by gupbench's SIGINT before it had "
			 "set its handler (its setup still running): no table");
		parsed = false;
	} else if (status == -1 && parsed) {
		snprintf(why, sizeof(why), "rtla had not exited in gupbench's wait of %.0f s "
			 "(its -d, or the SIGINT, passed): killed, its table printed", waited);
	} else if (status == -1) {
		snprintf(why, sizeof(why), "rtla had not exited in gupbench's wait of %.0f s "
			 "(its -d, or the SIGINT, passed): killed, no table", waited);
	} else if (!text || status) {
		char *etext;

		snprintf(name, sizeof(name), "rtla-osnoise-%s.err", tag);
		etext = read_result(o, name);
		last_line(etext, why, sizeof(why));
		free(etext);
		if (!why[0] && WIFSIGNALED(status))
			snprintf(why, sizeof(why), "rtla killed by signal %d", WTERMSIG(status));
		else if (!why[0])
			snprintf(why, sizeof(why), "rtla exited with status %d", status);
	}
	if (!parsed || (status && status != -1)) {
		json_object_set_new(o->rtla, tag, not_measured("failed", why));
		results_skip(o->res, "rtla osnoise", why);
		free(text);
		return;
	}
	dur = rtla_osnoise_duration(text);
	free(text);
	cpus = json_object();
	for (int i = 0; i < n; i++) {
		struct osnoise_row *r = &rows[i];
		double s = r->runtime_us / 1e6;
		char k[16];

		snprintf(k, sizeof(k), "%d", r->cpu);
		json_object_set_new(cpus, k, json_pack(
			"{s:I, s:I, s:f, s:I, s:I, s:f, s:I, s:I, s:I, s:I, s:I, s:o}",
			"runtime_us", (json_int_t)r->runtime_us, "noise_us", (json_int_t)r->noise_us,
			"noise_us_per_s", s > 0 ? r->noise_us / s : 0.0,
			"max_noise_us", (json_int_t)r->max_noise_us,
			"max_single_noise_us", (json_int_t)r->max_single_us,
			"cpu_available_pct", r->avail_pct,
			"hw", (json_int_t)r->hw, "nmi", (json_int_t)r->nmi, "irq", (json_int_t)r->irq,
			"softirq", (json_int_t)r->softirq, "thread", (json_int_t)r->thread,
			"irq_per_s", s > 0 ? json_real(r->irq / s) : json_null()));
	}
	res = json_pack("{s:s, s:o, s:o}", "status", status ? "incomplete" : "ok",
			"by_cpu", cpus, "duration_s", dur >= 0 ? json_integer(dur) : json_null());
	if (status)
		json_object_set_new(res, "reason", json_string(why));
	json_object_set_new(o->rtla, tag, res);
	json_object_set_new(o->rtla, "status", json_string("ok"));
}

/* ---- cyclictest -------------------------------------------------------- */

static pid_t cyclictest_spawn(struct observe *o, long secs, const char *tag)
{
	char tool[PATH_MAX], cpus[256], threads[16], interval[16], dur[32];
	char out[64], err[64], json[PATH_MAX + 64];

	if (!find_tool("cyclictest", tool, sizeof(tool)))
		return -2;
	cpulist_format(&o->opt->rt_cpus, cpus, sizeof(cpus));
	snprintf(threads, sizeof(threads), "%d", CPU_COUNT(&o->opt->rt_cpus));
	snprintf(interval, sizeof(interval), "%u", o->opt->rt_interval_us);
	snprintf(dur, sizeof(dur), "%ld", secs);
	snprintf(json, sizeof(json), "--json=%s/cyclictest-%s.json", o->res->dir, tag);
	snprintf(out, sizeof(out), "cyclictest-%s.out", tag);
	snprintf(err, sizeof(err), "cyclictest-%s.err", tag);
	{
		char *argv[] = { tool, "-m", "-p95", "-a", cpus, "-t", threads, "-i",
				 interval, "-D", dur, "-h", "10000", "-q", json, NULL };

		return spawn(o, argv, out, err);
	}
}

/*
 * cyclictest's --json into cyclictest.@tag. @status: its wait status, or -1
 * if it was killed after @waited s (a JSON it had written is kept,
 * "incomplete"); @secs its window.
 */
static void cyclictest_collect(struct observe *o, const char *tag, int status,
			       double secs, double waited)
{
	char name[64], why[512];
	char *text;
	struct cyclic_result r;
	struct hist_summary s;
	json_t *res;

	snprintf(name, sizeof(name), "cyclictest-%s.json", tag);
	text = read_result(o, name);
	why[0] = '\0';
	if (status > 0 && WIFSIGNALED(status) && WTERMSIG(status) == SIGINT) {
		/* cyclictest sets its SIGINT handler after mlockall */
		snprintf(why, sizeof(why), "cyclictest was ended by gupbench's SIGINT before "
			 "it had set its handler (its startup still running): no JSON");
		free(text);
		text = NULL;
	} else if (status == -1) {
		snprintf(why, sizeof(why), "cyclictest had not exited in gupbench's wait of "
			 "%.0f s (its -D, or the SIGINT, passed): killed, %s", waited,
			 text ? "its JSON written" : "no JSON");
	} else if (!text || status) {
		char en[64];
		char *etext;

		snprintf(en, sizeof(en), "cyclictest-%s.err", tag);
		etext = read_result(o, en);
		last_line(etext, why, sizeof(why));
		free(etext);
		if (!why[0] && status > 0 && WIFSIGNALED(status))
			snprintf(why, sizeof(why), "cyclictest killed by signal %d",
				 WTERMSIG(status));
		else if (!why[0] && status)
			snprintf(why, sizeof(why), "cyclictest exited with status %d", status);
		else if (!why[0])
			snprintf(why, sizeof(why), "cyclictest wrote no JSON");
	}
	if (!text || (status && status != -1)) {
		json_object_set_new(o->cyc, tag, not_measured("failed", why));
		results_skip(o->res, "cyclictest", why);
		free(text);
		return;
	}
	if (cyclictest_parse(text, &r, why, sizeof(why))) {
		json_object_set_new(o->cyc, tag, not_measured("failed", why));
		free(text);
		cyclic_result_free(&r);
		return;
	}
	hist_summarise(&r.lat, &s);
	res = json_pack(
		"{s:s, s:f, s:I, s:I, s:f, s:f, s:f, s:f, s:f, s:o, s:o}",
		"status", status ? "incomplete" : "ok", "duration_s", secs,
		"cycles", (json_int_t)r.cycles,
		"overflows_beyond_10ms", (json_int_t)r.overflows,
		"min_us", s.min / 1000, "p50_us", s.p50 / 1000, "p99_us", s.p99 / 1000,
		"p99.9_us", s.p999 / 1000, "max_us", r.max_us,
		"threads", json_incref(r.threads), "histogram", hist_to_json(&r.lat));
	if (status)
		json_object_set_new(res, "reason", json_string(why));
	json_object_set_new(o->cyc, tag, res);
	cyclic_result_free(&r);
	free(text);
}

/*
 * How many of @pid's tasks run SCHED_FIFO on an RT CPU: cyclictest's timer
 * threads once they measure. In rt-tests 2.x's cyclictest.c each
 * timerthread pins itself to its CPU, then sched_setscheduler()s to -p,
 * reads the clock its -D counts from and enters its measuring loop; the
 * main thread stays SCHED_OTHER (and mlockall and the SIGINT handler come
 * before the threads).
 */
static int cyclictest_measuring(struct observe *o, pid_t pid)
{
	char p[128], *st, *f, *save;
	struct dirent *de;
	DIR *d;
	int n = 0;

	snprintf(p, sizeof(p), "/proc/%d/task", (int)pid);
	d = opendir(p);
	while (d && (de = readdir(d))) {
		long cpu = -1, policy = -1;

		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "/proc/%d/task/%.32s/stat", (int)pid, de->d_name);
		st = sysinfo_read_file(p);
		/* after "pid (comm) ": field 3 state ... 39 processor, 41 policy */
		f = st ? strrchr(st, ')') : NULL;
		if (f && f[1]) {
			int i = 3;

			for (f = strtok_r(f + 2, " ", &save); f; f = strtok_r(NULL, " ", &save), i++) {
				if (i == 39)
					cpu = strtol(f, NULL, 10);
				if (i == 41)
					policy = strtol(f, NULL, 10);
			}
		}
		free(st);
		if (policy == SCHED_FIFO && cpu >= 0 && cpu < CPU_SETSIZE &&
		    CPU_ISSET(cpu, &o->opt->rt_cpus))
			n++;
	}
	if (d)
		closedir(d);
	return n;
}

/*
 * cyclictest's -D and its measuring start in each timer thread, after a
 * startup (mlockall, thread creation, SCHED_FIFO) that in a loaded TCG
 * guest took the first two measured runs (CAL on CPU 3: 28 and 26 in runs
 * 1-2, then 393 and up). The measured runs wait until all its threads run
 * SCHED_FIFO on the RT CPUs, up to CT_START_MAX_S; the wait goes into
 * observers.json.
 */
static bool cyclictest_all_measuring(struct observe *o)
{
	return cyclictest_measuring(o, o->ct_pid) >= CPU_COUNT(&o->opt->rt_cpus);
}

static void cyclictest_wait_measuring(struct observe *o)
{
	switch (wait_ready(o, o->ct_pid, cyclictest_all_measuring, CT_START_MAX_S,
			   &o->ct_wait_s, &o->ct_t0)) {
	case WAIT_READY:
		o->ct_wait_why = NULL;
		break;
	case WAIT_EXITED:
		o->ct_wait_why = "cyclictest exited before its threads measured";
		break;
	case WAIT_INTERRUPTED:
		o->ct_wait_why = "interrupted while waiting for cyclictest's threads";
		break;
	case WAIT_TIMEOUT:
		o->ct_wait_why = "cyclictest's threads did not run SCHED_FIFO on the RT "
			"CPUs within 60 s: the runs went ahead without them";
		break;
	}
}

static void isolation_check(struct observe *o)
{
	cpu_set_t iso, nohz;
	bool isolated = true, nohz_ok = true;
	char buf[256];

	cpulist_read_file("/sys/devices/system/cpu/isolated", &iso);
	cpulist_read_file("/sys/devices/system/cpu/nohz_full", &nohz);
	for (int c = 0; c < CPU_SETSIZE; c++) {
		if (!CPU_ISSET(c, &o->opt->rt_cpus))
			continue;
		isolated &= CPU_ISSET(c, &iso) != 0;
		nohz_ok &= CPU_ISSET(c, &nohz) != 0;
	}
	json_object_set_new(o->cyc, "rt_cpus",
		json_string(cpulist_format(&o->opt->rt_cpus, buf, sizeof(buf))));
	json_object_set_new(o->cyc, "rt_cpus_isolated", json_boolean(isolated));
	json_object_set_new(o->cyc, "rt_cpus_nohz_full", json_boolean(nohz_ok));
	json_object_set_new(o->cyc, "interval_us", json_integer(o->opt->rt_interval_us));
	if (!isolated || !nohz_ok)
		fprintf(stderr, "gupbench: warning: RT CPUs %s are not %s (boot with "
			"isolcpus=%s nohz_full=%s); jitter figures include the scheduler's "
			"own noise\n", buf,
			!isolated ? "isolated" : "nohz_full", buf, buf);
}

/*
 * kernel.timer_migration as the RT CPUs are measured. On (the default) a
 * nohz_full CPU's timers are armed on housekeeping CPUs, so each of
 * cyclictest's wake-ups can be a function-call IPI to the RT CPU (506 of
 * the 513 csds to an isolated CPU 3 in a cond TCG guest's runs; 5 of 15
 * with it off). --rt-timer-migration off sets 0 (sysstate restores it).
 */
static void timer_migration(struct observe *o)
{
	static const char knob[] = "/proc/sys/kernel/timer_migration";
	char v[16] = "", err[256];

	if (o->opt->rt_timer_migration_off && sysstate_set(knob, "0", err, sizeof(err)))
		fprintf(stderr, "gupbench: warning: --rt-timer-migration off: %s\n", err);
	if (sysfs_read(knob, v, sizeof(v)))
		snprintf(v, sizeof(v), "unreadable");
	json_object_set_new(o->cyc, "timer_migration", json_string(v));
	json_object_set_new(o->rtla, "timer_migration", json_string(v));
}

void observe_quiet_reference(struct observe *o)
{
	double secs = o->opt->run_time * 2 < 1 ? 1 : o->opt->run_time * 2;
	pid_t pid;

	if (!CPU_COUNT(&o->opt->rt_cpus)) {
		json_object_set_new(o->rtla, "status", json_string("skipped"));
		json_object_set_new(o->rtla, "reason", json_string("no --rt-cpus given"));
		json_object_set_new(o->cyc, "status", json_string("skipped"));
		json_object_set_new(o->cyc, "reason", json_string(
			"no --rt-cpus given (needs a CPU that is neither walker nor trigger)"));
		return;
	}
	isolation_check(o);
	timer_migration(o);
	pid = cyclictest_spawn(o, (long)ceil(secs), "quiet");
	if (pid == -2) {
		results_skip(o->res, "cyclictest", "cyclictest not installed (apt-get install rt-tests)");
		json_object_set_new(o->cyc, "status", json_string("skipped"));
		json_object_set_new(o->cyc, "reason", json_string("cyclictest not installed"));
		return;
	}
	if (!o->opt->quiet)
		fprintf(stderr, "  cyclictest quiet reference on CPUs %s for %.0f s\n",
			json_string_value(json_object_get(o->cyc, "rt_cpus")), ceil(secs));
	cyclictest_collect(o, "quiet", wait_timeout(pid, ceil(secs) + 30), ceil(secs),
			   ceil(secs) + 30);
	json_object_set_new(o->cyc, "status", json_string("ok"));
	/* rtla alone after cyclictest: each would count the other as noise */
	if (gb_interrupted())
		return;
	pid = rtla_spawn(o, (long)ceil(secs), "quiet");
	if (pid == -2) {
		results_skip(o->res, "rtla osnoise",
			     json_string_value(json_object_get(o->rtla, "reason")));
		return;
	}
	if (!o->opt->quiet)
		fprintf(stderr, "  rtla osnoise quiet reference on CPUs %s for %.0f s\n",
			json_string_value(json_object_get(o->cyc, "rt_cpus")), ceil(secs));
	rtla_collect(o, "quiet", wait_timeout(pid, ceil(secs) + 30), ceil(secs) + 30);
}

/* ---- bpftrace ---------------------------------------------------------- */

static bool kallsyms_has(const char *sym)
{
	char line[512], name[256];
	FILE *f = fopen("/proc/kallsyms", "r");
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "%*s %*s %255s", name) == 1 && !strcmp(name, sym);
	fclose(f);
	return found;
}

/* root, the sync function and the csd tracepoints: what both methods need */
static bool ipi_usable(struct observe *o)
{
	if (o->opt->ipi_observer == IPI_NONE) {
		snprintf(o->bt_why, sizeof(o->bt_why), "--no-bpftrace / --ipi-observer=none given");
		return false;
	}
	if (geteuid()) {
		snprintf(o->bt_why, sizeof(o->bt_why), "tracing sync IPIs needs root");
		return false;
	}
	if (!kallsyms_has(SYNC_FUNC)) {
		snprintf(o->bt_why, sizeof(o->bt_why), SYNC_FUNC " not in /proc/kallsyms: "
			 "kernel without MMU_GATHER_RCU_TABLE_FREE (x86 needs CONFIG_PARAVIRT), "
			 "so there is no sync IPI to count");
		return false;
	}
	if (access(TRACEFS "/events", F_OK)) {
		if (mount("nodev", TRACEFS, "tracefs", 0, NULL)) {
			snprintf(o->bt_why, sizeof(o->bt_why), "cannot mount tracefs on "
				 TRACEFS ": %s", strerror(errno));
			return false;
		}
		o->tracefs_mounted = true;
	}
	if (access(TRACEFS "/events/csd/csd_queue_cpu", F_OK)) {
		snprintf(o->bt_why, sizeof(o->bt_why),
			 "no csd:csd_queue_cpu tracepoint in this kernel (added in 6.3)");
		return false;
	}
	return true;
}

/* bpftrace attached: true; else false with o->bt_why */
static bool bpftrace_start(struct observe *o)
{
	char tool[PATH_MAX], script[PATH_MAX];

	if (!find_tool("bpftrace", tool, sizeof(tool))) {
		snprintf(o->bt_why, sizeof(o->bt_why),
			 "bpftrace not installed (apt-get install bpftrace)");
		return false;
	}
	if (cli_find_file("gupbench-ipis.bt", "GUPBENCH_SCRIPTS", "scripts", script,
			  sizeof(script))) {
		snprintf(o->bt_why, sizeof(o->bt_why), "%.400s: %s (set GUPBENCH_SCRIPTS)",
			 script, strerror(errno));
		return false;
	}
	{
		char *argv[] = { tool, "-f", "json", script, NULL };

		o->bt_pid = spawn(o, argv, "bpftrace.json", "bpftrace.err");
	}
	/* compiling and attaching takes seconds, longer under emulation */
	for (int i = 0; i < 6000; i++) {
		char *out = read_result(o, "bpftrace.json");
		bool ok = out && strstr(out, "gupbench-sync-ipis-attached");
		int st;

		free(out);
		if (ok)
			return true;
		if (gb_interrupted())
			break;
		if (waitpid(o->bt_pid, &st, WNOHANG) == o->bt_pid) {
			char *err = read_result(o, "bpftrace.err");

			last_line(err, o->bt_why, sizeof(o->bt_why));
			free(err);
			o->bt_pid = -1;
			if (!o->bt_why[0])
				snprintf(o->bt_why, sizeof(o->bt_why),
					 "bpftrace exited before attaching");
			return false;
		}
		usleep(20000);
	}
	kill(o->bt_pid, SIGKILL);
	waitpid(o->bt_pid, NULL, 0);
	o->bt_pid = -1;
	snprintf(o->bt_why, sizeof(o->bt_why), gb_interrupted() ?
		 "interrupted before bpftrace attached" :
		 "bpftrace did not attach within 120 s");
	return false;
}

/*
 * The tracefs instance: the sync IPIs (the count when the method is
 * tracefs, a cross-check of bpftrace's otherwise) and every csd queued to
 * the RT and idle CPUs (the attribution). The reader runs where the
 * other tools do (tool_cpus()).
 */
static bool tracefs_start(struct observe *o)
{
	cpu_set_t attr, reader;
	char out[PATH_MAX + 64];

	CPU_ZERO(&attr);
	for (int c = 0; c < CPU_SETSIZE; c++) {
		const char *r;

		if (!CPU_ISSET(c, &o->online))
			continue;
		r = role_of(o, c);
		if (r == roles[2] || r == roles[3])
			CPU_SET(c, &attr);
	}
	tool_cpus(o, &reader);
	o->attr_cpus = CPU_COUNT(&attr);
	snprintf(out, sizeof(out), "%s/tracefs-ipis.json", o->res->dir);
	o->ct_on = !csdtrace_start(&o->ct, SYNC_FUNC, true, &attr, &reader, out,
				   o->ct_why, sizeof(o->ct_why));
	return o->ct_on;
}

void observe_ipi_start(struct observe *o)
{
	int m = o->opt->ipi_observer;
	char tool[PATH_MAX];

	if (!ipi_usable(o)) {
		snprintf(o->ct_why, sizeof(o->ct_why), "%s", o->bt_why);
		results_skip(o->res, "sync-ipi tracing", o->bt_why);
		return;
	}
	/* the instance first: it sees bpftrace attach */
	tracefs_start(o);
	if (m == IPI_TRACEFS || (m == IPI_AUTO && !find_tool("bpftrace", tool, sizeof(tool)))) {
		if (m == IPI_AUTO)
			snprintf(o->bt_fallback, sizeof(o->bt_fallback), "bpftrace not installed");
	} else if (bpftrace_start(o)) {
		o->method = "bpftrace";
		return;
	} else if (m == IPI_BPFTRACE) {
		results_skip(o->res, "sync-ipi tracing", o->bt_why);
		return;
	} else {
		/* auto: bpftrace is there but cannot run here */
		snprintf(o->bt_fallback, sizeof(o->bt_fallback), "%s", o->bt_why);
	}
	if (o->ct_on) {
		o->method = "tracefs";
		return;
	}
	if (o->bt_fallback[0])
		snprintf(o->bt_why, sizeof(o->bt_why), "bpftrace: %.200s; tracefs: %.200s",
			 o->bt_fallback, o->ct_why);
	else
		snprintf(o->bt_why, sizeof(o->bt_why), "tracefs: %.480s", o->ct_why);
	results_skip(o->res, "sync-ipi tracing", o->bt_why);
}

/* ---- perf stat --------------------------------------------------------- */

static void perf_start(struct observe *o, double secs)
{
	char tool[PATH_MAX], cpus[256], outf[PATH_MAX + 32];

	if (!find_tool("perf", tool, sizeof(tool))) {
		o->perf = not_measured("skipped", "perf not installed (apt-get install linux-perf)");
		return;
	}
	(void)secs;
	cpulist_format(&o->opt->walker_cpus, cpus, sizeof(cpus));
	snprintf(outf, sizeof(outf), "%s/perf-stat.csv", o->res->dir);
	{
		/*
		 * No workload (no "-- sleep N" that would outlive a killed
		 * gupbench): perf counts the CPUs until observe_measure_end()
		 * stops it with SIGINT.
		 */
		char *argv[] = { tool, "stat", "-x", ",", "-e", "cycles,instructions",
				 "-C", cpus, "-o", outf, NULL };

		o->perf_pid = spawn(o, argv, "perf-stat.out", "perf-stat.err");
	}
}

static void perf_collect(struct observe *o, int status)
{
	char *text = read_result(o, "perf-stat.csv"), *line, *save;
	double cycles = -1, instr = -1;
	char why[256] = "";

	if (!text || status) {
		char *err = read_result(o, "perf-stat.err");

		last_line(err, why, sizeof(why));
		free(err);
		o->perf = not_measured("skipped", why[0] ? why : "perf stat failed");
		free(text);
		return;
	}
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f = line, *val, *event;

		/* value,unit,event,... ; unit is often empty */
		val = strsep(&f, ",");
		strsep(&f, ",");
		event = strsep(&f, ",");
		if (line[0] == '#' || !event)
			continue;
		if (val[0] == '<') {
			snprintf(why, sizeof(why), "perf stat: %s %s (no usable PMU here, "
				 "e.g. a VM without PMU passthrough)", event, val);
			continue;
		}
		if (!strncmp(event, "cycles", 6))
			cycles = atof(val);
		else if (!strncmp(event, "instructions", 12))
			instr = atof(val);
	}
	free(text);
	if (cycles < 0 || instr < 0)
		o->perf = not_measured("skipped", why[0] ? why : "perf stat printed no counts");
	else
		o->perf = json_pack("{s:s, s:f, s:f, s:f, s:s}", "status", "ok",
				    "cycles", cycles, "instructions", instr,
				    "ipc", cycles > 0 ? instr / cycles : 0,
				    "scope", "walker CPUs, whole measured runs");
	if (strcmp(json_string_value(json_object_get(o->perf, "status")), "ok"))
		results_skip(o->res, "perf stat",
			     json_string_value(json_object_get(o->perf, "reason")));
}

void observe_measure_start(struct observe *o, double secs)
{
	o->ct_secs = secs;
	/*
	 * rtla first: the runs (and cyclictest's -D) start once it samples.
	 * Its -d is only a backstop: the runs outlast their nominal time (7.2 s
	 * for 6 s in a TCG guest, before the untimed phases), so the end of the
	 * last run stops it with a SIGINT (observe_measure_end).
	 */
	if (json_object_get(o->rtla, "quiet")) {
		o->rtla_d = 10 * (long)ceil(secs) + 600;
		o->rtla_stop = NULL;
		o->rtla_pid = rtla_spawn(o, o->rtla_d, "loaded");
		if (o->rtla_pid < 0)
			o->rtla_pid = -1;
		else
			rtla_wait_sampling(o);
	}
	/*
	 * cyclictest the same way: the runs start once its threads measure;
	 * its -D is a backstop and the end of the last run stops it with a
	 * SIGINT (rt-tests 2.x: the same shutdown as -D's, then its --json
	 * and its summary, exit 0)
	 */
	if (CPU_COUNT(&o->opt->rt_cpus) && json_object_get(o->cyc, "quiet")) {
		o->ct_d = 10 * (long)ceil(secs) + 600;
		o->ct_stop = NULL;
		o->ct_pid = cyclictest_spawn(o, o->ct_d, "loaded");
		if (o->ct_pid < 0)
			o->ct_pid = -1;
		else
			cyclictest_wait_measuring(o);
	}
	perf_start(o, secs);
}

void observe_measure_end(struct observe *o)
{
	/*
	 * The runs are over: rtla stops as on Ctrl-C (rtla 6.1 and 6.12: its
	 * handler ends the sampling loop; it reads the events left, prints its
	 * one -q table, removes its instance and exits 0)
	 */
	if (o->rtla_pid > 0)
		o->rtla_stop = stop_at_runs_end(o->rtla_pid);
	if (o->ct_pid > 0) {
		struct timespec t;

		/* both at the runs' end: rtla's SIGINT above, cyclictest's here */
		clock_gettime(CLOCK_MONOTONIC, &t);
		o->ct_window_s = (t.tv_sec - o->ct_t0.tv_sec) + (t.tv_nsec - o->ct_t0.tv_nsec) / 1e9;
		o->ct_stop = stop_at_runs_end(o->ct_pid);
	}
	if (o->ct_pid > 0) {
		/* it writes its JSON and summary at once; the wait is the backstop */
		double max = 10 + o->ct_secs * 0.2;
		json_t *ld;
		const char *st;

		cyclictest_collect(o, "loaded", wait_timeout(o->ct_pid, max),
				   strcmp(o->ct_stop, "duration") ? o->ct_window_s : (double)o->ct_d,
				   max);
		o->ct_pid = -1;
		ld = json_object_get(o->cyc, "loaded");
		json_object_set_new(ld, "start_wait_s", json_real(o->ct_wait_s));
		if (o->ct_wait_why)
			json_object_set_new(ld, "start_wait", json_string(o->ct_wait_why));
		json_object_set_new(ld, "stop", json_string(o->ct_stop));
		json_object_set_new(ld, "d_s", json_integer(o->ct_d));
		st = json_string_value(json_object_get(ld, "status"));
		/* it exited before the runs ended: -D ran out, or an error */
		if (!strcmp(o->ct_stop, "duration")) {
			if (st && !strcmp(st, "ok")) {
				json_object_set_new(ld, "status", json_string("incomplete"));
				json_object_set_new(ld, "reason", json_string(
					"cyclictest's -D ended before the last measured run did"));
			} else {
				json_object_set_new(ld, "stop", json_string(
					"exited before the runs ended"));
			}
		}
	}
	if (o->rtla_pid > 0) {
		/*
		 * rtla prints its table, then stops the tracer and removes its
		 * instance: in a loaded TCG guest that took more than 10 s; give
		 * it a minute, then kill it (the backstop)
		 */
		double max = 60 + o->ct_secs * 0.2;
		json_t *ld;

		rtla_collect(o, "loaded", wait_timeout(o->rtla_pid, max), max);
		o->rtla_pid = -1;
		ld = json_object_get(o->rtla, "loaded");
		json_object_set_new(ld, "start_wait_s", json_real(o->rtla_wait_s));
		if (o->rtla_wait_why)
			json_object_set_new(ld, "start_wait", json_string(o->rtla_wait_why));
		json_object_set_new(ld, "stop", json_string(o->rtla_stop ? o->rtla_stop :
							    "interrupted"));
		json_object_set_new(ld, "d_s", json_integer(o->rtla_d));
		/* it exited before the runs ended: -d ran out, or an error */
		if (o->rtla_stop && !strcmp(o->rtla_stop, "duration")) {
			if (!strcmp(json_string_value(json_object_get(ld, "status")), "ok")) {
				json_object_set_new(ld, "status", json_string("incomplete"));
				json_object_set_new(ld, "reason", json_string(
					"rtla's -d ended before the last measured run did"));
			} else {
				json_object_set_new(ld, "stop", json_string(
					"exited before the runs ended"));
			}
		}
	}
	if (o->perf_pid > 0) {
		int st;

		kill(o->perf_pid, SIGINT);	/* the measured runs are over */
		st = wait_timeout(o->perf_pid, 10 + o->ct_secs * 0.2);
		/* perf stat ends by re-raising the SIGINT it was stopped with */
		if (st > 0 && WIFSIGNALED(st) && WTERMSIG(st) == SIGINT)
			st = 0;
		perf_collect(o, st);
		o->perf_pid = -1;
	}
}

/* ---- CAL per run ------------------------------------------------------- */

/* one per-CPU row of /proc/interrupts, by its parser (toolparse.h) */
static bool read_irq_row(uint64_t *v, int (*parse)(const char *, uint64_t *, int, int *))
{
	char *text = sysinfo_read_file("/proc/interrupts");
	int n;
	bool ok = text && !parse(text, v, CPU_SETSIZE, &n);

	free(text);
	return ok;
}

static bool read_cal(uint64_t *cal)
{
	return read_irq_row(cal, proc_interrupts_cal);
}

static bool read_tlb(uint64_t *tlb)
{
	return read_irq_row(tlb, proc_interrupts_tlb);
}

void observe_run_begin(struct observe *o)
{
	if (o->ct_on)
		csdtrace_mark(&o->ct, "gupbench-runs-begin");
	if (!o->cal_why[0] && !read_cal(o->cal0))
		snprintf(o->cal_why, sizeof(o->cal_why), "cannot read /proc/interrupts");
	if (!o->tlb_why[0] && !read_tlb(o->tlb0))
		snprintf(o->tlb_why, sizeof(o->tlb_why), "cannot read /proc/interrupts");
}

/* per-role totals and per-CPU-per-event rates of a per-CPU count array */
static json_t *by_role(const struct observe *o, const uint64_t *v, uint64_t events)
{
	json_t *j = json_object();

	for (size_t r = 0; r < sizeof(roles) / sizeof(roles[0]); r++) {
		uint64_t total = 0;
		int n = 0;
		cpu_set_t set;
		char buf[256];

		CPU_ZERO(&set);
		for (int c = 0; c < CPU_SETSIZE; c++) {
			if (!CPU_ISSET(c, &o->online) || role_of(o, c) != roles[r])
				continue;
			CPU_SET(c, &set);
			total += v[c];
			n++;
		}
		if (!n)
			continue;
		json_object_set_new(j, roles[r], json_pack("{s:s, s:I, s:o}",
			"cpus", cpulist_format(&set, buf, sizeof(buf)), "total", (json_int_t)total,
			"per_cpu_per_event", events ? json_real((double)total / n / events) :
			json_null()));
	}
	return j;
}

static json_t *by_cpu(const struct observe *o, const uint64_t *v)
{
	json_t *j = json_object();

	for (int c = 0; c < CPU_SETSIZE; c++) {
		char k[16];

		if (!CPU_ISSET(c, &o->online))
			continue;
		snprintf(k, sizeof(k), "%d", c);
		json_object_set_new(j, k, json_pack("{s:I, s:s}", "count", (json_int_t)v[c],
						    "role", role_of(o, c)));
	}
	return j;
}

/* this run's TLB shootdowns (flush IPIs received), or why not */
static json_t *run_tlb(struct observe *o, uint64_t events)
{
	uint64_t now[CPU_SETSIZE], d[CPU_SETSIZE];

	if (o->tlb_why[0] || !read_tlb(now))
		return json_pack("{s:s}", "skipped", o->tlb_why[0] ? o->tlb_why :
				 "cannot read /proc/interrupts");
	for (int c = 0; c < CPU_SETSIZE; c++) {
		d[c] = now[c] - o->tlb0[c];
		o->tlb_sum[c] += d[c];
	}
	return json_pack("{s:o, s:o}", "by_cpu", by_cpu(o, d), "by_role",
			 by_role(o, d, events));
}

json_t *observe_run_end(struct observe *o, uint64_t events)
{
	uint64_t now[CPU_SETSIZE], d[CPU_SETSIZE];
	json_t *tlb = run_tlb(o, events);

	if (o->ct_on)
		csdtrace_mark(&o->ct, "gupbench-runs-end");
	if (o->cal_why[0] || !read_cal(now))
		return json_pack("{s:s, s:o}", "skipped", o->cal_why[0] ? o->cal_why :
				 "cannot read /proc/interrupts", "tlb_shootdowns", tlb);
	for (int c = 0; c < CPU_SETSIZE; c++) {
		d[c] = now[c] - o->cal0[c];
		o->cal_sum[c] += d[c];
	}
	o->cal_events += events;
	return json_pack("{s:I, s:o, s:o, s:s, s:o}", "trigger_events", (json_int_t)events,
		"by_cpu", by_cpu(o, d), "by_role", by_role(o, d, events),
		"note", "CAL counts every function-call IPI, not only the sync",
		"tlb_shootdowns", tlb);
}

/* ---- the end ----------------------------------------------------------- */

/* bpftrace stopped, then the instance (so it sees bpftrace detach) */
static void ipi_stop(struct observe *o)
{
	if (o->bt_pid > 0) {
		kill(o->bt_pid, SIGINT);
		wait_timeout(o->bt_pid, 30);
		o->bt_pid = -1;
	}
	if (o->ct_on && csdtrace_stop(&o->ct))
		snprintf(o->ct_why, sizeof(o->ct_why), "the tracefs reader failed");
	o->ct_on = false;
}

/* @file (bpftrace's line JSON) parsed into @c: 0, or -1 with @why */
static int read_counts(struct observe *o, const char *file, struct ipi_counts *c,
		       char *why, size_t len)
{
	const char *const ours[] = { gb_name_trigger, gb_name_unshare, NULL };
	char *text = read_result(o, file);
	int ret = -1;

	memset(c, 0, sizeof(*c));
	if (!text || !strstr(text, "gupbench-sync-ipis-end"))
		snprintf(why, len, "%s did not finish normally (no end line); its counts "
			 "are not trusted", file);
	else if (!bpftrace_parse(text, ours, c, why, len))
		ret = 0;
	free(text);
	return ret;
}

/*
 * @t: the tracefs reader's counts (NULL if it did not run or failed):
 * the result when the method is tracefs, a cross-check beside bpftrace's.
 */
static json_t *ipi_collect(struct observe *o, uint64_t events, const struct ipi_counts *t)
{
	bool bt = o->method && !strcmp(o->method, "bpftrace");
	struct ipi_counts own;
	const struct ipi_counts *c = t;
	char why[512];
	json_t *j;

	if (!o->method)
		return not_measured("skipped", o->bt_why);
	if (!bt && !t)
		return not_measured("failed", o->ct_why);
	if (bt) {
		if (read_counts(o, "bpftrace.json", &own, why, sizeof(why))) {
			ipi_counts_free(&own);
			return not_measured("failed", why);
		}
		c = &own;
	} else if (t->lost_total) {
		snprintf(why, sizeof(why), "the trace buffer lost %llu events: the counts "
			 "are not complete", (unsigned long long)t->lost_total);
		return not_measured("failed", why);
	}
	j = json_pack("{s:s, s:s, s:s, s:s, s:[s,s], s:I, s:I, s:I, s:I, s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:O}",
		"status", "ok", "method", o->method, "tool", bt ?
		"bpftrace csd:csd_queue_cpu func == " SYNC_FUNC :
		"tracefs instance, csd:csd_queue_cpu and csd_function_entry filtered on "
		"func == the address of " SYNC_FUNC " in /proc/kallsyms",
		"counted", "by_cpu and by_role: IPIs sent by this run's trigger tasks",
		"trigger_tasks", gb_name_trigger, gb_name_unshare,
		"trigger_events", (json_int_t)events,
		"queued_total", (json_int_t)c->queued_total,
		"entered_total", (json_int_t)c->entered_total,
		"queued_by_gupbench_triggers", (json_int_t)c->ours_total,
		"queued_by_other_tasks", (json_int_t)(c->queued_total - c->ours_total),
		"by_cpu", by_cpu(o, c->ours), "by_role", by_role(o, c->ours, events),
		"by_cpu_all_senders", by_cpu(o, c->queued),
		"entered_by_cpu_all_senders", by_cpu(o, c->entered),
		"by_role_all_senders", by_role(o, c->queued, events),
		"entered_by_role_all_senders", by_role(o, c->entered, events),
		"by_sender", c->senders);
	if (o->bt_fallback[0])
		json_object_set_new(j, "bpftrace_unusable", json_string(o->bt_fallback));
	if (bt) {
		/* the instance ran from before bpftrace attached to after it detached */
		json_object_set_new(j, "tracefs_cross_check", t ? json_pack(
			"{s:I, s:I, s:I, s:I}",
			"queued_total", (json_int_t)t->queued_total,
			"entered_total", (json_int_t)t->entered_total,
			"queued_by_gupbench_triggers", (json_int_t)t->ours_total,
			"lost_events", (json_int_t)t->lost_total) :
			not_measured("failed", o->ct_why));
		ipi_counts_free(&own);
	}
	return j;
}

/* ---- attribution of the function-call IPIs to the RT and idle CPUs ----- */

/*
 * Where a csd comes from. @func: its function, "sched_ttwu_pending wakes
 * COMM" for a remote wake-up (bench/csdtrace.c); @sender: "comm-pid", with
 * " (irq)" when queued in interrupt context (the task was only interrupted).
 */
static const char *source_of(const char *func, const char *sender)
{
	static const char *const tools[] = { "bpftrace", "perf", "perf-exec", "cyclictest" };
	const char *wakes = strstr(func, " wakes "), *dash;
	bool irq = strstr(sender, " (irq)") != NULL;
	char comm[32], obs[16];
	int pid;

	snprintf(obs, sizeof(obs), "gbo%d", (int)getpid());
	if (wakes) {
		/* a wake-up is the doing of the task it wakes */
		wakes += 7;
		if (!strcmp(wakes, "cyclictest"))
			return "cyclictest's own wake-ups (its timer fires on a housekeeping CPU)";
		if (!strncmp(wakes, "gb", 2) || !strcmp(wakes, "gupbench"))
			return "gupbench itself (main thread, tracefs reader)";
		for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++)
			if (!strcmp(wakes, tools[i]))
				return "gupbench observers (bpftrace, perf, cyclictest)";
	}
	if (!strcmp(func, "tlb_remove_table_smp_sync"))
		return "the page-table sync IPI (tlb_remove_table_smp_sync)";
	if (irq)
		return "interrupt context (not the interrupted task's doing)";
	dash = strrchr(sender, '-');
	pid = dash ? atoi(dash + 1) : -1;
	snprintf(comm, sizeof(comm), "%.*s", dash ? (int)(dash - sender) : 31, sender);
	if (!strcmp(comm, gb_name_trigger) || !strcmp(comm, gb_name_unshare))
		return "gupbench trigger, other than the sync (the freeing path)";
	if (!strcmp(comm, gb_name_walker))
		return "gupbench walkers";
	if (pid == getpid() || !strcmp(comm, obs))
		return "gupbench itself (main thread, tracefs reader)";
	for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++)
		if (!strcmp(comm, tools[i]))
			return "gupbench observers (bpftrace, perf, cyclictest)";
	return "elsewhere";
}

static void add(json_t *o, const char *key, json_int_t n)
{
	json_object_set_new(o, key, json_integer(json_integer_value(json_object_get(o, key)) + n));
}

/* {target: {func: {sender: n}}} of one phase, per target CPU */
static json_t *attr_phase(const struct observe *o, json_t *ph, uint64_t events)
{
	json_t *out = json_object(), *funcs, *senders, *v;
	const char *cpu, *func, *sender;

	json_object_foreach(ph, cpu, funcs) {
		json_t *t = json_pack("{s:s, s:I, s:o, s:o, s:o, s:o}", "role",
				      role_of(o, atoi(cpu)), "total", (json_int_t)0,
				      "by_source", json_object(), "by_func", json_object(),
				      "by_source_and_func", json_object(), "by_sender", json_object());
		json_int_t total = 0;

		json_object_foreach(funcs, func, senders) {
			json_object_foreach(senders, sender, v) {
				json_int_t n = json_integer_value(v);
				const char *src = source_of(func, sender);
				json_t *sf = json_object_get(json_object_get(t, "by_source_and_func"), src);

				if (!sf) {
					sf = json_object();
					json_object_set_new(json_object_get(t, "by_source_and_func"), src, sf);
				}
				add(sf, func, n);
				add(json_object_get(t, "by_source"), src, n);
				add(json_object_get(t, "by_func"), func, n);
				add(json_object_get(t, "by_sender"), sender, n);
				total += n;
			}
		}
		json_object_set_new(t, "total", json_integer(total));
		if (events)
			json_object_set_new(t, "per_event", json_real((double)total / events));
		json_object_set_new(out, cpu, t);
	}
	return out;
}

static json_t *attribution(struct observe *o, const struct ipi_counts *t)
{
	if (!t)
		return not_measured(o->ct_why[0] ? "skipped" : "failed",
				    o->ct_why[0] ? o->ct_why : "the tracefs reader failed");
	if (!o->attr_cpus)
		return not_measured("skipped", "no RT or idle CPU: every CPU walks or triggers");
	return json_pack("{s:s, s:s, s:s, s:I, s:I, s:o, s:o}",
		"status", t->lost_total ? "incomplete" : "ok",
		"method", "tracefs instance, csd:csd_queue_cpu filtered on the target CPU "
			  "(every function-call IPI queued to the RT and idle CPUs, func as the "
			  "kernel symbolises it, sender = task running on the sending CPU)",
		"note", "runs: between the start and end of the measured runs (trace_marker); "
			"outside_runs: setup, warm-up, between runs and teardown; a csd queued "
			"to a CPU that is already handling one is not a second interrupt, so "
			"these can exceed CAL",
		"trigger_events_in_runs", (json_int_t)o->cal_events,
		"lost_events", (json_int_t)t->lost_total,
		"runs", attr_phase(o, json_object_get(t->attr, "runs"), o->cal_events),
		"outside_runs", attr_phase(o, json_object_get(t->attr, "outside_runs"), 0));
}

/*
 * The osnoise tracer's own record of every interrupt on the RT CPUs while
 * the loaded rtla ran (osnoise:irq_noise in the tracefs instance, between
 * the runs' markers): what the IRQs rtla counts were, by vector, and how
 * many were function-call IPIs (x86: call_function, call_function_single).
 */
static void rtla_irq_attribution(struct observe *o, json_t *irqn)
{
	json_t *loaded = json_object_get(o->rtla, "loaded");
	const char *st = json_string_value(json_object_get(loaded, "status"));

	if (!st || strcmp(st, "ok"))
		return;
	if (!irqn) {
		json_object_set_new(loaded, "irq_attribution", not_measured("skipped",
			o->ct_why[0] ? o->ct_why : "no osnoise:irq_noise event in the tracefs instance"));
		return;
	}
	json_object_set_new(loaded, "irq_attribution", rtla_irq_attribution_json(irqn));
}

/* ---- the end ----------------------------------------------------------- */

json_t *observe_finish(struct observe *o, uint64_t events)
{
	struct ipi_counts c;
	bool ran = o->ct_on;
	char why[512];
	json_t *ipi, *attr, *all, *sum;

	ipi_stop(o);
	memset(&c, 0, sizeof(c));
	if (ran && !o->ct_why[0] && read_counts(o, "tracefs-ipis.json", &c, why, sizeof(why))) {
		snprintf(o->ct_why, sizeof(o->ct_why), "%s", why);
		ran = false;
	}
	ran = ran && !o->ct_why[0];
	ipi = ipi_collect(o, events, ran ? &c : NULL);
	attr = attribution(o, ran ? &c : NULL);
	if (o->ct_pid > 0 || o->perf_pid > 0 || o->rtla_pid > 0)
		observe_measure_end(o);
	rtla_irq_attribution(o, ran ? c.irq_noise : NULL);
	ipi_counts_free(&c);
	if (!json_object_get(o->rtla, "status"))
		json_object_set_new(o->rtla, "status", json_string("skipped"));
	json_object_set_new(o->rtla, "tool", json_string(
		"rtla osnoise top -q on the RT CPUs; quiet: alone, after cyclictest's quiet "
		"reference, ended by its -d; loaded: beside cyclictest over the measured runs, "
		"started before them (-d a backstop) and stopped by a SIGINT when the last one "
		"ended (loaded.stop) (cyclictest's "
		"wake-ups at FIFO 95 preempt osnoise's thread and count as thread noise there; "
		"the IRQ count and the max single noise are the interrupts')"));
	if (o->tracefs_mounted)
		umount(TRACEFS);
	if (!o->perf)
		o->perf = not_measured("skipped", "not started");
	all = json_pack("{s:o, s:o, s:o, s:o, s:o}", "sync_ipis", ipi,
		"cal_interrupts", o->cal_why[0] ?
			not_measured("skipped", o->cal_why) :
			json_pack("{s:s, s:I, s:o, s:o}", "status", "ok",
				  "trigger_events", (json_int_t)o->cal_events,
				  "by_cpu", by_cpu(o, o->cal_sum),
				  "by_role", by_role(o, o->cal_sum, o->cal_events)),
		"ipi_attribution", attr,
		"cyclictest", o->cyc, "perf", o->perf);
	/*
	 * The flush IPIs beside the sync IPIs: the skip design removes the
	 * sync IPI where the flush already interrupted every walker, so a
	 * table of sync IPIs alone hides what a CPU still receives.
	 */
	json_object_set_new(all, "tlb_shootdowns", o->tlb_why[0] ?
		not_measured("skipped", o->tlb_why) :
		json_pack("{s:s, s:I, s:o, s:o, s:s}", "status", "ok",
			  "trigger_events", (json_int_t)o->cal_events,
			  "by_cpu", by_cpu(o, o->tlb_sum),
			  "by_role", by_role(o, o->tlb_sum, o->cal_events),
			  "note", "/proc/interrupts TLB: TLB-flush IPIs received "
			  "(x86; also counted in CAL); all flushes in the runs, not only "
			  "the trigger's"));
	json_object_set_new(all, "rtla", json_incref(o->rtla));
	results_write_json(o->res, "observers.json", all);
	{
		json_t *cal = json_object_get(all, "cal_interrupts");
		json_t *ir = json_object_get(ipi, "by_role");
		json_t *cr = json_object_get(cal, "by_role");
		json_t *tl = json_object_get(all, "tlb_shootdowns");
		json_t *tr = json_object_get(tl, "by_role");
		json_t *ar = json_object_get(attr, "runs");

		sum = json_pack("{s:O, s:s, s:O, s:O, s:O, s:O, s:o}",
			"sync_ipis_by_role", ir ? ir : json_object_get(ipi, "reason"),
			"sync_ipis_method", o->method ? o->method : "none",
			"cal_by_role", cr ? cr : json_object_get(cal, "reason"),
			"tlb_by_role", tr ? tr : json_object_get(tl, "reason"),
			"ipi_attribution_runs", ar ? ar : json_object_get(attr, "reason"),
			"cyclictest", o->cyc, "rtla", o->rtla);
	}
	json_decref(all);
	free(o);
	return sum;
}
