/* cluster.h - the order of a correlation matrix's symbols by hierarchical
 * clustering, so a heatmap shows correlated symbols as blocks.
 *
 * Average linkage on the distance 1 - r (a missing r counts as 0, distance
 * 1); the leaves in the order of the dendrogram, each merge putting the
 * cluster that holds the lower index first. Deterministic: ties go to the
 * lowest pair of cluster indices. O(n^3) time, O(n^2) memory: n is at most
 * CHART_HEATMAP_MAX (100).
 */
#ifndef CONVEX_CLUSTER_H
#define CONVEX_CLUSTER_H

#include <stdbool.h>
#include <stddef.h>

/* Write a permutation of 0..n-1 to order[0..n). r and has_r are n x n,
 * row-major (has_r NULL: every cell has a value). Out of memory aborts. */
void cluster_order(size_t n, const double *r, const bool *has_r, size_t *order);

#endif
