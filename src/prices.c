/* prices.c - daily closes by symbol from CSV files, buffers and other sources.
 *
 * A load goes in two steps so that a failed load leaves the price set as it
 * was: the rows are read into a scratch set (one growing array of points per
 * symbol, never one allocation per cell), checked, sorted and de-duplicated;
 * only then is the scratch set checked against the price set and merged in.
 * Every point remembers its source and line, so a conflicting duplicate can
 * name both places, also across two files.
 */
#define _GNU_SOURCE /* strtod_l, tdestroy */
#include <float.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <search.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csv.h"
#include "log.h"
#include "prices.h"
#include "xalloc.h"

/* Bytes of a field quoted in a message; longer fields are cut with "...". */
#define MSG_FIELD_MAX 60
/* Non-positive prices warned about one by one per load; the rest are counted
 * in one closing warning, so a bad column cannot flood the log. */
#define LOAD_WARNINGS_MAX 10

#define STR_(x) #x
#define STR(x) STR_(x)

/* One symbol in the price set: the public series plus where each point
 * came from. `symbol` is the first member (see symbol_cmp). */
struct symbol_entry {
	struct series s;
	uint32_t *src;   /* index into prices->sources */
	uint32_t *line;  /* line in that source; 0 when it has none */
};

struct prices {
	struct symbol_entry **entry;  /* in order of first appearance */
	size_t n, cap;
	void *index;           /* tsearch tree of entries by symbol */
	char **sources;        /* names of the loaded sources */
	size_t nsources, srccap;
};

/* A point read by the current load. */
struct point {
	cx_date date;
	uint32_t line;
	double close;
};

/* One symbol of the scratch set. `symbol` is the first member. */
struct scratch {
	char *symbol;
	struct point *pt;
	size_t n, cap;
	struct symbol_entry *target;  /* the same symbol in the price set, or NULL */
};

/* The state of one load. */
struct load {
	struct prices *p;
	const char *name;      /* source name for messages */
	struct scratch **sym;  /* in order of first appearance */
	size_t n, cap;
	void *index;           /* tsearch tree of scratch by symbol */
	size_t warnings;
};

/* The column roles a header can name (case-insensitive, trimmed). */
enum role { ROLE_OTHER, ROLE_DATE, ROLE_SYMBOL, ROLE_CLOSE, ROLE_ADJ, ROLE_OHLCV };

static const struct {
	const char *name;
	enum role role;
} header_names[] = {
	{"date", ROLE_DATE},       {"timestamp", ROLE_DATE},
	{"observation_date", ROLE_DATE},
	{"symbol", ROLE_SYMBOL},   {"ticker", ROLE_SYMBOL},
	{"close", ROLE_CLOSE},
	{"adj close", ROLE_ADJ},   {"adjclose", ROLE_ADJ}, {"adj_close", ROLE_ADJ},
	{"open", ROLE_OHLCV},      {"high", ROLE_OHLCV},
	{"low", ROLE_OHLCV},       {"volume", ROLE_OHLCV},
};

/* Spellings of a missing value (case-insensitive, trimmed). */
static const char *const missing_names[] = {"", "na", "n/a", "null", "nan", "."};

/* Where the columns of a file go. */
struct plan {
	enum prices_layout layout;
	size_t ncols;
	size_t date_col, close_col, symbol_col;
	struct scratch **col;  /* wide: scratch of each column (col[0], the
				  date, is NULL); ohlc: col[0] is the symbol's */
};

/* ---- small helpers ------------------------------------------------------ */

static int symbol_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Trim blanks around the field s/len (the text is not touched). */
static void trim_view(const char **s, size_t *len)
{
	while (*len > 0 && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*len)--;
	}
	while (*len > 0 && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
		(*len)--;
}

/* Trim blanks around a field of a record and NUL-terminate it in place
 * (once per field: the cut is written into the record). */
static void trim(char **s, size_t *len)
{
	const char *v = *s;

	trim_view(&v, len);
	*s += v - *s;
	(*s)[*len] = '\0';
}

static size_t utf8_sequence(const unsigned char *s, size_t len);

/* A field as messages quote it: cut at a character boundary, control bytes
 * and invalid UTF-8 shown as '?', so an error stays one line of text. */
