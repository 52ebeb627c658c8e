/* test_plausible.c - the plausibility checks on synthetic series whose
 * answer is known by construction (hand-made moves on a quiet random walk)
 * and on the edge of each threshold. The checks on real series with
 * injected faults are in tests/e2e/61-prices-plausible.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>

#include "plausible.h"

#define N 300

/* A walk with daily log moves of +-1 % in a fixed pattern (robust vol
 * 1.4826 x 0.01: the MAD of +-0.01 around a median near 0 is 0.01). */
static void walk(cx_date *d, double *c, size_t n)
{
	static const int sign[7] = {1, -1, 1, 1, -1, -1, 1};

	c[0] = 100;
	d[0] = 10000;
	for (size_t i = 1; i < n; i++) {
		d[i] = d[i - 1] + 1;
		c[i] = c[i - 1] * exp(0.01 * sign[i % 7]);
	}
}

static void test_quiet_walk_has_no_flags(void **state)
{
	cx_date d[N];
	double c[N];
	struct plausible_opts o;
	struct plausible_flag *f;

	(void)state;
	plausible_opts_init(&o);
	walk(d, c, N);
	assert_int_equal(plausible_scan(d, c, N, &o, &f), 0);
	assert_null(f);
}

static void test_x10_print_is_a_spike(void **state)
{
	cx_date d[N];
	double c[N];
	struct plausible_opts o;
	struct plausible_flag *f;

	(void)state;
	plausible_opts_init(&o);
	walk(d, c, N);
	c[200] *= 10;
	assert_int_equal(plausible_scan(d, c, N, &o, &f), 1);
	assert_int_equal(f[0].kind, PLAUSIBLE_SPIKE);
	assert_int_equal(f[0].i, 200);
	assert_int_equal(f[0].date, d[200]);
	free(f);
}

/* 2:1 on day 150 (every close from then on halved) with the day's own move
 * of -1 %: ln(0.5) - 0.01, within split_tol + 3 vol of ln(1/2). */
static void test_unadjusted_split(void **state)
{
	cx_date d[N];
	double c[N];
	struct plausible_opts o;
	struct plausible_flag *f;

	(void)state;
	plausible_opts_init(&o);
	walk(d, c, N);
	for (size_t i = 150; i < N; i++)
		c[i] /= 2;
	assert_int_equal(plausible_scan(d, c, N, &o, &f), 1);
	assert_int_equal(f[0].kind, PLAUSIBLE_SPLIT);
	assert_int_equal(f[0].i, 150);
	assert_true(fabs(f[0].ratio - 0.5) < 1e-12);
	free(f);
}

/* A one-off -22 % day that stays (a genuine crash, not 2:1 nor 3:2) is
 * not flagged; the same day at ln(2/3) is a suspected 3:2 split. */
static void test_crash_is_not_a_split(void **state)
{
	cx_date d[N];
	double c[N];
	struct plausible_opts o;
	struct plausible_flag *f;

	(void)state;
	plausible_opts_init(&o);
	walk(d, c, N);
	for (size_t i = 100; i < N; i++)
		c[i] *= exp(-0.25);
	assert_int_equal(plausible_scan(d, c, N, &o, &f), 0);
	walk(d, c, N);
	for (size_t i = 100; i < N; i++)
		c[i] *= 2.0 / 3.0;
	assert_int_equal(plausible_scan(d, c, N, &o, &f), 1);
	assert_int_equal(f[0].kind, PLAUSIBLE_SPLIT);
	free(f);
}

/* Below jump_min nothing is flagged however quiet the series. */
static void test_jump_min_floor(void **state)
{
	cx_date d[N];
	double c[N];
	struct plausible_opts o;
	struct plausible_flag *f;

	(void)state;
	plausible_opts_init(&o);
	for (size_t i = 0; i < N; i++) {
		d[i] = 10000 + (cx_date)i;
		c[i] = 100 * exp(0.0001 * (double)(i % 2));
	}
	c[200] *= exp(0.19);  /* 1900 robust vols, but under jump_min 0.2 */
	assert_int_equal(plausible_scan(d, c, N, &o, &f), 0);
	c[200] *= exp(0.02);
	assert_int_equal(plausible_scan(d, c, N, &o, &f), 1);
	free(f);
}

static void test_future_dates(void **state)
{
	/* 2001-01-02 12:00 UTC is day 11324: tomorrow (11325) is accepted */
	cx_date d[4] = {11323, 11324, 11325, 11326};

	(void)state;
	assert_int_equal(plausible_date_limit(11324LL * 86400 + 43200, 0), 11325);
	assert_int_equal(plausible_first_after(d, 4, 11325), 3);
	assert_int_equal(plausible_date_limit(11324LL * 86400 + 43200, 2), 11327);
	assert_int_equal(plausible_first_after(d, 4, 11327), 4);
}

static void test_compare(void **state)
{
	cx_date od[10], nd[10];
	double oc[10], nc[10];
	struct plausible_opts o;
	struct plausible_overlap ov;

	(void)state;
	plausible_opts_init(&o);
	for (int i = 0; i < 10; i++) {
		od[i] = nd[i] = 100 + i;
		oc[i] = 50 + i;
		nc[i] = oc[i] * 0.98;   /* a dividend re-adjustment */
	}
	plausible_compare(od, oc, 10, nd, nc, 10, &o, &ov);
	assert_int_equal(ov.common, 10);
	assert_int_equal(ov.disagree, 0);
	assert_true(fabs(ov.ratio - 0.98) < 1e-12);
	assert_true(ov.readjusted);
	assert_false(ov.other_series);
	for (int i = 0; i < 10; i++)
		nc[i] = 55 + (i % 3) * 2;  /* another series near the same level */
	plausible_compare(od, oc, 10, nd, nc, 10, &o, &ov);
	assert_true(ov.other_series);
	assert_false(ov.readjusted);
	/* one corrected day among ten is a correction, not another series */
	for (int i = 0; i < 10; i++)
		nc[i] = oc[i];
	nc[4] = 60;
	plausible_compare(od, oc, 10, nd, nc, 10, &o, &ov);
	assert_int_equal(ov.disagree, 1);
	assert_false(ov.other_series);
	assert_false(ov.readjusted);
	/* under PLAUSIBLE_OVERLAP_MIN common days: no verdict */
	plausible_compare(od, oc, 4, nd + 6, nc + 6, 4, &o, &ov);
	assert_int_equal(ov.common, 0);
	assert_false(ov.other_series);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quiet_walk_has_no_flags),
		cmocka_unit_test(test_x10_print_is_a_spike),
		cmocka_unit_test(test_unadjusted_split),
		cmocka_unit_test(test_crash_is_not_a_split),
		cmocka_unit_test(test_jump_min_floor),
		cmocka_unit_test(test_future_dates),
		cmocka_unit_test(test_compare),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
