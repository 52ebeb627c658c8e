/* fuzz_subscribers - the subscriber CSV and the suppression list
 * (subscribers.c, with mail_parse_address behind both).
 *
 * The input is the subscriber file, optionally followed by a line
 * "--suppression--" and the suppression list. subscribers.h loads from
 * paths only, so both are written to files in a private temporary
 * directory. On success every subscriber must keep the promises of
 * subscribers.h: a non-empty address without control characters, no address
 * twice (case-insensitively), and every suppressed address found again by
 * subscribers_suppressed.
 */
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "fuzz.h"
#include "log.h"
#include "subscribers.h"

#define SEPARATOR "\n--suppression--\n"

static char dir[128], subs_path[256], supp_path[256];

static void remove_dir(void)
{
	unlink(subs_path);
	unlink(supp_path);
	rmdir(dir);
}

const char *__asan_default_options(void);

/* Full stacks on malloc (4-6x slower, so only here): a leak inside GMime is
 * seen through frames without frame pointers, and the suppression in
 * fuzz/lsan.supp must see the library's frames to match. */
const char *__asan_default_options(void)
{
	return "fast_unwind_on_malloc=0";
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";

	(void)argc, (void)argv;
	log_set_level(LOG_ERROR);
	snprintf(dir, sizeof dir, "%s/convex-fuzz-subs.XXXXXX", base);
	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(subs_path, sizeof subs_path, "%s/subscribers.csv", dir);
	snprintf(supp_path, sizeof supp_path, "%s/suppression.txt", dir);
	atexit(remove_dir);
	return 0;
}

static bool has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

static void check_list(const struct subscribers *s)
{
	FUZZ_REQUIRE(s->n <= SUBSCRIBERS_MAX);
	for (size_t i = 0; i < s->n; i++) {
		const struct subscriber *a = &s->v[i];
		FUZZ_REQUIRE(a->email[0] != '\0' && strchr(a->email, '@') != NULL);
		FUZZ_REQUIRE(!has_control(a->email) && !has_control(a->name));
		FUZZ_REQUIRE(a->npairs <= SUBSCRIBERS_PAIRS_MAX);
		for (size_t k = 0; k < a->npairs; k++)
			FUZZ_REQUIRE(strlen(a->pairs[k]) <= SUBSCRIBERS_TOKEN_MAX);
		for (size_t k = 0; k < i; k++)
			FUZZ_REQUIRE(strcasecmp(s->v[k].email, a->email) != 0);
		(void)subscribers_suppressed(s, a->email);
	}
	for (size_t i = 0; i < s->nsuppressed; i++) {
		FUZZ_REQUIRE(i == 0 || strcmp(s->suppressed[i - 1], s->suppressed[i]) <= 0);
		FUZZ_REQUIRE(subscribers_suppressed(s, s->suppressed[i]));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const size_t seplen = sizeof SEPARATOR - 1;
	const uint8_t *sep = NULL;
	struct cx_error e = {0};
	struct subscribers *s;

	for (size_t i = 0; i + seplen <= size && sep == NULL; i++)
		if (memcmp(data + i, SEPARATOR, seplen) == 0)
			sep = data + i;
	if (sep != NULL) {
		fuzz_write_file(subs_path, data, (size_t)(sep - data) + 1);
		fuzz_write_file(supp_path, sep + seplen, size - (size_t)(sep - data) - seplen);
	} else {
		fuzz_write_file(subs_path, data, size);
	}
	s = subscribers_load(subs_path, sep ? supp_path : NULL, &e);
	if (s != NULL)
		check_list(s);
	else
		FUZZ_REQUIRE(e.code == CX_EDATA && e.msg[0] != '\0');
	subscribers_free(s);
	log_reset();
	return 0;
}
