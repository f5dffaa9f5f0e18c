// SPDX-License-Identifier: GPL-2.0
/*
 * collapse trigger: MADV_COLLAPSE of a 2 MiB anonymous range, which frees
 * (retracts) its PTE table in collapse_huge_page() after
 * pmdp_collapse_flush() and calls tlb_remove_table_sync_one() (or, patched,
 * tlb_remove_table_sync_mm()). Between events one 4 KiB page is zapped
 * with MADV_DONTNEED and touched again, which splits the PMD mapping so
 * that the next MADV_COLLAPSE really collapses. Only the madvise() is timed.
 * /proc/vmstat thp_collapse_alloc counts the collapses that happened.
 */
#include "gupbench.h"
#include "lib/sysstate.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif

#define THP_ENABLED "/sys/kernel/mm/transparent_hugepage/enabled"
#define PMD_SIZE_ (2ul << 20)

struct co {
	char *raw, *base;
	size_t raw_len;
	uint64_t events;
	unsigned int failed_in_a_row;
};

static char *map_aligned(size_t size, char **raw, size_t *raw_len)
{
	char *p;

	*raw_len = size + PMD_SIZE_;
	*raw = mmap(NULL, *raw_len, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (*raw == MAP_FAILED)
		return NULL;
	p = (char *)(((uintptr_t)*raw + PMD_SIZE_ - 1) & ~(PMD_SIZE_ - 1));
	return p;
}

/* one real collapse here, before anything runs, tells whether it works */
static int co_prepare(const struct options *opt, char *reason, size_t len)
{
	char mode[64], err[256], *raw, *p;
	size_t raw_len;
	int ret;

	(void)opt;
	if (sysfs_read(THP_ENABLED, mode, sizeof(mode))) {
		snprintf(reason, len, "no %s: kernel without CONFIG_TRANSPARENT_HUGEPAGE",
			 THP_ENABLED);
		return 1;
	}
	if (!strcmp(mode, "never")) {
		/* MADV_COLLAPSE needs THP not globally off; restored at exit */
		if (sysstate_set(THP_ENABLED, "madvise", err, sizeof(err))) {
			snprintf(reason, len, "THP is disabled (enabled=never) and %s", err);
			return 1;
		}
	}
	p = map_aligned(PMD_SIZE_, &raw, &raw_len);
	if (!p) {
		snprintf(reason, len, "mmap: %s", strerror(errno));
		return 1;
	}
	memset(p, 1, PMD_SIZE_);
	madvise(p, 4096, MADV_DONTNEED);
	p[0] = 1;
	ret = madvise(p, PMD_SIZE_, MADV_COLLAPSE);
	if (ret)
		snprintf(reason, len, "MADV_COLLAPSE failed: %s%s", strerror(errno),
			 errno == EINVAL ? " (kernel older than 6.1?)" :
			 errno == ENOSYS ? " (CONFIG_ADVISE_SYSCALLS off)" : "");
	munmap(raw, raw_len);
	return ret ? 1 : 0;
}

static int co_setup(struct trigger *t)
{
	struct co *c = calloc(1, sizeof(*c));

	if (!c)
		return -1;
	t->priv = c;
	c->base = map_aligned(PMD_SIZE_, &c->raw, &c->raw_len);
	if (!c->base) {
		snprintf(t->err, sizeof(t->err), "mmap: %s", strerror(errno));
		return -1;
	}
	memset(c->base, 1, PMD_SIZE_);
	return 0;
}

static int co_event(struct trigger *t, uint64_t *ns)
{
	struct co *c = t->priv;
	uint64_t t0, t1;

	/* split: zap one page (splits a PMD mapping) and fault it back */
	if (madvise(c->base, 4096, MADV_DONTNEED)) {
		snprintf(t->err, sizeof(t->err), "MADV_DONTNEED: %s", strerror(errno));
		return -1;
	}
	c->base[0] = (char)++c->events;

	t0 = timer_start(&gb_timer);
	if (madvise(c->base, PMD_SIZE_, MADV_COLLAPSE)) {
		/*
		 * EAGAIN/EBUSY are transient (page lock, LRU, charge), and so
		 * are some scan results the kernel reports as EINVAL (a racing
		 * VMA change, say). prepare() proved collapse works here, so
		 * count them as failed events and give up only when they
		 * persist.
		 */
		if ((errno == EAGAIN || errno == EBUSY || errno == EINVAL) &&
		    ++c->failed_in_a_row < 1000)
			return 1;
		snprintf(t->err, sizeof(t->err), "MADV_COLLAPSE: %s%s", strerror(errno),
			 c->failed_in_a_row >= 1000 ? " (1000 times in a row)" : "");
		return -1;
	}
	c->failed_in_a_row = 0;
	t1 = timer_stop(&gb_timer);
	*ns = timer_ns(&gb_timer, t1 - t0);
	return 0;
}

static void co_teardown(struct trigger *t)
{
	struct co *c = t->priv;

	if (!c)
		return;
	if (c->raw)
		munmap(c->raw, c->raw_len);
	free(c);
	t->priv = NULL;
}

const struct trigger_ops trigger_collapse = {
	.name = "collapse",
	.summary = "MADV_COLLAPSE of a split 2 MiB anonymous range (collapse_huge_page)",
	.prepare = co_prepare,
	.setup = co_setup,
	.event = co_event,
	.teardown = co_teardown,
	.verify_counter = "thp_collapse_alloc",
	.event_what = "one madvise(MADV_COLLAPSE) of 2 MiB",
};
