/* test_chart.c - every chart against a recording canvas that checks each
 * primitive: all path points inside the chart rectangle, every text box
 * (measured with the canvas's own text_width) inside it and clear of every
 * other. Data: random walks, a flat series, identical and mirrored series
 * (r pinned at +1 / -1), one year and thirty years of history, a
 * 120-character asset name. Then the cairo backend renders real PNGs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "stats.h"

/* ---- the recording canvas ---------------------------------------------------- */

#define REC_TEXTS_MAX 4096
#define REC_DEPTH_MAX 64

struct rec_text {
	double x0, y0, x1, y1;
	char s[128];
};

struct rec {
	double x0, y0, x1, y1;          /* the chart rectangle */
	double size[REC_DEPTH_MAX];     /* font size per save level */
	int depth;
	size_t points, outside, ntext;
	struct rec_text text[REC_TEXTS_MAX];
};

static void rec_point(struct rec *r, double x, double y)
{
	r->points++;
	if (!(x >= r->x0 - 1e-6 && x <= r->x1 + 1e-6 && y >= r->y0 - 1e-6 &&
	      y <= r->y1 + 1e-6)) {
		if (r->outside++ < 5)
			print_error("point (%.2f, %.2f) outside\n", x, y);
	}
}

static void op_move(void *i, double x, double y) { rec_point(i, x, y); }
static void op_curve(void *i, double a, double b, double c, double d, double e, double f)
{
	rec_point(i, a, b); rec_point(i, c, d); rec_point(i, e, f);
}
static void op_none(void *i) { (void)i; }
static void op_rect(void *i, double x, double y, double w, double h)
{
	rec_point(i, x, y); rec_point(i, x + w, y + h);
}
static void op_save(void *i)
{
	struct rec *r = i;
	assert_true(r->depth + 1 < REC_DEPTH_MAX);
	r->size[r->depth + 1] = r->size[r->depth];
	r->depth++;
}
static void op_restore(void *i)
{
	struct rec *r = i;
	assert_true(r->depth > 0);
	r->depth--;
}
static void op_rgb(void *i, double r, double g, double b)
{
	(void)i;
	assert_true(r >= 0 && r <= 1 && g >= 0 && g <= 1 && b >= 0 && b <= 1);
}
static void op_lw(void *i, double w) { (void)i; assert_true(w > 0 && w < 10); }
static void op_dash(void *i, const double *d, int n) { (void)i; (void)d; (void)n; }
static void op_font(void *i, enum canvas_font f, double size)
{
	struct rec *r = i;
	(void)f;
	assert_true(size >= 4 && size <= 24);
	r->size[r->depth] = size;
}

/* A wide stand-in for a proportional font: 0.6 em per character. */
static double op_width(void *i, const char *s)
{
	struct rec *r = i;
	double n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n * 0.6 * r->size[r->depth];
}

static void op_text(void *i, double x, double y, const char *s)
{
	struct rec *r = i;
	double size = r->size[r->depth], w = op_width(i, s);
	/* Box of digits and capitals (0.72 em) and descenders (0.2 em). */
	struct rec_text t = {x, y - 0.72 * size, x + w, y + 0.2 * size, ""};
	snprintf(t.s, sizeof t.s, "%s", s);
	rec_point(r, t.x0, t.y0);
	rec_point(r, t.x1, t.y1);
	for (size_t k = 0; k < r->ntext; k++) {
		const struct rec_text *o = &r->text[k];
		if (t.x0 < o->x1 - 1e-6 && o->x0 < t.x1 - 1e-6 &&
		    t.y0 < o->y1 - 1e-6 && o->y0 < t.y1 - 1e-6)
			fail_msg("text \"%s\" overlaps \"%s\"", t.s, o->s);
	}
	assert_true(r->ntext < REC_TEXTS_MAX);
	r->text[r->ntext++] = t;
}

static const struct canvas_ops rec_ops = {
	op_move, op_move, op_curve, op_none, op_rect, op_none, op_none,
	op_save, op_restore, op_none, op_rgb, op_lw, op_dash, op_font,
	op_width, op_text, NULL,
};

static struct rec *rec_new(double x, double y, double w, double h, struct canvas *c)
{
	struct rec *r = calloc(1, sizeof *r);
	assert_non_null(r);
	*r = (struct rec){.x0 = x, .y0 = y, .x1 = x + w, .y1 = y + h};
	r->size[0] = 10;
	*c = (struct canvas){&rec_ops, r, 600, 800};
	return r;
}

