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

/* The day's file holding the creation time of its documents. */
#define ARCHIVE_CREATED_FILE ".created"
/* Upper bound on the bytes of a valid .created ("<seconds>\n"). */
#define ARCHIVE_CREATED_MAX 32

/* The creation time of the day's documents (seconds since the epoch),
 * fixed by the day's first attempt: read from ARCHIVE/YYYY/MM/DD/.created,
 * or, when there is none, `now` is written there (creating directories;
 * temporary file, fsync, link(2) to the final name so that it is never
 * replaced, fsync of the directory) and returned. A rerun of a killed or
 * failed day thus makes byte-identical PDFs, which the archive accepts.
 * Returns 0 with *created set, or -1 with `e` set: CX_ECANTCREAT when the
 * file or its directories cannot be created, CX_EIO on a write error,
 * CX_EDATA when the file exists but does not hold a number of seconds. */
int archive_day_created(const char *archive, cx_date date, long long now,
			long long *created, struct cx_error *e);

#endif
