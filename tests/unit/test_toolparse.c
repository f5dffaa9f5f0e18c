// SPDX-License-Identifier: GPL-2.0
/* Parsers checked on real output captured on this project's machines. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/sysinfo.h"
#include "lib/toolparse.h"

#ifndef DATA_DIR
#define DATA_DIR "tests/data"
#endif

/* build-kernel's gupbench-kernel.txt as the manifest's kernel_build */
static void test_kernel_build(void **state)
{
	static const char rec[] =
		"variant cond\n"
		"base 6.12\npackage linux-source-6.12\nversion 6.12.118-1~deb12u1\n"
		"sha256 896aff3b39299fa0dd36fef4f5db56ab189182e39abbbb1227dafdc7fcfe3fc3\n"
		"archive http://deb.debian.org/debian-security bookworm-security\n"
		"series patches\nseries_patches 2\n"
		"patch patches/cond/0001-a.patch\npatch patches/cond/0002-b.patch\n"
		"known no\n\nconfig_sha256 ab12\n";
	json_t *j = sysinfo_kernel_build_parse(rec, "/x/gupbench-kernel.txt");
	json_t *p = json_object_get(j, "patches");

	(void)state;
	assert_true(json_is_true(json_object_get(j, "known")));
	assert_string_equal(json_string_value(json_object_get(j, "file")), "/x/gupbench-kernel.txt");
	assert_string_equal(json_string_value(json_object_get(j, "version")), "6.12.118-1~deb12u1");
	assert_string_equal(json_string_value(json_object_get(j, "package")), "linux-source-6.12");
	assert_string_equal(json_string_value(json_object_get(j, "archive")),
			    "http://deb.debian.org/debian-security bookworm-security");
	assert_int_equal(json_array_size(p), 2);
	assert_string_equal(json_string_value(json_array_get(p, 1)), "patches/cond/0002-b.patch");
	assert_string_equal(json_string_value(json_object_get(j, "config_sha256")), "ab12");
	json_decref(j);
}

static char *load(const char *name)
{
	char p[512];
	char *t;

	snprintf(p, sizeof(p), "%s/%s", DATA_DIR, name);
	t = sysinfo_read_file(p);
	assert_non_null(t);
	return t;
}

/*
 * The trigger task names gupbench gives its trigger threads/processes,
 * made the way bench/runner.c makes them: gbt<pid> (collapse and other
 * triggers), gbu<pid> (the hugetlb-unshare child). @pid is the gupbench
 * process of the capture.
 */
static void trigger_names(char (*n)[32], int pid)
{
	snprintf(n[0], sizeof(n[0]), "gbt%d", pid);
	snprintf(n[1], sizeof(n[1]), "gbu%d", pid);
}

