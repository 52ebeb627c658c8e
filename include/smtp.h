/* smtp.h - sending messages through an SMTP relay with libcurl (the only
 * curl-for-SMTP user).
 *
 * smtp://host:587 requires STARTTLS (CURLUSESSL_ALL: no mail in clear);
 * smtps://host:465 is TLS from the start. Certificates are verified (a CA
 * file may replace the system's). One curl handle per struct smtp, so one
 * connection is reused for every message while the server keeps it open;
 * one recipient per message. A struct smtp belongs to one thread at a time.
 *
 * Each transaction is followed through its phases (connect and greeting,
 * MAIL FROM, RCPT TO, DATA, the message, the final dot) so that a failure
 * can be told apart: before MAIL FROM it is the relay's (the circuit
 * breaker counts it, relay.h); after the final dot without a reply the
 * outcome is unknown (the relay may have taken the message, RFC 1047).
 */
#ifndef CONVEX_SMTP_H
#define CONVEX_SMTP_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

/* Seconds from the TCP connect to the end of EHLO/STARTTLS/AUTH when the
 * job sets none: short, because a relay that does not greet within it is
 * down for our purposes, and three of them stop the batch (relay.h). */
#define SMTP_CONNECT_TIMEOUT 15
/* Seconds to wait for the reply to the final dot: RFC 5321 4.5.3.2
 * ("DATA Termination: 10 minutes"), unless the job sets another. */
#define SMTP_DATA_TIMEOUT 600

struct smtp_opts {
	const char *url;       /* smtp://host[:port] or smtps://host[:port] */
	const char *user;      /* NULL: no AUTH */
	const char *password;
	const char *ca_file;   /* NULL: the system's CAs */
	long timeout;          /* seconds for each reply to MAIL, RCPT, DATA
				  and for each part of the message; 0: 60 */
	long connect_timeout;  /* 0: SMTP_CONNECT_TIMEOUT */
	long data_timeout;     /* 0: SMTP_DATA_TIMEOUT */
};

enum smtp_result {
	SMTP_SENT,       /* 250 to the end of DATA */
	SMTP_TEMPFAIL,   /* 4xx, or no reply before the final dot: the message
			    was not taken; try again later */
	SMTP_PERMFAIL,   /* 5xx for this message or recipient: never retry */
	SMTP_UNKNOWN,    /* timeout or dropped connection after the final dot:
			    the relay may or may not have taken it */
	SMTP_FATAL,      /* nothing can be sent, and trying again will not help
			    (auth refused, no STARTTLS, bad certificate) */
};

struct smtp_outcome {
	enum smtp_result result;
	int code;      /* the server's last reply code (0 when there was none) */
	bool relay;    /* a failure of the relay, not of this recipient:
			  refused or failed connection, no greeting or a 4xx
			  one, TLS failure, timeout or drop without a reply,
			  421 (what the circuit breaker counts) */
	bool needs_utf8; /* SMTP_PERMFAIL decided here, nothing sent: the
			  address is not ASCII and the relay's EHLO did not
			  offer SMTPUTF8 */
};

struct smtp;

/* A new sender (nothing is connected yet). NULL with `e` set (CX_ECONFIG)
 * for a URL that is neither smtp:// nor smtps://. Caller frees. */
struct smtp *smtp_new(const struct smtp_opts *o, struct cx_error *e);
void smtp_free(struct smtp *s);

/* Whether the addr-spec `addr` has a non-ASCII character, so that it can
 * go only to a relay offering SMTPUTF8 (RFC 6531). */
bool smtp_needs_utf8(const char *addr);

/* Send `len` bytes of `msg` (CRLF lines) with the envelope sender `from`
 * (the return path; "" for the null sender) to `rcpt` (addr-specs).
 * A non-ASCII address goes out only when the relay's EHLO offers SMTPUTF8
 * (libcurl then adds the SMTPUTF8 parameter); else the message is not sent
 * and the result is SMTP_PERMFAIL with out->needs_utf8 (CX_EDATA). When no
 * EHLO of the connection was seen yet, a NOOP transaction learns it first.
 * Fills *out. For anything but SMTP_SENT `e` holds the reason, naming the
 * host; for SMTP_FATAL its code is CX_ENOPERM (authentication refused),
 * CX_EPROTOCOL (STARTTLS refused or not offered, certificate refused) or
 * CX_ECONFIG (CA file unreadable). Returns out->result. */
enum smtp_result smtp_send(struct smtp *s, const char *from, const char *rcpt,
			   const char *msg, size_t len, struct smtp_outcome *out,
			   struct cx_error *e);

#endif
