/* runlock.c - the per-job run lock (see runlock.h). fcntl rather than flock
 * because F_GETLK tells who holds the lock. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rundir.h"
#include "runlock.h"

#define RUNLOCK_PATH_MAX 4096

int runlock_acquire(struct runlock *l, const char *out_dir, const char *name,
		    struct cx_error *e)
{
	char path[RUNLOCK_PATH_MAX], pid[32];
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
	int n;

	l->fd = -1;
	if (rundir_mkdirs(out_dir, e) != 0)
		return -1;
	n = snprintf(path, sizeof path, "%s/.convex-%s.lock", out_dir, name);
	if (n < 0 || (size_t)n >= sizeof path)
		return cx_fail(e, CX_ECANTCREAT, "%s: path too long", out_dir);
	if ((l->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0)
		return cx_fail(e, CX_ECANTCREAT, "%s: cannot create lock: %s", path, strerror(errno));
	if (fcntl(l->fd, F_SETLK, &fl) != 0) {
		int err = errno;
		struct flock who = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
		long holder = fcntl(l->fd, F_GETLK, &who) == 0 && who.l_type != F_UNLCK ? (long)who.l_pid : -1;
		close(l->fd);
		l->fd = -1;
		if (err == EACCES || err == EAGAIN)
			return cx_fail(e, CX_ETEMPFAIL, "job \"%s\" is already running (pid %ld; lock %s); try again when it has finished",
				       name, holder, path);
		return cx_fail(e, CX_ECANTCREAT, "%s: cannot lock: %s", path, strerror(err));
	}
	n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
	if (ftruncate(l->fd, 0) != 0 || pwrite(l->fd, pid, (size_t)n, 0) != n)
		return runlock_release(l), cx_fail(e, CX_EIO, "%s: cannot write: %s", path, strerror(errno));
	return 0;
}

void runlock_release(struct runlock *l)
{
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
}
