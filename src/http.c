/* http.c - concurrent bounded GET requests over libcurl's multi interface.
 * The only file that includes curl.h for HTTP; curl's types and codes stop
 * here (see http.h). */
#include <ctype.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <errno.h>
#include <unistd.h>

#include <curl/curl.h>

#include "http.h"
#include "log.h"
#include "version.h"
#include "xalloc.h"

/* Longest wait for activity before the loop looks at the clock again (a
 * retry falling due, the deadline): short, so that no answer waits on it. */
#define HTTP_POLL_MS 100

/* The state of one request during one attempt. */
struct transfer {
	struct http_request *req;
	CURL *easy;
	struct curl_slist *headers;
	char errbuf[CURL_ERROR_SIZE];
	char spool_err[CURL_ERROR_SIZE]; /* why the spool file failed */
	size_t cap;
	long max_body;
	const char *spool_prefix;
	FILE *spool;       /* open while a spooled body arrives */
	bool too_big;
	bool spool_failed; /* the spool file could not be written */
	bool transient;    /* the attempt failed and may be retried */
	bool waiting;      /* to be (re)tried at `due` */
	bool finished;     /* the outcome is final */
	bool past_deadline; /* a retry was due only after the deadline */
	long long due;     /* mono_ms of the next attempt */
};

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static CURLcode init_rc;

static void global_init(void) { init_rc = curl_global_init(CURL_GLOBAL_DEFAULT); }

void http_opts_init(struct http_opts *o)
{
	o->connect_timeout_ms = HTTP_CONNECT_TIMEOUT_MS;
	o->timeout_ms = HTTP_TIMEOUT_MS;
	o->max_body = HTTP_BODY_MAX;
	o->max_host_connections = HTTP_HOST_CONNECTIONS;
	o->max_redirects = HTTP_REDIRECTS_MAX;
	o->retries = HTTP_RETRIES;
	o->backoff_ms = HTTP_BACKOFF_MS;
	o->deadline_ms = 0;
	o->on_done = NULL;
	o->ctx = NULL;
	o->spool_prefix = NULL;
}

void http_request_release(struct http_request *r)
{
	free(r->body);
	r->body = NULL;
	r->len = r->head_len = 0;
	r->has_nul = false;
	r->last = '\0';
	if (r->spool != NULL) {
		unlink(r->spool);
		free(r->spool);
		r->spool = NULL;
	}
}

char *http_escape(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char *out = xmalloc(3 * strlen(s) + 1), *p = out;

	/* By hand: curl_easy_escape needs a handle and this is ten lines. */
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c) || strchr("-._~", c)) {
			*p++ = (char)c;
		} else {
			*p++ = '%';
			*p++ = hex[c >> 4];
			*p++ = hex[c & 15];
		}
	}
	*p = '\0';
	return out;
}

/* Keep `n` more bytes in memory: the buffer grows by doubling. */
static void keep(struct transfer *t, const char *data, size_t n)
{
	struct http_request *r = t->req;

	if (r->head_len + n + 1 > t->cap) {
		size_t ncap = t->cap ? t->cap : 16384;
		while (ncap < r->head_len + n + 1)
			ncap *= 2;
		r->body = xrealloc_array(r->body, ncap, 1);
		t->cap = ncap;
	}
	memcpy(r->body + r->head_len, data, n);
	r->head_len += n;
	r->body[r->head_len] = '\0';
}

/* Open the spool file PREFIX-XXXXXX for a body (removed by
 * http_request_release). */
static int spool_open(struct transfer *t)
{
	struct http_request *r = t->req;
	size_t n = strlen(t->spool_prefix) + sizeof "-XXXXXX";
	int fd;

	r->spool = xmalloc(n);
	snprintf(r->spool, n, "%s-XXXXXX", t->spool_prefix);
	fd = mkstemp(r->spool);
	if (fd < 0 || (t->spool = fdopen(fd, "wb")) == NULL) {
		snprintf(t->spool_err, sizeof t->spool_err, "cannot write the body to %s: %s",
			 r->spool, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(r->spool);
		}
		free(r->spool);
		r->spool = NULL;
		return -1;
	}
	return 0;
}

