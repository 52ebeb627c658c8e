/* test_store.c - the price store: merge, corrections, validators, rollback
 * on error, the fetch lock and the stale spool files it removes. Each test uses its own file in a temp dir. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "log.h"
#include "store.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/test_store.XXXXXX");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd);
}

static void db_path(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s", dir, name);
}

static struct store_fetch fetch_at(int64_t t, const char *etag)
{
	struct store_fetch f = {.known = true, .fetched_at = t};
	snprintf(f.url, sizeof f.url, "http://127.0.0.1/x.csv");
	snprintf(f.etag, sizeof f.etag, "%s", etag);
	snprintf(f.last_modified, sizeof f.last_modified, "Mon, 01 Jan 2024 00:00:00 GMT");
	return f;
}

static void test_merge_adds_and_corrects(void **state)
{
	char p[128];
	struct cx_error e = {0};
	struct store *s;
	struct store_row r1[] = {{19724, 10.0}, {19725, 11.0}, {19726, 12.0}};
	struct store_row r2[] = {{19725, 11.0}, {19726, 12.5}, {19727, 13.0}};
	struct store_merge_result res;
	struct store_fetch f1 = fetch_at(1000, "\"a\""), f2 = fetch_at(2000, "\"b\""), got;
	struct store_row *rows;
	size_t n;
	size_t warn0 = log_warning_count();
	(void)state;

	db_path(p, sizeof p, "sub/dir/merge.db");  /* parents are created */
	s = store_open(p, &e);
	assert_non_null(s);
	assert_int_equal(store_merge(s, "web", "AAA", r1, 3, &f1, NULL, &res, &e), 0);
	assert_int_equal(res.added, 3);
	assert_int_equal(res.corrected, 0);
	assert_int_equal(store_merge(s, "web", "AAA", r2, 3, &f2, NULL, &res, &e), 0);
	assert_int_equal(res.added, 1);
	assert_int_equal(res.corrected, 1);
	assert_int_equal(res.unchanged, 1);
	assert_int_equal(log_warning_count(), warn0 + 1);  /* the correction is logged */
	assert_int_equal(store_rows(s, "AAA", &rows, &n, &e), 0);
	assert_int_equal(n, 4);
	assert_int_equal(rows[0].date, 19724);
	assert_true(rows[2].close == 12.5);
	assert_int_equal(rows[3].date, 19727);
	free(rows);
	assert_int_equal(store_get_fetch(s, "web", "AAA", &got, &e), 0);
	assert_true(got.known);
	assert_string_equal(got.etag, "\"b\"");
	assert_int_equal(got.fetched_at, 2000);
	assert_int_equal(store_get_fetch(s, "web", "BBB", &got, &e), 0);
	assert_false(got.known);
	store_close(s);
}

static void test_touch_keeps_rows(void **state)
{
	char p[128];
	struct cx_error e = {0};
	struct store_row r[] = {{19724, 10.0}};
	struct store_fetch f = fetch_at(1000, "\"a\""), got;
	struct store_row *rows;
	size_t n;
	struct store *s;
	(void)state;

	db_path(p, sizeof p, "touch.db");
	s = store_open(p, &e);
	assert_non_null(s);
	assert_int_equal(store_merge(s, "web", "AAA", r, 1, &f, NULL, NULL, &e), 0);
	f.fetched_at = 5000;
	assert_int_equal(store_touch(s, "web", "AAA", &f, &e), 0);
	assert_int_equal(store_get_fetch(s, "web", "AAA", &got, &e), 0);
	assert_int_equal(got.fetched_at, 5000);
	assert_int_equal(store_rows(s, "AAA", &rows, &n, &e), 0);
	assert_int_equal(n, 1);
	free(rows);
	store_close(s);
}

/* A merge that fails half-way (SQLite stores NaN as NULL, which the
 * NOT NULL close refuses at the second row) leaves nothing behind, and
 * the fetch record is not written either. */
