/* chart_digest.c - the digest's charts: regime shifts as dumbbells with
 * their 95% intervals, and the watchlist's correlation heatmap. Drawn
 * against struct canvas with the helpers of chart_draw.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "axis.h"
#include "chart.h"
#include "chart_draw.h"
#include "cluster.h"
#include "text.h"
#include "xalloc.h"

/* ---- 4a. regime shifts ----------------------------------------------------------- */

/* Fewest points per row: below this the dots and whiskers merge. */
#define SHIFT_ROW_MIN 9.0

static const struct chart_rgb BASE_DOT = {0.55, 0.55, 0.55};
static const struct chart_rgb ROW_SHADE = {0.965, 0.965, 0.965};

/* A horizontal interval with end caps. */
static void whisker(struct canvas *c, double x0, double x1, double y, double cap)
{
	chart_line(c, x0, y, x1, y);
	chart_line(c, x0, y - cap, x0, y + cap);
	chart_line(c, x1, y - cap, x1, y + cap);
}

static void shift_row(struct chart_layout *L, const struct chart_plot *p,
		      const struct chart_shift *row, double cy, double rh)
{
	struct canvas *c = L->c;
	struct chart_rgb k = row->significant ? CHART_MAIN : CHART_SECOND;
	double off = fmin(3.0, rh * 0.18), cap = fmin(2.0, rh * 0.12);
	c->ops->set_line_width(c->impl, 0.8);
	if (row->has_base && row->has_base_ci) {
		chart_color(c, BASE_DOT);
		whisker(c, chart_px(p, row->base_lo), chart_px(p, row->base_hi), cy - off, cap);
	}
	if (row->has_r90 && row->has_r90_ci) {
		chart_color(c, k);
		whisker(c, chart_px(p, row->r90_lo), chart_px(p, row->r90_hi), cy + off, cap);
	}
	if (row->has_base && row->has_r90) {
		chart_color(c, (struct chart_rgb){0.70, 0.70, 0.70});
		c->ops->set_line_width(c->impl, fmin(2.0, rh * 0.15));
		chart_line(c, chart_px(p, row->base), cy, chart_px(p, row->r90), cy);
	}
	double rad = fmin(3.0, rh * 0.22);
	if (row->has_base) {
		chart_color(c, CHART_WHITE);
		chart_circle(c, chart_px(p, row->base), cy, rad);
		c->ops->fill(c->impl);
		chart_color(c, BASE_DOT);
		c->ops->set_line_width(c->impl, 1.0);
		chart_circle(c, chart_px(p, row->base), cy, rad - 0.5);
		c->ops->stroke(c->impl);
	}
	if (row->has_r90) {
		chart_color(c, k);
		chart_circle(c, chart_px(p, row->r90), cy, rad);
		c->ops->fill(c->impl);
	}
}

/* The column on the right, headed "shift vs baseline": r90 - baseline ("+0.45", the
 * difference the z test is about; the tables' change vs 5-year is r90 - r5y), or "n/a". */
static void shift_value(const struct chart_shift *row, char *buf, size_t size)
{
	if (!row->has_r90 || !row->has_base) {
		snprintf(buf, size, "n/a");
		return;
	}
	double d = row->r90 - row->base;
	if (fabs(d) < 0.005)
		d = 0;
	snprintf(buf, size, "%+.2f", d);
}

static void shifts_axis(struct chart_layout *L, const struct chart_plot *p,
			double label_y)
{
	struct canvas *c = L->c;
	struct axis a;
	chart_font(c, CANVAS_REGULAR, CHART_FONT_LABEL);
	axis_corr(p->x1 - p->x0, chart_text_w(c, "-1.0"), 8, &a);
	for (size_t i = 0; i < a.n; i++) {
		double x = chart_px(p, a.t[i].v);
		bool zero = fabs(a.t[i].v) < 1e-9;
		chart_color(c, zero ? CHART_AXIS : CHART_GRID);
		c->ops->set_line_width(c->impl, zero ? 0.8 : 0.5);
		chart_line(c, x, p->y0, x, p->y1);
		chart_layout_text(L, x, label_y, CHART_CENTER, CANVAS_REGULAR,
				  CHART_FONT_LABEL, CHART_MUTED, a.t[i].label);
	}
}

