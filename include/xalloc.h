/* xalloc.h - memory allocation under the project's out-of-memory policy.
 *
 * Policy: running out of memory is not an error a caller can handle; every
 * function here prints "convex: out of memory" on stderr and aborts instead
 * of returning NULL. None ever returns NULL, also for zero sizes, so callers
 * need no NULL checks. Every result is owned by the caller (free()).
 */
#ifndef CONVEX_XALLOC_H
#define CONVEX_XALLOC_H

#include <stddef.h>

/* `size` bytes, uninitialised (at least one byte when size is 0). */
void *xmalloc(size_t size);

/* `n` zeroed items of `size` bytes; n * size is checked for overflow (abort)
 * and n == 0 or size == 0 still yields a block that free() accepts. */
void *xcalloc(size_t n, size_t size);

/* Resize `old` (NULL: a new block) to `n` items of `size` bytes, keeping the
 * contents; n * size is checked for overflow (abort). On success `old` is no
 * longer valid; on failure the process aborts, so `p = xrealloc_array(p, ...)`
 * cannot leak `p` the way `p = realloc(p, n)` does. */
void *xrealloc_array(void *old, size_t n, size_t size);

/* A copy of the NUL-terminated string `s`. */
char *xstrdup(const char *s);

#endif
