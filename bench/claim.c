// SPDX-License-Identifier: GPL-2.0
/*
 * gupbench claim: the v4 cover letter's measurement, rebuilt so that its
 * spread can be put beside gupbench's own.
 *
 * The claim: "60 threads x 500k GUP-fast calls pinning 8 pages each
 * through the CONFIG_GUP_TEST ioctl, total time 1.489 s -> 1.533 s, mean
 * of 10 runs". Here: one thread per online CPU but the first (min 1), each
 * pinned to its own CPU, each making a fixed number of calls of P pages;
 * all start on a barrier; a repetition's wall time is from the first
 * thread's start to the last thread's end (CLOCK_MONOTONIC_RAW). The calls
 * go through gup_test PIN_FAST_BENCHMARK where /sys/kernel/debug/gup_test
 * exists, else vmsplice() of P pages into a pipe, drained with splice()
 * (the walker ops of walk-gup-test.c / walk-vmsplice.c, not a copy).
 * It prints what the original printed (the mean wall time) and what it
 * lacked: sd, a 95% Student t interval of the mean, and ns per call.
 */
#include "gupbench.h"
#include "lib/proc.h"
#include "lib/results.h"
#include "lib/stats.h"
#include "lib/sysinfo.h"
#include "lib/sysstate.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CLAIM_MAX_REPS 1000
#define PILOT_S 0.2

enum claim_path { PATH_AUTO, PATH_GUP_TEST, PATH_VMSPLICE };

struct claim_opts {
	struct options o;	/* what the walker ops read: pages, gup_calls, ... */
	enum claim_path path;
	unsigned int reps;
	unsigned long long calls;	/* per thread per repetition; 0: pilot */
	double rep_time;		/* target seconds per repetition (pilot) */
	double budget;			/* --time-budget, 0 if not given */
	bool have_cpus;
};

/* what every thread does in one phase */
enum { PH_PILOT, PH_REP, PH_QUIT };

struct claim_thread {
	pthread_t th;
	struct walker w;
	const struct walker_ops *ops;
	int setup_rc;
	int failed;
	uint64_t t0, t1;	/* CLOCK_MONOTONIC_RAW ns of this phase */
	uint64_t cpu_ns;	/* this thread's CPU time in this phase */
	uint64_t calls;		/* GUP-fast calls made in this phase */
	uint64_t kernel_ns;	/* gup_test: in-kernel get time of this phase */
};

static volatile sig_atomic_t claim_stop;
static atomic_int claim_phase, pilot_end;
static unsigned long long claim_calls;	/* per thread, for PH_REP */
static pthread_barrier_t cb_start, cb_end;

static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void *claim_main(void *arg)
{
	struct claim_thread *ct = arg;
	struct walker *w = &ct->w;
	const struct walker_ops *ops = ct->ops;
	uint64_t inject = w->opt->inject_ns;

	pthread_setname_np(pthread_self(), gb_name_walker);
	ct->setup_rc = gb_pin_self(w->cpu) ? -1 : ops->setup(w);
	if (ct->setup_rc && !w->err[0])
		snprintf(w->err, sizeof(w->err), "cannot pin to CPU %d", w->cpu);
	pthread_barrier_wait(&cb_start);	/* setup done */
	for (;;) {
		uint64_t c0;
		int ph;

		pthread_barrier_wait(&cb_start);
		ph = atomic_load(&claim_phase);
		if (ph == PH_QUIT)
			break;
		ct->calls = 0;
		ct->kernel_ns = 0;
		ct->t0 = clock_raw_ns();
		c0 = thread_cpu_ns();
		while (!ct->failed && !ct->setup_rc && !claim_stop &&
		       (ph == PH_REP ? ct->calls < claim_calls :
			!atomic_load_explicit(&pilot_end, memory_order_relaxed))) {
			uint64_t kns = 0, n = 1;
			int rc = ops->call(w, &kns, &n);

			/* the runner's delay; per GUP-fast call, also
			 * when one gup_test ioctl makes n of them */
			if (inject)
				timer_spin_ns(&gb_timer, inject * n);
			if (!rc && ops->after)
				rc = ops->after(w);
			if (rc) {
				ct->failed = 1;
				break;
			}
			ct->calls += n;
			ct->kernel_ns += kns * n;
		}
		ct->t1 = clock_raw_ns();
		ct->cpu_ns = thread_cpu_ns() - c0;
		pthread_barrier_wait(&cb_end);
	}
	if (!ct->setup_rc || w->priv)
		ops->teardown(w);
	return NULL;
}