static size_t rec_count(const struct rec *r, const char *prefix)
{
	size_t n = 0;
	for (size_t i = 0; i < r->ntext; i++)
		n += strncmp(r->text[i].s, prefix, strlen(prefix)) == 0;
	return n;
}

static size_t rec_find(const struct rec *r, const char *part)
{
	size_t n = 0;
	for (size_t i = 0; i < r->ntext; i++)
		n += strstr(r->text[i].s, part) != NULL;
	return n;
}

/* Texts that print a value with two decimals ("0.25", "-.25"): bar values,
 * never axis labels ("-0.5", "1.0"). */
static size_t two_decimals(const struct rec *r)
{
	size_t n = 0;
	for (size_t i = 0; i < r->ntext; i++) {
		const char *dot = strchr(r->text[i].s, '.');
		n += dot != NULL && strlen(dot + 1) == 2 && strspn(dot + 1, "0123456789") == 2;
	}
	return n;
}

/* ---- synthetic data ---------------------------------------------------------- */

struct fixture {
	struct series a, b;
	cx_date *dates;
	double *pa, *pb;
	struct pair_stats s;
};

static uint64_t rng = 88172645463325252ULL;
static double gauss(void)
{
	double u[2];
	for (int k = 0; k < 2; k++) {
		rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
		u[k] = ((double)(rng >> 11) + 0.5) / 9007199254740992.0;
	}
	return sqrt(-2 * log(u[0])) * cos(6.283185307179586 * u[1]);
}

enum shape { RANDOM, FLAT_B, SAME, MIRROR };

/* `days` weekdays of prices ending 2024-05-31, B related to A by `shape`. */
static void fixture_init(struct fixture *f, size_t days, enum shape shape,
			 const char *name_a, int years)
{
	memset(f, 0, sizeof *f);
	f->dates = calloc(days, sizeof *f->dates);
	f->pa = calloc(days, sizeof *f->pa);
	f->pb = calloc(days, sizeof *f->pb);
	assert_true(f->dates && f->pa && f->pb);
	cx_date d = date_from_ymd(2024, 5, 31);
	for (size_t i = days; i-- > 0;) {
		while ((d + 3) % 7 >= 5)   /* 1970-01-01 was a Thursday: skip Sat/Sun */
			d--;
		f->dates[i] = d--;
	}
	double la = 0, lb = 0;
	for (size_t i = 0; i < days; i++) {
		double ea = 0.01 * gauss(), eb = 0.01 * gauss();
		double rho = 0.6 * sin((double)i / 300.0);   /* drifting correlation */
		la += ea;
		lb += rho * ea + sqrt(1 - rho * rho) * eb;
		f->pa[i] = 100 * exp(la);
		f->pb[i] = shape == FLAT_B ? 50.0 : shape == SAME ? 2 * f->pa[i]
			 : shape == MIRROR ? 100 * exp(-la) : 100 * exp(lb);
	}
	f->a = (struct series){(char *)name_a, f->dates, f->pa, days};
	f->b = (struct series){"B", f->dates, f->pb, days};
	struct stats_opts o = {0, years};
	struct cx_error e;
	assert_int_equal(stats_compute(&f->a, &f->b, &o, &f->s, &e), 0);
}

static void fixture_release(struct fixture *f)
{
	stats_release(&f->s);
	free(f->dates);
	free(f->pa);
	free(f->pb);
}

/* Draw the three deep-dive charts into a rectangle offset from the origin
 * and check each; returns nothing, fails the test on a bad primitive. */
static struct rec *draw_one(enum chart_kind k, const struct pair_stats *s,
			    const char *title, double w, double h)
{
	struct canvas c;
	struct rec *r = rec_new(37, 53, w, h, &c);
	struct chart_spec spec = {k, title, s, NULL, 0, NULL};
	chart_draw(&c, &spec, 37, 53, w, h);
	assert_int_equal(r->outside, 0);
	assert_int_equal(r->depth, 0);
	return r;
}

static void draw_all(const struct pair_stats *s, const char *title)
{
	free(draw_one(CHART_ROLLING, s, title, CHART_WIDTH, CHART_ROLLING_H));
	free(draw_one(CHART_SCATTER, s, title, 260, CHART_SCATTER_H));
	free(draw_one(CHART_YEARS, s, title, CHART_WIDTH, CHART_YEARS_H));
	free(draw_one(CHART_ROLLING, s, title, CHART_MIN_W, CHART_MIN_H));
	free(draw_one(CHART_SCATTER, s, title, CHART_MIN_W, CHART_MIN_H));
	free(draw_one(CHART_YEARS, s, title, CHART_MIN_W, CHART_MIN_H));
}