static const char *shown(char buf[MSG_FIELD_MAX + 4], const char *s, size_t len)
{
	size_t n = len, i = 0, k;

	if (n > MSG_FIELD_MAX) {
		n = MSG_FIELD_MAX;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	while (i < n) {
		k = utf8_sequence((const unsigned char *)s + i, n - i);
		if (k == 0 || (unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
			buf[i++] = '?';
			continue;
		}
		memcpy(buf + i, s + i, k);
		i += k;
	}
	memcpy(buf + n, n < len ? "..." : "", n < len ? 4 : 1);  /* buf has n + 4 */
	return buf;
}

/* The shortest "%g" text that reads back as v. */
static const char *number_text(char buf[32], double v)
{
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, 32, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	return buf;
}

/* ---- parsing a price ---------------------------------------------------- */

enum value { VALUE_OK, VALUE_MISSING, VALUE_NOT_POSITIVE, VALUE_BAD, VALUE_RANGE };

static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;

static void c_locale_init(void)
{
	c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	if (c_locale == (locale_t)0)
		abort();
}

static bool is_missing(const char *s, size_t len)
{
	if (len > 4 || (len > 0 && s[0] >= '0' && s[0] <= '9'))
		return false; /* the common case: a number */
	for (size_t i = 0; i < sizeof missing_names / sizeof missing_names[0]; i++)
		if (strlen(missing_names[i]) == len && strncasecmp(s, missing_names[i], len) == 0)
			return true;
	return false;
}

/* Clinger's fast path: a plain decimal of at most 15 digits and at most 22
 * after the point is m / 10^k with m and 10^k exact doubles, so one IEEE
 * division gives the correctly rounded value, the same as strtod. Prices
 * almost always look like this; strtod_l does the rest. Needs arithmetic
 * in double precision (not x87's extended precision). */
static bool decimal_fast(const char *s, size_t len, double *out)
{
	static const double pow10[] = {
		1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
		1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
	};
	uint64_t m = 0;
	int digits = 0, frac = -1;
	size_t i = s[0] == '-' || s[0] == '+';

	if (FLT_EVAL_METHOD != 0)
		return false;
	for (; i < len; i++) {
		if (s[i] == '.' && frac < 0) {
			frac = 0;
			continue;
		}
		if (s[i] < '0' || s[i] > '9' || ++digits > 15)
			return false;
		m = m * 10 + (uint64_t)(s[i] - '0');
		frac += frac >= 0;
	}
	if (frac > 22)
		return false;
	*out = (double)m / pow10[frac > 0 ? frac : 0];
	if (s[0] == '-')
		*out = -*out;
	return true;
}

static size_t skip_digits(const char *s, size_t i, size_t len)
{
	while (i < len && s[i] >= '0' && s[i] <= '9')
		i++;
	return i;
}

/* A decimal number and nothing else: [+-]digits[.digits][e[+-]digits].
 * strtod alone would also take hex, "inf", "nan" and leading spaces. */
static bool is_decimal(const char *s, size_t len)
{
	size_t i = 0, d;

	if (i < len && (s[i] == '+' || s[i] == '-'))
		i++;
	d = skip_digits(s, i, len);
	bool int_digits = d > i;
	i = d;
	if (i < len && s[i] == '.') {
		d = skip_digits(s, i + 1, len);
		if (!int_digits && d == i + 1)
			return false;
		i = d;
	} else if (!int_digits) {
		return false;
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		d = skip_digits(s, i, len);
		if (d == i)
			return false;
		i = d;
	}
	return i == len;
}

/* Parse a trimmed price field (NUL-terminated at s[len]). */
static enum value parse_price(const char *s, size_t len, double *out)
{
	char *end;

	if (is_missing(s, len))
		return VALUE_MISSING;
	if (!is_decimal(s, len))
		return VALUE_BAD;
	if (!decimal_fast(s, len, out)) {
		pthread_once(&c_locale_once, c_locale_init);
		*out = strtod_l(s, &end, c_locale);
		if (end != s + len)
			return VALUE_BAD;
	}
	if (!isfinite(*out))
		return VALUE_RANGE;
	return *out > 0 ? VALUE_OK : VALUE_NOT_POSITIVE;
}

/* Length of the UTF-8 sequence at s (at most len bytes), 0 when invalid:
 * no overlong forms, surrogates or code points past U+10FFFF. */
static size_t utf8_sequence(const unsigned char *s, size_t len)
{
	size_t n = s[0] < 0x80 ? 1 : s[0] >= 0xc2 && s[0] <= 0xdf ? 2
		 : s[0] >= 0xe0 && s[0] <= 0xef ? 3 : s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : 0;

	if (n == 0 || n > len)
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] > 0x9f) ||
	    (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] > 0x8f))
		return 0;
	return n;
}

/* Why a symbol is unusable, or NULL when it is fine. Symbols end up in
 * JSON, XML and PDF text, so they must be valid UTF-8 without controls. */
static const char *symbol_problem(const char *s, size_t len)
{
	if (len == 0)
		return "is empty";
	if (len > PRICES_SYMBOL_MAX)
		return "is longer than " STR(PRICES_SYMBOL_MAX) " bytes";
	for (size_t i = 0, n; i < len; i += n) {
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return "contains a control character";
		n = utf8_sequence((const unsigned char *)s + i, len - i);
		if (n == 0)
			return "is not valid UTF-8";
	}
	return NULL;
}

