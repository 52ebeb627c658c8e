/* site.c - the web edition in the archive (site.h, docs/web.md): a page per
 * pair and day, the latest pages, symbols, the matrix, the day, the index;
 * every page an XSLT transformation of report.xml (templates/web-*.xsl). */
#define _GNU_SOURCE   /* memmem */
#include <ctype.h>
#include <glob.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/tree.h>
#include <libxml/xmlreader.h>

#include "archive.h"
#include "atomicfile.h"
#include "atomicset.h"
#include "date.h"
#include "feed.h"
#include "job.h"
#include "paths.h"
#include "pool.h"
#include "progress.h"
#include "rundir.h"
#include "site.h"
#include "template.h"
#include "xalloc.h"

#define SITE_PATH_MAX 4096
#define SITE_BUF (2 * SITE_PATH_MAX + 64)  /* a path composed of two */
/* Largest file copied into the archive (a chart or report.xml). */
#define SITE_COPY_MAX (64u << 20)
/* Longest pair id or symbol used in a file name. */
#define SITE_NAME_MAX 128
/* The pair pages are made a chunk of pairs to a transformation: one for
 * every pair at once held the whole result tree in memory (171 MiB for the
 * 435 Dow pairs) and went past TEMPLATE_OUTPUT_MAX at 4,950 pairs. The
 * chunks are spread over at most SITE_THREADS_MAX threads (lanes), each
 * with its own stylesheet and working copy of the report: every pair in
 * summary (site_pair_summary), the chunk's pairs in full (template.h's
 * parts). A whole report per lane held 37 MB of tree for the 435 Dow pairs
 * and 420 MB at 4,950. A chunk is SITE_CHUNK_PAIRS pairs: the run's peak
 * memory is in this stage, and each lane holds a chunk's pairs, result
 * tree and pages (Dow, -j 2, peak RSS before template.c's later
 * savings: 94 MB at 48 pairs, 74 at 16, 73 at 8, the time the same).
 * Larger on long watchlists, so that there are at most
 * SITE_CHUNKS_MAX: libxslt walks its whole source twice in every
 * transformation (numbering its elements, clearing its marks), 24% of the
 * pages' time at 4,950 pairs in chunks of 48 of a whole report.
 * SITE_CHUNK_PAIRS_MAX keeps a chunk's pages (~32 KB a pair) far below
 * TEMPLATE_OUTPUT_MAX. */
#define SITE_CHUNK_PAIRS 16
#define SITE_CHUNKS_MAX 32
#define SITE_CHUNK_PAIRS_MAX 480
#define SITE_THREADS_MAX 8

const char *const site_pair_summary[] = {"window", "shift", "charts", NULL};

/* Everything one publication uses. */
struct pub {
	const struct site_job *job;
	const char *run_dir, *archive;
	struct template_parts *parts; /* report.xml, its pairs in summary (the
					 summary read by `summary` until the
					 lanes take it) */
	char day[SITE_PATH_MAX];      /* ARCHIVE/YYYY/MM/DD */
	char day_rel[16];             /* YYYY/MM/DD/ */
	char asof[DATE_STR_SIZE];
	char **ids;                   /* the pairs' ids, document order */
	size_t nids;
	char **syms;                  /* the symbols of the pairs (symbol pages) */
	size_t nsyms;
	int threads;                  /* for the pair pages */
	size_t chunk;                 /* pairs per chunk (SITE_CHUNK_PAIRS) */
	size_t nchunks;               /* the pair pages, `chunk` pairs a
					 transformation (web-pairs.xsl), staged
					 as each is made and then freed */
	struct atomicset *set;        /* every page and chart, published at once */
	pthread_mutex_t set_lock;     /* the lanes stage their pair pages in it */
	bool newest;                  /* no later day in the archive: latest pages too */
	struct progress pg;           /* the "web" bar, once the pairs are known: */
	bool pg_started;              /* a step per pair page (dated, latest),
					 the day page, the symbol pages, the index */
};

/* What the batch stylesheets (web-pairs.xsl, web-symbols.xsl) write after
 * each page. The HTML serialiser escapes every "<" of the report's text
 * and attribute values, so only the stylesheet can write it. */
#define SITE_PAGE_END "\n<!--convex-page-end-->\n"

