/* err.h - the project's error values and the one place they become exit codes.
 *
 * Errors are values: a function that can fail takes a `struct cx_error *` and
 * fills it (code + one line of text) before returning non-zero. The message is
 * the whole line the user sees, without the "convex: " prefix and without a
 * trailing newline, in the form  `file:line: what is wrong with "subject"`.
 */
#ifndef CONVEX_ERR_H
#define CONVEX_ERR_H

#include <stddef.h>

enum cx_err {
	CX_OK = 0,
	CX_EUSAGE,       /* bad command line                      -> 64 EX_USAGE */
	CX_EDATA,        /* malformed input data                   -> 65 EX_DATAERR */
	CX_ENOINPUT,     /* missing input file or symbol           -> 66 EX_NOINPUT */
	CX_EUNAVAILABLE, /* remote host unreachable / service down -> 69 EX_UNAVAILABLE */
	CX_ESOFTWARE,    /* internal error, library failure        -> 70 EX_SOFTWARE */
	CX_ECANTCREAT,   /* cannot create an output file           -> 73 EX_CANTCREAT */
	CX_EIO,          /* read/write error                       -> 74 EX_IOERR */
	CX_ETEMPFAIL,    /* try again later (lock held, deferred)  -> 75 EX_TEMPFAIL */
	CX_EPROTOCOL,    /* remote answered outside the protocol   -> 76 EX_PROTOCOL */
	CX_ENOPERM,      /* permission / authentication refused    -> 77 EX_NOPERM */
	CX_ECONFIG,      /* bad job file                           -> 78 EX_CONFIG */
	CX_EPARTIAL      /* finished, but some pairs were skipped  -> 3 */
};

/* Exit status of a run that finished but skipped pairs or deferred mail. */
#define CX_EXIT_PARTIAL 3

/* Longest error line kept; longer messages are cut (never overflow). */
#define CX_ERRMSG_MAX 1024

struct cx_error {
	enum cx_err code;
	char msg[CX_ERRMSG_MAX];
};

/* Set `e` (when not NULL) to `code` and a printf-formatted message.
 * The arguments may include e->msg itself (wrapping an inner failure with a
 * prefix): the line is formatted before `e` is overwritten. Returns -1 so callers can write `return cx_fail(e, ...);`. */
int cx_fail(struct cx_error *e, enum cx_err code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Reset `e` to CX_OK with an empty message. */
void cx_error_clear(struct cx_error *e);

/* The sysexits.h exit status for `code` (0 for CX_OK). */
int cx_exitcode(enum cx_err code);

#endif
