/* suppress.c - the suppression list in SQLite (see suppress.h). */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <sqlite3.h>

#include "job.h"
#include "log.h"
#include "mail.h"
#include "subscribers.h"
#include "sqlerr.h"
#include "suppress.h"
#include "xalloc.h"

/* Bytes of a text suppression file read for import (a file of addresses,
 * not a database: 64 MB is some 2 million lines). */
#define SUPPRESS_TEXT_MAX (64L << 20)

struct suppress {
	sqlite3 *db;
	char *path;
	char *list;
};

static const char *const reason_names[SUPPRESS_NREASONS] = {
	[SUPPRESS_UNSUB_WEB] = "unsubscribe-web",
	[SUPPRESS_UNSUB_MAIL] = "unsubscribe-mail",
	[SUPPRESS_BOUNCE_HARD] = "bounce-hard",
	[SUPPRESS_BOUNCE_SOFT] = "bounce-soft",
	[SUPPRESS_COMPLAINT] = "complaint",
	[SUPPRESS_MANUAL] = "manual",
};

static const char schema[] =
	"PRAGMA journal_mode=WAL;"
	"PRAGMA synchronous=FULL;"
	"CREATE TABLE IF NOT EXISTS suppression ("
	" list TEXT NOT NULL, address TEXT NOT NULL,"
	" reason TEXT NOT NULL CHECK (reason IN ('unsubscribe-web','unsubscribe-mail',"
	"  'bounce-hard','bounce-soft','complaint','manual')),"
	" source TEXT NOT NULL DEFAULT '', time TEXT NOT NULL,"
	" PRIMARY KEY (list, address));"
	"CREATE TABLE IF NOT EXISTS soft_bounce ("
	" list TEXT NOT NULL, address TEXT NOT NULL, message TEXT NOT NULL,"
	" time INTEGER NOT NULL, PRIMARY KEY (list, address, message));"
	"CREATE TABLE IF NOT EXISTS inbox_seen ("
	" list TEXT NOT NULL, message TEXT NOT NULL, outcome TEXT NOT NULL,"
	" time TEXT NOT NULL, PRIMARY KEY (list, message));"
	"CREATE TABLE IF NOT EXISTS imported ("
	" list TEXT NOT NULL, file TEXT NOT NULL, sha256 TEXT NOT NULL,"
	" PRIMARY KEY (list, file));";

const char *suppress_reason_name(enum suppress_reason r)
{
	return (unsigned)r < SUPPRESS_NREASONS ? reason_names[r] : "manual";
}

int suppress_reason_parse(const char *name)
{
	for (int i = 0; i < SUPPRESS_NREASONS; i++)
		if (!strcmp(reason_names[i], name))
			return i;
	return -1;
}

const char *suppress_path(const struct suppress *s)
{
	return s->path;
}

static void iso_time(time_t t, char buf[32])
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int db_fail(struct suppress *s, struct cx_error *e)
{
	return cx_fail(e, sqlerr_code(sqlite3_extended_errcode(s->db)), "%s: %s", s->path,
		       sqlite3_errmsg(s->db));
}

/* Prepare `sql` and bind ?1 to the list; NULL with `e` set. */
static sqlite3_stmt *prepare(struct suppress *s, const char *sql, struct cx_error *e)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		db_fail(s, e);
		return NULL;
	}
	sqlite3_bind_text(st, 1, s->list, -1, SQLITE_STATIC);
	return st;
}

/* Step a statement that returns no row (or whose row is not wanted). */
static int run(struct suppress *s, sqlite3_stmt *st, struct cx_error *e)
{
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return db_fail(s, e);
	return 0;
}

