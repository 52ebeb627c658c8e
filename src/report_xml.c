/* report_xml.c - report.xml (docs/report-xml.md) with libxml2's
 * xmlTextWriter, which escapes every value: no XML is pasted together. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "narrative.h"
#include "report.h"
#include "version.h"
#include "xalloc.h"

/* Writer calls return < 0 on failure; `w_ok` collects that so the
 * functions below stay straight lines and the error is checked once. */
struct xw {
	xmlTextWriterPtr w;
	bool failed;
};

static void chk(struct xw *x, int rc)
{
	if (rc < 0)
		x->failed = true;
}

static void start(struct xw *x, const char *name)
{
	chk(x, xmlTextWriterStartElement(x->w, (const xmlChar *)name));
}

static void end(struct xw *x)
{
	chk(x, xmlTextWriterEndElement(x->w));
}

static void attr(struct xw *x, const char *name, const char *value)
{
	if (value != NULL)
		chk(x, xmlTextWriterWriteAttribute(x->w, (const xmlChar *)name, (const xmlChar *)value));
}

static void attrf(struct xw *x, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void attrf(struct xw *x, const char *name, const char *fmt, ...)
{
	char buf[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	attr(x, name, buf);
}

/* A number at full precision, or nothing when it has no value. */
static void num(struct xw *x, const char *name, bool has, double v)
{
	if (has)
		attrf(x, name, "%.17g", v);
}

static void date_attr(struct xw *x, const char *name, cx_date d)
{
	char buf[DATE_STR_SIZE];
	attr(x, name, date_format(d, buf));
}

static void text_element(struct xw *x, const char *name, const char *text)
{
	chk(x, xmlTextWriterWriteElement(x->w, (const xmlChar *)name, (const xmlChar *)text));
}

static void write_assets(struct xw *x, const struct report *r)
{
	start(x, "assets");
	for (size_t i = 0; i < r->nassets; i++) {
		const struct report_asset *a = &r->assets[i];
		start(x, "asset");
		attr(x, "symbol", a->asset->symbol);
		attr(x, "name", a->asset->name);
		attr(x, "group", a->asset->group);
		if (a->has_prices) {
			date_attr(x, "first", a->first);
			date_attr(x, "last", a->last);
		} else {
			attr(x, "missing", "true");
		}
		if (a->quality != NULL)
			attr(x, "data-quality", a->quality);
		if (a->stale) {
			attr(x, "stale", "true");
			attrf(x, "days", "%d", a->days);
			if (a->last + a->days != r->as_of)   /* a feed repeating its last value */
				date_attr(x, "unchanged-since", r->as_of - a->days);
		}
		end(x);
	}
	end(x);
}

static void write_shift(struct xw *x, const struct report_pair *p)
{
	const struct pair_stats *s = &p->st;
	char line[NARRATIVE_MAX];

	start(x, "shift");
	attrf(x, "rank", "%zu", p->rank.rank);
	attr(x, "pair", p->jp->id);
	attr(x, "a", p->jp->a);
	attr(x, "b", p->jp->b);
	num(x, "r90", s->win[W_90D].has_r, s->win[W_90D].r);
	num(x, "baseline", s->shift.has_baseline, s->shift.baseline_r);
	num(x, "delta", s->shift.has_delta, s->shift.delta);
	num(x, "z", s->shift.has_z, s->shift.z);
	num(x, "p", s->shift.has_z, s->shift.p);
	num(x, "q", p->rank.has_q, p->rank.q);
	attr(x, "significant", p->rank.significant ? "true" : "false");
	attr(x, "regime", narrative_regime_name(narrative_regime(s)));
	attr(x, "reading", narrative_shift_line(s, line, sizeof line));
	end(x);
}

static void write_ranking(struct xw *x, const struct report *r)
{
	start(x, "ranking");
	attrf(x, "top", "%d", r->job->analysis.top);
	attrf(x, "tests", "%zu", r->tests);
	attrf(x, "alpha", "%.17g", r->alpha);
	attr(x, "chart", REPORT_SHIFTS_PNG);
	size_t mail = r->nranked < CHART_MAIL_SHIFTS ? r->nranked : CHART_MAIL_SHIFTS;
	attr(x, "mail-chart", REPORT_SHIFTS_MAIL_PNG);
	attrf(x, "mail-chart-pairs", "%zu", mail);
	attrf(x, "mail-chart-width", "%d", CHART_MAIL_CSS_W);
	attrf(x, "mail-chart-height", "%d", CHART_MAIL_CSS(CHART_MAIL_SHIFTS_H(mail)));
	for (size_t i = 0; i < r->nranked; i++)
		write_shift(x, &r->pairs[r->order[i]]);
	end(x);
}

static void write_heatmap(struct xw *x, const struct report *r)
{
	size_t idx[64], n = report_heatmap_symbols(r, idx, sizeof idx / sizeof idx[0]);
	double v;

	start(x, "heatmap");
	attr(x, "window", "1y");
	attr(x, "chart", REPORT_HEATMAP_PNG);
	for (size_t i = 0; i < n; i++)
		text_element(x, "symbol", r->assets[idx[i]].asset->symbol);
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (report_heatmap_cell(r, idx[i], idx[j], &v)) {
				start(x, "cell");
				attr(x, "a", r->assets[idx[i]].asset->symbol);
				attr(x, "b", r->assets[idx[j]].asset->symbol);
				num(x, "r", true, v);
				end(x);
			}
	end(x);
}

static void write_window(struct xw *x, const struct window_stat *w, enum stats_window k)
{
	start(x, "window");
	attr(x, "key", stats_window_key(k));
	attrf(x, "n", "%zu", w->n);
	num(x, "r", w->has_r, w->r);
	if (w->has_r)
		attr(x, "label", stats_label(w->r));
	num(x, "ci-lo", w->has_ci, w->ci_lo);
	num(x, "ci-hi", w->has_ci, w->ci_hi);
	end(x);
}

/* The rolling 90-day r at each month's end (stats_month_ends): the
 * numbers of the rolling chart as a table (the web page's). */
static void write_month_ends(struct xw *x, const struct pair_stats *s)
{
	for (size_t i = 0; i < s->nmonths; i++) {
		start(x, "month");
		date_attr(x, "end", s->months[i].end);
		num(x, "r", true, s->months[i].r);
		end(x);
	}
}

static void write_stats(struct xw *x, const struct pair_stats *s)
{
	char buf[NARRATIVE_MAX];

	for (int k = 0; k < W_COUNT; k++)
		write_window(x, &s->win[k], (enum stats_window)k);
	start(x, "one-year");
	if (s->one_year.ok) {
		attrf(x, "n", "%zu", s->one_year.n);
		num(x, "r", s->one_year.has_r, s->one_year.r);
		num(x, "r2", s->one_year.has_r, s->one_year.r2);
		num(x, "beta", s->one_year.has_beta, s->one_year.beta);
		num(x, "vol-a", true, s->one_year.vol_a);
		num(x, "vol-b", true, s->one_year.vol_b);
	}
	end(x);
	start(x, "shift");
	num(x, "delta", s->shift.has_delta, s->shift.delta);
	num(x, "baseline-r", s->shift.has_baseline, s->shift.baseline_r);
	if (s->shift.has_baseline)
		attrf(x, "baseline-n", "%zu", s->shift.baseline_n);
	num(x, "z", s->shift.has_z, s->shift.z);
	num(x, "p", s->shift.has_z, s->shift.p);
	attr(x, "regime", narrative_regime_name(narrative_regime(s)));
	end(x);
	text_element(x, "shift-text", narrative_shift(s, buf, sizeof buf));
	start(x, "years");
	for (size_t i = 0; i < s->nyears; i++) {
		start(x, "year");
		attrf(x, "year", "%d", s->years[i].year);
		attrf(x, "n", "%zu", s->years[i].n);
		num(x, "r", s->years[i].has_r, s->years[i].r);
		if (s->years[i].has_r)
			attr(x, "label", stats_label(s->years[i].r));
		end(x);
	}
	end(x);
	start(x, "rolling90");
	num(x, "max-r", s->roll_max.ok, s->roll_max.r);
	if (s->roll_max.ok) {
		date_attr(x, "max-end", s->roll_max.end);
		attr(x, "max-label", stats_label(s->roll_max.r));
	}
	num(x, "min-r", s->roll_min.ok, s->roll_min.r);
	if (s->roll_min.ok) {
		date_attr(x, "min-end", s->roll_min.end);
		attr(x, "min-label", stats_label(s->roll_min.r));
	}
	write_month_ends(x, s);
	end(x);
}

static void write_related(struct xw *x, const struct report *r, const struct report_pair *p)
{
	for (size_t i = 0; i < p->nrelated; i++) {
		const struct report_pair *q = &r->pairs[p->related[i]];
		const struct window_stat *w = &q->st.win[W_90D];
		start(x, "related");
		attr(x, "pair", q->jp->id);
		attr(x, "a", q->jp->a);
		attr(x, "b", q->jp->b);
		num(x, "r90", w->has_r, w->r);
		if (w->has_r)
			attr(x, "label", stats_label(w->r));
		num(x, "delta", q->st.shift.has_delta, q->st.shift.delta);
		attr(x, "regime", narrative_regime_name(narrative_regime(&q->st)));
		end(x);
	}
}

static void write_pair(struct xw *x, const struct report *r, const struct report_pair *p)
{
	const struct pair_stats *s = &p->st;
	char f[REPORT_FILE_MAX], buf[NARRATIVE_MAX];

	start(x, "pair");
	attr(x, "id", p->jp->id);
	attr(x, "a", p->jp->a);
	attr(x, "b", p->jp->b);
	attr(x, "a-name", p->a->name);
	attr(x, "b-name", p->b->name);
	attr(x, "a-group", p->a->group);
	attr(x, "b-group", p->b->group);
	date_attr(x, "as-of", s->as_of);
	date_attr(x, "start", s->start);
	date_attr(x, "first-price", s->first_price);
	attrf(x, "observations", "%zu", s->observations);
	attrf(x, "rank", "%zu", p->rank.rank);
	attr(x, "pdf", report_pair_file(p, "pdf", f, sizeof f));
	write_stats(x, s);
	text_element(x, "meaning", narrative_meaning(s, p->a->name, p->b->name, buf, sizeof buf));
	start(x, "charts");
	if (p->mail_chart) {    /* the email's, where a digest shows it (plan.h) */
		attr(x, "rolling", report_pair_file(p, "rolling", f, sizeof f));
		attrf(x, "rolling-width", "%d", CHART_MAIL_CSS_W);
		attrf(x, "rolling-height", "%d", CHART_MAIL_CSS(CHART_MAIL_ROLLING_H));
	}
	attr(x, "rolling-2x", report_pair_file(p, "rolling@2x", f, sizeof f));
	attr(x, "scatter-2x", report_pair_file(p, "scatter@2x", f, sizeof f));
	attr(x, "years-2x", report_pair_file(p, "years@2x", f, sizeof f));
	end(x);
	write_related(x, r, p);
	end(x);
}

static void write_body(struct xw *x, const struct report *r)
{
	const struct job *j = r->job;

	chk(x, xmlTextWriterStartDocument(x->w, NULL, "UTF-8", NULL));
	start(x, "report");
	attr(x, "version", "1");
	attr(x, "job", j->name);
	attr(x, "title", j->title);
	date_attr(x, "as-of", r->as_of);
	attrf(x, "lookback-years", "%d", j->analysis.lookback_years);
	attrf(x, "stale-days", "%d", j->analysis.stale_days);
	attr(x, "paper", job_paper_name(j->outputs.paper));
	attr(x, "digest", REPORT_DIGEST_PDF);
	attr(x, "generator", "convex " CONVEX_VERSION);
	write_assets(x, r);
	write_ranking(x, r);
	write_heatmap(x, r);
	start(x, "pairs");
	for (size_t i = 0; i < r->npairs; i++)
		if (r->pairs[i].ok)
			write_pair(x, r, &r->pairs[i]);
	end(x);
	start(x, "skipped");
	for (size_t i = 0; i < r->npairs; i++)
		if (!r->pairs[i].ok) {
			start(x, "pair");
			attr(x, "id", r->pairs[i].jp->id);
			attr(x, "a", r->pairs[i].jp->a);
			attr(x, "b", r->pairs[i].jp->b);
			attr(x, "reason", r->pairs[i].reason);
			end(x);
		}
	end(x);
	text_element(x, "methodology", narrative_methodology());
	text_element(x, "disclaimer", narrative_disclaimer());
	end(x);
	chk(x, xmlTextWriterEndDocument(x->w));
}

int report_xml_write(const struct report *r, const char *path, struct cx_error *e)
{
	struct xw x = {xmlNewTextWriterFilename(path, 0), false};

	if (x.w == NULL)
		return cx_fail(e, CX_ECANTCREAT, "%s: cannot create", path);
	chk(&x, xmlTextWriterSetIndent(x.w, 1));
	chk(&x, xmlTextWriterSetIndentString(x.w, (const xmlChar *)"  "));
	write_body(&x, r);
	xmlFreeTextWriter(x.w);   /* flushes and closes the file */
	if (x.failed)
		return cx_fail(e, CX_EIO, "%s: cannot write the report", path);
	return 0;
}
