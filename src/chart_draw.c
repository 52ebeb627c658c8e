/* chart_draw.c - the palette, label layout and drawing helpers shared by
 * the chart modules (chart_draw.h). They depend on the canvas only, so
 * chart.c and chart_digest.c both build on this module and not on each
 * other.
 *
 * Every label goes through chart_layout_text(), which measures it and draws it
 * only when its box lies inside the chart rectangle and clear of every label
 * drawn before: the important labels are placed first, optional ones lose.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "chart_draw.h"
#include "xalloc.h"
#include "text.h"

/* ---- palette: restrained, colour-blind safe (blue / orange) -------------- */

const struct chart_rgb CHART_INK = {0.15, 0.15, 0.15};
const struct chart_rgb CHART_MUTED = {0.42, 0.42, 0.42};
const struct chart_rgb CHART_GRID = {0.86, 0.86, 0.86};
const struct chart_rgb CHART_AXIS = {0.55, 0.55, 0.55};
const struct chart_rgb CHART_MAIN = {0.06, 0.33, 0.60};     /* deep blue */
const struct chart_rgb CHART_SECOND = {0.55, 0.71, 0.85};   /* light blue */
const struct chart_rgb CHART_NEG = {0.85, 0.42, 0.16};      /* orange */
const struct chart_rgb CHART_WHITE = {1.0, 1.0, 1.0};

/* ---- layout ---------------------------------------------------------------- */

struct chart_layout *chart_layout_new(struct canvas *c, double x, double y, double w,
			  double h)
{
	struct chart_layout *L = xcalloc(1, sizeof *L);
	L->c = c;
	L->x0 = x;
	L->y0 = y;
	L->x1 = x + w;
	L->y1 = y + h;
	return L;
}

void chart_layout_free(struct chart_layout *L) { free(L); }

void chart_color(struct canvas *c, struct chart_rgb k)
{
	c->ops->set_rgb(c->impl, k.r, k.g, k.b);
}

void chart_font(struct canvas *c, enum canvas_font f, double size)
{
	c->ops->set_font(c->impl, f, size);
}

double chart_text_w(struct canvas *c, const char *s)
{
	return c->ops->text_width(c->impl, s);
}

static bool box_overlaps(const struct chart_layout *L, double x0, double y0,
			 double x1, double y1)
{
	for (size_t i = 0; i < L->nbox; i++) {
		const struct chart_box *b = &L->box[i];
		if (x0 < b->x1 && b->x0 < x1 && y0 < b->y1 && b->y0 < y1)
			return true;
	}
	return false;
}

/* Rounding slack of the rectangle test: a label placed exactly on an edge
 * (top + ascent - ascent) must not miss it by one ulp. */
#define CHART_EDGE_EPS 1e-6

static bool box_inside(const struct chart_layout *L, double x0, double y0,
		       double x1, double y1)
{
	return x0 >= L->x0 - CHART_EDGE_EPS && y0 >= L->y0 - CHART_EDGE_EPS &&
	       x1 <= L->x1 + CHART_EDGE_EPS && y1 <= L->y1 + CHART_EDGE_EPS;
}

bool chart_layout_reserve(struct chart_layout *L, double x0, double y0, double x1,
		    double y1)
{
	if (!box_inside(L, x0, y0, x1, y1) ||
	    L->nbox >= CHART_BOXES_MAX || box_overlaps(L, x0, y0, x1, y1))
		return false;
	L->box[L->nbox++] = (struct chart_box){x0, y0, x1, y1};
	return true;
}

bool chart_layout_fits(const struct chart_layout *L, double x, double y, enum chart_align a,
		 enum canvas_font f, double size, const char *s)
{
	chart_font(L->c, f, size);
	double w = chart_text_w(L->c, s);
	double x0 = a == CHART_LEFT ? x : a == CHART_CENTER ? x - w / 2 : x - w;
	double y0 = y - CHART_ASCENT * size, y1 = y + CHART_DESCENT * size;
	return box_inside(L, x0, y0, x0 + w, y1) && !box_overlaps(L, x0, y0, x0 + w, y1);
}

bool chart_layout_text(struct chart_layout *L, double x, double y, enum chart_align a,
		 enum canvas_font f, double size, struct chart_rgb k, const char *s)
{
	if (s == NULL || s[0] == '\0')
		return false;
	chart_font(L->c, f, size);
	double w = chart_text_w(L->c, s);
	double x0 = a == CHART_LEFT ? x : a == CHART_CENTER ? x - w / 2 : x - w;
	if (!chart_layout_reserve(L, x0, y - CHART_ASCENT * size, x0 + w,
			    y + CHART_DESCENT * size))
		return false;
	chart_color(L->c, k);
	L->c->ops->show_text(L->c->impl, x0, y, s);
	return true;
}

double chart_layout_title(struct chart_layout *L, const char *title)
{
	double y = L->y0;
	if (title == NULL || title[0] == '\0')
		return y;
	char buf[TEXT_MAX];
	chart_font(L->c, CANVAS_BOLD, CHART_FONT_TITLE);
	text_ellipsize(L->c, title, L->x1 - L->x0, buf, sizeof buf);
	double base = y + CHART_ASCENT * CHART_FONT_TITLE + 0.5;
	chart_layout_text(L, L->x0, base, CHART_LEFT, CANVAS_BOLD, CHART_FONT_TITLE,
		    CHART_INK, buf);
	return base + CHART_DESCENT * CHART_FONT_TITLE + 4;
}

