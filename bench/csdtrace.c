// SPDX-License-Identifier: GPL-2.0
#include "csdtrace.h"
#include "lib/proc.h"
#include "lib/sysinfo.h"
#include "lib/sysstate.h"
#include "lib/toolparse.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define POLL_MS 100
#define BUFFER_KB "2048"

int csdtrace_sym_filter(const char *sym, const char *field, char *out, size_t len,
			char *why, size_t wlen)
{
	char line[512], name[256];
	unsigned long long addr;
	FILE *f = fopen("/proc/kallsyms", "r");
	size_t used = 0;
	int n = 0;

	out[0] = '\0';
	if (!f) {
		snprintf(why, wlen, "/proc/kallsyms: %s", strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %*s %255s", &addr, name) != 2 || strcmp(name, sym))
			continue;
		if (!addr) {
			snprintf(why, wlen, "/proc/kallsyms hides addresses (kptr_restrict, "
				 "or not root): cannot filter on %s", sym);
			fclose(f);
			return -1;
		}
		used += (size_t)snprintf(out + used, used < len ? len - used : 0, "%s%s == 0x%llx",
					 n++ ? " || " : "", field, addr);
	}
	fclose(f);
	if (!n) {
		snprintf(why, wlen, "%s not in /proc/kallsyms", sym);
		return -1;
	}
	if (used >= len) {
		snprintf(why, wlen, "%s: too many addresses in /proc/kallsyms", sym);
		return -1;
	}
	return 0;
}

static int inst_write(const struct csdtrace *t, const char *file, const char *v,
		      char *why, size_t len)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/%s", t->dir, file);
	if (sysfs_write(p, v)) {
		snprintf(why, len, "tracefs: writing '%.80s' to %s: %s", v, p, strerror(errno));
		return -1;
	}
	return 0;
}

/* instances of gupbench processes that died without removing them (SIGKILL) */
static void remove_stale(void)
{
	DIR *d = opendir(CSDTRACE_ROOT "/instances");
	struct dirent *de;
	char p[512];
	int pid;

	while (d && (de = readdir(d))) {
		if (sscanf(de->d_name, "gupbench-%d", &pid) != 1 || pid <= 0 ||
		    !kill(pid, 0) || errno != ESRCH)
			continue;
		snprintf(p, sizeof(p), CSDTRACE_ROOT "/instances/%s", de->d_name);
		rmdir(p);
	}
	if (d)
		closedir(d);
}

/* ---- the reader (a child process) -------------------------------------- */

static volatile sig_atomic_t reader_stop;

static void on_stop(int sig)
{
	(void)sig;
	reader_stop = 1;
}

struct agg {
	const char *sync;
	bool count_sync, in_runs;
	cpu_set_t attr_cpus;
	json_t *queue, *attr, *irq_noise;
	uint64_t entry[CPU_SETSIZE], lost[CPU_SETSIZE], malformed, lines;
	/* the last sched_waking on each CPU, for its sched_ttwu_pending csd */
	struct { char wakee[32]; int target; } waking[CPU_SETSIZE];
};

static json_t *child_obj(json_t *o, const char *key)
{
	json_t *c = json_object_get(o, key);

	if (!c) {
		c = json_object();
		json_object_set_new(o, key, c);
	}
	return c;
}

static void inc(json_t *o, const char *key)
{
	json_object_set_new(o, key, json_integer(json_integer_value(json_object_get(o, key)) + 1));
}

