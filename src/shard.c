/* shard.c - the slice of a sharded run and shard.json (jansson).
 *
 * FNV-1a is written here by hand: it is eight lines, its constants are
 * published (Fowler/Noll/Vo, IETF draft-eastlake-fnv), and the slice of a
 * pair must never change with a library's version.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/stat.h>

#include <glib.h>
#include <jansson.h>

#include "quality.h"
#include "shard.h"
#include "xalloc.h"

#define FNV64_OFFSET UINT64_C(14695981039346656037)
#define FNV64_PRIME  UINT64_C(1099511628211)
#define SHARD_PATH_MAX 4096

uint64_t shard_hash(const char *key)
{
	uint64_t h = FNV64_OFFSET;

	for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
		h ^= *p;
		h *= FNV64_PRIME;
	}
	return h;
}

unsigned shard_of(const char *key, unsigned n)
{
	return n == 0 ? 1 : (unsigned)(shard_hash(key) % n) + 1;
}

int shard_parse(const char *s, struct shard_spec *sp, struct cx_error *e)
{
	unsigned long k, n;
	char *end;

	errno = 0;
	k = strtoul(s, &end, 10);
	if (errno || end == s || *end != '/' || s[0] == '-')
		goto bad;
	const char *ns = end + 1;
	n = strtoul(ns, &end, 10);
	if (errno || end == ns || *end || ns[0] == '-' || n < 1 || n > SHARD_N_MAX || k < 1 || k > n)
		goto bad;
	sp->k = (unsigned)k;
	sp->n = (unsigned)n;
	return 0;
bad:
	return cx_fail(e, CX_EUSAGE, "--shard \"%s\" is not K/N with 1 <= K <= N <= %d (e.g. 2/3)", s, SHARD_N_MAX);
}

char *shard_suffix(const struct shard_spec *sp, char *buf)
{
	snprintf(buf, SHARD_SUFFIX_MAX, ".shard-%u-of-%u", sp->k, sp->n);
	return buf;
}

int shard_file_sha256(const char *path, char hex[65], struct cx_error *e)
{
	gchar *data = NULL;
	gsize len = 0;
	GError *ge = NULL;

	if (!g_file_get_contents(path, &data, &len, &ge)) {
		cx_fail(e, CX_ENOINPUT, "%s: cannot read: %s", path, ge->message);
		g_error_free(ge);
		return -1;
	}
	gchar *h = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)data, len);
	snprintf(hex, 65, "%s", h);
	g_free(h);
	g_free(data);
	return 0;
}

/* ---- writing ------------------------------------------------------------ */

/* A value that has no meaning (its has_ flag is false) may hold anything;
 * JSON has no NaN, and the reader never looks at it. */
static json_t *real(double x)
{
	return json_real(isfinite(x) ? x : 0.0);
}

static json_t *reals(const double *x, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, real(x[i]));
	return a;
}

static json_t *dates(const cx_date *d, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_integer(d[i]));
	return a;
}

static json_t *stats_out(const struct pair_stats *s)
{
	json_t *win = json_array(), *years = json_array();

	for (int w = 0; w < W_COUNT; w++) {
		const struct window_stat *x = &s->win[w];
		json_array_append_new(win, json_pack("[Ibobo o]", (json_int_t)x->n, x->has_r, real(x->r),
						     x->has_ci, real(x->ci_lo), real(x->ci_hi)));
	}
	for (size_t i = 0; i < s->nyears; i++)
		json_array_append_new(years, json_pack("[IIbo]", (json_int_t)s->years[i].year,
						       (json_int_t)s->years[i].n, s->years[i].has_r, real(s->years[i].r)));
	return json_pack("{sI sI sI sI so so so so so so so so}",
		"as_of", (json_int_t)s->as_of, "start", (json_int_t)s->start,
		"observations", (json_int_t)s->observations, "first_price", (json_int_t)s->first_price,
		"win", win,
		"one_year", json_pack("[bIbo ob oo o]", s->one_year.ok, (json_int_t)s->one_year.n, s->one_year.has_r,
				      real(s->one_year.r), real(s->one_year.r2), s->one_year.has_beta,
				      real(s->one_year.beta), real(s->one_year.vol_a), real(s->one_year.vol_b)),
		"shift", json_pack("[bobo Ibo o]", s->shift.has_delta, real(s->shift.delta), s->shift.has_baseline,
				   real(s->shift.baseline_r), (json_int_t)s->shift.baseline_n, s->shift.has_z,
				   real(s->shift.z), real(s->shift.p)),
		"years", years,
		"roll", json_pack("[[boI][boI]]", s->roll_max.ok, real(s->roll_max.r), (json_int_t)s->roll_max.end,
				  s->roll_min.ok, real(s->roll_min.r), (json_int_t)s->roll_min.end),
		"dates", dates(s->dates, s->n), "ra", reals(s->ra, s->n), "rb", reals(s->rb, s->n));
}

