/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A results directory per invocation: ROOT/<UTC time>-<label>[-N], made
 * with mkdir() so that no run ever overwrites another. Files are written
 * to a temporary name and renamed. Until results_finish() marks the run
 * complete, a file INCOMPLETE says why it is not.
 */
#ifndef GUPBENCH_RESULTS_H
#define GUPBENCH_RESULTS_H

#include <limits.h>
#include <stdio.h>
#include <jansson.h>

struct results {
	char dir[PATH_MAX];
	json_t *manifest;	/* owned; "skipped" array inside */
};

int results_create(struct results *r, const char *root, const char *label,
		   char *err, size_t errlen);
/* Write @j (not stolen) as @name inside the directory. 0 or -1. */
int results_write_json(struct results *r, const char *name, json_t *j);
/* Text file written to NAME.tmp; results_close() renames it. */
FILE *results_open(struct results *r, const char *name);
int results_close(struct results *r, const char *name, FILE *f);
/* Record that @what was skipped and why (also printed to stderr). */
void results_skip(struct results *r, const char *what, const char *reason);
/*
 * status: "complete", "skipped", "interrupted" or "failed". Writes the
 * manifest; removes INCOMPLETE only for "complete" and "skipped".
 */
int results_finish(struct results *r, const char *status, const char *why);

/* ISO 8601 UTC time now. */
const char *results_now(char *buf, size_t len);

#endif
