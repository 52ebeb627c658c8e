/* chart.h - the charts of the deep dive and the digest, described against
 * the canvas interface (canvas.h) so that one description renders as a PNG
 * (cairo, chart_png.c) and as vector graphics on a PDF page (pdf.c).
 *
 * Every chart draws into the rectangle (x, y, w, h) of a canvas, in points,
 * origin top-left, and never outside it: labels are measured with the
 * canvas's text_width, long names are shortened with an ellipsis, labels that
 * would collide are left out rather than overprinted. Whatever the data
 * (missing values, zero variance, |r| = 1, one year or thirty), a chart draws
 * something readable; where there is nothing to plot it says "no data"
 * inside the rectangle. The charts save and restore the canvas state.
 *
 * Text is UTF-8 (converted by text.h in the backends). Charts read the data
 * they are given and keep no pointer to it. Out of memory aborts (like
 * prices_new); there is no other failure.
 */
#ifndef CONVEX_CHART_H
#define CONVEX_CHART_H

#include <stdbool.h>
#include <stddef.h>

#include "canvas.h"
#include "err.h"
#include "stats.h"

/* Suggested sizes in points: full text width of an A4/Letter page with
 * ~50 pt margins, and heights that keep the pages at about two. The charts
 * work at any size from CHART_MIN_W x CHART_MIN_H up. */
#define CHART_WIDTH      495.0
#define CHART_ROLLING_H  220.0
#define CHART_SCATTER_H  220.0   /* draw it square-ish: e.g. 260 x 220 */
#define CHART_YEARS_H    180.0
#define CHART_SHIFTS_ROW 20.0    /* shifts chart: height per pair + 70 */
#define CHART_HEATMAP_H  400.0
#define CHART_MIN_W      120.0
#define CHART_MIN_H      80.0

/* Chart text: sizes in points (the PDF body text can match them). */
#define CHART_FONT_TITLE 9.5
#define CHART_FONT_LABEL 7.5
#define CHART_FONT_SMALL 6.5

/* 1. Rolling correlation of the pair over its history: the rolling 90-day r
 * (stats_rolling, STATS_W90) as the main line and the rolling 30-day r as a
 * thin secondary line; y fixed at -1..+1 with a zero line and faint bands
 * at the strength thresholds 0.2/0.4/0.6/0.8; the highest and lowest 90-day
 * values (s->roll_max/roll_min) marked and labelled with value and date; the
 * latest 90-day value labelled at the right edge; year ticks on x.
 * `title` may be NULL (no title line). */
void chart_rolling(struct canvas *c, const struct pair_stats *s,
		   const char *title, double x, double y, double w, double h);

/* 2. Scatter of the last year's daily log returns (the last STATS_W1Y of
 * s->ra (y axis) against s->rb (x axis), fewer when the history is shorter)
 * in percent, with the OLS line of A on B and "beta 0.83  r² 0.41" in a
 * corner (from s->one_year; left out when it has no value). */
void chart_scatter(struct canvas *c, const struct pair_stats *s,
		   const char *title, double x, double y, double w, double h);

/* 3. Year by year: one bar per calendar year of s->years, oldest left,
 * positive and negative r in two colours, the value on each bar and
 * "n=..." under it; a year without r shows "n/a" and no bar. */
void chart_years(struct canvas *c, const struct pair_stats *s,
		 const char *title, double x, double y, double w, double h);

/* One row of the digest's regime-shift chart. */
struct chart_shift {
	const char *label;      /* "SBI/SPI"; shortened to fit */
	bool has_r90;
	double r90;
	bool has_r90_ci;
	double r90_lo, r90_hi;  /* 95% interval of the 90-day r */
	bool has_base;
	double base;            /* baseline r (5Y without the last 90 days) */
	bool has_base_ci;
	double base_lo, base_hi;
	bool significant;       /* shift significant after Benjamini-Hochberg */
};

/* 4a. Regime shifts: one row per pair (in the given order), baseline and
 * 90-day r as two dots joined by a line (a dumbbell) on a -1..+1 axis, each
 * with its 95% interval as a whisker; significant rows drawn in the accent
 * colour and marked. A legend under the plot. */
void chart_shifts(struct canvas *c, const struct chart_shift *rows, size_t n,
		  const char *title, double x, double y, double w, double h);

/* The symbols x symbols correlation matrix of the heatmap: r[i*n + j] is r
 * of labels[i] and labels[j], has_r[i*n + j] whether it has a value. */
struct chart_matrix {
	size_t n;
	const char *const *labels;
	const double *r;
	const bool *has_r;
};

/* Most symbols a heatmap holds (the digest's page fits 100 at one label per
 * row); more are cut (the first ones are kept) and a note says so. The
 * chart orders the symbols by hierarchical clustering (cluster.h) and, when
 * its box is too small for cells of 4 points, shows the first of them. */
#define CHART_HEATMAP_MAX 100