void chart_shifts(struct canvas *c, const struct chart_shift *rows, size_t n,
		  const char *title, double x, double y, double w, double h)
{
	struct chart_layout *L = chart_layout_new(c, x, y, w, h);
	c->ops->save(c->impl);
	double top = chart_layout_title(L, title);
	if (rows == NULL || n == 0) {
		chart_layout_no_data(L, top, "no pairs");
		goto done;
	}
	double lab = (CHART_ASCENT + CHART_DESCENT) * CHART_FONT_LABEL;
	const struct chart_legend_item legend[] = {
		{.k = BASE_DOT, .dot = true, .s = "baseline (5-year without the last 90 days)"},
		{.k = CHART_SECOND, .dot = true, .s = "90-day"},
		{.k = CHART_MAIN, .dot = true, .s = "90-day, significant (Benjamini-Hochberg)"},
		{.k = CHART_MUTED, .lw = 0.8, .s = "95% interval"},
	};
	size_t nleg = sizeof legend / sizeof *legend;
	/* The legend's last line at the bottom; its first one as many lines up. */
	double legend_y = y + h - CHART_DESCENT * CHART_FONT_SMALL;
	legend_y -= chart_legend_flow(L, x, legend_y, w, legend, nleg, false) - legend_y;
	double axis_y = legend_y - CHART_ASCENT * CHART_FONT_SMALL - 6;
	double plot_bottom = axis_y - CHART_ASCENT * CHART_FONT_LABEL - 4;
	double plot_top = top + lab + 2;
	size_t shown = n;
	double rh = (plot_bottom - plot_top) / (double)n;
	if (rh > CHART_SHIFTS_ROW)
		rh = CHART_SHIFTS_ROW;
	if (rh < SHIFT_ROW_MIN) {
		shown = (size_t)((plot_bottom - plot_top - lab) / SHIFT_ROW_MIN);
		rh = SHIFT_ROW_MIN;
	}
	if (shown == 0 || plot_bottom - plot_top < rh) {
		chart_layout_no_data(L, top, "too small");
		goto done;
	}
	/* Label column: the widest label, at most a third of the width. */
	chart_font(c, CANVAS_BOLD, CHART_FONT_LABEL);
	double labw = 0;
	for (size_t i = 0; i < shown; i++)
		labw = fmax(labw, chart_text_w(c, rows[i].label ? rows[i].label : ""));
	labw = fmin(labw, w / 3);
	double valw = chart_text_w(c, "+0.00") + 4;
	chart_font(c, CANVAS_REGULAR, CHART_FONT_LABEL);
	double pad = chart_text_w(c, "-1.0") / 2 + 2;
	struct chart_plot p = {x + labw + 6 + pad, plot_top, x + w - valw - 6 - pad,
			       plot_top + rh * (double)shown, -1, 1, 0, 1};
	if (p.x1 - p.x0 < 40) {
		chart_layout_no_data(L, top, "too small");
		goto done;
	}
	chart_layout_text(L, x + w, top + CHART_ASCENT * CHART_FONT_LABEL, CHART_RIGHT,
			  CANVAS_BOLD, CHART_FONT_SMALL, CHART_MUTED, "shift vs baseline");
	for (size_t i = 0; i < shown; i += 2)
		chart_fill_rect(c, ROW_SHADE, p.x0 - pad, p.y0 + rh * (double)i,
				p.x1 - p.x0 + 2 * pad, rh);
	shifts_axis(L, &p, fmin(axis_y, p.y1 + 4 + CHART_ASCENT * CHART_FONT_LABEL));
	for (size_t i = 0; i < shown; i++) {
		const struct chart_shift *row = &rows[i];
		double cy = p.y0 + rh * ((double)i + 0.5);
		double base = cy + 0.35 * CHART_FONT_LABEL;
		char lbl[TEXT_MAX], v[16];
		enum canvas_font f = row->significant ? CANVAS_BOLD : CANVAS_REGULAR;
		chart_font(c, f, CHART_FONT_LABEL);
		text_ellipsize(c, row->label ? row->label : "", labw, lbl, sizeof lbl);
		chart_layout_text(L, x + labw, base, CHART_RIGHT, f, CHART_FONT_LABEL,
				  CHART_INK, lbl);
		shift_row(L, &p, row, cy, rh);
		shift_value(row, v, sizeof v);
		chart_layout_text(L, x + w, base, CHART_RIGHT, f, CHART_FONT_LABEL,
				  row->significant ? CHART_MAIN : CHART_INK, v);
	}
	if (shown < n) {
		char more[64];
		snprintf(more, sizeof more, "%zu more not shown", n - shown);
		chart_layout_text(L, x, p.y1 + CHART_ASCENT * CHART_FONT_SMALL + 1, CHART_LEFT,
				  CANVAS_REGULAR, CHART_FONT_SMALL, CHART_MUTED, more);
	}
	chart_legend_flow(L, x, legend_y, w, legend, nleg, true);
done:
	c->ops->restore(c->impl);
	chart_layout_free(L);
}

