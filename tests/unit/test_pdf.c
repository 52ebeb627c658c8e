/* test_pdf.c - the PDF adapter and the digest: PDF/A-1b validity (PDFBox
 * Preflight, run through tests/lib/preflight.sh), the content-derived /ID
 * checked against glib's MD5, SOURCE_DATE_EPOCH handling, atomic writes,
 * and the digest PDF built from the demo prices. */
#define _GNU_SOURCE   /* memmem */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <glib.h>

#include "digest_pdf.h"
#include "pdf.h"
#include "prices.h"
#include "rank.h"
#include "stats.h"

#define FILE_MAX (8 << 20)   /* largest PDF a test reads back */

static char dir[] = "/tmp/convex-test-pdf.XXXXXX";

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[256];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char *buf = malloc(FILE_MAX);
	assert_non_null(buf);
	*len = fread(buf, 1, FILE_MAX, f);
	fclose(f);
	return buf;
}

/* memmem, for binary PDF bytes (g_strstr_len stops at a NUL). */
static char *find(char *buf, size_t len, const char *s)
{
	return memmem(buf, len, s, strlen(s));
}

static char *find_last(char *buf, size_t len, const char *s)
{
	char *at = NULL, *p = buf;
	while ((p = find(p, len - (size_t)(p - buf), s)) != NULL)
		at = p++;
	return at;
}

static int preflight(const char *path)
{
	char cmd[1024];
	snprintf(cmd, sizeof cmd, ". '%s/tests/lib/preflight.sh' && preflight '%s' "
		 ">/dev/null 2>&1", CONVEX_SRCDIR, path);
	return system(cmd);
}

/* A small document: text with characters outside ASCII, a path, a
 * bookmark and a link between its two pages. */
static int small_doc(const char *path, struct cx_error *e)
{
	struct pdf_doc *d = pdf_new(PDF_A4, e);
	if (d == NULL)
		return -1;
	pdf_add_page(d);
	pdf_add_page(d);
	struct canvas *c = pdf_canvas(d, 0);
	c->ops->set_font(c->impl, CANVAS_BOLD, 14);
	c->ops->set_rgb(c->impl, 0.1, 0.2, 0.4);
	c->ops->show_text(c->impl, 60, 80, "Zürich σ −0.5 € “quoted”");
	c->ops->move_to(c->impl, 60, 100);
	c->ops->set_line_width(c->impl, 1.5);   /* while a path is open */
	c->ops->line_to(c->impl, 300, 100);
	c->ops->stroke(c->impl);
	c->ops->fill(c->impl);                  /* nothing to fill: ignored */
	int o = pdf_outline(d, -1, "First", 0, 60);
	pdf_outline(d, o, "Zweite \xC3\x9C \xCF\x83", 1, 60);   /* "Zweite Ü σ" */
	pdf_link(d, 0, 60, 110, 100, 20, 1, 60);
	struct pdf_meta m = {"Tést & <title>", "convex", NULL, NULL, 0};
	int rc = pdf_save(d, path, &m, e);
	pdf_free(d);
	return rc;
}

static void test_small_doc_valid_and_reproducible(void **state)
{
	(void)state;
	char p1[256], p2[256];
	struct cx_error e;
	size_t l1, l2;

	snprintf(p1, sizeof p1, "%s/one.pdf", dir);
	snprintf(p2, sizeof p2, "%s/two.pdf", dir);
	setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
	assert_int_equal(small_doc(p1, &e), 0);
	assert_int_equal(small_doc(p2, &e), 0);
	char *a = slurp(p1, &l1), *b = slurp(p2, &l2);
	assert_int_equal(l1, l2);
	assert_memory_equal(a, b, l1);
	assert_memory_equal(a, "%PDF-1.4\n", 9);
	assert_non_null(find(a, l1, "/CreationDate (D:20231114221320+00'00')"));
	assert_non_null(find(a, l1, "<xmp:CreateDate>2023-11-14T22:13:20+00:00"));
	/* document info and XMP: & < > replaced; the info as a UTF-16BE text
	 * string (by hand: FEFF, then T é s t space + space ( t i t l e )),
	 * the XMP as UTF-8; an ASCII bookmark as libharu writes it
	 * (parentheses as octal escapes), a non-ASCII one in UTF-16BE
	 * (Z w e i t e space Ü space σ) */
	assert_non_null(find(a, l1, "/Title <FEFF005400E900730074002000"
				    "2B00200028007400690074006C00650029>"));
	assert_non_null(find(a, l1, "x-default\">T\xC3\xA9st + (title)</rdf:li>"));
	assert_non_null(find(a, l1, "/Title (First)"));
	assert_non_null(find(a, l1, "/Title <FEFF005A0077006500690074006500"
				    "2000DC002003C3>"));
	assert_int_equal(preflight(p1), 0);
	free(a);
	free(b);
	unsetenv("SOURCE_DATE_EPOCH");
}

