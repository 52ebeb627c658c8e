/* test_csv.c - the RFC 4180 record reader: shapes, line numbers, limits,
 * and the same records from a file as from a buffer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv.h"

/* Read every record of `data` and render it as "line:field|field|...\n". */
static int render(struct csv_reader *r, char *out, size_t size,
		  struct cx_error *e)
{
	struct csv_record rec;
	size_t used = 0;
	int rc;

	out[0] = '\0';
	while ((rc = csv_next(r, &rec, e)) == 1) {
		used += (size_t)snprintf(out + used, size - used, "%ld:", rec.line);
		for (size_t i = 0; i < rec.n; i++) {
			assert_int_equal(strlen(rec.field[i]), rec.len[i]);
			used += (size_t)snprintf(out + used, size - used, "%s%s",
						 i ? "|" : "", rec.field[i]);
		}
		used += (size_t)snprintf(out + used, size - used, "\n");
		assert_true(used < size);
	}
	return rc;
}

static void expect_records(const char *data, size_t len, const char *want)
{
	struct cx_error e;
	char out[4096];
	struct csv_reader *r = csv_new_buffer("t.csv", data, len);

	cx_error_clear(&e);
	assert_int_equal(render(r, out, sizeof out, &e), 0);
	assert_string_equal(out, want);
	csv_free(r);
}

static void expect_error(const char *data, size_t len, enum cx_err code,
			 const char *msg)
{
	struct cx_error e;
	char out[4096];
	struct csv_reader *r = csv_new_buffer("t.csv", data, len);

	cx_error_clear(&e);
	assert_int_equal(render(r, out, sizeof out, &e), -1);
	assert_int_equal(e.code, code);
	assert_string_equal(e.msg, msg);
	/* the reader stays at the error */
	struct csv_record rec;
	assert_int_equal(csv_next(r, &rec, &e), -1);
	csv_free(r);
}

#define RECORDS(lit, want) expect_records(lit, sizeof lit - 1, want)
#define ERROR(lit, code, msg) expect_error(lit, sizeof lit - 1, code, msg)

static void test_plain_lines(void **state)
{
	(void)state;
	RECORDS("a,b,c\n1,2,3\n", "1:a|b|c\n2:1|2|3\n");
	RECORDS("a,b\n1,2", "1:a|b\n2:1|2\n");          /* no final line end */
	RECORDS("a,,b,\n", "1:a||b|\n");                /* empty fields */
	RECORDS("", "");
	RECORDS("\n\n\r\n", "");                         /* only blank lines */
}

static void test_line_ends_and_bom(void **state)
{
	(void)state;
	RECORDS("\xef\xbb\xbf" "date,x\r\n2020-01-02,1\r\n",
		"1:date|x\n2:2020-01-02|1\n");
	RECORDS("a\rb\rc", "1:a\n2:b\n3:c\n");             /* lone CR */
	RECORDS("a\n\nb\r\n\r\nc\n", "1:a\n3:b\n5:c\n");   /* blank lines counted */
	/* a BOM anywhere but the start is data */
	RECORDS("a\n\xef\xbb\xbf" "b\n", "1:a\n2:\xef\xbb\xbf" "b\n");
}

static void test_quotes(void **state)
{
	(void)state;
	RECORDS("\"a\",\"b,c\",\"say \"\"hi\"\"\"\n", "1:a|b,c|say \"hi\"\n");
	RECORDS("\"\",x\n", "1:|x\n");
	/* line ends inside quotes: kept, counted, next record on the right line */
	RECORDS("\"two\nlines\",1\r\n\"crlf\r\ninside\",2\nlast,3\n",
		"1:two\nlines|1\n3:crlf\r\ninside|2\n5:last|3\n");
	/* blanks around a quoted field are dropped, inside they stay */
	RECORDS(" \"a, b\" ,\t\" c \"\t\n", "1:a, b| c \n");
	/* a quote inside an unquoted field is an ordinary byte */
	RECORDS("5\"inch,1\n", "1:5\"inch|1\n");
}

static void test_malformed(void **state)
{
	(void)state;
	ERROR("a,b\n\"open\n\nstill open", CX_EDATA, "t.csv:2: quoted field is not closed");
	ERROR("a,b\n1,\"x\"y\n", CX_EDATA,
	      "t.csv:2: text after the closing quote of field 2");
	ERROR("a,b\n1,2\0\n", CX_EDATA, "t.csv:2: not a CSV file: it contains a NUL byte");
	ERROR("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", CX_EDATA,
	      "t.csv:3: not a CSV file: it contains a NUL byte");
}

/* A record of `len` bytes: fields "x...x" separated by commas. */
static char *long_line(size_t len, size_t width)
{
	char *s = malloc(len + 2);
	assert_non_null(s);
	for (size_t i = 0; i < len; i++)
		s[i] = (i + 1) % (width + 1) == 0 ? ',' : 'x';
	s[len] = '\n';
	s[len + 1] = '\0';
	return s;
}

