/* cmd_run.c - `convex run JOB` and `convex check JOB`.
 *
 * The run, stage by stage (each a function below):
 *   job -> lock -> prices (fetch, files; once for all symbols) -> assets
 *   (last price, staleness) -> pair statistics (N threads) -> ranking + BH
 *   -> related pairs -> run directory (charts and PDFs in N threads,
 *   report.xml/json, manifest) renamed into place -> archive -> mail ->
 *   summary.
 * Every per-pair result lands in its own slot of an array indexed by the
 * pair's position in the watchlist, so the files are the same whatever -j.
 * Bad days (missing file, stale symbol, too little overlap) skip the pairs
 * concerned, are listed in the summary and the report, and make the exit
 * status 3 while everything else is delivered.
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "archive.h"
#include "atomicfile.h"
#include "chart.h"
#include "cliargs.h"
#include "cmd.h"
#include "deepdive.h"
#include "deliver.h"
#include "digest_pdf.h"
#include "err.h"
#include "fetch.h"
#include "job.h"
#include "log.h"
#include "manifest.h"
#include "narrative.h"
#include "prices.h"
#include "quality.h"
#include "rank.h"
#include "report.h"
#include "resume.h"
#include "rundir.h"
#include "runjson.h"
#include "runlock.h"
#include "shard.h"
#include "site.h"
#include "stats.h"
#include "suppress.h"
#include "xalloc.h"

#define RUN_THREADS_MAX   256
#define RUN_TIMEOUT_MAX_S 3600   /* --timeout */
#define RUN_RELATED_MAX   8      /* related pairs shown per deep dive */
#define RUN_SHIFTS_CHART_MAX 20  /* rows of the digest's shift chart */
#define RUN_PROBLEMS_MAX  1000   /* bad-day lines kept for the summary */
#define RUN_SUMMARY_TOP   5
#define RUN_PATH_MAX      4096
/* A pair needs a full 90-day window to have a shift to rank. */
#define RUN_MIN_OVERLAP   STATS_W90

struct run_args {
	const char *job;
	cx_date as_of;
	const char *out;
	int threads;
	bool no_mail, offline;
	int timeout;                  /* --timeout: seconds per request; 0: the job's */
	const char *smtp, *smtp_ca;   /* --smtp, --smtp-ca-file (job_set_smtp) */
	struct shard_spec shard;      /* n == 0: the whole watchlist */
	char **shard_dirs;            /* merge: the shards' run directories */
	int nshard_dirs;
};

/* Everything one run holds; freed by run_release. */
struct run {
	struct run_args args;
	struct job *job;
	struct prices *prices;
	struct quality_report quality;   /* data-quality notes (quality.h) */
	struct report rep;
	char *problems[RUN_PROBLEMS_MAX];   /* files that failed, fetch trouble */
	size_t nproblems;
	struct rundir dir;
	size_t archived_new, archived_same;
	bool archive_failed;
	long long created;            /* the PDFs' creation time (archive_day_created) */
	struct deliver_summary mail;
	bool mailed, mail_partial;
	bool committed;
	struct runjson *rj;           /* run.json */
	/* a shard (--shard K/N): the pairs whose files it writes, and the
	 * pairs whose statistics it needs (those plus every pair sharing a
	 * symbol with one of them, for the deep dives' related pairs) */
	bool *in_slice, *needed;
	char job_sha[65];
	double t0;
	/* the merge: the shards by K-1, and the shard of each pair */
	struct shard_result **shards;
	size_t *owner;
	/* the shared work queue of the threaded stages */
	pthread_mutex_t lock;
	size_t next, done, total;
	bool progress;
	const char *what;             /* the progress bar's label */
	int (*work)(struct run *r, size_t i, struct cx_error *e);
	struct cx_error first_error;
};

/* ---- options ------------------------------------------------------------ */

static void help(FILE *f, const char *cmd)
{
	if (strcmp(cmd, "merge") == 0) {
		fprintf(f, "Usage: convex merge [--job JOB] [--out DIR] [-j N] [--no-mail] RUNDIR...\n"
			   "Assemble the shard directories RUNDIR... (OUT/YYYY-MM-DD.shard-K-of-N, written\n"
			   "by 'convex run JOB --shard K/N') into the run OUT/YYYY-MM-DD: the ranking and\n"
			   "its Benjamini-Hochberg correction over every pair, report.xml, report.json,\n"
			   "the digest PDF, the manifest, byte for byte what an unsharded run writes;\n"
			   "then the archive and the digest mail. Every shard 1..N of the same job file\n"
			   "and date must be given, each once, or nothing is written.\n\n"
			   "Options:\n"
			   "  --job JOB     the job file (default: the path the shards recorded; its\n"
			   "                bytes must be those the shards ran)\n"
			   "  --out DIR     output directory (default: the one the shards are in)\n"
			   "  -j N          threads (default: the number of cores)\n"
			   "  --no-mail     do not deliver the digest\n"
			   "  -h, --help    show this help and exit\n\n"
			   "Exit status: 0 all good, 3 some pairs were skipped or mail deferred, 64 usage,\n"
			   "65 the shards do not belong together (other job, date or N), 66 a shard is\n"
			   "missing or failed, 73 cannot create output, 75 the job is running, 78 bad\n"
			   "job file.\n");
		return;
	}
	if (strcmp(cmd, "check") == 0) {
		fprintf(f, "Usage: convex check JOB [--no-mail] [--offline]\n"
			   "Validate the job file JOB (schema jobs/job.rng) and its inputs: the price\n"
			   "files exist and load, every watchlist symbol has prices, the subscribers\n"
			   "file exists, and every environment variable the job names is set (SMTP\n"
			   "user and password, unsubscribe secrets when mail goes over SMTP, API keys\n"
			   "of HTTP sources). Nothing is written.\n\n"
			   "Options:\n"
			   "  --no-mail     do not require the mail variables (for 'run --no-mail')\n"
			   "  --offline     do not require the API keys (for 'run --offline')\n"
			   "  -h, --help    show this help and exit\n\n"
			   "Exit status: 0 ok, 66 missing input, 65 bad price data, 78 bad job file or\n"
			   "a variable it names is not set.\n");
		return;
	}
	fprintf(f, "Usage: convex run JOB [--as-of YYYY-MM-DD] [--out DIR] [-j N] [--no-mail]\n"
		   "                      [--smtp URL] [--smtp-ca-file FILE] [--offline]\n"
		   "                      [--shard K/N] [-q] [-v]\n"
		   "Run the job: statistics of every watchlist pair, the regime-shift ranking,\n"
		   "charts, deep-dive PDFs and the digest into OUT/YYYY-MM-DD/, the PDFs into\n"
		   "the archive, then the digest mail.\n\n"
		   "Options:\n"
		   "  --as-of D     run as of day D (default: the job's, else the latest price)\n"
		   "  --out DIR     output directory (default: the job's <outputs dir>); the\n"
		   "                archive, price store, ledger and suppression list move\n"
		   "                with it unless the job gives them as absolute paths\n"
		   "  -j N          threads for the per-pair work (default: the number of cores)\n"
		   "  --no-mail     do not deliver the digest\n"
		   "  --smtp URL    send the digest through URL (smtp://host:587, STARTTLS\n"
		   "                required, or smtps://host:465) instead of the job's <smtp>\n"
		   "                or the .eml files; AUTH with the job's user-env/password-env,\n"
		   "                else $CONVEX_SMTP_USER/$CONVEX_SMTP_PASSWORD when set\n"
		   "  --smtp-ca-file FILE  verify the relay's certificate against FILE\n"
		   "  --offline     do not fetch HTTP sources; use the local price store\n"
		   "  --timeout S   seconds for one HTTP request of the fetch (default: the\n"
		   "                job's <store timeout>, else 60)\n"
		   "  --shard K/N   process only slice K of N of the watchlist into\n"
		   "                OUT/YYYY-MM-DD.shard-K-of-N (no archive, no mail); then\n"
		   "                'convex merge' makes the run of the N shards\n"
		   "  -q, --quiet   no progress bar; warnings, errors and the summary (twice:\n"
		   "                errors only)\n"
		   "  -v, --verbose also print progress information\n"
		   "  -h, --help    show this help and exit\n\n"
		   "Writes run.json (timings per stage, counts, warnings) into the run directory.\n\n"
		   "Exit status: 0 all good, 3 finished but some pairs were skipped (missing or\n"
		   "stale prices, too little overlap), 64 usage, 66 missing input, 73 cannot\n"
		   "create output (or the archive refused to overwrite), 75 the job is already\n"
		   "running, 78 bad job file; mail: 75, 76, 77 (see 'man convex').\n");
}

static int parse_int(const char *opt, const char *s, int lo, int hi, int *out,
		     struct cx_error *e)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return cx_fail(e, CX_EUSAGE, "%s \"%s\" is not a whole number from %d to %d", opt, s, lo, hi);
	*out = (int)v;
	return 0;
}

