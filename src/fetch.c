/* fetch.c - refresh the price store from a job's HTTP sources: decide what
 * is due, ask conditionally and concurrently (http.h), check what came
 * back, merge it (store.h). See fetch.h for the rules. */
#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "csv.h"
#include "fetch.h"
#include "xalloc.h"
#include "log.h"
#include "plausible.h"
#include "progress.h"

/* Bytes of a URL after expanding the template (and the key). */
#define FETCH_URL_MAX STORE_URL_MAX
/* Bytes of an API key taken from the environment. */
#define FETCH_KEY_MAX 512
/* What replaces an API key in every URL that is shown or stored. */
#define FETCH_REDACTED "REDACTED"

/* One item while it is being fetched. */
struct work {
	struct fetch_item *item;
	const struct job_source *src;
	const char *ticker;
	struct store_fetch prev;
	char real_url[FETCH_URL_MAX];
	char header[FETCH_KEY_MAX + 64];
	bool ask;
	bool repair;         /* refetch from scratch: the body replaces all */
	const struct plausible_opts *q;
};

void fetch_opts_init(struct fetch_opts *o)
{
	memset(o, 0, sizeof *o);
	http_opts_init(&o->http);
	o->http.timeout_ms = 0;   /* the job's (fetch_on) */
	o->http.deadline_ms = 0;
}

void fetch_report_release(struct fetch_report *r)
{
	free(r->items);
	r->items = NULL;
	r->n = r->failed = r->unusable = 0;
}

const char *fetch_status_name(enum fetch_status s)
{
	static const char *const names[] = {
		[FETCH_FRESH] = "fresh (not asked)",
		[FETCH_NOT_MODIFIED] = "not modified",
		[FETCH_UPDATED] = "updated",
		[FETCH_FAILED] = "failed",
		[FETCH_OFFLINE] = "offline (not asked)",
	};
	return names[s];
}

/* What an update did, after "+N rows". */
static void print_update(FILE *f, const struct fetch_item *it)
{
	fprintf(f, " (+%zu rows", it->added);
	if (it->corrected > 0)
		fprintf(f, ", %zu corrected", it->corrected);
	if (it->deleted > 0)
		fprintf(f, ", %zu deleted", it->deleted);
	if (it->adjusted > 0)
		fprintf(f, ", re-adjusted x%.6g", it->ratio);
	if (it->future > 0)
		fprintf(f, ", %zu future-dated refused", it->future);
	if (it->suspects > 0)
		fprintf(f, ", %zu suspect day%s", it->suspects, it->suspects == 1 ? "" : "s");
	fputc(')', f);
}

void fetch_report_print(FILE *f, const struct fetch_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		const struct fetch_item *it = &r->items[i];
		fprintf(f, "%s: %s", it->name, fetch_status_name(it->status));
		if (it->status == FETCH_UPDATED)
			print_update(f, it);
		else if (it->status == FETCH_FAILED)
			fprintf(f, " (%s)", it->why.msg);
		fputc('\n', f);
	}
}

/* ---- URLs -------------------------------------------------------------- */

/* Append `s` to the URL being built; false when it does not fit. */
static bool url_put(char *buf, size_t *len, const char *s)
{
	size_t n = strlen(s);

	if (*len + n + 1 > FETCH_URL_MAX)
		return false;
	memcpy(buf + *len, s, n + 1);
	*len += n;
	return true;
}

/* Expand {symbol}, {start}, {end} of the template into buf. */
static bool url_expand(const char *tpl, const char *ticker, cx_date start,
		       cx_date end, char *buf)
{
	char *esc = http_escape(ticker), ds[DATE_STR_SIZE], one[2] = {0};
	size_t len = 0;
	bool ok = true;

	buf[0] = '\0';
	while (ok && *tpl) {
		if (strncmp(tpl, "{symbol}", 8) == 0) {
			ok = url_put(buf, &len, esc);
			tpl += 8;
		} else if (strncmp(tpl, "{start}", 7) == 0) {
			ok = url_put(buf, &len, date_format(start, ds));
			tpl += 7;
		} else if (strncmp(tpl, "{end}", 5) == 0) {
			ok = url_put(buf, &len, date_format(end, ds));
			tpl += 5;
		} else {
			one[0] = *tpl++;
			ok = url_put(buf, &len, one);
		}
	}
	free(esc);
	return ok;
}

