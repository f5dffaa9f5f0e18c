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

/*
 * Reserve 2 GiB of address space and pick the 1 GiB-aligned base inside it,
 * where the shareable hugetlb mapping goes; h->raw covers the base too.
 */
static int hu_reserve(struct hu *h, char *err, size_t len)
{
	h->raw_len = 2 * PUD_SIZE_;
	h->raw = mmap(NULL, h->raw_len, PROT_NONE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (h->raw == MAP_FAILED) {
		h->raw = NULL;
		snprintf(err, len, "mmap reserve: %s", strerror(errno));
		return -1;
	}
	h->base = (char *)(((uintptr_t)h->raw + PUD_SIZE_ - 1) & ~(PUD_SIZE_ - 1));
	return 0;
}

/* a sharer's faults on @touch pages spread over the range share the table */
static void hu_touch(struct hu *h, unsigned int touch)
{
	for (unsigned int i = 0; i < touch; i++)
		h->base[(size_t)i * (PUD_SIZE_ / touch)] += 1;
}

static int hu_setup(struct trigger *t)
{
	struct hu *h = calloc(1, sizeof(*h));
	void *p;

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
	if (hu_reserve(h, t->err, sizeof(t->err)))
		return -1;
	p = mmap(h->base, PUD_SIZE_, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS | MAP_HUGETLB | MAP_FIXED, -1, 0);
	if (p == MAP_FAILED) {
		int e = errno;

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
		hu_touch(h, touch);
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
 * unshares last. Three processes map one 1 GiB hugetlb memfd at the same
 * PUD-aligned address and share its PMD table: this one and two sharer
 * children forked once at setup (no fork per event: a fork write-protects
 * the walkers' buffers and takes this mm's mmap lock, which would keep
 * them out of GUP-fast exactly when the unshare syncs). Per event: the
 * children map and touch the range (sharing this process's table), this
 * process puts a PROT_NONE mapping over it (an unshare that is not the
 * last: the timed event; not munmap(), which would let another thread take
 * the address), then child 0 and child 1 do the same (child 0's unshare
 * leaves the table exclusively child 1's). A walker of this mm may still be
 * inside the table this process just unshared; upstream waits for it only
 * with the last unsharer's broadcast, so a sync that targets the last
 * unsharer's mm alone misses it wherever no flush IPI reached it (arm64).
 * The memfd keeps the huge pages, so mapping the range again cannot fail.
 */
struct huf {
	struct hu hu;
	int fd;			/* the hugetlb memfd */
	pid_t kids[2];
	int cmd[2], reply[2];	/* per child: command pipe write end, reply read end */
};

static int huf_prepare(const struct options *opt, char *reason, size_t len)
{
	if (opt->trigger_mm != TRIGGER_MM_SAME) {
		snprintf(reason, len, "hugetlb-unshare-first unshares from the walkers' "
			 "own mm: it needs --trigger-mm same");
		return 1;
	}
	return hu_prepare(opt, reason, len);
}

static int huf_map_file(struct huf *f)
{
	return mmap(f->hu.base, PUD_SIZE_, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_FIXED, f->fd, 0) == MAP_FAILED ? -1 : 0;
}

static int huf_unmap(struct huf *f)
{
	return mmap(f->hu.base, PUD_SIZE_, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS |
		    MAP_NORESERVE | MAP_FIXED, -1, 0) == MAP_FAILED ? -1 : 0;
}

/* a sharer child: 's' map and touch the range (share), 'u' unmap it, EOF exit */
static void huf_child_loop(struct huf *f, unsigned int touch, int cmd, int reply)
{
	char c, ok;

	while (read(cmd, &c, 1) == 1) {
		ok = 'k';
		if (c == 's') {
			if (huf_map_file(f))
				ok = 'e';
			else
				hu_touch(&f->hu, touch);
		} else if (c == 'u' && huf_unmap(f)) {
			ok = 'e';
		}
		if (write(reply, &ok, 1) != 1)
			break;
	}
	_exit(0);
}

static int huf_setup(struct trigger *t)
{
	struct huf *f = calloc(1, sizeof(*f));
	pid_t self = getpid();

	if (!f)
		return -1;
	t->priv = f;
	f->fd = -1;
	f->kids[0] = f->kids[1] = -1;
	f->cmd[0] = f->cmd[1] = f->reply[0] = f->reply[1] = -1;
	f->fd = memfd_create("gupbench-unshare-first", MFD_HUGETLB | MFD_CLOEXEC);
	if (f->fd < 0 || ftruncate(f->fd, PUD_SIZE_)) {
		snprintf(t->err, sizeof(t->err), "hugetlb memfd of 1 GiB: %s",
			 strerror(errno));
		return errno == ENOMEM ? 1 : -1;
	}
	if (hu_reserve(&f->hu, t->err, sizeof(t->err)))
		return -1;
	for (int i = 0; i < 2; i++) {
		int c[2], r[2];

		if (pipe(c))
			goto err_errno;
		if (pipe(r)) {
			close(c[0]);
			close(c[1]);
			goto err_errno;
		}
		f->kids[i] = fork();
		if (f->kids[i] == 0) {
			gb_forked_child(self);
			prctl(PR_SET_NAME, gb_name_unshare);
			close(c[1]);
			close(r[0]);
			/* child 0's pipe ends: its EOF must not wait for this one */
			for (int j = 0; j < i; j++) {
				close(f->cmd[j]);
				close(f->reply[j]);
			}
			huf_child_loop(f, t->opt->unshare_touch, c[0], r[1]);
		}
		close(c[0]);
		close(r[1]);
		f->cmd[i] = c[1];
		f->reply[i] = r[0];
		if (f->kids[i] < 0)
			goto err_errno;
	}
	/* this process's fault allocates the PMD table the children share */
	if (huf_map_file(f))
		goto err_errno;
	f->hu.base[0] = 1;
	return 0;
err_errno:
	snprintf(t->err, sizeof(t->err), "unshare-first setup: %s", strerror(errno));
	return -1;
}

static int huf_ask(struct trigger *t, int i, char c)
{
	struct huf *f = t->priv;
	char ok = 0;

	if (write(f->cmd[i], &c, 1) != 1 || read(f->reply[i], &ok, 1) != 1 || ok != 'k') {
		snprintf(t->err, sizeof(t->err), "unshare-first sharer child %d: "
			 "'%c' failed (%s)", i, c, ok == 'e' ? "mmap" : "child gone");
		return -1;
	}
	return 0;
}

static int huf_event(struct trigger *t, uint64_t *ns)
{
	struct huf *f = t->priv;
	uint64_t t0, t1;

	if (huf_ask(t, 0, 's') || huf_ask(t, 1, 's'))
		return -1;
	/* this mm unshares first: two sharers are left, not the last unshare */
	t0 = timer_start(&gb_timer);
	if (huf_unmap(f)) {
		snprintf(t->err, sizeof(t->err), "unshare-first: %s", strerror(errno));
		return -1;
	}
	t1 = timer_stop(&gb_timer);
	*ns = timer_ns(&gb_timer, t1 - t0);
	/* child 0 unshares last, then child 1 (the sole owner) unmaps too */
	if (huf_ask(t, 0, 'u') || huf_ask(t, 1, 'u'))
		return -1;
	if (huf_map_file(f)) {
		snprintf(t->err, sizeof(t->err), "mmap the 1 GiB hugetlb memfd again: %s",
			 strerror(errno));
		return -1;
	}
	f->hu.base[0] = 1;
	return 0;
}

static void huf_teardown(struct trigger *t)
{
	struct huf *f = t->priv;

	if (!f)
		return;
	for (int i = 0; i < 2; i++) {
		if (f->cmd[i] >= 0)
			close(f->cmd[i]);	/* EOF: the child exits */
		if (f->kids[i] > 0)
			waitpid(f->kids[i], NULL, 0);
		if (f->reply[i] >= 0)
			close(f->reply[i]);
	}
	if (f->hu.raw)
		munmap(f->hu.raw, f->hu.raw_len);
	if (f->fd >= 0)
		close(f->fd);
	free(f);
	t->priv = NULL;
}

const struct trigger_ops trigger_hugetlb_unshare_first = {
	.name = "hugetlb-unshare-first",
	.summary = "the walkers' mm unshares a 3-way shared hugetlb PMD table first, a child last",
	.prepare = huf_prepare,
	.setup = huf_setup,
	.event = huf_event,
	.teardown = huf_teardown,
	.event_what = "this process's unmap (PROT_NONE mmap over it) of its 1 GiB hugetlb memfd range shared with two sharer children (an unshare that is not the last)",
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
