/* run.c - the run of a job, one function per stage (run.h).
 *
 * Every per-pair result lands in its own slot of an array indexed by the
 * pair's position in the watchlist, so the files are the same whatever -j.
 * Bad days (missing file, stale symbol, too little overlap) skip the pairs
 * concerned, are listed in the summary and the report, and make the exit
 * status 3 while everything else is delivered.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "archive.h"
#include "atomicfile.h"
#include "chart.h"
#include "cmd.h"
#include "deepdive.h"
#include "digest_pdf.h"
#include "fetch.h"
#include "log.h"
#include "manifest.h"
#include "narrative.h"
#include "plural.h"
#include "pool.h"
#include "progress.h"
#include "quality.h"
#include "plan.h"
#include "rank.h"
#include "resume.h"
#include "run_stages.h"
#include "runlock.h"
#include "site.h"
#include "stats.h"
#include "xalloc.h"

#define RUN_RELATED_MAX   8      /* related pairs shown per deep dive */
#define RUN_SHIFTS_CHART_MAX 20  /* rows of the digest's shift chart */
#define RUN_SUMMARY_TOP   5
#define RUN_PATH_MAX      4096
/* A pair needs a full 90-day window to have a shift to rank. */
#define RUN_MIN_OVERLAP   STATS_W90

/* ---- stages: timing into run.json, -v lines ------------------------------ */

double run_stage_begin(const char *name)
{
	log_info("%s: started", name);
	return runjson_now();
}

void run_stage_end(struct run *r, const char *name, double t0, size_t n, const char *one,
		   const char *many)
{
	double secs = runjson_now() - t0;

	runjson_stage(r->rj, name, secs);
	if (one != NULL)
		log_info("%s: done in %.3f s: %zu %s", name, secs, n, plural(n, one, many));
	else
		log_info("%s: done in %.3f s", name, secs);
}

/* ---- problems (bad-day lines) ------------------------------------------- */

/* Keep a copy of `line` for the summary (the first RUN_PROBLEMS_MAX). */
void run_keep_problem(struct run *r, const char *line)
{
	if (r->nproblems >= RUN_PROBLEMS_MAX)
		return;
	r->problems[r->nproblems++] = xstrdup(line);
}

static void problem(struct run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(struct run *r, const char *fmt, ...)
{
	char buf[CX_ERRMSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	log_warn("%s", buf);
	run_keep_problem(r, buf);
}

/* ---- prices and assets -------------------------------------------------- */

/* What the fetch left for the summary: a failed source with stored prices
 * is a problem naming their age; one without is a problem too. */
static void fetch_problems(struct run *r, const struct fetch_report *fr, cx_date as_of)
{
	char ds[DATE_STR_SIZE];

	if (as_of == 0)
		as_of = (cx_date)(time(NULL) / 86400);
	for (size_t i = 0; i < fr->n; i++) {
		const struct fetch_item *it = &fr->items[i];
		if (it->status == FETCH_FAILED && it->usable)
			problem(r, "%s: fetch failed (%s); using stored prices up to %s (%ld days old)",
				it->name, it->why.msg, date_format(it->last, ds), (long)(as_of - it->last));
		else if (it->status == FETCH_FAILED)
			problem(r, "%s: fetch failed (%s); no usable stored prices, its pairs are skipped",
				it->name, it->why.msg);
		else if (!it->usable)
			problem(r, "source \"%s\": no usable prices for \"%s\"", it->source, it->symbol);
	}
}

static int load_prices(struct run *r, struct cx_error *e)
{
	const struct job *j = r->job;

	double t = run_stage_begin("fetch");

	r->prices = prices_new();
	if (j->nsources > 0) {
		struct fetch_opts fo;
		struct fetch_report fr = {0};
		fetch_opts_init(&fo);
		fo.offline = r->args.offline;
		fo.as_of = r->args.as_of;
		fo.http.max_body = j->store.max_body_bytes;
		fo.http.timeout_ms = r->args.timeout * 1000L;
		if (fetch_job_prices(j, r->prices, &fo, &fr, e) != 0)
			return -1;
		fetch_problems(r, &fr, fo.as_of ? fo.as_of : j->analysis.as_of);
		fetch_report_release(&fr);
	}
	run_stage_end(r, "fetch", t, j->nsources, "HTTP source", "HTTP sources");
	t = run_stage_begin("load");
	for (size_t i = 0; i < j->nfiles; i++) {
		struct cx_error fe;
		cx_error_clear(&fe);
		if (job_load_file(j, i, r->prices, &fe) != 0)
			problem(r, "%s", fe.msg);
	}
	quality_apply(r->prices, &j->quality, (int64_t)time(NULL), &r->quality);
	for (size_t i = 0; i < r->quality.n; i++)
		log_warn("data quality of \"%s\": %s", r->quality.notes[i].symbol, r->quality.notes[i].text);
	run_stage_end(r, "load", t, prices_count(r->prices), "series", "series");
	return 0;
}

/* Index of the last date <= d in s, or -1. */
static long last_on_or_before(const struct series *s, cx_date d)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->dates[mid] <= d)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (long)lo - 1;
}

bool run_in_watchlist(const struct job *j, const char *sym)
{
	for (size_t i = 0; i < j->npairs; i++)
		if (!strcmp(j->pairs[i].a, sym) || !strcmp(j->pairs[i].b, sym))
			return true;
	return false;
}

/* The run's date: --as-of, the job's as-of, else the latest price of a
 * watchlist symbol. */
static int run_date(struct run *r, struct cx_error *e)
{
	const struct job *j = r->job;
	cx_date best = 0;

	r->rep.as_of = r->args.as_of ? r->args.as_of : j->analysis.as_of;
	if (r->rep.as_of)
		return 0;
	for (size_t i = 0; i < j->nassets; i++) {
		const struct series *s = prices_find(r->prices, j->assets[i].symbol);
		if (s && s->n && run_in_watchlist(j, s->symbol) && s->dates[s->n - 1] > best)
			best = s->dates[s->n - 1];
	}
	if (best == 0)
		return cx_fail(e, CX_ENOINPUT, "%s: no prices for any watchlist symbol", j->path);
	r->rep.as_of = best;
	return 0;
}