static void claim_usage(FILE *f)
{
	fprintf(f,
"usage: gupbench claim [options]\n"
"\n"
"The v4 cover letter's measurement (\"60 threads x 500k GUP-fast calls of\n"
"8 pages through the gup_test ioctl, total time, mean of 10 runs\") with\n"
"what it lacked: sd, 95%% t interval of the mean wall time, ns per call.\n"
"One thread per CPU, pinned, fixed calls each, started on a barrier; a\n"
"repetition's wall time is first start to last end.\n"
"\n"
"  -n, --reps N             repetitions (default 10)\n"
"  -c, --calls N            calls per thread per repetition (default: from a\n"
"                           %.1f s pilot, so one repetition takes --rep-time;\n"
"                           the pilot runs, discarded, in every invocation:\n"
"                           it is the warm-up)\n"
"      --rep-time SEC       target length of one repetition (default 1.0)\n"
"      --time-budget SEC    target length of all repetitions (rep-time =\n"
"                           SEC / reps); not with --calls or --rep-time\n"
"  -C, --cpus LIST          thread CPUs (default: all online CPUs but the first)\n"
"  -p, --pages N            pages per call (default 8)\n"
"      --path auto|gup-test|vmsplice  how to call GUP-fast (default auto:\n"
"                           gup_test PIN_FAST_BENCHMARK if present, else vmsplice)\n"
"      --gup-calls N        gup-test: calls per ioctl (default 1024)\n"
"      --inject-ns N        the runner's known delay (spin to a timer\n"
"                           deadline), N ns per call\n"
"                           (a known answer; default 0)\n"
"  -o, --results DIR        parent of the results directory (default results)\n"
"      --variant NAME       kernel variant label (default: kernel release)\n"
"      --label NAME         results directory label (default claim)\n"
"  -q, --quiet              no progress lines\n"
"\n"
"Exit status: 0 done, 1 run failed, 2 bad input, 77 skipped (--path\n"
"gup-test without gup_test), 130 interrupted.\n", PILOT_S);
}

static double parse_seconds(const char *opt, const char *s, double lo, double hi)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= lo && v <= hi))
		die_input("%s: '%s' is not between %g and %g seconds", opt, s, lo, hi);
	return v;
}

