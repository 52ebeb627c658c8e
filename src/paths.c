/* paths.c - locate the data directory. */
#include <stdio.h>
#include <stdlib.h>

#include "paths.h"

#ifndef CONVEX_DATADIR
#define CONVEX_DATADIR CONVEX_SRCDIR
#endif

const char *paths_datadir(void)
{
	const char *env = getenv("CONVEX_DATADIR");
	return env != NULL && env[0] != '\0' ? env : CONVEX_DATADIR;
}

char *paths_data_file(const char *rel, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s/%s", paths_datadir(), rel);
	return n < 0 || (size_t)n >= size ? NULL : buf;
}