static void test_line_limit(void **state)
{
	/* field widths: many fields (under the column limit), a few, one */
	static const size_t widths[] = {20, 1000, CSV_LINE_MAX + 10};
	struct cx_error e;
	struct csv_record rec;
	(void)state;

	for (size_t k = 0; k < sizeof widths / sizeof widths[0]; k++) {
		char *ok = long_line(CSV_LINE_MAX, widths[k]);
		char *big = long_line(CSV_LINE_MAX + 1, widths[k]);
		char *two = malloc(CSV_LINE_MAX + 10);
		struct csv_reader *r = csv_new_buffer("t.csv", ok, CSV_LINE_MAX + 1);

		assert_int_equal(csv_next(r, &rec, &e), 1);
		assert_int_equal(rec.n, CSV_LINE_MAX / (widths[k] + 1) + 1);
		assert_int_equal(csv_next(r, &rec, &e), 0);
		csv_free(r);
		r = csv_new_buffer("t.csv", big, CSV_LINE_MAX + 2);
		assert_int_equal(csv_next(r, &rec, &e), -1);
		assert_int_equal(e.code, CX_EDATA);
		assert_string_equal(e.msg, "t.csv:1: line longer than 65536 bytes");
		csv_free(r);
		/* the limit counts one record, and names the line it starts on */
		assert_non_null(two);
		memcpy(two, "h\n\"", 3);
		memcpy(two + 3, big, CSV_LINE_MAX + 2);
		r = csv_new_buffer("t.csv", two, CSV_LINE_MAX + 5);
		assert_int_equal(csv_next(r, &rec, &e), 1);
		assert_int_equal(csv_next(r, &rec, &e), -1);
		assert_string_equal(e.msg, "t.csv:2: line longer than 65536 bytes");
		csv_free(r);
		free(two);
		free(ok);
		free(big);
	}
}

static void test_columns_limit(void **state)
{
	struct cx_error e;
	struct csv_record rec;
	size_t n = CSV_COLUMNS_MAX;
	char *s = malloc(2 * (n + 1) + 1);
	(void)state;

	assert_non_null(s);
	for (size_t i = 0; i < n + 1; i++) {
		s[2 * i] = 'v';
		s[2 * i + 1] = ',';
	}
	/* exactly the limit */
	struct csv_reader *r = csv_new_buffer("t.csv", s, 2 * n - 1);
	assert_int_equal(csv_next(r, &rec, &e), 1);
	assert_int_equal(rec.n, n);
	csv_free(r);
	/* one more */
	r = csv_new_buffer("t.csv", s, 2 * n + 1);
	assert_int_equal(csv_next(r, &rec, &e), -1);
	assert_string_equal(e.msg, "t.csv:1: more than 4096 fields");
	csv_free(r);
	free(s);
}

/* Records straddling the file reader's 64 KiB chunks read the same as from
 * a buffer: CRLF split across a boundary, quotes across a boundary. */
static void test_file_matches_buffer(void **state)
{
	char path[] = "/tmp/test_csv.XXXXXX";
	size_t size = 300000, len = 0;
	char *data = malloc(size), *a = malloc(1 << 20), *b = malloc(1 << 20);
	struct cx_error e;
	(void)state;

	assert_true(data && a && b);
	len += (size_t)sprintf(data, "\xef\xbb\xbf" "date,\"q\"\r\n");
	for (int i = 0; len + 64 < size; i++)
		len += (size_t)sprintf(data + len, i % 7 == 0 ? "2020-01-%02d,\"a\r\n\"\"b\"\r\n"
							   : "2020-01-%02d,%d.5\r\n",
				       i % 28 + 1, i);
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);

	struct csv_reader *rb = csv_new_buffer(path, data, len);
	struct csv_reader *rf = csv_new_file(path, &e);
	assert_non_null(rf);
	assert_string_equal(csv_name(rf), path);
	/* render() caps at 1 MiB; the data is 300 kB of short lines */
	assert_int_equal(render(rb, a, 1 << 20, &e), 0);
	assert_int_equal(render(rf, b, 1 << 20, &e), 0);
	assert_true(strlen(a) > 200000);
	assert_string_equal(a, b);
	csv_free(rb);
	csv_free(rf);
	unlink(path);
	free(data);
	free(a);
	free(b);
}

static void test_open_errors(void **state)
{
	struct cx_error e;
	struct csv_record rec;
	(void)state;

	assert_null(csv_new_file("/nonexistent/missing.csv", &e));
	assert_int_equal(e.code, CX_ENOINPUT);
	assert_string_equal(e.msg, "/nonexistent/missing.csv: cannot open: No such file or directory");

	assert_null(csv_new_file("/tmp", &e));
	assert_int_equal(e.code, CX_ENOINPUT);
	assert_string_equal(e.msg, "/tmp: cannot open: Is a directory");

	/* Reading a process's memory from address 0 fails with EIO: a real
	 * read error, not a simulated one. */
	struct csv_reader *r = csv_new_file("/proc/self/mem", &e);
	assert_non_null(r);
	assert_int_equal(csv_next(r, &rec, &e), -1);
	assert_int_equal(e.code, CX_EIO);
	assert_string_equal(e.msg, "/proc/self/mem: cannot read: Input/output error");
	csv_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_lines),
		cmocka_unit_test(test_line_ends_and_bom),
		cmocka_unit_test(test_quotes),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_line_limit),
		cmocka_unit_test(test_columns_limit),
		cmocka_unit_test(test_file_matches_buffer),
		cmocka_unit_test(test_open_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