/* ---- 4b. heatmap --------------------------------------------------------------------- */

/* ColorBrewer RdBu (reversed: blue negative, red positive), a diverging
 * scale that stays readable for the common colour-vision deficiencies. */
static const struct chart_rgb rdbu[7] = {
	{0x21 / 255.0, 0x66 / 255.0, 0xAC / 255.0},
	{0x67 / 255.0, 0xA9 / 255.0, 0xCF / 255.0},
	{0xD1 / 255.0, 0xE5 / 255.0, 0xF0 / 255.0},
	{0xF7 / 255.0, 0xF7 / 255.0, 0xF7 / 255.0},
	{0xFD / 255.0, 0xDB / 255.0, 0xC7 / 255.0},
	{0xEF / 255.0, 0x8A / 255.0, 0x62 / 255.0},
	{0xB2 / 255.0, 0x18 / 255.0, 0x2B / 255.0},
};

static struct chart_rgb diverging(double r)
{
	double t = (chart_clamp(r, -1, 1) + 1) / 2 * 6;
	int i = (int)floor(t);
	if (i >= 6)
		i = 5;
	double f = t - i;
	return (struct chart_rgb){rdbu[i].r + f * (rdbu[i + 1].r - rdbu[i].r),
				  rdbu[i].g + f * (rdbu[i + 1].g - rdbu[i].g),
				  rdbu[i].b + f * (rdbu[i + 1].b - rdbu[i].b)};
}

/* Cell-value font sizes, largest first; the first whose "-0.00" fits. */
static const double cell_sizes[] = {CHART_FONT_LABEL, CHART_FONT_SMALL, 5.5, 4.5};

static double cell_font(struct canvas *c, double cell)
{
	for (size_t i = 0; i < sizeof cell_sizes / sizeof *cell_sizes; i++) {
		chart_font(c, CANVAS_REGULAR, cell_sizes[i]);
		if (chart_text_w(c, "-0.00") <= cell - 3 &&
		    (CHART_ASCENT + CHART_DESCENT) * cell_sizes[i] <= cell - 2)
			return cell_sizes[i];
	}
	return 0;
}

static void heat_legend(struct chart_layout *L, double x, double y, double w)
{
	struct canvas *c = L->c;
	const int steps = 40;
	double bh = 6;
	for (int i = 0; i < steps; i++) {
		double r = -1 + 2 * (i + 0.5) / steps;
		chart_fill_rect(c, diverging(r), x + w * i / steps, y, w / steps + 0.2, bh);
	}
	double ty = y + bh + 2 + CHART_ASCENT * CHART_FONT_SMALL;
	static const struct { double v; const char *s; } marks[] = {
		{-1, "-1"}, {-0.5, "-0.5"}, {0, "0"}, {0.5, "0.5"}, {1, "1"}};
	for (size_t i = 0; i < sizeof marks / sizeof *marks; i++) {
		double mx = x + w * (marks[i].v + 1) / 2;
		chart_color(c, CHART_AXIS);
		c->ops->set_line_width(c->impl, 0.5);
		chart_line(c, mx, y + bh, mx, y + bh + 1.5);
		chart_layout_text(L, mx, ty, CHART_CENTER, CANVAS_REGULAR, CHART_FONT_SMALL,
				  CHART_MUTED, marks[i].s);
	}
}

