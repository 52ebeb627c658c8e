/* pdf.c - PDF/A-1b documents over libharu 2.3.0 (Debian's), the only file
 * that includes hpdf.h.
 *
 * What libharu 2.3.0 does and what we do about it:
 *  - HPDF_PDFA_SetPDFAConformance writes the XMP packet from the document
 *    info as it is at that moment, without XML escaping: so the info is
 *    set first, as the UTF-8 the page would print with & < > replaced
 *    (meta_text). It has no encoder that writes a UTF-8 string as a PDF
 *    text string, so afterwards each non-ASCII entry is replaced by its
 *    UTF-16BE form (text_string); bookmarks the same way.
 *  - It then calls HPDF_PDFA_GenerateID, which puts MD5("libHaru" +
 *    ctime(now)) into the trailer /ID unless an /ID exists. We add an /ID
 *    of two zero placeholders first, and after saving into memory replace
 *    it by the MD5 of the file (id_patch): reproducible and content-derived.
 *  - It never sets CreationDate/ModDate itself; we set both from
 *    SOURCE_DATE_EPOCH or the clock, in UTC written as +00'00' (the form
 *    its XMP date converter understands).
 *  - HPDF_PDFA_AppendOutputIntents writes the key "DestOutputProfile "
 *    with a trailing space; we build the output intent ourselves.
 *  - Link annotations get /F 4 (print), which PDF/A requires.
 *  - libharu refuses colour and line-width changes while a path is open
 *    (PDF does too) while the canvas contract allows them; so the canvas
 *    keeps its path here and emits it only when it is painted.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <hpdf.h>
#include <hpdf_utils.h>   /* HPDF_FToA: libharu's number format */
#include <zlib.h>

#include "atomicfile.h"
#include "chart.h"
#include "log.h"
#include "paths.h"
#include "pdf.h"
#include "text.h"
#include "xalloc.h"

enum seg_kind { SEG_MOVE, SEG_LINE, SEG_CURVE, SEG_CLOSE, SEG_RECT };

struct seg {
	enum seg_kind kind;
	bool skip;       /* a line point simplify() found redundant */
	double v[6];
};

struct font_state {
	enum canvas_font font;
	double size;
	double rgb[3];     /* the colour set (black until one is) */
	/* the fill and the stroke colour the page has in effect: each is
	 * written when something is filled or stroked in another colour
	 * (text is filled), not on every change of rgb */
	double fill[3], stroke[3];
};

struct pdf_page {
	struct pdf_doc *doc;
	HPDF_Page page;
	struct canvas canvas;
	struct font_state fs;
	struct font_state stack[PDF_STATE_MAX];
	size_t depth;
};

struct pdf_doc {
	HPDF_Doc hpdf;
	enum pdf_paper paper;
	double w, h;
	HPDF_Font font[2];
	struct pdf_page **pages;
	size_t npages, cap_pages;
	HPDF_Outline *outlines;
	size_t noutlines, cap_outlines;
	struct seg *path;          /* the open path, shared by all pages */
	size_t npath, cap_path;
	char *ops;                 /* path operators being written (ops_*) */
	size_t nops, cap_ops;
	struct text_report text;   /* what the text layer had to change */
	/* first error seen: libharu's codes or our own message */
	HPDF_STATUS hpdf_error, hpdf_detail;
	char error[128];
	bool saved;
};

/* ---- errors and memory ---------------------------------------------- */

static void on_hpdf_error(HPDF_STATUS error_no, HPDF_STATUS detail_no,
			  void *user_data)
{
	struct pdf_doc *d = user_data;
	if (d->hpdf_error == 0 && d->error[0] == '\0') {
		d->hpdf_error = error_no;
		d->hpdf_detail = detail_no;
	}
}

static void doc_error(struct pdf_doc *d, const char *msg)
{
	if (d->hpdf_error == 0 && d->error[0] == '\0')
		snprintf(d->error, sizeof d->error, "%s", msg);
}

/* Grow *arr (of *cap items of `item` bytes) to hold `need` items; aborts on
 * out-of-memory (xalloc.h), so *arr is never lost. */
static void grow(void **arr, size_t *cap, size_t need, size_t item)
{
	if (need <= *cap)
		return;
	size_t ncap = *cap ? *cap * 2 : 16;
	while (ncap < need)
		ncap *= 2;
	*arr = xrealloc_array(*arr, ncap, item);
	*cap = ncap;
}

/* ---- the canvas backend ---------------------------------------------- */

static double fy(const struct pdf_page *p, double y)
{
	return p->doc->h - y;
}

/* Path coordinates go on a grid of 1/PDF_GRID point (0.09 mm, a pixel at
 * 300 dpi). libharu writes a number with up to five decimals;
 * a long path (a chart line) is written in units of the grid instead,
 * under a scaling matrix, as whole numbers ("1277 2070 l", not
 * "159.62891 258.75101 l"): a chart page holds thousands of them. */
#define PDF_GRID 4
#define PDF_SCALED_MIN 16   /* segments from which a path is scaled */

/* v on the grid, in points (unit 1) or grid units (unit PDF_GRID). */
static double grid(double v, double unit)
{
	return round(v * PDF_GRID) / PDF_GRID * unit;
}
static void path_add(struct pdf_page *p, enum seg_kind k, const double *v,
		     int nv)
{
	struct pdf_doc *d = p->doc;
	if (d->npath >= PDF_PATH_MAX) {
		doc_error(d, "a path has more than PDF_PATH_MAX segments");
		return;
	}
	grow((void **)&d->path, &d->cap_path, d->npath + 1, sizeof *d->path);
	struct seg *s = &d->path[d->npath++];
	s->kind = k;
	s->skip = false;
	for (int i = 0; i < nv; i++)
		s->v[i] = v[i];
}

static void c_move_to(void *impl, double x, double y)
{
	path_add(impl, SEG_MOVE, (double[]){x, y}, 2);
}

static void c_line_to(void *impl, double x, double y)
{
	path_add(impl, SEG_LINE, (double[]){x, y}, 2);
}

static void c_curve_to(void *impl, double x1, double y1, double x2,
		       double y2, double x3, double y3)
{
	path_add(impl, SEG_CURVE, (double[]){x1, y1, x2, y2, x3, y3}, 6);
}

static void c_close_path(void *impl)
{
	path_add(impl, SEG_CLOSE, NULL, 0);
}

static void c_rect(void *impl, double x, double y, double w, double h)
{
	path_add(impl, SEG_RECT, (double[]){x, y, w, h}, 4);
}

/* Polylines are simplified (Douglas-Peucker) to PDF_SIMPLIFY_PT: a rolling
 * correlation of 1,260 days drawn 480 points wide has two or three points
 * per point of width, most of them on a straight line to within a hair. */
#define PDF_SIMPLIFY_PT 0.35

/* Distance of point m from the line through a and b. */
static double off_line(const double *a, const double *b, const double *m)
{
	double dx = b[0] - a[0], dy = b[1] - a[1], len = hypot(dx, dy);

	if (len == 0)
		return hypot(m[0] - a[0], m[1] - a[1]);
	return fabs(dy * (m[0] - a[0]) - dx * (m[1] - a[1])) / len;
}

/* Mark the redundant points of path[first..last] (a point and the line
 * segments after it) skipped; `stack` holds 2 * (last - first + 1) items. */
static void simplify_run(struct seg *path, size_t first, size_t last, size_t *stack)
{
	size_t top = 0;

	stack[top++] = first;
	stack[top++] = last;
	while (top > 0) {
		size_t hi = stack[--top], lo = stack[--top], far = lo;
		double worst = 0;

		for (size_t k = lo + 1; k < hi; k++) {
			double d = off_line(path[lo].v, path[hi].v, path[k].v);
			if (d > worst) {
				worst = d;
				far = k;
			}
		}
		if (worst <= PDF_SIMPLIFY_PT) {
			for (size_t k = lo + 1; k < hi; k++)
				path[k].skip = true;
			continue;
		}
		stack[top++] = lo;
		stack[top++] = far;
		stack[top++] = far;
		stack[top++] = hi;
	}
}

/* Simplify every run of three or more points joined by lines. */
static void simplify(struct pdf_doc *d)
{
	size_t *stack = NULL;

	for (size_t i = 0; i < d->npath; i++) {
		size_t j = i;

		if (d->path[i].kind != SEG_MOVE && d->path[i].kind != SEG_LINE)
			continue;
		while (j + 1 < d->npath && d->path[j + 1].kind == SEG_LINE)
			j++;
		if (j - i >= 2) {
			if (stack == NULL)
				stack = xcalloc(2 * d->npath + 2, sizeof *stack);
			simplify_run(d->path, i, j, stack);
		}
		i = j;
	}
	free(stack);
}

/* ---- path operators ----------------------------------------------------
 *
 * libharu's path operators (HPDF_Page_LineTo ...) clear a 512-byte buffer
 * byte by byte for every point before formatting it: a chart page's
 * thousands of points spent more time there than in anything else they
 * do. A path is therefore written here, into d->ops, with libharu's own
 * number formatting (HPDF_FToA, the same bytes), and handed to the page's
 * content stream in one piece, the page put into the path state that
 * HPDF_Page_MoveTo would have put it in. */
