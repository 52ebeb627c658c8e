/* test_prices.c - loading prices: layouts, vendor files, missing values,
 * ordering, duplicates, errors (one line each, price set unchanged),
 * limits, and prices_add. Expected values are read off the fixtures in
 * tests/data/prices/ by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "prices.h"

static int to_fixtures(void **state)
{
	(void)state;
	log_set_level(LOG_ERROR); /* keep warnings out of the test output */
	return chdir(CONVEX_SRCDIR "/tests/data/prices");
}

/* Exact equality: the loader must give strtod's value of the text. */
#define assert_same(a, b) assert_same_((a), (b), __FILE__, __LINE__)
static void assert_same_(double a, double b, const char *file, int line)
{
	if (a != b)
		fail_msg("%s:%d: %.17g != %.17g", file, line, a, b);
}

static cx_date D(const char *s)
{
	cx_date d = 0;
	assert_true(date_parse(s, strlen(s), &d));
	return d;
}

/* `s` has exactly the dates/closes given as "YYYY-MM-DD=close" strings. */
static void expect_series(const struct series *s, const char *symbol,
			  const char *const *points, size_t n)
{
	assert_non_null(s);
	assert_string_equal(s->symbol, symbol);
	assert_int_equal(s->n, n);
	for (size_t i = 0; i < n; i++) {
		char date[DATE_STR_SIZE];
		memcpy(date, points[i], 10);
		date[10] = '\0';
		assert_int_equal(s->dates[i], D(date));
		assert_same(s->close[i], strtod(points[i] + 11, NULL));
	}
}
#define EXPECT(s, sym, ...) do { \
	static const char *const pts_[] = {__VA_ARGS__}; \
	expect_series(s, sym, pts_, sizeof pts_ / sizeof pts_[0]); \
} while (0)

static struct prices *load_ok(const char *path, const char *symbol)
{
	struct prices *p = prices_new();
	struct prices_opts o = {symbol, PRICES_AUTO};
	struct cx_error e;

	cx_error_clear(&e);
	if (prices_load_file(p, path, &o, &e) != 0)
		fail_msg("%s: %s", path, e.msg);
	return p;
}

/* Loading `path` into a set that already holds unsorted.csv fails with
 * `code` and `msg`, and leaves the set as it was. */
static void expect_file_error(const char *path, const char *symbol,
			      enum cx_err code, const char *msg)
{
	struct prices *p = load_ok("unsorted.csv", NULL);
	const struct series *before = prices_at(p, 0);
	struct prices_opts o = {symbol, PRICES_AUTO};
	struct cx_error e;

	cx_error_clear(&e);
	assert_int_equal(prices_load_file(p, path, &o, &e), -1);
	assert_int_equal(e.code, code);
	assert_string_equal(e.msg, msg);
	assert_null(strchr(e.msg, '\n'));
	assert_int_equal(prices_count(p), 2);
	assert_ptr_equal(prices_at(p, 0), before);
	EXPECT(prices_at(p, 0), "P", "2019-06-03=101", "2019-06-04=102", "2019-06-05=103",
	       "2019-06-06=104", "2019-06-07=105");
	prices_free(p);
}

/* The same for `len` bytes of CSV text in memory named "mem.csv". */
static void expect_buffer_error_n(const char *text, size_t len, const char *symbol,
				  enum prices_layout layout, enum cx_err code,
				  const char *msg)
{
	struct prices *p = prices_new();
	struct prices_opts o = {symbol, layout};
	struct cx_error e;

	cx_error_clear(&e);
	assert_int_equal(prices_load_buffer(p, "mem.csv", text, len, &o, &e), -1);
	assert_int_equal(e.code, code);
	assert_string_equal(e.msg, msg);
	assert_int_equal(prices_count(p), 0);
	prices_free(p);
}

static void expect_buffer_error(const char *text, const char *symbol,
				enum prices_layout layout, enum cx_err code,
				const char *msg)
{
	expect_buffer_error_n(text, strlen(text), symbol, layout, code, msg);
}

static struct prices *buffer_ok(const char *name, const char *text, const char *symbol)
{
	struct prices *p = prices_new();
	struct prices_opts o = {symbol, PRICES_AUTO};
	struct cx_error e;

	if (prices_load_buffer(p, name, text, strlen(text), &o, &e) != 0)
		fail_msg("%s", e.msg);
	return p;
}

