/* stats.c - the statistics of the Correlation Deep Dive (see stats.h).
 *
 * Written by hand: the arithmetic is a few dozen lines, and the Debian
 * numerical libraries (GSL's gsl_stats_correlation) use an update formula
 * whose zero-variance behaviour is NaN; here every correlation is a plain
 * two-pass computation (means first, then centred sums) in double, which
 * stays within 1e-12 of an exact computation on daily returns. Rolling
 * windows slide their sums in O(1) per window with periodic exact rebuilds
 * (see "rolling windows" below).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "xalloc.h"

/* Fisher z of the recent window in the shift test uses n = 90: 1/(90-3). */
#define SHIFT_RECENT_N STATS_W90

/* Whether x[0..n) holds two different values. Checked exactly, not by
 * comparing a centred sum with zero, because the mean of equal values need
 * not round back to that value. */
static bool varies(const double *x, size_t n)
{
	/* The analyzer assumes s->n == STATS_W1Y after build_history filled
	 * one row; n is the count filled, so x[i] is always initialised. */
	for (size_t i = 1; i < n; i++)
		if (x[i] != x[0]) /* NOLINT(clang-analyzer-core.UndefinedBinaryOperatorResult) */
			return true;
	return false;
}

/* The second pass: sums of (x-mx)^2, (y-my)^2, (x-mx)(y-my) and, when sx
 * is not NULL, of x-mx and y-my. In locals, not through the pointers (which
 * could alias x and y), so the sums stay in registers. */
static void centred_about(const double *x, const double *y, size_t n, double mx,
			  double my, double *sxx, double *syy, double *sxy,
			  double *sx, double *sy)
{
	double qx = 0, qy = 0, p = 0, ux = 0, uy = 0;

	for (size_t i = 0; i < n; i++) {
		double dx = x[i] - mx, dy = y[i] - my;
		qx += dx * dx;
		qy += dy * dy;
		p += dx * dy;
		ux += dx;
		uy += dy;
	}
	*sxx = qx;
	*syy = qy;
	*sxy = p;
	if (sx != NULL) {
		*sx = ux;
		*sy = uy;
	}
}

/* Two-pass centred sums of x and y (n >= 1). */
static void centred_sums(const double *x, const double *y, size_t n,
			 double *sxx, double *syy, double *sxy)
{
	double mx = 0, my = 0;

	for (size_t i = 0; i < n; i++) {
		mx += x[i];
		my += y[i];
	}
	mx /= (double)n;
	my /= (double)n;
	centred_about(x, y, n, mx, my, sxx, syy, sxy, NULL, NULL);
}

static double clamp_unit(double r)
{
	return r > 1 ? 1 : r < -1 ? -1 : r;
}

bool stats_pearson(const double *x, const double *y, size_t n, double *r)
{
	double sxx, syy, sxy;

	if (n < 2 || !varies(x, n) || !varies(y, n))
		return false;
	centred_sums(x, y, n, &sxx, &syy, &sxy);
	if (!(sxx > 0 && syy > 0))
		return false;
	*r = clamp_unit(sxy / sqrt(sxx * syy));
	return true;
}

/* Sample standard deviation (n-1) by two passes; n >= 2. */
static double sample_sd(const double *x, size_t n)
{
	double m = 0, ss = 0;

	if (!varies(x, n))
		return 0;
	for (size_t i = 0; i < n; i++)
		m += x[i];  /* NOLINT(clang-analyzer-core.uninitialized.Assign): as in varies() */
	m /= (double)n;
	for (size_t i = 0; i < n; i++)
		ss += (x[i] - m) * (x[i] - m);
	return sqrt(ss / (double)(n - 1));
}

const char *stats_label(double r)
{
	static const struct {
		double below;
		const char *pos, *neg;
	} table[] = {
		{0.2, "Essentially uncorrelated", "Essentially uncorrelated"},
		{0.4, "Weak positive", "Weak negative"},
		{0.6, "Moderate positive", "Moderate negative"},
		{0.8, "Strong positive", "Strong negative"},
	};
	double a = fabs(r);

	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (a < table[i].below)
			return r < 0 ? table[i].neg : table[i].pos;
	return r < 0 ? "Very strong negative" : "Very strong positive";
}