#define PDF_NUM_MAX 24   /* bytes of one formatted number with its space */

static void ops_num(struct pdf_doc *d, double v)
{
	grow((void **)&d->ops, &d->cap_ops, d->nops + PDF_NUM_MAX, 1);
	char *at = d->ops + d->nops;
	char *end = HPDF_FToA(at, (HPDF_REAL)v, at + PDF_NUM_MAX - 2);
	*end++ = ' ';
	d->nops = (size_t)(end - d->ops);
}

/* The operator `op` and its line end, after its operands. */
static void ops_op(struct pdf_doc *d, const char *op)
{
	size_t n = strlen(op);
	grow((void **)&d->ops, &d->cap_ops, d->nops + n + 1, 1);
	memcpy(d->ops + d->nops, op, n);
	d->ops[d->nops + n] = '\012';
	d->nops += n + 1;
}

static void ops_point(struct pdf_doc *d, double x, double y, const char *op)
{
	ops_num(d, x);
	ops_num(d, y);
	ops_op(d, op);
}

/* Write d->ops into page p as the start of a path (see above). */
static void ops_flush(struct pdf_page *p)
{
	struct pdf_doc *d = p->doc;
	HPDF_PageAttr a = p->page->attr;

	if (d->nops == 0)
		return;
	if (a->gmode != HPDF_GMODE_PAGE_DESCRIPTION && a->gmode != HPDF_GMODE_PATH_OBJECT)
		doc_error(d, "a path drawn inside a text object");
	else if (HPDF_Stream_Write(a->stream, (const HPDF_BYTE *)d->ops, (HPDF_UINT)d->nops) != HPDF_OK)
		doc_error(d, "libharu cannot write a path");
	else
		a->gmode = HPDF_GMODE_PATH_OBJECT;
	d->nops = 0;
}

/* Emit the kept path into the page; false when it is empty or starts with
 * a segment that needs a current point. */
static bool path_emit(struct pdf_page *p, double u)
{
	struct pdf_doc *d = p->doc;
	bool have_point = false, any = false;

	simplify(d);
	for (size_t i = 0; i < d->npath; i++) {
		const struct seg *s = &d->path[i];
		const double *v = s->v;
		if (s->skip)
			continue;
		switch (s->kind) {
		case SEG_MOVE:
			ops_point(d, grid(v[0], u), grid(fy(p, v[1]), u), "m");
			have_point = true;
			break;
		case SEG_LINE:
			ops_point(d, grid(v[0], u), grid(fy(p, v[1]), u), have_point ? "l" : "m");
			have_point = true;
			break;
		case SEG_CURVE:
			if (!have_point)
				ops_point(d, grid(v[0], u), grid(fy(p, v[1]), u), "m");
			ops_num(d, grid(v[0], u));
			ops_num(d, grid(fy(p, v[1]), u));
			ops_num(d, grid(v[2], u));
			ops_num(d, grid(fy(p, v[3]), u));
			ops_point(d, grid(v[4], u), grid(fy(p, v[5]), u), "c");
			have_point = true;
			break;
		case SEG_CLOSE:
			if (have_point)
				ops_op(d, "h");
			break;
		case SEG_RECT:
			ops_num(d, grid(v[0], u));
			ops_num(d, grid(fy(p, v[1] + v[3]), u));
			ops_point(d, grid(v[2], u), grid(v[3], u), "re");
			have_point = true;
			break;
		}
		any = any || have_point;
	}
	d->npath = 0;
	ops_flush(p);
	return any;
}

static double clamp01(double v)
{
	return v < 0 ? 0 : v > 1 ? 1 : v;
}

static void c_set_rgb(void *impl, double r, double g, double b)
{
	struct pdf_page *p = impl;
	p->fs.rgb[0] = clamp01(r), p->fs.rgb[1] = clamp01(g), p->fs.rgb[2] = clamp01(b);
}

static bool same_rgb(const double *a, const double *b)
{
	return a[0] == b[0] && a[1] == b[1] && a[2] == b[2];
}

/* Make the colour set the fill colour (fill true) or the stroke colour of
 * the page, writing it when it is not already. */
static void use_rgb(struct pdf_page *p, bool fill)
{
	double *have = fill ? p->fs.fill : p->fs.stroke;
	const double *want = p->fs.rgb;

	if (same_rgb(have, want))
		return;
	memcpy(have, want, sizeof p->fs.rgb);
	if (fill)
		HPDF_Page_SetRGBFill(p->page, want[0], want[1], want[2]);
	else
		HPDF_Page_SetRGBStroke(p->page, want[0], want[1], want[2]);
}

/* Paint the kept path (fill or stroke); a long one in grid units under a
 * scaling matrix, with the line width scaled to match. Dashed lines stay in
 * points (libharu keeps dash lengths as small integers). */
static void paint(struct pdf_page *p, bool fill)
{
	use_rgb(p, fill);
	HPDF_DashMode dash = HPDF_Page_GetDash(p->page);
	bool scaled = p->doc->npath >= PDF_SCALED_MIN && dash.num_ptn == 0;

	if (scaled) {
		HPDF_REAL w = HPDF_Page_GetLineWidth(p->page);
		HPDF_Page_GSave(p->page);
		HPDF_Page_Concat(p->page, 1.0f / PDF_GRID, 0, 0, 1.0f / PDF_GRID, 0, 0);
		HPDF_Page_SetLineWidth(p->page, w * PDF_GRID);
	}
	if (path_emit(p, scaled ? PDF_GRID : 1)) {
		if (fill)
			HPDF_Page_Fill(p->page);
		else
			HPDF_Page_Stroke(p->page);
	}
	if (scaled)
		HPDF_Page_GRestore(p->page);
}

static void c_fill(void *impl)
{
	paint(impl, true);
}

static void c_stroke(void *impl)
{
	paint(impl, false);
}

static void c_clip(void *impl)
{
	struct pdf_page *p = impl;
	if (!path_emit(p, 1)) {
		/* an empty clip path clips everything away */
		HPDF_Page_Rectangle(p->page, 0, 0, 0, 0);
	}
	HPDF_Page_Clip(p->page);
	HPDF_Page_EndPath(p->page);
}

static void c_save(void *impl)
{
	struct pdf_page *p = impl;
	if (p->depth >= PDF_STATE_MAX) {
		doc_error(p->doc, "canvas save nested deeper than PDF_STATE_MAX");
		return;
	}
	p->stack[p->depth++] = p->fs;
	HPDF_Page_GSave(p->page);
}

static void c_restore(void *impl)
{
	struct pdf_page *p = impl;
	if (p->depth == 0) {
		doc_error(p->doc, "canvas restore without save");
		return;
	}
	p->fs = p->stack[--p->depth];
	p->doc->npath = 0;
	HPDF_Page_GRestore(p->page);
}

/* Discs as zero-length round-capped strokes, one path for all of them: a
 * degenerate subpath with round caps paints a filled circle (PDF 1.4,
 * 8.5.3.2), 4 numbers a dot instead of a closed curve's 26. */
static void c_dots(void *impl, const double *x, const double *y, size_t n,
		   double r)
{
	struct pdf_page *p = impl;

	p->doc->npath = 0;
	if (n == 0)
		return;
	use_rgb(p, false);
	HPDF_Page_GSave(p->page);
	HPDF_Page_SetLineCap(p->page, HPDF_ROUND_END);
	HPDF_Page_SetLineWidth(p->page, 2 * r);
	for (size_t i = 0; i < n; i++) {
		double px = grid(x[i], 1), py = grid(fy(p, y[i]), 1);
		ops_point(p->doc, px, py, "m");
		ops_point(p->doc, px, py, "l");
	}
	ops_flush(p);
	HPDF_Page_Stroke(p->page);
	HPDF_Page_GRestore(p->page);
}

static void c_set_line_width(void *impl, double w)
{
	HPDF_Page_SetLineWidth(((struct pdf_page *)impl)->page, w > 0 ? w : 0);
}

/* libharu 2.3.0 takes dash lengths as integers (at most 8): lengths are
 * rounded to whole points, at least 1. */
static void c_set_dash(void *impl, const double *dashes, int n)
{
	struct pdf_page *p = impl;
	HPDF_UINT16 pat[8];
	if (n <= 0 || dashes == NULL) {
		HPDF_Page_SetDash(p->page, NULL, 0, 0);
		return;
	}
	if (n > 8)
		n = 8;
	for (int i = 0; i < n; i++) {
		double v = dashes[i] + 0.5;
		pat[i] = (HPDF_UINT16)(v < 1 ? 1 : v > 1000 ? 1000 : v);
	}
	HPDF_Page_SetDash(p->page, pat, (HPDF_UINT)n, 0);
}

static void c_set_font(void *impl, enum canvas_font font, double size)
{
	struct pdf_page *p = impl;
	p->fs.font = font == CANVAS_BOLD ? CANVAS_BOLD : CANVAS_REGULAR;
	p->fs.size = size > 0 ? size : 1;
}

