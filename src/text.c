/* text.c - UTF-8 to what the shipped fonts draw (and to ASCII).
 *
 * Decoding and canonical/compatibility decomposition come from GLib (already
 * a dependency through GMime): g_utf8_get_char_validated rejects overlong
 * forms, surrogates and code points past U+10FFFF, g_unichar_fully_decompose
 * turns "c with acute" into c + combining acute, "fi" ligature into "fi",
 * en space into space. What GLib cannot know is which replacement reads well
 * in a research note (thin spaces, dashes, quotes; for the ASCII of document
 * info also sigma -> "sigma" and letters with a stroke), so that part is a
 * table written by hand below.
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

bool text_font_has(uint32_t cp)
{
	if (cp == '\t' || cp == '\n')
		return true;
	for (size_t i = 0; i < G_N_ELEMENTS(font_ranges); i++)
		if (cp >= font_ranges[i][0] && cp <= font_ranges[i][1])
			return true;
	return false;
}

/* Replacements for characters the fonts lack (or that print badly, like the
 * soft hyphen): typographic variants only (spaces, dashes, quotes, a letter
 * form the font has in another code point), never a letter's name. The
 * Greek names below are reached only for document info, which is ASCII
 * (text_to_ascii): the page itself prints Greek letters as they are. */
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
	{0x0391, "Alpha"}, {0x0392, "Beta"}, {0x0393, "Gamma"},
	{0x0394, "Delta"}, {0x0395, "Epsilon"}, {0x0396, "Zeta"},
	{0x0397, "Eta"}, {0x0398, "Theta"}, {0x0399, "Iota"},
	{0x039A, "Kappa"}, {0x039B, "Lambda"}, {0x039C, "Mu"},
	{0x039D, "Nu"}, {0x039E, "Xi"}, {0x039F, "Omicron"}, {0x03A0, "Pi"},
	{0x03A1, "Rho"}, {0x03A3, "Sigma"}, {0x03A4, "Tau"},
	{0x03A5, "Upsilon"}, {0x03A6, "Phi"}, {0x03A7, "Chi"},
	{0x03A8, "Psi"}, {0x03A9, "Omega"},
	{0x03B1, "alpha"}, {0x03B2, "beta"}, {0x03B3, "gamma"},
	{0x03B4, "delta"}, {0x03B5, "epsilon"}, {0x03B6, "zeta"},
	{0x03B7, "eta"}, {0x03B8, "theta"}, {0x03B9, "iota"},
	{0x03BA, "kappa"}, {0x03BB, "lambda"}, {0x03BC, "mu"},
	{0x03BD, "nu"}, {0x03BE, "xi"}, {0x03BF, "omicron"}, {0x03C0, "pi"},
	{0x03C1, "rho"}, {0x03C2, "sigma"}, {0x03C3, "sigma"},
	{0x03C4, "tau"}, {0x03C5, "upsilon"}, {0x03C6, "phi"},
	{0x03C7, "chi"}, {0x03C8, "psi"}, {0x03C9, "omega"},
	{0x03D1, "\xCE\xB8"}, {0x03D5, "\xCF\x86"}, {0x03F5, "\xCE\xB5"},
	{0x2010, "-"}, {0x2011, "-"}, {0x2012, "–"}, {0x2015, "—"},
	{0x2016, "||"}, {0x201B, "'"}, {0x201F, "\""}, {0x2027, "·"},
	{0x2032, "'"}, {0x2033, "\""}, {0x2035, "`"}, {0x2043, "-"},
	{0x2044, "/"}, {0x2052, "%"}, {0x2060, ""}, {0x2190, "<-"},
	{0x2191, "^"}, {0x2192, "->"}, {0x2193, "v"}, {0x2194, "<->"},
	{0x21D0, "<="}, {0x21D2, "=>"}, {0x21D4, "<=>"}, {0x2206, "Delta"},
	{0x2211, "Sum"}, {0x2212, "-"}, {0x2213, "-/+"},
	{0x2215, "/"}, {0x2217, "*"}, {0x2218, "°"}, {0x2219, "·"},
	{0x221A, "sqrt"}, {0x221D, "~"}, {0x221E, "infinity"},
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

