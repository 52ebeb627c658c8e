/* smtp.h - sending messages through an SMTP relay with libcurl (the only
 * curl-for-SMTP user).
 *
 * smtp://host:587 requires STARTTLS (CURLUSESSL_ALL: no mail in clear);
 * smtps://host:465 is TLS from the start. Certificates are verified (a CA
 * file may replace the system's). One curl handle, so one connection is
 * reused for every message while the server keeps it open; one recipient
 * per message.
 */
#ifndef CONVEX_SMTP_H
#define CONVEX_SMTP_H

#include <stddef.h>

#include "err.h"

struct smtp_opts {
	const char *url;       /* smtp://host[:port] or smtps://host[:port] */
	const char *user;      /* NULL: no AUTH */
	const char *password;
	const char *ca_file;   /* NULL: the system's CAs */
	long timeout;          /* seconds for connect and for each transfer */
};

enum smtp_result {
	SMTP_SENT,       /* 250 to the end of DATA */
	SMTP_TEMPFAIL,   /* 4xx, or the connection dropped: try again later */
	SMTP_PERMFAIL,   /* 5xx for this message or recipient: never retry */
	SMTP_FATAL,      /* nothing can be sent (auth refused, no STARTTLS,
			    host unreachable): stop the batch */
};

struct smtp;

/* A new sender (nothing is connected yet). NULL with `e` set (CX_ECONFIG)
 * for a URL that is neither smtp:// nor smtps://. Caller frees. */
struct smtp *smtp_new(const struct smtp_opts *o, struct cx_error *e);
void smtp_free(struct smtp *s);

/* Send `len` bytes of `msg` (CRLF lines) from `from` to `rcpt` (addr-specs).
 * *code is the server's last reply code (0 when there was none). For
 * anything but SMTP_SENT `e` holds the reason; for SMTP_FATAL its code is
 * CX_ENOPERM (authentication refused), CX_EPROTOCOL (STARTTLS refused or
 * not offered), CX_EUNAVAILABLE (cannot connect; names the host) or
 * CX_ESOFTWARE. */
enum smtp_result smtp_send(struct smtp *s, const char *from, const char *rcpt,
			   const char *msg, size_t len, int *code,
			   struct cx_error *e);

#endif