/* ---- the cases --------------------------------------------------------------- */

static void test_five_years(void **state)
{
	(void)state;
	struct fixture f;
	fixture_init(&f, 1400, RANDOM, "A", 5);
	draw_all(&f.s, "A vs B: rolling correlation");
	struct rec *r = draw_one(CHART_ROLLING, &f.s, "A vs B", CHART_WIDTH, CHART_ROLLING_H);
	assert_int_equal(rec_count(r, "High "), 1);
	assert_int_equal(rec_count(r, "Low "), 1);
	assert_int_equal(rec_count(r, "2021"), 1);      /* year ticks */
	free(r);
	/* Every year has a label, its value and its n. */
	r = draw_one(CHART_YEARS, &f.s, NULL, CHART_WIDTH, CHART_YEARS_H);
	for (size_t i = 0; i < f.s.nyears; i++) {
		char y[8];
		snprintf(y, sizeof y, "%d", f.s.years[i].year);
		assert_int_equal(rec_count(r, y), 1);
	}
	free(r);
	r = draw_one(CHART_SCATTER, &f.s, NULL, 260, CHART_SCATTER_H);
	assert_int_equal(rec_count(r, "beta "), 1);
	free(r);
	fixture_release(&f);
}

static void test_flat_series(void **state)
{
	(void)state;
	struct fixture f;
	fixture_init(&f, 800, FLAT_B, "A", 5);
	draw_all(&f.s, "flat");
	struct rec *r = draw_one(CHART_ROLLING, &f.s, NULL, CHART_WIDTH, CHART_ROLLING_H);
	assert_int_equal(rec_count(r, "no rolling values"), 1);
	free(r);
	/* All years missing: "n/a" once per year and no bar value. */
	r = draw_one(CHART_YEARS, &f.s, NULL, CHART_WIDTH, CHART_YEARS_H);
	assert_true(f.s.nyears >= 3);
	assert_int_equal(rec_count(r, "n/a"), f.s.nyears);
	assert_int_equal(two_decimals(r), 0);
	free(r);
	r = draw_one(CHART_SCATTER, &f.s, NULL, 260, CHART_SCATTER_H);
	assert_int_equal(rec_count(r, "beta"), f.s.one_year.has_beta ? 1 : 0);
	free(r);
	fixture_release(&f);
}

static void test_pinned(void **state)
{
	(void)state;
	struct fixture f;
	fixture_init(&f, 700, SAME, "A", 5);
	draw_all(&f.s, "r = +1");
	struct rec *r = draw_one(CHART_YEARS, &f.s, NULL, CHART_WIDTH, CHART_YEARS_H);
	assert_true(rec_count(r, "1.00") >= 2);
	free(r);
	fixture_release(&f);
	fixture_init(&f, 700, MIRROR, "A", 5);
	draw_all(&f.s, "r = -1");
	r = draw_one(CHART_ROLLING, &f.s, NULL, CHART_WIDTH, CHART_ROLLING_H);
	assert_int_equal(rec_count(r, "-1.00"), 1);   /* the latest value */
	free(r);
	fixture_release(&f);
}

static void test_one_and_thirty_years(void **state)
{
	(void)state;
	struct fixture f;
	fixture_init(&f, 262, RANDOM, "A", 1);
	draw_all(&f.s, "one year");
	fixture_release(&f);
	fixture_init(&f, 7900, RANDOM, "A", 30);
	assert_true(f.s.nyears >= 30);
	draw_all(&f.s, "thirty years");
	/* Thirty bars still each get their year, value and n. */
	struct rec *r = draw_one(CHART_YEARS, &f.s, NULL, CHART_WIDTH, CHART_YEARS_H);
	size_t missing = 0;
	for (size_t i = 0; i < f.s.nyears; i++)
		missing += !f.s.years[i].has_r;
	assert_int_equal(two_decimals(r) + rec_count(r, "n/a"), f.s.nyears);
	assert_true(missing <= 2);   /* at most the partial first/last year */
	free(r);
	fixture_release(&f);
}

static void test_long_name(void **state)
{
	(void)state;
	char name[121], title[200];
	memset(name, 'W', 120);
	name[120] = '\0';
	snprintf(title, sizeof title, "%s vs B", name);
	struct fixture f;
	fixture_init(&f, 600, RANDOM, name, 5);
	draw_all(&f.s, title);
	struct rec *r = draw_one(CHART_ROLLING, &f.s, title, CHART_WIDTH, CHART_ROLLING_H);
	assert_true(strstr(r->text[0].s, "\xE2\x80\xA6") != NULL);  /* ellipsis */
	free(r);
	fixture_release(&f);
}

