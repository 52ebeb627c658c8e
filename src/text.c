/* text.c - UTF-8 to what the shipped fonts draw (and to a PDF text string).
 *
 * Decoding and canonical/compatibility decomposition come from GLib (already
 * a dependency through GMime): g_utf8_get_char_validated rejects overlong
 * forms, surrogates and code points past U+10FFFF, g_unichar_fully_decompose
 * turns "c with acute" into c + combining acute, "fi" ligature into "fi",
 * en space into space. What GLib cannot know is which replacement reads well
 * in a research note (thin spaces, dashes, quotes), so that part is a table
 * written by hand below.
 */
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "log.h"
#include "text.h"

/* Longest replacement of one character, with room for its NUL. */
#define TEXT_CHAR_MAX 16

/* What the shipped fonts draw: the character set of fonts/Lato-Regular.ttf
 * and fonts/Lato-Bold.ttf (both the same), as `fc-query --format
 * '%{charset}'` prints it: Basic Latin, Latin-1, Latin Extended-A and -B,
 * Latin Extended Additional, Greek, Cyrillic with its supplement, and some
 * punctuation and maths (scripts/subset-fonts.sh makes the fonts). tests/e2e/31-pdf-scripts.sh
 * compares this table with the fonts, so a new font cannot drift from it. */
static const uint32_t font_ranges[][2] = {
	{0x0020, 0x007E}, {0x00A0, 0x024F},
	{0x02C6, 0x02C7}, {0x02D8, 0x02DD}, {0x0384, 0x038A},
	{0x038C, 0x038C}, {0x038E, 0x03A1}, {0x03A3, 0x03CE},
	{0x0400, 0x0486}, {0x0488, 0x0513}, {0x1E00, 0x1E9B},
	{0x1E9E, 0x1E9E}, {0x1EA0, 0x1EF9}, {0x2010, 0x2010},
	{0x2012, 0x2022}, {0x2026, 0x2026}, {0x2030, 0x2030},
	{0x2032, 0x2033}, {0x2039, 0x203A}, {0x2044, 0x2044},
	{0x20AC, 0x20AC}, {0x2116, 0x2116}, {0x2122, 0x2122},
	{0x2190, 0x2193}, {0x2202, 0x2202}, {0x2206, 0x2206},
	{0x2211, 0x2212}, {0x2219, 0x221A}, {0x221E, 0x221E},
	{0x2248, 0x2248}, {0x2260, 0x2260}, {0x2264, 0x2265},
	{0x25CF, 0x25CF},
};

/* The range of font_ranges holding cp, or -1: a binary search (the ranges
 * are ascending and disjoint; test_text checks it), since a PDF's font
 * finishing asks about every code point of the repertoire. */
static long font_range_of(uint32_t cp)
{
	size_t lo = 0, hi = G_N_ELEMENTS(font_ranges);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cp < font_ranges[mid][0])
			hi = mid;
		else if (cp > font_ranges[mid][1])
			lo = mid + 1;
		else
			return (long)mid;
	}
	return -1;
}

bool text_font_has(uint32_t cp)
{
	if (cp >= 0x20 && cp <= 0x7E)
		return true;
	if (cp == '\t' || cp == '\n')
		return true;
	return font_range_of(cp) >= 0;
}

uint32_t text_font_next(uint32_t cp)
{
	if (font_range_of(cp) >= 0)
		return cp;
	for (size_t i = 0; i < G_N_ELEMENTS(font_ranges); i++)
		if (font_ranges[i][0] > cp)
			return font_ranges[i][0];
	return 0;
}

/* Replacements for characters the fonts lack (or that print badly, like the
 * soft hyphen): typographic variants only (spaces, dashes, quotes, a letter
 * form the font has in another code point), never a letter's name. */
struct translit {
	uint32_t cp;
	const char *to;
};