/* ---- the scratch set ---------------------------------------------------- */

static void keep_node(void *key)
{
	(void)key; /* the scratch and entries are freed through their arrays */
}

static void load_release(struct load *L)
{
	tdestroy(L->index, keep_node);
	for (size_t i = 0; i < L->n; i++) {
		free(L->sym[i]->symbol);
		free(L->sym[i]->pt);
		free(L->sym[i]);
	}
	free(L->sym);
}

static struct symbol_entry *entry_find(const struct prices *p, const char *symbol)
{
	void *hit = tfind(&symbol, &p->index, symbol_cmp);
	return hit ? *(struct symbol_entry **)hit : NULL;
}

static struct scratch *scratch_find(const struct load *L, const char *symbol)
{
	void *hit = tfind(&symbol, &L->index, symbol_cmp);
	return hit ? *(struct scratch **)hit : NULL;
}

/* A new scratch series for `symbol` (NUL-terminated, checked), or NULL
 * with `e` set past PRICES_SYMBOLS_MAX. */
static struct scratch *scratch_add(struct load *L, const char *symbol,
				   long line, struct cx_error *e)
{
	struct scratch *s;

	if (L->n == PRICES_SYMBOLS_MAX) {
		cx_fail(e, CX_EDATA, "%s:%ld: more than %d symbols", L->name, line,
			PRICES_SYMBOLS_MAX);
		return NULL;
	}
	s = xmalloc(sizeof *s);
	memset(s, 0, sizeof *s);
	s->symbol = xstrdup(symbol);
	s->target = entry_find(L->p, symbol);
	if (L->n == L->cap) {
		L->cap = L->cap ? 2 * L->cap : 16;
		L->sym = xrealloc_array(L->sym, L->cap, sizeof *L->sym);
	}
	L->sym[L->n++] = s;
	if (tsearch(s, &L->index, symbol_cmp) == NULL)
		abort();
	return s;
}

static void scratch_push(struct scratch *s, cx_date d, long line, double close)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 256;
		s->pt = xrealloc_array(s->pt, s->cap, sizeof *s->pt);
	}
	s->pt[s->n].date = d;
	s->pt[s->n].line = line > (long)UINT32_MAX ? UINT32_MAX : (uint32_t)line;
	s->pt[s->n].close = close;
	s->n++;
}

/* The scratch series of a checked symbol: the existing one or a new one. */
static struct scratch *scratch_get(struct load *L, const char *symbol,
				   long line, struct cx_error *e)
{
	struct scratch *s = scratch_find(L, symbol);
	return s ? s : scratch_add(L, symbol, line, e);
}

static int point_cmp(const void *a, const void *b)
{
	const struct point *x = a, *y = b;

	if (x->date != y->date)
		return x->date < y->date ? -1 : 1;
	return (x->line > y->line) - (x->line < y->line);
}

static int conflict_within(const struct load *L, const struct scratch *s,
			   const struct point *old, const struct point *here,
			   struct cx_error *e)
{
	char d[DATE_STR_SIZE], a[32], b[32];

	date_format(here->date, d);
	number_text(a, old->close);
	number_text(b, here->close);
	if (here->line == 0)
		return cx_fail(e, CX_EDATA,
			       "%s: conflicting duplicate date %s for \"%s\" (%s and %s)",
			       L->name, d, s->symbol, a, b);
	return cx_fail(e, CX_EDATA,
		       "%s:%u: conflicting duplicate date %s for \"%s\" (%s at line %u, %s here)",
		       L->name, here->line, d, s->symbol, a, old->line, b);
}

/* Sort one scratch series by date (file order among equal dates), drop
 * identical duplicates, refuse conflicting ones. */
static int scratch_settle(const struct load *L, struct scratch *s,
			  struct cx_error *e)
{
	size_t i, out = 0;

	for (i = 1; i < s->n; i++)
		if (s->pt[i].date <= s->pt[i - 1].date)
			break;
	if (i < s->n)
		qsort(s->pt, s->n, sizeof *s->pt, point_cmp);
	for (i = 0; i < s->n; i++) {
		if (out > 0 && s->pt[out - 1].date == s->pt[i].date) {
			if (s->pt[out - 1].close != s->pt[i].close)
				return conflict_within(L, s, &s->pt[out - 1], &s->pt[i], e);
			continue;
		}
		s->pt[out++] = s->pt[i];
	}
	s->n = out;
	return 0;
}

static int conflict_across(const struct load *L, const struct scratch *s,
			   const struct symbol_entry *t, size_t i, const struct point *here,
			   struct cx_error *e)
{
	char d[DATE_STR_SIZE], a[32], b[32], at[32] = "";
	char hline[32] = "";