/* ---- text widths ---------------------------------------------------------
 *
 * Laying out a page measures each paragraph's prefixes again and again
 * (text_wrap), and libharu's HPDF_Font_TextWidth decodes the UTF-8 and
 * scans the cmap for every character of every measurement. The advance
 * widths of the first PDF_WIDTH_CPS code points are kept in a table per
 * process instead, filled from the first document's fonts: the sum is the
 * same integer libharu computes (the width of each character, in 1/1000
 * of the size). Measuring no longer marks glyphs as used: a glyph is
 * embedded when it is shown. */
#define PDF_WIDTH_CPS 0x2600   /* the repertoire ends at U+25CF (text.c) */

static struct {
	pthread_mutex_t lock;
	bool filled;
	HPDF_UINT16 w[2][PDF_WIDTH_CPS];
} widths = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* Fill the table from d's fonts unless done; pdf_new calls it, so the
 * table is complete before any of its documents measures. */
static void widths_fill(const struct pdf_doc *d)
{
	pthread_mutex_lock(&widths.lock);
	for (size_t f = 0; f < 2 && !widths.filled; f++) {
		HPDF_FontDef def = ((HPDF_FontAttr)d->font[f]->attr)->fontdef;
		for (uint32_t cp = 0; cp < PDF_WIDTH_CPS; cp++)
			widths.w[f][cp] = (HPDF_UINT16)HPDF_TTFontDef_GetGidWidth(
				def, HPDF_TTFontDef_GetGlyphid(def, (HPDF_UINT16)cp));
	}
	widths.filled = true;
	pthread_mutex_unlock(&widths.lock);
}

/* The width of UTF-8 `s` (text_to_font's output, so valid) in font f, in
 * 1/1000 of the size; false when a character is past the table. */
static bool table_width(size_t f, const unsigned char *s, size_t len, unsigned long *w)
{
	*w = 0;
	for (size_t i = 0; i < len;) {
		uint32_t cp = s[i];
		if (cp < 0x80) {
			i += 1;
		} else if (cp >= 0xC0 && cp < 0xE0 && i + 1 < len) {
			cp = (cp & 0x1F) << 6 | (s[i + 1] & 0x3F);
			i += 2;
		} else if (cp >= 0xE0 && cp < 0xF0 && i + 2 < len) {
			cp = (cp & 0x0F) << 12 | (uint32_t)(s[i + 1] & 0x3F) << 6 | (s[i + 2] & 0x3F);
			i += 3;
		} else {
			return false;
		}
		if (cp >= PDF_WIDTH_CPS)
			return false;
		*w += widths.w[f][cp];
	}
	return true;
}

static double c_text_width(void *impl, const char *utf8)
{
	struct pdf_page *p = impl;
	char s[TEXT_MAX];
	size_t len = text_to_font(utf8, s, sizeof s, &p->doc->text);
	unsigned long w = 0;
	if (len == 0)
		return 0;
	if (!table_width(p->fs.font, (const unsigned char *)s, len, &w))
		w = HPDF_Font_TextWidth(p->doc->font[p->fs.font], (const HPDF_BYTE *)s,
					(HPDF_UINT)len).width;
	return (double)w * p->fs.size / 1000.0;
}

static void c_show_text(void *impl, double x, double y, const char *utf8)
{
	struct pdf_page *p = impl;
	char s[TEXT_MAX];
	if (text_to_font(utf8, s, sizeof s, &p->doc->text) == 0)
		return;
	use_rgb(p, true);
	HPDF_Page_BeginText(p->page);
	/* the font is graphics state, kept from one text object to the next:
	 * written when it changes (libharu's gstate follows q and Q) */
	HPDF_GState gs = ((HPDF_PageAttr)p->page->attr)->gstate;
	HPDF_Font font = p->doc->font[p->fs.font];
	if (gs->font != font || gs->font_size != (HPDF_REAL)p->fs.size)
		HPDF_Page_SetFontAndSize(p->page, font, p->fs.size);
	HPDF_Page_TextOut(p->page, grid(x, 1), grid(fy(p, y), 1), s);
	HPDF_Page_EndText(p->page);
}

static const struct canvas_ops pdf_canvas_ops = {
	.move_to = c_move_to,
	.line_to = c_line_to,
	.curve_to = c_curve_to,
	.close_path = c_close_path,
	.rect = c_rect,
	.fill = c_fill,
	.stroke = c_stroke,
	.save = c_save,
	.restore = c_restore,
	.clip = c_clip,
	.set_rgb = c_set_rgb,
	.set_line_width = c_set_line_width,
	.set_dash = c_set_dash,
	.set_font = c_set_font,
	.text_width = c_text_width,
	.show_text = c_show_text,
	.dots = c_dots,
};

/* ---- document --------------------------------------------------------- */

/* HPDF_GetFont(name, "UTF-8") without its 65,536 glyph lookups.
 *
 * Making the Type0 font, libharu 2.3.0 looks up the glyph of every code
 * point 0..0xFFFF (a linear scan of the cmap's segments each: about half
 * of a deep dive's CPU time) to write /W and a CIDToGIDMap, both of which
 * cid_finish() replaces with those of the glyphs used. For that one call
 * the font's cmap is cut to its last segment (the one format 4 ends with,
 * 0xFFFF, mapping to glyph 0), so every lookup answers at the first step;
 * then the cmap is restored for the text that follows. */
static HPDF_Font get_font_fast(struct pdf_doc *d, const char *name)
{
	HPDF_FontDef def = HPDF_GetFontDef(d->hpdf, name);
	HPDF_TTF_CmapRange *cm = def ? &((HPDF_TTFontDefAttr)def->attr)->cmap : NULL;
	if (cm == NULL || cm->format != 4 || cm->seg_count_x2 < 2)
		return HPDF_GetFont(d->hpdf, name, "UTF-8");

	HPDF_TTF_CmapRange full = *cm;
	HPDF_TTFontDefAttr tt = def->attr;
	size_t last = full.seg_count_x2 / 2 - 1;
	cm->seg_count_x2 = 2;
	cm->end_count += last;
	cm->start_count += last;
	cm->id_delta += last;
	cm->id_range_offset += last;
	/* not embedding, libharu writes no CIDToGIDMap of 65,536 entries
	 * either (copied two bytes at a time): cid_finish adds the map */
	tt->embedding = HPDF_FALSE;
	HPDF_Font f = HPDF_GetFont(d->hpdf, name, "UTF-8");
	tt->embedding = HPDF_TRUE;
	*cm = full;
	return f;
}

/* The font files, read once per process: libharu parses a font from a
 * stream, and its file stream seeks and reads the file again for every
 * table and glyph of every document (a tenth of a deep dive's CPU time
 * in lseek and read); a memory stream over these bytes does not. */
#define PDF_FONT_FILE_MAX (8 << 20)   /* bytes of one font file; ours are 110 KB */

static struct {
	pthread_once_t once;
	unsigned char *data[2];
	size_t len[2];
} font_files = {.once = PTHREAD_ONCE_INIT};

static const char *const font_rel[2] = {
	[CANVAS_REGULAR] = CHART_FONT_REGULAR, [CANVAS_BOLD] = CHART_FONT_BOLD};

/* Read font i into font_files, or leave it NULL (load_font then reads the
 * file itself and reports the error). */
static void font_file_read(size_t i)
{
	char path[PATH_MAX];
	struct stat st;
	FILE *f = paths_data_file(font_rel[i], path, sizeof path) ? fopen(path, "rb") : NULL;

	if (f != NULL && fstat(fileno(f), &st) == 0 && st.st_size > 0 &&
	    st.st_size <= PDF_FONT_FILE_MAX) {
		unsigned char *b = xmalloc((size_t)st.st_size);
		if (fread(b, 1, (size_t)st.st_size, f) == (size_t)st.st_size) {
			font_files.data[i] = b;
			font_files.len[i] = (size_t)st.st_size;
		} else {
			free(b);
		}
	}
	if (f != NULL)
		fclose(f);
}

static void font_files_read(void)
{
	for (size_t i = 0; i < 2; i++)
		font_file_read(i);
}

/* HPDF_LoadTTFontFromFile over the bytes read once: the same font
 * definition, registered and tagged (HPDFAA+, HPDFAB+, ...) as it does. */
static const char *load_font_memory(struct pdf_doc *d, size_t i)
{
	HPDF_Doc pdf = d->hpdf;
	HPDF_Stream s = HPDF_MemStream_New(pdf->mmgr, (HPDF_UINT)font_files.len[i]);

	if (s == NULL || HPDF_Stream_Write(s, font_files.data[i],
					   (HPDF_UINT)font_files.len[i]) != HPDF_OK) {
		if (s != NULL)
			HPDF_Stream_Free(s);
		return NULL;
	}
	HPDF_FontDef def = HPDF_TTFontDef_Load(pdf->mmgr, s, HPDF_TRUE);
	if (def == NULL)
		return NULL;
	if (HPDF_Doc_RegisterFontDef(pdf, def) != HPDF_OK)
		return NULL;   /* libharu freed def */
	if (pdf->ttfont_tag[0] == 0) {
		memcpy(pdf->ttfont_tag, "HPDFAA", 6);
	} else {
		for (int k = 5; k >= 0; k--) {
			if (++pdf->ttfont_tag[k] <= 'Z')
				break;
			pdf->ttfont_tag[k] = 'A';
		}
	}
	HPDF_TTFontDef_SetTagName(def, (char *)pdf->ttfont_tag);
	return def->base_font;
}

