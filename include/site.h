/* site.h - the web edition: a static site in the archive (docs/web.md).
 *
 *   ARCHIVE/YYYY/MM/DD/index.html        the day: ranking, shift chart,
 *                                        heatmap, links to every pair page
 *                                        and PDF (templates/web-day.xsl),
 *                                        with charts/ and report.xml
 *   ARCHIVE/YYYY/MM/DD/pairs/A-B.html    the deep dive of a pair on that day
 *                                        (web-pair.xsl); rewritten only by a
 *                                        rerun of that same day
 *   ARCHIVE/pairs/A-B/index.html         the newest day's page of the pair
 *   ARCHIVE/symbols/SYM/index.html       a symbol's pairs (web-symbol.xsl)
 *   ARCHIVE/matrix/index.html            the correlation matrix (web-matrix.xsl)
 *   ARCHIVE/index.html                   every day, newest first (web-index.xsl)
 *   ARCHIVE/feed.xml                     Atom feed of the days (libxml2 tree API)
 * The latest pages (pairs/, symbols/, matrix/) are written when the run's day
 * is the newest in the archive. Every link inside the site is relative, so
 * the archive works from any web server and from the file system; no page
 * needs JavaScript, and nothing about subscribers is written there.
 */
#ifndef CONVEX_SITE_H
#define CONVEX_SITE_H

#include "err.h"

/* Days listed in the index and the feed (newest kept); years of dailies. */
#define SITE_DAYS_MAX 20000
#define SITE_FEED_ENTRIES 60
/* Longest host name taken for the feed's tag: URIs (RFC 1035: 253). */
#define SITE_DOMAIN_MAX 254

/* What a page reads of a pair that is not its own (a pair page's "More
 * Comparisons", the day, symbol and matrix pages): the pair's attributes
 * and its children of these names. The pages are made from report.xml
 * read in parts (template.h): each pair page's transformation has its own
 * pairs whole and the others in this summary, the other pages every pair
 * in summary. A template that reads more of another pair needs the
 * element's name here (test_template's test_site_summary compares the
 * pages with those of the whole report). */
extern const char *const site_pair_summary[];

/* What the site takes from the job. Borrowed strings. */
struct site_job {
	const char *name;        /* the job's name: feed ids (unique per job) */
	const char *title;       /* the site's title */
	const char *public_url;  /* base URL of the archive, or NULL */
	const char *from;        /* the digest's From, or NULL: the feed's
				    domain when there is no public_url */
	const char *signup_url;  /* the pages' sign-up link, or NULL */
	int threads;             /* threads for the pair pages (< 1: one) */
};

/* Publish the run in `run_dir` into `archive` and rebuild the index and
 * the feed. Returns 0, or -1 with `e` set: CX_ENOINPUT / CX_EDATA for the
 * report, CX_ECONFIG for a template, CX_ESOFTWARE when a template fails,
 * CX_ECANTCREAT / CX_EIO for the files written. */
int site_publish(const char *run_dir, const char *archive, const struct site_job *job,
		 struct cx_error *e);

/* site_publish with what `job` says: its name, the digest's title (else
 * the job's), public-url, From and signup-url, its archive; the pair pages
 * on `threads` threads. */
struct job;
int site_publish_job(const struct job *job, const char *run_dir, int threads, struct cx_error *e);

/* The host of the feed's tag: URIs, lower case, into buf (size >=
 * SITE_DOMAIN_MAX): public_url's host, else the domain of the address in
 * `from` ("Name <a@example.com>"), else "localhost". Returns buf. */
char *site_domain(const char *public_url, const char *from, char *buf, size_t size);

#endif