const char *stats_window_key(enum stats_window w)
{
	static const char *const keys[W_COUNT] = {"30d", "90d", "1y", "5y"};
	return (unsigned)w < W_COUNT ? keys[w] : "?";
}

/* ---- alignment and history --------------------------------------------- */

/* Prices of A and B on their shared dates. When A and B have the very same
 * dates (a wide file) the arrays are the series' own, borrowed, and so are
 * their returns when the caller has them (stats_returns). */
struct aligned {
	cx_date *dates;
	double *pa, *pb;
	size_t n;
	bool borrowed;
	const double *ra, *rb;   /* ln(p[t] / p[t-1]) at t >= 1, or NULL */
};

static void aligned_release(struct aligned *al)
{
	if (al->borrowed)
		return;
	free(al->dates);
	free(al->pa);
	free(al->pb);
}

static void align(const struct series *a, const struct series *b,
		  struct aligned *al)
{
	size_t cap = a->n < b->n ? a->n : b->n, i = 0, j = 0;

	memset(al, 0, sizeof *al);
	if (cap == 0)
		return;
	if (a->n == b->n && memcmp(a->dates, b->dates, a->n * sizeof *a->dates) == 0) {
		*al = (struct aligned){.dates = a->dates, .pa = a->close, .pb = b->close,
				       .n = a->n, .borrowed = true};
		return;
	}
	/* filled up to al->n below and never read beyond it: no zeroing */
	al->dates = xmalloc(cap * sizeof *al->dates);
	al->pa = xmalloc(cap * sizeof *al->pa);
	al->pb = xmalloc(cap * sizeof *al->pb);
	while (i < a->n && j < b->n) {
		if (a->dates[i] < b->dates[j]) {
			i++;
		} else if (a->dates[i] > b->dates[j]) {
			j++;
		} else {
			al->dates[al->n] = a->dates[i];
			al->pa[al->n] = a->close[i++];
			al->pb[al->n++] = b->close[j++];
		}
	}
}

/* Index of the last aligned date on or before as_of (0: the last one), or
 * (size_t)-1 when there is none. */
static size_t as_of_index(const struct aligned *al, cx_date as_of)
{
	size_t k = al->n;

	if (as_of == 0)
		return al->n - 1;
	while (k > 0 && al->dates[k - 1] > as_of)
		k--;
	return k - 1;
}

/* Fill s->dates/ra/rb with the returns of the history ending at aligned
 * index k: those dated after the same day `years` earlier. */
static void build_history(const struct aligned *al, size_t k, int years,
			  struct pair_stats *s)
{
	cx_date cutoff = date_minus_years(al->dates[k], years);
	size_t first = k;

	while (first > 1 && al->dates[first - 1] > cutoff)
		first--;
	s->n = k - first + 1;
	s->dates = xmalloc(s->n * sizeof *s->dates);  /* all filled below */
	s->ra = xmalloc(s->n * sizeof *s->ra);
	s->rb = xmalloc(s->n * sizeof *s->rb);
	for (size_t i = 0; i < s->n; i++) {
		size_t t = first + i;
		s->dates[i] = al->dates[t];
		/* the same expression as stats_returns: the same bits */
		s->ra[i] = al->ra != NULL ? al->ra[t] : log(al->pa[t] / al->pa[t - 1]);
		s->rb[i] = al->rb != NULL ? al->rb[t] : log(al->pb[t] / al->pb[t - 1]);
	}
	s->as_of = al->dates[k];
	s->start = al->dates[first];
	s->first_price = al->dates[first - 1];
	s->observations = s->n;
}

/* ---- the sections of the deep dive ------------------------------------- */

