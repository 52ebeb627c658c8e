/* atomicfile.c - temporary file, fsync, rename or link, fsync the directory. */
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

/* Write all of data to fd and fsync it. Returns 0 or an errno value. */
static int write_all(int fd, const char *data, size_t len)
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
	return fsync(fd) != 0 ? errno : 0;
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
	err = fchmod(fd, perm) != 0 ? errno : write_all(fd, data, len);
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

int atomicfile_copy(const char *src, const char *path, size_t max,
		    enum atomicfile_mode mode, struct cx_error *e)
{
	FILE *in = fopen(src, "rb");
	struct stat st;

	if (in == NULL)
		return cx_fail(e, CX_ENOINPUT, "%s: cannot read: %s", src, strerror(errno));
	if (fstat(fileno(in), &st) != 0 || st.st_size < 0 || (size_t)st.st_size > max) {
		fclose(in);
		return cx_fail(e, CX_EDATA, "%s: cannot copy: larger than %zu bytes", src, max);
	}
	size_t len = (size_t)st.st_size;
	char *buf = xmalloc(len ? len : 1);
	int bad = fread(buf, 1, len, in) != len || ferror(in);
	fclose(in);
	int rc = bad ? cx_fail(e, CX_ENOINPUT, "%s: read error", src)
		     : atomicfile_write(path, buf, len, mode, e);
	free(buf);
	return rc;
}
