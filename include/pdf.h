/* pdf.h - PDF/A-1b documents: the adapter over libharu (the only module that
 * includes hpdf.h).
 *
 * A document holds pages of one paper size. Each page has a canvas
 * (canvas.h, origin top-left, y down; flipped here) that draws vector
 * graphics and text in the two embedded TrueType fonts of fonts/ (the chart
 * fonts, CHART_FONT_REGULAR/BOLD) as UTF-8 Type0 fonts; text goes through
 * the text layer (text.h). Pages stay drawable until the document is saved,
 * so headers and "Page N of M" footers can be added once all pages exist.
 *
 * Saving makes the file PDF/A-1b: XMP metadata mirroring the (ASCII)
 * document info, an sRGB output intent (PDF_ICC_SRGB), and a document /ID
 * that is the MD5 of the file's own bytes (see pdf_save). The creation and
 * modification dates are SOURCE_DATE_EPOCH when set, else the caller's
 * pdf_meta.created when non-zero (a run passes the time fixed by the day's
 * first attempt, archive_day_created), else the current time; all in UTC,
 * so equal inputs and an equal time give byte-identical files. The file is written atomically (temporary file in the same
 * directory, fsync, rename).
 *
 * Drawing calls do not fail one by one: the first libharu error is kept and
 * reported by pdf_save. Out of memory in this module aborts.
 */
#ifndef CONVEX_PDF_H
#define CONVEX_PDF_H

#include <stddef.h>

#include "canvas.h"
#include "err.h"

enum pdf_paper { PDF_A4, PDF_LETTER };

/* Page sizes in points. */
#define PDF_A4_W     595.276
#define PDF_A4_H     841.890
#define PDF_LETTER_W 612.0
#define PDF_LETTER_H 792.0

/* The output intent's profile (Debian icc-profiles-free). */
#define PDF_ICC_SRGB "/usr/share/color/icc/sRGB.icc"

/* Limits: pages and bookmarks in one document, segments in one path, depth
 * of canvas save/restore. Past them drawing is refused and pdf_save fails. */
#define PDF_PAGES_MAX    5000
#define PDF_OUTLINES_MAX 20000
#define PDF_PATH_MAX     1000000
#define PDF_STATE_MAX    64

struct pdf_doc;

/* A new empty document: loads and embeds the fonts (from the data
 * directory, paths.h) and the ICC profile. Returns NULL with `e` set:
 * CX_ENOINPUT when a font or the profile cannot be read, CX_ESOFTWARE when
 * libharu fails. Free with pdf_free. */
struct pdf_doc *pdf_new(enum pdf_paper paper, struct cx_error *e);
void pdf_free(struct pdf_doc *d);

/* Paper name for messages and option values: "a4", "letter"; and back
 * (returns -1 for an unknown name). */
const char *pdf_paper_name(enum pdf_paper p);
int pdf_paper_parse(const char *name, enum pdf_paper *out);

/* Add a page at the end. Returns its index (0-based), or -1 past
 * PDF_PAGES_MAX (the error is kept for pdf_save). */
int pdf_add_page(struct pdf_doc *d);
size_t pdf_page_count(const struct pdf_doc *d);
double pdf_page_width(const struct pdf_doc *d);
double pdf_page_height(const struct pdf_doc *d);

/* The canvas of page `page` (< pdf_page_count); owned by the document,
 * valid until pdf_free. Its width/height are the page size. */
struct canvas *pdf_canvas(struct pdf_doc *d, size_t page);

/* A bookmark titled `title` (UTF-8, shown as ASCII) pointing at the top
 * coordinate `y` of page `page`, as the last child of bookmark `parent`
 * (-1: top level). Returns the new bookmark's id, or -1 on error (kept). */
int pdf_outline(struct pdf_doc *d, int parent, const char *title,
		size_t page, double y);

/* An invisible internal link: the rectangle (x, y, w, h) of page `from`
 * jumps to the top coordinate `to_y` of page `to`. Both pages must exist. */
void pdf_link(struct pdf_doc *d, size_t from, double x, double y, double w,
	      double h, size_t to, double to_y);
/* An invisible link from the rectangle (x, y, w, h) of page `from` to the
 * absolute ASCII address `uri` (a PDF/A-1 URI action). */
void pdf_link_uri(struct pdf_doc *d, size_t from, double x, double y, double w,
		  double h, const char *uri);

/* Document information, UTF-8, at most PDF_META_MAX - 1 bytes of it kept;
 * stored as the page prints it (text_to_font: a character no shipped font
 * has is "?"), & < > replaced so that the XMP copy needs no escaping, as
 * UTF-16BE text strings in the info dictionary and UTF-8 in the XMP
 * packet. Bookmark titles the same way. NULL fields are left out. */
#define PDF_META_MAX 512
struct pdf_meta {
	const char *title;
	const char *author;
	const char *subject;
	const char *keywords;
	long long created;   /* seconds since the epoch; 0: now (see above) */
};

/* Save the document as PDF/A-1b to `path`, atomically. The /ID is written
 * as a placeholder of zeros, the MD5 of the whole saved file (placeholder
 * included) is computed, and the placeholder is replaced by it: the same
 * content always gives the same /ID. Returns 0, or -1 with `e` set:
 * CX_EUSAGE for a malformed SOURCE_DATE_EPOCH, CX_ESOFTWARE for a libharu
 * error during drawing or saving, CX_ECANTCREAT/CX_EIO when the file cannot
 * be written (no partial file is left under `path`). The document can be
 * saved once. */
int pdf_save(struct pdf_doc *d, const char *path, const struct pdf_meta *m,
	     struct cx_error *e);

#endif
