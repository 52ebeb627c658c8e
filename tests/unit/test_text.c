/* test_text.c - the text layer: what the shipped fonts have is kept as it
 * is, typographic stand-ins where they lack a character, "?" counted for
 * the rest (never a letter's name), invalid UTF-8, cuts, UTF-16BE text strings for
 * document info, and fitting text to a width. The fonts' repertoire is
 * fc-query's charset of fonts/Lato-*.ttf (tests/e2e/31-pdf-scripts.sh);
 * code points below are from the Unicode charts, written out by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "text.h"

static void check_font(const char *in, const char *want)
{
	char out[256];
	struct text_report r = {0};
	text_to_font(in, out, sizeof out, &r);
	if (strcmp(out, want) != 0)
		print_error("\"%s\" -> \"%s\", want \"%s\"\n", in, out, want);
	assert_string_equal(out, want);
	assert_int_equal(r.unknown, 0);
	assert_int_equal(r.invalid, 0);
}

/* Latin with Latin Extended-A, Greek and Cyrillic print as they are. */
static void test_scripts_kept(void **state)
{
	(void)state;
	static const char *const same[] = {
		"SBI vs SPI: 0.54 (n=90)",
		"Z\xC3\xBCrich",                                   /* u-umlaut */
		"\xC5\x81\xC3\xB3" "d\xC5\xBA",                     /* Lodz: L-stroke, z-acute */
		"Kra\xC4\x87" "\xC3\xB3w \xC5\xBD" "ilina \xC4\x8C" "esk\xC3\xA9", /* c-acute, Z/C-caron */
		"\xCE\x95\xCE\xBB\xCE\xBB\xCE\xB7\xCE\xBD\xCE\xB9\xCE\xBA\xCE\xAC", /* Greek, with tonos */
		"\xD0\xA0\xD1\x83\xD1\x81\xD1\x81\xD0\xBA\xD0\xB8\xD0\xB9",     /* Cyrillic */
		"\xD2\x90\xD2\x91",                                  /* Ukrainian ghe with upturn */
		"\xCF\x83 \xCE\xA3 \xCE\xB2 \xCF\x81",                /* sigma Sigma beta rho */
		"\xE2\x88\x92" "0.5 \xE2\x89\xA4 \xE2\x89\xA5",           /* minus, <=, >= */
		"\xE2\x82\xAC" "5 a\xE2\x80\xA6 \xE2\x80\x94 \xE2\x80\x9Cq\xE2\x80\x9D",
		"\xE2\x86\x92 \xE2\x88\x9E",                           /* arrow, infinity */
	};
	for (size_t i = 0; i < sizeof same / sizeof *same; i++)
		check_font(same[i], same[i]);
	struct text_report r = {0};
	char out[64];
	text_to_font("\xCF\x83 \xE2\x88\x92 \xD0\x96", out, sizeof out, &r);
	assert_int_equal(r.translit, 0);
	assert_true(text_font_has(0x03C3));
	assert_true(text_font_has(0x0416));
	assert_false(text_font_has(0x4E2D));
	assert_true(text_font_has(0x0219));   /* s with comma below (Romanian) */
	assert_true(text_font_has(0x1EC7));   /* e with circumflex and dot (Vietnamese) */
	assert_false(text_font_has(0x0627));  /* Arabic alef */
}

/* text_font_next walks the repertoire as fc-query prints the fonts'
 * charset (the reference string of tests/e2e/31-pdf-scripts.sh, from
 * `fc-query --format '%{charset}' fonts/Lato-Regular.ttf`), and
 * text_font_has agrees with the walk on every code point of the BMP. */
static void test_repertoire_walk(void **state)
{
	static const char charset[] = "20-7e a0-24f 2c6-2c7 2d8-2dd 384-38a 38c 38e-3a1 "
		"3a3-3ce 400-486 488-513 1e00-1e9b 1e9e 1ea0-1ef9 2010 2012-2022 2026 2030 "
		"2032-2033 2039-203a 2044 20ac 2116 2122 2190-2193 2202 2206 2211-2212 "
		"2219-221a 221e 2248 2260 2264-2265 25cf";
	static unsigned char in_walk[0x10000];
	char got[sizeof charset + 64] = "";
	size_t len = 0;
	(void)state;

	memset(in_walk, 0, sizeof in_walk);
	for (uint32_t cp = text_font_next(0x20); cp != 0; ) {
		uint32_t lo = cp, hi = cp;
		in_walk[cp] = 1;
		while ((cp = text_font_next(cp + 1)) == hi + 1)
			in_walk[hi = cp] = 1;
		if (lo == hi)
			len += (size_t)snprintf(got + len, sizeof got - len, "%s%x",
						len ? " " : "", lo);
		else
			len += (size_t)snprintf(got + len, sizeof got - len, "%s%x-%x",
						len ? " " : "", lo, hi);
		assert_true(len < sizeof got);
	}
	assert_string_equal(got, charset);
	for (uint32_t cp = 0; cp <= 0xFFFF; cp++)
		assert_int_equal(text_font_has(cp), in_walk[cp] || cp == '\t' || cp == '\n');
	assert_int_equal(text_font_next(0x25D0), 0);
	assert_int_equal(text_font_next(0), 0x20);
}