/* Characters of CP1252 mapped further for the ASCII of document info. */
static const struct translit ascii_extra[] = {
	{0x00A1, "!"}, {0x00A2, "c"}, {0x00A3, "GBP"}, {0x00A4, "?"},
	{0x00A5, "JPY"}, {0x00A6, "|"}, {0x00A7, "S"}, {0x00A8, "\""},
	{0x00A9, "(c)"}, {0x00AB, "<<"}, {0x00AC, "not"}, {0x00AE, "(R)"},
	{0x00AF, "-"}, {0x00B0, " deg"}, {0x00B1, "+/-"}, {0x00B4, "'"},
	{0x00B5, "u"}, {0x00B6, "P"}, {0x00B7, "."}, {0x00B8, ","},
	{0x00BB, ">>"}, {0x00BC, "1/4"}, {0x00BD, "1/2"}, {0x00BE, "3/4"},
	{0x00BF, "?"}, {0x00C6, "AE"}, {0x00D0, "D"}, {0x00D7, "x"},
	{0x00D8, "O"}, {0x00DE, "Th"}, {0x00DF, "ss"}, {0x00E6, "ae"},
	{0x00F0, "d"}, {0x00F7, "/"}, {0x00F8, "o"}, {0x00FE, "th"},
	{0x0152, "OE"}, {0x0153, "oe"}, {0x0192, "f"}, {0x02C6, "^"},
	{0x02DC, "~"}, {0x2013, "-"}, {0x2014, "-"}, {0x2018, "'"},
	{0x2019, "'"}, {0x201A, "'"}, {0x201C, "\""}, {0x201D, "\""},
	{0x201E, "\""}, {0x2020, "+"}, {0x2021, "++"}, {0x2022, "*"},
	{0x2026, "..."}, {0x2030, " per mille"}, {0x2039, "<"},
	{0x203A, ">"}, {0x20AC, "EUR"}, {0x2122, "TM"},
};

enum target { TO_FONT, TO_ASCII };

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

static int map_char(uint32_t cp, enum target t, char *out, int depth);

/* Append the mapping of every character of UTF-8 `s` (from a table, so
 * valid) to out; false when one has no mapping or out would overflow. */
static bool map_string(const char *s, enum target t, char *out, int depth)
{
	size_t len = strlen(out);
	for (const char *p = s; *p; p = g_utf8_next_char(p)) {
		char one[TEXT_CHAR_MAX];
		int n = map_char(g_utf8_get_char(p), t, one, depth + 1);
		if (n < 0 || len + (size_t)n >= TEXT_CHAR_MAX)
			return false;
		memcpy(out + len, one, (size_t)n);
		len += (size_t)n;
		out[len] = '\0';
	}
	return true;
}

/* Decompose `cp` (compatibility decomposition) and map what is left; false
 * when nothing or something unmappable is left. For document info (ASCII)
 * accents are dropped (c-acute -> c); on the page a letter keeps its accent
 * or becomes the placeholder, so no name silently loses a letter's form. */
static bool map_decomposed(uint32_t cp, enum target t, char *out, int depth)
{
	gunichar parts[G_UNICHAR_MAX_DECOMPOSITION_LENGTH];
	gsize n = g_unichar_fully_decompose(cp, TRUE, parts,
					    G_UNICHAR_MAX_DECOMPOSITION_LENGTH);
	if (n == 1 && parts[0] == cp)
		return false;
	size_t len = 0;
	out[0] = '\0';
	for (gsize i = 0; i < n; i++) {
		if (is_mark(parts[i])) {
			if (t == TO_FONT)
				return false;
			continue;
		}
		char one[TEXT_CHAR_MAX];
		int k = map_char(parts[i], t, one, depth + 1);
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
static int map_char(uint32_t cp, enum target t, char *out, int depth)
{
	const char *to;
	out[0] = '\0';
	if (depth > 3)
		return -1;
	/* Document info is printable ASCII: a control character has no form
	 * there (tab and line ends read as a space). */
	if (t == TO_ASCII && (cp < 0x20 || cp == 0x7F)) {
		if (cp != '\t' && cp != '\n' && cp != '\r')
			return -1;
		out[0] = ' ';
		out[1] = '\0';
		return 1;
	}
	if (cp != 0xA0 && cp != 0xAD &&
	    (t == TO_FONT ? text_font_has(cp) : cp >= 0x20 && cp < 0x7F))
	{
		int n = g_unichar_to_utf8(cp, out);
		out[n] = '\0';
		return n;
	}
	if (t == TO_ASCII &&
	    (to = table_find(ascii_extra, G_N_ELEMENTS(ascii_extra), cp)))
		return map_string(to, t, out, depth) ? (int)strlen(out) : -1;
	to = table_find(translits, G_N_ELEMENTS(translits), cp);
	if (to != NULL)
		return map_string(to, t, out, depth) ? (int)strlen(out) : -1;
	if (map_decomposed(cp, t, out, depth))
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

static size_t convert(const char *utf8, char *out, size_t size,
		      struct text_report *rep, enum target t)
{
	struct text_report local = {0};
	struct text_report *r = rep != NULL ? rep : &local;
	struct sink k = {out, size, 0, false};
	if (size > 0)
		out[0] = '\0';
	const char *p = utf8 != NULL ? utf8 : "";
	while (*p != '\0' && !k.full) {
		gssize left = (gssize)strnlen(p, 4);
		gunichar cp = g_utf8_get_char_validated(p, left);
		if (cp == (gunichar)-1 || cp == (gunichar)-2) {
			r->invalid++;
			sink_put(&k, "?", 1);
			p++;
			continue;
		}
		char buf[TEXT_CHAR_MAX];
		int n = map_char(cp, t, buf, 0);
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

size_t text_to_font(const char *utf8, char *out, size_t size,
		    struct text_report *rep)
{
	return convert(utf8, out, size, rep, TO_FONT);
}

size_t text_to_ascii(const char *utf8, char *out, size_t size,
		     struct text_report *rep)
{
	return convert(utf8, out, size, rep, TO_ASCII);
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