static void assess_assets(struct run *r)
{
	const struct job *j = r->job;

	r->rep.assets = xcalloc(j->nassets, sizeof *r->rep.assets);
	for (size_t i = 0; i < j->nassets; i++) {
		if (!run_in_watchlist(j, j->assets[i].symbol))
			continue;
		struct report_asset *a = &r->rep.assets[r->rep.nassets++];
		const struct series *s = prices_find(r->prices, j->assets[i].symbol);
		long k = s ? last_on_or_before(s, r->rep.as_of) : -1;
		a->asset = &j->assets[i];
		const struct quality_note *qn = quality_find(&r->quality, a->asset->symbol);
		a->quality = qn != NULL ? qn->text : NULL;
		if (k < 0)
			continue;
		a->has_prices = true;
		a->first = s->dates[0];
		a->last = s->dates[k];
		/* A feed that repeats its last value is as stale as one that
		 * stopped: count from the first of the closing run of identical
		 * closes (zero returns would show a misleading correlation). */
		long k0 = k;
		while (k0 > 0 && s->close[k0 - 1] == s->close[k])
			k0--;
		a->days = (int)(r->rep.as_of - s->dates[k0]);
		a->stale = a->days > j->analysis.stale_days;
		if (a->stale && k0 < k)
			problem(r, "\"%s\" is stale: its close has stayed at %g since %s (%ld identical closes), %d days before %s; its pairs are skipped",
				a->asset->symbol, s->close[k], date_format(s->dates[k0], (char[DATE_STR_SIZE]){0}),
				k - k0 + 1, a->days, date_format(r->rep.as_of, (char[DATE_STR_SIZE]){0}));
		else if (a->stale)
			problem(r, "\"%s\" is stale: last price %d days before %s; its pairs are skipped",
				a->asset->symbol, a->days, date_format(r->rep.as_of, (char[DATE_STR_SIZE]){0}));
	}
}

static const struct report_asset *rep_asset(const struct run *r, const char *sym)
{
	for (size_t i = 0; i < r->rep.nassets; i++)
		if (!strcmp(r->rep.assets[i].asset->symbol, sym))
			return &r->rep.assets[i];
	return NULL;
}

static int compute_pair(void *ctx, size_t i, struct cx_error *e)
{
	struct run *r = ctx;
	struct report_pair *p = &r->rep.pairs[i];
	const struct report_asset *aa = rep_asset(r, p->jp->a), *ab = rep_asset(r, p->jp->b);
	struct stats_opts o = {r->rep.as_of, r->job->analysis.lookback_years};
	struct cx_error se;

	(void)e;
	if (r->needed != NULL && !r->needed[i]) {
		snprintf(p->reason, sizeof p->reason, "not in shard %u/%u", r->args.shard.k, r->args.shard.n);
		return 0;
	}
	for (int k = 0; k < 2; k++) {
		const struct report_asset *x = k ? ab : aa;
		if (!x->has_prices) {
			snprintf(p->reason, sizeof p->reason, "no prices for \"%s\" on or before %s",
				 x->asset->symbol, date_format(r->rep.as_of, (char[DATE_STR_SIZE]){0}));
			return 0;
		}
		if (x->stale && x->last + x->days != r->rep.as_of) {
			snprintf(p->reason, sizeof p->reason, "stale prices for \"%s\": unchanged since %s, %d days before the run's date",
				 x->asset->symbol, date_format(r->rep.as_of - x->days, (char[DATE_STR_SIZE]){0}), x->days);
			return 0;
		}
		if (x->stale) {
			snprintf(p->reason, sizeof p->reason, "stale prices for \"%s\": last %s, %d days before the run's date",
				 x->asset->symbol, date_format(x->last, (char[DATE_STR_SIZE]){0}), x->days);
			return 0;
		}
	}
	cx_error_clear(&se);
	if (stats_compute(prices_find(r->prices, p->jp->a), prices_find(r->prices, p->jp->b), &o, &p->st, &se) != 0) {
		snprintf(p->reason, sizeof p->reason, "%s", se.msg);
		stats_release(&p->st);
		return 0;
	}
	if (p->st.observations < RUN_MIN_OVERLAP) {
		snprintf(p->reason, sizeof p->reason, "too little overlap: %zu common daily returns, at least %d needed",
			 p->st.observations, RUN_MIN_OVERLAP);
		stats_release(&p->st);
		return 0;
	}
	p->ok = true;
	log_debug("pair %s/%s: %zu returns, 90-day r %s%.3f", p->jp->a, p->jp->b, p->st.observations,
		  p->st.win[W_90D].has_r ? "" : "(none) ", p->st.win[W_90D].has_r ? p->st.win[W_90D].r : 0.0);
	/* What report.xml needs of the history, then (but in a shard, whose
	 * file carries it to the merge) the history itself goes: the stages
	 * that draw a pair recompute it (run_history). */
	stats_month_ends(&p->st);
	if (r->in_slice == NULL)
		stats_drop_history(&p->st);
	return 0;
}

const struct pair_stats *run_history(struct run *r, size_t i, struct pair_stats *tmp,
				     struct cx_error *e)
{
	const struct report_pair *p = &r->rep.pairs[i];
	struct stats_opts o = {r->rep.as_of, r->job->analysis.lookback_years};

	memset(tmp, 0, sizeof *tmp);
	if (p->st.dates != NULL || p->st.n == 0)
		return &p->st;
	if (stats_compute(prices_find(r->prices, p->jp->a), prices_find(r->prices, p->jp->b), &o,
			  tmp, e) != 0 || tmp->n != p->st.n) {
		if (e->code == CX_OK)
			cx_fail(e, CX_ESOFTWARE, "pair %s: the history changed between two computations", p->jp->id);
		stats_release(tmp);
		return NULL;
	}
	return tmp;
}

void run_make_pairs(struct run *r)
{
	const struct job *j = r->job;

	r->rep.pairs = xcalloc(j->npairs, sizeof *r->rep.pairs);
	r->rep.order = xcalloc(j->npairs, sizeof *r->rep.order);
	r->rep.npairs = j->npairs;
	for (size_t i = 0; i < j->npairs; i++) {
		r->rep.pairs[i].jp = &j->pairs[i];
		r->rep.pairs[i].a = job_find_asset(j, j->pairs[i].a);
		r->rep.pairs[i].b = job_find_asset(j, j->pairs[i].b);
	}
}

/* ---- ranking and related pairs ------------------------------------------- */

