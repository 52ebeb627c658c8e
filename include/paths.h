/* paths.h - where convex finds its data files (fonts/, templates/, jobs/job.rng).
 *
 * Order: the CONVEX_DATADIR environment variable; else the compiled-in data
 * directory (the source tree for a build, PREFIX/share/convex once installed).
 */
#ifndef CONVEX_PATHS_H
#define CONVEX_PATHS_H

#include <stddef.h>

/* The data directory; static or environment string, never NULL. */
const char *paths_datadir(void);

/* Write datadir/rel into buf. Returns buf, or NULL when it does not fit. */
char *paths_data_file(const char *rel, char *buf, size_t size);

#endif
