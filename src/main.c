/* main.c - convex's entry point: global options, then one subcommand. */
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "cmd.h"
#include "err.h"
#include "log.h"
#include "version.h"

/* Subcommands not linked into this build are weak NULLs and left out. */
#pragma weak cmd_report
#pragma weak cmd_fetch

struct command {
	const char *name;
	int (*fn)(int, char **);
	const char *summary;
};

static const struct command commands[] = {
	{"run", cmd_run, "run a job: statistics, ranking, charts, PDFs, digest"},
	{"check", cmd_check, "validate a job file and its inputs without running it"},
	{"send", cmd_send, "resume delivery of an existing run directory"},
	{"fetch", cmd_fetch, "refresh the local price store from a job's HTTP sources"},
	{"stats", cmd_stats, "print the correlation deep dive of one pair"},
	{"report", cmd_report, "write the deep-dive PDF of one pair"},
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: convex [OPTION]... COMMAND [ARG]...\n"
		   "Turn daily prices into correlation research: PDF reports and a daily digest.\n\n"
		   "Commands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (commands[i].fn != NULL)
			fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nOptions:\n"
		   "  -v, --verbose        also print progress information\n"
		   "  -q, --quiet          print errors only\n"
		   "      --log-format F   text (default) or json\n"
		   "  -h, --help           show this help and exit\n"
		   "  -V, --version        show the version and exit\n\n"
		   "Run 'convex COMMAND --help' for the options of a command.\n\n"
		   "Exit status:\n"
		   "  0   success\n"
		   "  3   finished, but some pairs were skipped or some mail was deferred\n"
		   "  64  usage error            65  malformed input data\n"
		   "  66  missing input          69  remote host unavailable\n"
		   "  70  internal error         73  cannot create output\n"
		   "  74  I/O error              75  temporary failure (e.g. run locked)\n"
		   "  76  protocol error         77  permission or authentication refused\n"
		   "  78  bad job file\n");
}

int cmd_fail(const struct cx_error *e)
{
	log_error("%s", e->msg);
	return cx_exitcode(e->code);
}

/* Global options come before the command name. Returns the index of the
 * command name, or -1 after printing help/version/usage (*status set). */
static int global_options(int argc, char **argv, int *status)
{
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			*status = 0;
			return -1;
		} else if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
			printf("convex %s\n", CONVEX_VERSION);
			*status = 0;
			return -1;
		} else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
			log_set_level(LOG_INFO);
		} else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			log_set_level(LOG_ERROR);
		} else if (!strcmp(a, "--log-format") && i + 1 < argc) {
			const char *f = argv[++i];
			if (strcmp(f, "json") && strcmp(f, "text")) {
				fprintf(stderr, "convex: --log-format must be text or json, not \"%s\"\n", f);
				*status = EX_USAGE;
				return -1;
			}
			log_set_format(!strcmp(f, "json") ? LOG_JSON : LOG_TEXT);
		} else {
			fprintf(stderr, "convex: unknown option \"%s\"; try 'convex --help'\n", a);
			*status = EX_USAGE;
			return -1;
		}
	}
	if (i == argc) {
		usage(stderr);
		*status = EX_USAGE;
		return -1;
	}
	return i;
}

int main(int argc, char **argv)
{
	int status = 0;
	int i = global_options(argc, argv, &status);

	if (i < 0)
		return status;
	for (size_t c = 0; c < sizeof commands / sizeof commands[0]; c++)
		if (commands[c].fn != NULL && !strcmp(commands[c].name, argv[i]))
			return commands[c].fn(argc - i, argv + i);
	fprintf(stderr, "convex: unknown command \"%s\"; try 'convex --help'\n", argv[i]);
	return EX_USAGE;
}
