/* paths.c - locate the data directory (see paths.h for the order). */
#include <stdio.h>
#include <stdlib.h>

#include "paths.h"

/* `make install` compiles this file with -DCONVEX_DATADIR=PREFIX/share/convex. */
#ifndef CONVEX_DATADIR
#define CONVEX_DATADIR CONVEX_SRCDIR
#endif

static const char *job_datadir;

void paths_set_datadir(const char *dir)
{
	job_datadir = dir;
}

const char *paths_builtin_datadir(void)
{
	return CONVEX_DATADIR;
}

const char *paths_datadir(void)
{
	const char *env = getenv("CONVEX_DATADIR");

	if (job_datadir != NULL && job_datadir[0] != '\0')
		return job_datadir;
	return env != NULL && env[0] != '\0' ? env : CONVEX_DATADIR;
}

char *paths_data_file(const char *rel, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s/%s", paths_datadir(), rel);
	return n < 0 || (size_t)n >= size ? NULL : buf;
}