/* ---- vendor files ------------------------------------------------------- */

static void test_yahoo(void **state)
{
	(void)state;
	struct prices *p = load_ok("yahoo/AAPL.csv", NULL);
	assert_int_equal(prices_count(p), 1);
	/* Adj Close, not Close; the "null" row of 2024-01-18 is dropped */
	EXPECT(prices_find(p, "AAPL"), "AAPL",
	       "2024-01-02=184.938217", "2024-01-03=183.553482", "2024-01-04=181.222336",
	       "2024-01-05=180.495087", "2024-01-08=184.858521", "2024-01-09=184.440109",
	       "2024-01-10=185.486145", "2024-01-11=184.888412", "2024-01-12=185.217178",
	       "2024-01-16=182.935822", "2024-01-17=181.989395", "2024-01-19=190.835846");
	prices_free(p);
}

static void test_stooq(void **state)
{
	(void)state;
	struct prices *p = load_ok("stooq/SPY.csv", NULL);
	const struct series *s = prices_find(p, "SPY");
	assert_non_null(s);
	assert_int_equal(s->n, 13);
	assert_int_equal(s->dates[0], D("2024-01-02"));
	assert_same(s->close[0], 468.7);
	assert_same(s->close[12], 478.74);
	prices_free(p);
	/* SYMBOL= wins over the file name */
	p = load_ok("stooq/SPY.csv", "SPX");
	assert_null(prices_find(p, "SPY"));
	assert_int_equal(prices_find(p, "SPX")->n, 13);
	prices_free(p);
}

static void test_fred(void **state)
{
	(void)state;
	/* current header, empty = missing (2024-01-01, 2024-01-15) */
	struct prices *p = load_ok("fred/DGS10.csv", NULL);
	const struct series *s = prices_find(p, "DGS10");
	assert_int_equal(prices_count(p), 1);
	assert_non_null(s);
	assert_int_equal(s->n, 13);
	assert_int_equal(s->dates[0], D("2024-01-02"));
	assert_int_equal(s->dates[9], D("2024-01-16"));
	assert_same(s->close[9], 4.07);
	/* old header with "." for missing: the same points, so no conflict */
	struct cx_error e;
	assert_int_equal(prices_load_file(p, "fred/DGS10_old.csv", NULL, &e), 0);
	assert_int_equal(prices_count(p), 1);
	assert_int_equal(prices_find(p, "DGS10")->n, 13);
	prices_free(p);
	/* SYMBOL= renames the only value column */
	p = load_ok("fred/DGS10_old.csv", "UST10Y");
	assert_null(prices_find(p, "DGS10"));
	assert_int_equal(prices_find(p, "UST10Y")->n, 13);
	prices_free(p);
}

/* ---- layouts and spellings ---------------------------------------------- */

static void test_bom_crlf_quotes(void **state)
{
	(void)state;
	struct prices *p = load_ok("bom_crlf_quotes.csv", NULL);
	assert_int_equal(prices_count(p), 2);
	EXPECT(prices_at(p, 0), "A", "2020-01-02=1.5", "2020-01-03=1.6", "2020-01-06=1.7",
	       "2020-01-07=1.65");
	EXPECT(prices_at(p, 1), "B", "2020-01-02=2", "2020-01-03=2.5", "2020-01-06=2.4",
	       "2020-01-07=2.45");
	prices_free(p);
}

static void test_long(void **state)
{
	(void)state;
	struct prices *p = load_ok("long.csv", NULL);
	assert_int_equal(prices_count(p), 2);
	/* X: 03-04 empty; 03-03 given twice, identically */
	EXPECT(prices_at(p, 0), "X", "2021-03-01=10", "2021-03-02=10.25", "2021-03-03=10.1",
	       "2021-03-05=10.5");
	/* Y: 03-02 NA */
	EXPECT(prices_at(p, 1), "Y", "2021-03-01=20", "2021-03-03=20.5", "2021-03-04=20.4",
	       "2021-03-05=20.25");
	prices_free(p);
}

static void test_unsorted_and_duplicates(void **state)
{
	(void)state;
	struct prices *p = load_ok("unsorted.csv", NULL);
	EXPECT(prices_find(p, "Q"), "Q", "2019-06-03=50", "2019-06-04=51", "2019-06-05=51.5",
	       "2019-06-06=51.75", "2019-06-07=52");
	prices_free(p);
}

