/* template.h - XSLT 1.0 stylesheets (the .xsl files in templates/) applied to report.xml.
 *
 * The only module that includes libxslt. Values for a stylesheet are passed
 * as string parameters and quoted by libxslt (xsltQuoteUserParams), never
 * pasted into XML or XPath text, so a subscriber's name cannot change what a
 * template does. libxml2/libxslt types stay inside template.c.
 *
 * Threads: transformations may run on several threads at once. Errors are
 * kept per thread. What they may share:
 *  - nothing, always safe (the web edition: site.c gives each thread its
 *    own working copy of the report, template_parts below, and stylesheets);
 *  - a template_doc and the templates applied to it, when no template
 *    uses xsl:key (the digest's: deliver.c). libxslt then writes into
 *    the shared trees only values already there: each transformation
 *    numbers the source's document order again (numbered once at load,
 *    doc_wrap in template.c) and libxml2 2.9 caches function lookups
 *    inside compiled XPath expressions. A stylesheet with xsl:key must not
 *    share its source: computing a key marks every matched node of it
 *    (node->psvi) with that key's definition.
 */
#ifndef CONVEX_TEMPLATE_H
#define CONVEX_TEMPLATE_H

#include <stddef.h>

#include "err.h"

/* Most bytes read from a report or produced by one transformation: a digest
 * for thousands of pairs stays far below; beyond, something is wrong. */
#define TEMPLATE_DOC_MAX    (256u << 20)
#define TEMPLATE_OUTPUT_MAX (64u << 20)
/* Most string parameters one application takes. */
#define TEMPLATE_PARAMS_MAX 32

struct template;      /* a compiled stylesheet */
struct template_doc;  /* a parsed XML document (report.xml) */

/* Compile the stylesheet at `path` (xsl:include/import relative to it).
 * Returns NULL with `e` set: CX_ENOINPUT when it cannot be read, CX_ECONFIG
 * when it is not a valid stylesheet (message names the file and line).
 * Caller frees with template_free. */
struct template *template_load(const char *path, struct cx_error *e);
void template_free(struct template *t);

/* Parse the XML file at `path` (no network, no entity expansion from
 * outside). NULL with `e` set: CX_ENOINPUT unreadable, CX_EDATA malformed.
 * Caller frees with template_doc_free. */
struct template_doc *template_doc_load(const char *path, struct cx_error *e);

/* The same for a document of data such as report.xml, without the
 * whitespace-only text between its elements (libxml2's NOBLANKS): fewer
 * nodes to parse, walk and free, for stylesheets that never read that
 * whitespace (the web pages: site.c). */
struct template_doc *template_doc_load_data(const char *path, struct cx_error *e);
/* The same from `len` bytes in memory; `name` stands for it in messages. */
struct template_doc *template_doc_parse(const char *name, const char *data,
					size_t len, struct cx_error *e);
void template_doc_free(struct template_doc *d);

/* 1 when `t` (with what it includes and imports) may read the parameter
 * `name`: "$name" occurs in one of its attributes or texts, the only way
 * XSLT 1.0 reads a parameter; else 0. Conservative (a mention in any text
 * counts): a 0 means the result never depends on the parameter, so callers
 * may reuse one result across its values. */
int template_mentions_param(const struct template *t, const char *name);

/* 1 when `t` (with what it includes and imports) declares an xsl:key,
 * else 0: it must then not share its source document with another
 * transformation running at once (see Threads above). */
int template_uses_keys(const struct template *t);

/* Apply `t` to `d` with string parameters `params`: name, value, name,
 * value, ..., NULL (at most TEMPLATE_PARAMS_MAX pairs; values taken
 * literally). On success *out is a malloc'd NUL-terminated result of *len
 * bytes (caller frees). Errors: CX_ESOFTWARE when the transformation fails
 * (xsl:message terminate, runtime error), CX_EDATA when the result exceeds
 * TEMPLATE_OUTPUT_MAX. */
int template_apply(const struct template *t, const struct template_doc *d,
		   const char *const *params, char **out, size_t *len,
		   struct cx_error *e);

/* The same for a part of a page that another application of `t` copies
 * into its own result (disable-output-escaping: the digest's
 * sections made once, premade.h): the result as template_apply's, without the
 * newline libxml2 ends a serialised HTML document with. */
int template_apply_fragment(const struct template *t, const struct template_doc *d,
			    const char *const *params, char **out, size_t *len,
			    struct cx_error *e);

/* The XPath 1.0 string value of `expr` evaluated on `d` ("" when it
 * selects nothing). Returns a malloc'd string (caller frees), NULL when
 * the expression is invalid. */
char *template_doc_string(const struct template_doc *d, const char *expr);

/* The string values of every node `expr` selects, in document order, as a
 * malloc'd array of *n malloc'd strings (free with template_strings_free).
 * Returns 0, or -1 with `e` set (CX_ESOFTWARE) for an invalid expression. */
int template_doc_strings(const struct template_doc *d, const char *expr,
			 char ***out, size_t *n, struct cx_error *e);
void template_strings_free(char **v, size_t n);

/* ---- a large document read once and handed out in parts ------------------
 *
 * For stylesheets that want a few of many like items in full at a time and
 * the others only in summary (the web edition's pair pages: a chunk of 16
 * to 155 of up to 4,950 pairs). The items are the element children of the
 * root's first child named `container` (report.xml: "pairs"). The file is
 * read as a stream, never built whole, into
 *  - the summary: the document with each item cut to its attributes and
 *    its child elements named in `keep` (a NULL-terminated list), whole;
 *  - each item's own text (about the size of the file in all).
 * A working copy (template_parts_doc) starts as the summary; fill puts
 * chosen items in full into it in their places, so positions, counts and
 * keys over the items are those of the whole document. A stylesheet
 * reading more of an item than its summary holds must have it filled.
 * Memory: the texts and a working copy per thread, the summary being the
 * last one taken, instead of a whole tree per thread (some 11 times the
 * file's size).
 *
 * Threads: loaded parts are read only and may be shared; a working copy
 * belongs to one thread at a time. Whitespace-only text is dropped, as
 * template_doc_load_data does. */
struct template_parts;

/* NULL with `e` set as template_doc_load_data. Free with
 * template_parts_free. */
struct template_parts *template_parts_load(const char *path, const char *container,
					   const char *const *keep, struct cx_error *e);
void template_parts_free(struct template_parts *p);

/* How many items. */
size_t template_parts_count(const struct template_parts *p);

/* The summary, for template_doc_string(s); owned by p, never transformed
 * (a transformation marks its source, see Threads above). NULL once
 * taken. */
const struct template_doc *template_parts_summary(const struct template_parts *p);

/* A working copy: the summary, no item in full. Caller frees with
 * template_doc_free. Out of memory aborts, and so does a call after
 * template_parts_take. */
struct template_doc *template_parts_doc(const struct template_parts *p);

/* The summary itself as the last working copy, one copy less in memory
 * (caller frees it with template_doc_free): p then has no summary, only
 * its texts for template_parts_fill. Taking twice aborts. */
struct template_doc *template_parts_take(struct template_parts *p);

/* Items first .. first+n-1 (0-based) of `p` in full in `d`, a working copy
 * of p; the items filled before go back to their summaries. Returns 0, or
 * -1 with `e` set (CX_ESOFTWARE) for a range outside the items. */
int template_parts_fill(const struct template_parts *p, struct template_doc *d,
			size_t first, size_t n, struct cx_error *e);

#endif
