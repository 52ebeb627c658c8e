/* digest_pdf.c - the digest PDF of a run (see digest_pdf.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digest_pdf.h"
#include "layout.h"
#include "narrative.h"
#include "progress.h"
#include "xalloc.h"

#define NUM_MAX LAYOUT_NUM_MAX
#define LINE_MAX_DG 1024
#define RANK_COLS 10

static size_t featured(const struct digest_input *in)
{
	size_t n = in->top < in->nranked ? in->top : in->nranked;
	return n < DIGEST_TOP_MAX ? n : DIGEST_TOP_MAX;
}

static void cover_title(struct layout *l, const struct digest_input *in)
{
	char line[LINE_MAX_DG], d[DATE_STR_SIZE], n1[32], n2[32];
	size_t tests = 0;

	for (size_t i = 0; i < in->npairs; i++)
		tests += in->pairs[i].has_z;
	layout_paragraph(l, in->title && in->title[0] ? in->title
			 : "Correlation Digest", CANVAS_BOLD, LAYOUT_TITLE,
			 LAYOUT_INK, 0);
	snprintf(line, sizeof line, "Correlation digest as of %s",
		 date_format(in->as_of, d));
	layout_paragraph(l, line, CANVAS_REGULAR, LAYOUT_LEAD, LAYOUT_INK, 2);
	snprintf(line, sizeof line, "%s pairs analysed, %s with a shift test; "
		 "shifts ranked by |z| and corrected for multiple testing "
		 "(Benjamini-Hochberg at %.0f%%).%s",
		 layout_thousands(in->npairs, n1, sizeof n1),
		 layout_thousands(tests, n2, sizeof n2), in->alpha * 100,
		 in->nskipped ? " Pairs that could not be computed are listed "
		 "after the heatmap." : "");
	layout_paragraph(l, line, CANVAS_REGULAR, LAYOUT_BODY, LAYOUT_MUTED, 14);
}

/* Below the ranking table: the as-of dates of the featured pairs marked "*"
 * (their prices end before the digest's date), so no reader takes an old
 * correlation for today's. Left out when every pair is current. */
static void earlier_note(struct layout *l, const struct digest_input *in,
			 size_t n)
{
	char line[LINE_MAX_DG], d[DATE_STR_SIZE];
	size_t len = 0;

	for (size_t i = 0; i < n && len < sizeof line - 1; i++) {
		const struct pair_stats *s = in->pairs[in->order[i]].s;
		if (s->as_of == in->as_of)
			continue;
		int w = snprintf(line + len, sizeof line - len, "%s%s/%s %s",
				 len ? ", " : "* Computed as of the last date "
				 "both assets have prices: ", s->a, s->b,
				 date_format(s->as_of, d));
		if (w < 0)
			return;
		len += (size_t)w;
	}
	if (len == 0)
		return;
	if (len < sizeof line - 1)
		snprintf(line + len, sizeof line - len, ".");
	layout_paragraph(l, line, CANVAS_REGULAR, LAYOUT_SMALL, LAYOUT_MUTED, 12);
}

