/* cmd_suppress.c - `convex suppress --job JOB add|remove|list|import|export`:
 * the operator's hands on the suppression list (suppress.h). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cliargs.h"
#include "cmd.h"
#include "err.h"
#include "job.h"
#include "suppress.h"

static void suppress_usage(FILE *f)
{
	fprintf(f, "Usage: convex suppress --job JOB add ADDRESS... [--reason R] [--source TEXT]\n"
		   "       convex suppress --job JOB remove ADDRESS...\n"
		   "       convex suppress --job JOB list | export | import FILE [--reason R]\n"
		   "Manage the suppression list of JOB: addresses the digest is never sent to.\n"
		   "It lives in SQLite (<digest suppression-db>, default suppression.sqlite\n"
		   "beside the ledger); the job's text file (<digest suppression>) is imported\n"
		   "into it whenever that file changes.\n\n"
		   "  add ADDRESS...   suppress the addresses (reason manual unless --reason)\n"
		   "  remove ADDRESS...  take them off the list (they get mail again)\n"
		   "  list             address, reason, source, time; tab-separated\n"
		   "  export           the addresses, one a line (a file import reads back)\n"
		   "  import FILE      add every address of FILE (one a line, # comments)\n"
		   "      --job JOB    the job file (required)\n"
		   "  -r, --reason R   unsubscribe-web, unsubscribe-mail, bounce-hard,\n"
		   "                   bounce-soft, complaint or manual (default)\n"
		   "  -s, --source T   where the request came from (default: command line)\n"
		   "  -h, --help       show this help and exit\n\n"
		   "Exit status: 0 done, 64 usage, 65 an address is not valid, 66 FILE\n"
		   "unreadable, 70 database error, 73 database cannot be created, 78 bad job.\n");
}

static int print_entry(const struct suppress_entry *en, void *ctx)
{
	(void)ctx;
	printf("%s\t%s\t%s\t%s\n", en->address, en->reason, en->source, en->time);
	return 0;
}

static int print_address(const struct suppress_entry *en, void *ctx)
{
	(void)ctx;
	printf("%s\n", en->address);
	return 0;
}

/* add / remove each address; every one is tried, the first error counts. */
static int each_address(struct suppress *s, int add, int reason, const char *source,
			int n, char **addrs, struct cx_error *e)
{
	int rc = 0;
	for (int i = 0; i < n; i++) {
		struct cx_error ae;
		int r = add ? suppress_add(s, addrs[i], (enum suppress_reason)reason, source, time(NULL), &ae)
			: suppress_remove(s, addrs[i], &ae);
		if (r < 0) {
			if (rc == 0)
				*e = ae;
			else
				fprintf(stderr, "convex: %s\n", ae.msg);
			rc = -1;
			continue;
		}
		printf("%s: %s\n", addrs[i], add ? (r ? "suppressed" : "already suppressed")
					       : (r ? "removed" : "not on the list"));
	}
	return rc;
}

static int dispatch(struct suppress *s, const char *verb, int n, char **args,
		    int reason, const char *source, struct cx_error *e)
{
	if (!strcmp(verb, "add") || !strcmp(verb, "remove")) {
		if (n == 0)
			return cx_fail(e, CX_EUSAGE, "suppress %s needs an address", verb);
		return each_address(s, !strcmp(verb, "add"), reason, source, n, args, e);
	}
	if (!strcmp(verb, "list") || !strcmp(verb, "export")) {
		if (n != 0)
			return cx_fail(e, CX_EUSAGE, "suppress %s takes no argument", verb);
		return suppress_each(s, !strcmp(verb, "list") ? print_entry : print_address, NULL, e);
	}
	if (!strcmp(verb, "import")) {
		if (n != 1)
			return cx_fail(e, CX_EUSAGE, "suppress import needs one FILE");
		long added = suppress_import(s, args[0], (enum suppress_reason)reason, e);
		if (added < 0)
			return -1;
		printf("%s: %ld addresses added\n", args[0], added);
		return 0;
	}
	return cx_fail(e, CX_EUSAGE, "suppress: unknown action \"%s\"; expected add, remove, list, import or export", verb);
}

int cmd_suppress(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"job", required_argument, NULL, 'j'},
		{"reason", required_argument, NULL, 'r'},
		{"source", required_argument, NULL, 's'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *jobpath = NULL, *source = "command line";
	int reason = SUPPRESS_MANUAL, c;
	struct cx_error e;

	cx_error_clear(&e);
	optind = 1;
	while ((c = getopt_long(argc, argv, ":r:s:h", longopts, NULL)) != -1) {
		if (c == 'j') {
			jobpath = optarg;
		} else if (c == 'r') {
			if ((reason = suppress_reason_parse(optarg)) < 0) {
				cx_fail(&e, CX_EUSAGE, "--reason \"%s\"; expected unsubscribe-web, unsubscribe-mail, "
					"bounce-hard, bounce-soft, complaint or manual", optarg);
				return cmd_fail(&e);
			}
		} else if (c == 's') {
			source = optarg;
		} else if (c == 'h') {
			suppress_usage(stdout);
			return 0;
		} else {
			cliargs_bad_option("suppress", argv, c, &e);
			return cmd_fail(&e);
		}
	}
	if (jobpath == NULL || optind >= argc) {
		cx_fail(&e, CX_EUSAGE, "suppress needs --job JOB and an action; try 'convex suppress --help'");
		return cmd_fail(&e);
	}
	struct job *job = job_load(jobpath, &e);
	if (job == NULL)
		return cmd_fail(&e);
	struct suppress *s = suppress_open(job, true, &e);
	int rc = s != NULL ? dispatch(s, argv[optind], argc - optind - 1, argv + optind + 1, reason, source, &e) : -1;
	suppress_free(s);
	job_free(job);
	return rc < 0 ? cmd_fail(&e) : 0;
}
