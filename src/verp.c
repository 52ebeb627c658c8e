/* verp.c - envelope senders (see verp.h). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "verp.h"

void verp_sender(const char *return_path, bool verp, const char *rcpt,
		 char out[MAIL_ADDR_MAX + 1])
{
	const char *at = strrchr(return_path, '@'), *rat = strrchr(rcpt, '@');
	int n;

	snprintf(out, MAIL_ADDR_MAX + 1, "%s", return_path);
	if (!verp || at == NULL || rat == NULL)
		return;
	/* local "+" user "=" host "@" domain; RFC 5321 caps the local part at
	 * 64 octets, so a long address keeps the plain return path. */
	n = snprintf(out, MAIL_ADDR_MAX + 1, "%.*s+%.*s=%s%s", (int)(at - return_path), return_path,
		     (int)(rat - rcpt), rcpt, rat + 1, at);
	if (n < 0 || n > MAIL_ADDR_MAX || strchr(out, '@') - out > 64)
		snprintf(out, MAIL_ADDR_MAX + 1, "%s", return_path);
}

int verp_decode(const char *return_path, const char *addr, char out[MAIL_ADDR_MAX + 1])
{
	const char *at = strrchr(return_path, '@'), *aat = strrchr(addr, '@');
	if (at == NULL || aat == NULL)
		return 0;
	size_t local = (size_t)(at - return_path);
	/* Same local part followed by "+", same domain. */
	if (strncasecmp(addr, return_path, local) != 0 || addr[local] != '+' ||
	    strcasecmp(aat, at) != 0)
		return 0;
	const char *tag = addr + local + 1;
	const char *eq = NULL;
	for (const char *p = tag; p < aat; p++)
		if (*p == '=')
			eq = p;
	if (eq == NULL || eq == tag || eq + 1 == aat || (size_t)(aat - tag) > MAIL_ADDR_MAX)
		return 0;
	snprintf(out, MAIL_ADDR_MAX + 1, "%.*s@%.*s", (int)(eq - tag), tag, (int)(aat - eq - 1), eq + 1);
	return 1;
}
