/* test_stats.c - the deep-dive statistics (stats.c, stats_json.c).
 *
 * Expected numbers come from hand calculations written next to each test, or
 * from a long-double two-pass reference written here (not from convex). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "stats_json.h"

/* cmocka 1.1's assert_float_equal works in float; this one in double, and
 * says which values differed. */
#define assert_double_equal(a, b, tol) \
	assert_near_at((a), (b), (tol), #a, __FILE__, __LINE__)

static void assert_near_at(double a, double b, double tol, const char *what,
			   const char *file, int line)
{
	if (!(fabs(a - b) <= tol)) {
		print_error("%s = %.17g, expected %.17g (tolerance %g)\n", what, a, b, tol);
		_fail(file, line);
	}
}

#define L 0.69314718055994530942 /* ln 2: the return of a price that doubles */

/* ---- hand-built series ------------------------------------------------- */

/* A series of n prices on consecutive days from `first`. Prices are powers
 * of two, so every return is exactly +ln2 or -ln2 (sign[i] for return i). */
struct hand {
	struct series s;
	char name[8];
};

static void hand_init(struct hand *h, const char *name, cx_date first,
		      const int *sign, size_t nret)
{
	snprintf(h->name, sizeof h->name, "%s", name);
	h->s.symbol = h->name;
	h->s.n = nret + 1;
	h->s.dates = malloc(h->s.n * sizeof *h->s.dates);
	h->s.close = malloc(h->s.n * sizeof *h->s.close);
	assert_non_null(h->s.dates);
	assert_non_null(h->s.close);
	h->s.dates[0] = first;
	h->s.close[0] = 1024;
	for (size_t i = 0; i < nret; i++) {
		h->s.dates[i + 1] = first + (cx_date)i + 1;
		h->s.close[i + 1] = sign[i] > 0 ? h->s.close[i] * 2 :
				    sign[i] < 0 ? h->s.close[i] / 2 : h->s.close[i];
	}
}

static void hand_release(struct hand *h)
{
	free(h->s.dates);
	free(h->s.close);
}

static void test_pearson_hand(void **state)
{
	(void)state;
	/* x = 1..5, y = 2 4 5 4 5: means 3 and 4; dx = -2 -1 0 1 2,
	 * dy = -2 0 1 0 1; sxy = 4+0+0+0+2 = 6, sxx = 10, syy = 6;
	 * r = 6 / sqrt(60) = 0.7745966692414834 */
	const double x[] = {1, 2, 3, 4, 5}, y[] = {2, 4, 5, 4, 5};
	const double neg[] = {-1, -2, -3, -4, -5}, flat[] = {7, 7, 7, 7, 7};
	double r = 42;

	assert_true(stats_pearson(x, y, 5, &r));
	assert_double_equal(r, 6 / sqrt(60), 1e-15);
	assert_true(stats_pearson(x, neg, 5, &r));
	assert_true(r == -1.0);
	assert_true(stats_pearson(x, x, 5, &r));
	assert_true(r == 1.0);
	r = 42;
	assert_false(stats_pearson(x, flat, 5, &r));
	assert_false(stats_pearson(flat, y, 5, &r));
	assert_false(stats_pearson(x, y, 1, &r));
	assert_true(r == 42);   /* left alone */
}

static void test_pearson_constant_not_exact_mean(void **state)
{
	(void)state;
	/* 0.1 repeated: the computed mean need not be exactly 0.1, so a check
	 * of the centred sum against zero could see tiny noise as variance. */
	double x[97], y[97], r;
	for (int i = 0; i < 97; i++) {
		x[i] = 0.1;
		y[i] = i % 3;
	}
	assert_false(stats_pearson(x, y, 97, &r));
	assert_false(stats_pearson(y, x, 97, &r));
}

static void test_labels(void **state)
{
	(void)state;
	static const struct { double r; const char *label; } table[] = {
		{0.0, "Essentially uncorrelated"},
		{0.1999, "Essentially uncorrelated"},
		{-0.1999, "Essentially uncorrelated"},
		{0.2, "Weak positive"},
		{0.3999, "Weak positive"},
		{0.4, "Moderate positive"},
		{-0.5999, "Moderate negative"},
		{-0.6, "Strong negative"},
		{-0.39, "Weak negative"},
		{0.545, "Moderate positive"},
		{-0.415, "Moderate negative"},
		{0.6, "Strong positive"},
		{0.7999, "Strong positive"},
		{0.8, "Very strong positive"},
		{-1.0, "Very strong negative"},
		{0.717, "Strong positive"},
		{0.183, "Essentially uncorrelated"},
	};
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		assert_string_equal(stats_label(table[i].r), table[i].label);
	assert_string_equal(stats_window_key(W_30D), "30d");
	assert_string_equal(stats_window_key(W_90D), "90d");
	assert_string_equal(stats_window_key(W_1Y), "1y");
	assert_string_equal(stats_window_key(W_5Y), "5y");
}

/* 95 returns; x alternates + - + - ...; y = x for returns 0..64 and -x for
 * 65..94 (the last 30). */
static void make_95(struct hand *a, struct hand *b, cx_date first)
{
	int sx[95], sy[95];
	for (int i = 0; i < 95; i++) {
		sx[i] = i % 2 == 0 ? 1 : -1;
		sy[i] = i < 65 ? sx[i] : -sx[i];
	}
	hand_init(a, "A", first, sx, 95);
	hand_init(b, "B", first, sy, 95);
}

static void test_windows_hand(void **state)
{
	(void)state;
	struct hand a, b;
	struct pair_stats s;
	struct cx_error e;
	cx_date first = date_from_ymd(2020, 1, 1);

	make_95(&a, &b, first);
	assert_int_equal(stats_compute(&a.s, &b.s, NULL, &s, &e), 0);
	assert_int_equal(s.observations, 95);
	assert_int_equal(s.n, 95);
	assert_int_equal(s.first_price, first);
	assert_int_equal(s.start, first + 1);
	assert_int_equal(s.as_of, first + 95);

	/* 30D = returns 65..94, where y = -x exactly: r = -1, no CI */
	assert_int_equal(s.win[W_30D].n, 30);
	assert_true(s.win[W_30D].has_r);
	assert_true(s.win[W_30D].r == -1.0);
	assert_false(s.win[W_30D].has_ci);

	/* 90D = returns 5..94: mean x = mean y = 0 (alternating, even count);
	 * 60 agree, 30 disagree: sxy = 30 L^2, sxx = syy = 90 L^2, r = 1/3 */
	assert_int_equal(s.win[W_90D].n, 90);
	assert_double_equal(s.win[W_90D].r, 1.0 / 3, 1e-14);
	/* CI: tanh(atanh(1/3) -+ 1.959963984540054/sqrt(87));
	 * atanh(1/3) = ln(2)/2 = 0.34657359027997264,
	 * 1.959963984540054/sqrt(87) = 0.21013113... */
	assert_true(s.win[W_90D].has_ci);
	assert_double_equal(s.win[W_90D].ci_lo,
			    tanh(0.34657359027997264 - 1.959963984540054 / sqrt(87)), 1e-14);
	assert_double_equal(s.win[W_90D].ci_hi,
			    tanh(0.34657359027997264 + 1.959963984540054 / sqrt(87)), 1e-14);

	/* 1Y not full: no value, no details */
	assert_int_equal(s.win[W_1Y].n, 0);
	assert_false(s.win[W_1Y].has_r);
	assert_false(s.one_year.ok);

	/* 5Y = all 95: x has 48 '+', 47 '-'; y: 0..64 gives 33 '+' 32 '-',
	 * 65..94 gives 15 '+' 15 '-': 48 '+' 47 '-'. Sum x = sum y = L.
	 * sxy = L^2 (65 - 30) - 95 (L/95)^2 = L^2 (35 - 1/95),
	 * sxx = syy = L^2 (95 - 1/95): r = (35*95 - 1) / (95^2 - 1) = 277/752 */
	assert_int_equal(s.win[W_5Y].n, 95);
	assert_double_equal(s.win[W_5Y].r, 277.0 / 752, 1e-14);

	/* shift: delta = 1/3 - 277/752; baseline needs 90 + 30 returns */
	assert_true(s.shift.has_delta);
	assert_double_equal(s.shift.delta, 1.0 / 3 - 277.0 / 752, 1e-14);
	assert_false(s.shift.has_baseline);
	assert_int_equal(s.shift.baseline_n, 0);
	assert_false(s.shift.has_z);

	/* one calendar year, 95 returns: the 5Y value again */
	assert_int_equal(s.nyears, 1);
	assert_int_equal(s.years[0].year, 2020);
	assert_int_equal(s.years[0].n, 95);
	assert_double_equal(s.years[0].r, 277.0 / 752, 1e-14);

	/* rolling 90, windows ending at i = 89..94 (returns i-89..i): mean x =
	 * 0; disagreeing returns 65..i, so sxy = L^2 (218 - 2i). Sum y = 0 for
	 * even i, 2L for odd i (syy = L^2 (90 - 4/90)). r(89) = 40/sqrt(8096)
	 * = 0.4445542..., the highest; r(94) = 30/90, the lowest. */
	assert_true(s.roll_max.ok && s.roll_min.ok);
	assert_double_equal(s.roll_max.r, 40 / sqrt(8096), 1e-14);
	assert_int_equal(s.roll_max.end, first + 1 + 89);
	assert_double_equal(s.roll_min.r, 1.0 / 3, 1e-14);
	assert_int_equal(s.roll_min.end, first + 1 + 94);

	/* stats_rolling agrees with the same hand values */
	double roll[95];
	bool ok[95];
	stats_rolling(&s, 90, roll, ok);
	assert_false(ok[88]);
	assert_true(ok[89] && ok[94]);
	assert_double_equal(roll[90], 38.0 / 90, 1e-14);
	assert_double_equal(roll[93], 32 / sqrt(8096), 1e-14);

	stats_release(&s);
	hand_release(&a);
	hand_release(&b);
}

static void test_shift_hand(void **state)
{
	(void)state;
	/* 150 returns; x alternates + - + -; y = x except on returns 45..59
	 * and 120..149, where y = -x.
	 * Baseline = returns 0..59: mean x = 0, sum y = 2L (0..44 gives +L,
	 *   45..59 gives +L); 45 agree, 15 disagree: sxy = 30 L^2,
	 *   sxx = 60 L^2, syy = L^2 (60 - 4/60): r = 30 / sqrt(3596), n = 60.
	 * 90D = returns 60..149: 60 agree, 30 disagree, means 0: r = 1/3.
	 * 5Y = all 150: sum y = 2L, 105 agree, 45 disagree: sxy = 60 L^2,
	 *   syy = L^2 (150 - 4/150): r = 60 / sqrt(22496).
	 * z = (atanh(1/3) - atanh(30/sqrt(3596))) / sqrt(1/87 + 1/57). */
	int sx[150], sy[150];
	struct hand a, b;
	struct pair_stats s;
	struct cx_error e;

	for (int i = 0; i < 150; i++) {
		sx[i] = i % 2 == 0 ? 1 : -1;
		sy[i] = (i >= 45 && i < 60) || i >= 120 ? -sx[i] : sx[i];
	}
	hand_init(&a, "A", date_from_ymd(2015, 7, 1), sx, 150);
	hand_init(&b, "B", date_from_ymd(2015, 7, 1), sy, 150);
	assert_int_equal(stats_compute(&a.s, &b.s, NULL, &s, &e), 0);
	double rb = 30 / sqrt(3596), r5 = 60 / sqrt(22496);
	double z = (atanh(1.0 / 3) - atanh(rb)) / sqrt(1.0 / 87 + 1.0 / 57);
	assert_double_equal(s.win[W_90D].r, 1.0 / 3, 1e-14);
	assert_double_equal(s.win[W_5Y].r, r5, 1e-14);
	assert_int_equal(s.win[W_5Y].n, 150);
	assert_true(s.shift.has_baseline);
	assert_int_equal(s.shift.baseline_n, 60);
	assert_double_equal(s.shift.baseline_r, rb, 1e-14);
	assert_double_equal(s.shift.delta, 1.0 / 3 - r5, 1e-14);
	assert_true(s.shift.has_z);
	assert_double_equal(s.shift.z, z, 1e-13);
	assert_double_equal(s.shift.p, erfc(fabs(z) / sqrt(2)), 1e-13);
	/* z is about -1.19, p about 0.233 (a sanity bound on the formula) */
	assert_true(s.shift.z < -1.19 && s.shift.z > -1.20);
	assert_true(s.shift.p > 0.233 && s.shift.p < 0.234);
	stats_release(&s);
	hand_release(&a);
	hand_release(&b);
}

static void test_rolling_ties_earliest(void **state)
{
	(void)state;
	/* 100 returns; x = + - + - (period 2), y = + + - - (period 4); a 90-day
	 * window starting at s is 22 full periods (sum xy = 0, sum y = 0) plus
	 * two returns of phases s, s+1 (mod 4): xy = -2 L^2 for s = 1 (mod 4),
	 * +2 L^2 for s = 3, 0 otherwise; mean x = mean y = 0. So r = +1/45 at
	 * s = 3, 7 (ends 92, 96), -1/45 at s = 1, 5, 9 (ends 90, 94, 98):
	 * identical windows, the earliest must win. */
	static const int py[4] = {1, 1, -1, -1};
	int sx[100], sy[100];
	struct hand a, b;
	struct pair_stats s;
	struct cx_error e;
	cx_date first = date_from_ymd(2021, 3, 1);

	for (int i = 0; i < 100; i++) {
		sx[i] = i % 2 == 0 ? 1 : -1;
		sy[i] = py[i % 4];
	}
	hand_init(&a, "X", first, sx, 100);
	hand_init(&b, "Y", first, sy, 100);
	assert_int_equal(stats_compute(&a.s, &b.s, NULL, &s, &e), 0);
	assert_double_equal(s.roll_max.r, 1.0 / 45, 1e-15);
	assert_int_equal(s.roll_max.end, first + 1 + 92);
	assert_double_equal(s.roll_min.r, -1.0 / 45, 1e-15);
	assert_int_equal(s.roll_min.end, first + 1 + 90);
	stats_release(&s);
	hand_release(&a);
	hand_release(&b);
}

static void test_zero_variance(void **state)
{
	(void)state;
	/* A moves for 260 returns, then its price is stale for 40 days. */
	int sx[300], sy[300];
	struct hand a, b;
	struct pair_stats s;
	struct cx_error e;

	for (int i = 0; i < 300; i++) {
		sx[i] = i >= 260 ? 0 : i % 3 == 0 ? 1 : -1;
		sy[i] = i % 2 == 0 ? 1 : -1;
	}
	hand_init(&a, "STALE", date_from_ymd(2019, 6, 1), sx, 300);
	hand_init(&b, "B", date_from_ymd(2019, 6, 1), sy, 300);
	assert_int_equal(stats_compute(&a.s, &b.s, NULL, &s, &e), 0);
	assert_int_equal(s.win[W_30D].n, 30);
	assert_false(s.win[W_30D].has_r);
	assert_false(s.win[W_30D].has_ci);
	assert_true(s.win[W_90D].has_r);
	assert_true(s.one_year.ok);
	assert_true(s.one_year.has_beta);
	/* every 90-day window still holds some of A's moves */
	assert_true(s.roll_max.ok);

	json_t *j = stats_to_json(&s);
	assert_non_null(j);
	char *text = json_dumps(j, STATS_JSON_FLAGS);
	assert_non_null(text);
	assert_non_null(strstr(text, "\"corr\":{\"30d\":null,"));
	assert_non_null(strstr(text, "\"labels\":{\"30d\":null,"));
	assert_non_null(strstr(text, "\"ci95\":{\"30d\":null,"));
	assert_null(strstr(text, "nan"));
	assert_null(strstr(text, "NaN"));
	assert_null(strstr(text, "inf"));
	free(text);
	json_decref(j);
	stats_release(&s);
	hand_release(&a);
	hand_release(&b);
}

static void test_identical_r_one(void **state)
{
	(void)state;
	/* B = A: every r is exactly 1 (sxy = sxx = syy), so no CI and no z */
	int sx[400];
	struct hand a, b;
	struct pair_stats s;
	struct cx_error e;

	for (int i = 0; i < 400; i++)
		sx[i] = (i * 7) % 5 < 2 ? 1 : -1;
	hand_init(&a, "A", date_from_ymd(2018, 1, 1), sx, 400);
	hand_init(&b, "B", date_from_ymd(2018, 1, 1), sx, 400);
	assert_int_equal(stats_compute(&a.s, &b.s, NULL, &s, &e), 0);
	for (int w = 0; w < W_COUNT; w++) {
		assert_true(s.win[w].has_r);
		assert_true(s.win[w].r == 1.0);
		assert_false(s.win[w].has_ci);
	}
	assert_true(s.shift.has_delta);
	assert_true(s.shift.delta == 0.0);
	assert_true(s.shift.has_baseline);
	assert_int_equal(s.shift.baseline_n, 400 - 90);
	assert_false(s.shift.has_z);
	assert_true(s.one_year.r2 == 1.0);
	assert_double_equal(s.one_year.beta, 1.0, 1e-15);
	assert_double_equal(s.one_year.vol_a, s.one_year.vol_b, 0);
	stats_release(&s);
	hand_release(&a);
	hand_release(&b);
}

static void test_feb29_as_of(void **state)
{
	(void)state;
	/* daily prices 2022-01-01 .. 2024-12-31 */
	cx_date first = date_from_ymd(2022, 1, 1);
	size_t nret = (size_t)(date_from_ymd(2024, 12, 31) - first);
	int *sx = malloc(nret * sizeof *sx), *sy = malloc(nret * sizeof *sy);
	struct hand a, b;
	struct pair_stats s;
	struct cx_error e;
	struct stats_opts o = {date_from_ymd(2024, 2, 29), 1};

	assert_non_null(sx);
	assert_non_null(sy);
	for (size_t i = 0; i < nret; i++) {
		sx[i] = i % 2 ? 1 : -1;
		sy[i] = i % 3 ? 1 : -1;
	}
	hand_init(&a, "A", first, sx, nret);
	hand_init(&b, "B", first, sy, nret);

	/* one year before 2024-02-29 is 2023-02-28: the history is the returns
	 * dated 2023-03-01 .. 2024-02-29 = 306 + 31 + 29 = 366 returns */
	assert_int_equal(stats_compute(&a.s, &b.s, &o, &s, &e), 0);
	assert_int_equal(s.as_of, date_from_ymd(2024, 2, 29));
	assert_int_equal(s.start, date_from_ymd(2023, 3, 1));
	assert_int_equal(s.first_price, date_from_ymd(2023, 2, 28));
	assert_int_equal(s.observations, 366);
	assert_int_equal(s.nyears, 2);
	assert_int_equal(s.years[0].year, 2024);
	assert_int_equal(s.years[0].n, 60);
	assert_int_equal(s.years[1].year, 2023);
	assert_int_equal(s.years[1].n, 306);
	stats_release(&s);

	/* as-of 2024-01-10, 4 years: cutoff 2020-01-10 is before the data, so
	 * the history starts with the first return; 2024 has 10 returns: below
	 * 20, no r */
	o = (struct stats_opts){date_from_ymd(2024, 1, 10), 4};
	assert_int_equal(stats_compute(&a.s, &b.s, &o, &s, &e), 0);
	assert_int_equal(s.start, first + 1);
	assert_int_equal(s.first_price, first);
	assert_int_equal(s.years[0].year, 2024);
	assert_int_equal(s.years[0].n, 10);
	assert_false(s.years[0].has_r);
	assert_true(s.years[1].has_r);
	stats_release(&s);
	hand_release(&a);
	hand_release(&b);
	free(sx);
	free(sy);
}

static void test_errors(void **state)
{
	(void)state;
	int sx[10] = {1, -1, 1, -1, 1, -1, 1, -1, 1, -1};
	struct hand a, b;
	struct pair_stats s;
	struct cx_error e;
	struct stats_opts o = {date_from_ymd(2010, 1, 1), 5};

	/* disjoint dates */
	hand_init(&a, "AAA", date_from_ymd(2020, 1, 1), sx, 10);
	hand_init(&b, "BBB", date_from_ymd(2020, 2, 1), sx, 10);
	assert_int_equal(stats_compute(&a.s, &b.s, NULL, &s, &e), -1);
	assert_int_equal(e.code, CX_EDATA);
	assert_non_null(strstr(e.msg, "AAA/BBB"));
	stats_release(&s);
	hand_release(&b);

	/* as-of before the data */
	hand_init(&b, "BBB", date_from_ymd(2020, 1, 1), sx, 10);
	assert_int_equal(stats_compute(&a.s, &b.s, &o, &s, &e), -1);
	assert_int_equal(e.code, CX_EDATA);
	assert_non_null(strstr(e.msg, "AAA/BBB"));
	assert_non_null(strstr(e.msg, "2010-01-01"));
	stats_release(&s);

	/* two returns: no window, no year value, JSON full of nulls */
	o = (struct stats_opts){date_from_ymd(2020, 1, 3), 5};
	assert_int_equal(stats_compute(&a.s, &b.s, &o, &s, &e), 0);
	assert_int_equal(s.observations, 2);
	assert_int_equal(s.nyears, 1);
	assert_int_equal(s.years[0].n, 2);
	assert_false(s.years[0].has_r);
	for (int w = 0; w < W_COUNT; w++)
		assert_int_equal(s.win[w].n, 0);
	json_t *j = stats_to_json(&s);
	char *text = json_dumps(j, STATS_JSON_FLAGS);
	assert_string_equal(text,
		"{\"a\":\"AAA\",\"b\":\"BBB\",\"as_of\":\"2020-01-03\","
		"\"start\":\"2020-01-02\",\"observations\":2,"
		"\"corr\":{\"30d\":null,\"90d\":null,\"1y\":null,\"5y\":null},"
		"\"n\":{\"30d\":null,\"90d\":null,\"1y\":null,\"5y\":null},"
		"\"ci95\":{\"30d\":null,\"90d\":null,\"1y\":null,\"5y\":null},"
		"\"labels\":{\"30d\":null,\"90d\":null,\"1y\":null,\"5y\":null},"
		"\"one_year\":{\"r\":null,\"r2\":null,\"beta\":null,\"vol_a\":null,"
		"\"vol_b\":null,\"n\":null},"
		"\"shift\":{\"delta\":null,\"baseline_r\":null,\"baseline_n\":null,"
		"\"z\":null,\"p\":null},"
		"\"years\":[{\"year\":2020,\"n\":2,\"r\":null}],"
		"\"rolling90\":{\"max\":{\"r\":null,\"end\":null},"
		"\"min\":{\"r\":null,\"end\":null}}}");
	free(text);
	json_decref(j);
	stats_release(&s);
	hand_release(&a);
	hand_release(&b);
}

/* ---- the real data against a long-double reference ----------------------- */

/* The wide sample file, read by a parser just big enough for it (no
 * missing values, no quotes), so this test does not depend on prices.c. */
#define REF_ROWS_MAX 4000
#define REF_COLS_MAX 32
#define REF_LINE_MAX 4096

struct wide {
	size_t rows, cols;
	char dates[REF_ROWS_MAX][DATE_STR_SIZE];
	char names[REF_COLS_MAX][16];
	double price[REF_COLS_MAX][REF_ROWS_MAX];
	struct series s[REF_COLS_MAX];
	cx_date d[REF_ROWS_MAX];
};

static struct wide *wide_load(const char *rel)
{
	char path[1024], line[REF_LINE_MAX];
	struct wide *w = calloc(1, sizeof *w);
	FILE *f;

	assert_non_null(w);
	snprintf(path, sizeof path, "%s/%s", CONVEX_SRCDIR, rel);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof line, f));
	line[strcspn(line, "\r\n")] = '\0';
	for (char *tok = strtok(line, ","); (tok = strtok(NULL, ",")) != NULL;)
		snprintf(w->names[w->cols++], sizeof w->names[0], "%s", tok);
	while (fgets(line, sizeof line, f) != NULL && w->rows < REF_ROWS_MAX) {
		char *tok = strtok(line, ",\r\n");
		memcpy(w->dates[w->rows], tok, DATE_STR_SIZE);
		w->dates[w->rows][10] = '\0';
		assert_true(date_parse(tok, 10, &w->d[w->rows]));
		for (size_t c = 0; c < w->cols; c++)
			w->price[c][w->rows] = strtod(strtok(NULL, ",\r\n"), NULL);
		w->rows++;
	}
	fclose(f);
	for (size_t c = 0; c < w->cols; c++)
		w->s[c] = (struct series){w->names[c], w->d, w->price[c], w->rows};
	return w;
}

