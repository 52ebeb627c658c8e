/* chart.c - the deep-dive charts (rolling, scatter, year by year) and the
 * dispatch by kind (the digest's charts are chart_digest.c's; both draw
 * with chart_draw.c).
 *
 * Every label goes through chart_layout_text(), which measures it and draws it
 * only when its box lies inside the chart rectangle and clear of every label
 * drawn before: the important labels are placed first, optional ones lose.
 * That is how "nothing overlaps, nothing leaves the rectangle" holds for any
 * data, rather than by tuning offsets for the data we happen to have.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "axis.h"
#include "chart.h"
#include "chart_draw.h"
#include "xalloc.h"
#include "text.h"

/* Draw the gridlines and labels of a vertical correlation axis over the
 * plot box and return the axis. Labels right-aligned left of the plot. */
static void corr_grid(struct chart_layout *L, const struct chart_plot *p, bool bands,
		      double min_gap)
{
	struct canvas *c = L->c;
	/* Bands of strength, darker the stronger (0.2/0.4/0.6/0.8). */
	static const double band_edge[] = {0.2, 0.4, 0.6, 0.8, 1.0};
	static const double band_grey[] = {0.975, 0.955, 0.935, 0.915};
	if (bands)
		for (int i = 0; i < 4; i++)
			for (int sgn = -1; sgn <= 1; sgn += 2) {
				double ya = chart_py(p, sgn * band_edge[i]);
				double yb = chart_py(p, sgn * band_edge[i + 1]);
				double g = band_grey[i];
				chart_fill_rect(c, (struct chart_rgb){g, g, g + 0.012 > 1 ? 1 : g + 0.012},
					  p->x0, fmin(ya, yb), p->x1 - p->x0, fabs(yb - ya));
			}
	struct axis a;
	axis_corr(p->y1 - p->y0, CHART_ASCENT * CHART_FONT_LABEL, min_gap, &a);
	c->ops->set_line_width(c->impl, 0.5);
	for (size_t i = 0; i < a.n; i++) {
		double y = chart_py(p, a.t[i].v);
		bool zero = fabs(a.t[i].v) < 1e-9;
		chart_color(c, zero ? CHART_AXIS : CHART_GRID);
		c->ops->set_line_width(c->impl, zero ? 0.8 : 0.5);
		chart_line(c, p->x0, y, p->x1, y);
		chart_layout_text(L, p->x0 - 4, y + 0.35 * CHART_FONT_LABEL, CHART_RIGHT,
			    CANVAS_REGULAR, CHART_FONT_LABEL, CHART_MUTED, a.t[i].label);
	}
}

/* Width of the widest of a set of strings in the current font. */
static double widest(struct canvas *c, const char *const *s, size_t n)
{
	double w = 0;
	for (size_t i = 0; i < n; i++)
		w = fmax(w, chart_text_w(c, s[i]));
	return w;
}

/* ---- 1. rolling correlation ------------------------------------------------------ */

static void draw_series(struct canvas *c, const struct chart_plot *p,
			const cx_date *dates, const double *v, const bool *ok,
			size_t n, struct chart_rgb k, double lw)
{
	bool pen = false;
	chart_color(c, k);
	c->ops->set_line_width(c->impl, lw);
	for (size_t i = 0; i < n; i++) {
		if (!ok[i]) {
			pen = false;
			continue;
		}
		double x = chart_px(p, dates[i]), y = chart_py(p, v[i]);
		if (pen)
			c->ops->line_to(c->impl, x, y);
		else
			c->ops->move_to(c->impl, x, y);
		/* A lone value still shows: a zero-length segment is invisible. */
		if (!pen && (i + 1 >= n || !ok[i + 1]))
			c->ops->line_to(c->impl, x + 0.5, y);
		pen = true;
	}
	c->ops->stroke(c->impl);
}

static void date_axis(struct chart_layout *L, const struct chart_plot *p)
{
	struct canvas *c = L->c;
	struct axis a;
	chart_font(c, CANVAS_REGULAR, CHART_FONT_LABEL);
	axis_dates(c, (cx_date)p->vx0, (cx_date)p->vx1, p->x1 - p->x0, 10, &a);
	chart_color(c, CHART_AXIS);
	c->ops->set_line_width(c->impl, 0.5);
	double base = p->y1 + 4 + CHART_ASCENT * CHART_FONT_LABEL;
	for (size_t i = 0; i < a.n; i++) {
		double x = chart_px(p, a.t[i].v);
		chart_color(c, CHART_AXIS);
		chart_line(c, x, p->y1, x, p->y1 + (a.t[i].labelled ? 3 : 1.5));
		if (a.t[i].labelled)
			chart_layout_text(L, x, base, CHART_CENTER, CANVAS_REGULAR,
				    CHART_FONT_LABEL, CHART_MUTED, a.t[i].label);
	}
}

