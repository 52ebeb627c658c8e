/* chart_png.c - the cairo backend of struct canvas: charts as PNG in memory.
 *
 * The only file that includes cairo.h. Fonts are the files in fonts/ loaded
 * with FreeType (no fontconfig lookup), so a PNG uses the very glyphs the
 * PDF embeds; text goes through the text layer (UTF-8 -> CP1252 -> UTF-8)
 * so it prints the same characters as the PDF. Metrics hinting is off so
 * that text widths scale linearly and match the PDF's.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <cairo-ft.h>
#include <ft2build.h>
#include FT_FREETYPE_H

#include "chart.h"
#include "paths.h"
#include "pngout.h"
#include "text.h"

/* Margin around a chart inside its PNG, in points. */
#define CHART_PNG_MARGIN 8.0

/* The faces are loaded once per process and kept: cairo caches scaled fonts
 * beyond the life of any one surface, so the FT_Faces must outlive them. */
static struct {
	pthread_once_t once;
	FT_Library lib;
	FT_Face face[2];
	cairo_font_face_t *cface[2];
	struct cx_error err;
} fonts = {PTHREAD_ONCE_INIT, NULL, {NULL, NULL}, {NULL, NULL}, {CX_OK, ""}};

static const char *const font_files[2] = {CHART_FONT_REGULAR, CHART_FONT_BOLD};

static void fonts_load(void)
{
	if (FT_Init_FreeType(&fonts.lib) != 0) {
		cx_fail(&fonts.err, CX_ESOFTWARE, "freetype: cannot initialise");
		return;
	}
	for (int i = 0; i < 2; i++) {
		char path[4096];
		if (paths_data_file(font_files[i], path, sizeof path) == NULL) {
			cx_fail(&fonts.err, CX_ENOINPUT, "%s: path too long", font_files[i]);
			return;
		}
		if (FT_New_Face(fonts.lib, path, 0, &fonts.face[i]) != 0) {
			cx_fail(&fonts.err, CX_ENOINPUT,
				"%s: cannot load the font (missing or not TrueType)", path);
			return;
		}
		fonts.cface[i] = cairo_ft_font_face_create_for_ft_face(fonts.face[i], 0);
		if (cairo_font_face_status(fonts.cface[i]) != CAIRO_STATUS_SUCCESS) {
			cx_fail(&fonts.err, CX_ESOFTWARE, "%s: cairo cannot use the font", path);
			return;
		}
	}
}

/* ---- the canvas operations ------------------------------------------------ */

/* The canvas's impl: the cairo context and the smallest font size any
 * text was drawn at (points), which the PNG records (CHART_PNG_TEXT_KEY). */
struct png_canvas {
	cairo_t *cr;
	double font_size, min_text;
};

static cairo_t *cr_of(void *impl) { return ((struct png_canvas *)impl)->cr; }

static void op_move_to(void *impl, double x, double y) { cairo_move_to(cr_of(impl), x, y); }
static void op_line_to(void *impl, double x, double y) { cairo_line_to(cr_of(impl), x, y); }
static void op_curve_to(void *impl, double x1, double y1, double x2, double y2,
			double x3, double y3)
{
	cairo_curve_to(cr_of(impl), x1, y1, x2, y2, x3, y3);
}
static void op_close_path(void *impl) { cairo_close_path(cr_of(impl)); }
static void op_rect(void *impl, double x, double y, double w, double h)
{
	cairo_rectangle(cr_of(impl), x, y, w, h);
}
static void op_fill(void *impl) { cairo_fill(cr_of(impl)); }
static void op_stroke(void *impl) { cairo_stroke(cr_of(impl)); }
static void op_save(void *impl) { cairo_save(cr_of(impl)); }
static void op_restore(void *impl) { cairo_restore(cr_of(impl)); }
static void op_clip(void *impl) { cairo_clip(cr_of(impl)); }
static void op_set_rgb(void *impl, double r, double g, double b)
{
	cairo_set_source_rgb(cr_of(impl), r, g, b);
}
static void op_set_line_width(void *impl, double w) { cairo_set_line_width(cr_of(impl), w); }
static void op_set_dash(void *impl, const double *dashes, int n)
{
	cairo_set_dash(cr_of(impl), dashes, n, 0.0);
}
static void op_set_font(void *impl, enum canvas_font font, double size)
{
	cairo_set_font_face(cr_of(impl), fonts.cface[font == CANVAS_BOLD ? 1 : 0]);
	cairo_set_font_size(cr_of(impl), size);
	((struct png_canvas *)impl)->font_size = size;
}

/* The UTF-8 the PDF would print for `utf8` (see text.h). */
static void printable(const char *utf8, char *out, size_t size)
{
	text_to_font(utf8, out, size, NULL);
}

