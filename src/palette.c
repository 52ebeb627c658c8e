/* palette.c - popularity quantisation of an RGB24 image (see palette.h). */
#include <stdlib.h>
#include <string.h>

#include "palette.h"
#include "xalloc.h"

#define EMPTY 0xFFFFFFFFu   /* no colour: RGB24 values are below 2^24 */

/* A colour and how many pixels have it; `idx` its palette index once built. */
struct slot {
	uint32_t rgb;
	size_t count;
	unsigned idx;
};

struct table {
	struct slot *s;
	size_t cap, n;       /* cap a power of two, n <= cap / 2 */
};

static size_t hash(uint32_t v, size_t cap)
{
	return (size_t)((v * 2654435761u) >> 8) & (cap - 1);
}

static struct slot *find(const struct table *t, uint32_t v)
{
	size_t i = hash(v, t->cap);
	while (t->s[i].rgb != EMPTY && t->s[i].rgb != v)
		i = (i + 1) & (t->cap - 1);
	return &t->s[i];
}

static void table_init(struct table *t, size_t cap)
{
	t->s = xcalloc(cap, sizeof *t->s);
	t->cap = cap;
	t->n = 0;
	for (size_t i = 0; i < cap; i++)
		t->s[i].rgb = EMPTY;
}

static void grow(struct table *t)
{
	struct table old = *t;
	table_init(t, old.cap * 2);
	for (size_t i = 0; i < old.cap; i++)
		if (old.s[i].rgb != EMPTY) {
			*find(t, old.s[i].rgb) = old.s[i];
			t->n++;
		}
	free(old.s);
}

static uint32_t pixel(const unsigned char *pixels, int stride, int x, int y)
{
	uint32_t v;
	memcpy(&v, pixels + (size_t)y * (size_t)stride + 4 * (size_t)x, sizeof v);
	return v & 0xFFFFFFu;
}

/* Count every colour; a run of one colour (most of a chart) is counted
 * with one lookup. */
static void count(struct table *t, const unsigned char *pixels, int w, int h, int stride)
{
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w;) {
			uint32_t v = pixel(pixels, stride, x, y);
			size_t run = 1;
			while (x + (int)run < w && pixel(pixels, stride, x + (int)run, y) == v)
				run++;
			x += (int)run;
			struct slot *s = find(t, v);
			if (s->rgb == EMPTY) {
				*s = (struct slot){.rgb = v};
				if (++t->n > t->cap / 2) {
					grow(t);
					s = find(t, v);
				}
			}
			s->count += run;
		}
}

/* Most frequent first; equal counts by colour value. */
static int by_count(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return x->rgb < y->rgb ? -1 : x->rgb > y->rgb;
}

static unsigned nearest(uint32_t v, const struct palette *pal)
{
	unsigned best = 0;
	long bd = -1;
	for (size_t i = 0; i < pal->n; i++) {
		long dr = (long)((v >> 16) & 255) - pal->rgb[i][0];
		long dg = (long)((v >> 8) & 255) - pal->rgb[i][1];
		long db = (long)(v & 255) - pal->rgb[i][2];
		long d = dr * dr + dg * dg + db * db;
		if (bd < 0 || d < bd)
			bd = d, best = (unsigned)i;
	}
	return best;
}

void palette_quantize(const unsigned char *pixels, int w, int h, int stride,
		      size_t max, struct palette *pal, unsigned char *idx)
{
	struct table t;
	table_init(&t, 4096);
	count(&t, pixels, w, h, stride);
	struct slot *all = xcalloc(t.n ? t.n : 1, sizeof *all);
	size_t n = 0;
	for (size_t i = 0; i < t.cap; i++)
		if (t.s[i].rgb != EMPTY)
			all[n++] = t.s[i];
	qsort(all, n, sizeof *all, by_count);
	pal->n = n < max ? n : max;
	for (size_t i = 0; i < pal->n; i++) {
		pal->rgb[i][0] = (unsigned char)(all[i].rgb >> 16);
		pal->rgb[i][1] = (unsigned char)(all[i].rgb >> 8);
		pal->rgb[i][2] = (unsigned char)all[i].rgb;
	}
	for (size_t i = 0; i < t.cap; i++)
		if (t.s[i].rgb != EMPTY)
			t.s[i].idx = nearest(t.s[i].rgb, pal);
	uint32_t last = EMPTY;
	unsigned char li = 0;
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			uint32_t v = pixel(pixels, stride, x, y);
			if (v != last)
				last = v, li = (unsigned char)find(&t, v)->idx;
			idx[(size_t)y * (size_t)w + (size_t)x] = li;
		}
	free(all);
	free(t.s);
}
