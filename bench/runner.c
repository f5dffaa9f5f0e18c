// SPDX-License-Identifier: GPL-2.0
/*
 * The runner: walker threads pinned one per CPU in this process; trigger
 * threads pinned on their own CPUs, either in this process (--trigger-mm
 * same) or in a forked process with its own mm (--trigger-mm other).
 * Each run is a timed phase (every call timed into a histogram) and an
 * untimed phase of the same loop (calls counted only), so the cost of
 * timing is known. The first --warmup runs are discarded.
 */
#include "gupbench.h"
#include "ab.h"
#include "observe.h"
#include "lib/compare_stats.h"
#include "lib/proc.h"
#include "lib/results.h"
#include "lib/stats.h"
#include "lib/sysinfo.h"
#include "lib/sysstate.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_RUNS 10000

/* Shared with the trigger process (MAP_SHARED), so no pointers inside. */
struct ctl {
	volatile sig_atomic_t stop;	/* set by the main process only: triggers stop */
	volatile sig_atomic_t intr_req;	/* a trigger process got SIGINT/TERM/HUP */
	volatile sig_atomic_t skip;	/* a trigger's setup found its resource gone */
	atomic_int run;			/* run index the triggers record into */
	atomic_int ready;		/* trigger threads set up */
	atomic_int failed;		/* a trigger thread failed */
	_Atomic uint64_t events_total;	/* every event, parked or not */
	char trig_err[256];
	unsigned int ntrig, nslots;
	/* followed by: uint64_t events[nslots][ntrig], fails[nslots][ntrig],
	 * struct hist hist[nslots][ntrig] */
};

/* --inject-ns: the delay's cost outside its own span (timer_spin_measure) */
static double inject_outside_ns;

static struct ctl *ctl;
static uint64_t *ctl_events, *ctl_fails;
static struct hist *ctl_hist;
static size_t ctl_len;

enum phase { PHASE_TIMED, PHASE_UNTIMED, PHASE_QUIT };
static atomic_int phase;
static atomic_int phase_end;
static pthread_barrier_t bar_start, bar_end;

static struct hist *trig_hist(unsigned int slot, unsigned int t)
{
	return &ctl_hist[slot * ctl->ntrig + t];
}

/* ---- triggers ---------------------------------------------------------- */

struct trig_thread {
	pthread_t th;
	struct trigger t;
	const struct trigger_ops *ops;
};

static void sleep_until(struct timespec *next, unsigned int period_us)
{
	next->tv_nsec += (long)period_us * 1000;
	while (next->tv_nsec >= 1000000000L) {
		next->tv_nsec -= 1000000000L;
		next->tv_sec++;
	}
	clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, next, NULL);
}

static void *trigger_main(void *arg)
{
	struct trig_thread *tt = arg;
	struct trigger *t = &tt->t;
	struct timespec next;

	int rc;

	pthread_setname_np(pthread_self(), gb_name_trigger);
	rc = gb_pin_self(t->cpu) ? -1 : tt->ops->setup(t);
	if (rc) {
		if (!t->err[0])
			snprintf(t->err, sizeof(t->err), "setup on CPU %d failed", t->cpu);
		snprintf(ctl->trig_err, sizeof(ctl->trig_err), "%s", t->err);
		if (rc > 0)
			ctl->skip = 1;
		else
			atomic_store(&ctl->failed, 1);
		atomic_fetch_add(&ctl->ready, 1);
		tt->ops->teardown(t);
		return NULL;
	}
	atomic_fetch_add(&ctl->ready, 1);
	clock_gettime(CLOCK_MONOTONIC, &next);
	while (!ctl->stop) {
		unsigned int slot = (unsigned int)atomic_load(&ctl->run);
		uint64_t ns = 0;
		int rc = tt->ops->event(t, &ns);

		if (rc < 0) {
			snprintf(ctl->trig_err, sizeof(ctl->trig_err), "%s", t->err);
			atomic_store(&ctl->failed, 1);
			break;
		}
		if (rc == 0)
			atomic_fetch_add(&ctl->events_total, 1);
		/*
		 * An event that ends after its run did (the main process has
		 * moved on and may be reading this slot) is not recorded: it
		 * would tear the histogram the main process reads.
		 */
		if (slot < ctl->nslots && atomic_load(&ctl->run) == (int)slot) {
			if (rc == 0) {
				ctl_events[slot * ctl->ntrig + t->index]++;
				hist_record(trig_hist(slot, t->index), ns);
			} else {
				ctl_fails[slot * ctl->ntrig + t->index]++;
			}
		}
		if (t->opt->trigger_period_us)
			sleep_until(&next, t->opt->trigger_period_us);
	}
	tt->ops->teardown(t);
	return NULL;
}

/* Runs all trigger threads; returns when ctl->stop is set. */
static void triggers_run(const struct options *opt, const struct trigger_ops *ops)
{
	unsigned int n = ctl->ntrig;
	struct trig_thread *tt = calloc(n, sizeof(*tt));

	if (!tt) {
		atomic_store(&ctl->failed, 1);
		return;
	}
	for (unsigned int i = 0; i < n; i++) {
		tt[i].ops = ops;
		tt[i].t.opt = opt;
		tt[i].t.index = (int)i;
		tt[i].t.cpu = cpulist_nth(&opt->trigger_cpus, (int)i);
		if (pthread_create(&tt[i].th, NULL, trigger_main, &tt[i])) {
			snprintf(ctl->trig_err, sizeof(ctl->trig_err), "pthread_create failed");
			atomic_store(&ctl->failed, 1);
			atomic_fetch_add(&ctl->ready, (int)(n - i));
			n = i;
			break;
		}
	}
	for (unsigned int i = 0; i < n; i++)
		pthread_join(tt[i].th, NULL);
	free(tt);
}

static void *triggers_thread(void *arg)
{
	const void *const *a = arg;

	triggers_run(a[0], a[1]);
	return NULL;
}

/* ---- walkers ----------------------------------------------------------- */

struct walk_thread {
	pthread_t th;
	struct walker w;
	const struct walker_ops *ops;
	int setup_rc;
	uint64_t untimed_calls;
	uint64_t untimed_cpu_ns;	/* thread CPU time in the untimed phase */
	uint64_t untimed_spin_ticks;	/* --inject-ns delays' own spans, untimed phase */
	uint64_t untimed_spins;		/* and their number */
	int failed;
};