static void fisher_ci(struct window_stat *w)
{
	double half;

	w->has_ci = w->has_r && fabs(w->r) < 1 && w->n > 3;
	if (!w->has_ci)
		return;
	half = STATS_Z95 / sqrt((double)(w->n - 3));
	w->ci_lo = tanh(atanh(w->r) - half);
	w->ci_hi = tanh(atanh(w->r) + half);
}

/* r of the last `len` returns of the history. */
static void window_at_end(const struct pair_stats *s, size_t len,
			  struct window_stat *w)
{
	memset(w, 0, sizeof *w);
	w->n = len;
	w->has_r = stats_pearson(s->ra + s->n - len, s->rb + s->n - len, len, &w->r);
	fisher_ci(w);
}

static void compute_windows(struct pair_stats *s)
{
	static const size_t fixed[] = {
		[W_30D] = STATS_W30, [W_90D] = STATS_W90, [W_1Y] = STATS_W1Y,
	};
	size_t n5 = s->n < STATS_W5Y ? s->n : STATS_W5Y;

	for (int w = W_30D; w <= W_1Y; w++) {
		if (s->n >= fixed[w])
			window_at_end(s, fixed[w], &s->win[w]);
	}
	if (n5 >= STATS_MIN_5Y)
		window_at_end(s, n5, &s->win[W_5Y]);
}

static void compute_one_year(struct pair_stats *s)
{
	const struct window_stat *w = &s->win[W_1Y];
	const double *x, *y;
	double sxx, syy, sxy;

	if (w->n != STATS_W1Y)
		return;
	x = s->ra + s->n - STATS_W1Y;
	y = s->rb + s->n - STATS_W1Y;
	s->one_year.ok = true;
	s->one_year.n = STATS_W1Y;
	s->one_year.has_r = w->has_r;
	s->one_year.r = w->has_r ? w->r : 0;
	s->one_year.r2 = s->one_year.r * s->one_year.r;
	s->one_year.vol_a = sample_sd(x, STATS_W1Y);
	s->one_year.vol_b = sample_sd(y, STATS_W1Y);
	/* beta = cov(A,B)/var(B): needs B to move; a constant A has beta 0 */
	if (varies(y, STATS_W1Y)) {
		centred_sums(x, y, STATS_W1Y, &sxx, &syy, &sxy);
		s->one_year.has_beta = true;
		s->one_year.beta = varies(x, STATS_W1Y) ? sxy / syy : 0;
	}
}

static void compute_shift(struct pair_stats *s)
{
	const struct window_stat *r90 = &s->win[W_90D], *r5 = &s->win[W_5Y];
	size_t nb;
	double zb;

	if (r90->has_r && r5->has_r) {
		s->shift.has_delta = true;
		s->shift.delta = r90->r - r5->r;
	}
	if (r5->n < STATS_W90 + STATS_MIN_5Y)
		return;
	nb = r5->n - STATS_W90;
	s->shift.baseline_n = nb;
	s->shift.has_baseline = stats_pearson(s->ra + s->n - r5->n,
					      s->rb + s->n - r5->n, nb,
					      &s->shift.baseline_r);
	if (!s->shift.has_baseline || !r90->has_r || fabs(r90->r) >= 1 ||
	    fabs(s->shift.baseline_r) >= 1)
		return;
	zb = sqrt(1.0 / (SHIFT_RECENT_N - 3) + 1.0 / (double)(nb - 3));
	s->shift.has_z = true;
	s->shift.z = (atanh(r90->r) - atanh(s->shift.baseline_r)) / zb;
	s->shift.p = erfc(fabs(s->shift.z) / sqrt(2.0));
}

static void compute_years(struct pair_stats *s)
{
	size_t end = s->n;

	if (s->n == 0)
		return;
	/* at most one entry per calendar year the history touches */
	int span = date_year(s->dates[s->n - 1]) - date_year(s->dates[0]) + 1;
	s->years = xcalloc((size_t)span, sizeof *s->years);
	while (end > 0) {
		int year = date_year(s->dates[end - 1]);
		cx_date jan1 = date_from_ymd(year, 1, 1);
		size_t begin = end;
		struct year_stat *y = &s->years[s->nyears++];

		/* dates are ascending: the year starts after the last one before
		 * its January 1 (one conversion per year, not per date) */
		while (begin > 0 && s->dates[begin - 1] >= jan1)
			begin--;
		y->year = year;
		y->n = end - begin;
		y->has_r = y->n >= STATS_MIN_YEAR &&
			   stats_pearson(s->ra + begin, s->rb + begin, y->n, &y->r);
		end = begin;
	}
}