/* Stand-ins are typographic only. */
static void test_stand_ins(void **state)
{
	(void)state;
	check_font("1\xC2\xA0" "000", "1 000");                   /* no-break space */
	check_font("1\xE2\x80\x89" "000", "1 000");               /* thin space */
	check_font("1\xE2\x80\xAF" "000", "1 000");               /* narrow no-break */
	check_font("\xEF\xAC\x81" "nance", "finance");            /* fi ligature */
	check_font("co\xC2\xAD" "op", "coop");                    /* soft hyphen */
	check_font("\xCF\x91", "\xCE\xB8");                        /* theta symbol -> theta */
	struct text_report r = {0};
	char out[64];
	text_to_font("1\xE2\x80\x89" "000", out, sizeof out, &r);
	assert_int_equal(r.translit, 1);
}

static void test_unknown_counted(void **state)
{
	(void)state;
	struct text_report r = {0};
	char out[64];
	/* U+4E2D (CJK) and U+1F600 (emoji) have no form: "?" and counted. */
	size_t n = text_to_font("a\xE4\xB8\xAD" "b\xF0\x9F\x98\x80", out, sizeof out, &r);
	assert_string_equal(out, "a?b?");
	assert_int_equal(n, 4);
	assert_int_equal(r.unknown, 2);
	assert_int_equal(r.first_unknown, 0x4E2D);
	/* A letter the fonts lack keeps its form or none: "?" (counted), never
	 * the base letter without its accent: U+1E9C (long s
	 * with stroke), while Romanian and Vietnamese print as they are. */
	memset(&r, 0, sizeof r);
	text_to_font("\xC8\x98" "tef\xC4\x83" "nescu \xE1\xBB\x87 \xE1\xBA\x9C", out, sizeof out, &r);
	assert_string_equal(out, "\xC8\x98" "tef\xC4\x83" "nescu \xE1\xBB\x87 ?");
	assert_int_equal(r.unknown, 1);
	assert_int_equal(r.first_unknown, 0x1E9C);
	/* A control character prints nothing useful: "?" too. */
	memset(&r, 0, sizeof r);
	text_to_font("a\x01" "b", out, sizeof out, &r);
	assert_string_equal(out, "a?b");
	assert_int_equal(r.unknown, 1);
	/* text_first_missing: what the job check warns with */
	uint32_t cp = 1;
	assert_int_equal(text_first_missing("\xCE\x91\xD0\x96", &cp), 0);
	assert_int_equal(cp, 0);
	assert_int_equal(text_first_missing("x\xE4\xB8\xAD\xE4\xB8\xAD", &cp), 2);
	assert_int_equal(cp, 0x4E2D);
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	static const struct {
		const char *in, *out;
		size_t invalid;
	} cases[] = {
		{"a\xC3", "a?", 1},                  /* truncated at the end */
		{"\xFF" "b", "?b", 1},               /* never valid */
		{"\x80", "?", 1},                    /* lone continuation */
		{"\xC0\xAF", "??", 2},               /* overlong "/" */
		{"\xED\xA0\x80", "???", 3},          /* UTF-16 surrogate */
		{"\xF4\x90\x80\x80", "????", 4},     /* past U+10FFFF */
		{"\xE2\x82" "x", "??x", 2},          /* cut sequence mid-string */
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct text_report r = {0};
		char out[32];
		text_to_font(cases[i].in, out, sizeof out, &r);
		assert_string_equal(out, cases[i].out);
		assert_int_equal(r.invalid, cases[i].invalid);
	}
}

static void test_output_limit(void **state)
{
	(void)state;
	struct text_report r = {0};
	char out[8];
	memset(out, 'X', sizeof out);
	size_t n = text_to_font("abcdefghijk", out, 5, &r);
	assert_int_equal(n, 4);
	assert_string_equal(out, "abcd");
	assert_int_equal(out[5], 'X');   /* nothing written past size */
	assert_int_equal(r.truncated, 1);
	/* A character is never split: three 2-byte sigmas fit in 7 bytes. */
	memset(&r, 0, sizeof r);
	n = text_to_font("\xCF\x83\xCF\x83\xCF\x83\xCF\x83", out, 8, &r);
	assert_string_equal(out, "\xCF\x83\xCF\x83\xCF\x83");
	assert_int_equal(n, 6);
	assert_int_equal(r.truncated, 1);
	assert_int_equal(text_to_font("abc", out, 0, &r), 0);
	assert_int_equal(text_to_font(NULL, out, 8, &r), 0);
	assert_string_equal(out, "");
}