/* Mark an extreme of the 90-day line and label it with value and date,
 * trying above/below then left/right of the point. */
static void mark_extreme(struct chart_layout *L, const struct chart_plot *p,
			 const struct roll_extreme *e, const char *word, bool high)
{
	if (!e->ok)
		return;
	char d[DATE_STR_SIZE], r[16], s[64];
	chart_fmt_r(e->r, r, sizeof r);
	snprintf(s, sizeof s, "%s %s, %s", word, r, date_format(e->end, d));
	double x = chart_px(p, e->end), y = chart_py(p, e->r);
	struct canvas *c = L->c;
	chart_color(c, CHART_WHITE);
	chart_circle(c, x, y, 3.2);
	c->ops->fill(c->impl);
	chart_color(c, CHART_INK);
	c->ops->set_line_width(c->impl, 1.0);
	chart_circle(c, x, y, 2.4);
	c->ops->stroke(c->impl);
	double size = CHART_FONT_SMALL, up = -5, down = 5 + CHART_ASCENT * size;
	double vy[2] = {y + (high ? up : down), y + (high ? down : up)};
	for (int i = 0; i < 2; i++) {
		chart_font(c, CANVAS_REGULAR, size);
		double w = chart_text_w(c, s);
		double lx = chart_clamp(x - w / 2, p->x0 + 1, p->x1 - w - 1);
		if (chart_layout_text(L, lx, vy[i], CHART_LEFT, CANVAS_REGULAR, size, CHART_INK, s))
			return;
	}
	double side[2] = {x + 6, x - 6};
	enum chart_align al[2] = {CHART_LEFT, CHART_RIGHT};
	for (int i = 0; i < 2; i++)
		if (chart_layout_text(L, side[i], y + 0.35 * size, al[i], CANVAS_REGULAR,
				size, CHART_INK, s))
			return;
}

/* The latest 90-day value, at the right edge in the margin. */
static void mark_latest(struct chart_layout *L, const struct chart_plot *p,
			const cx_date *dates, const double *v, const bool *ok,
			size_t n)
{
	size_t i = n;
	while (i > 0 && !ok[i - 1])
		i--;
	if (i == 0)
		return;
	double x = chart_px(p, dates[i - 1]), y = chart_py(p, v[i - 1]);
	chart_color(L->c, CHART_MAIN);
	chart_circle(L->c, x, y, 2.2);
	L->c->ops->fill(L->c->impl);
	char r[16];
	chart_fmt_r(v[i - 1], r, sizeof r);
	double size = CHART_FONT_LABEL;
	double by = chart_clamp(y + 0.35 * size, L->y0 + CHART_ASCENT * size,
			   L->y1 - CHART_DESCENT * size);
	/* Move off the neighbouring labels (the y-axis ones are on the left,
	 * so only the extremes can be in the way): try nudging up and down. */
	static const double nudge[] = {0, -8, 8, -16, 16};
	for (size_t k = 0; k < sizeof nudge / sizeof *nudge; k++)
		if (chart_layout_text(L, p->x1 + 4, by + nudge[k], CHART_LEFT, CANVAS_BOLD,
				size, CHART_MAIN, r))
			return;
}

