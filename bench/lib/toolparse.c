// SPDX-License-Identifier: GPL-2.0
#include "toolparse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse_cpu_map(json_t *obj, uint64_t *out, uint64_t *total,
			 char *err, size_t len)
{
	const char *key;
	json_t *v;

	memset(out, 0, CPU_SETSIZE * sizeof(*out));
	*total = 0;
	if (!json_is_object(obj)) {
		snprintf(err, len, "bpftrace: map is not an object");
		return -1;
	}
	json_object_foreach(obj, key, v) {
		char *end;
		long cpu = strtol(key, &end, 10);

		if (*end || cpu < 0 || cpu >= CPU_SETSIZE || !json_is_integer(v) ||
		    json_integer_value(v) < 0) {
			snprintf(err, len, "bpftrace: bad CPU entry '%s'", key);
			return -1;
		}
		out[cpu] = (uint64_t)json_integer_value(v);
		*total += out[cpu];
	}
	return 0;
}

/* @queue: {"cpu,comm": n} */
static bool is_ours(const char *comm, const char *const *ours)
{
	for (; ours && *ours; ours++)
		if (!strcmp(comm, *ours))
			return true;
	return false;
}

static int parse_queue_map(json_t *obj, const char *const *ours,
			   struct ipi_counts *c, char *err, size_t len)
{
	const char *key;
	json_t *v;

	if (!json_is_object(obj)) {
		snprintf(err, len, "bpftrace: map is not an object");
		return -1;
	}
	memset(c->queued, 0, sizeof(c->queued));
	memset(c->ours, 0, sizeof(c->ours));
	c->queued_total = c->ours_total = 0;
	json_object_clear(c->senders);
	json_object_foreach(obj, key, v) {
		char *end;
		long cpu = strtol(key, &end, 10);
		json_int_t n = json_integer_value(v);
		const char *comm = end + 1;

		if (end == key || *end != ',' || cpu < 0 || cpu >= CPU_SETSIZE ||
		    !json_is_integer(v) || n < 0) {
			snprintf(err, len, "bpftrace: bad CPU entry '%s'", key);
			return -1;
		}
		c->queued[cpu] += (uint64_t)n;
		c->queued_total += (uint64_t)n;
		if (is_ours(comm, ours)) {
			c->ours[cpu] += (uint64_t)n;
			c->ours_total += (uint64_t)n;
		}
		json_object_set_new(c->senders, comm, json_integer(
			json_integer_value(json_object_get(c->senders, comm)) + n));
	}
	return 0;
}

int bpftrace_parse(const char *text, const char *const *ours,
		   struct ipi_counts *c, char *err, size_t len)
{
	const char *p = text;

	memset(c, 0, sizeof(*c));
	c->senders = json_object();
	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		json_t *j, *data, *map;
		const char *type, *name;
		json_error_t jerr;

		if (n == 0 || strspn(p, " \t\r") == n) {
			p = nl ? nl + 1 : NULL;
			continue;
		}
		j = json_loadb(p, n, 0, &jerr);
		p = nl ? nl + 1 : NULL;
		if (!j) {
			snprintf(err, len, "bpftrace: bad JSON line: %s", jerr.text);
			return -1;
		}
		type = json_string_value(json_object_get(j, "type"));
		data = json_object_get(j, "data");
		if (type && !strcmp(type, "attached_probes")) {
			c->attached = true;
		} else if (type && !strcmp(type, "map") && json_is_object(data) &&
			   json_object_size(data) == 1) {
			void *it = json_object_iter(data);

			name = json_object_iter_key(it);
			map = json_object_iter_value(it);
			if (!strcmp(name, "@queue")) {
				if (parse_queue_map(map, ours, c, err, len)) {
					json_decref(j);
					return -1;
				}
			} else if (!strcmp(name, "@entry_by_cpu")) {
				if (parse_cpu_map(map, c->entered, &c->entered_total, err, len)) {
					json_decref(j);
					return -1;
				}
			} else if (!strcmp(name, "@lost")) {
				uint64_t lost[CPU_SETSIZE];

				if (parse_cpu_map(map, lost, &c->lost_total, err, len)) {
					json_decref(j);
					return -1;
				}
			} else if (!strcmp(name, "@attr") && json_is_object(map)) {
				json_decref(c->attr);
				c->attr = json_incref(map);
			} else if (!strcmp(name, "@irq_noise") && json_is_object(map)) {
				json_decref(c->irq_noise);
				c->irq_noise = json_incref(map);
			}
		}
		json_decref(j);
	}
	return 0;
}

