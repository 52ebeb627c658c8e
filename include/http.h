/* http.h - concurrent HTTP(S) GET requests (the only libcurl user for HTTP).
 *
 * All requests of one http_perform run at once on a curl multi handle, with
 * at most `max_host_connections` connections to one host. Every request is
 * bounded: connect and total timeouts, a maximum body size (enforced while
 * the body arrives), a limited number of redirects, only http and https
 * (also after a redirect), TLS peers and host names verified, any
 * Content-Encoding curl knows (gzip) accepted. Conditional requests send
 * If-None-Match / If-Modified-Since; the response's ETag and Last-Modified
 * are captured.
 *
 * Transient failures (HTTP 5xx and 429, timeouts, refused or reset
 * connections, a body cut short) are retried `retries` times with a backoff
 * that doubles from `backoff_ms`, or after the server's Retry-After when
 * that is longer; each request is retried on its own clock, and one
 * deadline bounds the whole call. Messages name requests by their
 * display_url, never by the real URL, so a key in the query never shows.
 */
#ifndef CONVEX_HTTP_H
#define CONVEX_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

/* Defaults (http_opts_init). */
#define HTTP_CONNECT_TIMEOUT_MS 10000
#define HTTP_TIMEOUT_MS         60000
#define HTTP_BODY_MAX           (64L << 20)  /* 64 MiB: decades of daily OHLC */
#define HTTP_HOST_CONNECTIONS   4            /* be polite to one service */
#define HTTP_REDIRECTS_MAX      5
#define HTTP_RETRIES            3
#define HTTP_BACKOFF_MS         500
#define HTTP_BACKOFF_MAX_MS     8000         /* one backoff never exceeds this */
/* A Retry-After (429, 503) longer than the backoff is honoured, up to this
 * and never past the deadline (then the request fails at once). */
#define HTTP_RETRY_AFTER_MAX_S  600
/* Bytes kept of a captured response header value; longer ones are dropped. */
#define HTTP_HEADER_VALUE_MAX   256
/* Bytes of a spooled body kept in memory (its start, for the checks that
 * look at the first bytes: gzip magic, UTF-16 BOM, Stooq's messages). */
#define HTTP_HEAD_MAX           4096

struct http_request;

struct http_opts {
	long connect_timeout_ms;
	long timeout_ms;             /* whole transfer, per attempt */
	long max_body;               /* bytes after decoding */
	long max_host_connections;
	long max_redirects;
	int retries;                 /* extra attempts after a transient failure */
	long backoff_ms;             /* wait before the first retry */
	long deadline_ms;            /* the whole http_perform, retries and
					Retry-After waits included; 0: none.
					What is open when it passes fails. */
	/* Called once per request as soon as its outcome is final (in the
	 * calling thread); http_perform frees the body right after it, so
	 * only bodies still in flight are held in memory. NULL: the bodies
	 * stay in the requests for the caller. */
	void (*on_done)(struct http_request *r, void *ctx);
	void *ctx;
	/* NULL: each body is held in memory (body, len). Else a path
	 * prefix: each body is written as it arrives to a temporary file
	 * PREFIX-XXXXXX (mkstemp; spool), only its first HTTP_HEAD_MAX bytes
	 * kept in `body`, so memory stays bounded whatever the body's size.
	 * A process killed mid-transfer leaves its file: whoever owns the
	 * prefix removes those (store_lock does for a store's). */
	const char *spool_prefix;
};

/* Fill `o` with the defaults above. */
void http_opts_init(struct http_opts *o);

struct http_request {
	/* Set by the caller; borrowed, must outlive http_perform. */
	const char *url;             /* the real URL (may carry a key) */
	const char *display_url;     /* the URL for messages (key redacted) */
	const char *if_none_match;   /* ETag to revalidate, or NULL/"" */
	const char *if_modified_since; /* HTTP date, or NULL/"" */
	const char *extra_header;    /* "Name: value" (an API key), or NULL */

	/* Set by http_perform. */
	long status;                 /* final HTTP status, 0 without a response */
	char *body;                  /* malloc'd, NUL-terminated; NULL when empty;
					spooled: only the first head_len bytes */
	size_t len;                  /* bytes of the whole body */
	size_t head_len;             /* bytes in `body` (== len unless spooled) */
	bool has_nul;                /* a NUL byte anywhere in the body */
	char last;                   /* the body's last byte ('\0' when empty) */
	char *spool;                 /* malloc'd path of the file holding the
					whole body, or NULL (held in memory) */
	char etag[HTTP_HEADER_VALUE_MAX];          /* "" when absent */
	char last_modified[HTTP_HEADER_VALUE_MAX];
	char content_type[HTTP_HEADER_VALUE_MAX];
	int attempts;
	/* CX_OK when a 200 or 304 came back. Otherwise one line naming
	 * display_url: CX_EUNAVAILABLE (unreachable, timeout, 5xx, 4xx),
	 * CX_ENOPERM (401, 403), CX_EDATA (body past max_body),
	 * CX_EPROTOCOL (too many redirects, other statuses, bad protocol). */
	struct cx_error err;
};

/* Run the `n` requests concurrently (retrying transient failures), each
 * one's outcome in its own fields. Returns 0 when they ran (some may have
 * failed: look at each err), or -1 with `e` set (CX_ESOFTWARE) when curl
 * could not be set up. Call http_request_release on each afterwards. */
int http_perform(struct http_request *reqs, size_t n,
		 const struct http_opts *o, struct cx_error *e);

/* Take one response header line (`len` bytes, not NUL-terminated, as
 * received, line end included) into `r`: a status line ("HTTP/...") starts
 * a new response and clears the captured values; ETag, Last-Modified and
 * Content-Type are captured (trimmed; "" when longer than
 * HTTP_HEADER_VALUE_MAX - 1). http_perform calls it for every header; it
 * is public for the fuzz harness. */
void http_take_header(struct http_request *r, const char *line, size_t len);

/* Free what http_perform put into `r` (the body; the spool file is
 * removed). */
void http_request_release(struct http_request *r);

/* Percent-encode `s` for a URL query. Returns a malloc'd string (caller
 * frees); aborts on out-of-memory. */
char *http_escape(const char *s);

#endif