void chart_rolling(struct canvas *c, const struct pair_stats *s,
		   const char *title, double x, double y, double w, double h)
{
	struct chart_layout *L = chart_layout_new(c, x, y, w, h);
	c->ops->save(c->impl);
	double top = chart_layout_title(L, title);
	size_t n = s != NULL ? s->n : 0;
	double *r90 = xcalloc(n, sizeof *r90), *r30 = xcalloc(n, sizeof *r30);
	bool *ok90 = xcalloc(n, sizeof *ok90), *ok30 = xcalloc(n, sizeof *ok30);
	size_t have = 0;
	if (n > 0) {
		stats_rolling(s, STATS_W90, r90, ok90);
		stats_rolling(s, STATS_W30, r30, ok30);
		for (size_t i = 0; i < n; i++)
			have += ok90[i] || ok30[i];
	}
	double ly = top + CHART_ASCENT * CHART_FONT_SMALL;
	const struct chart_legend_item legend[] = {
		{.k = CHART_MAIN, .lw = 1.4, .s = "90-day rolling correlation"},
		{.k = CHART_SECOND, .lw = 0.7, .s = "30-day"},
		{.k = {0.80, 0.80, 0.81}, .lw = 5, .s = "bands: |r| 0.2, 0.4, 0.6, 0.8"},
	};
	ly = chart_legend_flow(L, x, ly, w, legend, sizeof legend / sizeof *legend, true);
	top = ly + CHART_DESCENT * CHART_FONT_SMALL + 6;
	if (have == 0) {
		chart_layout_no_data(L, top, n < 2 ? "no data" :
			       "no rolling values (too few returns or a price that does not move)");
		goto done;
	}
	chart_font(c, CANVAS_REGULAR, CHART_FONT_LABEL);
	static const char *const ylab[] = {"-1.0", "0.5"};
	double left = widest(c, ylab, 2) + 5;
	chart_font(c, CANVAS_BOLD, CHART_FONT_LABEL);
	double right = chart_text_w(c, "-0.00") + 6;
	struct chart_plot p = {x + left, top + 4, x + w - right,
			 y + h - 5 - (CHART_ASCENT + CHART_DESCENT) * CHART_FONT_LABEL,
			 s->dates[0], s->dates[n - 1], -1, 1};
	if (p.x1 - p.x0 < 20 || p.y1 - p.y0 < 20) {
		chart_layout_no_data(L, top, "too small");
		goto done;
	}
	if (p.vx1 <= p.vx0)
		p.vx1 = p.vx0 + 1;
	corr_grid(L, &p, true, 3);
	date_axis(L, &p);
	draw_series(c, &p, s->dates, r30, ok30, n, CHART_SECOND, 0.7);
	draw_series(c, &p, s->dates, r90, ok90, n, CHART_MAIN, 1.4);
	mark_latest(L, &p, s->dates, r90, ok90, n);
	mark_extreme(L, &p, &s->roll_max, "High", true);
	mark_extreme(L, &p, &s->roll_min, "Low", false);
done:
	free(r90);
	free(r30);
	free(ok90);
	free(ok30);
	c->ops->restore(c->impl);
	chart_layout_free(L);
}

/* ---- 2. scatter ---------------------------------------------------------------- */

/* Clip the line y = a + b x to the plot's value box; false when it misses. */
static bool clip_line(const struct chart_plot *p, double a, double b, double *x0,
		      double *y0, double *x1, double *y1)
{
	*x0 = p->vx0;
	*x1 = p->vx1;
	if (b != 0) {
		double xa = (p->vy0 - a) / b, xb = (p->vy1 - a) / b;
		*x0 = fmax(*x0, fmin(xa, xb));
		*x1 = fmin(*x1, fmax(xa, xb));
	} else if (a < p->vy0 || a > p->vy1) {
		return false;
	}
	*y0 = a + b * *x0;
	*y1 = a + b * *x1;
	return *x1 > *x0;
}

static void linear_grid(struct chart_layout *L, const struct chart_plot *p,
			const struct axis *ax, const struct axis *ay)
{
	struct canvas *c = L->c;
	c->ops->set_line_width(c->impl, 0.5);
	for (size_t i = 0; i < ay->n; i++) {
		double yy = chart_py(p, ay->t[i].v);
		bool zero = fabs(ay->t[i].v) < 1e-12;
		chart_color(c, zero ? CHART_AXIS : CHART_GRID);
		chart_line(c, p->x0, yy, p->x1, yy);
		chart_layout_text(L, p->x0 - 4, yy + 0.35 * CHART_FONT_LABEL, CHART_RIGHT,
			    CANVAS_REGULAR, CHART_FONT_LABEL, CHART_MUTED, ay->t[i].label);
	}
	for (size_t i = 0; i < ax->n; i++) {
		double xx = chart_px(p, ax->t[i].v);
		bool zero = fabs(ax->t[i].v) < 1e-12;
		chart_color(c, zero ? CHART_AXIS : CHART_GRID);
		chart_line(c, xx, p->y0, xx, p->y1);
		chart_layout_text(L, xx, p->y1 + 4 + CHART_ASCENT * CHART_FONT_LABEL,
			    CHART_CENTER, CANVAS_REGULAR, CHART_FONT_LABEL, CHART_MUTED,
			    ax->t[i].label);
	}
}

