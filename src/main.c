/* main.c - convex's entry point: global options, then one subcommand.
 *
 * The global options (-v, -q, --log-format) are accepted before the command
 * name and also among the command's own arguments (`convex run JOB -q`):
 * they are taken out before the command parses the rest. "--" ends them.
 *
 * Two programs are linked from this file. `convex-full` holds every
 * command. `convex` (compiled with -DCONVEX_LEAN) holds only `stats`, and
 * so loads only libc, libm and jansson instead of the ~70 libraries that
 * cairo, libharu, GMime, libxslt and libcurl bring (loading them costs
 * ~60 ms of CPU on this kind of machine, more than the statistics of 435
 * pairs); for any other command it replaces itself (execv, same pid and
 * arguments) with convex-full, found beside it or in ../libexec/convex/.
 */
#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cmd.h"
#include "err.h"
#include "log.h"
#include "paths.h"
#include "version.h"

/* Subcommands not linked into this build are weak NULLs: left out of
 * convex-full, run through convex-full by the lean convex. */
#pragma weak cmd_run
#pragma weak cmd_check
#pragma weak cmd_merge
#pragma weak cmd_send
#pragma weak cmd_fetch
#pragma weak cmd_report
#pragma weak cmd_suppress
#pragma weak cmd_unsubscribe
#pragma weak cmd_inbox

#ifdef CONVEX_LEAN
#define LEAN 1
#else
#define LEAN 0
#endif

struct command {
	const char *name;
	int (*fn)(int, char **);
	const char *summary;
};