static json_t *pair_out(const struct report_pair *p, size_t index)
{
	json_t *o = json_pack("{sI ss ss ss sb}", "index", (json_int_t)index, "id", p->jp->id,
			      "a", p->jp->a, "b", p->jp->b, "ok", p->ok);
	if (o != NULL && p->ok)
		json_object_set_new(o, "stats", stats_out(&p->st));
	else if (o != NULL)
		json_object_set_new(o, "reason", json_string(p->reason));
	return o;
}

static json_t *assets_out(const struct report *rep)
{
	json_t *a = json_array();
	for (size_t i = 0; i < rep->nassets; i++) {
		const struct report_asset *x = &rep->assets[i];
		json_t *o = json_pack("{ss sb sb sI sI si}", "symbol", x->asset->symbol,
			"has_prices", x->has_prices, "stale", x->stale, "first", (json_int_t)x->first,
			"last", (json_int_t)x->last, "days", x->days);
		if (o != NULL && x->quality != NULL)
			json_object_set_new(o, "quality", json_string(x->quality));
		json_array_append_new(a, o);
	}
	return a;
}

/* {"symbols": [...], "r": [r01, r02, ... r(n-2)(n-1)]}: the cells above
 * the diagonal, row by row, null where there is no value. */
static json_t *heatmap_out(const struct report *rep)
{
	const struct report_heatmap *h = &rep->heatmap;
	json_t *syms = json_array(), *r = json_array();

	for (size_t i = 0; i < h->n; i++) {
		json_array_append_new(syms, json_string(rep->assets[h->idx[i]].asset->symbol));
		for (size_t j = i + 1; j < h->n; j++)
			json_array_append_new(r, h->has_r[i * h->n + j] ? real(h->r[i * h->n + j]) : json_null());
	}
	return json_pack("{so so}", "symbols", syms, "r", r);
}

int shard_write(const char *dir, const struct shard_spec *sp, const struct report *rep,
		const char *job_sha256, char *const *problems, size_t nproblems,
		const bool *in_slice, struct cx_error *e)
{
	char path[SHARD_PATH_MAX];
	json_t *pairs = json_array(), *probs = json_array(), *root;
	int rc;

	for (size_t i = 0; i < nproblems; i++)
		json_array_append_new(probs, json_string(problems[i]));
	for (size_t i = 0; i < rep->npairs; i++)
		if (in_slice[i])
			json_array_append_new(pairs, pair_out(&rep->pairs[i], i));
	/* The merge may run elsewhere in the tree: record where the job is. */
	char *job = realpath(rep->job->path, NULL);
	root = json_pack("{si ss ss ss sI si si sI so so so so}", "format", SHARD_FORMAT,
		"job", job ? job : rep->job->path, "job_name", rep->job->name, "job_sha256", job_sha256,
		"as_of", (json_int_t)rep->as_of, "shard", (int)sp->k, "of", (int)sp->n,
		"watchlist", (json_int_t)rep->npairs, "assets", assets_out(rep),
		"problems", probs, "heatmap", heatmap_out(rep), "pairs", pairs);
	free(job);
	if (root == NULL)
		return cx_fail(e, CX_ESOFTWARE, "%s: cannot build the shard file (a value JSON cannot hold)", dir);
	snprintf(path, sizeof path, "%s/%s", dir, SHARD_FILE);
	rc = json_dump_file(root, path, JSON_COMPACT | JSON_REAL_PRECISION(17));
	json_decref(root);
	if (rc != 0)
		return cx_fail(e, CX_ECANTCREAT, "%s: cannot write: %s", path, strerror(errno));
	return 0;
}

/* ---- reading ------------------------------------------------------------ */

static int bad(struct cx_error *e, const char *path, const char *what)
{
	return cx_fail(e, CX_EDATA, "%s: not a convex shard file (format %d): %s", path, SHARD_FORMAT, what);
}

static int read_reals(json_t *a, size_t n, double **out)
{
	if (!json_is_array(a) || json_array_size(a) != n)
		return -1;
	*out = xcalloc(n, sizeof **out);
	for (size_t i = 0; i < n; i++) {
		json_t *v = json_array_get(a, i);
		if (!json_is_number(v))
			return -1;
		(*out)[i] = json_number_value(v);
	}
	return 0;
}