static struct template *load_tpl(const char *rel, struct cx_error *e)
{
	char path[SITE_PATH_MAX];
	if (paths_data_file(rel, path, sizeof path) == NULL)
		return cx_fail(e, CX_ECONFIG, "data directory path too long"), NULL;
	return template_load(path, e);
}

/* The report's summary, for queries; NULL once the lanes have taken it
 * (transform). */
static const struct template_doc *summary(const struct pub *p)
{
	return template_parts_summary(p->parts);
}

/* A name that is safe as one path component: letters, digits, - . _ ^ =,
 * not starting with a dot. Pair ids and symbols are checked by the job. */
static bool safe_name(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n >= SITE_NAME_MAX || s[0] == '.')
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("-._^=", *s))
			return false;
	return true;
}

/* Apply `t` to `doc` with the page parameters and up to two more (name,
 * value; NULL names end the list); *out as template_apply's. */
static int apply_doc(const struct pub *p, const struct template *t,
		     const struct template_doc *doc, const char *root, const char *day,
		     const char *const extra[4], char **out, size_t *len, struct cx_error *e)
{
	const char *params[] = {"root", root, "day", day,
		"signup", p->job->signup_url != NULL ? p->job->signup_url : "",
		"site-title", p->job->title, NULL, NULL, NULL, NULL, NULL};

	for (size_t i = 0; extra != NULL && i < 4 && extra[i] != NULL; i += 2) {
		params[8 + i] = extra[i];
		params[9 + i] = extra[i + 1];
	}
	return template_apply(t, doc, params, out, len, e);
}

/* Cut a batch's output into its n pages: page[i], plen[i]. 0, or -1 with
 * `e` set when it does not hold exactly n pages. */
static int batch_split(const char *what, const char *out, size_t len, size_t n,
		       const char **page, size_t *plen, struct cx_error *e)
{
	const char *s = out, *end = out + len, *m;
	size_t ml = strlen(SITE_PAGE_END), k = 0;

	while ((m = memmem(s, (size_t)(end - s), SITE_PAGE_END, ml)) != NULL && k < n) {
		page[k] = s;
		plen[k++] = (size_t)(m - s);
		s = m + ml;
	}
	while (s < end && (*s == '\n' || *s == ' '))
		s++;
	if (k != n || s != end)
		return cx_fail(e, CX_ESOFTWARE, "%s: the template did not write %zu pages", what, n);
	return 0;
}

/* ---- the day ------------------------------------------------------------- */

/* The web charts (2x, else 1x for a report made before them) and report.xml. */
static int copy_assets(const struct pub *p, struct cx_error *e)
{
	static const char *const charts =
		"/report/ranking/@chart | /report/heatmap/@chart"
		" | /report/pairs/pair/charts/@rolling-2x | /report/pairs/pair/charts/@scatter-2x"
		" | /report/pairs/pair/charts/@years-2x"
		" | /report/pairs/pair/charts[not(@scatter-2x)]/@scatter"
		" | /report/pairs/pair/charts[not(@years-2x)]/@years";
	char **v = NULL, src[SITE_BUF], dst[SITE_BUF];
	size_t n = 0;
	int rc = 0;

	snprintf(dst, sizeof dst, "%s/charts", p->day);
	if (rundir_mkdirs(dst, e) != 0 || template_doc_strings(summary(p), charts, &v, &n, e) != 0)
		return -1;
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (strncmp(v[i], "charts/", 7) != 0 || strstr(v[i], "..") != NULL)
			continue;
		snprintf(src, sizeof src, "%s/%s", p->run_dir, v[i]);
		snprintf(dst, sizeof dst, "%s/%s", p->day, v[i]);
		rc = atomicset_link(p->set, src, dst, SITE_COPY_MAX, e);
	}
	template_strings_free(v, n);
	if (rc == 0) {
		snprintf(src, sizeof src, "%s/report.xml", p->run_dir);
		snprintf(dst, sizeof dst, "%s/report.xml", p->day);
		rc = atomicset_link(p->set, src, dst, SITE_COPY_MAX, e);
	}
	return rc;
}

/* The pairs' ids, checked as file names. */
static int pair_ids(const struct pub *p, char ***v, size_t *n, struct cx_error *e)
{
	if (template_doc_strings(summary(p), "/report/pairs/pair/@id", v, n, e) != 0)
		return -1;
	if (*n != template_parts_count(p->parts)) {
		cx_fail(e, CX_EDATA, "%s/report.xml: <pairs> holds elements other than <pair>",
			p->run_dir);
		template_strings_free(*v, *n);
		return -1;
	}
	for (size_t i = 0; i < *n; i++)
		if (!safe_name((*v)[i])) {
			cx_fail(e, CX_EDATA, "%s/report.xml: pair id \"%.64s\" cannot name a file",
				p->run_dir, (*v)[i]);
			template_strings_free(*v, *n);
			return -1;
		}
	return 0;
}