void run_rank_pairs(struct run *r)
{
	struct report *rep = &r->rep;
	struct rank_item *items = xcalloc(rep->npairs, sizeof *items);
	size_t *idx = xcalloc(rep->npairs, sizeof *idx), *order = xcalloc(rep->npairs, sizeof *order);
	size_t n = 0;

	for (size_t i = 0; i < rep->npairs; i++) {
		const struct pair_stats *s = &rep->pairs[i].st;
		if (!rep->pairs[i].ok)
			continue;
		idx[n] = i;
		items[n++] = (struct rank_item){.id = rep->pairs[i].jp->id, .has_z = s->shift.has_z,
			.z = s->shift.z, .p = s->shift.p, .has_delta = s->shift.has_delta, .delta = s->shift.delta};
	}
	rep->alpha = RANK_ALPHA;
	rep->tests = rank_compute(items, n, RANK_ALPHA, order);
	rep->nranked = n;
	for (size_t k = 0; k < n; k++) {
		rep->pairs[idx[k]].rank = items[k];
		rep->order[k] = idx[order[k]];
	}
	free(items), free(idx), free(order);
}

int run_plan(struct run *r, struct cx_error *e)
{
	/* A shard knows the ranks of its own pairs only: it draws every email
	 * chart of its slice and the merge copies those the plan asks for. */
	if (r->in_slice != NULL) {
		plan_mail_charts_all(&r->rep);
		return 0;
	}
	return plan_mail_charts(r->job, &r->rep, e);
}

static bool shares_symbol(const struct job_pair *x, const struct job_pair *y)
{
	return !strcmp(x->a, y->a) || !strcmp(x->a, y->b) || !strcmp(x->b, y->a) || !strcmp(x->b, y->b);
}

/* Related pairs of each pair: the ok pairs sharing a symbol, most shifted
 * first (rank order), at most RUN_RELATED_MAX. */
void run_relate_pairs(struct run *r)
{
	struct report *rep = &r->rep;

	for (size_t i = 0; i < rep->npairs; i++) {
		struct report_pair *p = &rep->pairs[i];
		if (!p->ok)
			continue;
		p->related = xcalloc(RUN_RELATED_MAX, sizeof *p->related);
		for (size_t k = 0; k < rep->nranked && p->nrelated < RUN_RELATED_MAX; k++) {
			size_t q = rep->order[k];
			if (q != i && shares_symbol(p->jp, rep->pairs[q].jp))
				p->related[p->nrelated++] = q;
		}
	}
}

/* ---- charts ---------------------------------------------------------------- */

static int write_file(const char *path, const unsigned char *data, size_t len, struct cx_error *e)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL)
		return cx_fail(e, CX_ECANTCREAT, "%s: cannot create: %s", path, strerror(errno));
	if (fwrite(data, 1, len, f) != len) {
		fclose(f);
		return cx_fail(e, CX_EIO, "%s: write error: %s", path, strerror(errno));
	}
	if (fclose(f) != 0)
		return cx_fail(e, CX_EIO, "%s: write error: %s", path, strerror(errno));
	return 0;
}

/* A chart as the PNG file `rel` of the run; `palette` as chart_png_render. */
static int render_png_palette(struct run *r, const struct chart_spec *spec, double w,
			      double h, double scale, size_t palette, const char *rel,
			      struct cx_error *e)
{
	char path[RUN_PATH_MAX + REPORT_FILE_MAX];
	unsigned char *png = NULL;
	size_t len = 0;
	int rc;

	if (chart_png_render(spec, w, h, scale, palette, &png, &len, e) != 0)
		return -1;
	snprintf(path, sizeof path, "%s/%s", r->dir.tmp, rel);
	rc = write_file(path, png, len, e);
	free(png);
	return rc;
}

static int render_png(struct run *r, const struct chart_spec *spec, double w, double h,
		      double scale, const char *rel, struct cx_error *e)
{
	return render_png_palette(r, spec, w, h, scale, 0, rel, e);
}

/* An email chart (chart.h, CHART_MAIL_*): h points tall, indexed colours. */
static int render_mail_png(struct run *r, const struct chart_spec *spec, double h,
			   const char *rel, struct cx_error *e)
{
	return render_png_palette(r, spec, CHART_MAIL_W, h, CHART_MAIL_SCALE,
				  CHART_MAIL_PALETTE, rel, e);
}

static void related_rows(const struct run *r, const struct report_pair *p,
			 struct deepdive_related rel[RUN_RELATED_MAX])
{
	for (size_t k = 0; k < p->nrelated; k++) {
		const struct pair_stats *q = &r->rep.pairs[p->related[k]].st;
		rel[k] = (struct deepdive_related){q->a, q->b, q->win[W_90D].has_r, q->win[W_90D].r,
						   q->shift.has_delta, q->shift.delta};
	}
}

static enum pdf_paper run_paper(const struct run *r)
{
	return r->job->outputs.paper == JOB_PAPER_LETTER ? PDF_LETTER : PDF_A4;
}

/* The data-quality note of a symbol (quality.h), NULL when it has none. */
static const char *quality_of(const struct run *r, const char *symbol)
{
	const struct quality_note *qn = quality_find(&r->quality, symbol);
	return qn != NULL ? qn->text : NULL;
}

/* The deep dive of pair i with its related pairs, as pdf/ID.pdf. */
static int pair_pdf(struct run *r, size_t i, struct cx_error *e)
{
	const struct report_pair *p = &r->rep.pairs[i];
	struct deepdive_related rel[RUN_RELATED_MAX];
	struct pair_stats tmp;
	const struct pair_stats *s = run_history(r, i, &tmp, e);
	char f[REPORT_FILE_MAX], path[RUN_PATH_MAX + REPORT_FILE_MAX];
	int rc;

	if (s == NULL)
		return -1;
	struct deepdive_input in = {s, p->a->name, p->b->name, rel, p->nrelated, r->created,
				    quality_of(r, p->jp->a), quality_of(r, p->jp->b)};
	related_rows(r, p, rel);
	snprintf(path, sizeof path, "%s/%s", r->dir.tmp, report_pair_file(p, "pdf", f, sizeof f));
	rc = deepdive_write(path, &in, run_paper(r), e);
	stats_release(&tmp);
	return rc;
}

/* Whether this process writes the files of pair i. */
static bool writes_pair(const struct run *r, size_t i)
{
	return r->rep.pairs[i].ok && (r->in_slice == NULL || r->in_slice[i]);
}

/* How many pairs' files this process writes. */
static size_t count_writes(const struct run *r)
{
	size_t n = 0;

	for (size_t i = 0; i < r->rep.npairs; i++)
		n += writes_pair(r, i);
	return n;
}

static int pair_pdf_file(void *ctx, size_t i, struct cx_error *e)
{
	struct run *r = ctx;
	return writes_pair(r, i) ? pair_pdf(r, i, e) : 0;
}

