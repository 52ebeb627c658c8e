/* cmd_run.c - the command lines of `convex run`, `convex merge` and
 * `convex check`: options parsed here, the work in run.c (run_job),
 * merge.c (run_merge) and check.c.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "cliargs.h"
#include "cmd.h"
#include "err.h"
#include "job.h"
#include "plural.h"
#include "pool.h"
#include "run.h"
#include "shard.h"
#include "suppress.h"

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
		   "                      [--smtp URL [--smtp-ca-file FILE]] [--offline]\n"
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
		   "  -v, --verbose each stage's start, end, duration and counts (twice:\n"
		   "                also one line per pair)\n"
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
	a->threads = cores > 0 && cores < POOL_THREADS_MAX ? (int)cores : 1;
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
			if (parse_int("-j", optarg, 1, POOL_THREADS_MAX, &a->threads, e) != 0)
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

/* Returns 1 to go on, 0 after --help, -1 with `e` set. */
static int merge_args(int argc, char **argv, struct run_args *a, struct cx_error *e)
{
	static const struct option longopts[] = {
		{"job", required_argument, NULL, 'J'}, {"out", required_argument, NULL, 'o'},
		{"no-mail", no_argument, NULL, 'n'}, {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	args_init(a);
	while ((c = getopt_long(argc, argv, ":j:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'J': a->job = optarg; break;
		case 'o': a->out = optarg; break;
		case 'n': a->no_mail = true; break;
		case 'j':
			if (parse_int("-j", optarg, 1, POOL_THREADS_MAX, &a->threads, e) != 0)
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

int cmd_run(int argc, char **argv)
{
	struct run_args a;
	struct cx_error e;
	int status;

	cx_error_clear(&e);
	if ((status = parse_args(argc, argv, &a, &e)) <= 0)
		return status < 0 ? cmd_fail(&e) : 0;
	return run_job(&a);
}

int cmd_merge(int argc, char **argv)
{
	struct run_args a;
	struct cx_error e;
	int status;

	cx_error_clear(&e);
	if ((status = merge_args(argc, argv, &a, &e)) <= 0)
		return status < 0 ? cmd_fail(&e) : 0;
	return run_merge(&a);
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
	rc = job_check_env(j, env, &e) != 0 ? -1 : check_job_inputs(j, &e);
	if (rc == 0)
		printf("%s: ok: %zu %s, %zu price %s, %zu HTTP %s, %zu watchlist %s\n", j->path,
		       j->nassets, plural(j->nassets, "asset", "assets"), j->nfiles, plural(j->nfiles, "file", "files"),
		       j->nsources, plural(j->nsources, "source", "sources"), j->npairs, plural(j->npairs, "pair", "pairs"));
	char sup[1024];
	if (rc == 0 && j->digest.present && (rc = suppress_summary(j, sup, sizeof sup, &e)) == 0)
		printf("%s\n", sup);
	job_free(j);
	return rc == 0 ? 0 : cmd_fail(&e);
}