/* ---- the transformations, on threads -------------------------------------- */

/* The pages that are not pair pages, each one transformation the lanes
 * make beside the pair chunks (queued first: they are the larger ones, and
 * the chunks after them even out the lanes' ends). */
enum single { ONE_SYMBOLS, ONE_MATRIX, ONE_DAY, ONE_STYLE, ONE_COUNT };

static const char *const single_tpl[ONE_COUNT] = {
	[ONE_SYMBOLS] = "templates/web-symbols.xsl",
	[ONE_MATRIX] = "templates/web-matrix.xsl",
	[ONE_DAY] = "templates/web-day.xsl",
	[ONE_STYLE] = "templates/web-style.xsl",
};

struct lanes {
	struct pub *p;
	struct template *t;           /* web-pairs.xsl, lane 0's (owned) */
	struct template_doc *doc[SITE_THREADS_MAX];   /* each lane's working
					 copy of the report (owned) */
	bool want[ONE_COUNT];         /* the single pages this day makes */
	char root[ONE_COUNT][16], day[ONE_COUNT][32];
	char *out[ONE_COUNT];         /* their results, owned */
	size_t len[ONE_COUNT];
	pthread_mutex_t lock;
	size_t next;                  /* the next task: a single, then a chunk */
};

static size_t next_task(struct lanes *l)
{
	pthread_mutex_lock(&l->lock);
	size_t k = l->next++;
	pthread_mutex_unlock(&l->lock);
	return k;
}

static void lanes_free(struct lanes *l)
{
	for (int s = 0; s < ONE_COUNT; s++)
		free(l->out[s]);
	for (int i = 0; i < SITE_THREADS_MAX; i++)
		template_doc_free(l->doc[i]);
	template_free(l->t);
	pthread_mutex_destroy(&l->lock);
}

/* ARCHIVE/pairs/ID/index.html: the dated page with a <base> at the dated
 * page's address, so that its relative links and images resolve there.
 * The caller holds p->set_lock. */
static int stage_latest(struct pub *p, const char *id, const char *page, size_t len,
			struct cx_error *e)
{
	static const char head[] = "<head>";
	char path[SITE_BUF], base[96];
	const char *h = memmem(page, len, head, sizeof head - 1);
	int rc;

	if (h == NULL)
		return cx_fail(e, CX_ESOFTWARE, "web-pair.xsl: no <head> in the page of %s", id);
	/* the tag's length from snprintf: the page is bytes, not a string */
	int n = snprintf(base, sizeof base, "<base href=\"../../%spairs/\">", p->day_rel);
	size_t bl = n > 0 && (size_t)n < sizeof base ? (size_t)n : sizeof base - 1;
	size_t at = (size_t)(h - page) + sizeof head - 1;
	char *html = xmalloc(len + bl);
	memcpy(html, page, at);
	memcpy(html + at, base, bl);
	memcpy(html + at + bl, page + at, len - at);
	snprintf(path, sizeof path, "%s/pairs/%s", p->archive, id);
	if ((rc = rundir_mkdirs(path, e)) == 0) {
		snprintf(path, sizeof path, "%s/pairs/%s/index.html", p->archive, id);
		rc = atomicset_write(p->set, path, html, len + bl, e);
	}
	free(html);
	progress_step(&p->pg);
	return rc;
}

/* The pages of one chunk: DAY/pairs/ID.html, and the latest page when this
 * is the newest day. Staged as soon as the chunk is made, so that memory
 * holds one chunk per lane, not every page of the day (4,950 pairs: some
 * 300 MB of HTML). */
static int stage_chunk(struct pub *p, size_t first, const char **page, const size_t *plen,
		       size_t n, struct cx_error *e)
{
	char path[SITE_BUF];
	int rc = 0;

	pthread_mutex_lock(&p->set_lock);
	for (size_t i = 0; i < n && rc == 0; i++) {
		const char *id = p->ids[first + i];
		snprintf(path, sizeof path, "%s/pairs/%s.html", p->day, id);
		rc = atomicset_write(p->set, path, page[i], plen[i], e);
		if (rc == 0 && p->newest)
			rc = stage_latest(p, id, page[i], plen[i], e);
	}
	pthread_mutex_unlock(&p->set_lock);
	return rc;
}