static void agg_line(struct agg *a, const char *line)
{
	struct csd_line e;
	char k[96];

	a->lines++;
	switch (tracefs_csd_line(line, &e)) {
	case CSD_QUEUE:
		if (a->count_sync && !strcmp(e.func, a->sync)) {
			snprintf(k, sizeof(k), "%d,%s", e.target, e.comm);
			inc(a->queue, k);
		}
		if (CPU_ISSET(e.target, &a->attr_cpus)) {
			json_t *ph = child_obj(a->attr, a->in_runs ? "runs" : "outside_runs");
			char fn[192];

			/* a remote wake-up: name the task it wakes */
			if (!strcmp(e.func, "sched_ttwu_pending") && a->waking[e.cpu].wakee[0] &&
			    a->waking[e.cpu].target == e.target)
				snprintf(fn, sizeof(fn), "%s wakes %s", e.func, a->waking[e.cpu].wakee);
			else
				snprintf(fn, sizeof(fn), "%s", e.func);
			a->waking[e.cpu].wakee[0] = '\0';
			snprintf(k, sizeof(k), "%d", e.target);
			ph = child_obj(child_obj(ph, k), fn);
			snprintf(k, sizeof(k), "%s-%d%s", e.comm, e.pid, e.irq ? " (irq)" : "");
			inc(ph, k);
		}
		break;
	case CSD_IRQ_NOISE:
		/* only while an osnoise tracer runs (rtla, on the RT CPUs) */
		if (a->irq_noise && CPU_ISSET(e.cpu, &a->attr_cpus)) {
			json_t *ph = child_obj(a->irq_noise, a->in_runs ? "runs" : "outside_runs");
			json_t *d;

			snprintf(k, sizeof(k), "%d", e.cpu);
			d = child_obj(child_obj(ph, k), e.func);
			inc(d, "count");
			json_object_set_new(d, "ns", json_integer(json_integer_value(
				json_object_get(d, "ns")) + (json_int_t)e.ns));
		}
		break;
	case CSD_WAKING:
		snprintf(a->waking[e.cpu].wakee, sizeof(a->waking[e.cpu].wakee), "%s", e.wakee);
		a->waking[e.cpu].target = e.target;
		break;
	case CSD_ENTRY:
		if (a->count_sync && !strcmp(e.func, a->sync))
			a->entry[e.cpu]++;
		break;
	case CSD_MARKER:
		if (!strcmp(e.text, "gupbench-runs-begin"))
			a->in_runs = true;
		else if (!strcmp(e.text, "gupbench-runs-end"))
			a->in_runs = false;
		break;
	case CSD_LOST:
		a->lost[e.cpu] += e.lost;
		break;
	case CSD_OTHER:
		break;
	default:
		a->malformed++;
	}
}

/* every complete line now in the pipe; @buf keeps a partial one */
static void drain(int fd, struct agg *a, char *buf, size_t size, size_t *have)
{
	for (;;) {
		ssize_t r = read(fd, buf + *have, size - 1 - *have);
		char *p, *nl;

		if (r <= 0)
			return;		/* EAGAIN: empty for now */
		*have += (size_t)r;
		buf[*have] = '\0';
		for (p = buf; (nl = strchr(p, '\n')); p = nl + 1) {
			*nl = '\0';
			agg_line(a, p);
		}
		*have = strlen(p);
		memmove(buf, p, *have + 1);
		if (*have == size - 1) {	/* a line longer than the buffer */
			a->malformed++;
			*have = 0;
		}
	}
}

/* events the ring buffer lost (overwritten or dropped), per CPU */
static void read_lost(const struct csdtrace *t, struct agg *a)
{
	char p[256];

	for (int c = 0; c < CPU_SETSIZE; c++) {
		unsigned long long over = 0, drop = 0;
		char *text, *s;

		snprintf(p, sizeof(p), "%s/per_cpu/cpu%d/stats", t->dir, c);
		text = sysinfo_read_file(p);
		if (!text)
			continue;
		if ((s = strstr(text, "\noverrun: ")) || !strncmp(s = text, "overrun: ", 9))
			over = strtoull(strchr(s, ':') + 1, NULL, 10);
		if ((s = strstr(text, "dropped events: ")))
			drop = strtoull(s + 16, NULL, 10);
		if (over + drop > a->lost[c])
			a->lost[c] = over + drop;
		free(text);
	}
}

static json_t *cpu_map(const uint64_t *v)
{
	json_t *j = json_object();
	char k[16];

	for (int c = 0; c < CPU_SETSIZE; c++) {
		if (!v[c])
			continue;
		snprintf(k, sizeof(k), "%d", c);
		json_object_set_new(j, k, json_integer((json_int_t)v[c]));
	}
	return j;
}

static void put_line(FILE *f, const char *type, const char *name, json_t *v)
{
	json_t *line = name ? json_pack("{s:s, s:{s:o}}", "type", type, "data", name, v) :
		json_pack("{s:s, s:o}", "type", type, "data", v);

	json_dumpf(line, f, JSON_COMPACT);
	fputc('\n', f);
	json_decref(line);
}

