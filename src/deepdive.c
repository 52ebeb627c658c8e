/* deepdive.c - the deep-dive pages of one pair (see deepdive.h).
 *
 * Numbers print as the seed page does: correlations with sign and three
 * decimals, intervals with two, volatilities in percent with two; a value
 * that stats.h says is missing prints "n/a".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "deepdive.h"
#include "narrative.h"
#include "xalloc.h"

/* Longest formatted number, and a short line made of two of them. */
#define NUM_MAX LAYOUT_NUM_MAX
#define CAP_MAX 160
/* Longest title line ("A vs B: Correlation Analysis" with 64-byte symbols,
 * or two long names). */
#define LINE_MAX_DD 1024

static const char *name_of(const char *name, const char *sym)
{
	return name != NULL && name[0] != '\0' ? name : sym;
}

static const char *window_caption(enum stats_window w)
{
	static const char *const cap[W_COUNT] = {"30-DAY", "90-DAY", "1-YEAR",
						 "5-YEAR"};
	return cap[w];
}

/* ---- title and tiles -------------------------------------------------- */

static void title_block(struct layout *l, const struct deepdive_input *in)
{
	const struct pair_stats *s = in->s;
	char line[LINE_MAX_DD], n[32], d0[DATE_STR_SIZE], d1[DATE_STR_SIZE];
	const char *na = name_of(in->name_a, s->a), *nb = name_of(in->name_b, s->b);

	snprintf(line, sizeof line, "%s vs %s: Correlation Analysis", s->a, s->b);
	layout_paragraph(l, line, CANVAS_BOLD, LAYOUT_TITLE, LAYOUT_INK, 0);
	l->y -= LAYOUT_TITLE * (LAYOUT_LEADING - 1.2);
	if (strcmp(na, s->a) || strcmp(nb, s->b)) {
		snprintf(line, sizeof line, "%s vs %s", na, nb);
		layout_paragraph(l, line, CANVAS_REGULAR, LAYOUT_LEAD, LAYOUT_INK, 2);
	}
	snprintf(line, sizeof line,
		 "Pearson correlation of daily log returns: rolling windows, "
		 "year-by-year breakdown, regression beta and regime shifts. "
		 "Data window %s to %s (%s aligned observations).",
		 date_format(s->first_price, d0), date_format(s->as_of, d1),
		 layout_thousands(s->observations, n, sizeof n));
	layout_paragraph(l, line, CANVAS_REGULAR, LAYOUT_BODY, LAYOUT_MUTED, 12);
}

static void window_tiles(struct layout *l, const struct pair_stats *s)
{
	char fig[W_COUNT][NUM_MAX], ci[W_COUNT][CAP_MAX], n[W_COUNT][NUM_MAX];
	char lo[NUM_MAX], hi[NUM_MAX], num[32];
	struct layout_tile t[W_COUNT];
	static const int need[W_COUNT] = {STATS_W30, STATS_W90, STATS_W1Y,
					  STATS_MIN_5Y};

	for (int w = 0; w < W_COUNT; w++) {
		const struct window_stat *ws = &s->win[w];
		t[w].caption = window_caption((enum stats_window)w);
		t[w].figure = layout_number(fig[w], ws->has_r, "%+.3f", ws->r);
		t[w].line[0] = ws->has_r ? stats_label(ws->r)
			: ws->n ? "No variation in prices" : "Window not full";
		if (ws->has_ci)
			snprintf(ci[w], CAP_MAX, "95%% CI %s to %s",
				 layout_number(lo, true, "%+.2f", ws->ci_lo),
				 layout_number(hi, true, "%+.2f", ws->ci_hi));
		else
			snprintf(ci[w], CAP_MAX, "95%% CI n/a");
		t[w].line[1] = ci[w];
		if (ws->n)
			snprintf(n[w], NUM_MAX, "n = %s",
				 layout_thousands(ws->n, num, sizeof num));
		else
			snprintf(n[w], NUM_MAX, "n/a (needs %d returns)", need[w]);
		t[w].line[2] = n[w];
	}
	layout_tiles(l, t, W_COUNT);
	layout_skip(l, 16);
}

/* ---- sections ---------------------------------------------------------- */

static void section_meaning(struct layout *l, const struct deepdive_input *in,
			    int parent)
{
	char buf[NARRATIVE_MAX];
	layout_heading(l, "What the number means", parent, 40);
	narrative_meaning(in->s, name_of(in->name_a, in->s->a),
			  name_of(in->name_b, in->s->b), buf, sizeof buf);
	layout_paragraph(l, buf, CANVAS_REGULAR, LAYOUT_BODY, LAYOUT_INK, 12);
}

