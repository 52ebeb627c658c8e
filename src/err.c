/* err.c - error values and their exit codes (the only such mapping). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "err.h"

/* The message is formatted into a local buffer first: a caller that wraps an
 * inner failure may pass e->msg itself as an argument, and vsnprintf into the
 * buffer it is reading from is undefined (it printed "file:3: file:3:  M-6M-:U"). */
int cx_fail(struct cx_error *e, enum cx_err code, const char *fmt, ...)
{
	char line[CX_ERRMSG_MAX];
	va_list ap;

	if (e == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	e->code = code;
	memcpy(e->msg, line, sizeof line);
	return -1;
}

void cx_error_clear(struct cx_error *e)
{
	e->code = CX_OK;
	e->msg[0] = '\0';
}

int cx_exitcode(enum cx_err code)
{
	static const int table[] = {
		[CX_OK] = 0,
		[CX_EUSAGE] = EX_USAGE,
		[CX_EDATA] = EX_DATAERR,
		[CX_ENOINPUT] = EX_NOINPUT,
		[CX_EUNAVAILABLE] = EX_UNAVAILABLE,
		[CX_ESOFTWARE] = EX_SOFTWARE,
		[CX_ECANTCREAT] = EX_CANTCREAT,
		[CX_EIO] = EX_IOERR,
		[CX_ETEMPFAIL] = EX_TEMPFAIL,
		[CX_EPROTOCOL] = EX_PROTOCOL,
		[CX_ENOPERM] = EX_NOPERM,
		[CX_ECONFIG] = EX_CONFIG,
		[CX_EPARTIAL] = CX_EXIT_PARTIAL,
	};

	if ((unsigned)code >= sizeof table / sizeof table[0])
		return EX_SOFTWARE;
	return table[code];
}
