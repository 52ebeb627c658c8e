/* cliargs.c - --prices, --pair, --as-of and --lookback-years as `convex stats`
 * and `convex report` read them (see cliargs.h). */
#include <getopt.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cliargs.h"

int cliargs_lookback(const char *arg, int max, int *out, struct cx_error *e)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || v < 1 || v > max)
		return cx_fail(e, CX_EUSAGE, "--lookback-years \"%s\" is not a "
			       "whole number from 1 to %d", arg, max);
	*out = (int)v;
	return 0;
}

int cliargs_as_of(const char *arg, cx_date *out, struct cx_error *e)
{
	if (!date_parse(arg, strlen(arg), out))
		return cx_fail(e, CX_EUSAGE, "--as-of \"%s\" is not a date "
			       "(YYYY-MM-DD)", arg);
	return 0;
}

/* ---- --prices ------------------------------------------------------------ */

static bool looks_like_symbol(const char *s, size_t len)
{
	if (len == 0 || len > PRICES_SYMBOL_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!(s[i] >= 'A' && s[i] <= 'Z') && !(s[i] >= 'a' && s[i] <= 'z') &&
		    !(s[i] >= '0' && s[i] <= '9') && !strchr("._^-", s[i]))
			return false;
	return true;
}

int cliargs_load_prices(struct prices *p, const char *spec, struct cx_error *e)
{
	char symbol[PRICES_SYMBOL_MAX + 1];     /* the limit and its NUL */
	struct prices_opts opts = {NULL, PRICES_AUTO};
	const char *eq = strchr(spec, '='), *path = spec;
	struct stat st;

	if (eq != NULL && looks_like_symbol(spec, (size_t)(eq - spec)) &&
	    stat(spec, &st) != 0) {
		memcpy(symbol, spec, (size_t)(eq - spec));
		symbol[eq - spec] = '\0';
		opts.symbol = symbol;
		path = eq + 1;
	}
	return prices_load_file(p, path, &opts, e);
}

/* ---- --pair -------------------------------------------------------------- */

/* `unknown symbol "SYM"`, with CLIARGS_PAIR_LIST followed by
 * ` (loaded: A, B, ...)`; `len` bytes of `sym` are quoted. */
static int unknown_symbol(const struct prices *p, unsigned flags,
			  const char *sym, size_t len, struct cx_error *e)
{
	char list[CX_ERRMSG_MAX / 2], loaded[CX_ERRMSG_MAX / 2 + 32];
	size_t n = prices_count(p), used = 0;

	list[0] = loaded[0] = '\0';
	for (size_t i = 0; i < n && i < CLIARGS_UNKNOWN_LIST_MAX; i++) {
		int w = snprintf(list + used, sizeof list - used, "%s%s",
				 i ? ", " : "", prices_at(p, i)->symbol);
		if (w < 0 || (size_t)w >= sizeof list - used)
			break;
		used += (size_t)w;
	}
	if (flags & CLIARGS_PAIR_LIST)
		snprintf(loaded, sizeof loaded, " (loaded: %s%s)", n ? list : "none",
			 n > CLIARGS_UNKNOWN_LIST_MAX ? ", ..." : "");
	return cx_fail(e, CX_ENOINPUT, "unknown symbol \"%.*s\"%s",
		       len > CX_ERRMSG_MAX ? CX_ERRMSG_MAX : (int)len, sym, loaded);
}

int cliargs_find_pair(const struct prices *p, const char *pair, unsigned flags,
		      const struct series **a, const struct series **b,
		      struct cx_error *e)
{
	char sa[PRICES_SYMBOL_MAX + 1];         /* the limit and its NUL */
	const char *slash = strchr(pair, '/');
	size_t la = slash ? (size_t)(slash - pair) : 0;

	if (slash == NULL || la == 0 || slash[1] == '\0' || strchr(slash + 1, '/'))
		return cx_fail(e, CX_EUSAGE, "--pair \"%s\" is not A/B%s", pair,
			       flags & CLIARGS_PAIR_OR_ALL ? " or \"all\"" : "");
	/* longer than any loaded symbol; `convex stats` has always quoted the
	 * whole argument here, `convex report` the first symbol */
	if (la >= sizeof sa)
		return unknown_symbol(p, flags, pair, flags & CLIARGS_PAIR_LIST ?
				      strlen(pair) : la, e);
	memcpy(sa, pair, la);
	sa[la] = '\0';
	if (!strcmp(sa, slash + 1))
		return cx_fail(e, CX_EUSAGE, "--pair \"%s\" names the same symbol "
			       "twice", pair);
	if ((*a = prices_find(p, sa)) == NULL)
		return unknown_symbol(p, flags, sa, la, e);
	if ((*b = prices_find(p, slash + 1)) == NULL)
		return unknown_symbol(p, flags, slash + 1, strlen(slash + 1), e);
	return 0;
}

int cliargs_bad_option(const char *cmd, char **argv, int c, struct cx_error *e)
{
	/* An unknown short option inside a cluster ("-odd") leaves optind on
	 * the cluster: optopt names it. Long options (and a value missing at
	 * the end) are the argument getopt just passed. */
	const char *arg = argv[optind - 1];
	char shortopt[3] = {'-', (char)optopt, '\0'};

	if (c == '?' && optopt != 0)
		arg = shortopt;
	if (c == ':')
		return cx_fail(e, CX_EUSAGE, "%s: option \"%s\" needs a value; try 'convex %s --help'", cmd, arg, cmd);
	return cx_fail(e, CX_EUSAGE, "%s: unknown option \"%s\"; try 'convex %s --help'", cmd, arg, cmd);
}
