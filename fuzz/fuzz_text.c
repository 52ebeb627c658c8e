/* fuzz_text - the text layer of the PDF module (text.c): UTF-8 -> what
 * the fonts draw, that -> a UTF-16BE PDF text string, and fitting text to
 * a width (ellipsis, wrapping) measured in the real embedded font of a PDF
 * page.
 *
 * Input: byte 0 picks the output buffer size (1..256, or TEXT_MAX), byte 1
 * the width in points (0..255) and font; the rest is the string (cut at
 * its first NUL, as the C-string API sees it). Checked: every output is
 * NUL-terminated within its buffer and as long as the return value says,
 * and valid UTF-8; converting it twice changes nothing; its UTF-16BE form
 * converts back to it; wrapped lines lie inside the string.
 */
#include <glib.h>
#include <string.h>

#include "fuzz.h"
#include "layout.h"
#include "log.h"
#include "pdf.h"
#include "text.h"

/* Lines text_wrap may fill per call; the count it returns may be larger. */
#define FUZZ_WRAP_LINES 64

static struct pdf_doc *doc;
static struct canvas *canvas;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct cx_error e = {0};

	(void)argc, (void)argv;
	log_set_level(LOG_ERROR);
	doc = pdf_new(PDF_A4, &e);
	if (doc == NULL || pdf_add_page(doc) < 0) {
		fprintf(stderr, "fuzz_text: no PDF document: %s\n", e.msg);
		abort();
	}
	canvas = pdf_canvas(doc, 0);
	return 0;
}

static void check_conversions(const char *in, size_t size)
{
	struct text_report rep = {0};
	char *out = malloc(size), *again = malloc(size), *back;
	unsigned char *u16 = malloc(2 + 2 * size);
	size_t n, len;

	if (out == NULL || again == NULL || u16 == NULL)
		abort();
	/* What a canvas draws: valid UTF-8, a fixed point (converting it
	 * again keeps it). */
	n = text_to_font(in, out, size, &rep);
	FUZZ_REQUIRE(n < size && strlen(out) == n);
	FUZZ_REQUIRE(g_utf8_validate(out, -1, NULL));
	if (rep.truncated == 0) {
		size_t m = text_to_font(out, again, size, &rep);
		FUZZ_REQUIRE(m == n && memcmp(out, again, n) == 0);
	}

	/* Its PDF text string: the byte-order mark, then UTF-16BE that
	 * converts back to the same UTF-8. */
	len = text_to_utf16be(out, u16, 2 + 2 * size);
	FUZZ_REQUIRE(len >= 2 && len % 2 == 0 && len <= 2 + 2 * n);
	FUZZ_REQUIRE(u16[0] == 0xFE && u16[1] == 0xFF);
	back = g_convert((const char *)u16 + 2, (gssize)(len - 2), "UTF-8", "UTF-16BE",
			 NULL, NULL, NULL);
	FUZZ_REQUIRE(back != NULL && strcmp(back, out) == 0);
	g_free(back);
	free(u16);
	free(again);
	free(out);
}

static void check_fitting(const char *in, size_t size, double width)
{
	size_t start[FUZZ_WRAP_LINES], len[FUZZ_WRAP_LINES];
	size_t total = strlen(in), lines;
	char *out = malloc(size);

	if (out == NULL)
		abort();
	(void)text_ellipsize(canvas, in, width, out, size);
	FUZZ_REQUIRE(strlen(out) < size);

	lines = text_wrap(canvas, in, width, start, len, FUZZ_WRAP_LINES);
	FUZZ_REQUIRE(total == 0 ? lines == 0 : lines > 0);
	for (size_t i = 0; i < lines && i < FUZZ_WRAP_LINES; i++) {
		FUZZ_REQUIRE(start[i] <= total && len[i] <= total - start[i]);
		FUZZ_REQUIRE(i == 0 || start[i] >= start[i - 1] + len[i - 1]);
	}
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t out_size;
	double width;
	char *in;

	if (size < 2)
		return 0;
	out_size = data[0] == 0xFF ? TEXT_MAX : (size_t)data[0] + 1;
	width = (double)data[1];
	in = fuzz_cstring(data + 2, size - 2);
	check_conversions(in, out_size);
	canvas->ops->set_font(canvas->impl, data[1] & 1 ? CANVAS_BOLD : CANVAS_REGULAR,
			      LAYOUT_BODY);
	check_fitting(in, out_size, width);
	free(in);
	log_reset();
	return 0;
}