/* Chunk k: pairs k*chunk+1 .. +chunk (positions in the report), put in
 * full into the lane's working copy of the report and cut into their pages. */
static int pairs_chunk(struct lanes *l, const struct template *t,
		       struct template_doc *doc, size_t k, struct cx_error *e)
{
	struct pub *p = l->p;
	size_t first = k * p->chunk, n = p->nids - first;
	char from[24], to[24];
	char *out = NULL;
	size_t len = 0;
	int rc;

	if (n > p->chunk)
		n = p->chunk;
	snprintf(from, sizeof from, "%zu", first + 1);
	snprintf(to, sizeof to, "%zu", first + n);
	const char *extra[4] = {"first", from, "last", to};
	if (template_parts_fill(p->parts, doc, first, n, e) != 0 ||
	    apply_doc(p, t, doc, "../../../../", "../", extra, &out, &len, e) != 0)
		return -1;
	const char **page = xcalloc(n, sizeof *page);
	size_t *plen = xcalloc(n, sizeof *plen);
	rc = batch_split("web-pairs.xsl", out, len, n, page, plen, e);
	if (rc == 0)
		rc = stage_chunk(p, first, page, plen, n, e);
	free(page);
	free(plen);
	free(out);
	progress_add(&p->pg, n);
	return rc;
}

/* Single page set s, with a stylesheet of its own (compiled here: only
 * this lane uses it), from the summary of every pair. */
static int single(struct lanes *l, enum single s, struct template_doc *doc,
		  struct cx_error *e)
{
	if (template_parts_fill(l->p->parts, doc, 0, 0, e) != 0)
		return -1;
	struct template *t = load_tpl(single_tpl[s], e);
	int rc = t == NULL ? -1 : apply_doc(l->p, t, doc, l->root[s], l->day[s], NULL,
					   &l->out[s], &l->len[s], e);
	template_free(t);
	return rc;
}

/* Lane i makes tasks until none is left, on a working copy of the report
 * of its own, l->doc[i] (template.h: a transformation marks its source):
 * lane 0 with the stylesheet already compiled, every other lane with its
 * own (libxml2 2.9 caches XPath function lookups inside a compiled
 * expression while it evaluates it: helgrind reports that as a race when
 * two threads share a stylesheet; a second compilation costs about 5 ms). */
static int lane(void *ctx, size_t i, struct cx_error *e)
{
	struct lanes *l = ctx;
	struct template *own_t = NULL;
	const struct template *t = l->t;
	int rc = 0;

	if (i > 0 && (t = own_t = load_tpl("templates/web-pairs.xsl", e)) == NULL)
		return -1;
	struct template_doc *doc = l->doc[i];
	for (size_t k = next_task(l); k < ONE_COUNT + l->p->nchunks && rc == 0; k = next_task(l)) {
		if (k >= ONE_COUNT)
			rc = pairs_chunk(l, t, doc, k - ONE_COUNT, e);
		else if (l->want[k])
			rc = single(l, (enum single)k, doc, e);
	}
	template_free(own_t);
	return rc;
}

/* Pairs per chunk for n pairs (see SITE_CHUNK_PAIRS). */
static size_t chunk_pairs(size_t n)
{
	size_t c = (n + SITE_CHUNKS_MAX - 1) / SITE_CHUNKS_MAX;
	if (c < SITE_CHUNK_PAIRS)
		return SITE_CHUNK_PAIRS;
	return c > SITE_CHUNK_PAIRS_MAX ? SITE_CHUNK_PAIRS_MAX : c;
}

/* Every transformation of the day: the pair pages staged as they are made, the
 * single pages wanted into l->out. */
