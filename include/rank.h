/* rank.h - the regime-shift ranking of a watchlist and its multiple-testing
 * correction.
 *
 * Order: by |z| of the shift test, largest first; ties by |delta|, largest
 * first; then by pair id (byte order) so that the order never depends on the
 * input order or the number of threads. Pairs without z come after every
 * pair with one (by |delta|, then id), pairs with neither last (by id).
 *
 * Benjamini-Hochberg at level alpha over the m pairs that have a z: with the
 * p-values sorted ascending p(1) <= ... <= p(m), the q-value of p(i) is
 * min over k >= i of min(1, m * p(k) / k), and a shift is significant when
 * its q <= alpha (the same set as the step-up rule "largest k with
 * p(k) <= k * alpha / m"). Pairs without z have no q and are never
 * significant.
 */
#ifndef CONVEX_RANK_H
#define CONVEX_RANK_H

#include <stdbool.h>
#include <stddef.h>

#define RANK_ALPHA 0.05

struct rank_item {
	/* in */
	const char *id;       /* pair id "A-B"; borrowed */
	bool has_z;
	double z, p;          /* p: two-sided p-value of z */
	bool has_delta;
	double delta;
	/* out (rank_compute) */
	size_t rank;          /* 1-based position in the order */
	bool has_q;
	double q;             /* BH-adjusted p-value */
	bool significant;     /* q <= alpha */
};

/* Rank the n items: fill each item's rank, q and significance, and write
 * the item indices in rank order to order[0..n). Returns the number of
 * tests m (items with a z). Items are not moved. Never fails (aborts on
 * out of memory). */
size_t rank_compute(struct rank_item *items, size_t n, double alpha,
		    size_t *order);

#endif
