/* template.c - libxslt over report.xml (the only libxslt user). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxslt/extensions.h>
#include <libxslt/transform.h>
#include <libxslt/xslt.h>
#include <libxslt/variables.h>
#include <libxslt/xsltInternals.h>
#include <libxslt/xsltutils.h>

#include "template.h"
#include "xalloc.h"

struct template {
	xsltStylesheetPtr style;
};

struct template_doc {
	xmlDocPtr doc;
};

/* No network, no external entities, no DTD loading: a report is data. */
#define TEMPLATE_PARSE_OPTS (XML_PARSE_NONET | XML_PARSE_NOCDATA)

/* libxml2 reports parse errors through a handler of the calling thread
 * (its global state is per thread); keep the first line of the last one
 * for our message instead of letting it print. Per thread too: the web
 * edition transforms on several threads at once (site.c). */
static _Thread_local char last_xml_error[256];
static pthread_once_t xslt_quiet_once = PTHREAD_ONCE_INIT;

static void quiet_xml_error(void *ctx, const char *fmt, ...)
{
	(void)ctx;
	(void)fmt;
}

static void quiet_structured(void *ctx, xmlErrorPtr err)
{
	(void)ctx;
	if (err == NULL || err->message == NULL)
		return;
	snprintf(last_xml_error, sizeof last_xml_error, "%d: %s", err->line,
		 err->message);
	char *nl = strchr(last_xml_error, '\n');
	if (nl != NULL)
		*nl = '\0';
}

/* Once per process, before any thread parses or transforms: libxml2's and
 * libxslt's global state (libxslt creates its extension mutex lazily, so
 * two threads loading their first stylesheets at once, as the web
 * edition's do, each made one and one leaked: LeakSanitizer in
 * 54-mail-postfix-faults), and libxslt's error handler, one process-wide
 * variable. */
static void xslt_quiet(void)
{
	xmlInitParser();
	xsltInit();
	xsltInitGlobals();    /* the extension mutex (xsltInit leaves it lazy) */
	xsltSetGenericErrorFunc(NULL, quiet_xml_error);
}

static void quiet_errors(void)
{
	pthread_once(&xslt_quiet_once, xslt_quiet);
	last_xml_error[0] = '\0';
	xmlSetGenericErrorFunc(NULL, quiet_xml_error);
	xmlSetStructuredErrorFunc(NULL, quiet_structured);
}

struct template *template_load(const char *path, struct cx_error *e)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return cx_fail(e, CX_ENOINPUT, "%s: cannot open template", path), NULL;
	fclose(f);
	quiet_errors();
	xmlDocPtr doc = xmlReadFile(path, NULL, TEMPLATE_PARSE_OPTS);
	if (doc == NULL)
		return cx_fail(e, CX_ECONFIG, "%s:%s", path, last_xml_error), NULL;
	xsltStylesheetPtr style = xsltParseStylesheetDoc(doc);
	if (style == NULL || style->errors > 0) {
		if (style != NULL)
			xsltFreeStylesheet(style);
		else
			xmlFreeDoc(doc);
		return cx_fail(e, CX_ECONFIG, "%s: not a valid XSLT stylesheet%s%s",
			       path, last_xml_error[0] ? ": line " : "",
			       last_xml_error), NULL;
	}
	struct template *t = xcalloc(1, sizeof *t);
	t->style = style;
	return t;
}

/* "$name" followed by anything but an ASCII character of an XML name
 * ("$name-x" is another variable; "$name:x" and "$nameé" count, to be
 * safe). */
