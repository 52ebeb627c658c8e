/* csv.c - RFC 4180 records from a file or a memory buffer.
 *
 * Written by hand: Debian's CSV library, libcsv (libcsv-dev), is unmaintained
 * since 2013, reports no line numbers and has no limit on a field's length;
 * price files need both for their messages and their safety. The reader is a
 * small byte-at-a-time state machine over a fixed read chunk, writing the
 * unescaped fields of one record into one fixed buffer (no allocation per
 * record or per field).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "csv.h"
#include "xalloc.h"

/* Bytes read from a file at a time. */
#define CSV_CHUNK 65536
/* Field text of one record: every byte of the line plus one NUL per field
 * stays within this (the separators make room for the NULs). */
#define CSV_TEXT_MAX (CSV_LINE_MAX + 1)

#define CSV_END (-1)

struct csv_reader {
	char *name;
	FILE *f;                   /* NULL when reading a buffer */
	const unsigned char *data; /* the buffer, or the current file chunk */
	size_t len, pos;
	unsigned char *chunk;      /* file read buffer, CSV_CHUNK bytes */
	int eof, io_errno;         /* file exhausted; errno of a failed read */
	long line;                 /* line of the next byte */
	int failed;

	char *text;                /* CSV_TEXT_MAX bytes */
	size_t used;
	char **field;              /* CSV_COLUMNS_MAX entries */
	size_t *flen;
};

static struct csv_reader *reader_new(const char *name)
{
	struct csv_reader *r = xmalloc(sizeof *r);

	memset(r, 0, sizeof *r);
	r->name = xstrdup(name);
	r->line = 1;
	r->text = xmalloc(CSV_TEXT_MAX);
	r->field = xmalloc(CSV_COLUMNS_MAX * sizeof *r->field);
	r->flen = xmalloc(CSV_COLUMNS_MAX * sizeof *r->flen);
	return r;
}

/* Skip a UTF-8 byte order mark at the very start of the input. */
static void skip_bom(struct csv_reader *r)
{
	if (r->len - r->pos >= 3 && memcmp(r->data + r->pos, "\xef\xbb\xbf", 3) == 0)
		r->pos += 3;
}

static int refill(struct csv_reader *r)
{
	size_t n;

	if (r->f == NULL || r->eof)
		return 0;
	n = fread(r->chunk, 1, CSV_CHUNK, r->f);
	if (n < CSV_CHUNK) {
		if (ferror(r->f))
			r->io_errno = errno ? errno : EIO;
		r->eof = 1;
	}
	r->data = r->chunk;
	r->len = n;
	r->pos = 0;
	return n > 0;
}

struct csv_reader *csv_new_file(const char *path, struct cx_error *e)
{
	struct csv_reader *r;
	struct stat st;
	FILE *f = fopen(path, "rb");

	if (f == NULL) {
		cx_fail(e, CX_ENOINPUT, "%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(f);
		cx_fail(e, CX_ENOINPUT, "%s: cannot open: %s", path, strerror(EISDIR));
		return NULL;
	}
	r = reader_new(path);
	r->f = f;
	r->chunk = xmalloc(CSV_CHUNK);
	errno = 0;
	refill(r);
	skip_bom(r);
	return r;
}

struct csv_reader *csv_new_buffer(const char *name, const char *data, size_t len)
{
	struct csv_reader *r = reader_new(name);

