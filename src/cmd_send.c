/* cmd_send.c - `convex send RUNDIR --job JOB`: deliver (or finish
 * delivering) the digest of a run that already exists, without computing
 * anything again. The ledger makes it safe to run any number of times. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "deliver.h"
#include "err.h"
#include "job.h"
#include "log.h"

static void send_usage(FILE *f)
{
	fprintf(f, "Usage: convex send RUNDIR --job JOB\n"
		   "Deliver the digest of the run directory RUNDIR (OUT/YYYY-MM-DD) to the\n"
		   "subscribers of JOB. Messages already accepted are not sent again;\n"
		   "deferred and interrupted ones are. Without <smtp> in the job the\n"
		   "messages are written to RUNDIR/mail/ as .eml files.\n\n"
		   "  -j, --job JOB   the job file the run belongs to (required)\n"
		   "  -h, --help      show this help and exit\n\n"
		   "Exit status: 0 all delivered, 3 some deferred or failed, 64 usage,\n"
		   "65 bad subscriber file, 69 relay unreachable, 75 another delivery\n"
		   "is running, 76 no STARTTLS, 77 authentication refused, 78 bad job.\n");
}

int cmd_send(int argc, char **argv)
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
	while ((c = getopt_long(argc, argv, "j:h", longopts, NULL)) != -1) {
		if (c == 'j') {
			jobpath = optarg;
		} else if (c == 'h') {
			send_usage(stdout);
			return 0;
		} else {
			send_usage(stderr);
			return cx_exitcode(CX_EUSAGE);
		}
	}
	if (optind + 1 != argc || jobpath == NULL) {
		cx_fail(&e, CX_EUSAGE, "send needs RUNDIR and --job JOB; try 'convex send --help'");
		return cmd_fail(&e);
	}
	struct job *job = job_load(jobpath, &e);
	if (job == NULL)
		return cmd_fail(&e);
	struct deliver_summary sum;
	int rc = deliver_digest(job, argv[optind], &sum, &e);
	if (job->digest.present)
		deliver_summary_print(stdout, &sum);
	job_free(job);
	if (rc < 0)
		return cmd_fail(&e);
	return rc > 0 ? CX_EXIT_PARTIAL : 0;
}