static void section_shift(struct layout *l, const struct pair_stats *s,
			  int parent)
{
	char f[4][NUM_MAX], a[NUM_MAX], b[CAP_MAX], z[NUM_MAX], p[CAP_MAX];
	char buf[NARRATIVE_MAX];
	const struct window_stat *w90 = &s->win[W_90D], *w5 = &s->win[W_5Y];

	layout_heading(l, "Recent vs long-run", parent, 120);
	char th[32];
	if (w5->n)
		snprintf(a, sizeof a, "n = %s", layout_thousands(w5->n, th, sizeof th));
	if (s->shift.has_z && s->shift.p < 0.0001)
		snprintf(p, sizeof p, "p < 0.0001");
	else
		snprintf(p, sizeof p, "p = %s",
			 layout_number(z, s->shift.has_z, "%.4f", s->shift.p));
	char th2[32];
	if (s->shift.has_baseline)
		snprintf(b, sizeof b, "baseline %s, n = %s",
			 layout_number(f[3], true, "%+.3f", s->shift.baseline_r),
			 layout_thousands(s->shift.baseline_n, th2, sizeof th2));
	else
		snprintf(b, sizeof b, "no baseline (needs %d returns)",
			 STATS_W90 + STATS_MIN_5Y);
	struct layout_tile t[4] = {
		{"90-DAY", layout_number(f[0], w90->has_r, "%+.3f", w90->r),
		 {w90->has_r ? stats_label(w90->r) : "n/a", NULL, NULL}},
		{"5-YEAR", layout_number(f[1], w5->has_r, "%+.3f", w5->r),
		 {w5->has_r ? stats_label(w5->r) : "n/a", w5->n ? a : NULL, NULL}},
		{"CHANGE VS 5-YEAR", layout_number(f[2], s->shift.has_delta, "%+.3f",
					 s->shift.delta),
		 {narrative_regime_name(narrative_regime(s)), NULL, NULL}},
		{"SHIFT TEST", NULL, {p, b, NULL}},
	};
	char zf[CAP_MAX];
	if (s->shift.has_z)
		snprintf(zf, sizeof zf, "z = %.2f", s->shift.z);
	else
		snprintf(zf, sizeof zf, "n/a");
	t[3].figure = zf;
	layout_tiles(l, t, 4);
	layout_skip(l, 12);
	narrative_shift(s, buf, sizeof buf);
	layout_paragraph(l, buf, CANVAS_REGULAR, LAYOUT_BODY, LAYOUT_INK, 12);
}

static void section_rolling(struct layout *l, const struct pair_stats *s,
			    int parent)
{
	layout_heading(l, "Rolling correlation", parent, CHART_ROLLING_H);
	chart_rolling(l->c, s, NULL,
		      l->left, l->y, layout_width(l), CHART_ROLLING_H);
	layout_skip(l, CHART_ROLLING_H + 14);
}

static void section_details(struct layout *l, const struct pair_stats *s,
			    int parent)
{
	char v[6][NUM_MAX], la[LINE_MAX_DD], lb[LINE_MAX_DD], lbeta[LINE_MAX_DD];
	const bool ok = s->one_year.ok;
	double tw = layout_width(l) * 0.54, gap = 16;
	double cw = layout_width(l) - tw - gap, ch = CHART_SCATTER_H;

	layout_heading(l, "Statistical details (1-year window)", parent, ch);
	snprintf(lbeta, sizeof lbeta, "Beta (%s on %s)", s->a, s->b);
	snprintf(la, sizeof la, "Daily volatility %s", s->a);
	snprintf(lb, sizeof lb, "Daily volatility %s", s->b);
	if (ok)
		snprintf(v[5], NUM_MAX, "%zu", s->one_year.n);
	const char *cells[] = {
		"Pearson correlation (r)",
		layout_number(v[0], ok && s->one_year.has_r, "%+.3f", s->one_year.r),
		"R-squared (r\xc2\xb2)",
		layout_number(v[1], ok && s->one_year.has_r, "%.3f", s->one_year.r2),
		lbeta, layout_number(v[2], ok && s->one_year.has_beta, "%.3f", s->one_year.beta),
		la, layout_number(v[3], ok, "%.2f%%", s->one_year.vol_a * 100),
		lb, layout_number(v[4], ok, "%.2f%%", s->one_year.vol_b * 100),
		"Observations", ok ? v[5] : "n/a",
	};
	static const double widths[] = {0.70, 0.30};
	static const bool right[] = {false, true};
	static const char *const head[] = {"Measure", "Value"};
	struct layout_table t = {2, widths, right, head, cells, 6, l->left, tw};
	double top = l->y;
	size_t page = l->page;

	layout_table(l, &t);
	double after_table = l->y;
	l->y = after_table + 10;
	layout_text(l, l->left, l->y + 8, CANVAS_REGULAR, LAYOUT_SMALL,
		    LAYOUT_MUTED, tw, "Beta: slope of the least-squares regression");
	layout_text(l, l->left, l->y + 18, CANVAS_REGULAR, LAYOUT_SMALL,
		    LAYOUT_MUTED, tw, "of the first asset's returns on the second's.");
	if (l->page == page) {
		chart_scatter(l->c, s, "Daily returns, last year (%)",
			      l->left + tw + gap, top, cw, ch);
		l->y = top + ch > l->y + 24 ? top + ch : l->y + 24;
	}
	layout_skip(l, 14);
}

