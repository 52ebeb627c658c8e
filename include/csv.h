/* csv.h - an RFC 4180 record reader for price files.
 *
 * Reads records from a file (streamed, never the whole file in memory) or
 * from a memory buffer. Accepts a UTF-8 byte order mark at the start, LF,
 * CRLF or lone CR line ends, and quoted fields with "" escapes and line ends
 * inside the quotes. Blank lines are skipped. Each record carries the line
 * number it starts on, so callers can say `prices.csv:1842: ...`.
 *
 * Every buffer is bounded by the price-file limits of prices.h: a record
 * longer than CSV_LINE_MAX bytes or with more than CSV_COLUMNS_MAX fields is
 * an error, as is a NUL byte (a binary file is not CSV).
 */
#ifndef CONVEX_CSV_H
#define CONVEX_CSV_H

#include <stddef.h>

#include "err.h"
#include "prices.h"

/* The reader exists for price files, so its limits are theirs. */
#define CSV_LINE_MAX    PRICES_LINE_MAX     /* bytes in one record, line ends excluded */
#define CSV_COLUMNS_MAX PRICES_COLUMNS_MAX  /* fields in one record */

struct csv_reader;

/* One record. The strings are NUL-terminated, unquoted and unescaped (a
 * field may still hold a NUL-free line end that was inside quotes); they
 * belong to the reader and stay valid until the next csv_next or csv_free. */
struct csv_record {
	size_t n;             /* number of fields, >= 1 */
	char **field;         /* field[i] is len[i] bytes + NUL */
	const size_t *len;
	long line;            /* line number (from 1) where the record starts */
};

/* Open the file at `path` for reading; messages name it by `path`.
 * Returns NULL with `e` set on failure: CX_ENOINPUT when it cannot be opened
 * (`missing.csv: cannot open: No such file or directory`) or is a directory.
 * Caller frees with csv_free. */
struct csv_reader *csv_new_file(const char *path, struct cx_error *e);

/* A reader over `len` bytes at `data` (need not be NUL-terminated; borrowed,
 * must outlive the reader). `name` stands for the file in messages and is
 * copied. Never NULL (aborts on out-of-memory). Caller frees with csv_free. */
struct csv_reader *csv_new_buffer(const char *name, const char *data,
				  size_t len);

void csv_free(struct csv_reader *r);

/* Let messages name the source `name` (copied), e.g. the URL of a body
 * spooled to a temporary file. */
void csv_set_name(struct csv_reader *r, const char *name);

/* The name messages use for the source. Owned by the reader. */
const char *csv_name(const struct csv_reader *r);

/* Read the next record into *rec.
 * Returns 1 with a record, 0 at the end of the input, -1 with `e` set:
 * CX_EDATA for a record past the limits, a NUL byte, an unclosed quote or
 * text after a closing quote; CX_EIO for a read error. After -1 the reader
 * stays at the error. */
int csv_next(struct csv_reader *r, struct csv_record *rec,
	     struct cx_error *e);

#endif
