/* report.c - what report.xml and report.json share: file names and the
 * heatmap's cells. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "xalloc.h"

char *report_pair_file(const struct report_pair *p, const char *kind,
		       char *buf, size_t size)
{
	if (strcmp(kind, "pdf") == 0)
		snprintf(buf, size, "pdf/%s.pdf", p->jp->id);
	else
		snprintf(buf, size, "charts/%s-%s.png", p->jp->id, kind);
	return buf;
}

void report_heatmap_compute(struct report *r, const struct prices *p)
{
	struct report_heatmap *h = &r->heatmap;
	struct stats_opts o = {r->as_of, r->job->analysis.lookback_years};
	size_t n = 0;

	report_heatmap_release(h);
	for (size_t i = 0; i < r->nassets && n < CHART_HEATMAP_MAX; i++)
		if (r->assets[i].has_prices && !r->assets[i].stale)
			h->idx[n++] = i;
	h->n = n;
	h->r = xcalloc(n * n, sizeof *h->r);
	h->has_r = xcalloc(n * n, sizeof *h->has_r);
	for (size_t i = 0; i < n; i++) {
		const struct series *a = prices_find(p, r->assets[h->idx[i]].asset->symbol);
		h->r[i * n + i] = 1, h->has_r[i * n + i] = true;
		for (size_t j = i + 1; j < n; j++) {
			const struct series *b = prices_find(p, r->assets[h->idx[j]].asset->symbol);
			struct window_stat w;
			struct cx_error e;
			/* an error (no shared date on or before as-of) is a cell
			 * without a value, like a window that is not full */
			cx_error_clear(&e);
			if (a == NULL || b == NULL || stats_window(a, b, &o, W_1Y, &w, NULL, &e) != 0 || !w.has_r)
				continue;
			h->r[i * n + j] = h->r[j * n + i] = w.r;
			h->has_r[i * n + j] = h->has_r[j * n + i] = true;
		}
	}
}

void report_heatmap_release(struct report_heatmap *h)
{
	free(h->r), free(h->has_r);
	memset(h, 0, sizeof *h);
}

size_t report_heatmap_symbols(const struct report *r, size_t *idx, size_t max)
{
	size_t n = r->heatmap.n < max ? r->heatmap.n : max;

	memcpy(idx, r->heatmap.idx, n * sizeof *idx);
	return n;
}

/* Position of asset index `a` among the heatmap's symbols, or n. */
static size_t heatmap_pos(const struct report_heatmap *h, size_t a)
{
	size_t k = 0;

	while (k < h->n && h->idx[k] != a)
		k++;
	return k;
}

bool report_heatmap_cell(const struct report *r, size_t i, size_t j, double *out)
{
	const struct report_heatmap *h = &r->heatmap;
	size_t x = heatmap_pos(h, i), y = heatmap_pos(h, j);

	if (x >= h->n || y >= h->n || !h->has_r[x * h->n + y])
		return false;
	*out = h->r[x * h->n + y];
	return true;
}
