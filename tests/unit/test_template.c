/* test_template.c - template_mentions_param (template.h): which parameters
 * a stylesheet can read, the test that lets `convex send` make a result
 * once per batch. Hand-written stylesheets: a reference in an attribute
 * value template, in a select, in an included and in an imported file;
 * another variable whose name starts with the parameter's is not one; and
 * the shipped digest templates: the subject reads none of the subscriber's
 * parameters, the HTML and text parts read the name. template_uses_keys
 * finds an xsl:key in the file, in an included and in an imported one, and
 * none in the shipped digest templates (their compose threads share the
 * report) while the web pages' have some. template_doc_load_data
 * drops the whitespace-only text between elements and keeps every other
 * text, blanks inside it included. A document read in parts
 * (template_parts_*) holds its items in summary and puts the chosen ones
 * in full in their places, also when it has none; the shipped web pages
 * made from the fixture report in parts, with the site's summary
 * (site_pair_summary), are byte for byte those made from the whole
 * report. The number formats and the page addresses of digest-common.xsl
 * give what a hand-written list of cases says. A fragment is a result
 * without the HTML serialiser's final newline. The digest's sections made
 * once (premade) give the bytes of a message that makes them itself. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "site.h"
#include "template.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/convex-template.XXXXXX");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd);
}

#define HEAD "<xsl:stylesheet version=\"1.0\" xmlns:xsl=\"http://www.w3.org/1999/XSL/Transform\">"

static void put(const char *name, const char *body)
{
	char path[128];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "%s%s</xsl:stylesheet>\n", HEAD, body);
	fclose(f);
}

static struct template *load_path(const char *path)
{
	struct cx_error e;
	struct template *t = template_load(path, &e);
	assert_non_null(t);
	return t;
}

/* A stylesheet written by put. */
static struct template *load(const char *name)
{
	char path[128];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	return load_path(path);
}

static void test_references(void **state)
{
	(void)state;
	put("avt.xsl", "<xsl:param name=\"name\"/><xsl:template match=\"/\"><a href=\"{$name}\"/></xsl:template>");
	put("sel.xsl", "<xsl:param name=\"email\"/><xsl:template match=\"/\"><xsl:value-of select=\"concat('x',$email)\"/></xsl:template>");
	put("other.xsl", "<xsl:param name=\"name\"/><xsl:variable name=\"name-x\" select=\"1\"/>"
	    "<xsl:template match=\"/\"><xsl:value-of select=\"$name-x\"/></xsl:template>");
	put("inc.xsl", "<xsl:template name=\"n\"><xsl:value-of select=\"$pairs\"/></xsl:template>");
	put("main.xsl", "<xsl:include href=\"inc.xsl\"/><xsl:param name=\"pairs\"/>"
	    "<xsl:template match=\"/\"><xsl:call-template name=\"n\"/></xsl:template>");
	put("imp.xsl", "<xsl:param name=\"name\"/><xsl:template match=\"x\"><xsl:value-of select=\"$name\"/></xsl:template>");
	put("top.xsl", "<xsl:import href=\"imp.xsl\"/><xsl:template match=\"/\"><xsl:apply-templates/></xsl:template>");
	struct template *t = load("avt.xsl");
	assert_int_equal(template_mentions_param(t, "name"), 1);
	assert_int_equal(template_mentions_param(t, "email"), 0);
	template_free(t);
	t = load("sel.xsl");
	assert_int_equal(template_mentions_param(t, "email"), 1);
	assert_int_equal(template_mentions_param(t, "name"), 0);
	template_free(t);
	t = load("other.xsl");
	assert_int_equal(template_mentions_param(t, "name"), 0);
	assert_int_equal(template_mentions_param(t, "name-x"), 1);
	template_free(t);
	t = load("main.xsl");
	assert_int_equal(template_mentions_param(t, "pairs"), 1);
	template_free(t);
	t = load("top.xsl");
	assert_int_equal(template_mentions_param(t, "name"), 1);
	assert_int_equal(template_mentions_param(t, "pairs"), 0);
	template_free(t);
}