static void test_digest_charts(void **state)
{
	(void)state;
	char long_label[121];
	memset(long_label, 'X', 120);
	long_label[120] = 0;
	struct chart_shift rows[30];
	for (size_t i = 0; i < 30; i++)
		rows[i] = (struct chart_shift){i == 3 ? long_label : "AAA/BBB",
			true, i % 2 ? 1.0 : -0.95, i % 3 != 0, -1.0, 1.0,
			i != 5, 0.1 * (double)(i % 10) - 0.5, true, -0.9, 0.4, i % 4 == 0};
	struct canvas c;
	struct rec *r = rec_new(10, 10, CHART_WIDTH, 70 + CHART_SHIFTS_ROW * 30, &c);
	chart_shifts(&c, rows, 30, "Shifts", 10, 10, CHART_WIDTH, 70 + CHART_SHIFTS_ROW * 30);
	assert_int_equal(r->outside, 0);
	assert_int_equal(rec_count(r, "n/a"), 1);
	free(r);
	/* Too many rows for the height: fewer shown and a note. */
	r = rec_new(10, 10, 300, 120, &c);
	chart_shifts(&c, rows, 30, "Shifts", 10, 10, 300, 120);
	assert_int_equal(r->outside, 0);
	assert_int_equal(rec_find(r, "more not shown"), 1);
	free(r);

	enum { N = 45 };
	const char *labels[N];
	static double m[N * N];
	static bool has[N * N];
	for (size_t n = 1; n <= N; n += 11) {
		/* An n x n matrix (stride n), one n/a cell in eleven. */
		for (size_t i = 0; i < n; i++) {
			labels[i] = i == 2 ? long_label : "SYM";
			for (size_t j = 0; j < n; j++) {
				m[i * n + j] = i == j ? 1.0 : 0.9 * sin((double)(i * 7 + j * 3));
				has[i * n + j] = (i + j) % 11 != 0;
			}
		}
		struct chart_matrix mx = {n, labels, m, has};
		r = rec_new(0, 0, 400, 420, &c);
		chart_heatmap(&c, &mx, "Heatmap", 0, 0, 400, 420);
		assert_int_equal(r->outside, 0);
		if (n == 12)
			/* The diagonal but (0,0) and (11,11), where (i + i) % 11 == 0. */
			assert_int_equal(rec_count(r, "1.00"), 10);
		if (n > CHART_HEATMAP_MAX)
			assert_int_equal(rec_find(r, "symbols shown"), 1);
		free(r);
	}
	r = rec_new(0, 0, 200, 100, &c);
	chart_heatmap(&c, NULL, "none", 0, 0, 200, 100);
	assert_int_equal(rec_find(r, "no data"), 1);
	free(r);
}

/* The email's charts (chart.h, CHART_MAIL_*) at their phone size, placed
 * as the PNG backend places them (8 pt margin, no title on the rolling
 * chart): every legend entry is drawn, on wrapped lines where one line is
 * too narrow. The rolling legend's top sat exactly on the chart's top edge
 * and was dropped by a rounding error before. */
static void test_mail_charts(void **state)
{
	(void)state;
	struct fixture f;
	struct canvas c;
	fixture_init(&f, 1400, RANDOM, "Mail", 5);
	struct rec *r = rec_new(8, 8, CHART_MAIL_W - 16, CHART_MAIL_ROLLING_H - 16, &c);
	chart_rolling(&c, &f.s, NULL, 8, 8, CHART_MAIL_W - 16, CHART_MAIL_ROLLING_H - 16);
	assert_int_equal(r->outside, 0);
	assert_int_equal(rec_count(r, "90-day rolling correlation"), 1);
	assert_int_equal(rec_count(r, "30-day"), 1);
	assert_int_equal(rec_count(r, "bands:"), 1);
	free(r);
	struct chart_shift rows[CHART_MAIL_SHIFTS];
	for (size_t i = 0; i < CHART_MAIL_SHIFTS; i++)
		rows[i] = (struct chart_shift){.label = "MSFT/INTC", .has_r90 = true, .r90 = -0.2,
			.has_r90_ci = true, .r90_lo = -0.4, .r90_hi = 0.1, .has_base = true,
			.base = 0.3, .has_base_ci = true, .base_lo = 0.2, .base_hi = 0.4,
			.significant = i < 3};
	double h = CHART_MAIL_SHIFTS_H(CHART_MAIL_SHIFTS) - 16;
	r = rec_new(8, 8, CHART_MAIL_W - 16, h, &c);
	chart_shifts(&c, rows, CHART_MAIL_SHIFTS, "Shifts", 8, 8, CHART_MAIL_W - 16, h);
	assert_int_equal(r->outside, 0);
	assert_int_equal(rec_count(r, "MSFT/INTC"), CHART_MAIL_SHIFTS);
	assert_int_equal(rec_find(r, "more not shown"), 0);
	assert_int_equal(rec_count(r, "baseline ("), 1);
	assert_int_equal(rec_count(r, "90-day"), 2);
	assert_int_equal(rec_count(r, "95% interval"), 1);
	free(r);
	fixture_release(&f);
}

