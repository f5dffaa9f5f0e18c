// SPDX-License-Identifier: GPL-2.0
#include "sysinfo.h"
#include "cpulist.h"
#include "sysstate.h"

#include <gsl/gsl_version.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "version.h"

char *sysinfo_read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	size_t n = 0, cap = 65536;
	char *buf;

	if (!f)
		return NULL;
	buf = malloc(cap);
	while (buf) {
		char *bigger;

		n += fread(buf + n, 1, cap - n - 1, f);
		if (n < cap - 1)
			break;
		cap *= 2;
		bigger = realloc(buf, cap);
		if (!bigger) {
			free(buf);
			buf = NULL;
			break;
		}
		buf = bigger;
	}
	fclose(f);
	if (!buf)
		return NULL;
	buf[n] = '\0';
	while (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return buf;
}

int sysinfo_cmd_line(const char *cmd, char *buf, size_t len)
{
	FILE *p = popen(cmd, "r");

	buf[0] = '\0';
	if (!p)
		return -1;
	if (!fgets(buf, (int)len, p))
		buf[0] = '\0';
	/* drain the rest so the writer does not get SIGPIPE */
	while (fgetc(p) != EOF)
		;
	buf[strcspn(buf, "\n")] = '\0';
	return pclose(p) == 0 ? 0 : -1;
}

static void cpu_model(char *buf, size_t len)
{
	static const char *const keys[] = { "model name", "Model", "cpu model", "cpu" };
	char line[512];
	FILE *f = fopen("/proc/cpuinfo", "r");

	snprintf(buf, len, "unknown");
	if (!f)
		return;
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		rewind(f);
		while (fgets(line, sizeof(line), f)) {
			size_t kl = strlen(keys[k]);
			char *colon = strchr(line, ':');

			if (!colon || strncmp(line, keys[k], kl) ||
			    (line[kl] != ' ' && line[kl] != '\t' && line[kl] != ':'))
				continue;
			colon++;
			while (*colon == ' ')
				colon++;
			colon[strcspn(colon, "\n")] = '\0';
			snprintf(buf, len, "%s", colon);
			fclose(f);
			return;
		}
	}
	fclose(f);
}

static json_t *file_or_null(const char *path)
{
	char buf[512];

	if (sysfs_read(path, buf, sizeof(buf)))
		return json_null();
	return json_string(buf);
}

static json_t *cpus_file(const char *path)
{
	cpu_set_t set;
	char buf[1024];

	if (cpulist_read_file(path, &set))
		return json_null();
	return json_string(cpulist_format(&set, buf, sizeof(buf)));
}

int sysinfo_emulated(char *kernel_arch, size_t len)
{
	char *k = sysinfo_read_file("/proc/sys/kernel/arch");
	struct utsname u;
	int ret = -1;

	snprintf(kernel_arch, len, "%s", k ? k : "unknown");
	if (k && !uname(&u))
		ret = strcmp(k, u.machine) != 0;
	free(k);
	return ret;
}

json_t *sysinfo_kernel_build_parse(const char *text, const char *path)
{
	json_t *j = json_object(), *patches = json_array(), *v;
	char *copy = strdup(text ? text : ""), *line, *save = NULL;

	json_object_set_new(j, "known", json_true());
	json_object_set_new(j, "file", json_string(path));
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *val = line + strcspn(line, " \t");

		if (*val)
			*val++ = '\0';
		val += strspn(val, " \t");
		v = json_string(val);	/* NULL if not UTF-8 */
		if (!*line || !v || !strcmp(line, "known") || !strcmp(line, "file") ||
		    !strcmp(line, "patches"))
			json_decref(v);
		else if (!strcmp(line, "patch"))
			json_array_append_new(patches, v);
		else
			json_object_set_new(j, line, v);
	}
	json_object_set_new(j, "patches", patches);
	free(copy);
	return j;
}

/*
 * Where the running kernel was built from: the record build-kernel writes
 * beside each build (gupbench-kernel.txt; vm-run names it on the command line
 * as gupbench.build=PATH), else the version of its Debian package (host
 * kernels from make host-kernels carry the source version in it).
 */
static json_t *kernel_build(const char *cmdline, const char *release)
{
	char path[PATH_MAX] = "", cmd[PATH_MAX + 128], ver[256];
	const char *p = cmdline ? strstr(cmdline, "gupbench.build=") : NULL;

	if (p && (p == cmdline || p[-1] == ' ')) {
		char *text;
		json_t *j;

		p += strlen("gupbench.build=");
		snprintf(path, sizeof(path), "%.*s", (int)strcspn(p, " \n"), p);
		text = sysinfo_read_file(path);
		if (!text)
			return json_pack("{s:b, s:s, s:s}", "known", 0, "file", path,
					 "reason", "gupbench.build= names a file that cannot be read");
		j = sysinfo_kernel_build_parse(text, path);
		free(text);
		return j;
	}
	if (!strchr(release, '\'') &&
	    snprintf(cmd, sizeof(cmd), "dpkg-query -W -f='${Version}' 'linux-image-%s' 2>/dev/null",
		     release) < (int)sizeof(cmd) &&
	    !sysinfo_cmd_line(cmd, ver, sizeof(ver)) && ver[0])
		return json_pack("{s:b, s:s, s:s}", "known", 1, "package_version", ver,
				 "package", "linux-image-<release>");
	return json_pack("{s:b, s:s}", "known", 0, "reason",
			 "no gupbench.build= on the kernel command line (vm-run adds it) and no Debian package linux-image-<release>");
}