static int load_font(struct pdf_doc *d, enum canvas_font which, HPDF_Font *out,
		     struct cx_error *e)
{
	const char *rel = font_rel[which], *name = NULL;
	char path[PATH_MAX];

	pthread_once(&font_files.once, font_files_read);
	if (font_files.data[which] != NULL) {
		name = load_font_memory(d, which);
	} else {
		if (paths_data_file(rel, path, sizeof path) == NULL)
			return cx_fail(e, CX_ENOINPUT, "%s: data directory path too long", rel);
		if (access(path, R_OK) != 0)
			return cx_fail(e, CX_ENOINPUT, "%s: cannot read font: %s", path,
				       strerror(errno));
		name = HPDF_LoadTTFontFromFile(d->hpdf, path, HPDF_TRUE);
	}
	if (name != NULL)
		*out = get_font_fast(d, name);
	if (name == NULL || *out == NULL)
		return cx_fail(e, CX_ESOFTWARE,
			       "%s: libharu cannot load the font (error 0x%04X)",
			       rel, (unsigned)d->hpdf_error);
	return 0;
}

/* The sRGB output intent PDF/A asks for, built by hand (see the top). */
static int add_output_intent(struct pdf_doc *d, struct cx_error *e)
{
	if (access(PDF_ICC_SRGB, R_OK) != 0)
		return cx_fail(e, CX_ENOINPUT, "%s: cannot read ICC profile: %s",
			       PDF_ICC_SRGB, strerror(errno));
	HPDF_Doc pdf = d->hpdf;
	HPDF_Dict icc = HPDF_LoadIccProfileFromFile(pdf, PDF_ICC_SRGB, 3);
	/* libharu stores the profile raw; deflated it is 2.4 KB instead of
	 * 6.9 KB in every PDF (PDF/A-1 forbids LZW only) */
	if (icc != NULL)
		icc->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
	HPDF_Dict intent = icc ? HPDF_Dict_New(pdf->mmgr) : NULL;
	HPDF_Array list = intent ? HPDF_Array_New(pdf->mmgr) : NULL;
	HPDF_STATUS st = list ? HPDF_OK : HPDF_FAILD_TO_ALLOC_MEM;
	const char *cond = "sRGB IEC61966-2.1";

	if (st == HPDF_OK) {
		st |= HPDF_Dict_AddName(intent, "Type", "OutputIntent");
		st |= HPDF_Dict_AddName(intent, "S", "GTS_PDFA1");
		st |= HPDF_Dict_Add(intent, "OutputConditionIdentifier",
				    HPDF_String_New(pdf->mmgr, cond, NULL));
		st |= HPDF_Dict_Add(intent, "Info",
				    HPDF_String_New(pdf->mmgr, cond, NULL));
		st |= HPDF_Dict_Add(intent, "DestOutputProfile", icc);
		st |= HPDF_Array_Add(list, intent);
		st |= HPDF_Dict_Add(pdf->catalog, "OutputIntents", list);
	}
	if (st != HPDF_OK)
		return cx_fail(e, CX_ESOFTWARE,
			       "%s: libharu cannot add the output intent",
			       PDF_ICC_SRGB);
	return 0;
}

struct pdf_doc *pdf_new(enum pdf_paper paper, struct cx_error *e)
{
	struct pdf_doc *d = xmalloc(sizeof *d);
	memset(d, 0, sizeof *d);
	d->paper = paper;
	d->w = paper == PDF_LETTER ? PDF_LETTER_W : PDF_A4_W;
	d->h = paper == PDF_LETTER ? PDF_LETTER_H : PDF_A4_H;
	d->hpdf = HPDF_New(on_hpdf_error, d);
	if (d->hpdf == NULL) {
		cx_fail(e, CX_ESOFTWARE, "libharu cannot create a document");
		goto fail;
	}
	HPDF_SetCompressionMode(d->hpdf, HPDF_COMP_ALL);
	/* UTF-8 text through a Type0 font (Identity-H, the TrueType program
	 * embedded, CIDToGIDMap and ToUnicode written by libharu): every
	 * script the fonts have, and text that copies and extracts as itself */
	if (HPDF_UseUTFEncodings(d->hpdf) != HPDF_OK) {
		cx_fail(e, CX_ESOFTWARE, "libharu cannot enable UTF-8 encodings");
		goto fail;
	}
	if (load_font(d, CANVAS_REGULAR, &d->font[CANVAS_REGULAR], e) ||
	    load_font(d, CANVAS_BOLD, &d->font[CANVAS_BOLD], e) ||
	    add_output_intent(d, e))
		goto fail;
	HPDF_SetPageMode(d->hpdf, HPDF_PAGE_MODE_USE_OUTLINE);
	widths_fill(d);
	return d;
fail:
	pdf_free(d);
	return NULL;
}

void pdf_free(struct pdf_doc *d)
{
	if (d == NULL)
		return;
	if (d->hpdf != NULL)
		HPDF_Free(d->hpdf);
	for (size_t i = 0; i < d->npages; i++)
		free(d->pages[i]);
	free(d->pages);
	free(d->outlines);
	free(d->path);
	free(d->ops);
	free(d);
}

const char *pdf_paper_name(enum pdf_paper p)
{
	return p == PDF_LETTER ? "letter" : "a4";
}

int pdf_paper_parse(const char *name, enum pdf_paper *out)
{
	if (!strcmp(name, "a4") || !strcmp(name, "A4"))
		*out = PDF_A4;
	else if (!strcmp(name, "letter") || !strcmp(name, "Letter"))
		*out = PDF_LETTER;
	else
		return -1;
	return 0;
}

int pdf_add_page(struct pdf_doc *d)
{
	if (d->npages >= PDF_PAGES_MAX) {
		doc_error(d, "more than PDF_PAGES_MAX pages");
		return -1;
	}
	HPDF_Page page = HPDF_AddPage(d->hpdf);
	if (page == NULL) {
		doc_error(d, "libharu cannot add a page");
		return -1;
	}
	HPDF_Page_SetWidth(page, d->w);
	HPDF_Page_SetHeight(page, d->h);
	grow((void **)&d->pages, &d->cap_pages, d->npages + 1, sizeof *d->pages);
	struct pdf_page *p = xmalloc(sizeof *p);
	memset(p, 0, sizeof *p);
	p->doc = d;
	p->page = page;
	p->fs = (struct font_state){.font = CANVAS_REGULAR, .size = 10};
	p->canvas = (struct canvas){&pdf_canvas_ops, p, d->w, d->h};
	d->pages[d->npages] = p;
	return (int)d->npages++;
}

size_t pdf_page_count(const struct pdf_doc *d)
{
	return d->npages;
}

double pdf_page_width(const struct pdf_doc *d)
{
	return d->w;
}

double pdf_page_height(const struct pdf_doc *d)
{
	return d->h;
}

struct canvas *pdf_canvas(struct pdf_doc *d, size_t page)
{
	return page < d->npages ? &d->pages[page]->canvas : NULL;
}

/* PDF/A document info and bookmarks: the UTF-8 the page prints for
 * `utf8` (text_to_font), without the XML specials that libharu would copy
 * unescaped into the XMP packet, and control characters as spaces. */
static void meta_text(const char *utf8, char *out, size_t size,
		      struct text_report *rep)
{
	text_to_font(utf8, out, size, rep);
	for (char *c = out; *c; c++)
		if (*c == '&')
			*c = '+';
		else if (*c == '<')
			*c = '(';
		else if (*c == '>')
			*c = ')';
		else if ((unsigned char)*c < 0x20)
			*c = ' ';
}

static bool is_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

/* dict[key] = `utf8` as a PDF text string: left as libharu wrote it when
 * ASCII, else UTF-16BE with its byte-order mark (PDF 1.4, 3.8.1). */
static void text_string(struct pdf_doc *d, HPDF_Dict dict, const char *key,
			const char *utf8)
{
	unsigned char buf[2 + 4 * PDF_META_MAX];
	size_t n;

	if (dict == NULL || utf8 == NULL || is_ascii(utf8) ||
	    (n = text_to_utf16be(utf8, buf, sizeof buf)) == 0)
		return;
	HPDF_Dict_Add(dict, key, HPDF_Binary_New(d->hpdf->mmgr, buf, (HPDF_UINT)n));
}

/* A destination "[page /XYZ 0 top 0]" as a direct array: libharu makes
 * its destinations indirect objects, which PDFBox Preflight 2.0 rejects
 * ("can't convert to Destination"). The subclass bit lets libharu's own
 * validation accept it. Zoom 0 keeps the reader's zoom. */
