/* test_narrative.c - the sentences of a deep dive: regime thresholds and
 * their edges, the wording for hand-made numbers, missing values, and
 * buffers that are too small. Expected strings are written by hand from the
 * numbers set in each test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "narrative.h"

static struct pair_stats shift_of(double r90, double r5, bool has_z, double p)
{
	struct pair_stats s;
	memset(&s, 0, sizeof s);
	s.a = "SBI";
	s.b = "SPI";
	s.win[W_90D] = (struct window_stat){90, true, r90, true, r90 - 0.2, r90 + 0.2};
	s.win[W_5Y] = (struct window_stat){1260, true, r5, true, r5 - 0.05, r5 + 0.05};
	s.shift.has_delta = true;
	s.shift.delta = r90 - r5;
	s.shift.has_baseline = true;
	s.shift.baseline_r = r5;
	s.shift.baseline_n = 1170;
	s.shift.has_z = has_z;
	s.shift.z = 4.1;
	s.shift.p = p;
	return s;
}

static void test_regime_thresholds(void **state)
{
	(void)state;
	struct pair_stats s = shift_of(0.45, 0.10, true, 0.01);   /* +0.35 */
	assert_int_equal(narrative_regime(&s), REGIME_STRENGTHENED_MATERIALLY);
	s = shift_of(0.45, 0.10, true, 0.20);      /* large but not significant */
	assert_int_equal(narrative_regime(&s), REGIME_STRENGTHENED_MODESTLY);
	s = shift_of(0.45, 0.10, false, 0.0);      /* no z: never material */
	assert_int_equal(narrative_regime(&s), REGIME_STRENGTHENED_MODESTLY);
	s = shift_of(-0.25, 0.10, true, 0.001);    /* -0.35 */
	assert_int_equal(narrative_regime(&s), REGIME_WEAKENED_MATERIALLY);
	s = shift_of(0.0, 0.15, true, 0.5);        /* -0.15 */
	assert_int_equal(narrative_regime(&s), REGIME_WEAKENED_MODESTLY);
	s = shift_of(0.0, 0.05, true, 0.5);        /* -0.05 */
	assert_int_equal(narrative_regime(&s), REGIME_STABLE);
	s.shift.delta = 0.0999;
	assert_int_equal(narrative_regime(&s), REGIME_STABLE);
	s.shift.delta = 0.10;                      /* the edge is modest */
	assert_int_equal(narrative_regime(&s), REGIME_STRENGTHENED_MODESTLY);
	s.shift.delta = -0.30;                     /* the edge is material */
	s.shift.p = 0.049;
	assert_int_equal(narrative_regime(&s), REGIME_WEAKENED_MATERIALLY);
	s.shift.p = 0.05;                          /* p must be below 0.05 */
	assert_int_equal(narrative_regime(&s), REGIME_WEAKENED_MODESTLY);
	s.shift.has_delta = false;
	assert_int_equal(narrative_regime(&s), REGIME_NONE);
}

static void test_regime_names(void **state)
{
	(void)state;
	assert_string_equal(narrative_regime_name(REGIME_NONE), "n/a");
	assert_string_equal(narrative_regime_name(REGIME_STABLE), "stable");
	assert_string_equal(narrative_regime_name(REGIME_STRENGTHENED_MATERIALLY),
			    "strengthened materially");
	assert_string_equal(narrative_regime_name(REGIME_WEAKENED_MODESTLY),
			    "weakened modestly");
	assert_string_equal(narrative_regime_name((enum regime)99), "n/a");
}

/* The seed page's example: 90-day 0.54 against a long-run 0.09. */
static void test_shift_text(void **state)
{
	(void)state;
	char buf[NARRATIVE_MAX];
	struct pair_stats s = shift_of(0.5447, 0.0903, true, 0.00004);
	s.shift.z = 4.1;
	s.shift.baseline_r = 0.0203;
	narrative_shift(&s, buf, sizeof buf);
	assert_non_null(strstr(buf, "The correlation has strengthened materially. "
			       "The 90-day reading of 0.54 is 0.45 above the "
			       "long-run average of 0.09."));
	assert_non_null(strstr(buf, "Against the baseline of 0.02 (1170 returns "
			       "before the last 90), the shift has z = 4.10, "
			       "p < 0.0001, statistically significant at 5%."));
	assert_non_null(strstr(buf, "Rising correlation typically accompanies"));

	s = shift_of(-0.30, -0.25, true, 0.6123);
	s.shift.z = -0.51;
	narrative_shift(&s, buf, sizeof buf);
	assert_non_null(strstr(buf, "The correlation is stable. The 90-day reading "
			       "of -0.30 is 0.05 below the long-run average of "
			       "-0.25."));
	assert_non_null(strstr(buf, "p = 0.6123, not statistically significant"));

	s.shift.has_delta = false;
	narrative_shift(&s, buf, sizeof buf);
	assert_non_null(strstr(buf, "no comparison of recent and long-run"));
}

