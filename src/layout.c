/* layout.c - flowing blocks down PDF pages (see layout.h). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "layout.h"
#include "text.h"

const struct layout_rgb LAYOUT_INK = {0.118, 0.145, 0.184};    /* #1E252F */
const struct layout_rgb LAYOUT_MUTED = {0.420, 0.455, 0.510};  /* #6B7482 */
const struct layout_rgb LAYOUT_RULE = {0.835, 0.855, 0.882};   /* #D5DAE1 */
const struct layout_rgb LAYOUT_ACCENT = {0.114, 0.271, 0.463}; /* #1D4576 */
const struct layout_rgb LAYOUT_TINT = {0.957, 0.965, 0.976};   /* #F4F6F9 */
const struct layout_rgb LAYOUT_POS = {0.114, 0.271, 0.463};
const struct layout_rgb LAYOUT_NEG = {0.706, 0.333, 0.141};    /* #B45524 */

/* Lines of one paragraph handled at a time; longer ones loop. */
#define LINES_CHUNK 256

static void rgb(struct layout *l, struct layout_rgb c)
{
	l->c->ops->set_rgb(l->c->impl, c.r, c.g, c.b);
}

static void font(struct layout *l, enum canvas_font f, double size)
{
	l->c->ops->set_font(l->c->impl, f, size);
}

void layout_page(struct layout *l)
{
	int p = pdf_add_page(l->doc);
	if (p < 0)
		p = (int)pdf_page_count(l->doc) - 1;  /* error kept for pdf_save */
	l->page = (size_t)p;
	l->c = pdf_canvas(l->doc, l->page);
	l->y = l->top;
}

void layout_init(struct layout *l, struct pdf_doc *doc)
{
	memset(l, 0, sizeof *l);
	l->doc = doc;
	l->left = LAYOUT_MARGIN_X;
	l->right = pdf_page_width(doc) - LAYOUT_MARGIN_X;
	l->top = LAYOUT_MARGIN_TOP;
	l->bottom = pdf_page_height(doc) - LAYOUT_MARGIN_BOT;
	layout_page(l);
}

void layout_need(struct layout *l, double h)
{
	if (l->y + h > l->bottom && l->y > l->top)
		layout_page(l);
}

double layout_width(const struct layout *l)
{
	return l->right - l->left;
}

void layout_skip(struct layout *l, double h)
{
	l->y += h;
	if (l->y > l->bottom)
		l->y = l->bottom;
}

double layout_text(struct layout *l, double x, double y, enum canvas_font f,
		   double size, struct layout_rgb col, double max_w,
		   const char *utf8)
{
	char cut[TEXT_MAX];
	font(l, f, size);
	rgb(l, col);
	if (max_w > 0) {
		text_ellipsize(l->c, utf8, max_w, cut, sizeof cut);
		utf8 = cut;
	}
	l->c->ops->show_text(l->c->impl, x, y, utf8);
	return l->c->ops->text_width(l->c->impl, utf8);
}

double layout_text_right(struct layout *l, double x, double y,
			 enum canvas_font f, double size, struct layout_rgb col,
			 double max_w, const char *utf8)
{
	char cut[TEXT_MAX];
	font(l, f, size);
	if (max_w > 0) {
		text_ellipsize(l->c, utf8, max_w, cut, sizeof cut);
		utf8 = cut;
	}
	double w = l->c->ops->text_width(l->c->impl, utf8);
	return layout_text(l, x - w, y, f, size, col, 0, utf8);
}

