/* token.c - unsubscribe tokens (see token.h for the format).
 *
 * GLib's GHmac computes the MAC (GLib is already linked for GMime); the
 * comparison is written here because GLib has no constant-time compare. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "job.h"
#include "token.h"

int token_kid_valid(const char *id)
{
	size_t n = strlen(id);
	if (n == 0 || n > TOKEN_KID_MAX)
		return 0;
	return strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

static int add_key(struct token_keyring *kr, const char *id, const char *env,
		   const char *path, struct cx_error *e)
{
	const char *secret = getenv(env);

	if (secret == NULL || secret[0] == '\0')
		return cx_fail(e, CX_ECONFIG, "%s: environment variable %s (the unsubscribe secret) is not set;"
			       " it holds key \"%s\"", path, env, id);
	if (!token_kid_valid(id))
		return cx_fail(e, CX_ECONFIG, "%s: unsubscribe key id \"%s\"; expected 1 to %d of A-Z a-z 0-9 _ -",
			       path, id, TOKEN_KID_MAX);
	for (size_t i = 0; i < kr->n; i++)
		if (!strcmp(kr->keys[i].id, id))
			return cx_fail(e, CX_ECONFIG, "%s: unsubscribe key id \"%s\" is named twice", path, id);
	if (kr->n >= TOKEN_KEYS_MAX)
		return cx_fail(e, CX_ECONFIG, "%s: more than %d unsubscribe keys", path, TOKEN_KEYS_MAX);
	snprintf(kr->keys[kr->n].id, sizeof kr->keys[kr->n].id, "%s", id);
	kr->keys[kr->n].secret = secret;
	kr->n++;
	return 0;
}

int token_keyring_from_job(const struct job *j, struct token_keyring *kr,
			   struct cx_error *e)
{
	const struct job_digest *d = &j->digest;

	memset(kr, 0, sizeof *kr);
	if (d->secret_env == NULL)
		return 0;
	if (add_key(kr, d->secret_id != NULL ? d->secret_id : TOKEN_DEFAULT_KID,
		    d->secret_env, j->path, e) != 0)
		return -1;
	for (size_t i = 0; i < d->nprevious; i++)
		if (add_key(kr, d->previous[i].id, d->previous[i].env, j->path, e) != 0)
			return -1;
	return 1;
}

/* Hex MAC of "v1\n" list "\n" lowercase(addr) under `secret`. */
static void mac_hex(const char *secret, const char *list, const char *addr,
		    char out[TOKEN_MAC_HEX + 1])
{
	GHmac *h = g_hmac_new(G_CHECKSUM_SHA256, (const guchar *)secret, strlen(secret));
	gchar *lower = g_ascii_strdown(addr, -1);

	g_hmac_update(h, (const guchar *)"v1\n", 3);
	g_hmac_update(h, (const guchar *)list, (gssize)strlen(list));
	g_hmac_update(h, (const guchar *)"\n", 1);
	g_hmac_update(h, (const guchar *)lower, (gssize)strlen(lower));
	snprintf(out, TOKEN_MAC_HEX + 1, "%s", g_hmac_get_string(h));
	g_hmac_unref(h);
	g_free(lower);
}

void token_make(const struct token_keyring *kr, const char *list,
		const char *addr, char out[TOKEN_SIZE])
{
	char mac[TOKEN_MAC_HEX + 1];

	mac_hex(kr->keys[0].secret, list, addr, mac);
	snprintf(out, TOKEN_SIZE, "v1.%s.%s", kr->keys[0].id, mac);
}

/* Length of a well-formed token at `p` ("v1." KID "." 64 lowercase hex),
 * or 0; *kid_len is the key id's length. */
static size_t token_span(const char *p, size_t *kid_len)
{
	static const char kid_chars[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
	if (strncmp(p, "v1.", 3) != 0)
		return 0;
	size_t k = strspn(p + 3, kid_chars);
	if (k == 0 || k > TOKEN_KID_MAX || p[3 + k] != '.')
		return 0;
	const char *mac = p + 3 + k + 1;
	if (strspn(mac, "0123456789abcdef") < TOKEN_MAC_HEX)
		return 0;
	*kid_len = k;
	return 3 + k + 1 + TOKEN_MAC_HEX;
}

enum token_check token_verify(const struct token_keyring *kr, const char *list,
			      const char *addr, const char *token)
{
	size_t k, n = token_span(token, &k);
	char mac[TOKEN_MAC_HEX + 1];

	if (n == 0 || token[n] != '\0')
		return TOKEN_MALFORMED;
	for (size_t i = 0; i < kr->n; i++) {
		if (strlen(kr->keys[i].id) != k || strncmp(kr->keys[i].id, token + 3, k) != 0)
			continue;
		mac_hex(kr->keys[i].secret, list, addr, mac);
		const char *given = token + 3 + k + 1;
		unsigned diff = 0;
		for (size_t b = 0; b < TOKEN_MAC_HEX; b++)
			diff |= (unsigned)(mac[b] ^ given[b]);
		return diff == 0 ? TOKEN_OK : TOKEN_BAD_MAC;
	}
	return TOKEN_UNKNOWN_KEY;
}

const char *token_find(const char *text, char out[TOKEN_SIZE])
{
	for (const char *p = strstr(text, "v1."); p != NULL; p = strstr(p + 1, "v1.")) {
		size_t k, n;
		/* A token starts a word and ends one: not inside a longer run,
		 * nor a URL parameter (the digest's own unsubscribe link). */
		if (p > text && (g_ascii_isalnum(p[-1]) || p[-1] == '.' || p[-1] == '='))
			continue;
		if ((n = token_span(p, &k)) == 0 || g_ascii_isxdigit(p[n]))
			continue;
		snprintf(out, TOKEN_SIZE, "%.*s", (int)n, p);
		return p + n;
	}
	return NULL;
}
