/* cmd_inbox.c - `convex inbox --job JOB [PATH]`: bounces, complaints and
 * unsubscribe mail into the suppression list (inbox.h). */
#include <getopt.h>
#include <stdio.h>

#include "cliargs.h"
#include "cmd.h"
#include "err.h"
#include "inbox.h"
#include "job.h"

static void inbox_usage(FILE *f)
{
	fprintf(f, "Usage: convex inbox --job JOB [PATH]\n"
		   "Read the mailbox that receives JOB's bounces and unsubscribe mail - a\n"
		   "Maildir, a directory of message files, an mbox file, one message file,\n"
		   "or one message on stdin (no PATH, or -) - and act on each message:\n"
		   "  permanent delivery failure (RFC 3464, 5.x.x)   suppress (bounce-hard)\n"
		   "  temporary failure (4.x.x)          count; the job's soft-bounce-limit\n"
		   "                                     within soft-bounce-days suppress\n"
		   "  complaint (RFC 5965 ARF)           suppress (complaint)\n"
		   "  valid unsubscribe token in the subject or text   suppress\n"
		   "  anything else                      left alone, counted\n"
		   "Messages are never moved or deleted; one already acted on is skipped,\n"
		   "so running it again on the same mailbox changes nothing.\n\n"
		   "      --job JOB   the job file (required)\n"
		   "  -h, --help      show this help and exit\n\n"
		   "Exit status: 0 every message handled (also: none on an empty stdin),\n"
		   "3 some could not be parsed (named on stderr and skipped), 64 usage,\n"
		   "65 stdin too large, 66 PATH missing, 70 database error, 73 database\n"
		   "cannot be created, 78 bad job or unset secret.\n");
}

int cmd_inbox(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"job", required_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *jobpath = NULL;
	struct cx_error e;
	int c;

	cx_error_clear(&e);
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		if (c == 'j') {
			jobpath = optarg;
		} else if (c == 'h') {
			inbox_usage(stdout);
			return 0;
		} else {
			cliargs_bad_option("inbox", argv, c, &e);
			return cmd_fail(&e);
		}
	}
	if (jobpath == NULL || argc - optind > 1) {
		cx_fail(&e, CX_EUSAGE, "inbox needs --job JOB and at most one PATH; try 'convex inbox --help'");
		return cmd_fail(&e);
	}
	struct job *job = job_load(jobpath, &e);
	if (job == NULL)
		return cmd_fail(&e);
	struct inbox_summary sum;
	int rc = inbox_process(job, optind < argc ? argv[optind] : NULL, &sum, &e);
	job_free(job);
	if (rc != 0)
		return cmd_fail(&e);
	inbox_summary_print(stdout, &sum);
	return sum.unreadable > 0 ? CX_EXIT_PARTIAL : 0;
}
