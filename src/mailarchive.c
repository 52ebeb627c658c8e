#define _GNU_SOURCE   /* syncfs(2) */
/* mailarchive.c - the day's archived messages and manifest.tsv
 * (mailarchive.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>

#include "atomicfile.h"
#include "mailarchive.h"
#include "rundir.h"
#include "xalloc.h"

#define MAILARCHIVE_PATH_MAX 4096
#define MAILARCHIVE_FILE_MAX 512

struct mailarchive {
	char *dir;
	char manifest[MAILARCHIVE_PATH_MAX + 32];
	GHashTable *listed;   /* Message-ID (without <>) -> times listed */
	GString *text;        /* the manifest as read, for dedupe */
	int torn;             /* the last line has no newline */
	int dupes;            /* some Message-ID is listed twice */
	GString *pending;     /* lines queued by mailarchive_list */
};

void mailarchive_file(const char *message_id, char *buf, size_t size)
{
	snprintf(buf, size, "%.*s.eml", (int)strcspn(message_id, "@"), message_id);
}

static void count_line(struct mailarchive *a, const char *line, size_t len)
{
	/* third field: <Message-ID> */
	const char *p = line, *end = line + len;
	for (int tab = 0; tab < 2 && p != NULL; tab++) {
		p = memchr(p, '\t', (size_t)(end - p));
		p = p != NULL ? p + 1 : NULL;
	}
	if (p == NULL || p >= end || *p != '<')
		return;
	const char *q = memchr(p, '>', (size_t)(end - p));
	if (q == NULL)
		return;
	char *id = g_strndup(p + 1, (size_t)(q - p - 1));
	int n = GPOINTER_TO_INT(g_hash_table_lookup(a->listed, id)) + 1;
	if (n > 1)
		a->dupes = 1;
	g_hash_table_replace(a->listed, id, GINT_TO_POINTER(n));
}

static int load_manifest(struct mailarchive *a, struct cx_error *e)
{
	gchar *data = NULL;
	gsize len = 0;
	GError *ge = NULL;
	struct stat st;

	if (stat(a->manifest, &st) != 0)
		return errno == ENOENT ? 0 : cx_fail(e, CX_EIO, "%s: %s", a->manifest, strerror(errno));
	if (st.st_size > MAILARCHIVE_MANIFEST_MAX)
		return cx_fail(e, CX_EDATA, "%s: longer than %ld bytes", a->manifest, MAILARCHIVE_MANIFEST_MAX);
	if (!g_file_get_contents(a->manifest, &data, &len, &ge)) {
		cx_fail(e, CX_EIO, "%s: %s", a->manifest, ge->message);
		g_error_free(ge);
		return -1;
	}
	g_string_append_len(a->text, data, (gssize)len);
	g_free(data);
	const char *p = a->text->str, *end = p + a->text->len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL) {
			a->torn = 1;   /* a crash in the middle of an append */
			break;
		}
		count_line(a, p, (size_t)(nl - p));
		p = nl + 1;
	}
	return 0;
}

struct mailarchive *mailarchive_open(const char *dir, struct cx_error *e)
{
	if (rundir_mkdirs_private(dir, e) != 0)
		return NULL;
	struct mailarchive *a = xcalloc(1, sizeof *a);
	a->dir = xstrdup(dir);
	snprintf(a->manifest, sizeof a->manifest, "%s/%s", dir, MAILARCHIVE_MANIFEST);
	a->listed = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	a->text = g_string_new(NULL);
	a->pending = g_string_new(NULL);
	if (load_manifest(a, e) != 0) {
		mailarchive_free(a);
		return NULL;
	}
	return a;
}

void mailarchive_free(struct mailarchive *a)
{
	if (a == NULL)
		return;
	g_hash_table_destroy(a->listed);
	g_string_free(a->text, TRUE);
	g_string_free(a->pending, TRUE);
	free(a->dir);
	free(a);
}

int mailarchive_holds(struct mailarchive *a, const char *message_id, const char *sha256)
{
	char file[MAILARCHIVE_FILE_MAX], path[MAILARCHIVE_PATH_MAX + MAILARCHIVE_FILE_MAX];
	gchar *data = NULL;
	gsize len = 0;
	mailarchive_file(message_id, file, sizeof file);
	snprintf(path, sizeof path, "%s/%s", a->dir, file);
	if (!g_file_get_contents(path, &data, &len, NULL))
		return 0;
	gchar *h = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)data, len);
	int same = strcmp(h, sha256) == 0;
	g_free(h);
	g_free(data);
	return same;
}

/* Temporary name, write, rename; the fsync is mailarchive_sync's, once
 * for the group. */