	r->data = (const unsigned char *)data;
	r->len = len;
	skip_bom(r);
	return r;
}

void csv_free(struct csv_reader *r)
{
	if (r == NULL)
		return;
	if (r->f != NULL)
		fclose(r->f);
	free(r->chunk);
	free(r->text);
	free(r->field);
	free(r->flen);
	free(r->name);
	free(r);
}

void csv_set_name(struct csv_reader *r, const char *name)
{
	free(r->name);
	r->name = xstrdup(name);
}

const char *csv_name(const struct csv_reader *r)
{
	return r->name;
}

static inline int get(struct csv_reader *r)
{
	if (r->pos == r->len && !refill(r))
		return CSV_END;
	return r->data[r->pos++];
}

static inline int peek(struct csv_reader *r)
{
	if (r->pos == r->len && !refill(r))
		return CSV_END;
	return r->data[r->pos];
}

/* After a '\r' or '\n' has been read: eat the '\n' of a CRLF, count the line. */
static void end_line(struct csv_reader *r, int c)
{
	if (c == '\r' && peek(r) == '\n')
		r->pos++;
	r->line++;
}

/* Append one byte of field text; -1 when the record is past the limit. */
static inline int put(struct csv_reader *r, int c)
{
	if (r->used == CSV_TEXT_MAX)
		return -1;
	r->text[r->used++] = (char)c;
	return 0;
}

static int too_long(struct csv_reader *r, long line, struct cx_error *e)
{
	return cx_fail(e, CX_EDATA, "%s:%ld: line longer than %d bytes",
		       r->name, line, CSV_LINE_MAX);
}

static int nul_byte(struct csv_reader *r, struct cx_error *e)
{
	return cx_fail(e, CX_EDATA, "%s:%ld: not a CSV file: it contains a NUL byte",
		       r->name, r->line);
}

/* A quoted field; the opening quote is read. Returns the byte after the
 * closing quote, or -2 with `e` set. */
static int quoted_field(struct csv_reader *r, long start, struct cx_error *e)
{
	for (;;) {
		int c = get(r);
		if (c == CSV_END) {
			cx_fail(e, CX_EDATA, "%s:%ld: quoted field is not closed",
				r->name, start);
			return -2;
		}
		if (c == '"') {
			if (peek(r) != '"')
				return get(r);
			r->pos++;
		} else if (c == '\0') {
			nul_byte(r, e);
			return -2;
		} else if (c == '\n' || (c == '\r' && peek(r) != '\n')) {
			r->line++;
		}
		if (put(r, c) < 0) {
			too_long(r, start, e);
			return -2;
		}
	}
}

static bool blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return false;
	return true;
}

/* One field starting with byte c. Blanks around a quoted field are
 * dropped (`a, "b,c" ,d`), a common departure from RFC 4180 in files
 * edited by hand. Returns the byte that ended it (',',
 * '\r', '\n' or CSV_END), or -2 with `e` set. `index` counts from 0. */
static int one_field(struct csv_reader *r, int c, long start, size_t index,
		     struct cx_error *e)
{
	size_t first = r->used;

	if (c == '"') {
		c = quoted_field(r, start, e);
		if (c == -2)
			return -2;
		while (c == ' ' || c == '\t')
			c = get(r);
		if (c != ',' && c != '\n' && c != '\r' && c != CSV_END) {
			cx_fail(e, CX_EDATA, "%s:%ld: text after the closing quote of field %zu",
				r->name, r->line, index + 1);
			return -2;
		}
		return c;
	}
	while (c != ',' && c != '\n' && c != '\r' && c != CSV_END) {
		if (c == '"' && blank(r->text + first, r->used - first)) {
			r->used = first;
			return one_field(r, c, start, index, e);
		}
		if (c == '\0') {
			nul_byte(r, e);
			return -2;
		}
		if (put(r, c) < 0) {
			too_long(r, start, e);
			return -2;
		}
		c = get(r);
	}
	return c;
}

/* Skip blank lines; returns the first byte of a record or CSV_END. */
static int skip_blank_lines(struct csv_reader *r)
{
	for (;;) {
		int c = get(r);
		if (c != '\n' && c != '\r')
			return c;
		end_line(r, c);
	}
}

static int read_record(struct csv_reader *r, struct csv_record *rec,
		       struct cx_error *e)
{
	long start;
	size_t n = 0;
	int c = skip_blank_lines(r);

	if (c == CSV_END)
		return 0;
	start = r->line;
	r->used = 0;
	for (;;) {
		size_t first = r->used;
		if (n == CSV_COLUMNS_MAX)
			return cx_fail(e, CX_EDATA, "%s:%ld: more than %d fields",
				       r->name, start, CSV_COLUMNS_MAX);
		c = one_field(r, c, start, n, e);
		if (c == -2)
			return -1;
		if (put(r, '\0') < 0)
			return too_long(r, start, e);
		r->field[n] = r->text + first;
		r->flen[n] = r->used - first - 1;
		n++;
		if (c != ',')
			break;
		c = get(r);
	}
	if (c != CSV_END)
		end_line(r, c);
	rec->n = n;
	rec->field = r->field;
	rec->len = r->flen;
	rec->line = start;
	return 1;
}

int csv_next(struct csv_reader *r, struct csv_record *rec, struct cx_error *e)
{
	int rc;

	if (r->failed)
		return cx_fail(e, CX_ESOFTWARE, "%s: read after an error", r->name);
	rc = read_record(r, rec, e);
	/* A failed read looks like the end of the input to the parser. */
	if (r->io_errno != 0) {
		rc = cx_fail(e, CX_EIO, "%s: cannot read: %s", r->name,
			     strerror(r->io_errno));
	}
	if (rc < 0)
		r->failed = 1;
	return rc;
}