/* Column labels over the cells: one row when they fit a cell, else two
 * staggered rows (each label then has two cells); shortened as needed. */
static void heat_column_labels(struct chart_layout *L, const struct chart_matrix *m,
			       size_t n, double gx, double cell, double y_top,
			       double fs)
{
	struct canvas *c = L->c;
	chart_font(c, CANVAS_REGULAR, fs);
	double widest = 0;
	for (size_t j = 0; j < n; j++)
		widest = fmax(widest, chart_text_w(c, m->labels[j] ? m->labels[j] : ""));
	bool stagger = widest > cell - 2;
	/* Labels too wide even staggered over two rows (a hundred symbols):
	 * every k-th column unstaggered, whole; the rows name every symbol in
	 * the same order. */
	size_t every = widest > 2 * cell - 2 ? (size_t)ceil((widest + 2) / cell) : 1;
	stagger = stagger && every == 1;
	double rowh = (CHART_ASCENT + CHART_DESCENT) * fs + 1;
	for (size_t j = 0; j < n; j += every) {
		char lbl[TEXT_MAX];
		double room = every > 1 ? cell * (double)every - 2 : stagger ? 2 * cell - 2 : cell - 2;
		chart_font(c, CANVAS_REGULAR, fs);
		text_ellipsize(c, m->labels[j] ? m->labels[j] : "", room, lbl, sizeof lbl);
		double by = y_top + CHART_ASCENT * fs + (stagger && j % 2 == 0 ? 0 : stagger ? rowh : 0);
		chart_layout_text(L, gx + cell * ((double)j + 0.5), by, CHART_CENTER,
				  CANVAS_REGULAR, fs, CHART_INK, lbl);
	}
}

static void heat_cell(struct chart_layout *L, const struct chart_matrix *m,
		      size_t i, size_t j, double cx, double cy, double cell,
		      double vfs)
{
	struct canvas *c = L->c;
	size_t k = i * m->n + j;
	bool has = m->has_r == NULL || m->has_r[k];
	double r = has ? m->r[k] : 0;
	if (has && !isfinite(r))
		has = false;
	double gap = cell < 8 ? 0.2 : 0.5;   /* small cells keep their colour */
	chart_fill_rect(c, has ? diverging(r) : (struct chart_rgb){0.88, 0.88, 0.88},
			cx + gap, cy + gap, cell - 2 * gap, cell - 2 * gap);
	if (vfs <= 0)
		return;
	char v[16];
	if (has)
		chart_fmt_r(r, v, sizeof v);
	else
		snprintf(v, sizeof v, "n/a");
	struct chart_rgb ink = has && fabs(r) > 0.55 ? CHART_WHITE : CHART_INK;
	chart_layout_text(L, cx + cell / 2, cy + cell / 2 + 0.35 * vfs, CHART_CENTER,
			  CANVAS_REGULAR, vfs, has ? ink : CHART_MUTED, v);
}

/* The matrix with its symbols in clustering order (cluster.h), so blocks
 * of correlated symbols sit together; the caller frees the three arrays. */
static struct chart_matrix clustered(const struct chart_matrix *m)
{
	size_t n = m->n;
	size_t *ord = xcalloc(n, sizeof *ord);
	const char **lab = xcalloc(n, sizeof *lab);
	double *r = xcalloc(n * n, sizeof *r);
	bool *has = xcalloc(n * n, sizeof *has);

	cluster_order(n, m->r, m->has_r, ord);
	for (size_t i = 0; i < n; i++) {
		lab[i] = m->labels[ord[i]];
		for (size_t j = 0; j < n; j++) {
			size_t k = ord[i] * n + ord[j];
			r[i * n + j] = m->r[k];
			has[i * n + j] = m->has_r == NULL || m->has_r[k];
		}
	}
	free(ord);
	return (struct chart_matrix){n, lab, r, has};
}