static void section_years(struct layout *l, const struct pair_stats *s,
			  int parent)
{
	char (*v)[NUM_MAX] = NULL;
	const char **cells = NULL;
	size_t ny = s->nyears;

	layout_heading(l, "Year-by-year correlation", parent, LAYOUT_ROW_H * 3);
	if (ny > 0) {
		v = xcalloc(ny * 3, NUM_MAX);
		cells = xcalloc(ny * 4, sizeof *cells);
	}
	for (size_t i = 0; i < ny; i++) {
		const struct year_stat *y = &s->years[i];
		snprintf(v[3 * i], NUM_MAX, "%d", y->year);
		snprintf(v[3 * i + 2], NUM_MAX, "%zu", y->n);
		cells[4 * i] = v[3 * i];
		cells[4 * i + 1] = layout_number(v[3 * i + 1], y->has_r, "%+.3f", y->r);
		cells[4 * i + 2] = y->has_r ? stats_label(y->r)
			: "n/a (fewer than 20 returns)";
		cells[4 * i + 3] = v[3 * i + 2];
	}
	static const double widths[] = {0.16, 0.20, 0.40, 0.24};
	static const bool right[] = {false, true, false, true};
	static const char *const head[] = {"Year", "Correlation", "Strength",
					   "Observations"};
	struct layout_table t = {4, widths, right, head, cells, ny, 0, 0};
	layout_table(l, &t);
	layout_skip(l, 12);
	layout_need(l, CHART_YEARS_H);
	chart_years(l->c, s, "Correlation by calendar year", l->left, l->y,
		    layout_width(l), CHART_YEARS_H);
	layout_skip(l, CHART_YEARS_H + 14);
	free(v);
	free(cells);
}

static void section_extremes(struct layout *l, const struct pair_stats *s,
			     int parent)
{
	char f[2][NUM_MAX], e[2][NUM_MAX], d[DATE_STR_SIZE];
	const struct roll_extreme *x[2] = {&s->roll_max, &s->roll_min};
	struct layout_tile t[2] = {
		{"MOST CORRELATED 90 DAYS", NULL, {NULL, NULL, NULL}},
		{"MOST DECOUPLED 90 DAYS", NULL, {NULL, NULL, NULL}},
	};

	layout_heading(l, "Rolling 90-day extremes", parent, 80);
	for (int i = 0; i < 2; i++) {
		t[i].figure = layout_number(f[i], x[i]->ok, "%+.3f", x[i]->r);
		if (x[i]->ok)
			snprintf(e[i], NUM_MAX, "ending %s", date_format(x[i]->end, d));
		t[i].line[0] = x[i]->ok ? stats_label(x[i]->r) : "n/a";
		t[i].line[1] = x[i]->ok ? e[i] : "fewer than 90 returns";
	}
	layout_tiles(l, t, 2);
	layout_skip(l, 10);
	layout_paragraph(l, "Extremes in rolling 90-day correlation often "
			 "coincide with regime changes, forced deleveraging, or "
			 "the arrival of a dominant new macro theme that "
			 "overwhelms normal relationships.", CANVAS_REGULAR,
			 LAYOUT_BODY, LAYOUT_INK, 12);
}

static void section_related(struct layout *l, const struct deepdive_input *in,
			    int parent)
{
	size_t n = in->nrelated;
	char (*v)[NUM_MAX] = xcalloc(n * 3, NUM_MAX);
	const char **cells = xcalloc(n * 4, sizeof *cells);

	layout_heading(l, "Related correlations", parent, LAYOUT_ROW_H * 3);
	for (size_t i = 0; i < n; i++) {
		const struct deepdive_related *r = &in->related[i];
		snprintf(v[3 * i], NUM_MAX, "%s/%s", r->a, r->b);
		cells[4 * i] = v[3 * i];
		cells[4 * i + 1] = layout_number(v[3 * i + 1], r->has_r90, "%+.3f", r->r90);
		cells[4 * i + 2] = r->has_r90 ? stats_label(r->r90) : "n/a";
		cells[4 * i + 3] = layout_number(v[3 * i + 2], r->has_delta, "%+.3f", r->delta);
	}
	static const double widths[] = {0.34, 0.18, 0.30, 0.18};
	static const bool right[] = {false, true, false, true};
	static const char *const head[] = {"Pair", "90-day", "Strength",
					   "Change vs 5-year"};
	struct layout_table t = {4, widths, right, head, cells, n, 0, 0};
	layout_table(l, &t);
	layout_skip(l, 12);
	free(v);
	free(cells);
}

