/* narrative.c - the sentences of a deep dive (see narrative.h).
 *
 * Words come from tables indexed by the strength bucket of stats_label's
 * thresholds (0.2, 0.4, 0.6, 0.8) and by regime, so every medium says the
 * same thing for the same numbers. "Strengthened" means the 90-day
 * correlation is above the long-run (5Y) one, i.e. more positive;
 * "weakened" means below it.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "narrative.h"

/* snprintf that never overflows and always terminates; appends at *len. */
static void put(char *buf, size_t size, size_t *len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void put(char *buf, size_t size, size_t *len, const char *fmt, ...)
{
	va_list ap;
	if (size == 0 || *len >= size - 1)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(buf + *len, size - *len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	*len += (size_t)n < size - *len ? (size_t)n : size - *len - 1;
}

enum regime narrative_regime(const struct pair_stats *s)
{
	if (!s->shift.has_delta)
		return REGIME_NONE;
	double d = s->shift.delta, a = fabs(d);
	bool material = a >= REGIME_MATERIAL_DELTA && s->shift.has_z &&
			s->shift.p < 0.05;
	if (material)
		return d > 0 ? REGIME_STRENGTHENED_MATERIALLY
			     : REGIME_WEAKENED_MATERIALLY;
	if (a >= REGIME_MODEST_DELTA)
		return d > 0 ? REGIME_STRENGTHENED_MODESTLY
			     : REGIME_WEAKENED_MODESTLY;
	return REGIME_STABLE;
}

static const struct {
	const char *name;     /* narrative_regime_name */
	const char *context;  /* the sentence after the numbers */
} regimes[] = {
	[REGIME_NONE] = {"n/a", NULL},
	[REGIME_STABLE] = {"stable",
		"Recent behaviour is in line with the long-run relationship."},
	[REGIME_STRENGTHENED_MODESTLY] = {"strengthened modestly",
		"The pair has moved somewhat more together lately; the change is "
		"worth watching but not yet a new regime."},
	[REGIME_STRENGTHENED_MATERIALLY] = {"strengthened materially",
		"Rising correlation typically accompanies deleveraging, broad "
		"risk-off, or a dominant single-factor regime where idiosyncratic "
		"drivers get drowned out."},
	[REGIME_WEAKENED_MODESTLY] = {"weakened modestly",
		"The pair has moved somewhat less together lately; the change is "
		"worth watching but not yet a new regime."},
	[REGIME_WEAKENED_MATERIALLY] = {"weakened materially",
		"Falling correlation often marks a return of asset-specific "
		"drivers, or a hedge relationship that has flipped; diversification "
		"assumptions built on the long-run figure deserve a second look."},
};

const char *narrative_regime_name(enum regime r)
{
	return (unsigned)r < sizeof regimes / sizeof regimes[0] ? regimes[r].name
								 : "n/a";
}

/* Strength bucket of |r| with stats_label's thresholds: 0..4. */
static int bucket(double r)
{
	static const double below[] = {0.2, 0.4, 0.6, 0.8};
	double a = fabs(r);
	int i = 0;
	while (i < 4 && a >= below[i])
		i++;
	return i;
}

char *narrative_meaning(const struct pair_stats *s, const char *name_a,
			const char *name_b, char *buf, size_t size)
{
	static const char *const tendency[5] = {
		"show essentially no linear relationship: their daily moves are "
		"largely independent of each other.",
		"have a weak tendency to move %s. The link is faint and easily "
		"swamped by day-to-day noise.",
		"have a moderate tendency to move %s. The relationship is real but "
		"noisy, with frequent days where they disagree.",
		"have a strong tendency to move %s. On most days the direction of "
		"one tells you the direction of the other.",
		"move %s almost in lockstep. Their daily returns are close to "
		"interchangeable as a source of risk.",
	};
	const struct window_stat *w = &s->win[W_90D];
	size_t len = 0;

	if (size > 0)
		buf[0] = '\0';
	if (!w->has_r) {
		put(buf, size, &len,
		    "There is no 90-day reading for %s and %s: it needs %d aligned "
		    "daily returns with price changes in both series.",
		    name_a, name_b, STATS_W90);
		return buf;
	}
	int b = bucket(w->r);
	put(buf, size, &len, "The %.2f correlation indicates that %s and %s ",
	    w->r, name_a, name_b);
	put(buf, size, &len, tendency[b], w->r < 0 ? "in opposite directions"
						   : "together");
	if (w->has_ci)
		put(buf, size, &len,
		    " With %zu returns, the 95%% confidence interval runs from "
		    "%.2f to %.2f.", w->n, w->ci_lo, w->ci_hi);
	put(buf, size, &len, " Regime context matters: correlations often "
	    "strengthen during stress and weaken during calm periods.");
	return buf;
}

/* "p = 0.0123" or "p < 0.0001". */
static void put_p(char *buf, size_t size, size_t *len, double p)
{
	if (p < 0.0001)
		put(buf, size, len, "p < 0.0001");
	else
		put(buf, size, len, "p = %.4f", p);
}

char *narrative_shift(const struct pair_stats *s, char *buf, size_t size)
{
	enum regime r = narrative_regime(s);
	size_t len = 0;

	if (size > 0)
		buf[0] = '\0';
	if (r == REGIME_NONE) {
		put(buf, size, &len, "There is no comparison of recent and "
		    "long-run behaviour: it needs a full 90-day window and at "
		    "least %d returns for the 5-year figure.", STATS_MIN_5Y);
		return buf;
	}
	double r90 = s->win[W_90D].r, r5 = s->win[W_5Y].r, d = s->shift.delta;
	if (r == REGIME_STABLE)
		put(buf, size, &len, "The correlation is stable. ");
	else
		put(buf, size, &len, "The correlation has %s. ",
		    narrative_regime_name(r));
	put(buf, size, &len, "The 90-day reading of %.2f is %.2f %s the "
	    "long-run average of %.2f.", r90, fabs(d),
	    d >= 0 ? "above" : "below", r5);
	if (s->shift.has_z) {
		put(buf, size, &len, " Against the baseline of %.2f (%zu "
		    "returns before the last 90), the shift has z = %.2f, ",
		    s->shift.baseline_r, s->shift.baseline_n, s->shift.z);
		put_p(buf, size, &len, s->shift.p);
		put(buf, size, &len, "%s", s->shift.p < 0.05
		    ? ", statistically significant at 5%." : ", not "
		    "statistically significant at 5%.");
	}
	put(buf, size, &len, " %s", regimes[r].context);
	return buf;
}

char *narrative_shift_line(const struct pair_stats *s, char *buf, size_t size)
{
	size_t len = 0;
	enum regime r = narrative_regime(s);

	if (size > 0)
		buf[0] = '\0';
	put(buf, size, &len, "%s/%s: 90-day ", s->a, s->b);
	if (s->win[W_90D].has_r)
		put(buf, size, &len, "%+.2f", s->win[W_90D].r);
	else
		put(buf, size, &len, "n/a");
	if (s->shift.has_baseline)
		put(buf, size, &len, " vs %+.2f baseline", s->shift.baseline_r);
	else
		put(buf, size, &len, " vs n/a baseline");
	put(buf, size, &len, ", %s", narrative_regime_name(r));
	if (s->shift.has_z)
		put(buf, size, &len, " (z %.1f)", s->shift.z);
	return buf;
}

const char *narrative_methodology(void)
{
	return
	"Prices are aligned on the dates on which both assets have a valid "
	"closing price; returns are the natural logarithm of the ratio of "
	"consecutive aligned closes, dated by the later date. The as-of date is "
	"the last aligned date on or before the requested one, and the history "
	"holds the returns of the lookback period (5 years unless set) up to it."
	"\n"
	"Correlation is the Pearson product-moment coefficient of the two return "
	"series, computed in two passes. The 30-day, 90-day and 1-year windows "
	"are the most recent 30, 90 and 252 returns and have no value until the "
	"window is full; the 5-year figure uses the whole history up to the most "
	"recent 1,260 returns and needs at least 30. A series without price "
	"changes has no correlation. The 95% interval comes from the Fisher "
	"transform, z = atanh(r) +/- 1.96 / sqrt(n - 3). Strength labels: below "
	"0.2 in absolute value essentially uncorrelated, then weak (0.2), "
	"moderate (0.4), strong (0.6) and very strong (0.8)."
	"\n"
	"Beta is the least-squares slope from regressing the first asset's 1-year "
	"returns on the second's; volatilities are daily sample standard "
	"deviations (n - 1) of the same returns. Year by year uses the returns of "
	"each calendar year and needs 20 of them. The rolling extremes are the "
	"highest and lowest 90-day correlations over the history (ties: the "
	"earliest), dated by the window's last return."
	"\n"
	"Recent vs long-run: the change vs 5-year is the 90-day minus the 5-year "
	"correlation. The shift vs baseline is the 90-day minus the baseline, the "
	"5-year history without its last 90 returns (at least 30 needed); it is "
	"tested with the difference of Fisher-transformed values over "
	"sqrt(1/(n1 - 3) + 1/(n2 - 3)) and a two-sided normal p-value (z, p). "
	"A change is material when the change vs 5-year is at least 0.30 either "
	"way and p is below 0.05, modest when it is at least 0.10, stable below "
	"that; strengthened means the 90-day value is the higher one, weakened "
	"the lower.";
}

const char *narrative_disclaimer(void)
{
	return
	"Correlation is not causation, and backward-looking statistics can fail "
	"when regimes shift. Positions sized on historical correlation "
	"assumptions should be stress-tested against scenarios where the "
	"relationship breaks. Past performance is no guide to future returns. "
	"For informational purposes only; not investment advice.";
}
