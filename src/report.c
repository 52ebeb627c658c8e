/* report.c - what report.xml and report.json share: file names and the
 * heatmap's cells. */
#include <stdio.h>
#include <string.h>

#include "report.h"

char *report_pair_file(const struct report_pair *p, const char *kind,
		       char *buf, size_t size)
{
	if (strcmp(kind, "pdf") == 0)
		snprintf(buf, size, "pdf/%s.pdf", p->jp->id);
	else
		snprintf(buf, size, "charts/%s-%s.png", p->jp->id, kind);
	return buf;
}

static bool asset_in_ok_pair(const struct report *r, const char *sym)
{
	for (size_t i = 0; i < r->npairs; i++)
		if (r->pairs[i].ok && (!strcmp(r->pairs[i].jp->a, sym) || !strcmp(r->pairs[i].jp->b, sym)))
			return true;
	return false;
}

size_t report_heatmap_symbols(const struct report *r, size_t *idx, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < r->nassets && n < max; i++)
		if (asset_in_ok_pair(r, r->assets[i].asset->symbol))
			idx[n++] = i;
	return n;
}

bool report_heatmap_cell(const struct report *r, size_t i, size_t j, double *out)
{
	const char *a = r->assets[i].asset->symbol, *b = r->assets[j].asset->symbol;

	for (size_t k = 0; k < r->npairs; k++) {
		const struct report_pair *p = &r->pairs[k];
		if (!p->ok || !p->st.win[W_1Y].has_r)
			continue;
		if ((!strcmp(p->jp->a, a) && !strcmp(p->jp->b, b)) ||
		    (!strcmp(p->jp->a, b) && !strcmp(p->jp->b, a))) {
			*out = p->st.win[W_1Y].r;
			return true;
		}
	}
	return false;
}
