/* test_text.c - the text layer: CP1252 where it maps, transliteration where
 * it does not, "?" counted for the rest, invalid UTF-8, cuts, the way back,
 * ASCII for document info, and fitting text to a width.
 * Expected bytes come from the Windows-1252 code chart (Microsoft's
 * bestfit1252.txt / the WHATWG encoding index), written out by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "text.h"

static void check_cp(const char *in, const char *want)
{
	char out[256];
	struct text_report r = {0};
	text_to_cp1252(in, out, sizeof out, &r);
	if (strcmp(out, want) != 0)
		print_error("\"%s\" -> \"%s\", want \"%s\"\n", in, out, want);
	assert_string_equal(out, want);
	assert_int_equal(r.unknown, 0);
	assert_int_equal(r.invalid, 0);
}

static void test_ascii_and_cp1252(void **state)
{
	(void)state;
	check_cp("SBI vs SPI: 0.54 (n=90)", "SBI vs SPI: 0.54 (n=90)");
	check_cp("Z\xC3\xBCrich", "Z\xFCrich");               /* u-umlaut = 0xFC */
	check_cp("\xE2\x82\xAC" "5", "\x80" "5");              /* euro = 0x80 */
	check_cp("a\xE2\x80\xA6", "a\x85");                    /* ellipsis = 0x85 */
	check_cp("\xE2\x80\x94", "\x97");                      /* em dash = 0x97 */
	check_cp("\xE2\x80\x9C" "q" "\xE2\x80\x9D", "\x93q\x94");
	check_cp("\xC5\x92\xC5\xBE\xC5\xB8", "\x8C\x9E\x9F");   /* OE z-caron Y-diaeresis */
	check_cp("r\xC2\xB2", "r\xB2");
}

static void test_transliteration(void **state)
{
	(void)state;
	check_cp("\xCF\x83", "sigma");                          /* U+03C3 */
	check_cp("\xCE\xA3", "Sigma");
	check_cp("\xCE\xB2 \xCF\x81", "beta rho");
	check_cp("\xE2\x88\x92" "0.5", "-0.5");                 /* U+2212 minus */
	check_cp("p \xE2\x89\xA4 0.05", "p <= 0.05");           /* U+2264 */
	check_cp("|r| \xE2\x89\xA5 0.8", "|r| >= 0.8");         /* U+2265 */
	check_cp("1\xC2\xA0" "000", "1 000");                   /* no-break space */
	check_cp("1\xE2\x80\x89" "000", "1 000");               /* thin space */
	check_cp("1\xE2\x80\xAF" "000", "1 000");               /* narrow no-break */
	check_cp("Kra\xC4\x87" "\xC3\xB3w", "Krac\xF3w");      /* c-acute, o-acute kept */
	check_cp("\xC5\x81\xC3\xB3" "d\xC5\xBA", "L\xF3" "dz"); /* L-stroke, z-acute */
	check_cp("\xC8\x98" "tef\xC4\x83" "nescu", "Stefanescu"); /* S-comma, a-breve */
	check_cp("\xEF\xAC\x81" "nance", "finance");            /* fi ligature */
	check_cp("\xE2\x86\x92", "->");
	check_cp("co\xC2\xAD" "op", "coop");                    /* soft hyphen */
	check_cp("\xE1\xBB\x87", "e");                          /* Vietnamese e */

	struct text_report r = {0};
	char out[64];
	text_to_cp1252("\xCF\x83 \xE2\x88\x92 x", out, sizeof out, &r);
	assert_int_equal(r.translit, 2);
}

