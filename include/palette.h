/* palette.h - an RGB image reduced to at most 256 colours, for the small
 * indexed PNGs of the email's charts (pngout.h).
 *
 * Charts are a few flat colours and their antialiased blends, so the most
 * frequent colours of the image make a good palette (the popularity
 * method): every flat colour and the common blends are kept exactly, and a
 * rarer blend pixel takes the nearest kept colour (squared RGB distance).
 * An image of at most `max` colours is kept exactly. Deterministic: ties go
 * to the lower colour value, so the same pixels give the same bytes.
 *
 * Written here, not taken from a library: the one that does this well,
 * libimagequant (pngquant's, libimagequant-dev in Debian 12), is GPL-3 and
 * would bind every program linking convex to that licence; and a chart's
 * few flat colours need only the popularity method, some 140 lines.
 */
#ifndef CONVEX_PALETTE_H
#define CONVEX_PALETTE_H

#include <stddef.h>
#include <stdint.h>

/* Most colours of a palette (the PNG limit of an 8-bit index). */
#define PALETTE_MAX 256

struct palette {
	size_t n;                        /* colours used, 1..max */
	unsigned char rgb[PALETTE_MAX][3];
};

/* Reduce w x h pixels, each a uint32_t 0x00RRGGBB (cairo's RGB24; the top
 * byte is ignored), rows `stride` bytes apart, to at most `max` colours
 * (2..PALETTE_MAX): fills *pal and idx[y * w + x] with each pixel's
 * palette index. Out of memory aborts (xalloc.h); no other failure. */
void palette_quantize(const unsigned char *pixels, int w, int h, int stride,
		      size_t max, struct palette *pal, unsigned char *idx);

#endif