static void test_bpftrace(void **state)
{
	/*
	 * Captured from `gupbench vmsplice -C 1 --trigger-cpus 0 -t collapse
	 * --trigger-mm other -r 2 -T 0.25` (pid 19692) on the 6.18.44 KVM
	 * host, 2 CPUs: walker on CPU 1, collapse trigger on CPU 0.
	 */
	char *t = load("bpftrace-collapse-6.18.json"), err[256], names[2][32];
	struct ipi_counts *c = malloc(sizeof(*c));
	const char *const ours[] = { "gbt1234", "gbu1234", NULL };
	const char *real[3];

	(void)state;
	trigger_names(names, 19692);
	real[0] = names[0];
	real[1] = names[1];
	real[2] = NULL;
	assert_string_equal(real[0], "gbt19692");
	assert_int_equal(bpftrace_parse(t, real, c, err, sizeof(err)), 0);
	assert_true(c->attached);
	assert_int_equal(c->queued[1], 324);
	assert_int_equal(c->queued[0], 0);
	assert_int_equal(c->ours[1], 324);
	assert_int_equal(c->ours[0], 0);
	assert_int_equal(c->ours_total, 324);
	assert_int_equal(c->entered[1], 320);
	assert_int_equal(c->entered_total, 320);
	assert_int_equal(c->queued_total, 324);
	assert_int_equal(json_integer_value(json_object_get(c->senders, "gbt19692")), 324);
	assert_int_equal(json_object_size(c->senders), 1);
	ipi_counts_free(c);
	/* the names of another gupbench process, or the old fixed names, are not ours */
	assert_int_equal(bpftrace_parse(t, ours, c, err, sizeof(err)), 0);
	assert_int_equal(c->queued_total, 324);
	assert_int_equal(c->ours_total, 0);
	ipi_counts_free(c);
	assert_int_equal(bpftrace_parse(t, (const char *const[]){ "gb-trigger", "gb-unshare", NULL },
					c, err, sizeof(err)), 0);
	assert_int_equal(c->ours_total, 0);
	ipi_counts_free(c);
	free(t);

	/*
	 * Captured in a QEMU TCG guest of the 6.12.117 baseline kernel, 4 vCPUs
	 * (results/examples/qemu-tcg-6.12.117-baseline-vmsplice-hugetlb-unshare-other):
	 * hugetlb-unshare child gbu87 of gupbench pid 87 on CPU 2, walker CPU 1.
	 */
	t = load("bpftrace-unshare-6.12-qemu.json");
	trigger_names(names, 87);
	assert_int_equal(bpftrace_parse(t, real, c, err, sizeof(err)), 0);
	assert_true(c->attached);
	for (int cpu = 0; cpu < 4; cpu++) {
		uint64_t want = cpu == 2 ? 0 : 2123;

		assert_int_equal(c->queued[cpu], want);
		assert_int_equal(c->ours[cpu], want);
		assert_int_equal(c->entered[cpu], want);
	}
	assert_int_equal(c->ours_total, 3 * 2123);
	assert_int_equal(json_integer_value(json_object_get(c->senders, "gbu87")), 3 * 2123);
	ipi_counts_free(c);
	free(t);
	/* other senders count in queued but not in ours */
	assert_int_equal(bpftrace_parse("{\"type\": \"map\", \"data\": {\"@queue\": "
		"{\"1,gbu1234\": 5, \"1,khugepaged\": 2, \"3,gbu1234\": 5, "
		"\"3,gbt999\": 4}}}\n", ours, c, err, sizeof(err)), 0);
	assert_int_equal(c->queued[1], 7);
	assert_int_equal(c->ours[1], 5);
	assert_int_equal(c->ours[3], 5);
	assert_int_equal(c->ours_total, 10);
	assert_int_equal(c->queued_total, 16);
	assert_int_equal(json_integer_value(json_object_get(c->senders, "gbu1234")), 10);
	ipi_counts_free(c);
	/* malformed lines and maps are refused with a reason */
	assert_int_equal(bpftrace_parse("{\"type\": \"map\", \"data\": {\"@queue\": "
					"{\"x\": 1}}}\n", NULL, c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "bad CPU"));
	ipi_counts_free(c);
	assert_int_equal(bpftrace_parse("{\"type\": \"map\", \"data\"\n", NULL, c,
					err, sizeof(err)), -1);
	assert_non_null(strstr(err, "bad JSON"));
	ipi_counts_free(c);
	assert_int_equal(bpftrace_parse("", NULL, c, err, sizeof(err)), 0);
	assert_false(c->attached);
	ipi_counts_free(c);
	free(c);
}

static void test_cyclictest(void **state)
{
	/* rt-tests 2.40, -h 200 on a busy VM CPU: 3 overflows beyond 200 us */
	char *t = load("cyclictest-6.18.json"), err[256];
	struct cyclic_result *r = malloc(sizeof(*r));

	(void)state;
	assert_int_equal(cyclictest_parse(t, r, err, sizeof(err)), 0);
	assert_int_equal(r->nthreads, 1);
	assert_int_equal(r->cycles, 19808);
	assert_int_equal(r->overflows, 3);
	assert_true(r->max_us == 17552);
	assert_int_equal(r->lat.count, 19808);
	assert_true(r->lat.min == 6000);
	assert_true(r->lat.max == 17552000);
	assert_true(hist_percentile(&r->lat, 50) >= 12000 && hist_percentile(&r->lat, 50) < 14000);
	cyclic_result_free(r);
	free(t);
	assert_int_equal(cyclictest_parse("{\"thread\": {}}", r, err, sizeof(err)), -1);
	cyclic_result_free(r);
	assert_int_equal(cyclictest_parse("{\"thread\": {\"0\": {\"cycles\": 1, "
		"\"min\": 1, \"max\": 2, \"avg\": 1, \"histogram\": {\"1\": 5}}}}",
		r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "more than"));
	cyclic_result_free(r);
	assert_int_equal(cyclictest_parse("[1,2", r, err, sizeof(err)), -1);
	cyclic_result_free(r);
	free(r);
}