static HPDF_Destination page_dest(struct pdf_doc *d, size_t page, double y)
{
	HPDF_Array dst = HPDF_Array_New(d->hpdf->mmgr);
	double top = d->h - y;

	if (dst == NULL)
		return NULL;
	dst->header.obj_class |= HPDF_OSUBCLASS_DESTINATION;
	top = top < 0 ? 0 : top > d->h ? d->h : top;
	if (HPDF_Array_Add(dst, d->pages[page]->page) != HPDF_OK ||
	    HPDF_Array_AddName(dst, "XYZ") != HPDF_OK ||
	    HPDF_Array_AddNumber(dst, 0) != HPDF_OK ||
	    HPDF_Array_AddReal(dst, (HPDF_REAL)top) != HPDF_OK ||
	    HPDF_Array_AddNumber(dst, 0) != HPDF_OK)
		return NULL;
	return dst;
}

int pdf_outline(struct pdf_doc *d, int parent, const char *title,
		size_t page, double y)
{
	char text[PDF_META_MAX];
	if (page >= d->npages || d->noutlines >= PDF_OUTLINES_MAX ||
	    parent >= (int)d->noutlines) {
		doc_error(d, "bookmark to a page that does not exist");
		return -1;
	}
	meta_text(title, text, sizeof text, &d->text);
	HPDF_Outline o = HPDF_CreateOutline(d->hpdf,
		parent >= 0 ? d->outlines[parent] : NULL, text, NULL);
	if (o == NULL)
		return -1;
	text_string(d, o, "Title", text);
	HPDF_Outline_SetOpened(o, parent < 0 ? HPDF_TRUE : HPDF_FALSE);
	HPDF_Destination dst = page_dest(d, page, y);
	if (dst != NULL)
		HPDF_Outline_SetDestination(o, dst);
	grow((void **)&d->outlines, &d->cap_outlines, d->noutlines + 1,
	     sizeof *d->outlines);
	d->outlines[d->noutlines] = o;
	return (int)d->noutlines++;
}

void pdf_link(struct pdf_doc *d, size_t from, double x, double y, double w,
	      double h, size_t to, double to_y)
{
	if (from >= d->npages || to >= d->npages) {
		doc_error(d, "link to a page that does not exist");
		return;
	}
	HPDF_Destination dst = page_dest(d, to, to_y);
	HPDF_Rect r = {x, d->h - y - h, x + w, d->h - y};
	HPDF_Annotation a = dst ? HPDF_Page_CreateLinkAnnot(d->pages[from]->page,
							    r, dst) : NULL;
	if (a == NULL)
		return;
	HPDF_LinkAnnot_SetBorderStyle(a, 0, 0, 0);
	HPDF_Dict_AddNumber(a, "F", 4);   /* PDF/A: printable */
}

void pdf_link_uri(struct pdf_doc *d, size_t from, double x, double y, double w,
		  double h, const char *uri)
{
	if (from >= d->npages) {
		doc_error(d, "link on a page that does not exist");
		return;
	}
	HPDF_Rect r = {x, d->h - y - h, x + w, d->h - y};
	HPDF_Annotation a = HPDF_Page_CreateURILinkAnnot(d->pages[from]->page, r, uri);
	if (a == NULL)
		return;
	HPDF_LinkAnnot_SetBorderStyle(a, 0, 0, 0);
	HPDF_Dict_AddNumber(a, "F", 4);   /* PDF/A: printable */
}

/* ---- saving ------------------------------------------------------------ */

/* The time of the document: SOURCE_DATE_EPOCH when set (reproducible
 * builds), else the caller's (a run's first attempt of the day), else now. */
static int doc_time(time_t *t, long long created, struct cx_error *e)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	if (s == NULL || *s == '\0') {
		*t = created > 0 ? (time_t)created : time(NULL);
		return 0;
	}
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end != '\0' || v < 0 || v > 253402300799LL)
		return cx_fail(e, CX_EUSAGE,
			       "SOURCE_DATE_EPOCH \"%s\" is not a number of seconds",
			       s);
	*t = (time_t)v;
	return 0;
}

/* ---- UTF-8 fonts: what libharu 2.3.0 leaves out --------------------------
 *
 * With HPDF_UseUTFEncodings and the "UTF-8" encoder, libharu writes each
 * TrueType font as a Type0 font with Identity-H, whose CIDs are Unicode
 * code points, and embeds the glyphs the text used (a subset: the other
 * glyphs are empty, the name gets a tag like HPDFAA+). Four things in what
 * it writes fail PDF/A-1b or cost space, so cid_finish() redoes them from
 * the glyphs actually used, before the file is written:
 *  - no CIDSet in the font descriptor (ISO 19005-1 6.3.5 wants one for
 *    every CIDFont subset): written, one bit per CID present;
 *  - no CapHeight in the descriptor (Preflight 3.1.2): added from the font;
 *  - the ToUnicode CMap uses begincidrange, which only an encoding CMap
 *    may (poppler and PDFBox reject it): rewritten with bfrange;
 *  - /W lists every character of the font and CIDToGIDMap maps all 65,536
 *    CIDs (2.7 KB and 1.3 KB a font in each PDF): cut to the used ones. */

/* Characters a font can have used: the shipped fonts' repertoire (text.h)
 * is about 1,250; the rest of the 65,536 CIDs never reach a page. */
#define PDF_CIDS_MAX 2048
/* bfrange entries in one block of a ToUnicode CMap (the PDF limit). */
#define PDF_CMAP_BLOCK 100

struct cid_used {
	HPDF_UINT16 cid[PDF_CIDS_MAX], gid[PDF_CIDS_MAX];
	size_t n;
};

/* The CIDs (= code points) whose glyph libharu marked used, ascending. */
static void cid_collect(HPDF_FontDef def, struct cid_used *u)
{
	HPDF_TTFontDefAttr tt = def->attr;

	u->n = 0;
	for (uint32_t cp = text_font_next(0x20); cp != 0 && cp <= 0xFFFF && u->n < PDF_CIDS_MAX;
	     cp = text_font_next(cp + 1)) {
		HPDF_UINT16 gid = HPDF_TTFontDef_GetGlyphid(def, (HPDF_UINT16)cp);
		if (gid != 0 && gid < tt->num_glyphs && tt->glyph_tbl.flgs[gid]) {
			u->cid[u->n] = (HPDF_UINT16)cp;
			u->gid[u->n++] = gid;
		}
	}
}

/* /W [c [w w ...] c [w ...]]: the widths of the used CIDs, in runs. */
static HPDF_STATUS cid_widths(HPDF_Font cidfont, HPDF_FontDef def,
			      const struct cid_used *u)
{
	HPDF_Array w = HPDF_Array_New(cidfont->mmgr), run = NULL;
	HPDF_STATUS st = w ? HPDF_OK : HPDF_FAILD_TO_ALLOC_MEM;

	for (size_t i = 0; i < u->n && st == HPDF_OK; i++) {
		if (run == NULL || u->cid[i] != u->cid[i - 1] + 1) {
			run = HPDF_Array_New(cidfont->mmgr);
			st |= HPDF_Array_AddNumber(w, u->cid[i]);
			st |= run ? HPDF_Array_Add(w, run) : HPDF_FAILD_TO_ALLOC_MEM;
		}
		if (st == HPDF_OK)
			st = HPDF_Array_AddNumber(run, HPDF_TTFontDef_GetGidWidth(def, u->gid[i]));
	}
	return st == HPDF_OK ? HPDF_Dict_Add(cidfont, "W", w) : st;
}

/* Replace the data of the stream of `dict` by `len` bytes of `data`. */
static HPDF_STATUS stream_replace(HPDF_Dict dict, const void *data, size_t len)
{
	HPDF_MemStream_FreeData(dict->stream);
	return HPDF_Stream_Write(dict->stream, data, (HPDF_UINT)len);
}

/* CIDToGIDMap: two bytes (big-endian GID) per CID up to the largest used. */
static HPDF_STATUS cid_gid_map(HPDF_Dict map, const struct cid_used *u)
{
	size_t len = 2 * ((size_t)(u->n ? u->cid[u->n - 1] : 0) + 1);
	HPDF_BYTE *b = xcalloc(len, 1);

	for (size_t i = 0; i < u->n; i++) {
		size_t at = 2 * (size_t)u->cid[i];
		b[at] = (HPDF_BYTE)(u->gid[i] >> 8);
		b[at + 1] = (HPDF_BYTE)u->gid[i];
	}
	HPDF_STATUS st = stream_replace(map, b, len);
	free(b);
	return st;
}

/* The CIDToGIDMap stream of the descendant font of `font` in *map: the
 * one it has, or a new empty one (see get_font_fast), deflated like
 * libharu's own. */
static HPDF_STATUS cid_gid_map_stream(HPDF_Font font, HPDF_Dict *map)
{
	HPDF_FontAttr attr = font->attr;

	if ((*map = attr->map_stream) != NULL)
		return HPDF_OK;
	if ((*map = HPDF_DictStream_New(font->mmgr, attr->xref)) == NULL)
		return HPDF_FAILD_TO_ALLOC_MEM;
	(*map)->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
	attr->map_stream = *map;
	return HPDF_Dict_Add(attr->descendant_font, "CIDToGIDMap", *map);
}

