/* runlock.h - one run of a job at a time.
 *
 * The lock is an fcntl write lock on OUT/.convex-NAME.lock, held for the
 * whole run and released by the kernel when the process ends (also on a
 * crash or kill -9: no stale lock to clean up). The file holds the
 * holder's PID as text, for people; the PID in messages comes from F_GETLK.
 */
#ifndef CONVEX_RUNLOCK_H
#define CONVEX_RUNLOCK_H

#include "err.h"

struct runlock {
	int fd;
};

/* Create OUT (when missing) and take the lock of job `name` there.
 * Returns 0, or -1 with `e` set: CX_ETEMPFAIL when another process holds
 * it ("job "demo" is already running (pid 1234; lock out/demo/.convex-demo.lock)"),
 * CX_ECANTCREAT when the directory or file cannot be created. */
int runlock_acquire(struct runlock *l, const char *out_dir, const char *name,
		    struct cx_error *e);
/* Release the lock (close the file; the file itself stays). */
void runlock_release(struct runlock *l);

#endif