void ipi_counts_free(struct ipi_counts *c)
{
	json_decref(c->senders);
	json_decref(c->attr);
	json_decref(c->irq_noise);
	c->senders = NULL;
	c->attr = NULL;
	c->irq_noise = NULL;
}

int cyclictest_parse(const char *text, struct cyclic_result *r, char *err, size_t len)
{
	json_error_t jerr;
	json_t *j = json_loads(text, 0, &jerr), *threads, *t;
	const char *key;

	memset(r, 0, sizeof(*r));
	hist_reset(&r->lat);
	r->threads = json_array();
	if (!j) {
		snprintf(err, len, "cyclictest: bad JSON: %s (line %d)", jerr.text, jerr.line);
		return -1;
	}
	threads = json_object_get(j, "thread");
	if (!json_is_object(threads) || !json_object_size(threads)) {
		snprintf(err, len, "cyclictest: no \"thread\" object");
		json_decref(j);
		return -1;
	}
	json_object_foreach(threads, key, t) {
		json_t *h = json_object_get(t, "histogram"), *v;
		json_int_t cycles = 0, cpu = -1;
		double min = 0, max = 0, avg = 0;
		uint64_t in_hist = 0;
		const char *us;

		if (json_unpack_ex(t, &jerr, 0, "{s:I, s:F, s:F, s:F, s?I}", "cycles",
				   &cycles, "min", &min, "max", &max, "avg", &avg,
				   "cpu", &cpu) || cycles < 0) {
			snprintf(err, len, "cyclictest: thread %s: %s", key, jerr.text);
			json_decref(j);
			return -1;
		}
		if (json_is_object(h)) {
			json_object_foreach(h, us, v) {
				char *end;
				long b = strtol(us, &end, 10);
				json_int_t n = json_integer_value(v);

				if (*end || b < 0 || n < 0) {
					snprintf(err, len, "cyclictest: bad histogram bucket '%s'", us);
					json_decref(j);
					return -1;
				}
				for (json_int_t i = 0; i < n; i++)
					hist_record(&r->lat, (uint64_t)b * 1000);
				in_hist += (uint64_t)n;
			}
		}
		if (in_hist > (uint64_t)cycles) {
			snprintf(err, len, "cyclictest: histogram holds more than %lld cycles",
				 (long long)cycles);
			json_decref(j);
			return -1;
		}
		/* beyond the -h range: known only to be <= max */
		for (uint64_t i = in_hist; json_is_object(h) && i < (uint64_t)cycles; i++)
			hist_record(&r->lat, (uint64_t)(max * 1000));
		r->overflows += json_is_object(h) ? (uint64_t)cycles - in_hist : 0;
		r->cycles += (uint64_t)cycles;
		if (max > r->max_us)
			r->max_us = max;
		r->nthreads++;
		json_array_append_new(r->threads, json_pack("{s:I, s:I, s:f, s:f, s:f, s:I}",
			"cpu", cpu, "cycles", cycles, "min_us", min, "avg_us", avg,
			"max_us", max, "overflows",
			(json_int_t)(json_is_object(h) ? (uint64_t)cycles - in_hist : 0)));
	}
	json_decref(j);
	return 0;
}

void cyclic_result_free(struct cyclic_result *r)
{
	json_decref(r->threads);
	r->threads = NULL;
}

enum irq_row { ROW_CAL, ROW_TLB };

static int proc_interrupts_row(const char *text, enum irq_row row, uint64_t *per_cpu,
			       int max, int *ncpu);

int proc_interrupts_cal(const char *text, uint64_t *per_cpu, int max, int *ncpu)
{
	return proc_interrupts_row(text, ROW_CAL, per_cpu, max, ncpu);
}

int proc_interrupts_tlb(const char *text, uint64_t *per_cpu, int max, int *ncpu)
{
	return proc_interrupts_row(text, ROW_TLB, per_cpu, max, ncpu);
}