static void test_missing_spellings(void **state)
{
	(void)state;
	struct prices *p = load_ok("missing_values.csv", NULL);
	EXPECT(prices_find(p, "M"), "M", "2018-02-01=1", "2018-02-05=1.02", "2018-02-07=1.04",
	       "2018-02-09=1.06", "2018-02-13=1.08", "2018-02-14=1.09", "2018-02-15=1.1");
	EXPECT(prices_find(p, "N"), "N", "2018-02-01=2", "2018-02-02=2.1", "2018-02-06=2.2",
	       "2018-02-08=2.3", "2018-02-12=2.4", "2018-02-14=2.5", "2018-02-15=2.6");
	prices_free(p);
}

static void test_nonpositive_warns(void **state)
{
	(void)state;
	log_reset();
	struct prices *p = load_ok("nonpositive.csv", NULL);
	EXPECT(prices_find(p, "U"), "U", "2017-01-02=5", "2017-01-04=5.2", "2017-01-05=5.3",
	       "2017-01-06=5.4");
	EXPECT(prices_find(p, "V"), "V", "2017-01-02=7", "2017-01-03=7.1", "2017-01-05=7.3",
	       "2017-01-06=7.4");
	assert_int_equal(log_warning_count(), 2);
	assert_string_equal(log_warning_at(0),
			    "nonpositive.csv:3: price \"0\" for \"U\" is not positive; 2017-01-03 dropped");
	assert_string_equal(log_warning_at(1),
			    "nonpositive.csv:4: price \"-7\" for \"V\" is not positive; 2017-01-04 dropped");
	prices_free(p);
	log_reset();
}

/* Number and missing-value spellings, one wide row each. */
static void test_number_spellings(void **state)
{
	static const struct { const char *field; int ok; double v; } cases[] = {
		{"1", 1, 1}, {"+5", 1, 5}, {".5", 1, 0.5}, {"5.", 1, 5},
		{"1e5", 1, 1e5}, {"2.5E-3", 1, 2.5e-3}, {" 7 ", 1, 7}, {"\"8.25\"", 1, 8.25},
		{"", 0, 0}, {"NA", 0, 0}, {"n/a", 0, 0}, {"NULL", 0, 0}, {"nan", 0, 0},
		{".", 0, 0}, {" N/A ", 0, 0},
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char text[128];
		snprintf(text, sizeof text, "date,S\n2020-01-02,%s\n", cases[i].field);
		struct prices *p = buffer_ok("mem.csv", text, NULL);
		const struct series *s = prices_find(p, "S");
		assert_non_null(s);
		assert_int_equal(s->n, cases[i].ok);
		if (cases[i].ok)
			assert_same(s->close[0], cases[i].v);
		prices_free(p);
	}
}

/* Every price equals strtod's reading of its text: 30,000 decimals of 1 to
 * 19 digits with the point anywhere (both the loader's fast path and its
 * strtod fallback are exercised), compared one by one. */
static void test_numbers_match_strtod(void **state)
{
	enum { N = 30000 };
	char *text = malloc(N * 40 + 16), (*field)[32] = malloc(N * sizeof *field);
	uint64_t x = 88172645463325252u; /* xorshift64, fixed seed */
	size_t len = (size_t)sprintf(text, "date,R\n");
	cx_date d0 = D("1950-01-01");
	(void)state;

	assert_true(text && field);
	for (int i = 0; i < N; i++) {
		char date[DATE_STR_SIZE];
		int ndig = 1;
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		ndig += (int)(x % 19);
		int point = (int)((x >> 8) % (uint64_t)(ndig + 1));
		char *f = field[i], *q = f;
		*q++ = (char)('1' + (x >> 16) % 9);
		for (int k = 1; k < ndig; k++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			*q++ = (char)('0' + x % 10);
		}
		*q = '\0';
		if (point < ndig) { /* insert a point: "12.34", ".1234" */
			memmove(f + point + 1, f + point, (size_t)(ndig - point) + 1);
			f[point] = '.';
		}
		len += (size_t)sprintf(text + len, "%s,%s\n", date_format(d0 + i, date), f);
	}
	struct prices *p = buffer_ok("r.csv", text, NULL);
	const struct series *s = prices_find(p, "R");
	assert_int_equal(s->n, N);
	for (int i = 0; i < N; i++)
		if (s->close[i] != strtod(field[i], NULL))
			fail_msg("\"%s\": %.17g, strtod %.17g", field[i], s->close[i],
				 strtod(field[i], NULL));
	prices_free(p);
	free(text);
	free(field);
}