static void check_name(const char *what, const char *s)
{
	if (!*s || strlen(s) > 64 || strspn(s, "abcdefghijklmnopqrstuvwxyz"
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+-") != strlen(s))
		die_input("%s '%s': use 1-64 letters, digits, '.', '_', '+' or '-'",
			  what, s);
}

enum { CO_REP_TIME = 256, CO_BUDGET, CO_PATH, CO_GUP_CALLS, CO_INJECT,
       CO_VARIANT, CO_LABEL };

/* one option of claim_parse(); *@have_rt: --rep-time was given */
static void claim_option(int ch, char **argv, struct claim_opts *c, bool *have_rt)
{
	char err[512];

	switch (ch) {
	case 'n':
		c->reps = opt_number("--reps", optarg, 1, CLAIM_MAX_REPS);
		break;
	case 'c':
		c->calls = opt_number("--calls", optarg, 1, 10000000000ull);
		break;
	case CO_REP_TIME:
		c->rep_time = parse_seconds("--rep-time", optarg, 0.001, 3600);
		*have_rt = true;
		break;
	case CO_BUDGET:
		c->budget = parse_seconds("--time-budget", optarg, 0.001, 86400);
		break;
	case 'C':
		if (cpulist_parse(optarg, &c->o.walker_cpus, err, sizeof(err)) ||
		    cpulist_validate("--cpus", &c->o.walker_cpus, err, sizeof(err)))
			die_input("%s", err);
		c->have_cpus = true;
		break;
	case 'p':
		c->o.pages = opt_number("--pages", optarg, 1, 4096);
		break;
	case CO_PATH: {
		static const char *const p[] = { "auto", "gup-test", "vmsplice", NULL };
		static const enum claim_path v[] = { PATH_AUTO, PATH_GUP_TEST,
						     PATH_VMSPLICE };

		c->path = v[opt_choice("--path", optarg, p)];
		break;
	}
	case CO_GUP_CALLS:
		c->o.gup_calls = opt_number("--gup-calls", optarg, 1, 1000000);
		break;
	case CO_INJECT:
		c->o.inject_ns = opt_number("--inject-ns", optarg, 0, 1000000000);
		break;
	case 'o':
		c->o.results_root = optarg;
		break;
	case CO_VARIANT:
		check_name("--variant", optarg);
		c->o.variant = optarg;
		break;
	case CO_LABEL:
		check_name("--label", optarg);
		c->o.label = optarg;
		break;
	case 'q':
		c->o.quiet = true;
		break;
	case 'h':
		claim_usage(stdout);
		exit(0);
	default:
		die_input("claim: bad option '%s' (see gupbench claim --help)",
			  argv[optind - 1]);
	}
}

/* the options' combinations, and the defaults that depend on them */
static void claim_check(struct claim_opts *c, bool have_rt)
{
	if (c->budget && (c->calls || have_rt))
		die_input("claim: --time-budget sets the repetition length; "
			  "do not give --calls or --rep-time with it");
	if (c->calls && have_rt)
		die_input("claim: --calls and --rep-time both fix the repetition length");
	if (c->budget)
		c->rep_time = c->budget / c->reps;
	if (!c->have_cpus) {
		cpu_set_t on;

		if (cpulist_online(&on))
			die_input("cannot read /sys/devices/system/cpu/online");
		c->o.walker_cpus = on;
		if (CPU_COUNT(&on) > 1)
			CPU_CLR(cpulist_nth(&on, 0), &c->o.walker_cpus);
	}
}
static void claim_parse(int argc, char **argv, struct claim_opts *c)
{
	static const struct option lo[] = {
		{ "reps", required_argument, NULL, 'n' },
		{ "calls", required_argument, NULL, 'c' },
		{ "rep-time", required_argument, NULL, CO_REP_TIME },
		{ "time-budget", required_argument, NULL, CO_BUDGET },
		{ "cpus", required_argument, NULL, 'C' },
		{ "pages", required_argument, NULL, 'p' },
		{ "path", required_argument, NULL, CO_PATH },
		{ "gup-calls", required_argument, NULL, CO_GUP_CALLS },
		{ "inject-ns", required_argument, NULL, CO_INJECT },
		{ "results", required_argument, NULL, 'o' },
		{ "variant", required_argument, NULL, CO_VARIANT },
		{ "label", required_argument, NULL, CO_LABEL },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool have_rt = false;
	int ch;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "n:c:C:p:o:qh", lo, NULL)) != -1)
		claim_option(ch, argv, c, &have_rt);
	if (optind < argc)
		die_input("claim: unexpected argument '%s'", argv[optind]);
	claim_check(c, have_rt);
}

/* Runs one phase on every thread; returns -1 if a thread failed (err set). */
static int claim_phase_run(struct claim_thread *ct, unsigned int nt, int ph,
			   char *err, size_t len)
{
	atomic_store(&claim_phase, ph);
	atomic_store(&pilot_end, 0);
	pthread_barrier_wait(&cb_start);
	if (ph == PH_PILOT) {
		struct timespec ts = { 0, (long)(PILOT_S * 1e9) };

		nanosleep(&ts, NULL);
		atomic_store(&pilot_end, 1);
	}
	pthread_barrier_wait(&cb_end);
	for (unsigned int i = 0; i < nt; i++) {
		if (ct[i].failed || ct[i].setup_rc) {
			snprintf(err, len, "thread on CPU %d: %s", ct[i].w.cpu, ct[i].w.err);
			return -1;
		}
	}
	return 0;
}

struct rep {
	double wall_s, ns_per_call, min_thread_s, max_thread_s;
	double cpu_ns_per_call;	/* threads' CPU time / their calls, mean */
	uint64_t kernel_ns;	/* sum over threads (gup_test only) */
};

static void print_line(const char *what, const struct sample_stats *s, int prec)
{
	double half = (s->ci95_hi - s->ci95_lo) / 2;

	printf("%-18s %12.*f %10.*f   [%.*f, %.*f]   +-%.2f%%\n", what, prec, s->mean,
	       prec, s->sd, prec, s->ci95_lo, prec, s->ci95_hi,
	       s->mean > 0 ? half / s->mean * 100 : 0.0);
}