/* The /ID is the MD5 of the file with the /ID written as zeros. */
static void test_id_is_md5_of_content(void **state)
{
	(void)state;
	char p[256];
	struct cx_error e;
	size_t len;

	snprintf(p, sizeof p, "%s/id.pdf", dir);
	setenv("SOURCE_DATE_EPOCH", "86400", 1);
	assert_int_equal(small_doc(p, &e), 0);
	unsetenv("SOURCE_DATE_EPOCH");
	char *buf = slurp(p, &len);
	char *at = find_last(buf, len, "/ID [ <");
	assert_non_null(at);
	char id[33];
	memcpy(id, at + 7, 32);
	id[32] = '\0';
	assert_memory_equal(at + 7 + 32, "> <", 3);
	assert_memory_equal(at + 7 + 35, id, 32);   /* both halves equal */
	memset(at + 7, '0', 32);
	memset(at + 7 + 35, '0', 32);
	gchar *md5 = g_compute_checksum_for_data(G_CHECKSUM_MD5, (guchar *)buf, len);
	gchar *up = g_ascii_strup(md5, -1);
	assert_string_equal(id, up);
	g_free(md5);
	g_free(up);
	free(buf);
}

static void test_errors(void **state)
{
	(void)state;
	char p[256];
	struct cx_error e;

	setenv("SOURCE_DATE_EPOCH", "12abc", 1);
	snprintf(p, sizeof p, "%s/bad-epoch.pdf", dir);
	assert_int_equal(small_doc(p, &e), -1);
	assert_int_equal(e.code, CX_EUSAGE);
	assert_string_equal(e.msg, "SOURCE_DATE_EPOCH \"12abc\" is not a number of seconds");
	assert_int_equal(access(p, F_OK), -1);
	unsetenv("SOURCE_DATE_EPOCH");

	snprintf(p, sizeof p, "%s/missing/x.pdf", dir);
	assert_int_equal(small_doc(p, &e), -1);
	assert_int_equal(e.code, CX_ECANTCREAT);

	enum pdf_paper paper;
	assert_int_equal(pdf_paper_parse("letter", &paper), 0);
	assert_int_equal(paper, PDF_LETTER);
	assert_int_equal(pdf_paper_parse("a3", &paper), -1);
}

/* ---- the digest from the demo prices ----------------------------------- */

#define NSYM 4
static const char *const syms[NSYM] = {"SBI", "SPI", "SII", "LP25"};

