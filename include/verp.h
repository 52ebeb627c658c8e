/* verp.h - the envelope sender of the digest and its VERP form.
 *
 * Without <digest return-path> the envelope sender is the From address (as
 * before). With return-path="bounces@example.com" it is that address; with
 * verp="yes" as well, each recipient gets its own:
 *     alice@example.org  ->  bounces+alice=example.org@example.com
 * so a bounce, which goes to the envelope sender, names its subscriber even
 * when the report itself omits the original recipient.
 */
#ifndef CONVEX_VERP_H
#define CONVEX_VERP_H

#include <stdbool.h>
#include <stddef.h>

#include "mail.h"

/* The envelope sender for `rcpt` into out (MAIL_ADDR_MAX + 1 bytes). With
 * VERP, an address too long to tag falls back to the plain return path. */
void verp_sender(const char *return_path, bool verp, const char *rcpt,
		 char out[MAIL_ADDR_MAX + 1]);

/* When `addr` is a VERP form of `return_path` ("local+user=host@domain",
 * any case), write the tagged recipient "user@host" into out and return 1;
 * otherwise return 0. */
int verp_decode(const char *return_path, const char *addr,
		char out[MAIL_ADDR_MAX + 1]);

#endif
