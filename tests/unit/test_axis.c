/* test_axis.c - tick tables: the correlation axis, nice linear steps and
 * date axes from one to thirty years, with labels that never crowd. Text is
 * measured by a canvas whose characters are all 4 points wide, so expected
 * steps follow by hand: "2019" is 16 pt, "Mar 2024" 32 pt. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "axis.h"

static double mono_width(void *impl, const char *s)
{
	(void)impl;
	return 4.0 * (double)strlen(s);
}

static struct canvas mono(void)
{
	static struct canvas_ops ops;
	ops.text_width = mono_width;
	return (struct canvas){&ops, NULL, 500, 300};
}

static void test_corr_axis(void **state)
{
	(void)state;
	struct axis a;
	/* 200 pt: 0.2 is 20 pt apart, more than a 6 pt label + 3. */
	axis_corr(200, 6, 3, &a);
	assert_int_equal(a.n, 11);
	assert_true(fabs(a.step - 0.2) < 1e-12);
	assert_string_equal(a.t[0].label, "-1.0");
	assert_string_equal(a.t[5].label, "0");
	assert_string_equal(a.t[10].label, "1.0");
	assert_true(fabs(a.t[3].v - -0.4) < 1e-12);
	/* 60 pt: 0.2 -> 6 pt (too close), 0.5 -> 15 pt. */
	axis_corr(60, 6, 3, &a);
	assert_int_equal(a.n, 5);
	assert_string_equal(a.t[1].label, "-0.5");
	/* 10 pt: only -1, 0, 1 remain. */
	axis_corr(10, 6, 3, &a);
	assert_int_equal(a.n, 3);
	assert_string_equal(a.t[0].label, "-1");
}

static void check_linear(const struct axis *a, double lo, double hi,
			 double length, double min_gap)
{
	assert_true(a->n >= 2);
	assert_true(a->lo <= lo && a->hi >= hi);
	double gap = a->step / (a->hi - a->lo) * length;
	for (size_t i = 0; i < a->n; i++) {
		double k = a->t[i].v / a->step;
		assert_true(fabs(k - round(k)) < 1e-9);
		assert_true(mono_width(NULL, a->t[i].label) + min_gap <= gap);
	}
}

static void test_linear_axis(void **state)
{
	(void)state;
	struct canvas c = mono();
	struct axis a;
	/* Returns in %, -3.7..2.6 on 400 pt: 0.1 (6 pt), 0.2 (12 pt), 0.25
	 * (15 pt) are closer than "-3.5" (16 pt) + 8; 0.5 over -4..3 is 28.6. */
	axis_linear(&c, -3.7, 2.6, 400, 8, true, "", &a);
	assert_true(fabs(a.step - 0.5) < 1e-12);
	assert_true(fabs(a.lo - -4) < 1e-12 && fabs(a.hi - 3) < 1e-12);
	assert_int_equal(a.n, 15);
	assert_string_equal(a.t[0].label, "-4.0");
	check_linear(&a, -3.7, 2.6, 400, 8);
	/* On 100 pt, step 1 gives 14 pt < 8 + 8: 2 gives 25 pt (-4..4). */
	axis_linear(&c, -3.7, 2.6, 100, 8, true, "", &a);
	assert_true(fabs(a.step - 2.0) < 1e-12);
	check_linear(&a, -3.7, 2.6, 100, 8);
	/* Small values: 0.25 steps get two decimals. */
	axis_linear(&c, -0.31, 0.36, 300, 8, true, "%", &a);
	check_linear(&a, -0.31, 0.36, 300, 8);
	assert_true(fabs(a.step - 0.1) < 1e-12);
	assert_string_equal(a.t[0].label, "-0.4%");
	/* 0..1 on 60 pt: 0.25 is 15 pt < "0.25" + 4; 0.5 is 30 pt. */
	axis_linear(&c, 0, 1, 60, 4, true, "", &a);
	assert_true(fabs(a.step - 0.5) < 1e-12);
	assert_string_equal(a.t[1].label, "0.5");
	/* Without extension the ticks stay inside lo..hi. */
	axis_linear(&c, 0.3, 9.6, 100, 8, false, "", &a);
	assert_true(fabs(a.step - 2) < 1e-12);
	assert_true(fabs(a.lo - 0.3) < 1e-12);
	assert_string_equal(a.t[0].label, "2");
	assert_string_equal(a.t[a.n - 1].label, "8");
	/* Degenerate input still gives an axis. */
	axis_linear(&c, 2, 2, 100, 4, true, "", &a);
	assert_true(a.lo < 2 && a.hi > 2 && a.n >= 2);
	axis_linear(&c, NAN, 1, 100, 4, true, "", &a);
	assert_true(a.n >= 2);
}

static size_t labelled(const struct axis *a)
{
	size_t n = 0;
	for (size_t i = 0; i < a->n; i++)
		n += a->t[i].labelled;
	return n;
}

/* Labelled ticks are at least their width + gap apart. */
static void check_spacing(const struct axis *a, double length, double gap)
{
	double last = -1e9;
	for (size_t i = 0; i < a->n; i++) {
		assert_true(a->t[i].v >= a->lo && a->t[i].v <= a->hi);
		if (!a->t[i].labelled)
			continue;
		double x = (a->t[i].v - a->lo) / (a->hi - a->lo) * length;
		assert_true(x - last >= mono_width(NULL, a->t[i].label) + gap - 1e-9);
		last = x;
	}
}

static void test_date_axis(void **state)
{
	(void)state;
	struct canvas c = mono();
	struct axis a;
	/* Five years on 440 pt: a year is 88 pt, "2020" needs 16 + 10. */
	axis_dates(&c, date_from_ymd(2019, 6, 3), date_from_ymd(2024, 5, 31), 440, 10, &a);
	assert_int_equal(labelled(&a), 5);
	assert_string_equal(a.t[0].label, "2020");
	assert_int_equal(a.t[0].v, date_from_ymd(2020, 1, 1));
	check_spacing(&a, 440, 10);
	/* Thirty years on 440 pt: 14.7 pt a year; every 2 years is 29 pt >= 26. */
	axis_dates(&c, date_from_ymd(1994, 5, 2), date_from_ymd(2024, 5, 31), 440, 10, &a);
	check_spacing(&a, 440, 10);
	assert_int_equal(labelled(&a), 15);
	assert_string_equal(a.t[1].label, "1996");
	assert_int_equal(a.n, 30);   /* a minor tick every year */
	/* ... and on 200 pt every 5 years (2 years = 13 pt). */
	axis_dates(&c, date_from_ymd(1994, 5, 2), date_from_ymd(2024, 5, 31), 200, 10, &a);
	check_spacing(&a, 200, 10);
	assert_string_equal(a.t[0].label, "1995");
	assert_int_equal(labelled(&a), 6);
	/* One year: months. 440 pt / 12 = 36 pt < 42 for "Mar 2024": quarters. */
	axis_dates(&c, date_from_ymd(2023, 3, 15), date_from_ymd(2024, 3, 15), 440, 10, &a);
	check_spacing(&a, 440, 10);
	assert_int_equal(labelled(&a), 4);
	assert_string_equal(a.t[0].label, "Apr 2023");
	assert_string_equal(a.t[3].label, "Jul 2023");
	assert_false(a.t[1].labelled);
	/* A single day still gives a valid (empty-ish) axis. */
	axis_dates(&c, date_from_ymd(2024, 3, 15), date_from_ymd(2024, 3, 15), 440, 10, &a);
	assert_true(a.hi > a.lo);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corr_axis),
		cmocka_unit_test(test_linear_axis),
		cmocka_unit_test(test_date_axis),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