static long double ref_corr(const long double *x, const long double *y, size_t n)
{
	long double mx = 0, my = 0, sxx = 0, syy = 0, sxy = 0;
	for (size_t i = 0; i < n; i++)
		mx += x[i], my += y[i];
	mx /= n, my /= n;
	for (size_t i = 0; i < n; i++) {
		sxx += (x[i] - mx) * (x[i] - mx);
		syy += (y[i] - my) * (y[i] - my);
		sxy += (x[i] - mx) * (y[i] - my);
	}
	return sxy / sqrtl(sxx * syy);
}

static long double ref_sd(const long double *x, size_t n)
{
	long double m = 0, ss = 0;
	for (size_t i = 0; i < n; i++)
		m += x[i];
	m /= n;
	for (size_t i = 0; i < n; i++)
		ss += (x[i] - m) * (x[i] - m);
	return sqrtl(ss / (n - 1));
}

#define TOL 1e-12

/* Compare every statistic of columns ca/cb (default options) with the
 * reference. The history is found from the date strings: returns dated
 * after the same month-day five years before the last date. */
static void check_pair(const struct wide *w, size_t ca, size_t cb)
{
	static long double x[REF_ROWS_MAX], y[REF_ROWS_MAX];
	char cutoff[DATE_STR_SIZE];
	size_t first = 1, n, k = w->rows - 1;
	struct pair_stats s;
	struct cx_error e;

	char year[5];
	snprintf(year, sizeof year, "%04u", (unsigned)(atoi(w->dates[k]) - 5) % 10000u);
	memcpy(cutoff, w->dates[k], sizeof cutoff);
	memcpy(cutoff, year, 4);   /* same month and day, five years earlier */
	while (strcmp(w->dates[first], cutoff) <= 0)
		first++;
	n = k - first + 1;
	for (size_t i = 0; i < n; i++) {
		size_t t = first + i;
		x[i] = logl((long double)w->price[ca][t] / w->price[ca][t - 1]);
		y[i] = logl((long double)w->price[cb][t] / w->price[cb][t - 1]);
	}
	assert_int_equal(stats_compute(&w->s[ca], &w->s[cb], NULL, &s, &e), 0);
	assert_int_equal(s.n, n);
	assert_string_equal(s.a, w->names[ca]);

	static const size_t len[W_COUNT] = {30, 90, 252, 1260};
	for (int win = 0; win < W_COUNT; win++) {
		size_t m = len[win] < n ? len[win] : n;
		assert_int_equal(s.win[win].n, m);
		assert_double_equal(s.win[win].r, (double)ref_corr(x + n - m, y + n - m, m), TOL);
	}
	size_t m5 = n < 1260 ? n : 1260;
	assert_double_equal(s.shift.baseline_r,
			    (double)ref_corr(x + n - m5, y + n - m5, m5 - 90), TOL);

	long double sa = ref_sd(x + n - 252, 252), sb = ref_sd(y + n - 252, 252);
	long double r1 = ref_corr(x + n - 252, y + n - 252, 252);
	assert_double_equal(s.one_year.vol_a, (double)sa, TOL);
	assert_double_equal(s.one_year.vol_b, (double)sb, TOL);
	assert_double_equal(s.one_year.beta, (double)(r1 * sa / sb), TOL);

	for (size_t yi = 0, end = n; yi < s.nyears; yi++) {
		size_t begin = end;
		while (begin > 0 && atoi(w->dates[first + begin - 1]) == s.years[yi].year)
			begin--;
		assert_int_equal(s.years[yi].n, end - begin);
		if (end - begin >= 20)
			assert_double_equal(s.years[yi].r,
					    (double)ref_corr(x + begin, y + begin, end - begin), TOL);
		end = begin;
	}

	double *roll = malloc(n * sizeof *roll);
	bool *ok = malloc(n * sizeof *ok);
	long double hi = -2, lo = 2;
	assert_non_null(roll);
	assert_non_null(ok);
	stats_rolling(&s, 90, roll, ok);
	for (size_t i = 89; i < n; i++) {
		long double r = ref_corr(x + i - 89, y + i - 89, 90);
		assert_true(ok[i]);
		assert_double_equal(roll[i], (double)r, TOL);
		hi = r > hi ? r : hi;
		lo = r < lo ? r : lo;
	}
	assert_double_equal(s.roll_max.r, (double)hi, TOL);
	assert_double_equal(s.roll_min.r, (double)lo, TOL);
	free(roll);
	free(ok);
	stats_release(&s);
}