static void test_bad_numbers(void **state)
{
	static const struct { const char *field, *shown, *why; } cases[] = {
		{"abc", "abc", "is not a number"},     {"0x1A", "0x1A", "is not a number"},
		{"inf", "inf", "is not a number"},     {"-Infinity", "-Infinity", "is not a number"},
		{"\"1,234\"", "1,234", "is not a number"}, {"1.2.3", "1.2.3", "is not a number"},
		{"1e", "1e", "is not a number"},       {"--1", "--1", "is not a number"},
		{"1 000", "1 000", "is not a number"}, {"$12", "$12", "is not a number"},
		{"1e999", "1e999", "is out of range"}, {"#N/A", "#N/A", "is not a number"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char text[128], msg[256];
		snprintf(text, sizeof text, "date,SPI\n2020-01-02,1\n2020-01-03,%s\n",
			 cases[i].field);
		snprintf(msg, sizeof msg, "mem.csv:3: price \"%s\" for \"SPI\" %s",
			 cases[i].shown, cases[i].why);
		expect_buffer_error(text, NULL, PRICES_AUTO, CX_EDATA, msg);
	}
}

static void test_layout_override(void **state)
{
	(void)state;
	/* forced wide: "Close" is a symbol */
	struct prices *p = prices_new();
	struct prices_opts o = {NULL, PRICES_WIDE};
	struct cx_error e;
	const char *t = "Date,Close\n2020-01-02,3\n";
	assert_int_equal(prices_load_buffer(p, "x.csv", t, strlen(t), &o, &e), 0);
	assert_non_null(prices_find(p, "Close"));
	prices_free(p);
	assert_string_equal(prices_layout_name(PRICES_WIDE), "wide");
	assert_string_equal(prices_layout_name(PRICES_OHLC), "ohlc");
	assert_string_equal(prices_layout_name(PRICES_LONG), "long");
	/* per-symbol from a URL-like buffer name, "ticker" header for long */
	p = buffer_ok("https://example.org/data/IBM.csv", "date,close\n2020-01-02,3\n", NULL);
	assert_int_equal(prices_find(p, "IBM")->n, 1);
	prices_free(p);
	p = buffer_ok("l.csv", "Date,Ticker,Adj_Close,Close\n2020-01-02,K,4,5\n", NULL);
	assert_same(prices_find(p, "K")->close[0], 4);
	prices_free(p);
}

/* ---- errors ------------------------------------------------------------- */

static void test_file_errors(void **state)
{
	(void)state;
	expect_file_error("bad_date.csv", NULL, CX_EDATA,
			  "bad_date.csv:7: date \"2007-13-01\" is not a valid YYYY-MM-DD date");
	expect_file_error("bad_number.csv", NULL, CX_EDATA,
			  "bad_number.csv:5: price \"abc\" for \"SPI\" is not a number");
	expect_file_error("conflict.csv", NULL, CX_EDATA,
			  "conflict.csv:9: conflicting duplicate date 2007-05-08 for \"SPI\" "
			  "(5022.86 at line 8, 5023.1 here)");
	expect_file_error("notes.txt", NULL, CX_EDATA,
			  "notes.txt:1: not a CSV price file: expected a header with a date column");
	expect_file_error("missing.csv", NULL, CX_ENOINPUT,
			  "missing.csv: cannot open: No such file or directory");
	expect_file_error("fred", NULL, CX_ENOINPUT, "fred: cannot open: Is a directory");
	expect_file_error("/proc/self/mem", NULL, CX_EIO,
			  "/proc/self/mem: cannot read: Input/output error");
	expect_file_error("unsorted.csv", "ONE", CX_EUSAGE,
			  "unsorted.csv: a symbol override renames the only price column, but the file has 2");
	expect_file_error("long.csv", "ONE", CX_EUSAGE,
			  "long.csv: a long price file names its symbols; a symbol override does not apply");
}

static void test_conflict_across_files(void **state)
{
	(void)state;
	struct prices *p = load_ok("conflict_a.csv", NULL);
	struct cx_error e;
	assert_int_equal(prices_load_file(p, "conflict_b.csv", NULL, &e), -1);
	assert_int_equal(e.code, CX_EDATA);
	assert_string_equal(e.msg, "conflict_b.csv:4: conflicting duplicate date 2007-05-04 for "
				   "\"SPI\" (5020.75 at conflict_a.csv:3, 5020.5 here)");
	/* unchanged: SPI still has conflict_a.csv's three points */
	EXPECT(prices_find(p, "SPI"), "SPI", "2007-05-03=5015.5", "2007-05-04=5020.75",
	       "2007-05-07=5021");
	prices_free(p);
}

static void test_header_errors(void **state)
{
	(void)state;
	expect_buffer_error("", NULL, PRICES_AUTO, CX_EDATA,
			    "mem.csv: not a CSV price file: it is empty");
	expect_buffer_error("\n\r\n", NULL, PRICES_AUTO, CX_EDATA,
			    "mem.csv: not a CSV price file: it is empty");
	expect_buffer_error("x,y\n1,2\n", NULL, PRICES_AUTO, CX_EDATA,
			    "mem.csv:1: not a CSV price file: expected a header with a date column");
	expect_buffer_error("SPI,date\n1,2020-01-01\n", NULL, PRICES_AUTO, CX_EDATA,
			    "mem.csv:1: not a CSV price file: a wide price file needs the date in the first column");
	expect_buffer_error("date\n2020-01-01\n", NULL, PRICES_AUTO, CX_EDATA,
			    "mem.csv:1: not a CSV price file: no price columns after the date column");
	expect_buffer_error("Date,Open,High,Low,Volume\n", NULL, PRICES_AUTO, CX_EDATA,
			    "mem.csv:1: not a CSV price file: Open/High/Low columns but no Close column");
	expect_buffer_error("symbol,date,open\n", NULL, PRICES_AUTO, CX_EDATA,
			    "mem.csv:1: not a CSV price file: a long price file needs symbol, date and close columns");
	expect_buffer_error("date,A\n", NULL, PRICES_OHLC, CX_EDATA,
			    "mem.csv:1: not a CSV price file: a per-symbol price file needs date and close columns");
	expect_buffer_error("date,close,Date\n", NULL, PRICES_AUTO, CX_EDATA,
			    "mem.csv:1: header has two date columns (1 and 3)");
	expect_buffer_error("date,A,,B\n", NULL, PRICES_AUTO, CX_EDATA,
			    "mem.csv:1: column 3 has no symbol name");
	expect_buffer_error("date,A,B, A \n", NULL, PRICES_AUTO, CX_EDATA,
			    "mem.csv:1: symbol \"A\" names two columns");
	expect_buffer_error("date,close\n2020-01-02,1\n", "A\tB", PRICES_AUTO, CX_EUSAGE,
			    "mem.csv: symbol \"A?B\" contains a control character");
	expect_buffer_error("date,A,B\n2020-01-02,1\n", NULL, PRICES_AUTO, CX_EDATA,
			    "mem.csv:2: row has 2 fields, the header has 3");
	expect_buffer_error("date,A\n2020-01-02,1,2\n", NULL, PRICES_AUTO, CX_EDATA,
			    "mem.csv:2: row has 3 fields, the header has 2");
	expect_buffer_error("date,A\n\"2020-01-02,1\n", NULL, PRICES_AUTO, CX_EDATA,
			    "mem.csv:2: quoted field is not closed");
	expect_buffer_error_n("date,A\n2020-01-02,1\0\n", 21, NULL, PRICES_AUTO, CX_EDATA,
			    "mem.csv:2: not a CSV file: it contains a NUL byte");
	/* a long row names its symbol in date errors; the shown field is one line */
	expect_buffer_error("symbol,date,close\nS,\"2020-01-02\nx\",1\n", NULL, PRICES_AUTO,
			    CX_EDATA, "mem.csv:2: date \"2020-01-02?x\" for \"S\" is not a valid YYYY-MM-DD date");
	expect_buffer_error("symbol,date,close\n,2020-01-02,1\n", NULL, PRICES_AUTO, CX_EDATA,
			    "mem.csv:2: symbol \"\" is empty");
}

static void test_binary_buffer(void **state)
{
	/* gzip magic, then a NUL in the first line */
	static const char gz[] = "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\n";
	struct prices *p = prices_new();
	struct cx_error e;
	(void)state;
	assert_int_equal(prices_load_buffer(p, "x.csv.gz", gz, sizeof gz - 1, NULL, &e), -1);
	assert_int_equal(e.code, CX_EDATA);
	assert_string_equal(e.msg, "x.csv.gz:1: not a CSV file: it contains a NUL byte");
	prices_free(p);
}

/* ---- limits ------------------------------------------------------------- */

static void test_symbol_length(void **state)
{
	char sym[PRICES_SYMBOL_MAX + 2], text[256], msg[256];
	(void)state;
	memset(sym, 'S', sizeof sym);
	sym[PRICES_SYMBOL_MAX] = '\0';     /* exactly the limit: fine */
	snprintf(text, sizeof text, "date,%s\n2020-01-02,1\n", sym);
	struct prices *p = buffer_ok("mem.csv", text, NULL);
	assert_non_null(prices_find(p, sym));
	prices_free(p);
	sym[PRICES_SYMBOL_MAX] = 'S';      /* one more */
	sym[PRICES_SYMBOL_MAX + 1] = '\0';
	snprintf(text, sizeof text, "symbol,date,close\n%s,2020-01-02,1\n", sym);
	snprintf(msg, sizeof msg, "mem.csv:2: symbol \"%.60s...\" is longer than 64 bytes", sym);
	expect_buffer_error(text, NULL, PRICES_AUTO, CX_EDATA, msg);
}

static void test_line_and_symbol_limits(void **state)
{
	size_t cap = 32 * (PRICES_SYMBOLS_MAX + 2), len;
	char *text = malloc(cap);
	(void)state;

	assert_non_null(text);
	/* a line one byte past PRICES_LINE_MAX */
	len = (size_t)sprintf(text, "date,A\n2020-01-02,");
	memset(text + len, '1', PRICES_LINE_MAX + 1 - 11);
	strcpy(text + len + PRICES_LINE_MAX + 1 - 11, "\n");
	expect_buffer_error(text, NULL, PRICES_AUTO, CX_EDATA,
			    "mem.csv:2: line longer than 65536 bytes");
	/* one symbol more than PRICES_SYMBOLS_MAX in a long file */
	len = (size_t)sprintf(text, "symbol,date,close\n");
	for (int i = 0; i <= PRICES_SYMBOLS_MAX; i++)
		len += (size_t)sprintf(text + len, "S%d,2020-01-02,1\n", i);
	expect_buffer_error(text, NULL, PRICES_AUTO, CX_EDATA,
			    "mem.csv:10002: more than 10000 symbols");
	free(text);
}

/* A column of bad prices gives LOAD_WARNINGS_MAX (10) warnings and a count. */
static void test_warning_flood(void **state)
{
	char text[1024];
	size_t len = (size_t)sprintf(text, "date,W\n");
	(void)state;

	for (int i = 1; i <= 13; i++)
		len += (size_t)sprintf(text + len, "2020-01-%02d,%s\n", i, i == 5 ? "3" : "0");
	log_reset();
	struct prices *p = buffer_ok("flood.csv", text, NULL);
	assert_int_equal(prices_find(p, "W")->n, 1);
	assert_int_equal(log_warning_count(), 11);
	assert_string_equal(log_warning_at(9),
			    "flood.csv:12: price \"0\" for \"W\" is not positive; 2020-01-11 dropped");
	assert_string_equal(log_warning_at(10), "flood.csv: 2 more non-positive prices dropped");
	prices_free(p);
	log_reset();
}

static void test_symbol_text(void **state)
{
	(void)state;
	/* UTF-8 symbols are fine, blanks around them are not part of them */
	struct prices *p = buffer_ok("mem.csv", "date, Nestl\xc3\xa9 ,\"\xe2\x82\xac STOXX\"\n"
					       "2020-01-02,1,2\n", NULL);
	assert_non_null(prices_find(p, "Nestl\xc3\xa9"));
	assert_non_null(prices_find(p, "\xe2\x82\xac STOXX"));
	prices_free(p);
	expect_buffer_error("date,A\xff\n2020-01-02,1\n", NULL, PRICES_AUTO, CX_EDATA,
			    "mem.csv:1: symbol \"A?\" is not valid UTF-8");
	expect_buffer_error("date,\xc0\xaf\n", NULL, PRICES_AUTO, CX_EDATA, /* overlong '/' */
			    "mem.csv:1: symbol \"??\" is not valid UTF-8");
	/* a per-symbol file whose name gives no symbol */
	p = prices_new();
	struct cx_error e;
	const char *t = "Date,Close\n2020-01-02,1\n";
	assert_int_equal(prices_load_buffer(p, "dir/", t, strlen(t), NULL, &e), -1);
	assert_int_equal(e.code, CX_EUSAGE);
	assert_string_equal(e.msg, "dir/: the file name gives no usable symbol (it is empty); "
				   "name one with SYMBOL=FILE");
	prices_free(p);
}

/* One data row more than PRICES_ROWS_MAX (all missing values, so only the
 * row count grows). */
static void test_rows_limit(void **state)
{
	static const char head[] = "date,A\n", row[] = "2020-01-02,\n";
	size_t rows = PRICES_ROWS_MAX + 1, len = sizeof head - 1 + rows * (sizeof row - 1);
	char *text = malloc(len + 1);
	struct prices *p = prices_new();
	struct cx_error e;
	(void)state;

	assert_non_null(text);
	memcpy(text, head, sizeof head - 1);
	for (size_t i = 0; i < rows; i++)
		memcpy(text + sizeof head - 1 + i * (sizeof row - 1), row, sizeof row - 1);
	/* exactly the limit loads */
	assert_int_equal(prices_load_buffer(p, "rows.csv", text, len - (sizeof row - 1), NULL, &e), 0);
	assert_int_equal(prices_find(p, "A")->n, 0);
	prices_free(p);
	p = prices_new();
	assert_int_equal(prices_load_buffer(p, "rows.csv", text, len, NULL, &e), -1);
	assert_string_equal(e.msg, "rows.csv:5000002: more than 5000000 data rows");
	assert_int_equal(prices_count(p), 0);
	prices_free(p);
	free(text);
}

/* ---- prices_add --------------------------------------------------------- */

static void test_add(void **state)
{
	const cx_date d[] = {D("2007-05-04"), D("2007-05-02"), D("2007-05-03"), D("2007-05-02"),
			     D("2007-05-07"), D("2007-05-08")};
	const double c[] = {3, 1, 2, 1, 0, -1.0 / 0.0};
	struct cx_error e;
	(void)state;

	log_reset();
	struct prices *p = prices_new();
	/* unsorted, an identical duplicate, a zero and an infinity (dropped) */
	assert_int_equal(prices_add(p, "Z", d, c, 6, "store", &e), 0);
	EXPECT(prices_find(p, "Z"), "Z", "2007-05-02=1", "2007-05-03=2", "2007-05-04=3");
	assert_int_equal(log_warning_count(), 2);
	assert_string_equal(log_warning_at(0),
			    "store: price 0 for \"Z\" on 2007-05-07 is not a positive number; dropped");
	/* more rows merge in order; shared dates with equal closes are fine */
	const cx_date d2[] = {D("2007-05-01"), D("2007-05-03"), D("2007-05-09")};
	const double c2[] = {0.5, 2, 4};
	assert_int_equal(prices_add(p, "Z", d2, c2, 3, "store2", &e), 0);
	EXPECT(prices_find(p, "Z"), "Z", "2007-05-01=0.5", "2007-05-02=1", "2007-05-03=2",
	       "2007-05-04=3", "2007-05-09=4");
	/* a conflict with earlier rows of the same call */
	const cx_date d3[] = {D("2007-06-01"), D("2007-06-01")};
	const double c3[] = {5, 6};
	assert_int_equal(prices_add(p, "Z", d3, c3, 2, "store3", &e), -1);
	assert_int_equal(e.code, CX_EDATA);
	assert_string_equal(e.msg, "store3: conflicting duplicate date 2007-06-01 for \"Z\" (5 and 6)");
	/* a conflict with a file names the file and line */
	const char *t = "date,Z\n2007-05-10,9\n2007-05-11,9.5\n";
	assert_int_equal(prices_load_buffer(p, "z.csv", t, strlen(t), NULL, &e), 0);
	const cx_date d4[] = {D("2007-05-11")};
	const double c4[] = {9.25};
	assert_int_equal(prices_add(p, "Z", d4, c4, 1, "http://127.0.0.1/z", &e), -1);
	assert_string_equal(e.msg, "http://127.0.0.1/z: conflicting duplicate date 2007-05-11 for "
				   "\"Z\" (9.5 at z.csv:3, 9.25 here)");
	/* ... and a file conflicting with added rows names the source */
	const char *t2 = "date,Z\n2007-05-09,4.5\n";
	assert_int_equal(prices_load_buffer(p, "y.csv", t2, strlen(t2), NULL, &e), -1);
	assert_string_equal(e.msg, "y.csv:2: conflicting duplicate date 2007-05-09 for "
				   "\"Z\" (4 at store2, 4.5 here)");
	assert_int_equal(prices_find(p, "Z")->n, 7);
	/* bad symbol */
	assert_int_equal(prices_add(p, "", d, c, 1, "store", &e), -1);
	assert_string_equal(e.msg, "store: symbol \"\" is empty");
	assert_int_equal(prices_count(p), 1);
	assert_null(prices_at(p, 1));
	assert_null(prices_find(p, "nope"));
	prices_free(p);
	log_reset();
}

/* Several files into one set: symbols keep their first-appearance order,
 * the same symbol from two files merges by date. */
static void test_combine(void **state)
{
	(void)state;
	struct prices *p = load_ok("stooq/SPY.csv", NULL);
	struct prices_opts o = {"AAPL", PRICES_AUTO};
	struct cx_error e;
	assert_int_equal(prices_load_file(p, "yahoo/AAPL.csv", &o, &e), 0);
	assert_int_equal(prices_load_file(p, "fred/DGS10.csv", NULL, &e), 0);
	assert_int_equal(prices_count(p), 3);
	assert_string_equal(prices_at(p, 0)->symbol, "SPY");
	assert_string_equal(prices_at(p, 1)->symbol, "AAPL");
	assert_string_equal(prices_at(p, 2)->symbol, "DGS10");
	const char *later = "date,SPY\n2024-01-22,482.43\n2023-12-29,475.31\n";
	assert_int_equal(prices_load_buffer(p, "more.csv", later, strlen(later), NULL, &e), 0);
	const struct series *s = prices_find(p, "SPY");
	assert_int_equal(s->n, 15);
	assert_int_equal(s->dates[0], D("2023-12-29"));
	assert_int_equal(s->dates[14], D("2024-01-22"));
	for (size_t i = 1; i < s->n; i++)
		assert_true(s->dates[i] > s->dates[i - 1]);
	prices_free(p);
}

/* The Dow sample (2,529 rows x 30) loads in a few milliseconds. */
static void test_dow_speed(void **state)
{
	const char *path = CONVEX_SRCDIR "/jobs/demo/prices/dowjones30.csv";
	struct timespec t0, t1;
	(void)state;

	if (access(path, R_OK) != 0)
		skip();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct prices *p = load_ok(path, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_int_equal(prices_count(p), 30);
	assert_int_equal(prices_find(p, "IBM")->n, 2529);
	assert_int_equal(prices_find(p, "AA")->dates[0], D("1990-12-31"));
	double ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
	print_message("dowjones30.csv loaded in %.2f ms\n", ms);
	/* generous bound: the sanitizer build is several times slower */
	assert_true(ms < 500);
	prices_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_yahoo),
		cmocka_unit_test(test_stooq),
		cmocka_unit_test(test_fred),
		cmocka_unit_test(test_bom_crlf_quotes),
		cmocka_unit_test(test_long),
		cmocka_unit_test(test_unsorted_and_duplicates),
		cmocka_unit_test(test_missing_spellings),
		cmocka_unit_test(test_nonpositive_warns),
		cmocka_unit_test(test_number_spellings),
		cmocka_unit_test(test_numbers_match_strtod),
		cmocka_unit_test(test_bad_numbers),
		cmocka_unit_test(test_layout_override),
		cmocka_unit_test(test_file_errors),
		cmocka_unit_test(test_conflict_across_files),
		cmocka_unit_test(test_header_errors),
		cmocka_unit_test(test_binary_buffer),
		cmocka_unit_test(test_symbol_length),
		cmocka_unit_test(test_line_and_symbol_limits),
		cmocka_unit_test(test_warning_flood),
		cmocka_unit_test(test_symbol_text),
		cmocka_unit_test(test_rows_limit),
		cmocka_unit_test(test_add),
		cmocka_unit_test(test_combine),
		cmocka_unit_test(test_dow_speed),
	};
	return cmocka_run_group_tests(tests, to_fixtures, NULL);
}
