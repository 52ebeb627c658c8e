/* manifest.h - manifest.sha256 of a run directory, in the format of
 * `sha256sum` ("<64 hex>  <path>\n"), so `cd RUN && sha256sum -c
 * manifest.sha256` verifies it. */
#ifndef CONVEX_MANIFEST_H
#define CONVEX_MANIFEST_H

#include "err.h"

#define MANIFEST_NAME "manifest.sha256"
/* Most files one manifest lists (a run has a few per pair). */
#define MANIFEST_FILES_MAX 1000000

/* Hash every regular file under `dir` (recursively, paths relative to dir,
 * sorted in byte order, the manifest itself and run.json excluded: run.json
 * holds times and differs between two runs of the same inputs) and write
 * dir/manifest.sha256. Returns 0, or -1 with `e` set: CX_EIO when a file
 * cannot be read, CX_ECANTCREAT when the manifest cannot be written. */
int manifest_write(const char *dir, struct cx_error *e);

#endif
