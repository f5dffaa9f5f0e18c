// SPDX-License-Identifier: GPL-2.0
/*
 * O_DIRECT walker: pread() of P pages with O_DIRECT into an aligned buffer;
 * the block layer pins the buffer with pin_user_pages_fast(). The target is
 * a block device (null_blk keeps device time out of it; read only) or a
 * directory on a filesystem that really does direct I/O, where a file with
 * a known pattern is written, verified on every read and removed at exit.
 */
#include "gupbench.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/fs.h>

#ifndef TMPFS_MAGIC
#define TMPFS_MAGIC	0x01021994
#endif
#ifndef RAMFS_MAGIC
#define RAMFS_MAGIC	0x858458f6
#endif

static char file_path[PATH_MAX];	/* the pattern file, when made */
static size_t target_bytes;
static int target_is_file;

struct od {
	int fd;
	char *buf;
	size_t len;
	uint64_t off, rng;
};

static uint64_t pattern(uint64_t word_index)
{
	return (word_index + 1) * 0x9E3779B97F4A7C15ull;
}

static void remove_file(void)
{
	if (file_path[0])
		unlink(file_path);
}

static int make_pattern_file(const struct options *opt, char *reason, size_t len)
{
	size_t chunk = 1 << 20;
	uint64_t *buf = malloc(chunk);
	int fd;

	if (!buf)
		return -1;
	snprintf(file_path, sizeof(file_path), "%s/gupbench-odirect.%d", opt->target,
		 (int)getpid());
	fd = open(file_path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(reason, len, "cannot create %s: %s", file_path, strerror(errno));
		file_path[0] = '\0';
		free(buf);
		return -1;
	}
	atexit(remove_file);
	target_bytes = opt->target_size;
	for (size_t off = 0; off < target_bytes; off += chunk) {
		for (size_t i = 0; i < chunk / 8; i++)
			buf[i] = pattern(off / 8 + i);
		if (write(fd, buf, chunk) != (ssize_t)chunk) {
			snprintf(reason, len, "writing %s: %s", file_path, strerror(errno));
			close(fd);
			free(buf);
			return -1;
		}
	}
	free(buf);
	if (fsync(fd) || close(fd)) {
		snprintf(reason, len, "fsync %s: %s", file_path, strerror(errno));
		return -1;
	}
	fd = open(file_path, O_RDONLY | O_DIRECT | O_CLOEXEC);
	if (fd < 0) {
		snprintf(reason, len, "%s does not support O_DIRECT (%s)",
			 opt->target, strerror(errno));
		return -1;
	}
	close(fd);
	target_is_file = 1;
	return 0;
}

/*
 * access() passes for root where no file can be made (/proc, sysfs, a
 * full or read-only-in-effect filesystem): make and remove a small file
 * with O_DIRECT the way od_probe() will, and look at the free space.
 */
static void probe_dir(const struct options *opt)
{
	char probe[PATH_MAX];
	struct statvfs vf;
	int fd, e;

	snprintf(probe, sizeof(probe), "%s/gupbench-odirect-check.%d", opt->target,
		 (int)getpid());
	fd = open(probe, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0)
		die_input("--target %s: cannot create a file in it: %s", opt->target,
			  strerror(errno));
	close(fd);
	fd = open(probe, O_RDONLY | O_DIRECT | O_CLOEXEC);
	e = errno;
	unlink(probe);
	if (fd < 0)
		die_input("--target %s: no O_DIRECT on this filesystem: %s", opt->target,
			  strerror(e));
	close(fd);
	if (!statvfs(opt->target, &vf) &&
	    (unsigned long long)vf.f_bavail * vf.f_frsize < opt->target_size)
		die_input("--target %s: %llu bytes free, the pattern file needs %zu "
			  "(--target-size)", opt->target,
			  (unsigned long long)vf.f_bavail * vf.f_frsize, opt->target_size);
}

