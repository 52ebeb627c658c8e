/* deliver.c - the digest of a run to every subscriber: templates -> message
 * -> .eml file, or SMTP under the ledger's exactly-once protocol -> archive. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

#include "archive.h"
#include "atomicset.h"
#include "deliver.h"
#include "killpoint.h"
#include "ledger.h"
#include "log.h"
#include "mailarchive.h"
#include "mail.h"
#include "paths.h"
#include "pool.h"
#include "premade.h"
#include "progress.h"
#include "relay.h"
#include "rundir.h"
#include "sendpool.h"
#include "smtp.h"
#include "subscribers.h"
#include "suppress.h"
#include "template.h"
#include "token.h"
#include "verp.h"
#include "xalloc.h"

#define DELIVER_PATH_MAX 4096
/* Bytes of the per-subscriber pairs parameter "|A-B|C-D|". */
#define DELIVER_PAIRS_PARAM_MAX 65536
/* Messages per group: one ledger commit to mark them "sending", one for
 * their outcomes, one sync of their archived copies (smtp_group). Larger
 * groups save commits and widen the duplicate window (see there). */
#define DELIVER_GROUP 32
/* .eml files per group: built on up to DELIVER_EML_THREADS_MAX threads
 * and written under temporary names in subscriber order as they are built,
 * by the calling thread, which builds messages itself while the next one
 * to write is not ready (pool_run_ordered; a built message is held until
 * written: 20-90 KB); every DELIVER_EML_COMMIT files one atomicset commit
 * (two syncfs, ~3-30 ms each here) publishes them instead of two fsyncs
 * per file. */
#define DELIVER_EML_GROUP 128
#define DELIVER_EML_COMMIT 1024
#define DELIVER_EML_THREADS_MAX 8

enum { T_SUBJECT, T_TEXT, T_HTML, T_COUNT };
static const char *const template_files[T_COUNT] = {
	"templates/digest-subject.xsl", "templates/digest-text.xsl", "templates/digest-html.xsl",
};

/* The result of a template that reads no per-subscriber parameter
 * (template_mentions_param): made by the first message, copied by the
 * others. The others make some of their sections once (premade.h). */
struct shared_parts {
	pthread_mutex_t lock;
	int shared[T_COUNT];
	char *out[T_COUNT];
};

struct batch {
	const struct job *job;
	const char *run_dir;
	struct template_doc *report;
	struct template *tpl[T_COUNT];
	struct shared_parts *parts;
	struct premade *premade;    /* sections made once (premade.h) */
	int compose_threads;        /* 1 when a template uses xsl:key (template.h) */
	struct subscribers *subs;
	char as_of[DATE_STR_SIZE];
	cx_date date;
	char from_addr[MAIL_ADDR_MAX + 1];
	const char *domain;
	struct token_keyring keys;  /* keys.n == 0: no unsubscribe token */
	struct suppress *sup;       /* the suppression list (suppress.h) */
	char pdf_base[2048], web_url[2048 + 16];
	char **pair_ids, **pair_a, **pair_b, **group_a, **group_b;
	size_t npairs;
	GHashTable *by_ab;          /* "A\x1fB" -> GArray of the indices of the
				       pairs A/B and B/A, ascending */
	time_t eml_date;            /* Date of .eml files: report.xml's mtime */
	struct ledger *ledger;
	struct sendpool *pool;      /* NULL: no <smtp>, .eml files */
	struct relay relay;         /* the circuit breaker */
	struct mailarchive *archive;
	struct mail_images *images; /* each chart read and encoded once */
	char archive_mail[DELIVER_PATH_MAX + 16];
	size_t repaired;            /* archive files or manifest lines restored */
	struct deliver_summary *sum;
	struct progress pg;         /* the "mail" bar: one step per message */
};

/* ---- setup ---------------------------------------------------------------- */

/* The threads composing .eml files: every core, the output the same for
 * any number (each message lands in its own slot). */
static int eml_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > DELIVER_EML_THREADS_MAX ? DELIVER_EML_THREADS_MAX : (int)n;
}

static int load_templates(struct batch *b, struct cx_error *e)
{
	char path[DELIVER_PATH_MAX];
	for (int i = 0; i < T_COUNT; i++) {
		if (paths_data_file(template_files[i], path, sizeof path) == NULL)
			return cx_fail(e, CX_ECONFIG, "data directory path too long");
		if ((b->tpl[i] = template_load(path, e)) == NULL)
			return -1;
	}
	/* The compose threads share the report and the templates: safe only
	 * without xsl:key (template.h). An operator's own template with a key
	 * composes on one thread. */
	b->compose_threads = eml_threads();
	for (int i = 0; i < T_COUNT; i++)
		if (template_uses_keys(b->tpl[i]))
			b->compose_threads = 1;
	static const char *const per_subscriber[] = {"name", "email", "pairs", "unsubscribe-url"};
	b->parts = xcalloc(1, sizeof *b->parts);
	pthread_mutex_init(&b->parts->lock, NULL);
	for (int i = 0; i < T_COUNT; i++) {
		b->parts->shared[i] = 1;
		for (size_t k = 0; k < sizeof per_subscriber / sizeof *per_subscriber; k++)
			if (template_mentions_param(b->tpl[i], per_subscriber[k]))
				b->parts->shared[i] = 0;
	}
	return 0;
}

static void parts_free(struct shared_parts *p)
{
	if (p == NULL)
		return;
	for (int i = 0; i < T_COUNT; i++)
		free(p->out[i]);
	pthread_mutex_destroy(&p->lock);
	free(p);
}

/* Template i for one subscriber, or a copy of the batch's one result. */
static int render_part(const struct batch *b, int i, const char *const *params, char **out,
		       struct cx_error *e)
{
	struct shared_parts *p = b->parts;
	size_t len;
	int rc = 0;

