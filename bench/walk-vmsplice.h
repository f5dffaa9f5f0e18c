/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vmsplice walker's GUP-fast call, shared with gupbench model: a
 * buffer of P pages vmsplice()d into a pipe, which is drained untimed by
 * splice() to /dev/null (no copy).
 */
#ifndef GUPBENCH_WALK_VMSPLICE_H
#define GUPBENCH_WALK_VMSPLICE_H

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <sys/types.h>
#include <sys/uio.h>

struct vsplice {
	char *buf;
	size_t len;			/* P pages */
	int pipe[2];
	int devnull;
	size_t pipe_bytes;
	unsigned int per_batch;		/* calls that fit in the pipe */
	ssize_t ret;			/* the last vmsplice()'s return */
	int err_no;			/* of the failed call */
};

/*
 * Buffer, pipe (at least @pipe_want bytes where the system allows, and
 * always room for one call, else an error) and /dev/null. 0, or -1 with
 * @err set; vsplice_close() either way.
 */
int vsplice_open(struct vsplice *v, unsigned int pages, size_t pipe_want,
		 char *err, size_t errlen);
/* Untimed: empty @bytes from the pipe. 0, -1 (err_no) or -2 (pipe empty). */
int vsplice_drain(struct vsplice *v, size_t bytes);
void vsplice_close(struct vsplice *v);

/* The timed call: one vmsplice() of the whole buffer. 0 or -1 (err_no). */
static inline int vsplice_call(struct vsplice *v)
{
	struct iovec iov = { .iov_base = v->buf, .iov_len = v->len };

	v->ret = vmsplice(v->pipe[1], &iov, 1, 0);
	if (v->ret != (ssize_t)v->len) {
		v->err_no = v->ret < 0 ? errno : EAGAIN;
		return -1;
	}
	return 0;
}

#endif
