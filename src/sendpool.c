/* sendpool.c - parallel SMTP connections for a batch (sendpool.h). */
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include <glib.h>

#include "killpoint.h"
#include "log.h"
#include "sendpool.h"
#include "xalloc.h"

struct worker {
	struct sendpool *p;
	struct smtp *smtp;
};

struct sendpool {
	struct smtp *conn[SENDPOOL_MAX];
	pthread_t tid[SENDPOOL_MAX];
	struct worker w[SENDPOOL_MAX];
	int nthreads;               /* running for the current batch */
	double t0;
	int n;
	double rate;
	struct relay *relay;
	pthread_mutex_t lock;       /* next, next_slot */
	/* the batch being sent */
	struct send_item *items;
	size_t nitems, next;
	sendpool_accepted_fn *accepted;
	void *ctx;
	double next_slot;           /* rate limit: earliest time of the next send */
};

/* Set by the signal handler (async-signal-safe), read by the workers. */
static volatile sig_atomic_t stop_requested;
static struct sigaction old_term, old_int;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

void sendpool_catch_signals(bool on)
{
	if (on) {
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_signal;
		sigemptyset(&sa.sa_mask);
		stop_requested = 0;
		sigaction(SIGTERM, &sa, &old_term);
		sigaction(SIGINT, &sa, &old_int);
	} else {
		sigaction(SIGTERM, &old_term, NULL);
		sigaction(SIGINT, &old_int, NULL);
	}
}

bool sendpool_stopping(void)
{
	return stop_requested != 0;
}

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

struct sendpool *sendpool_new(const struct smtp_opts *o, int n, double rate,
			      struct relay *relay, struct cx_error *e)
{
	struct sendpool *p = xcalloc(1, sizeof *p);
	p->n = n < 1 ? 1 : n > SENDPOOL_MAX ? SENDPOOL_MAX : n;
	p->rate = rate;
	p->relay = relay;
	pthread_mutex_init(&p->lock, NULL);
	for (int i = 0; i < p->n; i++)
		if ((p->conn[i] = smtp_new(o, e)) == NULL) {
			sendpool_free(p);
			return NULL;
		}
	return p;
}

void sendpool_free(struct sendpool *p)
{
	if (p == NULL)
		return;
	for (int i = 0; i < p->n; i++)
		smtp_free(p->conn[i]);
	pthread_mutex_destroy(&p->lock);
	free(p);
}

/* The next item to send, or NULL when the batch is done or stopped;
 * waits for the rate limit's slot. */
static struct send_item *take(struct sendpool *p)
{
	struct send_item *it = NULL;
	double wait = 0;
	if (relay_is_open(p->relay) || stop_requested)
		return NULL;
	pthread_mutex_lock(&p->lock);
	if (p->next < p->nitems) {
		it = &p->items[p->next++];
		if (p->rate > 0) {
			double t = now_s();
			if (p->next_slot > t)
				wait = p->next_slot - t;
			p->next_slot = (p->next_slot > t ? p->next_slot : t) + 1.0 / p->rate;
		}
	}
	pthread_mutex_unlock(&p->lock);
	if (wait > 0)
		g_usleep((gulong)(wait * 1e6));
	return it;
}

/* One message with its retries. */
static void send_item(struct worker *w, struct send_item *it)
{
	unsigned pause = SENDPOOL_BACKOFF_MS;
	it->attempted = true;
	for (;;) {
		it->attempts++;
		cx_error_clear(&it->err);
		enum smtp_result r = smtp_send(w->smtp, it->from, it->rcpt, it->msg, it->len,
					       &it->out, &it->err);
		if (r == SMTP_SENT) {
			killpoint("after-250");
			w->p->accepted(w->p->ctx, it);
		}
		if (r == SMTP_FATAL) {
			relay_trip(w->p->relay, &it->err);
			return;
		}
		bool down = relay_note(w->p->relay, it->out.relay, &it->err);
		if (r != SMTP_TEMPFAIL || down || it->attempts >= SENDPOOL_RETRIES)
			return;
		log_info("%s; retrying in %u ms", it->err.msg, pause);
		g_usleep((gulong)pause * 1000);
		pause = pause * 2 > SENDPOOL_BACKOFF_MAX_MS ? SENDPOOL_BACKOFF_MAX_MS : pause * 2;
		if (relay_is_open(w->p->relay) || stop_requested)
			return;
	}
}

static void *work(void *arg)
{
	struct worker *w = arg;
	struct send_item *it;
	while ((it = take(w->p)) != NULL)
		send_item(w, it);
	return NULL;
}

void sendpool_start(struct sendpool *p, struct send_item *items, size_t n,
		    sendpool_accepted_fn *accepted, void *ctx)
{
	p->items = items;
	p->accepted = accepted;
	p->ctx = ctx;
	p->nitems = n;
	p->next = 0;
	p->nthreads = 0;
	p->t0 = now_s();
	int want = (size_t)p->n < n ? p->n : (int)n;
	for (int i = 0; i < want; i++) {
		p->w[i] = (struct worker){p, p->conn[i]};
		if (pthread_create(&p->tid[i], NULL, work, &p->w[i]) != 0)
			break;
		p->nthreads++;
	}
	/* Not even one thread: send in this one (slower, not wrong). */
	if (p->nthreads == 0 && n > 0) {
		p->w[0] = (struct worker){p, p->conn[0]};
		work(&p->w[0]);
	}
}

void sendpool_wait(struct sendpool *p, double *seconds)
{
	for (int i = 0; i < p->nthreads; i++)
		pthread_join(p->tid[i], NULL);
	p->nthreads = 0;
	*seconds = now_s() - p->t0;
}

void sendpool_send(struct sendpool *p, struct send_item *items, size_t n,
		   sendpool_accepted_fn *accepted, void *ctx, double *seconds)
{
	sendpool_start(p, items, n, accepted, ctx);
	sendpool_wait(p, seconds);
}