static void test_unknown_counted(void **state)
{
	(void)state;
	struct text_report r = {0};
	char out[64];
	/* U+4E2D (CJK) and U+1F600 (emoji) have no form: "?" and counted. */
	size_t n = text_to_cp1252("a\xE4\xB8\xAD" "b\xF0\x9F\x98\x80", out, sizeof out, &r);
	assert_string_equal(out, "a?b?");
	assert_int_equal(n, 4);
	assert_int_equal(r.unknown, 2);
	assert_int_equal(r.first_unknown, 0x4E2D);
	/* A control character prints nothing useful: "?" too. */
	memset(&r, 0, sizeof r);
	text_to_cp1252("a\x01" "b", out, sizeof out, &r);
	assert_string_equal(out, "a?b");
	assert_int_equal(r.unknown, 1);
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
		text_to_cp1252(cases[i].in, out, sizeof out, &r);
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
	size_t n = text_to_cp1252("abcdefghijk", out, 5, &r);
	assert_int_equal(n, 4);
	assert_string_equal(out, "abcd");
	assert_int_equal(out[5], 'X');   /* nothing written past size */
	assert_int_equal(r.truncated, 1);
	/* A transliteration is never split: "sigma" fits, the second not. */
	memset(&r, 0, sizeof r);
	n = text_to_cp1252("\xCF\x83\xCF\x83", out, 8, &r);
	assert_string_equal(out, "sigma");
	assert_int_equal(r.truncated, 1);
	assert_int_equal(text_to_cp1252("abc", out, 0, &r), 0);
	assert_int_equal(text_to_cp1252(NULL, out, 8, &r), 0);
	assert_string_equal(out, "");
}

/* The way back: every defined CP1252 byte to its code point (from the code
 * chart) and round trip to the same byte. */
static void test_cp1252_round_trip(void **state)
{
	(void)state;
	char out[16];
	text_cp1252_to_utf8("\x80", out, sizeof out);
	assert_string_equal(out, "\xE2\x82\xAC");            /* U+20AC */
	text_cp1252_to_utf8("\x9F", out, sizeof out);
	assert_string_equal(out, "\xC5\xB8");                /* U+0178 */
	text_cp1252_to_utf8("\x8C", out, sizeof out);
	assert_string_equal(out, "\xC5\x92");                /* U+0152 */
	text_cp1252_to_utf8("\xE9", out, sizeof out);
	assert_string_equal(out, "\xC3\xA9");                /* U+00E9 */
	text_cp1252_to_utf8("\x81\x8D\x8F\x90\x9D", out, sizeof out);
	assert_string_equal(out, "?????");                   /* undefined bytes */
	for (int b = 0x20; b <= 0xFF; b++) {
		if (b == 0x7F || b == 0x81 || b == 0x8D || b == 0x8F || b == 0x90 ||
		    b == 0x9D || b == 0xA0 || b == 0xAD)
			continue;   /* no glyph, or deliberately replaced (space, soft hyphen) */
		char in[2] = {(char)b, 0}, u[8], back[8];
		struct text_report r = {0};
		text_cp1252_to_utf8(in, u, sizeof u);
		text_to_cp1252(u, back, sizeof back, &r);
		assert_int_equal((unsigned char)back[0], b);
		assert_int_equal(back[1], 0);
	}
	/* text_normalize is what the PNG backend draws. */
	text_normalize("\xCF\x83 \xE2\x82\xAC", out, sizeof out, NULL);
	assert_string_equal(out, "sigma \xE2\x82\xAC");
}

static void test_ascii_for_document_info(void **state)
{
	(void)state;
	char out[128];
	struct text_report r = {0};
	text_to_ascii("Z\xC3\xBCrich \xE2\x80\x93 \xE2\x82\xAC" "5 \xE2\x89\xA5 \xCF\x83", out,
		      sizeof out, &r);
	assert_string_equal(out, "Zurich - EUR5 >= sigma");
	text_to_ascii("Stra\xC3\x9F" "e \xC3\x86" "gir \xE2\x80\x9Cq\xE2\x80\x9D \xE2\x80\xA6",
		      out, sizeof out, &r);
	assert_string_equal(out, "Strasse AEgir \"q\" ...");
	assert_int_equal(r.unknown, 0);
	text_to_ascii("\xE4\xB8\xAD", out, sizeof out, &r);
	assert_string_equal(out, "?");
	assert_int_equal(r.unknown, 1);
	for (const unsigned char *p = (const unsigned char *)out; *p; p++)
		assert_true(*p >= 0x20 && *p < 0x7F);
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
		cmocka_unit_test(test_ascii_and_cp1252),
		cmocka_unit_test(test_transliteration),
		cmocka_unit_test(test_unknown_counted),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_output_limit),
		cmocka_unit_test(test_cp1252_round_trip),
		cmocka_unit_test(test_ascii_for_document_info),
		cmocka_unit_test(test_ellipsize),
		cmocka_unit_test(test_wrap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
