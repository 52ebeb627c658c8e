/* atomicset.h - many files published together, each atomically, with one
 * file-system sync instead of two fsyncs per file (the web edition writes
 * a thousand pages a day; atomicfile.h publishes one file at a time).
 *
 * atomicset_write/atomicset_link put each file under a hidden temporary
 * name next to its final one; atomicset_commit syncs the file system once
 * (syncfs), renames every file into place (an existing one is replaced) and
 * syncs the file system again for the renames (fsyncing instead each
 * directory that is on another file system). A reader sees the old file or the new one,
 * never a part; after a crash before the commit the old files are intact.
 * Directories must exist. Out of memory aborts (xalloc.h).
 */
#ifndef CONVEX_ATOMICSET_H
#define CONVEX_ATOMICSET_H

#include <stddef.h>

#include "err.h"

struct atomicset;

struct atomicset *atomicset_new(void);

/* Stage `len` bytes as `path` (mode 0644). 0, or -1 with `e` set:
 * CX_ECANTCREAT (cannot create), CX_EIO (write error). */
int atomicset_write(struct atomicset *s, const char *path, const void *data, size_t len,
		    struct cx_error *e);

/* As atomicset_write, mode 0600 from the file's creation (mail). */
int atomicset_write_private(struct atomicset *s, const char *path, const void *data,
			    size_t len, struct cx_error *e);

/* Stage the file `src` as `path`: a hard link when both are on one file
 * system (the file must never be changed in place; nothing is staged when
 * `path` already is a link to it), else a copy of at most `max` bytes. Same returns, and CX_ENOINPUT when src cannot be read. */
int atomicset_link(struct atomicset *s, const char *src, const char *path, size_t max,
		   struct cx_error *e);

/* Publish every staged file. 0, or -1 with `e` set (CX_EIO); files renamed
 * before the error stay published. */
int atomicset_commit(struct atomicset *s, struct cx_error *e);

/* Remove what was staged and not committed, and free. NULL is allowed. */
void atomicset_free(struct atomicset *s);

#endif
