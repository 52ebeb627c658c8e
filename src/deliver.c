/* deliver.c - the digest of a run to every subscriber: templates -> message
 * -> .eml file, or SMTP under the ledger's exactly-once protocol -> archive. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

#include "archive.h"
#include "atomicfile.h"
#include "deliver.h"
#include "ledger.h"
#include "log.h"
#include "mail.h"
#include "paths.h"
#include "rundir.h"
#include "site.h"
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

enum { T_SUBJECT, T_TEXT, T_HTML, T_COUNT };
static const char *const template_files[T_COUNT] = {
	"templates/digest-subject.xsl", "templates/digest-text.xsl", "templates/digest-html.xsl",
};

struct batch {
	const struct job *job;
	const char *run_dir;
	struct template_doc *report;
	struct template *tpl[T_COUNT];
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
	time_t eml_date;            /* Date of .eml files: report.xml's mtime */
	struct ledger *ledger;
	struct smtp *smtp;
	char archive_mail[DELIVER_PATH_MAX + 16];
	struct timespec last_send;
	struct deliver_summary *sum;
};

/* ---- setup ---------------------------------------------------------------- */

static int load_templates(struct batch *b, struct cx_error *e)
{
	char path[DELIVER_PATH_MAX];
	for (int i = 0; i < T_COUNT; i++) {
		if (paths_data_file(template_files[i], path, sizeof path) == NULL)
			return cx_fail(e, CX_ECONFIG, "data directory path too long");
		if ((b->tpl[i] = template_load(path, e)) == NULL)
			return -1;
	}
	return 0;
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
	struct smtp_opts o = {.url = s->url, .ca_file = s->ca_file, .timeout = s->timeout};
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
	if (rundir_mkdirs_private(root, e) != 0 || rundir_mkdirs_private(b->archive_mail, e) != 0)
		return -1;
	if ((b->ledger = ledger_open(b->job->digest.ledger, e)) == NULL)
		return -1;
	return (b->smtp = smtp_new(&o, e)) != NULL ? 0 : -1;
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
	/* The text suppression file is imported into the database. */
	if ((b->subs = subscribers_load(d->subscribers, NULL, e)) == NULL ||
	    (b->sup = suppress_open(b->job, true, e)) == NULL)
		return -1;
	return d->has_smtp ? setup_smtp(b, e) : 0;
}

static void release(struct batch *b)
{
	for (int i = 0; i < T_COUNT; i++)
		template_free(b->tpl[i]);
	template_doc_free(b->report);
	subscribers_free(b->subs);
	suppress_free(b->sup);
	template_strings_free(b->pair_ids, b->npairs);
	template_strings_free(b->pair_a, b->npairs);
	template_strings_free(b->pair_b, b->npairs);
	template_strings_free(b->group_a, b->npairs);
	template_strings_free(b->group_b, b->npairs);
	smtp_free(b->smtp);
	ledger_free(b->ledger);
}

/* ---- one message ---------------------------------------------------------- */

/* "|A-B|C-D|" for the subscriber's pairs and groups; "" for all. A token
 * that names nothing in today's report is a warning (the pair may have been
 * skipped today), not an error. */
static void pairs_param(const struct batch *b, const struct subscriber *s,
			char *out, size_t size)
{
	size_t len = 0;
	out[0] = '\0';
	if (s->npairs == 0)
		return;
	snprintf(out, size, "|");
	len = 1;
	for (size_t t = 0; t < s->npairs; t++) {
		const char *tok = s->pairs[t];
		const char *slash = strchr(tok, '/');
		int hit = 0;
		for (size_t i = 0; i < b->npairs; i++) {
			int match;
			if (slash != NULL) {
				size_t la = (size_t)(slash - tok);
				const char *rb = slash + 1;
				match = (strlen(b->pair_a[i]) == la && !strncmp(b->pair_a[i], tok, la) && !strcmp(b->pair_b[i], rb)) ||
					(strlen(b->pair_b[i]) == la && !strncmp(b->pair_b[i], tok, la) && !strcmp(b->pair_a[i], rb));
			} else {
				match = !strcmp(b->group_a[i], tok) || !strcmp(b->group_b[i], tok);
			}
			if (!match)
				continue;
			hit = 1;
			char needle[300];
			snprintf(needle, sizeof needle, "|%s|", b->pair_ids[i]);
			if (strstr(out, needle) == NULL && len + strlen(needle) < size) {
				snprintf(out + len, size - len, "%s|", b->pair_ids[i]);
				len = strlen(out);
			}
		}
		if (!hit)
			log_warn("%s:%ld: \"%s\" is not a pair or group of today's report",
				 b->subs->path, s->line, tok);
	}
}