/* The charts of pair i the plan asks for (plan.h): the web page's three
 * at 2x, and the email's rolling chart where a digest shows it in full. */
static int draw_pair_charts(struct run *r, const struct report_pair *p, const struct pair_stats *s,
			    struct cx_error *e)
{
	char f[REPORT_FILE_MAX];
	struct chart_spec spec = {.pair = s};

	spec.kind = CHART_ROLLING;
	/* The 1x-named rolling chart is the email's (chart.h, CHART_MAIL_*). */
	if (p->mail_chart && render_mail_png(r, &spec, CHART_MAIL_ROLLING_H,
					     report_pair_file(p, "rolling", f, sizeof f), e))
		return -1;
	if (render_png(r, &spec, CHART_WIDTH, CHART_ROLLING_H, 2, report_pair_file(p, "rolling@2x", f, sizeof f), e))
		return -1;
	spec.kind = CHART_SCATTER;
	if (render_png(r, &spec, 260, CHART_SCATTER_H, 2, report_pair_file(p, "scatter@2x", f, sizeof f), e))
		return -1;
	spec.kind = CHART_YEARS;
	return render_png(r, &spec, CHART_WIDTH, CHART_YEARS_H, 2, report_pair_file(p, "years@2x", f, sizeof f), e);
}

static int pair_charts(void *ctx, size_t i, struct cx_error *e)
{
	struct run *r = ctx;
	struct pair_stats tmp;
	const struct pair_stats *s;
	int rc;

	if (!writes_pair(r, i))
		return 0;
	if ((s = run_history(r, i, &tmp, e)) == NULL)
		return -1;
	rc = draw_pair_charts(r, &r->rep.pairs[i], s, e);
	stats_release(&tmp);
	return rc;
}

/* How many PNGs pair_charts draws. */
static size_t count_pngs(const struct run *r)
{
	size_t n = 0;

	for (size_t i = 0; i < r->rep.npairs; i++)
		n += writes_pair(r, i) ? 3 + r->rep.pairs[i].mail_chart : 0;
	return n;
}

static int shifts_chart(struct run *r, struct cx_error *e)
{
	size_t n = r->rep.nranked < RUN_SHIFTS_CHART_MAX ? r->rep.nranked : RUN_SHIFTS_CHART_MAX;
	struct chart_shift *rows = xcalloc(n, sizeof *rows);
	char (*labels)[REPORT_FILE_MAX] = xcalloc(n, sizeof *labels);
	int rc;

	for (size_t k = 0; k < n; k++) {
		const struct report_pair *p = &r->rep.pairs[r->rep.order[k]];
		const struct window_stat *w = &p->st.win[W_90D];
		snprintf(labels[k], sizeof labels[k], "%s/%s", p->jp->a, p->jp->b);
		rows[k] = (struct chart_shift){.label = labels[k], .has_r90 = w->has_r, .r90 = w->r,
			.has_r90_ci = w->has_ci, .r90_lo = w->ci_lo, .r90_hi = w->ci_hi,
			.has_base = p->st.shift.has_baseline, .base = p->st.shift.baseline_r,
			.significant = p->rank.significant};
	}
	struct chart_spec spec = {.kind = CHART_SHIFTS, .title = "Regime shifts: 90-day vs baseline",
				  .shifts = rows, .nshifts = n};
	rc = render_png(r, &spec, CHART_WIDTH, CHART_SHIFTS_ROW * (double)n + 70, 2, REPORT_SHIFTS_PNG, e);
	/* The email's: fewer rows, drawn for the phone (chart.h). */
	spec.nshifts = n < CHART_MAIL_SHIFTS ? n : CHART_MAIL_SHIFTS;
	if (rc == 0)
		rc = render_mail_png(r, &spec, CHART_MAIL_SHIFTS_H(spec.nshifts),
				     REPORT_SHIFTS_MAIL_PNG, e);
	free(rows), free(labels);
	return rc;
}

/* The heatmap's matrix: a view of the report's (report_heatmap_compute in
 * a run, carried in shard.json to a merge), with the symbols as labels. */
struct heatmap {
	const char *labels[CHART_HEATMAP_MAX];
	struct chart_matrix m;
};

static void heatmap_build(const struct run *r, struct heatmap *h)
{
	const struct report_heatmap *rh = &r->rep.heatmap;

	for (size_t i = 0; i < rh->n; i++)
		h->labels[i] = r->rep.assets[rh->idx[i]].asset->symbol;
	h->m = (struct chart_matrix){rh->n, h->labels, rh->r, rh->has_r};
}

static int heatmap_chart(struct run *r, const struct heatmap *h, struct cx_error *e)
{
	struct chart_spec spec = {.kind = CHART_HEATMAP, .title = "1-year correlation of the watchlist's symbols", .matrix = &h->m};
	return render_png(r, &spec, CHART_WIDTH, CHART_HEATMAP_H, 2, REPORT_HEATMAP_PNG, e);
}

/* The digest PDF: every computed pair as a section (job order), the
 * ranking on the cover, the skipped pairs listed. */
