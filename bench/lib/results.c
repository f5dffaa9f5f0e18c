// SPDX-License-Identifier: GPL-2.0
#include "results.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

const char *results_now(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

static int mkdir_p(const char *path)
{
	char tmp[PATH_MAX];

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(tmp, 0755) && errno != EEXIST)
		return -1;
	return 0;
}

static void write_marker(struct results *r, const char *why)
{
	char path[PATH_MAX + 16];
	FILE *f;

	snprintf(path, sizeof(path), "%s/INCOMPLETE", r->dir);
	f = fopen(path, "w");
	if (f) {
		fprintf(f, "%s\n", why);
		fclose(f);
	}
}

int results_create(struct results *r, const char *root, const char *label,
		   char *err, size_t errlen)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;

	memset(r, 0, sizeof(*r));
	if (mkdir_p(root) || access(root, W_OK | X_OK)) {
		snprintf(err, errlen, "results directory '%s' is not writable: %s",
			 root, strerror(errno));
		return -1;
	}
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	for (int i = 1; i < 1000; i++) {
		if (i == 1)
			snprintf(r->dir, sizeof(r->dir), "%s/%s-%s", root, stamp, label);
		else
			snprintf(r->dir, sizeof(r->dir), "%s/%s-%s-%d", root, stamp,
				 label, i);
		if (!mkdir(r->dir, 0755))
			break;
		if (errno != EEXIST) {
			snprintf(err, errlen, "cannot create '%s': %s", r->dir,
				 strerror(errno));
			return -1;
		}
		if (i == 999) {
			snprintf(err, errlen, "too many results named %s-%s", stamp, label);
			return -1;
		}
	}
	write_marker(r, "running");
	r->manifest = json_object();
	json_object_set_new(r->manifest, "status", json_string("running"));
	json_object_set_new(r->manifest, "skipped", json_array());
	results_write_json(r, "manifest.json", r->manifest);
	return 0;
}

static int commit_tmp(struct results *r, const char *name)
{
	char tmp[PATH_MAX + 64], dst[PATH_MAX + 64];

	snprintf(tmp, sizeof(tmp), "%s/%s.tmp", r->dir, name);
	snprintf(dst, sizeof(dst), "%s/%s", r->dir, name);
	return rename(tmp, dst);
}

FILE *results_open(struct results *r, const char *name)
{
	char tmp[PATH_MAX + 64];

	snprintf(tmp, sizeof(tmp), "%s/%s.tmp", r->dir, name);
	return fopen(tmp, "w");
}

int results_close(struct results *r, const char *name, FILE *f)
{
	int bad = ferror(f);

	if (fclose(f) || bad)
		return -1;
	return commit_tmp(r, name);
}

int results_write_json(struct results *r, const char *name, json_t *j)
{
	FILE *f = results_open(r, name);

	if (!f)
		return -1;
	if (json_dumpf(j, f, JSON_INDENT(1) | JSON_SORT_KEYS)) {
		fclose(f);
		return -1;
	}
	fputc('\n', f);
	return results_close(r, name, f);
}

void results_skip(struct results *r, const char *what, const char *reason)
{
	json_array_append_new(json_object_get(r->manifest, "skipped"),
			      json_pack("{s:s, s:s}", "what", what, "reason", reason));
	fprintf(stderr, "gupbench: SKIP %s: %s\n", what, reason);
	results_write_json(r, "manifest.json", r->manifest);
}

int results_finish(struct results *r, const char *status, const char *why)
{
	char buf[32], path[PATH_MAX + 16];
	int ret;

	json_object_set_new(r->manifest, "status", json_string(status));
	json_object_set_new(r->manifest, "end_time",
			    json_string(results_now(buf, sizeof(buf))));
	if (why)
		json_object_set_new(r->manifest, "status_reason", json_string(why));
	ret = results_write_json(r, "manifest.json", r->manifest);
	if (!ret && (!strcmp(status, "complete") || !strcmp(status, "skipped"))) {
		snprintf(path, sizeof(path), "%s/INCOMPLETE", r->dir);
		unlink(path);
	} else {
		write_marker(r, why ? why : status);
	}
	json_decref(r->manifest);
	r->manifest = NULL;
	return ret;
}
