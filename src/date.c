/* date.c - civil calendar <-> day numbers.
 *
 * Written by hand: the C library's mktime/timegm work through time_t and the
 * time zone, and no Debian library offers plain proleptic Gregorian day
 * arithmetic. The conversion is Howard Hinnant's days_from_civil algorithm. */
#include <stdio.h>

#include "date.h"

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

cx_date date_from_ymd(int y, int m, int d)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	int yoe = y - era * 400;
	int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (cx_date)(era * 146097 + doe - 719468);
}

void date_to_ymd(cx_date d, int *y, int *m, int *day)
{
	int32_t zz = d + 719468;
	int era = (zz >= 0 ? zz : zz - 146096) / 146097;
	int doe = zz - era * 146097;
	int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int mp = (5 * doy + 2) / 153;
	*day = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

int date_year(cx_date d)
{
	int y, m, day;
	date_to_ymd(d, &y, &m, &day);
	return y;
}

static int digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

bool date_parse(const char *s, size_t len, cx_date *out)
{
	if (len != 10 || s[4] != '-' || s[7] != '-')
		return false;
	int y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
	if (y < 1000 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return false;
	*out = date_from_ymd(y, m, d);
	return true;
}

char *date_format(cx_date d, char buf[DATE_STR_SIZE])
{
	int y, m, day;
	date_to_ymd(d, &y, &m, &day);
	/* unsigned and bounded so the compiler can see it fits */
	snprintf(buf, DATE_STR_SIZE, "%04u-%02u-%02u", (unsigned)y % 10000u,
		 (unsigned)m % 100u, (unsigned)day % 100u);
	return buf;
}

cx_date date_minus_years(cx_date d, int years)
{
	int y, m, day;
	date_to_ymd(d, &y, &m, &day);
	y -= years;
	if (m == 2 && day == 29 && !is_leap(y))
		day = 28;
	return date_from_ymd(y, m, day);
}
