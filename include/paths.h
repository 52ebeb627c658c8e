/* paths.h - where convex finds its data files (fonts/, templates/, jobs/job.rng).
 *
 * Order: the job's <outputs datadir=".."> (paths_set_datadir, set once the
 * job is loaded, so it cannot choose the schema that validates the job
 * itself); else the CONVEX_DATADIR environment variable; else the
 * compiled-in data directory: the source tree for `make` (build/convex),
 * PREFIX/share/convex for the binary `make install` builds.
 */
#ifndef CONVEX_PATHS_H
#define CONVEX_PATHS_H

#include <stddef.h>

/* The data directory; static, environment or job string, never NULL. */
const char *paths_datadir(void);

/* The compiled-in data directory (what --version prints). Static string. */
const char *paths_builtin_datadir(void);

/* Use `dir` as the data directory from now on (NULL: back to the
 * environment / compiled-in default). The string is borrowed: it must
 * outlive every later call (the job owns it). Not thread-safe: call it
 * before starting threads. */
void paths_set_datadir(const char *dir);

/* Write datadir/rel into buf. Returns buf, or NULL when it does not fit. */
char *paths_data_file(const char *rel, char *buf, size_t size);

#endif