/* one claim invocation, handed from step to step */
struct claim_run {
	struct claim_opts c;
	const struct walker_ops *ops;	/* the path taken */
	char reason[512];		/* why that path */
	char cpus[256];			/* the threads' CPUs, as a list */
	unsigned int nt;		/* threads */
	struct claim_thread *ct;
	bool started;			/* threads created */
	struct rep *rp;			/* one per repetition */
	unsigned int done;		/* repetitions completed */
	struct results res;
	FILE *csv;			/* reps.csv while it is written */
	const char *note;		/* VM / TCG timing note, or NULL */
	char err[512];
};

/* gup_test where it exists (as the claim), else vmsplice; r->reason says why */
static void claim_choose_path(struct claim_run *r)
{
	struct claim_opts *c = &r->c;

	r->ops = &walker_vmsplice;
	if (c->path != PATH_VMSPLICE) {
		char why_not[400];
		int rc = walker_gup_test.probe(&c->o, why_not, sizeof(why_not));

		if (rc == 0) {
			r->ops = &walker_gup_test;
			c->o.walker = &walker_gup_test;
			snprintf(r->reason, sizeof(r->reason), "/sys/kernel/debug/gup_test present");
		} else {
			snprintf(r->reason, sizeof(r->reason), "%s%s",
				 c->path == PATH_AUTO ? "fallback, gup_test unusable: " : "",
				 why_not);
		}
	} else {
		snprintf(r->reason, sizeof(r->reason), "--path vmsplice");
	}
	if (r->ops == &walker_gup_test && c->calls && c->calls % c->o.gup_calls)
		c->calls += c->o.gup_calls - c->calls % c->o.gup_calls;
}

/* the results directory and its manifest (exit 2 if it cannot be made) */
static void claim_manifest(struct claim_run *r, const char *cmdline)
{
	struct claim_opts *c = &r->c;
	bool gt = r->ops == &walker_gup_test;
	json_t *m;

	if (results_create(&r->res, c->o.results_root, c->o.label ? c->o.label : "claim",
			   r->err, sizeof(r->err)))
		die_input("%s", r->err);
	sysstate_install_signals(&claim_stop);
	results_preamble(&r->res, c->o.variant, cmdline);
	r->note = sysinfo_virt_note(false);
	m = r->res.manifest;
	json_object_set_new(m, "kind", json_string("claim"));
	json_object_set_new(m, "what", json_string(
		"the v4 cover letter's method: threads pinned one per CPU, a fixed number "
		"of GUP-fast calls each, started on a barrier; wall time of each "
		"repetition (first start to last end, CLOCK_MONOTONIC_RAW)"));
	json_object_set_new(m, "options", json_pack(
		"{s:i, s:I, s:f, s:f, s:s, s:i, s:i, s:s, s:I, s:i}",
		"reps", c->reps, "calls_per_thread_requested", (json_int_t)c->calls,
		"rep_time_target_s", c->calls ? 0.0 : c->rep_time, "time_budget_s", c->budget,
		"cpus", r->cpus, "threads", r->nt, "pages", c->o.pages,
		"path_requested", c->path == PATH_AUTO ? "auto" :
				  c->path == PATH_GUP_TEST ? "gup-test" : "vmsplice",
		"inject_ns", (json_int_t)c->o.inject_ns, "gup_calls_per_ioctl",
		c->o.gup_calls));
	json_object_set_new(m, "path", json_pack("{s:s, s:s, s:s}",
		"name", r->ops->name, "why", r->reason, "timed_call", gt ?
		"gup_test PIN_FAST_BENCHMARK ioctl (N calls of P pages each, then unpin), "
		"per-call delay loop after it" :
		"vmsplice() of P pages into a pipe, then splice() to /dev/null to drain it"));
	json_object_set_new(m, "timer", timer_to_json(&gb_timer));
	if (c->o.inject_ns)
		json_object_set_new(m, "inject", json_pack("{s:I, s:f, s:s}",
			"requested_ns", (json_int_t)c->o.inject_ns,
			"measured_ns", timer_spin_measure(&gb_timer, c->o.inject_ns, NULL),
			"how", "the runner's timer_spin_ns() delay after every call (spin "
			       "until the timer reads N ns past its first read; gup_test: "
			       "N x the delay after each ioctl of N calls); measured = "
			       "trimmed mean of 2001 timed delays minus the timer's cost"));
	json_object_set_new(m, "timing_note", r->note ? json_string(r->note) : json_null());
	results_write_json(&r->res, "manifest.json", m);
}

