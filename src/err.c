/* err.c - error values and their exit codes (the only such mapping). */
#include <stdarg.h>
#include <stdio.h>
#include <sysexits.h>

#include "err.h"

int cx_fail(struct cx_error *e, enum cx_err code, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return -1;
	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
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