/* Defaults shared by run and merge: every core, and getopt restarted. */
static void args_init(struct run_args *a)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);

	memset(a, 0, sizeof *a);
	a->threads = cores > 0 && cores < RUN_THREADS_MAX ? (int)cores : 1;
	optind = 1;
	opterr = 0;
}

/* Returns 1 to go on, 0 after --help, -1 with `e` set. */
static int parse_args(int argc, char **argv, struct run_args *a, struct cx_error *e)
{
	static const struct option longopts[] = {
		{"as-of", required_argument, NULL, 'a'}, {"out", required_argument, NULL, 'o'},
		{"no-mail", no_argument, NULL, 'n'}, {"offline", no_argument, NULL, 'f'},
		{"shard", required_argument, NULL, 's'}, {"help", no_argument, NULL, 'h'},
		{"smtp", required_argument, NULL, 'S'}, {"smtp-ca-file", required_argument, NULL, 'C'},
		{"timeout", required_argument, NULL, 'T'},
		{NULL, 0, NULL, 0},
	};
	int c;

	args_init(a);
	while ((c = getopt_long(argc, argv, ":j:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'a':
			if (!date_parse(optarg, strlen(optarg), &a->as_of))
				return cx_fail(e, CX_EUSAGE, "--as-of \"%s\" is not a date YYYY-MM-DD", optarg);
			break;
		case 'o': a->out = optarg; break;
		case 'j':
			if (parse_int("-j", optarg, 1, RUN_THREADS_MAX, &a->threads, e) != 0)
				return -1;
			break;
		case 'n': a->no_mail = true; break;
		case 'f': a->offline = true; break;
		case 'T':
			if (parse_int("--timeout", optarg, 1, RUN_TIMEOUT_MAX_S, &a->timeout, e) != 0)
				return -1;
			break;
		case 'S': a->smtp = optarg; break;
		case 'C': a->smtp_ca = optarg; break;
		case 's':
			if (shard_parse(optarg, &a->shard, e) != 0)
				return -1;
			break;
		case 'h': help(stdout, argv[0]); return 0;
		default:
			return cliargs_bad_option(argv[0], argv, c, e);
		}
	}
	if (optind != argc - 1)
		return cx_fail(e, CX_EUSAGE, "%s: expected exactly one job file; try 'convex %s --help'", argv[0], argv[0]);
	a->job = argv[optind];
	return 1;
}

/* ---- problems (bad-day lines) ------------------------------------------- */

/* Keep a copy of `line` for the summary (the first RUN_PROBLEMS_MAX). */
static void keep_problem(struct run *r, const char *line)
{
	if (r->nproblems >= RUN_PROBLEMS_MAX)
		return;
	r->problems[r->nproblems++] = xstrdup(line);
}

static void problem(struct run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(struct run *r, const char *fmt, ...)
{
	char buf[CX_ERRMSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	log_warn("%s", buf);
	keep_problem(r, buf);
}

/* ---- prices and assets -------------------------------------------------- */

/* What the fetch left for the summary: a failed source with stored prices
 * is a problem naming their age; one without is a problem too. */
static void fetch_problems(struct run *r, const struct fetch_report *fr, cx_date as_of)
{
	char ds[DATE_STR_SIZE];

	if (as_of == 0)
		as_of = (cx_date)(time(NULL) / 86400);
	for (size_t i = 0; i < fr->n; i++) {
		const struct fetch_item *it = &fr->items[i];
		if (it->status == FETCH_FAILED && it->usable)
			problem(r, "%s: fetch failed (%s); using stored prices up to %s (%ld days old)",
				it->name, it->why.msg, date_format(it->last, ds), (long)(as_of - it->last));
		else if (it->status == FETCH_FAILED)
			problem(r, "%s: fetch failed (%s); no usable stored prices, its pairs are skipped",
				it->name, it->why.msg);
		else if (!it->usable)
			problem(r, "source \"%s\": no usable prices for \"%s\"", it->source, it->symbol);
	}
}

static int load_prices(struct run *r, struct cx_error *e)
{
	const struct job *j = r->job;

	double t = runjson_now();

	r->prices = prices_new();
	if (j->nsources > 0) {
		struct fetch_opts fo;
		struct fetch_report fr = {0};
		fetch_opts_init(&fo);
		fo.offline = r->args.offline;
		fo.as_of = r->args.as_of;
		fo.http.max_body = j->store.max_body_bytes;
		fo.http.timeout_ms = r->args.timeout * 1000L;
		if (fetch_job_prices(j, r->prices, &fo, &fr, e) != 0)
			return -1;
		fetch_problems(r, &fr, fo.as_of ? fo.as_of : j->analysis.as_of);
		fetch_report_release(&fr);
	}
	runjson_stage(r->rj, "fetch", runjson_now() - t);
	t = runjson_now();
	for (size_t i = 0; i < j->nfiles; i++) {
		struct cx_error fe;
		cx_error_clear(&fe);
		if (job_load_file(j, i, r->prices, &fe) != 0)
			problem(r, "%s", fe.msg);
	}
	quality_apply(r->prices, &j->quality, (int64_t)time(NULL), &r->quality);
	for (size_t i = 0; i < r->quality.n; i++)
		log_warn("data quality of \"%s\": %s", r->quality.notes[i].symbol, r->quality.notes[i].text);
	runjson_stage(r->rj, "load", runjson_now() - t);
	return 0;
}

/* Index of the last date <= d in s, or -1. */
static long last_on_or_before(const struct series *s, cx_date d)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->dates[mid] <= d)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (long)lo - 1;
}

static bool in_watchlist(const struct job *j, const char *sym)
{
	for (size_t i = 0; i < j->npairs; i++)
		if (!strcmp(j->pairs[i].a, sym) || !strcmp(j->pairs[i].b, sym))
			return true;
	return false;
}

/* The run's date: --as-of, the job's as-of, else the latest price of a
 * watchlist symbol. */
static int run_date(struct run *r, struct cx_error *e)
{
	const struct job *j = r->job;
	cx_date best = 0;

	r->rep.as_of = r->args.as_of ? r->args.as_of : j->analysis.as_of;
	if (r->rep.as_of)
		return 0;
	for (size_t i = 0; i < j->nassets; i++) {
		const struct series *s = prices_find(r->prices, j->assets[i].symbol);
		if (s && s->n && in_watchlist(j, s->symbol) && s->dates[s->n - 1] > best)
			best = s->dates[s->n - 1];
	}
	if (best == 0)
		return cx_fail(e, CX_ENOINPUT, "%s: no prices for any watchlist symbol", j->path);
	r->rep.as_of = best;
	return 0;
}

static void assess_assets(struct run *r)
{
	const struct job *j = r->job;

	r->rep.assets = xcalloc(j->nassets, sizeof *r->rep.assets);
	for (size_t i = 0; i < j->nassets; i++) {
		if (!in_watchlist(j, j->assets[i].symbol))
			continue;
		struct report_asset *a = &r->rep.assets[r->rep.nassets++];
		const struct series *s = prices_find(r->prices, j->assets[i].symbol);
		long k = s ? last_on_or_before(s, r->rep.as_of) : -1;
		a->asset = &j->assets[i];
		const struct quality_note *qn = quality_find(&r->quality, a->asset->symbol);
		a->quality = qn != NULL ? qn->text : NULL;
		if (k < 0)
			continue;
		a->has_prices = true;
		a->first = s->dates[0];
		a->last = s->dates[k];
		/* A feed that repeats its last value is as stale as one that
		 * stopped: count from the first of the closing run of identical
		 * closes (zero returns would show a misleading correlation). */
		long k0 = k;
		while (k0 > 0 && s->close[k0 - 1] == s->close[k])
			k0--;
		a->days = (int)(r->rep.as_of - s->dates[k0]);
		a->stale = a->days > j->analysis.stale_days;
		if (a->stale && k0 < k)
			problem(r, "\"%s\" is stale: its close has stayed at %g since %s (%ld identical closes), %d days before %s; its pairs are skipped",
				a->asset->symbol, s->close[k], date_format(s->dates[k0], (char[DATE_STR_SIZE]){0}),
				k - k0 + 1, a->days, date_format(r->rep.as_of, (char[DATE_STR_SIZE]){0}));
		else if (a->stale)
			problem(r, "\"%s\" is stale: last price %d days before %s; its pairs are skipped",
				a->asset->symbol, a->days, date_format(r->rep.as_of, (char[DATE_STR_SIZE]){0}));
	}
}

static const struct report_asset *rep_asset(const struct run *r, const char *sym)
{
	for (size_t i = 0; i < r->rep.nassets; i++)
		if (!strcmp(r->rep.assets[i].asset->symbol, sym))
			return &r->rep.assets[i];
	return NULL;
}

/* ---- the threaded stages -------------------------------------------------- */

static void progress_draw(struct run *r, const char *what)
{
	enum { WIDTH = 30 };
	size_t filled = r->total ? r->done * WIDTH / r->total : WIDTH;
	char bar[WIDTH + 1];

	memset(bar, '#', filled);
	memset(bar + filled, '.', WIDTH - filled);
	bar[WIDTH] = '\0';
	fprintf(stderr, "\r%-8s [%s] %zu/%zu", what, bar, r->done, r->total);
	if (r->done == r->total)
		fputc('\n', stderr);
	fflush(stderr);
}

static void *worker(void *arg)
{
	struct run *r = arg;

	for (;;) {
		struct cx_error e;
		size_t i;
		pthread_mutex_lock(&r->lock);
		i = r->next++;
		pthread_mutex_unlock(&r->lock);
		if (i >= r->total)
			return NULL;
		cx_error_clear(&e);
		int rc = r->work(r, i, &e);
		pthread_mutex_lock(&r->lock);
		if (rc != 0 && r->first_error.code == CX_OK)
			r->first_error = e;
		r->done++;
		if (r->progress)
			progress_draw(r, r->what);
		pthread_mutex_unlock(&r->lock);
	}
}

/* Run work(r, i) for i in [0, n) over the run's threads. Returns 0, or -1
 * with `e` set to the first error (by completion order; every item is
 * still attempted). */
static int parallel(struct run *r, size_t n, int (*work)(struct run *, size_t, struct cx_error *),
		    struct cx_error *e)
{
	pthread_t tids[RUN_THREADS_MAX];
	int nt = r->args.threads < (int)n ? r->args.threads : (int)n, started = 0;

	r->next = r->done = 0;
	r->total = n;
	r->work = work;
	cx_error_clear(&r->first_error);
	for (int t = 1; t < nt; t++)
		if (pthread_create(&tids[started], NULL, worker, r) == 0)
			started++;
	worker(r);
	for (int t = 0; t < started; t++)
		pthread_join(tids[t], NULL);
	if (r->first_error.code != CX_OK) {
		*e = r->first_error;
		return -1;
	}
	return 0;
}

/* Stage: statistics of pair i, or the reason it is skipped. */
static int compute_pair(struct run *r, size_t i, struct cx_error *e)
{
	struct report_pair *p = &r->rep.pairs[i];
	const struct report_asset *aa = rep_asset(r, p->jp->a), *ab = rep_asset(r, p->jp->b);
	struct stats_opts o = {r->rep.as_of, r->job->analysis.lookback_years};
	struct cx_error se;

	(void)e;
	if (r->needed != NULL && !r->needed[i]) {
		snprintf(p->reason, sizeof p->reason, "not in shard %u/%u", r->args.shard.k, r->args.shard.n);
		return 0;
	}
	for (int k = 0; k < 2; k++) {
		const struct report_asset *x = k ? ab : aa;
		if (!x->has_prices) {
			snprintf(p->reason, sizeof p->reason, "no prices for \"%s\" on or before %s",
				 x->asset->symbol, date_format(r->rep.as_of, (char[DATE_STR_SIZE]){0}));
			return 0;
		}
		if (x->stale && x->last + x->days != r->rep.as_of) {
			snprintf(p->reason, sizeof p->reason, "stale prices for \"%s\": unchanged since %s, %d days before the run's date",
				 x->asset->symbol, date_format(r->rep.as_of - x->days, (char[DATE_STR_SIZE]){0}), x->days);
			return 0;
		}
		if (x->stale) {
			snprintf(p->reason, sizeof p->reason, "stale prices for \"%s\": last %s, %d days before the run's date",
				 x->asset->symbol, date_format(x->last, (char[DATE_STR_SIZE]){0}), x->days);
			return 0;
		}
	}
	cx_error_clear(&se);
	if (stats_compute(prices_find(r->prices, p->jp->a), prices_find(r->prices, p->jp->b), &o, &p->st, &se) != 0) {
		snprintf(p->reason, sizeof p->reason, "%s", se.msg);
		stats_release(&p->st);
		return 0;
	}
	if (p->st.observations < RUN_MIN_OVERLAP) {
		snprintf(p->reason, sizeof p->reason, "too little overlap: %zu common daily returns, at least %d needed",
			 p->st.observations, RUN_MIN_OVERLAP);
		stats_release(&p->st);
		return 0;
	}
	p->ok = true;
	return 0;
}

static void make_pairs(struct run *r)
{
	const struct job *j = r->job;

	r->rep.pairs = xcalloc(j->npairs, sizeof *r->rep.pairs);
	r->rep.order = xcalloc(j->npairs, sizeof *r->rep.order);
	r->rep.npairs = j->npairs;
	for (size_t i = 0; i < j->npairs; i++) {
		r->rep.pairs[i].jp = &j->pairs[i];
		r->rep.pairs[i].a = job_find_asset(j, j->pairs[i].a);
		r->rep.pairs[i].b = job_find_asset(j, j->pairs[i].b);
	}
}

/* ---- ranking and related pairs ------------------------------------------- */

static void rank_pairs(struct run *r)
{
	struct report *rep = &r->rep;
	struct rank_item *items = xcalloc(rep->npairs, sizeof *items);
	size_t *idx = xcalloc(rep->npairs, sizeof *idx), *order = xcalloc(rep->npairs, sizeof *order);
	size_t n = 0;

	for (size_t i = 0; i < rep->npairs; i++) {
		const struct pair_stats *s = &rep->pairs[i].st;
		if (!rep->pairs[i].ok)
			continue;
		idx[n] = i;
		items[n++] = (struct rank_item){.id = rep->pairs[i].jp->id, .has_z = s->shift.has_z,
			.z = s->shift.z, .p = s->shift.p, .has_delta = s->shift.has_delta, .delta = s->shift.delta};
	}
	rep->alpha = RANK_ALPHA;
	rep->tests = rank_compute(items, n, RANK_ALPHA, order);
	rep->nranked = n;
	for (size_t k = 0; k < n; k++) {
		rep->pairs[idx[k]].rank = items[k];
		rep->order[k] = idx[order[k]];
	}
	free(items), free(idx), free(order);
}

static bool shares_symbol(const struct job_pair *x, const struct job_pair *y)
{
	return !strcmp(x->a, y->a) || !strcmp(x->a, y->b) || !strcmp(x->b, y->a) || !strcmp(x->b, y->b);
}

/* Related pairs of each pair: the ok pairs sharing a symbol, most shifted
 * first (rank order), at most RUN_RELATED_MAX. */
static void relate_pairs(struct run *r)
{
	struct report *rep = &r->rep;

	for (size_t i = 0; i < rep->npairs; i++) {
		struct report_pair *p = &rep->pairs[i];
		if (!p->ok)
			continue;
		p->related = xcalloc(RUN_RELATED_MAX, sizeof *p->related);
		for (size_t k = 0; k < rep->nranked && p->nrelated < RUN_RELATED_MAX; k++) {
			size_t q = rep->order[k];
			if (q != i && shares_symbol(p->jp, rep->pairs[q].jp))
				p->related[p->nrelated++] = q;
		}
	}
}

/* ---- charts ---------------------------------------------------------------- */

static int write_file(const char *path, const unsigned char *data, size_t len, struct cx_error *e)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL)
		return cx_fail(e, CX_ECANTCREAT, "%s: cannot create: %s", path, strerror(errno));
	if (fwrite(data, 1, len, f) != len) {
		fclose(f);
		return cx_fail(e, CX_EIO, "%s: write error: %s", path, strerror(errno));
	}
	if (fclose(f) != 0)
		return cx_fail(e, CX_EIO, "%s: write error: %s", path, strerror(errno));
	return 0;
}