/* The data-quality notes of the pair's symbols (a suspected bad print or
 * split, refused future dates), so a reader knows what the numbers rest on. */
static void section_quality(struct layout *l, const struct deepdive_input *in,
			    int parent)
{
	const char *note[2] = {in->quality_a, in->quality_b};
	const char *sym[2] = {in->s->a, in->s->b};
	char para[2 * NARRATIVE_MAX];

	/* "Quality", not "quality": a bold lowercase q made libharu fail at
	 * save (HPDF_INVALID_OBJECT) in some documents (JPM/PG of the demo
	 * data); a font-subset problem outside this module */
	layout_heading(l, "Data Quality", parent, 40);
	for (int k = 0; k < 2; k++) {
		if (note[k] == NULL)
			continue;
		snprintf(para, sizeof para, "%s: %s.", sym[k], note[k]);
		layout_paragraph(l, para, CANVAS_REGULAR, LAYOUT_BODY, LAYOUT_INK, 6);
	}
	layout_skip(l, 8);
}

static void section_method(struct layout *l, int parent)
{
	layout_heading(l, "Methodology", parent, 60);
	/* one paragraph per line of the methodology text */
	const char *m = narrative_methodology();
	while (*m != '\0') {
		char para[NARRATIVE_MAX * 2];
		size_t k = strcspn(m, "\n");
		size_t c = k < sizeof para - 1 ? k : sizeof para - 1;
		memcpy(para, m, c);
		para[c] = '\0';
		layout_paragraph(l, para, CANVAS_REGULAR, LAYOUT_BODY - 0.5,
				 LAYOUT_INK, m[k] ? 5 : 14);
		m += k + (m[k] != '\0');
	}
	layout_need(l, 40);
	const struct canvas_ops *o = l->c->ops;
	o->set_rgb(l->c->impl, LAYOUT_RULE.r, LAYOUT_RULE.g, LAYOUT_RULE.b);
	o->set_line_width(l->c->impl, 0.5);
	o->move_to(l->c->impl, l->left, l->y);
	o->line_to(l->c->impl, l->right, l->y);
	o->stroke(l->c->impl);
	layout_skip(l, 8);
	layout_paragraph(l, narrative_disclaimer(), CANVAS_REGULAR, LAYOUT_SMALL,
			 LAYOUT_MUTED, 0);
}

void deepdive_layout(struct layout *l, const struct deepdive_input *in,
		     int outline_parent)
{
	const struct pair_stats *s = in->s;
	pdf_outline(l->doc, outline_parent, "Overview", l->page, l->y);
	title_block(l, in);
	window_tiles(l, s);
	if (in->quality_a != NULL || in->quality_b != NULL)
		section_quality(l, in, outline_parent);
	section_meaning(l, in, outline_parent);
	section_shift(l, s, outline_parent);
	section_rolling(l, s, outline_parent);
	section_details(l, s, outline_parent);
	section_years(l, s, outline_parent);
	section_extremes(l, s, outline_parent);
	if (in->nrelated > 0 && in->related != NULL)
		section_related(l, in, outline_parent);
	section_method(l, outline_parent);
}

int deepdive_write(const char *path, const struct deepdive_input *in,
		   enum pdf_paper paper, struct cx_error *e)
{
	const struct pair_stats *s = in->s;
	char title[LINE_MAX_DD], subject[LINE_MAX_DD], head[LINE_MAX_DD];
	char foot[LINE_MAX_DD], d[DATE_STR_SIZE];
	struct layout l;
	int rc;

	struct pdf_doc *doc = pdf_new(paper, e);
	if (doc == NULL)
		return -1;
	layout_init(&l, doc);
	deepdive_layout(&l, in, -1);
	snprintf(head, sizeof head, "As of %s", date_format(s->as_of, d));
	snprintf(foot, sizeof foot, "%s/%s \xc2\xb7 Correlation Deep Dive",
		 s->a, s->b);
	layout_decorate(doc, 0, pdf_page_count(doc) - 1,
			"CONVEX \xc2\xb7 Correlation Research", head, foot);
	snprintf(title, sizeof title, "%s vs %s: Correlation Analysis", s->a, s->b);
	snprintf(subject, sizeof subject, "%s vs %s, as of %s",
		 name_of(in->name_a, s->a), name_of(in->name_b, s->b), d);
	struct pdf_meta m = {title, "convex", subject,
			     "correlation, deep dive, regime shift", in->created};
	rc = pdf_save(doc, path, &m, e);
	pdf_free(doc);
	return rc;
}
