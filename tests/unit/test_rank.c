/* test_rank.c - the regime-shift order and Benjamini-Hochberg, on examples
 * worked by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "rank.h"

/* Five tests, alpha 0.05. Sorted p: 0.005 0.01 0.03 0.039 0.20; m*p/i:
 * 0.025 0.025 0.05 0.04875 0.20; running minimum from the top gives
 * q = 0.025 0.025 0.04875 0.04875 0.20. Step-up: largest k with
 * p(k) <= k*0.01 is k = 4 (0.039 <= 0.04; 0.20 > 0.05): four significant. */
static void test_bh_hand_example(void **state)
{
	struct rank_item it[5] = {
		{.id = "A-B", .has_z = true, .z = 2.6, .p = 0.01},
		{.id = "A-C", .has_z = true, .z = 2.1, .p = 0.039},
		{.id = "A-D", .has_z = true, .z = 2.2, .p = 0.03},
		{.id = "A-E", .has_z = true, .z = -2.8, .p = 0.005},
		{.id = "A-F", .has_z = true, .z = 1.3, .p = 0.20},
	};
	size_t order[5];
	static const double q[5] = {0.025, 0.04875, 0.04875, 0.025, 0.20};

	(void)state;
	assert_int_equal(rank_compute(it, 5, 0.05, order), 5);
	for (int i = 0; i < 5; i++) {
		assert_true(it[i].has_q);
		assert_float_equal(it[i].q, q[i], 1e-12);
		assert_int_equal(it[i].significant, i != 4);
	}
	/* |z| order: A-E 2.8, A-B 2.6, A-D 2.2, A-C 2.1, A-F 1.3 */
	assert_int_equal(order[0], 3);
	assert_int_equal(order[1], 0);
	assert_int_equal(order[2], 2);
	assert_int_equal(order[3], 1);
	assert_int_equal(order[4], 4);
	assert_int_equal(it[3].rank, 1);
	assert_int_equal(it[4].rank, 5);
}

/* Nothing survives when even the smallest p is above alpha/m. */
static void test_bh_none_significant(void **state)
{
	struct rank_item it[3] = {
		{.id = "X-Y", .has_z = true, .z = 2.0, .p = 0.02},
		{.id = "X-Z", .has_z = true, .z = 1.9, .p = 0.03},
		{.id = "Y-Z", .has_z = true, .z = 1.8, .p = 0.04},
	};
	size_t order[3];

	(void)state;
	rank_compute(it, 3, 0.05, order);
	/* m*p/i = 3*0.02/1 = 0.06, 3*0.03/2 = 0.045, 3*0.04/3 = 0.04;
	 * running minimum from the top: 0.04, 0.04, 0.04 -> all significant. */
	for (int i = 0; i < 3; i++) {
		assert_float_equal(it[i].q, 0.04, 1e-12);
		assert_true(it[i].significant);
	}
	it[2].p = 0.06;   /* now 0.06, 0.045, 0.06: q = 0.045, 0.045, 0.06 */
	rank_compute(it, 3, 0.05, order);
	assert_float_equal(it[0].q, 0.045, 1e-12);
	assert_float_equal(it[1].q, 0.045, 1e-12);
	assert_float_equal(it[2].q, 0.06, 1e-12);
	assert_false(it[2].significant);
	it[0].p = 0.9, it[1].p = 0.8, it[2].p = 0.7;
	rank_compute(it, 3, 0.05, order);
	for (int i = 0; i < 3; i++)
		assert_false(it[i].significant);
}

/* Ties: equal |z| by |delta|, equal both by id; no z after z; neither last.
 * Items without z get no q and are never significant. */
static void test_order_ties(void **state)
{
	struct rank_item it[6] = {
		{.id = "C-D", .has_z = true, .z = -3.0, .p = 0.0027, .has_delta = true, .delta = 0.2},
		{.id = "A-B", .has_z = true, .z = 3.0, .p = 0.0027, .has_delta = true, .delta = -0.2},
		{.id = "E-F", .has_z = true, .z = 3.0, .p = 0.0027, .has_delta = true, .delta = 0.5},
		{.id = "G-H", .has_delta = true, .delta = 0.9},
		{.id = "I-J"},
		{.id = "B-C", .has_z = true, .z = 0.5, .p = 0.62, .has_delta = true, .delta = 0.01},
	};
	size_t order[6];
	static const size_t want[6] = {2, 1, 0, 5, 3, 4};

	(void)state;
	assert_int_equal(rank_compute(it, 6, 0.05, order), 4);
	for (int i = 0; i < 6; i++)
		assert_int_equal(order[i], want[i]);
	assert_false(it[3].has_q);
	assert_false(it[3].significant);
	assert_false(it[4].has_q);
	assert_true(it[0].significant);
	assert_false(it[5].significant);
}

static void test_empty(void **state)
{
	size_t order[1];

	(void)state;
	assert_int_equal(rank_compute(NULL, 0, 0.05, order), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bh_hand_example),
		cmocka_unit_test(test_bh_none_significant),
		cmocka_unit_test(test_order_ties),
		cmocka_unit_test(test_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