static int render_png(struct run *r, const struct chart_spec *spec, double w, double h,
		      double scale, const char *rel, struct cx_error *e)
{
	char path[RUN_PATH_MAX + REPORT_FILE_MAX];
	unsigned char *png = NULL;
	size_t len = 0;
	int rc;

	if (chart_png_render(spec, w, h, scale, &png, &len, e) != 0)
		return -1;
	snprintf(path, sizeof path, "%s/%s", r->dir.tmp, rel);
	rc = write_file(path, png, len, e);
	free(png);
	return rc;
}

static void related_rows(const struct run *r, const struct report_pair *p,
			 struct deepdive_related rel[RUN_RELATED_MAX])
{
	for (size_t k = 0; k < p->nrelated; k++) {
		const struct pair_stats *q = &r->rep.pairs[p->related[k]].st;
		rel[k] = (struct deepdive_related){q->a, q->b, q->win[W_90D].has_r, q->win[W_90D].r,
						   q->shift.has_delta, q->shift.delta};
	}
}

static enum pdf_paper run_paper(const struct run *r)
{
	return r->job->outputs.paper == JOB_PAPER_LETTER ? PDF_LETTER : PDF_A4;
}

/* The deep dive of pair p with its related pairs, as pdf/ID.pdf. */
/* The data-quality note of an asset, or NULL. */
static const char *asset_quality(const struct run *r, const struct job_asset *a)
{
	const struct quality_note *q = quality_find(&r->quality, a->symbol);
	return q != NULL ? q->text : NULL;
}

