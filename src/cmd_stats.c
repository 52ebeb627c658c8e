/* cmd_stats.c - `convex stats`: the correlation deep dive of one pair, as
 * text for a terminal or as JSON (see stats_json.h), or every pair of the
 * loaded symbols as JSON Lines.
 *
 * Stages: options (cliargs.c) -> prices (prices.c) -> pair(s) -> stats
 * (stats.c) -> text or JSON on stdout. Errors are one line through
 * cmd_fail(). */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "plural.h"
#include "cliargs.h"
#include "cmd.h"
#include "date.h"
#include "err.h"
#include "log.h"
#include "pool.h"
#include "prices.h"
#include "quality.h"
#include "stats.h"
#include "stats_json.h"
#include "xalloc.h"

#define LOOKBACK_MAX CLIARGS_LOOKBACK_MAX

struct stats_args {
	const char **prices;    /* the --prices arguments, in order */
	size_t nprices;
	const char *pair;       /* "A/B" or "all" */
	struct stats_opts opts;
	bool json;
	struct quality_report quality;  /* data-quality notes of the loaded prices */
	bool *warned;           /* --json: quality.notes[i] already on stderr */
};

static void help(FILE *f)
{
	fprintf(f,
		"Usage: convex stats --prices [SYMBOL=]FILE [--prices ...] --pair A/B\n"
		"                    [--as-of YYYY-MM-DD] [--lookback-years N] [--json]\n"
		"Print the correlation deep dive of the pair A/B: 30-day, 90-day, 1-year and\n"
		"5-year correlations of daily log returns with their 95%% confidence intervals,\n"
		"the 1-year regression details, the recent-vs-long-run shift, the year-by-year\n"
		"correlations and the rolling 90-day extremes.\n\n"
		"Options:\n"
		"  --prices [SYMBOL=]FILE  a CSV price file (wide, per-symbol OHLC or long);\n"
		"                          repeatable. SYMBOL names the symbol of a per-symbol\n"
		"                          file (default: the file name without extension)\n"
		"  --pair A/B|all          the pair; \"all\" prints every pair of the loaded\n"
		"                          symbols as JSON Lines\n"
		"  --as-of YYYY-MM-DD      use the last shared date on or before this day\n"
		"                          (default: the last shared date)\n"
		"  --lookback-years N      years of history, 1..%d (default 5)\n"
		"  --json                  print one JSON object instead of text\n"
		"  -h, --help              show this help and exit\n\n"
		"Exit status: 0 ok, 3 some pairs of --pair all skipped, 64 usage,\n"
		"65 bad data, 66 missing file or symbol, 74 I/O error.\n",
		LOOKBACK_MAX);
}

/* ---- options --------------------------------------------------------- */

static int parse_args(int argc, char **argv, struct stats_args *a,
		      struct cx_error *e)
{
	static const struct option longopts[] = {
		{"prices", required_argument, NULL, 'P'},
		{"pair", required_argument, NULL, 'p'},
		{"as-of", required_argument, NULL, 'a'},
		{"lookback-years", required_argument, NULL, 'y'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	a->opts.lookback_years = 5;
	/* --prices can appear at most argc times */
	a->prices = xcalloc((size_t)argc, sizeof *a->prices);
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'P': a->prices[a->nprices++] = optarg; break;
		case 'p': a->pair = optarg; break;
		case 'j': a->json = true; break;
		case 'h': help(stdout); return 1;
		case 'a':
			if (cliargs_as_of(optarg, &a->opts.as_of, e) != 0)
				return -1;
			break;
		case 'y':
			if (cliargs_lookback(optarg, LOOKBACK_MAX,
					     &a->opts.lookback_years, e) != 0)
				return -1;
			break;
		default:
			return cliargs_bad_option("stats", argv, c, e);
		}
	}
	if (optind < argc)
		return cx_fail(e, CX_EUSAGE, "unexpected argument \"%s\"; try "
			       "'convex stats --help'", argv[optind]);
	if (a->nprices == 0)
		return cx_fail(e, CX_EUSAGE, "no price file; give --prices FILE");
	if (a->pair == NULL)
		return cx_fail(e, CX_EUSAGE, "no pair; give --pair A/B or --pair all");
	return 0;
}

/* ---- text output ------------------------------------------------------- */

static const char *const window_title[W_COUNT] = {
	"30-Day", "90-Day", "1-Year", "5-Year",
};

/* "+0.545" or "n/a" into buf. */
static const char *fmt_r(bool has, double r, char *buf, size_t size)
{
	if (!has)
		snprintf(buf, size, "n/a");
	else
		snprintf(buf, size, "%+.3f", r);
	return buf;
}