static int transform(struct pub *p, struct lanes *l, struct cx_error *e)
{
	int threads = p->threads > 0 ? p->threads : 1;
	size_t nlanes, ntasks;

	p->chunk = chunk_pairs(p->nids);
	p->nchunks = (p->nids + p->chunk - 1) / p->chunk;
	ntasks = p->nchunks;
	for (int s = 0; s < ONE_COUNT; s++)
		ntasks += l->want[s];
	nlanes = (size_t)(threads < SITE_THREADS_MAX ? threads : SITE_THREADS_MAX);
	if (nlanes > ntasks)
		nlanes = ntasks;
	if (nlanes == 0)
		return 0;
	/* The copies made here, not on the lanes: lane 0 takes the summary
	 * itself, one copy less (for the 435 Dow pairs, 8.3 MB). */
	for (size_t i = 1; i < nlanes; i++)
		l->doc[i] = template_parts_doc(p->parts);
	l->doc[0] = template_parts_take(p->parts);
	return pool_run((int)nlanes, nlanes, lane, l, NULL, e);
}

/* The single pages' parameters: root and day as seen from each page. */
static void singles_set(struct lanes *l, const struct pub *p, bool newest)
{
	static const char *const root[ONE_COUNT] = {
		[ONE_SYMBOLS] = "../../", [ONE_MATRIX] = "../",
		[ONE_DAY] = "../../../", [ONE_STYLE] = "",
	};
	static const char *const up[ONE_COUNT] = {
		[ONE_SYMBOLS] = "../../", [ONE_MATRIX] = "../",
	};

	for (int s = 0; s < ONE_COUNT; s++) {
		l->want[s] = newest || s == ONE_DAY || s == ONE_STYLE;
		snprintf(l->root[s], sizeof l->root[s], "%s", root[s]);
		if (up[s] != NULL)
			snprintf(l->day[s], sizeof l->day[s], "%s%s", up[s], p->day_rel);
	}
}

/* DAY/pairs/ID.html for every pair (and the latest pages of the newest
 * day), staged chunk by chunk, DAY/index.html and the style sheet. What
 * else is read of the summary is read before the transformations take
 * it. */
static int publish_day(struct pub *p, struct lanes *l, struct cx_error *e)
{
	static const char *const syms =
		"/report/assets/asset[@symbol = /report/pairs/pair/@a or @symbol = /report/pairs/pair/@b]/@symbol";
	char path[SITE_BUF];
	int rc = -1;

	snprintf(path, sizeof path, "%s/pairs", p->day);
	if (rundir_mkdirs(path, e) != 0 || copy_assets(p, e) != 0 ||
	    pair_ids(p, &p->ids, &p->nids, e) != 0 ||
	    (p->newest && template_doc_strings(summary(p), syms, &p->syms, &p->nsyms, e) != 0))
		return -1;
	progress_init(&p->pg, "web", 2 * p->nids + 3);
	p->pg_started = true;
	if ((l->t = load_tpl("templates/web-pairs.xsl", e)) == NULL || transform(p, l, e) != 0)
		return -1;
	snprintf(path, sizeof path, "%s/index.html", p->day);
	rc = atomicset_write(p->set, path, l->out[ONE_DAY], l->len[ONE_DAY], e);
	/* The style sheet of every page, at the root. */
	snprintf(path, sizeof path, "%s/style.css", p->archive);
	if (rc == 0)
		rc = atomicset_write(p->set, path, l->out[ONE_STYLE], l->len[ONE_STYLE], e);
	progress_step(&p->pg);
	return rc;
}

/* ---- the latest pages ---------------------------------------------------- */

/* symbols/SYM/index.html for every symbol of a computed pair, cut from the
 * one transformation of web-symbols.xsl. */
static int publish_symbols(const struct pub *p, const struct lanes *l, struct cx_error *e)
{
	char **v = p->syms, path[SITE_BUF];
	const char **page = NULL;
	size_t n = p->nsyms, *len = NULL;
	int rc = -1;

	page = xcalloc(n + 1, sizeof *page);
	len = xcalloc(n + 1, sizeof *len);
	if (batch_split("web-symbols.xsl", l->out[ONE_SYMBOLS], l->len[ONE_SYMBOLS], n, page, len, e) != 0)
		goto done;
	rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (!safe_name(v[i]))
			continue;   /* its pairs are on the matrix and day pages */
		snprintf(path, sizeof path, "%s/symbols/%s", p->archive, v[i]);
		if ((rc = rundir_mkdirs(path, e)) != 0)
			break;
		snprintf(path, sizeof path, "%s/symbols/%s/index.html", p->archive, v[i]);
		rc = atomicset_write(p->set, path, page[i], len[i], e);
	}
done:
	free(page);
	free(len);
	return rc;
}