void chart_layout_no_data(struct chart_layout *L, double top, const char *why)
{
	double cy = (top + L->y1) / 2;
	chart_layout_text(L, (L->x0 + L->x1) / 2, cy, CHART_CENTER, CANVAS_REGULAR,
		    CHART_FONT_LABEL, CHART_MUTED, why);
}

/* ---- drawing primitives -------------------------------------------------------- */

void chart_line(struct canvas *c, double x0, double y0, double x1, double y1)
{
	c->ops->move_to(c->impl, x0, y0);
	c->ops->line_to(c->impl, x1, y1);
	c->ops->stroke(c->impl);
}

void chart_fill_rect(struct canvas *c, struct chart_rgb k, double x, double y, double w,
	       double h)
{
	chart_color(c, k);
	c->ops->rect(c->impl, x, y, w, h);
	c->ops->fill(c->impl);
}

/* A circle as four Bezier arcs (the canvas has no arc). */
void chart_circle(struct canvas *c, double x, double y, double r)
{
	const double k = 0.5522847498 * r;
	c->ops->move_to(c->impl, x + r, y);
	c->ops->curve_to(c->impl, x + r, y + k, x + k, y + r, x, y + r);
	c->ops->curve_to(c->impl, x - k, y + r, x - r, y + k, x - r, y);
	c->ops->curve_to(c->impl, x - r, y - k, x - k, y - r, x, y - r);
	c->ops->curve_to(c->impl, x + k, y - r, x + r, y - k, x + r, y);
	c->ops->close_path(c->impl);
}

void chart_dots(struct canvas *c, const struct chart_plot *p, const double *xs,
		const double *ys, size_t n, double r)
{
	if (c->ops->dots != NULL) {
		double *px = xcalloc(n, sizeof *px), *py = xcalloc(n, sizeof *py);
		for (size_t i = 0; i < n; i++) {
			px[i] = chart_px(p, xs[i]);
			py[i] = chart_py(p, ys[i]);
		}
		c->ops->dots(c->impl, px, py, n, r);
		free(px);
		free(py);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		chart_circle(c, chart_px(p, xs[i]), chart_py(p, ys[i]), r);
		c->ops->fill(c->impl);
	}
}

double chart_clamp(double v, double lo, double hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

void chart_fmt_r(double r, char *buf, size_t size)
{
	if (fabs(r) < 0.005)
		r = 0.0;   /* never "-0.00" */
	snprintf(buf, size, "%.2f", r);
}

/* A legend entry: a short line (or dot) swatch and its text. Returns the
 * x after the entry, or x unchanged when it did not fit. */
double chart_legend(struct chart_layout *L, double x, double y, struct chart_rgb k,
		   double lw, bool dot, const char *s)
{
	double size = CHART_FONT_SMALL;
	chart_font(L->c, CANVAS_REGULAR, size);
	double sw = 14, tw = chart_text_w(L->c, s);
	if (!chart_layout_fits(L, x + sw + 3, y, CHART_LEFT, CANVAS_REGULAR, size, s) ||
	    !chart_layout_reserve(L, x, y - CHART_ASCENT * size, x + sw + 2, y + CHART_DESCENT * size))
		return x;
	chart_color(L->c, k);
	double my = y - 0.3 * size;
	if (dot) {
		chart_circle(L->c, x + sw / 2, my, 2.2);
		L->c->ops->fill(L->c->impl);
	} else {
		L->c->ops->set_line_width(L->c->impl, lw);
		chart_line(L->c, x, my, x + sw, my);
	}
	chart_layout_text(L, x + sw + 3, y, CHART_LEFT, CANVAS_REGULAR, size, CHART_MUTED, s);
	return x + sw + 3 + tw + 10;
}

/* Width of one legend entry with the gap after it (as chart_legend). */
static double legend_entry_w(struct canvas *c, const struct chart_legend_item *it)
{
	chart_font(c, CANVAS_REGULAR, CHART_FONT_SMALL);
	return 14 + 3 + chart_text_w(c, it->s) + 10;
}

double chart_legend_flow(struct chart_layout *L, double x, double y, double w,
			 const struct chart_legend_item *it, size_t n, bool draw)
{
	double lx = x;
	for (size_t i = 0; i < n; i++) {
		double ew = legend_entry_w(L->c, &it[i]);
		if (lx > x && lx + ew - 10 > x + w) {
			lx = x;
			y += CHART_LEGEND_LINE;
		}
		if (draw)
			chart_legend(L, lx, y, it[i].k, it[i].lw, it[i].dot, it[i].s);
		lx += ew;
	}
	return y;
}

double chart_px(const struct chart_plot *p, double v)
{
	double t = p->vx1 > p->vx0 ? (v - p->vx0) / (p->vx1 - p->vx0) : 0.5;
	return chart_clamp(p->x0 + t * (p->x1 - p->x0), p->x0, p->x1);
}

double chart_py(const struct chart_plot *p, double v)
{
	double t = p->vy1 > p->vy0 ? (v - p->vy0) / (p->vy1 - p->vy0) : 0.5;
	return chart_clamp(p->y1 - t * (p->y1 - p->y0), p->y0, p->y1);
}