/* The ranking table; returns the page and top y of its first body row. */
static void cover_table(struct layout *l, const struct digest_input *in,
			size_t n, size_t *page, double *y0)
{
	char (*v)[NUM_MAX] = xcalloc(n * RANK_COLS, NUM_MAX);
	const char **cells = xcalloc(n * RANK_COLS, sizeof *cells);

	for (size_t i = 0; i < n; i++) {
		const struct digest_pair *p = &in->pairs[in->order[i]];
		const struct pair_stats *s = p->s;
		const char **c = cells + i * RANK_COLS;
		char (*b)[NUM_MAX] = v + i * RANK_COLS;
		snprintf(b[0], NUM_MAX, "%zu", i + 1);
		/* A pair whose data ends before the digest's date is marked
		 * and dated in the note below the table. */
		snprintf(b[1], NUM_MAX, "%s/%s%s", s->a, s->b,
			 s->as_of != in->as_of ? "*" : "");
		c[0] = b[0];
		c[1] = b[1];
		c[2] = layout_number(b[2], s->win[W_90D].has_r, "%+.3f", s->win[W_90D].r);
		/* The change vs 5-year follows the two windows it subtracts; the baseline
		 * (what z tests against) follows it. */
		c[3] = layout_number(b[3], s->win[W_5Y].has_r, "%+.3f", s->win[W_5Y].r);
		c[4] = layout_number(b[4], s->shift.has_delta, "%+.3f", s->shift.delta);
		c[5] = layout_number(b[5], s->shift.has_baseline, "%+.3f", s->shift.baseline_r);
		c[6] = layout_number(b[6], p->has_z, "%+.2f", p->z);
		if (p->has_z && p->p < 0.0001)
			c[7] = "<0.0001";
		else
			c[7] = layout_number(b[7], p->has_z, "%.4f", p->p);
		c[8] = layout_number(b[8], p->has_q, "%.4f", p->q);
		c[9] = p->significant ? "yes" : "no";
	}
	static const double widths[RANK_COLS] = {0.05, 0.14, 0.09, 0.09, 0.15,
						 0.10, 0.08, 0.10, 0.10, 0.10};
	static const bool right[RANK_COLS] = {false, false, true, true, true,
					      true, true, true, true, true};
	static const char *const head[RANK_COLS] = {"#", "Pair", "90-day",
		"5-year", "Change vs 5-year", "Baseline", "z", "p", "BH q", "Signif."};
	struct layout_table t = {RANK_COLS, widths, right, head, cells, n, 0, 0};

	layout_need(l, LAYOUT_ROW_H * (double)(n + 1));
	*page = l->page;
	*y0 = l->y + LAYOUT_ROW_H;
	layout_table(l, &t);
	layout_skip(l, 6);
	layout_paragraph(l, "Change vs 5-year: the 90-day minus the 5-year correlation. Baseline: the 5-year "
			 "correlation without its last 90 returns, which the z "
			 "test compares the 90-day reading with. Significant: BH q "
			 "at or below the level. Pair names link to their deep dives.",
			 CANVAS_REGULAR, LAYOUT_SMALL, LAYOUT_MUTED, 12);
	earlier_note(l, in, n);
	free(v);
	free(cells);
}

/* Fisher interval of r over n returns (the baseline's, which stats.h does
 * not carry): tanh(atanh(r) -/+ z95 / sqrt(n - 3)). */
static bool fisher_ci(double r, size_t n, double *lo, double *hi)
{
	if (n <= 3 || fabs(r) >= 1)
		return false;
	double z = atanh(r), se = STATS_Z95 / sqrt((double)n - 3);
	*lo = tanh(z - se);
	*hi = tanh(z + se);
	return true;
}

static void cover_chart(struct layout *l, const struct digest_input *in,
			size_t n)
{
	struct chart_shift *rows = xcalloc(n, sizeof *rows);
	char (*labels)[2 * PRICES_SYMBOL_MAX + 2] = xcalloc(n, sizeof *labels);

	for (size_t i = 0; i < n; i++) {
		const struct digest_pair *p = &in->pairs[in->order[i]];
		const struct pair_stats *s = p->s;
		const struct window_stat *w = &s->win[W_90D];
		struct chart_shift *r = &rows[i];
		snprintf(labels[i], sizeof labels[i], "%s/%s", s->a, s->b);
		r->label = labels[i];
		r->has_r90 = w->has_r;
		r->r90 = w->r;
		r->has_r90_ci = w->has_ci;
		r->r90_lo = w->ci_lo;
		r->r90_hi = w->ci_hi;
		r->has_base = s->shift.has_baseline;
		r->base = s->shift.baseline_r;
		r->has_base_ci = r->has_base && fisher_ci(r->base,
			s->shift.baseline_n, &r->base_lo, &r->base_hi);
		r->significant = p->significant;
	}
	double h = CHART_SHIFTS_ROW * (double)n + 70;
	layout_heading(l, "Regime shifts: 90-day vs baseline", -1, h);
	chart_shifts(l->c, rows, n, NULL, l->left, l->y, layout_width(l), h);
	layout_skip(l, h + 12);
	free(rows);
	free(labels);
}

static void heatmap_page(struct layout *l, const struct digest_input *in)
{
	layout_page(l);
	layout_heading(l, "Correlation heatmap (1-year window)", -1, 200);
	double h = l->bottom - l->y - 60;
	double w = layout_width(l);
	/* up to 40 symbols a square; more take the page's height too */
	if (h > CHART_HEATMAP_H && in->heatmap->n <= 40)
		h = CHART_HEATMAP_H > w ? w : CHART_HEATMAP_H;
	chart_heatmap(l->c, in->heatmap, NULL, l->left, l->y, w, h);
	layout_skip(l, h + 12);
	layout_paragraph(l, "Pearson correlation of the last 252 daily returns of "
			 "each pair of watchlist symbols; blue negative, red "
			 "positive, n/a where the window is not full. Symbols are "
			 "ordered by hierarchical clustering (average linkage on "
			 "1 - r), so correlated symbols form blocks.",
			 CANVAS_REGULAR, LAYOUT_SMALL, LAYOUT_MUTED, 12);
}

