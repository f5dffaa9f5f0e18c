// SPDX-License-Identifier: GPL-2.0
/*
 * gupbench front end, in the manner of `perf bench`: one subcommand per
 * walker workload, triggers and CPU sets as options.
 */
#include "gupbench.h"

#include <errno.h>
#include <limits.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "version.h"

static const struct walker_ops *const walkers[] = {
	&walker_vmsplice, &walker_odirect, &walker_gup_test,
};
static const struct trigger_ops *const triggers[] = {
	&trigger_collapse, &trigger_hugetlb_unshare, &trigger_hugetlb_unshare_first,
};
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

const struct walker_ops *walker_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(walkers); i++)
		if (!strcmp(walkers[i]->name, name))
			return walkers[i];
	return NULL;
}

const struct trigger_ops *trigger_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(triggers); i++)
		if (!strcmp(triggers[i]->name, name))
			return triggers[i];
	return NULL;
}

static int cmd_list(int argc, char **argv);

/* The subcommands that are not walkers, as perf's builtin-bench.c has them. */
static const struct cmd {
	const char *name, *usage, *summary;
	int (*fn)(int argc, char **argv);	/* argv[0] is the name */
} cmds[] = {
	{ "list", "list", "list workloads and triggers", cmd_list },
	{ "model", "model [options]", "cost of the walker start/end sequences", cmd_model },
	{ "litmus", "litmus [options]", "barrier-pairing store-buffering test", cmd_litmus },
	{ "compare", "compare BASE OTHER...", "statistics between results sets", cmd_compare },
	{ "claim", "claim [options]", "the v4 claim's method (threads x fixed calls,\n"
	  "                                       mean wall time of 10 reps) with its spread",
	  cmd_claim },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: gupbench %-22s %s\n", "WORKLOAD [options]",
		"run GUP-fast walkers (+ a trigger)");
	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++)
		fprintf(f, "       gupbench %-22s %s\n", cmds[i].usage, cmds[i].summary);
	fprintf(f,
"       gupbench --version | --help\n"
"\n"
"Walkers hammer GUP-fast, one pinned thread per CPU; every call is timed\n"
"into a log-linear histogram (<0.4%% bucket error). A trigger on other CPUs\n"
"makes the kernel free or unshare page tables, which sends the\n"
"tlb_remove_table_sync IPIs; each trigger event is timed too.\n"
"Each run = a timed phase + an untimed phase of the same loop (so the\n"
"cost of timing is known); warm-up runs are discarded.\n"
"\n"
"Workloads:\n");
	for (size_t i = 0; i < ARRAY_SIZE(walkers); i++)
		fprintf(f, "  %-16s %s\n", walkers[i]->name, walkers[i]->summary);
	fprintf(f, "Triggers (--trigger):\n");
	for (size_t i = 0; i < ARRAY_SIZE(triggers); i++)
		fprintf(f, "  %-16s %s\n", triggers[i]->name, triggers[i]->summary);
	fprintf(f,
"\n"
"Options:\n"
"  -C, --walker-cpus LIST   walker CPUs, cpulist syntax (default: all online\n"
"                           CPUs but the first). In every LIST, as in the\n"
"                           kernel's cpulist format, a CPU given twice or\n"
"                           overlapping ranges (0-1,1) are merged\n"
"  -t, --trigger NAME       trigger to run beside the walkers (default: none)\n"
"      --trigger-cpus LIST  trigger CPUs (default: first online CPU that is\n"
"                           not a walker)\n"
"      --trigger-mm same|other  trigger in the walkers' process or in its own\n"
"                           (default: other; targeted IPIs can only help other)\n"
"      --trigger-period-us N  one trigger event per N us (default 0: back to back)\n"
"  -p, --pages N            pages per GUP-fast call (default 8; 1-4096)\n"
"  -r, --runs N             measured runs (default 10)\n"
"      --warmup N           discarded warm-up runs first (default 1)\n"
"  -T, --run-time SEC       length of each timed and each untimed phase\n"
"                           (default 1.0)\n"
"      --inject-ns N        busy-wait N ns inside every timed call: a known\n"
"                           answer for the statistics (default 0)\n"
"      --gup-calls N        gup-test: calls per ioctl (default 1024)\n"
"      --gup-get            gup-test: GUP_FAST_BENCHMARK instead of PIN_FAST\n"
"      --target PATH        odirect: block device, or directory on a disk\n"
"                           filesystem (tmpfs refused: it does not pin)\n"
"      --target-size SIZE   odirect: pattern file size (default 64M)\n"
"      --unshare-touch N    hugetlb-unshare: pages each child touches (default 4)\n"
"  -o, --results DIR        parent of the new results directory (default results)\n"
"      --variant NAME       kernel variant label (default: kernel release)\n"
"      --label NAME         results directory label (default: scenario name)\n"
"      --clock              time with clock_gettime() even if a counter exists\n"
"      --rt-cpus LIST       run cyclictest on these CPUs (alone first, then\n"
"                           beside the walkers); best booted isolcpus/nohz_full\n"
"      --rt-interval-us N   cyclictest interval (default 100)\n"
"      --ipi-observer M     how sync IPIs are counted: bpftrace, tracefs (an\n"
"                           instance of its own, csd events filtered on the\n"
"                           sync function's address; no bpftrace needed),\n"
"                           auto (bpftrace, else tracefs; default) or none\n"
"      --no-bpftrace        --ipi-observer=none (CAL counts are still kept)\n"
"      --rt-timer-migration off|keep  off: kernel.timer_migration=0 while\n"
"                           the RT CPUs are measured (restored after), so\n"
"                           cyclictest's timer stays on its nohz_full CPU\n"
"                           instead of waking it by IPI (default keep)\n"
"      --ab-inject-ns N     paired A/B inside the invocation: the untimed phase\n"
"                           runs in pairs of slices, A and B in a random order\n"
"                           per pair, B with an N ns delay per call (0: an\n"
"                           A/A); each run file gets ab.log_ratios, one\n"
"                           log(B/A) of wall ns per call per pair. Slow\n"
"                           phases of the machine cancel inside a pair\n"
"      --ab-knob PATH=A,B   the same, B = writing B to PATH (e.g. the inject\n"
"                           kernel's /sys/kernel/debug/gup_fast_inject_ns),\n"
"                           A = writing A; PATH's value is restored after\n"
"      --ab-slice-ms N      length of one A/B slice (default 10; 1-1000)\n"
"      --round N            interleaving round of this invocation, recorded in\n"
"                           the manifest for compare's pairing (also\n"
"                           GUPBENCH_ROUND; scripts/interleave sets it)\n"
"  -q, --quiet              no progress lines\n"
"\n"
"Exit status: 0 done, 1 run failed, 2 bad input, 77 skipped (a kernel\n"
"feature is missing; the reason is in the results), 130 interrupted.\n");
}