/* 4b. Heatmap of the matrix: a diverging colour-blind-safe scale (blue for
 * -1, white for 0, red for +1) centred on 0, the value in each cell (when
 * the cell is large enough), "n/a" cells hatched grey, symbol labels on the
 * left and top, and a colour legend. */
void chart_heatmap(struct canvas *c, const struct chart_matrix *m,
		   const char *title, double x, double y, double w, double h);

/* Any of the charts, for callers that pick one by kind (PNG files, mail). */
enum chart_kind {
	CHART_ROLLING,
	CHART_SCATTER,
	CHART_YEARS,
	CHART_SHIFTS,
	CHART_HEATMAP,
};

struct chart_spec {
	enum chart_kind kind;
	const char *title;                /* may be NULL */
	const struct pair_stats *pair;    /* ROLLING, SCATTER, YEARS */
	const struct chart_shift *shifts; /* SHIFTS */
	size_t nshifts;
	const struct chart_matrix *matrix;/* HEATMAP */
};

/* Draw `spec` into (x, y, w, h) of `c`. A missing input (NULL pair, matrix)
 * draws the "no data" frame. */
void chart_draw(struct canvas *c, const struct chart_spec *spec, double x,
		double y, double w, double h);

/* File-name stem of a kind: "rolling", "scatter", "years", "shifts",
 * "heatmap". Static string. */
const char *chart_kind_name(enum chart_kind kind);

/* Most pixels along one side of a PNG (guards the surface allocation). */
#define CHART_PNG_MAX_PX 8000

/* Render `spec` as a PNG in memory: a canvas of width_pt x height_pt points
 * on an opaque white RGB24 surface at `scale` pixels per point (1 or 2 for
 * the 1x and 2x densities; any value in 0.25..8), fonts from fonts/; the
 * chart is drawn inside a white margin of 8 pt (less on tiny images).
 * `palette` 0 writes an RGB PNG, 2..256 an indexed one of at most that many
 * colours (pngout.h; CHART_MAIL_PALETTE for the email's). The PNG records
 * its smallest text under CHART_PNG_TEXT_KEY.
 * On success *png is a malloc'd buffer of *len bytes (caller frees) and 0 is
 * returned. Errors: CX_ENOINPUT when a font file is missing or unreadable,
 * CX_EUSAGE for a size or scale out of range, CX_ESOFTWARE when cairo or
 * FreeType fail; *png is then NULL. Implemented in chart_png.c, the only
 * file that includes cairo.h. */
int chart_png_render(const struct chart_spec *spec, double width_pt,
		     double height_pt, double scale, size_t palette,
		     unsigned char **png, size_t *len, struct cx_error *e);

/* The tEXt keyword under which a chart PNG records the size, in pixels of
 * the PNG, of the smallest text drawn on it ("0.00" when it has none): a
 * test divides it by the PNG's natural-to-displayed ratio to get CSS px. */
#define CHART_PNG_TEXT_KEY "Convex-Smallest-Text-Px"

/* The email's charts: drawn for a slot CHART_MAIL_CSS_W CSS px wide (at
 * most; narrower on a phone), centred in the 536 px column, at twice that
 * in pixels, and narrow in points so that their smallest text
 * (CHART_FONT_SMALL) stays >= 11 CSS px where a 375 px phone shows the
 * image ~355 px wide: 6.5 pt * 355 / 200 pt = 11.5 px (14.3 px on a
 * desktop, about the body text). The rolling chart is CHART_MAIL_W x
 * CHART_MAIL_ROLLING_H; the shifts chart has at most CHART_MAIL_SHIFTS
 * rows of CHART_MAIL_SHIFTS_ROW (height: rows * row + CHART_MAIL_SHIFTS_EXTRA). */
#define CHART_MAIL_CSS_W      440
#define CHART_MAIL_W          200.0
#define CHART_MAIL_SCALE      (2.0 * CHART_MAIL_CSS_W / CHART_MAIL_W)
#define CHART_MAIL_ROLLING_H  150.0
#define CHART_MAIL_SHIFTS     10
#define CHART_MAIL_SHIFTS_ROW 14.0
#define CHART_MAIL_SHIFTS_EXTRA 84.0
/* Colours of the email's indexed PNGs: a third of the bytes of RGB, no
 * visible difference on the charts (measured; docs/mail.md). */
#define CHART_MAIL_PALETTE    64
#define CHART_MAIL_SHIFTS_H(n) ((double)(n) * CHART_MAIL_SHIFTS_ROW + CHART_MAIL_SHIFTS_EXTRA)
/* A height in points of an email chart as CSS px of its slot (rounded). */
#define CHART_MAIL_CSS(pt)    ((int)((pt) * CHART_MAIL_CSS_W / CHART_MAIL_W + 0.5))

/* The font files both backends use, relative to the data directory
 * (paths_data_file). The PDF backend embeds the same files. */
#define CHART_FONT_REGULAR "fonts/Lato-Regular.ttf"
#define CHART_FONT_BOLD    "fonts/Lato-Bold.ttf"

#endif