int mailarchive_put(struct mailarchive *a, const char *message_id,
		    const char *msg, size_t len, struct cx_error *e)
{
	char file[MAILARCHIVE_FILE_MAX], path[MAILARCHIVE_PATH_MAX + MAILARCHIVE_FILE_MAX];
	char tmp[sizeof path + 16];
	mailarchive_file(message_id, file, sizeof file);
	snprintf(path, sizeof path, "%s/%s", a->dir, file);
	snprintf(tmp, sizeof tmp, "%s/.%s.tmp", a->dir, file);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return cx_fail(e, CX_ECANTCREAT, "%s: cannot create: %s", path, strerror(errno));
	size_t off = 0;
	while (off < len) {
		ssize_t w = write(fd, msg + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			int err = errno;
			close(fd);
			unlink(tmp);
			return cx_fail(e, CX_EIO, "%s: write error: %s", path, strerror(err));
		}
		off += (size_t)w;
	}
	if (close(fd) != 0 || rename(tmp, path) != 0) {
		int err = errno;
		unlink(tmp);
		return cx_fail(e, CX_EIO, "%s: %s", path, strerror(err));
	}
	return 0;
}

void mailarchive_list(struct mailarchive *a, const char *rcpt, const char *message_id,
		      const char *sha256, int code)
{
	char now[32], file[MAILARCHIVE_FILE_MAX];
	GDateTime *t;
	if (mailarchive_listed(a, message_id) > 0)
		return;
	t = g_date_time_new_now_utc();
	gchar *s = g_date_time_format(t, "%Y-%m-%dT%H:%M:%SZ");
	snprintf(now, sizeof now, "%s", s);
	g_free(s);
	g_date_time_unref(t);
	mailarchive_file(message_id, file, sizeof file);
	g_string_append_printf(a->pending, "%s\t%s\t<%s>\t%s\t%s\t%d\n", now, rcpt,
			       message_id, file, sha256, code);
	g_hash_table_replace(a->listed, g_strdup(message_id), GINT_TO_POINTER(1));
}

int mailarchive_listed(struct mailarchive *a, const char *message_id)
{
	return GPOINTER_TO_INT(g_hash_table_lookup(a->listed, message_id));
}

/* syncfs(2) flushes every file of the archive's file system at once:
 * one call for the group instead of one fsync per message. */
static int sync_dir(const char *dir, struct cx_error *e)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return cx_fail(e, CX_EIO, "%s: %s", dir, strerror(errno));
	int rc = syncfs(fd);
	close(fd);
	return rc == 0 ? 0 : cx_fail(e, CX_EIO, "%s: cannot sync: %s", dir, strerror(errno));
}

int mailarchive_sync(struct mailarchive *a, struct cx_error *e)
{
	if (sync_dir(a->dir, e) != 0)
		return -1;
	if (a->pending->len == 0)
		return 0;
	int fd = open(a->manifest, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return cx_fail(e, CX_ECANTCREAT, "%s: cannot open: %s", a->manifest, strerror(errno));
	/* One write(2): a kill leaves all the group's lines or none; only a
	 * power loss can tear it, and reconciliation drops a torn line. */
	ssize_t w = write(fd, a->pending->str, a->pending->len);
	int ok = w == (ssize_t)a->pending->len && fsync(fd) == 0;
	close(fd);
	if (!ok)
		return cx_fail(e, CX_EIO, "%s: write error", a->manifest);
	g_string_append_len(a->text, a->pending->str, (gssize)a->pending->len);
	g_string_truncate(a->pending, 0);
	return 0;
}

int mailarchive_dedupe(struct mailarchive *a, size_t *fixed, struct cx_error *e)
{
	*fixed = 0;
	if (!a->dupes && !a->torn)
		return 0;
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	GString *out = g_string_new(NULL);
	const char *p = a->text->str, *end = p + a->text->len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL) {
			(*fixed)++;
			break;
		}
		const char *lt = memchr(p, '<', (size_t)(nl - p));
		const char *gt = lt != NULL ? memchr(lt, '>', (size_t)(nl - lt)) : NULL;
		char *id = gt != NULL ? g_strndup(lt + 1, (size_t)(gt - lt - 1)) : NULL;
		if (id != NULL && g_hash_table_contains(seen, id)) {
			(*fixed)++;
			g_free(id);
		} else {
			g_string_append_len(out, p, nl + 1 - p);
			if (id != NULL)
				g_hash_table_add(seen, id);
		}
		p = nl + 1;
	}
	int rc = atomicfile_write_private(a->manifest, out->str, out->len, ATOMICFILE_REPLACE, e);
	if (rc == 0) {
		g_string_assign(a->text, out->str);
		a->dupes = a->torn = 0;
		GHashTableIter it;
		gpointer k;
		g_hash_table_iter_init(&it, seen);
		while (g_hash_table_iter_next(&it, &k, NULL))
			g_hash_table_replace(a->listed, g_strdup(k), GINT_TO_POINTER(1));
	}
	g_string_free(out, TRUE);
	g_hash_table_destroy(seen);
	return rc;
}
