/* atomicset.c - many files, each atomic, one sync (atomicset.h). */
#define _GNU_SOURCE   /* syncfs */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicfile.h"
#include "atomicset.h"
#include "xalloc.h"

struct staged {
	char *tmp, *path;
	bool link;     /* a hard link: rename(2) may leave tmp (see commit) */
};

struct atomicset {
	struct staged *v;
	size_t n, cap;
	int fs_fd;     /* a file on the file system to syncfs, or -1 */
	unsigned long links;   /* hard links staged, for their names */
};

struct atomicset *atomicset_new(void)
{
	struct atomicset *s = xcalloc(1, sizeof *s);
	s->fs_fd = -1;
	return s;
}

/* The hidden temporary name next to `path`. */
static int tmp_name(const char *path, char *tmp, size_t size)
{
	const char *base = strrchr(path, '/');
	int dirlen = base != NULL ? (int)(base - path) + 1 : 0;
	base = base != NULL ? base + 1 : path;
	return snprintf(tmp, size, "%.*s.%s.tmp-XXXXXX", dirlen, path, base) >= (int)size ? -1 : 0;
}

static void add(struct atomicset *s, const char *tmp, const char *path, bool link)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 64;
		s->v = xrealloc_array(s->v, s->cap, sizeof *s->v);
	}
	s->v[s->n++] = (struct staged){.tmp = xstrdup(tmp), .path = xstrdup(path), .link = link};
}

