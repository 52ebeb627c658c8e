/* archive.c - write-once copies of published files (see archive.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "archive.h"
#include "rundir.h"

#define ARCHIVE_CHUNK 65536

char *archive_day_dir(const char *archive, cx_date date, char *buf, size_t size)
{
	int y, m, d;
	int n;

	date_to_ymd(date, &y, &m, &d);
	n = snprintf(buf, size, "%s/%04d/%02d/%02d", archive, y, m, d);
	return n < 0 || (size_t)n >= size ? NULL : buf;
}

/* Whether files a and b hold the same bytes; -1 with `e` on a read error. */
static int same_bytes(const char *a, const char *b, struct cx_error *e)
{
	FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
	static __thread unsigned char ba[ARCHIVE_CHUNK], bb[ARCHIVE_CHUNK];
	int rc = 1;

	if (fa == NULL || fb == NULL) {
		rc = cx_fail(e, CX_EIO, "%s: cannot read: %s", fa ? b : a, strerror(errno));
		goto done;
	}
	for (;;) {
		size_t na = fread(ba, 1, sizeof ba, fa), nb = fread(bb, 1, sizeof bb, fb);
		if (na != nb || memcmp(ba, bb, na) != 0) {
			rc = 0;
			break;
		}
		if (na == 0)
			break;
	}
done:
	if (fa)
		fclose(fa);
	if (fb)
		fclose(fb);
	return rc;
}

/* Copy src to dst (a temporary name); messages name `shown`, the final
 * name. */
static int copy_file(const char *src, const char *dst, const char *shown, struct cx_error *e)
{
	FILE *in = fopen(src, "rb"), *out = NULL;
	unsigned char buf[ARCHIVE_CHUNK];
	size_t n;
	int rc = 0;

	if (in == NULL)
		return cx_fail(e, CX_EIO, "%s: cannot read: %s", src, strerror(errno));
	if ((out = fopen(dst, "wb")) == NULL) {
		fclose(in);
		return cx_fail(e, CX_ECANTCREAT, "%s: cannot create: %s", shown, strerror(errno));
	}
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		if (fwrite(buf, 1, n, out) != n) {
			rc = cx_fail(e, CX_EIO, "%s: cannot archive: %s", shown, strerror(errno));
			break;
		}
	if (ferror(in) && rc == 0)
		rc = cx_fail(e, CX_EIO, "%s: read error", src);
	if ((fflush(out) != 0 || fsync(fileno(out)) != 0) && rc == 0)
		rc = cx_fail(e, CX_EIO, "%s: cannot archive: %s", shown, strerror(errno));
	if (fclose(out) != 0 && rc == 0)
		rc = cx_fail(e, CX_EIO, "%s: cannot archive: %s", shown, strerror(errno));
	fclose(in);
	return rc;
}

int archive_put(const char *archive, cx_date date, const char *src,
		const char *name, enum archive_result *res, struct cx_error *e)
{
	char dir[ARCHIVE_PATH_MAX], dst[ARCHIVE_PATH_MAX * 2], tmp[ARCHIVE_PATH_MAX * 2 + 32];
	int rc;

	if (archive_day_dir(archive, date, dir, sizeof dir) == NULL)
		return cx_fail(e, CX_ECANTCREAT, "%s: archive path too long", archive);
	if (rundir_mkdirs(dir, e) != 0)
		return -1;
	snprintf(dst, sizeof dst, "%s/%s", dir, name);
	snprintf(tmp, sizeof tmp, "%s/.%s.tmp-%ld", dir, name, (long)getpid());
	if (access(dst, F_OK) != 0) {
		if (copy_file(src, tmp, dst, e) != 0) {
			unlink(tmp);
			return -1;
		}
		rc = link(tmp, dst);
		unlink(tmp);
		if (rc == 0) {
			*res = ARCHIVE_COPIED;
			return 0;
		}
		if (errno != EEXIST)
			return cx_fail(e, CX_ECANTCREAT, "%s: cannot archive: %s", dst, strerror(errno));
		/* Someone archived it meanwhile: compare below. */
	}
	rc = same_bytes(src, dst, e);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return cx_fail(e, CX_ECANTCREAT, "%s: already archived with different content; refusing to overwrite (the archive keeps what was published; remove the file by hand to replace it)", dst);
	*res = ARCHIVE_SAME;
	return 0;
}

/* Read "<seconds>\n" from path: 1 with *t set, 0 when there is no file,
 * -1 with `e` set. */
static int read_created(const char *path, long long *t, struct cx_error *e)
{
	char buf[ARCHIVE_CREATED_MAX + 1], *end;
	FILE *f = fopen(path, "r");
	size_t n;

	if (f == NULL)
		return errno == ENOENT ? 0 : cx_fail(e, CX_EIO, "%s: cannot read: %s", path, strerror(errno));
	n = fread(buf, 1, ARCHIVE_CREATED_MAX, f);
	fclose(f);
	buf[n] = '\0';
	errno = 0;
	*t = strtoll(buf, &end, 10);
	if (n == 0 || end == buf || (*end != '\n' && *end != '\0') || errno || *t <= 0)
		return cx_fail(e, CX_EDATA, "%s: not a creation time in seconds since the epoch (remove it to start the day afresh)", path);
	return 1;
}

/* Write "<seconds>\n" to tmp, durably. */
static int write_created(const char *tmp, long long t, struct cx_error *e)
{
	char buf[ARCHIVE_CREATED_MAX];
	int n = snprintf(buf, sizeof buf, "%lld\n", t);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		return cx_fail(e, CX_ECANTCREAT, "%s: cannot create: %s", tmp, strerror(errno));
	if (write(fd, buf, (size_t)n) != n || fsync(fd) != 0) {
		int saved = errno;
		close(fd);
		return cx_fail(e, CX_EIO, "%s: write error: %s", tmp, strerror(saved ? saved : ENOSPC));
	}
	if (close(fd) != 0)
		return cx_fail(e, CX_EIO, "%s: write error: %s", tmp, strerror(errno));
	return 0;
}

int archive_day_created(const char *archive, cx_date date, long long now,
			long long *created, struct cx_error *e)
{
	char dir[ARCHIVE_PATH_MAX], path[ARCHIVE_PATH_MAX + 16], tmp[ARCHIVE_PATH_MAX + 48];
	int rc;

	if (archive_day_dir(archive, date, dir, sizeof dir) == NULL)
		return cx_fail(e, CX_ECANTCREAT, "%s: archive path too long", archive);
	snprintf(path, sizeof path, "%s/%s", dir, ARCHIVE_CREATED_FILE);
	if ((rc = read_created(path, created, e)) != 0)
		return rc < 0 ? -1 : 0;
	if (rundir_mkdirs(dir, e) != 0)
		return -1;
	snprintf(tmp, sizeof tmp, "%s.tmp-%ld", path, (long)getpid());
	if (write_created(tmp, now, e) != 0) {
		unlink(tmp);
		return -1;
	}
	/* link, not rename: a time already fixed (a concurrent first attempt
	 * of another job sharing the archive) is never replaced. */
	rc = link(tmp, path);
	int saved = errno;
	unlink(tmp);
	if (rc != 0 && saved != EEXIST)
		return cx_fail(e, CX_ECANTCREAT, "%s: cannot create: %s", path, strerror(saved));
	if (rc != 0) {
		rc = read_created(path, created, e);
		return rc == 1 ? 0 : rc < 0 ? -1 : cx_fail(e, CX_EIO, "%s: vanished while being read", path);
	}
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	*created = now;
	return 0;
}
