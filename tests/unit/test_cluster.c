/* test_cluster.c - the clustering order of a heatmap (cluster.c).
 * Expected orders worked out by hand next to each test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>

#include "cluster.h"

/* Two blocks interleaved: {0, 2, 4} with r = 0.9 inside (distance 0.1),
 * {1, 3, 5} with r = 0.8 (0.2), r = 0.1 across (0.9). Merges: (0,2) and then
 * 4 at average distance 0.1 (ties to the lowest pair), then (1,3), 5, and
 * last the two blocks: 0 2 4 1 3 5. */
static void test_two_blocks(void **state)
{
	(void)state;
	enum { N = 6 };
	double r[N * N];
	size_t order[N];
	static const size_t want[N] = {0, 2, 4, 1, 3, 5};

	for (size_t i = 0; i < N; i++)
		for (size_t j = 0; j < N; j++)
			r[i * N + j] = i == j ? 1 : i % 2 != j % 2 ? 0.1 : i % 2 == 0 ? 0.9 : 0.8;
	cluster_order(N, r, NULL, order);
	for (size_t i = 0; i < N; i++)
		assert_int_equal(order[i], want[i]);
}

/* A missing r counts as 0 (distance 1): with 0-1 at 0.5 (distance 0.5) and
 * 2 without values, 0 and 1 merge first, 2 joins last: 0 1 2. */
static void test_missing_values(void **state)
{
	(void)state;
	double r[9] = {1, 0.5, 0.99, 0.5, 1, 0.99, 0.99, 0.99, 1};
	bool has[9] = {true, true, false, true, true, false, false, false, true};
	size_t order[3];

	cluster_order(3, r, has, order);
	assert_int_equal(order[0], 0);
	assert_int_equal(order[1], 1);
	assert_int_equal(order[2], 2);
}

/* Any matrix gives a permutation; one symbol gives itself. */
static void test_permutation(void **state)
{
	(void)state;
	enum { N = 100 };
	double *r = malloc(N * N * sizeof *r);
	size_t order[N], one;
	bool seen[N] = {false};
	uint32_t x = 12345;

	assert_non_null(r);
	for (size_t i = 0; i < N; i++)
		for (size_t j = 0; j <= i; j++) {
			x = x * 1664525u + 1013904223u;
			r[i * N + j] = r[j * N + i] = i == j ? 1 : (double)(x >> 8) / 8388608.0 - 1;
		}
	cluster_order(N, r, NULL, order);
	for (size_t i = 0; i < N; i++) {
		assert_true(order[i] < N);
		assert_false(seen[order[i]]);
		seen[order[i]] = true;
	}
	cluster_order(1, r, NULL, &one);
	assert_int_equal(one, 0);
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_blocks),
		cmocka_unit_test(test_missing_values),
		cmocka_unit_test(test_permutation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
