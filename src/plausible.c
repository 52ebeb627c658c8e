/* plausible.c - the plausibility checks of price series (plausible.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plausible.h"
#include "xalloc.h"

/* Common split ratios (new shares per old share); the reverse splits are
 * their inverses. */
static const double split_ratios[] = {2, 3, 1.5, 4, 5, 10, 20};

void plausible_opts_init(struct plausible_opts *o)
{
	o->future_days = PLAUSIBLE_FUTURE_DAYS;
	o->spike_sigmas = PLAUSIBLE_SPIKE_SIGMAS;
	o->jump_min = PLAUSIBLE_JUMP_MIN;
	o->split_tol = PLAUSIBLE_SPLIT_TOL;
	o->vol_window = PLAUSIBLE_VOL_WINDOW;
	o->match_tol = PLAUSIBLE_MATCH_TOL;
	o->mismatch_share = PLAUSIBLE_MISMATCH_SHARE;
	o->policy = PLAUSIBLE_FLAG;
}

const char *plausible_kind_name(enum plausible_kind k)
{
	return k == PLAUSIBLE_SPIKE ? "suspected bad print" : "suspected unadjusted split";
}

cx_date plausible_date_limit(int64_t now, int days)
{
	return (cx_date)(now / 86400) + 1 + days;
}

size_t plausible_first_after(const cx_date *dates, size_t n, cx_date limit)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (dates[mid] <= limit)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Median of `n` values (sorted in place). */
static double median(double *v, size_t n)
{
	qsort(v, n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* 1.4826 x MAD of ret[from, to): a volatility that one bad day cannot
 * inflate. `tmp` holds at least to - from values. */
static double robust_vol(const double *ret, size_t from, size_t to, double *tmp)
{
	size_t n = to - from;
	double med;

	memcpy(tmp, ret + from, n * sizeof *tmp);
	med = median(tmp, n);
	for (size_t i = 0; i < n; i++)
		tmp[i] = fabs(ret[from + i] - med);
	return 1.4826 * median(tmp, n);
}

/* The threshold of the move into day i (ret[i] = ln c[i]/c[i-1]): the
 * window before it, else the one after it (near the start of the series),
 * never touching ret[i] or ret[i + 1]. */
static double threshold(const double *ret, size_t nret, size_t i,
			const struct plausible_opts *o, double *tmp, double *vol)
{
	size_t w = (size_t)o->vol_window, from, to;
	double t;

	*vol = 0;
	if (i >= 1 + PLAUSIBLE_VOL_MIN_N) {
		to = i;
		from = to > 1 + w ? to - w : 1;
	} else {
		from = i + 2;
		to = from + w < nret ? from + w : nret;
	}
	if (to <= from || to - from < PLAUSIBLE_VOL_MIN_N)
		return o->jump_min;
	*vol = robust_vol(ret, from, to, tmp);
	t = o->spike_sigmas * *vol;
	return t > o->jump_min ? t : o->jump_min;
}

/* The split ratio `move` (ln at/before) matches, or 0. */
static double split_match(double move, double tol)
{
	for (size_t k = 0; k < sizeof split_ratios / sizeof split_ratios[0]; k++) {
		double l = log(split_ratios[k]);
		if (fabs(move + l) <= tol)
			return 1 / split_ratios[k];  /* a split: the price falls */
		if (fabs(move - l) <= tol)
			return split_ratios[k];      /* a reverse split */
	}
	return 0;
}

static void push(struct plausible_flag **out, size_t *n, size_t *cap,
		 struct plausible_flag f)
{
	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 8;
		*out = xrealloc_array(*out, *cap, sizeof **out);
	}
	(*out)[(*n)++] = f;
}

size_t plausible_scan(const cx_date *dates, const double *close, size_t n,
		      const struct plausible_opts *o,
		      struct plausible_flag **out)
{
	double *ret, *tmp;
	size_t nf = 0, cap = 0;

	*out = NULL;
	if (n < 3)
		return 0;
	ret = xcalloc(n, sizeof *ret);
	tmp = xcalloc(n, sizeof *tmp);
	for (size_t i = 1; i < n; i++)
		ret[i] = log(close[i] / close[i - 1]);
	for (size_t i = 1; i < n; i++) {
		double vol, t, a = ret[i];
		double b = i + 1 < n ? ret[i + 1] : 0, ratio;
		struct plausible_flag f = {.i = i, .date = dates[i],
					   .before = close[i - 1], .at = close[i]};
		/* The threshold is never below jump_min: a smaller move needs no
		 * robust volatility (two sorts of a window), which is most days. */
		if (fabs(a) <= o->jump_min)
			continue;
		t = threshold(ret, n, i, o, tmp, &vol);
		if (fabs(a) <= t)
			continue;
		if (fabs(b) > t && a * b < 0 && fabs(a + b) <= 0.5 * fabs(a)) {
			f.kind = PLAUSIBLE_SPIKE;
			push(out, &nf, &cap, f);
			i++;  /* the way back is part of the same print */
		} else if ((ratio = split_match(a, o->split_tol + 3 * vol)) != 0) {
			f.kind = PLAUSIBLE_SPLIT;
			f.ratio = ratio;
			push(out, &nf, &cap, f);
		}
	}
	free(ret);
	free(tmp);
	return nf;
}

void plausible_compare(const cx_date *old_d, const double *old_c, size_t no,
		       const cx_date *new_d, const double *new_c, size_t nn,
		       const struct plausible_opts *o,
		       struct plausible_overlap *ov)
{
	size_t cap = no < nn ? no : nn, m = 0, i = 0, k = 0;
	double *r = xcalloc(cap ? cap : 1, sizeof *r), *rc = xcalloc(cap ? cap : 1, sizeof *rc);
	size_t *oi = xcalloc(cap ? cap : 1, sizeof *oi), *ni = xcalloc(cap ? cap : 1, sizeof *ni);

	memset(ov, 0, sizeof *ov);
	ov->ratio = 1;
	while (i < no && k < nn) {
		if (old_d[i] < new_d[k]) {
			i++;
		} else if (old_d[i] > new_d[k]) {
			k++;
		} else {
			oi[m] = i;
			ni[m] = k;
			r[m++] = new_c[k++] / old_c[i++];
		}
	}
	ov->common = m;
	if (m > 0) {
		memcpy(rc, r, m * sizeof *rc);
		ov->ratio = median(rc, m);
	}
	for (size_t j = 0; j < m; j++) {
		double want = ov->ratio * old_c[oi[j]], got = new_c[ni[j]];
		ov->disagree += fabs(got - want) > o->match_tol * got;
	}
	ov->other_series = m >= PLAUSIBLE_OVERLAP_MIN &&
			   (double)ov->disagree > o->mismatch_share * (double)m;
	ov->readjusted = !ov->other_series && m > 0 &&
			 fabs(ov->ratio - 1) > PLAUSIBLE_RATIO_EPS;
	free(r);
	free(rc);
	free(oi);
	free(ni);
}