static size_t parse_size(const char *opt, const char *s)
{
	char *end;
	unsigned long long v;
	unsigned int shift = 0;

	errno = 0;
	if (!s || !*s || *s == '-')
		die_input("%s: bad size '%s'", opt, s ? s : "");
	v = strtoull(s, &end, 10);
	if (*end == 'K' || *end == 'k')
		shift = 10;
	else if (*end == 'M' || *end == 'm')
		shift = 20;
	else if (*end == 'G' || *end == 'g')
		shift = 30;
	else if (*end)
		die_input("%s: bad size '%s' (use N, NK, NM or NG)", opt, s);
	if (shift && end[1])
		die_input("%s: bad size '%s' (use N, NK, NM or NG)", opt, s);
	if (errno || v > (1ull << 40) >> shift)
		die_input("%s: size '%s' is too large", opt, s);
	return (size_t)(v << shift);
}

static void parse_cpus(const char *what, const char *s, cpu_set_t *set)
{
	char err[512];

	if (cpulist_parse(s, set, err, sizeof(err)) ||
	    cpulist_validate(what, set, err, sizeof(err)))
		die_input("%s", err);
}

enum {
	OPT_TRIGGER_CPUS = 256, OPT_TRIGGER_MM, OPT_PERIOD, OPT_WARMUP, OPT_INJECT,
	OPT_GUP_CALLS, OPT_GUP_GET, OPT_TARGET, OPT_TARGET_SIZE, OPT_TOUCH,
	OPT_VARIANT, OPT_LABEL, OPT_CLOCK, OPT_RT_CPUS, OPT_RT_INTERVAL, OPT_NO_BPF,
	OPT_IPI_OBS, OPT_TMIG, OPT_ROUND, OPT_AB_INJECT, OPT_AB_KNOB, OPT_AB_SLICE,
};

