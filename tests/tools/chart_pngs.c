/* chart_pngs.c - write every chart of a pair as PNG files (1x and 2x), for
 * looking at them: chart_pngs PRICES.csv A B OUTDIR [LOOKBACK_YEARS]. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "prices.h"
#include "stats.h"

static int write_png(const struct chart_spec *spec, double w, double h,
		     double scale, const char *dir)
{
	unsigned char *png;
	size_t len;
	struct cx_error e;
	if (chart_png_render(spec, w, h, scale, 0, &png, &len, &e) != 0) {
		fprintf(stderr, "chart_pngs: %s\n", e.msg);
		return -1;
	}
	char path[4096];
	snprintf(path, sizeof path, "%s/%s@%gx.png", dir, chart_kind_name(spec->kind), scale);
	FILE *f = fopen(path, "wb");
	int rc = f != NULL && fwrite(png, 1, len, f) == len ? 0 : -1;
	if (f != NULL && fclose(f) != 0)
		rc = -1;
	printf("%s %zu bytes\n", path, len);
	free(png);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc < 5) {
		fprintf(stderr, "usage: chart_pngs PRICES A B OUTDIR [YEARS]\n");
		return 64;
	}
	struct cx_error e;
	struct prices *p = prices_new();
	if (prices_load_file(p, argv[1], NULL, &e) != 0) {
		fprintf(stderr, "%s\n", e.msg);
		return 1;
	}
	const struct series *a = prices_find(p, argv[2]), *b = prices_find(p, argv[3]);
	if (!a || !b)
		return 1;
	struct stats_opts o = {0, argc > 5 ? atoi(argv[5]) : 5};
	struct pair_stats s;
	memset(&s, 0, sizeof s);
	if (stats_compute(a, b, &o, &s, &e) != 0) {
		fprintf(stderr, "%s\n", e.msg);
		return 1;
	}
	/* The shifts and heatmap charts over every symbol of the file. */
	size_t n = prices_count(p);
	const char **labels = calloc(n, sizeof *labels);
	double *r = calloc(n * n, sizeof *r);
	bool *has = calloc(n * n, sizeof *has);
	struct chart_shift *sh = calloc(n * n, sizeof *sh);
	char (*names)[64] = calloc(n * n, sizeof *names);
	size_t nsh = 0;
	for (size_t i = 0; i < n; i++) {
		labels[i] = prices_at(p, i)->symbol;
		for (size_t j = 0; j < n; j++) {
			struct pair_stats t;
			memset(&t, 0, sizeof t);
			if (stats_compute(prices_at(p, i), prices_at(p, j), &o, &t, &e) == 0) {
				has[i * n + j] = t.win[W_1Y].has_r;
				r[i * n + j] = t.win[W_1Y].r;
				if (j > i) {
					struct chart_shift *x = &sh[nsh];
					snprintf(names[nsh], 64, "%s/%s", labels[i], prices_at(p, j)->symbol);
					x->label = names[nsh];
					x->has_r90 = t.win[W_90D].has_r; x->r90 = t.win[W_90D].r;
					x->has_r90_ci = t.win[W_90D].has_ci;
					x->r90_lo = t.win[W_90D].ci_lo; x->r90_hi = t.win[W_90D].ci_hi;
					x->has_base = t.shift.has_baseline; x->base = t.shift.baseline_r;
					x->has_base_ci = x->has_base;
					x->base_lo = t.shift.baseline_r - 0.1; x->base_hi = t.shift.baseline_r + 0.1;
					x->significant = t.shift.has_z && t.shift.p < 0.01;
					nsh++;
				}
			}
			stats_release(&t);
		}
	}
	struct chart_matrix m = {n, labels, r, has};
	char title[256];
	snprintf(title, sizeof title, "%s vs %s: rolling correlation", s.a, s.b);
	struct chart_spec specs[] = {
		{CHART_ROLLING, title, &s, NULL, 0, NULL},
		{CHART_SCATTER, "Daily returns, last 12 months", &s, NULL, 0, NULL},
		{CHART_YEARS, "Correlation by calendar year", &s, NULL, 0, NULL},
		{CHART_SHIFTS, "Largest regime shifts: 90-day vs baseline", NULL, sh, nsh, NULL},
		{CHART_HEATMAP, "Correlation matrix, 1 year", NULL, NULL, 0, &m},
	};
	const double hs[] = {CHART_ROLLING_H, CHART_SCATTER_H, CHART_YEARS_H,
			     70 + CHART_SHIFTS_ROW * (double)nsh, 300};
	const double ws[] = {CHART_WIDTH, 300, CHART_WIDTH, CHART_WIDTH, 360};
	int rc = 0;
	for (size_t k = 0; k < 5; k++)
		for (double sc = 1; sc <= 2; sc++)
			rc |= write_png(&specs[k], ws[k], hs[k], sc, argv[4]);
	stats_release(&s);
	prices_free(p);
	free(labels); free(r); free(has); free(sh); free(names);
	return rc ? 1 : 0;
}
