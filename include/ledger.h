/* ledger.h - the delivery ledger: SQLite in WAL mode, one row per
 * (job, as-of date, recipient) with the Message-ID, status, last SMTP reply
 * code, attempts and times. The ledger is what makes delivery exactly once:
 *
 *   queued   -> sending  (committed before the SMTP transaction starts)
 *   sending  -> sent     (committed after the server's 250 to DATA)
 *            -> deferred (4xx or dropped connection before the final dot,
 *                         after the retries)
 *            -> unknown  (timeout or drop after the final dot: the relay
 *                         may have the message; not retried in the run)
 *            -> failed   (5xx; never retried)
 *            -> queued   (the batch stopped before sending it)
 *
 * A row still "sending" when a run starts was interrupted (kill -9) inside
 * its transaction; it is sent again like an "unknown" one, with the same
 * Message-ID and bytes (docs/mail-delivery.md). A change is its own
 * committed transaction (synchronous=FULL) unless the caller groups
 * several between ledger_begin and ledger_commit (deliver.c does, per
 * batch of messages).
 * An exclusive lock on LEDGER.lock keeps two deliveries from running at once.
 */
#ifndef CONVEX_LEDGER_H
#define CONVEX_LEDGER_H

#include <stdint.h>

#include "err.h"
#include "mail.h"

#define LEDGER_STATUS_MAX 16
#define LEDGER_DETAIL_MAX 256   /* bytes of the last error kept per row */

struct ledger;

struct ledger_row {
	char status[LEDGER_STATUS_MAX];
	char message_id[MAIL_MSGID_MAX];
	int smtp_code;
	int attempts;
	int64_t date;             /* the message's Date header (Unix time) */
	char sha256[65];          /* of the message's bytes, recorded with
				     "sending" ("" before the first attempt) */
};

/* Open (creating when missing) the ledger at `path` and take its lock.
 * NULL with `e` set: CX_ECANTCREAT when it cannot be created, CX_ETEMPFAIL
 * when another process holds the lock, CX_ESOFTWARE for SQLite errors.
 * Caller frees with ledger_free (releases the lock). */
struct ledger *ledger_open(const char *path, struct cx_error *e);
void ledger_free(struct ledger *l);

/* The row of (job, as_of, rcpt): 1 and *row filled, 0 when there is none,
 * -1 with `e` set. */
int ledger_get(struct ledger *l, const char *job, const char *as_of,
	       const char *rcpt, struct ledger_row *row, struct cx_error *e);

/* Insert (job, as_of, rcpt) as "queued" with its Message-ID and Date unless
 * it is there already. Returns 0 or -1 with `e` set. */
int ledger_queue(struct ledger *l, const char *job, const char *as_of,
		 const char *rcpt, const char *message_id, int64_t date,
		 struct cx_error *e);

/* Set the status (and code, detail; sha256 NULL keeps the row's) of a
 * row; "sending" also counts an attempt. Returns 0 or -1 with `e` set. */
int ledger_mark(struct ledger *l, const char *job, const char *as_of,
		const char *rcpt, const char *status, int smtp_code,
		const char *detail, const char *sha256, struct cx_error *e);

/* Count `n` more attempts on a row (retries within one "sending").
 * Returns 0 or -1 with `e` set. */
int ledger_add_attempts(struct ledger *l, const char *job, const char *as_of,
			const char *rcpt, int n, struct cx_error *e);

/* Group the changes that follow into one transaction (BEGIN IMMEDIATE);
 * ledger_commit makes them durable at once. Both return 0 or -1 with `e`
 * set (CX_EIO; a failed commit is rolled back). */
int ledger_begin(struct ledger *l, struct cx_error *e);
int ledger_commit(struct ledger *l, struct cx_error *e);
void ledger_rollback(struct ledger *l);

/* Rows of (job, as_of) with `status`; -1 on error. */
long ledger_count(struct ledger *l, const char *job, const char *as_of,
		  const char *status);

#endif