/* Add the API key: a query parameter (the shown URL gets FETCH_REDACTED)
 * or a header line. Returns 0 or -1 with `e` set (CX_ECONFIG). */
static int add_key(struct work *w, const char *shown, struct cx_error *e)
{
	const struct job_source *src = w->src;
	const char *key = getenv(src->api_key_env);
	char *esc;
	int n;

	if (key == NULL || key[0] == '\0')
		return cx_fail(e, CX_ECONFIG, "source \"%s\": environment variable %s (the API key) is not set",
			       src->name, src->api_key_env);
	if (strlen(key) >= FETCH_KEY_MAX || strpbrk(key, "\r\n") != NULL)
		return cx_fail(e, CX_ECONFIG, "source \"%s\": the API key in %s is too long or holds a line end",
			       src->name, src->api_key_env);
	if (src->api_key_header != NULL) {
		snprintf(w->header, sizeof w->header, "%s: %s", src->api_key_header, key);
		return 0;
	}
	esc = http_escape(key);
	n = snprintf(w->real_url, sizeof w->real_url, "%s%c%s=%s", shown,
		     strchr(shown, '?') ? '&' : '?', src->api_key_param, esc);
	free(esc);
	if (n >= (int)sizeof w->real_url)
		return cx_fail(e, CX_ECONFIG, "source \"%s\": URL too long", src->name);
	n = snprintf(w->item->url, sizeof w->item->url, "%s%c%s=" FETCH_REDACTED,
		     shown, strchr(shown, '?') ? '&' : '?', src->api_key_param);
	return n >= (int)sizeof w->item->url ? cx_fail(e, CX_ECONFIG, "source \"%s\": URL too long", src->name) : 0;
}

static cx_date today(int64_t now)
{
	return (cx_date)(now / 86400);
}

/* Build the item's URLs: {start} reaches back FETCH_OVERLAP_DAYS before
 * the last stored date, or the job's lookback (+1 year) without one. */
static int build_urls(struct work *w, const struct job *j, cx_date last,
		      cx_date as_of, int64_t now, struct cx_error *e)
{
	cx_date start = last > 0 ? last - FETCH_OVERLAP_DAYS
				 : date_minus_years(as_of, j->analysis.lookback_years + 1);
	char shown[FETCH_URL_MAX];

	if (!url_expand(w->src->url, w->ticker, start, today(now), shown))
		return cx_fail(e, CX_ECONFIG, "source \"%s\": URL too long", w->src->name);
	snprintf(w->real_url, sizeof w->real_url, "%s", shown);
	snprintf(w->item->url, sizeof w->item->url, "%s", shown);
	if (w->src->api_key_env != NULL)
		return add_key(w, shown, e);
	return 0;
}

/* ---- checking a body --------------------------------------------------- */

/* What the header of a body says. */
struct shape {
	enum prices_layout layout;
	size_t ncols;
	size_t value_col, symbol_col;
	char name[PRICES_SYMBOL_MAX + 1];  /* the series' name in the file */
};

static bool field_is(const struct csv_record *r, size_t i, const char *name)
{
	return strcasecmp(r->field[i], name) == 0;
}

static size_t find_col(const struct csv_record *r, const char *const *names)
{
	for (; *names; names++)
		for (size_t i = 0; i < r->n; i++)
			if (field_is(r, i, *names))
				return i;
	return SIZE_MAX;
}

/* Read the header: the layout (as the loader would guess it, unless the
 * job says), where the value is, and whether it is the wanted series. */