/* CIDSet: bit (7 - cid % 8) of byte cid / 8 set for each CID present,
 * CID 0 (.notdef) always. */
static HPDF_STATUS cid_set(HPDF_Dict descriptor, HPDF_Xref xref,
			   const struct cid_used *u)
{
	size_t len = (u->n ? u->cid[u->n - 1] : 0) / 8u + 1;
	HPDF_Dict set = HPDF_DictStream_New(descriptor->mmgr, xref);
	if (set == NULL)
		return HPDF_FAILD_TO_ALLOC_MEM;
	set->filter = HPDF_STREAM_FILTER_FLATE_DECODE;

	HPDF_BYTE *b = xcalloc(len, 1);
	b[0] = 0x80;
	for (size_t i = 0; i < u->n; i++)
		b[u->cid[i] / 8] |= (HPDF_BYTE)(0x80 >> (u->cid[i] % 8));
	HPDF_STATUS st = HPDF_Stream_Write(set->stream, b, (HPDF_UINT)len);
	free(b);
	return st != HPDF_OK ? st : HPDF_Dict_Add(descriptor, "CIDSet", set);
}

/* ToUnicode: CID = code point, as bfrange runs (a run never crosses a
 * change of the high byte: the CMap rule for bfrange). */
static HPDF_STATUS cid_to_unicode(HPDF_Dict cmap, const struct cid_used *u)
{
	static const char head[] =
		"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
		"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
		"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
		"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n";
	static const char tail[] = "endcmap\nCMapName currentdict /CMap defineresource pop\n"
		"end\nend\n";
	size_t runs[PDF_CIDS_MAX + 1], nruns = 0;   /* start index of each run */
	for (size_t i = 0; i < u->n; i++)
		if (i == 0 || u->cid[i] != u->cid[i - 1] + 1 ||
		    (u->cid[i] >> 8) != (u->cid[i - 1] >> 8))
			runs[nruns++] = i;
	runs[nruns] = u->n;

	/* head + tail + per block 30 + per run "<xxxx> <xxxx> <xxxx>\n" */
	size_t cap = sizeof head + sizeof tail + (nruns / PDF_CMAP_BLOCK + 1) * 30 + nruns * 24;
	char *s = xmalloc(cap);
	size_t len = (size_t)snprintf(s, cap, "%s", head);
	for (size_t r = 0; r < nruns; r++) {
		if (r % PDF_CMAP_BLOCK == 0)
			len += (size_t)snprintf(s + len, cap - len, "%zu beginbfrange\n",
						nruns - r < PDF_CMAP_BLOCK ? nruns - r : PDF_CMAP_BLOCK);
		unsigned lo = u->cid[runs[r]], hi = u->cid[runs[r + 1] - 1];
		len += (size_t)snprintf(s + len, cap - len, "<%04X> <%04X> <%04X>\n", lo, hi, lo);
		if (r % PDF_CMAP_BLOCK == PDF_CMAP_BLOCK - 1 || r + 1 == nruns)
			len += (size_t)snprintf(s + len, cap - len, "endbfrange\n");
	}
	len += (size_t)snprintf(s + len, cap - len, "%s", tail);
	/* the keys of an encoding CMap libharu gave the stream mean nothing
	 * in a ToUnicode one (and cost 200 bytes a font) */
	static const char *const keys[] = {"Type", "CMapName", "CIDSystemInfo", "WMode"};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		HPDF_Dict_RemoveElement(cmap, keys[i]);
	HPDF_STATUS st = stream_replace(cmap, s, len);
	free(s);
	return st;
}

/* ---- the embedded font program ---------------------------------------
 *
 * libharu embeds the outlines of the used glyphs only, but copies the
 * other tables whole. In a CID font two of them serve nothing: the
 * character map (the PDF's CIDToGIDMap replaces it; ISO 32000 9.9 needs a
 * cmap only for simple TrueType fonts) and the metrics of glyphs the file
 * never shows (the PDF's /W gives the widths). Both are zeroed in place --
 * an all-zero cmap is a valid empty one (version 0, no subtables) -- which
 * deflates them to nearly nothing: about 2 KB a font and PDF. The table
 * checksums and head.checkSumAdjustment are recomputed. */

#define TTF_DIR_MAX 64   /* tables in a font's directory; ours have 13 */