static const struct translit translits[] = {
	{0x00A0, " "}, {0x00AD, ""},
	{0x0110, "D"}, {0x0111, "d"}, {0x0126, "H"}, {0x0127, "h"},
	{0x0131, "i"}, {0x0132, "IJ"}, {0x0133, "ij"}, {0x0138, "k"},
	{0x013F, "L"}, {0x0140, "l"}, {0x0141, "L"}, {0x0142, "l"},
	{0x0149, "'n"}, {0x014A, "N"}, {0x014B, "n"}, {0x0166, "T"},
	{0x0167, "t"}, {0x017F, "s"}, {0x0180, "b"}, {0x0197, "I"},
	{0x01B5, "Z"}, {0x01B6, "z"}, {0x0237, "j"}, {0x0251, "a"},
	{0x02B9, "'"}, {0x02BA, "\""}, {0x02BB, "'"}, {0x02BC, "'"},
	{0x02C7, "^"}, {0x02C8, "'"}, {0x02CB, "`"}, {0x02D8, "~"},
	{0x02D9, "."}, {0x02DA, "°"}, {0x02DB, ","}, {0x02DD, "\""},
	{0x03D1, "\xCE\xB8"}, {0x03D5, "\xCF\x86"}, {0x03F5, "\xCE\xB5"},
	{0x2010, "-"}, {0x2011, "-"}, {0x2012, "–"}, {0x2015, "—"},
	{0x2016, "||"}, {0x201B, "'"}, {0x201F, "\""}, {0x2027, "·"},
	{0x2032, "'"}, {0x2033, "\""}, {0x2035, "`"}, {0x2043, "-"},
	{0x2044, "/"}, {0x2052, "%"}, {0x2060, ""}, {0x2190, "<-"},
	{0x2191, "^"}, {0x2192, "->"}, {0x2193, "v"}, {0x2194, "<->"},
	{0x21D0, "<="}, {0x21D2, "=>"}, {0x21D4, "<=>"},
	{0x2212, "-"}, {0x2213, "-/+"},
	{0x2215, "/"}, {0x2217, "*"}, {0x2218, "°"}, {0x2219, "·"},
	{0x221D, "~"},
	{0x2223, "|"}, {0x2248, "~"}, {0x2260, "!="}, {0x2261, "=="},
	{0x2264, "<="}, {0x2265, ">="}, {0x226A, "<<"}, {0x226B, ">>"},
	{0x22C5, "·"}, {0x2500, "-"}, {0x2502, "|"},
	{0x25A0, "#"}, {0x25AA, "·"}, {0x25B2, "^"}, {0x25BC, "v"},
	{0x25CF, "•"}, {0x25E6, "o"}, {0x2713, "v"}, {0x2717, "x"},
	{0x20A3, "F"}, {0x20A4, "£"}, {0x20A8, "Rs"},
	{0x20A9, "W"}, {0x20AA, "NIS"}, {0x20AB, "d"}, {0x20B9, "Rs"},
	{0x20BD, "RUB"}, {0x20BF, "BTC"}, {0x2116, "No."}, {0x2117, "(P)"},
	{0xFEFF, ""}, {0xFFFD, "?"},
};

/* Linear scan: the tables are short and lookups are per non-ASCII char, so
 * a scan keeps the tables free of a sortedness invariant to maintain. */
static const char *table_find(const struct translit *t, size_t n, uint32_t cp)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].cp == cp)
			return t[i].to;
	return NULL;
}

static bool is_mark(uint32_t cp)
{
	return g_unichar_combining_class(cp) != 0 ||
	       g_unichar_type(cp) == G_UNICODE_NON_SPACING_MARK ||
	       g_unichar_type(cp) == G_UNICODE_ENCLOSING_MARK;
}

static int map_char(uint32_t cp, char *out, int depth);

/* Append the mapping of every character of UTF-8 `s` (from a table, so
 * valid) to out; false when one has no mapping or out would overflow. */
static bool map_string(const char *s, char *out, int depth)
{
	size_t len = strlen(out);
	for (const char *p = s; *p; p = g_utf8_next_char(p)) {
		char one[TEXT_CHAR_MAX];
		int n = map_char(g_utf8_get_char(p), one, depth + 1);
		if (n < 0 || len + (size_t)n >= TEXT_CHAR_MAX)
			return false;
		memcpy(out + len, one, (size_t)n);
		len += (size_t)n;
		out[len] = '\0';
	}
	return true;
}

/* Decompose `cp` (compatibility decomposition) and map what is left; false
 * when nothing or something unmappable is left. A letter keeps its accent
 * or becomes the placeholder, so no name silently loses a letter's form. */
static bool map_decomposed(uint32_t cp, char *out, int depth)
{
	gunichar parts[G_UNICHAR_MAX_DECOMPOSITION_LENGTH];
	gsize n = g_unichar_fully_decompose(cp, TRUE, parts,
					    G_UNICHAR_MAX_DECOMPOSITION_LENGTH);
	if (n == 1 && parts[0] == cp)
		return false;
	size_t len = 0;
	out[0] = '\0';
	for (gsize i = 0; i < n; i++) {
		if (is_mark(parts[i]))
			return false;
		char one[TEXT_CHAR_MAX];
		int k = map_char(parts[i], one, depth + 1);
		if (k < 0 || len + (size_t)k >= TEXT_CHAR_MAX)
			return false;
		memcpy(out + len, one, (size_t)k);
		len += (size_t)k;
		out[len] = '\0';
	}
	return len > 0;
}

/* Write the target bytes of `cp` into out (TEXT_CHAR_MAX); returns their
 * count (0 for a deliberate deletion) or -1 when there is no mapping.
 * depth stops a table loop from recursing for ever. */
