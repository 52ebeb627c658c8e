/* template.c - libxslt over report.xml (the only libxslt user). */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlreader.h>
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
	/* A working copy of parts (template_parts_doc): every item in
	 * document order, in summary or in full, and the summaries of the
	 * `nfull` items from `first` on while they are in full. */
	xmlNodePtr *item;
	size_t nitems, first, nfull;
	xmlNodePtr *aside;
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

/* 0 when the file at `path` can be read and is at most TEMPLATE_DOC_MAX
 * bytes, else -1 with `e` set. */
static int doc_size_ok(const char *path, struct cx_error *e)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return cx_fail(e, CX_ENOINPUT, "%s: cannot open", path);
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	fclose(f);
	if (size < 0 || (unsigned long)size > TEMPLATE_DOC_MAX)
		return cx_fail(e, CX_EDATA, "%s: larger than %u bytes", path, TEMPLATE_DOC_MAX);
	return 0;
}

static struct template_doc *doc_load(const char *path, int opts, struct cx_error *e)
{
	if (doc_size_ok(path, e) != 0)
		return NULL;
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
	for (size_t k = 0; k < d->nfull; k++)
		xmlFreeNode(d->aside[k]);
	free(d->aside);
	free(d->item);
	xmlFreeDoc(d->doc);
	free(d);
}