/* the threads, created and set up (waiting for a phase); NULL or why not */
static const char *claim_start_threads(struct claim_run *r)
{
	r->ct = calloc(r->nt, sizeof(*r->ct));
	r->rp = calloc(r->c.reps, sizeof(*r->rp));
	if (!r->ct || !r->rp)
		abort();
	pthread_barrier_init(&cb_start, NULL, r->nt + 1);
	pthread_barrier_init(&cb_end, NULL, r->nt + 1);
	for (unsigned int i = 0; i < r->nt; i++) {
		struct claim_thread *t = &r->ct[i];

		t->ops = r->ops;
		t->w.opt = &r->c.o;
		t->w.index = (int)i;
		t->w.cpu = cpulist_nth(&r->c.o.walker_cpus, (int)i);
		if (pthread_create(&t->th, NULL, claim_main, t))
			abort();
	}
	r->started = true;
	pthread_barrier_wait(&cb_start);	/* threads set up */
	for (unsigned int i = 0; i < r->nt; i++) {
		if (r->ct[i].setup_rc) {
			snprintf(r->err, sizeof(r->err), "thread on CPU %d: %s",
				 r->ct[i].w.cpu, r->ct[i].w.err);
			return r->err;
		}
	}
	return NULL;
}

/* the pilot (also the warm-up): calls per thread for --rep-time; NULL or why not */
static const char *claim_pilot(struct claim_run *r)
{
	struct claim_opts *c = &r->c;
	bool gt = r->ops == &walker_gup_test;
	double slowest = INFINITY;

	if (claim_phase_run(r->ct, r->nt, PH_PILOT, r->err, sizeof(r->err)))
		return r->err;
	for (unsigned int i = 0; i < r->nt; i++) {
		double s = (double)(r->ct[i].t1 - r->ct[i].t0) / 1e9;
		double rate = s > 0 ? r->ct[i].calls / s : 0;

		if (rate < slowest)
			slowest = rate;
	}
	json_object_set_new(r->res.manifest, "pilot", json_pack("{s:f, s:f}",
		"seconds", PILOT_S, "calls_per_s_slowest_thread", slowest));
	if (!c->calls) {
		c->calls = (unsigned long long)(slowest * c->rep_time + 0.5);
		if (gt)
			c->calls = (c->calls + c->o.gup_calls - 1) / c->o.gup_calls *
				   c->o.gup_calls;
		if (!c->calls)
			c->calls = gt ? c->o.gup_calls : 1;
	}
	claim_calls = c->calls;
	json_object_set_new(r->res.manifest, "calls_per_thread",
			    json_integer((json_int_t)c->calls));
	results_write_json(&r->res, "manifest.json", r->res.manifest);
	if (!c->o.quiet)
		fprintf(stderr, "  pilot: %.0f calls/s on the slowest thread; %llu "
			"calls per thread per repetition\n", slowest, c->calls);
	return NULL;
}

/* a repetition's figures from its threads' times */
static void claim_rep_figures(const struct claim_run *r, struct rep *p)
{
	uint64_t t0 = UINT64_MAX, t1 = 0;

	p->min_thread_s = INFINITY;
	for (unsigned int i = 0; i < r->nt; i++) {
		const struct claim_thread *t = &r->ct[i];
		double s = (double)(t->t1 - t->t0) / 1e9;

		if (t->t0 < t0)
			t0 = t->t0;
		if (t->t1 > t1)
			t1 = t->t1;
		if (s < p->min_thread_s)
			p->min_thread_s = s;
		if (s > p->max_thread_s)
			p->max_thread_s = s;
		p->kernel_ns += t->kernel_ns;
		p->cpu_ns_per_call += (double)t->cpu_ns / (double)r->c.calls / r->nt;
	}
	p->wall_s = (double)(t1 - t0) / 1e9;
	p->ns_per_call = p->wall_s * 1e9 / (double)r->c.calls;
}

/*
 * reps.csv is opened in any case; the repetitions run if @why is NULL.
 * Returns NULL or why they did not all run (*status "interrupted" on a signal).
 */