static int shape_of(const struct csv_record *h, const struct work *w,
		    const char *url, struct shape *s, struct cx_error *e)
{
	static const char *const symbol_names[] = {"symbol", "ticker", NULL};
	static const char *const close_names[] = {"adj close", "adjclose", "adj_close", "close", NULL};

	s->ncols = h->n;
	s->symbol_col = find_col(h, symbol_names);
	s->value_col = find_col(h, close_names);
	s->layout = w->src->layout;
	if (s->layout == PRICES_AUTO)
		s->layout = s->symbol_col != SIZE_MAX ? PRICES_LONG
			  : s->value_col != SIZE_MAX ? PRICES_OHLC : PRICES_WIDE;
	snprintf(s->name, sizeof s->name, "%s", w->ticker);
	if (s->layout == PRICES_WIDE) {
		s->value_col = SIZE_MAX;
		for (size_t i = 1; i < h->n; i++)
			if (field_is(h, i, w->ticker))
				s->value_col = i;
		if (s->value_col == SIZE_MAX)
			return cx_fail(e, CX_EDATA, "%s: CSV of another series: header \"%s%s%s\" has no column \"%s\"",
				       url, h->field[0], h->n > 1 ? "," : "",
				       h->n > 1 ? h->field[1] : "", w->ticker);
		snprintf(s->name, sizeof s->name, "%s", h->field[s->value_col]);
	}
	if (s->value_col == SIZE_MAX)
		return cx_fail(e, CX_EDATA, "%s: not a %s price file: no close column in the header",
			       url, prices_layout_name(s->layout));
	if (s->layout == PRICES_LONG && s->symbol_col == SIZE_MAX)
		return cx_fail(e, CX_EDATA, "%s: not a long price file: no symbol column in the header",
			       url);
	return 0;
}

static bool missing_value(const char *s)
{
	static const char *const names[] = {"", "na", "n/a", "null", "nan", "."};

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcasecmp(s, names[i]) == 0)
			return true;
	return false;
}

/* One data row: complete, of the wanted symbol, a plausible price. */
static int check_row(const struct csv_record *r, const struct shape *s,
		     const struct work *w, const char *url, struct cx_error *e)
{
	const char *v;
	char *end;
	double x;

	if (r->n != s->ncols)
		return cx_fail(e, CX_EDATA, "%s:%ld: truncated or malformed: %zu fields, the header has %zu",
			       url, r->line, r->n, s->ncols);
	if (s->layout == PRICES_LONG && strcasecmp(r->field[s->symbol_col], w->ticker) != 0)
		return cx_fail(e, CX_EDATA, "%s:%ld: CSV of another symbol: \"%s\", expected \"%s\"",
			       url, r->line, r->field[s->symbol_col], w->ticker);
	v = r->field[s->value_col];
	if (missing_value(v))
		return 0;
	x = strtod(v, &end);
	if (end == v || *end != '\0')
		return 0;  /* not a number: the loader names it */
	if (!(x > 0 && x <= FETCH_PRICE_MAX))
		return cx_fail(e, CX_EDATA, "%s:%ld: price \"%s\" for \"%s\" is out of the plausible range (0, %g]",
			       url, r->line, v, w->item->symbol, FETCH_PRICE_MAX);
	return 0;
}

/* The checks that need no parsing of prices: not empty, not HTML, ends
 * with a line end. */
static int check_envelope(const struct http_request *r, const char *url,
			  struct cx_error *e)
{
	const char *p, *end;

	/* An empty body has no buffer (http.h): NULL + 0 is undefined. A
	 * spooled body (http.h) is looked at through its first head_len
	 * bytes, its last byte and whether it holds a NUL anywhere. */
	if (r->body == NULL || r->len == 0)
		return cx_fail(e, CX_EDATA, "%s: empty response", url);
	p = r->body;
	end = r->body + r->head_len;
	if (r->head_len >= 2 && (unsigned char)p[0] == 0x1f && (unsigned char)p[1] == 0x8b)
		return cx_fail(e, CX_EDATA, "%s: compressed body without Content-Encoding (gzip data)", url);
	if ((r->head_len >= 2 && (memcmp(p, "\xFF\xFE", 2) == 0 || memcmp(p, "\xFE\xFF", 2) == 0)) ||
	    r->has_nul)
		return cx_fail(e, CX_EDATA, "%s: not UTF-8 (UTF-16?): the body holds NUL bytes", url);
	if (r->head_len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	if (strncasecmp(p, "Exceeded the daily hits limit", 29) == 0)
		return cx_fail(e, CX_EUNAVAILABLE, "%s: Stooq daily limit reached (\"Exceeded the daily hits limit\")", url);
	if (r->len - (size_t)(p - r->body) < 64 && strncasecmp(p, "No data", 7) == 0)
		return cx_fail(e, CX_EDATA, "%s: no data for symbol (the source answered \"No data\")", url);
	while (p < end && isspace((unsigned char)*p))
		p++;
	if (p == end && r->head_len == r->len)
		return cx_fail(e, CX_EDATA, "%s: empty response", url);
	if (*p == '<' || strstr(r->content_type, "html") != NULL)
		return cx_fail(e, CX_EDATA, "%s: an HTML page (%s), not CSV",
			       url, r->content_type[0] ? r->content_type : "no content type");
	if (r->last != '\n')
		return cx_fail(e, CX_EDATA, "%s: truncated: the last line has no line end", url);
	return 0;
}

/* Scan the body record by record (csv.h) before the loader sees it. */
static int check_body(const struct http_request *r, const struct work *w,
		      struct shape *s, struct cx_error *e)
{
	const char *url = w->item->url;
	struct csv_reader *rd;
	struct csv_record rec;
	size_t rows = 0;
	int rc;

