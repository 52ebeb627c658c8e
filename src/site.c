/* site.c - the web edition in the archive: day pages, index, Atom feed. */
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/tree.h>
#include <libxml/xmlsave.h>

#include "archive.h"
#include "date.h"
#include "paths.h"
#include "rundir.h"
#include "atomicfile.h"
#include "site.h"
#include "template.h"
#include "xalloc.h"

#define SITE_PATH_MAX 4096
#define SITE_BUF (2 * SITE_PATH_MAX + 64)  /* a path composed of two */
/* Largest file copied into the archive (a chart or report.xml). */
#define SITE_COPY_MAX (64u << 20)


static struct template *load_tpl(const char *rel, struct cx_error *e)
{
	char path[SITE_PATH_MAX];
	if (paths_data_file(rel, path, sizeof path) == NULL)
		return cx_fail(e, CX_ECONFIG, "data directory path too long"), NULL;
	return template_load(path, e);
}

/* Charts (only files under charts/ ending in .png) and report.xml. */
static int copy_assets(const struct template_doc *doc, const char *run_dir,
		       const char *day, struct cx_error *e)
{
	char **v = NULL, src[SITE_BUF], dst[SITE_BUF];
	size_t n = 0;
	int rc = 0;

	snprintf(dst, sizeof dst, "%s/charts", day);
	if (rundir_mkdirs(dst, e) != 0 ||
	    template_doc_strings(doc, "/report/ranking/@chart | /report/heatmap/@chart | /report/pairs/pair/charts/@rolling",
				 &v, &n, e) != 0)
		return -1;
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (strncmp(v[i], "charts/", 7) != 0 || strstr(v[i], "..") != NULL)
			continue;
		snprintf(src, sizeof src, "%s/%s", run_dir, v[i]);
		snprintf(dst, sizeof dst, "%s/%s", day, v[i]);
		rc = atomicfile_copy(src, dst, SITE_COPY_MAX, ATOMICFILE_REPLACE, e);
	}
	template_strings_free(v, n);
	if (rc == 0) {
		snprintf(src, sizeof src, "%s/report.xml", run_dir);
		snprintf(dst, sizeof dst, "%s/report.xml", day);
		rc = atomicfile_copy(src, dst, SITE_COPY_MAX, ATOMICFILE_REPLACE, e);
	}
	return rc;
}

static int publish_day(const struct template_doc *doc, const char *run_dir,
		       const char *day, struct cx_error *e)
{
	struct template *t = load_tpl("templates/web-day.xsl", e);
	char *html = NULL, path[SITE_BUF];
	size_t len;
	const char *params[] = {"edition", "web", "pdf-base", "./", NULL};
	int rc = -1;

	if (t == NULL)
		return -1;
	if (rundir_mkdirs(day, e) == 0 && copy_assets(doc, run_dir, day, e) == 0 &&
	    template_apply(t, doc, params, &html, &len, e) == 0) {
		snprintf(path, sizeof path, "%s/index.html", day);
		rc = atomicfile_write(path, html, len, ATOMICFILE_REPLACE, e);
	}
	free(html);
	template_free(t);
	return rc;
}

/* ---- the list of days ---------------------------------------------------- */

struct day {
	char date[DATE_STR_SIZE];
	char href[32];
	char *headline;
};

static int cmp_day_desc(const void *a, const void *b)
{
	return strcmp(((const struct day *)b)->date, ((const struct day *)a)->date);
}

/* Every ARCHIVE/YYYY/MM/DD/report.xml, newest first. */
static struct day *list_days(const char *archive, size_t *n)
{
	char pat[SITE_PATH_MAX];
	glob_t g;
	struct day *d;

	*n = 0;
	snprintf(pat, sizeof pat, "%s/[0-9][0-9][0-9][0-9]/[0-9][0-9]/[0-9][0-9]/report.xml", archive);
	if (glob(pat, 0, NULL, &g) != 0)
		return xcalloc(1, sizeof *d);
	d = xcalloc(g.gl_pathc + 1, sizeof *d);
	for (size_t i = 0; i < g.gl_pathc && *n < SITE_DAYS_MAX; i++) {
		const char *p = g.gl_pathv[i] + strlen(archive) + 1;   /* YYYY/MM/DD/report.xml */
		struct cx_error e;
		cx_date dt;
		char iso[DATE_STR_SIZE];
		snprintf(iso, sizeof iso, "%.4s-%.2s-%.2s", p, p + 5, p + 8);
		if (!date_parse(iso, 10, &dt))
			continue;
		struct template_doc *doc = template_doc_load(g.gl_pathv[i], &e);
		if (doc == NULL)
			continue;
		snprintf(d[*n].date, sizeof d[*n].date, "%s", iso);
		snprintf(d[*n].href, sizeof d[*n].href, "%.10s/index.html", p);
		d[*n].headline = template_doc_string(doc, "string(/report/ranking/shift[1]/@reading)");
		template_doc_free(doc);
		(*n)++;
	}
	globfree(&g);
	qsort(d, *n, sizeof *d, cmp_day_desc);
	return d;
}

static void free_days(struct day *d, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(d[i].headline);
	free(d);
}

