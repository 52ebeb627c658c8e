/* atomicfile.h - publish a file whole or not at all.
 *
 * Every file convex writes for others to read (PDFs, charts, messages,
 * reports, manifests, the web edition, the archive) goes through here: the
 * bytes go to a temporary file in the same directory, are fsync'd, and only
 * then take the final name; the directory is fsync'd after. A crash or a
 * full disk never leaves half a file under a final name, and a failed write
 * removes its temporary file.
 *
 * Errors (one line naming the final path and the reason):
 *   CX_ECANTCREAT  the temporary file cannot be created (no such
 *                  directory, read-only, no permission, path too long);
 *   CX_EIO         writing, syncing or moving it failed (disk full, ...);
 *   CX_ENOINPUT    atomicfile_copy: the source cannot be read;
 *   CX_EDATA       atomicfile_copy: the source is larger than `max`.
 */
#ifndef CONVEX_ATOMICFILE_H
#define CONVEX_ATOMICFILE_H

#include <stddef.h>

#include "err.h"

enum atomicfile_mode {
	ATOMICFILE_REPLACE,  /* rename(2): an existing file is replaced */
	ATOMICFILE_KEEP,     /* link(2): an existing file is kept, never replaced */
};

/* Publish `len` bytes of `data` as `path` (mode 0644).
 * Returns 0 when written, 1 when mode is ATOMICFILE_KEEP and `path` already
 * existed (it is left as it was), -1 with `e` set. */
int atomicfile_write(const char *path, const void *data, size_t len,
		     enum atomicfile_mode mode, struct cx_error *e);

/* As atomicfile_write, but the file is mode 0600 from its creation: for
 * what only the operator may read (sent messages, the delivery manifest). */
int atomicfile_write_private(const char *path, const void *data, size_t len,
			     enum atomicfile_mode mode, struct cx_error *e);

/* Read the whole file `src`, at most `max` bytes, into *data (malloc'd,
 * caller frees; *len bytes). 0, or -1 with `e` set: CX_ENOINPUT when it
 * cannot be read, CX_EDATA when it is larger than `max`. */
int atomicfile_read(const char *src, size_t max, char **data, size_t *len,
		    struct cx_error *e);

/* Publish a copy of the file `src` (at most `max` bytes) as `path`, as
 * atomicfile_write does. Same returns. */
int atomicfile_copy(const char *src, const char *path, size_t max,
		    enum atomicfile_mode mode, struct cx_error *e);

/* Deferred syncing of a private directory: between these two calls, files
 * published under `dir` (a run's temporary directory, which nobody reads
 * before it is renamed into place) skip their fsync and their directory's;
 * atomicfile_sync_deferred then makes them all durable with one syncfs(2)
 * of dir's file system, before the caller renames the directory. A run of
 * 435 pairs writes some 3,000 files: one journal commit instead of 6,000.
 * Call both from one thread while no atomicfile_write is in flight.
 * atomicfile_sync_deferred returns 0, or -1 with `e` set (CX_EIO) when the
 * sync fails (e may be NULL); it always ends the deferral. */
void atomicfile_defer_sync(const char *dir);
int atomicfile_sync_deferred(struct cx_error *e);

#endif