/* ---- rolling windows ----------------------------------------------------
 *
 * A rolling correlation slides one return in and one out per window, so its
 * sums cost O(1) per window instead of O(w). Running sums drift, so they are
 * kept about a pivot (the mean of the last exactly computed window) and
 * rebuilt by the two-pass computation every ROLL_EXACT_EVERY windows, and
 * whenever a centred sum has fallen below 1/ROLL_CANCEL_MAX of the largest
 * partial sum seen since the rebuild (cancellation). Between rebuilds each
 * of the at most 4*ROLL_EXACT_EVERY additions errs by at most one rounding
 * of that largest partial sum, so a centred sum is off by at most
 * ~8 * 32 * 8 * 2^-53 = 2.3e-13 of itself, and r by at most twice that:
 * within 1e-12 of the two-pass value (tests/unit/test_stats.c checks every
 * window of every Dow pair against a long-double two-pass reference).
 * Whether a window varies at all is decided exactly, from the length of the
 * run of equal values ending at each return, as varies() does. */
#define ROLL_EXACT_EVERY 32
#define ROLL_CANCEL_MAX 8.0

struct roll {
	const double *x, *y;
	size_t w;                 /* window length */
	size_t since;             /* slides since the last exact rebuild */
	bool valid;               /* sums describe the window ending at i-1 */
	double px, py;            /* pivots */
	double sx, sy, qx, qy, p; /* sums of u, v, u^2, v^2, uv; u = x - px */
	double peakx, peaky;      /* largest qx, qy since the rebuild */
};

/* Rebuild the sums of the window ending at i by two passes; *r is then the
 * two-pass r exactly as stats_pearson computes it. */
static bool roll_exact(struct roll *R, size_t i, double *r)
{
	const double *x = R->x + i + 1 - R->w, *y = R->y + i + 1 - R->w;
	double mx = 0, my = 0;

	/* centred_sums' two passes (the same operations, so the same bits),
	 * keeping the means as pivots and the sums of the deviations */
	for (size_t k = 0; k < R->w; k++) {
		mx += x[k];
		my += y[k];
	}
	R->px = mx / (double)R->w;
	R->py = my / (double)R->w;
	centred_about(x, y, R->w, R->px, R->py, &R->qx, &R->qy, &R->p, &R->sx, &R->sy);
	R->peakx = R->qx;
	R->peaky = R->qy;
	R->since = 0;
	R->valid = true;
	if (!(R->qx > 0 && R->qy > 0))
		return false;
	*r = clamp_unit(R->p / sqrt(R->qx * R->qy));
	return true;
}

/* Slide the window from ending at i-1 to ending at i; false when the sums
 * may have lost digits to cancellation (the caller then rebuilds them). */
static bool roll_slide(struct roll *R, size_t i, double *r)
{
	double un = R->x[i] - R->px, vn = R->y[i] - R->py;
	double uo = R->x[i - R->w] - R->px, vo = R->y[i - R->w] - R->py;
	double n = (double)R->w, cxx, cyy, cxy;

	R->sx += un - uo;
	R->sy += vn - vo;
	R->qx += un * un;
	R->qy += vn * vn;
	R->peakx = R->qx > R->peakx ? R->qx : R->peakx;
	R->peaky = R->qy > R->peaky ? R->qy : R->peaky;
	R->qx -= uo * uo;
	R->qy -= vo * vo;
	R->p += un * vn - uo * vo;
	R->since++;
	cxx = R->qx - R->sx * R->sx / n;
	cyy = R->qy - R->sy * R->sy / n;
	cxy = R->p - R->sx * R->sy / n;
	if (!(cxx * ROLL_CANCEL_MAX >= R->peakx && cyy * ROLL_CANCEL_MAX >= R->peaky &&
	      cxx > 0 && cyy > 0))
		return false;
	*r = clamp_unit(cxy / sqrt(cxx * cyy));
	return true;
}

