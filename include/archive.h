/* archive.h - the long-term archive ARCHIVE/YYYY/MM/DD/ of a job's PDFs.
 *
 * A file once archived is never changed: archiving a file whose name is
 * already taken is fine when the bytes are the same, and refused when they
 * differ (the archive is what was published that day). New files appear
 * atomically (written to a temporary name, then link(2)ed to the final
 * name, which fails rather than replace anything).
 */
#ifndef CONVEX_ARCHIVE_H
#define CONVEX_ARCHIVE_H

#include "date.h"
#include "err.h"

#define ARCHIVE_PATH_MAX 4096

enum archive_result { ARCHIVE_COPIED, ARCHIVE_SAME };

/* The day's directory ARCHIVE/YYYY/MM/DD into buf (size bytes); NULL when
 * it does not fit. */
char *archive_day_dir(const char *archive, cx_date date, char *buf, size_t size);

/* Copy the file `src` to ARCHIVE/YYYY/MM/DD/`name` (creating directories).
 * Returns 0 with *res set, or -1 with `e` set: CX_ECANTCREAT when the name
 * is taken by different bytes ("...: already archived with different
 * content; refusing to overwrite") or cannot be created, CX_EIO on a read
 * or write error. */
int archive_put(const char *archive, cx_date date, const char *src,
		const char *name, enum archive_result *res, struct cx_error *e);

#endif
