/* fuzz_text - the text layer of the PDF module (text.c): UTF-8 -> CP1252,
 * CP1252 -> UTF-8, UTF-8 -> ASCII, and fitting text to a width (ellipsis,
 * wrapping) measured in the real embedded font of a PDF page.
 *
 * Input: byte 0 picks the output buffer size (1..256, or TEXT_MAX), byte 1
 * the width in points (0..255) and font; the rest is the string (cut at
 * its first NUL, as the C-string API sees it). Checked: every output is
 * NUL-terminated within its buffer and as long as the return value says,
 * ASCII output is printable, CP1252 -> UTF-8 output is valid UTF-8,
 * normalising twice changes nothing, wrapped lines lie inside the string.
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
	char *out = malloc(size), *back, *again;
	size_t n, bsize;

	if (out == NULL)
		abort();
	n = text_to_cp1252(in, out, size, &rep);
	FUZZ_REQUIRE(n < size && strlen(out) == n);

	bsize = TEXT_UTF8_PER_CP1252 * n + 1;
	back = malloc(bsize);
	if (back == NULL)
		abort();
	n = text_cp1252_to_utf8(out, back, bsize);
	FUZZ_REQUIRE(n < bsize && strlen(back) == n);
	FUZZ_REQUIRE(g_utf8_validate(back, -1, NULL));

	n = text_to_ascii(in, out, size, &rep);
	FUZZ_REQUIRE(n < size && strlen(out) == n);
	for (size_t i = 0; i < n; i++)
		FUZZ_REQUIRE(out[i] >= 0x20 && out[i] <= 0x7E);

	/* What a canvas draws is a fixed point: normalising it again keeps it. */
	n = text_normalize(in, out, size, &rep);
	FUZZ_REQUIRE(n < size && strlen(out) == n);
	again = malloc(size);
	if (again == NULL)
		abort();
	if (rep.truncated == 0) {
		size_t m = text_normalize(out, again, size, &rep);
		FUZZ_REQUIRE(m == n && memcmp(out, again, n) == 0);
	}
	free(again);
	free(back);
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
