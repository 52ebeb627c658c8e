/* plural.h - "1 pair", "2 pairs": the noun that goes with a count. */
#ifndef CONVEX_PLURAL_H
#define CONVEX_PLURAL_H

#include <stddef.h>

/* `one` when n is 1, else `many` (static strings, not copied). */
static inline const char *plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

#endif