	if (!p->shared[i])
		return template_apply(b->tpl[i], b->report, params, out, &len, e);
	pthread_mutex_lock(&p->lock);
	if (p->out[i] == NULL)
		rc = template_apply(b->tpl[i], b->report, params, &p->out[i], &len, e);
	*out = rc == 0 ? xstrdup(p->out[i]) : NULL;
	pthread_mutex_unlock(&p->lock);
	return rc;
}

static void array_free(gpointer a)
{
	g_array_free(a, TRUE);
}

/* b->by_ab: a subscriber's "A/B" found at once rather than by a pass over
 * every pair (1,000 subscribers of up to 435 pairs each: 150 million
 * comparisons, on the thread that composes in order). */
static void index_pairs(struct batch *b)
{
	b->by_ab = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, array_free);
	for (size_t i = 0; i < b->npairs; i++) {
		for (int o = 0; o < 2; o++) {
			gchar *key = g_strdup_printf("%s\x1f%s", o ? b->pair_b[i] : b->pair_a[i],
						     o ? b->pair_a[i] : b->pair_b[i]);
			GArray *v = g_hash_table_lookup(b->by_ab, key);
			if (v == NULL) {
				v = g_array_new(FALSE, FALSE, sizeof(size_t));
				g_hash_table_insert(b->by_ab, key, v);
			} else {
				g_free(key);
			}
			if (v->len == 0 || g_array_index(v, size_t, v->len - 1) != i)
				g_array_append_val(v, i);
		}
	}
}

static int load_report(struct batch *b, struct cx_error *e)
{
	char path[DELIVER_PATH_MAX];
	struct stat st;
	snprintf(path, sizeof path, "%s/report.xml", b->run_dir);
	if ((b->report = template_doc_load(path, e)) == NULL)
		return -1;
	b->eml_date = stat(path, &st) == 0 ? st.st_mtime : time(NULL);
	char *d = template_doc_string(b->report, "string(/report/@as-of)");
	int ok = d != NULL && date_parse(d, strlen(d), &b->date);
	if (ok)
		snprintf(b->as_of, sizeof b->as_of, "%s", d);
	free(d);
	if (!ok)
		return cx_fail(e, CX_EDATA, "%s: no valid as-of date on <report>", path);
	static const char *const xp[] = {"/report/pairs/pair/@id", "/report/pairs/pair/@a",
		"/report/pairs/pair/@b", "/report/pairs/pair/@a-group", "/report/pairs/pair/@b-group"};
	char ***dst[] = {&b->pair_ids, &b->pair_a, &b->pair_b, &b->group_a, &b->group_b};
	size_t n[5];
	for (int i = 0; i < 5; i++)
		if (template_doc_strings(b->report, xp[i], dst[i], &n[i], e) != 0)
			return -1;
	if (n[1] != n[0] || n[2] != n[0])
		return cx_fail(e, CX_EDATA, "%s: every <pair> needs id, a and b", path);
	/* Groups are optional per pair: look them up by pair below. */
	template_strings_free(b->group_a, n[3]);
	template_strings_free(b->group_b, n[4]);
	b->group_a = xcalloc(n[0] + 1, sizeof *b->group_a);
	b->group_b = xcalloc(n[0] + 1, sizeof *b->group_b);
	for (size_t i = 0; i < n[0]; i++) {
		char q[256];
		snprintf(q, sizeof q, "string(/report/pairs/pair[%zu]/@a-group)", i + 1);
		b->group_a[i] = template_doc_string(b->report, q);
		snprintf(q, sizeof q, "string(/report/pairs/pair[%zu]/@b-group)", i + 1);
		b->group_b[i] = template_doc_string(b->report, q);
	}
	b->npairs = n[0];
	index_pairs(b);
	return 0;
}

static void public_urls(struct batch *b)
{
	const char *pub = b->job->digest.public_url;
	int y, m, d;
	if (pub == NULL || pub[0] == '\0')
		return;
	date_to_ymd(b->date, &y, &m, &d);
	size_t n = strlen(pub);
	const char *sep = n > 0 && pub[n - 1] == '/' ? "" : "/";
	snprintf(b->pdf_base, sizeof b->pdf_base, "%s%s%04d/%02d/%02d/", pub, sep, y, m, d);
	snprintf(b->web_url, sizeof b->web_url, "%sindex.html", b->pdf_base);
}

/* The parameters alike for every message of the send, into p: returns
 * the number of entries written (names and values). */
static size_t batch_params(const struct batch *b, const char **p)
{
	const struct job_digest *d = &b->job->digest;
	const char *v[] = {"web-url", b->web_url, "pdf-base", b->pdf_base,
		"cid-domain", b->domain, "edition", "mail",
		"title", d->title != NULL ? d->title : b->job->title};
	memcpy(p, v, sizeof v);
	return sizeof v / sizeof *v;
}

/* The sections of the parts made once (premade.h), for the send's
 * subscribers. */
static int premake(struct batch *b, struct cx_error *e)
{
	const char *params[16];
	bool skip[T_COUNT];

	params[batch_params(b, params)] = NULL;
	for (int i = 0; i < T_COUNT; i++)
		skip[i] = b->parts->shared[i];
	b->premade = premade_new(b->tpl, skip, T_COUNT, b->report, params, b->subs, e);
	return b->premade != NULL ? 0 : -1;
}

static const char *env_of(const char *name, const char *what, struct cx_error *e)
{
	const char *v = name != NULL ? getenv(name) : NULL;
	if (name != NULL && (v == NULL || v[0] == '\0'))
		cx_fail(e, CX_ECONFIG, "environment variable %s (the job's %s) is not set", name, what);
	return v;
}