static int map_char(uint32_t cp, char *out, int depth)
{
	const char *to;
	out[0] = '\0';
	if (depth > 3)
		return -1;
	if (cp != 0xA0 && cp != 0xAD && text_font_has(cp)) {
		int n = g_unichar_to_utf8(cp, out);
		out[n] = '\0';
		return n;
	}
	to = table_find(translits, G_N_ELEMENTS(translits), cp);
	if (to != NULL)
		return map_string(to, out, depth) ? (int)strlen(out) : -1;
	if (map_decomposed(cp, out, depth))
		return (int)strlen(out);
	return -1;
}

/* Output being written: always NUL-terminated, never past size. */
struct sink {
	char *out;
	size_t size, len;
	bool full;
};

static void sink_put(struct sink *k, const char *bytes, size_t n)
{
	if (k->full || k->size == 0 || k->len + n >= k->size) {
		k->full = true;
		return;
	}
	memcpy(k->out + k->len, bytes, n);
	k->len += n;
	k->out[k->len] = '\0';
}

static void report_warn(const char *utf8, const struct text_report *r)
{
	/* Quote a bounded part of the string: it may be a whole paragraph. */
	if (r->unknown > 0)
		log_warn("text: U+%04X in \"%.60s\" has no printable form; printed as \"?\"",
			 (unsigned)r->first_unknown, utf8);
	if (r->invalid > 0)
		log_warn("text: \"%.60s\" is not valid UTF-8; %zu byte(s) printed as \"?\"",
			 utf8, r->invalid);
	if (r->truncated > 0)
		log_warn("text: \"%.60s\" is too long; cut", utf8);
}

