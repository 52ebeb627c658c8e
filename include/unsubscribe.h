/* unsubscribe.h - one CGI/1.1 request to the unsubscribe endpoint
 * (RFC 3875; RFC 8058 one-click).
 *
 *   GET  ?email=A&token=T   valid: a confirmation page with one button (a
 *                            form that POSTs the same parameters)
 *   POST ?email=A&token=T   valid: A is suppressed (unsubscribe-web), 200
 *        body "List-Unsubscribe=One-Click" (RFC 8058) or the page's form
 *   a forged, stale or missing token: 400 and a neutral page that says
 *   nothing about whether A is subscribed; another method: 405; a body
 *   over UNSUB_BODY_MAX or a query over UNSUB_QUERY_MAX or bad encoding:
 *   400. Suppressing twice is harmless (200 both times). Each request is
 *   logged as one line on stderr.
 */
#ifndef CONVEX_UNSUBSCRIBE_H
#define CONVEX_UNSUBSCRIBE_H

#include <stdio.h>

#include "err.h"

struct job;

/* Longest query string and request body read (a link carries an address
 * of at most 254 octets, percent-encoded, and a token of ~100). */
#define UNSUB_QUERY_MAX 2048
#define UNSUB_BODY_MAX  4096

/* The CGI meta-variables the endpoint reads (NULL when unset). */
struct unsub_request {
	const char *method;          /* REQUEST_METHOD */
	const char *query;           /* QUERY_STRING */
	const char *content_length;  /* CONTENT_LENGTH */
	const char *content_type;    /* CONTENT_TYPE */
	const char *remote_addr;     /* REMOTE_ADDR, for the log line */
};

/* The request from the environment. */
void unsub_request_from_env(struct unsub_request *r);

/* Answer request `r` for `job`, reading its body from `in` and writing
 * the CGI response (Status, headers, page) to `out`. Returns the HTTP
 * status sent; 500 or 503 come with `e` set (the job's keys, the
 * database), after the response was written. */
int unsubscribe_serve(const struct job *job, const struct unsub_request *r,
		      FILE *in, FILE *out, struct cx_error *e);

/* Answer 500 for a request whose job could not be loaded. */
void unsubscribe_fail_page(FILE *out);

#endif
