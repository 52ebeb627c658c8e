/* subscribers.h - who gets the digest: the subscriber CSV and the
 * suppression list of a job.
 *
 * Subscribers: CSV `email,name,pairs` (an optional header row starting with
 * "email"; lines whose first field starts with "#" are comments). `pairs`
 * is empty (every watchlist pair) or a ";"-separated list of "A/B" pairs
 * and group names. Addresses are parsed by mail_parse_address; a malformed
 * address, a control character (CR, LF, ...) or invalid UTF-8 in any field
 * is logged as an error naming file:line and the row is skipped (counted in
 * nbad): one bad row costs that row, and nothing a subscriber file holds can
 * add a header.
 * Addresses compare case-insensitively; a repeated address keeps its first
 * line (and is logged as a warning), so everyone gets one message.
 *
 * Suppression: one address per line ("#" comments and blank lines
 * skipped); always honoured. A malformed line is logged with file:line,
 * skipped and counted in nbad.
 */
#ifndef CONVEX_SUBSCRIBERS_H
#define CONVEX_SUBSCRIBERS_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "mail.h"

/* Limits on the files (each bounds memory fed by them). */
#define SUBSCRIBERS_MAX       1000000  /* subscriber rows */
#define SUBSCRIBERS_PAIRS_MAX 1000     /* entries in one pairs field */
#define SUBSCRIBERS_TOKEN_MAX 130      /* bytes of one pair or group name */
#define SUPPRESSION_LINE_MAX  1024     /* bytes of one suppression line */

struct subscriber {
	char email[MAIL_ADDR_MAX + 1];   /* validated addr-spec */
	char name[MAIL_NAME_MAX + 1];    /* "" when none */
	char **pairs;                    /* "A/B" or group names; none = all */
	size_t npairs;
	long line;
};

struct subscribers {
	char *path;
	struct subscriber *v;
	size_t n;
	char **suppressed;               /* lowercased addresses, sorted */
	size_t nsuppressed;
	size_t nbad;                     /* rows skipped as malformed (logged) */
	bool quiet;                      /* subscribers_load_quiet: nothing logged */
};

/* Read the subscriber file at `path` and the suppression file at
 * `suppression` (NULL: none) into a new list. Returns NULL with `e` set:
 * CX_ENOINPUT for an unreadable file, CX_EDATA for a file that is not CSV
 * or past SUBSCRIBERS_MAX. A malformed row is not an error: it is logged
 * ("subscribers.csv:4: \"bob@\" is not one valid e-mail address; row
 * skipped") and counted in nbad.
 * Caller frees with subscribers_free. */
struct subscribers *subscribers_load(const char *path, const char *suppression,
				     struct cx_error *e);
/* The same without logging the rows it skips (the publication plan reads
 * the list before the mail stage, which reports them). */
struct subscribers *subscribers_load_quiet(const char *path, struct cx_error *e);
void subscribers_free(struct subscribers *s);

/* Whether `addr` (an addr-spec) is on the suppression list. */
bool subscribers_suppressed(const struct subscribers *s, const char *addr);

#endif