static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void *walker_main(void *arg)
{
	struct walk_thread *wt = arg;
	struct walker *w = &wt->w;
	const struct walker_ops *ops = wt->ops;
	uint64_t inject = w->opt->inject_ns;
	bool ab = w->opt->ab;

	pthread_setname_np(pthread_self(), gb_name_walker);
	wt->setup_rc = gb_pin_self(w->cpu) ? -1 : ops->setup(w);
	if (wt->setup_rc && !w->err[0])
		snprintf(w->err, sizeof(w->err), "cannot pin to CPU %d", w->cpu);
	pthread_barrier_wait(&bar_start);	/* setup done */

	for (;;) {
		int ph;

		pthread_barrier_wait(&bar_start);
		ph = atomic_load(&phase);
		if (ph == PHASE_QUIT)
			break;
		if (ph == PHASE_TIMED) {
			hist_reset(&w->hist);
			w->calls = 0;
		} else {
			wt->untimed_calls = 0;
			wt->untimed_spin_ticks = 0;
			wt->untimed_spins = 0;
			wt->untimed_cpu_ns = thread_cpu_ns();
		}
		while (!wt->failed && !wt->setup_rc &&
		       !atomic_load_explicit(&phase_end, memory_order_relaxed)) {
			uint64_t kns = 0, n = 1, t0 = 0, t1 = 0;
			int rc;

			/* the --inject-ns delay is per GUP-fast call, also
			 * when one gup_test ioctl makes n of them */
			if (ph == PHASE_TIMED) {
				t0 = timer_start(&gb_timer);
				rc = ops->call(w, &kns, &n);
				if (inject)
					timer_spin_ns(&gb_timer, inject * n);
				t1 = timer_stop(&gb_timer);
			} else {
				unsigned int k = ab ? ab_slice_now() : 0;
				uint64_t abt = 0;

				rc = ops->call(w, &kns, &n);
				if (inject) {
					wt->untimed_spin_ticks +=
						timer_spin_ns(&gb_timer, inject * n);
					wt->untimed_spins++;
				}
				if (ab_spin)
					abt = timer_spin_ticks(&gb_timer,
							       ab_arms[k] ? ab_b_ticks * n :
							       ab_a_ticks * n);
				if (ab)
					ab_count((unsigned int)w->index, k, n, abt);
			}
			if (!rc && ops->after)
				rc = ops->after(w);
			if (rc) {
				wt->failed = 1;
				break;
			}
			if (ph == PHASE_TIMED) {
				hist_record(&w->hist, kns ? kns + inject :
					    timer_ns(&gb_timer, t1 - t0));
				w->calls += n;
			} else {
				wt->untimed_calls += n;
			}
		}
		if (ph == PHASE_UNTIMED)
			wt->untimed_cpu_ns = thread_cpu_ns() - wt->untimed_cpu_ns;
		pthread_barrier_wait(&bar_end);
	}
	if (!wt->setup_rc || w->priv)
		ops->teardown(w);
	return NULL;
}

/* ---- the run loop ------------------------------------------------------ */

static double now_s(void)
{
	return (double)clock_raw_ns() / 1e9;
}

static bool phase_stop(void)
{
	return gb_interrupted() || atomic_load(&ctl->failed);
}

static char ab_err[PATH_MAX + 128];	/* an --ab-knob write failed */

/*
 * Sleeps @secs unless stopped (with --ab-*, the untimed phase runs the A/B
 * slices instead); returns the phase's real length.
 */
static double phase_run(const struct options *opt, int ph, double secs)
{
	bool ab = opt->ab && ph == PHASE_UNTIMED && !ab_err[0];
	double t0, left;

	if (ab && ab_begin(ab_err, sizeof(ab_err)))
		ab = false;
	atomic_store(&phase, ph);
	atomic_store(&phase_end, 0);
	pthread_barrier_wait(&bar_start);
	t0 = now_s();
	if (ab) {
		t0 = ab_phase(t0, secs, phase_stop, ab_err, sizeof(ab_err));
		atomic_store(&phase_end, 1);
		pthread_barrier_wait(&bar_end);
		return t0;
	}
	while (!phase_stop() && (left = secs - (now_s() - t0)) > 0) {
		struct timespec ts = { .tv_sec = 0, .tv_nsec = left > 0.05 ? 50000000L :
				       (long)(left * 1e9) };

		nanosleep(&ts, NULL);
	}
	atomic_store(&phase_end, 1);
	pthread_barrier_wait(&bar_end);
	return now_s() - t0;
}

struct run_result {
	struct hist_summary w, t;
	double calls_per_s, untimed_calls_per_s, timing_cost_pct;
	double untimed_ns_per_call;	/* per-thread wall ns per untimed call */
	double untimed_cpu_share;	/* walker CPU time / wall time, untimed phase */
	double inject_in_loop_ns;	/* --inject-ns delay per call, as it ran */
	double events_per_s;
	uint64_t calls, events, fails;
	long long verify;
};

static const char *const csv_header =
	"run,variant,walker,trigger,trigger_mm,pages,inject_ns,"
	"walker_calls,walker_calls_per_s,untimed_calls_per_s,timing_cost_pct,"
	"walker_min_ns,walker_p50_ns,walker_p90_ns,walker_p99_ns,walker_p999_ns,"
	"walker_max_ns,walker_mean_ns,trigger_events,trigger_failed,"
	"trigger_events_per_s,trigger_p50_ns,trigger_p99_ns,trigger_max_ns,"
	"trigger_mean_ns,verify_counter_delta\n";

static const char *mm_name(const struct options *opt)
{
	return opt->trigger_mm == TRIGGER_MM_SAME ? "same" : "other";
}