static int setup_smtp(struct batch *b, struct cx_error *e)
{
	const struct job_smtp *s = &b->job->digest.smtp;
	struct smtp_opts o = {.url = s->url, .ca_file = s->ca_file, .timeout = s->timeout,
			      .connect_timeout = s->connect_timeout, .data_timeout = s->data_timeout};
	char day[DELIVER_PATH_MAX];

	if (s->user_env != NULL) {
		if ((o.user = env_of(s->user_env, "smtp user-env", e)) == NULL ||
		    (o.password = env_of(s->password_env, "smtp password-env", e)) == NULL)
			return -1;
	}
	/* The sent bytes and the manifest name every recipient: they go to
	 * the private mail archive, never into the published day folder. */
	const char *root = b->job->outputs.mail_archive;
	if (archive_day_dir(root, b->date, day, sizeof day) == NULL)
		return cx_fail(e, CX_ECANTCREAT, "mail archive path too long");
	snprintf(b->archive_mail, sizeof b->archive_mail, "%s", day);
	if (rundir_mkdirs_private(root, e) != 0 || rundir_mkdirs_private(b->archive_mail, e) != 0 ||
	    (b->archive = mailarchive_open(b->archive_mail, e)) == NULL)
		return -1;
	if ((b->ledger = ledger_open(b->job->digest.ledger, e)) == NULL)
		return -1;
	b->pool = sendpool_new(&o, s->connections, s->rate, &b->relay, e);
	return b->pool != NULL ? 0 : -1;
}

static int setup(struct batch *b, struct cx_error *e)
{
	const struct job_digest *d = &b->job->digest;
	if (d->subscribers == NULL)
		return cx_fail(e, CX_ECONFIG, "%s: <digest> names no subscribers file", b->job->path);
	if (d->from == NULL || mail_parse_address(d->from, b->from_addr, NULL, e) != 0)
		return cx_fail(e, CX_ECONFIG, "%s: <digest from> is not a valid address", b->job->path);
	b->domain = mail_domain(b->from_addr);
	struct cx_error ke;
	if (token_keyring_from_job(b->job, &b->keys, &ke) <= 0 && d->unsubscribe_url != NULL) {
		if (d->has_smtp)
			return d->secret_env != NULL ? (*e = ke, -1)
				: cx_fail(e, CX_ECONFIG, "environment variable named by secret-env (the unsubscribe secret) is not set");
		log_warn("no unsubscribe secret in %s: the .eml files carry no unsubscribe link",
			 d->secret_env != NULL ? d->secret_env : "secret-env");
		b->keys.n = 0;
	}
	if (load_templates(b, e) != 0 || load_report(b, e) != 0)
		return -1;
	public_urls(b);
	b->images = mail_images_new();
	/* The text suppression file is imported into the database. */
	if ((b->subs = subscribers_load(d->subscribers, NULL, e)) == NULL ||
	    (b->sup = suppress_open(b->job, true, e)) == NULL || premake(b, e) != 0)
		return -1;
	return d->has_smtp ? setup_smtp(b, e) : 0;
}

static void release(struct batch *b)
{
	for (int i = 0; i < T_COUNT; i++)
		template_free(b->tpl[i]);
	premade_free(b->premade);
	parts_free(b->parts);
	template_doc_free(b->report);
	subscribers_free(b->subs);
	suppress_free(b->sup);
	template_strings_free(b->pair_ids, b->npairs);
	template_strings_free(b->pair_a, b->npairs);
	template_strings_free(b->pair_b, b->npairs);
	template_strings_free(b->group_a, b->npairs);
	template_strings_free(b->group_b, b->npairs);
	if (b->by_ab != NULL)
		g_hash_table_destroy(b->by_ab);
	sendpool_free(b->pool);
	mail_images_free(b->images);
	mailarchive_free(b->archive);
	ledger_free(b->ledger);
}

/* ---- one message ---------------------------------------------------------- */

/* The pairs token `tok` names, ascending, into v (job_selector_matches:
 * "A/B" either way round, or a group); returns how many. */
static size_t token_pairs(const struct batch *b, const char *tok, GArray *v)
{
	g_array_set_size(v, 0);
	if (strchr(tok, '/') != NULL) {
		gchar *key = g_strdup(tok);
		*strchr(key, '/') = '\x1f';
		GArray *hit = g_hash_table_lookup(b->by_ab, key);
		g_free(key);
		if (hit != NULL)
			g_array_append_vals(v, hit->data, hit->len);
		return v->len;
	}
	for (size_t i = 0; i < b->npairs; i++)
		if (job_selector_matches(tok, b->pair_a[i], b->pair_b[i], b->group_a[i], b->group_b[i]))
			g_array_append_val(v, i);
	return v->len;
}

/* "|A-B|C-D|" for the subscriber's pairs and groups; "" for all. A token
 * that names nothing in today's report is a warning (the pair may have
 * been skipped today), not an error. Returns how many tokens named
 * nothing. */
static size_t pairs_param(const struct batch *b, const struct subscriber *s,
			  char *out, size_t size)
{
	size_t len = 1, unknown = 0;
	GArray *hit = g_array_new(FALSE, FALSE, sizeof(size_t));
	bool *in = xcalloc(b->npairs + 1, sizeof *in);   /* already in out */

	out[0] = '\0';
	if (s->npairs > 0)
		snprintf(out, size, "|");
	for (size_t t = 0; t < s->npairs; t++) {
		if (token_pairs(b, s->pairs[t], hit) == 0) {
			log_warn("%s:%ld: \"%s\" is not a pair or group of today's report",
				 b->subs->path, s->line, s->pairs[t]);
			unknown++;
		}
		for (guint k = 0; k < hit->len; k++) {
			size_t i = g_array_index(hit, size_t, k), n = strlen(b->pair_ids[i]);
			if (in[i] || len + n + 2 >= size)
				continue;
			snprintf(out + len, size - len, "%s|", b->pair_ids[i]);
			len += n + 1;
			in[i] = true;
		}
	}
	free(in);
	g_array_free(hit, TRUE);
	return unknown;
}

/* The subscriber's pairs parameter (pairs_param), malloc'd; unknown
 * tokens warned and counted. In the calling thread, in subscriber order. */
static char *subscriber_pairs(struct batch *b, const struct subscriber *s)
{
	char *pairs = xmalloc(DELIVER_PAIRS_PARAM_MAX);

	if (pairs_param(b, s, pairs, DELIVER_PAIRS_PARAM_MAX) > 0)
		b->sum->unmatched++;
	char *r = xstrdup(pairs);
	free(pairs);
	return r;
}