json_t *sysinfo_collect(const char *variant)
{
	struct utsname u;
	char model[256], hash[128], src[64] = "none", karch[64];
	char *cmdline = sysinfo_read_file("/proc/cmdline");
	json_t *j, *thp, *hugetlb, *tools;
	int emu;

	uname(&u);
	cpu_model(model, sizeof(model));
	emu = sysinfo_emulated(karch, sizeof(karch));

	/* hash of the running kernel's config */
	hash[0] = '\0';
	if (!access("/proc/config.gz", R_OK) &&
	    !sysinfo_cmd_line("zcat /proc/config.gz | sha256sum", hash, sizeof(hash))) {
		snprintf(src, sizeof(src), "/proc/config.gz");
	} else {
		char cmd[PATH_MAX];

		snprintf(cmd, sizeof(cmd), "sha256sum < /boot/config-%s", u.release);
		if (!sysinfo_cmd_line(cmd, hash, sizeof(hash)))
			snprintf(src, sizeof(src), "/boot/config-<release>");
		else
			hash[0] = '\0';
	}
	hash[strcspn(hash, " ")] = '\0';

	thp = json_pack("{s:o, s:o, s:o, s:o, s:o}",
		"enabled", file_or_null("/sys/kernel/mm/transparent_hugepage/enabled"),
		"defrag", file_or_null("/sys/kernel/mm/transparent_hugepage/defrag"),
		"khugepaged_defrag",
		file_or_null("/sys/kernel/mm/transparent_hugepage/khugepaged/defrag"),
		"khugepaged_pages_to_scan",
		file_or_null("/sys/kernel/mm/transparent_hugepage/khugepaged/pages_to_scan"),
		"khugepaged_scan_sleep_millisecs",
		file_or_null("/sys/kernel/mm/transparent_hugepage/khugepaged/scan_sleep_millisecs"));
	hugetlb = json_pack("{s:o, s:o, s:o}",
		"nr_hugepages", file_or_null("/proc/sys/vm/nr_hugepages"),
		"free_hugepages_2048kB",
		file_or_null("/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages"),
		"resv_hugepages_2048kB",
		file_or_null("/sys/kernel/mm/hugepages/hugepages-2048kB/resv_hugepages"));
	tools = json_pack("{s:s, s:s, s:s, s:s}",
		"gupbench", GUPBENCH_VERSION, "compiler", __VERSION__,
		"jansson", JANSSON_VERSION, "gsl", GSL_VERSION);

	j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s?, s:s, s:s, s:s, s:i, s:i, s:o, s:o, s:o, s:o, s:o, s:o}",
		"variant", variant ? variant : u.release,
		"kernel_release", u.release, "kernel_version", u.version,
		"arch", u.machine, "hostname", u.nodename,
		"cmdline", cmdline,
		"kernel_config_sha256", hash, "kernel_config_source", src,
		"cpu_model", model,
		"cpus_online_count", (int)sysconf(_SC_NPROCESSORS_ONLN),
		"cpus_configured", (int)sysconf(_SC_NPROCESSORS_CONF),
		"cpus_online", cpus_file("/sys/devices/system/cpu/online"),
		"cpus_isolated", cpus_file("/sys/devices/system/cpu/isolated"),
		"cpus_nohz_full", cpus_file("/sys/devices/system/cpu/nohz_full"),
		"thp", thp, "hugetlb", hugetlb, "tools", tools);
	json_object_set_new(j, "kernel_build", kernel_build(cmdline, u.release));
	json_object_set_new(j, "user_mode_emulation", json_pack("{s:o, s:s, s:s}",
		"emulated", emu < 0 ? json_null() : json_boolean(emu),
		"kernel_arch", karch, "binary_arch", u.machine));
	free(cmdline);
	return j;
}

long long vmstat_read(const char *field)
{
	char name[64];
	long long v;
	FILE *f = fopen("/proc/vmstat", "r");

	if (!f)
		return -1;
	while (fscanf(f, "%63s %lld", name, &v) == 2) {
		if (!strcmp(name, field)) {
			fclose(f);
			return v;
		}
	}
	fclose(f);
	return -1;
}

#if defined(__x86_64__)
#include <cpuid.h>

/* CPUID 0x40000000: the hypervisor's vendor signature, if any */
static void hypervisor_vendor(char *buf)
{
	unsigned int a, b, c, d;

	buf[0] = '\0';
	__cpuid(1, a, b, c, d);
	if (!(c & (1u << 31)))
		return;
	__cpuid(0x40000000, a, b, c, d);
	memcpy(buf, &b, 4);
	memcpy(buf + 4, &c, 4);
	memcpy(buf + 8, &d, 4);
	buf[12] = '\0';
}
#else
static void hypervisor_vendor(char *buf)
{
	buf[0] = '\0';
}
#endif

const char *sysinfo_virt_note(bool counts)
{
	char *ci = sysinfo_read_file("/proc/cpuinfo");
	const char *note = NULL;
	char hv[16];

	hypervisor_vendor(hv);
	if ((ci && strstr(ci, " hypervisor")) || hv[0])
		note = "running in a virtual machine: timings include virtualisation "
		       "effects and are not bare-metal results";
	if (!strcmp(hv, "TCGTCGTCGTCG") || (ci && strstr(ci, "QEMU TCG")))
		note = counts ? "QEMU TCG software emulation: timings are NOT hardware "
				"timings; use IPI counts and function only" :
				"QEMU TCG software emulation: timings are NOT hardware timings";
	free(ci);
	return note;
}
