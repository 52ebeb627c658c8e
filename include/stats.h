/* stats.h - the statistics of the Correlation Deep Dive for one pair A/B.
 *
 * Definitions (the contract every report builds on):
 *  - Alignment: the dates on which both A and B have a valid price.
 *  - Returns: ln(P_t / P_{t-1}) between consecutive aligned dates, dated by
 *    the later date.
 *  - As-of: the last aligned date on or before opts.as_of (default: the last
 *    aligned date). History: the returns dated after the same calendar day
 *    `lookback_years` before the as-of date (Feb 29 -> Feb 28), up to as-of.
 *  - Windows: the most recent 30, 90, 252 returns; 5Y = all of the history up
 *    to the most recent 1,260 (needs at least 30). Not full = no value.
 *  - CI95 by Fisher transform; year by year (no r below 20 returns); rolling
 *    90-day extremes (ties: earliest); shift = r90 - r5y tested against the
 *    baseline (5Y without its last 90 returns, needs 30 returns).
 * No value is ever NaN or infinite: a missing value has its `has_` flag false.
 * Zero variance (a stale price) gives no correlation.
 */
#ifndef CONVEX_STATS_H
#define CONVEX_STATS_H

#include <stdbool.h>
#include <stddef.h>

#include "date.h"
#include "err.h"
#include "prices.h"

enum stats_window { W_30D, W_90D, W_1Y, W_5Y, W_COUNT };

#define STATS_W30 30
#define STATS_W90 90
#define STATS_W1Y 252
#define STATS_W5Y 1260
#define STATS_MIN_5Y 30        /* fewest returns for a 5Y and a baseline value */
#define STATS_MIN_YEAR 20      /* fewest returns for a calendar-year value */
#define STATS_Z95 1.959963984540054

struct window_stat {
	size_t n;            /* returns in the window (0 when not full) */
	bool has_r;
	double r;
	bool has_ci;         /* false when no r, |r| = 1 or n <= 3 */
	double ci_lo, ci_hi;
};

struct year_stat {
	int year;
	size_t n;
	bool has_r;
	double r;
};

struct roll_extreme {
	bool ok;
	double r;
	cx_date end;         /* date of the window's last return */
};

/* The rolling 90-day r on the last return of a calendar month (or of the
 * history): the rolling chart's numbers as a table. */
struct month_end {
	cx_date end;
	double r;
};

struct pair_stats {
	const char *a, *b;   /* symbols; borrowed from the series */
	cx_date as_of;       /* last aligned date used */
	cx_date start;       /* date of the first return in the history */
	size_t observations; /* returns in the history */
	cx_date first_price; /* first aligned date with a price (data window) */

	struct window_stat win[W_COUNT];

	struct {
		bool ok;         /* false when the 1Y window is not full */
		size_t n;
		bool has_r;
		double r, r2;
		bool has_beta;   /* false when var(B) = 0 */
		double beta;
		double vol_a, vol_b; /* daily sample standard deviations (n-1) */
	} one_year;

	struct {
		bool has_delta;
		double delta;        /* r90 - r5y */
		bool has_baseline;
		double baseline_r;
		size_t baseline_n;
		bool has_z;          /* false when either r is missing or |r| = 1 */
		double z, p;         /* two-sided normal p-value */
	} shift;

	struct year_stat *years; /* newest first; owned */
	size_t nyears;

	struct roll_extreme roll_max, roll_min;

	/* The history itself, kept for charts: returns dated dates[i]. Owned.
	 * NULL after stats_drop_history (n stays the history's length). */
	cx_date *dates;
	double *ra, *rb;
	size_t n;

	/* stats_month_ends; owned; NULL until then. */
	struct month_end *months;
	size_t nmonths;
};

struct stats_opts {
	cx_date as_of;          /* 0: the last aligned date */
	int lookback_years;     /* > 0; default 5 */
};

/* Compute the deep dive of A/B into *out (which the caller then releases
 * with stats_release, also after an error).
 * Errors: CX_EDATA when A and B share fewer than two dates, or none on or
 * before the as-of date. */
int stats_compute(const struct series *a, const struct series *b,
		  const struct stats_opts *opts, struct pair_stats *out,
		  struct cx_error *e);
void stats_release(struct pair_stats *s);

/* Fill s->months from the history (a no-op without one, or when filled). */
void stats_month_ends(struct pair_stats *s);

/* Free the history (dates, ra, rb), keeping every other field and n: a run
 * holds thousands of pairs' results at once and draws each pair's charts
 * from its history recomputed (stats_compute is deterministic). */
void stats_drop_history(struct pair_stats *s);

/* The log returns of one series, r[t] = ln(close[t] / close[t-1]) for
 * t >= 1 (r[0] = 0), to compute once and share among the pairs of the
 * series. Returns an array of max(n, 1) items the caller frees; aborts on
 * out-of-memory. */
double *stats_returns(const struct series *s);

/* stats_compute with the returns of A and B from stats_returns (either may
 * be NULL). They are used when A and B have the same dates (a wide file),
 * else ignored; the result is the same, bit for bit, either way. */
int stats_compute_returns(const struct series *a, const double *ret_a,
			  const struct series *b, const double *ret_b,
			  const struct stats_opts *opts, struct pair_stats *out,
			  struct cx_error *e);

/* Window `w` of A/B alone, exactly as stats_compute computes it (the same
 * alignment, as-of rule, history and Pearson code) without the rest of the
 * deep dive: the heatmap's cells of pairs that are not on the watchlist.
 * Returns 0 with *out set (out->has_r false when the window is not full
 * or has zero variance) and *as_of the aligned date used (may be NULL), or
 * -1 with `e` set as stats_compute sets it (CX_EDATA: fewer than two
 * shared dates, or none on or before the as-of date). */
int stats_window(const struct series *a, const struct series *b,
		 const struct stats_opts *opts, enum stats_window w,
		 struct window_stat *out, cx_date *as_of, struct cx_error *e);

/* Pearson r of x and y (n values) by a two-pass computation.
 * Returns false (and leaves *r alone) when n < 2 or either has zero variance.
 * |*r| <= 1 always. */
bool stats_pearson(const double *x, const double *y, size_t n, double *r);

/* Rolling correlation over the history: for every i >= window-1, out[i] is r
 * of the `window` returns ending at i, ok[i] says whether it has a value;
 * out[i], ok[i] for i < window-1 are set to 0/false. Arrays hold s->n items.
 * O(n): sums slide from window to window, rebuilt exactly every few windows,
 * so each out[i] is within 1e-12 of stats_pearson on that window (not always
 * bit-identical); ok[i] is exactly stats_pearson's answer. */
void stats_rolling(const struct pair_stats *s, size_t window, double *out,
		   bool *ok);

/* Strength label of r: "Essentially uncorrelated" (|r| < 0.2), else
 * "Weak/Moderate/Strong/Very strong positive/negative". Static string. */
const char *stats_label(double r);

/* Window name as used in JSON and tables: "30d", "90d", "1y", "5y". */
const char *stats_window_key(enum stats_window w);

#endif