void stats_rolling(const struct pair_stats *s, size_t window, double *out,
		   bool *ok)
{
	struct roll R = {.x = s->ra, .y = s->rb, .w = window};
	size_t runx = 0, runy = 0;   /* equal values ending at i */

	for (size_t i = 0; i < s->n; i++) {
		runx = i > 0 && s->ra[i] == s->ra[i - 1] ? runx + 1 : 1;
		runy = i > 0 && s->rb[i] == s->rb[i - 1] ? runy + 1 : 1;
		out[i] = 0;
		ok[i] = false;
		if (window < 2 || i + 1 < window)
			continue;
		if (runx >= window || runy >= window) {
			R.valid = false;   /* zero variance: no r, as stats_pearson */
			continue;
		}
		if (R.valid && R.since < ROLL_EXACT_EVERY && roll_slide(&R, i, &out[i]))
			ok[i] = true;
		else
			ok[i] = roll_exact(&R, i, &out[i]);
		if (!ok[i])
			out[i] = 0;
	}
}

/* Highest and lowest rolling 90-day r, as the two-pass computation gives
 * them. The rolling values err by less than ROLL_SLACK / 2, so the window of
 * the exact maximum has a rolling r within ROLL_SLACK of the largest rolling
 * r: those few candidates are recomputed by two passes and compared
 * strictly, so the extremes and their dates are the two-pass ones, ties
 * going to the earliest window. */
#define ROLL_SLACK 1e-10

static void roll_extreme_pick(const struct pair_stats *s, const double *r,
			      const bool *ok, double sign, struct roll_extreme *best)
{
	double top = 0;
	bool any = false;

	for (size_t i = STATS_W90 - 1; i < s->n; i++)
		if (ok[i] && (!any || sign * r[i] > top)) {
			top = sign * r[i];
			any = true;
		}
	for (size_t i = STATS_W90 - 1; any && i < s->n; i++) {
		double exact;

		if (ok[i] && sign * r[i] >= top - ROLL_SLACK &&
		    stats_pearson(s->ra + i + 1 - STATS_W90, s->rb + i + 1 - STATS_W90,
				  STATS_W90, &exact) &&
		    (!best->ok || sign * exact > sign * best->r))
			*best = (struct roll_extreme){true, exact, s->dates[i]};
	}
}

static void rolling_corr_extremes(struct pair_stats *s)
{
	double *r = xmalloc(s->n * sizeof *r);
	bool *ok = xmalloc(s->n * sizeof *ok);

	stats_rolling(s, STATS_W90, r, ok);
	roll_extreme_pick(s, r, ok, 1, &s->roll_max);
	roll_extreme_pick(s, r, ok, -1, &s->roll_min);
	free(r);
	free(ok);
}

/* Align A and B and fill out->dates/ra/rb with the history ending at the
 * as-of date (the first stage of stats_compute and stats_window). */
static int history(const struct series *a, const struct series *b,
		   const struct stats_opts *opts, const double *const ret[2],
		   struct pair_stats *out, struct cx_error *e)
{
	struct aligned al;
	char d1[DATE_STR_SIZE], d2[DATE_STR_SIZE];
	size_t k;
	int years = opts && opts->lookback_years > 0 ? opts->lookback_years : 5;
	cx_date as_of = opts ? opts->as_of : 0;
	int rc = -1;