static void reader_main(const struct csdtrace *t, int fd, struct agg *a, const char *out)
{
	static char buf[1 << 16];
	struct timespec ts = { 0, POLL_MS * 1000000L };
	struct sigaction sa = { .sa_handler = on_stop };
	size_t have = 0;
	sigset_t none;
	FILE *f;

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	while (!reader_stop) {
		drain(fd, a, buf, sizeof(buf), &have);
		nanosleep(&ts, NULL);
	}
	drain(fd, a, buf, sizeof(buf), &have);
	read_lost(t, a);
	f = fopen(out, "w");
	if (!f)
		_exit(1);
	put_line(f, "attached_probes", NULL, json_pack("{s:i}", "probes", 2));
	put_line(f, "map", "@queue", json_incref(a->queue));
	put_line(f, "map", "@entry_by_cpu", cpu_map(a->entry));
	put_line(f, "map", "@attr", json_incref(a->attr));
	if (a->irq_noise)
		put_line(f, "map", "@irq_noise", json_incref(a->irq_noise));
	put_line(f, "map", "@lost", cpu_map(a->lost));
	put_line(f, "reader", NULL, json_pack("{s:I, s:I, s:i}", "lines", (json_int_t)a->lines,
		 "malformed_lines", (json_int_t)a->malformed, "poll_ms", POLL_MS));
	fputs("{\"type\": \"printf\", \"data\": \"gupbench-sync-ipis-end\\n\"}\n", f);
	_exit(fclose(f) ? 1 : 0);
}

/* ---- start / mark / stop ----------------------------------------------- */

static void remove_instance(struct csdtrace *t)
{
	if (!t->dir[0])
		return;
	/* the reader's trace_pipe may take a moment to be released */
	for (int i = 0; i < 50 && rmdir(t->dir) && errno == EBUSY; i++)
		usleep(20000);
	t->dir[0] = '\0';
}

/* appends "FIELD == c" for each CPU in @cpus, joined by " || "; new length */
static size_t cpu_filter(char *buf, size_t size, size_t used, const char *field,
			 const cpu_set_t *cpus)
{
	for (int c = 0; c < CPU_SETSIZE && used < size; c++)
		if (CPU_ISSET(c, cpus))
			used += (size_t)snprintf(buf + used, size - used, "%s%s == %d",
						 used ? " || " : "", field, c);
	return used;
}

/* checks the tracepoints are there and makes this run's instance */
static int instance_create(struct csdtrace *t, pid_t self, char *why, size_t len)
{
	if (access(CSDTRACE_ROOT "/instances", W_OK)) {
		snprintf(why, len, CSDTRACE_ROOT "/instances: %s", strerror(errno));
		return -1;
	}
	if (access(CSDTRACE_ROOT "/events/csd/csd_queue_cpu", F_OK)) {
		snprintf(why, len, "no csd:csd_queue_cpu tracepoint in this kernel (added in 6.3)");
		return -1;
	}
	remove_stale();
	snprintf(t->dir, sizeof(t->dir), CSDTRACE_ROOT "/instances/gupbench-%d", (int)self);
	if (mkdir(t->dir, 0700)) {
		snprintf(why, len, "mkdir %s: %s", t->dir, strerror(errno));
		t->dir[0] = '\0';
		return -1;
	}
	return 0;
}

/* filters and enables the instance's events; -1 (why) on failure */
static int instance_enable(struct csdtrace *t, const char *sync_filter, bool count_sync,
			   const cpu_set_t *attr_cpus, char *why, size_t len)
{
	char qf[1024];
	size_t used = 0;

	if (count_sync)
		used = (size_t)snprintf(qf, sizeof(qf), "%s", sync_filter);
	used = cpu_filter(qf, sizeof(qf), used, "cpu", attr_cpus);
	if (used >= sizeof(qf)) {
		snprintf(why, len, "tracefs: filter too long");
		return -1;
	}
	/* remote wake-ups: sched_waking to the same CPUs names the wakee */
	if (CPU_COUNT(attr_cpus) && !access(CSDTRACE_ROOT "/events/sched/sched_waking", F_OK)) {
		char wf[1024];
		size_t wu = cpu_filter(wf, sizeof(wf), 0, "target_cpu", attr_cpus);

		if (wu >= sizeof(wf) ||
		    inst_write(t, "events/sched/sched_waking/filter", wf, why, len) ||
		    inst_write(t, "events/sched/sched_waking/enable", "1", why, len))
			return -1;
	}
	if (inst_write(t, "buffer_size_kb", BUFFER_KB, why, len) ||
	    (used && (inst_write(t, "events/csd/csd_queue_cpu/filter", qf, why, len) ||
		      inst_write(t, "events/csd/csd_queue_cpu/enable", "1", why, len))) ||
	    (count_sync &&
	     (inst_write(t, "events/csd/csd_function_entry/filter", sync_filter, why, len) ||
	      inst_write(t, "events/csd/csd_function_entry/enable", "1", why, len))))
		return -1;
	return 0;
}

