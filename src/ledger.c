/* ledger.c - the delivery ledger over SQLite (WAL, one transaction per
 * state change). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "ledger.h"
#include "sqlerr.h"
#include "xalloc.h"

struct ledger {
	sqlite3 *db;
	int lock_fd;
	char *path;
};

#define TABLE(name) \
	"CREATE TABLE IF NOT EXISTS " name " (" \
	" job TEXT NOT NULL, as_of TEXT NOT NULL, recipient TEXT NOT NULL," \
	" message_id TEXT NOT NULL," \
	" status TEXT NOT NULL CHECK (status IN" \
	"  ('queued','sending','sent','deferred','failed','unknown'))," \
	" smtp_code INTEGER NOT NULL DEFAULT 0," \
	" attempts INTEGER NOT NULL DEFAULT 0," \
	" date INTEGER NOT NULL," \
	" sha256 TEXT NOT NULL DEFAULT ''," \
	" detail TEXT NOT NULL DEFAULT ''," \
	" created TEXT NOT NULL, updated TEXT NOT NULL," \
	" PRIMARY KEY (job, as_of, recipient));"

static const char schema[] =
	"PRAGMA journal_mode=WAL;"
	"PRAGMA synchronous=FULL;"
	TABLE("delivery");

/* A ledger from before the "unknown" state: its CHECK constraint cannot be
 * altered in place, so the table is copied into the new shape, all in one
 * transaction. */
static const char migrate_unknown[] =
	"BEGIN IMMEDIATE;"
	TABLE("delivery_v2")
	"INSERT INTO delivery_v2 SELECT job, as_of, recipient, message_id, status,"
	" smtp_code, attempts, date, sha256, detail, created, updated FROM delivery;"
	"DROP TABLE delivery;"
	"ALTER TABLE delivery_v2 RENAME TO delivery;"
	"COMMIT;";

static void now_iso(char buf[32])
{
	struct timespec ts;
	struct tm tm;
	char sec[24];
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(sec, sizeof sec, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, 32, "%.19s.%03dZ", sec, (int)(ts.tv_nsec / 1000000));
}

static int take_lock(struct ledger *l, const char *path, struct cx_error *e)
{
	char lock[4096];
	snprintf(lock, sizeof lock, "%s.lock", path);
	l->lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (l->lock_fd < 0)
		return cx_fail(e, CX_ECANTCREAT, "%s: cannot create: %s", lock, strerror(errno));
	if (flock(l->lock_fd, LOCK_EX | LOCK_NB) != 0)
		return cx_fail(e, CX_ETEMPFAIL, "%s: another delivery is running", path);
	return 0;
}

static int needs_migration(struct ledger *l)
{
	sqlite3_stmt *st = NULL;
	int old = 0;
	if (sqlite3_prepare_v2(l->db, "SELECT sql FROM sqlite_master WHERE name = 'delivery'",
			       -1, &st, NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *sql = sqlite3_column_text(st, 0);
		old = sql != NULL && strstr((const char *)sql, "'unknown'") == NULL;
	}
	sqlite3_finalize(st);
	return old;
}

struct ledger *ledger_open(const char *path, struct cx_error *e)
{
	struct ledger *l = xcalloc(1, sizeof *l);
	char *err = NULL;

	l->lock_fd = -1;
	l->path = xstrdup(path);
	if (take_lock(l, path, e) != 0)
		goto fail;
	if (sqlite3_open_v2(path, &l->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		cx_fail(e, CX_ECANTCREAT, "%s: cannot open ledger: %s", path, sqlite3_errmsg(l->db));
		goto fail;
	}
	sqlite3_busy_timeout(l->db, 5000);
	if (sqlite3_exec(l->db, schema, NULL, NULL, &err) != SQLITE_OK ||
	    (needs_migration(l) && sqlite3_exec(l->db, migrate_unknown, NULL, NULL, &err) != SQLITE_OK)) {
		cx_fail(e, sqlerr_code(sqlite3_extended_errcode(l->db)), "%s: %s", path,
			err != NULL ? err : "cannot create schema");
		sqlite3_free(err);
		sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
		goto fail;
	}
	return l;
fail:
	ledger_free(l);
	return NULL;
}

void ledger_free(struct ledger *l)
{
	if (l == NULL)
		return;
	sqlite3_close(l->db);
	if (l->lock_fd >= 0)
		close(l->lock_fd);
	free(l->path);
	free(l);
}

static sqlite3_stmt *prepare(struct ledger *l, const char *sql, struct cx_error *e)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(l->db, sql, -1, &st, NULL) != SQLITE_OK) {
		cx_fail(e, sqlerr_code(sqlite3_extended_errcode(l->db)), "%s: %s", l->path, sqlite3_errmsg(l->db));
		return NULL;
	}
	return st;
}

static void bind_key(sqlite3_stmt *st, const char *job, const char *as_of,
		     const char *rcpt)
{
	sqlite3_bind_text(st, 1, job, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, as_of, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, rcpt, -1, SQLITE_TRANSIENT);
}