static void test_keys(void **state)
{
	(void)state;
	put("nokey.xsl", "<xsl:template match=\"/\"><a/></xsl:template>");
	put("key.xsl", "<xsl:key name=\"k\" match=\"p\" use=\"@id\"/><xsl:template match=\"/\"><a/></xsl:template>");
	put("inckey.xsl", "<xsl:include href=\"key.xsl\"/>");
	put("impkey.xsl", "<xsl:import href=\"nokey.xsl\"/><xsl:import href=\"key.xsl\"/>");
	put("impnokey.xsl", "<xsl:import href=\"nokey.xsl\"/><xsl:template match=\"x\"/>");
	static const struct { const char *file; int keys; } c[] = {
		{"nokey.xsl", 0}, {"key.xsl", 1}, {"inckey.xsl", 1}, {"impkey.xsl", 1}, {"impnokey.xsl", 0},
		{CONVEX_SRCDIR "/templates/digest-subject.xsl", 0},
		{CONVEX_SRCDIR "/templates/digest-text.xsl", 0},
		{CONVEX_SRCDIR "/templates/digest-html.xsl", 0},
		{CONVEX_SRCDIR "/templates/web-pair.xsl", 1},
	};
	for (size_t i = 0; i < sizeof c / sizeof *c; i++) {
		struct template *t = c[i].file[0] == '/' ? load_path(c[i].file) : load(c[i].file);
		if (template_uses_keys(t) != c[i].keys)
			fail_msg("%s: template_uses_keys %d, want %d", c[i].file, !c[i].keys, c[i].keys);
		template_free(t);
	}
}

/* A data document read by template_doc_load_data: the indentation between
 * elements is gone (5 text nodes in the file, 2 left: "a b" and " x "),
 * text and attributes are kept as written. */