static json_t *options_json(const struct options *opt)
{
	char wc[1024], tc[1024];

	cpulist_format(&opt->walker_cpus, wc, sizeof(wc));
	cpulist_format(&opt->trigger_cpus, tc, sizeof(tc));
	return json_pack("{s:s, s:s?, s:s?, s:s, s:s, s:i, s:i, s:i, s:f, s:I, s:i, s:i, s:b, s:s?, s:I, s:i}",
		"walker", opt->walker->name,
		"trigger", opt->trigger ? opt->trigger->name : NULL,
		"trigger_mm", opt->trigger ? mm_name(opt) : NULL,
		"walker_cpus", wc, "trigger_cpus", opt->trigger ? tc : "",
		"pages", opt->pages, "runs", opt->runs, "warmup_runs", opt->warmup_runs,
		"run_time_s", opt->run_time, "inject_ns", (json_int_t)opt->inject_ns,
		"trigger_period_us", opt->trigger_period_us,
		"gup_calls_per_ioctl", opt->gup_calls, "gup_pin", opt->gup_pin,
		"target", opt->target, "target_size", (json_int_t)opt->target_size,
		"unshare_touch_pages", opt->unshare_touch);
}

/* process everything for run @r (1-based) and write run-NNN.json */
/*
 * Merges the walkers' timed histograms into @all and fills @rr's walker
 * side; returns the per-thread array, *@untimed the untimed calls.
 */
static json_t *collect_walkers(struct walk_thread *wt, unsigned int nwalk, double timed_s,
			       double untimed_s, struct hist *all, struct run_result *rr,
			       uint64_t *untimed)
{
	json_t *threads = json_array();
	uint64_t ucpu = 0;
	double spin_ns = 0;

	*untimed = 0;
	for (unsigned int i = 0; i < nwalk; i++) {
		struct hist_summary s;

		hist_merge(all, &wt[i].w.hist);
		rr->calls += wt[i].w.calls;
		*untimed += wt[i].untimed_calls;
		ucpu += wt[i].untimed_cpu_ns;
		spin_ns += wt[i].untimed_spin_ticks * gb_timer.ns_per_tick +
			   wt[i].untimed_spins * inject_outside_ns;
		hist_summarise(&wt[i].w.hist, &s);
		json_array_append_new(threads, json_pack("{s:i, s:I, s:I, s:o}",
			"cpu", wt[i].w.cpu, "calls", (json_int_t)wt[i].w.calls,
			"untimed_calls", (json_int_t)wt[i].untimed_calls,
			"latency", hist_summary_to_json(&s)));
	}
	hist_summarise(all, &rr->w);
	rr->calls_per_s = rr->calls / timed_s;
	rr->untimed_calls_per_s = *untimed / untimed_s;
	rr->untimed_ns_per_call = *untimed ? untimed_s * 1e9 * nwalk / *untimed : 0;
	rr->untimed_cpu_share = ucpu / (untimed_s * 1e9 * nwalk);
	rr->inject_in_loop_ns = *untimed ? spin_ns / *untimed : 0;
	rr->timing_cost_pct = rr->calls_per_s > 0 ?
		(rr->untimed_calls_per_s / rr->calls_per_s - 1.0) * 100.0 : 0;
	return threads;
}

/* the trigger side of run slot @slot into @rr; its JSON (null: no trigger) */
static json_t *collect_trigger(const struct options *opt, const struct trigger_ops *tops,
			       unsigned int slot, double timed_s, double untimed_s,
			       long long verify, struct run_result *rr)
{
	struct hist *tall;
	json_t *trig;

	if (!tops)
		return json_null();
	tall = malloc(sizeof(*tall));
	if (!tall)
		abort();
	hist_reset(tall);
	for (unsigned int t = 0; t < ctl->ntrig; t++) {
		hist_merge(tall, trig_hist(slot, t));
		rr->events += ctl_events[slot * ctl->ntrig + t];
		rr->fails += ctl_fails[slot * ctl->ntrig + t];
	}
	hist_summarise(tall, &rr->t);
	rr->events_per_s = rr->events / (timed_s + untimed_s);
	trig = json_pack("{s:s, s:s, s:s, s:I, s:I, s:f, s:o, s:o, s:s?, s:o}",
		"name", tops->name, "mm", mm_name(opt), "timed", tops->event_what,
		"events", (json_int_t)rr->events, "failed_events", (json_int_t)rr->fails,
		"events_per_s", rr->events_per_s,
		"latency", hist_summary_to_json(&rr->t), "histogram", hist_to_json(tall),
		"verify_counter", tops->verify_counter,
		"verify_counter_delta", verify >= 0 ? json_integer(verify) : json_null());
	free(tall);
	return trig;
}

/* one summary.csv row */
static void csv_row(FILE *csv, const struct results *res, const struct options *opt,
		    unsigned int r, const struct run_result *rr, long long verify)
{
	fprintf(csv, "%u,%s,%s,%s,%s,%u,%llu,%llu,%.1f,%.1f,%.3f,%.0f,%.1f,%.1f,%.1f,%.1f,%.0f,%.2f,"
		"%llu,%llu,%.2f,%.1f,%.1f,%.0f,%.1f,%lld\n",
		r, json_string_value(json_object_get(res->manifest, "variant")),
		opt->walker->name, opt->trigger ? opt->trigger->name : "none",
		opt->trigger ? mm_name(opt) : "", opt->pages,
		(unsigned long long)opt->inject_ns, (unsigned long long)rr->calls,
		rr->calls_per_s, rr->untimed_calls_per_s, rr->timing_cost_pct,
		rr->w.min, rr->w.p50, rr->w.p90, rr->w.p99, rr->w.p999, rr->w.max, rr->w.mean,
		(unsigned long long)rr->events, (unsigned long long)rr->fails,
		rr->events_per_s, rr->t.p50, rr->t.p99, rr->t.max, rr->t.mean, verify);
}

static int collect_run(struct results *res, const struct options *opt,
		       const struct trigger_ops *tops, struct walk_thread *wt,
		       unsigned int nwalk, unsigned int r, unsigned int slot, double timed_s,
		       double untimed_s, long long verify, json_t *cal,
		       struct run_result *rr, FILE *csv)
{
	struct hist *all = malloc(sizeof(*all));
	json_t *j, *threads, *trig;
	uint64_t untimed;
	char name[32];
	int ret;