static void test_shift_line(void **state)
{
	(void)state;
	char buf[NARRATIVE_MAX];
	struct pair_stats s = shift_of(0.31, 0.02, true, 0.0001);
	s.shift.z = 4.1;
	narrative_shift_line(&s, buf, sizeof buf);
	/* delta 0.29 < 0.30: modest, whatever z says */
	assert_string_equal(buf, "SBI/SPI: 90-day +0.31 vs +0.02 baseline, "
			    "strengthened modestly (z 4.1)");
	s.win[W_90D].has_r = false;
	s.shift.has_baseline = false;
	s.shift.has_delta = false;
	s.shift.has_z = false;
	narrative_shift_line(&s, buf, sizeof buf);
	assert_string_equal(buf, "SBI/SPI: 90-day n/a vs n/a baseline, n/a");
}

static void test_meaning(void **state)
{
	(void)state;
	char buf[NARRATIVE_MAX];
	struct pair_stats s = shift_of(-0.323, 0.0, true, 0.5);
	s.win[W_90D].ci_lo = -0.497;
	s.win[W_90D].ci_hi = -0.125;
	narrative_meaning(&s, "Swiss Bond Index", "Swiss Performance Index", buf,
			  sizeof buf);
	assert_non_null(strstr(buf, "The -0.32 correlation indicates that Swiss "
			       "Bond Index and Swiss Performance Index have a "
			       "weak tendency to move in opposite directions."));
	assert_non_null(strstr(buf, "With 90 returns, the 95% confidence interval "
			       "runs from -0.50 to -0.12."));

	s.win[W_90D].r = 0.85;
	narrative_meaning(&s, "A", "B", buf, sizeof buf);
	assert_non_null(strstr(buf, "A and B move together almost in lockstep."));
	s.win[W_90D].r = 0.1999;
	narrative_meaning(&s, "A", "B", buf, sizeof buf);
	assert_non_null(strstr(buf, "show essentially no linear relationship"));
	s.win[W_90D].r = 0.2;       /* 0.2 is weak, as stats_label says */
	narrative_meaning(&s, "A", "B", buf, sizeof buf);
	assert_non_null(strstr(buf, "weak tendency to move together"));

	s.win[W_90D].has_r = false;
	narrative_meaning(&s, "A", "B", buf, sizeof buf);
	assert_non_null(strstr(buf, "There is no 90-day reading for A and B"));
	assert_null(strstr(buf, "nan"));
}

static void test_small_buffers(void **state)
{
	(void)state;
	char buf[16];
	struct pair_stats s = shift_of(0.5447, 0.0903, true, 0.00004);

	memset(buf, 'x', sizeof buf);
	narrative_shift(&s, buf, sizeof buf);
	assert_int_equal(strlen(buf), 15);
	assert_memory_equal(buf, "The correlation", 15);
	narrative_meaning(&s, "A", "B", buf, 1);
	assert_int_equal(buf[0], '\0');
	buf[0] = 'x';
	narrative_shift_line(&s, buf, 0);          /* writes nothing */
	assert_int_equal(buf[0], 'x');
}

static void test_method_names_thresholds(void **state)
{
	(void)state;
	const char *m = narrative_methodology();
	char want[64];
	snprintf(want, sizeof want, "%.2f", REGIME_MATERIAL_DELTA);
	assert_non_null(strstr(m, want));
	snprintf(want, sizeof want, "%.2f", REGIME_MODEST_DELTA);
	assert_non_null(strstr(m, want));
	assert_non_null(strstr(m, "1,260"));
	assert_non_null(strstr(m, "252"));
	assert_non_null(strstr(narrative_disclaimer(), "not causation"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_regime_thresholds),
		cmocka_unit_test(test_regime_names),
		cmocka_unit_test(test_shift_text),
		cmocka_unit_test(test_shift_line),
		cmocka_unit_test(test_meaning),
		cmocka_unit_test(test_small_buffers),
		cmocka_unit_test(test_method_names_thresholds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
