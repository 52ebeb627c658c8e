/* test_err.c - error values (err.h): a failure wrapped in another, even when
 * the outer message is formatted from the inner one in place, reads as one
 * clean line; long lines are cut, never overflowed; exit codes follow
 * sysexits.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <sysexits.h>

#include "err.h"

static int inner(struct cx_error *e)
{
	return cx_fail(e, CX_EDATA, "address \"%s\" has no @", "bob.example.org");
}

static int middle(struct cx_error *e)
{
	if (inner(e) != 0)
		return cx_fail(e, e->code, "from: %s", e->msg);
	return 0;
}

static void test_nested_in_place(void **state)
{
	struct cx_error e = { 0 };

	(void)state;
	assert_int_equal(middle(&e), -1);
	/* second level, prefix and inner text both from the same buffer */
	cx_fail(&e, e.code, "%s:%ld: %s", "subs.csv", 3L, e.msg);
	assert_int_equal(e.code, CX_EDATA);
	assert_string_equal(e.msg,
		"subs.csv:3: from: address \"bob.example.org\" has no @");
}

static void test_nested_long_is_cut(void **state)
{
	struct cx_error e = { 0 };
	char big[3000];

	(void)state;
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	cx_fail(&e, CX_EIO, "%s", big);
	cx_fail(&e, e.code, "jobs/a.xml:7: %s", e.msg);
	assert_int_equal(strlen(e.msg), CX_ERRMSG_MAX - 1);
	assert_memory_equal(e.msg, "jobs/a.xml:7: xxx", 17);
}

static void test_null_and_clear(void **state)
{
	struct cx_error e = { 0 };

	(void)state;
	assert_int_equal(cx_fail(NULL, CX_EIO, "ignored %d", 1), -1);
	cx_fail(&e, CX_EIO, "disk full");
	cx_error_clear(&e);
	assert_int_equal(e.code, CX_OK);
	assert_string_equal(e.msg, "");
}

static void test_exit_codes(void **state)
{
	(void)state;
	assert_int_equal(cx_exitcode(CX_OK), 0);
	assert_int_equal(cx_exitcode(CX_EDATA), EX_DATAERR);
	assert_int_equal(cx_exitcode(CX_ECONFIG), EX_CONFIG);
	assert_int_equal(cx_exitcode(CX_EPARTIAL), 3);
	assert_int_equal(cx_exitcode((enum cx_err)999), EX_SOFTWARE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nested_in_place),
		cmocka_unit_test(test_nested_long_is_cut),
		cmocka_unit_test(test_null_and_clear),
		cmocka_unit_test(test_exit_codes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