/* Write `n` bytes of a spooled body to its file. */
static int spool_write(struct transfer *t, const char *data, size_t n)
{
	if (t->spool == NULL && spool_open(t) != 0)
		return -1;
	if (fwrite(data, 1, n, t->spool) != n) {
		snprintf(t->spool_err, sizeof t->spool_err, "cannot write the body to %s: %s",
			 t->req->spool, strerror(errno));
		return -1;
	}
	return 0;
}

/* Close the spool file; -1 (errbuf set) when the body did not reach it. */
static int spool_close(struct transfer *t)
{
	int rc = 0;

	if (t->spool == NULL)
		return 0;
	if (fclose(t->spool) != 0 && !t->spool_failed) {
		t->spool_failed = true;
		snprintf(t->spool_err, sizeof t->spool_err, "cannot write the body to %s: %s",
			 t->req->spool, strerror(errno));
		rc = -1;
	}
	t->spool = NULL;
	return rc;
}

/* A chunk of the body as it arrives: never past max_body (a larger body
 * stops the transfer, and curl then reports a write error, which we
 * name). Held in memory, or with a spool_prefix written to a file with only
 * the first HTTP_HEAD_MAX bytes kept.
 * Why a file and not a push parser: fetch.c checks a body in two passes
 * (the record-by-record shape and range scan, then prices.c's loader,
 * which settles duplicate and conflicting dates over the whole series),
 * both reading through csv.h's bounded-chunk reader; a file lets both
 * passes run unchanged with memory bounded by CSV_CHUNK and the parsed
 * series, where a push parser would mean rewriting both as state
 * machines. */
static size_t on_body(char *data, size_t size, size_t nmemb, void *user)
{
	struct transfer *t = user;
	struct http_request *r = t->req;
	size_t n = size * nmemb, head;

	if (r->len + n > (size_t)t->max_body) {
		t->too_big = true;
		return 0;
	}
	if (n == 0)
		return 0;
	if (!r->has_nul && memchr(data, '\0', n) != NULL)
		r->has_nul = true;
	r->last = data[n - 1];
	if (t->spool_prefix == NULL) {
		keep(t, data, n);
	} else {
		head = r->len < HTTP_HEAD_MAX ? HTTP_HEAD_MAX - r->len : 0;
		keep(t, data, head < n ? head : n);
		if (spool_write(t, data, n) != 0) {
			t->spool_failed = true;
			return 0;
		}
	}
	r->len += n;
	return n;
}

/* Copy a header's value (trimmed) when it fits; else leave "" so that a
 * mangled validator is never sent back. */
static void take_value(char *dst, const char *v, size_t len)
{
	while (len > 0 && isspace((unsigned char)*v)) {
		v++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)v[len - 1]))
		len--;
	if (len < HTTP_HEADER_VALUE_MAX) {
		memcpy(dst, v, len);
		dst[len] = '\0';
	} else {
		dst[0] = '\0';
	}
}

static bool header_is(const char *line, size_t len, const char *name, size_t *vpos)
{
	size_t n = strlen(name);

	if (len <= n || line[n] != ':' || strncasecmp(line, name, n) != 0)
		return false;
	*vpos = n + 1;
	return true;
}

void http_take_header(struct http_request *r, const char *line, size_t len)
{
	size_t v;

	if (len >= 5 && strncmp(line, "HTTP/", 5) == 0) {
		/* a new response (after a redirect): forget the previous one's */
		r->etag[0] = r->last_modified[0] = r->content_type[0] = '\0';
	} else if (header_is(line, len, "ETag", &v)) {
		take_value(r->etag, line + v, len - v);
	} else if (header_is(line, len, "Last-Modified", &v)) {
		take_value(r->last_modified, line + v, len - v);
	} else if (header_is(line, len, "Content-Type", &v)) {
		take_value(r->content_type, line + v, len - v);
	}
}

static size_t on_header(char *line, size_t size, size_t nmemb, void *user)
{
	struct http_request *r = ((struct transfer *)user)->req;
	size_t len = size * nmemb;

	http_take_header(r, line, len);
	return len;
}