	date_format(here->date, d);
	number_text(a, t->s.close[i]);
	number_text(b, here->close);
	if (t->line[i] > 0)
		snprintf(at, sizeof at, ":%u", t->line[i]);
	if (here->line > 0)
		snprintf(hline, sizeof hline, ":%u", here->line);
	return cx_fail(e, CX_EDATA,
		       "%s%s: conflicting duplicate date %s for \"%s\" (%s at %s%s, %s here)",
		       L->name, hline, d, s->symbol, a, L->p->sources[t->src[i]], at, b);
}

/* Walk a settled scratch series against the price set's series of the same
 * symbol. Returns the number of dates they share, or -1 on a conflict. */
static long scratch_overlap(const struct load *L, const struct scratch *s,
			    struct cx_error *e)
{
	const struct symbol_entry *t = s->target;
	size_t i = 0, j = 0;
	long shared = 0;

	while (t != NULL && i < t->s.n && j < s->n) {
		if (t->s.dates[i] < s->pt[j].date) {
			i++;
		} else if (t->s.dates[i] > s->pt[j].date) {
			j++;
		} else {
			if (t->s.close[i] != s->pt[j].close)
				return conflict_across(L, s, t, i, &s->pt[j], e);
			shared++;
			i++;
			j++;
		}
	}
	return shared;
}

/* Settle every scratch series and check it against the price set. */
static int load_check(struct load *L, struct cx_error *e)
{
	size_t fresh = 0;

	for (size_t i = 0; i < L->n; i++) {
		if (scratch_settle(L, L->sym[i], e) < 0 || scratch_overlap(L, L->sym[i], e) < 0)
			return -1;
		fresh += L->sym[i]->target == NULL;
	}
	if (L->p->n + fresh > PRICES_SYMBOLS_MAX)
		return cx_fail(e, CX_EDATA, "%s: more than %d symbols in all", L->name,
			       PRICES_SYMBOLS_MAX);
	return 0;
}

/* ---- merging into the price set ----------------------------------------- */

static void entry_alloc(struct symbol_entry *t, size_t n)
{
	t->s.dates = xmalloc(n * sizeof *t->s.dates);
	t->s.close = xmalloc(n * sizeof *t->s.close);
	t->src = xmalloc(n * sizeof *t->src);
	t->line = xmalloc(n * sizeof *t->line);
}

static void entry_free_arrays(struct symbol_entry *t)
{
	free(t->s.dates);
	free(t->s.close);
	free(t->src);
	free(t->line);
}

static void entry_set(struct symbol_entry *t, size_t k, cx_date d, double close,
		      uint32_t src, uint32_t line)
{
	t->s.dates[k] = d;
	t->s.close[k] = close;
	t->src[k] = src;
	t->line[k] = line;
}

static void entry_new(struct prices *p, const struct scratch *s, uint32_t src)
{
	struct symbol_entry *t = xmalloc(sizeof *t);

	t->s.symbol = xstrdup(s->symbol);
	t->s.n = s->n;
	entry_alloc(t, s->n);
	for (size_t k = 0; k < s->n; k++)
		entry_set(t, k, s->pt[k].date, s->pt[k].close, src, s->pt[k].line);
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 16;
		p->entry = xrealloc_array(p->entry, p->cap, sizeof *p->entry);
	}
	p->entry[p->n++] = t;
	if (tsearch(t, &p->index, symbol_cmp) == NULL)
		abort();
}

/* Merge a checked scratch series into its entry; on a shared date the
 * existing point (and its source) stays. */
static void entry_merge(struct symbol_entry *t, const struct scratch *s, size_t shared,
			uint32_t src)
{
	struct symbol_entry old = *t;
	size_t i = 0, j = 0, k = 0;

	entry_alloc(t, old.s.n + s->n - shared);
	while (i < old.s.n || j < s->n) {
		if (j == s->n || (i < old.s.n && old.s.dates[i] <= s->pt[j].date)) {
			if (j < s->n && old.s.dates[i] == s->pt[j].date)
				j++;
			entry_set(t, k++, old.s.dates[i], old.s.close[i], old.src[i], old.line[i]);
			i++;
		} else {
			entry_set(t, k++, s->pt[j].date, s->pt[j].close, src, s->pt[j].line);
			j++;
		}
	}
	t->s.n = k;
	entry_free_arrays(&old);
}