static const struct option longopts[] = {
	{ "walker-cpus", required_argument, NULL, 'C' },
	{ "trigger", required_argument, NULL, 't' },
	{ "trigger-cpus", required_argument, NULL, OPT_TRIGGER_CPUS },
	{ "trigger-mm", required_argument, NULL, OPT_TRIGGER_MM },
	{ "trigger-period-us", required_argument, NULL, OPT_PERIOD },
	{ "pages", required_argument, NULL, 'p' },
	{ "runs", required_argument, NULL, 'r' },
	{ "warmup", required_argument, NULL, OPT_WARMUP },
	{ "run-time", required_argument, NULL, 'T' },
	{ "inject-ns", required_argument, NULL, OPT_INJECT },
	{ "gup-calls", required_argument, NULL, OPT_GUP_CALLS },
	{ "gup-get", no_argument, NULL, OPT_GUP_GET },
	{ "target", required_argument, NULL, OPT_TARGET },
	{ "target-size", required_argument, NULL, OPT_TARGET_SIZE },
	{ "unshare-touch", required_argument, NULL, OPT_TOUCH },
	{ "results", required_argument, NULL, 'o' },
	{ "variant", required_argument, NULL, OPT_VARIANT },
	{ "label", required_argument, NULL, OPT_LABEL },
	{ "clock", no_argument, NULL, OPT_CLOCK },
	{ "rt-cpus", required_argument, NULL, OPT_RT_CPUS },
	{ "rt-interval-us", required_argument, NULL, OPT_RT_INTERVAL },
	{ "no-bpftrace", no_argument, NULL, OPT_NO_BPF },
	{ "ipi-observer", required_argument, NULL, OPT_IPI_OBS },
	{ "rt-timer-migration", required_argument, NULL, OPT_TMIG },
	{ "round", required_argument, NULL, OPT_ROUND },
	{ "ab-inject-ns", required_argument, NULL, OPT_AB_INJECT },
	{ "ab-knob", required_argument, NULL, OPT_AB_KNOB },
	{ "ab-slice-ms", required_argument, NULL, OPT_AB_SLICE },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* --ab-knob PATH=A,B */
static char knob_path[PATH_MAX];

static void parse_ab_knob(const char *arg, struct options *o)
{
	const char *eq = strrchr(arg, '='), *comma = eq ? strchr(eq, ',') : NULL;
	size_t la, lb;

	if (!eq || eq == arg || !comma || strchr(comma + 1, ','))
		die_input("--ab-knob: '%s' is not PATH=A,B", arg);
	la = (size_t)(comma - eq - 1);
	lb = strlen(comma + 1);
	if (!la || !lb || la >= sizeof(o->ab_a) || lb >= sizeof(o->ab_b))
		die_input("--ab-knob: '%s': A and B must be 1-31 characters", arg);
	if (strpbrk(eq + 1, " \t\n"))
		die_input("--ab-knob: '%s': A and B must not hold white space", arg);
	memcpy(o->ab_a, eq + 1, la);
	o->ab_a[la] = 0;
	memcpy(o->ab_b, comma + 1, lb);
	o->ab_b[lb] = 0;
	if (!strcmp(o->ab_a, o->ab_b))
		die_input("--ab-knob: '%s': A and B are the same value", arg);
	if ((size_t)(eq - arg) >= sizeof(knob_path))
		die_input("--ab-knob: the path is longer than %zu bytes", sizeof(knob_path) - 1);
	memcpy(knob_path, arg, (size_t)(eq - arg));
	knob_path[eq - arg] = 0;
	o->ab_knob = knob_path;
	o->ab = true;
}

static void check_label(const char *what, const char *s)
{
	if (!*s || strlen(s) > 64 || strspn(s, "abcdefghijklmnopqrstuvwxyz"
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+-") != strlen(s))
		die_input("%s '%s': use 1-64 letters, digits, '.', '_', '+' or '-'",
			  what, s);
}

static void default_cpus(struct options *o, bool have_w, bool have_t)
{
	cpu_set_t online, iso;
	int first = -1;

	if (cpulist_online(&online))
		die_input("cannot read /sys/devices/system/cpu/online");
	/* isolated CPUs are not picked by default: they are for --rt-cpus */
	if (!cpulist_read_file("/sys/devices/system/cpu/isolated", &iso))
		for (int c = 0; c < CPU_SETSIZE; c++)
			if (CPU_ISSET(c, &iso) && CPU_COUNT(&online) > 1)
				CPU_CLR(c, &online);
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &o->rt_cpus))
			CPU_CLR(c, &online);
	if (!have_w) {
		o->walker_cpus = online;
		if (have_t) {
			for (int c = 0; c < CPU_SETSIZE; c++)
				if (CPU_ISSET(c, &o->trigger_cpus))
					CPU_CLR(c, &o->walker_cpus);
		} else if (CPU_COUNT(&online) > 1) {
			CPU_CLR(cpulist_nth(&online, 0), &o->walker_cpus);
		}
		if (!CPU_COUNT(&o->walker_cpus))
			die_input("no CPU left for walkers");
	}
	if (o->trigger && !have_t) {
		for (int c = 0; c < CPU_SETSIZE && first < 0; c++)
			if (CPU_ISSET(c, &online) && !CPU_ISSET(c, &o->walker_cpus))
				first = c;
		if (first < 0)
			die_input("no CPU left for the trigger: give --walker-cpus and "
				  "--trigger-cpus");
		CPU_ZERO(&o->trigger_cpus);
		CPU_SET(first, &o->trigger_cpus);
	}
}

static int cmd_list(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	for (size_t i = 0; i < ARRAY_SIZE(walkers); i++)
		printf("walker  %-22s %s\n", walkers[i]->name, walkers[i]->summary);
	for (size_t i = 0; i < ARRAY_SIZE(triggers); i++)
		printf("trigger %-22s %s\n", triggers[i]->name, triggers[i]->summary);
	return 0;
}

/* the workloads whose ops take --target, for the refusal */
static const char *target_takers(void)
{
	static char buf[256];
	size_t off = 0;

	for (size_t i = 0; i < ARRAY_SIZE(walkers) && off < sizeof(buf); i++)
		if (walkers[i]->takes_target)
			off += snprintf(buf + off, sizeof(buf) - off, "%s%s",
					off ? " or " : "", walkers[i]->name);
	return buf;
}

/* which options were given, for the checks after parsing */
struct given {
	bool w, t, mm, ab_inj;
};

/* the scenario: walker, trigger, CPUs, sizes and lengths; false: not one */
static bool parse_scenario_opt(int c, const char *arg, struct options *o, struct given *g)
{
	switch (c) {
	case 'C':
		parse_cpus("--walker-cpus", arg, &o->walker_cpus);
		g->w = true;
		return true;
	case 't':
		o->trigger = trigger_find(arg);
		if (!o->trigger)
			die_input("unknown trigger '%s' (try 'gupbench list')", arg);
		return true;
	case OPT_TRIGGER_CPUS:
		parse_cpus("--trigger-cpus", arg, &o->trigger_cpus);
		g->t = true;
		return true;
	case OPT_TRIGGER_MM:
		if (!strcmp(arg, "same"))
			o->trigger_mm = TRIGGER_MM_SAME;
		else if (!strcmp(arg, "other"))
			o->trigger_mm = TRIGGER_MM_OTHER;
		else
			die_input("--trigger-mm: '%s' is neither 'same' nor 'other'",
				  arg);
		g->mm = true;
		return true;
	case OPT_PERIOD:
		o->trigger_period_us = opt_number("--trigger-period-us", arg,
						0, 10000000);
		return true;
	case 'p':
		o->pages = opt_number("--pages", arg, 1, 4096);
		return true;
	case 'r':
		o->runs = opt_number("--runs", arg, 1, 10000);
		return true;
	case OPT_WARMUP:
		o->warmup_runs = opt_number("--warmup", arg, 0, 100);
		return true;
	case 'T': {
		char *end;

		errno = 0;
		o->run_time = strtod(arg, &end);
		if (errno || *end || !(o->run_time >= 0.01 && o->run_time <= 3600))
			die_input("--run-time: '%s' is not between 0.01 and 3600 seconds",
				  arg);
		return true;
	}
	case OPT_INJECT:
		o->inject_ns = opt_number("--inject-ns", arg, 0, 1000000000);
		return true;
	case OPT_GUP_CALLS:
		o->gup_calls = opt_number("--gup-calls", arg, 1, 1000000);
		return true;
	case OPT_GUP_GET:
		o->gup_pin = false;
		return true;
	case OPT_TARGET:
		o->target = arg;
		return true;
	case OPT_TARGET_SIZE:
		o->target_size = parse_size("--target-size", arg);
		if (o->target_size < (1u << 20) || o->target_size % 4096)
			die_input("--target-size: '%s' must be at least 1M and a "
				  "multiple of 4K", arg);
		return true;
	case OPT_TOUCH:
		o->unshare_touch = opt_number("--unshare-touch", arg, 1, 512);
		return true;
	}
	return false;
}

/* where and how results are recorded, observers, A/B; false: not one */
static bool parse_output_opt(int c, const char *arg, struct options *o, struct given *g)
{
	switch (c) {
	case 'o':
		o->results_root = arg;
		return true;
	case OPT_VARIANT:
		check_label("--variant", arg);
		o->variant = arg;
		return true;
	case OPT_LABEL:
		check_label("--label", arg);
		o->label = arg;
		return true;
	case OPT_CLOCK:
		o->force_clock = true;
		return true;
	case OPT_RT_CPUS:
		parse_cpus("--rt-cpus", arg, &o->rt_cpus);
		return true;
	case OPT_RT_INTERVAL:
		o->rt_interval_us = opt_number("--rt-interval-us", arg, 10, 1000000);
		return true;
	case OPT_NO_BPF:
		o->ipi_observer = IPI_NONE;
		return true;
	case OPT_IPI_OBS: {
		static const char *const m[] = { "auto", "bpftrace", "tracefs", "none", NULL };
		static const int v[] = { IPI_AUTO, IPI_BPFTRACE, IPI_TRACEFS, IPI_NONE };

		o->ipi_observer = v[opt_choice("--ipi-observer", arg, m)];
		return true;
	}
	case OPT_TMIG: {
		static const char *const m[] = { "keep", "off", NULL };

		o->rt_timer_migration_off = opt_choice("--rt-timer-migration", arg, m) == 1;
		return true;
	}
	case OPT_ROUND:
		o->round = opt_number("--round", arg, 0, 1000000);
		o->have_round = true;
		return true;
	case OPT_AB_INJECT:
		o->ab_inject_ns = opt_number("--ab-inject-ns", arg, 0, 1000000000);
		o->ab = g->ab_inj = true;
		return true;
	case OPT_AB_KNOB:
		parse_ab_knob(arg, o);
		return true;
	case OPT_AB_SLICE:
		o->ab_slice_ms = opt_number("--ab-slice-ms", arg, 1, 1000);
		return true;
	case 'q':
		o->quiet = true;
		return true;
	}
	return false;
}

/* the options together, after parsing */
static void check_options(struct options *o, const struct given *g)
{
	if (g->ab_inj && o->ab_knob)
		die_input("--ab-inject-ns and --ab-knob: give one of them");
	if (o->ab && o->run_time * 1000 < 2.0 * o->ab_slice_ms)
		die_input("--run-time %.3g s holds no pair of %u ms A/B slices", o->run_time,
			  o->ab_slice_ms);
	if (!o->trigger && (g->t || g->mm || o->trigger_period_us))
		die_input("--trigger-cpus, --trigger-mm and --trigger-period-us need --trigger");
	if (o->target && !o->walker->takes_target)
		die_input("--target is only for the %s workload", target_takers());
	if (o->walker->check)
		o->walker->check(o);
	default_cpus(o, g->w, g->t);
	if (o->trigger && cpulist_overlap(&o->walker_cpus, &o->trigger_cpus)) {
		char a[256], b[256];

		die_input("walker CPUs %s and trigger CPUs %s overlap",
			  cpulist_format(&o->walker_cpus, a, sizeof(a)),
			  cpulist_format(&o->trigger_cpus, b, sizeof(b)));
	}
	if (cpulist_overlap(&o->rt_cpus, &o->walker_cpus) ||
	    (o->trigger && cpulist_overlap(&o->rt_cpus, &o->trigger_cpus))) {
		char a[256];

		die_input("RT CPUs %s overlap the walker or trigger CPUs: an RT CPU "
			  "must run nothing else", cpulist_format(&o->rt_cpus, a, sizeof(a)));
	}
}

static int cmd_walk(int argc, char **argv)
{
	struct options o = {
		.pages = 8, .runs = 10, .warmup_runs = 1, .run_time = 1.0,
		.gup_calls = 1024, .gup_pin = true, .target_size = 64u << 20,
		.ab_slice_ms = 10,
		.unshare_touch = 4, .results_root = "results",
		.trigger_mm = TRIGGER_MM_OTHER, .rt_interval_us = 100,
	};
	struct given g = { 0 };
	char cmdline[4096];
	int c;

	cli_cmdline(argc, argv, "", cmdline, sizeof(cmdline));
	o.walker = walker_find(argv[1]);
	if (!o.walker)
		die_input("unknown workload '%s' (try 'gupbench list')", argv[1]);
	optind = 2;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "C:t:p:r:T:o:qh", longopts, NULL)) != -1) {
		if (parse_scenario_opt(c, optarg, &o, &g) || parse_output_opt(c, optarg, &o, &g))
			continue;
		if (c == 'h') {
			usage(stdout);
			exit(0);
		}
		die_input("bad option '%s' (see gupbench --help)", argv[optind - 1]);
	}
	if (optind < argc)
		die_input("unexpected argument '%s'", argv[optind]);
	check_options(&o, &g);
	return run_scenario(&o, cmdline);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_BAD_INPUT;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("gupbench %s\n", GUPBENCH_VERSION);
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	if (!walker_find(argv[1]))
		die_input("unknown workload '%s' (try 'gupbench list')", argv[1]);
	return cmd_walk(argc, argv);
}
