/* digest_pdf.h - the digest of a run as one PDF/A-1b document: a cover with
 * the as-of date, the top regime shifts as a table (each row linked to its
 * pair's section) and the regime-shift chart; the correlation heatmap; the
 * full deep dives (deepdive.h) of the `deep_dives` largest shifts only, with
 * a bookmark per pair and per section; then an appendix with one line per
 * pair (90-day, 5-year, change, z, q, as-of), each linked to the pair's
 * section in the digest or else to its own PDF in the published archive.
 * "Page N of M" on every page. A digest of 4,950 pairs stays a document a
 * reader can finish: its size grows by one table line per pair.
 *
 * The caller (the run) fills the input from its own model; nothing here
 * computes statistics or rankings.
 */
#ifndef CONVEX_DIGEST_PDF_H
#define CONVEX_DIGEST_PDF_H

#include <stdbool.h>
#include <stddef.h>

#include "chart.h"
#include "date.h"
#include "deepdive.h"
#include "err.h"
#include "pdf.h"
#include "stats.h"

struct progress;

/* One watchlist pair whose statistics were computed. */
struct digest_pair {
	const struct pair_stats *s;
	const char *name_a, *name_b;            /* long names; NULL = symbol */
	const struct deepdive_related *related; /* optional */
	size_t nrelated;
	/* the ranking fields (rank.h) */
	bool has_z;
	double z, p;
	bool has_q;
	double q;                               /* Benjamini-Hochberg q */
	bool significant;
	const char *quality_a, *quality_b;      /* data-quality notes; NULL: none */
};

struct digest_input {
	const char *title;        /* the job's title, e.g. "Swiss macro watchlist" */
	cx_date as_of;            /* the run's date */
	const struct digest_pair *pairs;  /* sections, in this order */
	size_t npairs;
	const size_t *order;      /* indices into pairs, in rank order */
	size_t nranked;
	size_t top;               /* rows featured on the cover (<= nranked) */
	double alpha;             /* the BH level, for the cover's note */
	const struct chart_matrix *heatmap;  /* NULL: no heatmap page */
	const char *const *skipped;  /* "AA/XYZ: no prices for \"XYZ\"", optional */
	size_t nskipped;
	long long created;        /* the PDF's creation time (pdf_meta.created); 0: now */
	size_t deep_dives;        /* full deep dives: the first of `order` */
	/* The published day folder with its trailing slash,
	 * "https://host/base/2007/05/08/": appendix lines without a section link
	 * to pair_url + "A-B.pdf". NULL: they link nowhere. */
	const char *pair_url;
	/* NULL: none. Else a bar of (deep dives written) + 2 items: one step
	 * per deep dive, the table of all pairs, the file. */
	struct progress *progress;
};

/* Default of the job setting <analysis deep-dives="N"/>. */
#define DIGEST_DEEP_DIVES 10

/* Most rows on the cover's table and chart; more are left to the sections. */
#define DIGEST_TOP_MAX 25

/* Write the digest to `path` (atomically) on `paper`. Returns 0, or -1 with
 * `e` set (see pdf_new and pdf_save). */
int digest_pdf_write(const char *path, const struct digest_input *in,
		     enum pdf_paper paper, struct cx_error *e);

#endif