/* Make the checked load part of the price set; cannot fail. */
static void load_commit(struct load *L)
{
	struct prices *p = L->p;
	uint32_t src = (uint32_t)p->nsources;

	if (p->nsources == p->srccap) {
		p->srccap = p->srccap ? 2 * p->srccap : 8;
		p->sources = xrealloc_array(p->sources, p->srccap, sizeof *p->sources);
	}
	p->sources[p->nsources++] = xstrdup(L->name);
	for (size_t i = 0; i < L->n; i++) {
		struct scratch *s = L->sym[i];
		if (s->target != NULL)
			entry_merge(s->target, s, (size_t)scratch_overlap(L, s, NULL), src);
		else
			entry_new(p, s, src);
	}
}

/* ---- the header --------------------------------------------------------- */

static enum role role_of(const char *s, size_t len)
{
	for (size_t i = 0; i < sizeof header_names / sizeof header_names[0]; i++)
		if (strlen(header_names[i].name) == len &&
		    strncasecmp(s, header_names[i].name, len) == 0)
			return header_names[i].role;
	return ROLE_OTHER;
}

/* Columns of the roles found in a header; SIZE_MAX when absent. */
struct header {
	size_t col[ROLE_OHLCV];
	size_t ohlcv;          /* how many of Open/High/Low/Volume */
};

static const char *const role_names[] = {
	[ROLE_DATE] = "date", [ROLE_SYMBOL] = "symbol",
	[ROLE_CLOSE] = "close", [ROLE_ADJ] = "adjusted close",
};

static int header_scan(const struct load *L, const struct csv_record *rec,
		       struct header *h, struct cx_error *e)
{
	for (int r = 0; r < ROLE_OHLCV; r++)
		h->col[r] = SIZE_MAX;
	h->ohlcv = 0;
	for (size_t i = 0; i < rec->n; i++) {
		const char *s = rec->field[i];
		size_t len = rec->len[i];
		trim_view(&s, &len);
		enum role r = role_of(s, len);
		if (r == ROLE_OHLCV) {
			h->ohlcv++;
		} else if (r != ROLE_OTHER && h->col[r] != SIZE_MAX) {
			return cx_fail(e, CX_EDATA, "%s:%ld: header has two %s columns (%zu and %zu)",
				       L->name, rec->line, role_names[r], h->col[r] + 1, i + 1);
		} else if (r != ROLE_OTHER) {
			h->col[r] = i;
		}
	}
	return 0;
}

static int not_prices(const struct load *L, long line, const char *why,
		      struct cx_error *e)
{
	return cx_fail(e, CX_EDATA, "%s:%ld: not a CSV price file: %s", L->name, line, why);
}

/* The layout the header asks for (opts->layout when given), with its
 * required columns checked. */
static int plan_layout(const struct load *L, const struct csv_record *rec,
		       const struct header *h, enum prices_layout want,
		       struct plan *plan, struct cx_error *e)
{
	bool has_date = h->col[ROLE_DATE] != SIZE_MAX;
	bool has_close = h->col[ROLE_CLOSE] != SIZE_MAX || h->col[ROLE_ADJ] != SIZE_MAX;
	bool has_symbol = h->col[ROLE_SYMBOL] != SIZE_MAX;

	if (want == PRICES_AUTO) {
		if (!has_date)
			return not_prices(L, rec->line, "expected a header with a date column", e);
		if (has_symbol)
			want = PRICES_LONG;
		else if (has_close)
			want = PRICES_OHLC;
		else if (h->ohlcv >= 2)
			return not_prices(L, rec->line, "Open/High/Low columns but no Close column", e);
		else
			want = PRICES_WIDE;
	}
	plan->layout = want;
	plan->ncols = rec->n;
	plan->date_col = h->col[ROLE_DATE];
	plan->symbol_col = h->col[ROLE_SYMBOL];
	plan->close_col = h->col[ROLE_ADJ] != SIZE_MAX ? h->col[ROLE_ADJ] : h->col[ROLE_CLOSE];
	if (want == PRICES_LONG && !(has_symbol && has_date && has_close))
		return not_prices(L, rec->line, "a long price file needs symbol, date and close columns", e);
	if (want == PRICES_OHLC && !(has_date && has_close))
		return not_prices(L, rec->line, "a per-symbol price file needs date and close columns", e);
	if (want == PRICES_WIDE && plan->date_col != 0)
		return not_prices(L, rec->line, "a wide price file needs the date in the first column", e);
	if (want == PRICES_WIDE && rec->n < 2)
		return not_prices(L, rec->line, "no price columns after the date column", e);
	return 0;
}

/* Check a symbol named by the file, the options or the file name. */
static int symbol_ok(const struct load *L, long line, enum cx_err code,
		     const char *s, size_t len, struct cx_error *e)
{
	char q[MSG_FIELD_MAX + 4];
	const char *why = symbol_problem(s, len);

	if (why == NULL)
		return 0;
	if (line > 0)
		return cx_fail(e, code, "%s:%ld: symbol \"%s\" %s", L->name, line,
			       shown(q, s, len), why);
	return cx_fail(e, code, "%s: symbol \"%s\" %s", L->name, shown(q, s, len), why);
}