static void skipped_list(struct layout *l, const struct digest_input *in)
{
	layout_heading(l, "Pairs not computed", -1, 40);
	for (size_t i = 0; i < in->nskipped; i++)
		layout_paragraph(l, in->skipped[i], CANVAS_REGULAR, LAYOUT_BODY,
				 LAYOUT_INK, 2);
	layout_skip(l, 10);
}

/* ---- the appendix: one line per pair ------------------------------------ */

#define APPX_COLS 7
#define DIGEST_URL_MAX 4096   /* a pair's address: the job's public-url + date + file */
#define NO_SECTION ((size_t)-1)

/* pair_url + "A-B.pdf", the symbols percent-encoded outside [A-Za-z0-9._~-]
 * (job.rng lets a symbol hold '^', '=' and ':'). False when it does not fit. */
static bool pair_pdf_url(const char *base, const struct pair_stats *s, char *buf,
			 size_t size)
{
	static const char hex[] = "0123456789ABCDEF";
	const char *parts[3] = {s->a, "-", s->b};
	size_t len = (size_t)snprintf(buf, size, "%s", base);

	for (int k = 0; k < 3 && len < size; k++)
		for (const unsigned char *c = (const unsigned char *)parts[k]; *c && len + 4 < size; c++) {
			if (strchr("._~-", *c) || (*c >= '0' && *c <= '9') ||
			    ((*c | 0x20) >= 'a' && (*c | 0x20) <= 'z')) {
				buf[len++] = (char)*c;
			} else {
				buf[len++] = '%';
				buf[len++] = hex[*c >> 4];
				buf[len++] = hex[*c & 15];
			}
		}
	if (len + 5 > size)
		return false;
	memcpy(buf + len, ".pdf", 5);
	return true;
}

/* Link the pair cell of a table row to the pair's section, else to its PDF. */
static void link_pair(struct layout *l, const struct digest_input *in, size_t i,
		      const size_t *start, size_t page, double y, double w)
{
	char url[DIGEST_URL_MAX];

	if (start[i] != NO_SECTION)
		pdf_link(l->doc, page, LAYOUT_MARGIN_X, y, w, LAYOUT_ROW_H, start[i], l->top);
	else if (in->pair_url != NULL && pair_pdf_url(in->pair_url, in->pairs[i].s, url, sizeof url))
		pdf_link_uri(l->doc, page, LAYOUT_MARGIN_X, y, w, LAYOUT_ROW_H, url);
}

static void appendix_cells(const struct digest_input *in, size_t i,
			   char (*b)[NUM_MAX], const char **c)
{
	const struct digest_pair *p = &in->pairs[i];
	const struct pair_stats *s = p->s;
	char d[DATE_STR_SIZE];

	snprintf(b[0], NUM_MAX, "%s/%s", s->a, s->b);
	c[0] = b[0];
	c[1] = layout_number(b[1], s->win[W_90D].has_r, "%+.3f", s->win[W_90D].r);
	c[2] = layout_number(b[2], s->win[W_5Y].has_r, "%+.3f", s->win[W_5Y].r);
	c[3] = layout_number(b[3], s->shift.has_delta, "%+.3f", s->shift.delta);
	c[4] = layout_number(b[4], p->has_z, "%+.2f", p->z);
	c[5] = layout_number(b[5], p->has_q, "%.4f", p->q);
	snprintf(b[6], NUM_MAX, "%s", date_format(s->as_of, d));
	c[6] = b[6];
}

/* The table of every pair in watchlist order, written a page at a time so
 * memory stays flat at any number of pairs; each page's rows are linked. */
