/* prices.h - daily closing prices by symbol, loaded from CSV.
 *
 * Layouts, detected from the header row (see prices_detect_layout):
 *   wide  date,SYM1,SYM2,...           one column per symbol
 *   ohlc  Date,Open,...,Close[,Adj Close],...   one file per symbol; the
 *         adjusted close is preferred when present
 *   long  symbol,date,close            one row per symbol and date
 * A UTF-8 BOM, CRLF line ends and quoted fields are accepted; dates are ISO
 * YYYY-MM-DD. A missing value (empty, NA, N/A, null, NaN, ".") drops that date
 * for that symbol; a zero or negative price is dropped with a warning naming
 * file:line. Identical duplicate rows are tolerated, conflicting ones are an
 * error; rows out of order are sorted.
 *
 * Errors (one line, naming file:line, field and symbol):
 *   CX_ENOINPUT missing/unreadable file;  CX_EDATA bad content;
 *   CX_EIO      a read error;
 *   CX_EUSAGE   a symbol override that makes no sense for the layout.
 */
#ifndef CONVEX_PRICES_H
#define CONVEX_PRICES_H

#include <stddef.h>

#include "date.h"
#include "err.h"

/* Limits on input (each guards a buffer fed by the file). */
#define PRICES_LINE_MAX    65536     /* bytes in one CSV line */
#define PRICES_COLUMNS_MAX 4096      /* fields in one CSV line */
#define PRICES_ROWS_MAX    5000000   /* data rows in one file */
#define PRICES_SYMBOLS_MAX 10000     /* distinct symbols in one price set */
#define PRICES_SYMBOL_MAX  64        /* bytes in one symbol */

enum prices_layout { PRICES_AUTO, PRICES_WIDE, PRICES_OHLC, PRICES_LONG };

/* One symbol's valid closes: dates strictly increasing, every close > 0 and
 * finite. Owned by the `struct prices` it came from. */
struct series {
	char *symbol;
	cx_date *dates;
	double *close;
	size_t n;
};

struct prices;

/* A new empty price set; never NULL (aborts on out-of-memory). */
struct prices *prices_new(void);
void prices_free(struct prices *p);

/* How to read one source. `symbol`: the symbol of a per-symbol (ohlc) file,
 * or the new name of the only value column of a wide file; NULL means the
 * file's base name without extension (ohlc) or the header (wide). */
struct prices_opts {
	const char *symbol;
	enum prices_layout layout;
};

/* Read the CSV file at `path` into `p` (opts may be NULL).
 * Returns 0, or -1 with `e` set; on error `p` is unchanged. */
int prices_load_file(struct prices *p, const char *path,
		     const struct prices_opts *opts, struct cx_error *e);

/* prices_load_file, with `name` standing for the file `path` in messages
 * (a body spooled to a temporary file, named by its URL). */
int prices_load_named(struct prices *p, const char *name, const char *path,
		      const struct prices_opts *opts, struct cx_error *e);

/* The same for CSV text in memory; `name` stands for the file in messages
 * (e.g. a URL). The buffer need not be NUL-terminated. */
int prices_load_buffer(struct prices *p, const char *name, const char *data,
		       size_t len, const struct prices_opts *opts,
		       struct cx_error *e);

/* Add rows for one symbol from another source (the HTTP price store):
 * `n` dates with their closes, in any order; the same rules as a file
 * (non-positive or non-finite closes dropped with a warning, conflicting
 * duplicates an error naming `source`). Returns 0 or -1 with `e` set. */
int prices_add(struct prices *p, const char *symbol, const cx_date *dates,
	       const double *close, size_t n, const char *source,
	       struct cx_error *e);

/* Symbols in order of first appearance. */
size_t prices_count(const struct prices *p);
const struct series *prices_at(const struct prices *p, size_t i);
/* The series of `symbol`, or NULL. */
const struct series *prices_find(const struct prices *p, const char *symbol);

/* Edits the data-quality checks make (quality.h) on the series at index
 * `i` (prices_at): keep its first `n` days; drop day `k`; multiply the
 * closes before day `k` by `factor` (> 0). Out-of-range indices do nothing. */
void prices_truncate(struct prices *p, size_t i, size_t n);
void prices_drop_day(struct prices *p, size_t i, size_t k);
void prices_scale_before(struct prices *p, size_t i, size_t k, double factor);

/* Layout name for messages ("wide", "ohlc", "long"). */
const char *prices_layout_name(enum prices_layout l);

#endif
