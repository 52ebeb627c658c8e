/* fuzz.h - what every libFuzzer harness in fuzz/ shares.
 *
 * A harness feeds one parser of outside input with the bytes libFuzzer
 * gives it and checks, besides ASan/UBSan/LeakSanitizer, the properties the
 * parser's header promises (FUZZ_REQUIRE aborts, so libFuzzer keeps the
 * input as a crash). Build and run: make fuzz (see fuzz/fuzz.mk).
 */
#ifndef CONVEX_FUZZ_H
#define CONVEX_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A broken promise is a crash: libFuzzer saves the input that caused it. */
#define FUZZ_REQUIRE(cond)                                                    \
	do {                                                                  \
		if (!(cond)) {                                                \
			fprintf(stderr, "%s:%d: property failed: %s\n",      \
				__FILE__, __LINE__, #cond);                   \
			abort();                                              \
		}                                                             \
	} while (0)

/* A NUL-terminated copy of the input (the parsers under test take C
 * strings or need a terminator past the end); caller frees. */
static inline char *fuzz_cstring(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		abort();
	for (size_t i = 0; i < size; i++)
		s[i] = (char)data[i];
	s[size] = '\0';
	return s;
}

/* Write `size` bytes to `path` (truncating); aborts on failure, which is
 * the harness's problem, not the input's. */
static inline void fuzz_write_file(const char *path, const uint8_t *data,
				   size_t size)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL || fwrite(data, 1, size, f) != size || fclose(f) != 0)
		abort();
}

#endif
