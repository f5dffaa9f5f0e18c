// SPDX-License-Identifier: GPL-2.0
#include "results.h"
#include "sysinfo.h"

#include <dirent.h>
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

void results_preamble(struct results *r, const char *variant, const char *command)
{
	json_t *sys = sysinfo_collect(variant);
	char buf[32];

	json_object_update(r->manifest, sys);
	json_decref(sys);
	json_object_set_new(r->manifest, "command", json_string(command));
	json_object_set_new(r->manifest, "start_time",
			    json_string(results_now(buf, sizeof(buf))));
}

/* @made: the first (outermost) directory this call created, or "" */
static int mkdir_p(const char *path, char *made, size_t madelen)
{
	char tmp[PATH_MAX];

	made[0] = '\0';
	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755)) {
			if (errno != EEXIST)
				return -1;
		} else if (!made[0]) {
			snprintf(made, madelen, "%s", tmp);
		}
		*p = '/';
	}
	if (mkdir(tmp, 0755)) {
		if (errno != EEXIST)
			return -1;
	} else if (!made[0]) {
		snprintf(made, madelen, "%s", tmp);
	}
	return 0;
}

/* removes the (empty) directories mkdir_p() made for @root, innermost first */
static void unmake_root(const char *root, const char *made)
{
	char tmp[PATH_MAX];
	size_t n = strlen(made);

	if (!n)
		return;
	snprintf(tmp, sizeof(tmp), "%s", root);
	while (strlen(tmp) >= n) {
		char *slash;

		if (rmdir(tmp))
			return;
		slash = strrchr(tmp, '/');
		if (!slash)
			return;
		*slash = '\0';
	}
}

/* keeps the first failure, with the path and errno */
static int write_failed(struct results *r, const char *path, int err)
{
	if (!r->err[0])
		snprintf(r->err, sizeof(r->err), "cannot write '%s': %s", path,
			 strerror(err));
	errno = err;
	return -1;
}

/* fclose that reports the errno of a failed flush (EIO if unknown) */
static int close_checked(FILE *f)
{
	int err = 0;

	errno = 0;
	if (fflush(f) || ferror(f))
		err = errno ? errno : EIO;
	if (fclose(f) && !err)
		err = errno;
	errno = err;
	return err ? -1 : 0;
}

static int write_marker(struct results *r, const char *why)
{
	char path[PATH_MAX + 16];
	FILE *f;

	snprintf(path, sizeof(path), "%s/INCOMPLETE", r->dir);
	f = fopen(path, "w");
	if (!f)
		return write_failed(r, path, errno);
	fprintf(f, "%s\n", why);
	if (close_checked(f))
		return write_failed(r, path, errno);
	return 0;
}

void results_discard(struct results *r)
{
	DIR *d = opendir(r->dir);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		char p[PATH_MAX + 300];

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(p, sizeof(p), "%s/%s", r->dir, e->d_name);
		unlink(p);
	}
	if (d)
		closedir(d);
	rmdir(r->dir);
	unmake_root(r->root, r->root_made);
	json_decref(r->manifest);
	r->manifest = NULL;
}

int results_create(struct results *r, const char *root, const char *label,
		   char *err, size_t errlen)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;

	struct stat st;

	memset(r, 0, sizeof(*r));
	snprintf(r->root, sizeof(r->root), "%s", root);
	if (mkdir_p(root, r->root_made, sizeof(r->root_made)) || stat(root, &st)) {
		snprintf(err, errlen, "results directory '%s': %s", root, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "results directory '%s' is not a directory", root);
		return -1;
	}
	if (access(root, W_OK | X_OK)) {
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
			unmake_root(r->root, r->root_made);
			return -1;
		}
		if (i == 999) {
			snprintf(err, errlen, "too many results named %s-%s", stamp, label);
			return -1;
		}
	}
	r->manifest = json_object();
	json_object_set_new(r->manifest, "status", json_string("running"));
	json_object_set_new(r->manifest, "skipped", json_array());
	if (write_marker(r, "running") ||
	    results_write_json(r, "manifest.json", r->manifest)) {
		snprintf(err, errlen, "results directory unusable: %s", r->err);
		results_discard(r);
		return -1;
	}
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
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s/%s.tmp", r->dir, name);
	f = fopen(tmp, "w");
	if (!f)
		write_failed(r, tmp, errno);
	return f;
}

void results_abandon(struct results *r, const char *name, FILE *f)
{
	char tmp[PATH_MAX + 64];

	snprintf(tmp, sizeof(tmp), "%s/%s.tmp", r->dir, name);
	if (f)
		fclose(f);
	unlink(tmp);
}

int results_flush(struct results *r, const char *name, FILE *f)
{
	char tmp[PATH_MAX + 64];

	errno = 0;
	if (!fflush(f) && !ferror(f))
		return 0;
	snprintf(tmp, sizeof(tmp), "%s/%s.tmp", r->dir, name);
	return write_failed(r, tmp, errno ? errno : EIO);
}

int results_close(struct results *r, const char *name, FILE *f)
{
	char tmp[PATH_MAX + 64];

	snprintf(tmp, sizeof(tmp), "%s/%s.tmp", r->dir, name);
	if (close_checked(f) || commit_tmp(r, name)) {
		int e = errno;

		unlink(tmp);
		return write_failed(r, tmp, e);
	}
	return 0;
}

int results_write_json(struct results *r, const char *name, json_t *j)
{
	FILE *f = results_open(r, name);

	if (!f)
		return -1;
	errno = 0;
	if (json_dumpf(j, f, JSON_INDENT(1) | JSON_SORT_KEYS)) {
		char tmp[PATH_MAX + 64];
		int e = errno ? errno : EIO;

		snprintf(tmp, sizeof(tmp), "%s/%s.tmp", r->dir, name);
		results_abandon(r, name, f);
		return write_failed(r, tmp, e);
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
	if (ret) {
		/*
		 * No room for manifest.json.tmp (full, or out of inodes): the
		 * old manifest says "running", so rewrite it in place, which
		 * needs no new inode and reuses its blocks.
		 */
		FILE *f;

		snprintf(path, sizeof(path), "%s/manifest.json", r->dir);
		f = fopen(path, "r+");
		if (f && ftruncate(fileno(f), 0) == 0 &&
		    !json_dumpf(r->manifest, f, JSON_INDENT(1) | JSON_SORT_KEYS) &&
		    fputc('\n', f) != EOF && !close_checked(f))
			ret = 0;
		else if (f)
			fclose(f);
	}
	if (!ret && (!strcmp(status, "complete") || !strcmp(status, "skipped"))) {
		snprintf(path, sizeof(path), "%s/INCOMPLETE", r->dir);
		unlink(path);
	} else if (write_marker(r, why ? why : status)) {
		ret = -1;
	}
	json_decref(r->manifest);
	r->manifest = NULL;
	return ret;
}