/* The three templates for one subscriber. Touches nothing shared but
 * what it reads (and the shared parts, under their lock): safe on several
 * threads at once. */
static int render(const struct batch *b, const struct subscriber *s, const char *pairs,
		  char *out[T_COUNT], char **unsub_url, char token[MAIL_TOKEN_SIZE],
		  struct cx_error *e)
{
	int rc = 0;

	token[0] = '\0';
	*unsub_url = NULL;
	if (b->keys.n > 0) {
		token_make(&b->keys, b->job->name, s->email, token);
		if (b->job->digest.unsubscribe_url != NULL)
			*unsub_url = mail_unsubscribe_url(b->job->digest.unsubscribe_url, s->email, token);
	}
	const char *params[8 + 10 + PREMADE_PARAMS_MAX + 1] = {
		"name", s->name, "email", s->email, "pairs", pairs,
		"unsubscribe-url", *unsub_url != NULL ? *unsub_url : "",
	};
	char given[PREMADE_GIVEN_SIZE];
	size_t n = 8 + batch_params(b, params + 8);

	for (int i = 0; i < T_COUNT && rc == 0; i++) {
		int k = premade_params(b->premade, i, (size_t)(s - b->subs->v), pairs,
				       params + n, given, e);
		if (k < 0)
			return -1;
		params[n + (size_t)k] = NULL;
		rc = render_part(b, i, params, &out[i], e);
	}
	if (rc == 0)
		g_strstrip(out[T_SUBJECT]);
	return rc;
}

/* One subscriber's message, `pairs` from subscriber_pairs. Thread-safe
 * as render is. */
static int build(const struct batch *b, const struct subscriber *s, const char *pairs,
		 time_t date, const char *msgid, char **msg, size_t *len, struct cx_error *e)
{
	char *part[T_COUNT] = {NULL, NULL, NULL};
	char *unsub = NULL, token[MAIL_TOKEN_SIZE];
	int rc = render(b, s, pairs, part, &unsub, token, e);
	if (rc == 0) {
		const struct job_digest *d = &b->job->digest;
		struct mail_content c = {
			.from = d->from, .to_addr = s->email, .to_name = s->name,
			.subject = part[T_SUBJECT], .message_id = msgid, .date = date,
			.text = part[T_TEXT], .html = part[T_HTML],
			.image_dir = b->run_dir, .cid_domain = b->domain,
			.unsubscribe_url = unsub,
			.unsubscribe_mailto = token[0] ? d->unsubscribe_mailto : NULL,
			.unsubscribe_token = token, .reply_to = d->reply_to,
			.list_name = d->title, .list_label = b->job->name,
			.images = b->images,
		};
		struct cx_error me = { 0 };

		rc = mail_build(&c, msg, len, &me);
		if (rc != 0)
			cx_fail(e, me.code, "%s:%ld: %s", b->subs->path, s->line, me.msg);
	}
	for (int i = 0; i < T_COUNT; i++)
		free(part[i]);
	free(unsub);
	return rc;
}

/* File name of a recipient: the address with anything unusual as "_". */
/* The file name of a subscriber's .eml: the address itself when it is
 * plain ASCII; otherwise bytes outside [A-Za-z0-9@._-+] become '_' and a
 * hash of the whole address follows, so that two internationalised
 * addresses never share a file. */
static void safe_name(const char *addr, char *out, size_t size)
{
	size_t i;
	bool changed = false;

	for (i = 0; addr[i] && i + 1 < size; i++) {
		char c = addr[i];
		bool ok = g_ascii_isalnum(c) || strchr("@._-+", c);
		out[i] = ok ? c : '_';
		changed |= !ok;
	}
	out[i] = '\0';
	if (changed || addr[i] != '\0') {
		gchar *h = g_compute_checksum_for_string(G_CHECKSUM_SHA256, addr, -1);
		size_t keep = size > 18 ? size - 18 : 0;
		snprintf(out + (i < keep ? i : keep), size - (i < keep ? i : keep), "-%.16s", h);
		g_free(h);
	}
}

/* ---- .eml files ----------------------------------------------------------- */

static int suppressed(struct batch *b, const char *addr, struct cx_error *e);

/* One message of a group (.eml or SMTP): built on a pool thread, used in
 * subscriber order by the caller's, so that the bytes, the files and the
 * log lines are the same on any number of threads. */
struct eml_slot {
	const struct subscriber *s;
	char *pairs;               /* subscriber_pairs, made in order beforehand */
	time_t date;
	char msgid[MAIL_MSGID_MAX];
	char *msg;
	size_t len;
	int rc;
	struct cx_error err;
};

struct eml_group {
	const struct batch *b;
	struct eml_slot *v;
};

static int eml_work(void *ctx, size_t i, struct cx_error *e)
{
	struct eml_group *g = ctx;
	struct eml_slot *sl = &g->v[i];

	(void)e;   /* the slot keeps the error: handled in subscriber order */
	cx_error_clear(&sl->err);
	sl->rc = build(g->b, sl->s, sl->pairs, sl->date, sl->msgid, &sl->msg, &sl->len, &sl->err);
	return 0;
}

/* Build the n slots on the compose threads. */
static void compose(const struct batch *b, struct eml_slot *v, size_t n)
{
	struct eml_group g = {.b = b, .v = v};
	struct cx_error ignored;
	if (n > 0)
		(void)pool_run(b->compose_threads, n, eml_work, &g, NULL, &ignored);
}

/* What eml_stage needs: the group's slots and where they go. */
struct eml_stager {
	struct batch *b;
	struct atomicset *set;
	const char *dir;
	struct eml_slot *v;
	size_t stop;               /* the slot that stopped the group */
};

/* Slot i, on the calling thread in subscriber order as soon as it is
 * built: written under a temporary name in `set`, and its bytes freed. A
 * message that cannot be built from its subscriber's row (CX_EDATA) is
 * reported and skipped; any other error stops: -1 with `e` set and
 * st->stop the slot's index. */
