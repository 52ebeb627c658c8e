/* rank.c - regime-shift ranking and the Benjamini-Hochberg step-up
 * correction (see rank.h). A dozen lines of arithmetic: no Debian C library
 * offers BH (GSL does not), so it is written here and checked against an
 * independent Python computation (tests/ref/rank_reference.py). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rank.h"
#include "xalloc.h"

/* qsort has no context argument; the comparators get index pairs. */
struct rank_key {
	const struct rank_item *item;
	size_t index;
};

static int cmp_desc(double x, double y)
{
	return x > y ? -1 : x < y ? 1 : 0;
}

static int cmp_rank(const void *pa, const void *pb)
{
	const struct rank_item *a = ((const struct rank_key *)pa)->item;
	const struct rank_item *b = ((const struct rank_key *)pb)->item;
	int c;

	if (a->has_z != b->has_z)
		return a->has_z ? -1 : 1;
	if (a->has_z && (c = cmp_desc(fabs(a->z), fabs(b->z))) != 0)
		return c;
	if (a->has_delta != b->has_delta)
		return a->has_delta ? -1 : 1;
	if (a->has_delta && (c = cmp_desc(fabs(a->delta), fabs(b->delta))) != 0)
		return c;
	return strcmp(a->id, b->id);
}

/* Ascending p; equal p by rank so the result is deterministic. */
static int cmp_p(const void *pa, const void *pb)
{
	const struct rank_item *a = ((const struct rank_key *)pa)->item;
	const struct rank_item *b = ((const struct rank_key *)pb)->item;

	if (a->p != b->p)
		return a->p < b->p ? -1 : 1;
	return a->rank < b->rank ? -1 : a->rank > b->rank;
}

static void benjamini_hochberg(struct rank_item *items, size_t n, double alpha,
			       struct rank_key *keys, size_t m)
{
	double running = 1.0;
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (items[i].has_z)
			keys[k++] = (struct rank_key){&items[i], i};
	qsort(keys, m, sizeof *keys, cmp_p);
	/* Walk from the largest p down, keeping the running minimum of
	 * m * p(k) / k: the step-up rule as adjusted p-values. */
	for (size_t i = m; i-- > 0;) {
		struct rank_item *it = &items[keys[i].index];
		double q = (double)m * it->p / (double)(i + 1);
		if (q < running)
			running = q;
		it->has_q = true;
		it->q = running;
		it->significant = running <= alpha;
	}
}

size_t rank_compute(struct rank_item *items, size_t n, double alpha,
		    size_t *order)
{
	struct rank_key *keys = xcalloc(n, sizeof *keys);
	size_t m = 0;

	for (size_t i = 0; i < n; i++) {
		keys[i] = (struct rank_key){&items[i], i};
		items[i].has_q = items[i].significant = false;
		items[i].q = 0;
		m += items[i].has_z;
	}
	qsort(keys, n, sizeof *keys, cmp_rank);
	for (size_t i = 0; i < n; i++) {
		order[i] = keys[i].index;
		items[keys[i].index].rank = i + 1;
	}
	benjamini_hochberg(items, n, alpha, keys, m);
	free(keys);
	return m;
}