static void test_doc_load_data(void **state)
{
	char path[128];
	struct cx_error e;
	(void)state;
	snprintf(path, sizeof path, "%s/data.xml", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("<r>\n  <p v=\" 1 \">a b</p>\n  <q> x </q>\n</r>\n", f);
	fclose(f);
	struct template_doc *full = template_doc_load(path, &e);
	struct template_doc *data = template_doc_load_data(path, &e);
	assert_non_null(full);
	assert_non_null(data);
	char *n_full = template_doc_string(full, "string(count(//text()))");
	char *n_data = template_doc_string(data, "string(count(//text()))");
	char *q = template_doc_string(data, "concat('[', /r/q, '|', /r/p, '|', /r/p/@v, ']')");
	assert_string_equal(n_full, "5");
	assert_string_equal(n_data, "2");
	assert_string_equal(q, "[ x |a b| 1 ]");
	free(n_full), free(n_data), free(q);
	template_doc_free(full);
	template_doc_free(data);
}

static void test_digest_templates(void **state)
{
	static const char *const subscriber[] = {"name", "email", "pairs", "unsubscribe-url"};
	(void)state;
	struct template *s = load_path(CONVEX_SRCDIR "/templates/digest-subject.xsl");
	struct template *h = load_path(CONVEX_SRCDIR "/templates/digest-html.xsl");
	struct template *x = load_path(CONVEX_SRCDIR "/templates/digest-text.xsl");
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(template_mentions_param(s, subscriber[i]), 0);
	assert_int_equal(template_mentions_param(s, "title"), 1);
	assert_int_equal(template_mentions_param(h, "name"), 1);
	assert_int_equal(template_mentions_param(h, "unsubscribe-url"), 1);
	assert_int_equal(template_mentions_param(x, "name"), 1);
	assert_int_equal(template_mentions_param(x, "pairs"), 1);
	template_free(s);
	template_free(h);
	template_free(x);
}

/* A file in the test directory. */
static void write_file(const char *name, const char *text, char *path, size_t size)
{
	snprintf(path, size, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* The shared formats of digest-common.xsl, on values written here: a
 * correlation to two places with its sign, "n/a" for an empty, missing or
 * non-numeric value (the NaN test), and a pair's page address with '^',
 * '=' and ':' percent-encoded and nothing else touched (the fast path for
 * ids without them). */
static void test_digest_formats(void **state)
{
	static const struct { const char *call, *want; } cases[] = {
		{"<xsl:call-template name=\"fmt-r\"><xsl:with-param name=\"v\" select=\"/d/@r\"/></xsl:call-template>", "+0.31"},
		{"<xsl:call-template name=\"fmt-r\"><xsl:with-param name=\"v\" select=\"'-0.054'\"/></xsl:call-template>", "-0.05"},
		{"<xsl:call-template name=\"fmt-r\"><xsl:with-param name=\"v\" select=\"/d/@empty\"/></xsl:call-template>", "n/a"},
		{"<xsl:call-template name=\"fmt-r\"><xsl:with-param name=\"v\" select=\"/d/@missing\"/></xsl:call-template>", "n/a"},
		{"<xsl:call-template name=\"fmt-r\"><xsl:with-param name=\"v\" select=\"'abc'\"/></xsl:call-template>", "n/a"},
		{"<xsl:call-template name=\"fmt-z\"><xsl:with-param name=\"v\" select=\"'4.06'\"/></xsl:call-template>", "+4.1"},
		{"<xsl:call-template name=\"fmt-z\"><xsl:with-param name=\"v\" select=\"''\"/></xsl:call-template>", "n/a"},
		{"<xsl:call-template name=\"fmt-p\"><xsl:with-param name=\"v\" select=\"'0.00004'\"/></xsl:call-template>", "< 0.0001"},
		{"<xsl:call-template name=\"fmt-p\"><xsl:with-param name=\"v\" select=\"'x'\"/></xsl:call-template>", "n/a"},
		{"<xsl:call-template name=\"pair-page-url\"><xsl:with-param name=\"base\" select=\"'https://h/d/'\"/>"
		 "<xsl:with-param name=\"id\" select=\"'SBI-SPI'\"/></xsl:call-template>", "https://h/d/pairs/SBI-SPI.html"},
		{"<xsl:call-template name=\"pair-page-url\"><xsl:with-param name=\"base\" select=\"'https://h/d/'\"/>"
		 "<xsl:with-param name=\"id\" select=\"'^GSPC-EUR=X'\"/></xsl:call-template>", "https://h/d/pairs/%5EGSPC-EUR%3DX.html"},
		{"<xsl:call-template name=\"url-escape\"><xsl:with-param name=\"s\" select=\"'A:B^^C'\"/></xsl:call-template>", "A%3AB%5E%5EC"},
	};
	char doc[128], xsl[128], body[1024];
	struct cx_error e;

	(void)state;
	write_file("d.xml", "<d r=\"0.314\" empty=\"\"/>\n", doc, sizeof doc);
	struct template_doc *d = template_doc_load(doc, &e);
	assert_non_null(d);
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		snprintf(body, sizeof body, "<xsl:include href=\"%s/templates/digest-common.xsl\"/>"
			 "<xsl:output method=\"text\"/><xsl:template match=\"/\">%s</xsl:template>",
			 CONVEX_SRCDIR, cases[i].call);
		put("fmt.xsl", body);
		snprintf(xsl, sizeof xsl, "%s/fmt.xsl", dir);
		struct template *t = load_path(xsl);
		char *out = NULL;
		size_t len;
		assert_int_equal(template_apply(t, d, NULL, &out, &len, &e), 0);
		if (strcmp(out, cases[i].want) != 0)
			fail_msg("case %zu: \"%s\", want \"%s\"", i, out, cases[i].want);
		free(out);
		template_free(t);
	}
	template_doc_free(d);
}

/* Apply `t` to `d` with `params`; the result (caller frees). */
static char *apply_ok(const struct template *t, const struct template_doc *d,
		      const char *const *params, int fragment)
{
	struct cx_error e;
	char *out = NULL;
	size_t len;
	int rc = fragment ? template_apply_fragment(t, d, params, &out, &len, &e)
			  : template_apply(t, d, params, &out, &len, &e);
	if (rc != 0)
		fail_msg("%s", e.msg);
	assert_int_equal(strlen(out), len);
	return out;
}

/* A fragment is the result without the newline libxml2's HTML serialiser
 * ends a document with; a text result and an empty one are unchanged. */
static void test_fragment(void **state)
{
	char xsl[128];
	(void)state;
	struct cx_error e;
	struct template_doc *d = template_doc_load(CONVEX_SRCDIR "/tests/data/report/report.xml", &e);
	assert_non_null(d);
	static const struct { const char *body, *whole, *fragment; } cases[] = {
		{"<xsl:output method=\"html\"/><xsl:template match=\"/\"><tr><td>a</td></tr><tr/></xsl:template>",
		 "<tr><td>a</td></tr><tr></tr>\n", "<tr><td>a</td></tr><tr></tr>"},
		{"<xsl:output method=\"html\"/><xsl:template match=\"/\"><xsl:text>b&#10;</xsl:text></xsl:template>",
		 "b\n\n", "b\n"},
		{"<xsl:output method=\"html\"/><xsl:template match=\"/\"/>", "", ""},
		{"<xsl:output method=\"text\"/><xsl:template match=\"/\"><xsl:text>c&#10;</xsl:text></xsl:template>",
		 "c\n", "c\n"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		put("frag.xsl", cases[i].body);
		snprintf(xsl, sizeof xsl, "%s/frag.xsl", dir);
		struct template *t = load_path(xsl);
		char *whole = apply_ok(t, d, NULL, 0), *part = apply_ok(t, d, NULL, 1);
		if (strcmp(whole, cases[i].whole) != 0 || strcmp(part, cases[i].fragment) != 0)
			fail_msg("case %zu: \"%s\" and \"%s\"", i, whole, part);
		free(whole);
		free(part);
		template_free(t);
	}
	template_doc_free(d);
}

/* The digest's shared sections (digest-html.xsl, digest-text.xsl): each
 * made alone with the send's parameters, then given to a message as
 * premade text, gives the bytes of the message that makes every section
 * itself, for a subscriber whose name and address hold markup and quotes
 * (the own-pairs section made with the subscriber's pairs alone).
 * And the premade text is what the message holds, not made again: a
 * marker given as the tail replaces the notes, unless $premade leaves the
 * tail out of its list. */
static void test_premade_sections(void **state)
{
	static const struct { const char *file, *sections[4], *given; } parts[] = {
		{"digest-html.xsl", {"preheader", "head", "own", "tail"}, "|preheader|head|own|tail|"},
		{"digest-text.xsl", {"shifts", "own", "tail", NULL}, "|shifts|own|tail|"},
	};
	static const char *const batch[] = {
		"web-url", "https://h.example/a/2007/05/08/index.html",
		"pdf-base", "https://h.example/a/2007/05/08/", "cid-domain", "example.com",
		"edition", "mail", "title", "Swiss <macro> \"watch\" 'list'",
	};
	static const char *const reader[] = {
		"name", "Ada <b>&amp; \"Lovelace\" 'x'", "email", "ada&co@example.org",
		"pairs", "|SBI-SPI|SBI-LP25|", "unsubscribe-url", "https://h.example/u?e=a&t=<1>",
	};
	char path[256];
	struct cx_error e;

	(void)state;
	struct template_doc *d = template_doc_load(CONVEX_SRCDIR "/tests/data/report/report.xml", &e);
	assert_non_null(d);
	for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) {
		const char *params[32], *sec_params[16];
		char *made[4] = {NULL, NULL, NULL, NULL}, name[4][32];
		size_t n = 0, ns;

		snprintf(path, sizeof path, "%s/templates/%s", CONVEX_SRCDIR, parts[i].file);
		struct template *t = load_path(path);
		memcpy(sec_params, batch, sizeof batch);
		ns = sizeof batch / sizeof *batch;
		sec_params[ns++] = "pairs";   /* read by the own-pairs section alone */
		sec_params[ns++] = reader[5];
		sec_params[ns] = "only";
		sec_params[ns + 2] = NULL;
		memcpy(params, reader, sizeof reader);
		n = sizeof reader / sizeof *reader;
		memcpy(params + n, batch, sizeof batch);
		n += sizeof batch / sizeof *batch;
		params[n] = NULL;
		char *whole = apply_ok(t, d, params, 0);
		params[n++] = "premade";
		params[n++] = parts[i].given;
		for (size_t k = 0; k < 4 && parts[i].sections[k] != NULL; k++) {
			snprintf(name[k], sizeof name[k], "premade-%s", parts[i].sections[k]);
			assert_int_equal(template_mentions_param(t, name[k]), 1);
			sec_params[ns + 1] = parts[i].sections[k];
			made[k] = apply_ok(t, d, sec_params, 1);
			assert_true(strlen(made[k]) > 0);
			params[n++] = name[k];
			params[n++] = made[k];
		}
		params[n] = NULL;
		char *joined = apply_ok(t, d, params, 0);
		if (strcmp(joined, whole) != 0)
			fail_msg("%s: the message with premade sections differs from the whole", parts[i].file);
		/* The tail (the last section) as given, not made again. */
		params[n - 1] = "<!--tail-marker-->";
		char *marked = apply_ok(t, d, params, 0);
		assert_non_null(strstr(marked, "<!--tail-marker-->"));
		assert_null(strstr(marked, "METHODOLOGY"));
		assert_null(strstr(marked, "Methodology"));
		assert_non_null(strstr(whole, i == 0 ? "Methodology" : "METHODOLOGY"));
		free(marked);
		/* A section given but not named in $premade is made in place. */
		size_t at = sizeof reader / sizeof *reader + sizeof batch / sizeof *batch + 1;
		params[at] = "|own|";
		marked = apply_ok(t, d, params, 0);
		assert_null(strstr(marked, "<!--tail-marker-->"));
		assert_string_equal(marked, whole);
		free(marked);
		free(joined);
		free(whole);
		for (size_t k = 0; k < 4; k++)
			free(made[k]);
		template_free(t);
	}
	template_doc_free(d);
}

static void expect(const struct template_doc *d, const char *expr, const char *want)
{
	char *got = template_doc_string(d, expr);
	assert_non_null(got);
	if (strcmp(got, want) != 0)
		fail_msg("%s: \"%s\", want \"%s\"", expr, got, want);
	free(got);
}

/* Three items under <items>, each with a kept child <k> and a <big> that
 * only the full item has; what is around them stays whole. */
static void test_parts(void **state)
{
	static const char *const keep[] = {"k", NULL};
	char path[128];
	struct cx_error e;
	(void)state;
	write_file("parts.xml",
		   "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		   "<r v=\"1\">\n  <head>h <b>x</b></head>\n  <items n=\"3\">\n"
		   "    <i id=\"a\"><k v=\"1\"/><big>z\xc3\xa9 &amp; &lt;1&gt;</big></i>\n"
		   "    <i id=\"b\"><k v=\"2\"/><big>two</big><big>more</big></i>\n"
		   "    <i id=\"c\"><big>three</big></i>\n  </items>\n  <tail>t</tail>\n</r>\n",
		   path, sizeof path);
	struct template_parts *p = template_parts_load(path, "items", keep, &e);
	assert_non_null(p);
	assert_int_equal(template_parts_count(p), 3);
	const struct template_doc *s = template_parts_summary(p);
	expect(s, "concat(/r/@v, /r/head, /r/tail, /r/items/@n)", "1h xt3");
	expect(s, "concat(count(//big), count(//k), /r/items/i[2]/k/@v, /r/items/i[3]/@id)", "022c");

	struct template_doc *d = template_parts_doc(p);
	expect(d, "count(//big)", "0");
	assert_int_equal(template_parts_fill(p, d, 1, 1, &e), 0);
	expect(d, "concat(count(//big), /r/items/i[2]/@id, /r/items/i[2]/big[2])", "2bmore");
	assert_int_equal(template_parts_fill(p, d, 0, 2, &e), 0);
	expect(d, "concat(count(//big), /r/items/i[1]/big, '|', count(/r/items/i))", "3z\xc3\xa9 & <1>|3");
	expect(d, "string(/r/items/i[3]/following::*[1])", "t");   /* in document order */
	assert_int_equal(template_parts_fill(p, d, 0, 0, &e), 0);
	expect(d, "concat(count(//big), count(//k), count(//i))", "023");
	assert_int_equal(template_parts_fill(p, d, 2, 2, &e), -1);
	assert_int_equal(e.code, CX_ESOFTWARE);
	assert_int_equal(template_parts_fill(p, d, 2, 1, &e), 0);
	template_doc_free(d);     /* with an item in full */
	template_parts_free(p);

	/* No item: an empty container, or none at all. */
	const char *const empty[] = {"<r><items/><tail>t</tail></r>", "<r><tail>t</tail></r>"};
	for (size_t i = 0; i < 2; i++) {
		write_file("empty.xml", empty[i], path, sizeof path);
		assert_non_null(p = template_parts_load(path, "items", keep, &e));
		assert_int_equal(template_parts_count(p), 0);
		d = template_parts_take(p);
		assert_int_equal(template_parts_fill(p, d, 0, 0, &e), 0);
		assert_int_equal(template_parts_fill(p, d, 0, 1, &e), -1);
		expect(d, "string(/r/tail)", "t");
		template_doc_free(d);
		template_parts_free(p);
	}

	write_file("bad.xml", "<r>\n<items>\n<i>\n</items></r>\n", path, sizeof path);
	assert_null(template_parts_load(path, "items", keep, &e));
	assert_int_equal(e.code, CX_EDATA);
	assert_non_null(strstr(e.msg, "bad.xml:4:"));
}

/* A page of stylesheet `t` from the whole report and from its parts with
 * items first .. first+n-1 in full: the same bytes. */
static void same_page(const char *t, const struct template_doc *whole,
		      const struct template_parts *p, struct template_doc *d,
		      size_t first, size_t n, const char *const *params)
{
	struct template *s = load_path(t);
	struct cx_error e;
	char *a = NULL, *b = NULL;
	size_t la = 0, lb = 0;

	assert_int_equal(template_parts_fill(p, d, first, n, &e), 0);
	assert_int_equal(template_apply(s, whole, params, &a, &la, &e), 0);
	assert_int_equal(template_apply(s, d, params, &b, &lb, &e), 0);
	if (la != lb || memcmp(a, b, la) != 0)
		fail_msg("%s, items %zu+%zu: %zu bytes from the whole report, %zu from its parts",
			 t, first, n, la, lb);
	free(a);
	free(b);
	template_free(s);
}

static void test_site_summary(void **state)
{
	static const char *const singles[] = {"web-symbols.xsl", "web-matrix.xsl", "web-day.xsl"};
	const char *report = CONVEX_SRCDIR "/tests/data/report/report.xml";
	struct cx_error e;
	char t[256], from[8], to[8];
	(void)state;
	struct template_doc *whole = template_doc_load_data(report, &e);
	struct template_parts *p = template_parts_load(report, "pairs", site_pair_summary, &e);
	assert_non_null(whole);
	assert_non_null(p);
	assert_int_equal(template_parts_count(p), 3);
	struct template_doc *d = template_parts_doc(p);
	for (size_t k = 0; k < 3; k++) {
		snprintf(from, sizeof from, "%zu", k + 1);
		snprintf(to, sizeof to, "%zu", k + 1);
		const char *params[] = {"root", "../../../../", "day", "../", "site-title", "T",
					"first", from, "last", to, NULL};
		same_page(CONVEX_SRCDIR "/templates/web-pairs.xsl", whole, p, d, k, 1, params);
	}
	for (size_t i = 0; i < 3; i++) {
		const char *params[] = {"root", "../", "day", "../2007/05/08/", NULL};
		snprintf(t, sizeof t, "%s/templates/%s", CONVEX_SRCDIR, singles[i]);
		same_page(t, whole, p, d, 0, 0, params);
	}
	/* The comparison sees what a summary lacks: the others' <meaning>. */
	char *a = template_doc_string(whole, "string(count(//meaning))");
	assert_int_equal(template_parts_fill(p, d, 0, 1, &e), 0);
	char *b = template_doc_string(d, "string(count(//meaning))");
	assert_string_equal(a, "3");
	assert_string_equal(b, "1");
	free(a);
	free(b);
	template_doc_free(d);
	template_parts_free(p);
	template_doc_free(whole);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_references, setup, teardown),
		cmocka_unit_test(test_digest_templates),
		cmocka_unit_test_setup_teardown(test_doc_load_data, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_digest_formats, setup, teardown),
		cmocka_unit_test(test_site_summary),
		cmocka_unit_test_setup_teardown(test_fragment, setup, teardown),
		cmocka_unit_test(test_premade_sections),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
