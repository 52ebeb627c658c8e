/* pool.h - run one function over the items 0..n-1 on N threads.
 *
 * The items are handed out from a shared counter, so each is done exactly
 * once whatever the number of threads; results go to per-item slots the
 * caller owns, which keeps the output the same for every N.
 */
#ifndef CONVEX_POOL_H
#define CONVEX_POOL_H

#include <stddef.h>

#include "err.h"

#define POOL_THREADS_MAX 256

struct progress;

/* The work on item i; returns 0, or -1 with `e` set. */
typedef int (*pool_work)(void *ctx, size_t i, struct cx_error *e);

/* Run work(ctx, i, e) for every i in [0, n) on at most `threads` threads
 * (the caller's own thread among them); `pg` (may be NULL) is stepped once
 * per item. Every item is attempted even after a failure. Returns 0, or
 * -1 with `e` set to the first error in completion order. */
int pool_run(int threads, size_t n, pool_work work, void *ctx, struct progress *pg,
	     struct cx_error *e);

/* Make the items on at most `threads` threads (the caller's among them)
 * while the calling thread takes them: take(tctx, i, e) runs on the
 * calling thread for i = 0, 1, ... in order, each as soon as work(ctx, i,
 * e) has returned 0 for it. When item i is not made yet, the calling
 * thread makes the next unstarted item itself instead of waiting, so no
 * core idles while results are handed on in order (writing files: `convex
 * send`). A work that fails or a take that returns -1 stops the run: no
 * new item is started, those under way are finished (and not taken), and
 * -1 is returned with `e` set to that error. Each item is made at most
 * once and taken in order whatever the number of threads. Returns 0 when
 * every item was taken. When several items fail, the error is that of
 * the first in order (the one the takes reach), not the first in time. */
int pool_run_ordered(int threads, size_t n, pool_work work, void *ctx, pool_work take,
		     void *tctx, struct cx_error *e);

#endif
