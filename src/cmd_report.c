/* cmd_report.c - `convex report`: the deep-dive PDF of one pair (and, with
 * --png, its charts as PNG files). */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chart.h"
#include "atomicfile.h"
#include "cliargs.h"
#include "cmd.h"
#include "deepdive.h"
#include "err.h"
#include "pdf.h"
#include "prices.h"
#include "quality.h"
#include "stats.h"
#include "text.h"
#include "xalloc.h"

#define LOOKBACK_MAX CLIARGS_LOOKBACK_MAX

struct report_args {
	const char **prices;    /* the --prices arguments, in order */
	size_t nprices;
	const char **names;     /* the --name SYM=NAME arguments */
	size_t nnames;
	const char *pair;
	const char *out;
	enum pdf_paper paper;
	bool png;
	struct stats_opts opts;
};

static void help(FILE *f)
{
	fprintf(f,
		"Usage: convex report --prices [SYMBOL=]FILE... --pair A/B --out DIR\n"
		"                     [--as-of YYYY-MM-DD] [--lookback-years N]\n"
		"                     [--name SYMBOL=NAME]... [--paper a4|letter] [--png]\n"
		"Write the correlation deep dive of the pair A/B as DIR/A-B.pdf (PDF/A-1b)\n"
		"and print the path of every file written, one a line.\n\n"
		"  --prices [SYMBOL=]FILE  a CSV price file (wide, per-symbol OHLC or long);\n"
		"                          repeat the option or list several files after it\n"
		"  --pair A/B              the pair\n"
		"  --out DIR               the output directory (created when missing)\n"
		"  --as-of YYYY-MM-DD      use the last shared date on or before this day\n"
		"  --lookback-years N      years of history, 1..%d (default 5)\n"
		"  --name SYMBOL=NAME      the long name of a symbol, shown in the title\n"
		"  --paper a4|letter       paper size (default a4)\n"
		"  --png                   also write DIR/A-B-rolling.png, -scatter.png,\n"
		"                          -years.png (and @2x versions)\n"
		"  -h, --help              show this help and exit\n\n"
		"SOURCE_DATE_EPOCH, when set, fixes the PDF's dates for reproducible output.\n"
		"Exit status: 0 ok, 64 usage, 65 bad data, 66 missing input,\n"
		"70 internal error, 73/74 cannot write the output.\n", LOOKBACK_MAX);
}

/* ---- options --------------------------------------------------------- */

static int parse_option(int c, struct report_args *a, char **argv,
			struct cx_error *e)
{
	switch (c) {
	case 'P': a->prices[a->nprices++] = optarg; return 0;
	case 'n': a->names[a->nnames++] = optarg; return 0;
	case 'p': a->pair = optarg; return 0;
	case 'o': a->out = optarg; return 0;
	case 'g': a->png = true; return 0;
	case 'y': return cliargs_lookback(optarg, LOOKBACK_MAX,
					  &a->opts.lookback_years, e);
	case 'a': return cliargs_as_of(optarg, &a->opts.as_of, e);
	case 'z':
		if (pdf_paper_parse(optarg, &a->paper) != 0)
			return cx_fail(e, CX_EUSAGE, "--paper \"%s\" is not a4 or "
				       "letter", optarg);
		return 0;
	default:
		return cliargs_bad_option("report", argv, c, e);
	}
}

