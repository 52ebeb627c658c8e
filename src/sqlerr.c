/* sqlerr.c - SQLite results as sysexits codes (sqlerr.h). */
#include <sqlite3.h>

#include "sqlerr.h"

enum cx_err sqlerr_code(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_FULL:
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
	case SQLITE_READONLY:
	case SQLITE_PERM:
		return CX_EIO;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return CX_ETEMPFAIL;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return CX_EDATA;
	default:
		return CX_ESOFTWARE;
	}
}
