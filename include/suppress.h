/* suppress.h - the suppression list of a job in SQLite (the only reader
 * and writer of the suppression database).
 *
 * One database file, by default suppression.sqlite beside the job's ledger
 * (<digest suppression-db> overrides), holds for each list (job name):
 *   suppression(list, address, reason, source, time)  - never mailed again
 *   soft_bounce(list, address, message, time)          - 4.x.x reports
 *   inbox_seen(list, message, outcome, time)           - messages acted on
 * Addresses are ASCII-lowercased addr-specs. WAL mode, FULL sync and a
 * busy timeout: concurrent writers (CGI requests, `convex inbox`, a run)
 * wait for each other, and a crash leaves each change either committed or
 * absent, never half-written.
 *
 * The job's old text file (<digest suppression>, one address per line) is
 * imported whenever its content changed since the last import; a malformed
 * line is a warning naming file:line and is skipped. Removing a line from
 * the file removes nothing: `convex suppress remove` does.
 */
#ifndef CONVEX_SUPPRESS_H
#define CONVEX_SUPPRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "err.h"

struct job;

/* Longest `source` kept (a file name, a Message-ID, a client address). */
#define SUPPRESS_SOURCE_MAX 512
/* Milliseconds a writer waits for another to finish. */
#define SUPPRESS_BUSY_MS 30000

enum suppress_reason {
	SUPPRESS_UNSUB_WEB,
	SUPPRESS_UNSUB_MAIL,
	SUPPRESS_BOUNCE_HARD,
	SUPPRESS_BOUNCE_SOFT,
	SUPPRESS_COMPLAINT,
	SUPPRESS_MANUAL,
	SUPPRESS_NREASONS
};

/* "unsubscribe-web", "unsubscribe-mail", "bounce-hard", "bounce-soft",
 * "complaint", "manual". */
const char *suppress_reason_name(enum suppress_reason r);
/* The reason named `name`; -1 when none. */
int suppress_reason_parse(const char *name);

struct suppress;

/* Open (creating when needed) the suppression database of `job` and, when
 * `import`, import its text file if that changed. NULL with `e` set: CX_ECANTCREAT when
 * the file cannot be opened or created, CX_ENOINPUT for an unreadable
 * text file, CX_ESOFTWARE for an SQLite failure. Caller frees. */
struct suppress *suppress_open(const struct job *job, bool import, struct cx_error *e);
void suppress_free(struct suppress *s);

/* The database's path (valid while `s` lives). */
const char *suppress_path(const struct suppress *s);

/* Add `addr` with `reason`, `source` (may be NULL) and time `when`.
 * Returns 1 when added, 0 when it was already there (the first reason
 * stays), -1 with `e` set (CX_EDATA: not one valid address). */
int suppress_add(struct suppress *s, const char *addr, enum suppress_reason reason,
		 const char *source, time_t when, struct cx_error *e);

/* Remove `addr`. 1 removed, 0 not there, -1 error. */
int suppress_remove(struct suppress *s, const char *addr, struct cx_error *e);

/* 1 when `addr` is suppressed, 0 when not, -1 with `e` set. */
int suppress_contains(struct suppress *s, const char *addr, struct cx_error *e);

struct suppress_entry {
	const char *address, *reason, *source, *time;  /* valid during the call */
};
/* Call `fn` for every entry in address order; stops when `fn` returns
 * non-zero. 0 on success, -1 with `e` set. */
int suppress_each(struct suppress *s, int (*fn)(const struct suppress_entry *, void *),
		  void *ctx, struct cx_error *e);

/* Entries per reason into counts[SUPPRESS_NREASONS]; returns the total or
 * -1 with `e` set. */
long suppress_counts(struct suppress *s, long counts[SUPPRESS_NREASONS],
		     struct cx_error *e);

/* Import a text file (one address per line, "#" comments): every valid
 * address is added with `reason`; malformed lines are warnings. Returns
 * the number added or -1 (CX_ENOINPUT: unreadable). */
long suppress_import(struct suppress *s, const char *path, enum suppress_reason reason,
		     struct cx_error *e);

/* One line for `convex check` into out: "suppression list PATH: 9
 * addresses (3 bounce-hard, 1 complaint, ...)", or "... not created yet".
 * Opens the database read-only and imports nothing. 0, or -1 with `e` set. */
int suppress_summary(const struct job *job, char *out, size_t size, struct cx_error *e);

/* ---- for convex inbox ---------------------------------------------------- */

/* Whether message `key` (a Message-ID or content hash) was acted on. */
int suppress_seen(struct suppress *s, const char *key, struct cx_error *e);
/* Record message `key` as acted on with a one-word `outcome`. */
int suppress_mark_seen(struct suppress *s, const char *key, const char *outcome,
		       struct cx_error *e);

/* Record one temporary failure of `addr` reported by message `key` at
 * `when` (a message reported twice counts once) and return how many
 * distinct reports lie within `days` days up to `when`, or -1. */
int suppress_soft_bounce(struct suppress *s, const char *addr, const char *key,
			 time_t when, int days, struct cx_error *e);

#endif