static void appendix(struct layout *l, const struct digest_input *in, const size_t *start)
{
	static const double widths[APPX_COLS] = {0.20, 0.11, 0.11, 0.18, 0.10, 0.12, 0.18};
	static const bool right[APPX_COLS] = {false, true, true, true, true, true, true};
	static const char *const head[APPX_COLS] = {"Pair", "90-day", "5-year",
		"Change vs 5-year", "z", "BH q", "As of"};
	size_t rows_max = (size_t)((l->bottom - l->top) / LAYOUT_ROW_H) + 1;
	char (*v)[NUM_MAX] = xcalloc(rows_max * APPX_COLS, NUM_MAX);
	const char **cells = xcalloc(rows_max * APPX_COLS, sizeof *cells);

	layout_page(l);
	pdf_outline(l->doc, -1, "All pairs", l->page, l->y);
	layout_heading(l, "All pairs", -1, LAYOUT_ROW_H * 4);
	layout_paragraph(l, in->pair_url != NULL ?
			 "One line per pair. Change vs 5-year: the 90-day minus the 5-year correlation. Pair names "
			 "link to their deep dive: in this digest for the largest "
			 "shifts, else the pair's own PDF in the published archive." :
			 "One line per pair. Change vs 5-year: the 90-day minus the 5-year correlation. Pair names "
			 "of the largest shifts link to their deep dive in this digest; "
			 "every pair has its own deep-dive PDF in the run.",
			 CANVAS_REGULAR, LAYOUT_SMALL, LAYOUT_MUTED, 8);
	for (size_t i = 0; i < in->npairs;) {
		double fit = (l->bottom - l->y) / LAYOUT_ROW_H - 1;   /* below the header */
		if (fit < 2) {
			layout_page(l);
			continue;
		}
		size_t n = (size_t)fit < in->npairs - i ? (size_t)fit : in->npairs - i;
		n = n < rows_max ? n : rows_max;
		for (size_t k = 0; k < n; k++)
			appendix_cells(in, i + k, v + k * APPX_COLS, cells + k * APPX_COLS);
		struct layout_table t = {APPX_COLS, widths, right, head, cells, n, 0, 0};
		size_t page = l->page;
		double y0 = l->y + LAYOUT_ROW_H;
		layout_table(l, &t);
		for (size_t k = 0; k < n; k++)
			link_pair(l, in, i + k, start, page, y0 + (double)k * LAYOUT_ROW_H,
				  layout_width(l) * widths[0]);
		i += n;
	}
	free(v);
	free(cells);
}

static void step(const struct digest_input *in)
{
	if (in->progress != NULL)
		progress_step(in->progress);
}

int digest_pdf_write(const char *path, const struct digest_input *in,
		     enum pdf_paper paper, struct cx_error *e)
{
	struct layout l;
	char head[LINE_MAX_DG], d[DATE_STR_SIZE], title[LINE_MAX_DG];
	size_t n = featured(in), table_page = 0;
	size_t *start = xcalloc(in->npairs, sizeof *start);
	double table_y = 0;
	int rc;

	struct pdf_doc *doc = pdf_new(paper, e);
	if (doc == NULL) {
		free(start);
		return -1;
	}
	layout_init(&l, doc);
	pdf_outline(doc, -1, "Cover", 0, l.y);
	cover_title(&l, in);
	if (n > 0) {
		layout_heading(&l, "Top regime shifts", -1, LAYOUT_ROW_H * 3);
		cover_table(&l, in, n, &table_page, &table_y);
		cover_chart(&l, in, n);
	}
	if (in->heatmap != NULL)
		heatmap_page(&l, in);
	if (in->nskipped > 0)
		skipped_list(&l, in);
	for (size_t i = 0; i < in->npairs; i++)
		start[i] = NO_SECTION;
	/* the full deep dives of the largest shifts, in rank order */
	for (size_t k = 0; k < in->deep_dives && k < in->nranked; k++) {
		size_t i = in->order[k];
		const struct digest_pair *p = &in->pairs[i];
		char name[2 * PRICES_SYMBOL_MAX + 2];
		layout_page(&l);
		start[i] = l.page;
		snprintf(name, sizeof name, "%s/%s", p->s->a, p->s->b);
		int parent = pdf_outline(doc, -1, name, l.page, l.y);
		struct deepdive_input din = {p->s, p->name_a, p->name_b,
					     p->related, p->nrelated, in->created,
					     p->quality_a, p->quality_b};
		deepdive_layout(&l, &din, parent);
		step(in);
	}
	if (in->npairs > 0)
		appendix(&l, in, start);
	step(in);
	/* the cover's pair names jump to their sections (or PDFs) */
	for (size_t i = 0; i < n; i++)
		link_pair(&l, in, in->order[i], start, table_page,
			  table_y + (double)i * LAYOUT_ROW_H, (l.right - l.left) * 0.28);
	snprintf(head, sizeof head, "As of %s", date_format(in->as_of, d));
	snprintf(title, sizeof title, "CONVEX \xc2\xb7 %s", in->title && in->title[0]
		 ? in->title : "Correlation Digest");
	layout_decorate(doc, 0, pdf_page_count(doc) - 1, title, head,
			"Correlation digest");
	snprintf(title, sizeof title, "%s, as of %s", in->title && in->title[0]
		 ? in->title : "Correlation Digest", d);
	struct pdf_meta m = {title, "convex", "Correlation digest",
			     "correlation, regime shift, digest", in->created};
	rc = pdf_save(doc, path, &m, e);
	step(in);
	pdf_free(doc);
	free(start);
	return rc;
}