static double op_text_width(void *impl, const char *utf8)
{
	char buf[TEXT_MAX];
	cairo_text_extents_t ext;
	printable(utf8, buf, sizeof buf);
	cairo_text_extents(cr_of(impl), buf, &ext);
	return ext.x_advance;
}

static void op_show_text(void *impl, double x, double y, const char *utf8)
{
	char buf[TEXT_MAX];
	struct png_canvas *pc = impl;
	printable(utf8, buf, sizeof buf);
	if (buf[0] != '\0')
		pc->min_text = fmin(pc->min_text, pc->font_size);
	cairo_move_to(cr_of(impl), x, y);
	cairo_show_text(cr_of(impl), buf);
	cairo_new_path(cr_of(impl));
}

static const struct canvas_ops cairo_ops = {
	op_move_to, op_line_to, op_curve_to, op_close_path, op_rect, op_fill,
	op_stroke, op_save, op_restore, op_clip, op_set_rgb, op_set_line_width,
	op_set_dash, op_set_font, op_text_width, op_show_text,
	NULL,   /* dots: circles, as any path */
};

static void set_font_options(cairo_t *cr)
{
	cairo_font_options_t *fo = cairo_font_options_create();
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_SLIGHT);
	cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
	cairo_set_font_options(cr, fo);
	cairo_font_options_destroy(fo);
}

int chart_png_render(const struct chart_spec *spec, double width_pt,
		     double height_pt, double scale, size_t palette,
		     unsigned char **png, size_t *len, struct cx_error *e)
{
	*png = NULL;
	*len = 0;
	if (!(scale >= 0.25 && scale <= 8.0) || !(width_pt >= 1 && height_pt >= 1) ||
	    width_pt * scale > CHART_PNG_MAX_PX || height_pt * scale > CHART_PNG_MAX_PX)
		return cx_fail(e, CX_EUSAGE,
			       "chart size %.0fx%.0f pt at scale %g is out of range",
			       width_pt, height_pt, scale);
	pthread_once(&fonts.once, fonts_load);
	if (fonts.err.code != CX_OK) {
		if (e != NULL)
			*e = fonts.err;
		return -1;
	}
	/* Whole pixels; 200 pt at 2 * 440 / 200 is 880.0000000001, not 881. */
	int wpx = (int)ceil(width_pt * scale - 1e-6), hpx = (int)ceil(height_pt * scale - 1e-6);
	cairo_surface_t *surf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, wpx, hpx);
	cairo_t *cr = cairo_create(surf);
	int rc = -1;
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_scale(cr, scale, scale);
	set_font_options(cr);
	cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
	/* RGB charts (the web pages') draw shapes with cairo's fast
	 * antialiasing (text keeps its own, GRAY): the rolling chart's two
	 * lines of 1,260 points cost 4.8 ms a PNG with the default and 2 ms
	 * with FAST; at 2x density the lines look the same (compared at 4x
	 * zoom) and the PNG is 27% smaller. Not the indexed (email) charts:
	 * FAST's few, unusual edge blends are rare colours the 64-colour
	 * palette maps to the nearest common one, a grey edge on a navy
	 * legend swatch. */
	if (palette == 0)
		cairo_set_antialias(cr, CAIRO_ANTIALIAS_FAST);
	struct png_canvas pc = {.cr = cr, .min_text = INFINITY};
	struct canvas cv = {.ops = &cairo_ops, .impl = &pc, .width = width_pt, .height = height_pt};
	cairo_set_source_rgb(cr, 0, 0, 0);
	op_set_font(&pc, CANVAS_REGULAR, CHART_FONT_LABEL);
	/* A quiet margin: a PNG stands alone in a mail, not inside a page. */
	double pad = fmin(CHART_PNG_MARGIN, fmin(width_pt, height_pt) / 10);
	chart_draw(&cv, spec, pad, pad, width_pt - 2 * pad, height_pt - 2 * pad);
	if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
		cx_fail(e, CX_ESOFTWARE, "cairo: %s", cairo_status_to_string(cairo_status(cr)));
		goto done;
	}
	cairo_surface_flush(surf);
	char px[32];
	snprintf(px, sizeof px, "%.2f", isfinite(pc.min_text) ? pc.min_text * scale : 0.0);
	struct pngout_opts po = {.key = CHART_PNG_TEXT_KEY, .value = px, .palette = palette};
	rc = pngout_rgb24(cairo_image_surface_get_data(surf), wpx, hpx,
			  cairo_image_surface_get_stride(surf), &po, png, len, e);
done:
	cairo_destroy(cr);
	cairo_surface_destroy(surf);
	return rc;
}
