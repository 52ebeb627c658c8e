/* feed.c - the archive's Atom feed (feed.h). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <libxml/tree.h>

#include "atomicfile.h"
#include "feed.h"

/* A URL with room for a base and a relative path. */
#define FEED_URL_MAX 4096

static xmlNodePtr text_child(xmlNodePtr parent, const char *name, const char *text)
{
	xmlNodePtr n = xmlNewChild(parent, NULL, BAD_CAST name, NULL);
	xmlNodeAddContent(n, BAD_CAST text);   /* escaped by libxml2 */
	return n;
}

static void link_child(xmlNodePtr parent, const char *href, const char *rel, const char *type)
{
	xmlNodePtr l = xmlNewChild(parent, NULL, BAD_CAST "link", NULL);
	xmlNewProp(l, BAD_CAST "rel", BAD_CAST rel);
	if (type != NULL)
		xmlNewProp(l, BAD_CAST "type", BAD_CAST type);
	xmlNewProp(l, BAD_CAST "href", BAD_CAST href);
}

/* RFC 3339 in UTC: 2007-05-08T18:30:00Z */
static void stamp(long long t, char buf[32])
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (gmtime_r(&tt, &tm) == NULL || strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, 32, "1970-01-01T00:00:00Z");
}

/* base + rel, or rel alone without a public URL. */
static void url_of(const struct feed_site *s, const char *rel, char *buf, size_t size)
{
	const char *b = s->public_url != NULL ? s->public_url : "";
	size_t n = strlen(b);
	snprintf(buf, size, "%s%s%s", b, n > 0 && b[n - 1] != '/' ? "/" : "", rel);
}

static void add_entry(xmlNodePtr feed, const struct feed_site *s, const struct feed_day *d)
{
	char buf[FEED_URL_MAX], t[32];
	xmlNodePtr en = xmlNewChild(feed, NULL, BAD_CAST "entry", NULL);

	snprintf(buf, sizeof buf, "%s, %s", s->title, d->date);
	text_child(en, "title", buf);
	snprintf(buf, sizeof buf, "tag:%s,%s:convex/%s/%s", s->domain, d->date, s->job, d->date);
	text_child(en, "id", buf);
	stamp(d->updated, t);
	text_child(en, "updated", t);
	url_of(s, d->href, buf, sizeof buf);
	link_child(en, buf, "alternate", "text/html");
	text_child(en, "summary", d->headline != NULL && d->headline[0] ? d->headline
			: "The day's correlation digest.");
}

int feed_write(const char *path, const struct feed_site *s, const struct feed_day *days,
	       size_t n, size_t max, const char *first, struct cx_error *e)
{
	char buf[FEED_URL_MAX], t[32];
	long long newest = 0;
	xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
	xmlNodePtr feed = xmlNewNode(NULL, BAD_CAST "feed");

	xmlSetNs(feed, xmlNewNs(feed, BAD_CAST "http://www.w3.org/2005/Atom", NULL));
	xmlDocSetRootElement(doc, feed);
	text_child(feed, "title", s->title);
	snprintf(buf, sizeof buf, "tag:%s,%s:convex/%s", s->domain, first, s->job);
	text_child(feed, "id", buf);
	for (size_t i = 0; i < n && i < max; i++)
		if (days[i].updated > newest)
			newest = days[i].updated;
	stamp(newest, t);
	text_child(feed, "updated", t);
	text_child(xmlNewChild(feed, NULL, BAD_CAST "author", NULL), "name", s->title);
	text_child(feed, "generator", "convex");
	url_of(s, "index.html", buf, sizeof buf);
	link_child(feed, buf, "alternate", "text/html");
	if (s->public_url != NULL) {
		url_of(s, "feed.xml", buf, sizeof buf);
		link_child(feed, buf, "self", "application/atom+xml");
	}
	for (size_t i = 0; i < n && i < max; i++)
		add_entry(feed, s, &days[i]);

	xmlChar *xml = NULL;
	int len = 0;
	xmlDocDumpFormatMemoryEnc(doc, &xml, &len, "UTF-8", 1);
	int rc = xml == NULL ? cx_fail(e, CX_ESOFTWARE, "%s: cannot serialise the feed", path)
			     : atomicfile_write(path, xml, (size_t)len, ATOMICFILE_REPLACE, e);
	xmlFree(xml);
	xmlFreeDoc(doc);
	return rc < 0 ? -1 : 0;
}