static void test_reference_swx(void **state)
{
	(void)state;
	struct wide *w = wide_load("jobs/demo/prices/swx.csv");
	assert_int_equal(w->cols, 6);
	for (size_t a = 0; a < w->cols; a++)
		for (size_t b = a + 1; b < w->cols; b++)
			check_pair(w, a, b);
	free(w);
}

static void test_reference_dow(void **state)
{
	(void)state;
	struct wide *w = wide_load("jobs/demo/prices/dowjones30.csv");
	assert_int_equal(w->cols, 30);
	/* a spread of pairs: every symbol against the next and one far away */
	for (size_t a = 0; a < w->cols; a++) {
		check_pair(w, a, (a + 1) % w->cols);
		check_pair(w, a, (a + 13) % w->cols);
	}
	free(w);
}

/* ---- every rolling window against the two-pass definition ----------------
 *
 * stats_rolling slides its sums; here each window is recomputed from
 * scratch in long double (two passes) from the same returns, and must agree
 * within 1e-12, with no value exactly where the window is constant. */
static void check_rolling_windows(const struct pair_stats *s, size_t w)
{
	double *roll = malloc((s->n + 1) * sizeof *roll);
	bool *ok = malloc((s->n + 1) * sizeof *ok);
	static long double x[REF_ROWS_MAX], y[REF_ROWS_MAX];

	assert_non_null(roll);
	assert_non_null(ok);
	assert_true(s->n <= REF_ROWS_MAX);
	for (size_t i = 0; i < s->n; i++)
		x[i] = s->ra[i], y[i] = s->rb[i];
	stats_rolling(s, w, roll, ok);
	for (size_t i = 0; i < s->n; i++) {
		bool vx = false, vy = false;
		for (size_t k = i + 1 >= w ? i + 1 - w : 0; k < i && i + 1 >= w; k++) {
			vx = vx || s->ra[k] != s->ra[i];
			vy = vy || s->rb[k] != s->rb[i];
		}
		if (!(vx && vy)) {
			if (ok[i])
				fail_msg("window %zu of %zu ending at %zu: constant, got r %.17g",
					 w, s->n, i, roll[i]);
			continue;
		}
		assert_true(ok[i]);
		long double r = ref_corr(x + i + 1 - w, y + i + 1 - w, w);
		assert_double_equal(roll[i], (double)r, TOL);
	}
	free(roll);
	free(ok);
}