/* The corner of the plot with the fewest points, for the statistics box. */
static int emptiest_corner(const struct chart_plot *p, const double *xs,
			   const double *ys, size_t m)
{
	size_t count[4] = {0, 0, 0, 0};
	double mx = (p->vx0 + p->vx1) / 2, my = (p->vy0 + p->vy1) / 2;
	for (size_t i = 0; i < m; i++)
		count[(xs[i] > mx ? 1 : 0) + (ys[i] < my ? 2 : 0)]++;
	int best = 0;
	for (int k = 1; k < 4; k++)
		if (count[k] < count[best])
			best = k;
	return best;   /* 0 top-left, 1 top-right, 2 bottom-left, 3 bottom-right */
}

static void scatter_stats_box(struct chart_layout *L, const struct chart_plot *p,
			      const struct pair_stats *s, int corner)
{
	char buf[96], b[16], r2[16];
	if (!s->one_year.has_beta || !s->one_year.has_r)
		return;
	snprintf(b, sizeof b, "%.2f", s->one_year.beta);
	snprintf(r2, sizeof r2, "%.2f", s->one_year.r2);
	snprintf(buf, sizeof buf, "beta %s   r\xC2\xB2 %s", b, r2);
	double size = CHART_FONT_LABEL, pad = 4;
	chart_font(L->c, CANVAS_BOLD, size);
	double w = chart_text_w(L->c, buf) + 2 * pad, hh = (CHART_ASCENT + CHART_DESCENT) * size + 2 * pad;
	double bx = corner & 1 ? p->x1 - w - 3 : p->x0 + 3;
	double by = corner & 2 ? p->y1 - hh - 3 : p->y0 + 3;
	if (bx < p->x0 || by < p->y0 || w > p->x1 - p->x0)
		return;
	chart_fill_rect(L->c, CHART_WHITE, bx, by, w, hh);
	chart_layout_text(L, bx + pad, by + pad + CHART_ASCENT * size, CHART_LEFT,
		    CANVAS_BOLD, size, CHART_INK, buf);
}