	if (!all)
		abort();
	hist_reset(all);
	memset(rr, 0, sizeof(*rr));
	threads = collect_walkers(wt, nwalk, timed_s, untimed_s, all, rr, &untimed);
	rr->verify = verify;
	trig = collect_trigger(opt, tops, slot, timed_s, untimed_s, verify, rr);
	j = json_pack("{s:i, s:{s:f, s:I, s:f, s:o, s:o, s:o}, s:{s:f, s:I, s:f}, s:f, s:o}",
		"run", r,
		"timed", "duration_s", timed_s, "calls", (json_int_t)rr->calls,
		"calls_per_s", rr->calls_per_s, "latency", hist_summary_to_json(&rr->w),
		"histogram", hist_to_json(all), "threads", threads,
		"untimed", "duration_s", untimed_s, "calls", (json_int_t)untimed,
		"calls_per_s", rr->untimed_calls_per_s,
		"timing_cost_pct", rr->timing_cost_pct, "trigger", trig);
	/* fixed work per wall time: untimed duration x walker threads / calls */
	json_object_set_new(j, "untimed_ns_per_call", json_real(rr->untimed_ns_per_call));
	/* < 1: the walkers were not running all the time (other load): wall
	 * ns/call then holds waiting, not only the walker's own cost */
	json_object_set_new(j, "untimed_cpu_share", json_real(rr->untimed_cpu_share));
	/* the known delay as it ran in the loop: per call, untimed phase */
	if (opt->inject_ns)
		json_object_set_new(j, "inject_in_loop_ns", json_real(rr->inject_in_loop_ns));
	json_object_set_new(j, "cal_interrupts", cal);
	if (opt->ab)
		json_object_set_new(j, "ab", ab_run_json());
	snprintf(name, sizeof(name), "run-%03u.json", r);
	ret = results_write_json(res, name, j);
	json_decref(j);
	csv_row(csv, res, opt, r, rr, verify);
	if (results_flush(res, "summary.csv", csv))
		ret = -1;
	free(all);
	return ret;
}

/* summary.json's metrics, in this order; names and units: cs_run_metrics */
static const struct metric {
	enum cs_run_metric id;
	size_t off;
} metrics[] = {
#define M(id, f) { id, offsetof(struct run_result, f) }
	M(CS_W_P50, w.p50), M(CS_W_P90, w.p90), M(CS_W_P99, w.p99),
	M(CS_W_P999, w.p999), M(CS_W_MAX, w.max), M(CS_W_MEAN, w.mean),
	M(CS_W_CPS, calls_per_s), M(CS_U_CPS, untimed_calls_per_s),
	M(CS_U_NSPC, untimed_ns_per_call), M(CS_U_SHARE, untimed_cpu_share),
	M(CS_TIMING_COST, timing_cost_pct),
	M(CS_T_P50, t.p50), M(CS_T_P99, t.p99), M(CS_T_MAX, t.max),
	M(CS_T_MEAN, t.mean), M(CS_T_EPS, events_per_s),
#undef M
};

static json_t *summarise_runs(const struct options *opt, struct run_result *rr,
			      unsigned int n, bool print)
{
	json_t *j = json_object();
	double *x = malloc(n * sizeof(*x));

	if (!x)
		abort();
	if (print)
		printf("%-22s %10s %10s %22s %9s   (%u runs)\n", "metric", "median", "mean",
		       "95% CI of mean", "sd", n);
	for (size_t m = 0; m < sizeof(metrics) / sizeof(metrics[0]); m++) {
		const struct cs_metric_info *mi = &cs_run_metrics[metrics[m].id];
		struct sample_stats s;
		json_t *js;

		if (metrics[m].id >= CS_T_P50 && metrics[m].id <= CS_T_EPS && !opt->trigger)
			continue;
		for (unsigned int i = 0; i < n; i++)
			x[i] = *(double *)((char *)&rr[i] + metrics[m].off);
		stats_describe(x, n, &s);
		js = stats_to_json(&s);
		json_object_set_new(js, "unit", json_string(mi->unit));
		json_object_set_new(j, mi->name, js);
		if (print)
			printf("%-22s %10.1f %10.1f [%9.1f, %9.1f] %9.1f   %s\n",
			       mi->name, s.median, s.mean, s.ci95_lo, s.ci95_hi,
			       s.sd, mi->unit);
	}
	free(x);
	return j;
}

