/* smtp.c - SMTP submission over libcurl (the only curl SMTP user).
 *
 * libcurl runs the whole transaction in one curl_easy_perform, so the
 * phase it failed in is followed here from its debug stream (the commands
 * it sends, the replies it reads) and from the read callback (the message
 * fully handed over = the final dot follows). The per-phase timeouts are
 * enforced by the progress callback, which libcurl calls at least once a
 * second while it waits.
 *
 * SMTPUTF8 (RFC 6531). libcurl 7.88 (lib/smtp.c, smtp_perform_mail) adds
 * the SMTPUTF8 parameter to MAIL FROM by itself when the relay's EHLO
 * offered it and an address is not ASCII; when the relay did not offer it,
 * libcurl sends the UTF-8 address anyway, and it never tells its caller
 * what EHLO offered. So the EHLO reply is read here, from the same debug
 * stream that marks the phases, and a non-ASCII recipient is sent only
 * when the relay is known to offer SMTPUTF8; otherwise it is refused here,
 * before anything is sent. When the current connection's EHLO has not been
 * seen yet (the first message of a batch), a probe learns it: a NOOP
 * transaction (connect, greeting, EHLO, STARTTLS, AUTH, NOOP), whose
 * connection curl keeps for the message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "killpoint.h"
#include "smtp.h"
#include "xalloc.h"

#define SMTP_TIMEOUT_DEFAULT 60
#define SMTP_HOST_MAX 256

/* Where a transaction is; the order matters (comparisons below). */
enum phase {
	PH_CONNECT,   /* connect, greeting, EHLO, STARTTLS, AUTH */
	PH_MAIL,      /* MAIL FROM sent */
	PH_RCPT,      /* RCPT TO sent */
	PH_DATA,      /* DATA sent, waiting for 354 */
	PH_BODY,      /* 354 received, the message is going out */
	PH_DOT,       /* the whole message handed to curl: the final dot is
			 sent and its reply awaited */
};

static const char *const phase_name[] = {
	"the greeting (connect, EHLO, STARTTLS, AUTH)", "the reply to MAIL FROM",
	"the reply to RCPT TO", "the reply to DATA", "sending the message",
	"the reply to the final dot",
};

struct smtp {
	CURL *curl;
	char *url;
	char host[SMTP_HOST_MAX];
	char errbuf[CURL_ERROR_SIZE];
	long timeout, connect_timeout, data_timeout;
	int fresh;           /* the last transaction failed: don't reuse its connection */
	enum phase phase;
	struct timespec phase_t;
	int timed_out;       /* the progress callback gave up in this phase */
	int utf8;            /* the last EHLO offered SMTPUTF8: 1 yes, 0 no,
				-1 no EHLO seen yet */
	int ehlo_utf8;       /* SMTPUTF8 among the EHLO lines read so far */
	bool in_ehlo;        /* EHLO (or HELO) sent, its last line not read */
};

struct upload {
	struct smtp *s;
	const char *data;
	size_t len, off;
};

static double since(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) + 1e-9 * (double)(now.tv_nsec - t->tv_nsec);
}

static void enter(struct smtp *s, enum phase p)
{
	s->phase = p;
	clock_gettime(CLOCK_MONOTONIC, &s->phase_t);
}

static size_t read_cb(char *buf, size_t size, size_t nitems, void *arg)
{
	struct upload *u = arg;
	size_t n = size * nitems;
	if (n > u->len - u->off)
		n = u->len - u->off;
	memcpy(buf, u->data + u->off, n);
	u->off += n;
	/* curl stops asking once it has the announced size: the last part
	 * handed over means the final dot follows. Each part before it gets
	 * the timeout anew. */
	if (u->off == u->len) {
		if (u->s->phase < PH_DOT)
			enter(u->s, PH_DOT);
	} else if (n > 0) {
		enter(u->s, PH_BODY);
	}
	return n;
}

/* One line of the reply to EHLO ("250-SMTPUTF8", ..., "250 HELP"): the
 * extension keyword after the code, as libcurl itself matches it. */
static void ehlo_line(struct smtp *s, const char *data, size_t size)
{
	if (size < 4 || strncmp(data, "250", 3) != 0) {
		s->in_ehlo = false;   /* refused: curl falls back to HELO */
		return;
	}
	if (size >= 12 && !strncasecmp(data + 4, "SMTPUTF8", 8) &&
	    (size == 12 || strchr(" \r\n", data[12]) != NULL))
		s->ehlo_utf8 = 1;
	if (data[3] == ' ') {
		s->utf8 = s->ehlo_utf8;
		s->in_ehlo = false;
	}
}