static const char *claim_reps(struct claim_run *r, const char *why, const char **status)
{
	r->csv = results_open(&r->res, "reps.csv");
	if (!r->csv && !why)
		why = "cannot write reps.csv";
	else if (r->csv)
		fputs("rep,wall_s,ns_per_call,calls_per_thread,threads,"
		      "min_thread_s,max_thread_s,kernel_get_ns,cpu_ns_per_call\n", r->csv);
	for (unsigned int i = 0; !why && i < r->c.reps; i++) {
		struct rep *p = &r->rp[i];

		if (claim_phase_run(r->ct, r->nt, PH_REP, r->err, sizeof(r->err)))
			return r->err;
		if (claim_stop) {
			*status = "interrupted";
			return "interrupted by a signal";
		}
		claim_rep_figures(r, p);
		fprintf(r->csv, "%u,%.9f,%.3f,%llu,%u,%.9f,%.9f,%llu,%.3f\n", i + 1,
			p->wall_s, p->ns_per_call, r->c.calls, r->nt, p->min_thread_s,
			p->max_thread_s, (unsigned long long)p->kernel_ns, p->cpu_ns_per_call);
		if (!r->c.o.quiet)
			fprintf(stderr, "  rep %u/%u: %.4f s, %.1f ns per call (CPU %.1f)\n",
				i + 1, r->c.reps, p->wall_s, p->ns_per_call, p->cpu_ns_per_call);
		r->done++;
	}
	return why;
}

static void claim_stop_threads(struct claim_run *r)
{
	if (!r->started)
		return;
	atomic_store(&claim_phase, PH_QUIT);
	pthread_barrier_wait(&cb_start);
	for (unsigned int i = 0; i < r->nt; i++)
		pthread_join(r->ct[i].th, NULL);
	pthread_barrier_destroy(&cb_start);
	pthread_barrier_destroy(&cb_end);
}

/* statistics over the repetitions of the rep field at @off (a double) */
static void claim_describe(const struct claim_run *r, size_t off, struct sample_stats *s)
{
	double *x = calloc(r->done, sizeof(*x));

	if (!x)
		abort();
	for (unsigned int i = 0; i < r->done; i++)
		x[i] = *(const double *)((const char *)&r->rp[i] + off);
	stats_describe(x, r->done, s);
	free(x);
}

static void claim_print(const struct claim_run *r, const struct sample_stats *sw,
			const struct sample_stats *sn, const struct sample_stats *sc)
{
	printf("\ngupbench claim: %u thread%s (CPUs %s) x %llu calls x %u pages per "
	       "repetition, %u repetitions; inject %llu ns\n", r->nt, r->nt == 1 ? "" : "s",
	       r->cpus, r->c.calls, r->c.o.pages, r->done,
	       (unsigned long long)r->c.o.inject_ns);
	printf("path: %s (%s)\n", r->ops->name, r->reason);
	printf("%-18s %12s %10s   %-24s %s\n", "", "mean", "sd", "95% t CI of mean",
	       "half-width");
	print_line("wall time (s)", sw, 4);
	print_line("per call (ns)", sn, 1);
	print_line("CPU per call (ns)", sc, 1);
	printf("as the claim put it: total time %.3f s (mean of %u runs)\n",
	       sw->mean, r->done);
	if (r->note)
		printf("note: %s\n", r->note);
	printf("results: %s\n", r->res.dir);
}

