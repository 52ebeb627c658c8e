/* report.h - the result of a run, as one model written two ways:
 * report.xml (docs/report-xml.md; the input of the mail templates) and
 * report.json (the same content for scripts). Both writers are
 * deterministic: the same model gives the same bytes (no times, no
 * addresses, pairs in watchlist order, the ranking in rank order).
 */
#ifndef CONVEX_REPORT_H
#define CONVEX_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "chart.h"
#include "date.h"
#include "err.h"
#include "job.h"
#include "rank.h"
#include "stats.h"

/* Longest reason a pair was skipped. */
#define REPORT_REASON_MAX (CX_ERRMSG_MAX + 64)
/* Longest file name inside a run directory ("charts/ID-rolling@2x.png"). */
#define REPORT_FILE_MAX (sizeof ((struct job_pair *)0)->id + 32)

struct report_asset {
	const struct job_asset *asset;
	bool has_prices;
	cx_date first, last;    /* first/last price on or before the run date */
	bool stale;             /* last price change more than stale_days before as-of */
	int days;               /* as-of minus the last price change, calendar
				 * days: minus `last`, or minus the first of a
				 * closing run of identical closes (a feed that
				 * repeats its last value) when there is one */
	const char *quality;    /* data-quality note (quality.h), NULL: none;
				 * borrowed from the run */
};

struct report_pair {
	const struct job_pair *jp;
	const struct job_asset *a, *b;
	bool ok;                /* statistics computed */
	bool mail_chart;        /* the email's rolling chart is drawn (plan.h) */
	char reason[REPORT_REASON_MAX]; /* why not, when !ok */
	struct pair_stats st;   /* valid when ok; released by the owner */
	struct rank_item rank;  /* ranking fields; valid when ok */
	size_t *related;        /* indices of ok pairs sharing a symbol; owned */
	size_t nrelated;
};

/* The digest's correlation heatmap: the 1Y r (stats_window, W_1Y) of every
 * pair of its symbols, whether or not the pair is on the watchlist. The
 * symbols: the watchlist's (report.assets) that have prices and are not
 * stale, in job order, the first CHART_HEATMAP_MAX. Each cell is as of the
 * pair's last common date on or before the run's date (as for watchlist
 * pairs), with the job's lookback; no value ("n/a") only where that has no
 * full 1Y window (or zero variance). */
struct report_heatmap {
	size_t n;                         /* symbols */
	size_t idx[CHART_HEATMAP_MAX];    /* their indices into report.assets */
	double *r;                        /* n x n, r[i*n + j]; owned */
	bool *has_r;                      /* n x n; the diagonal: true, r 1 */
};

struct report {
	const struct job *job;
	cx_date as_of;          /* the run's date */
	double alpha;           /* BH level */
	struct report_asset *assets;  /* the watchlist's symbols, job order */
	size_t nassets;
	struct report_pair *pairs;    /* every watchlist pair, job order */
	size_t npairs;
	size_t *order;          /* indices of ok pairs in rank order */
	size_t nranked;
	size_t tests;           /* pairs with a z (BH's m) */
	struct report_heatmap heatmap;  /* report_heatmap_compute, or a shard's */
};

/* File names inside the run directory (relative), into buf. `kind`:
 * "pdf", "rolling", "rolling@2x", "scatter", "years". Returns buf. */
char *report_pair_file(const struct report_pair *p, const char *kind,
		       char *buf, size_t size);
#define REPORT_DIGEST_PDF   "pdf/digest.pdf"
#define REPORT_SHIFTS_PNG   "charts/shifts.png"
/* The email's shifts chart (chart.h, CHART_MAIL_*): the first
 * CHART_MAIL_SHIFTS pairs of the ranking (fewer when fewer are ranked). */
#define REPORT_SHIFTS_MAIL_PNG "charts/shifts-mail.png"
#define REPORT_HEATMAP_PNG  "charts/heatmap.png"

/* Compute r->heatmap (see struct report_heatmap) from the prices `p`, once
 * r->as_of and r->assets are set. Deterministic: the same prices give the
 * same bits whatever the thread count of the run. Out of memory aborts. */
void report_heatmap_compute(struct report *r, const struct prices *p);
/* Free what a heatmap owns and empty it. */
void report_heatmap_release(struct report_heatmap *h);

/* The heatmap's symbols (r->heatmap): writes at most `max` indices into
 * r->assets to idx and returns their count. */
size_t report_heatmap_symbols(const struct report *r, size_t *idx, size_t max);
/* The heatmap cell of assets i and j (indices into r->assets): true with
 * *out set when both are heatmap symbols and the cell has a value. */
bool report_heatmap_cell(const struct report *r, size_t i, size_t j, double *out);

/* Write report.xml / report.json to `path`. Returns 0, or -1 with `e` set
 * (CX_ECANTCREAT, CX_EIO, CX_ESOFTWARE). */
int report_xml_write(const struct report *r, const char *path, struct cx_error *e);
int report_json_write(const struct report *r, const char *path, struct cx_error *e);

#endif
