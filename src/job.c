/* job.c - read a job file with libxml2, validate it, turn it into struct job.
 *
 * Three passes, each giving file:line messages:
 *  1. names: every element and attribute is looked up in `vocab` below, so an
 *     unknown setting or a typo is reported with the list of what fits there
 *     (libxml2's RELAX NG messages stop at the first mismatch of an
 *     interleave and do not say what was expected);
 *  2. the RELAX NG schema jobs/job.rng for types, required settings, order;
 *  3. meaning: symbols and groups the watchlist names exist, no duplicates.
 * The only file that includes libxml2 for jobs.
 */
#include <errno.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/tree.h>

#include "job.h"
#include "log.h"
#include "mail.h"
#include "paths.h"
#include "text.h"
#include "xalloc.h"

#define JOB_SCHEMA "jobs/job.rng"
#define JOB_PATH_MAX 4096

/* ---- pass 1: the vocabulary ------------------------------------------- */

struct vocab_entry {
	const char *element;
	const char *parent;      /* NULL: the root */
	const char *attrs;       /* space-separated attribute names */
};

static const struct vocab_entry vocab[] = {
	{"job", NULL, "name title"},
	{"assets", "job", ""},
	{"asset", "assets", "symbol name group source ticker"},
	{"prices", "job", ""},
	{"file", "prices", "path symbol layout"},
	{"source", "prices", "name url layout symbols api-key-env api-key-param api-key-header"},
	{"store", "prices", "path max-age-hours max-body-bytes timeout deadline"},
	{"quality", "prices", "policy future-days spike-sigmas jump-min split-tol match-tol mismatch-share"},
	{"watchlist", "job", ""},
	{"pair", "watchlist", "a b"},
	{"within", "watchlist", "group"},
	{"across", "watchlist", "a b"},
	{"analysis", "job", "as-of lookback-years top deep-dives stale-days"},
	{"outputs", "job", "dir archive mail-archive paper datadir"},
	{"digest", "job", "title subscribers suppression from reply-to public-url signup-url unsubscribe-url unsubscribe-mailto secret-env ledger secret-id return-path verp soft-bounce-limit soft-bounce-days suppression-db"},
	{"smtp", "digest", "url user-env password-env ca-file rate timeout connect-timeout data-timeout connections"},
	{"previous-secret", "digest", "id env"},
};
#define NVOCAB (sizeof vocab / sizeof vocab[0])

static const struct vocab_entry *vocab_find(const char *element, const char *parent)
{
	for (size_t i = 0; i < NVOCAB; i++) {
		bool root = vocab[i].parent == NULL;
		if (strcmp(vocab[i].element, element) == 0 &&
		    (root ? parent == NULL : parent != NULL && strcmp(vocab[i].parent, parent) == 0))
			return &vocab[i];
	}
	return NULL;
}

/* "<a>, <b>" list of the elements allowed under `parent`. */
static void vocab_children(const char *parent, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < NVOCAB && used < size; i++) {
		bool match = parent == NULL ? vocab[i].parent == NULL
			: vocab[i].parent != NULL && strcmp(vocab[i].parent, parent) == 0;
		if (match)
			used += (size_t)snprintf(buf + used, size - used, "%s<%s>",
						 used ? ", " : "", vocab[i].element);
	}
}

static bool word_in(const char *word, const char *list)
{
	size_t n = strlen(word);
	for (const char *p = list; *p;) {
		const char *end = strchr(p, ' ');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len == n && strncmp(p, word, n) == 0)
			return true;
		p += len + (end != NULL);
	}
	return false;
}

/* Attributes with a value type, checked before the schema so that the
 * message says what was expected (the schema says it too, but libxml2
 * reports a bad value inside an interleave only as "extra element"). */
struct typed_attr {
	const char *name;
	long lo, hi;           /* whole number in lo..hi; lo > hi: not a number */
	const char *choices;   /* space-separated values, or NULL */
};

static const struct typed_attr typed[] = {
	{"lookback-years", 1, 50, NULL},
	{"top", 0, 100, NULL},
	{"stale-days", 0, 100000, NULL},
	{"deep-dives", 0, 100000, NULL},
	{"max-age-hours", 1, 100000, NULL},
	{"timeout", 1, 3600, NULL},
	{"deadline", 1, 86400, NULL},
	{"future-days", 0, 3650, NULL},
	{"policy", 1, 0, "flag exclude"},
	{"layout", 1, 0, "auto wide ohlc long"},
	{"paper", 1, 0, "a4 letter"},
	{"as-of", 1, 0, NULL},
	{"verp", 1, 0, "yes no"},
	{"soft-bounce-limit", 1, 1000, NULL},
	{"soft-bounce-days", 1, 3650, NULL},
};

struct checker {
	const char *file;
	int errors;
	struct cx_error *first;
};

