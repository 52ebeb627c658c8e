/* cmd_fetch.c - `convex fetch JOB`: refresh the job's price store from its
 * HTTP sources and say, per source symbol, what happened (fetch.h).
 *
 * Stages: options -> job (job.c) -> fetch (fetch.c) -> report on stdout.
 * Exit status: 0 when every source is fresh, not modified or updated; else
 * the status of the first failure (69 unreachable, 65 bad data, 76 a
 * protocol error, ...). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cliargs.h"
#include "cmd.h"
#include "err.h"
#include "fetch.h"
#include "job.h"
#include "log.h"

/* Bounds of the numeric options. */
#define FETCH_TIMEOUT_MAX_S 3600
#define FETCH_RETRIES_MAX   10
#define FETCH_DEADLINE_MAX_S 86400

static void help(FILE *f)
{
	fprintf(f,
		"Usage: convex fetch JOB [--force] [--repair SYMBOL] [--timeout SECONDS]\n"
		"                        [--deadline SECONDS] [--retries N] [--max-bytes N]\n"
		"Refresh the local price store of JOB from its HTTP sources (<source> in the\n"
		"job). A source symbol fetched less than max-age-hours ago (<store>, default\n"
		"24) is not asked; otherwise the request is conditional (ETag/Last-Modified).\n"
		"Prints one line per source symbol: fresh (not asked), not modified,\n"
		"updated (+N rows), or failed (why). A failure keeps the stored prices.\n\n"
		"Options:\n"
		"  --force              ask every source, however recently fetched\n"
		"  --repair SYMBOL      refetch SYMBOL's whole history from scratch: the\n"
		"                       store then holds exactly what the source sends\n"
		"  --timeout SECONDS    longest time for one request, 1..%d (default: the\n"
		"                       job's <store timeout>, else %d)\n"
		"  --deadline SECONDS   longest time for the whole fetch, retries included\n"
		"                       (default: <store deadline>, else %d)\n"
		"  --retries N          retries of a transient failure, 0..%d (default %d)\n"
		"  --max-bytes N        largest response body, 1..%ld (default: the job's\n"
		"                       <store max-body-bytes>, else the maximum)\n"
		"  -h, --help           show this help and exit\n\n"
		"Exit status: 0 ok, 65 a source sent bad data (also: quarantined as\n"
		"another series), 66 job not found, 69 a source unreachable or past the\n"
		"deadline, 75 another process is fetching, 76 a protocol error (a redirect\n"
		"loop, an unexpected HTTP status), 77 access refused (401/403), 78 bad job.\n",
		FETCH_TIMEOUT_MAX_S, HTTP_TIMEOUT_MS / 1000, JOB_DEFAULT_DEADLINE_S, FETCH_RETRIES_MAX, HTTP_RETRIES, HTTP_BODY_MAX);
}

static int parse_int(const char *opt, const char *s, long lo, long hi, long *out,
		     struct cx_error *e)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (end == s || *end != '\0' || v < lo || v > hi)
		return cx_fail(e, CX_EUSAGE, "%s \"%s\" is not a number in %ld..%ld", opt, s, lo, hi);
	*out = v;
	return 0;
}

/* Returns 0 with *job set, 1 after --help, -1 with `e` set. */
static int parse_args(int argc, char **argv, struct fetch_opts *o,
		      const char **job, struct cx_error *e)
{
	static const struct option longopts[] = {
		{"force", no_argument, NULL, 'f'},
		{"timeout", required_argument, NULL, 't'},
		{"deadline", required_argument, NULL, 'd'},
		{"repair", required_argument, NULL, 'R'},
		{"retries", required_argument, NULL, 'r'},
		{"max-bytes", required_argument, NULL, 'm'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	long v;
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': o->force = true; break;
		case 'h': help(stdout); return 1;
		case 't':
			if (parse_int("--timeout", optarg, 1, FETCH_TIMEOUT_MAX_S, &v, e) != 0)
				return -1;
			o->http.timeout_ms = v * 1000;
			if (o->http.connect_timeout_ms > o->http.timeout_ms)
				o->http.connect_timeout_ms = o->http.timeout_ms;
			break;
		case 'd':
			if (parse_int("--deadline", optarg, 1, FETCH_DEADLINE_MAX_S, &v, e) != 0)
				return -1;
			o->http.deadline_ms = v * 1000;
			break;
		case 'R':
			o->repair = optarg;
			break;
		case 'r':
			if (parse_int("--retries", optarg, 0, FETCH_RETRIES_MAX, &v, e) != 0)
				return -1;
			o->http.retries = (int)v;
			break;
		case 'm':
			if (parse_int("--max-bytes", optarg, 1, HTTP_BODY_MAX, &v, e) != 0)
				return -1;
			o->http.max_body = v;
			break;
		default:
			return cliargs_bad_option("fetch", argv, c, e);
		}
	}
	if (optind + 1 != argc)
		return cx_fail(e, CX_EUSAGE, "%s; try 'convex fetch --help'",
			       optind < argc ? "more than one job" : "no job file");
	*job = argv[optind];
	return 0;
}

/* The status after a fetch with failures: the first failure's code, and a
 * line that says what is left of each failed symbol (stored prices kept,
 * or none at all). 0 when nothing failed. */
static int failed_status(const struct fetch_report *rep, struct cx_error *e)
{
	size_t failed = 0, kept = 0;
	int code = CX_OK;

	for (size_t i = 0; i < rep->n; i++) {
		if (rep->items[i].status != FETCH_FAILED)
			continue;
		if (failed++ == 0)
			code = rep->items[i].why.code;
		kept += rep->items[i].stored > 0;
	}
	if (failed == 0)
		return 0;
	if (kept == failed)
		cx_fail(e, code, "%zu of %zu source symbols failed; their stored prices were kept", failed, rep->n);
	else if (kept == 0)
		cx_fail(e, code, "%zu of %zu source symbols failed; none of them has stored prices", failed, rep->n);
	else
		cx_fail(e, code, "%zu of %zu source symbols failed; %zu kept their stored prices, %zu have none",
			failed, rep->n, kept, failed - kept);
	return cmd_fail(e);
}

int cmd_fetch(int argc, char **argv)
{
	struct cx_error e = {0};
	struct fetch_opts o;
	struct fetch_report rep = {0};
	const char *path = NULL;
	struct job *j = NULL;
	int rc;

	fetch_opts_init(&o);
	o.http.max_body = 0;    /* until --max-bytes: then the job's limit */
	rc = parse_args(argc, argv, &o, &path, &e);
	if (rc != 0)
		return rc > 0 ? 0 : cmd_fail(&e);
	if ((j = job_load(path, &e)) == NULL)
		return cmd_fail(&e);
	if (o.http.max_body == 0)
		o.http.max_body = j->store.max_body_bytes;
	if (o.repair != NULL && job_find_asset(j, o.repair) == NULL) {
		cx_fail(&e, CX_EUSAGE, "--repair \"%s\": no such symbol in %s", o.repair, path);
		job_free(j);
		return cmd_fail(&e);
	}
	if (j->nsources == 0) {
		cx_fail(&e, CX_ECONFIG, "%s: the job has no <source> to fetch from", path);
		job_free(j);
		return cmd_fail(&e);
	}
	if (fetch_job(j, &o, &rep, &e) != 0) {
		rc = cmd_fail(&e);
		goto done;
	}
	fetch_report_print(stdout, &rep);
	fflush(stdout);
	rc = failed_status(&rep, &e);
done:
	fetch_report_release(&rep);
	job_free(j);
	return rc;
}
