/* xalloc.c - allocation that aborts on out-of-memory (see xalloc.h).
 *
 * One place for the policy instead of a static copy per file. Aborting (not
 * exit()) keeps a core for the post-mortem and runs no atexit handlers that
 * might themselves allocate. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static _Noreturn void out_of_memory(void)
{
	fputs("convex: out of memory\n", stderr);
	abort();
}

static void *checked(void *p)
{
	if (p == NULL)
		out_of_memory();
	return p;
}

/* n * size overflows: checked here rather than left to the C library, so a
 * sanitizer's allocator (which may report and exit instead) sees no call. */
static void check_product(size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		out_of_memory();
}

void *xmalloc(size_t size)
{
	return checked(malloc(size ? size : 1));
}

void *xcalloc(size_t n, size_t size)
{
	check_product(n, size);
	/* calloc may return NULL for no bytes at all: ask for at least one */
	return checked(calloc(n ? n : 1, size ? size : 1));
}

void *xrealloc_array(void *old, size_t n, size_t size)
{
	check_product(n, size);
	/* realloc(p, 0) may free p and return NULL: always ask for a byte */
	if (n == 0 || size == 0)
		n = 1, size = 1;
	return checked(reallocarray(old, n, size));
}

char *xstrdup(const char *s)
{
	return checked(strdup(s));
}
