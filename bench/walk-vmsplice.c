// SPDX-License-Identifier: GPL-2.0
/*
 * vmsplice walker: vmsplice() of P pages of the thread's own buffer into a
 * pipe. Since 5.x iter_to_pipe() pins them with iov_iter_get_pages2(),
 * which is GUP-fast. The timed region is the vmsplice() call; draining the
 * pipe (splice to /dev/null, no copy) is untimed.
 */
#include "gupbench.h"
#include "walk-vmsplice.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

int vsplice_open(struct vsplice *v, unsigned int pages, size_t pipe_want,
		 char *err, size_t errlen)
{
	long page = sysconf(_SC_PAGESIZE);
	int sz;

	memset(v, 0, sizeof(*v));
	v->pipe[0] = v->pipe[1] = v->devnull = -1;
	v->len = (size_t)pages * page;
	v->buf = mmap(NULL, v->len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (v->buf == MAP_FAILED) {
		v->buf = NULL;
		snprintf(err, errlen, "mmap %zu bytes: %s", v->len, strerror(errno));
		return -1;
	}
	memset(v->buf, 0x5a, v->len);
	if (pipe2(v->pipe, O_CLOEXEC)) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	/* a bigger pipe holds more calls per batch (model: less timer per call) */
	if (pipe_want > v->len)
		fcntl(v->pipe[1], F_SETPIPE_SZ, (int)pipe_want);
	/* the whole call must fit in the pipe, else vmsplice() would block */
	sz = fcntl(v->pipe[1], F_GETPIPE_SZ);
	if (sz > 0 && (size_t)sz < v->len)
		sz = fcntl(v->pipe[1], F_SETPIPE_SZ, (int)v->len);
	if (sz < 0 || (size_t)sz < v->len) {
		snprintf(err, errlen, "pipe cannot hold %u pages (%s)", pages,
			 sz < 0 ? strerror(errno) : "see /proc/sys/fs/pipe-max-size");
		return -1;
	}
	v->pipe_bytes = (size_t)sz;
	/* one pipe_buffer per page: the pipe has sz/page slots */
	v->per_batch = (unsigned int)((size_t)sz / page / pages);
	v->devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (v->devnull < 0) {
		snprintf(err, errlen, "/dev/null: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int vsplice_drain(struct vsplice *v, size_t bytes)
{
	while (bytes) {
		ssize_t n = splice(v->pipe[0], NULL, v->devnull, NULL, bytes, 0);

		if (n <= 0) {
			v->err_no = n < 0 ? errno : EIO;
			return n < 0 ? -1 : -2;
		}
		bytes -= (size_t)n;
	}
	return 0;
}

void vsplice_close(struct vsplice *v)
{
	if (v->buf)
		munmap(v->buf, v->len);
	v->buf = NULL;
	for (int i = 0; i < 2; i++)
		if (v->pipe[i] >= 0)
			close(v->pipe[i]);
	if (v->devnull >= 0)
		close(v->devnull);
	v->pipe[0] = v->pipe[1] = v->devnull = -1;
}

static int vs_setup(struct walker *w)
{
	struct vsplice *v = calloc(1, sizeof(*v));

	if (!v)
		return -1;
	w->priv = v;
	return vsplice_open(v, w->opt->pages, 0, w->err, sizeof(w->err));
}

static int vs_call(struct walker *w, uint64_t *kernel_ns, uint64_t *ncalls)
{
	struct vsplice *v = w->priv;

	(void)kernel_ns;
	(void)ncalls;
	if (vsplice_call(v)) {
		snprintf(w->err, sizeof(w->err), "vmsplice returned %zd: %s", v->ret,
			 v->ret < 0 ? strerror(v->err_no) : "short");
		w->err_no = v->err_no;
		return -1;
	}
	return 0;
}

static int vs_after(struct walker *w)
{
	struct vsplice *v = w->priv;
	int rc = vsplice_drain(v, v->len);

	if (rc)
		snprintf(w->err, sizeof(w->err), "splice to /dev/null: %s",
			 rc == -1 ? strerror(v->err_no) : "pipe empty");
	return rc ? -1 : 0;
}

static void vs_teardown(struct walker *w)
{
	struct vsplice *v = w->priv;

	if (!v)
		return;
	vsplice_close(v);
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