void chart_scatter(struct canvas *c, const struct pair_stats *s,
		   const char *title, double x, double y, double w, double h)
{
	struct chart_layout *L = chart_layout_new(c, x, y, w, h);
	c->ops->save(c->impl);
	double top = chart_layout_title(L, title);
	size_t m = s != NULL ? (s->n < STATS_W1Y ? s->n : STATS_W1Y) : 0;
	double *xs = xcalloc(m, sizeof *xs), *ys = xcalloc(m, sizeof *ys);
	double lo[2] = {0, 0}, hi[2] = {0, 0};
	for (size_t i = 0; i < m; i++) {
		xs[i] = 100.0 * s->rb[s->n - m + i];
		ys[i] = 100.0 * s->ra[s->n - m + i];
		lo[0] = fmin(lo[0], xs[i]); hi[0] = fmax(hi[0], xs[i]);
		lo[1] = fmin(lo[1], ys[i]); hi[1] = fmax(hi[1], ys[i]);
	}
	if (m < 2) {
		chart_layout_no_data(L, top, "no data");
		goto done;
	}
	/* Axis titles: y's above the plot (no rotated text), x's below it. */
	char yt[TEXT_MAX], xt[TEXT_MAX], t[160];
	snprintf(t, sizeof t, "%s daily return, %%", s->a);
	chart_font(c, CANVAS_REGULAR, CHART_FONT_SMALL);
	text_ellipsize(c, t, w, yt, sizeof yt);
	snprintf(t, sizeof t, "%s daily return, %%", s->b);
	text_ellipsize(c, t, w, xt, sizeof xt);
	double yb = top + CHART_ASCENT * CHART_FONT_SMALL;
	chart_layout_text(L, x, yb, CHART_LEFT, CANVAS_REGULAR, CHART_FONT_SMALL, CHART_MUTED, yt);
	double xb = y + h - CHART_DESCENT * CHART_FONT_SMALL;
	double bottom = xb - CHART_ASCENT * CHART_FONT_SMALL - 3 -
			(CHART_ASCENT + CHART_DESCENT) * CHART_FONT_LABEL - 4;
	struct axis ay, ax;
	chart_font(c, CANVAS_REGULAR, CHART_FONT_LABEL);
	axis_linear(c, lo[1], hi[1], bottom - yb - 8, 2 * CHART_FONT_LABEL, true, "", &ay);
	double left = 0;
	for (size_t i = 0; i < ay.n; i++)
		left = fmax(left, chart_text_w(c, ay.t[i].label));
	left += 5;
	axis_linear(c, lo[0], hi[0], w - left - 4, 8, true, "", &ax);
	struct chart_plot p = {x + left, yb + CHART_DESCENT * CHART_FONT_SMALL + 5, x + w - 4,
			 bottom, ax.lo, ax.hi, ay.lo, ay.hi};
	if (p.x1 - p.x0 < 20 || p.y1 - p.y0 < 20) {
		chart_layout_no_data(L, top, "too small");
		goto done;
	}
	chart_layout_text(L, (p.x0 + p.x1) / 2, xb, CHART_CENTER, CANVAS_REGULAR,
		    CHART_FONT_SMALL, CHART_MUTED, xt);
	linear_grid(L, &p, &ax, &ay);
	chart_color(c, (struct chart_rgb){0.36, 0.56, 0.76});
	chart_dots(c, &p, xs, ys, m, 1.5);
	if (s->one_year.has_beta) {
		double mx = 0, my = 0, x0, y0, x1, y1;
		for (size_t i = 0; i < m; i++) {
			mx += xs[i] / (double)m;
			my += ys[i] / (double)m;
		}
		double a = my - s->one_year.beta * mx;
		if (clip_line(&p, a, s->one_year.beta, &x0, &y0, &x1, &y1)) {
			chart_color(c, CHART_NEG);
			c->ops->set_line_width(c->impl, 1.3);
			chart_line(c, chart_px(&p, x0), chart_py(&p, y0), chart_px(&p, x1), chart_py(&p, y1));
		}
	}
	scatter_stats_box(L, &p, s, emptiest_corner(&p, xs, ys, m));
done:
	free(xs);
	free(ys);
	c->ops->restore(c->impl);
	chart_layout_free(L);
}

/* ---- 3. year by year ---------------------------------------------------------------- */

/* Label styles for the bars, widest first: the first whose labels fit a
 * slot is used (rrdtool-style table rather than branches). */
static const struct {
	double size;
	bool short_r;     /* ".25" instead of "0.25" */
	bool short_year;  /* "'19" instead of "2019" */
} year_styles[] = {
	{CHART_FONT_LABEL, false, false},
	{CHART_FONT_SMALL, false, false},
	{CHART_FONT_SMALL, true, true},
	{5.5, true, true},
	{4.5, true, true},
};

static void year_labels(const struct year_stat *ys, size_t style, char *r,
			char *yr, char *n, size_t size)
{
	if (!ys->has_r)
		snprintf(r, size, "n/a");
	else if (year_styles[style].short_r) {
		char full[16];
		chart_fmt_r(ys->r, full, sizeof full);
		const char *digits = full[0] == '-' ? full + 1 : full;
		if (digits[0] == '0')
			digits++;
		snprintf(r, size, "%s%s", full[0] == '-' ? "-" : "", digits);
	} else
		chart_fmt_r(ys->r, r, size);
	if (year_styles[style].short_year)
		snprintf(yr, size, "'%02d", ys->year % 100);
	else
		snprintf(yr, size, "%d", ys->year);
	snprintf(n, size, "%zu", ys->n);
}

static size_t pick_year_style(struct canvas *c, const struct pair_stats *s,
			      double slot)
{
	size_t nst = sizeof year_styles / sizeof *year_styles;
	for (size_t st = 0; st < nst; st++) {
		bool fits = true;
		for (size_t i = 0; i < s->nyears && fits; i++) {
			char r[32], yr[32], n[32];
			year_labels(&s->years[i], st, r, yr, n, sizeof r);
			chart_font(c, CANVAS_REGULAR, year_styles[st].size);
			double wmax = fmax(chart_text_w(c, r), fmax(chart_text_w(c, yr), chart_text_w(c, n)));
			fits = wmax <= slot - 2;
		}
		if (fits)
			return st;
	}
	return nst - 1;
}