size_t text_to_font(const char *utf8, char *out, size_t size,
		    struct text_report *rep)
{
	struct text_report local = {0};
	struct text_report *r = rep != NULL ? rep : &local;
	struct sink k = {out, size, 0, false};
	if (size > 0)
		out[0] = '\0';
	const char *p = utf8 != NULL ? utf8 : "";
	while (*p != '\0' && !k.full) {
		/* printable ASCII is kept as it is (map_char would say so) */
		if ((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7F) {
			sink_put(&k, p, 1);
			if (!k.full)
				p++;
			continue;
		}
		gssize left = (gssize)strnlen(p, 4);
		gunichar cp = g_utf8_get_char_validated(p, left);
		if (cp == (gunichar)-1 || cp == (gunichar)-2) {
			r->invalid++;
			sink_put(&k, "?", 1);
			p++;
			continue;
		}
		char buf[TEXT_CHAR_MAX];
		int n = map_char(cp, buf, 0);
		if (n < 0) {
			if (r->unknown++ == 0 && r->first_unknown == 0)
				r->first_unknown = cp;
			sink_put(&k, "?", 1);
		} else {
			size_t in_len = (size_t)(g_utf8_next_char(p) - p);
			if ((size_t)n != in_len || memcmp(buf, p, in_len) != 0)
				r->translit++;
			sink_put(&k, buf, (size_t)n);
		}
		if (!k.full)
			p = g_utf8_next_char(p);
	}
	if (k.full)
		r->truncated++;
	if (rep == NULL)
		report_warn(utf8 != NULL ? utf8 : "", r);
	return k.len;
}


size_t text_to_utf16be(const char *utf8, unsigned char *out, size_t size)
{
	glong n = 0;
	gunichar2 *u = g_utf8_to_utf16(utf8, -1, NULL, &n, NULL);
	size_t len = 2 + 2 * (size_t)n;

	if (u == NULL || len > size) {
		g_free(u);
		return 0;
	}
	out[0] = 0xFE, out[1] = 0xFF;
	for (glong i = 0; i < n; i++)
		out[2 + 2 * i] = (unsigned char)(u[i] >> 8), out[3 + 2 * i] = (unsigned char)(u[i] & 0xFF);
	g_free(u);
	return len;
}

size_t text_first_missing(const char *utf8, uint32_t *cp)
{
	char out[TEXT_MAX];
	struct text_report r = {0};
	text_to_font(utf8, out, sizeof out, &r);
	*cp = r.first_unknown;
	return r.unknown + r.invalid;
}

bool text_warn_missing(const char *where, const char *field, const char *utf8)
{
	uint32_t cp = 0;
	size_t n = text_first_missing(utf8, &cp);
	if (n == 0)
		return false;
	if (cp != 0)
		log_warn("%s: %s \"%.60s\": U+%04X%s is in none of the shipped fonts "
			 "(fonts/Lato-*.ttf); PDFs and charts print it as \"?\"",
			 where, field, utf8, (unsigned)cp, n > 1 ? " (and others)" : "");
	else
		log_warn("%s: %s is not valid UTF-8; PDFs and charts print the bad "
			 "bytes as \"?\"", where, field);
	return true;
}

/* ---- fitting text to a width ------------------------------------------ */

static double measure(struct canvas *c, const char *s)
{
	return c->ops->text_width(c->impl, s);
}

/* Copy the first n bytes of s into out (size >= 1), NUL-terminated, cut at
 * a character boundary when out is smaller. */
static void copy_prefix(const char *s, size_t n, char *out, size_t size)
{
	if (n >= size)
		n = size - 1;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	memcpy(out, s, n);
	out[n] = '\0';
}

bool text_ellipsize(struct canvas *c, const char *utf8, double max_w,
		    char *out, size_t size)
{
	static const char ellipsis[] = "\xE2\x80\xA6";
	char buf[TEXT_MAX];
	if (size == 0)
		return true;
	utf8 = utf8 != NULL ? utf8 : "";
	copy_prefix(utf8, strlen(utf8), buf, sizeof buf);
	if (strlen(buf) == strlen(utf8) && measure(c, buf) <= max_w) {
		copy_prefix(buf, strlen(buf), out, size);
		return strlen(out) < strlen(utf8);
	}
	/* Widths grow with the prefix, so bisect over character boundaries. */
	size_t lo = 0, hi = strlen(buf);
	while (lo < hi) {
		size_t mid = (lo + hi + 1) / 2;
		while (mid > lo && ((unsigned char)buf[mid] & 0xC0) == 0x80)
			mid--;
		if (mid == lo) {
			mid = lo + 1;
			while (mid < hi && ((unsigned char)buf[mid] & 0xC0) == 0x80)
				mid++;
		}
		char t[TEXT_MAX + sizeof ellipsis];
		memcpy(t, buf, mid);
		memcpy(t + mid, ellipsis, sizeof ellipsis);
		if (measure(c, t) <= max_w)
			lo = mid;
		else
			hi = mid - 1;
		while (hi > lo && ((unsigned char)buf[hi] & 0xC0) == 0x80)
			hi--;
	}
	while (lo > 0 && buf[lo - 1] == ' ')
		lo--;
	buf[lo] = '\0';
	if (lo == 0 && measure(c, ellipsis) > max_w) {
		out[0] = '\0';
		return true;
	}
	char t[TEXT_MAX + sizeof ellipsis];
	memcpy(t, buf, lo);
	memcpy(t + lo, ellipsis, sizeof ellipsis);
	copy_prefix(t, strlen(t), out, size);
	return true;
}

/* Width of bytes [s, s+n) of a string. */
static double measure_span(struct canvas *c, const char *s, size_t n)
{
	char buf[TEXT_MAX];
	copy_prefix(s, n, buf, sizeof buf);
	return measure(c, buf);
}

/* The character after p, never past end: g_utf8_next_char trusts the lead
 * byte, so in invalid UTF-8 it can jump over the string's NUL. */
static const char *next_char(const char *p, const char *end)
{
	const char *q = g_utf8_next_char(p);
	return q > end ? end : q;
}

/* Longest prefix of [s, s+n) (at least one character) that fits max_w. */
static size_t fit_chars(struct canvas *c, const char *s, size_t n, double max_w)
{
	size_t best = (size_t)(next_char(s, s + n) - s);
	const char *p = s + best;
	while ((size_t)(p - s) < n) {
		const char *q = next_char(p, s + n);
		if (measure_span(c, s, (size_t)(q - s)) > max_w)
			break;
		best = (size_t)(q - s);
		p = q;
	}
	return best > n ? n : best;
}

size_t text_wrap(struct canvas *c, const char *utf8, double max_w,
		 size_t *start, size_t *len, size_t max_lines)
{
	size_t lines = 0, total = utf8 != NULL ? strlen(utf8) : 0;
	size_t pos = 0;
	while (pos < total) {
		size_t end = pos, brk = 0;
		bool have_brk = false;
		/* Extend the line word by word while it fits. */
		for (;;) {
			size_t w = end;
			while (w < total && utf8[w] == ' ')
				w++;
			while (w < total && utf8[w] != ' ' && utf8[w] != '\n')
				w++;
			if (measure_span(c, utf8 + pos, w - pos) > max_w)
				break;
			end = w;
			have_brk = true;
			brk = end;
			if (end >= total || utf8[end] == '\n')
				break;
		}
		if (!have_brk)
			brk = pos + fit_chars(c, utf8 + pos, total - pos, max_w);
		if (lines < max_lines) {
			start[lines] = pos;
			len[lines] = brk - pos;
		}
		lines++;
		pos = brk;
		if (pos < total && (utf8[pos] == '\n' || utf8[pos] == ' '))
			pos++;
		while (have_brk && pos < total && utf8[pos] == ' ')
			pos++;
	}
	return lines;
}