static int exec(struct suppress *s, const char *sql, struct cx_error *e)
{
	char *err = NULL;
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, &err);
	if (rc != SQLITE_OK) {
		cx_fail(e, sqlerr_code(rc), "%s: %s", s->path, err != NULL ? err : "SQLite error");
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

/* The validated, lowercased addr-spec of `text` into out. */
static int normalise(const char *text, char out[MAIL_ADDR_MAX + 1], struct cx_error *e)
{
	if (mail_parse_address(text, out, NULL, e) != 0)
		return -1;
	for (char *p = out; *p; p++)
		*p = g_ascii_tolower(*p);
	return 0;
}

int suppress_add(struct suppress *s, const char *addr, enum suppress_reason reason,
		 const char *source, time_t when, struct cx_error *e)
{
	char a[MAIL_ADDR_MAX + 1], t[32];
	if (normalise(addr, a, e) != 0)
		return -1;
	iso_time(when, t);
	sqlite3_stmt *st = prepare(s, "INSERT OR IGNORE INTO suppression"
				   " (list, address, reason, source, time) VALUES (?1, ?2, ?3, ?4, ?5)", e);
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 2, a, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, suppress_reason_name(reason), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, source != NULL ? source : "", (int)strnlen(source != NULL ? source : "", SUPPRESS_SOURCE_MAX), SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, t, -1, SQLITE_TRANSIENT);
	if (run(s, st, e) != 0)
		return -1;
	return sqlite3_changes(s->db) > 0;
}

int suppress_remove(struct suppress *s, const char *addr, struct cx_error *e)
{
	gchar *a = g_ascii_strdown(addr, -1);
	sqlite3_stmt *st = prepare(s, "DELETE FROM suppression WHERE list = ?1 AND address = ?2", e);
	int rc = -1;
	if (st != NULL) {
		sqlite3_bind_text(st, 2, a, -1, SQLITE_TRANSIENT);
		if (run(s, st, e) == 0)
			rc = sqlite3_changes(s->db) > 0;
	}
	g_free(a);
	return rc;
}

int suppress_contains(struct suppress *s, const char *addr, struct cx_error *e)
{
	gchar *a = g_ascii_strdown(addr, -1);
	sqlite3_stmt *st = prepare(s, "SELECT 1 FROM suppression WHERE list = ?1 AND address = ?2", e);
	int rc = -1;
	if (st != NULL) {
		sqlite3_bind_text(st, 2, a, -1, SQLITE_TRANSIENT);
		int r = sqlite3_step(st);
		rc = r == SQLITE_ROW ? 1 : r == SQLITE_DONE ? 0 : db_fail(s, e);
		sqlite3_finalize(st);
	}
	g_free(a);
	return rc;
}

int suppress_each(struct suppress *s, int (*fn)(const struct suppress_entry *, void *),
		  void *ctx, struct cx_error *e)
{
	sqlite3_stmt *st = prepare(s, "SELECT address, reason, source, time FROM suppression"
				   " WHERE list = ?1 ORDER BY address", e);
	int r;
	if (st == NULL)
		return -1;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		struct suppress_entry en = {
			(const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
			(const char *)sqlite3_column_text(st, 2), (const char *)sqlite3_column_text(st, 3),
		};
		if (fn(&en, ctx) != 0)
			break;
	}
	int rc = r == SQLITE_ROW || r == SQLITE_DONE ? 0 : db_fail(s, e);
	sqlite3_finalize(st);
	return rc;
}

long suppress_counts(struct suppress *s, long counts[SUPPRESS_NREASONS], struct cx_error *e)
{
	sqlite3_stmt *st = prepare(s, "SELECT reason, count(*) FROM suppression WHERE list = ?1 GROUP BY reason", e);
	long total = 0;
	int r;
	if (st == NULL)
		return -1;
	memset(counts, 0, SUPPRESS_NREASONS * sizeof *counts);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		int i = suppress_reason_parse((const char *)sqlite3_column_text(st, 0));
		long n = (long)sqlite3_column_int64(st, 1);
		if (i >= 0)
			counts[i] = n;
		total += n;
	}
	if (r != SQLITE_DONE)
		total = db_fail(s, e);
	sqlite3_finalize(st);
	return total;
}

/* ---- text files ------------------------------------------------------------ */

static long import_text(struct suppress *s, const char *path, const char *text,
			enum suppress_reason reason, struct cx_error *e)
{
	long added = 0, no = 0;
	char source[SUPPRESS_SOURCE_MAX];
	time_t now = time(NULL);