static int proc_interrupts_row(const char *text, enum irq_row row, uint64_t *per_cpu,
			       int max, int *ncpu)
{
	int cols[CPU_SETSIZE], n = 0;
	const char *p = text, *line;
	char *end;

	/* header: "           CPU0       CPU1 ..." names the columns */
	while (*p && *p != '\n') {
		p += strspn(p, " \t");
		if (strncmp(p, "CPU", 3))
			break;
		cols[n] = (int)strtol(p + 3, &end, 10);
		if (end == p + 3 || n >= CPU_SETSIZE)
			return -1;
		n++;
		p = end;
	}
	if (!n)
		return -1;
	for (line = text; line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		const char *q = line + strspn(line, " ");
		const char *eol = strchr(q, '\n');
		size_t ll = eol ? (size_t)(eol - q) : strlen(q);
		size_t lab = strspn(q, "IP0123456789");

		/*
		 * CAL: x86 "CAL:"; arm64 "IPI<n>:" named "Function call
		 * interrupts". TLB: x86 "TLB:" (TLB shootdowns received).
		 */
		if (row == ROW_TLB && !strncmp(q, "TLB:", 4))
			q += 4;
		else if (row == ROW_TLB)
			continue;
		else if (!strncmp(q, "CAL:", 4))
			q += 4;
		else if (!strncmp(q, "IPI", 3) && lab > 3 && q[lab] == ':' &&
			 memmem(q, ll, "Function call interrupts", 24))
			q += lab + 1;
		else
			continue;
		memset(per_cpu, 0, (size_t)max * sizeof(*per_cpu));
		*ncpu = 0;
		for (int i = 0; i < n; i++) {
			unsigned long long v = strtoull(q, &end, 10);

			if (end == q)
				return -1;
			if (cols[i] < max) {
				per_cpu[cols[i]] = v;
				if (cols[i] + 1 > *ncpu)
					*ncpu = cols[i] + 1;
			}
			q = end;
		}
		return 0;
	}
	return -1;
}

/* "comm-pid  [cpu] flags ts: " before @ev (the event name's start) */
static int trace_header(const char *line, const char *ev, struct csd_line *e)
{
	const char *br = NULL, *p, *dash;
	size_t n;

	/* the last " [ddd]" before the event: a comm may hold '[' or '-' */
	for (p = line; p < ev; p++)
		if (p[0] == '[' && p > line && p[-1] == ' ' && p[1] >= '0' && p[1] <= '9')
			br = p;
	if (!br)
		return -1;
	e->cpu = (int)strtol(br + 1, NULL, 10);
	{
		/* flags: irqs-off, need-resched, hardirq/softirq, preempt depth */
		const char *f = strchr(br, ']');

		f = f ? f + 1 + strspn(f + 1, " ") : NULL;
		e->irq = f && f + 3 < ev && strchr("hHszZ", f[2]) && f[2] != '\0';
	}
	for (p = br; p > line && p[-1] == ' '; p--)
		;
	for (dash = p - 1; dash > line && *dash != '-'; dash--)
		;
	if (dash <= line || *dash != '-' || dash[1] < '0' || dash[1] > '9')
		return -1;
	e->pid = (int)strtol(dash + 1, NULL, 10);
	line += strspn(line, " ");
	if (dash < line)
		return -1;
	n = (size_t)(dash - line);
	if (n >= sizeof(e->comm))
		n = sizeof(e->comm) - 1;
	memcpy(e->comm, line, n);
	e->comm[n] = '\0';
	return 0;
}