static void test_utf16be_text_string(void **state)
{
	(void)state;
	unsigned char out[64];
	/* "Zé σ" by hand: FE FF, then 005A 00E9 0020 03C3 */
	static const unsigned char want[] = {0xFE, 0xFF, 0x00, 0x5A, 0x00, 0xE9,
					     0x00, 0x20, 0x03, 0xC3};
	assert_int_equal(text_to_utf16be("Z\xC3\xA9 \xCF\x83", out, sizeof out), sizeof want);
	assert_memory_equal(out, want, sizeof want);
	/* U+1F600 as a surrogate pair D83D DE00 */
	assert_int_equal(text_to_utf16be("\xF0\x9F\x98\x80", out, sizeof out), 6);
	assert_int_equal(out[2], 0xD8), assert_int_equal(out[3], 0x3D);
	assert_int_equal(out[4], 0xDE), assert_int_equal(out[5], 0x00);
	/* too small, or invalid UTF-8: 0 */
	assert_int_equal(text_to_utf16be("Z\xC3\xA9", out, 5), 0);
	assert_int_equal(text_to_utf16be("\xC3", out, sizeof out), 0);
}

/* A canvas whose every character is 5 points wide, for fitting tests. */
static double mono_width(void *impl, const char *s)
{
	(void)impl;
	double w = 0;
	for (; *s; s++)
		w += ((unsigned char)*s & 0xC0) != 0x80 ? 5.0 : 0.0;
	return w;
}

static struct canvas mono_canvas(void)
{
	static struct canvas_ops ops;
	ops.text_width = mono_width;
	return (struct canvas){&ops, NULL, 100, 100};
}

static void test_ellipsize(void **state)
{
	(void)state;
	struct canvas c = mono_canvas();
	char out[TEXT_MAX];
	assert_false(text_ellipsize(&c, "short", 25, out, sizeof out));
	assert_string_equal(out, "short");
	/* 8 characters fit in 40 pt: 7 of the name and the ellipsis. */
	assert_true(text_ellipsize(&c, "Swiss Bond Index", 40, out, sizeof out));
	assert_string_equal(out, "Swiss B\xE2\x80\xA6");
	/* Trailing spaces before the ellipsis are dropped. */
	assert_true(text_ellipsize(&c, "Swiss  Bond", 40, out, sizeof out));
	assert_string_equal(out, "Swiss\xE2\x80\xA6");
	/* Multi-byte characters are never split. */
	assert_true(text_ellipsize(&c, "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9", 15, out, sizeof out));
	assert_string_equal(out, "\xC3\xA9\xC3\xA9\xE2\x80\xA6");
	assert_true(text_ellipsize(&c, "abc", 3, out, sizeof out));
	assert_string_equal(out, "");
	char name[121];
	memset(name, 'N', 120);
	name[120] = 0;
	assert_true(text_ellipsize(&c, name, 100, out, sizeof out));
	assert_true(mono_width(NULL, out) <= 100);
	assert_int_equal(mono_width(NULL, out), 100);
}

static void test_wrap(void **state)
{
	(void)state;
	struct canvas c = mono_canvas();
	size_t st[8], len[8];
	/* 10 characters per line of 50 pt. */
	const char *t = "The rolling correlation fell sharply\nin 2008.";
	size_t n = text_wrap(&c, t, 50, st, len, 8);
	char line[64];
	assert_true(n >= 4);
	for (size_t i = 0; i < n && i < 8; i++) {
		snprintf(line, sizeof line, "%.*s", (int)len[i], t + st[i]);
		assert_true(mono_width(NULL, line) <= 50);
		assert_true(line[0] != ' ');
	}
	snprintf(line, sizeof line, "%.*s", (int)len[0], t + st[0]);
	assert_string_equal(line, "The");
	snprintf(line, sizeof line, "%.*s", (int)len[1], t + st[1]);
	assert_string_equal(line, "rolling");
	snprintf(line, sizeof line, "%.*s", (int)len[2], t + st[2]);
	assert_string_equal(line, "correlatio");   /* 10 chars: a long word is cut */
	snprintf(line, sizeof line, "%.*s", (int)len[n - 1], t + st[n - 1]);
	assert_string_equal(line, "in 2008.");
	/* Words wrap greedily: "a bb ccc" at 4 chars/line is "a bb" + "ccc". */
	n = text_wrap(&c, "a bb ccc", 20, st, len, 8);
	assert_int_equal(n, 2);
	assert_int_equal(len[0], 4);
	assert_int_equal(st[1], 5);
	assert_int_equal(text_wrap(&c, "", 50, st, len, 8), 0);
	/* More lines than room: the count is still right. */
	assert_int_equal(text_wrap(&c, "a b c d e f", 5, st, len, 2), 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scripts_kept),
		cmocka_unit_test(test_repertoire_walk),
		cmocka_unit_test(test_stand_ins),
		cmocka_unit_test(test_unknown_counted),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_output_limit),
		cmocka_unit_test(test_utf16be_text_string),
		cmocka_unit_test(test_ellipsize),
		cmocka_unit_test(test_wrap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