/* reps.csv closed, summary.json written, the table printed; NULL or why not */
static const char *claim_summarise(struct claim_run *r)
{
	struct sample_stats sw, sn, sc;
	json_t *sum, *reps, *walls;
	FILE *csv = r->csv;

	r->csv = NULL;
	if (results_close(&r->res, "reps.csv", csv))
		return "cannot write reps.csv";
	reps = json_array();
	walls = json_array();
	for (unsigned int i = 0; i < r->done; i++) {
		const struct rep *p = &r->rp[i];

		json_array_append_new(walls, json_real(p->wall_s));
		json_array_append_new(reps, json_pack("{s:i, s:f, s:f, s:f, s:f, s:f, s:I}",
			"rep", i + 1, "wall_s", p->wall_s, "ns_per_call", p->ns_per_call,
			"cpu_ns_per_call", p->cpu_ns_per_call, "min_thread_s", p->min_thread_s,
			"max_thread_s", p->max_thread_s, "kernel_get_ns", (json_int_t)p->kernel_ns));
	}
	claim_describe(r, offsetof(struct rep, wall_s), &sw);
	claim_describe(r, offsetof(struct rep, ns_per_call), &sn);
	claim_describe(r, offsetof(struct rep, cpu_ns_per_call), &sc);
	sum = json_pack("{s:s, s:s, s:i, s:I, s:i, s:I, s:o, s:o, s:o, s:o}",
		"kind", "claim", "path", r->ops->name, "threads", r->nt,
		"calls_per_thread", (json_int_t)r->c.calls, "pages", r->c.o.pages,
		"inject_ns", (json_int_t)r->c.o.inject_ns,
		"wall_s_per_rep", walls, "reps", reps,
		"wall_s", stats_to_json(&sw), "ns_per_call", stats_to_json(&sn));
	json_object_set_new(sum, "cpu_ns_per_call", stats_to_json(&sc));
	json_object_set_new(sum, "cpu_ns_per_call_what", json_string(
		"the threads' own CPU time (CLOCK_THREAD_CPUTIME_ID, user + system) "
		"per call, mean over threads: what the loop costs when it runs; "
		"wall / CPU > 1 is time the threads were not running (other load)"));
	json_object_set_new(sum, "ns_per_call_what", json_string(
		"wall time of the repetition / calls per thread: one thread's loop "
		"time per call (call + delay loop + drain), threads in parallel"));
	if (results_write_json(&r->res, "summary.json", sum)) {
		json_decref(sum);
		return "cannot write summary.json";
	}
	json_decref(sum);
	json_object_set_new(r->res.manifest, "reps_completed", json_integer(r->done));
	claim_print(r, &sw, &sn, &sc);
	return NULL;
}

int cmd_claim(int argc, char **argv)
{
	struct claim_run r = { .c = {
		.o = { .walker = &walker_vmsplice, .pages = 8, .gup_calls = 1024, .gup_pin = true,
		       .results_root = "results", .runs = 10 },
		.path = PATH_AUTO, .reps = 10, .rep_time = 1.0,
	} };
	char cmdline[4096] = "";
	const char *status = "failed", *why = NULL;
	int ret = EXIT_RUN_FAILED;

	cli_cmdline(argc, argv, "gupbench ", cmdline, sizeof(cmdline));
	claim_parse(argc, argv, &r.c);
	r.c.o.runs = r.c.reps;
	r.nt = CPU_COUNT(&r.c.o.walker_cpus);
	cpulist_format(&r.c.o.walker_cpus, r.cpus, sizeof(r.cpus));
	claim_choose_path(&r);

	timer_init(&gb_timer, false);
	gb_name_tasks("gbc");
	claim_manifest(&r, cmdline);
	if (r.c.path == PATH_GUP_TEST && r.ops != &walker_gup_test) {
		results_skip(&r.res, "gup-test", r.reason);
		status = "skipped";
		why = r.reason;
		ret = EXIT_SKIPPED;
		goto out;
	}
	if (!r.c.o.quiet)
		fprintf(stderr, "gupbench claim: %u thread%s on CPUs %s, path %s (%s); "
			"results in %s\n", r.nt, r.nt == 1 ? "" : "s", r.cpus, r.ops->name,
			r.reason, r.res.dir);

	why = claim_start_threads(&r);
	if (!why)
		why = claim_pilot(&r);
	why = claim_reps(&r, why, &status);
	claim_stop_threads(&r);
	if (!why && r.done == r.c.reps) {
		why = claim_summarise(&r);
		if (!why) {
			status = "complete";
			ret = 0;
		}
	}
out:
	if (r.csv)
		fclose(r.csv);
	if (!strcmp(status, "interrupted"))
		ret = EXIT_INTERRUPTED;
	if (ret && ret != EXIT_SKIPPED && why && strcmp(status, "interrupted"))
		fprintf(stderr, "gupbench: claim: %s\n", why);
	sysstate_restore();
	if (!json_object_get(r.res.manifest, "reps_completed"))
		json_object_set_new(r.res.manifest, "reps_completed", json_integer(r.done));
	results_finish(&r.res, status, why);
	if (ret == EXIT_INTERRUPTED)
		fprintf(stderr, "gupbench: claim interrupted; %s marked incomplete\n", r.res.dir);
	sysstate_install_signals(NULL);
	free(r.ct);
	free(r.rp);
	return ret;
}