static int pair_pdf(struct run *r, const struct report_pair *p, struct cx_error *e)
{
	struct deepdive_related rel[RUN_RELATED_MAX];
	struct deepdive_input in = {&p->st, p->a->name, p->b->name, rel, p->nrelated, r->created,
				    asset_quality(r, p->a), asset_quality(r, p->b)};
	char f[REPORT_FILE_MAX], path[RUN_PATH_MAX + REPORT_FILE_MAX];

	related_rows(r, p, rel);
	snprintf(path, sizeof path, "%s/%s", r->dir.tmp, report_pair_file(p, "pdf", f, sizeof f));
	return deepdive_write(path, &in, run_paper(r), e);
}

/* Whether this process writes the files of pair i. */
static bool writes_pair(const struct run *r, size_t i)
{
	return r->rep.pairs[i].ok && (r->in_slice == NULL || r->in_slice[i]);
}

static int pair_pdf_file(struct run *r, size_t i, struct cx_error *e)
{
	return writes_pair(r, i) ? pair_pdf(r, &r->rep.pairs[i], e) : 0;
}

static int pair_charts(struct run *r, size_t i, struct cx_error *e)
{
	const struct report_pair *p = &r->rep.pairs[i];
	char f[REPORT_FILE_MAX];
	struct chart_spec spec = {.pair = &p->st};

	if (!writes_pair(r, i))
		return 0;
	spec.kind = CHART_ROLLING;
	if (render_png(r, &spec, CHART_WIDTH, CHART_ROLLING_H, 1, report_pair_file(p, "rolling", f, sizeof f), e) ||
	    render_png(r, &spec, CHART_WIDTH, CHART_ROLLING_H, 2, report_pair_file(p, "rolling@2x", f, sizeof f), e))
		return -1;
	/* The 2x scatter and years are the web page's (docs/web.md). */
	spec.kind = CHART_SCATTER;
	if (render_png(r, &spec, 260, CHART_SCATTER_H, 1, report_pair_file(p, "scatter", f, sizeof f), e) ||
	    render_png(r, &spec, 260, CHART_SCATTER_H, 2, report_pair_file(p, "scatter@2x", f, sizeof f), e))
		return -1;
	spec.kind = CHART_YEARS;
	if (render_png(r, &spec, CHART_WIDTH, CHART_YEARS_H, 1, report_pair_file(p, "years", f, sizeof f), e))
		return -1;
	return render_png(r, &spec, CHART_WIDTH, CHART_YEARS_H, 2, report_pair_file(p, "years@2x", f, sizeof f), e);
}

static int shifts_chart(struct run *r, struct cx_error *e)
{
	size_t n = r->rep.nranked < RUN_SHIFTS_CHART_MAX ? r->rep.nranked : RUN_SHIFTS_CHART_MAX;
	struct chart_shift *rows = xcalloc(n, sizeof *rows);
	char (*labels)[REPORT_FILE_MAX] = xcalloc(n, sizeof *labels);
	int rc;

	for (size_t k = 0; k < n; k++) {
		const struct report_pair *p = &r->rep.pairs[r->rep.order[k]];
		const struct window_stat *w = &p->st.win[W_90D];
		snprintf(labels[k], sizeof labels[k], "%s/%s", p->jp->a, p->jp->b);
		rows[k] = (struct chart_shift){.label = labels[k], .has_r90 = w->has_r, .r90 = w->r,
			.has_r90_ci = w->has_ci, .r90_lo = w->ci_lo, .r90_hi = w->ci_hi,
			.has_base = p->st.shift.has_baseline, .base = p->st.shift.baseline_r,
			.significant = p->rank.significant};
	}
	struct chart_spec spec = {.kind = CHART_SHIFTS, .title = "Regime shifts: 90-day vs baseline",
				  .shifts = rows, .nshifts = n};
	rc = render_png(r, &spec, CHART_WIDTH, CHART_SHIFTS_ROW * (double)n + 70, 2, REPORT_SHIFTS_PNG, e);
	free(rows), free(labels);
	return rc;
}

/* The heatmap's matrix: a view of the report's (report_heatmap_compute in
 * a run, carried in shard.json to a merge), with the symbols as labels. */
struct heatmap {
	const char *labels[CHART_HEATMAP_MAX];
	struct chart_matrix m;
};

static void heatmap_build(const struct run *r, struct heatmap *h)
{
	const struct report_heatmap *rh = &r->rep.heatmap;

	for (size_t i = 0; i < rh->n; i++)
		h->labels[i] = r->rep.assets[rh->idx[i]].asset->symbol;
	h->m = (struct chart_matrix){rh->n, h->labels, rh->r, rh->has_r};
}

static int heatmap_chart(struct run *r, const struct heatmap *h, struct cx_error *e)
{
	struct chart_spec spec = {.kind = CHART_HEATMAP, .title = "1-year correlation of the watchlist's symbols", .matrix = &h->m};
	return render_png(r, &spec, CHART_WIDTH, CHART_HEATMAP_H, 2, REPORT_HEATMAP_PNG, e);
}

/* The digest PDF: every computed pair as a section (job order), the
 * ranking on the cover, the skipped pairs listed. */
static int digest_pdf(struct run *r, const struct heatmap *h, struct cx_error *e)
{
	const struct report *rep = &r->rep;
	struct digest_pair *dp = xcalloc(rep->npairs + 1, sizeof *dp);
	struct deepdive_related (*rel)[RUN_RELATED_MAX] = xcalloc(rep->npairs + 1, sizeof *rel);
	size_t *pos = xcalloc(rep->npairs + 1, sizeof *pos), *order = xcalloc(rep->npairs + 1, sizeof *order);
	char (*skip)[REPORT_REASON_MAX + REPORT_FILE_MAX] = xcalloc(rep->npairs + 1, sizeof *skip);
	const char **skipped = xcalloc(rep->npairs + 1, sizeof *skipped);
	char path[RUN_PATH_MAX + 32];
	size_t n = 0, nskip = 0;
	int rc;

	for (size_t i = 0; i < rep->npairs; i++) {
		const struct report_pair *p = &rep->pairs[i];
		if (!p->ok) {
			snprintf(skip[nskip], sizeof skip[nskip], "%s/%s: %s", p->jp->a, p->jp->b, p->reason);
			skipped[nskip] = skip[nskip];
			nskip++;
			continue;
		}
		related_rows(r, p, rel[n]);
		pos[i] = n;
		dp[n] = (struct digest_pair){&p->st, p->a->name, p->b->name, rel[n], p->nrelated,
			p->rank.has_z, p->rank.z, p->rank.p, p->rank.has_q, p->rank.q, p->rank.significant,
			asset_quality(r, p->a), asset_quality(r, p->b)};
		n++;
	}
	for (size_t k = 0; k < rep->nranked; k++)
		order[k] = pos[rep->order[k]];
	size_t top = (size_t)r->job->analysis.top < rep->nranked ? (size_t)r->job->analysis.top : rep->nranked;
	struct digest_input in = {r->job->digest.title, rep->as_of, dp, n, order, rep->nranked,
		top < DIGEST_TOP_MAX ? top : DIGEST_TOP_MAX, rep->alpha,
		h->m.n > 1 ? &h->m : NULL, skipped, nskip, r->created,
		(size_t)r->job->analysis.deep_dives, NULL};
	char url[RUN_PATH_MAX + 32];
	int y, mo, d;
	if (r->job->digest.public_url != NULL && r->job->digest.public_url[0] != '\0') {
		/* the shared address scheme (deliver.c: public_urls) */
		const char *pub = r->job->digest.public_url;
		date_to_ymd(rep->as_of, &y, &mo, &d);
		snprintf(url, sizeof url, "%s%s%04d/%02d/%02d/", pub,
			 pub[0] && pub[strlen(pub) - 1] == '/' ? "" : "/", y, mo, d);
		in.pair_url = url;
	}
	snprintf(path, sizeof path, "%s/%s", r->dir.tmp, REPORT_DIGEST_PDF);
	rc = digest_pdf_write(path, &in, run_paper(r), e);
	free(dp), free(rel), free(pos), free(order), free(skip), free(skipped);
	return rc;
}

/* ---- the run directory ------------------------------------------------------- */

/* The merge: the files of pair i, as its shard wrote them. */
static const char *const pair_kinds[] = {"rolling", "rolling@2x", "scatter", "scatter@2x",
					 "years", "years@2x", "pdf"};

