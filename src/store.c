/* store.c - the local price store over SQLite (the only SQLite user for
 * prices). See store.h for the tables and the safety rules. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "store.h"
#include "xalloc.h"

/* Bytes of a path plus the ".lock" suffix. */
#define STORE_PATH_MAX 4096
/* Most rows one symbol may hold: a century of daily closes with room. */
#define STORE_ROWS_MAX 100000

struct store {
	sqlite3 *db;
	char path[STORE_PATH_MAX];
	char spool_prefix[STORE_PATH_MAX + sizeof STORE_SPOOL_SUFFIX];
	int lock_fd;
};

static const char schema[] =
	"PRAGMA journal_mode=WAL;"
	"PRAGMA synchronous=FULL;"
	"CREATE TABLE IF NOT EXISTS prices ("
	" symbol TEXT NOT NULL, date TEXT NOT NULL, close REAL NOT NULL,"
	" source TEXT NOT NULL, fetched_at INTEGER NOT NULL,"
	" PRIMARY KEY (symbol, date)) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS fetches ("
	" source TEXT NOT NULL, symbol TEXT NOT NULL, url TEXT NOT NULL,"
	" etag TEXT NOT NULL DEFAULT '', last_modified TEXT NOT NULL DEFAULT '',"
	" fetched_at INTEGER NOT NULL, PRIMARY KEY (source, symbol));"
	"CREATE TABLE IF NOT EXISTS corrections ("
	" symbol TEXT NOT NULL, date TEXT NOT NULL, old_close REAL NOT NULL,"
	" new_close REAL NOT NULL, source TEXT NOT NULL, at INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS adjustments ("
	" symbol TEXT NOT NULL, ratio REAL NOT NULL, first_date TEXT NOT NULL,"
	" last_date TEXT NOT NULL, rows INTEGER NOT NULL, source TEXT NOT NULL,"
	" at INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS quarantine ("
	" source TEXT NOT NULL, symbol TEXT NOT NULL, date TEXT NOT NULL,"
	" close REAL NOT NULL, url TEXT NOT NULL, why TEXT NOT NULL,"
	" at INTEGER NOT NULL);";

/* Map an SQLite result to our error values: a lock held past the busy
 * timeout is "try later", anything else an I/O error. */
static int db_fail(struct store *s, struct cx_error *e, int rc, const char *what)
{
	enum cx_err code = (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
				   ? CX_ETEMPFAIL : CX_EIO;
	if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT)
		code = CX_EDATA;
	return cx_fail(e, code, "%s: %s: %s", s->path, what,
		       s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
}

/* Create the directories above `path` (the default store lives in the
 * job's output directory, which a first run has not made yet). */
static int make_parents(const char *path, struct cx_error *e)
{
	char dir[STORE_PATH_MAX];

	snprintf(dir, sizeof dir, "%s", path);
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0755) != 0 && errno != EEXIST)
			return cx_fail(e, CX_ECANTCREAT, "%s: cannot create directory: %s",
				       dir, strerror(errno));
		*p = '/';
	}
	return 0;
}

struct store *store_open(const char *path, struct cx_error *e)
{
	struct store *s = xcalloc(1, sizeof *s);
	int rc;