static int publish_matrix(const struct pub *p, const struct lanes *l, struct cx_error *e)
{
	char path[SITE_BUF];

	snprintf(path, sizeof path, "%s/matrix", p->archive);
	if (rundir_mkdirs(path, e) != 0)
		return -1;
	snprintf(path, sizeof path, "%s/matrix/index.html", p->archive);
	return atomicset_write(p->set, path, l->out[ONE_MATRIX], l->len[ONE_MATRIX], e);
}

/* ---- the list of days ---------------------------------------------------- */

struct day {
	char date[DATE_STR_SIZE];
	char href[32];
	char *headline;
	long long updated;
};

static int cmp_day_desc(const void *a, const void *b)
{
	return strcmp(((const struct day *)b)->date, ((const struct day *)a)->date);
}

/* The run time of a day: its .created (archive.h), else when its report
 * was published. */
static long long day_updated(const char *dir)
{
	char path[SITE_BUF + 32], buf[32] = "";
	struct stat st;
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, ARCHIVE_CREATED_FILE);
	if ((f = fopen(path, "r")) != NULL) {
		size_t n = fread(buf, 1, sizeof buf - 1, f);
		fclose(f);
		buf[n] = '\0';
		char *end;
		long long t = strtoll(buf, &end, 10);
		if (end != buf && t > 0)
			return t;
	}
	snprintf(path, sizeof path, "%s/report.xml", dir);
	return stat(path, &st) == 0 ? (long long)st.st_mtime : 0;
}

/* The reading of the day's top shift (/report/ranking/shift[1]/@reading,
 * "" when none) into *out (malloc'd), read as a stream that stops there:
 * a year of dailies is not parsed whole on every run. False when the file
 * is not a readable report. */
static bool headline(const char *path, char **out)
{
	xmlTextReaderPtr r = xmlReaderForFile(path, NULL, XML_PARSE_NONET);
	bool ok = false;
	int depth_ranking = -1;

	*out = NULL;
	if (r == NULL)
		return false;
	while (xmlTextReaderRead(r) == 1) {
		if (xmlTextReaderNodeType(r) != XML_READER_TYPE_ELEMENT)
			continue;
		const xmlChar *name = xmlTextReaderConstLocalName(r);
		int depth = xmlTextReaderDepth(r);
		if (depth == 0) {
			if (!xmlStrEqual(name, BAD_CAST "report"))
				break;
			ok = true;
		} else if (depth == 1) {
			if (depth_ranking >= 0)
				break;            /* after <ranking>: no shift */
			if (xmlStrEqual(name, BAD_CAST "ranking"))
				depth_ranking = 1;
		} else if (depth == 2 && depth_ranking == 1 && xmlStrEqual(name, BAD_CAST "shift")) {
			xmlChar *v = xmlTextReaderGetAttribute(r, BAD_CAST "reading");
			*out = xstrdup(v != NULL ? (const char *)v : "");
			xmlFree(v);
			break;
		}
	}
	xmlFreeTextReader(r);
	if (ok && *out == NULL)
		*out = xstrdup("");
	if (!ok) {
		free(*out);
		*out = NULL;
	}
	return ok;
}

/* Every ARCHIVE/YYYY/MM/DD/report.xml, newest first. */
static struct day *list_days(const char *archive, size_t *n)
{
	char pat[SITE_PATH_MAX], dir[SITE_BUF];
	glob_t g;
	struct day *d;

	*n = 0;
	snprintf(pat, sizeof pat, "%s/[0-9][0-9][0-9][0-9]/[0-9][0-9]/[0-9][0-9]/report.xml", archive);
	if (glob(pat, 0, NULL, &g) != 0)
		return xcalloc(1, sizeof *d);
	d = xcalloc(g.gl_pathc + 1, sizeof *d);
	for (size_t i = 0; i < g.gl_pathc && *n < SITE_DAYS_MAX; i++) {
		const char *p = g.gl_pathv[i] + strlen(archive) + 1;   /* YYYY/MM/DD/report.xml */
		cx_date dt;
		char iso[DATE_STR_SIZE];
		snprintf(iso, sizeof iso, "%.4s-%.2s-%.2s", p, p + 5, p + 8);
		if (!date_parse(iso, 10, &dt))
			continue;
		if (!headline(g.gl_pathv[i], &d[*n].headline))
			continue;
		snprintf(d[*n].date, sizeof d[*n].date, "%s", iso);
		snprintf(d[*n].href, sizeof d[*n].href, "%.10s/index.html", p);
		snprintf(dir, sizeof dir, "%s/%.10s", archive, p);
		d[*n].updated = day_updated(dir);
		(*n)++;
	}
	globfree(&g);
	qsort(d, *n, sizeof *d, cmp_day_desc);
	return d;
}

