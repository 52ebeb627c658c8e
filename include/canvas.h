/* canvas.h - the small drawing interface charts are described against.
 *
 * Two backends implement it: cairo (PNG in memory, chart_png.c) and libharu
 * (vector graphics on a PDF page, pdf.c). Coordinates are in points (1/72
 * inch) with the origin at the top-left corner and y growing downwards; the
 * PDF backend flips them. Text is UTF-8 and goes through the text layer
 * (text.h) in both backends, so a string measures and looks the same in a PNG
 * and in a PDF. Both backends use the same font files from fonts/.
 */
#ifndef CONVEX_CANVAS_H
#define CONVEX_CANVAS_H

#include <stddef.h>

enum canvas_font { CANVAS_REGULAR, CANVAS_BOLD };

struct canvas_ops {
	void (*move_to)(void *impl, double x, double y);
	void (*line_to)(void *impl, double x, double y);
	void (*curve_to)(void *impl, double x1, double y1, double x2, double y2,
			 double x3, double y3);
	void (*close_path)(void *impl);
	void (*rect)(void *impl, double x, double y, double w, double h);
	void (*fill)(void *impl);            /* fill and clear the path */
	void (*stroke)(void *impl);          /* stroke and clear the path */
	void (*save)(void *impl);            /* push graphics state (clip, colour, dash, font) */
	void (*restore)(void *impl);
	void (*clip)(void *impl);            /* intersect clip with the path; clears it */
	void (*set_rgb)(void *impl, double r, double g, double b); /* 0..1 */
	void (*set_line_width)(void *impl, double w);
	void (*set_dash)(void *impl, const double *dashes, int n); /* n = 0: solid */
	void (*set_font)(void *impl, enum canvas_font font, double size);
	double (*text_width)(void *impl, const char *utf8);  /* in points, current font */
	void (*show_text)(void *impl, double x, double y, const char *utf8); /* baseline-left */
	/* Optional (NULL: the caller fills circles): n discs of radius r in
	 * the current colour; clears the current path. A scatter plot has
	 * hundreds, so a backend may draw them more compactly than paths. */
	void (*dots)(void *impl, const double *x, const double *y, size_t n, double r);
};

struct canvas {
	const struct canvas_ops *ops;
	void *impl;
	double width, height;   /* drawable size in points */
};

#endif
