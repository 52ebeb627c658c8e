/* stats_json.c - struct pair_stats -> jansson object (see stats_json.h).
 *
 * Every builder returns a new reference or NULL on out-of-memory; jansson's
 * json_object_set_new() and json_array_append_new() take a NULL value as an error and return -1, so a
 * failure anywhere surfaces as a non-zero `bad` count and the whole object
 * is dropped. */
#include <math.h>

#include "stats_json.h"

/* A JSON number, or null when there is no value (never NaN/inf). */
static json_t *num_or_null(bool has, double v)
{
	return has && isfinite(v) ? json_real(v) : json_null();
}

static json_t *int_or_null(bool has, size_t v)
{
	return has ? json_integer((json_int_t)v) : json_null();
}

static json_t *date_or_null(bool has, cx_date d)
{
	char buf[DATE_STR_SIZE];
	return has ? json_string(date_format(d, buf)) : json_null();
}

static int set(json_t *obj, const char *key, json_t *v)
{
	return json_object_set_new(obj, key, v) != 0;
}

static json_t *windows_obj(const struct pair_stats *s,
			   json_t *(*value)(const struct window_stat *))
{
	json_t *o = json_object();
	int bad = o == NULL;

	for (int w = 0; !bad && w < W_COUNT; w++)
		bad |= set(o, stats_window_key(w), value(&s->win[w]));
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *win_corr(const struct window_stat *w)
{
	return num_or_null(w->n > 0 && w->has_r, w->r);
}

static json_t *win_n(const struct window_stat *w)
{
	return int_or_null(w->n > 0, w->n);
}

static json_t *win_ci(const struct window_stat *w)
{
	if (w->n == 0 || !w->has_ci || !isfinite(w->ci_lo) || !isfinite(w->ci_hi))
		return json_null();
	return json_pack("[ff]", w->ci_lo, w->ci_hi);
}

static json_t *win_label(const struct window_stat *w)
{
	return w->n > 0 && w->has_r ? json_string(stats_label(w->r)) : json_null();
}

static json_t *one_year_obj(const struct pair_stats *s)
{
	bool ok = s->one_year.ok;
	json_t *o = json_object();
	int bad = o == NULL;

	if (!bad) {
		bad |= set(o, "r", num_or_null(ok && s->one_year.has_r, s->one_year.r));
		bad |= set(o, "r2", num_or_null(ok && s->one_year.has_r, s->one_year.r2));
		bad |= set(o, "beta", num_or_null(ok && s->one_year.has_beta,
						  s->one_year.beta));
		bad |= set(o, "vol_a", num_or_null(ok, s->one_year.vol_a));
		bad |= set(o, "vol_b", num_or_null(ok, s->one_year.vol_b));
		bad |= set(o, "n", int_or_null(ok, s->one_year.n));
	}
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *shift_obj(const struct pair_stats *s)
{
	json_t *o = json_object();
	int bad = o == NULL;

	if (!bad) {
		bad |= set(o, "delta", num_or_null(s->shift.has_delta, s->shift.delta));
		bad |= set(o, "baseline_r", num_or_null(s->shift.has_baseline,
							s->shift.baseline_r));
		bad |= set(o, "baseline_n", int_or_null(s->shift.baseline_n > 0,
							s->shift.baseline_n));
		bad |= set(o, "z", num_or_null(s->shift.has_z, s->shift.z));
		bad |= set(o, "p", num_or_null(s->shift.has_z, s->shift.p));
	}
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *years_arr(const struct pair_stats *s)
{
	json_t *a = json_array();
	int bad = a == NULL;

	for (size_t i = 0; !bad && i < s->nyears; i++) {
		const struct year_stat *y = &s->years[i];
		json_t *o = json_object();

		bad |= o == NULL || json_array_append_new(a, o) != 0;
		if (bad)
			break;
		bad |= set(o, "year", json_integer(y->year));
		bad |= set(o, "n", json_integer((json_int_t)y->n));
		bad |= set(o, "r", num_or_null(y->has_r, y->r));
	}
	if (bad) {
		json_decref(a);
		return NULL;
	}
	return a;
}

static json_t *extreme_obj(const struct roll_extreme *x)
{
	json_t *o = json_object();

	if (o == NULL || set(o, "r", num_or_null(x->ok, x->r)) ||
	    set(o, "end", date_or_null(x->ok, x->end))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *rolling_obj(const struct pair_stats *s)
{
	json_t *o = json_object();

	if (o == NULL || set(o, "max", extreme_obj(&s->roll_max)) ||
	    set(o, "min", extreme_obj(&s->roll_min))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *stats_to_json(const struct pair_stats *s)
{
	json_t *o = json_object();
	int bad = o == NULL;

	if (!bad) {
		bad |= set(o, "a", json_string(s->a));
		bad |= set(o, "b", json_string(s->b));
		bad |= set(o, "as_of", date_or_null(s->n > 0, s->as_of));
		bad |= set(o, "start", date_or_null(s->n > 0, s->start));
		bad |= set(o, "observations", json_integer((json_int_t)s->observations));
		bad |= set(o, "corr", windows_obj(s, win_corr));
		bad |= set(o, "n", windows_obj(s, win_n));
		bad |= set(o, "ci95", windows_obj(s, win_ci));
		bad |= set(o, "labels", windows_obj(s, win_label));
		bad |= set(o, "one_year", one_year_obj(s));
		bad |= set(o, "shift", shift_obj(s));
		bad |= set(o, "years", years_arr(s));
		bad |= set(o, "rolling90", rolling_obj(s));
	}
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}
