/* fuzz_http - what the fetch module does with an HTTP response: the header
 * lines (http_take_header, as curl hands them over) and the checks of a
 * 200's body for a source (fetch_check_response: envelope, header of the
 * CSV, every row, the price loader, the jumps within the body).
 *
 * Input: the first byte picks the source's layout (bits 0-1: auto, wide,
 * ohlc, long); then header lines up to the first empty line ("\r\n" or
 * "\n"); the rest is the body. The source asks for ticker "spy.us" of the
 * job symbol "SPY". An accepted body must hold only plausible prices
 * (fetch.h: > 0, <= FETCH_PRICE_MAX, at most FETCH_JUMP_MAX apart).
 */
#include <math.h>
#include <string.h>

#include "fetch.h"
#include "fuzz.h"
#include "log.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	log_set_level(LOG_ERROR);
	return 0;
}

/* Feed the header lines; returns where the body starts. */
static size_t take_headers(struct http_request *r, const uint8_t *data,
			   size_t size)
{
	size_t at = 0;

	while (at < size) {
		const uint8_t *nl = memchr(data + at, '\n', size - at);
		size_t len = nl ? (size_t)(nl - (data + at)) + 1 : size - at;
		/* An exact copy: a read past the line is an ASan report. */
		char *line = malloc(len);
		if (line == NULL)
			abort();
		memcpy(line, data + at, len);
		http_take_header(r, line, len);
		free(line);
		at += len;
		if (len <= 2 && (len == 1 || data[at - 2] == '\r'))
			break;   /* the empty line that ends the header */
	}
	return at;
}

static void check_headers(const struct http_request *r)
{
	FUZZ_REQUIRE(memchr(r->etag, '\0', sizeof r->etag) != NULL);
	FUZZ_REQUIRE(memchr(r->last_modified, '\0', sizeof r->last_modified) != NULL);
	FUZZ_REQUIRE(memchr(r->content_type, '\0', sizeof r->content_type) != NULL);
}

static void check_accepted(const struct series *s)
{
	FUZZ_REQUIRE(s->n > 0);
	for (size_t i = 0; i < s->n; i++) {
		FUZZ_REQUIRE(s->close[i] > 0 && s->close[i] <= FETCH_PRICE_MAX);
		if (i > 0) {
			double a = s->close[i - 1], b = s->close[i];
			FUZZ_REQUIRE((a > b ? a / b : b / a) <= FETCH_JUMP_MAX);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum prices_layout layouts[] = {
		PRICES_AUTO, PRICES_WIDE, PRICES_OHLC, PRICES_LONG,
	};
	char *symbols[] = {"SPY"};
	struct job_source src = {
		.name = "fuzz", .url = "http://127.0.0.1/{symbol}",
		.symbols = symbols, .nsymbols = 1,
	};
	struct http_request r = {.url = "http://127.0.0.1/spy.us",
				 .display_url = "http://127.0.0.1/spy.us"};
	struct cx_error e = {0};
	const struct series *s;
	struct prices *p;
	size_t at;

	if (size < 1)
		return 0;
	src.layout = layouts[data[0] & 3];
	r.status = 200;
	at = 1 + take_headers(&r, data + 1, size - 1);
	check_headers(&r);
	/* As http_perform leaves it: NULL when empty, else NUL-terminated. */
	r.len = size - at;
	r.head_len = r.len;
	if (r.len > 0) {
		r.body = fuzz_cstring(data + at, r.len);
		r.has_nul = memchr(r.body, '\0', r.len) != NULL;
		r.last = r.body[r.len - 1];
	}
	p = prices_new();
	s = fetch_check_response(&src, "SPY", "spy.us", r.display_url, &r, p, &e);
	if (s != NULL)
		check_accepted(s);
	else
		FUZZ_REQUIRE(e.code != CX_OK && e.msg[0] != '\0');
	prices_free(p);
	http_request_release(&r);
	log_reset();
	return 0;
}