static int read_dates(json_t *a, size_t n, cx_date **out)
{
	if (!json_is_array(a) || json_array_size(a) != n)
		return -1;
	*out = xcalloc(n, sizeof **out);
	for (size_t i = 0; i < n; i++) {
		json_t *v = json_array_get(a, i);
		if (!json_is_integer(v))
			return -1;
		(*out)[i] = (cx_date)json_integer_value(v);
	}
	return 0;
}

static int read_windows(json_t *win, struct pair_stats *s)
{
	if (!json_is_array(win) || json_array_size(win) != W_COUNT)
		return -1;
	for (int w = 0; w < W_COUNT; w++) {
		struct window_stat *x = &s->win[w];
		json_int_t n;
		int has_r, has_ci;
		if (json_unpack(json_array_get(win, (size_t)w), "[IbFbFF!]", &n, &has_r, &x->r,
				&has_ci, &x->ci_lo, &x->ci_hi) != 0)
			return -1;
		x->n = (size_t)n, x->has_r = has_r, x->has_ci = has_ci;
	}
	return 0;
}

static int read_years(json_t *years, struct pair_stats *s)
{
	if (!json_is_array(years))
		return -1;
	s->nyears = json_array_size(years);
	s->years = xcalloc(s->nyears, sizeof *s->years);
	for (size_t i = 0; i < s->nyears; i++) {
		json_int_t year, n;
		int has_r;
		if (json_unpack(json_array_get(years, i), "[IIbF!]", &year, &n, &has_r, &s->years[i].r) != 0)
			return -1;
		s->years[i].year = (int)year, s->years[i].n = (size_t)n, s->years[i].has_r = has_r;
	}
	return 0;
}

static int read_parts(json_t *oy, json_t *sh, json_t *roll, struct pair_stats *s)
{
	int ok, has_r, has_beta, has_delta, has_base, has_z, mok, nok;
	json_int_t n, bn, mend, nend;

	if (json_unpack(oy, "[bIbFFbFFF!]", &ok, &n, &has_r, &s->one_year.r, &s->one_year.r2,
			&has_beta, &s->one_year.beta, &s->one_year.vol_a, &s->one_year.vol_b) != 0 ||
	    json_unpack(sh, "[bFbFIbFF!]", &has_delta, &s->shift.delta, &has_base, &s->shift.baseline_r,
			&bn, &has_z, &s->shift.z, &s->shift.p) != 0 ||
	    json_unpack(roll, "[[bFI!][bFI!]!]", &mok, &s->roll_max.r, &mend, &nok, &s->roll_min.r, &nend) != 0)
		return -1;
	s->one_year.ok = ok, s->one_year.n = (size_t)n, s->one_year.has_r = has_r, s->one_year.has_beta = has_beta;
	s->shift.has_delta = has_delta, s->shift.has_baseline = has_base, s->shift.baseline_n = (size_t)bn;
	s->shift.has_z = has_z;
	s->roll_max.ok = mok, s->roll_max.end = (cx_date)mend;
	s->roll_min.ok = nok, s->roll_min.end = (cx_date)nend;
	return 0;
}

static int read_stats(json_t *o, struct pair_stats *s)
{
	json_int_t as_of, start, obs, first;
	json_t *win, *oy, *sh, *years, *roll, *d, *ra, *rb;

	if (json_unpack(o, "{sI sI sI sI so so so so so so so so !}", "as_of", &as_of, "start", &start,
			"observations", &obs, "first_price", &first, "win", &win, "one_year", &oy,
			"shift", &sh, "years", &years, "roll", &roll, "dates", &d, "ra", &ra, "rb", &rb) != 0)
		return -1;
	s->as_of = (cx_date)as_of, s->start = (cx_date)start;
	s->observations = (size_t)obs, s->first_price = (cx_date)first;
	s->n = json_array_size(d);
	if (read_windows(win, s) || read_parts(oy, sh, roll, s) || read_years(years, s) ||
	    read_dates(d, s->n, &s->dates) || read_reals(ra, s->n, &s->ra) || read_reals(rb, s->n, &s->rb))
		return -1;
	return 0;
}

