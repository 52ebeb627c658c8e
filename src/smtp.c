/* smtp.c - SMTP submission over libcurl (the only curl SMTP user). */
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "smtp.h"
#include "xalloc.h"

struct smtp {
	CURL *curl;
	char *url;
	char errbuf[CURL_ERROR_SIZE];
	int fresh;   /* the last transaction failed: don't reuse its connection */
};

struct upload {
	const char *data;
	size_t len, off;
};

static size_t read_cb(char *buf, size_t size, size_t nitems, void *arg)
{
	struct upload *u = arg;
	size_t n = size * nitems;
	if (n > u->len - u->off)
		n = u->len - u->off;
	memcpy(buf, u->data + u->off, n);
	u->off += n;
	return n;
}

struct smtp *smtp_new(const struct smtp_opts *o, struct cx_error *e)
{
	int tls = strncmp(o->url, "smtps://", 8) == 0;
	if (!tls && strncmp(o->url, "smtp://", 7) != 0)
		return cx_fail(e, CX_ECONFIG, "smtp url \"%s\" is neither smtp:// nor smtps://", o->url), NULL;
	static int global;
	if (!global) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		global = 1;
	}
	struct smtp *s = xcalloc(1, sizeof *s);
	s->url = xstrdup(o->url);
	if ((s->curl = curl_easy_init()) == NULL)
		abort();        /* only when libcurl itself is out of memory */
	CURL *c = s->curl;
	curl_easy_setopt(c, CURLOPT_URL, o->url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	/* Never send mail in clear: STARTTLS must succeed on smtp://. */
	curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (o->ca_file != NULL)
		curl_easy_setopt(c, CURLOPT_CAINFO, o->ca_file);
	if (o->user != NULL) {
		curl_easy_setopt(c, CURLOPT_USERNAME, o->user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, o->password != NULL ? o->password : "");
	}
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, o->timeout > 0 ? o->timeout : 60L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, o->timeout > 0 ? o->timeout : 60L);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, s->errbuf);
	return s;
}

void smtp_free(struct smtp *s)
{
	if (s == NULL)
		return;
	curl_easy_cleanup(s->curl);
	free(s->url);
	free(s);
}

/* The host part of the URL, for messages. */
static void url_host(const char *url, char *buf, size_t size)
{
	const char *h = strstr(url, "://");
	h = h != NULL ? h + 3 : url;
	snprintf(buf, size, "%.*s", (int)strcspn(h, "/"), h);
}

/* What a curl result means for the batch; tables beat branches. */
static const struct {
	CURLcode rc;
	enum smtp_result res;
	enum cx_err err;
	const char *what;
} fatal[] = {
	{CURLE_LOGIN_DENIED, SMTP_FATAL, CX_ENOPERM, "authentication refused"},
	{CURLE_USE_SSL_FAILED, SMTP_FATAL, CX_EPROTOCOL, "server does not offer STARTTLS; refusing to send in clear"},
	{CURLE_COULDNT_CONNECT, SMTP_FATAL, CX_EUNAVAILABLE, "cannot connect"},
	{CURLE_COULDNT_RESOLVE_HOST, SMTP_FATAL, CX_EUNAVAILABLE, "cannot resolve host"},
	{CURLE_PEER_FAILED_VERIFICATION, SMTP_FATAL, CX_EPROTOCOL, "certificate verification failed"},
	{CURLE_SSL_CACERT_BADFILE, SMTP_FATAL, CX_ECONFIG, "cannot read the CA file"},
	{CURLE_SSL_CONNECT_ERROR, SMTP_FATAL, CX_EPROTOCOL, "TLS handshake failed"},
};

enum smtp_result smtp_send(struct smtp *s, const char *from, const char *rcpt,
			   const char *msg, size_t len, int *code,
			   struct cx_error *e)
{
	struct upload u = {msg, len, 0};
	struct curl_slist *to = curl_slist_append(NULL, rcpt);
	char host[256];
	long resp = 0;

	if (to == NULL)
		abort();
	s->errbuf[0] = '\0';
	curl_easy_setopt(s->curl, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(s->curl, CURLOPT_MAIL_RCPT, to);
	curl_easy_setopt(s->curl, CURLOPT_READDATA, &u);
	curl_easy_setopt(s->curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	/* After a failure (a 421 or a dropped connection closes the channel,
	 * and curl may not have noticed yet) the next attempt connects anew,
	 * so no retry is wasted on a dead connection. */
	curl_easy_setopt(s->curl, CURLOPT_FRESH_CONNECT, (long)s->fresh);
	CURLcode rc = curl_easy_perform(s->curl);
	s->fresh = rc != CURLE_OK;
	curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &resp);
	curl_easy_setopt(s->curl, CURLOPT_MAIL_RCPT, NULL);
	curl_slist_free_all(to);
	/* On a timeout or a dropped connection the code is that of the last
	 * reply received (e.g. EHLO's 250), not the reason: report none. */
	if (rc != CURLE_OK && resp < 400)
		resp = 0;
	*code = (int)resp;
	if (rc == CURLE_OK)
		return SMTP_SENT;
	url_host(s->url, host, sizeof host);
	const char *detail = s->errbuf[0] ? s->errbuf : curl_easy_strerror(rc);
	for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
		if (fatal[i].rc == rc) {
			cx_fail(e, fatal[i].err, "smtp %s: %s (%s)", host, fatal[i].what, detail);
			return fatal[i].res;
		}
	if (resp >= 500 && resp < 600) {
		cx_fail(e, CX_EDATA, "smtp %s: %s refused with %ld (%s)", host, rcpt, resp, detail);
		return SMTP_PERMFAIL;
	}
	cx_fail(e, CX_ETEMPFAIL, "smtp %s: %s deferred%s%.0ld (%s)", host, rcpt,
		resp ? " with " : "", resp, detail);
	return SMTP_TEMPFAIL;
}
