/* rundir.h - the run directory OUT/YYYY-MM-DD, never half-written.
 *
 * A run is assembled in OUT/.YYYY-MM-DD.tmp-PID (with pdf/ and charts/)
 * and renamed into place by rundir_commit. When OUT/YYYY-MM-DD already
 * exists (a rerun of the same day) the new directory replaces it
 * atomically: renameat2(RENAME_EXCHANGE) swaps the two, then the old one
 * (now under the temporary name) is removed, so a reader always sees either
 * the whole old run or the whole new one. On a file system without
 * RENAME_EXCHANGE the old directory is first renamed aside
 * (OUT/.YYYY-MM-DD.old-PID), leaving a moment with no directory at all,
 * never a partial one. Leftover temporary directories of crashed runs are
 * removed by rundir_begin: those whose PID (the name's last part) no longer
 * runs — the shards of a job run side by side under their own locks.
 */
#ifndef CONVEX_RUNDIR_H
#define CONVEX_RUNDIR_H

#include "date.h"
#include "err.h"

#define RUNDIR_PATH_MAX 4096

struct rundir {
	char out[RUNDIR_PATH_MAX];    /* OUT */
	char tmp[RUNDIR_PATH_MAX];    /* OUT/.YYYY-MM-DD.tmp-PID: write here */
	char final[RUNDIR_PATH_MAX];  /* OUT/YYYY-MM-DD */
	char date[DATE_STR_SIZE];
	char name[DATE_STR_SIZE + 48];  /* YYYY-MM-DD[suffix]: the final name */
	int replaced;                 /* 1 after commit replaced an older run */
};

/* mkdir -p `path`. Returns 0, or -1 with `e` set (CX_ECANTCREAT). */
int rundir_mkdirs(const char *path, struct cx_error *e);

/* mkdir -p `path`, directories it creates mode 0700, and `path` itself made
 * 0700 when it already existed (private mail). Same returns. */
int rundir_mkdirs_private(const char *path, struct cx_error *e);

/* Remove `path` and everything under it (no error when missing).
 * Returns 0, or -1 with `e` set (CX_EIO). */
int rundir_remove_tree(const char *path, struct cx_error *e);

/* Prepare the temporary directory for the run of `date` in `out`.
 * Returns 0, or -1 with `e` set (CX_ECANTCREAT). */
int rundir_begin(struct rundir *r, const char *out, cx_date date,
		 struct cx_error *e);

/* The same for a directory named YYYY-MM-DD`suffix` (a shard's
 * ".shard-K-of-N"; at most 47 bytes). */
int rundir_begin_suffix(struct rundir *r, const char *out, cx_date date,
			const char *suffix, struct cx_error *e);

/* Rename the temporary directory into OUT/YYYY-MM-DD (see above).
 * Returns 0, or -1 with `e` set (CX_ECANTCREAT, CX_EIO). */
int rundir_commit(struct rundir *r, struct cx_error *e);

/* Remove the temporary directory after a failed run. */
void rundir_abort(struct rundir *r);

#endif