	memset(out, 0, sizeof *out);
	out->a = a->symbol;
	out->b = b->symbol;
	align(a, b, &al);
	if (al.borrowed && ret != NULL) {
		al.ra = ret[0];
		al.rb = ret[1];
	}
	if (al.n < 2) {
		cx_fail(e, CX_EDATA, "pair %s/%s: %s and %s share %zu date%s, "
			"need at least two", a->symbol, b->symbol, a->symbol,
			b->symbol, al.n, al.n == 1 ? "" : "s");
		goto done;
	}
	k = as_of_index(&al, as_of);
	if (k == (size_t)-1 || k == 0) {
		cx_fail(e, CX_EDATA, "pair %s/%s: %s shared date%s on or before "
			"as-of %s (first is %s)", a->symbol, b->symbol,
			k == 0 ? "only one" : "no", k == 0 ? "" : "s",
			date_format(as_of, d1), date_format(al.dates[0], d2));
		goto done;
	}
	build_history(&al, k, years, out);
	rc = 0;
done:
	aligned_release(&al);
	return rc;
}

double *stats_returns(const struct series *s)
{
	double *r = xmalloc((s->n > 0 ? s->n : 1) * sizeof *r);

	r[0] = 0;
	for (size_t t = 1; t < s->n; t++)
		r[t] = log(s->close[t] / s->close[t - 1]);
	return r;
}

int stats_compute(const struct series *a, const struct series *b,
		  const struct stats_opts *opts, struct pair_stats *out,
		  struct cx_error *e)
{
	return stats_compute_returns(a, NULL, b, NULL, opts, out, e);
}

int stats_compute_returns(const struct series *a, const double *ret_a,
			  const struct series *b, const double *ret_b,
			  const struct stats_opts *opts, struct pair_stats *out,
			  struct cx_error *e)
{
	const double *const ret[2] = {ret_a, ret_b};

	if (history(a, b, opts, ret_a != NULL && ret_b != NULL ? ret : NULL, out, e) != 0)
		return -1;
	compute_years(out);
	compute_windows(out);
	compute_one_year(out);
	compute_shift(out);
	rolling_corr_extremes(out);
	return 0;
}

int stats_window(const struct series *a, const struct series *b,
		 const struct stats_opts *opts, enum stats_window w,
		 struct window_stat *out, cx_date *as_of, struct cx_error *e)
{
	struct pair_stats s;
	int rc = history(a, b, opts, NULL, &s, e);

	memset(out, 0, sizeof *out);
	if (rc == 0) {
		compute_windows(&s);
		*out = s.win[w];
		if (as_of != NULL)
			*as_of = s.as_of;
	}
	stats_release(&s);
	return rc;
}

void stats_month_ends(struct pair_stats *s)
{
	int y0, m0, d0, y1 = 0, m1 = 0, d1;

	if (s->months != NULL || s->dates == NULL || s->n == 0)
		return;
	double *r = xcalloc(s->n, sizeof *r);
	bool *ok = xcalloc(s->n, sizeof *ok);
	stats_rolling(s, STATS_W90, r, ok);
	s->months = xcalloc(s->n, sizeof *s->months);
	s->nmonths = 0;
	for (size_t i = 0; i < s->n; i++) {
		date_to_ymd(s->dates[i], &y0, &m0, &d0);
		if (i + 1 < s->n)
			date_to_ymd(s->dates[i + 1], &y1, &m1, &d1);
		if (!ok[i] || (i + 1 < s->n && y1 == y0 && m1 == m0))
			continue;
		s->months[s->nmonths++] = (struct month_end){.end = s->dates[i], .r = r[i]};
	}
	/* ~60 of the ~1,260 entries: a run keeps them for every pair */
	s->months = xrealloc_array(s->months, s->nmonths ? s->nmonths : 1, sizeof *s->months);
	free(r);
	free(ok);
}

void stats_drop_history(struct pair_stats *s)
{
	free(s->dates);
	free(s->ra);
	free(s->rb);
	s->dates = NULL;
	s->ra = s->rb = NULL;
}

void stats_release(struct pair_stats *s)
{
	free(s->months);
	s->months = NULL;
	s->nmonths = 0;
	free(s->years);
	free(s->dates);
	free(s->ra);
	free(s->rb);
	s->years = NULL;
	s->dates = NULL;
	s->ra = s->rb = NULL;
	s->nyears = s->n = 0;
}
