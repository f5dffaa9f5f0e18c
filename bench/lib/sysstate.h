/* SPDX-License-Identifier: GPL-2.0 */
/*
 * System settings the tool changes (THP knobs, nr_hugepages, ...) are
 * recorded here before the change and written back on success, on error
 * (atexit) and on SIGINT/SIGTERM, only by the process that changed them.
 */
#ifndef GUPBENCH_SYSSTATE_H
#define GUPBENCH_SYSSTATE_H

#include <signal.h>
#include <stddef.h>

/*
 * Read a sysfs/procfs value. Multi-choice files ("always [madvise] never")
 * give the selected word. Returns 0, -1 when unreadable.
 */
int sysfs_read(const char *path, char *buf, size_t len);

/*
 * Write @value to @path as `echo -n VALUE > PATH` does: open with O_TRUNC,
 * one write(), close. 0, or -1 with errno (EIO for a short write).
 * Async-signal-safe.
 */
int sysfs_write(const char *path, const char *value);

/* Write @value to @path, remembering the old value. 0 or -1 (+err). */
int sysstate_set(const char *path, const char *value, char *err, size_t errlen);

/* Write every remembered value back, newest first. Idempotent. */
void sysstate_restore(void);

/* Number of settings currently changed. */
int sysstate_pending(void);

/*
 * SIGINT/SIGTERM/SIGHUP are counted (sysstate_signals()) and set *@flag
 * (may be NULL). The first and second signal only count: the caller
 * stops after the first and cuts its wind-down short after the second,
 * still writing its results and restoring the settings. A third signal
 * restores the settings in the handler and exits at once with status 130
 * (for a caller that is stuck). Installing resets the count.
 */
void sysstate_install_signals(volatile sig_atomic_t *flag);

/* @fn for SIGINT, SIGTERM and SIGHUP (the signals the tool treats as Ctrl-C). */
void sysstate_handle_signals(void (*fn)(int));

/* SIGINT/SIGTERM/SIGHUP received since sysstate_install_signals(). */
int sysstate_signals(void);

#endif