/* Returns 1 after --help, 0 when the arguments are complete, -1 on error. */
static int parse_args(int argc, char **argv, struct report_args *a,
		      struct cx_error *e)
{
	static const struct option longopts[] = {
		{"prices", required_argument, NULL, 'P'},
		{"pair", required_argument, NULL, 'p'},
		{"out", required_argument, NULL, 'o'},
		{"as-of", required_argument, NULL, 'a'},
		{"lookback-years", required_argument, NULL, 'y'},
		{"name", required_argument, NULL, 'n'},
		{"paper", required_argument, NULL, 'z'},
		{"png", no_argument, NULL, 'g'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	a->opts.lookback_years = 5;
	/* each argument is at most one --prices file or --name */
	a->prices = xcalloc((size_t)argc + 1, sizeof *a->prices);
	a->names = xcalloc((size_t)argc + 1, sizeof *a->names);
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		if (c == 'h') {
			help(stdout);
			return 1;
		}
		if (parse_option(c, a, argv, e) != 0)
			return -1;
		/* "--prices a.csv b.csv": files listed after one --prices */
		while (c == 'P' && optind < argc && argv[optind][0] != '-')
			a->prices[a->nprices++] = argv[optind++];
	}
	if (optind < argc)
		return cx_fail(e, CX_EUSAGE, "unexpected argument \"%s\"; try "
			       "'convex report --help'", argv[optind]);
	if (a->nprices == 0)
		return cx_fail(e, CX_EUSAGE, "no price file; give --prices FILE");
	if (a->pair == NULL)
		return cx_fail(e, CX_EUSAGE, "no pair; give --pair A/B");
	if (a->out == NULL)
		return cx_fail(e, CX_EUSAGE, "no output directory; give --out DIR");
	return 0;
}

/* ---- inputs ------------------------------------------------------------ */

/* The long name of `sym` from the --name arguments (the last one wins), or
 * NULL. A --name without "=" is a usage error found by check_names. */
static const char *long_name(const struct report_args *a, const char *sym)
{
	const char *found = NULL;
	size_t len = strlen(sym);
	for (size_t i = 0; i < a->nnames; i++)
		if (!strncmp(a->names[i], sym, len) && a->names[i][len] == '=')
			found = a->names[i] + len + 1;
	return found;
}

static int check_names(const struct report_args *a, struct cx_error *e)
{
	for (size_t i = 0; i < a->nnames; i++) {
		const char *eq = strchr(a->names[i], '=');
		if (eq == NULL || eq == a->names[i])
			return cx_fail(e, CX_EUSAGE, "--name \"%s\" is not "
				       "SYMBOL=NAME", a->names[i]);
		text_warn_missing("--name", "name", eq + 1);
	}
	return 0;
}

/* ---- outputs ----------------------------------------------------------- */

static int ensure_dir(const char *dir, struct cx_error *e)
{
	struct stat st;
	if (mkdir(dir, 0777) == 0 || (errno == EEXIST && stat(dir, &st) == 0 &&
				       S_ISDIR(st.st_mode)))
		return 0;
	return cx_fail(e, CX_ECANTCREAT, "%s: cannot create directory: %s", dir,
		       errno == EEXIST ? "not a directory" : strerror(errno));
}

static int out_path(char *buf, size_t size, const struct report_args *a,
		    const struct pair_stats *s, const char *suffix,
		    struct cx_error *e)
{
	int n = snprintf(buf, size, "%s/%s-%s%s", a->out, s->a, s->b, suffix);
	if (n < 0 || (size_t)n >= size)
		return cx_fail(e, CX_ECANTCREAT, "%s: output path too long", a->out);
	return 0;
}

static int write_pngs(const struct report_args *a, const struct pair_stats *s,
		      struct cx_error *e)
{
	static const struct {
		enum chart_kind kind;
		double h;
		const char *title;
	} charts[] = {
		{CHART_ROLLING, CHART_ROLLING_H, "Rolling 90-day correlation (thin: 30-day)"},
		{CHART_SCATTER, CHART_SCATTER_H, "Daily returns, last year (%)"},
		{CHART_YEARS, CHART_YEARS_H, "Correlation by calendar year"},
	};
	char path[PATH_MAX], suffix[64];

	for (size_t i = 0; i < sizeof charts / sizeof charts[0]; i++) {
		double w = charts[i].kind == CHART_SCATTER ? 300 : CHART_WIDTH;
		struct chart_spec spec = {charts[i].kind, charts[i].title, s,
					  NULL, 0, NULL};
		for (int scale = 1; scale <= 2; scale++) {
			unsigned char *png = NULL;
			size_t len = 0;
			snprintf(suffix, sizeof suffix, "-%s%s.png",
				 chart_kind_name(charts[i].kind), scale == 2 ? "@2x" : "");
			if (out_path(path, sizeof path, a, s, suffix, e) ||
			    chart_png_render(&spec, w, charts[i].h, scale, 0, &png,
					     &len, e))
				return -1;
			int rc = atomicfile_write(path, png, len, ATOMICFILE_REPLACE, e);
			free(png);
			if (rc)
				return -1;
			printf("%s\n", path);
		}
	}
	return 0;
}

static int run(const struct report_args *a, struct cx_error *e)
{
	struct prices *p = prices_new();
	const struct series *sa = NULL, *sb = NULL;
	struct pair_stats s;
	struct plausible_opts qo;
	struct quality_report q = {0};
	const struct quality_note *qa, *qb;
	char path[PATH_MAX];
	int rc = -1;

	memset(&s, 0, sizeof s);
	for (size_t i = 0; i < a->nprices; i++)
		if (cliargs_load_prices(p, a->prices[i], e) != 0)
			goto out;
	plausible_opts_init(&qo);
	quality_apply(p, &qo, (int64_t)time(NULL), &q);
	if (check_names(a, e) || cliargs_find_pair(p, a->pair, 0, &sa, &sb, e))
		goto out;
	if (stats_compute(sa, sb, &a->opts, &s, e) != 0)
		goto out;
	if (ensure_dir(a->out, e) || out_path(path, sizeof path, a, &s, ".pdf", e))
		goto out;
	qa = quality_find(&q, s.a);
	qb = quality_find(&q, s.b);
	struct deepdive_input in = {&s, long_name(a, s.a), long_name(a, s.b),
				    NULL, 0, 0, qa ? qa->text : NULL, qb ? qb->text : NULL};
	if (deepdive_write(path, &in, a->paper, e) != 0)
		goto out;
	printf("%s\n", path);    /* every file written, one a line */
	if (a->png && write_pngs(a, &s, e) != 0)
		goto out;
	rc = 0;
out:
	stats_release(&s);
	quality_report_release(&q);
	prices_free(p);
	return rc;
}

int cmd_report(int argc, char **argv)
{
	struct report_args args;
	struct cx_error err;
	int rc;

	memset(&args, 0, sizeof args);
	cx_error_clear(&err);
	rc = parse_args(argc, argv, &args, &err);
	if (rc == 0)
		rc = run(&args, &err);
	free(args.prices);
	free(args.names);
	if (rc == 1)
		return 0;
	return rc == 0 ? 0 : cmd_fail(&err);
}
