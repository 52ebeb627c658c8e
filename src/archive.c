/* archive.c - write-once copies of published files (see archive.h). */
#include <errno.h>
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

static int copy_file(const char *src, const char *dst, struct cx_error *e)
{
	FILE *in = fopen(src, "rb"), *out = NULL;
	unsigned char buf[ARCHIVE_CHUNK];
	size_t n;
	int rc = 0;

	if (in == NULL)
		return cx_fail(e, CX_EIO, "%s: cannot read: %s", src, strerror(errno));
	if ((out = fopen(dst, "wb")) == NULL) {
		fclose(in);
		return cx_fail(e, CX_ECANTCREAT, "%s: cannot create: %s", dst, strerror(errno));
	}
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		if (fwrite(buf, 1, n, out) != n) {
			rc = cx_fail(e, CX_EIO, "%s: write error: %s", dst, strerror(errno));
			break;
		}
	if (ferror(in) && rc == 0)
		rc = cx_fail(e, CX_EIO, "%s: read error", src);
	if ((fflush(out) != 0 || fsync(fileno(out)) != 0) && rc == 0)
		rc = cx_fail(e, CX_EIO, "%s: write error: %s", dst, strerror(errno));
	fclose(out);
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
		if (copy_file(src, tmp, e) != 0) {
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