static struct curl_slist *request_headers(const struct http_request *r)
{
	struct curl_slist *h = NULL;
	char line[HTTP_HEADER_VALUE_MAX + 32];

	if (r->if_none_match != NULL && r->if_none_match[0] != '\0') {
		snprintf(line, sizeof line, "If-None-Match: %s", r->if_none_match);
		h = curl_slist_append(h, line);
	}
	if (r->if_modified_since != NULL && r->if_modified_since[0] != '\0') {
		snprintf(line, sizeof line, "If-Modified-Since: %s", r->if_modified_since);
		h = curl_slist_append(h, line);
	}
	if (r->extra_header != NULL)
		h = curl_slist_append(h, r->extra_header);
	return h;
}

/* Set up one easy handle with every bound of http.h. */
static int transfer_setup(struct transfer *t, const struct http_opts *o)
{
	CURL *c = curl_easy_init();

	if (c == NULL)
		return -1;
	t->easy = c;
	t->headers = request_headers(t->req);
	t->max_body = o->max_body;
	t->spool_prefix = o->spool_prefix;
	curl_easy_setopt(c, CURLOPT_URL, t->req->url);
	curl_easy_setopt(c, CURLOPT_PRIVATE, t);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, t->errbuf);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, o->max_redirects);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, o->connect_timeout_ms);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, o->timeout_ms);
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_body);
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "convex/" CONVEX_VERSION);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, t->headers);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, t);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, t);
	return 0;
}

