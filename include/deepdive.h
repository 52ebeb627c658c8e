/* deepdive.h - the Correlation Deep Dive of one pair as PDF pages: title
 * with the long names, data window, the four window tiles, "What the number
 * means", "Recent vs long-run", the rolling chart, the 1-year statistics
 * with the scatter chart, year by year (table and chart), the rolling
 * 90-day extremes, related correlations (when given), methodology and
 * disclaimer. Every value without data prints "n/a".
 */
#ifndef CONVEX_DEEPDIVE_H
#define CONVEX_DEEPDIVE_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "layout.h"
#include "pdf.h"
#include "stats.h"

/* Another watchlist pair sharing a symbol, for "Related correlations". */
struct deepdive_related {
	const char *a, *b;      /* symbols */
	bool has_r90;
	double r90;
	bool has_delta;
	double delta;           /* 90-day minus 5-year */
};

struct deepdive_input {
	const struct pair_stats *s;
	const char *name_a, *name_b;   /* long names; NULL or "" = the symbol */
	const struct deepdive_related *related;  /* optional */
	size_t nrelated;
	long long created;   /* the PDF's creation time (pdf_meta.created); 0: now */
	/* the data-quality notes of A and B (quality.h); NULL: none. A
	 * "Data quality" section lists them before the methodology. */
	const char *quality_a, *quality_b;
};

/* Lay out the deep dive in `l`, starting at the cursor (the caller starts a
 * page when it wants one). Bookmarks: one per section under
 * `outline_parent` (-1: top level). Never fails on its own (libharu errors
 * surface in pdf_save). */
void deepdive_layout(struct layout *l, const struct deepdive_input *in,
		     int outline_parent);

/* Write the deep dive of one pair as a PDF/A-1b file at `path` (atomically)
 * on `paper`. Returns 0, or -1 with `e` set (see pdf_new and pdf_save). */
int deepdive_write(const char *path, const struct deepdive_input *in,
		   enum pdf_paper paper, struct cx_error *e);

#endif