static int text_mentions(const xmlChar *text, const char *needle)
{
	size_t n = strlen(needle);
	for (const char *p = (const char *)text; p != NULL && (p = strstr(p, needle)) != NULL; p++) {
		unsigned char c = (unsigned char)p[n];
		if (!(c == '-' || c == '_' || c == '.' || (c >= '0' && c <= '9') ||
		      ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')))
			return 1;
	}
	return 0;
}

static int node_mentions(const xmlNode *n, const char *needle)
{
	for (; n != NULL; n = n->next) {
		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
			if (text_mentions(n->content, needle))
				return 1;
			continue;
		}
		if (n->type != XML_ELEMENT_NODE)
			continue;
		for (const xmlAttr *a = n->properties; a != NULL; a = a->next)
			if (node_mentions(a->children, needle))
				return 1;
		if (node_mentions(n->children, needle))
			return 1;
	}
	return 0;
}

static int style_mentions(const xsltStylesheet *s, const char *needle)
{
	for (; s != NULL; s = s->next) {
		if (s->doc != NULL && node_mentions(s->doc->children, needle))
			return 1;
		for (const xsltDocument *d = s->docList; d != NULL; d = d->next)
			if (d->doc != NULL && node_mentions(d->doc->children, needle))
				return 1;
		if (style_mentions(s->imports, needle))
			return 1;
	}
	return 0;
}

int template_mentions_param(const struct template *t, const char *name)
{
	char needle[256];
	if (snprintf(needle, sizeof needle, "$%s", name) >= (int)sizeof needle)
		return 1;
	return style_mentions(t->style, needle);
}

static int style_keys(const xsltStylesheet *s)
{
	for (; s != NULL; s = s->next)
		if (s->keys != NULL || style_keys(s->imports))
			return 1;
	return 0;
}

int template_uses_keys(const struct template *t)
{
	return style_keys(t->style);
}

void template_free(struct template *t)
{
	if (t == NULL)
		return;
	xsltFreeStylesheet(t->style);
	free(t);
}

/* The document order is numbered here, once, in the thread that parsed
 * the document: every transformation numbers its source again
 * (xmlXPathOrderDocElems writes each element's index into the node), and
 * the mail's compose threads transform one shared report.xml. With the
 * numbers already in place those writes store the values already there,
 * so no thread ever sees a half-numbered tree (helgrind still reports the
 * writes: same-value stores, like libxml2's XPath function-lookup cache in
 * a shared stylesheet). */
static struct template_doc *doc_wrap(xmlDocPtr doc)
{
	struct template_doc *d = xcalloc(1, sizeof *d);
	d->doc = doc;
	(void)xmlXPathOrderDocElems(doc);
	return d;
}

static struct template_doc *doc_load(const char *path, int opts, struct cx_error *e)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return cx_fail(e, CX_ENOINPUT, "%s: cannot open", path), NULL;
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	fclose(f);
	if (size < 0 || (unsigned long)size > TEMPLATE_DOC_MAX)
		return cx_fail(e, CX_EDATA, "%s: larger than %u bytes", path,
			       TEMPLATE_DOC_MAX), NULL;
	quiet_errors();
	xmlDocPtr doc = xmlReadFile(path, NULL, opts);
	if (doc == NULL)
		return cx_fail(e, CX_EDATA, "%s:%s", path, last_xml_error), NULL;
	return doc_wrap(doc);
}

struct template_doc *template_doc_load(const char *path, struct cx_error *e)
{
	return doc_load(path, TEMPLATE_PARSE_OPTS, e);
}

struct template_doc *template_doc_load_data(const char *path, struct cx_error *e)
{
	return doc_load(path, TEMPLATE_PARSE_OPTS | XML_PARSE_NOBLANKS, e);
}

struct template_doc *template_doc_parse(const char *name, const char *data,
					size_t len, struct cx_error *e)
{
	if (len > TEMPLATE_DOC_MAX)
		return cx_fail(e, CX_EDATA, "%s: larger than %u bytes", name,
			       TEMPLATE_DOC_MAX), NULL;
	quiet_errors();
	xmlDocPtr doc = xmlReadMemory(data, (int)len, name, NULL,
				      TEMPLATE_PARSE_OPTS);
	if (doc == NULL)
		return cx_fail(e, CX_EDATA, "%s:%s", name, last_xml_error), NULL;
	return doc_wrap(doc);
}

void template_doc_free(struct template_doc *d)
{
	if (d == NULL)
		return;
	xmlFreeDoc(d->doc);
	free(d);
}