	if (check_envelope(r, url, e) != 0)
		return -1;
	if (r->spool == NULL) {
		rd = csv_new_buffer(url, r->body, r->len);
	} else if ((rd = csv_new_file(r->spool, e)) == NULL) {
		return -1;
	} else {
		csv_set_name(rd, url);
	}
	rc = csv_next(rd, &rec, e);
	if (rc == 1)
		rc = shape_of(&rec, w, url, s, e) == 0 ? 1 : -1;
	while (rc == 1 && (rc = csv_next(rd, &rec, e)) == 1) {
		rows++;
		if (check_row(&rec, s, w, url, e) != 0)
			rc = -1;
		else if (rows == 1 && s->layout == PRICES_LONG)
			snprintf(s->name, sizeof s->name, "%s", rec.field[s->symbol_col]);
	}
	csv_free(rd);
	if (rc == 0 && rows == 0)
		return cx_fail(e, CX_EDATA, "%s: no prices in the response", url);
	return rc == 0 ? 0 : -1;
}

/* Ratio of two positive prices, >= 1. */
static double jump(double a, double b)
{
	return a > b ? a / b : b / a;
}

/* Index of the last stored row dated <= d, or SIZE_MAX. */
static size_t stored_at_or_before(const struct store_row *rows, size_t n, cx_date d)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (rows[mid].date <= d)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo == 0 ? SIZE_MAX : lo - 1;
}

static int jump_fail(const char *url, const char *sym, cx_date d, double from,
		     double to, struct cx_error *e)
{
	char ds[DATE_STR_SIZE];

	return cx_fail(e, CX_EDATA, "%s: price of \"%s\" on %s jumps from %.10g to %.10g (more than %gx)",
		       url, sym, date_format(d, ds), from, to, FETCH_JUMP_MAX);
}

/* No price may be FETCH_JUMP_MAX times away from the one before it in the
 * body, nor from its stored neighbours. */
static int check_jumps(const struct series *ser, const struct store_row *old,
		       size_t nold, const struct work *w, struct cx_error *e)
{
	const char *url = w->item->url, *sym = w->item->symbol;

	for (size_t i = 0; i < ser->n; i++) {
		size_t k = stored_at_or_before(old, nold, ser->dates[i]);
		size_t next = k == SIZE_MAX ? 0 : k + 1;
		if (i > 0 && jump(ser->close[i - 1], ser->close[i]) > FETCH_JUMP_MAX)
			return jump_fail(url, sym, ser->dates[i], ser->close[i - 1], ser->close[i], e);
		if (k != SIZE_MAX && jump(old[k].close, ser->close[i]) > FETCH_JUMP_MAX)
			return jump_fail(url, sym, ser->dates[i], old[k].close, ser->close[i], e);
		if (next < nold && jump(old[next].close, ser->close[i]) > FETCH_JUMP_MAX)
			return jump_fail(url, sym, old[next].date, ser->close[i], old[next].close, e);
	}
	return 0;
}

/* Check a 200's body and load it into `tmp`: the series to merge (owned
 * by tmp), or NULL with `e` set. */
static const struct series *parse_body(const struct http_request *r,
				       const struct work *w,
				       struct prices *tmp, struct cx_error *e)
{
	struct prices_opts po = {NULL, PRICES_AUTO};
	const struct series *ser;
	struct shape s;

	if (check_body(r, w, &s, e) != 0)
		return NULL;
	po.layout = s.layout;
	po.symbol = s.layout == PRICES_OHLC ? s.name : NULL;
	if (r->spool != NULL ? prices_load_named(tmp, w->item->url, r->spool, &po, e) != 0
	    : prices_load_buffer(tmp, w->item->url, r->body, r->len, &po, e) != 0)
		return NULL;
	ser = prices_find(tmp, s.name);
	if (ser == NULL || ser->n == 0) {
		cx_fail(e, CX_EDATA, "%s: no prices for \"%s\" in the response", w->item->url, s.name);
		return NULL;
	}
	return ser;
}