static int render(struct batch *b, const struct subscriber *s, char *out[T_COUNT],
		  char **unsub_url, char token[MAIL_TOKEN_SIZE], struct cx_error *e)
{
	char *pairs = xmalloc(DELIVER_PAIRS_PARAM_MAX);
	size_t len;
	int rc = 0;

	pairs_param(b, s, pairs, DELIVER_PAIRS_PARAM_MAX);
	token[0] = '\0';
	*unsub_url = NULL;
	if (b->keys.n > 0) {
		token_make(&b->keys, b->job->name, s->email, token);
		if (b->job->digest.unsubscribe_url != NULL)
			*unsub_url = mail_unsubscribe_url(b->job->digest.unsubscribe_url, s->email, token);
	}
	const char *params[] = {
		"name", s->name, "email", s->email, "pairs", pairs,
		"unsubscribe-url", *unsub_url != NULL ? *unsub_url : "",
		"web-url", b->web_url, "pdf-base", b->pdf_base,
		"cid-domain", b->domain, "edition", "mail", NULL,
	};
	for (int i = 0; i < T_COUNT && rc == 0; i++)
		rc = template_apply(b->tpl[i], b->report, params, &out[i], &len, e);
	free(pairs);
	if (rc == 0)
		g_strstrip(out[T_SUBJECT]);
	return rc;
}

static int build(struct batch *b, const struct subscriber *s, time_t date,
		 const char *msgid, char **msg, size_t *len, struct cx_error *e)
{
	char *part[T_COUNT] = {NULL, NULL, NULL};
	char *unsub = NULL, token[MAIL_TOKEN_SIZE];
	int rc = render(b, s, part, &unsub, token, e);
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

static int write_eml(struct batch *b, const struct subscriber *s, struct cx_error *e)
{
	char dir[DELIVER_PATH_MAX], path[DELIVER_PATH_MAX + 300], name[MAIL_ADDR_MAX + 1];
	char msgid[MAIL_MSGID_MAX], *msg = NULL;
	size_t len;

	snprintf(dir, sizeof dir, "%s/mail", b->run_dir);
	if (rundir_mkdirs_private(dir, e) != 0)
		return -1;
	mail_message_id(b->job->name, b->as_of, s->email, b->domain, msgid);
	if (build(b, s, b->eml_date, msgid, &msg, &len, e) != 0)
		return -1;
	safe_name(s->email, name, sizeof name);
	snprintf(path, sizeof path, "%s/%s.eml", dir, name);
	int rc = atomicfile_write_private(path, msg, len, ATOMICFILE_REPLACE, e);
	free(msg);
	if (rc == 0)
		b->sum->written++;
	return rc;
}

/* ---- SMTP under the ledger ------------------------------------------------ */

static void sha256_of(const char *msg, size_t len, char out[65])
{
	gchar *h = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)msg, len);
	snprintf(out, 65, "%s", h);
	g_free(h);
}

/* Keep the exact bytes accepted, with recipient and time in the manifest. */
static int archive_message(struct batch *b, const char *rcpt, const char *msgid,
			   const char *msg, size_t len, const char *sha, int code,
			   struct cx_error *e)
{
	char path[DELIVER_PATH_MAX + 512], file[MAIL_MSGID_MAX + 8], now[32];
	struct tm tm;
	time_t t = time(NULL);

	snprintf(file, sizeof file, "%.*s.eml", (int)strcspn(msgid, "@"), msgid);
	snprintf(path, sizeof path, "%s/%s", b->archive_mail, file);
	if (atomicfile_write_private(path, msg, len, ATOMICFILE_REPLACE, e) != 0)
		return -1;
	gmtime_r(&t, &tm);
	strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(path, sizeof path, "%s/manifest.tsv", b->archive_mail);
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	FILE *f = fd >= 0 ? fdopen(fd, "a") : NULL;
	if (f == NULL) {
		if (fd >= 0)
			close(fd);
		return cx_fail(e, CX_ECANTCREAT, "%s: cannot open: %s", path, strerror(errno));
	}
	fprintf(f, "%s\t%s\t<%s>\t%s\t%s\t%d\n", now, rcpt, msgid, file, sha, code);
	if (fflush(f) != 0 || fsync(fileno(f)) != 0) {
		fclose(f);
		return cx_fail(e, CX_EIO, "%s: write error", path);
	}
	fclose(f);
	return 0;
}

