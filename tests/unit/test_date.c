/* test_date.c - day numbers, parsing, formatting and year arithmetic,
 * checked against a calendar walked day by day with its own leap rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "date.h"

static int month_days(int y, int m)
{
	static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return dim[m - 1] + (m == 2 && leap);
}

/* Known day numbers, counted by hand: 1970-01-01 is day 0; 2000-01-01 is
 * 30*365 + 7 leap days = 10957; 1900-01-01 is -(70*365 + 17) = -25567. */
static void test_epoch_anchors(void **state)
{
	(void)state;
	assert_int_equal(date_from_ymd(1970, 1, 1), 0);
	assert_int_equal(date_from_ymd(1970, 1, 2), 1);
	assert_int_equal(date_from_ymd(1969, 12, 31), -1);
	assert_int_equal(date_from_ymd(2000, 1, 1), 10957);
	assert_int_equal(date_from_ymd(1900, 1, 1), -25567);
}

/* Every day of 1900..2100: consecutive day numbers, and
 * ymd -> number -> ymd -> text -> number round trips. */
static void test_round_trip_1900_2100(void **state)
{
	cx_date expect = date_from_ymd(1900, 1, 1);
	long days = 0;
	(void)state;

	for (int y = 1900; y <= 2100; y++) {
		for (int m = 1; m <= 12; m++) {
			for (int d = 1; d <= month_days(y, m); d++) {
				char want[32], got[DATE_STR_SIZE];
				int yy, mm, dd;
				cx_date n = date_from_ymd(y, m, d), back;

				assert_int_equal(n, expect);
				date_to_ymd(n, &yy, &mm, &dd);
				assert_true(yy == y && mm == m && dd == d);
				assert_int_equal(date_year(n), y);
				snprintf(want, sizeof want, "%04d-%02d-%02d", y, m, d);
				assert_string_equal(date_format(n, got), want);
				assert_true(date_parse(want, 10, &back));
				assert_int_equal(back, n);
				expect++;
				days++;
			}
		}
	}
	/* 201 years, 49 of them leap (1900 and 2100 are not) */
	assert_int_equal(days, 201 * 365 + 49);
}

static void test_invalid_dates(void **state)
{
	static const char *const bad[] = {
		"2023-02-29", "1900-02-29", "2100-02-29", "2024-13-01",
		"2024-00-10", "2024-01-00", "2024-04-31", "2024-01-32",
		"2024-1-01",  "2024/01/01", " 2024-01-01", "2024-01-01 ",
		"0999-12-31", "abcd-ef-gh", "2024-01-0a", "20240101",
		"2024-01-01T00:00:00", "", "-024-01-01", "2024-+1-01",
	};
	cx_date d = 12345;
	(void)state;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (date_parse(bad[i], strlen(bad[i]), &d))
			fail_msg("accepted \"%s\"", bad[i]);
		assert_int_equal(d, 12345); /* untouched */
	}
	/* length is the whole field: no prefix match */
	assert_false(date_parse("2024-01-011", 10 + 1, &d));
	assert_false(date_parse("2024-01-01", 9, &d));
	/* leap days that exist */
	assert_true(date_parse("2000-02-29", 10, &d));
	assert_int_equal(d, date_from_ymd(2000, 2, 29));
	assert_true(date_parse("2024-02-29", 10, &d));
	assert_true(date_parse("1000-01-01", 10, &d));
	assert_true(date_parse("9999-12-31", 10, &d));
}

static void test_minus_years(void **state)
{
	char buf[DATE_STR_SIZE];
	(void)state;

	assert_string_equal(date_format(date_minus_years(date_from_ymd(2007, 5, 8), 5), buf),
			    "2002-05-08");
	/* Feb 29 -> Feb 28 when the target year has none */
	assert_string_equal(date_format(date_minus_years(date_from_ymd(2024, 2, 29), 1), buf),
			    "2023-02-28");
	assert_string_equal(date_format(date_minus_years(date_from_ymd(2024, 2, 29), 5), buf),
			    "2019-02-28");
	assert_string_equal(date_format(date_minus_years(date_from_ymd(2000, 2, 29), 100), buf),
			    "1900-02-28");
	/* ... and stays Feb 29 when it has one */
	assert_string_equal(date_format(date_minus_years(date_from_ymd(2024, 2, 29), 4), buf),
			    "2020-02-29");
	assert_string_equal(date_format(date_minus_years(date_from_ymd(2024, 3, 1), 1), buf),
			    "2023-03-01");
	assert_string_equal(date_format(date_minus_years(date_from_ymd(2001, 12, 31), 0), buf),
			    "2001-12-31");
	/* every day of 1901..2100 minus one year keeps month and day, but 2-29 */
	for (cx_date d = date_from_ymd(1901, 1, 1); d <= date_from_ymd(2100, 12, 31); d++) {
		int y, m, day, y2, m2, day2;
		date_to_ymd(d, &y, &m, &day);
		date_to_ymd(date_minus_years(d, 1), &y2, &m2, &day2);
		assert_int_equal(y2, y - 1);
		assert_int_equal(m2, m);
		assert_int_equal(day2, m == 2 && day == 29 ? 28 : day);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_epoch_anchors),
		cmocka_unit_test(test_round_trip_1900_2100),
		cmocka_unit_test(test_invalid_dates),
		cmocka_unit_test(test_minus_years),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