static void test_rolling_every_window_dow(void **state)
{
	(void)state;
	struct wide *w = wide_load("jobs/demo/prices/dowjones30.csv");
	static const size_t lens[] = {2, 30, 90, 252};
	size_t pairs = 0;

	for (size_t a = 0; a < w->cols; a++)
		for (size_t b = a + 1; b < w->cols; b++) {
			struct pair_stats s;
			struct cx_error e;

			assert_int_equal(stats_compute(&w->s[a], &w->s[b], NULL, &s, &e), 0);
			for (size_t k = 0; k < sizeof lens / sizeof lens[0]; k++)
				check_rolling_windows(&s, lens[k]);
			stats_release(&s);
			pairs++;
		}
	assert_int_equal(pairs, 435);
	free(w);
}

/* stats_month_ends: one value per calendar month, on the month's last
 * return (and the history's last), each the two-pass r of the 90 returns
 * ending there within 1e-12; stats_drop_history keeps them and n. */
static void test_month_ends(void **state)
{
	(void)state;
	struct wide *w = wide_load("jobs/demo/prices/dowjones30.csv");
	struct pair_stats s;
	struct cx_error e;

	assert_int_equal(stats_compute(&w->s[0], &w->s[1], NULL, &s, &e), 0);
	stats_month_ends(&s);
	assert_true(s.nmonths > 12);
	size_t k = 0;
	for (size_t i = 89; i < s.n; i++) {
		int y0, m0, d0, y1 = 0, m1 = 0, d1;
		date_to_ymd(s.dates[i], &y0, &m0, &d0);
		if (i + 1 < s.n)
			date_to_ymd(s.dates[i + 1], &y1, &m1, &d1);
		if (i + 1 < s.n && y1 == y0 && m1 == m0)
			continue;
		double r;
		assert_true(stats_pearson(s.ra + i - 89, s.rb + i - 89, 90, &r));
		assert_true(k < s.nmonths);
		assert_int_equal(s.months[k].end, s.dates[i]);
		assert_true(fabs(s.months[k].r - r) <= 1e-12);
		k++;
	}
	assert_int_equal(k, s.nmonths);
	size_t n = s.n, nm = s.nmonths;
	stats_drop_history(&s);
	assert_null(s.dates);
	assert_null(s.ra);
	assert_int_equal(s.n, n);
	assert_int_equal(s.nmonths, nm);
	stats_release(&s);
	free(w);
}

