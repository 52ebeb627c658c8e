/* archive.c - write-once copies of published files (see archive.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "archive.h"
#include "atomicfile.h"
#include "rundir.h"

#define ARCHIVE_CHUNK 65536
/* Largest file archived (read whole before it is published). */
#define ARCHIVE_FILE_MAX ((size_t)1 << 30)

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

int archive_put(const char *archive, cx_date date, const char *src,
		const char *name, enum archive_result *res, struct cx_error *e)
{
	char dir[ARCHIVE_PATH_MAX], dst[ARCHIVE_PATH_MAX * 2];
	int rc;

	if (archive_day_dir(archive, date, dir, sizeof dir) == NULL)
		return cx_fail(e, CX_ECANTCREAT, "%s: archive path too long", archive);
	if (rundir_mkdirs(dir, e) != 0)
		return -1;
	snprintf(dst, sizeof dst, "%s/%s", dir, name);
	if (access(dst, F_OK) != 0) {
		/* link(2) inside: a file archived meanwhile is kept (rc 1) and
		 * compared below. */
		rc = atomicfile_copy(src, dst, ARCHIVE_FILE_MAX, ATOMICFILE_KEEP, e);
		if (rc < 0)
			return -1;
		if (rc == 0) {
			*res = ARCHIVE_COPIED;
			return 0;
		}
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

int archive_day_created(const char *archive, cx_date date, long long now,
			long long *created, struct cx_error *e)
{
	char dir[ARCHIVE_PATH_MAX], path[ARCHIVE_PATH_MAX + 16], buf[ARCHIVE_CREATED_MAX];
	int rc;

	if (archive_day_dir(archive, date, dir, sizeof dir) == NULL)
		return cx_fail(e, CX_ECANTCREAT, "%s: archive path too long", archive);
	snprintf(path, sizeof path, "%s/%s", dir, ARCHIVE_CREATED_FILE);
	if ((rc = read_created(path, created, e)) != 0)
		return rc < 0 ? -1 : 0;
	if (rundir_mkdirs(dir, e) != 0)
		return -1;
	/* Kept, not replaced: a time already fixed (a concurrent first attempt
	 * of another job sharing the archive) wins, and is read back. */
	int n = snprintf(buf, sizeof buf, "%lld\n", now);
	rc = atomicfile_write(path, buf, (size_t)n, ATOMICFILE_KEEP, e);
	if (rc < 0)
		return -1;
	if (rc == 1) {
		rc = read_created(path, created, e);
		return rc == 1 ? 0 : rc < 0 ? -1 : cx_fail(e, CX_EIO, "%s: vanished while being read", path);
	}
	*created = now;
	return 0;
}