const struct series *fetch_check_response(const struct job_source *src,
					  const char *symbol,
					  const char *ticker,
					  const char *url,
					  const struct http_request *r,
					  struct prices *p,
					  struct cx_error *e)
{
	struct fetch_item it = {.source = src->name, .symbol = symbol};
	struct work w = {.item = &it, .src = src, .ticker = ticker};
	const struct series *ser;

	snprintf(it.url, sizeof it.url, "%s", url);
	ser = parse_body(r, &w, p, e);
	if (ser != NULL && check_jumps(ser, NULL, 0, &w, e) != 0)
		return NULL;
	return ser;
}

/* Copy the series' first `n` rows as store rows (caller frees). */
static struct store_row *to_rows(const struct series *ser, size_t n)
{
	struct store_row *rows = xcalloc(n ? n : 1, sizeof *rows);

	for (size_t i = 0; i < n; i++)
		rows[i] = (struct store_row){ser->dates[i], ser->close[i]};
	return rows;
}

/* Rows after the last acceptable date are refused (plausible.h); returns
 * how many rows remain, 0 with `e` set when none does. */
static size_t refuse_future(const struct series *ser, const struct work *w,
			    int64_t now, struct cx_error *e)
{
	cx_date limit = plausible_date_limit(now, w->q->future_days);
	size_t k = plausible_first_after(ser->dates, ser->n, limit);
	char ds[DATE_STR_SIZE], ls[DATE_STR_SIZE];

	if (k == ser->n)
		return k;
	w->item->future = ser->n - k;
	log_warn("%s: %zu row%s dated after %s refused (first: %s)", w->item->name,
		 ser->n - k, ser->n - k == 1 ? "" : "s", date_format(limit, ls),
		 date_format(ser->dates[k], ds));
	if (k == 0)
		cx_fail(e, CX_EDATA, "%s: every row is dated after %s", w->item->url, ls);
	return k;
}

/* Whether the store already holds this close on this date. */
static bool stored_same(const struct store_row *old, size_t nold, cx_date d, double c)
{
	size_t k = stored_at_or_before(old, nold, d);

	return k != SIZE_MAX && old[k].date == d && old[k].close == c;
}

/* Log the suspect days among the new or changed rows (the run applies the
 * policy; a day already stored was reported when it came). */
static void note_suspects(const struct series *ser, size_t n,
			  const struct store_row *old, size_t nold,
			  const struct work *w)
{
	struct plausible_flag *fl = NULL;
	size_t nf = plausible_scan(ser->dates, ser->close, n, w->q, &fl);
	char ds[DATE_STR_SIZE];

	for (size_t i = 0; i < nf; i++) {
		if (stored_same(old, nold, fl[i].date, fl[i].at))
			continue;
		w->item->suspects++;
		log_warn("%s: %s on %s: %.10g -> %.10g", w->item->name,
			 plausible_kind_name(fl[i].kind), date_format(fl[i].date, ds),
			 fl[i].before, fl[i].at);
	}
	free(fl);
}

/* A body that disagrees with the stored history is kept apart. */
static int quarantine(struct store *st, const struct work *w,
		      const struct store_row *rows, size_t n,
		      const struct plausible_overlap *ov, int64_t now,
		      struct cx_error *e)
{
	char why[CX_ERRMSG_MAX];

	snprintf(why, sizeof why, "disagrees with the stored history on %zu of %zu common days, "
		 "not by one ratio: most likely another series; kept apart (quarantine), not merged",
		 ov->disagree, ov->common);
	w->item->quarantined = true;
	if (store_quarantine(st, w->item->source, w->item->symbol, rows, n, w->item->url, why, now, e) != 0)
		return -1;
	return cx_fail(e, CX_EDATA, "%s: %s", w->item->url, why);
}

/* Check a 200's body, then merge it into the store: future rows refused,
 * another series quarantined, a re-adjustment applied as one event, the
 * stored rows the body no longer has deleted. */
static int take_body(struct store *st, struct work *w,
		     const struct http_request *r, int64_t now,
		     struct cx_error *e)
{
	struct fetch_item *it = w->item;
	struct prices *tmp = prices_new();
	struct store_row *old = NULL, *rows = NULL;
	struct store_fetch f = {0};
	struct store_merge_result res;
	struct store_merge_opts mo = {0, w->repair, 1.0};
	struct plausible_overlap ov;
	const struct series *ser;
	size_t nold = 0, n;
	int rc = -1;