void layout_paragraph(struct layout *l, const char *utf8, enum canvas_font f,
		      double size, struct layout_rgb col, double after)
{
	size_t start[LINES_CHUNK], len[LINES_CHUNK];
	double lh = size * LAYOUT_LEADING;
	const char *rest = utf8;

	while (rest != NULL && *rest != '\0') {
		font(l, f, size);
		size_t total = text_wrap(l->c, rest, layout_width(l), start, len,
					 LINES_CHUNK);
		size_t n = total < LINES_CHUNK ? total : LINES_CHUNK;
		if (n == 0)
			break;
		/* short paragraphs stay together; longer ones leave neither a
		 * single first line (orphan) nor a single last line (widow) */
		if (total <= 4)
			layout_need(l, (double)total * lh);
		for (size_t i = 0; i < n; i++) {
			char line[TEXT_MAX];
			size_t k = len[i] < sizeof line - 1 ? len[i] : sizeof line - 1;
			memcpy(line, rest + start[i], k);
			line[k] = '\0';
			bool widow = total == n && n > 4 && i == n - 2;
			layout_need(l, (i == 0 && n > 4) || widow ? 2 * lh : lh);
			layout_text(l, l->left, l->y + size, f, size, col, 0, line);
			l->y += lh;
		}
		rest = total > n ? rest + start[n] : NULL;
	}
	l->y += after;
}

int layout_heading(struct layout *l, const char *utf8, int outline_parent,
		   double keep)
{
	layout_need(l, LAYOUT_H2 * 2.2 + keep);
	double y = l->y + LAYOUT_H2;
	layout_text(l, l->left, y, CANVAS_BOLD, LAYOUT_H2, LAYOUT_ACCENT,
		    layout_width(l), utf8);
	int id = pdf_outline(l->doc, outline_parent, utf8, l->page, l->y - 6);
	l->y += LAYOUT_H2 * 1.9;
	return id;
}

static void hline(struct layout *l, double x0, double x1, double y, double w,
		  struct layout_rgb col)
{
	const struct canvas_ops *o = l->c->ops;
	rgb(l, col);
	o->set_line_width(l->c->impl, w);
	o->move_to(l->c->impl, x0, y);
	o->line_to(l->c->impl, x1, y);
	o->stroke(l->c->impl);
}

/* One row of cells with baseline at l->y + row offset. */
static void table_row(struct layout *l, const struct layout_table *t,
		      const char *const *cells, bool head)
{
	double x = t->x, pad = 4;
	double size = head ? LAYOUT_SMALL : LAYOUT_BODY - 0.5;
	double base = l->y + LAYOUT_ROW_H - (head ? 4.5 : 4.2);

	for (size_t j = 0; j < t->ncols; j++) {
		double w = t->widths[j] * t->width;
		const char *s = cells[j] ? cells[j] : "";
		enum canvas_font f = head ? CANVAS_BOLD : CANVAS_REGULAR;
		struct layout_rgb col = head ? LAYOUT_MUTED : LAYOUT_INK;
		if (t->right != NULL && t->right[j])
			layout_text_right(l, x + w - pad, base, f, size, col,
					  w - 2 * pad, s);
		else
			layout_text(l, x + pad, base, f, size, col, w - 2 * pad, s);
		x += w;
	}
	l->y += LAYOUT_ROW_H;
	hline(l, t->x, t->x + t->width, l->y, head ? 0.8 : 0.4,
	      head ? LAYOUT_MUTED : LAYOUT_RULE);
}

void layout_table(struct layout *l, const struct layout_table *in)
{
	struct layout_table t = *in;
	if (t.ncols == 0 || t.ncols > LAYOUT_COLS_MAX)
		return;
	if (t.width <= 0) {
		t.x = l->left;
		t.width = layout_width(l);
	}
	/* the header keeps at least two rows with it */
	layout_need(l, LAYOUT_ROW_H * 3);
	table_row(l, &t, t.head, true);
	for (size_t i = 0; i < t.nrows; i++) {
		if (l->y + LAYOUT_ROW_H > l->bottom) {
			layout_page(l);
			table_row(l, &t, t.head, true);
		}
		table_row(l, &t, t.cells + i * t.ncols, false);
	}
}