static int apply(const struct template *t, const struct template_doc *d,
		 const char *const *params, bool fragment, char **out, size_t *len,
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
	/* libxml2's HTML serialiser ends every document that has a node
	 * with a newline (htmlDocContentDumpFormatOutput): not part of a
	 * fragment, which is copied into the middle of another page. */
	if (fragment && res->type == XML_HTML_DOCUMENT_NODE && n > 0 && buf[n - 1] == '\n')
		n--;
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

int template_apply(const struct template *t, const struct template_doc *d,
		   const char *const *params, char **out, size_t *len,
		   struct cx_error *e)
{
	return apply(t, d, params, false, out, len, e);
}

int template_apply_fragment(const struct template *t, const struct template_doc *d,
			    const char *const *params, char **out, size_t *len,
			    struct cx_error *e)
{
	return apply(t, d, params, true, out, len, e);
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

/* ---- a document read in parts ----------------------------------------------
 *
 * Read with libxml2's stream reader (xmlTextReader), which holds one subtree
 * at a time: the whole tree is never built. Each item is kept as the text
 * xmlNodeDump makes of it, about a tenth of the memory of its tree, and is
 * parsed again when a working copy wants it in full. */

struct template_parts {
	struct template_doc *summary;
	char *container;
	unsigned char **text;  /* each item, serialised (xmalloc'd) */
	int *len;
	size_t n, cap;
};

/* A new document with a dictionary of its own: the names of the nodes
 * copied into it are stored once there instead of once per node (xmlCopyDoc
 * makes a document without one): 2.4 MB less for the 435 Dow pairs. */
static xmlDocPtr dict_doc(void)
{
	xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
	if (doc == NULL || (doc->dict = xmlDictCreate()) == NULL)
		abort();        /* out of memory, as in eval */
	return doc;
}

static bool kept(const xmlNode *c, const char *const *keep)
{
	if (c->type != XML_ELEMENT_NODE)
		return false;
	for (; keep != NULL && *keep != NULL; keep++)
		if (xmlStrEqual(c->name, BAD_CAST *keep))
			return true;
	return false;
}

/* The item under the reader: its text kept in p, its summary added to
 * `to`, a node of s. 0, or -1 when the reader cannot expand it. */
static int parts_item(struct template_parts *p, xmlTextReaderPtr r, xmlDocPtr s,
		      xmlNodePtr to, const char *const *keep)
{
	xmlNodePtr node = xmlTextReaderExpand(r);
	xmlBufferPtr b = node != NULL ? xmlBufferCreate() : NULL;

	if (b == NULL || xmlNodeDump(b, node->doc, node, 0, 0) < 0) {
		xmlBufferFree(b);
		return -1;
	}
	if (p->n == p->cap) {
		p->cap = p->cap > 0 ? 2 * p->cap : 256;
		p->text = xrealloc_array(p->text, p->cap, sizeof *p->text);
		p->len = xrealloc_array(p->len, p->cap, sizeof *p->len);
	}
	/* A copy of its size: the buffer has grown by doubling, and the
	 * texts, 2.9 MB for the 435 Dow pairs, would hold 7.1. */
	int len = xmlBufferLength(b);
	p->text[p->n] = xmalloc((size_t)len + 1);
	memcpy(p->text[p->n], xmlBufferContent(b), (size_t)len + 1);
	p->len[p->n++] = len;
	xmlBufferFree(b);
	xmlNodePtr stub = xmlAddChild(to, xmlDocCopyNode(node, s, 2));
	for (xmlNodePtr c = node->children; c != NULL && stub != NULL; c = c->next)
		if (kept(c, keep))
			xmlAddChild(stub, xmlDocCopyNode(c, s, 1));
	return stub != NULL ? 0 : -1;
}

/* The node under the reader, whole, added to `to`; 0 or -1. */
static int parts_whole(xmlTextReaderPtr r, xmlDocPtr s, xmlNodePtr to)
{
	xmlNodePtr node = xmlTextReaderExpand(r);
	if (node == NULL || to == NULL)
		return -1;
	return xmlAddChild(to, xmlDocCopyNode(node, s, 1)) != NULL ? 0 : -1;
}

/* The stream into the summary s and p->text: the root and the container
 * with their attributes, every other child of the root whole, the
 * container's elements as items. 0, or -1 (malformed: last_xml_error says
 * where). */
static int parts_read(struct template_parts *p, xmlTextReaderPtr r, xmlDocPtr s,
		      const char *const *keep)
{
	xmlNodePtr root = NULL, cont = NULL;
	int ret = xmlTextReaderRead(r);

	while (ret == 1) {
		int type = xmlTextReaderNodeType(r), depth = xmlTextReaderDepth(r);
		xmlNodePtr node = xmlTextReaderCurrentNode(r);
		bool elem = type == XML_READER_TYPE_ELEMENT;

		if (!elem && (type == XML_READER_TYPE_END_ELEMENT || type == XML_READER_TYPE_WHITESPACE ||
			      type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE ||
			      type == XML_READER_TYPE_DOCUMENT_TYPE)) {
			ret = xmlTextReaderRead(r);
		} else if (elem && depth == 0) {
			root = xmlDocCopyNode(node, s, 2);
			xmlDocSetRootElement(s, root);
			ret = xmlTextReaderRead(r);
		} else if (elem && depth == 1 && cont == NULL && root != NULL &&
			   xmlStrEqual(node->name, BAD_CAST p->container)) {
			cont = xmlAddChild(root, xmlDocCopyNode(node, s, 2));
			ret = xmlTextReaderRead(r);
		} else if (elem && depth == 2 && cont != NULL) {
			if (parts_item(p, r, s, cont, keep) != 0)
				return -1;
			ret = xmlTextReaderNext(r);
		} else {
			if (parts_whole(r, s, depth == 0 ? (xmlNodePtr)s : depth == 1 ? root : cont) != 0)
				return -1;
			ret = xmlTextReaderNext(r);
		}
	}
	return ret == 0 && root != NULL ? 0 : -1;
}

struct template_parts *template_parts_load(const char *path, const char *container,
					   const char *const *keep, struct cx_error *e)
{
	if (doc_size_ok(path, e) != 0)
		return NULL;
	quiet_errors();
	xmlTextReaderPtr r = xmlReaderForFile(path, NULL, TEMPLATE_PARSE_OPTS | XML_PARSE_NOBLANKS);
	if (r == NULL)
		return cx_fail(e, CX_ENOINPUT, "%s: cannot open", path), NULL;
	struct template_parts *p = xcalloc(1, sizeof *p);
	xmlDocPtr s = dict_doc();
	p->container = xstrdup(container);
	int rc = parts_read(p, r, s, keep);
	xmlFreeTextReader(r);
	if (rc != 0) {
		cx_fail(e, CX_EDATA, "%s:%s", path,
			last_xml_error[0] ? last_xml_error : " no document element");
		xmlFreeDoc(s);
		template_parts_free(p);
		return NULL;
	}
	p->summary = doc_wrap(s);
	return p;
}

size_t template_parts_count(const struct template_parts *p)
{
	return p->n;
}

const struct template_doc *template_parts_summary(const struct template_parts *p)
{
	return p->summary;
}

void template_parts_free(struct template_parts *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->n; i++)
		free(p->text[i]);
	free(p->text);
	free(p->len);
	free(p->container);
	template_doc_free(p->summary);
	free(p);
}

/* The first element child of the root named `name`, or NULL. */
static xmlNodePtr root_child(xmlDocPtr doc, const char *name)
{
	xmlNodePtr root = xmlDocGetRootElement(doc);
	for (xmlNodePtr c = root != NULL ? root->children : NULL; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE && xmlStrEqual(c->name, BAD_CAST name))
			return c;
	return NULL;
}

/* d as a working copy of p: its items listed. */
static struct template_doc *working(const struct template_parts *p, struct template_doc *d)
{
	xmlNodePtr cont = root_child(d->doc, p->container);

	d->item = xcalloc(p->n + 1, sizeof *d->item);
	for (xmlNodePtr c = cont != NULL ? cont->children : NULL; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE && d->nitems < p->n)
			d->item[d->nitems++] = c;
	return d;
}

struct template_doc *template_parts_doc(const struct template_parts *p)
{
	if (p->summary == NULL)
		abort();        /* taken: a caller's bug */
	xmlDocPtr doc = dict_doc();
	for (xmlNodePtr c = p->summary->doc->children; c != NULL; c = c->next)
		if (xmlAddChild((xmlNodePtr)doc, xmlDocCopyNode(c, doc, 1)) == NULL)
			abort();        /* out of memory */
	return working(p, doc_wrap(doc));
}

struct template_doc *template_parts_take(struct template_parts *p)
{
	struct template_doc *d = p->summary;
	if (d == NULL)
		abort();        /* taken twice: a caller's bug */
	p->summary = NULL;
	return working(p, d);
}

/* Item i of p parsed again into a tree of `into`, or NULL. Without a
 * dictionary: every name and value then belongs to its node, which
 * libxml2 frees as such in a document with a dictionary too (it frees
 * what the dictionary does not own). */
static xmlNodePtr parts_parse(const struct template_parts *p, size_t i, xmlDocPtr into)
{
	xmlDocPtr one = xmlReadMemory((const char *)p->text[i], p->len[i], "item", NULL,
				      TEMPLATE_PARSE_OPTS | XML_PARSE_NOBLANKS | XML_PARSE_NODICT);
	xmlNodePtr root = one != NULL ? xmlDocGetRootElement(one) : NULL;

	if (root != NULL) {
		xmlUnlinkNode(root);
		xmlSetTreeDoc(root, into);
	}
	xmlFreeDoc(one);
	return root;
}

/* The items in full in d back to their summaries. */
static void parts_unfill(struct template_doc *d)
{
	for (size_t k = 0; k < d->nfull; k++) {
		xmlNodePtr full = d->item[d->first + k];
		xmlReplaceNode(full, d->aside[k]);
		xmlFreeNode(full);
		d->item[d->first + k] = d->aside[k];
	}
	d->nfull = 0;
}

int template_parts_fill(const struct template_parts *p, struct template_doc *d,
			size_t first, size_t n, struct cx_error *e)
{
	int rc = 0;

	if (first > d->nitems || n > d->nitems - first)
		return cx_fail(e, CX_ESOFTWARE, "template: items %zu to %zu of %zu", first + 1,
			       first + n, d->nitems);
	parts_unfill(d);
	d->aside = xrealloc_array(d->aside, n + 1, sizeof *d->aside);
	d->first = first;
	for (size_t k = 0; k < n && rc == 0; k++) {
		xmlNodePtr full = parts_parse(p, first + k, d->doc);
		if (full == NULL) {
			rc = cx_fail(e, CX_ESOFTWARE, "template: item %zu of %zu does not parse again",
				     first + k + 1, d->nitems);
			break;
		}
		d->aside[k] = xmlReplaceNode(d->item[first + k], full);
		d->item[first + k] = full;
		d->nfull++;
	}
	(void)xmlXPathOrderDocElems(d->doc);   /* the new elements numbered */
	return rc;
}