static int ctl_alloc(unsigned int nslots, unsigned int ntrig)
{
	size_t n = (size_t)nslots * (ntrig ? ntrig : 1);

	ctl_len = sizeof(*ctl) + 2 * n * sizeof(uint64_t) + n * sizeof(struct hist);
	ctl = mmap(NULL, ctl_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (ctl == MAP_FAILED)
		return -1;
	ctl->nslots = nslots;
	ctl->ntrig = ntrig;
	ctl_events = (uint64_t *)(ctl + 1);
	ctl_fails = ctl_events + n;
	ctl_hist = (struct hist *)(ctl_fails + n);
	for (size_t i = 0; i < n; i++)
		hist_reset(&ctl_hist[i]);
	gb_share_intr_flag(&ctl->intr_req);
	return 0;
}

static void stop_triggers(bool *thread, pthread_t th, pid_t *child)
{
	ctl->stop = 1;
	if (*thread)
		pthread_join(th, NULL);
	*thread = false;
	if (*child > 0) {
		bool killed = false;
		pid_t r;
		int st;

		/* a second signal does not wait for the trigger's last event */
		while ((r = waitpid(*child, &st, WNOHANG)) == 0 ||
		       (r < 0 && errno == EINTR)) {
			if (gb_hurry() && !killed) {
				kill(*child, SIGKILL);
				killed = true;
			}
			usleep(2000);
		}
	}
	*child = -1;
}

static void print_role_line(const char *what, json_t *roles)
{
	const char *role;
	json_t *r;

	if (json_is_string(roles)) {
		printf("%s: not measured: %s\n", what, json_string_value(roles));
		return;
	}
	if (!json_is_object(roles))
		return;
	printf("%s per CPU per trigger event:", what);
	json_object_foreach(roles, role, r) {
		json_t *v = json_object_get(r, "per_cpu_per_event");

		printf(" %s(%s) ", role, json_string_value(json_object_get(r, "cpus")));
		if (json_is_number(v))
			printf("%.2f", json_number_value(v));
		else
			printf("n/a");
	}
	printf("\n");
}

static void print_observers(json_t *sum)
{
	json_t *cyc = json_object_get(sum, "cyclictest");

	const char *cpu, *src;
	json_t *t, *n;
	char what[64];

	snprintf(what, sizeof(what), "sync IPIs (%s)",
		 json_string_value(json_object_get(sum, "sync_ipis_method")));
	print_role_line(what, json_object_get(sum, "sync_ipis_by_role"));
	print_role_line("CAL IPIs (all function calls)", json_object_get(sum, "cal_by_role"));
	print_role_line("TLB-flush IPIs (/proc/interrupts TLB)", json_object_get(sum, "tlb_by_role"));
	json_object_foreach(json_object_get(sum, "ipi_attribution_runs"), cpu, t) {
		printf("csds queued to CPU %s (%s) in the runs: %lld:", cpu,
		       json_string_value(json_object_get(t, "role")),
		       (long long)json_integer_value(json_object_get(t, "total")));
		json_object_foreach(json_object_get(t, "by_source"), src, n)
			printf(" %s %lld;", src, (long long)json_integer_value(n));
		printf("\n");
	}
	if (json_object_get(cyc, "reason")) {
		printf("cyclictest: not run: %s\n",
		       json_string_value(json_object_get(cyc, "reason")));
		return;
	}
	for (int i = 0; i < 2; i++) {
		json_t *c = json_object_get(cyc, i ? "loaded" : "quiet");

		if (!c)
			continue;
		if (json_object_get(c, "reason"))
			printf("cyclictest %s: %s\n", i ? "loaded" : "quiet",
			       json_string_value(json_object_get(c, "reason")));
		else
			printf("cyclictest %-6s on CPUs %s%s: p50 %.0f us, p99 %.0f us, "
			       "p99.9 %.0f us, max %.0f us (%lld cycles)\n",
			       i ? "loaded" : "quiet",
			       json_string_value(json_object_get(cyc, "rt_cpus")),
			       json_is_true(json_object_get(cyc, "rt_cpus_isolated")) ?
			       " (isolated)" : " (NOT isolated)",
			       json_number_value(json_object_get(c, "p50_us")),
			       json_number_value(json_object_get(c, "p99_us")),
			       json_number_value(json_object_get(c, "p99.9_us")),
			       json_number_value(json_object_get(c, "max_us")),
			       (long long)json_integer_value(json_object_get(c, "cycles")));
	}
}

/*
 * The unit of replication for gupbench compare: this invocation (a random
 * 128-bit id), the boot it ran in, and the interleaving round and order
 * when a driver (scripts/interleave) gave them.
 */
static json_t *unit_json(const struct options *opt)
{
	unsigned char id[16];
	char hex[33], *boot = sysinfo_read_file("/proc/sys/kernel/random/boot_id");
	const char *env = getenv("GUPBENCH_ROUND"), *order = getenv("GUPBENCH_ORDER");
	json_t *round = json_null(), *j;

	if (getrandom(id, sizeof(id), 0) != (ssize_t)sizeof(id)) {
		uint64_t t = clock_raw_ns() ^ ((uint64_t)getpid() << 32);

		memcpy(id, &t, 8);
		t = t * 6364136223846793005ull + 1442695040888963407ull;
		memcpy(id + 8, &t, 8);
	}
	for (int i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", id[i]);
	if (boot)
		boot[strcspn(boot, "\n")] = 0;
	if (opt->have_round) {
		json_decref(round);
		round = json_integer(opt->round);
	} else if (env && *env) {
		json_decref(round);
		round = json_integer((json_int_t)opt_number("GUPBENCH_ROUND", env, 0, 1000000));
	}
	if (order && (!*order || strlen(order) > 4096 ||
		      strspn(order, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789,_-") !=
		      strlen(order)))
		die_input("GUPBENCH_ORDER: not a plan string of letters, digits, ',', '_', '-'");
	j = json_pack("{s:s, s:s?, s:o, s:s?}", "invocation_id", hex,
		      "boot_id", boot && *boot ? boot : NULL, "round", round,
		      "order", order);
	free(boot);
	return j;
}

/* One invocation of run_scenario(): what its steps share. */
struct scenario {
	const struct options *opt;
	const struct walker_ops *wops;
	const struct trigger_ops *tops;
	unsigned int nwalk, ntrig, nslots;
	struct walk_thread *wt;
	struct run_result *rr;
	struct results res;
	FILE *csv;
	struct observe *obs;
	json_t *obs_sum;
	const char *note;		/* timing note: VM, TCG */
	pthread_t trig_th;
	const void *trig_args[2];	/* same-mm trigger thread: opt, tops */
	bool trig_thread;
	pid_t child;
	unsigned int done;		/* measured runs written */
	const char *status, *why;
	int ret;
	char err[PATH_MAX + 256], wc[256], tc[256];
	char intr_why[128];
};

/* stop with status "skipped" and @reason recorded for @what */
static int scenario_skip(struct scenario *sc, const char *what, const char *reason)
{
	results_skip(&sc->res, what, reason);
	sc->status = "skipped";
	sc->why = reason;
	sc->ret = EXIT_SKIPPED;
	return -1;
}

/* The results directory with its manifest and summary.csv's header. */
static void scenario_open_results(struct scenario *sc, const char *cmdline, json_t *unit)
{
	const struct options *opt = sc->opt;
	struct results *res = &sc->res;
	char label[128];

	if (opt->label)
		snprintf(label, sizeof(label), "%s", opt->label);
	else if (sc->tops)
		snprintf(label, sizeof(label), "%s-%s-%s", sc->wops->name, sc->tops->name,
			 mm_name(opt));
	else
		snprintf(label, sizeof(label), "%s", sc->wops->name);
	if (ab_init(opt, sc->nwalk, sc->err, sizeof(sc->err)))
		die_input("%s", sc->err);
	if (results_create(res, opt->results_root, label, sc->err, sizeof(sc->err)))
		die_input("%s", sc->err);

	results_preamble(res, opt->variant, cmdline);
	sc->note = sysinfo_virt_note(true);
	json_object_set_new(res->manifest, "options", options_json(opt));
	json_object_set_new(res->manifest, "timer", timer_to_json(&gb_timer));
	json_object_set_new(res->manifest, "unit", unit);
	if (opt->inject_ns) {
		double m = timer_spin_measure(&gb_timer, opt->inject_ns, &inject_outside_ns);

		json_object_set_new(res->manifest, "inject", json_pack("{s:I, s:f, s:f, s:s}",
			"requested_ns", (json_int_t)opt->inject_ns,
			"measured_ns", m, "outside_span_ns", inject_outside_ns,
			"how", "spin until the timer reads N ns past its first read, per "
			       "GUP-fast call; measured = trimmed mean of 2001 timed delays "
			       "minus the timer's own cost, in a tight loop; each run's "
			       "inject_in_loop_ns is the delay as it ran in the walker "
			       "(its own spans + outside_span_ns, untimed phase)"));
	}
	if (opt->ab)
		json_object_set_new(res->manifest, "ab", ab_manifest_json());
	json_object_set_new(res->manifest, "timed_region", json_string(sc->wops->timed_what));
	json_object_set_new(res->manifest, "timing_note",
			    sc->note ? json_string(sc->note) : json_null());
	/* a full or failing results filesystem is bad input, found before measuring */
	if (results_write_json(res, "manifest.json", res->manifest) ||
	    !(sc->csv = results_open(res, "summary.csv")) ||
	    fputs(csv_header, sc->csv) < 0 || results_flush(res, "summary.csv", sc->csv)) {
		snprintf(sc->err, sizeof(sc->err), "results directory unusable: %s", res->err);
		if (sc->csv)
			results_abandon(res, "summary.csv", sc->csv);
		results_discard(res);
		die_input("%s", sc->err);
	}
}

static void scenario_print_start(const struct scenario *sc)
{
	const struct options *opt = sc->opt;
	const struct trigger_ops *tops = sc->tops;

	if (opt->quiet)
		return;
	fprintf(stderr, "gupbench: %s walkers on CPUs %s%s%s%s%s%s, %u+%u runs of "
		"2 x %.2f s; timer %s (%.1f ns per start/stop); results in %s\n",
		sc->wops->name, sc->wc, tops ? ", " : "", tops ? tops->name : "",
		tops ? " trigger on CPUs " : "", tops ? sc->tc : "",
		tops ? (opt->trigger_mm == TRIGGER_MM_SAME ? " (same mm)" : " (other mm)") : "",
		opt->warmup_runs, opt->runs, opt->run_time, gb_timer.name,
		gb_timer.overhead_median_ns, sc->res.dir);
}

/* The walker's probe and the trigger's prepare; -1: stop (skip or error). */
static int scenario_probe(struct scenario *sc)
{
	if (sc->wops->probe) {
		int rc = sc->wops->probe(sc->opt, sc->err, sizeof(sc->err));

		if (rc < 0) {
			sc->why = sc->err;
			return -1;
		}
		if (rc > 0)
			return scenario_skip(sc, sc->wops->name, sc->err);
	}
	if (sc->tops && sc->tops->prepare(sc->opt, sc->err, sizeof(sc->err)))
		return scenario_skip(sc, sc->tops->name, sc->err);
	return 0;
}

/* Triggers first, so an other-mm child forks from one thread; -1: stop. */
static int scenario_start_triggers(struct scenario *sc)
{
	const struct trigger_ops *tops = sc->tops;

	if (!tops)
		return gb_interrupted() ? -1 : 0;
	if (sc->opt->trigger_mm == TRIGGER_MM_OTHER) {
		pid_t self = getpid();

		fflush(NULL);
		sc->child = fork();
		if (sc->child < 0) {
			sc->why = "fork failed";
			return -1;
		}
		if (sc->child == 0) {
			gb_forked_child(self);
			triggers_run(sc->opt, tops);
			_exit(0);
		}
	} else {
		sc->trig_args[0] = sc->opt;
		sc->trig_args[1] = tops;
		if (pthread_create(&sc->trig_th, NULL, triggers_thread, sc->trig_args)) {
			sc->why = "pthread_create failed";
			return -1;
		}
		sc->trig_thread = true;
	}
	while (atomic_load(&ctl->ready) < (int)sc->ntrig && !gb_interrupted())
		usleep(1000);
	if (gb_interrupted())
		return -1;
	if (atomic_load(&ctl->failed)) {
		snprintf(sc->err, sizeof(sc->err), "trigger %s: %s", tops->name, ctl->trig_err);
		sc->why = sc->err;
		return -1;
	}
	/* e.g. the huge pages prepare() reserved were taken meanwhile */
	if (ctl->skip) {
		snprintf(sc->err, sizeof(sc->err), "%s", ctl->trig_err);
		return scenario_skip(sc, tops->name, sc->err);
	}
	return 0;
}

/* One walker thread per walker CPU, set up and waiting on bar_start. */
static void scenario_start_walkers(struct scenario *sc)
{
	const struct options *opt = sc->opt;

	sc->wt = calloc(sc->nwalk, sizeof(*sc->wt));
	sc->rr = calloc(opt->runs, sizeof(*sc->rr));
	if (!sc->wt || !sc->rr)
		abort();
	pthread_barrier_init(&bar_start, NULL, sc->nwalk + 1);
	pthread_barrier_init(&bar_end, NULL, sc->nwalk + 1);
	for (unsigned int i = 0; i < sc->nwalk; i++) {
		sc->wt[i].ops = sc->wops;
		sc->wt[i].w.opt = opt;
		sc->wt[i].w.index = (int)i;
		sc->wt[i].w.cpu = cpulist_nth(&opt->walker_cpus, (int)i);
		if (pthread_create(&sc->wt[i].th, NULL, walker_main, &sc->wt[i]))
			abort();
	}
	pthread_barrier_wait(&bar_start);	/* walkers set up */
	for (unsigned int i = 0; i < sc->nwalk; i++) {
		if (sc->wt[i].setup_rc) {
			snprintf(sc->err, sizeof(sc->err), "walker on CPU %d: %s",
				 sc->wt[i].w.cpu, sc->wt[i].w.err);
			sc->why = sc->err;
		}
	}
	if (!sc->why && sc->res.err[0])
		sc->why = sc->res.err;	/* a results write failed while setting up: do not measure */
}

/* after a run: a walker, trigger or A/B failure sets why */
static void scenario_check_failures(struct scenario *sc)
{
	for (unsigned int i = 0; i < sc->nwalk; i++) {
		if (sc->wt[i].failed) {
			snprintf(sc->err, sizeof(sc->err), "walker on CPU %d: %s",
				 sc->wt[i].w.cpu, sc->wt[i].w.err);
			sc->why = sc->err;
		}
	}
	if (sc->tops && atomic_load(&ctl->failed)) {
		snprintf(sc->err, sizeof(sc->err), "trigger %s: %s", sc->tops->name,
			 ctl->trig_err);
		sc->why = sc->err;
	}
	if (ab_err[0])
		sc->why = ab_err;
}

/*
 * After a measured run: every walker made calls in both phases. The reason
 * names the first idle walker, how many were idle and the calls of the
 * others (a starved vCPU or CPU shows as some walkers at 0, the rest busy).
 */
static void scenario_check_calls(struct scenario *sc)
{
	unsigned int idle = 0, first = 0;
	uint64_t lo = UINT64_MAX, hi = 0;

	for (unsigned int i = 0; i < sc->nwalk && !sc->why; i++) {
		uint64_t c = sc->wt[i].w.calls < sc->wt[i].untimed_calls ?
			     sc->wt[i].w.calls : sc->wt[i].untimed_calls;

		if (!c && !idle++)
			first = i;
		if (c && c < lo)
			lo = c;
		if (c > hi)
			hi = c;
	}
	if (!idle || sc->why)
		return;
	if (idle == sc->nwalk)
		snprintf(sc->err, sizeof(sc->err), "walker on CPU %d completed no call in a "
			 "%.2f s phase (all %u walkers idle)", sc->wt[first].w.cpu,
			 sc->opt->run_time, idle);
	else
		snprintf(sc->err, sizeof(sc->err), "walker on CPU %d completed no call in a "
			 "%.2f s phase (%u of %u walkers idle, the others %llu-%llu calls)",
			 sc->wt[first].w.cpu, sc->opt->run_time, idle, sc->nwalk,
			 (unsigned long long)lo, (unsigned long long)hi);
	sc->why = sc->err;
}

/* Run @r (0-based, warm-ups first): 0 go on, -1 stop. */
static int scenario_run(struct scenario *sc, unsigned int r)
{
	const struct options *opt = sc->opt;
	const struct trigger_ops *tops = sc->tops;
	bool warm = r < opt->warmup_runs;
	unsigned int slot = r + 1;	/* slot 0: before the first run */
	long long v0 = -1, v1 = -1;
	struct run_result *rr = &sc->rr[sc->done];
	json_t *cal = NULL;
	double ts, us;

	if (r == opt->warmup_runs)
		observe_measure_start(sc->obs, opt->runs * 2 * opt->run_time);
	if (!warm)
		observe_run_begin(sc->obs);
	atomic_store(&ctl->run, (int)slot);
	if (tops && tops->verify_counter)
		v0 = vmstat_read(tops->verify_counter);
	ts = phase_run(opt, PHASE_TIMED, opt->run_time);
	us = phase_run(opt, PHASE_UNTIMED, opt->run_time);
	atomic_store(&ctl->run, (int)sc->nslots);	/* park the triggers */
	if (tops && tops->verify_counter)
		v1 = vmstat_read(tops->verify_counter);
	if (!warm) {
		uint64_t ev = 0;

		for (unsigned int t = 0; t < ctl->ntrig; t++)
			ev += ctl_events[slot * ctl->ntrig + t];
		cal = observe_run_end(sc->obs, ev);
	}
	scenario_check_failures(sc);
	if (gb_interrupted()) {
		snprintf(sc->intr_why, sizeof(sc->intr_why), "interrupted by a signal %s "
			 "(%u of %u runs done)", warm ? "in a warm-up run" :
			 "in a measured run", sc->done, opt->runs);
		json_decref(cal);
		return -1;
	}
	if (sc->why)
		return -1;
	if (warm) {
		if (!opt->quiet)
			fprintf(stderr, "  warm-up %u/%u done (discarded)\n", r + 1,
				opt->warmup_runs);
		return 0;
	}
	scenario_check_calls(sc);
	if (sc->why) {
		json_decref(cal);
		return -1;
	}
	if (collect_run(&sc->res, opt, tops, sc->wt, sc->nwalk, sc->done + 1, slot, ts, us,
			(v0 >= 0 && v1 >= 0) ? v1 - v0 : -1, cal, rr, sc->csv)) {
		sc->why = sc->res.err[0] ? sc->res.err : "cannot write run results";
		return -1;
	}
	if (!opt->quiet)
		fprintf(stderr, "  run %u/%u: %llu calls, p50 %.0f ns, p99 %.0f ns%s",
			sc->done + 1, opt->runs, (unsigned long long)rr->calls,
			rr->w.p50, rr->w.p99, tops ? "" : "\n");
	if (!opt->quiet && tops)
		fprintf(stderr, "; %s: %llu events (%llu failed), p50 %.0f ns\n",
			tops->name, (unsigned long long)rr->events,
			(unsigned long long)rr->fails, rr->t.p50);
	sc->done++;
	return 0;
}

/* The walkers, triggers and observers stopped after the last run. */
static void scenario_stop(struct scenario *sc)
{
	if (sc->done == sc->opt->runs)
		snprintf(sc->intr_why, sizeof(sc->intr_why), "interrupted by a signal after "
			 "all %u runs, while stopping the trigger and observers", sc->done);
	atomic_store(&phase, PHASE_QUIT);
	pthread_barrier_wait(&bar_start);
	for (unsigned int i = 0; i < sc->nwalk; i++)
		pthread_join(sc->wt[i].th, NULL);
	observe_measure_end(sc->obs);
	stop_triggers(&sc->trig_thread, sc->trig_th, &sc->child);
	sc->obs_sum = observe_finish(sc->obs, atomic_load(&ctl->events_total));
	sc->obs = NULL;
}

/* All runs done: summary.csv closed, the summary printed and written. */
static void scenario_summarise(struct scenario *sc)
{
	const struct options *opt = sc->opt;
	struct results *res = &sc->res;
	json_t *sum;
	FILE *csv = sc->csv;

	sc->csv = NULL;
	if (results_close(res, "summary.csv", csv)) {
		sc->why = res->err;
		return;
	}
	printf("\ngupbench %s, %u pages/call, walkers on CPUs %s", sc->wops->name,
	       opt->pages, sc->wc);
	if (sc->tops)
		printf("; trigger %s (%s mm) on CPUs %s", sc->tops->name, mm_name(opt), sc->tc);
	printf("\nkernel %s; timer %s, %.1f ns per start/stop pair (median); "
	       "inject %llu ns\n",
	       json_string_value(json_object_get(res->manifest, "kernel_release")),
	       gb_timer.name, gb_timer.overhead_median_ns,
	       (unsigned long long)opt->inject_ns);
	sum = summarise_runs(opt, sc->rr, sc->done, true);
	json_object_set_new(sum, "runs", json_integer(sc->done));
	print_observers(sc->obs_sum);
	json_object_set_new(sum, "observers", sc->obs_sum);
	sc->obs_sum = NULL;
	if (results_write_json(res, "summary.json", sum))
		sc->why = res->err;
	json_decref(sum);
	if (sc->note)
		printf("note: %s\n", sc->note);
	printf("results: %s\n", res->dir);
	if (!sc->why) {
		sc->status = "complete";
		sc->ret = 0;
	}
}

/* Interrupted: the runs done are kept and summarised as such. */
static void scenario_summarise_partial(struct scenario *sc)
{
	json_t *sum = summarise_runs(sc->opt, sc->rr, sc->done, false);

	json_object_set_new(sum, "runs", json_integer(sc->done));
	json_object_set_new(sum, "runs_requested", json_integer(sc->opt->runs));
	json_object_set_new(sum, "interrupted", json_true());
	json_object_set_new(sum, "observers", sc->obs_sum);
	sc->obs_sum = NULL;
	results_write_json(&sc->res, "summary.json", sum);
	json_decref(sum);
}

/* Everything stopped and restored; the manifest says how it ended. */
static int scenario_finish(struct scenario *sc)
{
	struct results *res = &sc->res;

	stop_triggers(&sc->trig_thread, sc->trig_th, &sc->child);
	if (sc->obs)
		sc->obs_sum = observe_finish(sc->obs, atomic_load(&ctl->events_total));
	json_decref(sc->obs_sum);
	if (sc->csv) {
		/* the rows of the runs done are kept; no row: no file */
		if (sc->done)
			results_close(res, "summary.csv", sc->csv);
		else
			results_abandon(res, "summary.csv", sc->csv);
		sc->csv = NULL;
	}
	sysstate_restore();
	/* a signal at any point before this makes the directory "interrupted" */
	if (gb_interrupted() && strcmp(sc->status, "complete") &&
	    strcmp(sc->status, "skipped")) {
		sc->status = "interrupted";
		sc->why = sc->intr_why;
		sc->ret = EXIT_INTERRUPTED;
	}
	if (sc->ret && sc->ret != EXIT_SKIPPED && sc->ret != EXIT_INTERRUPTED && sc->why)
		fprintf(stderr, "gupbench: error: %s\n", sc->why);
	if (res->err[0] && (!sc->why || strcmp(sc->why, res->err))) {
		/* a write failed after the first files: name it, and the run failed */
		fprintf(stderr, "gupbench: error: %s\n", res->err);
		if (!strcmp(sc->status, "complete")) {
			sc->status = "failed";
			sc->why = res->err;
			sc->ret = EXIT_RUN_FAILED;
		}
	}
	json_object_set_new(res->manifest, "runs_completed", json_integer(sc->done));
	if (results_finish(res, sc->status, sc->why)) {
		fprintf(stderr, "gupbench: error: %s\n", res->err);
		if (!sc->ret)
			sc->ret = EXIT_RUN_FAILED;
	}
	if (sc->ret == EXIT_INTERRUPTED)
		fprintf(stderr, "gupbench: interrupted; %s marked incomplete (%s)\n",
			res->dir, sc->why);
	free(sc->wt);
	free(sc->rr);
	gb_share_intr_flag(NULL);
	munmap(ctl, ctl_len);
	ctl = NULL;
	return sc->ret;
}

/* probe, start the triggers and the observers; -1: stop before measuring */
static int scenario_setup(struct scenario *sc)
{
	if (gb_interrupted() || scenario_probe(sc) || gb_interrupted())
		return -1;
	sc->obs = observe_new(sc->opt, &sc->res);
	observe_quiet_reference(sc->obs);
	if (!gb_interrupted())
		observe_ipi_start(sc->obs);
	if (gb_interrupted())
		return -1;
	return scenario_start_triggers(sc);
}

int run_scenario(const struct options *opt, const char *cmdline)
{
	struct scenario sc = { .opt = opt };
	json_t *unit = unit_json(opt);	/* before anything is created: may refuse */


	sc.wops = opt->walker;
	sc.tops = opt->trigger;
	sc.nwalk = CPU_COUNT(&opt->walker_cpus);
	sc.ntrig = sc.tops ? CPU_COUNT(&opt->trigger_cpus) : 0;
	sc.nslots = opt->warmup_runs + opt->runs + 1;
	sc.child = -1;
	sc.status = "failed";
	sc.ret = EXIT_RUN_FAILED;
	snprintf(sc.intr_why, sizeof(sc.intr_why),
		 "interrupted by a signal before the measured runs");
	/*
	 * From here on a signal only counts; this function then winds down
	 * and leaves a directory that says "interrupted" (sysstate.h).
	 */
	sysstate_install_signals(NULL);
	if (ctl_alloc(sc.nslots, sc.ntrig))
		die_input("cannot allocate shared memory: %s", strerror(errno));
	timer_init(&gb_timer, opt->force_clock);
	gb_name_tasks("gbw");
	scenario_open_results(&sc, cmdline, unit);
	cpulist_format(&opt->walker_cpus, sc.wc, sizeof(sc.wc));
	cpulist_format(&opt->trigger_cpus, sc.tc, sizeof(sc.tc));
	scenario_print_start(&sc);
	if (scenario_setup(&sc))
		return scenario_finish(&sc);

	scenario_start_walkers(&sc);
	for (unsigned int r = 0; !sc.why && r < opt->warmup_runs + opt->runs; r++)
		if (scenario_run(&sc, r))
			break;
	scenario_stop(&sc);
	if (!sc.why && sc.done == opt->runs && !gb_interrupted())
		scenario_summarise(&sc);
	else if (!sc.why && sc.done)
		scenario_summarise_partial(&sc);
	return scenario_finish(&sc);
}
