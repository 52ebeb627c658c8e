/* rundir.c - assemble a run directory aside, rename it into place. */
#define _GNU_SOURCE   /* renameat2 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rundir.h"

static int mkdirs_mode(const char *path, mode_t mode, struct cx_error *e)
{
	char buf[RUNDIR_PATH_MAX];
	size_t n = strlen(path);

	if (n == 0 || n >= sizeof buf)
		return cx_fail(e, CX_ECANTCREAT, "\"%s\": bad directory path", path);
	/* Most calls name a directory that exists or only lacks its last
	 * component: one mkdir then (the web edition makes a thousand). */
	if (mkdir(path, mode) == 0 || errno == EEXIST)
		return 0;
	memcpy(buf, path, n + 1);
	for (char *p = buf + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;
			*p = '\0';
			if (mkdir(buf, mode) != 0 && errno != EEXIST)
				return cx_fail(e, CX_ECANTCREAT, "%s: cannot create directory: %s", buf, strerror(errno));
			*p = c;
			if (c == '\0')
				break;
		}
	}
	return 0;
}

int rundir_mkdirs(const char *path, struct cx_error *e)
{
	return mkdirs_mode(path, 0755, e);
}

int rundir_mkdirs_private(const char *path, struct cx_error *e)
{
	if (mkdirs_mode(path, 0700, e) != 0)
		return -1;
	if (chmod(path, 0700) != 0)
		return cx_fail(e, CX_ECANTCREAT, "%s: cannot make private: %s", path, strerror(errno));
	return 0;
}

int rundir_remove_tree(const char *path, struct cx_error *e)
{
	DIR *d = opendir(path);
	struct dirent *ent;
	int rc = 0;

	if (d == NULL) {
		if (errno == ENOENT)
			return 0;
		if (errno == ENOTDIR)
			return unlink(path) == 0 ? 0 : cx_fail(e, CX_EIO, "%s: %s", path, strerror(errno));
		return cx_fail(e, CX_EIO, "%s: %s", path, strerror(errno));
	}
	while (rc == 0 && (ent = readdir(d)) != NULL) {
		char sub[RUNDIR_PATH_MAX];
		struct stat st;
		if (!strcmp(ent->d_name, ".") || !strcmp(ent->d_name, ".."))
			continue;
		snprintf(sub, sizeof sub, "%s/%s", path, ent->d_name);
		if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode))
			rc = rundir_remove_tree(sub, e);
		else if (unlink(sub) != 0)
			rc = cx_fail(e, CX_EIO, "%s: cannot remove: %s", sub, strerror(errno));
	}
	closedir(d);
	if (rc == 0 && rmdir(path) != 0)
		rc = cx_fail(e, CX_EIO, "%s: cannot remove: %s", path, strerror(errno));
	return rc;
}

/* Whether the process whose PID is the decimal text `pid` still runs:
 * the shards of a job run side by side under their own locks, and one
 * must not remove another's directory in the making. */
static bool process_alive(const char *pid)
{
	char *end;
	long v = strtol(pid, &end, 10);

	if (end == pid || *end != '\0' || v <= 0)
		return false;
	return kill((pid_t)v, 0) == 0 || errno == EPERM;
}

/* Remove OUT/.*.tmp-PID and OUT/.*.old-PID left by runs that died. */
static void remove_leftovers(const char *out)
{
	DIR *d = opendir(out);
	struct dirent *ent;

	if (d == NULL)
		return;
	while ((ent = readdir(d)) != NULL) {
		char sub[RUNDIR_PATH_MAX];
		const char *mark = strstr(ent->d_name, ".tmp-") ? strstr(ent->d_name, ".tmp-") : strstr(ent->d_name, ".old-");
		if (ent->d_name[0] != '.' || mark == NULL || process_alive(mark + 5))
			continue;
		snprintf(sub, sizeof sub, "%s/%s", out, ent->d_name);
		rundir_remove_tree(sub, NULL);
	}
	closedir(d);
}

int rundir_begin(struct rundir *r, const char *out, cx_date date,
		 struct cx_error *e)
{
	return rundir_begin_suffix(r, out, date, "", e);
}

int rundir_begin_suffix(struct rundir *r, const char *out, cx_date date,
			const char *suffix, struct cx_error *e)
{
	static const char *const subdirs[] = {"pdf", "charts"};
	int n;

	memset(r, 0, sizeof *r);
	date_format(date, r->date);
	if (strlen(suffix) >= sizeof r->name - DATE_STR_SIZE)
		return cx_fail(e, CX_ECANTCREAT, "run directory suffix \"%s\" too long", suffix);
	snprintf(r->name, sizeof r->name, "%s%s", r->date, suffix);
	n = snprintf(r->out, sizeof r->out, "%s", out);
	if (n < 0 || (size_t)n + 40 + sizeof r->name >= sizeof r->out)
		return cx_fail(e, CX_ECANTCREAT, "%s: output path too long", out);
	snprintf(r->tmp, sizeof r->tmp, "%s/.%s.tmp-%ld", out, r->name, (long)getpid());
	snprintf(r->final, sizeof r->final, "%s/%s", out, r->name);
	if (rundir_mkdirs(out, e) != 0)
		return -1;
	remove_leftovers(out);
	for (size_t i = 0; i < sizeof subdirs / sizeof subdirs[0]; i++) {
		char sub[RUNDIR_PATH_MAX + 16];
		snprintf(sub, sizeof sub, "%s/%s", r->tmp, subdirs[i]);
		if (rundir_mkdirs(sub, e) != 0)
			return -1;
	}
	return 0;
}

/* Make the directory entries durable before telling anyone. */
static void sync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

static int replace_by_exchange(struct rundir *r, struct cx_error *e)
{
	if (renameat2(AT_FDCWD, r->tmp, AT_FDCWD, r->final, RENAME_EXCHANGE) == 0)
		return rundir_remove_tree(r->tmp, e);
	if (errno != EINVAL && errno != ENOSYS)
		return cx_fail(e, CX_ECANTCREAT, "%s: cannot replace: %s", r->final, strerror(errno));
	/* No RENAME_EXCHANGE here: move the old run aside first. */
	char old[RUNDIR_PATH_MAX + sizeof r->name + 32];
	snprintf(old, sizeof old, "%s/.%s.old-%ld", r->out, r->name, (long)getpid());
	if (rename(r->final, old) != 0 || rename(r->tmp, r->final) != 0)
		return cx_fail(e, CX_ECANTCREAT, "%s: cannot replace: %s", r->final, strerror(errno));
	return rundir_remove_tree(old, e);
}

int rundir_commit(struct rundir *r, struct cx_error *e)
{
	struct stat st;

	if (lstat(r->final, &st) == 0) {
		if (!S_ISDIR(st.st_mode))
			return cx_fail(e, CX_ECANTCREAT, "%s: exists and is not a directory", r->final);
		if (replace_by_exchange(r, e) != 0)
			return -1;
		r->replaced = 1;
	} else if (rename(r->tmp, r->final) != 0) {
		return cx_fail(e, CX_ECANTCREAT, "%s: cannot rename into place: %s", r->final, strerror(errno));
	}
	sync_dir(r->out);
	return 0;
}

void rundir_abort(struct rundir *r)
{
	rundir_remove_tree(r->tmp, NULL);
}