	snprintf(source, sizeof source, "import:%s", path);
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, "\n");
		gchar *line = g_strstrip(g_strndup(p, n));
		struct cx_error le;
		no++;
		p += n + (p[n] == '\n');
		if (line[0] != '\0' && line[0] != '#') {
			int rc = strlen(line) > SUPPRESSION_LINE_MAX ? cx_fail(&le, CX_EDATA, "line longer than %d bytes", SUPPRESSION_LINE_MAX)
				: suppress_add(s, line, reason, source, now, &le);
			if (rc < 0 && le.code != CX_EDATA) {
				*e = le;
				g_free(line);
				return -1;
			}
			if (rc < 0)
				log_warn("%s:%ld: %s; line skipped", path, no, le.msg);
			added += rc > 0;
		}
		g_free(line);
	}
	return added;
}

static int read_text(const char *path, gchar **text, gsize *len, struct cx_error *e)
{
	GError *ge = NULL;
	if (!g_file_get_contents(path, text, len, &ge)) {
		cx_fail(e, CX_ENOINPUT, "%s: cannot read suppression list: %s", path, ge->message);
		g_error_free(ge);
		return -1;
	}
	if (*len > SUPPRESS_TEXT_MAX) {
		g_free(*text);
		return cx_fail(e, CX_EDATA, "%s: larger than %ld bytes", path, SUPPRESS_TEXT_MAX);
	}
	return 0;
}

long suppress_import(struct suppress *s, const char *path, enum suppress_reason reason,
		     struct cx_error *e)
{
	gchar *text;
	gsize len;
	if (read_text(path, &text, &len, e) != 0)
		return -1;
	long n = -1;
	if (exec(s, "BEGIN IMMEDIATE", e) == 0) {
		n = import_text(s, path, text, reason, e);
		if (exec(s, n < 0 ? "ROLLBACK" : "COMMIT", n < 0 ? NULL : e) != 0)
			n = -1;
	}
	g_free(text);
	return n;
}

/* Import the job's text file when its content differs from the last import. */
static int import_job_file(struct suppress *s, const char *path, struct cx_error *e)
{
	gchar *text, *sha;
	gsize len;
	int rc = -1;
	if (read_text(path, &text, &len, e) != 0)
		return -1;
	sha = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)text, len);
	if (exec(s, "BEGIN IMMEDIATE", e) != 0)
		goto out;
	sqlite3_stmt *st = prepare(s, "SELECT sha256 FROM imported WHERE list = ?1 AND file = ?2", e);
	if (st == NULL)
		goto rollback;
	sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
	int same = sqlite3_step(st) == SQLITE_ROW && !strcmp((const char *)sqlite3_column_text(st, 0), sha);
	sqlite3_finalize(st);
	if (!same) {
		long n = import_text(s, path, text, SUPPRESS_MANUAL, e);
		if (n < 0 || (st = prepare(s, "INSERT OR REPLACE INTO imported (list, file, sha256) VALUES (?1, ?2, ?3)", e)) == NULL)
			goto rollback;
		sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, sha, -1, SQLITE_STATIC);
		if (run(s, st, e) != 0)
			goto rollback;
		if (n > 0)
			log_info("%s: %ld addresses imported into %s", path, n, s->path);
	}
	rc = exec(s, "COMMIT", e);
	goto out;
rollback:
	exec(s, "ROLLBACK", NULL);
out:
	g_free(sha);
	g_free(text);
	return rc;
}

/* ---- open ------------------------------------------------------------------ */

static char *db_path(const struct job *j)
{
	if (j->digest.suppression_db != NULL)
		return xstrdup(j->digest.suppression_db);
	char *copy = xstrdup(j->digest.ledger);
	gchar *p = g_build_filename(dirname(copy), "suppression.sqlite", NULL);
	char *out = xstrdup(p);
	g_free(p);
	free(copy);
	return out;
}