static const struct command commands[] = {
	{"run", cmd_run, "run a job: statistics, ranking, charts, PDFs, digest"},
	{"check", cmd_check, "validate a job file and its inputs without running it"},
	{"merge", cmd_merge, "assemble the shards of a sharded run into the run"},
	{"send", cmd_send, "resume delivery of an existing run directory"},
	{"fetch", cmd_fetch, "refresh the local price store from a job's HTTP sources"},
	{"stats", cmd_stats, "print the correlation deep dive of one pair"},
	{"report", cmd_report, "write the deep-dive PDF of one pair"},
	{"suppress", cmd_suppress, "list, add or remove addresses of the suppression list"},
	{"unsubscribe", cmd_unsubscribe, "the one-click unsubscribe page, as a CGI program"},
	{"inbox", cmd_inbox, "act on bounces, complaints and unsubscribe mail"},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *f)
{
	fprintf(f, "Usage: convex [OPTION]... COMMAND [ARG]...\n"
		   "Turn daily prices into correlation research: PDF reports and a daily digest.\n\n"
		   "Commands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (commands[i].fn != NULL || LEAN)
			fprintf(f, "  %-11s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nOptions (before or after COMMAND):\n"
		   "  -v, --verbose        each stage's start, end, duration and counts (twice:\n"
		   "                       also one line per pair)\n"
		   "  -q, --quiet          no progress bar: warnings, errors and the final\n"
		   "                       summary only (twice: errors only)\n"
		   "      --log-format F   text (default) or json, one object per line\n"
		   "  -h, --help           show this help and exit\n"
		   "  -V, --version        show the version and exit\n\n"
		   "Run 'convex COMMAND --help' for the options of a command; 'man convex' for\n"
		   "the whole manual.\n\n"
		   "Environment:\n"
		   "  CONVEX_DATADIR       templates, fonts and schema (default %s)\n"
		   "  SOURCE_DATE_EPOCH    fixed date inside the PDFs (reproducible output)\n"
		   "  CONVEX_SMTP_USER     AUTH user for --smtp when the job names no user-env\n"
		   "  CONVEX_SMTP_PASSWORD its password\n\n"
		   "Exit status:\n"
		   "  0   success\n"
		   "  3   finished, but some pairs were skipped or some mail was deferred\n"
		   "  64  usage error            65  malformed input data\n"
		   "  66  missing input          69  remote host unavailable\n"
		   "  70  internal error         73  cannot create output\n"
		   "  74  I/O error              75  temporary failure (e.g. run locked)\n"
		   "  76  protocol error         77  permission or authentication refused\n"
		   "  78  bad job file\n", paths_builtin_datadir());
}

static void version(void)
{
	printf("convex %s\n"
	       "Data directory: %s\n"
	       "Copyright (C) 2026 The convex authors.\n"
	       "There is NO WARRANTY, to the extent permitted by law.\n",
	       CONVEX_VERSION, paths_builtin_datadir());
}

int cmd_fail(const struct cx_error *e)
{
	log_error("%s", e->msg);
	return cx_exitcode(e->code);
}

/* One global option at argv[i]. Returns how many arguments it used (1 or
 * 2), 0 when argv[i] is not a global option, -1 after a usage error. */
static int global_option(int argc, char **argv, int i, int *verbosity)
{
	const char *a = argv[i], *fmt = NULL;
	int used = 1;

	if (!strcmp(a, "-v") || !strcmp(a, "--verbose"))
		++*verbosity;
	else if (!strcmp(a, "-vv"))
		*verbosity += 2;
	else if (!strcmp(a, "-q") || !strcmp(a, "--quiet"))
		--*verbosity;
	else if (!strcmp(a, "-qq"))
		*verbosity -= 2;
	else if (!strncmp(a, "--log-format=", 13))
		fmt = a + 13;
	else if (!strcmp(a, "--log-format")) {
		if (i + 1 >= argc) {
			fprintf(stderr, "convex: --log-format needs an argument: text or json\n");
			return -1;
		}
		fmt = argv[i + 1];
		used = 2;
	} else
		return 0;
	if (fmt != NULL) {
		if (strcmp(fmt, "json") && strcmp(fmt, "text")) {
			fprintf(stderr, "convex: --log-format must be text or json, not \"%s\"\n", fmt);
			return -1;
		}
		log_set_format(!strcmp(fmt, "json") ? LOG_JSON : LOG_TEXT);
	}
	return used;
}

/* Global options before the command name. Returns the index of the command
 * name, or -1 after printing help/version/usage (*status set). */
static int leading_options(int argc, char **argv, int *verbosity, int *status)
{
	int i, used;

	for (i = 1; i < argc && argv[i][0] == '-'; i += used) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			*status = 0;
			return -1;
		}
		if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
			version();
			*status = 0;
			return -1;
		}
		if ((used = global_option(argc, argv, i, verbosity)) < 0) {
			*status = EX_USAGE;
			return -1;
		}
		if (used == 0) {
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

/* Take the global options out of the command's arguments argv[1..argc),
 * up to "--". Returns the new argc, or -1 after a usage error. */
static int trailing_options(int argc, char **argv, int *verbosity)
{
	int out = 1;

	for (int i = 1; i < argc;) {
		int used = strcmp(argv[i], "--") ? global_option(argc, argv, i, verbosity) : 0;
		if (used < 0)
			return -1;
		if (used > 0) {
			i += used;
			continue;
		}
		if (!strcmp(argv[i], "--")) {
			while (i < argc)
				argv[out++] = argv[i++];
			break;
		}
		argv[out++] = argv[i++];
	}
	argv[out] = NULL;
	return out;
}

/* The lean convex: run the whole program with the same arguments (argv
 * untouched so far). Candidates: beside this binary (the build tree), then
 * ../libexec/convex/ (make install). Returns only on failure. */
static int exec_full(char **argv)
{
	static const char *const rel[] = {"convex-full", "../libexec/convex/convex-full"};
	char self[PATH_MAX], path[PATH_MAX + 64];
	ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
	char *slash;

	if (len <= 0 || (size_t)len >= sizeof self - 1) {
		fprintf(stderr, "convex: cannot find my own program (/proc/self/exe): %s\n",
			strerror(len < 0 ? errno : ENAMETOOLONG));
		return EX_SOFTWARE;
	}
	self[len] = '\0';
	slash = strrchr(self, '/');
	*slash = '\0';
	for (size_t k = 0; k < sizeof rel / sizeof rel[0]; k++) {
		snprintf(path, sizeof path, "%s/%s", self, rel[k]);
		execv(path, argv);
	}
	fprintf(stderr, "convex: cannot run %s/%s (the program of \"%s\"): %s\n",
		self, rel[0], argv[0], strerror(errno));
	return EX_SOFTWARE;
}

static const struct command *find_command(const char *name)
{
	for (size_t c = 0; c < NCOMMANDS; c++)
		if (!strcmp(commands[c].name, name) && (commands[c].fn != NULL || LEAN))
			return &commands[c];
	return NULL;
}

/* Keep freed heap memory for reuse instead of handing it back at once.
 * glibc returns the top of a heap to the kernel as soon as 128 KiB of it
 * are free and maps blocks of 128 KiB and more afresh each time; a PDF
 * (libharu's 256 KiB encoder tables, zlib's 270 KiB per compressed
 * stream) and a PNG allocate and free such blocks per file, so every file
 * paid for faulting the same pages in again: about a fifth of a deep
 * dive's CPU time on this kind of (virtual) machine. The limits below
 * bound what a process keeps: 8 MiB of free heap top per arena. Blocks
 * up to 32 MiB come from the heap too: a chart's cairo surface is 1.7 MB
 * (the web's 990 x 440 px) to 2.3 MB (the email's 880 x 660 px), and with
 * a 1 MiB threshold each was mapped and faulted in afresh: the 435-pair
 * Dow run with 1,000 subscribers drew its charts in 9.6 s (-j 2), 6.0 s
 * with 32 MiB, 6.4 s with glibc's defaults (peak RSS 123 MB in all). */
#define MAIN_TRIM_THRESHOLD (8 << 20)
#define MAIN_MMAP_THRESHOLD (32 << 20)

static void tune_malloc(void)
{
	mallopt(M_TRIM_THRESHOLD, MAIN_TRIM_THRESHOLD);
	mallopt(M_MMAP_THRESHOLD, MAIN_MMAP_THRESHOLD);
}

int main(int argc, char **argv)
{
	int status = 0, verbosity = 0;
	int i = leading_options(argc, argv, &verbosity, &status);
	const struct command *cmd;

	tune_malloc();
	if (i < 0)
		return status;
	cmd = find_command(argv[i]);
	if (cmd == NULL) {
		fprintf(stderr, "convex: unknown command \"%s\"; try 'convex --help'\n", argv[i]);
		return EX_USAGE;
	}
	if (cmd->fn == NULL)
		return exec_full(argv);
	int n = trailing_options(argc - i, argv + i, &verbosity);
	if (n < 0)
		return EX_USAGE;
	log_set_verbosity(verbosity);
	return cmd->fn(n, argv + i);
}
