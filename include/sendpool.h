/* sendpool.h - a batch of messages through up to N parallel connections
 * to one relay.
 *
 * Each worker thread owns one struct smtp (smtp.h), so its connection is
 * reused from message to message and from batch to batch. Within a batch
 * the workers take the next message in order; a 4xx reply or a failure
 * before the final dot is retried by the same worker with exponential
 * backoff (SENDPOOL_RETRIES attempts), unless the relay's circuit breaker
 * (relay.h) has opened: then every worker stops, and the messages not
 * attempted are left so (item->attempted false). An unknown outcome (no
 * reply after the final dot) is never retried here: sending again could
 * deliver twice. The pool only sends; the ledger and the archive are the
 * caller's, in the caller's thread.
 */
#ifndef CONVEX_SENDPOOL_H
#define CONVEX_SENDPOOL_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "relay.h"
#include "smtp.h"

/* Attempts per message in one run for 4xx replies and failures before the
 * final dot, and the first pause between them (doubled each time, capped). */
#define SENDPOOL_RETRIES        4
#define SENDPOOL_BACKOFF_MS     250
#define SENDPOOL_BACKOFF_MAX_MS 8000
/* Most connections a job may ask for (also the schema's limit). */
#define SENDPOOL_MAX            16

struct send_item {
	/* in: borrowed, must live until sendpool_send returns */
	const char *from;          /* envelope sender (the return path, VERP) */
	const char *rcpt;
	const char *msg;
	size_t len;
	/* out */
	bool attempted;            /* false: the breaker stopped the batch first */
	int attempts;
	struct smtp_outcome out;
	struct cx_error err;       /* the last failure (out.result != SMTP_SENT) */
	void *user;                /* the caller's, untouched */
};

struct sendpool;

/* `n` workers (1..SENDPOOL_MAX) with their own connection to o->url;
 * `rate` messages per second over all of them (0: no limit). NULL with
 * `e` set as smtp_new. Caller frees. */
struct sendpool *sendpool_new(const struct smtp_opts *o, int n, double rate,
			      struct relay *relay, struct cx_error *e);
void sendpool_free(struct sendpool *p);

/* Called by the worker thread right after a message's 250, before the
 * next transaction (deliver.c archives the message there: a copy on disk
 * proves the 250 to the next run). Must be thread-safe. */
typedef void sendpool_accepted_fn(void *ctx, struct send_item *it);

/* Start sending items[0..n) in the pool's threads and return at once, so
 * that the caller can prepare the next batch meanwhile; sendpool_wait
 * returns when every item is done or the breaker is open, with the wall
 * time in *seconds. One batch at a time: wait before the next start. */
void sendpool_start(struct sendpool *p, struct send_item *items, size_t n,
		    sendpool_accepted_fn *accepted, void *ctx);
void sendpool_wait(struct sendpool *p, double *seconds);

/* While `on`, SIGTERM and SIGINT no longer kill the process: they ask the
 * pool to take no new message, so the transactions under way finish (and
 * the caller records them) instead of leaving an unknown outcome. Off
 * restores the previous handlers. sendpool_stopping says whether one came. */
void sendpool_catch_signals(bool on);
bool sendpool_stopping(void);

/* sendpool_start and sendpool_wait at once. */
void sendpool_send(struct sendpool *p, struct send_item *items, size_t n,
		   sendpool_accepted_fn *accepted, void *ctx, double *seconds);

#endif