static int copy_file(const char *src, const char *dst, struct cx_error *e)
{
	FILE *in = fopen(src, "rb"), *out;
	char buf[65536];
	size_t n;
	int rc = 0;

	if (in == NULL)
		return cx_fail(e, CX_ENOINPUT, "%s: missing from its shard: %s", src, strerror(errno));
	if ((out = fopen(dst, "wb")) == NULL) {
		fclose(in);
		return cx_fail(e, CX_ECANTCREAT, "%s: cannot create: %s", dst, strerror(errno));
	}
	while (rc == 0 && (n = fread(buf, 1, sizeof buf, in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			rc = cx_fail(e, CX_EIO, "%s: write error: %s", dst, strerror(errno));
	if (rc == 0 && ferror(in))
		rc = cx_fail(e, CX_EIO, "%s: read error", src);
	fclose(in);
	if (fclose(out) != 0 && rc == 0)
		rc = cx_fail(e, CX_EIO, "%s: write error: %s", dst, strerror(errno));
	return rc;
}

static int copy_pair(struct run *r, size_t i, struct cx_error *e)
{
	const struct report_pair *p = &r->rep.pairs[i];
	const char *from = r->shards[r->owner[i]]->dir;

	if (!p->ok)
		return 0;
	for (size_t k = 0; k < sizeof pair_kinds / sizeof pair_kinds[0]; k++) {
		char f[REPORT_FILE_MAX], src[RUN_PATH_MAX + REPORT_FILE_MAX], dst[RUN_PATH_MAX + REPORT_FILE_MAX];
		report_pair_file(p, pair_kinds[k], f, sizeof f);
		snprintf(src, sizeof src, "%s/%s", from, f);
		snprintf(dst, sizeof dst, "%s/%s", r->dir.tmp, f);
		if (copy_file(src, dst, e) != 0)
			return -1;
	}
	return 0;
}

/* The per-pair files: rendered (a run, a shard's slice) or copied from
 * the shards (the merge). */
static int write_pair_files(struct run *r, struct cx_error *e)
{
	double t = runjson_now();
	int rc;

	if (r->shards != NULL) {
		r->what = "copy";
		rc = parallel(r, r->rep.npairs, copy_pair, e);
		runjson_stage(r->rj, "copy", runjson_now() - t);
		return rc;
	}
	r->progress = isatty(STDERR_FILENO) && log_verbosity() >= 0;
	r->what = "charts";
	rc = parallel(r, r->rep.npairs, pair_charts, e);
	runjson_stage(r->rj, "charts", runjson_now() - t);
	t = runjson_now();
	r->what = "PDFs";
	if (rc == 0)
		rc = parallel(r, r->rep.npairs, pair_pdf_file, e);
	runjson_stage(r->rj, "pdfs", runjson_now() - t);
	r->progress = false;
	return rc;
}

static int write_outputs(struct run *r, struct cx_error *e)
{
	char path[RUN_PATH_MAX + 32];
	double t;

	if (write_pair_files(r, e) != 0)
		return -1;
	if (r->in_slice != NULL)
		return shard_write(r->dir.tmp, &r->args.shard, &r->rep, r->job_sha, r->problems,
				   r->nproblems, r->in_slice, e) != 0 ? -1 : manifest_write(r->dir.tmp, e);
	struct heatmap h;
	t = runjson_now();
	heatmap_build(r, &h);
	int rc = shifts_chart(r, e) != 0 || heatmap_chart(r, &h, e) != 0;
	runjson_stage(r->rj, "charts", runjson_now() - t);
	t = runjson_now();
	rc = rc || digest_pdf(r, &h, e) != 0;
	runjson_stage(r->rj, "digest", runjson_now() - t);
	if (rc)
		return -1;
	snprintf(path, sizeof path, "%s/report.xml", r->dir.tmp);
	if (report_xml_write(&r->rep, path, e) != 0)
		return -1;
	snprintf(path, sizeof path, "%s/report.json", r->dir.tmp);
	if (report_json_write(&r->rep, path, e) != 0 || resume_write(r->dir.tmp, r->job, e) != 0)
		return -1;
	return manifest_write(r->dir.tmp, e);
}

/* Copy every PDF of the run directory into the archive. A refusal does not
 * stop the others; it is reported and makes the run fail (73). */
static int archive_pdfs(struct run *r, struct cx_error *e)
{
	char pdfdir[RUNDIR_PATH_MAX + 8];
	struct cx_error ae;
	size_t npdf = 0;

	snprintf(pdfdir, sizeof pdfdir, "%s/pdf", r->dir.final);
	for (size_t i = 0; i <= r->rep.npairs; i++) {
		char rel[REPORT_FILE_MAX], src[RUNDIR_PATH_MAX + REPORT_FILE_MAX];
		enum archive_result res;
		if (i < r->rep.npairs && !r->rep.pairs[i].ok)
			continue;
		if (i < r->rep.npairs)
			report_pair_file(&r->rep.pairs[i], "pdf", rel, sizeof rel);
		else
			snprintf(rel, sizeof rel, "%s", REPORT_DIGEST_PDF);
		snprintf(src, sizeof src, "%s/%s", r->dir.final, rel);
		if (access(src, F_OK) != 0)
			continue;
		npdf++;
		cx_error_clear(&ae);
		if (archive_put(r->job->outputs.archive, r->rep.as_of, src, rel + 4, &res, &ae) != 0) {
			if (!r->archive_failed)
				*e = ae;    /* the caller prints the first */
			else
				log_error("%s", ae.msg);
			r->archive_failed = true;
		} else if (res == ARCHIVE_COPIED) {
			r->archived_new++;
		} else {
			r->archived_same++;
		}
	}
	(void)npdf;
	return r->archive_failed ? -1 : 0;
}

/* ---- summary ------------------------------------------------------------------ */

/* The pairs this process is about: the slice of a shard, else all. */
static bool mine(const struct run *r, size_t i)
{
	return r->in_slice == NULL || r->in_slice[i];
}

static size_t count_mine(const struct run *r)
{
	size_t n = 0;
	for (size_t i = 0; i < r->rep.npairs; i++)
		n += mine(r, i);
	return n;
}

static size_t count_ok(const struct run *r)
{
	size_t n = 0;
	for (size_t i = 0; i < r->rep.npairs; i++)
		n += mine(r, i) && r->rep.pairs[i].ok;
	return n;
}

static void print_shard_summary(const struct run *r, double secs)
{
	size_t n = count_mine(r), ok = count_ok(r);
	char d[DATE_STR_SIZE];

	printf("convex run %s --shard %u/%u: as of %s, %zu of %zu pairs in this shard: %zu done, %zu skipped (%.1f s, -j %d)\n",
	       r->job->name, r->args.shard.k, r->args.shard.n, date_format(r->rep.as_of, d), n,
	       r->rep.npairs, ok, n - ok, secs, r->args.threads);
	for (size_t i = 0; i < r->nproblems; i++)
		printf("  - %s\n", r->problems[i]);
	for (size_t i = 0; i < r->rep.npairs; i++)
		if (mine(r, i) && !r->rep.pairs[i].ok)
			printf("  - %s/%s: %s\n", r->rep.pairs[i].jp->a, r->rep.pairs[i].jp->b, r->rep.pairs[i].reason);
	printf("Shard directory: %s\n", r->dir.final);
	/* Absolute, so that the command works from wherever it is pasted. */
	char abs[PATH_MAX];
	if (realpath(r->dir.out, abs) == NULL)
		snprintf(abs, sizeof abs, "%s", r->dir.out);
	printf("  merge:   convex merge %s/%s.shard-{1..%u}-of-%u\n", abs, r->dir.date,
	       r->args.shard.n, r->args.shard.n);
}

static void print_summary(const struct run *r, double secs)
{
	const struct report *rep = &r->rep;
	size_t ok = count_ok(r), top = rep->nranked < RUN_SUMMARY_TOP ? rep->nranked : RUN_SUMMARY_TOP;
	char d[DATE_STR_SIZE], arch[ARCHIVE_PATH_MAX];

	if (r->in_slice != NULL) {
		print_shard_summary(r, secs);
		return;
	}
	printf("convex %s %s: as of %s, %zu pairs: %zu done, %zu skipped (%.1f s, -j %d)\n",
	       r->shards ? "merge" : "run", r->job->name, date_format(rep->as_of, d), rep->npairs, ok,
	       rep->npairs - ok, secs, r->args.threads);
	if (top > 0)
		printf("\nTop regime shifts (|z|, Benjamini-Hochberg at 5%% over %zu tests):\n", rep->tests);
	for (size_t k = 0; k < top; k++) {
		const struct report_pair *p = &rep->pairs[rep->order[k]];
		char line[NARRATIVE_MAX];
		printf("  %zu. %s%s\n", k + 1, narrative_shift_line(&p->st, line, sizeof line),
		       p->rank.significant ? "  [significant]" : "");
	}
	if (ok < rep->npairs || r->nproblems > 0)
		printf("\nSkipped and problems:\n");
	for (size_t i = 0; i < r->nproblems; i++)
		printf("  - %s\n", r->problems[i]);
	for (size_t i = 0; i < rep->npairs; i++)
		if (!rep->pairs[i].ok)
			printf("  - %s/%s: %s\n", rep->pairs[i].jp->a, rep->pairs[i].jp->b, rep->pairs[i].reason);
	printf("\nRun directory: %s\n", r->dir.final);
	printf("  report:  %s/report.xml (and report.json)\n", r->dir.final);
	printf("  charts:  %s/charts/\n", r->dir.final);
	printf("  PDFs:    %s/pdf/\n", r->dir.final);
	printf("  check:   cd %s && sha256sum -c manifest.sha256\n", r->dir.final);
	printf("Archive:   %s (%zu new, %zu already there)\n",
	       archive_day_dir(r->job->outputs.archive, rep->as_of, arch, sizeof arch) ? arch : r->job->outputs.archive,
	       r->archived_new, r->archived_same);
	if (r->mailed) {
		deliver_summary_print(stdout, &r->mail);
		if (!r->job->digest.has_smtp)
			printf("           %s/mail/*.eml (open one with any mail client)\n", r->dir.final);
	}
}

/* ---- the run ------------------------------------------------------------------ */

static void run_release(struct run *r)
{
	for (size_t i = 0; i < r->rep.npairs; i++) {
		if (r->rep.pairs[i].ok)
			stats_release(&r->rep.pairs[i].st);
		free(r->rep.pairs[i].related);
	}
	free(r->rep.pairs), free(r->rep.order), free(r->rep.assets);
	quality_report_release(&r->quality);
	report_heatmap_release(&r->rep.heatmap);
	for (size_t i = 0; i < r->nproblems; i++)
		free(r->problems[i]);
	free(r->in_slice), free(r->needed), free(r->owner);
	for (int k = 0; r->shards != NULL && k < r->args.nshard_dirs; k++)
		shard_result_free(r->shards[k]);
	free(r->shards);
	runjson_free(r->rj);
	prices_free(r->prices);
	job_free(r->job);
	pthread_mutex_destroy(&r->lock);
}

/* A shard's slice (shard.h) and the pairs it needs statistics of: its
 * own and every pair sharing a symbol with one of them, so that the
 * related pairs of its deep dives are those of the whole run (the rank
 * order is a sort by each pair's own values, so a subset keeps it). */
static void shard_slice(struct run *r)
{
	const struct job *j = r->job;
	size_t n = j->npairs ? j->npairs : 1;

	r->in_slice = xcalloc(n, sizeof *r->in_slice);
	r->needed = xcalloc(n, sizeof *r->needed);
	for (size_t i = 0; i < j->npairs; i++)
		r->in_slice[i] = shard_of(j->pairs[i].id, r->args.shard.n) == r->args.shard.k;
	for (size_t i = 0; i < j->npairs; i++)
		for (size_t k = 0; k < j->npairs && !r->needed[i]; k++)
			r->needed[i] = r->in_slice[k] && shares_symbol(&j->pairs[i], &j->pairs[k]);
}

static int compute(struct run *r, struct cx_error *e)
{
	double t;

	if (load_prices(r, e) != 0 || run_date(r, e) != 0)
		return -1;
	t = runjson_now();
	assess_assets(r);
	make_pairs(r);
	if (r->args.shard.n > 0)
		shard_slice(r);
	r->progress = false;
	if (parallel(r, r->rep.npairs, compute_pair, e) != 0)
		return -1;
	rank_pairs(r);
	relate_pairs(r);
	/* every shard too: the merge has the shards' results, not the prices */
	report_heatmap_compute(&r->rep, r->prices);
	runjson_stage(r->rj, "stats", runjson_now() - t);
	return 0;
}

/* The digest to the subscribers, once the run directory is in place.
 * Deferred or failed messages make the run partial (exit 3). */
static int send_mail(struct run *r, struct cx_error *e)
{
	int rc;

	if (r->args.no_mail || !r->job->digest.present || r->job->digest.subscribers == NULL)
		return 0;
	double t = runjson_now();
	rc = deliver_digest(r->job, r->dir.final, &r->mail, e);
	/* "mail": templates, composing, the web edition, the ledger;
	 * "send": the SMTP transactions themselves. */
	runjson_stage(r->rj, "send", r->mail.send_seconds);
	runjson_stage(r->rj, "mail", runjson_now() - t - r->mail.send_seconds);
	r->mailed = rc >= 0;
	r->mail_partial = rc == 1;
	return rc < 0 ? -1 : 0;
}

static int deliver(struct run *r, struct cx_error *e)
{
	/* Fixed by the day's first attempt, so that a rerun after a kill or a
	 * fault makes the same PDF bytes and the archive accepts them. */
	/* the files of the run directory are synced once, before it is
	 * renamed into place (atomicfile_defer_sync) */
	atomicfile_defer_sync(r->dir.tmp);
	int bad = archive_day_created(r->job->outputs.archive, r->rep.as_of, (long long)time(NULL),
				      &r->created, e) != 0 || write_outputs(r, e) != 0;
	if (atomicfile_sync_deferred(bad ? NULL : e) != 0 || bad) {
		rundir_abort(&r->dir);
		return -1;
	}
	if (rundir_commit(&r->dir, e) != 0) {
		rundir_abort(&r->dir);
		return -1;
	}
	r->committed = true;
	if (r->in_slice != NULL)    /* a shard: the merge archives and mails */
		return 0;
	double t = runjson_now();
	int rc = archive_pdfs(r, e);
	runjson_stage(r->rj, "archive", runjson_now() - t);
	if (rc != 0)
		return -1;
	/* The web edition (docs/web.md), with or without mail. */
	t = runjson_now();
	rc = site_publish_job(r->job, r->dir.final, e);
	runjson_stage(r->rj, "site", runjson_now() - t);
	return rc != 0 ? -1 : send_mail(r, e);
}

/* Counts and the end of run.json, in the committed run directory. A run
 * that failed before it had a directory has no run.json (its error is on
 * stderr). */
static void finish_runjson(struct run *r, int status, const struct cx_error *e)
{
	struct cx_error we;
	size_t mine_n = count_mine(r), ok = count_ok(r), pdfs = ok;

	if (!r->committed)
		return;
	if (r->in_slice == NULL)
		pdfs += 1;    /* the digest */
	runjson_set(r->rj, "as_of", r->dir.date);
	runjson_count(r->rj, "pairs", mine_n);
	runjson_count(r->rj, "pairs_done", ok);
	runjson_count(r->rj, "pairs_skipped", mine_n - ok);
	runjson_count(r->rj, "pdfs", pdfs);
	runjson_count(r->rj, "problems", r->nproblems);
	runjson_count(r->rj, "archived_new", r->archived_new);
	runjson_count(r->rj, "archived_same", r->archived_same);
	runjson_count(r->rj, "mail_subscribers", r->mail.subscribers);
	runjson_count(r->rj, "mail_written", r->mail.written);
	runjson_count(r->rj, "mail_sent", r->mail.sent);
	runjson_count(r->rj, "mail_already_sent", r->mail.already);
	runjson_count(r->rj, "mail_deferred", r->mail.deferred);
	runjson_count(r->rj, "mail_failed", r->mail.failed);
	runjson_count(r->rj, "mail_unknown", r->mail.unknown);
	runjson_count(r->rj, "mail_pending", r->mail.pending);
	runjson_count(r->rj, "mail_suppressed", r->mail.suppressed);
	cx_error_clear(&we);
	if (runjson_write(r->rj, r->dir.final, status, e->code != CX_OK ? e->msg : NULL, &we) != 0)
		log_warn("%s", we.msg);
}

/* The run directory: OUT/YYYY-MM-DD, or OUT/YYYY-MM-DD.shard-K-of-N. */
static int begin_dir(struct run *r, const char *out, struct cx_error *e)
{
	char suffix[SHARD_SUFFIX_MAX] = "";

	if (r->args.shard.n > 0)
		shard_suffix(&r->args.shard, suffix);
	return rundir_begin_suffix(&r->dir, out, r->rep.as_of, suffix, e);
}

/* After the work: the summary (unless -qq), run.json, the exit status. */
static int conclude(struct run *r, int failed, const struct cx_error *e)
{
	int status;

	if (failed)
		status = cmd_fail(e);
	else
		status = count_ok(r) < count_mine(r) || r->nproblems > 0 || r->mail_partial ? CX_EXIT_PARTIAL : 0;
	if (!failed && log_verbosity() >= -1)
		print_summary(r, runjson_now() - r->t0);
	finish_runjson(r, status, e);
	return status;
}

int cmd_run(int argc, char **argv)
{
	struct run r = {.lock = PTHREAD_MUTEX_INITIALIZER};
	struct runlock lock = {-1};
	struct cx_error e;
	int status;

	cx_error_clear(&e);
	r.rj = runjson_new("run");
	r.t0 = runjson_now();
	if ((status = parse_args(argc, argv, &r.args, &e)) <= 0) {
		runjson_free(r.rj);
		return status < 0 ? cmd_fail(&e) : 0;
	}
	if ((r.job = job_load(r.args.job, &e)) == NULL ||
	    ((r.args.smtp || r.args.smtp_ca) && job_set_smtp(r.job, r.args.smtp, r.args.smtp_ca, &e) != 0)) {
		job_free(r.job);
		runjson_free(r.rj);
		return cmd_fail(&e);
	}
	if (r.args.out != NULL)
		job_set_out(r.job, r.args.out);
	/* Every variable the job names, before a minute is spent computing. */
	if (job_check_env(r.job, (r.args.no_mail || r.args.shard.n > 0 ? 0 : JOB_ENV_MAIL) |
			  (r.args.offline ? 0 : JOB_ENV_FETCH), &e) != 0) {
		job_free(r.job);
		runjson_free(r.rj);
		return cmd_fail(&e);
	}
	r.rep.job = r.job;
	runjson_set(r.rj, "job", r.job->name);
	runjson_set(r.rj, "job_file", r.job->path);
	if (r.args.shard.n > 0) {
		char sh[32];
		snprintf(sh, sizeof sh, "%u/%u", r.args.shard.k, r.args.shard.n);
		runjson_set(r.rj, "shard", sh);
	}
	const char *out = r.job->outputs.dir;
	/* Shards of one job may run side by side: each has its own lock. */
	char lockname[JOB_NAME_MAX + SHARD_SUFFIX_MAX];
	snprintf(lockname, sizeof lockname, "%s", r.job->name);
	if (r.args.shard.n > 0)
		shard_suffix(&r.args.shard, lockname + strlen(lockname));
	if ((r.args.shard.n > 0 && shard_file_sha256(r.job->path, r.job_sha, &e) != 0) ||
	    runlock_acquire(&lock, out, lockname, &e) != 0) {
		status = cmd_fail(&e);
		goto done;
	}
	int failed = compute(&r, &e) != 0 || begin_dir(&r, out, &e) != 0 || deliver(&r, &e) != 0;
	status = conclude(&r, failed, &e);
done:
	runlock_release(&lock);
	run_release(&r);
	return status;
}


/* ---- convex merge ----------------------------------------------------------------- */

/* Returns 1 to go on, 0 after --help, -1 with `e` set. */
static int merge_args(int argc, char **argv, struct run_args *a, const char **job, struct cx_error *e)
{
	static const struct option longopts[] = {
		{"job", required_argument, NULL, 'J'}, {"out", required_argument, NULL, 'o'},
		{"no-mail", no_argument, NULL, 'n'}, {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	args_init(a);
	*job = NULL;
	while ((c = getopt_long(argc, argv, ":j:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'J': *job = optarg; break;
		case 'o': a->out = optarg; break;
		case 'n': a->no_mail = true; break;
		case 'j':
			if (parse_int("-j", optarg, 1, RUN_THREADS_MAX, &a->threads, e) != 0)
				return -1;
			break;
		case 'h': help(stdout, "merge"); return 0;
		default:
			return cliargs_bad_option("merge", argv, c, e);
		}
	}
	if (optind >= argc)
		return cx_fail(e, CX_EUSAGE, "merge: expected the shard directories; try 'convex merge --help'");
	if (argc - optind > SHARD_N_MAX)
		return cx_fail(e, CX_EUSAGE, "merge: more than %d shard directories", SHARD_N_MAX);
	a->shard_dirs = argv + optind;
	a->nshard_dirs = argc - optind;
	return 1;
}

/* Read every shard and check that they are the N shards of one run:
 * same job bytes, date and N, each K once, and that they saw the same
 * prices (the assets and problems they recorded agree). */
static int read_shards(struct run *r, struct cx_error *e)
{
	int n = r->args.nshard_dirs;
	struct shard_result **byk;

	r->shards = xcalloc((size_t)n, sizeof *r->shards);
	for (int i = 0; i < n; i++)
		if ((r->shards[i] = shard_read(r->args.shard_dirs[i], e)) == NULL)
			return -1;
	const struct shard_result *s0 = r->shards[0];
	for (int i = 0; i < n; i++) {
		const struct shard_result *s = r->shards[i];
		char d0[DATE_STR_SIZE], d[DATE_STR_SIZE];
		if (s->spec.n != s0->spec.n)
			return cx_fail(e, CX_EDATA, "%s: shard %u of %u, but %s is a shard of %u; all shards must be of the same N",
				       s->dir, s->spec.k, s->spec.n, s0->dir, s0->spec.n);
		if (strcmp(s->job_sha256, s0->job_sha256) != 0 || s->watchlist != s0->watchlist)
			return cx_fail(e, CX_EDATA, "%s: a shard of another job (or of another version of %s) than %s",
				       s->dir, s0->job_path, s0->dir);
		if (s->as_of != s0->as_of)
			return cx_fail(e, CX_EDATA, "%s: a shard as of %s, but %s is as of %s; all shards must be of the same day",
				       s->dir, date_format(s->as_of, d), s0->dir, date_format(s0->as_of, d0));
		if (!shard_same_inputs(s, s0))
			return cx_fail(e, CX_EDATA, "%s and %s saw different prices (assets or problems differ); rerun the shards on the same inputs",
				       s->dir, s0->dir);
	}
	unsigned total = s0->spec.n;
	byk = xcalloc(total, sizeof *byk);
	for (int i = 0; i < n; i++) {
		unsigned k = r->shards[i]->spec.k;
		if (byk[k - 1] != NULL) {
			cx_fail(e, CX_EUSAGE, "shard %u of %u given twice: %s and %s", k, total, byk[k - 1]->dir, r->shards[i]->dir);
			free(byk);
			return -1;
		}
		byk[k - 1] = r->shards[i];
	}
	for (unsigned k = 0; k < total; k++)
		if (byk[k] == NULL) {
			cx_fail(e, CX_ENOINPUT, "shard %u of %u is missing (%d of %u given); a failed shard must be rerun before the merge",
				k + 1, total, n, total);
			free(byk);
			return -1;
		}
	memcpy(r->shards, byk, total * sizeof *byk);
	free(byk);
	return 0;
}

/* The job the shards ran, byte for byte. */
static int merge_job(struct run *r, const char *override, struct cx_error *e)
{
	const struct shard_result *s0 = r->shards[0];
	const char *path = override ? override : s0->job_path;
	char sha[65];

	if (shard_file_sha256(path, sha, e) != 0)
		return -1;
	if (strcmp(sha, s0->job_sha256) != 0)
		return cx_fail(e, CX_EDATA, "%s: not the job file the shards ran (its SHA-256 differs from the one in %s/%s)",
			       path, s0->dir, SHARD_FILE);
	if ((r->job = job_load(path, e)) == NULL)
		return -1;
	/* Without --out the run goes beside its shards, as `send` finds a
	 * run's outputs beside its directory. */
	char *parent = xstrdup(s0->dir);
	job_set_out(r->job, r->args.out != NULL ? r->args.out : dirname(parent));
	free(parent);
	if (job_check_env(r->job, r->args.no_mail ? 0 : JOB_ENV_MAIL, e) != 0)
		return -1;
	r->rep.job = r->job;
	if (r->job->npairs != s0->watchlist)
		return cx_fail(e, CX_EDATA, "%s: %zu watchlist pairs, the shards had %zu", path, r->job->npairs, s0->watchlist);
	return 0;
}

/* The run's assets and problems as the shards saw them. */
static int merge_assets(struct run *r, struct cx_error *e)
{
	const struct shard_result *s0 = r->shards[0];
	const struct job *j = r->job;

	r->rep.as_of = s0->as_of;
	r->rep.assets = xcalloc(j->nassets, sizeof *r->rep.assets);
	for (size_t i = 0; i < j->nassets; i++) {
		if (!in_watchlist(j, j->assets[i].symbol))
			continue;
		size_t k = r->rep.nassets;
		if (k >= s0->nassets || strcmp(s0->assets[k].symbol, j->assets[i].symbol) != 0)
			return cx_fail(e, CX_EDATA, "%s/%s: the assets differ from the job's", s0->dir, SHARD_FILE);
		struct report_asset *a = &r->rep.assets[r->rep.nassets++];
		const struct shard_asset *x = &s0->assets[k];
		*a = (struct report_asset){&j->assets[i], x->has_prices, x->first, x->last, x->stale, x->days, NULL};
	}
	for (size_t i = 0; i < s0->nproblems; i++)
		keep_problem(r, s0->problems[i]);
	/* The heatmap as the shards computed it from the prices they saw (all
	 * the same: shard_same_inputs); its indices are into the same assets. */
	r->rep.heatmap = s0->heatmap;
	memset(&r->shards[0]->heatmap, 0, sizeof r->shards[0]->heatmap);
	for (size_t i = 0; i < r->rep.heatmap.n; i++)
		if (r->rep.heatmap.idx[i] >= r->rep.nassets)
			return cx_fail(e, CX_EDATA, "%s/%s: the heatmap names an asset the job does not watch", s0->dir, SHARD_FILE);
	return 0;
}

/* Whether shard k of total may hand in `sp`: a pair of the job, in its
 * place, owned by that shard, not handed in before. */
static bool belongs(const struct run *r, const struct shard_pair *sp,
		    unsigned k, unsigned total, const bool *seen)
{
	if (sp->index >= r->rep.npairs || seen[sp->index])
		return false;
	const struct job_pair *jp = r->rep.pairs[sp->index].jp;
	return jp != NULL && strcmp(sp->id, jp->id) == 0 &&
	       shard_of(sp->id, total) == k + 1;
}

/* Every pair from the shard that owns it, exactly once. The statistics
 * move from the shard result into the report. */
static int merge_pairs(struct run *r, struct cx_error *e)
{
	size_t n = r->rep.npairs;
	unsigned total = r->shards[0]->spec.n;

	r->owner = xcalloc(n, sizeof *r->owner);
	bool *seen = xcalloc(n, sizeof *seen);
	for (unsigned k = 0; k < total; k++) {
		struct shard_result *s = r->shards[k];
		for (size_t i = 0; i < s->npairs; i++) {
			struct shard_pair *sp = &s->pairs[i];
			if (!belongs(r, sp, k, total, seen)) {
				free(seen);
				return cx_fail(e, CX_EDATA, "%s/%s: pair \"%s\" does not belong to shard %u of %u at position %zu",
					       s->dir, SHARD_FILE, sp->id, k + 1, total, sp->index);
			}
			struct report_pair *p = &r->rep.pairs[sp->index];
			seen[sp->index] = true;
			r->owner[sp->index] = k;
			p->ok = sp->ok;
			snprintf(p->reason, sizeof p->reason, "%s", sp->reason);
			if (sp->ok) {
				p->st = sp->st;
				p->st.a = p->jp->a, p->st.b = p->jp->b;
				memset(&sp->st, 0, sizeof sp->st);
			}
		}
	}
	for (size_t i = 0; i < n; i++)
		if (!seen[i]) {
			free(seen);
			return cx_fail(e, CX_EDATA, "pair \"%s\" is in none of the shards (shard %u of %u should have it)",
				       r->rep.pairs[i].jp->id, shard_of(r->rep.pairs[i].jp->id, total), total);
		}
	free(seen);
	return 0;
}

static int merge_model(struct run *r, const char *job, struct cx_error *e)
{
	double t = runjson_now();

	if (read_shards(r, e) != 0 || merge_job(r, job, e) != 0 || merge_assets(r, e) != 0)
		return -1;
	make_pairs(r);
	if (merge_pairs(r, e) != 0)
		return -1;
	rank_pairs(r);
	relate_pairs(r);
	runjson_stage(r->rj, "merge", runjson_now() - t);
	return 0;
}

int cmd_merge(int argc, char **argv)
{
	struct run r = {.lock = PTHREAD_MUTEX_INITIALIZER};
	struct runlock lock = {-1};
	struct cx_error e;
	const char *job;
	int status;

	cx_error_clear(&e);
	r.rj = runjson_new("merge");
	r.t0 = runjson_now();
	if ((status = merge_args(argc, argv, &r.args, &job, &e)) <= 0 || merge_model(&r, job, &e) != 0) {
		status = status < 0 || e.code != CX_OK ? cmd_fail(&e) : 0;
		run_release(&r);
		return status;
	}
	runjson_set(r.rj, "job", r.job->name);
	runjson_set(r.rj, "job_file", r.job->path);
	const char *out = r.job->outputs.dir;
	if (runlock_acquire(&lock, out, r.job->name, &e) != 0) {
		status = cmd_fail(&e);
		goto done;
	}
	int failed = rundir_begin(&r.dir, out, r.rep.as_of, &e) != 0 || deliver(&r, &e) != 0;
	status = conclude(&r, failed, &e);
done:
	runlock_release(&lock);
	run_release(&r);
	return status;
}

/* ---- convex check ---------------------------------------------------------------- */

/* Whether a <source> fetches `sym` (its symbols="" or an asset's source=""). */
static bool fetched(const struct job *j, const char *sym)
{
	for (size_t s = 0; s < j->nsources; s++)
		for (size_t k = 0; k < j->sources[s].nsymbols; k++)
			if (strcmp(j->sources[s].symbols[k], sym) == 0)
				return true;
	return false;
}

/* Every watchlist symbol must come out of the price files or a source; the
 * message names the job line of the pair that needs it. */
static int check_symbols(const struct job *j, const struct prices *p, struct cx_error *e)
{
	int bad = 0;

	for (size_t i = 0; i < j->npairs; i++) {
		const char *sym[2] = {j->pairs[i].a, j->pairs[i].b};
		for (int k = 0; k < 2; k++) {
			const struct job_asset *a = job_find_asset(j, sym[k]);
			if (prices_find(p, sym[k]) != NULL || a->source != NULL || fetched(j, sym[k]))
				continue;
			if (bad++ == 0)
				cx_fail(e, CX_ENOINPUT, "%s:%d: pair \"%s/%s\": no prices for \"%s\" in the job's price files; expected a column or file for it",
					j->path, j->pairs[i].line, j->pairs[i].a, j->pairs[i].b, sym[k]);
			else
				log_error("%s:%d: pair \"%s/%s\": no prices for \"%s\" in the job's price files",
					  j->path, j->pairs[i].line, j->pairs[i].a, j->pairs[i].b, sym[k]);
		}
	}
	return bad ? -1 : 0;
}

/* The data-quality notes of the job's price files, as a run would log them
 * (a diagnostic: they do not fail the check). */
static void check_quality(const struct job *j, struct prices *p)
{
	struct quality_report q;

	quality_apply(p, &j->quality, (int64_t)time(NULL), &q);
	for (size_t i = 0; i < q.n; i++)
		log_warn("data quality of \"%s\": %s", q.notes[i].symbol, q.notes[i].text);
	quality_report_release(&q);
}

static int check_inputs(const struct job *j, struct cx_error *e)
{
	struct prices *p = prices_new();
	int bad = 0;
	struct cx_error fe;

	for (size_t i = 0; i < j->nfiles; i++) {
		cx_error_clear(&fe);
		if (job_load_file(j, i, p, &fe) == 0)
			continue;
		if (bad++ == 0)
			*e = fe;
		else
			log_error("%s", fe.msg);
	}
	if (!bad && check_symbols(j, p, e) != 0)
		bad++;
	if (!bad)
		check_quality(j, p);
	const char *files[2] = {j->digest.subscribers, j->digest.suppression};
	for (int k = 0; k < 2 && !bad; k++)
		if (files[k] && access(files[k], R_OK) != 0) {
			cx_fail(e, CX_ENOINPUT, "%s: %s file \"%s\": %s", j->path,
				k ? "suppression" : "subscribers", files[k], strerror(errno));
			bad = 1;
		}
	prices_free(p);
	return bad ? -1 : 0;
}

/* Returns 1 to go on, 0 after --help, -1 with `e` set. */
static int check_args(int argc, char **argv, unsigned *env, const char **job,
		      struct cx_error *e)
{
	static const struct option longopts[] = {
		{"no-mail", no_argument, NULL, 'n'}, {"offline", no_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	int c;

	*env = JOB_ENV_MAIL | JOB_ENV_FETCH;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'n': *env &= ~JOB_ENV_MAIL; break;
		case 'f': *env &= ~JOB_ENV_FETCH; break;
		case 'h': help(stdout, "check"); return 0;
		default:
			return cliargs_bad_option("check", argv, c, e);
		}
	}
	if (optind != argc - 1)
		return cx_fail(e, CX_EUSAGE, "check: expected exactly one job file; try 'convex check --help'");
	*job = argv[optind];
	return 1;
}

int cmd_check(int argc, char **argv)
{
	struct cx_error e;
	const char *path = NULL;
	unsigned env = 0;
	struct job *j;
	int rc;

	cx_error_clear(&e);
	if ((rc = check_args(argc, argv, &env, &path, &e)) <= 0)
		return rc < 0 ? cmd_fail(&e) : 0;
	if ((j = job_load(path, &e)) == NULL)
		return cmd_fail(&e);
	rc = job_check_env(j, env, &e) != 0 ? -1 : check_inputs(j, &e);
	if (rc == 0)
		printf("%s: ok: %zu assets, %zu price files, %zu HTTP sources, %zu watchlist pairs\n",
		       j->path, j->nassets, j->nfiles, j->nsources, j->npairs);
	char sup[1024];
	if (rc == 0 && j->digest.present && (rc = suppress_summary(j, sup, sizeof sup, &e)) == 0)
		printf("%s\n", sup);
	job_free(j);
	return rc == 0 ? 0 : cmd_fail(&e);
}