/* value of "key=" up to a space, ',' or the end */
static int trace_field(const char *s, const char *key, char *out, size_t len)
{
	const char *p = strstr(s, key);
	size_t n;

	if (!p)
		return -1;
	p += strlen(key);
	n = strcspn(p, " ,\n");
	if (!n || n >= len)
		return -1;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

int tracefs_csd_line(const char *line, struct csd_line *e)
{
	static const char q[] = ": csd_queue_cpu: ", f[] = ": csd_function_entry: ",
		m[] = ": tracing_mark_write: ", w[] = ": sched_waking: comm=",
		irq[] = ": irq_noise: ";
	const char *ev;
	char num[32], *end;
	unsigned long long lost;
	int cpu;

	memset(e, 0, sizeof(*e));
	if (sscanf(line, "CPU:%d [LOST %llu EVENTS]", &cpu, &lost) == 2) {
		e->kind = CSD_LOST;
		e->cpu = cpu;
		e->lost = lost;
		return e->kind;
	}
	if ((ev = strstr(line, q))) {
		e->kind = CSD_QUEUE;
		if (trace_header(line, ev, e) || trace_field(ev, " cpu=", num, sizeof(num)) ||
		    trace_field(ev, " func=", e->func, sizeof(e->func)))
			return -1;
		e->target = (int)strtol(num, &end, 10);
		if (*end || e->target < 0 || e->target >= CPU_SETSIZE)
			return -1;
	} else if ((ev = strstr(line, f))) {
		e->kind = CSD_ENTRY;
		if (trace_header(line, ev, e) || trace_field(ev, " func=", e->func, sizeof(e->func)))
			return -1;
	} else if ((ev = strstr(line, w))) {
		const char *c = ev + sizeof(w) - 1, *pid = strstr(c, " pid=");
		size_t n = pid ? (size_t)(pid - c) : 0;

		e->kind = CSD_WAKING;
		if (trace_header(line, ev, e) || !pid || n >= sizeof(e->wakee) ||
		    trace_field(pid, " target_cpu=", num, sizeof(num)))
			return -1;
		memcpy(e->wakee, c, n);
		e->wakee[n] = '\0';
		e->target = (int)strtol(num, &end, 10);
		if (*end || e->target < 0 || e->target >= CPU_SETSIZE)
			return -1;
	} else if ((ev = strstr(line, irq))) {
		/* "DESC:VECTOR start S.NS duration N ns"; DESC may hold ':' */
		const char *d = ev + sizeof(irq) - 1, *st = strstr(d, " start "), *col;
		const char *du = st ? strstr(st, " duration ") : NULL;

		e->kind = CSD_IRQ_NOISE;
		if (trace_header(line, ev, e) || !st || !du)
			return -1;
		d += strspn(d, " ");	/* %8s pads short names on the left */
		for (col = st; col > d && *col != ':'; col--)
			;
		if (col <= d || (size_t)(col - d) >= sizeof(e->func) ||
		    sscanf(col + 1, "%d", &e->target) != 1 ||
		    sscanf(du, " duration %llu ns", &lost) != 1)
			return -1;
		memcpy(e->func, d, (size_t)(col - d));
		e->func[col - d] = '\0';
		e->ns = lost;
	} else if ((ev = strstr(line, m))) {
		e->kind = CSD_MARKER;
		if (trace_header(line, ev, e))
			return -1;
		snprintf(e->text, sizeof(e->text), "%.*s", (int)strcspn(ev + sizeof(m) - 1, "\n"),
			 ev + sizeof(m) - 1);
	} else {
		return CSD_OTHER;
	}
	if (e->cpu < 0 || e->cpu >= CPU_SETSIZE)
		return -1;
	return e->kind;
}

/* adds a phase's {cpu: {desc: {count, ns}}} of "@irq_noise" into @out */
static void irq_noise_add(json_t *out, json_t *phase)
{
	const char *cpu, *desc;
	json_t *descs, *v;

	json_object_foreach(phase, cpu, descs) {
		json_t *c = json_object_get(out, cpu), *by;

		if (!c) {
			c = json_pack("{s:I, s:I, s:o}", "irqs", (json_int_t)0,
				      "function_call_irqs", (json_int_t)0, "by_vector", json_object());
			json_object_set_new(out, cpu, c);
		}
		by = json_object_get(c, "by_vector");
		json_object_foreach(descs, desc, v) {
			json_int_t k = json_integer_value(json_object_get(v, "count"));
			double us = json_integer_value(json_object_get(v, "ns")) / 1e3;
			json_t *d = json_object_get(by, desc);

			if (d) {
				k += json_integer_value(json_object_get(d, "count"));
				us += json_real_value(json_object_get(d, "noise_us"));
			}
			json_object_set_new(by, desc, json_pack("{s:I, s:f}", "count", k,
								"noise_us", us));
			k = json_integer_value(json_object_get(v, "count"));
			json_object_set_new(c, "irqs", json_integer(
				json_integer_value(json_object_get(c, "irqs")) + k));
			if (!strncmp(desc, "call_function", 13))
				json_object_set_new(c, "function_call_irqs", json_integer(
					json_integer_value(json_object_get(c, "function_call_irqs")) + k));
		}
	}
}

json_t *rtla_irq_attribution_json(json_t *irq_noise)
{
	json_t *runs = json_object(), *all = json_object(), *whole, *c;
	json_int_t n = 0;
	const char *cpu;
	char why[512];

	irq_noise_add(runs, json_object_get(irq_noise, "runs"));
	irq_noise_add(all, json_object_get(irq_noise, "runs"));
	irq_noise_add(all, json_object_get(irq_noise, "outside_runs"));
	json_object_foreach(all, cpu, c)
		n += json_integer_value(json_object_get(c, "irqs"));
	if (!n) {
		/* rtla counted IRQs but none reached the instance: not a zero */
		json_decref(runs);
		json_decref(all);
		return json_pack("{s:s, s:s}", "status", "failed", "reason",
			"no osnoise:irq_noise event reached gupbench's tracefs instance "
			"while rtla ran; not a count of zero");
	}
	whole = json_pack("{s:s, s:o}", "scope", "every osnoise:irq_noise event in the "
		"instance, in the runs or not: also the warm-up, the gaps between runs, "
		"rtla's start and stop and the wait for rtla after the last run (the "
		"trigger keeps running then, the walkers do not)", "by_cpu", all);
	if (!json_object_size(runs)) {
		json_decref(runs);
		snprintf(why, sizeof(why), "none of the %lld osnoise:irq_noise events in the "
			 "tracefs instance fell between the measured runs' markers: the osnoise "
			 "tracer sampled only outside the runs (in a 6.12 TCG guest rtla's setup "
			 "outlasted all 6 runs); not a count of zero; whole_instance has them",
			 (long long)n);
		return json_pack("{s:s, s:s, s:o}", "status", "failed", "reason", why,
				 "whole_instance", whole);
	}
	return json_pack("{s:s, s:s, s:o, s:o}", "status", "ok", "method",
		"osnoise:irq_noise events (the osnoise tracer's record of each interrupt on "
		"the CPUs it watches) in gupbench's tracefs instance between the trace_marker "
		"lines gupbench writes at the start and end of each measured run; x86 names "
		"the APIC vector (call_function, call_function_single = function-call IPIs; "
		"local_timer, reschedule, irq_work, ...), other IRQs their handler",
		"by_cpu", runs, "whole_instance", whole);
}

int rtla_osnoise_parse(const char *text, struct osnoise_row *rows, int max, int *n,
		       char *err, size_t len)
{
	const char *p = strstr(text, "Max Single");

	*n = 0;
	if (!p || !strstr(text, "time is in us")) {
		snprintf(err, len, "rtla: no osnoise summary table (\"Max Single\", us) in its output");
		return -1;
	}
	for (p = strchr(p, '\n'); p && *++p; p = strchr(p, '\n')) {
		struct osnoise_row r;
		unsigned long long v[10];
		int used = 0;

		const char *q = p + strspn(p, " \t");

		if (*q < '0' || *q > '9')	/* blank, or a message after the table */
			break;
		if (sscanf(p, "%d #%llu %llu %llu %lf %llu %llu %llu %llu %llu %llu %llu%n", &r.cpu,
			   &v[0], &v[1], &v[2], &r.avail_pct, &v[3], &v[4], &v[5], &v[6], &v[7],
			   &v[8], &v[9], &used) != 12 || r.cpu < 0 || r.cpu >= CPU_SETSIZE) {
			snprintf(err, len, "rtla: bad osnoise row '%.*s'", (int)strcspn(p, "\n"), p);
			return -1;
		}
		if (*n >= max) {
			snprintf(err, len, "rtla: more than %d CPU rows", max);
			return -1;
		}
		r.periods = v[0];
		r.runtime_us = v[1];
		r.noise_us = v[2];
		r.max_noise_us = v[3];
		r.max_single_us = v[4];
		r.hw = v[5];
		r.nmi = v[6];
		r.irq = v[7];
		r.softirq = v[8];
		r.thread = v[9];
		rows[(*n)++] = r;
	}
	if (!*n) {
		snprintf(err, len, "rtla: osnoise summary without a CPU row");
		return -1;
	}
	return 0;
}

long rtla_osnoise_duration(const char *text)
{
	const char *p = strstr(text, "duration:");
	int d, h, m, s;

	if (!p || sscanf(p, "duration: %d %d:%d:%d", &d, &h, &m, &s) != 4 || d < 0 ||
	    h < 0 || m < 0 || s < 0)
		return -1;
	return ((d * 24L + h) * 60 + m) * 60 + s;
}