static uint32_t be32(const HPDF_BYTE *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_be32(HPDF_BYTE *p, uint32_t v)
{
	p[0] = (HPDF_BYTE)(v >> 24), p[1] = (HPDF_BYTE)(v >> 16);
	p[2] = (HPDF_BYTE)(v >> 8), p[3] = (HPDF_BYTE)v;
}

static uint32_t ttf_sum(const HPDF_BYTE *p, size_t len)
{
	uint32_t sum = 0;
	for (size_t i = 0; i < len; i += 4) {
		HPDF_BYTE w[4] = {0};
		memcpy(w, p + i, len - i < 4 ? len - i : 4);
		sum += be32(w);
	}
	return sum;
}

/* The directory entry of table `tag` whose data lies inside the font, or
 * NULL. */
static HPDF_BYTE *ttf_table(HPDF_BYTE *f, size_t size, const char *tag)
{
	size_t n = size >= 12 ? (size_t)(f[4] << 8 | f[5]) : 0;
	for (size_t i = 0; i < n && i < TTF_DIR_MAX && 12 + 16 * (i + 1) <= size; i++) {
		HPDF_BYTE *e = f + 12 + 16 * i;
		uint32_t off = be32(e + 8), len = be32(e + 12);
		if (memcmp(e, tag, 4) == 0 && off <= size && len <= size - off)
			return e;
	}
	return NULL;
}

static void ttf_trim(HPDF_BYTE *f, size_t size, const HPDF_BYTE *used, size_t nglyphs)
{
	HPDF_BYTE *cmap = ttf_table(f, size, "cmap"), *hmtx = ttf_table(f, size, "hmtx");
	HPDF_BYTE *head = ttf_table(f, size, "head");
	if (cmap == NULL || hmtx == NULL || head == NULL || be32(head + 12) < 12)
		return;
	memset(f + be32(cmap + 8), 0, be32(cmap + 12));
	/* hmtx: numberOfHMetrics (advance, lsb) pairs; glyph 0 (.notdef) kept */
	HPDF_BYTE *m = f + be32(hmtx + 8);
	for (size_t g = 1; g < nglyphs && 4 * (g + 1) <= be32(hmtx + 12); g++)
		if (!used[g])
			memset(m + 4 * g, 0, 4);
	put_be32(cmap + 4, ttf_sum(f + be32(cmap + 8), be32(cmap + 12)));
	put_be32(hmtx + 4, ttf_sum(m, be32(hmtx + 12)));
	HPDF_BYTE *adj = f + be32(head + 8) + 8;
	put_be32(adj, 0);
	put_be32(head + 4, ttf_sum(f + be32(head + 8), be32(head + 12)));
	put_be32(adj, 0xB1B0AFBAu - ttf_sum(f, size));
}

/* ---- the embedded font program, once per glyph set ---------------------
 *
 * The font program libharu embeds depends on the font and on the set of
 * glyphs used only, and the deep dives of a run use a few dozen sets
 * among them: so it is made (HPDF_TTFontDef_SaveFontData, ttf_trim) and
 * deflated once per set and process, at PDF_FONT_LEVEL, and every
 * document with that set gets the same bytes. A document's bytes never
 * depend on what the process made before: a set seen first is made the
 * same way and then kept. */
#define PDF_FONT_LEVEL 9          /* made once per set: zlib's best */
#define PDF_FONT_CACHE_MAX 512    /* glyph sets kept; past it, made per document */
#define PDF_FONT_CHUNK (32 << 10) /* bytes of one buffer of the program being made */

struct font_program {
	char tag[HPDF_TTF_FONT_TAG_LEN + 1];   /* the subset tag, "HPDFAA+" (no NUL) */
	HPDF_BYTE *used;     /* glyph_tbl.flgs of num_glyphs glyphs */
	size_t nglyphs;
	HPDF_BYTE *data;     /* the deflated program */
	size_t len;
	HPDF_UINT length1;   /* its length before deflating */
};

static struct {
	pthread_mutex_t lock;
	struct font_program *p;
	size_t n;
} font_programs = {.lock = PTHREAD_MUTEX_INITIALIZER};

static bool program_is(const struct font_program *fp, HPDF_TTFontDefAttr tt)
{
	return fp->nglyphs == tt->num_glyphs && memcmp(fp->tag, tt->tag_name, sizeof fp->tag) == 0 &&
	       memcmp(fp->used, tt->glyph_tbl.flgs, fp->nglyphs) == 0;
}

/* The kept program of the glyph set `tt`, or NULL; the caller holds
 * font_programs.lock. */
static const struct font_program *program_lookup(HPDF_TTFontDefAttr tt)
{
	for (size_t i = 0; i < font_programs.n; i++)
		if (program_is(&font_programs.p[i], tt))
			return &font_programs.p[i];
	return NULL;
}

/* The kept program of `def`'s glyph set, or NULL. Entries are never
 * changed or freed once kept, so the pointer stays valid. */
static const struct font_program *program_find(HPDF_FontDef def)
{
	const struct font_program *found;

	pthread_mutex_lock(&font_programs.lock);
	found = program_lookup(def->attr);
	pthread_mutex_unlock(&font_programs.lock);
	return found;
}

/* Keep *fp (taking its buffers) unless the set is kept already or the
 * cache is full; returns the kept entry, or NULL when fp stays the
 * caller's. */
static const struct font_program *program_keep(struct font_program *fp, HPDF_FontDef def)
{
	HPDF_TTFontDefAttr tt = def->attr;
	const struct font_program *kept;

	pthread_mutex_lock(&font_programs.lock);
	kept = program_lookup(tt);
	if (kept == NULL && font_programs.n < PDF_FONT_CACHE_MAX) {
		if (font_programs.p == NULL)
			font_programs.p = xcalloc(PDF_FONT_CACHE_MAX, sizeof *font_programs.p);
		font_programs.p[font_programs.n] = *fp;
		kept = &font_programs.p[font_programs.n++];
		*fp = (struct font_program){0};
	}
	pthread_mutex_unlock(&font_programs.lock);
	return kept;
}

/* The bytes of memory stream s, in one buffer the caller frees. */
static HPDF_BYTE *stream_bytes(HPDF_Stream s, size_t *len)
{
	HPDF_UINT nbuf = HPDF_MemStream_GetBufCount(s);
	HPDF_BYTE *b = xmalloc(HPDF_Stream_Size(s) + 1);

	*len = 0;
	for (HPDF_UINT i = 0; i < nbuf; i++) {
		HPDF_UINT n = 0;
		const HPDF_BYTE *part = HPDF_MemStream_GetBufPtr(s, i, &n);
		if (part != NULL)
			memcpy(b + *len, part, n), *len += n;
	}
	return b;
}

/* Make the program of `def`'s glyph set into *fp: libharu's subset,
 * trimmed (ttf_trim), deflated. */
static HPDF_STATUS program_make(HPDF_FontDef def, struct font_program *fp)
{
	HPDF_TTFontDefAttr tt = def->attr;
	HPDF_Stream s = HPDF_MemStream_New(def->mmgr, PDF_FONT_CHUNK);
	HPDF_STATUS st = s != NULL ? HPDF_TTFontDef_SaveFontData(def, s) : HPDF_FAILD_TO_ALLOC_MEM;
	size_t len = 0;
	HPDF_BYTE *raw = st == HPDF_OK ? stream_bytes(s, &len) : NULL;

	if (s != NULL)
		HPDF_Stream_Free(s);
	if (raw == NULL)
		return st != HPDF_OK ? st : HPDF_FAILD_TO_ALLOC_MEM;
	ttf_trim(raw, len, tt->glyph_tbl.flgs, tt->num_glyphs);
	uLongf zlen = compressBound(len);
	*fp = (struct font_program){.nglyphs = tt->num_glyphs, .length1 = tt->length1,
				    .data = xmalloc(zlen)};
	memcpy(fp->tag, tt->tag_name, sizeof fp->tag);
	if (compress2(fp->data, &zlen, raw, len, PDF_FONT_LEVEL) != Z_OK)
		st = HPDF_ZLIB_ERROR;
	fp->len = zlen;
	fp->used = xmalloc(fp->nglyphs ? fp->nglyphs : 1);
	memcpy(fp->used, tt->glyph_tbl.flgs, fp->nglyphs);
	free(raw);
	return st;
}

static void program_release(struct font_program *fp)
{
	free(fp->used);
	free(fp->data);
}

static HPDF_STATUS write_flate_filter(HPDF_Dict dict, HPDF_Stream out);

/* The FontFile2 stream of `fp` in `def`'s descriptor. */
static HPDF_STATUS program_embed(HPDF_FontDef def, HPDF_Xref xref, const struct font_program *fp)
{
	HPDF_Dict ff = HPDF_DictStream_New(def->descriptor->mmgr, xref);
	if (ff == NULL)
		return HPDF_FAILD_TO_ALLOC_MEM;
	HPDF_STATUS st = HPDF_Stream_Write(ff->stream, fp->data, (HPDF_UINT)fp->len);
	st |= HPDF_Dict_AddNumber(ff, "Length1", (HPDF_INT32)fp->length1);
	st |= HPDF_Dict_AddNumber(ff, "Length2", 0);
	st |= HPDF_Dict_AddNumber(ff, "Length3", 0);
	ff->filter = HPDF_STREAM_FILTER_NONE;   /* deflated already */
	ff->write_fn = write_flate_filter;
	return st != HPDF_OK ? st : HPDF_Dict_Add(def->descriptor, "FontFile2", ff);
}

/* Embed the program of `def`'s glyph set, made or kept. */
static HPDF_STATUS program_add(HPDF_FontDef def, HPDF_Xref xref)
{
	const struct font_program *kept = program_find(def);
	struct font_program made = {0};
	HPDF_STATUS st = HPDF_OK;

	if (kept == NULL) {
		st = program_make(def, &made);
		if (st == HPDF_OK)
			kept = program_keep(&made, def);
	}
	if (st == HPDF_OK)
		st = program_embed(def, xref, kept != NULL ? kept : &made);
	program_release(&made);
	return st;
}

/* Finish one Type0 font (see above). libharu builds the descriptor and the
 * embedded program in the font's before-write hook; it is run here first
 * (it runs again when saving and then keeps what it made) so that the
 * descriptor exists to be completed. */
static HPDF_STATUS cid_finish(HPDF_Font font)
{
	HPDF_FontAttr attr = font->attr;
	HPDF_FontDef def = attr->fontdef;
	struct cid_used *u = xmalloc(sizeof *u);
	HPDF_STATUS st = HPDF_OK;

	cid_collect(def, u);
	/* the descriptor without the program, which program_add embeds */
	HPDF_TTFontDefAttr tt = def->attr;
	tt->embedding = HPDF_FALSE;
	if (font->before_write_fn != NULL)
		st = font->before_write_fn(font);
	tt->embedding = HPDF_TRUE;
	if (st == HPDF_OK && def->descriptor == NULL)
		st = HPDF_INVALID_FONTDEF_DATA;
	if (st == HPDF_OK)
		st = HPDF_Dict_AddNumber(def->descriptor, "CapHeight", def->cap_height);
	if (st == HPDF_OK)
		st = program_add(def, attr->xref);
	if (st == HPDF_OK)
		st = cid_set(def->descriptor, attr->xref, u);
	if (st == HPDF_OK)
		st = cid_widths(attr->descendant_font, def, u);
	HPDF_Dict map = NULL;
	if (st == HPDF_OK)
		st = cid_gid_map_stream(font, &map);
	if (st == HPDF_OK)
		st = cid_gid_map(map, u);
	if (st == HPDF_OK && attr->cmap_stream != NULL)
		st = cid_to_unicode(attr->cmap_stream, u);
	free(u);
	return st;
}

static void cid_finish_fonts(struct pdf_doc *d)
{
	for (size_t i = 0; i < sizeof d->font / sizeof d->font[0]; i++)
		if (d->font[i] != NULL && cid_finish(d->font[i]) != HPDF_OK)
			doc_error(d, "libharu cannot complete an embedded font");
}

/* ---- stream compression ------------------------------------------------
 *
 * libharu deflates each stream at zlib's default level (6) with a z_stream
 * set up afresh per stream. A deep dive's page content (~60 KB of
 * operators) took two thirds of that time; level PDF_DEFLATE_LEVEL costs
 * half as much for 1 % more bytes (measured on the 435 Dow deep dives:
 * docs/benchmarks.md). So the streams are deflated here, through one
 * z_stream per document, just before saving: each stream's data becomes
 * its deflated bytes, libharu's filter is set to none (it then copies the
 * data as it is) and the /Filter entry it would have written last is
 * written by the dictionary's write hook instead, in the same form. */
#define PDF_DEFLATE_LEVEL 5

static HPDF_STATUS write_flate_filter(HPDF_Dict dict, HPDF_Stream out)
{
	(void)dict;
	return HPDF_Stream_WriteStr(out, "/Filter [ /FlateDecode ]\012");
}

/* Deflate the data of stream dictionary `dict` in place. */
static HPDF_STATUS deflate_stream(z_stream *z, HPDF_Dict dict)
{
	HPDF_Stream s = dict->stream;
	HPDF_UINT nbuf = HPDF_MemStream_GetBufCount(s);
	uLong cap = deflateBound(z, HPDF_Stream_Size(s));
	Bytef *out = xmalloc(cap);
	int rc = deflateReset(z);

	z->next_out = out;
	z->avail_out = (uInt)cap;
	for (HPDF_UINT i = 0; i < nbuf && rc == Z_OK; i++) {
		HPDF_UINT len = 0;
		z->next_in = HPDF_MemStream_GetBufPtr(s, i, &len);
		z->avail_in = z->next_in != NULL ? len : 0;
		rc = deflate(z, Z_NO_FLUSH);
	}
	if (rc == Z_OK)
		rc = deflate(z, Z_FINISH);
	HPDF_STATUS st = rc == Z_STREAM_END ? HPDF_OK : HPDF_ZLIB_ERROR;
	if (st == HPDF_OK) {
		HPDF_MemStream_FreeData(s);
		st = HPDF_Stream_Write(s, out, (HPDF_UINT)z->total_out);
		dict->filter = HPDF_STREAM_FILTER_NONE;
		dict->write_fn = write_flate_filter;
	}
	free(out);
	return st;
}

/* Whether object `obj` is a stream dictionary that libharu would deflate. */
static bool deflatable(void *obj)
{
	HPDF_Obj_Header *h = obj;
	HPDF_Dict dict = obj;

	return (h->obj_class & HPDF_OCLASS_ANY) == HPDF_OCLASS_DICT && dict->stream != NULL &&
	       dict->stream->type == HPDF_STREAM_MEMORY && dict->filter == HPDF_STREAM_FILTER_FLATE_DECODE &&
	       dict->write_fn == NULL;
}

/* Deflate every stream of the document (see above). The Type0 fonts hand
 * their filter to their CIDToGIDMap and ToUnicode streams again when
 * written: theirs is set to none too. */
static void deflate_streams(struct pdf_doc *d)
{
	HPDF_List entries = d->hpdf->xref->entries;
	z_stream z = {0};

	if (deflateInit(&z, PDF_DEFLATE_LEVEL) != Z_OK) {
		doc_error(d, "zlib cannot start compressing");
		return;
	}
	for (HPDF_UINT i = 0; i < entries->count; i++) {
		HPDF_XrefEntry x = HPDF_List_ItemAt(entries, i);
		if (x != NULL && x->obj != NULL && deflatable(x->obj) &&
		    deflate_stream(&z, x->obj) != HPDF_OK)
			doc_error(d, "a stream cannot be compressed");
	}
	deflateEnd(&z);
	for (size_t i = 0; i < sizeof d->font / sizeof d->font[0]; i++)
		if (d->font[i] != NULL)
			d->font[i]->filter = HPDF_STREAM_FILTER_NONE;
}

static HPDF_Date hpdf_date(time_t t)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	return (HPDF_Date){tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			   tm.tm_hour, tm.tm_min, tm.tm_sec, '+', 0, 0};
}

