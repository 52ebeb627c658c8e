/* atomicfile.c - temporary file, fsync, rename or link, fsync the directory. */
#define _GNU_SOURCE   /* syncfs(2) */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicfile.h"
#include "xalloc.h"

/* The directory whose files skip their syncs (atomicfile_defer_sync); set
 * and cleared while no write is in flight, only read meanwhile. */
static char defer_dir[PATH_MAX];
static size_t defer_len;

static int deferred(const char *path)
{
	return defer_len > 0 && strncmp(path, defer_dir, defer_len) == 0 &&
	       path[defer_len] == '/';
}

void atomicfile_defer_sync(const char *dir)
{
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	defer_len = n < sizeof defer_dir ? n : 0;
	memcpy(defer_dir, dir, defer_len);
	defer_dir[defer_len] = '\0';
}

int atomicfile_sync_deferred(struct cx_error *e)
{
	int fd, err = 0;

	if (defer_len == 0)
		return 0;
	fd = open(defer_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || syncfs(fd) != 0)
		err = errno;
	if (fd >= 0)
		close(fd);
	defer_len = 0;
	if (err != 0 && e != NULL)
		return cx_fail(e, CX_EIO, "%s: cannot sync: %s", defer_dir, strerror(err));
	return err != 0 ? -1 : 0;
}

/* Make the new name itself durable: fsync the directory holding `path`.
 * Best effort: some file systems refuse fsync on a directory. */
static void sync_dir(const char *path)
{
	char copy[PATH_MAX];

	snprintf(copy, sizeof copy, "%s", path);
	int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
}

/* Write all of data to fd and fsync it (unless `sync` is 0). Returns 0 or
 * an errno value. */
static int write_all(int fd, const char *data, size_t len, int sync)
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
	return sync && fsync(fd) != 0 ? errno : 0;
}

static int write_perm(const char *path, const void *data, size_t len,
		      enum atomicfile_mode mode, mode_t perm, struct cx_error *e)
{
	char tmp[PATH_MAX];
	int err, rc;

	/* A hidden name next to the final one: same file system for the
	 * rename, and a leftover after a crash stays out of listings. */
	const char *base = strrchr(path, '/');
	int dirlen = base != NULL ? (int)(base - path) + 1 : 0;
	base = base != NULL ? base + 1 : path;
	if (snprintf(tmp, sizeof tmp, "%.*s.%s.tmp-XXXXXX", dirlen, path, base) >= (int)sizeof tmp)
		return cx_fail(e, CX_ECANTCREAT, "%s: path too long", path);
	int fd = mkstemp(tmp);
	if (fd < 0)
		return cx_fail(e, CX_ECANTCREAT, "%s: cannot create: %s", path, strerror(errno));
	int later = deferred(path);
	err = fchmod(fd, perm) != 0 ? errno : write_all(fd, data, len, !later);
	if (close(fd) != 0 && err == 0)
		err = errno;
	if (err == 0) {
		rc = mode == ATOMICFILE_KEEP ? link(tmp, path) : rename(tmp, path);
		err = rc != 0 ? errno : 0;
	}
	unlink(tmp);   /* after link: the temporary name; after rename: gone */
	if (mode == ATOMICFILE_KEEP && err == EEXIST)
		return 1;
	if (err != 0)
		return cx_fail(e, CX_EIO, "%s: cannot write: %s", path, strerror(err));
	if (!later)
		sync_dir(path);
	return 0;
}

int atomicfile_write(const char *path, const void *data, size_t len,
		     enum atomicfile_mode mode, struct cx_error *e)
{
	return write_perm(path, data, len, mode, 0644, e);
}

int atomicfile_write_private(const char *path, const void *data, size_t len,
			     enum atomicfile_mode mode, struct cx_error *e)
{
	return write_perm(path, data, len, mode, 0600, e);
}

int atomicfile_read(const char *src, size_t max, char **data, size_t *len,
		    struct cx_error *e)
{
	FILE *in = fopen(src, "rb");
	struct stat st;

	*data = NULL;
	*len = 0;
	if (in == NULL)
		return cx_fail(e, CX_ENOINPUT, "%s: cannot read: %s", src, strerror(errno));
	if (fstat(fileno(in), &st) != 0 || st.st_size < 0 || (size_t)st.st_size > max) {
		fclose(in);
		return cx_fail(e, CX_EDATA, "%s: cannot copy: larger than %zu bytes", src, max);
	}
	size_t n = (size_t)st.st_size;
	char *buf = xmalloc(n ? n : 1);
	int bad = fread(buf, 1, n, in) != n || ferror(in);
	fclose(in);
	if (bad) {
		free(buf);
		return cx_fail(e, CX_ENOINPUT, "%s: read error", src);
	}
	*data = buf;
	*len = n;
	return 0;
}

int atomicfile_copy(const char *src, const char *path, size_t max,
		    enum atomicfile_mode mode, struct cx_error *e)
{
	char *buf;
	size_t len;

	if (atomicfile_read(src, max, &buf, &len, e) != 0)
		return -1;
	int rc = atomicfile_write(path, buf, len, mode, e);
	free(buf);
	return rc;
}