static int digest_pdf(struct run *r, const struct heatmap *h, struct cx_error *e)
{
	const struct report *rep = &r->rep;
	struct digest_pair *dp = xcalloc(rep->npairs + 1, sizeof *dp);
	struct deepdive_related (*rel)[RUN_RELATED_MAX] = xcalloc(rep->npairs + 1, sizeof *rel);
	size_t *pos = xcalloc(rep->npairs + 1, sizeof *pos), *order = xcalloc(rep->npairs + 1, sizeof *order);
	char (*skip)[REPORT_REASON_MAX + REPORT_FILE_MAX] = xcalloc(rep->npairs + 1, sizeof *skip);
	const char **skipped = xcalloc(rep->npairs + 1, sizeof *skipped);
	char path[RUN_PATH_MAX + 32];
	size_t n = 0, nskip = 0;
	int rc;

	for (size_t i = 0; i < rep->npairs; i++) {
		const struct report_pair *p = &rep->pairs[i];
		if (!p->ok) {
			snprintf(skip[nskip], sizeof skip[nskip], "%s/%s: %s", p->jp->a, p->jp->b, p->reason);
			skipped[nskip] = skip[nskip];
			nskip++;
			continue;
		}
		related_rows(r, p, rel[n]);
		pos[i] = n;
		dp[n] = (struct digest_pair){&p->st, p->a->name, p->b->name, rel[n], p->nrelated,
			p->rank.has_z, p->rank.z, p->rank.p, p->rank.has_q, p->rank.q, p->rank.significant,
			quality_of(r, p->jp->a), quality_of(r, p->jp->b)};
		n++;
	}
	for (size_t k = 0; k < rep->nranked; k++)
		order[k] = pos[rep->order[k]];
	/* the pairs whose full deep dive the digest holds: their histories */
	size_t ndeep = (size_t)r->job->analysis.deep_dives < rep->nranked ? (size_t)r->job->analysis.deep_dives : rep->nranked;
	struct pair_stats *hist = xcalloc(ndeep + 1, sizeof *hist);
	for (size_t k = 0; k < ndeep; k++) {
		const struct pair_stats *s = run_history(r, rep->order[k], &hist[k], e);
		if (s == NULL) {
			for (size_t j = 0; j < k; j++)
				stats_release(&hist[j]);
			free(hist), free(dp), free(rel), free(pos), free(order), free(skip), free(skipped);
			return -1;
		}
		dp[order[k]].s = s;
	}
	size_t top = (size_t)r->job->analysis.top < rep->nranked ? (size_t)r->job->analysis.top : rep->nranked;
	struct digest_input in = {.title = r->job->digest.title, .as_of = rep->as_of, .pairs = dp,
		.npairs = n, .order = order, .nranked = rep->nranked,
		.top = top < DIGEST_TOP_MAX ? top : DIGEST_TOP_MAX, .alpha = rep->alpha,
		.heatmap = h->m.n > 1 ? &h->m : NULL, .skipped = skipped, .nskipped = nskip,
		.created = r->created, .deep_dives = (size_t)r->job->analysis.deep_dives};
	char url[RUN_PATH_MAX + 32];
	int y, mo, d;
	if (r->job->digest.public_url != NULL && r->job->digest.public_url[0] != '\0') {
		/* the shared address scheme (deliver.c: public_urls) */
		const char *pub = r->job->digest.public_url;
		date_to_ymd(rep->as_of, &y, &mo, &d);
		snprintf(url, sizeof url, "%s%s%04d/%02d/%02d/", pub,
			 pub[strlen(pub) - 1] == '/' ? "" : "/", y, mo, d);
		in.pair_url = url;
	}
	snprintf(path, sizeof path, "%s/%s", r->dir.tmp, REPORT_DIGEST_PDF);
	struct progress pg;
	progress_init(&pg, "digest", (in.deep_dives < in.nranked ? in.deep_dives : in.nranked) + 2);
	in.progress = &pg;
	rc = digest_pdf_write(path, &in, run_paper(r), e);
	progress_release(&pg);
	for (size_t k = 0; k < ndeep; k++)
		stats_release(&hist[k]);
	free(hist), free(dp), free(rel), free(pos), free(order), free(skip), free(skipped);
	return rc;
}

/* ---- the run directory ------------------------------------------------------- */

/* The merge: the files of pair i, as its shard wrote them. */
/* The files of a pair a merge copies from its shard: the email chart only
 * where the plan asks for it. */
static const char *const pair_kinds[] = {"rolling", "rolling@2x", "scatter@2x", "years@2x", "pdf"};