static void set_info(struct pdf_doc *d, const struct pdf_meta *m, time_t t)
{
	static const HPDF_InfoType types[] = {HPDF_INFO_TITLE, HPDF_INFO_AUTHOR,
		HPDF_INFO_SUBJECT, HPDF_INFO_KEYWORDS};
	const char *vals[] = {m ? m->title : NULL, m ? m->author : NULL,
		m ? m->subject : NULL, m ? m->keywords : NULL};
	char text[PDF_META_MAX];

	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
		if (vals[i] == NULL)
			continue;
		meta_text(vals[i], text, sizeof text, &d->text);
		HPDF_SetInfoAttr(d->hpdf, types[i], text);
	}
	HPDF_SetInfoAttr(d->hpdf, HPDF_INFO_CREATOR, "convex");
	HPDF_SetInfoDateAttr(d->hpdf, HPDF_INFO_CREATION_DATE, hpdf_date(t));
	HPDF_SetInfoDateAttr(d->hpdf, HPDF_INFO_MOD_DATE, hpdf_date(t));
}

/* The info entries as PDF text strings, once the XMP packet holds their
 * UTF-8 (HPDF_PDFA_SetPDFAConformance): both then say the same. */
static void info_text_strings(struct pdf_doc *d)
{
	static const struct { HPDF_InfoType type; const char *key; } e[] = {
		{HPDF_INFO_TITLE, "Title"}, {HPDF_INFO_AUTHOR, "Author"},
		{HPDF_INFO_SUBJECT, "Subject"}, {HPDF_INFO_KEYWORDS, "Keywords"}};

	for (size_t i = 0; i < sizeof e / sizeof e[0]; i++)
		text_string(d, d->hpdf->info, e[i].key, HPDF_GetInfoAttr(d->hpdf, e[i].type));
}

/* libharu names the XMP stream's subtype key "SubType"; the key is
 * "Subtype" (poppler warns "Unknown Metadata type"). */
static void fix_metadata_subtype(struct pdf_doc *d)
{
	HPDF_Dict xmp = HPDF_Dict_GetItem(d->hpdf->catalog, "Metadata",
					  HPDF_OCLASS_DICT);
	if (xmp != NULL && HPDF_Dict_RemoveElement(xmp, "SubType") == HPDF_OK)
		HPDF_Dict_AddName(xmp, "Subtype", "XML");
}

/* Two 16-byte zero strings in the trailer; HPDF_PDFA_GenerateID keeps an
 * existing /ID, and id_patch replaces these with the file's MD5. */
static void id_placeholder(struct pdf_doc *d)
{
	static const HPDF_BYTE zero[16];
	HPDF_Doc pdf = d->hpdf;
	HPDF_Array id = HPDF_Array_New(pdf->mmgr);
	if (id == NULL || HPDF_Dict_Add(pdf->trailer, "ID", id) != HPDF_OK)
		return;
	HPDF_Array_Add(id, HPDF_Binary_New(pdf->mmgr, (HPDF_BYTE *)zero, 16));
	HPDF_Array_Add(id, HPDF_Binary_New(pdf->mmgr, (HPDF_BYTE *)zero, 16));
}

/* How libharu writes the placeholder: an array "[ " item " " item " ]",
 * each 16-byte binary as "<" 32 hex digits ">". */
#define ID_ZEROS "00000000000000000000000000000000"
#define ID_TEXT "/ID [ <" ID_ZEROS "> <" ID_ZEROS "> ]"

static int id_patch(unsigned char *buf, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(ID_TEXT);
	unsigned char *at = NULL;

	/* the trailer is at the end: the last occurrence is the one */
	for (size_t i = len >= n ? len - n + 1 : 0; i-- > 0;)
		if (buf[i] == '/' && memcmp(buf + i, ID_TEXT, n) == 0) {
			at = buf + i;
			break;
		}
	if (at == NULL)
		return -1;
	HPDF_BYTE md5[16];
	HPDF_MD5_CTX ctx;
	HPDF_MD5Init(&ctx);
	HPDF_MD5Update(&ctx, buf, (HPDF_UINT32)len);
	HPDF_MD5Final(md5, &ctx);
	for (int copy = 0; copy < 2; copy++) {
		unsigned char *h = at + strlen("/ID [ <") + (size_t)copy * 35;
		for (size_t i = 0; i < 16; i++) {
			h[2 * i] = (unsigned char)hex[md5[i] >> 4];
			h[2 * i + 1] = (unsigned char)hex[md5[i] & 15];
		}
	}
	return 0;
}

static int check_errors(struct pdf_doc *d, const char *path,
			struct cx_error *e)
{
	if (d->error[0] != '\0')
		return cx_fail(e, CX_ESOFTWARE, "%s: %s", path, d->error);
	if (d->hpdf_error != 0)
		return cx_fail(e, CX_ESOFTWARE,
			       "%s: libharu error 0x%04X (detail %u)", path,
			       (unsigned)d->hpdf_error, (unsigned)d->hpdf_detail);
	return 0;
}

int pdf_save(struct pdf_doc *d, const char *path, const struct pdf_meta *m,
	     struct cx_error *e)
{
	unsigned char *buf = NULL;
	time_t t = 0;
	int rc = -1;

	if (d->saved)
		return cx_fail(e, CX_ESOFTWARE, "%s: document saved twice", path);
	d->saved = true;
	if (doc_time(&t, m ? m->created : 0, e) || check_errors(d, path, e))
		return -1;
	if (d->npages == 0)
		pdf_add_page(d);
	cid_finish_fonts(d);
	set_info(d, m, t);
	id_placeholder(d);
	HPDF_PDFA_SetPDFAConformance(d->hpdf, HPDF_PDFA_1B);
	info_text_strings(d);
	fix_metadata_subtype(d);
	deflate_streams(d);
	HPDF_SaveToStream(d->hpdf);
	if (check_errors(d, path, e))
		return -1;

	HPDF_UINT32 size = HPDF_GetStreamSize(d->hpdf);
	buf = xmalloc(size);
	HPDF_UINT32 got = size;
	if (HPDF_ReadFromStream(d->hpdf, buf, &got) != HPDF_OK &&
	    got != size) {
		cx_fail(e, CX_ESOFTWARE, "%s: libharu cannot read back the file", path);
		goto out;
	}
	if (id_patch(buf, got) != 0) {
		cx_fail(e, CX_ESOFTWARE, "%s: no document /ID placeholder in the output", path);
		goto out;
	}
	/* a detail only: the warning, once, names where the text came from
	 * (the job's file:line, the --name option: text_warn_missing) */
	if (d->text.unknown || d->text.invalid)
		log_info("%s: %zu character(s) without a form in the PDF fonts printed as \"?\"",
			 path, d->text.unknown + d->text.invalid);
	rc = atomicfile_write(path, buf, got, ATOMICFILE_REPLACE, e);
out:
	free(buf);
	return rc;
}
