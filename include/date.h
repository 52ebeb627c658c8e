/* date.h - calendar dates as day numbers (days since 1970-01-01, proleptic
 * Gregorian), so that dates compare and subtract as integers. */
#ifndef CONVEX_DATE_H
#define CONVEX_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int32_t cx_date;

/* Size of a buffer that holds "YYYY-MM-DD" and its NUL. */
#define DATE_STR_SIZE 11

/* Parse exactly "YYYY-MM-DD" (len bytes, no surrounding text) into *out.
 * Returns false for any other shape or for a day that does not exist
 * (2023-02-29, 2024-13-01). Years 1000..9999. */
bool date_parse(const char *s, size_t len, cx_date *out);

/* Day number of a calendar date; the caller guarantees it is valid. */
cx_date date_from_ymd(int y, int m, int d);
void date_to_ymd(cx_date d, int *y, int *m, int *day);
int date_year(cx_date d);

/* Write "YYYY-MM-DD" into buf (DATE_STR_SIZE bytes); returns buf. */
char *date_format(cx_date d, char buf[DATE_STR_SIZE]);

/* The same calendar day `years` years earlier; Feb 29 becomes Feb 28. */
cx_date date_minus_years(cx_date d, int years);

#endif
