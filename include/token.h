/* token.h - unsubscribe tokens: "v1.<key-id>.<mac>".
 *
 * <mac> is the lowercase hex HMAC-SHA256, under the secret named by
 * <key-id>, of the bytes
 *
 *     "v1" LF <list> LF <address, ASCII-lowercased>
 *
 * where <list> is the job's name. A token is therefore bound to one list
 * and one address, and names the key that signed it: the job keeps its
 * previous secrets as accepted keys, so rotating the current one breaks no
 * link already sent. docs/subscribers.md shows how to verify one with
 * openssl(1). Verification compares MACs in constant time.
 */
#ifndef CONVEX_TOKEN_H
#define CONVEX_TOKEN_H

#include <stddef.h>

#include "err.h"

struct job;

/* A key id: 1 to 32 of [A-Za-z0-9_-]. */
#define TOKEN_KID_MAX   32
/* Hex digits of the MAC (HMAC-SHA256). */
#define TOKEN_MAC_HEX   64
/* "v1." KID "." MAC and the NUL. */
#define TOKEN_SIZE      (3 + TOKEN_KID_MAX + 1 + TOKEN_MAC_HEX + 1)
/* Keys one job may name: the current one and previous ones. */
#define TOKEN_KEYS_MAX  8
/* Key id of a job that names a secret but no secret-id. */
#define TOKEN_DEFAULT_KID "k1"

struct token_key {
	char id[TOKEN_KID_MAX + 1];
	const char *secret;   /* borrowed (the environment), never NULL */
};

/* keys[0] signs; every key verifies. */
struct token_keyring {
	struct token_key keys[TOKEN_KEYS_MAX];
	size_t n;
};

enum token_check {
	TOKEN_OK = 0,
	TOKEN_MALFORMED,  /* not v1.KID.64-hex */
	TOKEN_UNKNOWN_KEY,/* a key id the job no longer (or never) accepted */
	TOKEN_BAD_MAC     /* another list, another address, another secret */
};

/* Whether `id` is a valid key id. */
int token_kid_valid(const char *id);

/* Fill `kr` from the job's <digest secret-env secret-id> and its
 * <previous-secret id env> elements (environment variables). Returns 1
 * when the job names a current secret and it is set, 0 when the job names
 * none, -1 with `e` set (CX_ECONFIG) when a named variable is unset or
 * empty or a key id repeats. */
int token_keyring_from_job(const struct job *j, struct token_keyring *kr,
			   struct cx_error *e);

/* The token for `addr` on `list` under kr->keys[0] (kr->n >= 1). */
void token_make(const struct token_keyring *kr, const char *list,
		const char *addr, char out[TOKEN_SIZE]);

/* Check `token` for `addr` on `list`. */
enum token_check token_verify(const struct token_keyring *kr, const char *list,
			      const char *addr, const char *token);

/* Find a token in `text` (a subject line or a body): the first
 * "v1.KID.MAC" made of a valid key id and 64 hex digits. Copies it into
 * `out` and returns a pointer just past it in `text`, or NULL. */
const char *token_find(const char *text, char out[TOKEN_SIZE]);

#endif
