/* relay.c - the circuit breaker of one SMTP relay (relay.h). */
#include "relay.h"

void relay_init(struct relay *r)
{
	pthread_mutex_init(&r->lock, NULL);
	r->in_a_row = 0;
	r->open = false;
	cx_error_clear(&r->last);
}

void relay_release(struct relay *r)
{
	pthread_mutex_destroy(&r->lock);
}

bool relay_note(struct relay *r, bool fault, const struct cx_error *why)
{
	pthread_mutex_lock(&r->lock);
	if (!fault) {
		r->in_a_row = 0;
	} else if (++r->in_a_row >= RELAY_TRIPS && !r->open) {
		r->open = true;
		r->last = *why;
	}
	bool open = r->open;
	pthread_mutex_unlock(&r->lock);
	return open;
}

void relay_trip(struct relay *r, const struct cx_error *why)
{
	pthread_mutex_lock(&r->lock);
	if (!r->open || r->last.code == CX_ETEMPFAIL)
		r->last = *why;
	r->open = true;
	pthread_mutex_unlock(&r->lock);
}

bool relay_is_open(struct relay *r)
{
	pthread_mutex_lock(&r->lock);
	bool open = r->open;
	pthread_mutex_unlock(&r->lock);
	return open;
}
