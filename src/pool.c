/* pool.c - one function over n items on N threads (pool.h). */
#include <pthread.h>

#include "pool.h"
#include "progress.h"

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

int pool_run(int threads, size_t n, pool_work work, void *ctx, struct progress *pg,
	     struct cx_error *e)
{
	struct pool p = {.lock = PTHREAD_MUTEX_INITIALIZER, .n = n, .work = work, .ctx = ctx, .pg = pg};
	pthread_t tids[POOL_THREADS_MAX];
	int nt = threads < (int)n ? threads : (int)n, started = 0;

	if (nt > POOL_THREADS_MAX)
		nt = POOL_THREADS_MAX;
	cx_error_clear(&p.first_error);
	for (int t = 1; t < nt; t++)
		if (pthread_create(&tids[started], NULL, worker, &p) == 0)
			started++;
	worker(&p);
	for (int t = 0; t < started; t++)
		pthread_join(tids[t], NULL);
	pthread_mutex_destroy(&p.lock);
	if (p.first_error.code != CX_OK) {
		*e = p.first_error;
		return -1;
	}
	return 0;
}
