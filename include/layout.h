/* layout.h - flowing document blocks (headings, paragraphs, tables, tiles)
 * down the pages of a PDF (pdf.h), with one type scale and palette for the
 * deep dive and the digest.
 *
 * A layout keeps a cursor (the top of the next block) on the current page;
 * a block that does not fit starts a new page. Nothing is drawn outside the
 * content box: text is wrapped or shortened with an ellipsis (text.h),
 * tables break between rows and repeat their header. All text is UTF-8.
 */
#ifndef CONVEX_LAYOUT_H
#define CONVEX_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>

#include "canvas.h"
#include "pdf.h"

/* Page geometry in points. */
#define LAYOUT_MARGIN_X   54.0
#define LAYOUT_MARGIN_TOP 68.0    /* content starts under the header */
#define LAYOUT_MARGIN_BOT 62.0    /* content ends above the footer */
#define LAYOUT_HEADER_Y   40.0    /* baseline of the running header */
#define LAYOUT_FOOTER_Y   34.0    /* footer baseline, from the page bottom */

/* Type scale (points). */
#define LAYOUT_TITLE   19.0
#define LAYOUT_LEAD    10.5
#define LAYOUT_H2      12.0
#define LAYOUT_BODY     9.0
#define LAYOUT_SMALL    7.5
#define LAYOUT_FIGURE  16.0       /* the big number of a tile */
#define LAYOUT_LEADING  1.42      /* line height / font size */

/* Palette (sRGB 0..1). */
struct layout_rgb { double r, g, b; };
extern const struct layout_rgb LAYOUT_INK, LAYOUT_MUTED, LAYOUT_RULE,
	LAYOUT_ACCENT, LAYOUT_TINT, LAYOUT_POS, LAYOUT_NEG;

/* Longest table: cells are pointers, so only the caller's arrays bound it;
 * columns are bounded because their widths live in the layout. */
#define LAYOUT_COLS_MAX 12

struct layout {
	struct pdf_doc *doc;
	struct canvas *c;      /* the current page's canvas */
	size_t page;           /* the current page */
	double left, right;    /* content box, x */
	double top, bottom;    /* content box, y */
	double y;              /* top of the next block */
};

/* Start laying out into `doc` on a new page. */
void layout_init(struct layout *l, struct pdf_doc *doc);
/* Start a new page; the cursor goes to its top. */
void layout_page(struct layout *l);
/* Start a new page unless `h` points still fit under the cursor. */
void layout_need(struct layout *l, double h);
double layout_width(const struct layout *l);
/* Move the cursor down by `h` (no page break). */
void layout_skip(struct layout *l, double h);

/* One line of text at baseline (x, y) in a font, size and colour; shortened
 * with an ellipsis to `max_w` (<= 0: no limit). Returns the drawn width. */
double layout_text(struct layout *l, double x, double y, enum canvas_font f,
		   double size, struct layout_rgb col, double max_w,
		   const char *utf8);
/* The same, right-aligned at x. */
double layout_text_right(struct layout *l, double x, double y,
			 enum canvas_font f, double size, struct layout_rgb col,
			 double max_w, const char *utf8);

/* A wrapped paragraph across the content width (lines flow onto new pages;
 * "\n" starts a new line), followed by `after` points. */
void layout_paragraph(struct layout *l, const char *utf8, enum canvas_font f,
		      double size, struct layout_rgb col, double after);

/* A section heading that keeps `keep` points of what follows on its page;
 * adds a bookmark under `outline_parent` (-1: top level) and returns its id
 * (-1 when none). */
int layout_heading(struct layout *l, const char *utf8, int outline_parent,
		   double keep);

/* A table: `ncols` columns (widths as fractions of `width`, summing to 1),
 * a header row and `nrows` rows of cells (row-major, UTF-8, NULL = empty);
 * right-aligned columns flagged in `right`. Breaks between rows onto new
 * pages with the header repeated. Drawn from x = `x`; `width` <= 0 means
 * the content width. Returns the height used on the last page. */
struct layout_table {
	size_t ncols;
	const double *widths;
	const bool *right;
	const char *const *head;
	const char *const *cells;
	size_t nrows;
	double x, width;
};
void layout_table(struct layout *l, const struct layout_table *t);
/* Height of one table row (body and header). */
#define LAYOUT_ROW_H 15.0

/* A row of equal tiles: each has a caption, a big figure, and up to three
 * small lines (NULL to leave out). */
struct layout_tile {
	const char *caption;
	const char *figure;
	const char *line[3];
};
void layout_tiles(struct layout *l, const struct layout_tile *tiles,
		  size_t n);

/* Running header and footer on pages [first, last] of the document: the
 * header's left and right text, a hairline, and at the foot `footer` on the
 * left and "Page N of M" on the right, N and M counted within the range. */
void layout_decorate(struct pdf_doc *doc, size_t first, size_t last,
		     const char *head_left, const char *head_right,
		     const char *footer);

/* "1,304" for 1304. Returns buf. */
char *layout_thousands(size_t n, char *buf, size_t size);

/* Size of a buffer for one number formatted by layout_number(). */
#define LAYOUT_NUM_MAX 64

/* `v` printed with the printf format `f` (one double conversion) into `buf`
 * (LAYOUT_NUM_MAX bytes, cut when longer) and returned; when `has` is false,
 * the static string "n/a" (what stats.h calls a missing value) and `buf` is
 * not touched. */
const char *layout_number(char buf[LAYOUT_NUM_MAX], bool has, const char *f,
			  double v);

#endif
