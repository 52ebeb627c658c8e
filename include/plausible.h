/* plausible.h - is a daily price series believable? The checks a person
 * opening the CSV would make, run on fetched bodies and price files alike
 * before their prices are stored or used.
 *
 *   future   a date after the next calendar day (UTC) plus a tolerance:
 *            refused (plausible_date_limit, plausible_first_after).
 *   spike    a one-day move against both neighbours: |ln return| into the
 *            day and out of it both above the threshold, of opposite signs,
 *            the second undoing at least half of the first: a suspected bad
 *            print (a x10 typo gives +2.30 then -2.30).
 *   split    one move above the threshold within split_tol + 3 x the
 *            robust daily volatility (the day's own move rides on top of
 *            the split) of the log of a common split ratio (2:1, 3:1, 3:2, 4:1, 5:1, 10:1, 20:1 and
 *            the reverse splits) that does not reverse: a suspected
 *            unadjusted split.
 * The threshold of a day is max(spike_sigmas x the robust daily volatility,
 * jump_min), the volatility being 1.4826 x the median absolute deviation
 * of the `vol_window` log returns before the day (after it near the start).
 *
 *   overlap  a new body against the stored history (plausible_compare): the
 *            median ratio new/old over the common dates, and how many dates
 *            differ from old x that ratio by more than `match_tol`. Many
 *            disagreeing dates (> mismatch_share) mean another series (a
 *            wrong ticker): quarantined. A ratio away from 1 with agreement
 *            is a re-adjustment (dividend or split) of the whole history.
 * Pure functions, no I/O; the thresholds are documented in docs/prices.md.
 */
#ifndef CONVEX_PLAUSIBLE_H
#define CONVEX_PLAUSIBLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "date.h"

/* Defaults (plausible_opts_init) and their reasons in docs/prices.md. */
#define PLAUSIBLE_FUTURE_DAYS    0      /* days beyond tomorrow (UTC) */
#define PLAUSIBLE_SPIKE_SIGMAS   10.0   /* robust daily vols */
#define PLAUSIBLE_JUMP_MIN       0.2    /* |ln return|: a 22 % rise or an 18 % fall */
#define PLAUSIBLE_VOL_WINDOW     60     /* returns for the robust vol */
#define PLAUSIBLE_VOL_MIN_N      20     /* fewer: the threshold is jump_min */
#define PLAUSIBLE_SPLIT_TOL      0.03   /* |ln move - ln ratio| */
#define PLAUSIBLE_MATCH_TOL      0.005  /* relative, after the ratio */
#define PLAUSIBLE_MISMATCH_SHARE 0.2    /* of the common dates */
#define PLAUSIBLE_OVERLAP_MIN    5      /* fewer common dates: no verdict */
/* A ratio within this of 1 is no re-adjustment (relative). */
#define PLAUSIBLE_RATIO_EPS      1e-6

enum plausible_policy {
	PLAUSIBLE_FLAG,     /* compute; mark the pairs */
	PLAUSIBLE_EXCLUDE,  /* drop the returns a suspect day touches */
};

struct plausible_opts {
	int future_days;
	double spike_sigmas, jump_min, split_tol;
	int vol_window;
	double match_tol, mismatch_share;
	enum plausible_policy policy;
};

void plausible_opts_init(struct plausible_opts *o);

enum plausible_kind { PLAUSIBLE_SPIKE, PLAUSIBLE_SPLIT };

/* One suspect day: index `i` of the series (the day of the move). */
struct plausible_flag {
	enum plausible_kind kind;
	size_t i;
	cx_date date;
	double before, at;      /* closes on the day before and on the day */
	double ratio;           /* SPLIT: the matched ratio at/before */
};

/* "suspected bad print" / "suspected unadjusted split". */
const char *plausible_kind_name(enum plausible_kind k);

/* The last acceptable date at Unix time `now`: tomorrow (UTC) + days. */
cx_date plausible_date_limit(int64_t now, int days);

/* Index of the first of the `n` increasing dates after `limit` (n when
 * none). */
size_t plausible_first_after(const cx_date *dates, size_t n, cx_date limit);

/* Scan the `n` closes (> 0, dates increasing) for spikes and splits.
 * Returns the number of flags and puts them, in date order, in a malloc'd
 * array *out (caller frees; NULL when none). Never fails (aborts on
 * out-of-memory). */
size_t plausible_scan(const cx_date *dates, const double *close, size_t n,
		      const struct plausible_opts *o,
		      struct plausible_flag **out);

/* What a body says about the stored history on their common dates. */
struct plausible_overlap {
	size_t common;          /* dates in both */
	size_t disagree;        /* |new - ratio x old| > match_tol x new */
	double ratio;           /* median new/old; 1 when common == 0 */
	bool other_series;      /* common >= PLAUSIBLE_OVERLAP_MIN and
				   disagree > mismatch_share x common */
	bool readjusted;        /* not other_series, and ratio away from 1 */
};

/* Compare `nn` new closes with `no` old ones (each by increasing date). */
void plausible_compare(const cx_date *old_d, const double *old_c, size_t no,
		       const cx_date *new_d, const double *new_c, size_t nn,
		       const struct plausible_opts *o,
		       struct plausible_overlap *ov);

#endif
