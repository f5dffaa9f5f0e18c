// SPDX-License-Identifier: GPL-2.0
/*
 * hugetlb-unshare trigger: a MAP_SHARED hugetlb mapping covering one
 * PUD-aligned 1 GiB range, so that its PMD table can be shared
 * (CONFIG_HUGETLB_PMD_PAGE_TABLE_SHARING). Each event forks a child that
 * touches a few pages (its faults share the parent's PMD table through
 * huge_pmd_share()) and then munmap()s the range: huge_pmd_unshare() drops
 * the child's reference and the unshared-tables flush syncs lockless
 * walkers. The child's munmap() is the timed update-side latency; the
 * child then exits. This is the fork pattern of the regression report in
 * the brief. The huge pages are reserved first and given back at exit.
 */
#include "gupbench.h"
#include "lib/proc.h"
#include "lib/sysstate.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <signal.h>
#include <unistd.h>

#define NR_HUGEPAGES "/proc/sys/vm/nr_hugepages"
#define PUD_SIZE_ (1ul << 30)

struct hu {
	char *raw, *base;
	size_t raw_len;
	volatile uint64_t *slot;	/* shared page: child's munmap time */
};

static long hpage_size(void)
{
	char line[256];
	long kb = 0;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Hugepagesize: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb * 1024;
}

static long read_long(const char *path)
{
	char buf[64];

	if (sysfs_read(path, buf, sizeof(buf)))
		return -1;
	return atol(buf);
}

static int hu_prepare(const struct options *opt, char *reason, size_t len)
{
	long hsz = hpage_size(), need, nr, freep, got;
	char path[128], val[32], err[256];
	unsigned int nthreads = CPU_COUNT(&opt->trigger_cpus);

	if (hsz <= 0 || read_long(NR_HUGEPAGES) < 0) {
		snprintf(reason, len, "no hugetlb support (CONFIG_HUGETLBFS off?)");
		return 1;
	}
	if (PUD_SIZE_ % hsz) {
		snprintf(reason, len, "huge page size %ld does not divide 1 GiB", hsz);
		return 1;
	}
	need = (long)(PUD_SIZE_ / hsz) * nthreads;
	snprintf(path, sizeof(path),
		 "/sys/kernel/mm/hugepages/hugepages-%ldkB/free_hugepages", hsz / 1024);
	nr = read_long(NR_HUGEPAGES);
	freep = read_long(path);
	if (freep < need) {
		snprintf(val, sizeof(val), "%ld", nr + need - freep);
		if (sysstate_set(NR_HUGEPAGES, val, err, sizeof(err))) {
			snprintf(reason, len, "cannot reserve %ld huge pages: %s%s", need,
				 err, geteuid() ? " (needs root)" : "");
			return 1;
		}
	}
	got = read_long(path);
	if (got < need) {
		snprintf(reason, len, "no huge pages obtainable: %ld of %ld free "
			 "(%ld kB each) after raising nr_hugepages", got, need, hsz / 1024);
		sysstate_restore();
		return 1;
	}
	return 0;
}