/* The commands curl sends and the replies it reads mark the phases. */
static int debug_cb(CURL *c, curl_infotype type, char *data, size_t size, void *arg)
{
	struct smtp *s = arg;
	(void)c;
	if (type == CURLINFO_HEADER_OUT) {
		if (size >= 5 && (!strncmp(data, "EHLO ", 5) || !strncmp(data, "HELO ", 5))) {
			s->in_ehlo = data[0] == 'E';
			s->ehlo_utf8 = 0;
			s->utf8 = s->in_ehlo ? s->utf8 : 0;
		} else if (size >= 10 && !strncmp(data, "MAIL FROM:", 10))
			enter(s, PH_MAIL);
		else if (size >= 8 && !strncmp(data, "RCPT TO:", 8))
			enter(s, PH_RCPT);
		else if (size >= 4 && !strncmp(data, "DATA", 4)) {
			killpoint("before-data");
			enter(s, PH_DATA);
		}
	} else if (type == CURLINFO_HEADER_IN && s->in_ehlo) {
		ehlo_line(s, data, size);
	} else if (type == CURLINFO_HEADER_IN && size >= 3 && !strncmp(data, "354", 3)) {
		enter(s, PH_BODY);
	}
	return 0;
}

static long phase_limit(const struct smtp *s)
{
	return s->phase == PH_CONNECT ? s->connect_timeout :
	       s->phase == PH_DOT ? s->data_timeout : s->timeout;
}

static int progress_cb(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	struct smtp *s = arg;
	(void)dt, (void)dn, (void)ut, (void)un;
	if (since(&s->phase_t) <= (double)phase_limit(s))
		return 0;
	s->timed_out = 1;
	return 1;
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
	s->utf8 = -1;
	s->url = xstrdup(o->url);
	s->timeout = o->timeout > 0 ? o->timeout : SMTP_TIMEOUT_DEFAULT;
	s->connect_timeout = o->connect_timeout > 0 ? o->connect_timeout : SMTP_CONNECT_TIMEOUT;
	s->data_timeout = o->data_timeout > 0 ? o->data_timeout : SMTP_DATA_TIMEOUT;
	const char *h = strstr(o->url, "://") + 3;
	snprintf(s->host, sizeof s->host, "%.*s", (int)strcspn(h, "/"), h);
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
	/* The connect timeout covers curl's protocol connect too (greeting,
	 * EHLO, STARTTLS, AUTH); the reply timeout is the longest phase's
	 * (the progress callback holds each phase to its own); no timeout
	 * for the whole transfer. */
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, s->connect_timeout);
	curl_easy_setopt(c, CURLOPT_SERVER_RESPONSE_TIMEOUT,
			 s->data_timeout > s->timeout ? s->data_timeout : s->timeout);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 0L);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, progress_cb);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, s);
	curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);
	curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, debug_cb);
	curl_easy_setopt(c, CURLOPT_DEBUGDATA, s);
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

/* Failures that trying again will not cure; tables beat branches. */
static const struct {
	CURLcode rc;
	enum cx_err err;
	const char *what;
} fatal[] = {
	{CURLE_LOGIN_DENIED, CX_ENOPERM, "authentication refused"},
	{CURLE_USE_SSL_FAILED, CX_EPROTOCOL, "server does not offer STARTTLS; refusing to send in clear"},
	{CURLE_PEER_FAILED_VERIFICATION, CX_EPROTOCOL, "certificate verification failed"},
	{CURLE_SSL_CACERT_BADFILE, CX_ECONFIG, "cannot read the CA file"},
};

