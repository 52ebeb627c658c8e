/* site.h - the web edition: a static site in the archive.
 *
 *   ARCHIVE/YYYY/MM/DD/index.html   the day's digest, not personalised
 *                                   (templates/web-day.xsl), with its
 *                                   charts/ and report.xml next to it and
 *                                   links to the PDFs archived there
 *   ARCHIVE/index.html              every day, newest first (web-index.xsl)
 *   ARCHIVE/feed.xml                Atom feed of the days (libxml2 tree API)
 * The operator publishes ARCHIVE from any web server.
 */
#ifndef CONVEX_SITE_H
#define CONVEX_SITE_H

#include "err.h"

/* Days listed in the index and the feed (newest kept); years of dailies. */
#define SITE_DAYS_MAX 20000
#define SITE_FEED_ENTRIES 60

/* Publish the run in `run_dir` into `archive` and rebuild the index and
 * the feed. `public_url` (NULL: none) makes the feed's links absolute;
 * `title` names the site. Returns 0, or -1 with `e` set: CX_ENOINPUT /
 * CX_EDATA for the report, CX_ECANTCREAT / CX_EIO for the files written. */
int site_publish(const char *run_dir, const char *archive,
		 const char *public_url, const char *title, struct cx_error *e);

#endif
