// SPDX-License-Identifier: GPL-2.0
/*
 * gup-test walker: the kernel's own GUP benchmark (CONFIG_GUP_TEST,
 * /sys/kernel/debug/gup_test), the way the "~3%" was measured. Each ioctl
 * makes size/(P pages) GUP-fast calls of P pages and reports their total
 * time in microseconds (ktime); the recorded sample is that time per call.
 */
#include "gupbench.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/types.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define GUP_TEST_PATH	"/sys/kernel/debug/gup_test"

/* uapi of mm/gup_test.h (not installed by the kernel headers) */
#define GUP_TEST_MAX_PAGES_TO_DUMP	8
struct gup_test {
	__u64 get_delta_usec;
	__u64 put_delta_usec;
	__u64 addr;
	__u64 size;
	__u32 nr_pages_per_call;
	__u32 gup_flags;
	__u32 test_flags;
	__u32 which_pages[GUP_TEST_MAX_PAGES_TO_DUMP];
};
#define GUP_FAST_BENCHMARK	_IOWR('g', 1, struct gup_test)
#define PIN_FAST_BENCHMARK	_IOWR('g', 2, struct gup_test)
#define FOLL_WRITE		0x01

struct gt {
	int fd;
	char *buf;
	size_t len;
};

static int debugfs_mounted(void)
{
	char line[512];
	FILE *f = fopen("/proc/mounts", "r");
	int found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, " /sys/kernel/debug debugfs ") != NULL;
	fclose(f);
	return found;
}

static int gt_probe(const struct options *opt, char *reason, size_t len)
{
	int fd;

	(void)opt;
	if (!debugfs_mounted()) {
		snprintf(reason, len, "debugfs is not mounted at /sys/kernel/debug "
			 "(mount -t debugfs none /sys/kernel/debug)");
		return 1;
	}
	fd = open(GUP_TEST_PATH, O_RDWR);
	if (fd < 0) {
		if (errno == ENOENT)
			snprintf(reason, len, "%s missing: kernel built without "
				 "CONFIG_GUP_TEST", GUP_TEST_PATH);
		else
			snprintf(reason, len, "%s: %s%s", GUP_TEST_PATH, strerror(errno),
				 errno == EACCES ? " (needs root)" : "");
		return 1;
	}
	close(fd);
	return 0;
}

static int gt_setup(struct walker *w)
{
	struct gt *g = calloc(1, sizeof(*g));
	long page = sysconf(_SC_PAGESIZE);

	if (!g)
		return -1;
	w->priv = g;
	g->fd = open(GUP_TEST_PATH, O_RDWR | O_CLOEXEC);
	if (g->fd < 0) {
		snprintf(w->err, sizeof(w->err), "%s: %s", GUP_TEST_PATH, strerror(errno));
		return -1;
	}
	g->len = (size_t)w->opt->gup_calls * w->opt->pages * page;
	g->buf = mmap(NULL, g->len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (g->buf == MAP_FAILED) {
		g->buf = NULL;
		snprintf(w->err, sizeof(w->err), "mmap %zu bytes: %s", g->len,
			 strerror(errno));
		return -1;
	}
	/* MADV_NOHUGEPAGE: measure 4 KiB PTE walks, as GUP-fast mostly does */
	madvise(g->buf, g->len, MADV_NOHUGEPAGE);
	memset(g->buf, 0x5a, g->len);
	return 0;
}

static int gt_call(struct walker *w, uint64_t *kernel_ns, uint64_t *ncalls)
{
	struct gt *g = w->priv;
	struct gup_test t = {
		.addr = (__u64)(unsigned long)g->buf,
		.size = g->len,
		.nr_pages_per_call = w->opt->pages,
		.gup_flags = FOLL_WRITE,
	};
	unsigned long cmd = w->opt->gup_pin ? PIN_FAST_BENCHMARK : GUP_FAST_BENCHMARK;

	if (ioctl(g->fd, cmd, &t)) {
		w->err_no = errno;
		snprintf(w->err, sizeof(w->err), "gup_test ioctl: %s", strerror(errno));
		return -1;
	}
	*ncalls = w->opt->gup_calls;
	/* at least 1 ns so that a sub-microsecond total is not "no sample" */
	*kernel_ns = t.get_delta_usec * 1000 / w->opt->gup_calls;
	if (!*kernel_ns)
		*kernel_ns = 1;
	return 0;
}

static void gt_teardown(struct walker *w)
{
	struct gt *g = w->priv;

	if (!g)
		return;
	if (g->buf)
		munmap(g->buf, g->len);
	if (g->fd >= 0)
		close(g->fd);
	free(g);
	w->priv = NULL;
}

const struct walker_ops walker_gup_test = {
	.name = "gup-test",
	.summary = "kernel gup_test PIN_FAST/GUP_FAST_BENCHMARK (CONFIG_GUP_TEST)",
	.probe = gt_probe,
	.setup = gt_setup,
	.call = gt_call,
	.teardown = gt_teardown,
	.timed_what = "in-kernel ktime of N pin/get_user_pages_fast() calls, per call (us resolution over the ioctl)",
};
