/* pngout.h - PNG encoding of an RGB image in memory (the libpng adapter).
 *
 * Charts are flat colours with antialiased edges. cairo's own PNG writer
 * lets libpng try all five row filters on every row at zlib's default
 * level, which cost 86% of the time of rendering a chart; here the filter
 * and the zlib level are fixed (chosen by measurement, see pngout.c): a
 * fraction of the time for files a little smaller.
 */
#ifndef CONVEX_PNGOUT_H
#define CONVEX_PNGOUT_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Encode w x h pixels, each a uint32_t 0x00RRGGBB (cairo's RGB24 layout),
 * rows `stride` bytes apart, as an 8-bit RGB PNG. On success returns 0 with
 * *png an allocated buffer of *len bytes (caller frees); on failure -1 with
 * `e` set (CX_ESOFTWARE) and *png NULL. */
int pngout_rgb24(const unsigned char *pixels, int w, int h, int stride,
		 unsigned char **png, size_t *len, struct cx_error *e);

#endif