static int write_fd(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? errno : ENOSPC;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

static int write_perm(struct atomicset *s, const char *path, const void *data, size_t len,
		      mode_t perm, struct cx_error *e)
{
	char tmp[PATH_MAX];
	int err;

	if (tmp_name(path, tmp, sizeof tmp) != 0)
		return cx_fail(e, CX_ECANTCREAT, "%s: path too long", path);
	int fd = mkstemp(tmp);
	if (fd < 0)
		return cx_fail(e, CX_ECANTCREAT, "%s: cannot create: %s", path, strerror(errno));
	err = fchmod(fd, perm) != 0 ? errno : write_fd(fd, data, len);
	if (err == 0 && s->fs_fd < 0)
		s->fs_fd = dup(fd);
	if (close(fd) != 0 && err == 0)
		err = errno;
	if (err != 0) {
		unlink(tmp);
		return cx_fail(e, CX_EIO, "%s: cannot write: %s", path, strerror(err));
	}
	add(s, tmp, path, false);
	return 0;
}

int atomicset_write(struct atomicset *s, const char *path, const void *data, size_t len,
		    struct cx_error *e)
{
	return write_perm(s, path, data, len, 0644, e);
}

int atomicset_write_private(struct atomicset *s, const char *path, const void *data,
			    size_t len, struct cx_error *e)
{
	return write_perm(s, path, data, len, 0600, e);   /* mkstemp's 0600 from the start */
}

/* Stage `src` as a hard link under a temporary name next to `path`:
 * the name from the process id and a counter (one link(2), no mkstemp),
 * else a mkstemp name when that one is taken. 0; -1 with `e` set; else
 * errno of link(2) (another file system: the caller copies). */
static int stage_link(struct atomicset *s, const char *src, const char *path,
		      struct cx_error *e)
{
	char tmp[PATH_MAX], suffix[48];
	const char *base = strrchr(path, '/');
	int dirlen = base != NULL ? (int)(base - path) + 1 : 0;

	base = base != NULL ? base + 1 : path;
	snprintf(suffix, sizeof suffix, "tmp-%ld-%lu", (long)getpid(), s->links++);
	if (snprintf(tmp, sizeof tmp, "%.*s.%s.%s", dirlen, path, base, suffix) >= (int)sizeof tmp)
		return cx_fail(e, CX_ECANTCREAT, "%s: path too long", path);
	if (link(src, tmp) != 0) {
		if (errno != EEXIST)
			return errno;
		/* A name left by an earlier process of this id: mkstemp makes a
		 * unique one, then it is replaced by the link. */
		if (tmp_name(path, tmp, sizeof tmp) != 0)
			return cx_fail(e, CX_ECANTCREAT, "%s: path too long", path);
		int fd = mkstemp(tmp);
		if (fd < 0)
			return errno;
		close(fd);
		unlink(tmp);
		if (link(src, tmp) != 0)
			return errno;
	}
	if (s->fs_fd < 0)
		s->fs_fd = open(tmp, O_RDONLY | O_CLOEXEC);   /* the commit syncs what the links name */
	add(s, tmp, path, true);
	return 0;
}

int atomicset_link(struct atomicset *s, const char *src, const char *path, size_t max,
		   struct cx_error *e)
{
	struct stat a, b;

	/* Already there: `path` is a link to `src`, whose bytes never change
	 * in place (a day published again). */
	if (stat(src, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino)
		return 0;
	int err = stage_link(s, src, path, e);
	if (err == 0)
		return 0;
	if (err < 0)
		return -1;
	char *buf;
	size_t len;
	if (atomicfile_read(src, max, &buf, &len, e) != 0)
		return -1;
	int rc = atomicset_write(s, path, buf, len, e);
	free(buf);
	return rc;
}

static int cmp_dir(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Make the renames durable: one syncfs of the file system the files were
 * written on, and an fsync of each directory that received a file and is
 * on another file system. A directory fsync forces a journal commit each
 * (ext4): 470 of them made up 0.3 s of a web edition of 435 pairs, one
 * syncfs about 10 ms. */
static void sync_dirs(const struct atomicset *s)
{
	struct stat fs, st;
	bool have_fs = s->fs_fd >= 0 && fstat(s->fs_fd, &fs) == 0 && syncfs(s->fs_fd) == 0;
	char **dirs = xcalloc(s->n + 1, sizeof *dirs);
	for (size_t i = 0; i < s->n; i++) {
		char copy[PATH_MAX];
		snprintf(copy, sizeof copy, "%s", s->v[i].path);
		dirs[i] = xstrdup(dirname(copy));
	}
	qsort(dirs, s->n, sizeof *dirs, cmp_dir);
	for (size_t i = 0; i < s->n; i++) {
		if (i > 0 && strcmp(dirs[i], dirs[i - 1]) == 0)
			continue;
		if (have_fs && stat(dirs[i], &st) == 0 && st.st_dev == fs.st_dev)
			continue;   /* the syncfs above covered it */
		int fd = open(dirs[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0) {
			(void)fsync(fd);   /* best effort, as atomicfile's */
			close(fd);
		}
	}
	for (size_t i = 0; i < s->n; i++)
		free(dirs[i]);
	free(dirs);
}

int atomicset_commit(struct atomicset *s, struct cx_error *e)
{
	if (s->fs_fd >= 0 && syncfs(s->fs_fd) != 0)
		return cx_fail(e, CX_EIO, "%s: cannot sync the file system: %s",
			       s->n ? s->v[0].path : "?", strerror(errno));
	size_t i = 0;
	for (; i < s->n; i++) {
		if (rename(s->v[i].tmp, s->v[i].path) != 0)
			break;
		/* rename(2) does nothing when both names are links to one
		 * file (a chart linked again): drop the temporary name. */
		if (s->v[i].link)
			(void)unlink(s->v[i].tmp);
	}
	int err = i < s->n ? errno : 0;
	sync_dirs(s);
	if (err != 0)
		cx_fail(e, CX_EIO, "%s: cannot write: %s", s->v[i].path, strerror(err));
	for (size_t k = 0; k < i; k++) {
		free(s->v[k].tmp);
		s->v[k].tmp = NULL;
	}
	return err != 0 ? -1 : 0;
}

void atomicset_free(struct atomicset *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n; i++) {
		if (s->v[i].tmp != NULL)
			unlink(s->v[i].tmp);
		free(s->v[i].tmp);
		free(s->v[i].path);
	}
	if (s->fs_fd >= 0)
		close(s->fs_fd);
	free(s->v);
	free(s);
}