/* forks the reader of the instance's trace_pipe (gbo<pid>); 0 or -1 (why) */
static int reader_fork(struct csdtrace *t, struct agg *a, const cpu_set_t *reader_cpus,
		       const char *out, char *why, size_t len)
{
	pid_t self = getpid();
	char p[256];
	int fd;

	snprintf(p, sizeof(p), "%s/trace_pipe", t->dir);
	fd = open(p, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, len, "%s: %s", p, strerror(errno));
		return -1;
	}
	fflush(NULL);
	t->reader = fork();
	if (t->reader == 0) {
		char name[16];

		gb_spawned_child(self);
		snprintf(name, sizeof(name), "gbo%d", (int)self);
		prctl(PR_SET_NAME, name);
		if (CPU_COUNT(reader_cpus))
			sched_setaffinity(0, sizeof(*reader_cpus), reader_cpus);
		reader_main(t, fd, a, out);
	}
	close(fd);
	if (t->reader < 0) {
		snprintf(why, len, "fork: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int csdtrace_start(struct csdtrace *t, const char *sync_sym, bool count_sync,
		   const cpu_set_t *attr_cpus, const cpu_set_t *reader_cpus,
		   const char *out, char *why, size_t len)
{
	char sync_filter[512] = "", p[256];
	struct agg a = { .sync = sync_sym, .count_sync = count_sync };
	bool irqn;
	int rc;

	t->dir[0] = '\0';
	t->reader = -1;
	if (count_sync && csdtrace_sym_filter(sync_sym, "func", sync_filter,
					      sizeof(sync_filter), why, len))
		return -1;
	if (instance_create(t, getpid(), why, len))
		return -1;
	if (instance_enable(t, sync_filter, count_sync, attr_cpus, why, len))
		goto fail;
	/*
	 * The osnoise tracer's record of each interrupt it saw on the CPUs it
	 * watches (rtla on the RT CPUs): what the IRQs rtla counts were. Only
	 * where the kernel has the tracer; without it "@irq_noise" is absent.
	 */
	irqn = CPU_COUNT(attr_cpus) && !access(CSDTRACE_ROOT "/events/osnoise/irq_noise", F_OK) &&
	       !inst_write(t, "events/osnoise/irq_noise/enable", "1", p, sizeof(p));
	a.queue = json_object();
	a.attr = json_object();
	a.irq_noise = irqn ? json_object() : NULL;
	CPU_ZERO(&a.attr_cpus);
	CPU_OR(&a.attr_cpus, &a.attr_cpus, attr_cpus);
	rc = reader_fork(t, &a, reader_cpus, out, why, len);
	json_decref(a.queue);
	json_decref(a.attr);
	json_decref(a.irq_noise);
	if (!rc)
		return 0;
fail:
	remove_instance(t);
	return -1;
}

void csdtrace_mark(struct csdtrace *t, const char *text)
{
	char p[256];
	int fd;

	if (!t->dir[0])
		return;
	snprintf(p, sizeof(p), "%s/trace_marker", t->dir);
	fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (write(fd, text, strlen(text)) < 0)
		fprintf(stderr, "gupbench: %s: %s\n", p, strerror(errno));
	close(fd);
}

int csdtrace_stop(struct csdtrace *t)
{
	int st = -1;

	if (t->reader > 0) {
		kill(t->reader, SIGINT);
		for (int i = 0; i < 1000; i++) {
			if (waitpid(t->reader, &st, WNOHANG) == t->reader)
				break;
			st = -1;
			usleep(10000);
		}
		if (st == -1) {
			kill(t->reader, SIGKILL);
			waitpid(t->reader, NULL, 0);
		}
		t->reader = -1;
	}
	remove_instance(t);
	return st == 0 ? 0 : -1;
}
