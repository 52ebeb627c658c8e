/* test_palette.c - popularity quantisation (palette.h): an image of few
 * colours kept exactly; with more colours than allowed, the most frequent
 * kept and every other pixel mapped to its nearest (hand-computed). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "palette.h"

#define W 10
#define H 4

static void put(uint32_t *px, int x, int y, uint32_t v) { px[y * W + x] = v; }

static void fill(uint32_t *px, uint32_t v)
{
	for (int i = 0; i < W * H; i++)
		px[i] = v;
}

static void test_exact(void **state)
{
	(void)state;
	uint32_t px[W * H];
	unsigned char idx[W * H];
	struct palette pal;
	fill(px, 0xFF123456u);                 /* the top byte is ignored */
	put(px, 3, 1, 0x00FFFFFFu);
	put(px, 4, 1, 0x00FFFFFFu);
	put(px, 9, 3, 0x00000000u);
	palette_quantize((const unsigned char *)px, W, H, W * 4, 16, &pal, idx);
	assert_int_equal(pal.n, 3);
	/* by frequency: 37 x 123456, 2 x white, 1 x black */
	assert_memory_equal(pal.rgb[0], "\x12\x34\x56", 3);
	assert_memory_equal(pal.rgb[1], "\xFF\xFF\xFF", 3);
	assert_memory_equal(pal.rgb[2], "\x00\x00\x00", 3);
	assert_int_equal(idx[0], 0);
	assert_int_equal(idx[1 * W + 3], 1);
	assert_int_equal(idx[3 * W + 9], 2);
}

static void test_nearest(void **state)
{
	(void)state;
	uint32_t px[W * H];
	unsigned char idx[W * H];
	struct palette pal;
	fill(px, 0xFFFFFFu);                    /* 36 white */
	put(px, 0, 0, 0x0000FFu);               /* 2 blue */
	put(px, 1, 0, 0x0000FFu);
	put(px, 2, 0, 0x1010F0u);               /* 1 near blue: 16^2+16^2+15^2 = 737 */
	put(px, 3, 0, 0xF0F0F0u);               /* 1 near white: 3 * 15^2 = 675 */
	palette_quantize((const unsigned char *)px, W, H, W * 4, 2, &pal, idx);
	assert_int_equal(pal.n, 2);
	assert_memory_equal(pal.rgb[0], "\xFF\xFF\xFF", 3);
	assert_memory_equal(pal.rgb[1], "\x00\x00\xFF", 3);
	assert_int_equal(idx[2], 1);
	assert_int_equal(idx[3], 0);
	/* Equal counts: the lower colour value first, whatever the order. */
	fill(px, 0x000001u);
	for (int x = 0; x < W; x++)
		for (int y = 0; y < H / 2; y++)
			put(px, x, y, 0x000002u);
	palette_quantize((const unsigned char *)px, W, H, W * 4, 2, &pal, idx);
	assert_memory_equal(pal.rgb[0], "\x00\x00\x01", 3);
}

/* More distinct colours than the first table holds: it grows. */
static void test_many(void **state)
{
	(void)state;
	enum { N = 300 };
	static uint32_t px[N * N];
	static unsigned char idx[N * N];
	struct palette pal;
	for (int i = 0; i < N * N; i++)
		px[i] = (uint32_t)i;
	palette_quantize((const unsigned char *)px, N, N, N * 4, PALETTE_MAX, &pal, idx);
	assert_int_equal(pal.n, PALETTE_MAX);
	/* all counts 1: the 256 lowest values, 0..255, blue only */
	assert_memory_equal(pal.rgb[255], "\x00\x00\xFF", 3);
	assert_int_equal(idx[17], 17);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact),
		cmocka_unit_test(test_nearest),
		cmocka_unit_test(test_many),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