/* The symbol of a per-symbol file: its base name without extension. */
static void name_symbol(const char *name, const char **s, size_t *len)
{
	const char *slash = strrchr(name, '/');
	const char *base = slash ? slash + 1 : name;
	const char *dot = strrchr(base, '.');

	*s = base;
	*len = dot && dot > base ? (size_t)(dot - base) : strlen(base);
}

static int plan_single(struct load *L, const struct csv_record *rec,
		       const char *symbol, struct plan *plan, struct cx_error *e)
{
	const char *s = symbol;
	size_t len;
	char buf[PRICES_SYMBOL_MAX + 1];

	if (s == NULL)
		name_symbol(L->name, &s, &len);
	else
		len = strlen(s);
	if (symbol == NULL && symbol_problem(s, len) != NULL)
		return cx_fail(e, CX_EUSAGE,
			       "%s: the file name gives no usable symbol (it %s); name one with SYMBOL=FILE",
			       L->name, symbol_problem(s, len));
	if (symbol_ok(L, 0, CX_EUSAGE, s, len, e) < 0)
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	plan->col = xmalloc(sizeof *plan->col);
	plan->col[0] = scratch_get(L, buf, rec->line, e);
	return plan->col[0] ? 0 : -1;
}

static int plan_wide(struct load *L, struct csv_record *rec, const char *symbol,
		     struct plan *plan, struct cx_error *e)
{
	if (symbol != NULL && rec->n != 2)
		return cx_fail(e, CX_EUSAGE,
			       "%s: a symbol override renames the only price column, but the file has %zu",
			       L->name, rec->n - 1);
	plan->col = xmalloc(rec->n * sizeof *plan->col);
	plan->col[0] = NULL;
	for (size_t i = 1; i < rec->n; i++) {
		char *s = rec->field[i];
		size_t len = rec->len[i];
		trim(&s, &len);
		if (symbol != NULL) {
			s = (char *)symbol;
			len = strlen(s);
		}
		if (len == 0)
			return cx_fail(e, CX_EDATA, "%s:%ld: column %zu has no symbol name",
				       L->name, rec->line, i + 1);
		if (symbol_ok(L, rec->line, symbol ? CX_EUSAGE : CX_EDATA, s, len, e) < 0)
			return -1;
		if (scratch_find(L, s) != NULL)
			return cx_fail(e, CX_EDATA, "%s:%ld: symbol \"%s\" names two columns",
				       L->name, rec->line, s);
		plan->col[i] = scratch_add(L, s, rec->line, e);
		if (plan->col[i] == NULL)
			return -1;
	}
	return 0;
}

static int plan_header(struct load *L, struct csv_record *rec,
		       const struct prices_opts *opts, struct plan *plan,
		       struct cx_error *e)
{
	struct header h;
	const char *symbol = opts ? opts->symbol : NULL;

	if (header_scan(L, rec, &h, e) < 0 ||
	    plan_layout(L, rec, &h, opts ? opts->layout : PRICES_AUTO, plan, e) < 0)
		return -1;
	switch (plan->layout) {
	case PRICES_WIDE:
		return plan_wide(L, rec, symbol, plan, e);
	case PRICES_OHLC:
		return plan_single(L, rec, symbol, plan, e);
	case PRICES_LONG:
		if (symbol != NULL)
			return cx_fail(e, CX_EUSAGE,
				       "%s: a long price file names its symbols; a symbol override does not apply",
				       L->name);
		return 0;
	default:
		return cx_fail(e, CX_EUSAGE, "%s: unknown layout %d", L->name, (int)plan->layout);
	}
}

/* ---- the rows ----------------------------------------------------------- */

static void warn_not_positive(struct load *L, long line, const char *field,
			      const char *symbol, cx_date d)
{
	char q[MSG_FIELD_MAX + 4], ds[DATE_STR_SIZE];

	if (++L->warnings > LOAD_WARNINGS_MAX)
		return;
	log_warn("%s:%ld: price \"%s\" for \"%s\" is not positive; %s dropped",
		 L->name, line, shown(q, field, strlen(field)), symbol, date_format(d, ds));
}

/* One price field of `s` on date d. */
static int add_value(struct load *L, struct scratch *s, cx_date d, char *field,
		     size_t len, long line, struct cx_error *e)
{
	char q[MSG_FIELD_MAX + 4];
	double v = 0;

	trim(&field, &len);
	switch (parse_price(field, len, &v)) {
	case VALUE_OK:
		scratch_push(s, d, line, v);
		return 0;
	case VALUE_MISSING:
		return 0;
	case VALUE_NOT_POSITIVE:
		warn_not_positive(L, line, field, s->symbol, d);
		return 0;
	case VALUE_RANGE:
		return cx_fail(e, CX_EDATA, "%s:%ld: price \"%s\" for \"%s\" is out of range",
			       L->name, line, shown(q, field, len), s->symbol);
	default:
		return cx_fail(e, CX_EDATA, "%s:%ld: price \"%s\" for \"%s\" is not a number",
			       L->name, line, shown(q, field, len), s->symbol);
	}
}

