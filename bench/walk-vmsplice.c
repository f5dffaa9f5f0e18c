// SPDX-License-Identifier: GPL-2.0
/*
 * vmsplice walker: vmsplice() of P pages of the thread's own buffer into a
 * pipe. Since 5.x iter_to_pipe() pins them with iov_iter_get_pages2(),
 * which is GUP-fast. The timed region is the vmsplice() call; draining the
 * pipe (splice to /dev/null, no copy) is untimed.
 */
#include "gupbench.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

struct vs {
	char *buf;
	size_t len;
	int pipe[2];
	int devnull;
};

static int vs_setup(struct walker *w)
{
	struct vs *v = calloc(1, sizeof(*v));
	long page = sysconf(_SC_PAGESIZE);

	if (!v)
		return -1;
	w->priv = v;
	v->pipe[0] = v->pipe[1] = v->devnull = -1;
	v->len = (size_t)w->opt->pages * page;
	v->buf = mmap(NULL, v->len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (v->buf == MAP_FAILED) {
		v->buf = NULL;
		snprintf(w->err, sizeof(w->err), "mmap %zu bytes: %s", v->len,
			 strerror(errno));
		return -1;
	}
	memset(v->buf, 0x5a, v->len);
	if (pipe2(v->pipe, O_CLOEXEC)) {
		snprintf(w->err, sizeof(w->err), "pipe: %s", strerror(errno));
		return -1;
	}
	/* the whole call must fit in the pipe, else vmsplice() would block */
	if (v->len > 65536 && fcntl(v->pipe[1], F_SETPIPE_SZ, (int)v->len) < 0) {
		snprintf(w->err, sizeof(w->err),
			 "F_SETPIPE_SZ %zu: %s (see /proc/sys/fs/pipe-max-size)",
			 v->len, strerror(errno));
		return -1;
	}
	v->devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (v->devnull < 0) {
		snprintf(w->err, sizeof(w->err), "/dev/null: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static int vs_call(struct walker *w, uint64_t *kernel_ns, uint64_t *ncalls)
{
	struct vs *v = w->priv;
	struct iovec iov = { .iov_base = v->buf, .iov_len = v->len };
	ssize_t n = vmsplice(v->pipe[1], &iov, 1, 0);

	(void)kernel_ns;
	(void)ncalls;
	if (n != (ssize_t)v->len) {
		snprintf(w->err, sizeof(w->err), "vmsplice returned %zd: %s", n,
			 n < 0 ? strerror(errno) : "short");
		w->err_no = errno;
		return -1;
	}
	return 0;
}

static int vs_after(struct walker *w)
{
	struct vs *v = w->priv;
	size_t left = v->len;

	while (left) {
		ssize_t n = splice(v->pipe[0], NULL, v->devnull, NULL, left, 0);

		if (n <= 0) {
			snprintf(w->err, sizeof(w->err), "splice to /dev/null: %s",
				 n < 0 ? strerror(errno) : "pipe empty");
			return -1;
		}
		left -= (size_t)n;
	}
	return 0;
}

static void vs_teardown(struct walker *w)
{
	struct vs *v = w->priv;

	if (!v)
		return;
	if (v->buf)
		munmap(v->buf, v->len);
	for (int i = 0; i < 2; i++)
		if (v->pipe[i] >= 0)
			close(v->pipe[i]);
	if (v->devnull >= 0)
		close(v->devnull);
	free(v);
	w->priv = NULL;
}

const struct walker_ops walker_vmsplice = {
	.name = "vmsplice",
	.summary = "vmsplice() of P pages into a pipe (GUP-fast via iov_iter_get_pages2)",
	.setup = vs_setup,
	.call = vs_call,
	.after = vs_after,
	.teardown = vs_teardown,
	.timed_what = "one vmsplice() syscall of P pages",
};