/* Bad targets are bad input (exit 2, before any results exist). */
static void od_check(const struct options *opt)
{
	struct stat st;
	struct statfs sf;

	if (!opt->target)
		die_input("odirect needs --target: a block device such as /dev/nullb0, "
			  "or a directory on a disk filesystem");
	if (stat(opt->target, &st))
		die_input("--target %s: %s", opt->target, strerror(errno));
	if (S_ISBLK(st.st_mode)) {
		int fd = open(opt->target, O_RDONLY | O_DIRECT | O_CLOEXEC);
		unsigned long long bytes = 0;

		if (fd < 0)
			die_input("--target %s: %s", opt->target, strerror(errno));
		if (ioctl(fd, BLKGETSIZE64, &bytes))
			bytes = 0;
		close(fd);
		if (bytes < (unsigned long long)opt->pages * 4096)
			die_input("--target %s: device too small (%llu bytes)",
				  opt->target, bytes);
		return;
	}
	if (!S_ISDIR(st.st_mode))
		die_input("--target %s: must be a block device or a directory "
			  "(a pattern file is made inside it)", opt->target);
	if (statfs(opt->target, &sf))
		die_input("--target %s: statfs: %s", opt->target, strerror(errno));
	if (sf.f_type == TMPFS_MAGIC || sf.f_type == RAMFS_MAGIC)
		die_input("--target %s: tmpfs/ramfs serve O_DIRECT from the page "
			  "cache and do not pin user pages; use a block device "
			  "(null_blk) or a disk filesystem", opt->target);
	if (opt->target_size < (size_t)opt->pages * 4096)
		die_input("--target-size %zu is smaller than one call", opt->target_size);
	if (access(opt->target, W_OK | X_OK))
		die_input("--target %s: not writable: %s", opt->target, strerror(errno));
	probe_dir(opt);
}

static int od_probe(const struct options *opt, char *reason, size_t len)
{
	struct stat st;

	if (!stat(opt->target, &st) && S_ISBLK(st.st_mode)) {
		int fd = open(opt->target, O_RDONLY | O_CLOEXEC);
		unsigned long long bytes = 0;

		if (fd >= 0 && !ioctl(fd, BLKGETSIZE64, &bytes))
			target_bytes = bytes;
		if (fd >= 0)
			close(fd);
		return 0;
	}
	if (make_pattern_file(opt, reason, len)) {
		remove_file();
		file_path[0] = '\0';
		return -1;
	}
	return 0;
}

static int od_setup(struct walker *w)
{
	struct od *o = calloc(1, sizeof(*o));
	const char *path = target_is_file ? file_path : w->opt->target;

	if (!o)
		return -1;
	w->priv = o;
	o->len = (size_t)w->opt->pages * 4096;
	o->rng = 0x1234567ull + (uint64_t)w->index * 7919;
	o->fd = open(path, O_RDONLY | O_DIRECT | O_CLOEXEC);
	if (o->fd < 0) {
		snprintf(w->err, sizeof(w->err), "open %.200s O_DIRECT: %s", path,
			 strerror(errno));
		return -1;
	}
	o->buf = mmap(NULL, o->len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (o->buf == MAP_FAILED) {
		o->buf = NULL;
		snprintf(w->err, sizeof(w->err), "mmap: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static int od_call(struct walker *w, uint64_t *kernel_ns, uint64_t *ncalls)
{
	struct od *o = w->priv;
	uint64_t slots = target_bytes / o->len;
	ssize_t n;

	(void)kernel_ns;
	(void)ncalls;
	/* xorshift: a different aligned offset each call */
	o->rng ^= o->rng << 13;
	o->rng ^= o->rng >> 7;
	o->rng ^= o->rng << 17;
	o->off = (o->rng % slots) * o->len;
	n = pread(o->fd, o->buf, o->len, (off_t)o->off);
	if (n != (ssize_t)o->len) {
		w->err_no = errno;
		snprintf(w->err, sizeof(w->err), "O_DIRECT pread at %llu returned %zd: %s",
			 (unsigned long long)o->off, n, n < 0 ? strerror(errno) : "short");
		return -1;
	}
	return 0;
}

static int od_after(struct walker *w)
{
	struct od *o = w->priv;
	const uint64_t *words = (const uint64_t *)o->buf;

	if (!target_is_file)
		return 0;
	for (size_t i = 0; i < o->len / 8; i++) {
		if (words[i] != pattern(o->off / 8 + i)) {
			snprintf(w->err, sizeof(w->err),
				 "data mismatch at file offset %llu: read %#llx, wrote %#llx",
				 (unsigned long long)(o->off + i * 8),
				 (unsigned long long)words[i],
				 (unsigned long long)pattern(o->off / 8 + i));
			return -1;
		}
	}
	memset(o->buf, 0, o->len);	/* a stale buffer must not pass next time */
	return 0;
}

static void od_teardown(struct walker *w)
{
	struct od *o = w->priv;

	if (!o)
		return;
	if (o->buf)
		munmap(o->buf, o->len);
	if (o->fd >= 0)
		close(o->fd);
	free(o);
	w->priv = NULL;
}

const struct walker_ops walker_odirect = {
	.name = "odirect",
	.summary = "O_DIRECT pread() of P pages (pin_user_pages_fast in the block layer)",
	.check = od_check,
	.probe = od_probe,
	.setup = od_setup,
	.call = od_call,
	.after = od_after,
	.teardown = od_teardown,
	.timed_what = "one O_DIRECT pread() of P pages (includes device time)",
	.takes_target = true,
};
