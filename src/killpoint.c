/* killpoint.c - test-only kill -9 at a named step (killpoint.h). */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "killpoint.h"

void killpoint(const char *step)
{
	static long seen;   /* times the armed step was reached */
	const char *at = getenv("CONVEX_TEST_KILL_AT");
	if (at == NULL || strcmp(at, step) != 0)
		return;
	/* A malformed count is 0: kill at the first time the step is reached. */
	const char *after = getenv("CONVEX_TEST_KILL_AFTER");
	long n = after != NULL ? strtol(after, NULL, 10) : 0;
	if (seen++ >= n)
		kill(getpid(), SIGKILL);
}