void chart_years(struct canvas *c, const struct pair_stats *s,
		 const char *title, double x, double y, double w, double h)
{
	struct chart_layout *L = chart_layout_new(c, x, y, w, h);
	c->ops->save(c->impl);
	double top = chart_layout_title(L, title);
	if (s == NULL || s->nyears == 0) {
		chart_layout_no_data(L, top, "no data");
		goto done;
	}
	chart_font(c, CANVAS_REGULAR, CHART_FONT_LABEL);
	static const char *const ylab[] = {"-1.0", "0.5", "obs."};
	double left = widest(c, ylab, 3) + 5;
	double slot = (w - left - 2) / (double)s->nyears;
	size_t st = pick_year_style(c, s, slot);
	double fs = year_styles[st].size, row = (CHART_ASCENT + CHART_DESCENT) * fs + 2;
	/* Rows under the plot: years, then observations. */
	double nrow = y + h - CHART_DESCENT * fs, yrow = nrow - row;
	struct chart_plot p = {x + left, top + 2, x + w - 2, yrow - CHART_ASCENT * fs - 4,
			 0, 1, -1, 1};
	if (p.y1 - p.y0 < 4 * row || slot < 3) {
		chart_layout_no_data(L, top, "too small");
		goto done;
	}
	/* Headroom for a value label above +1 and below -1. */
	double lab = (CHART_ASCENT + CHART_DESCENT) * fs + 3;
	struct chart_plot bars = p;
	bars.y0 += lab;
	bars.y1 -= lab;
	corr_grid(L, &bars, false, 12);
	chart_layout_text(L, p.x0 - 4, nrow, CHART_RIGHT, CANVAS_REGULAR, fs, CHART_MUTED, "obs.");
	for (size_t k = 0; k < s->nyears; k++) {
		const struct year_stat *ys = &s->years[s->nyears - 1 - k];
		char r[32], yr[32], n[32];
		year_labels(ys, st, r, yr, n, sizeof r);
		double cx = p.x0 + (k + 0.5) * slot, bw = fmin(slot * 0.62, 28);
		double y0 = chart_py(&bars, 0);
		chart_layout_text(L, cx, yrow, CHART_CENTER, CANVAS_REGULAR, fs, CHART_INK, yr);
		chart_layout_text(L, cx, nrow, CHART_CENTER, CANVAS_REGULAR, fs, CHART_MUTED, n);
		if (!ys->has_r) {
			chart_layout_text(L, cx, y0 - 3, CHART_CENTER, CANVAS_REGULAR, fs, CHART_MUTED, r);
			continue;
		}
		double y1 = chart_py(&bars, ys->r);
		chart_fill_rect(c, ys->r >= 0 ? CHART_MAIN : CHART_NEG, cx - bw / 2,
			  fmin(y0, y1), bw, fmax(fabs(y1 - y0), 0.6));
		double ty = ys->r >= 0 ? fmin(y0, y1) - 3 - CHART_DESCENT * fs
				       : fmax(y0, y1) + 3 + CHART_ASCENT * fs;
		chart_layout_text(L, cx, ty, CHART_CENTER, CANVAS_REGULAR, fs, CHART_INK, r);
	}
done:
	c->ops->restore(c->impl);
	chart_layout_free(L);
}

/* ---- dispatch ------------------------------------------------------------------------ */

static const char *const kind_names[] = {"rolling", "scatter", "years",
	"shifts", "heatmap"};

const char *chart_kind_name(enum chart_kind kind)
{
	return (unsigned)kind < sizeof kind_names / sizeof *kind_names
	       ? kind_names[kind] : "chart";
}

void chart_draw(struct canvas *c, const struct chart_spec *spec, double x,
		double y, double w, double h)
{
	switch (spec->kind) {
	case CHART_ROLLING: chart_rolling(c, spec->pair, spec->title, x, y, w, h); break;
	case CHART_SCATTER: chart_scatter(c, spec->pair, spec->title, x, y, w, h); break;
	case CHART_YEARS: chart_years(c, spec->pair, spec->title, x, y, w, h); break;
	case CHART_SHIFTS:
		chart_shifts(c, spec->shifts, spec->nshifts, spec->title, x, y, w, h);
		break;
	case CHART_HEATMAP: chart_heatmap(c, spec->matrix, spec->title, x, y, w, h); break;
	}
}
