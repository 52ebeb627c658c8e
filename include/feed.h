/* feed.h - the archive's Atom feed (RFC 4287), written with libxml2's tree
 * API (docs/web.md).
 *
 * Ids are tag: URIs (RFC 4151) built from the site's domain and the job's
 * name, so two jobs on one domain never share an id and the ids do not
 * depend on where the archive is served:
 *   feed   tag:DOMAIN,FIRST-DAY:convex/JOB
 *   entry  tag:DOMAIN,DAY:convex/JOB/DAY
 * With a public URL the links are absolute and the feed has a rel="self"
 * link; without one the links are relative to the feed (the archive's root)
 * and there is no self link. */
#ifndef CONVEX_FEED_H
#define CONVEX_FEED_H

#include <stddef.h>

#include "err.h"

/* One day of the archive. Borrowed strings. */
struct feed_day {
	const char *date;      /* YYYY-MM-DD */
	const char *href;      /* the day page, relative to the root */
	const char *headline;  /* the summary; "" or NULL: a default */
	long long updated;     /* the day's run time, seconds since the epoch */
};

struct feed_site {
	const char *domain;      /* tag: authority (site_domain) */
	const char *job;         /* the job's name */
	const char *title;
	const char *public_url;  /* NULL: relative links, no self link */
};

/* Write the feed of `days` (newest first, at most `max` entries) as `path`
 * (atomicfile). `first` is the oldest day of the archive (the feed id's
 * date). 0, or -1 with `e` set: CX_ESOFTWARE, CX_ECANTCREAT, CX_EIO. */
int feed_write(const char *path, const struct feed_site *site, const struct feed_day *days,
	       size_t n, size_t max, const char *first, struct cx_error *e);

#endif
