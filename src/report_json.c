/* report_json.c - report.json: the content of report.xml for scripts, with
 * jansson. Each pair embeds the object of stats_to_json (stats_json.h), so
 * the numbers are those of `convex stats --json`. Keys keep insertion order
 * and reals print with 17 digits: the file is deterministic. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "narrative.h"
#include "report.h"
#include "stats_json.h"
#include "version.h"

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *num_or_null(bool has, double v)
{
	return has ? json_real(v) : json_null();
}

static json_t *date_json(cx_date d)
{
	char buf[DATE_STR_SIZE];
	return json_string(date_format(d, buf));
}

static json_t *assets_json(const struct report *r)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < r->nassets; i++) {
		const struct report_asset *a = &r->assets[i];
		bool frozen = a->stale && a->last + a->days != r->as_of;   /* repeats its last value */
		json_array_append_new(arr, json_pack("{s:s, s:s, s:o, s:o, s:o, s:b, s:o, s:o, s:o}",
			"symbol", a->asset->symbol, "name", a->asset->name,
			"group", str_or_null(a->asset->group),
			"first", a->has_prices ? date_json(a->first) : json_null(),
			"last", a->has_prices ? date_json(a->last) : json_null(),
			"stale", a->stale,
			"days", a->stale ? json_integer(a->days) : json_null(),
			"unchanged_since", frozen ? date_json(r->as_of - a->days) : json_null(),
			"data_quality", str_or_null(a->quality)));
	}
	return arr;
}

static json_t *shift_json(const struct report_pair *p)
{
	const struct pair_stats *s = &p->st;
	char line[NARRATIVE_MAX];

	return json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:b, s:s, s:s}",
		"rank", (json_int_t)p->rank.rank, "pair", p->jp->id, "a", p->jp->a, "b", p->jp->b,
		"r90", num_or_null(s->win[W_90D].has_r, s->win[W_90D].r),
		"baseline", num_or_null(s->shift.has_baseline, s->shift.baseline_r),
		"delta", num_or_null(s->shift.has_delta, s->shift.delta),
		"z", num_or_null(s->shift.has_z, s->shift.z),
		"p", num_or_null(s->shift.has_z, s->shift.p),
		"q", num_or_null(p->rank.has_q, p->rank.q),
		"significant", p->rank.significant,
		"regime", narrative_regime_name(narrative_regime(s)),
		"reading", narrative_shift_line(s, line, sizeof line));
}

static json_t *ranking_json(const struct report *r)
{
	json_t *shifts = json_array();

	for (size_t i = 0; i < r->nranked; i++)
		json_array_append_new(shifts, shift_json(&r->pairs[r->order[i]]));
	return json_pack("{s:i, s:I, s:f, s:s, s:o}", "top", r->job->analysis.top,
			 "tests", (json_int_t)r->tests, "alpha", r->alpha,
			 "chart", REPORT_SHIFTS_PNG, "shifts", shifts);
}

static json_t *heatmap_json(const struct report *r)
{
	size_t idx[64], n = report_heatmap_symbols(r, idx, sizeof idx / sizeof idx[0]);
	json_t *syms = json_array(), *cells = json_array();
	double v;

	for (size_t i = 0; i < n; i++)
		json_array_append_new(syms, json_string(r->assets[idx[i]].asset->symbol));
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (report_heatmap_cell(r, idx[i], idx[j], &v))
				json_array_append_new(cells, json_pack("{s:s, s:s, s:f}",
					"a", r->assets[idx[i]].asset->symbol,
					"b", r->assets[idx[j]].asset->symbol, "r", v));
	return json_pack("{s:s, s:s, s:o, s:o}", "window", "1y", "chart", REPORT_HEATMAP_PNG,
			 "symbols", syms, "cells", cells);
}

static json_t *related_json(const struct report *r, const struct report_pair *p)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < p->nrelated; i++) {
		const struct report_pair *q = &r->pairs[p->related[i]];
		const struct window_stat *w = &q->st.win[W_90D];
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:s}",
			"pair", q->jp->id, "a", q->jp->a, "b", q->jp->b,
			"r90", num_or_null(w->has_r, w->r),
			"label", w->has_r ? json_string(stats_label(w->r)) : json_null(),
			"delta", num_or_null(q->st.shift.has_delta, q->st.shift.delta),
			"regime", narrative_regime_name(narrative_regime(&q->st))));
	}
	return arr;
}

/* The data-quality notes of a pair's two symbols: [] when none. */
static json_t *pair_quality_json(const struct report *r, const struct report_pair *p)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < r->nassets; i++) {
		const struct report_asset *a = &r->assets[i];
		if (a->quality != NULL && (a->asset == p->a || a->asset == p->b))
			json_array_append_new(arr, json_pack("{s:s, s:s}", "symbol",
				a->asset->symbol, "note", a->quality));
	}
	return arr;
}

