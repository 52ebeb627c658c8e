/* store.h - the local price store: an SQLite file that keeps every price
 * fetched over HTTP and, per fetched URL, its validators.
 *
 * Tables (readable with the sqlite3 shell):
 *   prices(symbol, date 'YYYY-MM-DD', close, source, fetched_at)
 *       one close per symbol and date; fetched_at in Unix seconds
 *   fetches(source, symbol, url, etag, last_modified, fetched_at)
 *       one row per source and symbol: the URL last asked (redacted, never
 *       an API key), its ETag and Last-Modified, and the time of the last
 *       successful fetch (200 or 304)
 *   corrections(symbol, date, old_close, new_close, source, at)
 *       every past price that a later fetch changed; new_close 0: the row
 *       was deleted because the source no longer has it
 *   adjustments(symbol, ratio, first_date, last_date, rows, source, at)
 *       one row per re-adjustment of a whole history (a dividend or split
 *       adjustment by the source): every stored close was multiplied by
 *       ratio, the dates it covered and how many rows
 *   quarantine(source, symbol, date, close, url, why, at)
 *       the rows of a body that was not merged because it disagreed with
 *       the stored history (most likely another ticker); kept for a look
 *
 * Safety: each merge is one IMMEDIATE transaction, so a crash at any moment
 * leaves either the old or the new rows. The database runs in WAL mode with
 * a busy timeout, and store_lock gives one process at a time the right to
 * fetch (the other gets CX_ETEMPFAIL). This is the only module that includes
 * sqlite3.h for prices.
 */
#ifndef CONVEX_STORE_H
#define CONVEX_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "date.h"
#include "err.h"

/* How long a statement waits for another process's write lock. */
#define STORE_BUSY_TIMEOUT_MS 10000
/* Bytes of a stored validator (ETag / Last-Modified) and of a URL; longer
 * header values are not kept (the next request is then unconditional). */
#define STORE_VALIDATOR_MAX 256
#define STORE_URL_MAX       2048
/* A fetch spools bodies to temporary files named after the store,
 * "<store path>.spool-XXXXXX" (http.h; the X's are mkstemp's). */
#define STORE_SPOOL_SUFFIX ".spool"
#define STORE_SPOOL_RANDOM_LEN 6

struct store;

/* Open (creating when missing) the store at `path` and its tables.
 * Returns the store (caller frees with store_close) or NULL with `e` set:
 * CX_ECANTCREAT when the file cannot be created, CX_EDATA when it is not a
 * convex store (not SQLite, or a failed integrity check of the schema),
 * CX_ETEMPFAIL when another process keeps it locked past the timeout. */
struct store *store_open(const char *path, struct cx_error *e);
void store_close(struct store *s);

/* Take the store's fetch lock (flock on PATH.lock, held until
 * store_close): one fetching process at a time. Once it has the lock it
 * removes the spool files (store_spool_prefix) a fetch killed
 * mid-transfer left: only the lock's holder writes them. Returns 0, or -1
 * with `e` set: CX_ETEMPFAIL when another process holds it, CX_ECANTCREAT
 * when the lock file cannot be opened. */
int store_lock(struct store *s, struct cx_error *e);

/* The prefix for the store's spool files ("<path>.spool"; http.h's
 * spool_prefix), valid until store_close. */
const char *store_spool_prefix(const struct store *s);

/* What the store knows of one source's symbol. */
struct store_fetch {
	bool known;                       /* false: never fetched */
	char url[STORE_URL_MAX];
	char etag[STORE_VALIDATOR_MAX];   /* "" when none */
	char last_modified[STORE_VALIDATOR_MAX];
	int64_t fetched_at;               /* Unix seconds of the last success */
};

/* Read the fetch record of (source, symbol) into *f (f->known false when
 * there is none). Returns 0 or -1 with `e` set (CX_EIO). */
int store_get_fetch(struct store *s, const char *source, const char *symbol,
		    struct store_fetch *f, struct cx_error *e);

/* Record a successful fetch without new rows (304 Not Modified): the
 * validators and fetched_at of (source, symbol) become those of `f`.
 * Returns 0 or -1 with `e` set; nothing changes on error. */
int store_touch(struct store *s, const char *source, const char *symbol,
		const struct store_fetch *f, struct cx_error *e);

/* One day's close. */
struct store_row {
	cx_date date;
	double close;
};

/* What a merge did. */
struct store_merge_result {
	size_t added;       /* dates the store did not have */
	size_t corrected;   /* dates whose close changed (logged, kept in corrections) */
	size_t unchanged;
	size_t deleted;     /* stored dates the source no longer has */
	size_t adjusted;    /* stored rows scaled by a re-adjustment */
};

/* How a merge treats the stored rows. */
struct store_merge_opts {
	cx_date delete_from;  /* stored dates >= this that the new rows lack
				 are deleted (recorded as corrections); 0: none */
	bool delete_all;      /* every stored date the new rows lack (repair) */
	double ratio;         /* != 1: first scale every stored close by it, as
				 one adjustment (one log line, one record);
				 the new rows that then agree are no corrections */
};

/* Merge `n` rows of `symbol` fetched from `source` and record the fetch
 * `f` (validators, fetched_at), all in one transaction, as `o` says (NULL:
 * nothing deleted, no ratio): a new date is added, a changed close replaces the old one and is logged with log_warn
 * and kept in corrections. Returns 0, or -1 with `e` set (CX_EIO,
 * CX_ETEMPFAIL when locked past the timeout) and the store unchanged. */
int store_merge(struct store *s, const char *source, const char *symbol,
		const struct store_row *rows, size_t n,
		const struct store_fetch *f, const struct store_merge_opts *o,
		struct store_merge_result *res, struct cx_error *e);

/* Keep the `n` rows of a body that is not merged (the reason `why`, the
 * redacted `url`) in the quarantine table, in one transaction. Returns 0
 * or -1 with `e` set. */
int store_quarantine(struct store *s, const char *source, const char *symbol,
		     const struct store_row *rows, size_t n, const char *url,
		     const char *why, int64_t now, struct cx_error *e);

/* All stored rows of `symbol`, oldest first, as a malloc'd array in *rows
 * (caller frees; NULL when there are none) of *n items. Returns 0 or -1
 * with `e` set. */
int store_rows(struct store *s, const char *symbol, struct store_row **rows,
	       size_t *n, struct cx_error *e);

#endif