static void copy_col(sqlite3_stmt *st, int col, char *buf, size_t size)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	snprintf(buf, size, "%s", t != NULL ? (const char *)t : "");
}

int ledger_get(struct ledger *l, const char *job, const char *as_of,
	       const char *rcpt, struct ledger_row *row, struct cx_error *e)
{
	sqlite3_stmt *st = prepare(l,
		"SELECT status, message_id, smtp_code, attempts, date, sha256 FROM delivery"
		" WHERE job = ?1 AND as_of = ?2 AND recipient = ?3", e);
	if (st == NULL)
		return -1;
	bind_key(st, job, as_of, rcpt);
	int rc = sqlite3_step(st), found = 0;
	if (rc == SQLITE_ROW) {
		copy_col(st, 0, row->status, sizeof row->status);
		copy_col(st, 1, row->message_id, sizeof row->message_id);
		row->smtp_code = sqlite3_column_int(st, 2);
		row->attempts = sqlite3_column_int(st, 3);
		row->date = sqlite3_column_int64(st, 4);
		copy_col(st, 5, row->sha256, sizeof row->sha256);
		found = 1;
	} else if (rc != SQLITE_DONE) {
		cx_fail(e, sqlerr_code(sqlite3_extended_errcode(l->db)), "%s: %s", l->path, sqlite3_errmsg(l->db));
		found = -1;
	}
	sqlite3_finalize(st);
	return found;
}

static int step_done(struct ledger *l, sqlite3_stmt *st, struct cx_error *e)
{
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return cx_fail(e, CX_EIO, "%s: cannot update the ledger: %s", l->path, sqlite3_errmsg(l->db));
	return 0;
}

int ledger_queue(struct ledger *l, const char *job, const char *as_of,
		 const char *rcpt, const char *message_id, int64_t date,
		 struct cx_error *e)
{
	char now[32];
	sqlite3_stmt *st = prepare(l,
		"INSERT OR IGNORE INTO delivery (job, as_of, recipient, message_id,"
		" status, date, created, updated) VALUES (?1, ?2, ?3, ?4, 'queued', ?5, ?6, ?6)", e);
	if (st == NULL)
		return -1;
	now_iso(now);
	bind_key(st, job, as_of, rcpt);
	sqlite3_bind_text(st, 4, message_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 5, date);
	sqlite3_bind_text(st, 6, now, -1, SQLITE_TRANSIENT);
	return step_done(l, st, e);
}

int ledger_mark(struct ledger *l, const char *job, const char *as_of,
		const char *rcpt, const char *status, int smtp_code,
		const char *detail, const char *sha256, struct cx_error *e)
{
	char now[32];
	sqlite3_stmt *st = prepare(l,
		"UPDATE delivery SET status = ?4, smtp_code = ?5, detail = substr(?6, 1, ?9),"
		" sha256 = coalesce(?7, sha256), updated = ?8,"
		" attempts = attempts + (?4 = 'sending')"
		" WHERE job = ?1 AND as_of = ?2 AND recipient = ?3", e);
	if (st == NULL)
		return -1;
	now_iso(now);
	bind_key(st, job, as_of, rcpt);
	sqlite3_bind_text(st, 4, status, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 5, smtp_code);
	sqlite3_bind_text(st, 6, detail != NULL ? detail : "", -1, SQLITE_TRANSIENT);
	if (sha256 != NULL)
		sqlite3_bind_text(st, 7, sha256, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, 7);
	sqlite3_bind_text(st, 8, now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 9, LEDGER_DETAIL_MAX);
	return step_done(l, st, e);
}

long ledger_count(struct ledger *l, const char *job, const char *as_of,
		  const char *status)
{
	sqlite3_stmt *st = prepare(l,
		"SELECT count(*) FROM delivery WHERE job = ?1 AND as_of = ?2 AND status = ?3", NULL);
	long n = -1;
	if (st == NULL)
		return -1;
	bind_key(st, job, as_of, status);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

int ledger_begin(struct ledger *l, struct cx_error *e)
{
	if (sqlite3_exec(l->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return cx_fail(e, CX_EIO, "%s: cannot begin a transaction: %s", l->path, sqlite3_errmsg(l->db));
	return 0;
}

int ledger_commit(struct ledger *l, struct cx_error *e)
{
	if (sqlite3_exec(l->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		cx_fail(e, CX_EIO, "%s: cannot commit: %s", l->path, sqlite3_errmsg(l->db));
		sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

void ledger_rollback(struct ledger *l)
{
	sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
}

int ledger_add_attempts(struct ledger *l, const char *job, const char *as_of,
			const char *rcpt, int n, struct cx_error *e)
{
	sqlite3_stmt *st = prepare(l,
		"UPDATE delivery SET attempts = attempts + ?4"
		" WHERE job = ?1 AND as_of = ?2 AND recipient = ?3", e);
	if (st == NULL)
		return -1;
	bind_key(st, job, as_of, rcpt);
	sqlite3_bind_int(st, 4, n);
	return step_done(l, st, e);
}
