/* axis.c - tick tables for chart axes. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "axis.h"

/* ---- linear axes -------------------------------------------------------- */

/* Mantissas of the nice steps, finest first (rrdtool's ylab[] idea). */
static const double nice_mantissa[] = {1.0, 2.0, 2.5, 5.0};

static int step_decimals(double m, int exp10)
{
	int d = -exp10 + (m == 2.5 ? 1 : 0);
	return d > 0 ? d : 0;
}

static void format_value(double v, int decimals, const char *suffix,
			 char *buf, size_t size)
{
	if (fabs(v) < 1e-12)
		v = 0.0;    /* never print "-0" */
	snprintf(buf, size, "%.*f%s", decimals, v, suffix ? suffix : "");
}

/* Fill `out` with ticks lo..hi every `step`; false when there are too many. */
static bool linear_ticks(double lo, double hi, double step, int decimals,
			 const char *suffix, struct axis *out)
{
	double first = ceil(lo / step - 1e-9);
	double last = floor(hi / step + 1e-9);
	if (last - first + 1 > AXIS_TICKS_MAX)
		return false;
	out->n = 0;
	/* An integer counter: first and last are whole numbers (<= AXIS_TICKS_MAX apart). */
	for (long i = 0, nk = (long)(last - first); i <= nk; i++) {
		double k = first + (double)i;
		struct axis_tick *t = &out->t[out->n++];
		t->v = k * step;
		t->labelled = true;
		format_value(t->v, decimals, suffix, t->label, sizeof t->label);
	}
	return true;
}

static double widest_label(struct canvas *c, const struct axis *a)
{
	double w = 0;
	for (size_t i = 0; i < a->n; i++) {
		double tw = c->ops->text_width(c->impl, a->t[i].label);
		if (tw > w)
			w = tw;
	}
	return w;
}

void axis_linear(struct canvas *c, double lo, double hi, double length,
		 double min_gap, bool extend, const char *suffix,
		 struct axis *out)
{
	if (!isfinite(lo) || !isfinite(hi)) {
		lo = 0.0;
		hi = 1.0;
	}
	if (hi < lo) {
		double t = lo; lo = hi; hi = t;
	}
	if (hi - lo < 1e-12) {
		lo -= 0.5;
		hi += 0.5;
	}
	int e0 = (int)floor(log10(hi - lo)) - 2;
	for (int e = e0; e <= e0 + 4; e++) {
		for (size_t i = 0; i < sizeof nice_mantissa / sizeof *nice_mantissa; i++) {
			double step = nice_mantissa[i] * pow(10.0, e);
			double a = extend ? floor(lo / step + 1e-9) * step : lo;
			double b = extend ? ceil(hi / step - 1e-9) * step : hi;
			struct axis cand = {.lo = a, .hi = b, .step = step};
			if (!linear_ticks(a, b, step, step_decimals(nice_mantissa[i], e),
					  suffix, &cand))
				continue;
			double gap = step / (b - a) * length;
			*out = cand;
			if (gap >= widest_label(c, &cand) + min_gap)
				return;
		}
	}
	/* Nothing fits (a tiny axis): keep the coarsest, the caller drops labels. */
}

/* ---- the correlation axis ---------------------------------------------- */

static const struct {
	double step;
	int decimals;
} corr_steps[] = {{0.2, 1}, {0.5, 1}, {1.0, 0}};

void axis_corr(double length, double label_h, double min_gap,
	       struct axis *out)
{
	size_t n = sizeof corr_steps / sizeof *corr_steps;
	size_t i = 0;
	while (i + 1 < n && corr_steps[i].step / 2.0 * length < label_h + min_gap)
		i++;
	out->lo = -1.0;
	out->hi = 1.0;
	out->step = corr_steps[i].step;
	linear_ticks(-1.0, 1.0, corr_steps[i].step, corr_steps[i].decimals, "", out);
	for (size_t k = 0; k < out->n; k++)
		if (fabs(out->t[k].v) < 1e-9)
			snprintf(out->t[k].label, sizeof out->t[k].label, "0");
}

/* ---- date axes ------------------------------------------------------------ */

enum date_unit { MONTHS, YEARS };

/* Candidate date scales, finest first: tick every `tick` units, label every
 * `label` units, usable up to `max_span` days. */
static const struct {
	enum date_unit unit;
	int tick, label;
	int max_span;
} date_scales[] = {
	{MONTHS, 1, 1, 2 * 366},
	{MONTHS, 1, 3, 2 * 366},
	{MONTHS, 3, 6, 2 * 366},
	{YEARS, 1, 1, 1000000},
	{YEARS, 1, 2, 1000000},
	{YEARS, 1, 5, 1000000},
	{YEARS, 5, 10, 1000000},
	{YEARS, 10, 20, 1000000},
	{YEARS, 10, 50, 1000000},
};

static const char *const month_abbr[12] = {"Jan", "Feb", "Mar", "Apr", "May",
	"Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

static bool add_tick(struct axis *a, double v, bool labelled, const char *label)
{
	if (a->n >= AXIS_TICKS_MAX)
		return false;
	struct axis_tick *t = &a->t[a->n++];
	t->v = v;
	t->labelled = labelled;
	snprintf(t->label, sizeof t->label, "%s", labelled ? label : "");
	return true;
}

/* Ticks of scale `s` between first and last; false when too many. */
static bool date_ticks(size_t s, cx_date first, cx_date last, struct axis *a)
{
	int y0, m0, d0, y1, m1, d1;
	date_to_ymd(first, &y0, &m0, &d0);
	date_to_ymd(last, &y1, &m1, &d1);
	a->n = 0;
	if (date_scales[s].unit == YEARS) {
		for (int y = y0; y <= y1; y++) {
			cx_date d = date_from_ymd(y, 1, 1);
			if (d < first || y % date_scales[s].tick != 0)
				continue;
			char buf[AXIS_LABEL_MAX];
			snprintf(buf, sizeof buf, "%d", y);
			if (!add_tick(a, d, y % date_scales[s].label == 0, buf))
				return false;
		}
		return true;
	}
	for (int k = y0 * 12 + (m0 - 1); k <= y1 * 12 + (m1 - 1); k++) {
		int y = k / 12, m = k % 12;
		cx_date d = date_from_ymd(y, m + 1, 1);
		if (d < first || m % date_scales[s].tick != 0)
			continue;
		char buf[AXIS_LABEL_MAX];
		snprintf(buf, sizeof buf, "%s %d", month_abbr[m], y);
		if (!add_tick(a, d, m % date_scales[s].label == 0, buf))
			return false;
	}
	return true;
}

void axis_dates(struct canvas *c, cx_date first, cx_date last, double length,
		double min_gap, struct axis *out)
{
	size_t n = sizeof date_scales / sizeof *date_scales;
	out->lo = first;
	out->hi = last > first ? last : first + 1;
	out->n = 0;
	double span = out->hi - out->lo;
	for (size_t s = 0; s < n; s++) {
		if (span > date_scales[s].max_span)
			continue;
		struct axis cand = {.lo = out->lo, .hi = out->hi};
		if (!date_ticks(s, first, last, &cand))
			continue;
		double unit_days = date_scales[s].unit == YEARS ? 365.25 : 30.44;
		cand.step = date_scales[s].label * unit_days;
		double gap = cand.step / span * length;
		*out = cand;
		if (gap >= widest_label(c, &cand) + min_gap)
			return;
	}
}
