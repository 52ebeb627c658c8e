/* pool.c - one function over n items on N threads, and the same with the
 * results taken in order as they are made (pool.h). */
#include <pthread.h>
#include <stdlib.h>

#include "pool.h"
#include "progress.h"
#include "xalloc.h"

struct pool {
	pthread_mutex_t lock;
	size_t next, n;
	pool_work work;
	void *ctx;
	struct progress *pg;
	struct cx_error first_error;
};

static void *worker(void *arg)
{
	struct pool *p = arg;

	for (;;) {
		struct cx_error e;
		size_t i;
		pthread_mutex_lock(&p->lock);
		i = p->next++;
		pthread_mutex_unlock(&p->lock);
		if (i >= p->n)
			return NULL;
		cx_error_clear(&e);
		int rc = p->work(p->ctx, i, &e);
		pthread_mutex_lock(&p->lock);
		if (rc != 0 && p->first_error.code == CX_OK)
			p->first_error = e;
		pthread_mutex_unlock(&p->lock);
		if (p->pg != NULL)
			progress_step(p->pg);
	}
}

/* Up to threads - 1 threads running fn(arg) besides the caller's (no more
 * than there are items beyond the caller's first, nor POOL_THREADS_MAX);
 * returns how many started. A thread that cannot be had is done without:
 * the caller's thread does its share. */
static int start(int threads, size_t n, void *(*fn)(void *), void *arg,
		 pthread_t tids[POOL_THREADS_MAX])
{
	int nt = threads < (int)n ? threads : (int)n, started = 0;

	if (nt > POOL_THREADS_MAX)
		nt = POOL_THREADS_MAX;
	for (int t = 1; t < nt; t++)
		if (pthread_create(&tids[started], NULL, fn, arg) == 0)
			started++;
	return started;
}

static void join(const pthread_t *tids, int started)
{
	for (int t = 0; t < started; t++)
		pthread_join(tids[t], NULL);
}

int pool_run(int threads, size_t n, pool_work work, void *ctx, struct progress *pg,
	     struct cx_error *e)
{
	struct pool p = {.lock = PTHREAD_MUTEX_INITIALIZER, .n = n, .work = work, .ctx = ctx, .pg = pg};
	pthread_t tids[POOL_THREADS_MAX];

	cx_error_clear(&p.first_error);
	int started = start(threads, n, worker, &p, tids);
	worker(&p);
	join(tids, started);
	pthread_mutex_destroy(&p.lock);
	if (p.first_error.code != CX_OK) {
		*e = p.first_error;
		return -1;
	}
	return 0;
}

/* ---- made on the pool, taken in order on the caller's thread ------------- */

enum { ITEM_PENDING, ITEM_DONE, ITEM_FAILED };

struct ordered {
	pthread_mutex_t lock;
	pthread_cond_t done;        /* signalled when item `awaited` is made */
	size_t next, n, awaited;    /* awaited: the item the caller waits for, or n */
	int stop;                   /* the caller stopped: start nothing more */
	unsigned char *state;       /* per item: ITEM_* */
	/* The failed item of lowest index and its error, or n: the one the
	 * caller reaches first, every item before it being taken. */
	size_t failed;
	struct cx_error failed_err;
	pool_work work;
	void *ctx;
};

/* The next item nobody has started, or n (none, or the run stopped). */
static size_t ordered_claim(struct ordered *o)
{
	pthread_mutex_lock(&o->lock);
	size_t i = o->stop ? o->n : o->next;
	if (i < o->n)
		o->next++;
	pthread_mutex_unlock(&o->lock);
	return i;
}

static void ordered_make(struct ordered *o, size_t i)
{
	struct cx_error e;
	cx_error_clear(&e);
	int rc = o->work(o->ctx, i, &e);
	pthread_mutex_lock(&o->lock);
	o->state[i] = rc == 0 ? ITEM_DONE : ITEM_FAILED;
	if (rc != 0 && i < o->failed) {
		o->failed = i;
		o->failed_err = e;
	}
	if (o->awaited == i)
		pthread_cond_signal(&o->done);
	pthread_mutex_unlock(&o->lock);
}

static void *ordered_worker(void *arg)
{
	struct ordered *o = arg;
	for (size_t i; (i = ordered_claim(o)) < o->n;)
		ordered_make(o, i);
	return NULL;
}

/* Item i once made (ITEM_DONE or ITEM_FAILED). While it is not, the
 * calling thread makes the next unstarted item itself rather than wait,
 * so that no core idles; it waits only when every item is under way. */
static int ordered_wait(struct ordered *o, size_t i)
{
	for (;;) {
		pthread_mutex_lock(&o->lock);
		int st = o->state[i];
		pthread_mutex_unlock(&o->lock);
		if (st != ITEM_PENDING)
			return st;
		size_t k = ordered_claim(o);
		if (k == o->n)
			break;
		ordered_make(o, k);
	}
	pthread_mutex_lock(&o->lock);
	o->awaited = i;
	while (o->state[i] == ITEM_PENDING)
		pthread_cond_wait(&o->done, &o->lock);
	o->awaited = o->n;
	int st = o->state[i];
	pthread_mutex_unlock(&o->lock);
	return st;
}

/* Take the items in order until one fails or take stops; 0 or -1 with `e`. */
static int ordered_take(struct ordered *o, pool_work take, void *tctx, struct cx_error *e)
{
	for (size_t i = 0; i < o->n; i++) {
		if (ordered_wait(o, i) == ITEM_FAILED) {
			*e = o->failed_err;   /* i == o->failed: all before it were taken */
			return -1;
		}
		if (take(tctx, i, e) != 0)
			return -1;
	}
	return 0;
}

int pool_run_ordered(int threads, size_t n, pool_work work, void *ctx, pool_work take,
		     void *tctx, struct cx_error *e)
{
	struct ordered o = {.lock = PTHREAD_MUTEX_INITIALIZER, .n = n, .awaited = n,
			    .failed = n, .work = work, .ctx = ctx};
	pthread_t tids[POOL_THREADS_MAX];

	pthread_cond_init(&o.done, NULL);
	o.state = xcalloc(n ? n : 1, sizeof *o.state);
	int started = start(threads, n, ordered_worker, &o, tids);
	int rc = ordered_take(&o, take, tctx, e);
	pthread_mutex_lock(&o.lock);
	o.stop = 1;
	pthread_mutex_unlock(&o.lock);
	join(tids, started);
	pthread_cond_destroy(&o.done);
	pthread_mutex_destroy(&o.lock);
	free(o.state);
	return rc;
}