static json_t *pair_json(const struct report *r, const struct report_pair *p)
{
	char f[5][REPORT_FILE_MAX], meaning[NARRATIVE_MAX], shift[NARRATIVE_MAX];
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:I}",
		"id", p->jp->id, "a_name", p->a->name, "b_name", p->b->name,
		"regime", narrative_regime_name(narrative_regime(&p->st)),
		"a_group", str_or_null(p->a->group), "b_group", str_or_null(p->b->group),
		"rank", (json_int_t)p->rank.rank);

	json_object_set_new(o, "stats", stats_to_json(&p->st));
	json_object_set_new(o, "meaning", json_string(narrative_meaning(&p->st, p->a->name, p->b->name, meaning, sizeof meaning)));
	json_object_set_new(o, "shift_text", json_string(narrative_shift(&p->st, shift, sizeof shift)));
	json_object_set_new(o, "pdf", json_string(report_pair_file(p, "pdf", f[0], sizeof f[0])));
	json_t *charts = json_pack("{s:s, s:s, s:s}",
		"rolling_2x", report_pair_file(p, "rolling@2x", f[2], sizeof f[2]),
		"scatter_2x", report_pair_file(p, "scatter@2x", f[3], sizeof f[3]),
		"years_2x", report_pair_file(p, "years@2x", f[4], sizeof f[4]));
	if (p->mail_chart)    /* the email's, where a digest shows it (plan.h) */
		json_object_set_new(charts, "rolling", json_string(report_pair_file(p, "rolling", f[1], sizeof f[1])));
	json_object_set_new(o, "charts", charts);
	json_object_set_new(o, "related", related_json(r, p));
	json_object_set_new(o, "data_quality", pair_quality_json(r, p));
	return o;
}

/* The report with "pairs" empty: report_json_write puts each pair in its
 * place as it is made. */
static json_t *report_json(const struct report *r)
{
	const struct job *j = r->job;
	json_t *pairs = json_array(), *skipped = json_array();
	char d[DATE_STR_SIZE];

	for (size_t i = 0; i < r->npairs; i++) {
		const struct report_pair *p = &r->pairs[i];
		if (!p->ok)
			json_array_append_new(skipped, json_pack("{s:s, s:s, s:s, s:s}", "id", p->jp->id,
				"a", p->jp->a, "b", p->jp->b, "reason", p->reason));
	}
	return json_pack("{s:i, s:s, s:s, s:s, s:i, s:i, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:s, s:s}",
		"version", 1, "job", j->name, "title", j->title,
		"as_of", date_format(r->as_of, d),
		"lookback_years", j->analysis.lookback_years, "stale_days", j->analysis.stale_days,
		"paper", job_paper_name(j->outputs.paper), "digest", REPORT_DIGEST_PDF,
		"generator", "convex " CONVEX_VERSION,
		"assets", assets_json(r), "ranking", ranking_json(r), "heatmap", heatmap_json(r),
		"pairs", pairs, "skipped", skipped,
		"methodology", narrative_methodology(), "disclaimer", narrative_disclaimer());
}

#define REPORT_JSON_FLAGS (JSON_INDENT(1) | JSON_REAL_PRECISION(17))

/* Text of a pair's object dumped alone, indented as jansson indents it as an
 * element of the root's "pairs": two levels more (no string holds a raw
 * newline: JSON escapes it). */
static void put_pair(FILE *f, const char *s)
{
	for (const char *nl; (nl = strchr(s, '\n')) != NULL; s = nl + 1) {
		fwrite(s, 1, (size_t)(nl - s) + 1, f);
		fputs("  ", f);
	}
	fputs(s, f);
}

/* The pairs into the "[" of the root's "pairs", one dumped and freed at a
 * time, as jansson lays out an array's elements. */
static int put_pairs(FILE *f, const struct report *r)
{
	size_t n = 0;

	for (size_t i = 0; i < r->npairs; i++) {
		if (!r->pairs[i].ok)
			continue;
		json_t *o = pair_json(r, &r->pairs[i]);
		char *text = o != NULL ? json_dumps(o, REPORT_JSON_FLAGS) : NULL;
		json_decref(o);
		if (text == NULL)
			return -1;
		fputs(n++ > 0 ? ",\n  " : "\n  ", f);
		put_pair(f, text);
		free(text);
	}
	if (n > 0)
		fputs("\n ", f);
	return 0;
}

/* Written pair by pair: one tree of every pair was 134 MB of jansson
 * objects for 4,950 pairs, the run's largest allocation after the web
 * edition. The bytes are those of one dump of the whole tree. */
int report_json_write(const struct report *r, const char *path, struct cx_error *e)
{
	static const char key[] = "\n \"pairs\": []";
	json_t *root = report_json(r);
	char *text = root != NULL ? json_dumps(root, REPORT_JSON_FLAGS) : NULL;
	char *at = text != NULL ? strstr(text, key) : NULL;
	int rc = -1;

	json_decref(root);
	if (at == NULL) {
		free(text);
		return cx_fail(e, CX_ESOFTWARE, "%s: cannot build the JSON report", path);
	}
	at += sizeof key - 2;    /* at the "]" */
	FILE *f = fopen(path, "w");
	if (f != NULL) {
		fwrite(text, 1, (size_t)(at - text), f);
		rc = put_pairs(f, r);
		fputs(at, f);
		if (ferror(f) != 0)
			rc = -1;
		if (fclose(f) != 0)
			rc = -1;
	}
	free(text);
	if (rc != 0)
		return cx_fail(e, CX_ECANTCREAT, "%s: cannot write", path);
	return 0;
}
