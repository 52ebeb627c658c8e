/* text.h - the text layer: what a string becomes before a font draws it.
 *
 * Charts and PDFs print UTF-8 with the shipped fonts (fonts/Lato-*.ttf:
 * Latin with Latin Extended-A, Greek, Cyrillic; the PDF embeds them as
 * TrueType CID fonts). Every string drawn goes through here:
 *
 *   UTF-8 --text_to_font--> UTF-8 the fonts can draw (PDF and PNG alike)
 *   UTF-8 --text_to_utf16be--> a PDF text string (document info, bookmarks)
 *
 * A character the fonts have is kept as it is. A few others have a
 * typographic stand-in the fonts have (thin and figure spaces -> space, the
 * fi ligature -> "fi", U+2015 -> em dash). Anything else, a CJK or Arabic
 * letter or a Latin letter the fonts lack, becomes the placeholder "?" and
 * is counted in the text_report (and, when no report is given, logged as a
 * warning), so no character is ever dropped silently and none is spelled
 * out by name. Invalid UTF-8 (stray continuation bytes, overlong forms,
 * surrogates, code points past U+10FFFF, truncated sequences) becomes one
 * "?" per bad byte, counted as invalid. The output is always NUL-terminated
 * and cut at a character boundary when it does not fit; a cut is reported.
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

/* What a conversion had to do. Zero it before the first use; conversions
 * add to it, so one report can cover a whole document. */
struct text_report {
	size_t translit;      /* characters replaced by a stand-in */
	size_t unknown;       /* characters with no form at all, printed as "?" */
	size_t invalid;       /* bytes of invalid UTF-8, printed as "?" */
	size_t truncated;     /* conversions cut because the output was full */
	uint32_t first_unknown; /* first unknown code point (0 if none) */
};

/* Whether the shipped fonts have a glyph for code point `cp`. */
bool text_font_has(uint32_t cp);

/* The smallest code point >= `cp` (tab and newline aside) that the shipped
 * fonts have, or 0 when there is none: text_font_next(0x20) and then
 * text_font_next(c + 1) walk the fonts' whole repertoire in order. */
uint32_t text_font_next(uint32_t cp);

/* Convert NUL-terminated UTF-8 `utf8` into UTF-8 the shipped fonts draw, in
 * `out` (`size` bytes including the NUL; size 0 writes nothing). Returns
 * the output length. `rep` may be NULL: then unknown/invalid characters
 * and cuts are logged with log_warn naming the string. NULL converts as "".
 * This is the exact text a canvas (PDF or PNG) draws for `utf8`. */
size_t text_to_font(const char *utf8, char *out, size_t size,
		    struct text_report *rep);

/* How many characters (or bytes of invalid UTF-8) of `utf8` (at most
 * TEXT_MAX bytes looked at) print as the placeholder; *cp is the first
 * such code point (0 when the first is invalid UTF-8 or there is none). */
size_t text_first_missing(const char *utf8, uint32_t *cp);

/* Log one warning, "WHERE: FIELD "text": U+4E2D is in none of the shipped
 * fonts ...", when `utf8` has a character the fonts lack (or invalid
 * UTF-8); returns whether it did. `where` is file:line or an option. */
bool text_warn_missing(const char *where, const char *field, const char *utf8);

/* The PDF text string of valid UTF-8 `utf8` (text_to_font's output): the
 * byte-order mark FE FF, then UTF-16BE, into `out` (`size` bytes). Returns
 * the byte count, or 0 when `utf8` is not valid UTF-8 or does not fit. */
size_t text_to_utf16be(const char *utf8, unsigned char *out, size_t size);

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
