/* cliargs.h - the command-line arguments shared by the subcommands that read
 * price files and analyse one pair (`convex stats`, `convex report`):
 * --prices [SYMBOL=]FILE, --pair A/B, --as-of YYYY-MM-DD, --lookback-years N.
 *
 * Every function returns 0, or -1 with `e` set to a one-line message that
 * names the option and quotes the argument as given. Nothing is allocated.
 */
#ifndef CONVEX_CLIARGS_H
#define CONVEX_CLIARGS_H

#include "date.h"
#include "err.h"
#include "prices.h"

/* The one form of every command's option error, after getopt_long (with
 * an optstring that starts with ':') returned `c` ('?' or ':'):
 *   CMD: unknown option "-x"; try 'convex CMD --help'
 *   CMD: option "--out" needs a value; try 'convex CMD --help'
 * Always returns -1 with `e` set (CX_EUSAGE). */
int cliargs_bad_option(const char *cmd, char **argv, int c, struct cx_error *e);

/* Symbols listed in an "unknown symbol" message before it says "...". */
#define CLIARGS_UNKNOWN_LIST_MAX 20

/* The longest lookback any command accepts, in years: the job schema's
 * limit (jobs/job.rng), so stats, report and run agree. */
#define CLIARGS_LOOKBACK_MAX 50

/* --lookback-years: a whole number from 1 to `max` into *out.
 * Errors: CX_EUSAGE. */
int cliargs_lookback(const char *arg, int max, int *out, struct cx_error *e);

/* --as-of: exactly "YYYY-MM-DD" into *out. Errors: CX_EUSAGE. */
int cliargs_as_of(const char *arg, cx_date *out, struct cx_error *e);

/* Load one --prices argument into `p`: "SYMBOL=FILE" names the symbol of a
 * per-symbol file when the part before '=' looks like a symbol (at most
 * PRICES_SYMBOL_MAX bytes of letters, digits and "._^-") and the whole
 * argument is not itself an existing file; otherwise it is a path.
 * Errors: those of prices_load_file(). */
int cliargs_load_prices(struct prices *p, const char *spec, struct cx_error *e);

/* How a command words its --pair errors (flags, or-ed). */
enum cliargs_pair_flags {
	CLIARGS_PAIR_OR_ALL = 1, /* the shape error offers "all" as well */
	CLIARGS_PAIR_LIST = 2,   /* an unknown symbol error lists the loaded ones */
};

/* Split --pair "A/B" and find both series in `p` (pointers into `p`).
 * Errors: CX_EUSAGE when `pair` is not A/B or names one symbol twice,
 * CX_ENOINPUT for a symbol that `p` does not hold. */
int cliargs_find_pair(const struct prices *p, const char *pair, unsigned flags,
		      const struct series **a, const struct series **b,
		      struct cx_error *e);

#endif
