/* test_token.c - unsubscribe tokens (token.h) and VERP senders (verp.h):
 * the MAC against Python's hmac module, and every forgery the issue names
 * rejected: another address, another list, a truncated MAC, a key id no
 * longer accepted; rotation keeps old links valid. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "token.h"
#include "verp.h"

/* python3 -c 'import hmac,hashlib;print(hmac.new(b"Jefe",
 *   b"v1\nnews\nalice@example.org", hashlib.sha256).hexdigest())' */
#define REF_MAC "c867405509fc8c2dca3bf34a08958f13fcd52439f9cc6a744fdded6575ed3655"

static struct token_keyring ring(const char *id, const char *secret)
{
	struct token_keyring kr = {.n = 1};
	snprintf(kr.keys[0].id, sizeof kr.keys[0].id, "%s", id);
	kr.keys[0].secret = secret;
	return kr;
}

static void test_make_matches_reference(void **state)
{
	(void)state;
	struct token_keyring kr = ring("k1", "Jefe");
	char t[TOKEN_SIZE];
	token_make(&kr, "news", "Alice@Example.ORG", t);
	assert_string_equal(t, "v1.k1." REF_MAC);
	assert_int_equal(token_verify(&kr, "news", "alice@example.org", t), TOKEN_OK);
	assert_int_equal(token_verify(&kr, "news", "ALICE@example.org", t), TOKEN_OK);
}

static void test_forgeries_rejected(void **state)
{
	(void)state;
	struct token_keyring kr = ring("k1", "Jefe");
	char t[TOKEN_SIZE], cut[TOKEN_SIZE], flip[TOKEN_SIZE];
	token_make(&kr, "news", "alice@example.org", t);
	/* another address, another list */
	assert_int_equal(token_verify(&kr, "news", "bob@example.org", t), TOKEN_BAD_MAC);
	assert_int_equal(token_verify(&kr, "other", "alice@example.org", t), TOKEN_BAD_MAC);
	/* a truncated MAC, an extended one, a flipped digit, upper case */
	snprintf(cut, sizeof cut, "%.*s", (int)strlen(t) - 1, t);
	assert_int_equal(token_verify(&kr, "news", "alice@example.org", cut), TOKEN_MALFORMED);
	snprintf(cut, sizeof cut, "%.*s", 6 + 32, t);
	assert_int_equal(token_verify(&kr, "news", "alice@example.org", cut), TOKEN_MALFORMED);
	char longer[TOKEN_SIZE + 2];
	snprintf(longer, sizeof longer, "%s0", t);
	assert_int_equal(token_verify(&kr, "news", "alice@example.org", longer), TOKEN_MALFORMED);
	snprintf(flip, sizeof flip, "%s", t);
	flip[strlen(flip) - 1] = flip[strlen(flip) - 1] == '0' ? '1' : '0';
	assert_int_equal(token_verify(&kr, "news", "alice@example.org", flip), TOKEN_BAD_MAC);
	assert_int_equal(token_verify(&kr, "news", "alice@example.org", "v1.k1." "C867405509FC8C2DCA3BF34A08958F13FCD52439F9CC6A744FDDED6575ED3655"), TOKEN_MALFORMED);
	/* the old format (bare hex), other versions, empty */
	assert_int_equal(token_verify(&kr, "news", "alice@example.org", REF_MAC), TOKEN_MALFORMED);
	assert_int_equal(token_verify(&kr, "news", "alice@example.org", "v2.k1." REF_MAC), TOKEN_MALFORMED);
	assert_int_equal(token_verify(&kr, "news", "alice@example.org", ""), TOKEN_MALFORMED);
	/* the right MAC under a key id the ring does not hold */
	assert_int_equal(token_verify(&kr, "news", "alice@example.org", "v1.k0." REF_MAC), TOKEN_UNKNOWN_KEY);
}

static void test_rotation(void **state)
{
	(void)state;
	struct token_keyring old = ring("k1", "Jefe"), now = ring("k2", "new secret");
	char t1[TOKEN_SIZE], t2[TOKEN_SIZE];
	token_make(&old, "news", "alice@example.org", t1);
	/* k2 signs, k1 still verifies */
	now.n = 2;
	snprintf(now.keys[1].id, sizeof now.keys[1].id, "k1");
	now.keys[1].secret = "Jefe";
	token_make(&now, "news", "alice@example.org", t2);
	assert_memory_equal(t2, "v1.k2.", 6);
	assert_int_equal(token_verify(&now, "news", "alice@example.org", t1), TOKEN_OK);
	assert_int_equal(token_verify(&now, "news", "alice@example.org", t2), TOKEN_OK);
	/* k1 retired: its links are refused */
	now.n = 1;
	assert_int_equal(token_verify(&now, "news", "alice@example.org", t1), TOKEN_UNKNOWN_KEY);
	/* a k1 token re-signed with k2's secret under k1's name is a bad MAC */
	struct token_keyring swapped = ring("k1", "new secret");
	assert_int_equal(token_verify(&swapped, "news", "alice@example.org", t1), TOKEN_BAD_MAC);
}

static void test_find(void **state)
{
	(void)state;
	char t[TOKEN_SIZE];
	const char *rest = token_find("Re: unsubscribe v1.k1." REF_MAC " alice@example.org", t);
	assert_non_null(rest);
	assert_string_equal(t, "v1.k1." REF_MAC);
	assert_string_equal(rest, " alice@example.org");
	assert_null(token_find("unsubscribe v1.k1.c8674055", t));
	assert_null(token_find("xv1.k1." REF_MAC, t));
	assert_null(token_find("https://x.org/u?email=a%40b.org&token=v1.k1." REF_MAC, t));
	assert_null(token_find("v1.k1." REF_MAC "0", t));
	assert_int_equal(token_kid_valid("2026-q4_a"), 1);
	assert_int_equal(token_kid_valid(""), 0);
	assert_int_equal(token_kid_valid("a.b"), 0);
	assert_int_equal(token_kid_valid("123456789012345678901234567890123"), 0);
}

static void test_verp(void **state)
{
	(void)state;
	char s[MAIL_ADDR_MAX + 1], a[MAIL_ADDR_MAX + 1];
	verp_sender("bounces@example.com", true, "alice@example.org", s);
	assert_string_equal(s, "bounces+alice=example.org@example.com");
	verp_sender("bounces@example.com", false, "alice@example.org", s);
	assert_string_equal(s, "bounces@example.com");
	assert_int_equal(verp_decode("bounces@example.com", "Bounces+alice=example.org@EXAMPLE.com", a), 1);
	assert_string_equal(a, "alice@example.org");
	assert_int_equal(verp_decode("bounces@example.com", "bounces+a=b=x.org@example.com", a), 1);
	assert_string_equal(a, "a=b@x.org");
	assert_int_equal(verp_decode("bounces@example.com", "bounces@example.com", a), 0);
	assert_int_equal(verp_decode("bounces@example.com", "bounces+alice=example.org@other.com", a), 0);
	assert_int_equal(verp_decode("bounces@example.com", "bouncesx+alice=example.org@example.com", a), 0);
	/* a local part past 64 octets keeps the plain return path */
	char longrcpt[120];
	memset(longrcpt, 'x', 60);
	snprintf(longrcpt + 60, sizeof longrcpt - 60, "@example.org");
	verp_sender("bounces@example.com", true, longrcpt, s);
	assert_string_equal(s, "bounces@example.com");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_make_matches_reference),
		cmocka_unit_test(test_forgeries_rejected),
		cmocka_unit_test(test_rotation),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_verp),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