/* Whether the archive holds a day after `asof` (YYYY-MM-DD). */
static bool newer_day(const char *archive, const char *asof)
{
	char pat[SITE_PATH_MAX], iso[DATE_STR_SIZE];
	glob_t g;
	bool newer = false;

	snprintf(pat, sizeof pat, "%s/[0-9][0-9][0-9][0-9]/[0-9][0-9]/[0-9][0-9]/report.xml", archive);
	if (glob(pat, 0, NULL, &g) != 0)
		return false;
	for (size_t i = 0; i < g.gl_pathc && !newer; i++) {
		const char *p = g.gl_pathv[i] + strlen(archive) + 1;   /* YYYY/MM/DD/report.xml */
		snprintf(iso, sizeof iso, "%.4s-%.2s-%.2s", p, p + 5, p + 8);
		newer = strcmp(iso, asof) > 0;
	}
	globfree(&g);
	return newer;
}

static void free_days(struct day *d, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(d[i].headline);
	free(d);
}

static int write_index(const struct pub *p, const struct day *d, size_t n, struct cx_error *e)
{
	xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
	xmlNodePtr root = xmlNewNode(NULL, BAD_CAST "archive");
	xmlChar *buf = NULL;
	int len = 0, rc = -1;
	char *html = NULL, path[SITE_BUF];
	size_t hlen;
	struct template *t = NULL;
	struct template_doc *td = NULL;

	xmlDocSetRootElement(doc, root);
	xmlNewProp(root, BAD_CAST "title", BAD_CAST p->job->title);
	for (size_t i = 0; i < n; i++) {
		xmlNodePtr day = xmlNewChild(root, NULL, BAD_CAST "day", NULL);
		xmlNewProp(day, BAD_CAST "date", BAD_CAST d[i].date);
		xmlNewProp(day, BAD_CAST "href", BAD_CAST d[i].href);
		xmlNewProp(day, BAD_CAST "headline", BAD_CAST (d[i].headline ? d[i].headline : ""));
	}
	xmlDocDumpMemoryEnc(doc, &buf, &len, "UTF-8");
	const char *params[] = {"signup", p->job->signup_url != NULL ? p->job->signup_url : "", NULL};
	if ((t = load_tpl("templates/web-index.xsl", e)) != NULL &&
	    (td = template_doc_parse("archive index", (const char *)buf, (size_t)len, e)) != NULL &&
	    template_apply(t, td, params, &html, &hlen, e) == 0) {
		snprintf(path, sizeof path, "%s/index.html", p->archive);
		rc = atomicfile_write(path, html, hlen, ATOMICFILE_REPLACE, e) < 0 ? -1 : 0;
	}
	free(html);
	template_doc_free(td);
	template_free(t);
	xmlFree(buf);
	xmlFreeDoc(doc);
	return rc;
}

static int write_feed(const struct pub *p, const struct day *d, size_t n, struct cx_error *e)
{
	char domain[SITE_DOMAIN_MAX], path[SITE_BUF];
	struct feed_day *fd = xcalloc(n + 1, sizeof *fd);
	struct feed_site s = {site_domain(p->job->public_url, p->job->from, domain, sizeof domain),
			      p->job->name, p->job->title,
			      p->job->public_url != NULL && p->job->public_url[0] ? p->job->public_url : NULL};

	for (size_t i = 0; i < n; i++)
		fd[i] = (struct feed_day){d[i].date, d[i].href, d[i].headline, d[i].updated};
	snprintf(path, sizeof path, "%s/feed.xml", p->archive);
	int rc = feed_write(path, &s, fd, n, SITE_FEED_ENTRIES, n > 0 ? d[n - 1].date : p->asof, e);
	free(fd);
	return rc;
}

/* ---- the feed's domain --------------------------------------------------- */

static void copy_host(const char *s, size_t len, char *buf, size_t size)
{
	size_t k = 0;
	for (size_t i = 0; i < len && k + 1 < size; i++) {
		unsigned char c = (unsigned char)s[i];
		if (isalnum(c) || c == '-' || c == '.')
			buf[k++] = (char)tolower(c);
	}
	buf[k] = '\0';
}

