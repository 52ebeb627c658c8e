/* test_pool.c - pool_run_ordered (pool.h): on 1, 2 and 8 threads, every
 * item is made exactly once and taken exactly once, in order, each after
 * it was made; a take that fails stops the run (no item after it taken,
 * nothing made twice, its error returned); a work that fails stops it at
 * that item with the work's error, also when a later item failed first;
 * no items is no call at all. The items'
 * work takes a few microseconds of varying length so that they finish out
 * of order on several threads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "err.h"
#include "pool.h"

#define N 500

struct run {
	atomic_int made[N];        /* times work ran on item i */
	int made_when_taken[N];    /* made[i] seen by take */
	size_t taken[N];           /* the order of the takes */
	size_t ntaken;
	size_t fail_work[2];       /* the items whose work fails, or N */
	size_t slow;               /* an item whose work takes 2 ms, or N */
	size_t fail_take;          /* the item whose take fails, or N */
};

static int work(void *ctx, size_t i, struct cx_error *e)
{
	struct run *r = ctx;
	struct timespec d = {0, i == r->slow ? 2000000 : (long)(i % 7) * 2000};
	nanosleep(&d, NULL);
	atomic_fetch_add(&r->made[i], 1);
	if (i == r->fail_work[0] || i == r->fail_work[1])
		return cx_fail(e, CX_EIO, "work %zu failed", i);
	return 0;
}

static int take(void *ctx, size_t i, struct cx_error *e)
{
	struct run *r = ctx;
	r->made_when_taken[i] = atomic_load(&r->made[i]);
	r->taken[r->ntaken++] = i;
	if (i == r->fail_take)
		return cx_fail(e, CX_ECANTCREAT, "take %zu failed", i);
	return 0;
}

static struct run *fresh(struct run *r)
{
	memset(r, 0, sizeof *r);
	r->fail_work[0] = r->fail_work[1] = r->slow = r->fail_take = N;
	return r;
}

static void test_every_item_in_order(void **state)
{
	static const int threads[] = {1, 2, 8};
	static struct run r;
	(void)state;
	for (size_t t = 0; t < sizeof threads / sizeof *threads; t++) {
		struct cx_error e = {0};
		assert_int_equal(pool_run_ordered(threads[t], N, work, fresh(&r), take, &r, &e), 0);
		assert_int_equal(r.ntaken, N);
		for (size_t i = 0; i < N; i++) {
			assert_int_equal(r.taken[i], i);
			assert_int_equal(r.made_when_taken[i], 1);
			assert_int_equal(atomic_load(&r.made[i]), 1);
		}
	}
}

/* A run that must stop with `code` and `msg` after taking `ntaken` items,
 * having made none twice. */
static void expect_stop(int threads, struct run *r, enum cx_err code, const char *msg,
			size_t ntaken)
{
	struct cx_error e = {0};
	assert_int_equal(pool_run_ordered(threads, N, work, r, take, r, &e), -1);
	assert_int_equal(e.code, code);
	assert_string_equal(e.msg, msg);
	assert_int_equal(r->ntaken, ntaken);
	for (size_t i = 0; i < N; i++)
		assert_true(atomic_load(&r->made[i]) <= 1);
}

static void test_take_fails(void **state)
{
	static struct run r;
	(void)state;
	fresh(&r)->fail_take = 123;
	expect_stop(2, &r, CX_ECANTCREAT, "take 123 failed", 124);
}

/* Items 77 and 80 fail, 77 slowly: 80 fails first, but the run stops at
 * 77 with 77's error, the first failure in order. */
static void test_work_fails(void **state)
{
	static struct run r;
	(void)state;
	fresh(&r)->fail_work[0] = 77;
	r.fail_work[1] = 80;
	r.slow = 77;
	expect_stop(8, &r, CX_EIO, "work 77 failed", 77);
}

static void test_no_items(void **state)
{
	static struct run r;
	struct cx_error e = {0};
	(void)state;
	assert_int_equal(pool_run_ordered(2, 0, work, fresh(&r), take, &r, &e), 0);
	assert_int_equal(r.ntaken, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_item_in_order),
		cmocka_unit_test(test_take_fails),
		cmocka_unit_test(test_work_fails),
		cmocka_unit_test(test_no_items),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