static int write_index(const char *archive, const char *title, const struct day *d,
		       size_t n, struct cx_error *e)
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
	xmlNewProp(root, BAD_CAST "title", BAD_CAST title);
	for (size_t i = 0; i < n; i++) {
		xmlNodePtr day = xmlNewChild(root, NULL, BAD_CAST "day", NULL);
		xmlNewProp(day, BAD_CAST "date", BAD_CAST d[i].date);
		xmlNewProp(day, BAD_CAST "href", BAD_CAST d[i].href);
		xmlNewProp(day, BAD_CAST "headline", BAD_CAST (d[i].headline ? d[i].headline : ""));
	}
	xmlDocDumpMemoryEnc(doc, &buf, &len, "UTF-8");
	if ((t = load_tpl("templates/web-index.xsl", e)) != NULL &&
	    (td = template_doc_parse("archive index", (const char *)buf, (size_t)len, e)) != NULL &&
	    template_apply(t, td, NULL, &html, &hlen, e) == 0) {
		snprintf(path, sizeof path, "%s/index.html", archive);
		rc = atomicfile_write(path, html, hlen, ATOMICFILE_REPLACE, e);
	}
	free(html);
	template_doc_free(td);
	template_free(t);
	xmlFree(buf);
	xmlFreeDoc(doc);
	return rc;
}

static xmlNodePtr text_child(xmlNodePtr parent, const char *name, const char *text)
{
	xmlNodePtr n = xmlNewChild(parent, NULL, BAD_CAST name, NULL);
	xmlNodeAddContent(n, BAD_CAST text);   /* escaped by libxml2 */
	return n;
}

static void link_child(xmlNodePtr parent, const char *href, const char *rel)
{
	xmlNodePtr l = xmlNewChild(parent, NULL, BAD_CAST "link", NULL);
	xmlNewProp(l, BAD_CAST "href", BAD_CAST href);
	if (rel != NULL)
		xmlNewProp(l, BAD_CAST "rel", BAD_CAST rel);
}

/* Atom (RFC 4287): one entry per day, newest first. */
static int write_feed(const char *archive, const char *public_url, const char *title,
		      const struct day *d, size_t n, struct cx_error *e)
{
	char base[2048], url[2400], stamp[32], path[SITE_BUF];
	size_t bl;

	snprintf(base, sizeof base, "%s", public_url != NULL ? public_url : "");
	bl = strlen(base);
	if (bl > 0 && base[bl - 1] != '/' && bl + 1 < sizeof base) {
		base[bl] = '/';
		base[bl + 1] = '\0';
	}
	xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
	xmlNodePtr feed = xmlNewNode(NULL, BAD_CAST "feed");
	xmlNsPtr ns = xmlNewNs(feed, BAD_CAST "http://www.w3.org/2005/Atom", NULL);
	xmlSetNs(feed, ns);
	xmlDocSetRootElement(doc, feed);
	text_child(feed, "title", title);
	snprintf(url, sizeof url, "%s", base[0] ? base : "urn:convex:archive:");
	if (!base[0])
		snprintf(url, sizeof url, "urn:convex:archive:%s", title);
	text_child(feed, "id", url);
	snprintf(stamp, sizeof stamp, "%sT00:00:00Z", n ? d[0].date : "1970-01-01");
	text_child(feed, "updated", stamp);
	xmlNodePtr author = xmlNewChild(feed, NULL, BAD_CAST "author", NULL);
	text_child(author, "name", title);
	snprintf(url, sizeof url, "%sfeed.xml", base);
	link_child(feed, url, "self");
	for (size_t i = 0; i < n && i < SITE_FEED_ENTRIES; i++) {
		xmlNodePtr en = xmlNewChild(feed, NULL, BAD_CAST "entry", NULL);
		snprintf(url, sizeof url, "%s, %s", title, d[i].date);
		text_child(en, "title", url);
		snprintf(url, sizeof url, "%s%s", base, d[i].href);
		if (base[0])
			text_child(en, "id", url);
		else {
			char id[128];
			snprintf(id, sizeof id, "urn:convex:day:%s", d[i].date);
			text_child(en, "id", id);
		}
		snprintf(stamp, sizeof stamp, "%sT00:00:00Z", d[i].date);
		text_child(en, "updated", stamp);
		link_child(en, url, "alternate");
		text_child(en, "summary", d[i].headline != NULL && d[i].headline[0] ? d[i].headline : "No shift test today.");
	}
	snprintf(path, sizeof path, "%s/feed.xml", archive);
	xmlChar *xml = NULL;
	int len = 0;
	xmlDocDumpFormatMemoryEnc(doc, &xml, &len, "UTF-8", 1);
	int rc = xml == NULL ? cx_fail(e, CX_ESOFTWARE, "%s: cannot serialise the feed", path)
			     : atomicfile_write(path, xml, (size_t)len, ATOMICFILE_REPLACE, e);
	xmlFree(xml);
	xmlFreeDoc(doc);
	return rc;
}

int site_publish(const char *run_dir, const char *archive,
		 const char *public_url, const char *title, struct cx_error *e)
{
	char path[SITE_PATH_MAX], day[SITE_PATH_MAX];
	struct template_doc *doc;
	cx_date date;
	size_t n = 0;
	int rc = -1;

	snprintf(path, sizeof path, "%s/report.xml", run_dir);
	if ((doc = template_doc_load(path, e)) == NULL)
		return -1;
	char *asof = template_doc_string(doc, "string(/report/@as-of)");
	if (asof == NULL || !date_parse(asof, strlen(asof), &date)) {
		cx_fail(e, CX_EDATA, "%s: no valid as-of date on <report>", path);
		goto done;
	}
	if (archive_day_dir(archive, date, day, sizeof day) == NULL) {
		cx_fail(e, CX_ECANTCREAT, "archive path too long");
		goto done;
	}
	if (publish_day(doc, run_dir, day, e) != 0)
		goto done;
	struct day *days = list_days(archive, &n);
	rc = write_index(archive, title, days, n, e) == 0 &&
	     write_feed(archive, public_url, title, days, n, e) == 0 ? 0 : -1;
	free_days(days, n);
done:
	free(asof);
	template_doc_free(doc);
	return rc;
}
