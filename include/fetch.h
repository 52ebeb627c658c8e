/* fetch.h - keep the price store (store.h) up to date from a job's HTTP
 * sources (job.h <source>), and hand the stored prices to a run.
 *
 * One "item" is one symbol of one source: one URL (the template with
 * {symbol} = the asset's ticker, {start}/{end} = ISO dates). For each item:
 *   - fetched successfully less than max-age-hours ago: "fresh", not asked;
 *   - else a GET, conditional on the ETag/Last-Modified stored for that URL:
 *     304 -> "not modified" (only the fetch time changes); 200 -> the body is
 *     checked, then merged in one transaction -> "updated (+N rows)";
 *   - a failure keeps the stored rows as they were -> "failed (why)".
 * A 200 is rejected, naming the URL (API key redacted), when the body is
 * empty, an HTML page, truncated (no final line end, a short row), of
 * another symbol (a long file's symbol column or a wide file's header is
 * not the ticker), or holds a price <= 0, > FETCH_PRICE_MAX, or more than
 * FETCH_JUMP_MAX times away from its neighbour (in the body or the store).
 */
#ifndef CONVEX_FETCH_H
#define CONVEX_FETCH_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "date.h"
#include "err.h"
#include "http.h"
#include "job.h"
#include "prices.h"
#include "store.h"

/* Plausibility of a fetched close. */
#define FETCH_PRICE_MAX 1e9
#define FETCH_JUMP_MAX  50.0
/* Days before the last stored date that a {start} asks again, so that a
 * corrected recent price is seen. */
#define FETCH_OVERLAP_DAYS 14

/* Bytes of an item's name in messages: source, symbol, ticker. */
#define FETCH_NAME_MAX (3 * PRICES_SYMBOL_MAX + 8)

struct fetch_opts {
	bool force;          /* ask even a fresh source (still conditional) */
	const char *repair;  /* this job symbol: ask unconditionally for the
				whole history and make the store hold exactly
				what the source sends (deleting the rest) */
	bool offline;        /* no request at all: the store only */
	int64_t now;         /* Unix seconds; 0: the clock */
	cx_date as_of;       /* date the stored prices must be fresh for; 0:
				the job's as-of, else today (UTC) */
	struct http_opts http;
};

/* Defaults: not forced, online, the clock, http_opts_init. */
void fetch_opts_init(struct fetch_opts *o);

enum fetch_status {
	FETCH_FRESH,         /* fetched < max age ago, not asked */
	FETCH_NOT_MODIFIED,  /* 304 */
	FETCH_UPDATED,       /* 200, merged */
	FETCH_FAILED,        /* see why; the store kept its rows */
	FETCH_OFFLINE,       /* not asked: --offline */
};

struct fetch_item {
	const char *source;  /* borrowed from the job */
	const char *symbol;  /* job symbol, borrowed from the job */
	char url[STORE_URL_MAX];   /* as asked, API key redacted */
	enum fetch_status status;
	size_t added, corrected;
	size_t deleted;            /* stored rows the source no longer has */
	size_t adjusted;           /* stored rows scaled by a re-adjustment */
	double ratio;              /* that re-adjustment's ratio */
	size_t future;             /* rows refused: dated in the future */
	size_t suspects;           /* suspected bad prints and splits (new days) */
	bool quarantined;          /* the body was kept apart, not merged */
	char name[FETCH_NAME_MAX]; /* "stooq TLT (tlt.us)": messages name it so */
	struct cx_error why;       /* FAILED: the reason (code and line) */
	size_t stored;             /* rows in the store afterwards */
	cx_date last;              /* last stored date, 0 when none */
	bool usable;               /* stored prices reach far enough for the
				      as-of date (job's stale-days) */
};

struct fetch_report {
	struct fetch_item *items;  /* one per source symbol, in job order */
	size_t n;
	size_t failed;
	size_t unusable;           /* items whose pairs a run must skip */
};

void fetch_report_release(struct fetch_report *r);

/* Refresh the store of job `j` (j->store.path) from its sources as above,
 * holding the store's fetch lock. *rep is filled (caller releases) also
 * when individual items fail; those failures are not an error here.
 * Returns 0, or -1 with `e` set when nothing could be done: the store
 * cannot be opened (store_open's codes), another process is fetching
 * (CX_ETEMPFAIL), libcurl cannot start (CX_ESOFTWARE). */
int fetch_job(const struct job *j, const struct fetch_opts *o,
	      struct fetch_report *rep, struct cx_error *e);

/* What `convex run` calls before it loads the job's files: fetch_job
 * (unless o->offline), then add each source symbol's stored prices to `p`
 * (prices_add, source named after the store) when they are usable. An item
 * that failed but is usable is logged as a warning ("using stored prices
 * up to DATE"); an unusable one is logged too and left out of `p`, so its
 * pairs are skipped: the caller reports rep->items[i].symbol where
 * !usable. Returns 0, or -1 with `e` set (fetch_job's errors, or
 * prices_add's). */
int fetch_job_prices(const struct job *j, struct prices *p,
		     const struct fetch_opts *o, struct fetch_report *rep,
		     struct cx_error *e);

/* The checks fetch_job makes on a 200 from source `src` for the job symbol
 * `symbol` (asked as `ticker`, named `url` in messages), without the store:
 * the body is checked as above (the jumps within the body only) and loaded
 * into `p`. Returns the series that would be merged (owned by `p`), or NULL
 * with `e` set (CX_EDATA). Used by fetch_job and by the fuzz harness. */
const struct series *fetch_check_response(const struct job_source *src,
					  const char *symbol,
					  const char *ticker,
					  const char *url,
					  const struct http_request *r,
					  struct prices *p,
					  struct cx_error *e);

/* "fresh (not asked)", "not modified", "updated", "failed", "offline". */
const char *fetch_status_name(enum fetch_status s);

/* Print one line per item: `stooq TLT: updated (+12 rows, 1 corrected)`,
 * `stooq IWM: failed (URL: HTTP status 503 (after retries))`. */
void fetch_report_print(FILE *f, const struct fetch_report *r);

#endif