/* 1304 -> "1,304" */
static const char *fmt_count(size_t n, char *buf, size_t size)
{
	char digits[32];
	size_t len = (size_t)snprintf(digits, sizeof digits, "%zu", n), o = 0;

	for (size_t i = 0; i < len && o + 2 < size; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
	return buf;
}

static void print_header(const struct pair_stats *s)
{
	char d1[DATE_STR_SIZE], d2[DATE_STR_SIZE], d3[DATE_STR_SIZE], n[32];

	printf("%s vs %s: Correlation Analysis\n\n", s->a, s->b);
	printf("Pearson correlation of daily log returns of %s and %s, aligned on "
	       "shared dates.\n", s->a, s->b);
	printf("Data window: %s to %s (%s aligned observations, first return %s)\n\n",
	       date_format(s->first_price, d1), date_format(s->as_of, d2),
	       fmt_count(s->observations, n, sizeof n), date_format(s->start, d3));
}

static void print_windows(const struct pair_stats *s)
{
	char r[16], lo[16], hi[16], ci[40], n[24];

	printf("%-8s %-12s %-26s %-18s %s\n", "Window", "Correlation", "Strength",
	       "95% CI", "n");
	for (int w = 0; w < W_COUNT; w++) {
		const struct window_stat *ws = &s->win[w];
		bool has = ws->n > 0 && ws->has_r;

		if (ws->has_ci)
			snprintf(ci, sizeof ci, "[%s, %s]",
				 fmt_r(true, ws->ci_lo, lo, sizeof lo),
				 fmt_r(true, ws->ci_hi, hi, sizeof hi));
		else
			snprintf(ci, sizeof ci, "n/a");
		printf("%-8s %-12s %-26s %-18s %s\n", window_title[w],
		       fmt_r(has, ws->r, r, sizeof r),
		       has ? stats_label(ws->r) : (ws->n ? "no variance" : "not enough data"),
		       ci, ws->n ? fmt_count(ws->n, n, sizeof n) : "-");
	}
	putchar('\n');
}

static void print_shift(const struct pair_stats *s)
{
	char r1[16], r2[16], r3[16];

	printf("Recent vs Long-Run Behavior\n");
	printf("  90-day              %s\n",
	       fmt_r(s->win[W_90D].has_r, s->win[W_90D].r, r1, sizeof r1));
	printf("  5-year              %s\n",
	       fmt_r(s->win[W_5Y].has_r, s->win[W_5Y].r, r2, sizeof r2));
	if (s->shift.has_delta)
		printf("  Change vs 5-year    %s (%s the long-run average)\n",
		       fmt_r(true, s->shift.delta, r3, sizeof r3),
		       s->shift.delta >= 0 ? "above" : "below");
	else
		printf("  Change vs 5-year    n/a\n");
	if (s->shift.baseline_n > 0)
		printf("  Baseline            %s (5-year without the last 90 days, "
		       "n = %zu)\n", fmt_r(s->shift.has_baseline,
					   s->shift.baseline_r, r1, sizeof r1),
		       s->shift.baseline_n);
	if (s->shift.has_z)
		printf("  Shift test          z = %.2f, two-sided p = %.2g\n",
		       s->shift.z, s->shift.p);
	else
		printf("  Shift test          n/a\n");
	putchar('\n');
}

/* One "label  value" row of a details table. */
static void detail_row(const char *label, const char *value)
{
	printf("  %-34s %s\n", label, value);
}

static void print_one_year(const struct pair_stats *s)
{
	char label[2 * PRICES_SYMBOL_MAX + 32], v[32];

	printf("Statistical Details (1-Year Window)\n");
	if (!s->one_year.ok) {
		printf("  not enough data (fewer than %d returns)\n\n", STATS_W1Y);
		return;
	}
	detail_row("Pearson correlation (r)",
		   fmt_r(s->one_year.has_r, s->one_year.r, v, sizeof v));
	snprintf(v, sizeof v, s->one_year.has_r ? "%.3f" : "n/a", s->one_year.r2);
	detail_row("R-squared", v);
	snprintf(label, sizeof label, "Beta (%s vs %s)", s->a, s->b);
	snprintf(v, sizeof v, s->one_year.has_beta ? "%.3f" : "n/a", s->one_year.beta);
	detail_row(label, v);
	snprintf(label, sizeof label, "Daily volatility (%s)", s->a);
	snprintf(v, sizeof v, "%.2f%%", 100 * s->one_year.vol_a);
	detail_row(label, v);
	snprintf(label, sizeof label, "Daily volatility (%s)", s->b);
	snprintf(v, sizeof v, "%.2f%%", 100 * s->one_year.vol_b);
	detail_row(label, v);
	snprintf(v, sizeof v, "%zu", s->one_year.n);
	detail_row("Observations", v);
	putchar('\n');
}

static void print_years(const struct pair_stats *s)
{
	char r[16];

	printf("Year-by-Year Correlation\n");
	printf("  %-6s %-12s %-26s %s\n", "Year", "Correlation", "Strength",
	       "Observations");
	for (size_t i = 0; i < s->nyears; i++) {
		const struct year_stat *y = &s->years[i];
		printf("  %-6d %-12s %-26s %zu\n", y->year,
		       fmt_r(y->has_r, y->r, r, sizeof r),
		       y->has_r ? stats_label(y->r) : "n/a", y->n);
	}
	putchar('\n');
}

static void print_extreme(const char *title, const struct roll_extreme *x)
{
	char r[16], d[DATE_STR_SIZE];

	if (x->ok)
		printf("  %-24s %s ending %s\n", title, fmt_r(true, x->r, r, sizeof r),
		       date_format(x->end, d));
	else
		printf("  %-24s n/a\n", title);
}

static void print_text(const struct pair_stats *s)
{
	print_header(s);
	print_windows(s);
	print_shift(s);
	print_one_year(s);
	print_years(s);
	printf("Rolling 90-Day Extremes\n");
	print_extreme("Most correlated period", &s->roll_max);
	print_extreme("Most decoupled period", &s->roll_min);
}

/* ---- the pairs --------------------------------------------------------- */

static int print_json(const struct pair_stats *s, struct cx_error *e)
{
	json_t *o = stats_to_json(s);

	if (o == NULL)
		return cx_fail(e, CX_ESOFTWARE, "out of memory writing %s/%s", s->a, s->b);
	json_dumpf(o, stdout, STATS_JSON_FLAGS);
	putchar('\n');
	json_decref(o);
	return 0;
}

/* The data-quality notes of A and B (quality.h), as the run's report has
 * them: a section after the text; with --json, a warning on stderr, once
 * per symbol however many of its pairs are printed. */
static void print_quality(const struct quality_report *q, bool *warned, const char *a,
			  const char *b, bool json)
{
	const struct quality_note *n[2] = {quality_find(q, a), quality_find(q, b)};

	if (n[0] == NULL && n[1] == NULL)
		return;
	if (!json)
		printf("\nData Quality\n");
	for (int k = 0; k < 2; k++) {
		if (n[k] == NULL)
			continue;
		if (json) {
			size_t i = (size_t)(n[k] - q->notes);
			if (!warned[i])
				log_warn("data quality of \"%s\": %s", n[k]->symbol, n[k]->text);
			warned[i] = true;
		} else
			printf("  %s: %s\n", n[k]->symbol, n[k]->text);
	}
}

static int one_pair(const struct series *a, const struct series *b,
		    const struct stats_args *args, struct cx_error *e)
{
	struct pair_stats s;
	int rc = stats_compute(a, b, &args->opts, &s, e);

	if (rc == 0) {
		if (args->json)
			rc = print_json(&s, e);
		else
			print_text(&s);
		print_quality(&args->quality, args->warned, a->symbol, b->symbol, args->json);
	}
	stats_release(&s);
	return rc;
}

/* ---- --pair all on every core ---------------------------------------------
 *
 * The pairs are computed and serialised in chunks by a worker pool
 * (pool.h), one JSON line per pair into a slot of its own; this thread then
 * prints the chunk in pair order with its warnings, so the output is the
 * same on any number of cores. A chunk bounds the memory (~2 KB a pair). */
#define ALL_CHUNK 512
#define ALL_THREADS_MAX 8

struct pair_chunk {
	const struct prices *p;
	const struct stats_args *args;
	double **ret;                  /* stats_returns of every symbol */
	size_t ij[ALL_CHUNK][2];       /* load indices of A and B */
	char *line[ALL_CHUNK];         /* the JSON of the pair, or NULL */
	struct cx_error err[ALL_CHUNK]; /* why line[k] is NULL */
	const char *sym[ALL_CHUNK][2];
};

static int pair_work(void *ctx, size_t k, struct cx_error *e)
{
	struct pair_chunk *c = ctx;
	const struct series *a = prices_at(c->p, c->ij[k][0]), *b = prices_at(c->p, c->ij[k][1]);
	struct pair_stats s;
	json_t *o;

	(void)e;   /* errors stay in err[k], reported in pair order */
	c->line[k] = NULL;
	c->sym[k][0] = a->symbol;
	c->sym[k][1] = b->symbol;
	cx_error_clear(&c->err[k]);
	if (stats_compute_returns(a, c->ret[c->ij[k][0]], b, c->ret[c->ij[k][1]], &c->args->opts,
				  &s, &c->err[k]) == 0) {
		o = stats_to_json(&s);
		c->line[k] = o != NULL ? json_dumps(o, STATS_JSON_FLAGS) : NULL;
		json_decref(o);
		if (c->line[k] == NULL)
			cx_fail(&c->err[k], CX_ESOFTWARE, "out of memory writing %s/%s", a->symbol,
				b->symbol);
	}
	stats_release(&s);
	return 0;
}

/* Print the n pairs of the chunk in order; counts the skipped ones. Returns
 * -1 with `e` set at the first error that is not a pair's data (the pairs
 * after it are not printed). */
static int chunk_print(struct pair_chunk *c, size_t n, const struct stats_args *args,
		       size_t *skipped, struct cx_error *e)
{
	int rc = 0;

	for (size_t k = 0; k < n; k++) {
		if (rc == 0 && c->line[k] != NULL) {
			fputs(c->line[k], stdout);
			putchar('\n');
			print_quality(&args->quality, args->warned, c->sym[k][0], c->sym[k][1], true);
		} else if (rc == 0 && c->err[k].code != CX_EDATA) {
			*e = c->err[k];
			rc = -1;
		} else if (rc == 0) {
			log_warn("skipped: %s", c->err[k].msg);
			++*skipped;
		}
		free(c->line[k]);
	}
	return rc;
}

static int all_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > ALL_THREADS_MAX ? ALL_THREADS_MAX : (int)n;
}