static void rate_wait(struct batch *b)
{
	double rate = b->job->digest.smtp.rate;
	struct timespec now;
	if (rate <= 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	double gap = 1.0 / rate - ((double)(now.tv_sec - b->last_send.tv_sec) +
				   (double)(now.tv_nsec - b->last_send.tv_nsec) / 1e9);
	if (b->last_send.tv_sec != 0 && gap > 0)
		g_usleep((gulong)(gap * 1e6));
	clock_gettime(CLOCK_MONOTONIC, &b->last_send);
}

/* One message through SMTP with its retries. Returns 0 when the batch goes
 * on (whatever happened to this message), -1 when it must stop. */
static int send_one(struct batch *b, const struct subscriber *s,
		    const struct ledger_row *row, struct cx_error *e)
{
	const char *job = b->job->name;
	char *msg = NULL, sha[65];
	size_t len;
	struct cx_error se;
	int code = 0, rc = -1;
	unsigned pause = DELIVER_BACKOFF_MS;

	if (build(b, s, (time_t)row->date, row->message_id, &msg, &len, e) != 0)
		return -1;
	sha256_of(msg, len, sha);
	for (int attempt = 1;; attempt++) {
		rate_wait(b);
		/* Committed before the transaction: a kill from here until the
		 * "sent" commit leaves the row "sending" (see README). */
		if (ledger_mark(b->ledger, job, b->as_of, s->email, "sending", 0, NULL, NULL, e) != 0)
			goto done;
		cx_error_clear(&se);
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		char sender[MAIL_ADDR_MAX + 1];
		verp_sender(b->job->digest.return_path != NULL ? b->job->digest.return_path : b->from_addr,
			    b->job->digest.verp, s->email, sender);
		enum smtp_result r = smtp_send(b->smtp, sender, s->email, msg, len, &code, &se);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		b->sum->send_seconds += (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
		if (r == SMTP_SENT) {
			if (ledger_mark(b->ledger, job, b->as_of, s->email, "sent", code, NULL, sha, e) != 0 ||
			    archive_message(b, s->email, row->message_id, msg, len, sha, code, e) != 0)
				goto done;
			b->sum->sent++;
			rc = 0;
			goto done;
		}
		if (r == SMTP_PERMFAIL) {
			log_warn("%s", se.msg);
			b->sum->failed++;
			rc = ledger_mark(b->ledger, job, b->as_of, s->email, "failed", code, se.msg, NULL, e);
			goto done;
		}
		if (r == SMTP_FATAL) {
			/* Nothing reached the server: the message waits for the next run. */
			ledger_mark(b->ledger, job, b->as_of, s->email, "deferred", code, se.msg, NULL, NULL);
			*e = se;
			goto done;
		}
		if (attempt >= DELIVER_RETRIES) {
			log_warn("%s; deferred to the next run after %d attempts", se.msg, attempt);
			b->sum->deferred++;
			rc = ledger_mark(b->ledger, job, b->as_of, s->email, "deferred", code, se.msg, NULL, e);
			goto done;
		}
		log_info("%s; retrying in %u ms", se.msg, pause);
		g_usleep((gulong)pause * 1000);
		pause = pause * 2 > DELIVER_BACKOFF_MAX_MS ? DELIVER_BACKOFF_MAX_MS : pause * 2;
	}
done:
	free(msg);
	return rc;
}

/* A message marked sent whose archived copy is missing (killed between the
 * two): rebuild it - the same inputs give the same bytes - and archive it
 * when its SHA-256 is the one the ledger recorded at sending time. */
static int repair_archive(struct batch *b, const struct subscriber *s,
			  const struct ledger_row *row, struct cx_error *e)
{
	char path[DELIVER_PATH_MAX + 512], *msg = NULL, sha[65];
	size_t len;
	snprintf(path, sizeof path, "%s/%.*s.eml", b->archive_mail,
		 (int)strcspn(row->message_id, "@"), row->message_id);
	if (access(path, F_OK) == 0)
		return 0;
	if (build(b, s, (time_t)row->date, row->message_id, &msg, &len, e) != 0)
		return -1;
	sha256_of(msg, len, sha);
	int rc = 0;
	if (strcmp(sha, row->sha256) != 0)
		log_warn("%s: archived copy of <%s> is missing and the message no longer "
			 "rebuilds to the bytes sent (inputs changed); not archived",
			 s->email, row->message_id);
	else
		rc = archive_message(b, s->email, row->message_id, msg, len, sha, row->smtp_code, e);
	free(msg);
	return rc;
}

static int smtp_subscriber(struct batch *b, const struct subscriber *s, struct cx_error *e)
{
	struct ledger_row row;
	char msgid[MAIL_MSGID_MAX];
	int got = ledger_get(b->ledger, b->job->name, b->as_of, s->email, &row, e);

	if (got < 0)
		return -1;
	if (got == 0) {
		mail_message_id(b->job->name, b->as_of, s->email, b->domain, msgid);
		if (ledger_queue(b->ledger, b->job->name, b->as_of, s->email, msgid,
				 (int64_t)time(NULL), e) != 0 ||
		    ledger_get(b->ledger, b->job->name, b->as_of, s->email, &row, e) != 1)
			return -1;
	}
	if (!strcmp(row.status, "sent")) {
		b->sum->already++;
		return repair_archive(b, s, &row, e);
	}
	if (!strcmp(row.status, "failed")) {
		b->sum->failed++;
		return 0;
	}
	if (!strcmp(row.status, "sending"))
		log_warn("%s: the last run stopped inside its SMTP transaction; sending again "
			 "with the same Message-ID <%s>", s->email, row.message_id);
	return send_one(b, s, &row, e);
}

/* ---- the batch ------------------------------------------------------------ */

/* 1 when the address is on the suppression list; -1 on a database error. */
static int suppressed(struct batch *b, const char *addr, struct cx_error *e)
{
	return subscribers_suppressed(b->subs, addr) ? 1 : suppress_contains(b->sup, addr, e);
}

static int run_batch(struct batch *b, struct cx_error *e)
{
	size_t i;
	for (i = 0; i < b->subs->n; i++) {
		const struct subscriber *s = &b->subs->v[i];
		int sup = suppressed(b, s->email, e);
		if (sup < 0)
			break;
		if (sup) {
			b->sum->suppressed++;
			continue;
		}
		int rc = b->smtp != NULL ? smtp_subscriber(b, s, e) : write_eml(b, s, e);
		if (rc != 0)
			break;
	}
	if (i < b->subs->n) {
		for (size_t j = i + 1; j < b->subs->n; j++)
			if (suppressed(b, b->subs->v[j].email, NULL) == 0)
				b->sum->pending++;
		return -1;
	}
	return 0;
}

int deliver_digest(const struct job *job, const char *run_dir,
		   struct deliver_summary *sum, struct cx_error *e)
{
	struct batch b = {.job = job, .run_dir = run_dir, .sum = sum};
	const char *title = job->digest.present && job->digest.title ? job->digest.title : job->title;
	int rc = -1;

	memset(sum, 0, sizeof *sum);
	struct site_job site = {job->name, title, job->digest.present ? job->digest.public_url : NULL,
				job->digest.present ? job->digest.from : NULL,
				job->digest.present ? job->digest.signup_url : NULL};
	if (site_publish(run_dir, job->outputs.archive, &site, e) != 0)
		return -1;
	if (!job->digest.present)
		return 0;
	if (setup(&b, e) == 0) {
		sum->subscribers = b.subs->n;
		rc = run_batch(&b, e);
	}
	release(&b);
	if (rc == 0 && (sum->deferred > 0 || sum->failed > 0))
		rc = 1;
	return rc;
}

void deliver_summary_print(FILE *f, const struct deliver_summary *s)
{
	if (s->written > 0 || (s->sent == 0 && s->already == 0 && s->deferred == 0 && s->failed == 0))
		fprintf(f, "mail: %zu written, %zu suppressed\n", s->written, s->suppressed);
	else
		fprintf(f, "mail: %zu sent, %zu deferred, %zu failed, %zu suppressed, %zu already sent%s\n",
			s->sent, s->deferred, s->failed, s->suppressed, s->already,
			s->pending ? " (stopped early; the rest waits for the next run)" : "");
}