static int copy_file(const char *src, const char *dst, struct cx_error *e)
{
	FILE *in = fopen(src, "rb"), *out;
	char buf[65536];
	size_t n;
	int rc = 0;

	if (in == NULL)
		return cx_fail(e, CX_ENOINPUT, "%s: missing from its shard: %s", src, strerror(errno));
	if ((out = fopen(dst, "wb")) == NULL) {
		fclose(in);
		return cx_fail(e, CX_ECANTCREAT, "%s: cannot create: %s", dst, strerror(errno));
	}
	while (rc == 0 && (n = fread(buf, 1, sizeof buf, in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			rc = cx_fail(e, CX_EIO, "%s: write error: %s", dst, strerror(errno));
	if (rc == 0 && ferror(in))
		rc = cx_fail(e, CX_EIO, "%s: read error", src);
	fclose(in);
	if (fclose(out) != 0 && rc == 0)
		rc = cx_fail(e, CX_EIO, "%s: write error: %s", dst, strerror(errno));
	return rc;
}

static int copy_pair(void *ctx, size_t i, struct cx_error *e)
{
	struct run *r = ctx;
	const struct report_pair *p = &r->rep.pairs[i];
	const char *from = r->shards[r->owner[i]]->dir;

	if (!p->ok)
		return 0;
	for (size_t k = p->mail_chart ? 0 : 1; k < sizeof pair_kinds / sizeof pair_kinds[0]; k++) {
		char f[REPORT_FILE_MAX], src[RUN_PATH_MAX + REPORT_FILE_MAX], dst[RUN_PATH_MAX + REPORT_FILE_MAX];
		report_pair_file(p, pair_kinds[k], f, sizeof f);
		snprintf(src, sizeof src, "%s/%s", from, f);
		snprintf(dst, sizeof dst, "%s/%s", r->dir.tmp, f);
		if (copy_file(src, dst, e) != 0)
			return -1;
	}
	return 0;
}

/* A per-pair stage over the run's threads, with a progress bar labelled
 * `what` (NULL: none). */
static int each_pair(struct run *r, const char *what, pool_work work, struct cx_error *e)
{
	struct progress pg;
	int rc;

	if (what == NULL)
		return pool_run(r->args.threads, r->rep.npairs, work, r, NULL, e);
	progress_init(&pg, what, r->rep.npairs);
	rc = pool_run(r->args.threads, r->rep.npairs, work, r, &pg, e);
	progress_release(&pg);
	return rc;
}

/* The per-pair files: rendered (a run, a shard's slice) or copied from
 * the shards (the merge). */
static int write_pair_files(struct run *r, struct cx_error *e)
{
	size_t n = count_writes(r);
	double t;
	int rc;

	if (r->shards != NULL) {
		t = run_stage_begin("copy");
		rc = each_pair(r, "copy", copy_pair, e);
		run_stage_end(r, "copy", t, n, "pair", "pairs");
		return rc;
	}
	t = run_stage_begin("charts");
	rc = each_pair(r, "charts", pair_charts, e);
	run_stage_end(r, "charts", t, count_pngs(r), "PNG", "PNGs");
	t = run_stage_begin("pdfs");
	if (rc == 0)
		rc = each_pair(r, "PDFs", pair_pdf_file, e);
	run_stage_end(r, "pdfs", t, n, "PDF", "PDFs");
	return rc;
}

static int write_outputs(struct run *r, struct cx_error *e)
{
	char path[RUN_PATH_MAX + 32];
	double t;

	if (write_pair_files(r, e) != 0)
		return -1;
	if (r->in_slice != NULL)
		return shard_write(r->dir.tmp, &r->args.shard, &r->rep, r->job_sha, r->problems,
				   r->nproblems, r->in_slice, e) != 0 ? -1 : manifest_write(r->dir.tmp, e);
	struct heatmap h;
	t = run_stage_begin("charts");
	heatmap_build(r, &h);
	int rc = shifts_chart(r, e) != 0 || heatmap_chart(r, &h, e) != 0;
	run_stage_end(r, "charts", t, 2, "PNG", "PNGs");
	t = run_stage_begin("digest");
	rc = rc || digest_pdf(r, &h, e) != 0;
	run_stage_end(r, "digest", t, r->rep.nranked, "ranked pair", "ranked pairs");
	if (rc)
		return -1;
	/* report.xml, report.json, resume.json and the manifest: 5 s of the
	 * 4,950-pair run, which no stage showed. */
	t = run_stage_begin("report");
	snprintf(path, sizeof path, "%s/report.xml", r->dir.tmp);
	rc = report_xml_write(&r->rep, path, e) != 0;
	snprintf(path, sizeof path, "%s/report.json", r->dir.tmp);
	rc = rc || report_json_write(&r->rep, path, e) != 0 ||
	     resume_write(r->dir.tmp, r->job, e) != 0 || manifest_write(r->dir.tmp, e) != 0;
	run_stage_end(r, "report", t, 0, NULL, NULL);
	return rc ? -1 : 0;
}

/* One PDF of the run directory into the archive (archive_pdfs). */
struct archive_item {
	char rel[REPORT_FILE_MAX];    /* pdf/NAME.pdf */
	bool present, failed;
	enum archive_result res;
	struct cx_error err;
};

struct archive_batch {
	struct run *r;
	struct archive_item *v;
};

static int archive_one(void *ctx, size_t i, struct cx_error *e)
{
	struct archive_batch *b = ctx;
	struct archive_item *it = &b->v[i];
	char src[RUNDIR_PATH_MAX + REPORT_FILE_MAX];

	(void)e;
	snprintf(src, sizeof src, "%s/%s", b->r->dir.final, it->rel);
	if (it->rel[0] == '\0' || access(src, F_OK) != 0)
		return 0;
	it->present = true;
	cx_error_clear(&it->err);
	it->failed = archive_put(b->r->job->outputs.archive, b->r->rep.as_of, src, it->rel + 4,
				 &it->res, &it->err) != 0;
	return 0;    /* reported below, in order */
}

/* Copy every PDF of the run directory into the archive, on the run's
 * threads (each copy waits for its own fsync). A refusal does not stop
 * the others; it is reported and makes the run fail (73): the first in
 * pair order into `e`, the others logged. */
static int archive_pdfs(struct run *r, struct cx_error *e)
{
	size_t n = r->rep.npairs + 1;    /* each pair's PDF, the digest */
	struct archive_batch b = {.r = r, .v = xcalloc(n, sizeof *b.v)};
	struct progress pg;
	struct cx_error pe;

	for (size_t i = 0; i < r->rep.npairs; i++)
		if (r->rep.pairs[i].ok)
			report_pair_file(&r->rep.pairs[i], "pdf", b.v[i].rel, sizeof b.v[i].rel);
	snprintf(b.v[n - 1].rel, sizeof b.v[n - 1].rel, "%s", REPORT_DIGEST_PDF);
	progress_init(&pg, "archive", n);
	cx_error_clear(&pe);
	(void)pool_run(r->args.threads, n, archive_one, &b, &pg, &pe);
	progress_release(&pg);
	for (size_t i = 0; i < n; i++) {
		const struct archive_item *it = &b.v[i];
		if (!it->present)
			continue;
		if (it->failed) {
			if (!r->archive_failed)
				*e = it->err;    /* the caller prints the first */
			else
				log_error("%s", it->err.msg);
			r->archive_failed = true;
		} else if (it->res == ARCHIVE_COPIED) {
			r->archived_new++;
		} else {
			r->archived_same++;
		}
	}
	free(b.v);
	return r->archive_failed ? -1 : 0;
}

/* ---- summary ------------------------------------------------------------------ */

/* The pairs this process is about: the slice of a shard, else all. */
static bool mine(const struct run *r, size_t i)
{
	return r->in_slice == NULL || r->in_slice[i];
}

static size_t count_mine(const struct run *r)
{
	size_t n = 0;
	for (size_t i = 0; i < r->rep.npairs; i++)
		n += mine(r, i);
	return n;
}

static size_t count_ok(const struct run *r)
{
	size_t n = 0;
	for (size_t i = 0; i < r->rep.npairs; i++)
		n += mine(r, i) && r->rep.pairs[i].ok;
	return n;
}

static void print_shard_summary(const struct run *r, double secs)
{
	size_t n = count_mine(r), ok = count_ok(r);
	char d[DATE_STR_SIZE];

	printf("convex run %s --shard %u/%u: as of %s, %zu of %zu %s in this shard: %zu done, %zu skipped (%.1f s, -j %d)\n",
	       r->job->name, r->args.shard.k, r->args.shard.n, date_format(r->rep.as_of, d), n,
	       r->rep.npairs, plural(r->rep.npairs, "pair", "pairs"), ok, n - ok, secs, r->args.threads);
	for (size_t i = 0; i < r->nproblems; i++)
		printf("  - %s\n", r->problems[i]);
	for (size_t i = 0; i < r->rep.npairs; i++)
		if (mine(r, i) && !r->rep.pairs[i].ok)
			printf("  - %s/%s: %s\n", r->rep.pairs[i].jp->a, r->rep.pairs[i].jp->b, r->rep.pairs[i].reason);
	printf("Shard directory: %s\n", r->dir.final);
	/* Absolute, so that the command works from wherever it is pasted. */
	char abs[PATH_MAX];
	if (realpath(r->dir.out, abs) == NULL)
		snprintf(abs, sizeof abs, "%s", r->dir.out);
	printf("  merge:   convex merge %s/%s.shard-{1..%u}-of-%u\n", abs, r->dir.date,
	       r->args.shard.n, r->args.shard.n);
}

static void print_summary(const struct run *r, double secs)
{
	const struct report *rep = &r->rep;
	size_t ok = count_ok(r), top = rep->nranked < RUN_SUMMARY_TOP ? rep->nranked : RUN_SUMMARY_TOP;
	char d[DATE_STR_SIZE], arch[ARCHIVE_PATH_MAX];

	if (r->in_slice != NULL) {
		print_shard_summary(r, secs);
		return;
	}
	printf("convex %s %s: as of %s, %zu %s: %zu done, %zu skipped (%.1f s, -j %d)\n",
	       r->shards ? "merge" : "run", r->job->name, date_format(rep->as_of, d), rep->npairs,
	       plural(rep->npairs, "pair", "pairs"), ok,
	       rep->npairs - ok, secs, r->args.threads);
	if (top > 0)
		printf("\nTop regime shifts (|z|, Benjamini-Hochberg at 5%% over %zu %s):\n", rep->tests,
		       plural(rep->tests, "test", "tests"));
	for (size_t k = 0; k < top; k++) {
		const struct report_pair *p = &rep->pairs[rep->order[k]];
		char line[NARRATIVE_MAX];
		printf("  %zu. %s%s\n", k + 1, narrative_shift_line(&p->st, line, sizeof line),
		       p->rank.significant ? "  [significant]" : "");
	}
	if (ok < rep->npairs || r->nproblems > 0)
		printf("\nSkipped and problems:\n");
	for (size_t i = 0; i < r->nproblems; i++)
		printf("  - %s\n", r->problems[i]);
	for (size_t i = 0; i < rep->npairs; i++)
		if (!rep->pairs[i].ok)
			printf("  - %s/%s: %s\n", rep->pairs[i].jp->a, rep->pairs[i].jp->b, rep->pairs[i].reason);
	printf("\nRun directory: %s\n", r->dir.final);
	printf("  report:  %s/report.xml (and report.json)\n", r->dir.final);
	printf("  charts:  %s/charts/\n", r->dir.final);
	printf("  PDFs:    %s/pdf/\n", r->dir.final);
	printf("  check:   cd %s && sha256sum -c manifest.sha256\n", r->dir.final);
	printf("Archive:   %s (%zu new, %zu already there)\n",
	       archive_day_dir(r->job->outputs.archive, rep->as_of, arch, sizeof arch) ? arch : r->job->outputs.archive,
	       r->archived_new, r->archived_same);
	if (r->mailed) {
		deliver_summary_print(stdout, &r->mail);
		if (!r->job->digest.has_smtp)
			printf("           %s/mail/*.eml (open one with any mail client)\n", r->dir.final);
	}
}

/* ---- the run ------------------------------------------------------------------ */

void run_release(struct run *r)
{
	for (size_t i = 0; i < r->rep.npairs; i++) {
		if (r->rep.pairs[i].ok)
			stats_release(&r->rep.pairs[i].st);
		free(r->rep.pairs[i].related);
	}
	free(r->rep.pairs), free(r->rep.order), free(r->rep.assets);
	quality_report_release(&r->quality);
	report_heatmap_release(&r->rep.heatmap);
	for (size_t i = 0; i < r->nproblems; i++)
		free(r->problems[i]);
	free(r->in_slice), free(r->needed), free(r->owner);
	for (int k = 0; r->shards != NULL && k < r->args.nshard_dirs; k++)
		shard_result_free(r->shards[k]);
	free(r->shards);
	runjson_free(r->rj);
	prices_free(r->prices);
	job_free(r->job);
}

/* A shard's slice (shard.h) and the pairs it needs statistics of: its
 * own and every pair sharing a symbol with one of them, so that the
 * related pairs of its deep dives are those of the whole run (the rank
 * order is a sort by each pair's own values, so a subset keeps it). */
static void shard_slice(struct run *r)
{
	const struct job *j = r->job;
	size_t n = j->npairs ? j->npairs : 1;

	r->in_slice = xcalloc(n, sizeof *r->in_slice);
	r->needed = xcalloc(n, sizeof *r->needed);
	for (size_t i = 0; i < j->npairs; i++)
		r->in_slice[i] = shard_of(j->pairs[i].id, r->args.shard.n) == r->args.shard.k;
	for (size_t i = 0; i < j->npairs; i++)
		for (size_t k = 0; k < j->npairs && !r->needed[i]; k++)
			r->needed[i] = r->in_slice[k] && shares_symbol(&j->pairs[i], &j->pairs[k]);
}

static int compute(struct run *r, struct cx_error *e)
{
	double t;

	if (load_prices(r, e) != 0 || run_date(r, e) != 0)
		return -1;
	t = run_stage_begin("stats");
	assess_assets(r);
	run_make_pairs(r);
	if (r->args.shard.n > 0)
		shard_slice(r);
	if (each_pair(r, NULL, compute_pair, e) != 0)
		return -1;
	for (size_t i = 0; i < r->rep.npairs; i++)
		if (!r->rep.pairs[i].ok && (r->needed == NULL || r->needed[i]))
			log_debug("pair %s/%s: skipped: %s", r->rep.pairs[i].jp->a, r->rep.pairs[i].jp->b,
				  r->rep.pairs[i].reason);
	run_rank_pairs(r);
	run_relate_pairs(r);
	if (run_plan(r, e) != 0)
		return -1;
	/* every shard too: the merge has the shards' results, not the prices */
	report_heatmap_compute(&r->rep, r->prices);
	run_stage_end(r, "stats", t, count_ok(r), "pair computed", "pairs computed");
	return 0;
}

/* The digest to the subscribers, once the run directory is in place.
 * Deferred or failed messages make the run partial (exit 3). */
static int send_mail(struct run *r, struct cx_error *e)
{
	int rc;

	if (r->args.no_mail || !r->job->digest.present || r->job->digest.subscribers == NULL)
		return 0;
	double t = run_stage_begin("mail");
	rc = deliver_digest(r->job, r->dir.final, &r->mail, e);
	/* "mail": templates, composing, the web edition, the ledger;
	 * "send": the SMTP transactions themselves. */
	runjson_stage(r->rj, "send", r->mail.send_seconds);
	runjson_stage(r->rj, "mail", runjson_now() - t - r->mail.send_seconds);
	log_info("mail: done in %.3f s (%.3f s in SMTP): %zu sent, %zu written, %zu already sent, %zu deferred, %zu failed",
		 runjson_now() - t, r->mail.send_seconds, r->mail.sent, r->mail.written, r->mail.already,
		 r->mail.deferred, r->mail.failed);
	r->mailed = rc >= 0;
	r->mail_partial = rc == 1;
	return rc < 0 ? -1 : 0;
}

int run_deliver(struct run *r, struct cx_error *e)
{
	/* Fixed by the day's first attempt, so that a rerun after a kill or a
	 * fault makes the same PDF bytes and the archive accepts them. */
	/* the files of the run directory are synced once, before it is
	 * renamed into place (atomicfile_defer_sync) */
	atomicfile_defer_sync(r->dir.tmp);
	int bad = archive_day_created(r->job->outputs.archive, r->rep.as_of, (long long)time(NULL),
				      &r->created, e) != 0 || write_outputs(r, e) != 0;
	/* Every file of the run directory made durable, then the directory
	 * renamed into place. */
	double t = run_stage_begin("commit");
	bad = atomicfile_sync_deferred(bad ? NULL : e) != 0 || bad ||
	      rundir_commit(&r->dir, e) != 0;
	run_stage_end(r, "commit", t, 0, NULL, NULL);
	if (bad) {
		rundir_abort(&r->dir);
		return -1;
	}
	r->committed = true;
	if (r->in_slice != NULL)    /* a shard: the merge archives and mails */
		return 0;
	t = run_stage_begin("archive");
	int rc = archive_pdfs(r, e);
	run_stage_end(r, "archive", t, r->archived_new, "new PDF", "new PDFs");
	if (rc != 0)
		return -1;
	/* The web edition (docs/web.md), with or without mail. */
	t = run_stage_begin("site");
	rc = site_publish_job(r->job, r->dir.final, r->args.threads, e);
	run_stage_end(r, "site", t, 0, NULL, NULL);
	return rc != 0 ? -1 : send_mail(r, e);
}

/* Counts and the end of run.json, in the committed run directory. A run
 * that failed before it had a directory has no run.json (its error is on
 * stderr). */
static void finish_runjson(struct run *r, int status, const struct cx_error *e)
{
	struct cx_error we;
	size_t mine_n = count_mine(r), ok = count_ok(r), pdfs = ok;

	if (!r->committed)
		return;
	if (r->in_slice == NULL)
		pdfs += 1;    /* the digest */
	runjson_set(r->rj, "as_of", r->dir.date);
	runjson_count(r->rj, "pairs", mine_n);
	runjson_count(r->rj, "pairs_done", ok);
	runjson_count(r->rj, "pairs_skipped", mine_n - ok);
	runjson_count(r->rj, "pdfs", pdfs);
	runjson_count(r->rj, "problems", r->nproblems);
	runjson_count(r->rj, "archived_new", r->archived_new);
	runjson_count(r->rj, "archived_same", r->archived_same);
	runjson_count(r->rj, "mail_subscribers", r->mail.subscribers);
	runjson_count(r->rj, "mail_written", r->mail.written);
	runjson_count(r->rj, "mail_sent", r->mail.sent);
	runjson_count(r->rj, "mail_already_sent", r->mail.already);
	runjson_count(r->rj, "mail_deferred", r->mail.deferred);
	runjson_count(r->rj, "mail_failed", r->mail.failed);
	runjson_count(r->rj, "mail_unknown", r->mail.unknown);
	runjson_count(r->rj, "mail_pending", r->mail.pending);
	runjson_count(r->rj, "mail_suppressed", r->mail.suppressed);
	cx_error_clear(&we);
	if (runjson_write(r->rj, r->dir.final, status, e->code != CX_OK ? e->msg : NULL, &we) != 0)
		log_warn("%s", we.msg);
}

/* The run directory: OUT/YYYY-MM-DD, or OUT/YYYY-MM-DD.shard-K-of-N. */
static int begin_dir(struct run *r, const char *out, struct cx_error *e)
{
	char suffix[SHARD_SUFFIX_MAX] = "";

	if (r->args.shard.n > 0)
		shard_suffix(&r->args.shard, suffix);
	return rundir_begin_suffix(&r->dir, out, r->rep.as_of, suffix, e);
}

/* After the work: the summary (unless -qq), run.json, the exit status. */
int run_conclude(struct run *r, int failed, const struct cx_error *e)
{
	int status;

	if (failed)
		status = cmd_fail(e);
	else
		status = count_ok(r) < count_mine(r) || r->nproblems > 0 || r->mail_partial ? CX_EXIT_PARTIAL : 0;
	if (!failed && log_verbosity() >= -1)
		print_summary(r, runjson_now() - r->t0);
	finish_runjson(r, status, e);
	return status;
}


/* The run's job, with the command line's overrides. Returns 0, or -1 with
 * `e` set. */
static int run_load_job(struct run *r, struct cx_error *e)
{
	const struct run_args *a = &r->args;

	if ((r->job = job_load(a->job, e)) == NULL)
		return -1;
	if ((a->smtp || a->smtp_ca) && job_set_smtp(r->job, a->smtp, a->smtp_ca, e) != 0)
		return -1;
	if (a->out != NULL)
		job_set_out(r->job, a->out);
	/* Every variable the job names, before a minute is spent computing. */
	if (job_check_env(r->job, (a->no_mail || a->shard.n > 0 ? 0 : JOB_ENV_MAIL) |
			  (a->offline ? 0 : JOB_ENV_FETCH), e) != 0)
		return -1;
	r->rep.job = r->job;
	runjson_set(r->rj, "job", r->job->name);
	runjson_set(r->rj, "job_file", r->job->path);
	if (a->shard.n > 0) {
		char sh[32];
		snprintf(sh, sizeof sh, "%u/%u", a->shard.k, a->shard.n);
		runjson_set(r->rj, "shard", sh);
	}
	return 0;
}

int run_job(const struct run_args *a)
{
	struct run r = {.args = *a};
	struct runlock lock = {-1};
	struct cx_error e;
	int status;

	cx_error_clear(&e);
	r.rj = runjson_new("run");
	r.t0 = runjson_now();
	if (run_load_job(&r, &e) != 0) {
		run_release(&r);
		return cmd_fail(&e);
	}
	const char *out = r.job->outputs.dir;
	/* Shards of one job may run side by side: each has its own lock. */
	char lockname[JOB_NAME_MAX + SHARD_SUFFIX_MAX];
	snprintf(lockname, sizeof lockname, "%s", r.job->name);
	if (r.args.shard.n > 0)
		shard_suffix(&r.args.shard, lockname + strlen(lockname));
	if ((r.args.shard.n > 0 && shard_file_sha256(r.job->path, r.job_sha, &e) != 0) ||
	    runlock_acquire(&lock, out, lockname, &e) != 0) {
		status = cmd_fail(&e);
		goto done;
	}
	int failed = compute(&r, &e) != 0 || begin_dir(&r, out, &e) != 0 || run_deliver(&r, &e) != 0;
	status = run_conclude(&r, failed, &e);
done:
	runlock_release(&lock);
	run_release(&r);
	return status;
}