int template_apply(const struct template *t, const struct template_doc *d,
		   const char *const *params, char **out, size_t *len,
		   struct cx_error *e)
{
	xsltTransformContextPtr ctxt = NULL;
	xmlDocPtr res = NULL;
	xmlChar *buf = NULL;
	int n = 0, rc = -1;
	size_t np = 0;

	*out = NULL;
	*len = 0;
	while (params != NULL && params[np] != NULL)
		np++;
	if (np % 2 != 0 || np / 2 > TEMPLATE_PARAMS_MAX)
		return cx_fail(e, CX_ESOFTWARE, "template: bad parameter list");
	quiet_errors();
	ctxt = xsltNewTransformContext(t->style, d->doc);
	if (ctxt == NULL)
		return cx_fail(e, CX_ESOFTWARE, "template: out of memory");
	/* Quoted: each value is a literal string, never an XPath expression. */
	if (params != NULL && xsltQuoteUserParams(ctxt, (const char **)params) != 0) {
		cx_fail(e, CX_ESOFTWARE, "template: cannot set parameters");
		goto done;
	}
	res = xsltApplyStylesheetUser(t->style, d->doc, NULL, NULL, NULL, ctxt);
	if (res == NULL || ctxt->state != XSLT_STATE_OK) {
		cx_fail(e, CX_ESOFTWARE, "template %s: transformation failed%s%s",
			(const char *)t->style->doc->URL,
			last_xml_error[0] ? ": " : "", last_xml_error);
		goto done;
	}
	if (xsltSaveResultToString(&buf, &n, res, t->style) != 0) {
		cx_fail(e, CX_ESOFTWARE, "template: cannot serialise the result");
		goto done;
	}
	if ((size_t)n > TEMPLATE_OUTPUT_MAX) {
		cx_fail(e, CX_EDATA, "template: result larger than %u bytes",
			TEMPLATE_OUTPUT_MAX);
		goto done;
	}
	*out = xcalloc((size_t)n + 1, 1);
	if (n > 0)
		memcpy(*out, buf, (size_t)n);
	*len = (size_t)n;
	rc = 0;
done:
	xmlFree(buf);
	xmlFreeDoc(res);
	xsltFreeTransformContext(ctxt);
	return rc;
}

static xmlXPathObjectPtr eval(const struct template_doc *d, const char *expr)
{
	xmlXPathContextPtr x = xmlXPathNewContext(d->doc);
	if (x == NULL)
		abort();
	quiet_errors();
	xmlXPathObjectPtr o = xmlXPathEvalExpression((const xmlChar *)expr, x);
	xmlXPathFreeContext(x);
	return o;
}

char *template_doc_string(const struct template_doc *d, const char *expr)
{
	xmlXPathObjectPtr o = eval(d, expr);
	if (o == NULL)
		return NULL;
	xmlChar *s = xmlXPathCastToString(o);
	/* libxml2 returns NULL when it runs out of memory */
	char *r = xstrdup(s != NULL ? (const char *)s : "");
	xmlFree(s);
	xmlXPathFreeObject(o);
	return r;
}

int template_doc_strings(const struct template_doc *d, const char *expr,
			 char ***out, size_t *n, struct cx_error *e)
{
	xmlXPathObjectPtr o = eval(d, expr);
	*out = NULL;
	*n = 0;
	if (o == NULL || o->type != XPATH_NODESET) {
		xmlXPathFreeObject(o);
		return cx_fail(e, CX_ESOFTWARE, "template: \"%s\" is not a node-set expression", expr);
	}
	size_t count = o->nodesetval != NULL ? (size_t)o->nodesetval->nodeNr : 0;
	*out = xcalloc(count + 1, sizeof **out);
	for (size_t i = 0; i < count; i++) {
		xmlChar *s = xmlXPathCastNodeToString(o->nodesetval->nodeTab[i]);
		(*out)[i] = xstrdup(s != NULL ? (const char *)s : "");
		xmlFree(s);
	}
	*n = count;
	xmlXPathFreeObject(o);
	return 0;
}

void template_strings_free(char **v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}
