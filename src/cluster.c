/* cluster.c - hierarchical clustering of a correlation matrix (cluster.h).
 *
 * Written by hand: a heatmap has at most 100 symbols, and the naive
 * agglomerative algorithm (O(n^3)) is a few dozen lines; no Debian C library
 * offers average-linkage clustering without pulling in a numerical stack. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cluster.h"
#include "xalloc.h"

/* Distance of symbols i and j: 1 - r, r clamped to [-1, 1]; no r: 1. */
static double distance(size_t n, const double *r, const bool *has_r, size_t i, size_t j)
{
	size_t k = i * n + j;
	double v = (has_r == NULL || has_r[k]) && isfinite(r[k]) ? r[k] : 0;

	return 1 - (v > 1 ? 1 : v < -1 ? -1 : v);
}

void cluster_order(size_t n, const double *r, const bool *has_r, size_t *order)
{
	double *d = xcalloc(n * n, sizeof *d);   /* average distance between clusters */
	size_t *size = xcalloc(n, sizeof *size);
	size_t *first = xcalloc(n, sizeof *first), *next = xcalloc(n, sizeof *next);
	size_t *last = xcalloc(n, sizeof *last);
	bool *alive = xcalloc(n, sizeof *alive);

	/* cluster c is the linked list first[c] -> next[] ... last[c] */
	for (size_t i = 0; i < n; i++) {
		size[i] = 1, first[i] = last[i] = i, next[i] = (size_t)-1, alive[i] = true;
		for (size_t j = 0; j < n; j++)
			d[i * n + j] = distance(n, r, has_r, i, j);
	}
	for (size_t merges = 1; merges < n; merges++) {
		size_t a = 0, b = 0;
		double best = INFINITY;
		for (size_t i = 0; i < n; i++)
			for (size_t j = i + 1; alive[i] && j < n; j++)
				if (alive[j] && d[i * n + j] < best)
					best = d[i * n + j], a = i, b = j;
		/* b joins a: a's members, then b's */
		for (size_t k = 0; k < n; k++)
			if (alive[k] && k != a && k != b)
				d[a * n + k] = d[k * n + a] =
					(d[a * n + k] * (double)size[a] + d[b * n + k] * (double)size[b]) /
					(double)(size[a] + size[b]);
		next[last[a]] = first[b];
		last[a] = last[b];
		size[a] += size[b];
		alive[b] = false;
	}
	for (size_t c = 0, k = 0; c < n; c++)
		for (size_t i = alive[c] ? first[c] : (size_t)-1; i != (size_t)-1; i = next[i])
			order[k++] = i;
	free(d), free(size), free(first), free(next), free(last), free(alive);
}