static void transfer_cleanup(struct transfer *t)
{
	spool_close(t);
	curl_easy_cleanup(t->easy);
	curl_slist_free_all(t->headers);
	t->easy = NULL;
	t->headers = NULL;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* Milliseconds on a monotonic clock. */
static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The wait before the next attempt: the doubling backoff, or the server's
 * Retry-After when that is longer. */
static long long retry_wait(const struct transfer *t, const struct http_opts *o)
{
	long long wait = o->backoff_ms;
	curl_off_t after = 0;

	for (int i = 1; i < t->req->attempts && wait < HTTP_BACKOFF_MAX_MS; i++)
		wait *= 2;
	if (wait > HTTP_BACKOFF_MAX_MS)
		wait = HTTP_BACKOFF_MAX_MS;
	if (t->easy != NULL && curl_easy_getinfo(t->easy, CURLINFO_RETRY_AFTER, &after) == CURLE_OK &&
	    after > 0 && after * 1000 > wait)
		wait = after > HTTP_RETRY_AFTER_MAX_S ? HTTP_RETRY_AFTER_MAX_S * 1000LL : after * 1000LL;
	return wait;
}

/* Classify a finished HTTP response. */
static void judge_status(struct transfer *t, bool may_retry)
{
	struct http_request *r = t->req;
	long s = r->status;

	if (s == 200 || s == 304)
		return;
	t->transient = s >= 500 || s == 429 || s == 408;
	if (t->transient && may_retry)
		return;
	cx_fail(&r->err, s == 401 || s == 403 ? CX_ENOPERM
			 : (s >= 400 ? CX_EUNAVAILABLE : CX_EPROTOCOL),
		"%s: HTTP status %ld%s%s%s", r->display_url, s,
		s == 429 ? " (too many requests)" : "",
		r->attempts > 1 ? " (after retries)" : "",
		t->transient && t->past_deadline ? " (the next try would pass the fetch deadline)" : "");
}

/* Classify a transfer that ended without a usable response. */
static void judge_curl(struct transfer *t, CURLcode rc, bool may_retry)
{
	struct http_request *r = t->req;
	const char *why = t->errbuf[0] ? t->errbuf : curl_easy_strerror(rc);
	enum cx_err code = CX_EUNAVAILABLE;

	switch (rc) {
	case CURLE_OPERATION_TIMEDOUT: case CURLE_COULDNT_CONNECT:
	case CURLE_RECV_ERROR: case CURLE_SEND_ERROR: case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE: case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_HTTP2: case CURLE_HTTP2_STREAM:
		t->transient = true;
		break;
	case CURLE_BAD_CONTENT_ENCODING:
		code = CX_EDATA;
		why = "corrupt compressed body (Content-Encoding)";
		break;
	case CURLE_WRITE_ERROR: case CURLE_FILESIZE_EXCEEDED:
		code = CX_EDATA;
		break;
	case CURLE_TOO_MANY_REDIRECTS: case CURLE_UNSUPPORTED_PROTOCOL:
		code = CX_EPROTOCOL;
		break;
	default:
		break;
	}
	if (t->transient && may_retry)
		return;
	if (t->spool_failed)
		cx_fail(&r->err, CX_EIO, "%s: %s", r->display_url, t->spool_err);
	else if (code == CX_EDATA && (t->too_big || rc == CURLE_FILESIZE_EXCEEDED))
		cx_fail(&r->err, CX_EDATA, "%s: response larger than %ld bytes",
			r->display_url, t->max_body);
	else
		cx_fail(&r->err, code, "%s: %s%s", r->display_url, why,
			r->attempts > 1 ? " (after retries)" : "");
}

/* Reset a request's outputs before an attempt. */
static void request_reset(struct transfer *t)
{
	struct http_request *r = t->req;

	http_request_release(r);
	t->cap = 0;
	t->too_big = false;
	t->spool_failed = false;
	t->errbuf[0] = '\0';
	r->status = 0;
	r->etag[0] = r->last_modified[0] = r->content_type[0] = '\0';
	cx_error_clear(&r->err);
}

/* One http_perform: the multi handle, its transfers and the clock. */
struct perform {
	CURLM *m;
	struct transfer *ts;
	size_t n;
	const struct http_opts *o;
	long long deadline;     /* mono_ms, 0: none */
	size_t active, waiting, finished;
};

/* The request's outcome is final: hand it over and free its body. */
static void finish(struct perform *pf, struct transfer *t)
{
	t->finished = true;
	pf->finished++;
	if (pf->o->on_done != NULL) {
		pf->o->on_done(t->req, pf->o->ctx);
		http_request_release(t->req);
	}
}

/* Time left before the deadline (LLONG_MAX without one). */
static long long time_left(const struct perform *pf, long long now)
{
	return pf->deadline ? pf->deadline - now : LLONG_MAX;
}

static int start(struct perform *pf, struct transfer *t, long long now)
{
	long long left = time_left(pf, now);

	request_reset(t);
	t->req->attempts++;
	if (transfer_setup(t, pf->o) != 0)
		return -1;
	if (left < pf->o->timeout_ms)
		curl_easy_setopt(t->easy, CURLOPT_TIMEOUT_MS, (long)(left > 1 ? left : 1));
	if (curl_multi_add_handle(pf->m, t->easy) != CURLM_OK)
		return -1;
	t->waiting = false;
	pf->waiting--;
	pf->active++;
	return 0;
}

/* A transfer ended: retry it later (within the deadline) or finish it. */
static void ended(struct perform *pf, struct transfer *t, CURLcode rc, long long now)
{
	struct http_request *r = t->req;
	bool may_retry = r->attempts <= pf->o->retries;
	long long wait = 0;

	t->transient = false;
	t->past_deadline = false;
	if (may_retry) {
		wait = retry_wait(t, pf->o);
		may_retry = now + wait < (pf->deadline ? pf->deadline : LLONG_MAX);
		t->past_deadline = !may_retry;
	}
	if (rc == CURLE_OK && spool_close(t) != 0)
		rc = CURLE_WRITE_ERROR;
	if (rc == CURLE_OK) {
		curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &r->status);
		judge_status(t, may_retry);
	} else {
		judge_curl(t, rc, may_retry);
	}
	curl_multi_remove_handle(pf->m, t->easy);
	transfer_cleanup(t);
	pf->active--;
	if (t->transient && may_retry) {
		log_info("%s: attempt %d failed, will retry in %lld ms", r->display_url,
			 r->attempts, wait);
		t->waiting = true;
		t->due = now + wait;
		pf->waiting++;
		return;
	}
	finish(pf, t);
}