static int eml_stage(void *ctx, size_t i, struct cx_error *e)
{
	struct eml_stager *st = ctx;
	struct eml_slot *sl = &st->v[i];
	char path[DELIVER_PATH_MAX + 300], name[MAIL_ADDR_MAX + 1];

	if (sl->rc != 0 && sl->err.code == CX_EDATA) {
		log_error("%s; skipped", sl->err.msg);
		st->b->sum->skipped++;
		return 0;
	}
	st->stop = i;
	if (sl->rc != 0) {
		*e = sl->err;
		return -1;
	}
	safe_name(sl->s->email, name, sizeof name);
	snprintf(path, sizeof path, "%s/%s.eml", st->dir, name);
	int rc = atomicset_write_private(st->set, path, sl->msg, sl->len, e);
	free(sl->msg);
	sl->msg = NULL;
	if (rc != 0)
		return -1;
	st->b->sum->written++;
	log_debug("mail to %s: written as .eml", sl->s->email);    /* -vv */
	return 0;
}

/* Subscribers [*next, ...) up to DELIVER_EML_GROUP messages: built on the
 * compose threads and staged in `set` in order as they are built (written
 * under temporary names; the caller's commit publishes them). *next moves
 * past what was handled; on a stop, to the subscriber that stopped it. */
static int eml_group(struct batch *b, struct atomicset *set, const char *dir, size_t *next,
		     struct cx_error *e)
{
	struct eml_slot *v = xcalloc(DELIVER_EML_GROUP, sizeof *v);
	size_t n = 0, i = *next;
	int rc = 0;

	for (; i < b->subs->n && n < DELIVER_EML_GROUP; i++) {
		const struct subscriber *s = &b->subs->v[i];
		int sup = suppressed(b, s->email, e);
		if (sup < 0) {
			rc = -1;
			break;
		}
		if (sup) {
			b->sum->suppressed++;
			progress_step(&b->pg);
			continue;
		}
		v[n] = (struct eml_slot){.s = s, .pairs = subscriber_pairs(b, s), .date = b->eml_date};
		mail_message_id(b->job->name, b->as_of, s->email, b->domain, v[n].msgid);
		n++;
	}
	struct eml_group g = {.b = b, .v = v};
	struct eml_stager st = {.b = b, .set = set, .dir = dir, .v = v};
	int staged = pool_run_ordered(b->compose_threads, n, eml_work, &g, eml_stage, &st, e);
	progress_add(&b->pg, n);
	rc = rc != 0 ? rc : staged;
	*next = staged != 0 ? (size_t)(v[st.stop].s - b->subs->v) : i;
	for (size_t k = 0; k < n; k++) {
		free(v[k].pairs);
		free(v[k].msg);
	}
	free(v);
	return rc;
}

/* Publish what `set` holds (one syncfs before the renames, one after: no
 * .eml name ever points to bytes not yet on disk) and start a new set.
 * `e` NULL: an error is already being reported. */
static int eml_commit(struct atomicset **set, struct cx_error *e)
{
	int rc = atomicset_commit(*set, e);
	atomicset_free(*set);
	*set = atomicset_new();
	return rc;
}

/* The groups of DELIVER_EML_GROUP messages, published every
 * DELIVER_EML_COMMIT files and at the end. What was staged before a stop
 * is published all the same. */
static int eml_batch(struct batch *b, struct cx_error *e)
{
	char dir[DELIVER_PATH_MAX];
	size_t i = 0, staged = 0;
	int rc;

	snprintf(dir, sizeof dir, "%s/mail", b->run_dir);
	if (rundir_mkdirs_private(dir, e) != 0)
		return -1;
	struct atomicset *set = atomicset_new();
	progress_init(&b->pg, "mail", b->subs->n);
	do {
		size_t from = b->sum->written;
		rc = eml_group(b, set, dir, &i, e);
		staged += b->sum->written - from;
		if (rc == 0 && staged >= DELIVER_EML_COMMIT) {
			rc = eml_commit(&set, e);
			staged = 0;
		}
	} while (rc == 0 && i < b->subs->n);
	if (eml_commit(&set, rc == 0 ? e : NULL) != 0 && rc == 0)
		rc = -1;
	atomicset_free(set);
	progress_release(&b->pg);
	if (rc != 0) {
		for (size_t j = i + 1; j < b->subs->n; j++)
			if (suppressed(b, b->subs->v[j].email, NULL) == 0)
				b->sum->pending++;
		return -1;
	}
	return 0;
}

/* ---- SMTP under the ledger ------------------------------------------------ */

static void sha256_of(const char *msg, size_t len, char out[65])
{
	gchar *h = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)msg, len);
	snprintf(out, 65, "%s", h);
	g_free(h);
}

/* A message to send: the subscriber, its ledger row, the bytes. */
struct outgoing {
	const struct subscriber *s;
	struct ledger_row row;
	char *msg;
	size_t len;
	char sha[65];
	char from[MAIL_ADDR_MAX + 1];   /* envelope sender (verp.h) */
};

/* A "sent" message must be archived byte for byte and listed once. A copy
 * missing or damaged (a kill between the ledger commit and the archive, a
 * power loss before the group's sync) is rebuilt - the same inputs give
 * the same bytes - and archived when its SHA-256 is the one the ledger
 * recorded at sending time; a missing manifest line is added. */
static int reconcile_one(struct batch *b, const struct subscriber *s,
			 const struct ledger_row *row, struct cx_error *e)
{
	if (!mailarchive_holds(b->archive, row->message_id, row->sha256)) {
		char *msg = NULL, sha[65];
		size_t len;
		char *pairs = subscriber_pairs(b, s);
		int built = build(b, s, pairs, (time_t)row->date, row->message_id, &msg, &len, e);
		free(pairs);
		if (built != 0)
			return -1;
		sha256_of(msg, len, sha);
		int rc = 0;
		if (strcmp(sha, row->sha256) != 0)
			log_warn("%s: archived copy of <%s> is missing and the message no longer "
				 "rebuilds to the bytes sent (inputs changed); not archived",
				 s->email, row->message_id);
		else if ((rc = mailarchive_put(b->archive, row->message_id, msg, len, e)) == 0)
			b->repaired++;
		free(msg);
		if (rc != 0 || strcmp(sha, row->sha256) != 0)
			return rc;
	}
	if (mailarchive_listed(b->archive, row->message_id) == 0) {
		mailarchive_list(b->archive, s->email, row->message_id, row->sha256, row->smtp_code);
		b->repaired++;
	}
	return 0;
}

