/* mail.h - the digest as an Internet message (GMime 3; the only GMime user).
 *
 * Structure:  multipart/alternative
 *               text/plain; charset=utf-8 (quoted-printable)
 *               multipart/related; type="text/html"
 *                 text/html; charset=utf-8 (quoted-printable)
 *                 image/png (base64, Content-ID) ... one per cid: in the HTML
 * Headers: From, To, Subject (RFC 2047 where needed), Date, Message-ID,
 * MIME-Version, List-Unsubscribe (<https URL>, <mailto>) and
 * List-Unsubscribe-Post: List-Unsubscribe=One-Click (RFC 8058). Lines end in
 * CRLF. Boundaries are hashes of the content and the Date and Message-ID
 * are inputs, so the same inputs always give the same bytes.
 */
#ifndef CONVEX_MAIL_H
#define CONVEX_MAIL_H

#include <stddef.h>
#include <time.h>

#include "err.h"
#include "token.h"

/* RFC 5321 limits: an address path is at most 256 octets (254 usable). */
#define MAIL_ADDR_MAX   255
/* Longest display name or subject accepted (a header, not an essay). */
#define MAIL_NAME_MAX   200
#define MAIL_SUBJECT_MAX 400
/* Most images one message carries, and most bytes of one image. */
#define MAIL_IMAGES_MAX 200
#define MAIL_IMAGE_MAX  (8u << 20)
/* Message-ID without angle brackets: 32 hex + "." + date + "@" + domain. */
#define MAIL_MSGID_MAX  (48 + MAIL_ADDR_MAX)
/* An unsubscribe token (token.h) and its NUL. */
#define MAIL_TOKEN_SIZE TOKEN_SIZE

/* Parse `text` as exactly one mailbox ("Name <a@b.c>" or "a@b.c") with
 * GMime's strict address parser. On success writes the addr-spec (domain
 * lowercased) into addr (MAIL_ADDR_MAX + 1 bytes) and, when `name` is not
 * NULL, the display name (MAIL_NAME_MAX + 1 bytes, "" when none); returns 0.
 * Returns -1 with `e` set (CX_EDATA, message names the address but not a
 * place: callers prefix file:line) when it is not exactly one valid
 * mailbox, holds a control character (CR, LF, ...) or is too long. */
int mail_parse_address(const char *text, char *addr, char *name,
		       struct cx_error *e);

/* The domain part of addr-spec `addr` (points into it), or NULL. */
const char *mail_domain(const char *addr);

/* The Message-ID (no brackets) of the digest of `job` for `as_of` to
 * `recipient`, on `domain`: a SHA-256 of the three, so a rebuilt message
 * has the same ID and different triples never share one. */
void mail_message_id(const char *job, const char *as_of,
		     const char *recipient, const char *domain,
		     char out[MAIL_MSGID_MAX]);

/* `base` with "email=ADDR&token=TOKEN" appended (after "?" or "&"),
 * percent-encoded. Returns a malloc'd string; caller frees. */
char *mail_unsubscribe_url(const char *base, const char *addr,
			   const char *token);

struct mail_content {
	const char *from;          /* "Name <addr>" as in the job (validated here) */
	const char *to_addr;       /* validated addr-spec */
	const char *to_name;       /* display name, may be "" or NULL */
	const char *subject;       /* one line of UTF-8 */
	const char *message_id;    /* mail_message_id */
	time_t date;
	const char *text;          /* the text part, UTF-8 */
	const char *html;          /* the HTML part, UTF-8 */
	const char *image_dir;     /* cid:PATH@DOMAIN in the HTML -> image_dir/PATH */
	const char *cid_domain;    /* the DOMAIN above */
	const char *unsubscribe_url;    /* https URL or NULL */
	const char *unsubscribe_mailto; /* addr-spec or NULL; subject "unsubscribe TOKEN ADDR" */
	const char *unsubscribe_token;
	const char *reply_to;      /* NULL: none */
	const char *list_name;     /* List-Id phrase (the digest title), or NULL */
	const char *list_label;    /* List-Id label (the job name); NULL: no List-Id */
	struct mail_images *images; /* NULL: every image read for this message alone */
};

/* The images of a batch of messages: each PNG under image_dir read,
 * checked and base64-encoded once, then reused by every message that
 * names it (the same chart goes to many subscribers). Safe to share
 * between threads building messages at once. Out of memory aborts. */
struct mail_images;
struct mail_images *mail_images_new(void);
void mail_images_free(struct mail_images *m);   /* NULL is allowed */

/* Build the message. On success *out is a malloc'd buffer of *len bytes
 * (CRLF line ends; caller frees) and 0 is returned. Errors: CX_EDATA for a
 * header value with CR/LF or past its limit, an invalid From, or a cid:
 * that does not name a PNG file under image_dir (path with "..", missing
 * file); CX_ENOINPUT for an unreadable image. */
int mail_build(const struct mail_content *c, char **out, size_t *len,
	       struct cx_error *e);

#endif