	if ((ser = parse_body(r, w, tmp, e)) == NULL || (n = refuse_future(ser, w, now, e)) == 0)
		goto done;
	if (store_rows(st, it->symbol, &old, &nold, e) != 0)
		goto done;
	rows = to_rows(ser, n);
	if (!w->repair) {
		cx_date *od = xcalloc(nold ? nold : 1, sizeof *od);
		double *oc = xcalloc(nold ? nold : 1, sizeof *oc);
		for (size_t i = 0; i < nold; i++) {
			od[i] = old[i].date;
			oc[i] = old[i].close;
		}
		plausible_compare(od, oc, nold, ser->dates, ser->close, n, w->q, &ov);
		free(od);
		free(oc);
		if (ov.other_series) {
			quarantine(st, w, rows, n, &ov, now, e);
			goto done;
		}
		if (ov.readjusted)
			mo.ratio = ov.ratio;
		else if (check_jumps(ser, old, nold, w, e) != 0)
			goto done;
		mo.delete_from = rows[0].date;
	}
	note_suspects(ser, n, old, nold, w);
	f.known = true;
	snprintf(f.url, sizeof f.url, "%s", it->url);
	snprintf(f.etag, sizeof f.etag, "%s", r->etag);
	snprintf(f.last_modified, sizeof f.last_modified, "%s", r->last_modified);
	f.fetched_at = now;
	if (store_merge(st, it->source, it->symbol, rows, n, &f, &mo, &res, e) != 0)
		goto done;
	it->added = res.added;
	it->corrected = res.corrected;
	it->deleted = res.deleted;
	it->adjusted = res.adjusted;
	it->ratio = mo.ratio;
	rc = 0;
done:
	free(old);
	free(rows);
	prices_free(tmp);
	return rc;
}

/* ---- the run --------------------------------------------------------- */

static void item_fail(struct fetch_item *it, const struct cx_error *why)
{
	it->status = FETCH_FAILED;
	it->why = *why;
}

/* A 304 keeps the stored rows; the validators may be refreshed. */
static int take_not_modified(struct store *st, struct work *w,
			     const struct http_request *r, int64_t now,
			     struct cx_error *e)
{
	struct store_fetch f = w->prev;

	snprintf(f.url, sizeof f.url, "%s", w->item->url);
	if (r->etag[0])
		snprintf(f.etag, sizeof f.etag, "%s", r->etag);
	if (r->last_modified[0])
		snprintf(f.last_modified, sizeof f.last_modified, "%s", r->last_modified);
	f.fetched_at = now;
	return store_touch(st, w->item->source, w->item->symbol, &f, e);
}

static void take_response(struct store *st, struct work *w,
			  const struct http_request *r, int64_t now)
{
	struct cx_error e = {0};

	if (r->err.code != CX_OK) {
		item_fail(w->item, &r->err);
	} else if (r->status == 304) {
		if (take_not_modified(st, w, r, now, &e) == 0)
			w->item->status = FETCH_NOT_MODIFIED;
		else
			item_fail(w->item, &e);
	} else if (take_body(st, w, r, now, &e) == 0) {
		w->item->status = FETCH_UPDATED;
	} else {
		item_fail(w->item, &e);
	}
}

/* Fill the items, one per source symbol, and decide which to ask. */
static int plan_items(const struct job *j, struct store *st,
		      const struct fetch_opts *o, int64_t now, cx_date as_of,
		      struct work **out, struct fetch_report *rep,
		      struct cx_error *e)
{
	size_t n = 0, k = 0;
	struct work *ws;