/* Queue every subscriber's row (one transaction), then sort the rows:
 * sent ones are reconciled with the archive, failed ones counted, the rest
 * go to `todo`. */
static int smtp_prepare(struct batch *b, struct outgoing *todo, size_t *ntodo,
			struct cx_error *e)
{
	const char *job = b->job->name;
	char msgid[MAIL_MSGID_MAX];
	size_t fixed = 0;

	if (ledger_begin(b->ledger, e) != 0)
		return -1;
	for (size_t i = 0; i < b->subs->n; i++) {
		const struct subscriber *s = &b->subs->v[i];
		int sup = suppressed(b, s->email, e);
		if (sup < 0) {
			ledger_rollback(b->ledger);
			return -1;
		}
		if (sup)
			continue;
		mail_message_id(job, b->as_of, s->email, b->domain, msgid);
		if (ledger_queue(b->ledger, job, b->as_of, s->email, msgid, (int64_t)time(NULL), e) != 0) {
			ledger_rollback(b->ledger);
			return -1;
		}
	}
	if (ledger_commit(b->ledger, e) != 0)
		return -1;
	killpoint("queued");
	if (mailarchive_dedupe(b->archive, &fixed, e) != 0)
		return -1;
	b->repaired += fixed;
	*ntodo = 0;
	for (size_t i = 0; i < b->subs->n; i++) {
		const struct subscriber *s = &b->subs->v[i];
		struct ledger_row row;
		int sup = suppressed(b, s->email, e);
		if (sup < 0)
			return -1;
		if (sup) {
			b->sum->suppressed++;
			continue;
		}
		if (ledger_get(b->ledger, job, b->as_of, s->email, &row, e) != 1)
			return -1;
		if (!strcmp(row.status, "sent")) {
			b->sum->already++;
			if (reconcile_one(b, s, &row, e) != 0)
				return -1;
			continue;
		}
		if (!strcmp(row.status, "failed")) {
			b->sum->failed++;
			continue;
		}
		if (!strcmp(row.status, "sending") && row.sha256[0] &&
		    mailarchive_holds(b->archive, row.message_id, row.sha256)) {
			/* its copy is only written after the 250: accepted */
			log_info("%s: accepted before the last run stopped (its archived copy "
				 "proves the 250); not sent again", s->email);
			if (ledger_mark(b->ledger, job, b->as_of, s->email, "sent", 250, NULL, NULL, e) != 0)
				return -1;
			row.smtp_code = 250;
			b->sum->already++;
			if (reconcile_one(b, s, &row, e) != 0)
				return -1;
			continue;
		}
		if (!strcmp(row.status, "sending") || !strcmp(row.status, "unknown"))
			log_warn("%s: the last run %s; sending again with the same Message-ID <%s> "
				 "(a duplicate if the relay had taken it)", s->email,
				 row.status[1] == 'e' ? "stopped inside its SMTP transaction"
						      : "did not learn whether the relay took it",
				 row.message_id);
		todo[(*ntodo)++] = (struct outgoing){.s = s, .row = row};
	}
	if (mailarchive_sync(b->archive, e) != 0)
		return -1;
	if (b->repaired > 0)
		log_warn("%s: %zu archived message%s or manifest line%s restored from the ledger",
			 b->archive_mail, b->repaired, b->repaired == 1 ? "" : "s", b->repaired == 1 ? "" : "s");
	return 0;
}

/* What the ledger says after the pool's attempt at one message. */
static const char *status_after(struct batch *b, const struct send_item *it)
{
	if (!it->attempted)
		return "queued";
	switch (it->out.result) {
	case SMTP_SENT: return "sent";
	case SMTP_PERMFAIL: return "failed";
	case SMTP_UNKNOWN: return "unknown";
	case SMTP_FATAL: return "queued";
	case SMTP_TEMPFAIL: break;
	}
	/* The relay's failure with the breaker open: the message is not to
	 * blame and waits in the queue; a 4xx for the recipient is a deferral. */
	return it->out.relay && relay_is_open(&b->relay) ? "queued" : "deferred";
}

static void count(struct batch *b, const char *status, const struct send_item *it)
{
	struct deliver_summary *sum = b->sum;
	if (!strcmp(status, "sent")) {
		sum->sent++;
		return;
	}
	if (!strcmp(status, "queued")) {
		sum->pending++;
		return;
	}
	/* a refusal of the address itself names the subscriber's row */
	const struct outgoing *o = it->user;
	if (it->out.needs_utf8 && o != NULL)
		log_warn("%s:%ld: %s", b->subs->path, o->s->line, it->err.msg);
	else
		log_warn("%s%s", it->err.msg,
			 !strcmp(status, "unknown") ? "; not sent again in this run: the next run sends it with the same Message-ID" :
			 !strcmp(status, "deferred") ? "; deferred to the next run" : "");
	if (!strcmp(status, "failed"))
		sum->failed++;
	else if (!strcmp(status, "unknown"))
		sum->unknown++;
	else
		sum->deferred++;
}

/* Right after a 250, in the sending thread: the exact bytes go to the
 * archive at once, so that a copy on disk proves the 250 to the next run
 * even when this one is killed before its ledger commit. */
struct group_ctx {
	struct batch *b;
	pthread_mutex_t lock;
	struct cx_error err;        /* the first archive failure */
};

