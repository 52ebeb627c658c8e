/* test_xalloc.c - the out-of-memory policy (xalloc.h): zero sizes still give
 * a block, contents survive a resize, and an overflowing n * size aborts
 * (checked in a child process) instead of returning a short block. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "xalloc.h"

static void test_zero_sizes(void **state)
{
	(void)state;
	void *a = xmalloc(0), *b = xcalloc(0, 8), *c = xcalloc(8, 0);
	void *d = xrealloc_array(NULL, 0, 4);

	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(c);
	assert_non_null(d);
	d = xrealloc_array(d, 0, 0);        /* never frees and returns NULL */
	assert_non_null(d);
	free(a);
	free(b);
	free(c);
	free(d);
}

static void test_calloc_zeroes(void **state)
{
	(void)state;
	unsigned char *p = xcalloc(1000, 3);

	for (size_t i = 0; i < 3000; i++)
		assert_int_equal(p[i], 0);
	free(p);
}

static void test_realloc_keeps_contents(void **state)
{
	(void)state;
	int *p = NULL;

	/* grow 1, 2, 4, ... 4096 items, checking the old ones each time */
	for (size_t cap = 1, n = 0; cap <= 4096; cap *= 2) {
		p = xrealloc_array(p, cap, sizeof *p);
		for (size_t i = 0; i < n; i++)
			assert_int_equal(p[i], (int)(i * 7));
		for (; n < cap; n++)
			p[n] = (int)(n * 7);
	}
	p = xrealloc_array(p, 3, sizeof *p);  /* shrinking keeps the head */
	assert_int_equal(p[2], 14);
	free(p);
}

static void test_strdup(void **state)
{
	(void)state;
	const char *s = "SBI/SPI";
	char *d = xstrdup(s);

	assert_ptr_not_equal(d, s);
	assert_string_equal(d, s);
	free(d);
}

/* Run `what` in a child; true when the child died of SIGABRT. */
static bool aborts(int what)
{
	pid_t pid = fork();
	int status = 0;

	assert_true(pid >= 0);
	if (pid == 0) {
		/* keep the expected "out of memory" line out of the test log */
		if (freopen("/dev/null", "w", stderr) == NULL)
			_exit(2);
		if (what == 0)
			free(xrealloc_array(NULL, SIZE_MAX / 2 + 1, 4));
		else
			free(xcalloc(SIZE_MAX / 8 + 1, 16));
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

static void test_overflow_aborts(void **state)
{
	(void)state;
	assert_true(aborts(0));
	assert_true(aborts(1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zero_sizes),
		cmocka_unit_test(test_calloc_zeroes),
		cmocka_unit_test(test_realloc_keeps_contents),
		cmocka_unit_test(test_strdup),
		cmocka_unit_test(test_overflow_aborts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
