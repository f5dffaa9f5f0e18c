// SPDX-License-Identifier: GPL-2.0
#include "sysstate.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_SAVED 32

struct saved {
	char path[256];
	char old[128];
};

static struct saved saved[MAX_SAVED];
/*
 * Entries in use. Atomic: the third-signal path restores from a signal
 * handler, possibly while the main thread is restoring too; each entry
 * is claimed by one of them only.
 */
static atomic_int nsaved;
static pid_t owner;
static volatile sig_atomic_t *stop_flag;
static volatile sig_atomic_t nsignals;

int sysfs_read(const char *path, char *buf, size_t len)
{
	char raw[512];
	ssize_t n;
	int fd = open(path, O_RDONLY);
	char *lb, *rb;

	if (fd < 0)
		return -1;
	n = read(fd, raw, sizeof(raw) - 1);
	close(fd);
	if (n < 0)
		return -1;
	raw[n] = '\0';
	raw[strcspn(raw, "\n")] = '\0';
	lb = strchr(raw, '[');
	rb = lb ? strchr(lb, ']') : NULL;
	if (lb && rb) {
		*rb = '\0';
		snprintf(buf, len, "%s", lb + 1);
	} else {
		snprintf(buf, len, "%s", raw);
	}
	return 0;
}

int sysfs_write(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	ssize_t n, len = (ssize_t)strlen(value);
	int e;

	if (fd < 0)
		return -1;
	n = write(fd, value, len);
	e = n < 0 ? errno : EIO;
	close(fd);
	if (n == len)
		return 0;
	errno = e;
	return -1;
}

void sysstate_restore(void)
{
	int n;

	if (owner != getpid())
		return;
	while ((n = atomic_load(&nsaved)) > 0) {
		struct saved *s = &saved[n - 1];

		if (!atomic_compare_exchange_strong(&nsaved, &n, n - 1))
			continue;	/* the other restorer took it */
		if (sysfs_write(s->path, s->old)) {
			static const char msg[] = "gupbench: warning: could not restore ";

			if (write(2, msg, sizeof(msg) - 1) < 0 ||
			    write(2, s->path, strlen(s->path)) < 0 ||
			    write(2, "\n", 1) < 0)
				continue;
		}
	}
}

int sysstate_pending(void)
{
	return atomic_load(&nsaved);
}

int sysstate_set(const char *path, const char *value, char *err, size_t errlen)
{
	static bool registered;
	struct saved *s;

	if (nsaved >= MAX_SAVED) {
		snprintf(err, errlen, "too many saved settings");
		return -1;
	}
	s = &saved[nsaved];
	snprintf(s->path, sizeof(s->path), "%s", path);
	if (sysfs_read(path, s->old, sizeof(s->old))) {
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	if (!registered) {
		owner = getpid();
		atexit(sysstate_restore);
		registered = true;
	}
	if (owner != getpid() && nsaved == 0)
		owner = getpid();	/* a child that inherited nothing to restore */
	if (owner != getpid()) {
		snprintf(err, errlen, "settings may only be changed by one process");
		return -1;
	}
	if (!strcmp(s->old, value))
		return 0;
	atomic_fetch_add(&nsaved, 1);
	if (sysfs_write(path, value)) {
		snprintf(err, errlen, "cannot write '%s' to %s: %s", value, path,
			 strerror(errno));
		atomic_fetch_sub(&nsaved, 1);
		/* a partial write may still have changed something */
		sysfs_write(path, s->old);
		return -1;
	}
	return 0;
}

/*
 * Only counts: the first signal asks the caller to stop, the second to
 * cut its wind-down short; both leave the results and the settings to the
 * caller's normal path, which writes them consistently. Only a third
 * signal, for a caller that is stuck, restores here and exits at once.
 */
static void on_signal(int sig)
{
	(void)sig;
	if (nsignals < 1000)
		nsignals++;
	if (stop_flag)
		*stop_flag = 1;
	if (nsignals < 3)
		return;
	sysstate_restore();
	_exit(130);
}

int sysstate_signals(void)
{
	return nsignals;
}

void sysstate_handle_signals(void (*fn)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

void sysstate_install_signals(volatile sig_atomic_t *flag)
{
	stop_flag = flag;
	nsignals = 0;
	sysstate_handle_signals(on_signal);
}