static void on_accepted(void *arg, struct send_item *it)
{
	struct group_ctx *g = arg;
	struct outgoing *o = it->user;
	struct cx_error e;
	if (mailarchive_put(g->b->archive, o->row.message_id, o->msg, o->len, &e) != 0) {
		pthread_mutex_lock(&g->lock);
		if (g->err.code == CX_OK)
			g->err = e;
		pthread_mutex_unlock(&g->lock);
		return;
	}
	killpoint("after-rename");
}

static int mark_group(struct batch *b, struct outgoing *o, const struct send_item *it,
		      size_t n, struct cx_error *e)
{
	const char *job = b->job->name;
	if (ledger_begin(b->ledger, e) != 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const char *st = it != NULL ? status_after(b, &it[i]) : "sending";
		int sent = !strcmp(st, "sent");
		const char *detail = it == NULL || sent || !it[i].attempted ? NULL : it[i].err.msg;
		if (ledger_mark(b->ledger, job, b->as_of, o[i].s->email, st, it != NULL ? it[i].out.code : 0,
				detail, o[i].sha, e) != 0 ||
		    (it != NULL && it[i].attempts > 1 &&
		     ledger_add_attempts(b->ledger, job, b->as_of, o[i].s->email, it[i].attempts - 1, e) != 0)) {
			ledger_rollback(b->ledger);
			return -1;
		}
		if (it != NULL)    /* -vv: one line per message sent or not */
			log_debug("mail to %s: %s%s%s", o[i].s->email, st, detail ? ": " : "", detail ? detail : "");
	}
	return ledger_commit(b->ledger, e);
}

/* A group of messages: built, then sent while the next one is built. */
struct group {
	struct outgoing *o;
	size_t n;
	struct send_item *it;
	struct group_ctx g;
};

static int group_build(struct batch *b, struct group *gr, struct outgoing *o, size_t n,
		       struct cx_error *e)
{
	struct eml_slot *v = xcalloc(n + 1, sizeof *v);
	int rc = 0;

	*gr = (struct group){.o = o, .n = n, .it = xcalloc(n, sizeof *gr->it), .g = {.b = b}};
	pthread_mutex_init(&gr->g.lock, NULL);
	cx_error_clear(&gr->g.err);
	for (size_t i = 0; i < n; i++) {
		v[i] = (struct eml_slot){.s = o[i].s, .pairs = subscriber_pairs(b, o[i].s),
					 .date = (time_t)o[i].row.date};
		snprintf(v[i].msgid, sizeof v[i].msgid, "%s", o[i].row.message_id);
	}
	compose(b, v, n);
	for (size_t i = 0; i < n; i++) {
		free(v[i].pairs);
		o[i].msg = v[i].msg;     /* freed by group_release, built or not */
		o[i].len = v[i].len;
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (v[i].rc != 0) {
			*e = v[i].err;
			rc = -1;
			break;
		}
		sha256_of(o[i].msg, o[i].len, o[i].sha);
		verp_sender(b->job->digest.return_path != NULL ? b->job->digest.return_path : b->from_addr,
			    b->job->digest.verp, o[i].s->email, o[i].from);
		gr->it[i] = (struct send_item){.from = o[i].from, .rcpt = o[i].s->email,
					       .msg = o[i].msg, .len = o[i].len, .user = &o[i]};
	}
	free(v);
	return rc;
}

static void group_release(struct group *gr)
{
	if (gr->it == NULL)
		return;
	for (size_t i = 0; i < gr->n; i++) {
		free(gr->o[i].msg);
		gr->o[i].msg = NULL;
	}
	pthread_mutex_destroy(&gr->g.lock);
	free(gr->it);
	gr->it = NULL;
}

/* Mark the group "sending" (one commit) and hand it to the pool. */
static int group_start(struct batch *b, struct group *gr, struct cx_error *e)
{
	if (mark_group(b, gr->o, NULL, gr->n, e) != 0)
		return -1;
	sendpool_start(b->pool, gr->it, gr->n, on_accepted, &gr->g);
	return 0;
}

/* Wait for the pool, record the outcomes (one commit), list the accepted
 * in the manifest after one sync of their copies. */
static int group_finish(struct batch *b, struct group *gr, struct cx_error *e)
{
	double secs = 0;
	sendpool_wait(b->pool, &secs);
	b->sum->send_seconds += secs;
	if (gr->g.err.code != CX_OK) {
		*e = gr->g.err;
		return -1;
	}
	if (mark_group(b, gr->o, gr->it, gr->n, e) != 0)
		return -1;
	progress_add(&b->pg, gr->n);
	killpoint("after-commit");
	for (size_t i = 0; i < gr->n; i++) {
		const char *st = status_after(b, &gr->it[i]);
		count(b, st, &gr->it[i]);
		if (!strcmp(st, "sent"))
			mailarchive_list(b->archive, gr->o[i].s->email, gr->o[i].row.message_id,
					 gr->o[i].sha, gr->it[i].out.code);
	}
	if (mailarchive_sync(b->archive, e) != 0)
		return -1;
	killpoint("after-manifest");
	return 0;
}

/* The groups of DELIVER_GROUP messages, each built while the one before
 * is on the wire.
 *
 * Grouping never loses a message: every row is "sending" on disk, with
 * the SHA-256 of its bytes, before its transaction starts, and becomes
 * "sent" only after the 250. Nor does it widen the duplicate window: the
 * accepted message's copy is archived right after its 250 (on_accepted),
 * and a row still "sending" after a kill whose archived copy has the
 * ledger's SHA-256 was accepted and is not sent again (smtp_prepare). The
 * window stays from the final dot to that rename. What grouping changes is
 * the announcement: the next run names every message of the interrupted
 * group without a copy as a possible duplicate, sent or not. */
static int smtp_groups(struct batch *b, struct outgoing *todo, size_t ntodo, size_t *done,
		       struct cx_error *e)
{
	struct group cur = {0}, next = {0};
	size_t k = 0, n = ntodo < DELIVER_GROUP ? ntodo : DELIVER_GROUP;
	int rc = group_build(b, &cur, todo, n, e);