static void test_failed_merge_rolls_back(void **state)
{
	char p[128];
	struct cx_error e = {0};
	struct store_row r[] = {{19724, 10.0}, {19725, NAN}};
	struct store_fetch f = fetch_at(1000, ""), got;
	struct store_row *rows;
	size_t n;
	struct store *s;
	(void)state;

	db_path(p, sizeof p, "rollback.db");
	s = store_open(p, &e);
	assert_non_null(s);
	assert_int_equal(store_merge(s, "web", "AAA", r, 2, &f, NULL, NULL, &e), -1);
	assert_int_equal(e.code, CX_EIO);
	assert_non_null(strstr(e.msg, "rollback.db"));
	assert_int_equal(store_rows(s, "AAA", &rows, &n, &e), 0);
	assert_int_equal(n, 0);
	assert_null(rows);
	assert_int_equal(store_get_fetch(s, "web", "AAA", &got, &e), 0);
	assert_false(got.known);
	/* the store still works after the rollback */
	assert_int_equal(store_merge(s, "web", "AAA", r, 1, &f, NULL, NULL, &e), 0);
	store_close(s);
}

static void test_lock_is_exclusive(void **state)
{
	char p[128];
	struct cx_error e = {0};
	struct store *a, *b;
	(void)state;

	db_path(p, sizeof p, "lock.db");
	a = store_open(p, &e);
	b = store_open(p, &e);
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(store_lock(a, &e), 0);
	assert_int_equal(store_lock(b, &e), -1);
	assert_int_equal(e.code, CX_ETEMPFAIL);
	store_close(a);
	assert_int_equal(store_lock(b, &e), 0);  /* released with the store */
	store_close(b);
}

/* The lock's holder removes the spool files a killed fetch left: only
 * those named after this store ("<path>.spool-XXXXXX"). */
static void test_lock_removes_stale_spools(void **state)
{
	char path[128], stale[160], other[160], odd[160];
	struct cx_error e = {0};
	struct store *s;
	FILE *f;
	(void)state;

	db_path(path, sizeof path, "s.db");
	snprintf(stale, sizeof stale, "%s.spool-Ab12Cd", path);
	db_path(other, sizeof other, "t.db.spool-Ab12Cd");
	snprintf(odd, sizeof odd, "%s.spool-toolong", path);
	const char *files[] = {stale, other, odd};
	for (size_t i = 0; i < 3; i++) {
		assert_non_null(f = fopen(files[i], "w"));
		fclose(f);
	}
	assert_non_null(s = store_open(path, &e));
	assert_int_equal(access(stale, F_OK), 0);  /* open alone: kept */
	assert_int_equal(store_lock(s, &e), 0);
	assert_int_not_equal(access(stale, F_OK), 0);
	assert_int_equal(access(other, F_OK), 0);
	assert_int_equal(access(odd, F_OK), 0);
	assert_int_equal(strlen(store_spool_prefix(s)), strlen(path) + strlen(".spool"));
	store_close(s);
}

static void test_not_a_database(void **state)
{
	char p[128];
	struct cx_error e = {0};
	FILE *f;
	(void)state;

	db_path(p, sizeof p, "junk.db");
	f = fopen(p, "w");
	assert_non_null(f);
	fputs("date,close\nthis is not sqlite at all, just some text to fill a page\n", f);
	fclose(f);
	assert_null(store_open(p, &e));
	assert_int_equal(e.code, CX_EDATA);
	assert_non_null(strstr(e.msg, "junk.db"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merge_adds_and_corrects),
		cmocka_unit_test(test_touch_keeps_rows),
		cmocka_unit_test(test_failed_merge_rolls_back),
		cmocka_unit_test(test_lock_is_exclusive),
		cmocka_unit_test(test_lock_removes_stale_spools),
		cmocka_unit_test(test_not_a_database),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
