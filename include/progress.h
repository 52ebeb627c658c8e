/* progress.h - the progress bar of a long stage, on stderr.
 *
 * Drawn only when stderr is a terminal and the verbosity is 0 or 1 (-q
 * turns it off; so does -vv, whose line per item says as much): "label    [#########.....] 12/40", redrawn in place
 * and ended with a newline when the last item is done. Safe to step from
 * several threads (its own lock). Caller-owned: progress_init, then
 * progress_step per item, then progress_release.
 */
#ifndef CONVEX_PROGRESS_H
#define CONVEX_PROGRESS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#define PROGRESS_LABEL_MAX 24   /* the label is cut to this */

struct progress {
	pthread_mutex_t lock;
	char what[PROGRESS_LABEL_MAX];
	size_t done, total;
	bool on;                      /* drawing (a TTY, not -q) */
};

/* Start a bar of `total` items labelled `what`. */
void progress_init(struct progress *p, const char *what, size_t total);
/* One more item done; redraws the bar when it is on. */
void progress_step(struct progress *p);
/* n more items done at once (a batch); redraws the bar when it is on. */
void progress_add(struct progress *p, size_t n);
/* Finish the bar (the newline if it was drawn and not complete). */
void progress_release(struct progress *p);

#endif
