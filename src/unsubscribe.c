/* unsubscribe.c - the unsubscribe endpoint as a CGI/1.1 program (see
 * unsubscribe.h). Pages are small fixed HTML written here: no template
 * engine is needed for three sentences, and no JavaScript is sent. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glib.h>

#include "job.h"
#include "log.h"
#include "mail.h"
#include "suppress.h"
#include "token.h"
#include "unsubscribe.h"

enum page { PAGE_CONFIRM, PAGE_DONE, PAGE_INVALID, PAGE_METHOD, PAGE_ERROR };

static const struct {
	int status;
	const char *reason, *heading;
} pages[] = {
	[PAGE_CONFIRM] = {200, "OK", "Unsubscribe?"},
	[PAGE_DONE] = {200, "OK", "You are unsubscribed"},
	[PAGE_INVALID] = {400, "Bad Request", "This link does not work"},
	[PAGE_METHOD] = {405, "Method Not Allowed", "This link does not work"},
	[PAGE_ERROR] = {503, "Service Unavailable", "Please try again later"},
};

static const char style[] =
	"body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:34em;"
	"margin:2em auto;padding:0 1em;line-height:1.5;color:#222;background:#fff}"
	"h1{font-size:1.4em}.addr{word-break:break-all;font-weight:bold}"
	"button{font-size:1.1em;padding:.6em 1.4em;border:0;border-radius:6px;"
	"background:#1a5fb4;color:#fff;cursor:pointer}";

struct request {
	const struct job *job;
	GHashTable *params;     /* query, then form body over it */
	const char *email, *token;
	const char *how;        /* "one-click", "form", "" */
};

/* Write the response: status line, headers, and the page around `body`
 * (already escaped HTML). */
static void respond(FILE *out, const struct job *job, enum page p, const char *body)
{
	gchar *title = g_markup_escape_text(job != NULL ? job->digest.title : "convex", -1);
	fprintf(out, "Status: %d %s\r\n"
		     "Content-Type: text/html; charset=utf-8\r\n"
		     "Cache-Control: no-store\r\n"
		     "X-Content-Type-Options: nosniff\r\n"
		     "Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'; form-action 'self'\r\n"
		     "Referrer-Policy: no-referrer\r\n",
		pages[p].status, pages[p].reason);
	if (p == PAGE_METHOD)
		fprintf(out, "Allow: GET, POST\r\n");
	fprintf(out, "\r\n<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
		     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		     "<meta name=\"robots\" content=\"noindex\">\n"
		     "<title>%s - %s</title>\n<style>%s</style></head>\n<body>\n<h1>%s</h1>\n%s\n</body></html>\n",
		pages[p].heading, title, style, pages[p].heading, body);
	g_free(title);
}

static const char invalid_body[] =
	"<p>This unsubscribe link is incomplete or out of date. Some mail programs "
	"cut long links in two.</p>\n<p>To unsubscribe, open the link at the end of "
	"the most recent message you received, or reply to that message.</p>";

/* The confirmation page: one button that POSTs the same parameters. */
static void confirm_page(FILE *out, const struct request *q)
{
	gchar *t = g_markup_escape_text(q->job->digest.title, -1);
	gchar *a = g_markup_escape_text(q->email, -1);
	gchar *k = g_markup_escape_text(q->token, -1);
	gchar *body = g_strdup_printf(
		"<p>Stop sending <b>%s</b> to</p>\n<p class=\"addr\">%s</p>\n"
		"<form method=\"post\" action=\"\">\n"
		"<input type=\"hidden\" name=\"email\" value=\"%s\">\n"
		"<input type=\"hidden\" name=\"token\" value=\"%s\">\n"
		"<button type=\"submit\" name=\"confirm\" value=\"yes\">Unsubscribe</button>\n"
		"</form>", t, a, a, k);
	respond(out, q->job, PAGE_CONFIRM, body);
	g_free(body), g_free(t), g_free(a), g_free(k);
}

static void done_page(FILE *out, const struct request *q)
{
	gchar *t = g_markup_escape_text(q->job->digest.title, -1);
	gchar *a = g_markup_escape_text(q->email, -1);
	gchar *body = g_strdup_printf("<p class=\"addr\">%s</p>\n<p>will receive no more "
				      "messages of <b>%s</b>.</p>", a, t);
	respond(out, q->job, PAGE_DONE, body);
	g_free(body), g_free(t), g_free(a);
}

/* One log line; the address is the client's input: escaped, cut. */
static void log_outcome(const struct unsub_request *r, int status, const char *what,
			const char *email)
{
	gchar *a = g_strescape(email != NULL ? email : "", NULL);
	log_msg(status >= 500 ? LOG_ERROR : status >= 400 ? LOG_WARNING : LOG_INFO, "unsubscribe: %d %s %s \"%.300s\" from %s",
		status, r->method != NULL ? r->method : "-", what, a,
		r->remote_addr != NULL ? r->remote_addr : "-");
	g_free(a);
}

/* Parse a urlencoded string into `into` (later keys win). 0, or -1 when
 * the encoding is invalid. */
static int parse_params(GHashTable *into, const char *s, size_t len)
{
	GError *ge = NULL;
	if (len == 0)
		return 0;
	GHashTable *h = g_uri_parse_params(s, (gssize)len, "&", G_URI_PARAMS_WWW_FORM, &ge);
	if (h == NULL) {
		g_error_free(ge);
		return -1;
	}
	GHashTableIter it;
	gpointer k, v;
	g_hash_table_iter_init(&it, h);
	while (g_hash_table_iter_next(&it, &k, &v))
		g_hash_table_replace(into, g_strdup(k), g_strdup(v));
	g_hash_table_unref(h);
	return 0;
}