/* Every pair i < j in load order; failing pairs are logged and skipped. */
static int all_pairs(const struct prices *p, const struct stats_args *args,
		     struct cx_error *e)
{
	size_t n = prices_count(p), skipped = 0, k = 0;
	struct pair_chunk *c;
	int rc = 0;

	if (n < 2)
		return cx_fail(e, CX_ENOINPUT, "--pair all needs at least two "
			       "symbols, the price files hold %zu", n);
	c = xmalloc(sizeof *c);
	c->p = p;
	c->args = args;
	c->ret = xmalloc(n * sizeof *c->ret);
	for (size_t i = 0; i < n; i++)
		c->ret[i] = stats_returns(prices_at(p, i));
	json_object_seed(0);   /* before the threads make objects */
	for (size_t i = 0; rc == 0 && i < n; i++) {
		for (size_t j = i + 1; rc == 0 && j < n; j++) {
			c->ij[k][0] = i;
			c->ij[k][1] = j;
			if (++k < ALL_CHUNK && !(i == n - 2 && j == n - 1))
				continue;
			pool_run(all_threads(), k, pair_work, c, NULL, e);
			rc = chunk_print(c, k, args, &skipped, e);
			k = 0;
		}
	}
	for (size_t i = 0; i < n; i++)
		free(c->ret[i]);
	free(c->ret);
	free(c);
	if (rc == 0 && skipped > 0)
		return cx_fail(e, CX_EPARTIAL, "%zu of %zu %s skipped", skipped, n * (n - 1) / 2,
			       plural(n * (n - 1) / 2, "pair", "pairs"));
	return rc;
}

