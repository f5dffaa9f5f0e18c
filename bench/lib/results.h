/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A results directory per invocation: ROOT/<UTC time>-<label>[-N], made
 * with mkdir() so that no run ever overwrites another. Files are written
 * to a temporary name and renamed (a failed write leaves no NAME.tmp).
 * Until results_finish() marks the run complete, a file INCOMPLETE says
 * why it is not. Write failures return -1 and the first one is kept in
 * r->err with its path and errno.
 */
#ifndef GUPBENCH_RESULTS_H
#define GUPBENCH_RESULTS_H

#include <limits.h>
#include <stdio.h>
#include <jansson.h>

struct results {
	char dir[PATH_MAX];
	char root[PATH_MAX], root_made[PATH_MAX];	/* -o, and what of it we made */
	json_t *manifest;	/* owned; "skipped" array inside */
	/* the first write that failed: "cannot write 'PATH': strerror" */
	char err[PATH_MAX + 128];
};

/*
 * Makes the directory and writes INCOMPLETE and manifest.json into it, so
 * that a root that is not a directory, not writable or full is found here
 * (-1, @err names the path and the reason; nothing is left behind).
 */
int results_create(struct results *r, const char *root, const char *label,
		   char *err, size_t errlen);
/* Removes the directory and everything in it (bad input found late). */
void results_discard(struct results *r);
/* Write @j (not stolen) as @name inside the directory. 0 or -1. */
int results_write_json(struct results *r, const char *name, json_t *j);
/* Text file written to NAME.tmp; results_close() renames it. */
FILE *results_open(struct results *r, const char *name);
int results_close(struct results *r, const char *name, FILE *f);
/* fflush() of a results_open() file; -1 and r->err on failure */
int results_flush(struct results *r, const char *name, FILE *f);
/* Closes and removes NAME.tmp: nothing of it is kept. */
void results_abandon(struct results *r, const char *name, FILE *f);
/* Record that @what was skipped and why (also printed to stderr). */
void results_skip(struct results *r, const char *what, const char *reason);
/*
 * status: "complete", "skipped", "interrupted" or "failed". Writes the
 * manifest; removes INCOMPLETE only for "complete" and "skipped".
 */
int results_finish(struct results *r, const char *status, const char *why);

/*
 * The manifest's common part, the same in every subcommand: what
 * sysinfo_collect(@variant) says about the machine, kernel and tools, the
 * command line and the start time.
 */
void results_preamble(struct results *r, const char *variant, const char *command);

/* ISO 8601 UTC time now. */
const char *results_now(char *buf, size_t len);

#endif