/* Read and parse a POST body. Returns 0, or -1 when it is too large,
 * shorter than announced or badly encoded. */
static int read_body(const struct unsub_request *r, FILE *in, struct request *q)
{
	char *end;
	const char *cl = r->content_length != NULL ? r->content_length : "0";
	unsigned long n = strtoul(cl, &end, 10);
	if (*cl == '\0' || *end != '\0' || cl[0] == '-' || n > UNSUB_BODY_MAX)
		return -1;
	char *body = g_malloc(n + 1);
	size_t got = n ? fread(body, 1, n, in) : 0;
	body[got] = '\0';
	int rc = got == n ? 0 : -1;
	/* RFC 8058 allows multipart/form-data too; its parameters are then
	 * the query string's, so only urlencoded bodies are parsed. */
	const char *ct = r->content_type != NULL ? r->content_type : "";
	if (rc == 0 && g_ascii_strncasecmp(ct, "multipart/", 10) != 0) {
		if (strlen(body) != got || parse_params(q->params, body, got) != 0)
			rc = -1;
	}
	if (rc == 0) {
		const char *oc = g_hash_table_lookup(q->params, "List-Unsubscribe");
		q->how = oc != NULL && !strcmp(oc, "One-Click") ? "one-click"
			: g_hash_table_contains(q->params, "confirm") ? "form" : "post";
	}
	g_free(body);
	return rc;
}

static int suppress_request(const struct unsub_request *r, struct request *q,
			    struct cx_error *e)
{
	char source[SUPPRESS_SOURCE_MAX];
	struct suppress *s = suppress_open(q->job, false, e);
	int rc = -1;
	snprintf(source, sizeof source, "%s from %s", q->how, r->remote_addr != NULL ? r->remote_addr : "-");
	if (s != NULL)
		rc = suppress_add(s, q->email, SUPPRESS_UNSUB_WEB, source, time(NULL), e);
	suppress_free(s);
	return rc;
}

static int serve(const struct unsub_request *r, struct request *q, FILE *in, FILE *out,
		 struct cx_error *e)
{
	struct token_keyring kr;
	const char *m = r->method != NULL ? r->method : "";
	int get = !strcmp(m, "GET") || !strcmp(m, "HEAD"), post = !strcmp(m, "POST");
	const char *query = r->query != NULL ? r->query : "";

	if (!get && !post) {
		log_outcome(r, 405, "method not allowed", NULL);
		respond(out, q->job, PAGE_METHOD, invalid_body);
		return 405;
	}
	if (strlen(query) > UNSUB_QUERY_MAX || parse_params(q->params, query, strlen(query)) != 0 ||
	    (post && read_body(r, in, q) != 0)) {
		log_outcome(r, 400, "malformed request", NULL);
		respond(out, q->job, PAGE_INVALID, invalid_body);
		return 400;
	}
	q->email = g_hash_table_lookup(q->params, "email");
	q->token = g_hash_table_lookup(q->params, "token");
	if (token_keyring_from_job(q->job, &kr, e) <= 0) {
		if (e->code == CX_OK)
			cx_fail(e, CX_ECONFIG, "%s: <digest> names no secret-env: no token can be checked", q->job->path);
		log_outcome(r, 503, e->msg, q->email);
		respond(out, q->job, PAGE_ERROR, "<p>Nothing was changed.</p>");
		return 503;
	}
	static const char *const why[] = {
		[TOKEN_OK] = "", [TOKEN_MALFORMED] = "malformed token",
		[TOKEN_UNKNOWN_KEY] = "token of a key no longer accepted",
		[TOKEN_BAD_MAC] = "token for another address or list",
	};
	char addr[MAIL_ADDR_MAX + 1];
	enum token_check tc = TOKEN_MALFORMED;
	if (q->email != NULL && q->token != NULL && mail_parse_address(q->email, addr, NULL, NULL) == 0)
		tc = token_verify(&kr, q->job->name, addr, q->token);
	if (tc != TOKEN_OK) {
		log_outcome(r, 400, q->email == NULL || q->token == NULL ? "missing email or token" : why[tc], q->email);
		respond(out, q->job, PAGE_INVALID, invalid_body);
		return 400;
	}
	if (get) {
		log_outcome(r, 200, "confirmation page for", addr);
		confirm_page(out, q);
		return 200;
	}
	int added = suppress_request(r, q, e);
	if (added < 0) {
		log_outcome(r, 503, e->msg, addr);
		respond(out, q->job, PAGE_ERROR, "<p>Nothing was changed.</p>");
		return 503;
	}
	log_outcome(r, 200, added ? "suppressed" : "already suppressed", addr);
	done_page(out, q);
	return 200;
}

int unsubscribe_serve(const struct job *job, const struct unsub_request *r,
		      FILE *in, FILE *out, struct cx_error *e)
{
	struct request q = {.job = job, .how = ""};
	q.params = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	cx_error_clear(e);
	int status = serve(r, &q, in, out, e);
	g_hash_table_unref(q.params);
	fflush(out);
	return status;
}

void unsubscribe_fail_page(FILE *out)
{
	respond(out, NULL, PAGE_ERROR, "<p>Nothing was changed.</p>");
	fflush(out);
}

void unsub_request_from_env(struct unsub_request *r)
{
	r->method = getenv("REQUEST_METHOD");
	r->query = getenv("QUERY_STRING");
	r->content_length = getenv("CONTENT_LENGTH");
	r->content_type = getenv("CONTENT_TYPE");
	r->remote_addr = getenv("REMOTE_ADDR");
}