/* The deadline passed: every request still open fails. */
static void expire(struct perform *pf)
{
	for (size_t i = 0; i < pf->n; i++) {
		struct transfer *t = &pf->ts[i];
		if (t->finished)
			continue;
		if (t->easy != NULL) {
			curl_multi_remove_handle(pf->m, t->easy);
			transfer_cleanup(t);
		}
		http_request_release(t->req);
		cx_fail(&t->req->err, CX_EUNAVAILABLE, "%s: no answer within the fetch deadline of %ld s%s",
			t->req->display_url, pf->o->deadline_ms / 1000,
			t->req->attempts > 1 ? " (after retries)" : "");
		finish(pf, t);
	}
	pf->active = pf->waiting = 0;
}

/* Start every transfer that is due; the time until the next one is due. */
static int start_due(struct perform *pf, long long now, long long *next,
		     struct cx_error *e)
{
	*next = LLONG_MAX;
	for (size_t i = 0; i < pf->n; i++) {
		struct transfer *t = &pf->ts[i];
		if (!t->waiting)
			continue;
		if (t->due <= now) {
			if (start(pf, t, now) != 0)
				return cx_fail(e, CX_ESOFTWARE, "http: cannot set up a transfer");
		} else if (t->due - now < *next) {
			*next = t->due - now;
		}
	}
	return 0;
}

/* Wait for activity at most `ms` and take what finished. */
static int step(struct perform *pf, long ms, struct cx_error *e)
{
	int running = 0, left;
	long curl_ms = -1;
	CURLMsg *msg;
	CURLMcode mc = CURLM_OK;

	if (pf->active == 0) {
		sleep_ms(ms);
		return 0;
	}
	mc = curl_multi_perform(pf->m, &running);
	if (mc == CURLM_OK && running) {
		curl_multi_timeout(pf->m, &curl_ms);
		if (curl_ms >= 0 && curl_ms < ms)
			ms = curl_ms;
		mc = curl_multi_poll(pf->m, NULL, 0, (int)ms, NULL);
		if (mc == CURLM_OK)
			mc = curl_multi_perform(pf->m, &running);
	}
	if (mc != CURLM_OK)
		return cx_fail(e, CX_ESOFTWARE, "http: %s", curl_multi_strerror(mc));
	while ((msg = curl_multi_info_read(pf->m, &left)) != NULL) {
		struct transfer *t;
		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&t);
		ended(pf, t, msg->data.result, mono_ms());
	}
	return 0;
}

static int perform_loop(struct perform *pf, struct cx_error *e)
{
	while (pf->finished < pf->n) {
		long long now = mono_ms(), next;
		if (pf->deadline && now >= pf->deadline) {
			expire(pf);
			break;
		}
		if (start_due(pf, now, &next, e) != 0)
			return -1;
		if (next > HTTP_POLL_MS)
			next = HTTP_POLL_MS;
		if (time_left(pf, now) < next)
			next = time_left(pf, now);
		if (step(pf, (long)(next > 0 ? next : 0), e) != 0)
			return -1;
	}
	return 0;
}

int http_perform(struct http_request *reqs, size_t n,
		 const struct http_opts *o, struct cx_error *e)
{
	struct perform pf = {.n = n, .o = o};
	int rc = -1;

	pf.ts = xcalloc(n, sizeof *pf.ts);
	pthread_once(&init_once, global_init);
	if (init_rc != CURLE_OK || (pf.m = curl_multi_init()) == NULL) {
		cx_fail(e, CX_ESOFTWARE, "http: cannot initialise libcurl");
		goto done;
	}
	curl_multi_setopt(pf.m, CURLMOPT_MAX_HOST_CONNECTIONS, o->max_host_connections);
	if (o->deadline_ms > 0)
		pf.deadline = mono_ms() + o->deadline_ms;
	for (size_t i = 0; i < n; i++) {
		pf.ts[i].req = &reqs[i];
		pf.ts[i].waiting = true;
		reqs[i].attempts = 0;
		reqs[i].body = NULL;
		reqs[i].spool = NULL;
	}
	pf.waiting = n;
	rc = perform_loop(&pf, e);
done:
	for (size_t i = 0; i < n; i++)
		if (pf.ts[i].easy != NULL) {
			curl_multi_remove_handle(pf.m, pf.ts[i].easy);
			transfer_cleanup(&pf.ts[i]);
		}
	curl_multi_cleanup(pf.m);
	free(pf.ts);
	return rc;
}