/* The date field of a row; `symbol` (may be NULL) is named in the message. */
static int row_date(const struct load *L, const struct csv_record *rec,
		    size_t col, const char *symbol, cx_date *d, struct cx_error *e)
{
	char q[MSG_FIELD_MAX + 4];
	char *s = rec->field[col];
	size_t len = rec->len[col];

	trim(&s, &len);
	if (date_parse(s, len, d))
		return 0;
	if (symbol != NULL)
		return cx_fail(e, CX_EDATA,
			       "%s:%ld: date \"%s\" for \"%s\" is not a valid YYYY-MM-DD date",
			       L->name, rec->line, shown(q, s, len), symbol);
	return cx_fail(e, CX_EDATA, "%s:%ld: date \"%s\" is not a valid YYYY-MM-DD date",
		       L->name, rec->line, shown(q, s, len));
}

static int wide_row(struct load *L, const struct plan *plan,
		    const struct csv_record *rec, struct cx_error *e)
{
	cx_date d;

	if (row_date(L, rec, 0, NULL, &d, e) < 0)
		return -1;
	for (size_t i = 1; i < rec->n; i++)
		if (add_value(L, plan->col[i], d, rec->field[i], rec->len[i], rec->line, e) < 0)
			return -1;
	return 0;
}

/* The scratch series named by the symbol field of a long row. */
static struct scratch *long_symbol(struct load *L, const struct plan *plan,
				   const struct csv_record *rec, struct cx_error *e)
{
	char *s = rec->field[plan->symbol_col];
	size_t len = rec->len[plan->symbol_col];

	trim(&s, &len);
	if (symbol_ok(L, rec->line, CX_EDATA, s, len, e) < 0)
		return NULL;
	return scratch_get(L, s, rec->line, e);
}

static int single_row(struct load *L, const struct plan *plan,
		      const struct csv_record *rec, struct cx_error *e)
{
	struct scratch *s = plan->layout == PRICES_LONG ? long_symbol(L, plan, rec, e)
							: plan->col[0];
	cx_date d;

	if (s == NULL || row_date(L, rec, plan->date_col, s->symbol, &d, e) < 0)
		return -1;
	return add_value(L, s, d, rec->field[plan->close_col],
			 rec->len[plan->close_col], rec->line, e);
}

static int read_rows(struct load *L, struct csv_reader *r, const struct plan *plan,
		     struct cx_error *e)
{
	struct csv_record rec;
	size_t rows = 0;
	int rc;

	while ((rc = csv_next(r, &rec, e)) == 1) {
		if (++rows > PRICES_ROWS_MAX)
			return cx_fail(e, CX_EDATA, "%s:%ld: more than %d data rows",
				       L->name, rec.line, PRICES_ROWS_MAX);
		if (rec.n != plan->ncols)
			return cx_fail(e, CX_EDATA, "%s:%ld: row has %zu fields, the header has %zu",
				       L->name, rec.line, rec.n, plan->ncols);
		rc = plan->layout == PRICES_WIDE ? wide_row(L, plan, &rec, e)
						 : single_row(L, plan, &rec, e);
		if (rc < 0)
			return -1;
	}
	return rc;
}

/* ---- loading ------------------------------------------------------------ */

static void load_finish(struct load *L)
{
	if (L->warnings > LOAD_WARNINGS_MAX)
		log_warn("%s: %zu more non-positive prices dropped", L->name,
			 L->warnings - LOAD_WARNINGS_MAX);
	load_release(L);
}

static int load_csv(struct prices *p, struct csv_reader *r,
		    const struct prices_opts *opts, struct cx_error *e)
{
	struct load L = {.p = p, .name = csv_name(r)};
	struct plan plan = {0};
	struct csv_record rec;
	int rc = csv_next(r, &rec, e);

	if (rc == 0)
		rc = cx_fail(e, CX_EDATA, "%s: not a CSV price file: it is empty", L.name);
	if (rc > 0)
		rc = plan_header(&L, &rec, opts, &plan, e);
	if (rc == 0)
		rc = read_rows(&L, r, &plan, e);
	if (rc == 0)
		rc = load_check(&L, e);
	if (rc == 0)
		load_commit(&L);
	free(plan.col);
	load_finish(&L);
	return rc < 0 ? -1 : 0;
}