static void check_error(struct checker *c, long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void check_error(struct checker *c, long line, const char *fmt, ...)
{
	char text[CX_ERRMSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	if (c->errors++ == 0)
		cx_fail(c->first, CX_ECONFIG, "%s:%ld: %s", c->file, line, text);
	else
		log_error("%s:%ld: %s", c->file, line, text);
}

static void check_value(struct checker *c, xmlNode *node, xmlAttr *a)
{
	xmlChar *v = xmlNodeGetContent((xmlNode *)a);
	const char *s = v ? (const char *)v : "", *name = (const char *)a->name;
	cx_date d;

	for (size_t i = 0; i < sizeof typed / sizeof typed[0]; i++) {
		const struct typed_attr *t = &typed[i];
		char *end;
		long n;
		if (strcmp(t->name, name) != 0)
			continue;
		if (t->choices != NULL && !word_in(s, t->choices))
			check_error(c, node->line, "%s=\"%s\" on <%s>; expected one of: %s", name, s, (const char *)node->name, t->choices);
		else if (!strcmp(name, "as-of") && !date_parse(s, strlen(s), &d))
			check_error(c, node->line, "as-of=\"%s\" on <%s>; expected a date YYYY-MM-DD", s, (const char *)node->name);
		else if (t->lo <= t->hi && ((n = strtol(s, &end, 10)), end == s || *end || n < t->lo || n > t->hi))
			check_error(c, node->line, "%s=\"%s\" on <%s>; expected a whole number from %ld to %ld",
				    name, s, (const char *)node->name, t->lo, t->hi);
	}
	xmlFree(v);
}

static void check_names(struct checker *c, xmlNode *node, const char *parent)
{
	for (; node != NULL; node = node->next) {
		if (node->type == XML_TEXT_NODE && !xmlIsBlankNode(node)) {
			check_error(c, node->line, "unexpected text in <%s>; settings are attributes", parent ? parent : "document");
			continue;
		}
		if (node->type != XML_ELEMENT_NODE)
			continue;
		const char *name = (const char *)node->name;
		const struct vocab_entry *v = vocab_find(name, parent);
		if (v == NULL) {
			char allowed[512];
			vocab_children(parent, allowed, sizeof allowed);
			if (parent == NULL)
				check_error(c, node->line, "unknown element <%s>; expected <job>", name);
			else
				check_error(c, node->line, "unknown element <%s> in <%s>; expected one of: %s",
					    name, parent, allowed);
			continue;
		}
		for (xmlAttr *a = node->properties; a != NULL; a = a->next)
			if (word_in((const char *)a->name, v->attrs))
				check_value(c, node, a);
			else
				check_error(c, node->line, "unknown attribute \"%s\" on <%s>; expected %s%s",
					    (const char *)a->name, name,
					    v->attrs[0] ? "one of: " : "no attributes",
					    v->attrs);
		check_names(c, node->children, name);
	}
}

/* ---- pass 2: RELAX NG --------------------------------------------------- */

static void rng_error(void *ctx, xmlErrorPtr err)
{
	struct checker *c = ctx;
	char msg[CX_ERRMSG_MAX];
	size_t n;

	snprintf(msg, sizeof msg, "%s", err->message ? err->message : "invalid");
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	check_error(c, err->line > 0 ? err->line : err->node ? xmlGetLineNo(err->node) : 1,
		    "%s (schema %s)", msg, JOB_SCHEMA);
}

/* libxml2's own diagnostics of the schema's parse, kept (the first line)
 * for convex's message instead of being printed raw on stderr. */
static void schema_parse_error(void *ctx, xmlErrorPtr err)
{
	char *first = ctx;

	if (first[0] != '\0' || err == NULL || err->message == NULL)
		return;
	snprintf(first, CX_ERRMSG_MAX / 2, "%s", err->message);
	first[strcspn(first, "\n")] = '\0';
}

static int validate_schema(xmlDoc *doc, struct checker *c)
{
	char why[CX_ERRMSG_MAX / 2] = "";
	char schema[JOB_PATH_MAX];
	xmlRelaxNGParserCtxtPtr pctx;
	xmlRelaxNGPtr rng = NULL;
	xmlRelaxNGValidCtxtPtr vctx = NULL;
	int rc = -1;

	if (paths_data_file(JOB_SCHEMA, schema, sizeof schema) == NULL)
		return cx_fail(c->first, CX_ESOFTWARE, "data directory path too long");
	if (access(schema, R_OK) != 0)
		return cx_fail(c->first, CX_ESOFTWARE, "%s: cannot read the job schema: %s (set CONVEX_DATADIR?)",
			       schema, strerror(errno));
	pctx = xmlRelaxNGNewParserCtxt(schema);
	if (pctx != NULL) {
		xmlRelaxNGSetParserStructuredErrors(pctx, schema_parse_error, why);
		rng = xmlRelaxNGParse(pctx);
	}
	xmlRelaxNGFreeParserCtxt(pctx);
	if (rng == NULL)
		return cx_fail(c->first, CX_ESOFTWARE, "%s: cannot load the job schema%s%s (set CONVEX_DATADIR?)",
			       schema, why[0] ? ": " : "", why);
	vctx = xmlRelaxNGNewValidCtxt(rng);
	if (vctx == NULL) {
		cx_fail(c->first, CX_ESOFTWARE, "out of memory validating a job");
		goto done;
	}
	xmlRelaxNGSetValidStructuredErrors(vctx, rng_error, c);
	if (xmlRelaxNGValidateDoc(vctx, doc) == 0)
		rc = 0;
	else if (c->errors == 0)
		check_error(c, 1, "the job does not match the schema %s", JOB_SCHEMA);
done:
	xmlRelaxNGFreeValidCtxt(vctx);
	xmlRelaxNGFree(rng);
	return rc;
}

/* ---- pass 3: build the struct ------------------------------------------- */

/* An attribute as a malloc'd string, or NULL when absent. */
static char *attr(xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	char *s = v ? xstrdup((const char *)v) : NULL;
	xmlFree(v);
	return s;
}

static int attr_int(xmlNode *n, const char *name, int dflt)
{
	char *s = attr(n, name);
	int v = s ? (int)strtol(s, NULL, 10) : dflt;
	free(s);
	return v;
}

/* A decimal attribute; the schema has checked its form and range. */
static double attr_double(xmlNode *n, const char *name, double dflt)
{
	char *s = attr(n, name);
	double v = s ? strtod(s, NULL) : dflt;
	free(s);
	return v;
}

/* <quality policy="flag" future-days="0" spike-sigmas="10" jump-min="0.2"
 * split-tol="0.03" match-tol="0.005" mismatch-share="0.2"/> (plausible.h). */
static void read_quality(struct job *j, xmlNode *n)
{
	char *pol = attr(n, "policy");
	struct plausible_opts *q = &j->quality;

	q->policy = pol && strcmp(pol, "exclude") == 0 ? PLAUSIBLE_EXCLUDE : PLAUSIBLE_FLAG;
	free(pol);
	q->future_days = attr_int(n, "future-days", PLAUSIBLE_FUTURE_DAYS);
	q->spike_sigmas = attr_double(n, "spike-sigmas", PLAUSIBLE_SPIKE_SIGMAS);
	q->jump_min = attr_double(n, "jump-min", PLAUSIBLE_JUMP_MIN);
	q->split_tol = attr_double(n, "split-tol", PLAUSIBLE_SPLIT_TOL);
	q->match_tol = attr_double(n, "match-tol", PLAUSIBLE_MATCH_TOL);
	q->mismatch_share = attr_double(n, "mismatch-share", PLAUSIBLE_MISMATCH_SHARE);
}


/* dir/name as an absolute path without "." and ".." (GLib's lexical
 * canonicalisation: no file needs to exist); malloc'd. */
static char *path_join(const char *dir, const char *name)
{
	gchar *g = g_canonicalize_filename(name, dir[0] == '/' ? dir : NULL);
	char *out;

	if (dir[0] != '/') {
		gchar *base = g_canonicalize_filename(dir, NULL);
		g_free(g);
		g = g_canonicalize_filename(name, base);
		g_free(base);
	}
	out = xstrdup(g);
	g_free(g);
	return out;
}

/* `rel` resolved against the job's directory; malloc'd (takes `rel`).
 * NULL stays NULL. */
static char *resolve(const struct job *j, char *rel)
{
	char *out;

	if (rel == NULL)
		return NULL;
	out = path_join(j->dir, rel);
	free(rel);
	return out;
}

/* An output path from the job: resolved like any path, and *movable set
 * when --out may move it (the job left it out, or gave it relative to
 * itself: only an absolute path pins an output, see job_set_out). */
static char *resolve_output(const struct job *j, char *rel, bool *movable)
{
	*movable = rel == NULL || rel[0] != '/';
	return resolve(j, rel);
}

static enum prices_layout layout_of(xmlNode *n)
{
	static const char *const names[] = {"auto", "wide", "ohlc", "long"};
	char *s = attr(n, "layout");
	enum prices_layout l = PRICES_AUTO;

	for (size_t i = 0; s && i < sizeof names / sizeof names[0]; i++)
		if (strcmp(s, names[i]) == 0)
			l = (enum prices_layout)i;
	free(s);
	return l;
}

static bool is(xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static size_t count_children(xmlNode *parent, const char *name)
{
	size_t k = 0;
	for (xmlNode *n = parent->children; n; n = n->next)
		k += is(n, name);
	return k;
}

static void read_assets(struct job *j, xmlNode *el, struct checker *c)
{
	j->assets = xcalloc(count_children(el, "asset"), sizeof *j->assets);
	for (xmlNode *n = el->children; n; n = n->next) {
		if (!is(n, "asset"))
			continue;
		struct job_asset *a = &j->assets[j->nassets];
		a->symbol = attr(n, "symbol");
		a->line = (int)n->line;
		if (job_find_asset(j, a->symbol) != NULL) {
			check_error(c, n->line, "asset \"%s\" is listed twice; expected each symbol once", a->symbol);
			free(a->symbol);
			continue;
		}
		a->name = attr(n, "name");
		a->group = attr(n, "group");
		a->source = attr(n, "source");
		a->ticker = attr(n, "ticker");
		if (a->ticker == NULL)
			a->ticker = xstrdup(a->symbol);
		j->nassets++;
	}
}

static void source_add_symbol(struct job_source *s, const char *sym, size_t cap)
{
	for (size_t i = 0; i < s->nsymbols; i++)
		if (strcmp(s->symbols[i], sym) == 0)
			return;
	if (s->nsymbols < cap)
		s->symbols[s->nsymbols++] = xstrdup(sym);
}

static void read_source(struct job *j, xmlNode *n, struct checker *c)
{
	struct job_source *s = &j->sources[j->nsources++];
	char *list = attr(n, "symbols");
	size_t cap = j->nassets + 1;

	s->name = attr(n, "name");
	s->url = attr(n, "url");
	s->layout = layout_of(n);
	s->api_key_env = attr(n, "api-key-env");
	s->api_key_param = attr(n, "api-key-param");
	s->api_key_header = attr(n, "api-key-header");
	s->line = (int)n->line;
	s->symbols = xcalloc(cap, sizeof *s->symbols);
	for (char *save = NULL, *t = list ? strtok_r(list, " \t\r\n", &save) : NULL; t;
	     t = strtok_r(NULL, " \t\r\n", &save)) {
		if (job_find_asset(j, t) == NULL)
			check_error(c, n->line, "source \"%s\": unknown symbol \"%s\"; expected an <asset> symbol", s->name, t);
		else
			source_add_symbol(s, t, cap);
	}
	free(list);
	for (size_t i = 0; i < j->nassets; i++)
		if (j->assets[i].source && strcmp(j->assets[i].source, s->name) == 0)
			source_add_symbol(s, j->assets[i].symbol, cap);
}

static void read_prices(struct job *j, xmlNode *el, struct checker *c)
{
	size_t nf = count_children(el, "file"), ns = count_children(el, "source");

	if (nf + ns > JOB_FILES_MAX) {
		check_error(c, el->line, "%zu price files and sources; expected at most %d", nf + ns, JOB_FILES_MAX);
		return;
	}
	j->files = xcalloc(nf, sizeof *j->files);
	j->sources = xcalloc(ns, sizeof *j->sources);
	for (xmlNode *n = el->children; n; n = n->next) {
		if (is(n, "file")) {
			struct job_file *f = &j->files[j->nfiles++];
			f->path = resolve(j, attr(n, "path"));
			f->symbol = attr(n, "symbol");
			f->layout = layout_of(n);
			f->line = (int)n->line;
		} else if (is(n, "source")) {
			read_source(j, n, c);
		} else if (is(n, "store")) {
			j->store.path = resolve_output(j, attr(n, "path"), &j->store.path_default);
			j->store.max_age_hours = attr_int(n, "max-age-hours", JOB_DEFAULT_MAX_AGE_H);
			j->store.max_body_bytes = attr_int(n, "max-body-bytes", HTTP_BODY_MAX);
			j->store.timeout_s = attr_int(n, "timeout", HTTP_TIMEOUT_MS / 1000);
			j->store.deadline_s = attr_int(n, "deadline", JOB_DEFAULT_DEADLINE_S);
		} else if (is(n, "quality")) {
			read_quality(j, n);
		}
	}
	if (j->nfiles + j->nsources == 0)
		check_error(c, el->line, "no price <file> or <source>; expected at least one");
}

/* Every asset's source="" must name a <source>. */
static void check_asset_sources(struct job *j, struct checker *c)
{
	for (size_t i = 0; i < j->nassets; i++) {
		const struct job_asset *a = &j->assets[i];
		bool found = false;
		for (size_t k = 0; a->source && k < j->nsources; k++)
			found |= strcmp(j->sources[k].name, a->source) == 0;
		if (a->source && !found)
			check_error(c, a->line, "asset \"%s\": unknown source \"%s\"; expected the name of a <source>", a->symbol, a->source);
	}
}

/* ---- watchlist expansion ----------------------------------------------- */

static bool pair_listed(const struct job *j, const char *a, const char *b)
{
	for (size_t i = 0; i < j->npairs; i++)
		if ((!strcmp(j->pairs[i].a, a) && !strcmp(j->pairs[i].b, b)) ||
		    (!strcmp(j->pairs[i].a, b) && !strcmp(j->pairs[i].b, a)))
			return true;
	return false;
}

static int add_pair(struct job *j, size_t cap, const char *a, const char *b,
		    int line, struct checker *c)
{
	if (strcmp(a, b) == 0 || pair_listed(j, a, b))
		return 0;
	if (j->npairs >= cap) {
		check_error(c, line, "the watchlist has more than %d pairs", JOB_PAIRS_MAX);
		return -1;
	}
	struct job_pair *p = &j->pairs[j->npairs++];
	p->a = a;
	p->b = b;
	p->line = line;
	snprintf(p->id, sizeof p->id, "%s-%s", a, b);
	return 0;
}

static bool group_used(const struct job *j, const char *g)
{
	for (size_t i = 0; i < j->nassets; i++)
		if (j->assets[i].group && strcmp(j->assets[i].group, g) == 0)
			return true;
	return false;
}

static const char *asset_symbol(const struct job *j, const char *sym)
{
	const struct job_asset *a = job_find_asset(j, sym);
	return a ? a->symbol : NULL;
}

static int expand_pair(struct job *j, size_t cap, xmlNode *n, struct checker *c)
{
	char *a = attr(n, "a"), *b = attr(n, "b");
	const char *sa = asset_symbol(j, a), *sb = asset_symbol(j, b);
	int rc = 0;

	if (sa == NULL || sb == NULL)
		check_error(c, n->line, "pair \"%s/%s\": unknown symbol \"%s\"; expected an <asset> symbol",
			    a, b, sa == NULL ? a : b);
	else if (sa == sb)
		check_error(c, n->line, "pair \"%s/%s\" pairs a symbol with itself; expected two different symbols", a, b);
	else
		rc = add_pair(j, cap, sa, sb, (int)n->line, c);
	free(a);
	free(b);
	return rc;
}

/* All pairs of group ga with group gb (gb == NULL: within ga). */
static int expand_groups(struct job *j, size_t cap, const char *ga,
			 const char *gb, int line, struct checker *c)
{
	const char *g[2] = {ga, gb ? gb : ga};

	for (int k = 0; k < 2; k++)
		if (!group_used(j, g[k])) {
			check_error(c, line, "unknown group \"%s\"; expected a group=\"\" of an <asset>", g[k]);
			return 0;
		}
	for (size_t x = 0; x < j->nassets; x++) {
		const struct job_asset *ax = &j->assets[x];
		if (!ax->group || strcmp(ax->group, g[0]))
			continue;
		for (size_t y = gb ? 0 : x + 1; y < j->nassets; y++) {
			const struct job_asset *ay = &j->assets[y];
			if (!ay->group || strcmp(ay->group, g[1]))
				continue;
			if (add_pair(j, cap, ax->symbol, ay->symbol, line, c) < 0)
				return -1;
		}
	}
	return 0;
}

static void read_watchlist(struct job *j, xmlNode *el, struct checker *c)
{
	size_t cap = JOB_PAIRS_MAX;
	int rc = 0;

	j->pairs = xcalloc(cap, sizeof *j->pairs);
	for (xmlNode *n = el->children; n && rc == 0; n = n->next) {
		if (is(n, "pair")) {
			rc = expand_pair(j, cap, n, c);
		} else if (is(n, "within") || is(n, "across")) {
			bool within = is(n, "within");
			char *ga = attr(n, within ? "group" : "a");
			char *gb = within ? NULL : attr(n, "b");
			rc = expand_groups(j, cap, ga, gb, (int)n->line, c);
			free(ga);
			free(gb);
		}
	}
	if (rc == 0 && j->npairs == 0)
		check_error(c, el->line, "the watchlist makes no pair; expected at least one pair of two different symbols");
}

/* ---- the other sections ------------------------------------------------ */

static void read_analysis(struct job *j, xmlNode *n)
{
	char *asof = n ? attr(n, "as-of") : NULL;

	j->analysis.lookback_years = n ? attr_int(n, "lookback-years", JOB_DEFAULT_LOOKBACK) : JOB_DEFAULT_LOOKBACK;
	j->analysis.top = n ? attr_int(n, "top", JOB_DEFAULT_TOP) : JOB_DEFAULT_TOP;
	j->analysis.stale_days = n ? attr_int(n, "stale-days", JOB_DEFAULT_STALE) : JOB_DEFAULT_STALE;
	j->analysis.deep_dives = n ? attr_int(n, "deep-dives", JOB_DEFAULT_DEEP_DIVES) :
		JOB_DEFAULT_DEEP_DIVES;
	if (asof == NULL || !date_parse(asof, strlen(asof), &j->analysis.as_of))
		j->analysis.as_of = 0;
	free(asof);
}

static void read_outputs(struct job *j, xmlNode *n)
{
	char *paper = n ? attr(n, "paper") : NULL;

	j->outputs.dir = n ? resolve(j, attr(n, "dir")) : NULL;
	if (j->outputs.dir == NULL) {
		char rel[JOB_NAME_MAX + 8];
		snprintf(rel, sizeof rel, "out/%s", j->name);
		j->outputs.dir = path_join(j->dir, rel);
	}
	j->outputs.archive = resolve_output(j, n ? attr(n, "archive") : NULL, &j->outputs.archive_default);
	if (j->outputs.archive == NULL)
		j->outputs.archive = path_join(j->outputs.dir, "archive");
	j->outputs.mail_archive = resolve_output(j, n ? attr(n, "mail-archive") : NULL,
						 &j->outputs.mail_archive_default);
	if (j->outputs.mail_archive == NULL)
		j->outputs.mail_archive = path_join(j->outputs.dir, "mail-archive");
	j->outputs.paper = paper && !strcmp(paper, "letter") ? JOB_PAPER_LETTER : JOB_PAPER_A4;
	free(paper);
	j->outputs.datadir = n ? resolve(j, attr(n, "datadir")) : NULL;
	if (j->store.path == NULL) {
		j->store.path_default = true;
		j->store.path = path_join(j->outputs.dir, "prices.sqlite");
		if (j->store.max_age_hours == 0)
			j->store.max_age_hours = JOB_DEFAULT_MAX_AGE_H;
		if (j->store.max_body_bytes == 0)
			j->store.max_body_bytes = HTTP_BODY_MAX;
	}
}

/* True when `path` is `dir` or lies under it (lexically: the directories
 * need not exist yet). */
static bool path_within(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* The web root (the archive) never holds an address, a name or a token:
 * the private mail archive may not lie inside it, nor the other way. */
static void check_mail_private(const struct job *j, xmlNode *n, struct checker *c)
{
	const char *m = j->outputs.mail_archive, *a = j->outputs.archive;

	if (path_within(m, a) || path_within(a, m))
		check_error(c, n ? n->line : 1, "mail-archive=\"%s\" and archive=\"%s\" overlap; "
			    "sent messages name subscribers and may not be published", m, a);
}

static void read_smtp(struct job *j, xmlNode *n)
{
	struct job_smtp *s = &j->digest.smtp;
	char *rate = attr(n, "rate");

	j->digest.has_smtp = true;
	s->url = attr(n, "url");
	s->user_env = attr(n, "user-env");
	s->password_env = attr(n, "password-env");
	s->ca_file = resolve(j, attr(n, "ca-file"));
	s->rate = rate ? strtod(rate, NULL) : 0;
	s->timeout = attr_int(n, "timeout", JOB_DEFAULT_SMTP_TIMEOUT);
	s->connect_timeout = attr_int(n, "connect-timeout", 0);
	s->data_timeout = attr_int(n, "data-timeout", 0);
	s->connections = attr_int(n, "connections", JOB_DEFAULT_SMTP_CONNECTIONS);
	free(rate);
}

/* The ledger's default place: next to the archive. */
static char *default_ledger(const struct job *j)
{
	char *arch = xstrdup(j->outputs.archive);
	char *path = path_join(dirname(arch), "ledger.sqlite");

	free(arch);
	return path;
}

/* Keys, bounce address and bounce policy of the subscriber lifecycle
 * (token.h, suppress.h, inbox.h). */
static void read_lifecycle(struct job *j, xmlNode *n)
{
	struct job_digest *d = &j->digest;
	char *verp = attr(n, "verp");

	d->secret_id = attr(n, "secret-id");
	d->return_path = attr(n, "return-path");
	d->verp = verp != NULL && !strcmp(verp, "yes");
	free(verp);
	d->soft_bounce_limit = attr_int(n, "soft-bounce-limit", JOB_DEFAULT_SOFT_BOUNCES);
	d->soft_bounce_days = attr_int(n, "soft-bounce-days", JOB_DEFAULT_SOFT_BOUNCE_DAYS);
	d->suppression_db = resolve_output(j, attr(n, "suppression-db"), &d->suppression_db_default);
	for (xmlNode *c = n->children; c; c = c->next) {
		if (!is(c, "previous-secret") || d->nprevious >= JOB_PREVIOUS_SECRETS_MAX)
			continue;
		d->previous[d->nprevious].id = attr(c, "id");
		d->previous[d->nprevious].env = attr(c, "env");
		d->nprevious++;
	}
}

static void read_digest(struct job *j, xmlNode *n)
{
	struct job_digest *d = &j->digest;

	if (n != NULL) {
		d->present = true;
		d->title = attr(n, "title");
		d->subscribers = resolve(j, attr(n, "subscribers"));
		d->suppression = resolve(j, attr(n, "suppression"));
		d->from = attr(n, "from");
		d->reply_to = attr(n, "reply-to");
		d->public_url = attr(n, "public-url");
		d->signup_url = attr(n, "signup-url");
		d->unsubscribe_url = attr(n, "unsubscribe-url");
		d->unsubscribe_mailto = attr(n, "unsubscribe-mailto");
		d->secret_env = attr(n, "secret-env");
		d->ledger = resolve_output(j, attr(n, "ledger"), &d->ledger_default);
		read_lifecycle(j, n);
		for (xmlNode *c = n->children; c; c = c->next)
			if (is(c, "smtp"))
				read_smtp(j, c);
	}
	if (d->soft_bounce_limit == 0)
		d->soft_bounce_limit = JOB_DEFAULT_SOFT_BOUNCES;
	if (d->soft_bounce_days == 0)
		d->soft_bounce_days = JOB_DEFAULT_SOFT_BOUNCE_DAYS;
	if (d->title == NULL)
		d->title = xstrdup(j->title);
	if (d->ledger == NULL) {
		d->ledger_default = true;
		d->ledger = default_ledger(j);
	}
}

static int need_env(const struct job *j, const char *name, const char *what,
		    struct cx_error *e)
{
	const char *v = name != NULL ? getenv(name) : NULL;

	if (name != NULL && (v == NULL || v[0] == '\0'))
		return cx_fail(e, CX_ECONFIG, "%s: environment variable %s (%s) is not set", j->path, name, what);
	return 0;
}

static int check_mail_env(const struct job *j, struct cx_error *e)
{
	const struct job_digest *d = &j->digest;

	if (!d->present || d->subscribers == NULL || !d->has_smtp)
		return 0;
	if (need_env(j, d->smtp.user_env, "the SMTP user", e) != 0 ||
	    need_env(j, d->smtp.password_env, "the SMTP password", e) != 0)
		return -1;
	if (d->unsubscribe_url == NULL && d->unsubscribe_mailto == NULL)
		return 0;
	if (d->secret_env == NULL)
		return cx_fail(e, CX_ECONFIG, "%s: <digest> has unsubscribe links but no secret-env to sign them", j->path);
	if (need_env(j, d->secret_env, "the unsubscribe secret", e) != 0)
		return -1;
	for (size_t i = 0; i < d->nprevious; i++)
		if (need_env(j, d->previous[i].env, "a previous unsubscribe secret", e) != 0)
			return -1;
	return 0;
}

int job_check_env(const struct job *j, unsigned what, struct cx_error *e)
{
	if ((what & JOB_ENV_MAIL) && check_mail_env(j, e) != 0)
		return -1;
	if (what & JOB_ENV_FETCH)
		for (size_t i = 0; i < j->nsources; i++)
			if (j->sources[i].api_key_env != NULL &&
			    need_env(j, j->sources[i].api_key_env, "an HTTP source's API key", e) != 0)
				return -1;
	return 0;
}

void job_set_out(struct job *j, const char *dir)
{
	free(j->outputs.dir);
	j->outputs.dir = xstrdup(dir);
	if (j->outputs.archive_default) {
		free(j->outputs.archive);
		j->outputs.archive = path_join(dir, "archive");
	}
	if (j->outputs.mail_archive_default) {
		free(j->outputs.mail_archive);
		j->outputs.mail_archive = path_join(dir, "mail-archive");
	}
	if (j->store.path_default) {
		free(j->store.path);
		j->store.path = path_join(dir, "prices.sqlite");
	}
	if (j->digest.ledger_default) {
		free(j->digest.ledger);
		j->digest.ledger = default_ledger(j);
	}
	if (j->digest.suppression_db_default) {    /* NULL: beside the ledger */
		free(j->digest.suppression_db);
		j->digest.suppression_db = NULL;
	}
}

/* An unsubscribe URL goes into a header between angle brackets with
 * "?email=...&token=..." appended: no space, quote, angle bracket,
 * backslash or control character, and at most one '?'. */
static bool header_url_ok(const char *u)
{
	const char *q = strchr(u, '?');

	if (q != NULL && strchr(q + 1, '?') != NULL)
		return false;
	for (const unsigned char *p = (const unsigned char *)u; *p; p++)
		if (*p <= ' ' || *p == 0x7f || strchr("<>\"\\`{}|^", *p) != NULL)
			return false;
	return true;
}

/* The digest settings that end up in headers, checked before any mail is
 * built: from and reply-to one mailbox each, unsubscribe-mailto one bare
 * address, unsubscribe-url a URL that cannot break List-Unsubscribe. */
static void check_digest_headers(const struct job *j, xmlNode *n, struct checker *c)
{
	const struct job_digest *d = &j->digest;
	char addr[MAIL_ADDR_MAX + 1], name[MAIL_NAME_MAX + 1];
	struct cx_error ae;
	long line = n != NULL ? n->line : 1;

	if (!d->present)
		return;
	if (d->from != NULL && mail_parse_address(d->from, addr, name, &ae) != 0)
		check_error(c, line, "from on <digest>: %s", ae.msg);
	if (d->reply_to != NULL && mail_parse_address(d->reply_to, addr, name, &ae) != 0)
		check_error(c, line, "reply-to on <digest>: %s", ae.msg);
	if (d->unsubscribe_mailto != NULL &&
	    (mail_parse_address(d->unsubscribe_mailto, addr, name, &ae) != 0 || name[0] != '\0' ||
	     strchr(d->unsubscribe_mailto, '<') != NULL))
		check_error(c, line, "unsubscribe-mailto=\"%.80s\" on <digest>; expected one bare address (user@example.com)",
			    d->unsubscribe_mailto);
	if (d->unsubscribe_url != NULL && !header_url_ok(d->unsubscribe_url))
		check_error(c, line, "unsubscribe-url=\"%.80s\" on <digest>; a URL without spaces, quotes, "
			    "angle brackets and at most one '?'", d->unsubscribe_url);
}

static xmlNode *child(xmlNode *parent, const char *name)
{
	for (xmlNode *n = parent->children; n; n = n->next)
		if (is(n, name))
			return n;
	return NULL;
}

static void read_identity(struct job *j, xmlNode *root)
{
	j->name = attr(root, "name");
	if (j->name == NULL) {
		char *copy = xstrdup(j->path), *base = basename(copy);
		size_t n = strlen(base);
		if (n > 4 && strcmp(base + n - 4, ".xml") == 0)
			base[n - 4] = '\0';
		j->name = xcalloc(JOB_NAME_MAX + 1, 1);
		snprintf(j->name, JOB_NAME_MAX + 1, "%s", base);
		free(copy);
	}
	j->title = attr(root, "title");
	if (j->title == NULL)
		j->title = xstrdup(j->name);
}

/* One warning per field printed in PDFs and charts (the job and digest
 * titles, asset names) that has a character none of the shipped fonts
 * draws: it prints as "?", and the job's file:line says where it came from. */
static void warn_unprintable(const struct job *j, xmlNode *root)
{
	char where[JOB_PATH_MAX + 24];
	xmlNode *digest = child(root, "digest");
	xmlNode *assets = child(root, "assets");
	char *s;

	if ((s = attr(root, "title")) != NULL) {
		snprintf(where, sizeof where, "%s:%ld", j->path, (long)root->line);
		text_warn_missing(where, "<job> title", s);
		free(s);
	}
	if (digest != NULL && (s = attr(digest, "title")) != NULL) {
		snprintf(where, sizeof where, "%s:%ld", j->path, (long)digest->line);
		text_warn_missing(where, "<digest> title", s);
		free(s);
	}
	for (xmlNode *n = assets ? assets->children : NULL; n; n = n->next) {
		if (!is(n, "asset") || (s = attr(n, "name")) == NULL)
			continue;
		snprintf(where, sizeof where, "%s:%ld", j->path, (long)n->line);
		text_warn_missing(where, "asset name", s);
		free(s);
	}
}

static void build(struct job *j, xmlNode *root, struct checker *c)
{
	read_identity(j, root);
	read_assets(j, child(root, "assets"), c);
	read_prices(j, child(root, "prices"), c);
	check_asset_sources(j, c);
	read_watchlist(j, child(root, "watchlist"), c);
	read_analysis(j, child(root, "analysis"));
	read_outputs(j, child(root, "outputs"));
	check_mail_private(j, child(root, "outputs"), c);
	read_digest(j, child(root, "digest"));
	check_digest_headers(j, child(root, "digest"), c);
	warn_unprintable(j, root);
}

/* ---- public ------------------------------------------------------------ */

static void parse_error(void *ctx, xmlErrorPtr err)
{
	struct checker *c = ctx;
	char msg[CX_ERRMSG_MAX];
	size_t n;

	if (err->level < XML_ERR_ERROR)
		return;
	snprintf(msg, sizeof msg, "%s", err->message ? err->message : "not well-formed");
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	check_error(c, err->line, "not well-formed XML: %s", msg);
}

static xmlDoc *read_doc(const char *path, struct checker *c, struct cx_error *e)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;
	xmlParserCtxtPtr ctx;
	xmlDoc *doc = NULL;

	if (f == NULL) {
		cx_fail(e, CX_ENOINPUT, "%s: cannot open job: %s", path, strerror(errno));
		return NULL;
	}
	buf = xcalloc(JOB_FILE_MAX + 1, 1);
	n = fread(buf, 1, JOB_FILE_MAX + 1, f);
	fclose(f);
	if (n > JOB_FILE_MAX) {
		cx_fail(e, CX_ECONFIG, "%s: job file larger than %d bytes", path, JOB_FILE_MAX);
		free(buf);
		return NULL;
	}
	ctx = xmlNewParserCtxt();
	if (ctx == NULL)
		abort();
	/* libxml2 2.9 has no per-context handler: set the (thread-local) one
	 * around the parse. No network, no external entities. */
	xmlSetStructuredErrorFunc(c, parse_error);
	doc = xmlCtxtReadMemory(ctx, buf, (int)n, path, NULL, XML_PARSE_NONET);
	xmlSetStructuredErrorFunc(NULL, NULL);
	xmlFreeParserCtxt(ctx);
	free(buf);
	if (doc == NULL && c->errors == 0)
		check_error(c, 1, "not well-formed XML");
	if (doc != NULL && c->errors > 0) {
		xmlFreeDoc(doc);
		doc = NULL;
	}
	return doc;
}

struct job *job_load(const char *path, struct cx_error *e)
{
	struct checker c = {path, 0, e};
	struct job *j = NULL;
	xmlDoc *doc = read_doc(path, &c, e);
	xmlNode *root;

	if (doc == NULL)
		return NULL;
	root = xmlDocGetRootElement(doc);
	check_names(&c, (xmlNode *)root, NULL);
	/* A schema that cannot be loaded fails the job too (e is set). */
	if (c.errors == 0 && validate_schema(doc, &c) != 0 && c.errors == 0)
		c.errors = 1;
	if (c.errors == 0) {
		char *copy = xstrdup(path);
		j = xcalloc(1, sizeof *j);
		j->path = xstrdup(path);
		j->dir = xstrdup(dirname(copy));
		free(copy);
		plausible_opts_init(&j->quality);
		j->store.timeout_s = HTTP_TIMEOUT_MS / 1000;
		j->store.deadline_s = JOB_DEFAULT_DEADLINE_S;
		build(j, root, &c);
	}
	xmlFreeDoc(doc);
	if (c.errors > 0 || j == NULL) {
		job_free(j);
		return NULL;
	}
	if (j->outputs.datadir != NULL)
		paths_set_datadir(j->outputs.datadir);
	return j;
}

static void free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void job_free(struct job *j)
{
	if (j == NULL)
		return;
	for (size_t i = 0; i < j->nassets; i++) {
		struct job_asset *a = &j->assets[i];
		free(a->symbol), free(a->name), free(a->group), free(a->source), free(a->ticker);
	}
	for (size_t i = 0; i < j->nfiles; i++)
		free(j->files[i].path), free(j->files[i].symbol);
	for (size_t i = 0; i < j->nsources; i++) {
		struct job_source *s = &j->sources[i];
		free(s->name), free(s->url), free(s->api_key_env);
		free(s->api_key_param), free(s->api_key_header);
		free_strv(s->symbols, s->nsymbols);
	}
	struct job_digest *d = &j->digest;
	free(d->title), free(d->subscribers), free(d->suppression), free(d->from);
	free(d->reply_to), free(d->public_url), free(d->signup_url), free(d->unsubscribe_url);
	free(d->unsubscribe_mailto), free(d->secret_env), free(d->ledger);
	free(d->secret_id), free(d->return_path), free(d->suppression_db);
	for (size_t i = 0; i < d->nprevious; i++)
		free(d->previous[i].id), free(d->previous[i].env);
	free(d->smtp.url), free(d->smtp.user_env), free(d->smtp.password_env), free(d->smtp.ca_file);
	free(j->assets), free(j->files), free(j->sources), free(j->pairs);
	if (j->outputs.datadir != NULL)
		paths_set_datadir(NULL);
	free(j->store.path), free(j->outputs.dir), free(j->outputs.archive), free(j->outputs.mail_archive), free(j->outputs.datadir);
	free(j->path), free(j->dir), free(j->name), free(j->title);
	free(j);
}

/* smtp://host[:port] or smtps://host[:port] (a trailing / allowed): the
 * schema's pattern for <smtp url>, so that --smtp takes what a job may. */
static bool smtp_url_ok(const char *url)
{
	const char *h = !strncmp(url, "smtp://", 7) ? url + 7 : !strncmp(url, "smtps://", 8) ? url + 8 : NULL;
	size_t n;

	if (h == NULL || *h == '\0' || *h == ':' || *h == '/')
		return false;
	n = strlen(h);
	if (h[n - 1] == '/')
		n--;
	for (size_t i = 0; i < n; i++)
		if (h[i] == '/' || g_ascii_isspace(h[i]) || g_ascii_iscntrl(h[i]))
			return false;
	const char *colon = memchr(h, ':', n);
	if (colon == NULL)
		return true;
	if (colon + 1 == h + n)
		return false;
	for (const char *p = colon + 1; p < h + n; p++)
		if (!g_ascii_isdigit(*p))
			return false;
	return true;
}

void job_set_eml(struct job *j)
{
	j->digest.has_smtp = false;
}

int job_set_smtp(struct job *j, const char *url, const char *ca_file,
		 struct cx_error *e)
{
	struct job_smtp *s = &j->digest.smtp;
	const char *user = getenv(JOB_SMTP_USER_ENV);

	if (url != NULL && !smtp_url_ok(url))
		return cx_fail(e, CX_EUSAGE, "--smtp \"%s\" is not smtp://host[:port] (STARTTLS) or smtps://host[:port]", url);
	if (!j->digest.present)
		return cx_fail(e, CX_EUSAGE, "%s: --smtp: the job has no <digest> to send", j->path);
	if (url == NULL && !j->digest.has_smtp)
		return cx_fail(e, CX_EUSAGE, "--smtp-ca-file needs --smtp URL or <smtp> in %s", j->path);
	if (!j->digest.has_smtp) {
		memset(s, 0, sizeof *s);
		s->timeout = JOB_DEFAULT_SMTP_TIMEOUT;
		s->connections = JOB_DEFAULT_SMTP_CONNECTIONS;
		j->digest.has_smtp = true;
	}
	if (url != NULL) {
		free(s->url);
		s->url = xstrdup(url);
	}
	if (s->user_env == NULL && user != NULL && user[0] != '\0') {
		s->user_env = xstrdup(JOB_SMTP_USER_ENV);
		free(s->password_env);
		s->password_env = xstrdup(JOB_SMTP_PASSWORD_ENV);
	}
	if (ca_file != NULL) {
		free(s->ca_file);
		s->ca_file = path_join(".", ca_file);
	}
	return 0;
}

const struct job_asset *job_find_asset(const struct job *j, const char *symbol)
{
	for (size_t i = 0; symbol && i < j->nassets; i++)
		if (strcmp(j->assets[i].symbol, symbol) == 0)
			return &j->assets[i];
	return NULL;
}

bool job_selector_matches(const char *sel, const char *a, const char *b,
			  const char *group_a, const char *group_b)
{
	const char *slash = strchr(sel, '/');

	if (slash == NULL)
		return (group_a != NULL && !strcmp(group_a, sel)) ||
		       (group_b != NULL && !strcmp(group_b, sel));
	size_t la = (size_t)(slash - sel);
	return (strlen(a) == la && !strncmp(a, sel, la) && !strcmp(b, slash + 1)) ||
	       (strlen(b) == la && !strncmp(b, sel, la) && !strcmp(a, slash + 1));
}

bool job_has_selector(const struct job *j, const char *sel)
{
	for (size_t i = 0; i < j->npairs; i++) {
		const struct job_pair *p = &j->pairs[i];
		const struct job_asset *a = job_find_asset(j, p->a), *b = job_find_asset(j, p->b);
		if (job_selector_matches(sel, p->a, p->b, a != NULL ? a->group : NULL,
					 b != NULL ? b->group : NULL))
			return true;
	}
	return false;
}

int job_load_file(const struct job *j, size_t i, struct prices *p,
		  struct cx_error *e)
{
	const struct job_file *f = &j->files[i];
	struct prices_opts o = {f->symbol, f->layout};
	struct cx_error inner;

	cx_error_clear(&inner);
	if (prices_load_file(p, f->path, &o, &inner) == 0)
		return 0;
	return cx_fail(e, inner.code, "%s:%d: price file: %s", j->path, f->line, inner.msg);
}

const char *job_paper_name(enum job_paper p)
{
	return p == JOB_PAPER_LETTER ? "letter" : "a4";
}