struct suppress *suppress_open(const struct job *job, bool import, struct cx_error *e)
{
	struct suppress *s = xcalloc(1, sizeof *s);
	s->path = db_path(job);
	s->list = xstrdup(job->name);
	/* A new job's output directory may not exist yet. */
	gchar *dir = g_path_get_dirname(s->path);
	int made = g_mkdir_with_parents(dir, 0755);
	g_free(dir);
	if (made != 0) {
		cx_fail(e, CX_ECANTCREAT, "%s: cannot create its directory: %s", s->path, strerror(errno));
		goto fail;
	}
	if (sqlite3_open_v2(s->path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		cx_fail(e, CX_ECANTCREAT, "%s: cannot open suppression list: %s", s->path,
			s->db != NULL ? sqlite3_errmsg(s->db) : strerror(ENOMEM));
		goto fail;
	}
	sqlite3_busy_timeout(s->db, SUPPRESS_BUSY_MS);
	if (exec(s, schema, e) != 0)
		goto fail;
	if (import && job->digest.suppression != NULL && import_job_file(s, job->digest.suppression, e) != 0)
		goto fail;
	return s;
fail:
	suppress_free(s);
	return NULL;
}

void suppress_free(struct suppress *s)
{
	if (s == NULL)
		return;
	sqlite3_close(s->db);
	free(s->path);
	free(s->list);
	free(s);
}

int suppress_summary(const struct job *job, char *out, size_t size, struct cx_error *e)
{
	struct suppress *s = xcalloc(1, sizeof *s);
	long counts[SUPPRESS_NREASONS], total = -1;
	s->path = db_path(job);
	s->list = xstrdup(job->name);
	if (access(s->path, F_OK) != 0) {
		snprintf(out, size, "suppression list %s: not created yet", s->path);
		total = 0;
		goto done;
	}
	if (sqlite3_open_v2(s->path, &s->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		cx_fail(e, CX_ENOINPUT, "%s: cannot open suppression list: %s", s->path,
			s->db != NULL ? sqlite3_errmsg(s->db) : strerror(ENOMEM));
		goto done;
	}
	sqlite3_busy_timeout(s->db, SUPPRESS_BUSY_MS);
	if ((total = suppress_counts(s, counts, e)) < 0)
		goto done;
	int n = snprintf(out, size, "suppression list %s: %ld addresses", s->path, total);
	for (int i = 0, first = 1; i < SUPPRESS_NREASONS && n > 0 && (size_t)n < size; i++) {
		if (counts[i] == 0)
			continue;
		n += snprintf(out + n, size - (size_t)n, "%s%ld %s", first ? " (" : ", ", counts[i], reason_names[i]);
		first = 0;
	}
	if (total > 0 && n > 0 && (size_t)n < size)
		snprintf(out + n, size - (size_t)n, ")");
done:
	suppress_free(s);
	return total < 0 ? -1 : 0;
}

/* ---- inbox bookkeeping ----------------------------------------------------- */

int suppress_seen(struct suppress *s, const char *key, struct cx_error *e)
{
	sqlite3_stmt *st = prepare(s, "SELECT 1 FROM inbox_seen WHERE list = ?1 AND message = ?2", e);
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
	int r = sqlite3_step(st);
	int rc = r == SQLITE_ROW ? 1 : r == SQLITE_DONE ? 0 : db_fail(s, e);
	sqlite3_finalize(st);
	return rc;
}

int suppress_mark_seen(struct suppress *s, const char *key, const char *outcome,
		       struct cx_error *e)
{
	char t[32];
	iso_time(time(NULL), t);
	sqlite3_stmt *st = prepare(s, "INSERT OR IGNORE INTO inbox_seen (list, message, outcome, time)"
				   " VALUES (?1, ?2, ?3, ?4)", e);
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, outcome, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, t, -1, SQLITE_TRANSIENT);
	return run(s, st, e);
}

int suppress_soft_bounce(struct suppress *s, const char *addr, const char *key,
			 time_t when, int days, struct cx_error *e)
{
	gchar *a = g_ascii_strdown(addr, -1);
	int rc = -1;
	sqlite3_stmt *st = prepare(s, "INSERT OR IGNORE INTO soft_bounce (list, address, message, time)"
				   " VALUES (?1, ?2, ?3, ?4)", e);
	if (st == NULL)
		goto out;
	sqlite3_bind_text(st, 2, a, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)when);
	if (run(s, st, e) != 0)
		goto out;
	st = prepare(s, "SELECT count(*) FROM soft_bounce WHERE list = ?1 AND address = ?2"
		     " AND time > ?3 AND time <= ?4", e);
	if (st == NULL)
		goto out;
	sqlite3_bind_text(st, 2, a, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)when - (sqlite3_int64)days * 86400);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)when);
	if (sqlite3_step(st) == SQLITE_ROW)
		rc = sqlite3_column_int(st, 0);
	else
		db_fail(s, e);
	sqlite3_finalize(st);
out:
	g_free(a);
	return rc;
}
