/* fuzz_prices - the price loader (csv.c + prices.c) on arbitrary CSV text.
 *
 * The first input byte picks the options: bits 0-1 the layout (auto, wide,
 * ohlc, long), bit 2 a forced symbol (as a job's <file symbol=""> does).
 * The rest is the file. On success every series must keep the promises of
 * prices.h: dates strictly increasing, closes finite and > 0, symbols
 * short enough and distinct.
 */
#include <math.h>
#include <string.h>

#include "fuzz.h"
#include "log.h"
#include "prices.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	log_set_level(LOG_ERROR);
	return 0;
}

static void check_series(const struct prices *p)
{
	size_t n = prices_count(p);

	FUZZ_REQUIRE(n <= PRICES_SYMBOLS_MAX);
	for (size_t i = 0; i < n; i++) {
		const struct series *s = prices_at(p, i);
		FUZZ_REQUIRE(s != NULL && s->symbol != NULL);
		FUZZ_REQUIRE(strlen(s->symbol) <= PRICES_SYMBOL_MAX);
		FUZZ_REQUIRE(prices_find(p, s->symbol) == s);
		for (size_t k = 0; k < s->n; k++) {
			FUZZ_REQUIRE(isfinite(s->close[k]) && s->close[k] > 0);
			FUZZ_REQUIRE(k == 0 || s->dates[k - 1] < s->dates[k]);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum prices_layout layouts[] = {
		PRICES_AUTO, PRICES_WIDE, PRICES_OHLC, PRICES_LONG,
	};
	struct prices_opts opts = {NULL, PRICES_AUTO};
	struct cx_error e = {0};
	struct prices *p;
	char *copy;

	if (size < 1)
		return 0;
	opts.layout = layouts[data[0] & 3];
	opts.symbol = (data[0] & 4) ? "FUZZ" : NULL;
	/* An exact-size heap copy: a read past the end is an ASan report. */
	copy = malloc(size - 1 ? size - 1 : 1);
	if (copy == NULL)
		abort();
	memcpy(copy, data + 1, size - 1);
	p = prices_new();
	if (prices_load_buffer(p, "fuzz.csv", copy, size - 1, &opts, &e) == 0) {
		check_series(p);
	} else {
		FUZZ_REQUIRE(e.code != CX_OK && e.msg[0] != '\0');
		FUZZ_REQUIRE(prices_count(p) == 0);  /* "on error p is unchanged" */
	}
	prices_free(p);
	free(copy);
	log_reset();
	return 0;
}