/* Smallest label font of a heatmap with many symbols: one per row. */
#define HEAT_FONT_MIN 3.5
#define HEAT_CELL_MIN 4.0

void chart_heatmap(struct canvas *c, const struct chart_matrix *in,
		   const char *title, double x, double y, double w, double h)
{
	struct chart_layout *L = chart_layout_new(c, x, y, w, h);
	struct chart_matrix mm = {0, NULL, NULL, NULL}, *m = &mm;
	c->ops->save(c->impl);
	double top = chart_layout_title(L, title);
	if (in == NULL || in->n == 0 || in->r == NULL || in->labels == NULL) {
		chart_layout_no_data(L, top, "no data");
		goto done;
	}
	mm = clustered(in);
	size_t n = m->n > CHART_HEATMAP_MAX ? CHART_HEATMAP_MAX : m->n;
	double fs = n > 20 ? CHART_FONT_SMALL : CHART_FONT_LABEL;
	double legend_h = 6 + 2 + (CHART_ASCENT + CHART_DESCENT) * CHART_FONT_SMALL + 6;
	double labw = 0, avail_w = 0, avail_h = 0, cell = 0, rowh = 0;
	/* Twice: a heatmap of many symbols shrinks its labels to one per row,
	 * which leaves room for larger cells; when even then a cell would be
	 * smaller than HEAT_CELL_MIN, the first symbols of the order are kept. */
	for (int pass = 0; pass < 2; pass++) {
		rowh = (CHART_ASCENT + CHART_DESCENT) * fs + 1;
		double note_h = n < m->n ? rowh : 0;
		chart_font(c, CANVAS_REGULAR, fs);
		labw = 0;
		for (size_t i = 0; i < n; i++)
			labw = fmin(fmax(labw, chart_text_w(c, m->labels[i] ? m->labels[i] : "")), w / 4);
		avail_w = w - labw - 4;
		avail_h = y + h - top - 2 * rowh - legend_h - note_h - 4;
		cell = fmin(avail_w, avail_h) / (double)n;
		if (cell < HEAT_CELL_MIN && pass == 1) {
			n = (size_t)(fmin(avail_w, avail_h) / HEAT_CELL_MIN);
			cell = n > 0 ? fmin(avail_w, avail_h) / (double)n : 0;
		}
		if ((CHART_ASCENT + CHART_DESCENT) * fs <= cell)
			break;
		fs = fmax(HEAT_FONT_MIN, cell / (CHART_ASCENT + CHART_DESCENT));
	}
	if (n < 2 && m->n >= 2) {
		chart_layout_no_data(L, top, "too small");
		goto done;
	}
	double gx = x + labw + 4, gy = top + 2 * rowh + 2;
	heat_column_labels(L, m, n, gx, cell, top, fs);
	double vfs = cell_font(c, cell);
	for (size_t i = 0; i < n; i++) {
		char lbl[TEXT_MAX];
		chart_font(c, CANVAS_REGULAR, fs);
		text_ellipsize(c, m->labels[i] ? m->labels[i] : "", labw, lbl, sizeof lbl);
		chart_layout_text(L, gx - 4, gy + cell * ((double)i + 0.5) + 0.35 * fs,
				  CHART_RIGHT, CANVAS_REGULAR, fs, CHART_INK, lbl);
		for (size_t j = 0; j < n; j++)
			heat_cell(L, m, i, j, gx + cell * (double)j, gy + cell * (double)i, cell, vfs);
	}
	double ly = gy + cell * (double)n + 6;
	heat_legend(L, gx, ly, fmin(cell * (double)n, 200));
	if (n < m->n) {
		char note[96];
		snprintf(note, sizeof note, "first %zu of %zu symbols (clustered order) shown", n, m->n);
		chart_layout_text(L, x, y + h - CHART_DESCENT * fs, CHART_LEFT,
				  CANVAS_REGULAR, fs, CHART_MUTED, note);
	}
done:
	c->ops->restore(c->impl);
	chart_layout_free(L);
	free((void *)mm.labels), free((void *)mm.r), free((void *)mm.has_r);
}
