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

/* What to write besides the pixels. */
struct pngout_opts {
	const char *key, *value;  /* one tEXt chunk key=value; key NULL: none
				   * (a Latin-1 keyword of 1..79 characters) */
	size_t palette;           /* 0: 8-bit RGB; 2..PALETTE_MAX: an indexed
				   * PNG of at most that many colours (palette.h) */
};

/* Encode w x h pixels, each a uint32_t 0x00RRGGBB (cairo's RGB24 layout),
 * rows `stride` bytes apart, as a PNG as `o` says (NULL: RGB, no text).
 * On success returns 0 with *png an allocated buffer of *len bytes (caller
 * frees); on failure -1 with `e` set (CX_ESOFTWARE) and *png NULL. */
int pngout_rgb24(const unsigned char *pixels, int w, int h, int stride,
		 const struct pngout_opts *o, unsigned char **png, size_t *len,
		 struct cx_error *e);

#endif