	for (size_t s = 0; s < j->nsources; s++)
		n += j->sources[s].nsymbols;
	rep->items = xcalloc(n, sizeof *rep->items);
	ws = xcalloc(n, sizeof *ws);
	rep->n = n;
	*out = ws;
	for (size_t s = 0; s < j->nsources; s++) {
		const struct job_source *src = &j->sources[s];
		for (size_t i = 0; i < src->nsymbols; i++, k++) {
			struct work *w = &ws[k];
			const struct job_asset *a = job_find_asset(j, src->symbols[i]);
			struct store_row *rows = NULL;
			size_t nrows = 0;
			struct cx_error ue = {0};

			w->item = &rep->items[k];
			w->src = src;
			w->ticker = a != NULL && a->ticker != NULL ? a->ticker : src->symbols[i];
			w->item->source = src->name;
			w->item->symbol = src->symbols[i];
			w->q = &j->quality;
			w->repair = o->repair != NULL && strcmp(o->repair, w->item->symbol) == 0;
			if (strcmp(w->ticker, w->item->symbol) != 0)
				snprintf(w->item->name, sizeof w->item->name, "%s %s (%s)",
					 src->name, w->item->symbol, w->ticker);
			else
				snprintf(w->item->name, sizeof w->item->name, "%s %s",
					 src->name, w->item->symbol);
			if (store_get_fetch(st, src->name, w->item->symbol, &w->prev, e) != 0 ||
			    store_rows(st, w->item->symbol, &rows, &nrows, e) != 0)
				return -1;
			cx_date last = nrows && !w->repair ? rows[nrows - 1].date : 0;
			free(rows);
			if (build_urls(w, j, last, as_of, now, &ue) != 0) {
				item_fail(w->item, &ue);
				continue;
			}
			if (o->offline)
				w->item->status = FETCH_OFFLINE;
			else if (!o->force && !w->repair && w->prev.known &&
				 now - w->prev.fetched_at < (int64_t)j->store.max_age_hours * 3600)
				w->item->status = FETCH_FRESH;
			else
				w->ask = true;
		}
	}
	return 0;
}

/* Where each answer goes as soon as it is final (http_opts.on_done). */
struct answers {
	struct store *st;
	struct work *ws;
	struct http_request *rq;
	size_t *idx;
	int64_t now;
	struct progress *pg;          /* one step per answer */
};

/* One answer: checked and merged in its own transaction right away, so a
 * kill keeps every answer finished before it. */
static void on_answer(struct http_request *r, void *ctx)
{
	struct answers *a = ctx;

	take_response(a->st, &a->ws[a->idx[r - a->rq]], r, a->now);
	progress_step(a->pg);
}

/* Ask every due item at once and take the answers as they come. */
static int ask_items(struct store *st, struct work *ws, size_t n,
		     const struct fetch_opts *o, int64_t now, struct cx_error *e)
{
	struct http_request *rq = xcalloc(n ? n : 1, sizeof *rq);
	size_t *idx = xcalloc(n ? n : 1, sizeof *idx), m = 0;
	struct progress pg;
	struct answers ans = {.st = st, .ws = ws, .rq = rq, .idx = idx, .now = now, .pg = &pg};
	struct http_opts ho = o->http;
	int rc;

	for (size_t i = 0; i < n; i++) {
		struct work *w = &ws[i];
		bool same_url = !w->repair && w->prev.known && strcmp(w->prev.url, w->item->url) == 0;
		if (!w->ask)
			continue;
		rq[m] = (struct http_request){
			.url = w->real_url,
			.display_url = w->item->url,
			.if_none_match = same_url ? w->prev.etag : NULL,
			.if_modified_since = same_url ? w->prev.last_modified : NULL,
			.extra_header = w->header[0] ? w->header : NULL,
		};
		idx[m++] = i;
	}
	ho.on_done = on_answer;
	ho.ctx = &ans;
	progress_init(&pg, "fetch", m);
	rc = m ? http_perform(rq, m, &ho, e) : 0;
	progress_release(&pg);
	for (size_t i = 0; i < m; i++)
		http_request_release(&rq[i]);
	free(rq);
	free(idx);
	return rc;
}

/* After the fetch: how much the store holds and whether it is enough. */
static int sum_up(struct store *st, const struct job *j, cx_date as_of,
		  struct fetch_report *rep, struct cx_error *e)
{
	for (size_t i = 0; i < rep->n; i++) {
		struct fetch_item *it = &rep->items[i];
		struct store_row *rows = NULL;
		size_t n = 0;

		if (store_rows(st, it->symbol, &rows, &n, e) != 0)
			return -1;
		it->stored = n;
		it->last = n ? rows[n - 1].date : 0;
		it->usable = n > 0 && as_of - it->last <= j->analysis.stale_days;
		free(rows);
		rep->failed += it->status == FETCH_FAILED;
		rep->unusable += !it->usable;
	}
	return 0;
}