static int hu_setup(struct trigger *t)
{
	struct hu *h = calloc(1, sizeof(*h));
	char *want;

	if (!h)
		return -1;
	t->priv = h;
	h->slot = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (h->slot == MAP_FAILED) {
		h->slot = NULL;
		snprintf(t->err, sizeof(t->err), "mmap: %s", strerror(errno));
		return -1;
	}
	/* reserve 2 GiB of address space, place the mapping 1 GiB-aligned */
	h->raw_len = 2 * PUD_SIZE_;
	h->raw = mmap(NULL, h->raw_len, PROT_NONE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (h->raw == MAP_FAILED) {
		h->raw = NULL;
		snprintf(t->err, sizeof(t->err), "mmap reserve: %s", strerror(errno));
		return -1;
	}
	want = (char *)(((uintptr_t)h->raw + PUD_SIZE_ - 1) & ~(PUD_SIZE_ - 1));
	h->base = mmap(want, PUD_SIZE_, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS | MAP_HUGETLB | MAP_FIXED, -1, 0);
	if (h->base == MAP_FAILED) {
		int e = errno;

		h->base = NULL;
		snprintf(t->err, sizeof(t->err), "mmap 1 GiB MAP_HUGETLB: %s%s",
			 strerror(e), e == ENOMEM ? " (the free huge pages found "
			 "before were taken meanwhile, or a hugetlb cgroup limit "
			 "forbids the reservation)" : "");
		/* not a failure of the run: the machine has no huge pages for it */
		return e == ENOMEM ? 1 : -1;
	}
	/* the parent's fault allocates the PMD table children will share */
	h->base[0] = 1;
	return 0;
}

static int hu_event(struct trigger *t, uint64_t *ns)
{
	struct hu *h = t->priv;
	unsigned int touch = t->opt->unshare_touch;
	int status;
	pid_t pid, self = getpid();

	*h->slot = 0;
	pid = fork();
	if (pid < 0) {
		snprintf(t->err, sizeof(t->err), "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		uint64_t t0, t1;

		gb_forked_child(self);
		prctl(PR_SET_NAME, gb_name_unshare);
		for (unsigned int i = 0; i < touch; i++)
			h->base[(size_t)i * (PUD_SIZE_ / touch)] += 1;
		t0 = timer_start(&gb_timer);
		if (munmap(h->base, PUD_SIZE_))
			_exit(3);
		t1 = timer_stop(&gb_timer);
		*h->slot = timer_ns(&gb_timer, t1 - t0) | 1ull << 63;
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) || !(*h->slot >> 63)) {
		snprintf(t->err, sizeof(t->err), "unshare child failed (status %#x)",
			 status);
		return -1;
	}
	*ns = *h->slot & ~(1ull << 63);
	return 0;
}

static void hu_teardown(struct trigger *t)
{
	struct hu *h = t->priv;

	if (!h)
		return;
	if (h->raw)
		munmap(h->raw, h->raw_len);	/* covers base too */
	if (h->slot)
		munmap((void *)h->slot, 4096);
	free(h);
	t->priv = NULL;
}

/*
 * hugetlb-unshare-first: the walkers' own mm unshares first and a child
 * unshares last. Three processes share the PMD table (this one and two
 * forked children that touch it); this process unmaps the range (a
 * PROT_NONE mapping over it; an unshare that is not the last: the timed
 * event), then one child munmap()s it
 * (the last unshare: the table is now exclusively the other child's, which
 * exits). A walker of this mm may still be inside the table it just
 * unshared; upstream waits for it only with the last unsharer's broadcast,
 * so a sync that targets the last unsharer's mm alone misses it wherever no
 * flush IPI reached it (arm64). The range is mapped again for the next event.
 */
static int huf_prepare(const struct options *opt, char *reason, size_t len)
{
	if (opt->trigger_mm != TRIGGER_MM_SAME) {
		snprintf(reason, len, "hugetlb-unshare-first unshares from the walkers' "
			 "own mm: it needs --trigger-mm same");
		return 1;
	}
	return hu_prepare(opt, reason, len);
}

static int huf_map(struct trigger *t)
{
	struct hu *h = t->priv;
	void *p = MAP_FAILED;

	/*
	 * The huge pages of the range just dropped can take a moment to come
	 * back (hugetlb may free them from a workqueue): retry ENOMEM for 1 s.
	 */
	for (int i = 0; i < 100 && p == MAP_FAILED; i++) {
		p = mmap(h->base, PUD_SIZE_, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS | MAP_HUGETLB | MAP_FIXED, -1, 0);
		if (p == MAP_FAILED && errno != ENOMEM)
			break;
		if (p == MAP_FAILED)
			usleep(10000);
	}
	if (p == MAP_FAILED) {
		snprintf(t->err, sizeof(t->err), "mmap 1 GiB MAP_HUGETLB again: %s",
			 strerror(errno));
		return -1;
	}
	h->base[0] = 1;
	return 0;
}

/* a sharer child: touch (share the table), wait for its turn, unmap, exit */
static pid_t huf_child(struct trigger *t, int go_fd, int ready_fd, pid_t parent)
{
	struct hu *h = t->priv;
	unsigned int touch = t->opt->unshare_touch;
	pid_t pid = fork();
	char c = 0;

	if (pid)
		return pid;
	gb_forked_child(parent);
	prctl(PR_SET_NAME, gb_name_unshare);
	for (unsigned int i = 0; i < touch; i++)
		h->base[(size_t)i * (PUD_SIZE_ / touch)] += 1;
	if (write(ready_fd, &c, 1) != 1 || read(go_fd, &c, 1) != 1)
		_exit(4);
	if (c == 'u' && munmap(h->base, PUD_SIZE_))
		_exit(3);
	_exit(0);
}

static int huf_event(struct trigger *t, uint64_t *ns)
{
	struct hu *h = t->priv;
	int fds[6] = { -1, -1, -1, -1, -1, -1 }, status = 0, ret = -1;
	int *ready = fds, *go[2] = { fds + 2, fds + 4 };
	pid_t kids[2] = { -1, -1 }, self = getpid();
	uint64_t t0, t1;
	char c;

	for (int i = 0; i < 3; i++)
		if (pipe(fds + 2 * i))
			goto err_errno;
	for (int i = 0; i < 2; i++) {
		kids[i] = huf_child(t, go[i][0], ready[1], self);
		if (kids[i] < 0)
			goto err_errno;
	}
	for (int i = 0; i < 2; i++)
		if (read(ready[0], &c, 1) != 1)
			goto err_errno;
	/*
	 * This mm unshares first: two sharers are left, not the last unshare.
	 * Not munmap(): another thread of this process could get the range
	 * before it is mapped again; a PROT_NONE mapping put over it unmaps
	 * the hugetlb range (the same unshare) and keeps the address.
	 */
	t0 = timer_start(&gb_timer);
	if (mmap(h->base, PUD_SIZE_, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS |
		 MAP_NORESERVE | MAP_FIXED, -1, 0) == MAP_FAILED)
		goto err_errno;
	t1 = timer_stop(&gb_timer);
	*ns = timer_ns(&gb_timer, t1 - t0);
	/* child 0 unshares last, then child 1 (the sole owner) just exits */
	if (write(go[0][1], "u", 1) != 1 || waitpid(kids[0], &status, 0) != kids[0] ||
	    !WIFEXITED(status) || WEXITSTATUS(status))
		goto err_child;
	kids[0] = -1;
	if (write(go[1][1], "x", 1) != 1 || waitpid(kids[1], &status, 0) != kids[1] ||
	    !WIFEXITED(status) || WEXITSTATUS(status))
		goto err_child;
	kids[1] = -1;
	ret = huf_map(t);
	goto out;
err_errno:
	snprintf(t->err, sizeof(t->err), "unshare-first: %s", strerror(errno));
	goto out;
err_child:
	snprintf(t->err, sizeof(t->err), "unshare-first child failed (status %#x)",
		 status);
out:
	for (int i = 0; i < 2; i++)
		if (kids[i] > 0) {
			kill(kids[i], SIGKILL);
			waitpid(kids[i], NULL, 0);
		}
	for (int i = 0; i < 6; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return ret;
}

const struct trigger_ops trigger_hugetlb_unshare_first = {
	.name = "hugetlb-unshare-first",
	.summary = "the walkers' mm unshares a 3-way shared hugetlb PMD table first, a child last",
	.prepare = huf_prepare,
	.setup = hu_setup,
	.event = huf_event,
	.teardown = hu_teardown,
	.event_what = "this process's unmap (PROT_NONE mmap over it) of its 1 GiB hugetlb range shared with two children (an unshare that is not the last)",
};

const struct trigger_ops trigger_hugetlb_unshare = {
	.name = "hugetlb-unshare",
	.summary = "fork children that share a 1 GiB hugetlb PMD table and unmap it",
	.prepare = hu_prepare,
	.setup = hu_setup,
	.event = hu_event,
	.teardown = hu_teardown,
	.event_what = "the child's munmap() of its 1 GiB shared hugetlb range (PMD unshare)",
};