/* Returns computed once per symbol (stats_returns, as stats --pair all
 * does) give every pair the very bits of the returns computed per pair. */
static void test_shared_returns_same_bits(void **state)
{
	(void)state;
	struct wide *w = wide_load("jobs/demo/prices/dowjones30.csv");
	double *ret[2];

	for (size_t a = 0; a + 1 < w->cols; a += 3) {
		size_t b = w->cols - 1 - a / 3;
		struct pair_stats s1, s2;
		struct cx_error e;

		ret[0] = stats_returns(&w->s[a]);
		ret[1] = stats_returns(&w->s[b]);
		assert_int_equal(stats_compute(&w->s[a], &w->s[b], NULL, &s1, &e), 0);
		assert_int_equal(stats_compute_returns(&w->s[a], ret[0], &w->s[b], ret[1], NULL,
						       &s2, &e), 0);
		assert_int_equal(s1.n, s2.n);
		assert_memory_equal(s1.ra, s2.ra, s1.n * sizeof *s1.ra);
		assert_memory_equal(s1.rb, s2.rb, s1.n * sizeof *s1.rb);
		assert_memory_equal(s1.win, s2.win, sizeof s1.win);
		assert_memory_equal(&s1.roll_max, &s2.roll_max, sizeof s1.roll_max);
		assert_memory_equal(&s1.roll_min, &s2.roll_min, sizeof s1.roll_min);
		/* and against the definition: ln(P_t / P_{t-1}) of the last day */
		assert_true(s1.ra[s1.n - 1] == log(w->s[a].close[w->s[a].n - 1] /
						   w->s[a].close[w->s[a].n - 2]));
		stats_release(&s1);
		stats_release(&s2);
		free(ret[0]);
		free(ret[1]);
	}
	free(w);
}