int prices_load_file(struct prices *p, const char *path,
		     const struct prices_opts *opts, struct cx_error *e)
{
	struct csv_reader *r = csv_new_file(path, e);
	int rc;

	if (r == NULL)
		return -1;
	rc = load_csv(p, r, opts, e);
	csv_free(r);
	return rc;
}

int prices_load_named(struct prices *p, const char *name, const char *path,
		      const struct prices_opts *opts, struct cx_error *e)
{
	struct csv_reader *r = csv_new_file(path, e);
	int rc;

	if (r == NULL)
		return -1;
	csv_set_name(r, name);
	rc = load_csv(p, r, opts, e);
	csv_free(r);
	return rc;
}

int prices_load_buffer(struct prices *p, const char *name, const char *data,
		       size_t len, const struct prices_opts *opts,
		       struct cx_error *e)
{
	struct csv_reader *r = csv_new_buffer(name, data, len);
	int rc = load_csv(p, r, opts, e);

	csv_free(r);
	return rc;
}

int prices_add(struct prices *p, const char *symbol, const cx_date *dates,
	       const double *close, size_t n, const char *source,
	       struct cx_error *e)
{
	struct load L = {.p = p, .name = source};
	struct scratch *s = NULL;
	int rc = symbol_ok(&L, 0, CX_EDATA, symbol, strlen(symbol), e);

	if (rc == 0 && n > PRICES_ROWS_MAX)
		rc = cx_fail(e, CX_EDATA, "%s: more than %d prices for \"%s\"", source,
			     PRICES_ROWS_MAX, symbol);
	if (rc == 0 && (s = scratch_get(&L, symbol, 0, e)) == NULL)
		rc = -1;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		char ds[DATE_STR_SIZE], v[32];
		if (isfinite(close[i]) && close[i] > 0) {
			scratch_push(s, dates[i], 0, close[i]);
		} else if (++L.warnings <= LOAD_WARNINGS_MAX) {
			log_warn("%s: price %s for \"%s\" on %s is not a positive number; dropped",
				 source, number_text(v, close[i]), symbol, date_format(dates[i], ds));
		}
	}
	if (rc == 0)
		rc = load_check(&L, e);
	if (rc == 0)
		load_commit(&L);
	load_finish(&L);
	return rc;
}

/* ---- the price set ------------------------------------------------------ */

struct prices *prices_new(void)
{
	struct prices *p = xmalloc(sizeof *p);

	memset(p, 0, sizeof *p);
	return p;
}

void prices_free(struct prices *p)
{
	if (p == NULL)
		return;
	tdestroy(p->index, keep_node);
	for (size_t i = 0; i < p->n; i++) {
		entry_free_arrays(p->entry[i]);
		free(p->entry[i]->s.symbol);
		free(p->entry[i]);
	}
	for (size_t i = 0; i < p->nsources; i++)
		free(p->sources[i]);
	free(p->sources);
	free(p->entry);
	free(p);
}

size_t prices_count(const struct prices *p)
{
	return p->n;
}

const struct series *prices_at(const struct prices *p, size_t i)
{
	return i < p->n ? &p->entry[i]->s : NULL;
}

const struct series *prices_find(const struct prices *p, const char *symbol)
{
	const struct symbol_entry *t = entry_find(p, symbol);
	return t ? &t->s : NULL;
}

const char *prices_layout_name(enum prices_layout l)
{
	static const char *const names[] = {
		[PRICES_AUTO] = "auto", [PRICES_WIDE] = "wide",
		[PRICES_OHLC] = "ohlc", [PRICES_LONG] = "long",
	};
	return (unsigned)l < sizeof names / sizeof names[0] ? names[l] : "unknown";
}

/* ---- edits after the checks (quality.c) ------------------------------- */

/* The series at i, writable; NULL past the end. */
static struct series *series_mut(struct prices *p, size_t i)
{
	return i < p->n ? &p->entry[i]->s : NULL;
}

void prices_truncate(struct prices *p, size_t i, size_t n)
{
	struct series *s = series_mut(p, i);

	if (s != NULL && n < s->n)
		s->n = n;
}

void prices_drop_day(struct prices *p, size_t i, size_t k)
{
	struct series *s = series_mut(p, i);

	if (s == NULL || k >= s->n)
		return;
	memmove(s->dates + k, s->dates + k + 1, (s->n - k - 1) * sizeof *s->dates);
	memmove(s->close + k, s->close + k + 1, (s->n - k - 1) * sizeof *s->close);
	s->n--;
}

void prices_scale_before(struct prices *p, size_t i, size_t k, double factor)
{
	struct series *s = series_mut(p, i);

	for (size_t d = 0; s != NULL && d < k && d < s->n; d++)
		s->close[d] *= factor;
}