static void test_digest(void **state)
{
	(void)state;
	struct cx_error e;
	struct prices *pr = prices_new();
	char csv[512], path[256];
	struct pair_stats st[NSYM * NSYM];
	struct digest_pair dp[NSYM * NSYM];
	struct rank_item items[NSYM * NSYM];
	size_t order[NSYM * NSYM], np = 0;
	double r[NSYM * NSYM];
	bool has[NSYM * NSYM];

	snprintf(csv, sizeof csv, "%s/jobs/demo/prices/swx.csv", CONVEX_SRCDIR);
	assert_int_equal(prices_load_file(pr, csv, NULL, &e), 0);
	memset(st, 0, sizeof st);
	memset(items, 0, sizeof items);
	memset(has, 0, sizeof has);
	for (size_t i = 0; i < NSYM; i++) {
		r[i * NSYM + i] = 1;
		has[i * NSYM + i] = true;
		for (size_t j = i + 1; j < NSYM; j++) {
			struct stats_opts o = {0, 5};
			assert_int_equal(stats_compute(prices_find(pr, syms[i]),
				prices_find(pr, syms[j]), &o, &st[np], &e), 0);
			has[i * NSYM + j] = has[j * NSYM + i] = st[np].win[W_1Y].has_r;
			r[i * NSYM + j] = r[j * NSYM + i] = st[np].win[W_1Y].r;
			items[np] = (struct rank_item){.id = syms[i], .has_z = st[np].shift.has_z,
				.z = st[np].shift.z, .p = st[np].shift.p,
				.has_delta = st[np].shift.has_delta, .delta = st[np].shift.delta};
			np++;
		}
	}
	rank_compute(items, np, RANK_ALPHA, order);
	for (size_t k = 0; k < np; k++)
		dp[k] = (struct digest_pair){&st[k], NULL, NULL, NULL, 0,
			items[k].has_z, items[k].z, items[k].p, items[k].has_q,
			items[k].q, items[k].significant, NULL, NULL};
	/* the first section lists two related pairs */
	static const struct deepdive_related rel[] = {
		{"SBI", "SII", true, -0.25, true, 0.125},
		{"SBI", "LP25", false, 0, false, 0},
	};
	dp[0].related = rel;
	dp[0].nrelated = 2;
	struct chart_matrix m = {NSYM, syms, r, has};
	static const char *const skipped[] = {"AA/XYZ: no prices for \"XYZ\""};
	struct digest_input in = {.title = "Swiss macro watchlist", .as_of = st[0].as_of,
				  .pairs = dp, .npairs = np, .order = order, .nranked = np,
				  .top = 5, .alpha = RANK_ALPHA, .heatmap = &m, .skipped = skipped,
				  .nskipped = 1, .created = 0, .deep_dives = np};

	setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
	snprintf(path, sizeof path, "%s/digest.pdf", dir);
	assert_int_equal(digest_pdf_write(path, &in, PDF_LETTER, &e), 0);
	unsetenv("SOURCE_DATE_EPOCH");
	assert_int_equal(preflight(path), 0);

	char cmd[2048];
	snprintf(cmd, sizeof cmd, "pdftotext -layout '%s' - | grep -q 'Top regime shifts' && "
		 "pdftotext '%s' - | grep -q 'Page 1 of' && "
		 "pdftotext '%s' - | grep -q 'SII vs LP25: Correlation Analysis' && "
		 "pdftotext -layout '%s' - | grep -q 'SBI/SII  *-0.250  *Weak negative  *+0.125' && "
		 "pdftotext -layout '%s' - | grep -q 'SBI/LP25  *n/a  *n/a  *n/a'",
		 path, path, path, path, path);
	assert_int_equal(system(cmd), 0);
	/* every pair is in the appendix, in watchlist order */
	snprintf(cmd, sizeof cmd, "pdftotext -layout '%s' - | grep -q 'All pairs' && "
		 "pdftotext -layout '%s' - | grep -q '^ *%s/%s  *[-+]'",
		 path, path, st[np - 1].a, st[np - 1].b);
	assert_int_equal(system(cmd), 0);

	/* Only the largest shift gets its deep dive; the other pairs link to
	 * their own PDFs in the published day folder. */
	in.deep_dives = 1;
	in.pair_url = "https://example.org/c/2007/05/08/";
	snprintf(path, sizeof path, "%s/digest1.pdf", dir);
	assert_int_equal(digest_pdf_write(path, &in, PDF_A4, &e), 0);
	assert_int_equal(preflight(path), 0);
	snprintf(cmd, sizeof cmd, "test \"$(pdftotext '%s' - | grep -c ': Correlation Analysis$')\" = 1 && "
		 "pdftotext '%s' - | grep -q '%s vs %s: Correlation Analysis' && "
		 "grep -a -q '/URI (https:.057.057example.org.057c.0572007.05705.05708.057%s-%s.pdf)' '%s' && "
		 "! grep -a -q '/URI (.*%s-%s.pdf)' '%s'",
		 path, path, st[order[0]].a, st[order[0]].b,
		 st[order[np - 1]].a, st[order[np - 1]].b, path,
		 st[order[0]].a, st[order[0]].b, path);
	assert_int_equal(system(cmd), 0);
	for (size_t k = 0; k < np; k++)
		stats_release(&st[k]);
	prices_free(pr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small_doc_valid_and_reproducible),
		cmocka_unit_test(test_id_is_md5_of_content),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_digest),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
