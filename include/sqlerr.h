/* sqlerr.h - the sysexits code of an SQLite result, for the modules that
 * keep state in SQLite (store.c, ledger.c, suppress.c).
 *
 * SQLITE_FULL, IOERR, CANTOPEN, READONLY, PERM: CX_EIO (74: the disk, not
 * convex); BUSY, LOCKED: CX_ETEMPFAIL (75: try later); CORRUPT, NOTADB:
 * CX_EDATA (65); anything else CX_ESOFTWARE (70). */
#ifndef CONVEX_SQLERR_H
#define CONVEX_SQLERR_H

#include "err.h"

/* `rc` may be an extended result code. */
enum cx_err sqlerr_code(int rc);

#endif