static void test_interrupts(void **state)
{
	char *t = load("proc-interrupts-6.18.txt");
	uint64_t v[64];
	int n;

	(void)state;
	assert_int_equal(proc_interrupts_cal(t, v, 64, &n), 0);
	assert_int_equal(n, 2);
	assert_true(v[0] > 0 && v[1] > 0);
	free(t);
	assert_int_equal(proc_interrupts_cal("           CPU0       CPU3\n"
		" CAL:         10         33   Function call interrupts\n", v, 64, &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(v[0], 10);
	assert_int_equal(v[3], 33);
	assert_int_equal(proc_interrupts_cal("CPU0\n NMI: 1\n", v, 64, &n), -1);
	/* arm64 (6.12 show_ipi_list()): the call-function IPI is IPI1 */
	assert_int_equal(proc_interrupts_cal("           CPU0       CPU1\n"
		"IPI0:         5          6       Rescheduling interrupts\n"
		"IPI1:        70         81       Function call interrupts\n"
		"IPI2:         0          0       CPU stop interrupts\n", v, 64, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0], 70);
	assert_int_equal(v[1], 81);
	assert_int_equal(proc_interrupts_cal("           CPU0\n"
		"IPI0:         5       Rescheduling interrupts\n", v, 64, &n), -1);
	/* TLB shootdowns: x86's "TLB:" row, not CAL's; arm64 has none */
	t = load("proc-interrupts-6.18.txt");
	assert_int_equal(proc_interrupts_tlb(t, v, 64, &n), 0);
	assert_int_equal(n, 2);
	free(t);
	assert_int_equal(proc_interrupts_tlb("           CPU0       CPU2\n"
		" CAL:         10         33   Function call interrupts\n"
		" TLB:          7          4   TLB shootdowns\n", v, 64, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(v[0], 7);
	assert_int_equal(v[2], 4);
	assert_int_equal(proc_interrupts_tlb("           CPU0       CPU1\n"
		"IPI1:        70         81       Function call interrupts\n", v, 64, &n), -1);
}

/* trace_pipe lines of csd events captured on the 6.18 host (bench/csdtrace.c) */
static void test_tracefs_csd(void **state)
{
	char *t = load("tracefs-csd-6.18.txt"), *line, *save;
	int kinds[CSD_WAKING + 1] = { 0 }, sync_q = 0, sync_e = 0;
	struct csd_line e;

	(void)state;
	for (line = strtok_r(t, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		int k = tracefs_csd_line(line, &e);

		assert_true(k >= 0 && k <= CSD_WAKING);
		kinds[k]++;
		if (k == CSD_QUEUE && !strcmp(e.func, "tlb_remove_table_smp_sync"))
			sync_q++;
		if (k == CSD_ENTRY && !strcmp(e.func, "tlb_remove_table_smp_sync"))
			sync_e++;
	}
	free(t);
	assert_int_equal(kinds[CSD_QUEUE], 11);
	assert_int_equal(kinds[CSD_ENTRY], 18);
	assert_int_equal(kinds[CSD_MARKER], 2);
	assert_int_equal(kinds[CSD_OTHER] + kinds[CSD_LOST], 0);
	assert_int_equal(sync_q, 3);
	assert_int_equal(sync_e, 3);

	assert_int_equal(tracefs_csd_line("        gbt22244-22291   [000] ...1. 23626.685934: "
		"csd_queue_cpu: cpu=1 callsite=smp_call_function+0x28/0x60 "
		"func=tlb_remove_table_smp_sync csd=00000000be9f364f", &e), CSD_QUEUE);
	assert_string_equal(e.comm, "gbt22244");
	assert_int_equal(e.pid, 22291);
	assert_int_equal(e.cpu, 0);
	assert_int_equal(e.target, 1);
	assert_string_equal(e.func, "tlb_remove_table_smp_sync");
	/* a comm holding '-' and ':' (the last '-' before the CPU ends it) */
	assert_int_equal(tracefs_csd_line(" memfd:sealed-91-2723    [001] d.h.. 23626.704278: "
		"csd_function_entry: func=tlb_remove_table_smp_sync, csd=00000000be9f364f", &e),
		CSD_ENTRY);
	assert_string_equal(e.comm, "memfd:sealed-91");
	assert_int_equal(e.pid, 2723);
	assert_int_equal(e.cpu, 1);
	assert_string_equal(e.func, "tlb_remove_table_smp_sync");
	assert_int_equal(tracefs_csd_line("          <idle>-0       [003] d.h1. 1.000: "
		"csd_function_entry: func=flush_tlb_func, csd=00000000d74d6bea", &e), CSD_ENTRY);
	assert_string_equal(e.comm, "<idle>");
	assert_int_equal(e.cpu, 3);
	assert_int_equal(tracefs_csd_line("  bash-22214   [001] ...1. 23626.660293: "
		"tracing_mark_write: gupbench-runs-end", &e), CSD_MARKER);
	assert_string_equal(e.text, "gupbench-runs-end");
	/* interrupt context: the task shown was only interrupted */
	assert_false(e.irq);
	assert_int_equal(tracefs_csd_line("             cc1-21981   [001] d.h.. 23626.533932: "
		"csd_function_entry: func=tlb_remove_table_smp_sync, csd=00000000be9f364f", &e),
		CSD_ENTRY);
	assert_true(e.irq);
	/* sched_waking (captured on the host, filter target_cpu == 0) */
	assert_int_equal(tracefs_csd_line("            conf-2199    [000] d.h2. 25006.041183: "
		"sched_waking: comm=memfd:sealed-91 pid=2971 prio=120 target_cpu=000", &e),
		CSD_WAKING);
	assert_string_equal(e.wakee, "memfd:sealed-91");
	assert_int_equal(e.target, 0);
	assert_string_equal(e.comm, "conf");
	assert_true(e.irq);
	assert_int_equal(tracefs_csd_line("     ksoftirqd/0-14      [000] d.s3. 25006.037971: "
		"sched_waking: comm=kworker/0:1 pid=27528 prio=120 target_cpu=003", &e), CSD_WAKING);
	assert_string_equal(e.wakee, "kworker/0:1");
	assert_int_equal(e.target, 3);
	assert_true(e.irq);
	assert_int_equal(tracefs_csd_line("  sh-1 [000] ..... 1.0: sched_waking: comm=x prio=1 "
					  "target_cpu=000", &e), -1);
	/* trace_pipe's line when the ring buffer overwrote events (kernel/trace/trace.c) */
	assert_int_equal(tracefs_csd_line("CPU:2 [LOST 1234 EVENTS]", &e), CSD_LOST);
	assert_int_equal(e.cpu, 2);
	assert_int_equal(e.lost, 1234);
	/*
	 * osnoise:irq_noise (include/trace/events/osnoise.h: "%s:%d start
	 * %llu.%09u duration %llu ns"; x86 names the APIC vector)
	 */
	assert_int_equal(tracefs_csd_line("          <idle>-0       [003] d.h1. 41.187651: "
		"irq_noise: call_function_single:251 start 41.187640318 duration 10834 ns", &e),
		CSD_IRQ_NOISE);
	assert_int_equal(e.cpu, 3);
	assert_string_equal(e.func, "call_function_single");
	assert_int_equal(e.target, 251);
	assert_int_equal(e.ns, 10834);
	assert_true(e.irq);
	/* a device IRQ's handler name may hold ':' itself */
	assert_int_equal(tracefs_csd_line("  osnoise/3-90 [003] d.h.. 1.0: irq_noise: "
		"virtio0-virtqueues:req.0:26 start 1.000000000 duration 7 ns", &e), CSD_IRQ_NOISE);
	assert_string_equal(e.func, "virtio0-virtqueues:req.0");
	assert_int_equal(e.target, 26);
	assert_int_equal(tracefs_csd_line("  osnoise/3-90 [003] d.h.. 1.0: irq_noise: "
		"local_timer:236 start 1.0", &e), -1);
	assert_int_equal(tracefs_csd_line("  osnoise/3-90 [003] d.h.. 1.0: irq_noise: "
		"local_timer start 1.0 duration 5 ns", &e), -1);
	/* other events are not csd lines; broken csd lines are refused */
	assert_int_equal(tracefs_csd_line("  sh-1 [000] ..... 1.0: sched_switch: prev=a", &e),
			 CSD_OTHER);
	assert_int_equal(tracefs_csd_line("csd_queue_cpu: cpu=1 func=f", &e), CSD_OTHER);
	assert_int_equal(tracefs_csd_line("  sh-1 [000] ..... 1.0: csd_queue_cpu: cpu=x "
					  "func=f csd=0", &e), -1);
	assert_int_equal(tracefs_csd_line("  sh-1 [000] ..... 1.0: csd_queue_cpu: cpu=1 "
					  "callsite=c", &e), -1);
	assert_int_equal(tracefs_csd_line("  sh [000] ..... 1.0: csd_function_entry: "
					  "func=f, csd=0", &e), -1);
	assert_int_equal(tracefs_csd_line("  sh-1 [999999] ..... 1.0: csd_function_entry: "
					  "func=f, csd=0", &e), -1);
}

/* the tracefs reader's own maps in bpftrace's line format */
static void test_tracefs_maps(void **state)
{
	struct ipi_counts *c = malloc(sizeof(*c));
	char err[256];

	(void)state;
	assert_int_equal(bpftrace_parse(
		"{\"type\": \"attached_probes\", \"data\": {\"probes\": 2}}\n"
		"{\"type\": \"map\", \"data\": {\"@lost\": {\"1\": 3, \"2\": 4}}}\n"
		"{\"type\": \"map\", \"data\": {\"@attr\": {\"runs\": {\"3\": "
		"{\"flush_tlb_func\": {\"perf-12\": 2}}}}}}\n"
		"{\"type\": \"map\", \"data\": {\"@irq_noise\": {\"runs\": {\"3\": "
		"{\"call_function\": {\"count\": 4, \"ns\": 9000}}}}}}\n"
		"{\"type\": \"reader\", \"data\": {\"lines\": 9}}\n", NULL, c, err,
		sizeof(err)), 0);
	assert_true(c->attached);
	assert_int_equal(c->lost_total, 7);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(json_object_get(
		json_object_get(c->attr, "runs"), "3"), "flush_tlb_func"), "perf-12")), 2);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(json_object_get(
		json_object_get(c->irq_noise, "runs"), "3"), "call_function"), "count")), 4);
	ipi_counts_free(c);
	assert_null(c->irq_noise);
	assert_int_equal(bpftrace_parse("{\"type\": \"map\", \"data\": {\"@lost\": "
					"{\"a\": 1}}}\n", NULL, c, err, sizeof(err)), -1);
	ipi_counts_free(c);
	free(c);
}