	s->lock_fd = -1;
	if (snprintf(s->path, sizeof s->path, "%s", path) >= (int)sizeof s->path) {
		cx_fail(e, CX_ECANTCREAT, "%s: price store path too long", path);
		goto fail;
	}
	snprintf(s->spool_prefix, sizeof s->spool_prefix, "%s" STORE_SPOOL_SUFFIX, path);
	if (make_parents(path, e) != 0)
		goto fail;
	rc = sqlite3_open_v2(path, &s->db,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		cx_fail(e, CX_ECANTCREAT, "%s: cannot open price store: %s", path,
			s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_busy_timeout(s->db, STORE_BUSY_TIMEOUT_MS);
	rc = sqlite3_exec(s->db, schema, NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		db_fail(s, e, rc, "cannot set up the price store");
		goto fail;
	}
	return s;
fail:
	store_close(s);
	return NULL;
}

void store_close(struct store *s)
{
	if (s == NULL)
		return;
	sqlite3_close(s->db);
	if (s->lock_fd >= 0)
		close(s->lock_fd);  /* releases the flock */
	free(s);
}

/* Is `name` (a directory entry) one of the store's spool files,
 * "<store's file name>.spool-XXXXXX" (http.h's mkstemp pattern)? */
static bool is_spool_of(const char *name, const char *base)
{
	size_t n = strlen(base), k = sizeof STORE_SPOOL_SUFFIX "-" - 1;

	return strncmp(name, base, n) == 0 &&
	       strncmp(name + n, STORE_SPOOL_SUFFIX "-", k) == 0 &&
	       strlen(name + n + k) == STORE_SPOOL_RANDOM_LEN;
}

/* Remove the spool files a fetch killed mid-transfer left next to the
 * store. Only the holder of the lock calls this, so none of them is in use.
 * Best effort: a file that cannot be removed is said and left. */
static void remove_stale_spools(const struct store *s)
{
	char dir[STORE_PATH_MAX], file[STORE_PATH_MAX + NAME_MAX + 2];
	const char *slash = strrchr(s->path, '/');
	const char *base = slash ? slash + 1 : s->path;
	struct dirent *d;
	DIR *dp;
	int n = 0;

	if (slash == NULL)
		snprintf(dir, sizeof dir, ".");
	else
		snprintf(dir, sizeof dir, "%.*s", slash == s->path ? 1 : (int)(slash - s->path), s->path);
	if ((dp = opendir(dir)) == NULL)
		return;
	while ((d = readdir(dp)) != NULL) {
		if (!is_spool_of(d->d_name, base))
			continue;
		snprintf(file, sizeof file, "%s/%s", dir, d->d_name);
		if (unlink(file) == 0)
			n++;
		else
			log_warn("%s: cannot remove a stale spool file: %s", file, strerror(errno));
	}
	closedir(dp);
	if (n > 0)
		log_info("%s: removed %d spool file%s a killed fetch left", s->path, n, n == 1 ? "" : "s");
}

int store_lock(struct store *s, struct cx_error *e)
{
	char lp[STORE_PATH_MAX + 8];

	if (s->lock_fd >= 0)
		return 0;
	snprintf(lp, sizeof lp, "%s.lock", s->path);
	s->lock_fd = open(lp, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (s->lock_fd < 0)
		return cx_fail(e, CX_ECANTCREAT, "%s: cannot open lock file: %s",
			       lp, strerror(errno));
	if (flock(s->lock_fd, LOCK_EX | LOCK_NB) != 0) {
		int err = errno;
		close(s->lock_fd);
		s->lock_fd = -1;
		if (err == EWOULDBLOCK)
			return cx_fail(e, CX_ETEMPFAIL,
				       "%s: another convex process is fetching into this store",
				       s->path);
		return cx_fail(e, CX_EIO, "%s: cannot lock: %s", lp, strerror(err));
	}
	remove_stale_spools(s);
	return 0;
}

const char *store_spool_prefix(const struct store *s)
{
	return s->spool_prefix;
}

static void copy_text(char *dst, size_t size, const unsigned char *src)
{
	snprintf(dst, size, "%s", src ? (const char *)src : "");
}

int store_get_fetch(struct store *s, const char *source, const char *symbol,
		    struct store_fetch *f, struct cx_error *e)
{
	static const char sql[] =
		"SELECT url, etag, last_modified, fetched_at FROM fetches"
		" WHERE source = ?1 AND symbol = ?2";
	sqlite3_stmt *st = NULL;
	int rc;

	memset(f, 0, sizeof *f);
	rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_fail(s, e, rc, "cannot read fetch times");
	sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, symbol, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		f->known = true;
		copy_text(f->url, sizeof f->url, sqlite3_column_text(st, 0));
		copy_text(f->etag, sizeof f->etag, sqlite3_column_text(st, 1));
		copy_text(f->last_modified, sizeof f->last_modified,
			  sqlite3_column_text(st, 2));
		f->fetched_at = sqlite3_column_int64(st, 3);
		rc = SQLITE_DONE;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(s, e, rc, "cannot read fetch times");
	return 0;
}

/* Upsert the fetch record; part of the caller's transaction. */
static int put_fetch(struct store *s, const char *source, const char *symbol,
		     const struct store_fetch *f)
{
	static const char sql[] =
		"INSERT INTO fetches (source, symbol, url, etag, last_modified, fetched_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
		" ON CONFLICT (source, symbol) DO UPDATE SET url = excluded.url,"
		" etag = excluded.etag, last_modified = excluded.last_modified,"
		" fetched_at = excluded.fetched_at";
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);

	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, symbol, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, f->url, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, f->etag, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, f->last_modified, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, f->fetched_at);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int begin(struct store *s) { return sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL); }
static int commit(struct store *s) { return sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL); }
static void rollback(struct store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

int store_touch(struct store *s, const char *source, const char *symbol,
		const struct store_fetch *f, struct cx_error *e)
{
	int rc = begin(s);

	if (rc == SQLITE_OK)
		rc = put_fetch(s, source, symbol, f);
	if (rc == SQLITE_OK)
		rc = commit(s);
	if (rc != SQLITE_OK) {
		db_fail(s, e, rc, "cannot record the fetch");
		rollback(s);
		return -1;
	}
	return 0;
}

/* The statements of one merge, prepared once. */
struct merge_stmts {
	sqlite3_stmt *get, *put, *log;
	double ratio;       /* the re-adjustment: old closes count x ratio */
	bool quiet;         /* a re-adjustment: changed closes are no news */
};

static void merge_stmts_free(struct merge_stmts *m)
{
	sqlite3_finalize(m->get);
	sqlite3_finalize(m->put);
	sqlite3_finalize(m->log);
}

static int merge_stmts_prepare(struct store *s, struct merge_stmts *m)
{
	int rc = sqlite3_prepare_v2(s->db,
		"SELECT close FROM prices WHERE symbol = ?1 AND date = ?2",
		-1, &m->get, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(s->db,
			"INSERT OR REPLACE INTO prices (symbol, date, close, source, fetched_at)"
			" VALUES (?1, ?2, ?3, ?4, ?5)", -1, &m->put, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(s->db,
			"INSERT INTO corrections (symbol, date, old_close, new_close, source, at)"
			" VALUES (?1, ?2, ?3, ?4, ?5, ?6)", -1, &m->log, NULL);
	return rc;
}

/* Two closes are the same price when they agree to 12 significant digits:
 * a CSV re-rendering of a double must not count as a correction. */
static bool same_close(double a, double b)
{
	return fabs(a - b) <= 1e-12 * fmax(fabs(a), fabs(b));
}

static int exec_reset(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc;
}

/* After a re-adjustment, the old close times the ratio matches the new one
 * when they agree to half a cent and 0.5 % (rounded CSV prices). */
static bool store_close_agrees(double want, double got)
{
	return fabs(want - got) <= 0.005 * fabs(got) + 0.005;
}

/* Merge one row; adds to *res. */
static int merge_row(struct merge_stmts *m, const char *source,
		     const char *symbol, const struct store_row *r, int64_t now,
		     struct store_merge_result *res)
{
	char ds[DATE_STR_SIZE];
	bool had = false;
	double old = 0;
	int rc;

	date_format(r->date, ds);
	sqlite3_bind_text(m->get, 1, symbol, -1, SQLITE_STATIC);
	sqlite3_bind_text(m->get, 2, ds, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(m->get);
	if (rc == SQLITE_ROW) {
		had = true;
		old = sqlite3_column_double(m->get, 0);
		rc = SQLITE_DONE;
	}
	sqlite3_reset(m->get);
	sqlite3_clear_bindings(m->get);
	if (rc != SQLITE_DONE)
		return rc;
	if (had && same_close(old, r->close)) {
		res->unchanged++;
		return SQLITE_OK;
	}
	if (had && m->quiet && store_close_agrees(old * m->ratio, r->close)) {
		res->unchanged++;  /* part of the one adjustment event */
	} else if (had) {
		sqlite3_bind_text(m->log, 1, symbol, -1, SQLITE_STATIC);
		sqlite3_bind_text(m->log, 2, ds, -1, SQLITE_TRANSIENT);
		sqlite3_bind_double(m->log, 3, old);
		sqlite3_bind_double(m->log, 4, r->close);
		sqlite3_bind_text(m->log, 5, source, -1, SQLITE_STATIC);
		sqlite3_bind_int64(m->log, 6, now);
		if ((rc = exec_reset(m->log)) != SQLITE_DONE)
			return rc;
		log_warn("%s: corrected price of \"%s\" on %s: %.10g -> %.10g",
			 source, symbol, ds, old, r->close);
		res->corrected++;
	} else {
		res->added++;
	}
	sqlite3_bind_text(m->put, 1, symbol, -1, SQLITE_STATIC);
	sqlite3_bind_text(m->put, 2, ds, -1, SQLITE_TRANSIENT);
	sqlite3_bind_double(m->put, 3, r->close);
	sqlite3_bind_text(m->put, 4, source, -1, SQLITE_STATIC);
	sqlite3_bind_int64(m->put, 5, now);
	rc = exec_reset(m->put);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Whether `d` is one of the n increasing dates of rows. */
static bool has_date(const struct store_row *rows, size_t n, cx_date d)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (rows[mid].date == d)
			return true;
		if (rows[mid].date < d)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* Delete one stored row, recorded as a correction to 0 (see store.h). */
static int delete_row(struct store *s, const char *source, const char *symbol,
		      const struct store_row *r, int64_t now)
{
	sqlite3_stmt *del = NULL, *log = NULL;
	char ds[DATE_STR_SIZE];
	int rc;

	date_format(r->date, ds);
	rc = sqlite3_prepare_v2(s->db, "DELETE FROM prices WHERE symbol = ?1 AND date = ?2", -1, &del, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(s->db,
			"INSERT INTO corrections (symbol, date, old_close, new_close, source, at)"
			" VALUES (?1, ?2, ?3, 0, ?4, ?5)", -1, &log, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(del, 1, symbol, -1, SQLITE_STATIC);
		sqlite3_bind_text(del, 2, ds, -1, SQLITE_STATIC);
		sqlite3_bind_text(log, 1, symbol, -1, SQLITE_STATIC);
		sqlite3_bind_text(log, 2, ds, -1, SQLITE_STATIC);
		sqlite3_bind_double(log, 3, r->close);
		sqlite3_bind_text(log, 4, source, -1, SQLITE_STATIC);
		sqlite3_bind_int64(log, 5, now);
		rc = sqlite3_step(del) == SQLITE_DONE && sqlite3_step(log) == SQLITE_DONE
			? SQLITE_OK : sqlite3_errcode(s->db);
	}
	sqlite3_finalize(del);
	sqlite3_finalize(log);
	if (rc == SQLITE_OK)
		log_warn("%s: deleted price of \"%s\" on %s (%.10g): the source no longer has it",
			 source, symbol, ds, r->close);
	return rc;
}

/* Rows the body no longer has: stored dates >= o->delete_from (all with
 * o->delete_all) that are not among the new rows. */
static int delete_missing(struct store *s, const char *source, const char *symbol,
			  const struct store_row *rows, size_t n,
			  const struct store_merge_opts *o, int64_t now,
			  struct store_merge_result *r, struct cx_error *e)
{
	struct store_row *old = NULL;
	size_t no = 0;
	int rc = SQLITE_OK;

	if (store_rows(s, symbol, &old, &no, e) != 0)
		return -1;
	for (size_t i = 0; rc == SQLITE_OK && i < no; i++) {
		if ((!o->delete_all && old[i].date < o->delete_from) || has_date(rows, n, old[i].date))
			continue;
		if ((rc = delete_row(s, source, symbol, &old[i], now)) == SQLITE_OK)
			r->deleted++;
	}
	free(old);
	return rc == SQLITE_OK ? 0 : db_fail(s, e, rc, "cannot delete prices");
}

/* Scale every stored close of `symbol` by o->ratio, and keep one record. */
static int readjust(struct store *s, const char *source, const char *symbol,
		    const struct store_merge_opts *o, int64_t now,
		    struct store_merge_result *r)
{
	sqlite3_stmt *up = NULL, *rec = NULL;
	int rc = sqlite3_prepare_v2(s->db, "UPDATE prices SET close = close * ?2 WHERE symbol = ?1",
				    -1, &up, NULL);

	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(s->db,
			"INSERT INTO adjustments (symbol, ratio, first_date, last_date, rows, source, at)"
			" SELECT ?1, ?2, min(date), max(date), count(*), ?3, ?4 FROM prices WHERE symbol = ?1",
			-1, &rec, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(rec, 1, symbol, -1, SQLITE_STATIC);
		sqlite3_bind_double(rec, 2, o->ratio);
		sqlite3_bind_text(rec, 3, source, -1, SQLITE_STATIC);
		sqlite3_bind_int64(rec, 4, now);
		sqlite3_bind_text(up, 1, symbol, -1, SQLITE_STATIC);
		sqlite3_bind_double(up, 2, o->ratio);
		rc = sqlite3_step(rec) == SQLITE_DONE && sqlite3_step(up) == SQLITE_DONE
			? SQLITE_OK : sqlite3_errcode(s->db);
	}
	sqlite3_finalize(up);
	sqlite3_finalize(rec);
	if (rc == SQLITE_OK) {
		r->adjusted = (size_t)sqlite3_changes(s->db);
		log_warn("%s: \"%s\" re-adjusted by the source: %zu stored prices x %.10g (one adjustment)",
			 source, symbol, r->adjusted, o->ratio);
	}
	return rc;
}

int store_merge(struct store *s, const char *source, const char *symbol,
		const struct store_row *rows, size_t n,
		const struct store_fetch *f, const struct store_merge_opts *o,
		struct store_merge_result *res, struct cx_error *e)
{
	static const struct store_merge_opts none = {0, false, 1.0};
	struct merge_stmts m = {0};
	struct store_merge_result r = {0};
	int rc = begin(s);

	if (o == NULL)
		o = &none;
	m.ratio = o->ratio > 0 ? o->ratio : 1.0;
	m.quiet = m.ratio != 1.0;
	if (rc == SQLITE_OK && m.quiet)
		rc = readjust(s, source, symbol, o, f->fetched_at, &r);
	m.ratio = 1.0;  /* the stored closes are adjusted now */
	if (rc == SQLITE_OK)
		rc = merge_stmts_prepare(s, &m);
	for (size_t i = 0; rc == SQLITE_OK && i < n; i++)
		rc = merge_row(&m, source, symbol, &rows[i], f->fetched_at, &r);
	if (rc == SQLITE_OK && (o->delete_all || o->delete_from > 0) &&
	    delete_missing(s, source, symbol, rows, n, o, f->fetched_at, &r, e) != 0) {
		merge_stmts_free(&m);
		rollback(s);
		return -1;
	}
	if (rc == SQLITE_OK)
		rc = put_fetch(s, source, symbol, f);
	merge_stmts_free(&m);
	if (rc == SQLITE_OK)
		rc = commit(s);
	if (rc != SQLITE_OK) {
		db_fail(s, e, rc, "cannot merge prices");
		rollback(s);
		return -1;
	}
	if (res != NULL)
		*res = r;
	return 0;
}

/* Append one row to a growing array (xrealloc_array aborts, never leaks). */
static void push_row(struct store_row **rows, size_t *n, size_t *cap,
		     struct store_row r)
{
	if (*n == *cap) {
		size_t ncap = *cap ? 2 * *cap : 256;
		*rows = xrealloc_array(*rows, ncap, sizeof **rows);
		*cap = ncap;
	}
	(*rows)[(*n)++] = r;
}

int store_rows(struct store *s, const char *symbol, struct store_row **rows,
	       size_t *n, struct cx_error *e)
{
	static const char sql[] =
		"SELECT date, close FROM prices WHERE symbol = ?1 ORDER BY date";
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int rc;

	*rows = NULL;
	*n = 0;
	rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_fail(s, e, rc, "cannot read prices");
	sqlite3_bind_text(st, 1, symbol, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *ds = (const char *)sqlite3_column_text(st, 0);
		struct store_row r = {0, sqlite3_column_double(st, 1)};
		if (ds == NULL || !date_parse(ds, strlen(ds), &r.date)) {
			sqlite3_finalize(st);
			free(*rows);
			*rows = NULL;
			*n = 0;
			return cx_fail(e, CX_EDATA, "%s: bad date \"%s\" for \"%s\"",
				       s->path, ds ? ds : "", symbol);
		}
		if (*n >= STORE_ROWS_MAX) {
			sqlite3_finalize(st);
			free(*rows);
			*rows = NULL;
			*n = 0;
			return cx_fail(e, CX_EDATA, "%s: more than %d prices for \"%s\"",
				       s->path, STORE_ROWS_MAX, symbol);
		}
		push_row(rows, n, &cap, r);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		free(*rows);
		*rows = NULL;
		*n = 0;
		return db_fail(s, e, rc, "cannot read prices");
	}
	return 0;
}

int store_quarantine(struct store *s, const char *source, const char *symbol,
		     const struct store_row *rows, size_t n, const char *url,
		     const char *why, int64_t now, struct cx_error *e)
{
	sqlite3_stmt *st = NULL;
	char ds[DATE_STR_SIZE];
	int rc = begin(s);

	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(s->db,
			"INSERT INTO quarantine (source, symbol, date, close, url, why, at)"
			" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", -1, &st, NULL);
	for (size_t i = 0; rc == SQLITE_OK && i < n; i++) {
		sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, symbol, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, date_format(rows[i].date, ds), -1, SQLITE_TRANSIENT);
		sqlite3_bind_double(st, 4, rows[i].close);
		sqlite3_bind_text(st, 5, url, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, why, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 7, now);
		rc = exec_reset(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(s->db);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_OK)
		rc = commit(s);
	if (rc != SQLITE_OK) {
		db_fail(s, e, rc, "cannot keep the quarantined prices");
		rollback(s);
		return -1;
	}
	return 0;
}
