/* relay.h - the circuit breaker of one SMTP relay.
 *
 * Every attempt of a transaction reports whether it failed for the relay
 * (smtp.h's outcome.relay: refused, no or a 4xx greeting, TLS failure,
 * timeout or drop without a reply, 421) or went through to a reply about
 * the message itself. RELAY_TRIPS relay failures in a row, across all
 * connections, open the breaker: the batch stops and every message not yet
 * sent stays queued for the next run, so a dead relay costs a few
 * connection attempts, not one per subscriber. Safe to share between the
 * sending threads.
 */
#ifndef CONVEX_RELAY_H
#define CONVEX_RELAY_H

#include <pthread.h>
#include <stdbool.h>

#include "err.h"

#define RELAY_TRIPS 3

struct relay {
	pthread_mutex_t lock;
	int in_a_row;              /* relay failures since the last reply */
	bool open;                 /* tripped: send nothing more */
	struct cx_error last;      /* the failure that tripped it (or a fatal one) */
};

void relay_init(struct relay *r);
void relay_release(struct relay *r);

/* Count one attempt: `fault` true for a relay failure (`why` its reason).
 * Returns true when the breaker is (now) open. */
bool relay_note(struct relay *r, bool fault, const struct cx_error *why);

/* Open the breaker at once (a failure no retry cures: auth, STARTTLS). */
void relay_trip(struct relay *r, const struct cx_error *why);

bool relay_is_open(struct relay *r);

#endif