	if (rc == 0)
		rc = group_start(b, &cur, e);
	while (rc == 0) {
		size_t nk = k + cur.n, nn = ntodo - nk < DELIVER_GROUP ? ntodo - nk : DELIVER_GROUP;
		int more = nk < ntodo;
		int built = more ? group_build(b, &next, todo + nk, nn, e) : 0;
		rc = group_finish(b, &cur, e);
		group_release(&cur);
		if (rc != 0 || built != 0 || !more || relay_is_open(&b->relay) || sendpool_stopping()) {
			rc = rc != 0 ? rc : built;
			k = nk;
			break;
		}
		k = nk;
		cur = next;
		next = (struct group){0};
		rc = group_start(b, &cur, e);
	}
	group_release(&cur);
	group_release(&next);
	*done = k;
	return rc;
}

/* Why the batch stopped, as the run's error: the relay's own words for a
 * refusal no retry cures (exit 76/77/78), else "relay down" (exit 75). */
static int relay_down(struct batch *b, struct cx_error *e)
{
	const struct cx_error *last = &b->relay.last;
	b->sum->relay_down = 1;
	if (last->code != CX_ETEMPFAIL && last->code != CX_OK)
		return cx_fail(e, last->code, "%s; %zu message%s left queued for the next run",
			       last->msg, b->sum->pending, b->sum->pending == 1 ? "" : "s");
	return cx_fail(e, CX_ETEMPFAIL, "relay down after %d failures in a row (last: %s); "
		       "%zu message%s left queued for the next run", RELAY_TRIPS, last->msg,
		       b->sum->pending, b->sum->pending == 1 ? "" : "s");
}

static int smtp_batch(struct batch *b, struct cx_error *e)
{
	struct outgoing *todo = xcalloc(b->subs->n + 1, sizeof *todo);
	size_t ntodo = 0, k = 0;
	int rc = smtp_prepare(b, todo, &ntodo, e);

	sendpool_catch_signals(true);
	progress_init(&b->pg, "mail", rc == 0 ? ntodo : 0);
	if (rc == 0 && ntodo > 0)
		rc = smtp_groups(b, todo, ntodo, &k, e);
	progress_release(&b->pg);
	sendpool_catch_signals(false);
	if (rc == 0 && k < ntodo)
		b->sum->pending += ntodo - k;
	free(todo);
	if (rc == 0 && relay_is_open(&b->relay))
		rc = relay_down(b, e);
	else if (rc == 0 && sendpool_stopping())
		rc = cx_fail(e, CX_ETEMPFAIL, "stopped by a signal after the transactions under way; "
			     "%zu message%s left queued for the next run", b->sum->pending,
			     b->sum->pending == 1 ? "" : "s");
	return rc;
}

/* ---- the batch ------------------------------------------------------------ */

/* 1 when the address is on the suppression list; -1 on a database error. */
static int suppressed(struct batch *b, const char *addr, struct cx_error *e)
{
	return subscribers_suppressed(b->subs, addr) ? 1 : suppress_contains(b->sup, addr, e);
}

static int run_batch(struct batch *b, struct cx_error *e)
{
	return b->pool != NULL ? smtp_batch(b, e) : eml_batch(b, e);
}

int deliver_digest(const struct job *job, const char *run_dir,
		   struct deliver_summary *sum, struct cx_error *e)
{
	struct batch b = {.job = job, .run_dir = run_dir, .sum = sum};
	relay_init(&b.relay);
	int rc = -1;

	memset(sum, 0, sizeof *sum);
	snprintf(sum->transport, sizeof sum->transport, "%s",
		 job->digest.present && job->digest.has_smtp ? job->digest.smtp.url : "");
	if (!job->digest.present)
		return 0;
	if (setup(&b, e) == 0) {
		sum->subscribers = b.subs->n;
		sum->skipped = b.subs->nbad;
		rc = run_batch(&b, e);
	}
	release(&b);
	relay_release(&b.relay);
	if (rc == 0 && (sum->deferred > 0 || sum->failed > 0 || sum->unknown > 0 || sum->skipped > 0))
		rc = 1;
	return rc;
}

static void print_unmatched(FILE *f, const struct deliver_summary *s)
{
	if (s->unmatched)
		fprintf(f, "mail: %zu message%s to subscribers naming a pair or group not in "
			"today's report (listed above with file:line)\n", s->unmatched,
			s->unmatched == 1 ? "" : "s");
}

void deliver_summary_print(FILE *f, const struct deliver_summary *s)
{
	if (s->transport[0] == '\0') {
		fprintf(f, "mail: %zu written, %zu suppressed%s\n", s->written, s->suppressed,
			s->pending ? " (stopped early; the rest waits for the next run)" : "");
		if (s->skipped)
			fprintf(f, "mail: %zu bad subscriber row%s skipped (listed above with file:line)\n",
				s->skipped, s->skipped == 1 ? "" : "s");
		print_unmatched(f, s);
		return;
	}
	fprintf(f, "mail: %zu sent, %zu deferred, %zu failed, %zu suppressed, %zu already sent, "
		"%zu unknown, %zu still queued (via %s)%s\n",
		s->sent, s->deferred, s->failed, s->suppressed, s->already, s->unknown, s->pending,
		s->transport, s->pending && !s->relay_down ? " (stopped early; the rest waits for the next run)" : "");
	if (s->skipped)
		fprintf(f, "mail: %zu bad subscriber row%s skipped (listed above with file:line)\n",
			s->skipped, s->skipped == 1 ? "" : "s");
	print_unmatched(f, s);
	if (s->relay_down)
		fprintf(f, "relay down: %zu message%s left queued for the next run\n", s->pending,
			s->pending == 1 ? "" : "s");
	if (s->unknown)
		fprintf(f, "unknown: %zu message%s may or may not have been taken by the relay; "
			"the next run sends %s again with the same Message-ID\n", s->unknown,
			s->unknown == 1 ? "" : "s", s->unknown == 1 ? "it" : "them");
}