void layout_tiles(struct layout *l, const struct layout_tile *tiles, size_t n)
{
	const double gap = 8, h = 74, pad = 9;
	double w = (layout_width(l) - gap * (double)(n - 1)) / (double)n;
	const struct canvas_ops *o = l->c->ops;

	if (n == 0)
		return;
	layout_need(l, h);
	for (size_t i = 0; i < n; i++) {
		const struct layout_tile *t = &tiles[i];
		double x = l->left + (double)i * (w + gap), y = l->y;
		rgb(l, LAYOUT_TINT);
		o->rect(l->c->impl, x, y, w, h);
		o->fill(l->c->impl);
		rgb(l, LAYOUT_ACCENT);
		o->rect(l->c->impl, x, y, 2, h);
		o->fill(l->c->impl);
		layout_text(l, x + pad, y + 15, CANVAS_BOLD, LAYOUT_SMALL,
			    LAYOUT_MUTED, w - 2 * pad, t->caption);
		layout_text(l, x + pad, y + 36, CANVAS_BOLD, LAYOUT_FIGURE,
			    LAYOUT_INK, w - 2 * pad, t->figure);
		for (int k = 0; k < 3; k++)
			if (t->line[k] != NULL)
				layout_text(l, x + pad, y + 49 + 10.5 * k,
					    k == 0 ? CANVAS_BOLD : CANVAS_REGULAR,
					    LAYOUT_SMALL, k == 0 ? LAYOUT_INK : LAYOUT_MUTED,
					    w - 2 * pad, t->line[k]);
	}
	l->y += h;
}

void layout_decorate(struct pdf_doc *doc, size_t first, size_t last,
		     const char *head_left, const char *head_right,
		     const char *footer)
{
	struct layout l;
	double pw = pdf_page_width(doc), ph = pdf_page_height(doc);
	double x0 = LAYOUT_MARGIN_X, x1 = pw - LAYOUT_MARGIN_X;
	char num[64];

	memset(&l, 0, sizeof l);
	l.doc = doc;
	for (size_t p = first; p <= last && p < pdf_page_count(doc); p++) {
		l.c = pdf_canvas(doc, p);
		l.page = p;
		double rw = layout_text_right(&l, x1, LAYOUT_HEADER_Y, CANVAS_REGULAR,
					      LAYOUT_SMALL, LAYOUT_MUTED,
					      (x1 - x0) / 2, head_right);
		layout_text(&l, x0, LAYOUT_HEADER_Y, CANVAS_BOLD, LAYOUT_SMALL,
			    LAYOUT_ACCENT, x1 - x0 - rw - 12, head_left);
		hline(&l, x0, x1, LAYOUT_HEADER_Y + 6, 0.5, LAYOUT_RULE);
		hline(&l, x0, x1, ph - LAYOUT_FOOTER_Y - 11, 0.5, LAYOUT_RULE);
		snprintf(num, sizeof num, "Page %zu of %zu", p - first + 1,
			 last - first + 1);
		rw = layout_text_right(&l, x1, ph - LAYOUT_FOOTER_Y, CANVAS_REGULAR,
				       LAYOUT_SMALL, LAYOUT_MUTED, 0, num);
		layout_text(&l, x0, ph - LAYOUT_FOOTER_Y, CANVAS_REGULAR,
			    LAYOUT_SMALL, LAYOUT_MUTED, x1 - x0 - rw - 12, footer);
	}
}

char *layout_thousands(size_t n, char *buf, size_t size)
{
	char digits[32];
	int len = snprintf(digits, sizeof digits, "%zu", n);
	size_t o = 0;
	for (int i = 0; i < len && o + 1 < size; i++) {
		if (i > 0 && (len - i) % 3 == 0 && o + 2 < size)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	if (size > 0)
		buf[o < size ? o : size - 1] = '\0';
	return buf;
}

const char *layout_number(char buf[LAYOUT_NUM_MAX], bool has, const char *f,
			  double v)
{
	if (!has)
		return "n/a";
	snprintf(buf, LAYOUT_NUM_MAX, f, v);
	return buf;
}