/* Deterministic noise in [-1, 1) (xorshift64). */
static double noise(uint64_t *st)
{
	*st ^= *st << 13;
	*st ^= *st >> 7;
	*st ^= *st << 17;
	return (double)(*st >> 11) / 4503599627370496.0 - 1.0;
}

/* Series built to defeat running sums: volatility that collapses by 10^6
 * when a storm leaves the window, stale stretches (exact zeros) just
 * shorter and longer than the window, a drift much larger than the noise,
 * |r| close to 1, an offset 10^6 times the noise, and near-constant
 * series (a money-market fund: a wobble 10^5 times smaller than the level). */
static void test_rolling_every_window_hard(void **state)
{
	(void)state;
	enum { N = 3000 };
	static double ra[N], rb[N];
	static const size_t lens[] = {2, 30, 90, 252};
	uint64_t st = 0x9e3779b97f4a7c15u;

	for (int kind = 0; kind < 7; kind++) {
		for (size_t i = 0; i < N; i++) {
			double e1 = noise(&st), e2 = noise(&st);
			switch (kind) {
			case 0: { /* storms of 0.3 and calms of 1e-7 */
				double scale = (i / 150) % 2 == 0 ? 0.3 : 1e-7;
				ra[i] = scale * e1;
				rb[i] = scale * (0.5 * e1 + e2);
				break;
			}
			case 1: { /* stale runs of 29, 30, 31, 89, 90, 91, 251, 252, 253 */
				static const size_t runs[] = {29, 30, 31, 89, 90, 91, 251, 252, 253};
				size_t pos = i % 1200, at = 0, r = 0;
				bool stale = false;
				for (; r < 9 && !stale; r++) {
					stale = pos >= at + 20 && pos < at + 20 + runs[r];
					at += 20 + runs[r];
				}
				ra[i] = stale ? 0 : 0.02 * e1;
				rb[i] = stale && r % 2 ? 0.001 : 0.01 * (e1 + e2);
				break;
			}
			case 2: /* a drift 10^4 times the noise */
				ra[i] = 0.01 + 1e-6 * e1 + 1e-9 * (double)i;
				rb[i] = -0.02 + 1e-6 * (e1 - e2);
				break;
			case 3: /* r within 1e-9 of 1 and of -1 */
				ra[i] = 0.01 * e1;
				rb[i] = (i / 500 % 2 ? -1 : 1) * (ra[i] + 1e-11 * e2);
				break;
			case 5: /* an offset 10^6 times the noise, changing sign */
				ra[i] = (i / 700 % 2 ? -1e3 : 1e3) + 1e-3 * e1;
				rb[i] = 5e2 + 1e-3 * (0.3 * e1 + e2);
				break;
			case 6: /* near-constant: 10^-4 a day with a wobble of 10^-9 */
				ra[i] = 1e-4 + 1e-9 * e1;
				rb[i] = -3e-4 + 1e-9 * (0.2 * e1 + e2);
				break;
			default: /* a price jump of 20x next to quiet days */
				ra[i] = i % 400 == 7 ? 3.0 : 1e-4 * e1;
				rb[i] = i % 400 == 7 ? -2.5 : 1e-4 * e2;
				break;
			}
		}
		struct pair_stats s = {.ra = ra, .rb = rb, .n = N};
		for (size_t k = 0; k < sizeof lens / sizeof lens[0]; k++)
			check_rolling_windows(&s, lens[k]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pearson_hand),
		cmocka_unit_test(test_pearson_constant_not_exact_mean),
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_windows_hand),
		cmocka_unit_test(test_shift_hand),
		cmocka_unit_test(test_rolling_ties_earliest),
		cmocka_unit_test(test_zero_variance),
		cmocka_unit_test(test_identical_r_one),
		cmocka_unit_test(test_feb29_as_of),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_reference_swx),
		cmocka_unit_test(test_reference_dow),
		cmocka_unit_test(test_rolling_every_window_dow),
		cmocka_unit_test(test_shared_returns_same_bits),
		cmocka_unit_test(test_month_ends),
		cmocka_unit_test(test_rolling_every_window_hard),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