/*
 * rtla osnoise top -q: the first three CPU rows of the example in the
 * kernel's Documentation/tools/rtla/rtla-osnoise-top.rst (rtla 6.x)
 */
/* every field of an rtla osnoise row; avail_pct within tol */
static void osnoise_row_is(const struct osnoise_row *r, const struct osnoise_row *w, double tol)
{
	assert_int_equal(r->cpu, w->cpu);
	assert_int_equal(r->periods, w->periods);
	assert_int_equal(r->runtime_us, w->runtime_us);
	assert_int_equal(r->noise_us, w->noise_us);
	assert_true(fabs(r->avail_pct - w->avail_pct) < tol);
	assert_int_equal(r->max_noise_us, w->max_noise_us);
	assert_int_equal(r->max_single_us, w->max_single_us);
	assert_int_equal(r->hw, w->hw);
	assert_int_equal(r->nmi, w->nmi);
	assert_int_equal(r->irq, w->irq);
	assert_int_equal(r->softirq, w->softirq);
	assert_int_equal(r->thread, w->thread);
}

static void test_rtla_osnoise(void **state)
{
	char *t = load("rtla-osnoise-top-doc.txt"), err[256];
	struct osnoise_row r[4];
	int n;

	(void)state;
	assert_int_equal(rtla_osnoise_parse(t, r, 4, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 3);
	osnoise_row_is(&r[1], &(struct osnoise_row){ .cpu = 1, .periods = 59,
		.runtime_us = 53100000, .noise_us = 338339, .avail_pct = 99.365,
		.max_noise_us = 8092, .max_single_us = 24, .hw = 399, .nmi = 0,
		.irq = 53130, .softirq = 1448, .thread = 31 }, 0.005);
	assert_int_equal(rtla_osnoise_parse(t, r, 2, &n, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "more than"));
	free(t);
	/*
	 * Real rtla 6.1 output (Debian 12), captured in a 6.12 TCG guest
	 * (kernel-configs/rtla.config, CPU 3 isolated): colour escapes around
	 * the header; the loaded run's row; a 1 s run with the default 1 s
	 * period printed no row at all, which must not parse as a result.
	 */
	t = load("rtla-osnoise-top-guest-loaded.txt");
	assert_int_equal(rtla_osnoise_parse(t, r, 4, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 1);
	osnoise_row_is(&r[0], &(struct osnoise_row){ .cpu = 3, .periods = 5,
		.runtime_us = 5009689, .noise_us = 3279409, .avail_pct = 34.5385,
		.max_noise_us = 673424, .max_single_us = 79406, .hw = 4206, .nmi = 0,
		.irq = 203, .softirq = 36, .thread = 0 }, 0.0005);
	free(t);
	t = load("rtla-osnoise-top-guest-1s-norow.txt");
	assert_int_equal(rtla_osnoise_parse(t, r, 4, &n, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "without a CPU row"));
	free(t);
	assert_int_equal(rtla_osnoise_parse("Could not enable osnoise tracer\n", r, 4, &n,
					    err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no osnoise summary"));
	assert_int_equal(rtla_osnoise_parse("time is in us\nCPU Max Single\n  3 #2 10 x\n",
					    r, 4, &n, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "bad osnoise row"));
	assert_int_equal(rtla_osnoise_parse("time is in us\nCPU Max Single\n\n", r, 4, &n,
					    err, sizeof(err)), -1);
}

/*
 * rtla's window from its "duration:" header (rtla 6.1 prints the same
 * table, header included, whether -d or a SIGINT ended it): the doc's
 * 1 min, the guest's 6 s loaded run and 1 s run, days and hours, none.
 */
static void test_rtla_osnoise_duration(void **state)
{
	static const struct { const char *file; long s; } want[] = {
		{ "rtla-osnoise-top-doc.txt", 60 },
		{ "rtla-osnoise-top-guest-loaded.txt", 6 },
		{ "rtla-osnoise-top-guest-1s-norow.txt", 1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		char *t = load(want[i].file);

		assert_int_equal(rtla_osnoise_duration(t), want[i].s);
		free(t);
	}
	assert_int_equal(rtla_osnoise_duration("duration:   1 02:03:04 | time is in us\n"),
			 ((24 + 2) * 60 + 3) * 60 + 4);
	assert_int_equal(rtla_osnoise_duration("Could not enable osnoise tracer\n"), -1);
	assert_int_equal(rtla_osnoise_duration("duration: soon\n"), -1);
}

/* rtla.loaded.irq_attribution's count on one CPU: irqs, function-call IRQs, one vector */
static void irq_cpu_is(json_t *by_cpu, const char *cpu, json_int_t irqs, json_int_t fc,
		       const char *vec, json_int_t n)
{
	json_t *c = json_object_get(by_cpu, cpu);

	assert_non_null(c);
	assert_int_equal(json_integer_value(json_object_get(c, "irqs")), irqs);
	assert_int_equal(json_integer_value(json_object_get(c, "function_call_irqs")), fc);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(
		json_object_get(c, "by_vector"), vec), "count")), n);
}

/*
 * The tracefs reader's file from a 6.12 TCG guest (baseline, CPU 3
 * isolated, rtla osnoise loaded; results/compare-rtla-20261126-2301): the
 * csds to CPU 3 fell both in and outside the runs' markers, every
 * osnoise:irq_noise event outside them (rtla's tracer came on only after
 * the last run). The attribution of the runs must not count them: the old
 * one (every event in the instance as "the loaded rtla run", status ok)
 * said 417 IRQs, 106 call_function, in the runs.
 */
static void test_rtla_irq_attribution(void **state)
{
	char *t = load("tracefs-ipis-rtla-guest-6.12-baseline.json"), err[256];
	struct ipi_counts *c = calloc(1, sizeof(*c));
	json_t *a, *w, *irqn;

	(void)state;
	assert_int_equal(bpftrace_parse(t, NULL, c, err, sizeof(err)), 0);
	free(t);
	/* the markers reached the instance: csds to CPU 3 in the runs */
	assert_non_null(json_object_get(json_object_get(c->attr, "runs"), "3"));
	a = rtla_irq_attribution_json(c->irq_noise);
	assert_string_equal(json_string_value(json_object_get(a, "status")), "failed");
	assert_null(json_object_get(a, "by_cpu"));
	assert_non_null(strstr(json_string_value(json_object_get(a, "reason")),
			       "none of the 417 osnoise:irq_noise events"));
	w = json_object_get(json_object_get(a, "whole_instance"), "by_cpu");
	irq_cpu_is(w, "3", 417, 109, "call_function", 106);
	irq_cpu_is(w, "3", 417, 109, "local_timer", 265);
	assert_non_null(json_object_get(json_object_get(a, "whole_instance"), "scope"));
	json_decref(a);
	ipi_counts_free(c);
	free(c);

	/* events in both phases (made up): the runs' alone, the instance's all */
	irqn = json_loads("{\"runs\": {\"3\": {\"call_function\": {\"count\": 4, \"ns\": 9000},"
			  " \"local_timer\": {\"count\": 10, \"ns\": 1000}}},"
			  " \"outside_runs\": {\"3\": {\"call_function\": {\"count\": 2, \"ns\": 1000}},"
			  " \"2\": {\"call_function_single\": {\"count\": 1, \"ns\": 5}}}}", 0, NULL);
	assert_non_null(irqn);
	a = rtla_irq_attribution_json(irqn);
	assert_string_equal(json_string_value(json_object_get(a, "status")), "ok");
	irq_cpu_is(json_object_get(a, "by_cpu"), "3", 14, 4, "call_function", 4);
	assert_null(json_object_get(json_object_get(a, "by_cpu"), "2"));
	assert_true(fabs(json_real_value(json_object_get(json_object_get(json_object_get(
		json_object_get(json_object_get(a, "by_cpu"), "3"), "by_vector"),
		"call_function"), "noise_us")) - 9.0) < 1e-9);
	w = json_object_get(json_object_get(a, "whole_instance"), "by_cpu");
	irq_cpu_is(w, "3", 16, 6, "call_function", 6);
	irq_cpu_is(w, "2", 1, 1, "call_function_single", 1);
	json_decref(a);
	/* nothing at all: failed, not a zero */
	json_decref(irqn);
	irqn = json_object();
	a = rtla_irq_attribution_json(irqn);
	assert_string_equal(json_string_value(json_object_get(a, "status")), "failed");
	assert_null(json_object_get(a, "whole_instance"));
	json_decref(a);
	json_decref(irqn);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernel_build),
		cmocka_unit_test(test_bpftrace),
		cmocka_unit_test(test_cyclictest),
		cmocka_unit_test(test_interrupts),
		cmocka_unit_test(test_tracefs_csd),
		cmocka_unit_test(test_tracefs_maps),
		cmocka_unit_test(test_rtla_osnoise),
		cmocka_unit_test(test_rtla_osnoise_duration),
		cmocka_unit_test(test_rtla_irq_attribution),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
