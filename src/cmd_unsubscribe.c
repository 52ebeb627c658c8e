/* cmd_unsubscribe.c - `convex unsubscribe --job JOB`: the unsubscribe
 * endpoint as a CGI/1.1 program (unsubscribe.h), run by any CGI host
 * (nginx + fcgiwrap, Apache, ...) through a two-line wrapper script. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cliargs.h"
#include "cmd.h"
#include "err.h"
#include "job.h"
#include "log.h"
#include "unsubscribe.h"

static void unsubscribe_usage(FILE *f)
{
	fprintf(f, "Usage: convex unsubscribe --job JOB\n"
		   "Answer one CGI/1.1 request to the unsubscribe link of JOB's digest: GET\n"
		   "shows a confirmation page, POST (the page's button, or RFC 8058 one-click)\n"
		   "adds the address to the suppression list. Reads REQUEST_METHOD,\n"
		   "QUERY_STRING, CONTENT_LENGTH, CONTENT_TYPE and the body on stdin; writes\n"
		   "the response on stdout and one log line on stderr. docs/subscribers.md\n"
		   "shows the nginx + fcgiwrap setup.\n\n"
		   "      --job JOB   the job file (default: $CONVEX_JOB)\n"
		   "  -h, --help      show this help and exit\n\n"
		   "Exit status: 0 answered (200, 400 or 405), 64 usage, 70 or 75 the\n"
		   "suppression list could not be written (answered 503), 78 bad job or\n"
		   "unset secret (answered 503).\n");
}

int cmd_unsubscribe(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"job", required_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *jobpath = getenv("CONVEX_JOB");
	struct cx_error e;
	struct unsub_request r;
	int c;

	cx_error_clear(&e);
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		if (c == 'j') {
			jobpath = optarg;
		} else if (c == 'h') {
			unsubscribe_usage(stdout);
			return 0;
		} else {
			cliargs_bad_option("unsubscribe", argv, c, &e);
			return cmd_fail(&e);
		}
	}
	if (jobpath == NULL || optind != argc) {
		cx_fail(&e, CX_EUSAGE, "unsubscribe needs --job JOB (or $CONVEX_JOB) and no other argument");
		return cmd_fail(&e);
	}
	/* Every request leaves one line in the web server's error log. */
	if (log_verbosity() <= 0)
		log_set_level(LOG_INFO);
	struct job *job = job_load(jobpath, &e);
	if (job == NULL) {
		unsubscribe_fail_page(stdout);
		return cmd_fail(&e);
	}
	unsub_request_from_env(&r);
	int status = unsubscribe_serve(job, &r, stdin, stdout, &e);
	job_free(job);
	return status >= 500 ? cx_exitcode(e.code) : 0;
}