char *site_domain(const char *public_url, const char *from, char *buf, size_t size)
{
	const char *s, *end;

	buf[0] = '\0';
	if (public_url != NULL && (s = strstr(public_url, "://")) != NULL) {
		s += 3;
		end = s + strcspn(s, "/?#");
		const char *at = memchr(s, '@', (size_t)(end - s));
		if (at != NULL)
			s = at + 1;
		const char *colon = memchr(s, ':', (size_t)(end - s));
		copy_host(s, (size_t)((colon != NULL ? colon : end) - s), buf, size);
	}
	if (buf[0] == '\0' && from != NULL && (s = strrchr(from, '@')) != NULL) {
		s++;
		copy_host(s, strcspn(s, "> \t"), buf, size);
	}
	if (buf[0] == '\0' || buf[0] == '.' || buf[0] == '-')
		snprintf(buf, size, "localhost");
	return buf;
}

/* ---- the whole ----------------------------------------------------------- */

static int publish(struct pub *p, struct cx_error *e)
{
	char path[SITE_PATH_MAX];
	char *asof = template_doc_string(summary(p), "string(/report/@as-of)");
	cx_date date;
	int y, m, d, rc = -1;

	snprintf(path, sizeof path, "%s/report.xml", p->run_dir);
	if (asof == NULL || !date_parse(asof, strlen(asof), &date)) {
		free(asof);
		return cx_fail(e, CX_EDATA, "%s: no valid as-of date on <report>", path);
	}
	snprintf(p->asof, sizeof p->asof, "%s", asof);
	free(asof);
	date_to_ymd(date, &y, &m, &d);
	snprintf(p->day_rel, sizeof p->day_rel, "%04d/%02d/%02d/", y, m, d);
	if (archive_day_dir(p->archive, date, p->day, sizeof p->day) == NULL)
		return cx_fail(e, CX_ECANTCREAT, "archive path too long");
	/* The day's pages and, for the newest day, the latest pages, symbols
	 * and matrix: one set, one commit (two file-system syncs). */
	bool newest = !newer_day(p->archive, p->asof);
	struct lanes l = {.p = p, .lock = PTHREAD_MUTEX_INITIALIZER};
	p->newest = newest;
	singles_set(&l, p, newest);
	p->set = atomicset_new();
	bool ok = publish_day(p, &l, e) == 0;
	if (ok && newest)
		ok = publish_symbols(p, &l, e) == 0 && publish_matrix(p, &l, e) == 0;
	else if (ok)
		progress_add(&p->pg, p->nids);   /* not the newest day: no latest pages */
	ok = ok && atomicset_commit(p->set, e) == 0;
	atomicset_free(p->set);
	p->set = NULL;
	lanes_free(&l);
	if (!ok)
		return -1;
	progress_step(&p->pg);
	size_t n = 0;
	struct day *days = list_days(p->archive, &n);
	if (write_index(p, days, n, e) == 0 && write_feed(p, days, n, e) == 0)
		rc = 0;
	progress_step(&p->pg);
	free_days(days, n);
	return rc;
}

int site_publish(const char *run_dir, const char *archive, const struct site_job *job,
		 struct cx_error *e)
{
	struct pub p = {.job = job, .run_dir = run_dir, .archive = archive, .threads = job->threads,
			.set_lock = PTHREAD_MUTEX_INITIALIZER};
	char path[SITE_PATH_MAX];
	int rc;

	snprintf(path, sizeof path, "%s/report.xml", run_dir);
	if ((p.parts = template_parts_load(path, "pairs", site_pair_summary, e)) == NULL)
		return -1;
	rc = publish(&p, e);
	if (p.pg_started)
		progress_release(&p.pg);
	template_strings_free(p.ids, p.nids);
	template_strings_free(p.syms, p.nsyms);
	template_parts_free(p.parts);
	return rc;
}

int site_publish_job(const struct job *job, const char *run_dir, int threads, struct cx_error *e)
{
	const struct job_digest *d = &job->digest;
	struct site_job s = {.name = job->name,
			     .title = d->present && d->title != NULL ? d->title : job->title,
			     .public_url = d->present ? d->public_url : NULL,
			     .from = d->present ? d->from : NULL,
			     .signup_url = d->present ? d->signup_url : NULL,
			     .threads = threads};

	return site_publish(run_dir, job->outputs.archive, &s, e);
}