static int read_pair(json_t *o, struct shard_pair *p)
{
	json_int_t index;
	const char *id, *a, *b;
	int ok;
	json_t *stats = NULL;
	const char *reason = NULL;

	if (json_unpack(o, "{sI ss ss ss sb s?o s?s !}", "index", &index, "id", &id, "a", &a, "b", &b,
			"ok", &ok, "stats", &stats, "reason", &reason) != 0 || index < 0)
		return -1;
	p->index = (size_t)index;
	p->id = xstrdup(id), p->a = xstrdup(a), p->b = xstrdup(b);
	p->ok = ok;
	p->reason = xstrdup(reason != NULL ? reason : "");
	p->st.a = p->a, p->st.b = p->b;
	return ok ? (stats != NULL ? read_stats(stats, &p->st) : -1) : 0;
}

static int read_assets(json_t *a, struct shard_result *s)
{
	if (!json_is_array(a))
		return -1;
	s->nassets = json_array_size(a);
	s->assets = xcalloc(s->nassets, sizeof *s->assets);
	for (size_t i = 0; i < s->nassets; i++) {
		struct shard_asset *x = &s->assets[i];
		const char *sym, *quality = NULL;
		int hp, st, days;
		json_int_t first, last;
		if (json_unpack(json_array_get(a, i), "{ss sb sb sI sI si s?s !}", "symbol", &sym, "has_prices", &hp,
				"stale", &st, "first", &first, "last", &last, "days", &days,
				"quality", &quality) != 0 ||
		    (quality != NULL && strlen(quality) >= QUALITY_NOTE_MAX))
			return -1;
		x->symbol = xstrdup(sym), x->has_prices = hp, x->stale = st;
		x->first = (cx_date)first, x->last = (cx_date)last, x->days = days;
		x->quality = quality != NULL ? xstrdup(quality) : NULL;
	}
	return 0;
}

static int read_lists(json_t *probs, json_t *pairs, struct shard_result *s)
{
	if (!json_is_array(probs) || !json_is_array(pairs))
		return -1;
	s->problems = xcalloc(json_array_size(probs) + 1, sizeof *s->problems);
	s->pairs = xcalloc(json_array_size(pairs) + 1, sizeof *s->pairs);
	for (size_t i = 0; i < json_array_size(probs); i++) {
		if (!json_is_string(json_array_get(probs, i)))
			return -1;
		s->problems[s->nproblems++] = xstrdup(json_string_value(json_array_get(probs, i)));
	}
	for (size_t i = 0; i < json_array_size(pairs); i++)
		if (read_pair(json_array_get(pairs, i), &s->pairs[s->npairs++]) != 0)
			return -1;
	return 0;
}

/* The heatmap written by heatmap_out; its symbols must be assets of the
 * shard, each once, at most CHART_HEATMAP_MAX. */
static int read_heatmap(json_t *o, struct shard_result *s)
{
	struct report_heatmap *h = &s->heatmap;
	json_t *syms, *r;
	size_t n, cell = 0;

	if (json_unpack(o, "{so so !}", "symbols", &syms, "r", &r) != 0 || !json_is_array(syms) ||
	    !json_is_array(r) || (n = json_array_size(syms)) > CHART_HEATMAP_MAX ||
	    json_array_size(r) != n * (n ? n - 1 : 0) / 2)
		return -1;
	h->n = n;
	h->r = xcalloc(n * n, sizeof *h->r);
	h->has_r = xcalloc(n * n, sizeof *h->has_r);
	for (size_t i = 0; i < n; i++) {
		const char *sym = json_string_value(json_array_get(syms, i));
		size_t k = 0;
		while (sym != NULL && k < s->nassets && strcmp(s->assets[k].symbol, sym) != 0)
			k++;
		if (sym == NULL || k == s->nassets || (i > 0 && k <= h->idx[i - 1]))
			return -1;    /* unknown, or not in asset order */
		h->idx[i] = k;
		h->r[i * n + i] = 1, h->has_r[i * n + i] = true;
	}
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++) {
			json_t *v = json_array_get(r, cell++);
			if (json_is_null(v))
				continue;
			if (!json_is_number(v))
				return -1;
			h->r[i * n + j] = h->r[j * n + i] = json_number_value(v);
			h->has_r[i * n + j] = h->has_r[j * n + i] = true;
		}
	return 0;
}

