/* chart_draw.h - drawing helpers shared by the chart modules (chart.c,
 * chart_digest.c), defined in chart_draw.c. Internal: not part of the chart.h
 * contract. */
#ifndef CONVEX_CHART_DRAW_H
#define CONVEX_CHART_DRAW_H

#include <stdbool.h>
#include <stddef.h>

#include "canvas.h"

/* Text box of a label around its baseline, as fractions of the font size.
 * Lato's ascender is 0.805 em (accents included), its descender 0.195 em;
 * digits and capitals reach 0.72 em. */
#define CHART_ASCENT 0.80
#define CHART_DESCENT 0.22

/* Labels remembered per chart for the overlap check: a 40 x 40 heatmap has
 * 1,600 cell values plus its axes and legend. */
#define CHART_BOXES_MAX 2048

struct chart_rgb {
	double r, g, b;
};

extern const struct chart_rgb CHART_INK, CHART_MUTED, CHART_GRID, CHART_AXIS,
	CHART_MAIN, CHART_SECOND, CHART_NEG, CHART_WHITE;

enum chart_align { CHART_LEFT, CHART_CENTER, CHART_RIGHT };

struct chart_box {
	double x0, y0, x1, y1;
};

/* The chart rectangle and the text boxes placed in it so far. */
struct chart_layout {
	struct canvas *c;
	double x0, y0, x1, y1;
	size_t nbox;
	struct chart_box box[CHART_BOXES_MAX];
};

/* A plot box in points and the value ranges it maps (y grows upwards). */
struct chart_plot {
	double x0, y0, x1, y1;
	double vx0, vx1, vy0, vy1;
};


struct chart_layout *chart_layout_new(struct canvas *c, double x, double y, double w, double h);
void chart_layout_free(struct chart_layout *L);
/* Claim a box: false (and nothing claimed) when it leaves the rectangle or
 * overlaps a box claimed before. */
bool chart_layout_reserve(struct chart_layout *L, double x0, double y0, double x1, double y1);
/* Whether text at (x, baseline y) would be placed; sets the font. */
bool chart_layout_fits(const struct chart_layout *L, double x, double y, enum chart_align a,
		 enum canvas_font f, double size, const char *s);
/* Draw text when it fits (see chart_layout_reserve); true when drawn. */
bool chart_layout_text(struct chart_layout *L, double x, double y, enum chart_align a,
		 enum canvas_font f, double size, struct chart_rgb k, const char *s);
/* Draw the chart title (shortened to fit) and return the y below it. */
double chart_layout_title(struct chart_layout *L, const char *title);
/* The "no data" message centred below `top`. */
void chart_layout_no_data(struct chart_layout *L, double top, const char *why);

void chart_color(struct canvas *c, struct chart_rgb k);
void chart_font(struct canvas *c, enum canvas_font f, double size);
double chart_text_w(struct canvas *c, const char *s);
void chart_line(struct canvas *c, double x0, double y0, double x1, double y1);
void chart_fill_rect(struct canvas *c, struct chart_rgb k, double x, double y, double w, double h);
void chart_circle(struct canvas *c, double x, double y, double r);
/* Filled discs of radius r at the values (xs[i], ys[i]) of plot p, in the
 * current colour (the backend's dots op when it has one). */
void chart_dots(struct canvas *c, const struct chart_plot *p, const double *xs,
		const double *ys, size_t n, double r);
double chart_clamp(double v, double lo, double hi);
/* r with two decimals, never "-0.00". */
void chart_fmt_r(double r, char *buf, size_t size);
/* A legend swatch (a line of width lw, or a dot) and its text at baseline y;
 * returns the x after it, or x when it did not fit. */
double chart_legend(struct chart_layout *L, double x, double y, struct chart_rgb k,
		   double lw, bool dot, const char *s);
/* One entry of a legend laid out by chart_legend_flow. */
struct chart_legend_item {
	struct chart_rgb k;
	double lw;          /* swatch line width; 0 with dot */
	bool dot;
	const char *s;
};
/* Distance between the baselines of two legend lines. */
#define CHART_LEGEND_LINE ((CHART_ASCENT + CHART_DESCENT) * CHART_FONT_SMALL + 3)
/* The entries from x at baseline y, left to right, wrapping to a new line
 * when the next would pass x + w (a phone-sized chart keeps every entry).
 * With draw false only measures. Returns the baseline of the last line. */
double chart_legend_flow(struct chart_layout *L, double x, double y, double w,
			 const struct chart_legend_item *it, size_t n, bool draw);
/* Map a value to the plot box, clamped to it. */
double chart_px(const struct chart_plot *p, double v);
double chart_py(const struct chart_plot *p, double v);

#endif
