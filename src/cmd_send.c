/* cmd_send.c - `convex send RUNDIR`: deliver (or finish delivering) the
 * digest of a run that already exists, without computing anything again.
 * The job and the transport come from RUNDIR/resume.json (resume.h); the
 * ledger makes it safe to run any number of times. */
#include <getopt.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cliargs.h"
#include "cmd.h"
#include "deliver.h"
#include "err.h"
#include "job.h"
#include "log.h"
#include "plan.h"
#include "plural.h"
#include "resume.h"
#include "site.h"
#include "xalloc.h"

struct send_args {
	const char *rundir, *job, *smtp, *smtp_ca;
	bool eml;
};

static void send_usage(FILE *f)
{
	fprintf(f, "Usage: convex send RUNDIR [--job JOB] [--smtp URL [--smtp-ca-file FILE] | --eml]\n"
		   "Deliver the digest of the run directory RUNDIR (OUT/YYYY-MM-DD) to the\n"
		   "job's subscribers. Messages already accepted are not sent again;\n"
		   "deferred and interrupted ones are. The job and the transport are the\n"
		   "ones the run recorded (RUNDIR/resume.json): a run that sent over SMTP\n"
		   "resumes over the same relay (credentials from the environment, as for\n"
		   "run), a run that wrote .eml files writes the rest as .eml files. The\n"
		   "summary names the transport used.\n\n"
		   "  --job JOB       use JOB instead of the job file the run recorded\n"
		   "  --smtp URL      send through URL (smtp://host:587, STARTTLS required, or\n"
		   "                  smtps://host:465) instead of the recorded transport\n"
		   "  --smtp-ca-file FILE  verify the relay's certificate against FILE\n"
		   "  --eml           write the messages as .eml files into RUNDIR/mail/\n"
		   "                  instead of the recorded transport\n"
		   "  -h, --help      show this help and exit\n\n"
		   "Exit status: 0 all delivered, 3 some deferred, unknown or failed, 64 usage,\n"
		   "65 bad subscriber file, 66 RUNDIR is not a run directory, 75 relay down\n"
		   "(the rest stays queued), stopped by SIGTERM, or another delivery is\n"
		   "running, 76 no STARTTLS or certificate refused, 77 authentication\n"
		   "refused, 78 bad job, or a variable it names is not set\n"
		   "(docs/mail-delivery.md).\n");
}

/* Returns 1 to go on, 0 after --help, -1 with `e` set. */
static int send_args(int argc, char **argv, struct send_args *a, struct cx_error *e)
{
	static const struct option longopts[] = {
		{"job", required_argument, NULL, 'J'}, {"help", no_argument, NULL, 'h'},
		{"smtp", required_argument, NULL, 'S'}, {"smtp-ca-file", required_argument, NULL, 'C'},
		{"eml", no_argument, NULL, 'E'}, {NULL, 0, NULL, 0},
	};
	int c;

	memset(a, 0, sizeof *a);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'J': a->job = optarg; break;
		case 'S': a->smtp = optarg; break;
		case 'C': a->smtp_ca = optarg; break;
		case 'E': a->eml = true; break;
		case 'h': send_usage(stdout); return 0;
		default:
			return cliargs_bad_option("send", argv, c, e);
		}
	}
	if (optind + 1 != argc)
		return cx_fail(e, CX_EUSAGE, "send: expected exactly one run directory; try 'convex send --help'");
	if (a->eml && (a->smtp || a->smtp_ca))
		return cx_fail(e, CX_EUSAGE, "send: --eml and --smtp exclude each other; try 'convex send --help'");
	a->rundir = argv[optind];
	return 1;
}

/* The job: --job, else the one the run recorded. NULL with `e` set. */
static struct job *send_job(const struct send_args *a, const struct resume *rec, int have,
			    struct cx_error *e)
{
	if (a->job != NULL)
		return job_load(a->job, e);
	if (!have) {
		cx_fail(e, CX_ENOINPUT, "%s: no %s (not a run directory, or made by an older convex); give --job JOB",
			a->rundir, RESUME_FILE);
		return NULL;
	}
	return job_load(rec->job, e);
}

/* The transport: --eml or --smtp when given, else the recorded one, else
 * the job's own (a run directory without a record, with --job). */
static int send_transport(struct job *job, const struct send_args *a, const struct resume *rec,
			  int have, struct cx_error *e)
{
	if (a->eml) {
		job_set_eml(job);
		return 0;
	}
	if (a->smtp || a->smtp_ca)
		return job_set_smtp(job, a->smtp, a->smtp_ca, e);
	if (!have)
		return 0;
	if (rec->smtp_url[0] == '\0') {
		job_set_eml(job);
		return 0;
	}
	return job_set_smtp(job, rec->smtp_url, rec->smtp_ca[0] ? rec->smtp_ca : NULL, e);
}

/* The publication plan of the run (plan.h) against today's subscribers:
 * a card in full whose email chart the run did not draw is said once. */
static void warn_missing_charts(const struct job *job, const char *rundir)
{
	struct cx_error e;
	size_t n = 0;

	cx_error_clear(&e);
	if (plan_check_run(job, rundir, &n, &e) != 0)
		return;    /* report.xml itself: the mail stage reports it */
	if (n > 0)
		log_warn("%s: %zu %s shown in full to a subscriber %s no email chart: the run drew the charts "
			 "for the subscriber list it read, which has changed since; those cards go out without "
			 "their chart (run `convex run` again to draw them)",
			 rundir, n, plural(n, "pair", "pairs"), n == 1 ? "has" : "have");
}

int cmd_send(int argc, char **argv)
{
	struct send_args a;
	struct resume rec;
	struct cx_error e;
	struct job *job = NULL;
	int rc, have;

	cx_error_clear(&e);
	if ((rc = send_args(argc, argv, &a, &e)) <= 0)
		return rc < 0 ? cmd_fail(&e) : 0;
	if ((have = resume_read(a.rundir, &rec, &e)) < 0 ||
	    (job = send_job(&a, &rec, have == 0, &e)) == NULL ||
	    send_transport(job, &a, &rec, have == 0, &e) != 0) {
		job_free(job);
		return cmd_fail(&e);
	}
	/* The run directory's parent is the output directory it was made in
	 * (perhaps with run --out): the archive and ledger left to their
	 * defaults are found from there, as the run found them. */
	char *parent = xstrdup(a.rundir);
	job_set_out(job, dirname(parent));
	free(parent);
	if (job_check_env(job, JOB_ENV_MAIL, &e) != 0) {
		job_free(job);
		return cmd_fail(&e);
	}
	warn_missing_charts(job, a.rundir);
	struct deliver_summary sum;
	/* The web edition first, as `convex run` publishes it (docs/web.md). */
	long cores = sysconf(_SC_NPROCESSORS_ONLN);   /* the pair pages: every core */
	rc = site_publish_job(job, a.rundir, cores > 0 && cores < 64 ? (int)cores : 1, &e);
	if (rc == 0)
		rc = deliver_digest(job, a.rundir, &sum, &e);
	else
		memset(&sum, 0, sizeof sum);
	if (job->digest.present) {
		deliver_summary_print(stdout, &sum);
		printf("transport: %s\n", resume_transport(job));
	}
	job_free(job);
	if (rc < 0)
		return cmd_fail(&e);
	return rc > 0 ? CX_EXIT_PARTIAL : 0;
}
