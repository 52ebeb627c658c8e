/* text.h - the text layer: what a string becomes before a font draws it.
 *
 * Charts and PDFs print text in one 8-bit encoding, Windows-1252 (CP1252),
 * because libharu 2.3.0 only makes PDF/A-valid text with WinAnsiEncoding and
 * an embedded TrueType font. Every string drawn goes through here:
 *
 *   UTF-8 --text_to_cp1252--> CP1252   (the PDF backend shows these bytes)
 *   CP1252 --text_cp1252_to_utf8--> UTF-8  (the cairo backend shows these, so
 *                                          a PNG prints exactly the PDF's text)
 *   UTF-8 --text_to_ascii--> ASCII     (PDF document info: title, author, ...)
 *
 * A character that CP1252 has is kept. Others are transliterated from a table:
 * U+2212 minus -> "-", sigma -> "sigma" (Greek letters by name), <= and >=,
 * no-break/thin/figure spaces -> " ", accented Latin letters outside CP1252
 * -> their base letter (c-acute -> c), ligatures, arrows, etc. Anything else
 * becomes "?" and is counted in the text_report (and, when no report is
 * given, logged as a warning), so no character is ever dropped silently.
 * Invalid UTF-8 (stray continuation bytes, overlong forms, surrogates, code
 * points past U+10FFFF, truncated sequences) becomes one "?" per bad byte,
 * counted as invalid. The output is always NUL-terminated and cut at a
 * character boundary when it does not fit; a cut is reported too.
 *
 * All functions are pure (no global state) and thread-safe.
 */
#ifndef CONVEX_TEXT_H
#define CONVEX_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "canvas.h"

/* Longest string, in output bytes plus NUL, that one canvas text call
 * converts; longer text is cut (and reported). Chart labels and table cells
 * are far below this; a paragraph is wrapped (text_wrap) line by line. */
#define TEXT_MAX 2048

/* The UTF-8 form of one CP1252 byte is at most 3 bytes long. */
#define TEXT_UTF8_PER_CP1252 3

/* What a conversion had to do. Zero it before the first use; conversions
 * add to it, so one report can cover a whole document. */
struct text_report {
	size_t translit;      /* characters replaced by a transliteration */
	size_t unknown;       /* characters with no form at all, printed as "?" */
	size_t invalid;       /* bytes of invalid UTF-8, printed as "?" */
	size_t truncated;     /* conversions cut because the output was full */
	uint32_t first_unknown; /* first unknown code point (0 if none) */
};

/* Convert NUL-terminated UTF-8 `utf8` to CP1252 in `out` (`size` bytes
 * including the NUL; size 0 writes nothing). Returns the output length.
 * `rep` may be NULL: then unknown/invalid characters and cuts are logged
 * with log_warn naming the string. NULL `utf8` converts as "". */
size_t text_to_cp1252(const char *utf8, char *out, size_t size,
		      struct text_report *rep);

/* Convert NUL-terminated CP1252 `cp` to UTF-8 in `out` (`size` bytes with the
 * NUL; TEXT_UTF8_PER_CP1252 * strlen(cp) + 1 always suffices). The five
 * bytes CP1252 leaves undefined (0x81 0x8D 0x8F 0x90 0x9D) and control
 * characters other than tab become "?". Returns the output length; cut at a
 * character boundary when `out` is too small. */
size_t text_cp1252_to_utf8(const char *cp, char *out, size_t size);

/* UTF-8 -> CP1252 -> UTF-8: the exact text a canvas draws for `utf8`.
 * Same arguments and reporting as text_to_cp1252. */
size_t text_normalize(const char *utf8, char *out, size_t size,
		      struct text_report *rep);

/* Convert UTF-8 to printable ASCII (0x20..0x7E) for PDF document info:
 * CP1252 letters lose their accents (e-acute -> e, eszett -> ss), typographic
 * quotes and dashes become ' " -, tab and line ends a space, other control
 * characters "?", the rest as text_to_cp1252 (unknown -> "?", counted).
 * Returns the output length. */
size_t text_to_ascii(const char *utf8, char *out, size_t size,
		     struct text_report *rep);

/* Shorten UTF-8 `utf8` so that it measures at most `max_w` points in the
 * canvas's current font: whole text if it fits, else the longest prefix
 * (cut at a character boundary, trailing spaces dropped) followed by the
 * ellipsis U+2026, else "" when not even the ellipsis fits. Writes into
 * `out` (`size` bytes with the NUL). Returns true when the text was cut. */
bool text_ellipsize(struct canvas *c, const char *utf8, double max_w,
		    char *out, size_t size);

/* Break UTF-8 `utf8` into lines of at most `max_w` points in the canvas's
 * current font, at spaces (and at "\n"), a word longer than a line being
 * cut at a character. Line i is the bytes [start[i], start[i] + len[i]) of
 * `utf8`, without its breaking space. Fills at most `max_lines` entries and
 * returns the number of lines the whole text needs (which may exceed
 * max_lines: the caller then knows the text did not fit). "" is 0 lines. */
size_t text_wrap(struct canvas *c, const char *utf8, double max_w,
		 size_t *start, size_t *len, size_t max_lines);

#endif