/* ---- the cairo backend -------------------------------------------------------- */

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The chunk of `type` in a PNG, its data length in *n; NULL when absent. */
static const unsigned char *png_chunk(const unsigned char *png, size_t len,
				      const char *type, size_t *n)
{
	for (size_t i = 8; i + 12 <= len; i += 12 + be32(png + i)) {
		if (memcmp(png + i + 4, type, 4) == 0) {
			*n = be32(png + i);
			return png + i + 8;
		}
	}
	return NULL;
}

/* The email's rolling chart: an indexed PNG of at most CHART_MAIL_PALETTE
 * colours recording its smallest text, the legend's 6.5 pt at the email's
 * scale (2 * 440 / 200 px per pt): 6.5 * 4.4 = 28.60 px. */
static void png_mail(struct fixture *f)
{
	struct chart_spec spec = {.kind = CHART_ROLLING, .pair = &f->s};
	unsigned char *png = NULL;
	size_t len = 0, n = 0;
	struct cx_error e;
	assert_int_equal(chart_png_render(&spec, CHART_MAIL_W, CHART_MAIL_ROLLING_H,
					  CHART_MAIL_SCALE, CHART_MAIL_PALETTE, &png, &len, &e), 0);
	assert_int_equal(be32(png + 16), 880);
	assert_int_equal(png[25], 3);   /* colour type 3: palette */
	assert_non_null(png_chunk(png, len, "PLTE", &n));
	assert_true(n % 3 == 0 && n / 3 >= 2 && n / 3 <= CHART_MAIL_PALETTE);
	const unsigned char *t = png_chunk(png, len, "tEXt", &n);
	assert_non_null(t);
	const char want[] = "Convex-Smallest-Text-Px\0" "28.60";
	assert_int_equal(n, sizeof want - 1);
	assert_memory_equal(t, want, n);
	free(png);
}

static void test_png(void **state)
{
	(void)state;
	struct fixture f;
	fixture_init(&f, 1400, RANDOM, "Z\xC3\xBCrich \xCF\x83", 5);
	for (int k = CHART_ROLLING; k <= CHART_YEARS; k++)
		for (double scale = 1; scale <= 2; scale++) {
			struct chart_spec spec = {(enum chart_kind)k, "PNG \xE2\x88\x92 test", &f.s,
						  NULL, 0, NULL};
			unsigned char *png = NULL;
			size_t len = 0;
			struct cx_error e;
			assert_int_equal(chart_png_render(&spec, 300, 200, scale, 0, &png, &len, &e), 0);
			assert_true(len > 1000);
			assert_memory_equal(png, "\x89PNG\r\n\x1a\n", 8);
			assert_int_equal(be32(png + 16), (uint32_t)(300 * scale));  /* width */
			assert_int_equal(be32(png + 20), (uint32_t)(200 * scale));  /* height */
			assert_int_equal(png[24], 8);   /* bit depth */
			assert_int_equal(png[25], 2);   /* colour type 2: RGB, no alpha */
			free(png);
		}
	png_mail(&f);
	struct chart_spec spec = {CHART_ROLLING, NULL, &f.s, NULL, 0, NULL};
	unsigned char *png = (unsigned char *)"x";
	size_t len = 0;
	struct cx_error e;
	assert_int_equal(chart_png_render(&spec, 300, 200, 100, 0, &png, &len, &e), -1);
	assert_int_equal(e.code, CX_EUSAGE);
	assert_null(png);
	fixture_release(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_five_years),
		cmocka_unit_test(test_flat_series),
		cmocka_unit_test(test_pinned),
		cmocka_unit_test(test_one_and_thirty_years),
		cmocka_unit_test(test_long_name),
		cmocka_unit_test(test_digest_charts),
		cmocka_unit_test(test_mail_charts),
		cmocka_unit_test(test_png),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