static int run(struct stats_args *args, struct cx_error *e)
{
	struct prices *p = prices_new();
	const struct series *a = NULL, *b = NULL;
	struct plausible_opts qo;
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < args->nprices; i++)
		rc = cliargs_load_prices(p, args->prices[i], e);
	plausible_opts_init(&qo);
	if (rc == 0) {
		quality_apply(p, &qo, (int64_t)time(NULL), &args->quality);
		args->warned = xcalloc(args->quality.n + 1, sizeof *args->warned);
	}
	if (rc == 0 && !strcmp(args->pair, "all"))
		rc = all_pairs(p, args, e);
	else if (rc == 0 && (rc = cliargs_find_pair(p, args->pair,
			CLIARGS_PAIR_OR_ALL | CLIARGS_PAIR_LIST, &a, &b, e)) == 0)
		rc = one_pair(a, b, args, e);
	prices_free(p);
	quality_report_release(&args->quality);
	free(args->warned);
	return rc;
}

int cmd_stats(int argc, char **argv)
{
	struct stats_args args = {0};
	struct cx_error err;
	int rc;

	cx_error_clear(&err);
	rc = parse_args(argc, argv, &args, &err);
	if (rc == 0)
		rc = run(&args, &err);
	free(args.prices);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (err.code == CX_OK)
			cx_fail(&err, CX_EIO, "cannot write the output: %s",
				strerror(errno));
		rc = -1;
	}
	if (rc > 0)
		return 0;       /* --help */
	return rc == 0 ? 0 : cmd_fail(&err);
}