static void classify(struct smtp *s, CURLcode rc, long resp, const char *rcpt,
		     struct smtp_outcome *out, struct cx_error *e)
{
	char detail[CURL_ERROR_SIZE + 128];
	if (s->timed_out)
		snprintf(detail, sizeof detail, "no progress within %ld s waiting for %s",
			 phase_limit(s), phase_name[s->phase]);
	else
		snprintf(detail, sizeof detail, "%s", s->errbuf[0] ? s->errbuf : curl_easy_strerror(rc));
	for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
		if (fatal[i].rc == rc) {
			out->result = SMTP_FATAL;
			cx_fail(e, fatal[i].err, "smtp %s: %s (%s)", s->host, fatal[i].what, detail);
			return;
		}
	/* Before MAIL FROM nothing of this message reached the relay: its
	 * failure is the relay's, whatever the reply code. */
	if (s->phase == PH_CONNECT) {
		out->result = SMTP_TEMPFAIL;
		out->relay = true;
		const char *what = rc == CURLE_COULDNT_CONNECT ? "cannot connect" :
				   rc == CURLE_COULDNT_RESOLVE_HOST ? "cannot resolve host" :
				   rc == CURLE_SSL_CONNECT_ERROR ? "TLS handshake failed" : "relay not ready";
		cx_fail(e, CX_ETEMPFAIL, "smtp %s: %s%s%.0ld (%s)", s->host, what,
			resp ? ": greeting " : "", resp, detail);
		return;
	}
	/* A failed write means our final dot did not go out whole: not taken.
	 * Otherwise, after the whole message was handed over, a missing reply
	 * leaves the outcome unknown: the relay may have had the dot. */
	if (s->phase == PH_DOT && resp < 400 && rc != CURLE_SEND_ERROR) {
		out->result = SMTP_UNKNOWN;
		out->relay = true;
		cx_fail(e, CX_ETEMPFAIL, "smtp %s: %s: no reply after the final dot, the relay "
			"may have taken the message (%s)", s->host, rcpt, detail);
		return;
	}
	if (resp >= 500 && resp < 600) {
		out->result = SMTP_PERMFAIL;
		cx_fail(e, CX_EDATA, "smtp %s: %s refused with %ld (%s)", s->host, rcpt, resp, detail);
		return;
	}
	out->result = SMTP_TEMPFAIL;
	out->relay = resp < 400 || resp == 421;
	cx_fail(e, CX_ETEMPFAIL, "smtp %s: %s deferred%s%.0ld (%s)", s->host, rcpt,
		resp >= 400 ? " with " : "", resp >= 400 ? resp : 0, detail);
}

bool smtp_needs_utf8(const char *addr)
{
	for (const unsigned char *p = (const unsigned char *)addr; *p; p++)
		if (*p >= 0x80)
			return true;
	return false;
}

/* A NOOP's reply text: not wanted (curl would print it on stdout). */
static size_t discard_cb(char *buf, size_t size, size_t nitems, void *arg)
{
	(void)buf, (void)arg;
	return size * nitems;
}

/* Learn whether the relay offers SMTPUTF8 (see the top): connect (or reuse
 * the connection), EHLO, NOOP. Returns 0, or -1 with *out and `e` filled
 * like a transaction that failed before MAIL FROM. */
static int probe_utf8(struct smtp *s, const char *rcpt, struct smtp_outcome *out,
		      struct cx_error *e)
{
	long resp = 0;
	CURL *c = s->curl;

	curl_easy_setopt(c, CURLOPT_UPLOAD, 0L);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "NOOP");
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard_cb);
	curl_easy_setopt(c, CURLOPT_FRESH_CONNECT, (long)s->fresh);
	CURLcode rc = curl_easy_perform(c);
	s->fresh = rc != CURLE_OK;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, NULL);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, NULL);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	if (rc == CURLE_OK && s->utf8 >= 0)
		return 0;
	if (rc == CURLE_OK)      /* a relay that answered no EHLO at all */
		s->utf8 = 0;
	else
		classify(s, rc, resp < 400 ? 0 : resp, rcpt, out, e);
	return rc == CURLE_OK ? 0 : -1;
}

enum smtp_result smtp_send(struct smtp *s, const char *from, const char *rcpt,
			   const char *msg, size_t len, struct smtp_outcome *out,
			   struct cx_error *e)
{
	struct upload u = {s, msg, len, 0};
	struct curl_slist *to;
	long resp = 0;
	bool utf8 = smtp_needs_utf8(rcpt) || smtp_needs_utf8(from);

	memset(out, 0, sizeof *out);
	s->errbuf[0] = '\0';
	s->timed_out = 0;
	enter(s, PH_CONNECT);
	if (utf8 && s->utf8 < 0 && probe_utf8(s, rcpt, out, e) != 0)
		return out->result;
	if (utf8 && s->utf8 == 0) {
		out->result = SMTP_PERMFAIL;
		out->needs_utf8 = true;
		cx_fail(e, CX_EDATA, "smtp %s: %s is not an ASCII address and the relay does not "
			"offer SMTPUTF8 (RFC 6531); not sent", s->host, rcpt);
		return out->result;
	}
	enter(s, PH_CONNECT);
	if ((to = curl_slist_append(NULL, rcpt)) == NULL)
		abort();
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
	out->code = (int)resp;
	if (rc == CURLE_OK)
		out->result = SMTP_SENT;
	else
		classify(s, rc, resp, rcpt, out, e);
	return out->result;
}