static cx_date as_of_of(const struct job *j, const struct fetch_opts *o, int64_t now)
{
	if (o->as_of != 0)
		return o->as_of;
	return j->analysis.as_of != 0 ? j->analysis.as_of : today(now);
}

/* Open and lock the job's store; offline, only open it: reading sees the
 * last committed state (WAL) and never waits on a fetch's lock. */
static struct store *open_store(const struct job *j, bool offline,
				struct cx_error *e)
{
	struct store *st = store_open(j->store.path, e);

	if (st != NULL && !offline && store_lock(st, e) != 0) {
		store_close(st);
		return NULL;
	}
	return st;
}

/* The fetch on an open store. */
static int fetch_on(struct store *st, const struct job *j,
		    const struct fetch_opts *given, struct fetch_report *rep,
		    struct cx_error *e)
{
	struct fetch_opts job_o = *given, *o = &job_o;

	/* Bodies are spooled next to the store (http.h), not held in memory;
	 * named after it, so that its next fetch removes what a kill left. */
	if (o->http.spool_prefix == NULL)
		o->http.spool_prefix = store_spool_prefix(st);
	/* 0: the job's <store timeout deadline> */
	if (o->http.timeout_ms == 0)
		o->http.timeout_ms = j->store.timeout_s * 1000L;
	if (o->http.deadline_ms == 0)
		o->http.deadline_ms = j->store.deadline_s * 1000L;
	if (o->http.connect_timeout_ms > o->http.timeout_ms)
		o->http.connect_timeout_ms = o->http.timeout_ms;
	int64_t now = o->now ? o->now : (int64_t)time(NULL);
	cx_date as_of = as_of_of(j, o, now);
	struct work *ws = NULL;
	int rc;

	rc = plan_items(j, st, o, now, as_of, &ws, rep, e);
	if (rc == 0)
		rc = ask_items(st, ws, rep->n, o, now, e);
	if (rc == 0)
		rc = sum_up(st, j, as_of, rep, e);
	free(ws);
	return rc;
}

int fetch_job(const struct job *j, const struct fetch_opts *o,
	      struct fetch_report *rep, struct cx_error *e)
{
	struct store *st;
	int rc;

	memset(rep, 0, sizeof *rep);
	if ((st = open_store(j, o->offline, e)) == NULL)
		return -1;
	rc = fetch_on(st, j, o, rep, e);
	store_close(st);
	return rc;
}

/* Add one item's stored rows to the run's prices. */
static int add_stored(struct store *st, const struct fetch_item *it,
		      struct prices *p, struct cx_error *e)
{
	struct store_row *rows = NULL;
	cx_date *dates = NULL;
	double *close = NULL;
	size_t n = 0;
	int rc = -1;

	if (store_rows(st, it->symbol, &rows, &n, e) != 0)
		return -1;
	dates = xcalloc(n, sizeof *dates);
	close = xcalloc(n, sizeof *close);
	for (size_t i = 0; i < n; i++) {
		dates[i] = rows[i].date;
		close[i] = rows[i].close;
	}
	rc = prices_add(p, it->symbol, dates, close, n, it->source, e);
	free(rows);
	free(dates);
	free(close);
	return rc;
}

static void say_unusable(const struct fetch_item *it, cx_date as_of)
{
	char ds[DATE_STR_SIZE], as[DATE_STR_SIZE];

	if (it->last == 0)
		log_warn("%s: no stored prices; its pairs are skipped", it->name);
	else
		log_warn("%s: stored prices end on %s, too old for %s; its pairs are skipped",
			 it->name, date_format(it->last, ds), date_format(as_of, as));
}

int fetch_job_prices(const struct job *j, struct prices *p,
		     const struct fetch_opts *o, struct fetch_report *rep,
		     struct cx_error *e)
{
	int64_t now = o->now ? o->now : (int64_t)time(NULL);
	cx_date as_of = as_of_of(j, o, now);
	struct store *st;
	int rc;

	memset(rep, 0, sizeof *rep);
	if ((st = open_store(j, o->offline, e)) == NULL)
		return -1;
	rc = fetch_on(st, j, o, rep, e);
	for (size_t i = 0; rc == 0 && i < rep->n; i++) {
		const struct fetch_item *it = &rep->items[i];
		if (!it->usable) {
			say_unusable(it, as_of);
			continue;
		}
		rc = add_stored(st, it, p, e);
	}
	store_close(st);
	return rc;
}
