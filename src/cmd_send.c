/* cmd_send.c - `convex send RUNDIR --job JOB`: deliver (or finish
 * delivering) the digest of a run that already exists, without computing
 * anything again. The ledger makes it safe to run any number of times. */
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "deliver.h"
#include "err.h"
#include "job.h"
#include "log.h"
#include "xalloc.h"

static void send_usage(FILE *f)
{
	fprintf(f, "Usage: convex send RUNDIR --job JOB [--smtp URL] [--smtp-ca-file FILE]\n"
		   "Deliver the digest of the run directory RUNDIR (OUT/YYYY-MM-DD) to the\n"
		   "subscribers of JOB. Messages already accepted are not sent again;\n"
		   "deferred and interrupted ones are. Without <smtp> in the job the\n"
		   "messages are written to RUNDIR/mail/ as .eml files.\n\n"
		   "  -j, --job JOB   the job file the run belongs to (required)\n"
		   "  --smtp URL      send through URL (smtp://host:587, STARTTLS required, or\n"
		   "                  smtps://host:465) instead of the job's <smtp> or .eml\n"
		   "                  files; AUTH with the job's user-env/password-env, else\n"
		   "                  $CONVEX_SMTP_USER/$CONVEX_SMTP_PASSWORD when set\n"
		   "  --smtp-ca-file FILE  verify the relay's certificate against FILE\n"
		   "  -h, --help      show this help and exit\n\n"
		   "Exit status: 0 all delivered, 3 some deferred, unknown or failed, 64 usage,\n"
		   "65 bad subscriber file, 75 relay down (the rest stays queued), stopped by\n"
		   "SIGTERM, or another delivery is running, 76 no STARTTLS or certificate\n"
		   "refused, 77 authentication refused, 78 bad job (docs/mail-delivery.md).\n");
}

int cmd_send(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"job", required_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{"smtp", required_argument, NULL, 'S'},
		{"smtp-ca-file", required_argument, NULL, 'C'},
		{NULL, 0, NULL, 0},
	};
	const char *jobpath = NULL, *smtp = NULL, *smtp_ca = NULL;
	struct cx_error e;
	int c;

	cx_error_clear(&e);
	optind = 1;
	while ((c = getopt_long(argc, argv, "j:h", longopts, NULL)) != -1) {
		if (c == 'j') {
			jobpath = optarg;
		} else if (c == 'S') {
			smtp = optarg;
		} else if (c == 'C') {
			smtp_ca = optarg;
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
	if ((smtp || smtp_ca) && job_set_smtp(job, smtp, smtp_ca, &e) != 0) {
		job_free(job);
		return cmd_fail(&e);
	}
	/* The run directory's parent is the output directory it was made in
	 * (perhaps with run --out): the archive and ledger left to their
	 * defaults are found from there, as the run found them. */
	char *parent = xstrdup(argv[optind]);
	job_set_out(job, dirname(parent));
	free(parent);
	struct deliver_summary sum;
	int rc = deliver_digest(job, argv[optind], &sum, &e);
	if (job->digest.present)
		deliver_summary_print(stdout, &sum);
	job_free(job);
	if (rc < 0)
		return cmd_fail(&e);
	return rc > 0 ? CX_EXIT_PARTIAL : 0;
}