static int read_root(json_t *root, struct shard_result *s, const char *path, struct cx_error *e)
{
	int format, k, n;
	const char *job, *name, *sha;
	json_int_t as_of, watchlist;
	json_t *assets, *probs, *heat, *pairs;

	if (json_unpack(root, "{si}", "format", &format) == 0 && format != SHARD_FORMAT)
		return bad(e, path, "another format version");
	if (json_unpack(root, "{si ss ss ss sI si si sI so so so so !}", "format", &format, "job", &job,
			"job_name", &name, "job_sha256", &sha, "as_of", &as_of, "shard", &k, "of", &n,
			"watchlist", &watchlist, "assets", &assets, "problems", &probs, "heatmap", &heat,
			"pairs", &pairs) != 0)
		return bad(e, path, "missing or unexpected keys");
	if (n < 1 || n > SHARD_N_MAX || k < 1 || k > n || watchlist < 0 || strlen(sha) != 64)
		return bad(e, path, "shard, of, watchlist or job_sha256 out of range");
	s->job_path = xstrdup(job), s->job_name = xstrdup(name);
	snprintf(s->job_sha256, sizeof s->job_sha256, "%s", sha);
	s->as_of = (cx_date)as_of, s->spec.k = (unsigned)k, s->spec.n = (unsigned)n;
	s->watchlist = (size_t)watchlist;
	if (read_assets(assets, s) != 0 || read_lists(probs, pairs, s) != 0)
		return bad(e, path, "an asset, problem or pair is malformed");
	if (read_heatmap(heat, s) != 0)
		return bad(e, path, "the heatmap is malformed");
	return 0;
}

struct shard_result *shard_read(const char *dir, struct cx_error *e)
{
	char path[SHARD_PATH_MAX];
	struct stat st;
	json_error_t je;
	struct shard_result *s;
	json_t *root;

	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		cx_fail(e, CX_ENOINPUT, "%s: no such shard directory (did the shard fail?)", dir);
		return NULL;
	}
	snprintf(path, sizeof path, "%s/%s", dir, SHARD_FILE);
	if (stat(path, &st) != 0) {
		cx_fail(e, CX_ENOINPUT, "%s: no %s: not the directory of a finished shard (did the shard fail?)", dir, SHARD_FILE);
		return NULL;
	}
	if ((size_t)st.st_size > SHARD_FILE_MAX) {
		cx_fail(e, CX_EDATA, "%s: %lld bytes, more than a shard file may hold", path, (long long)st.st_size);
		return NULL;
	}
	if ((root = json_load_file(path, 0, &je)) == NULL) {
		cx_fail(e, CX_EDATA, "%s:%d: not a convex shard file: %s", path, je.line, je.text);
		return NULL;
	}
	s = xcalloc(1, sizeof *s);
	s->dir = xstrdup(dir);
	int rc = read_root(root, s, path, e);
	json_decref(root);
	if (rc != 0) {
		shard_result_free(s);
		return NULL;
	}
	return s;
}

void shard_result_free(struct shard_result *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->nassets; i++)
		free(s->assets[i].symbol), free(s->assets[i].quality);
	for (size_t i = 0; i < s->nproblems; i++)
		free(s->problems[i]);
	for (size_t i = 0; i < s->npairs; i++) {
		struct shard_pair *p = &s->pairs[i];
		free(p->id), free(p->a), free(p->b), free(p->reason);
		stats_release(&p->st);
	}
	free(s->assets), free(s->problems), free(s->pairs);
	report_heatmap_release(&s->heatmap);
	free(s->dir), free(s->job_path), free(s->job_name);
	free(s);
}

bool shard_same_inputs(const struct shard_result *x, const struct shard_result *y)
{
	if (x->nassets != y->nassets || x->nproblems != y->nproblems)
		return false;
	for (size_t i = 0; i < x->nassets; i++) {
		const struct shard_asset *a = &x->assets[i], *b = &y->assets[i];
		if (strcmp(a->symbol, b->symbol) || a->has_prices != b->has_prices || a->stale != b->stale ||
		    a->first != b->first || a->last != b->last || a->days != b->days ||
		    strcmp(a->quality ? a->quality : "", b->quality ? b->quality : ""))
			return false;
	}
	for (size_t i = 0; i < x->nproblems; i++)
		if (strcmp(x->problems[i], y->problems[i]))
			return false;
	const struct report_heatmap *g = &x->heatmap, *h = &y->heatmap;
	size_t nn = g->n * g->n;
	/* the values bit for bit: the same prices give the same bits */
	return g->n == h->n && !memcmp(g->idx, h->idx, g->n * sizeof *g->idx) &&
	       (nn == 0 || (!memcmp(g->has_r, h->has_r, nn * sizeof *g->has_r) &&
			    !memcmp(g->r, h->r, nn * sizeof *g->r)));
}
