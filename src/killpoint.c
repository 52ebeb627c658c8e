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
	const char *after = getenv("CONVEX_TEST_KILL_AFTER");
	if (seen++ >= (after != NULL ? atol(after) : 0))
		kill(getpid(), SIGKILL);
}
