/* inbox.c - bounces, complaints and unsubscribe mail (see inbox.h). GMime
 * parses the messages and their MIME structure; the report parts
 * themselves (RFC 3464 / RFC 5965 fields: "Name: value" groups separated
 * by blank lines) are split here, as GMime has no parser for them. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gmime/gmime.h>

#include "inbox.h"
#include "job.h"
#include "log.h"
#include "mail.h"
#include "plural.h"
#include "suppress.h"
#include "token.h"
#include "verp.h"

/* Field groups of one report part, and fields of one group. */
#define REPORT_GROUPS_MAX 100
#define REPORT_FIELDS_MAX 64

struct inbox {
	const struct job *job;
	struct suppress *sup;
	struct token_keyring keys;          /* n == 0: unsubscribe mail cannot be checked */
	char bounce_addr[MAIL_ADDR_MAX + 1];/* the envelope sender the job uses */
	struct inbox_summary *sum;
};

/* What one message was, for the summary and the seen table. */
enum outcome { O_HARD, O_SOFT, O_COMPLAINT, O_UNSUB, O_FORGED, O_OTHER, O_UNREADABLE };
static const char *const outcome_names[] = {
	"bounce-hard", "bounce-soft", "complaint", "unsubscribe", "forged", "other", "unreadable",
};

/* ---- report fields ---------------------------------------------------------- */

/* Split `text` into groups of lowercased field name -> value (unfolded,
 * trimmed). Returns a GPtrArray of GHashTable; caller unrefs. */
static GPtrArray *report_groups(const char *text)
{
	GPtrArray *groups = g_ptr_array_new_with_free_func((GDestroyNotify)g_hash_table_unref);
	GHashTable *cur = NULL;
	char *last = NULL;      /* key of the field a continuation line extends */
	gchar **lines = g_strsplit(text, "\n", -1);

	for (size_t i = 0; lines[i] != NULL; i++) {
		char *l = lines[i];
		size_t n = strlen(l);
		if (n > 0 && l[n - 1] == '\r')
			l[--n] = '\0';
		if (n == 0 || strspn(l, " \t") == n) {
			cur = NULL, last = NULL;
			continue;
		}
		if ((l[0] == ' ' || l[0] == '\t') && cur != NULL && last != NULL) {
			/* g_hash_table_insert keeps the existing key, so `last`
			 * stays valid for the next continuation line. */
			gchar *v = g_strconcat(g_hash_table_lookup(cur, last), " ", g_strstrip(l), NULL);
			g_hash_table_insert(cur, g_strdup(last), v);
			continue;
		}
		char *colon = strchr(l, ':');
		if (colon == NULL)
			continue;
		if (cur == NULL) {
			if (groups->len >= REPORT_GROUPS_MAX)
				break;
			cur = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
			g_ptr_array_add(groups, cur);
		}
		if (g_hash_table_size(cur) >= REPORT_FIELDS_MAX) {
			last = NULL;
			continue;
		}
		*colon = '\0';
		gchar *key = g_ascii_strdown(g_strstrip(l), -1);
		g_hash_table_replace(cur, key, g_strdup(g_strstrip(colon + 1)));
		last = key;
	}
	g_strfreev(lines);
	return groups;
}

/* The addr-spec of a report address field ("rfc822; a@b", "<a@b>", "a@b")
 * into out; 0, or -1 when it holds none. */
static int field_address(const char *v, char out[MAIL_ADDR_MAX + 1])
{
	if (v == NULL)
		return -1;
	const char *semi = strchr(v, ';');
	gchar *s = g_strstrip(g_strdup(semi != NULL ? semi + 1 : v));
	int rc = mail_parse_address(s, out, NULL, NULL);
	g_free(s);
	return rc;
}

/* ---- MIME helpers ----------------------------------------------------------- */

/* The decoded bytes of a leaf part, or the text of an attached message, as
 * a NUL-terminated string of at most INBOX_REPORT_MAX bytes; g_free. */
static char *part_text(GMimeObject *o)
{
	if (GMIME_IS_MESSAGE_PART(o)) {
		GMimeMessage *m = g_mime_message_part_get_message(GMIME_MESSAGE_PART(o));
		char *s = m != NULL ? g_mime_object_to_string(GMIME_OBJECT(m), NULL) : NULL;
		if (s != NULL && strlen(s) > INBOX_REPORT_MAX)
			s[INBOX_REPORT_MAX] = '\0';
		return s;
	}
	if (!GMIME_IS_PART(o) || g_mime_part_get_content(GMIME_PART(o)) == NULL)
		return NULL;
	GMimeStream *mem = g_mime_stream_mem_new();
	g_mime_data_wrapper_write_to_stream(g_mime_part_get_content(GMIME_PART(o)), mem);
	GByteArray *ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	size_t n = ba->len > INBOX_REPORT_MAX ? INBOX_REPORT_MAX : ba->len;
	char *s = g_strndup((const char *)ba->data, n);
	g_object_unref(mem);
	return s;
}

static int is_type(GMimeObject *o, const char *type, const char *subtype)
{
	GMimeContentType *ct = g_mime_object_get_content_type(o);
	return ct != NULL && g_mime_content_type_is_type(ct, type, subtype);
}

/* The first multipart/report at the top or one level down. */
static GMimeMultipart *find_report(GMimeMessage *m, const char **report_type)
{
	GMimeObject *top = g_mime_message_get_mime_part(m);
	GMimeObject *cand[2] = {top, NULL};
	if (top != NULL && GMIME_IS_MULTIPART(top) && !is_type(top, "multipart", "report") &&
	    g_mime_multipart_get_count(GMIME_MULTIPART(top)) > 0)
		cand[1] = g_mime_multipart_get_part(GMIME_MULTIPART(top), 0);
	for (int i = 0; i < 2; i++) {
		GMimeObject *o = cand[i];
		if (o != NULL && GMIME_IS_MULTIPART(o) && is_type(o, "multipart", "report")) {
			const char *rt = g_mime_content_type_get_parameter(g_mime_object_get_content_type(o), "report-type");
			*report_type = rt != NULL ? rt : "";
			return GMIME_MULTIPART(o);
		}
	}
	return NULL;
}

/* The child of `mp` of type message/`sub1` or message/`sub2`. */
static GMimeObject *child_of_type(GMimeMultipart *mp, const char *type, const char *sub1,
				  const char *sub2)
{
	for (int i = 0; i < g_mime_multipart_get_count(mp); i++) {
		GMimeObject *o = g_mime_multipart_get_part(mp, i);
		if (is_type(o, type, sub1) || (sub2 != NULL && is_type(o, type, sub2)))
			return o;
	}
	return NULL;
}

/* The recipient named by the returned message or headers (third part of a
 * report): the email= of its unsubscribe link, else its To. */
static int returned_recipient(GMimeMultipart *report, char out[MAIL_ADDR_MAX + 1])
{
	GMimeObject *o = child_of_type(report, "message", "rfc822", "global");
	if (o == NULL)
		o = child_of_type(report, "text", "rfc822-headers", NULL);
	if (o == NULL)
		o = child_of_type(report, "message", "rfc822-headers", NULL);
	char *text = o != NULL ? part_text(o) : NULL;
	int rc = -1;
	if (text == NULL)
		return -1;
	GPtrArray *g = report_groups(text);
	GHashTable *h = g->len > 0 ? g_ptr_array_index(g, 0) : NULL;
	const char *lu = h != NULL ? g_hash_table_lookup(h, "list-unsubscribe") : NULL;
	const char *em = lu != NULL ? strstr(lu, "email=") : NULL;
	if (em != NULL) {
		gchar *enc = g_strndup(em + 6, strcspn(em + 6, "&>, "));
		gchar *dec = g_uri_unescape_string(enc, NULL);
		rc = dec != NULL ? field_address(dec, out) : -1;
		g_free(enc), g_free(dec);
	}
	if (rc != 0 && h != NULL && g_hash_table_lookup(h, "to") != NULL)
		rc = mail_parse_address(g_hash_table_lookup(h, "to"), out, NULL, NULL);
	g_ptr_array_unref(g);
	g_free(text);
	return rc;
}

/* The subscriber a VERP address the report was delivered to names. */
static int verp_recipient(struct inbox *ib, GMimeMessage *m, const char *extra,
			  char out[MAIL_ADDR_MAX + 1])
{
	static const char *const hdrs[] = {"Delivered-To", "X-Original-To", "Envelope-To", "To"};
	char a[MAIL_ADDR_MAX + 1];
	if (extra != NULL && field_address(extra, a) == 0 && verp_decode(ib->bounce_addr, a, out))
		return 0;
	for (size_t i = 0; i < sizeof hdrs / sizeof hdrs[0]; i++) {
		const char *v = g_mime_object_get_header(GMIME_OBJECT(m), hdrs[i]);
		if (v != NULL && field_address(v, a) == 0 && verp_decode(ib->bounce_addr, a, out))
			return 0;
	}
	return -1;
}

/* ---- actions ------------------------------------------------------------ */

static int suppress_now(struct inbox *ib, const char *addr, enum suppress_reason r,
			const char *name, const char *detail, struct cx_error *e)
{
	char source[SUPPRESS_SOURCE_MAX];
	snprintf(source, sizeof source, "%s (%s)", name, detail);
	int rc = suppress_add(ib->sup, addr, r, source, time(NULL), e);
	if (rc < 0)
		return e->code == CX_EDATA ? 0 : -1;
	log_info("%s: %s %s (%s)%s", name, suppress_reason_name(r), addr, detail,
		 rc ? "" : ", already suppressed");
	return 0;
}

static time_t message_time(GMimeMessage *m)
{
	GDateTime *d = g_mime_message_get_date(m);
	return d != NULL ? (time_t)g_date_time_to_unix(d) : time(NULL);
}

/* One RFC 3464 report. */
static int delivery_report(struct inbox *ib, GMimeMessage *m, GMimeMultipart *rep,
			   const char *name, const char *key, enum outcome *out,
			   struct cx_error *e)
{
	GMimeObject *st = child_of_type(rep, "message", "delivery-status", "global-delivery-status");
	char *text = st != NULL ? part_text(st) : NULL;
	char verp[MAIL_ADDR_MAX + 1], ret[MAIL_ADDR_MAX + 1], addr[MAIL_ADDR_MAX + 1];
	int have_verp = verp_recipient(ib, m, NULL, verp) == 0;
	int have_ret = returned_recipient(rep, ret) == 0;
	int rc = 0, acted = 0;

	*out = O_UNREADABLE;
	if (text == NULL) {
		log_warn("%s: delivery report without a message/delivery-status part; skipped", name);
		return 0;
	}
	GPtrArray *g = report_groups(text);
	/* Group 0 is per message; recipients follow. */
	for (guint i = 1; i < g->len && rc == 0; i++) {
		GHashTable *h = g_ptr_array_index(g, i);
		const char *status = g_hash_table_lookup(h, "status");
		const char *action = g_hash_table_lookup(h, "action");
		if (status == NULL || (status[0] != '2' && status[0] != '4' && status[0] != '5') || status[1] != '.')
			continue;
		if (!(have_verp && (snprintf(addr, sizeof addr, "%s", verp), 1)) &&
		    field_address(g_hash_table_lookup(h, "original-recipient"), addr) != 0 &&
		    field_address(g_hash_table_lookup(h, "final-recipient"), addr) != 0 &&
		    !(have_ret && (snprintf(addr, sizeof addr, "%s", ret), 1)))
			continue;
		gchar *code = g_strndup(status, strcspn(status, " \t;("));
		if (status[0] == '5' && (action == NULL || !g_ascii_strcasecmp(action, "failed"))) {
			rc = suppress_now(ib, addr, SUPPRESS_BOUNCE_HARD, name, code, e);
			ib->sum->hard++, acted = 1, *out = O_HARD;
		} else if (status[0] == '4') {
			int days = ib->job->digest.soft_bounce_days, lim = ib->job->digest.soft_bounce_limit;
			int n = suppress_soft_bounce(ib->sup, addr, key, message_time(m), days, e);
			ib->sum->soft++, acted = 1;
			if (*out != O_HARD)
				*out = O_SOFT;
			if (n < 0)
				rc = -1;
			else if (n >= lim) {
				char why[64];
				snprintf(why, sizeof why, "%s, %d in %d days", code, n, days);
				rc = suppress_now(ib, addr, SUPPRESS_BOUNCE_SOFT, name, why, e);
				ib->sum->soft_suppressed++;
			} else
				log_info("%s: temporary failure %s for %s (%d of %d in %d days)", name, code, addr, n, lim, days);
		} else if (*out == O_UNREADABLE) {
			*out = O_OTHER;  /* delivered, relayed, expanded */
		}
		g_free(code);
	}
	if (*out == O_UNREADABLE)
		log_warn("%s: delivery report without a recipient and status; skipped", name);
	else if (!acted)
		ib->sum->other++;
	g_ptr_array_unref(g);
	g_free(text);
	return rc;
}

/* One RFC 5965 feedback report. */
static int feedback_report(struct inbox *ib, GMimeMessage *m, GMimeMultipart *rep,
			   const char *name, enum outcome *out, struct cx_error *e)
{
	GMimeObject *fr = child_of_type(rep, "message", "feedback-report", NULL);
	char *text = fr != NULL ? part_text(fr) : NULL;
	char addr[MAIL_ADDR_MAX + 1];
	*out = O_UNREADABLE;
	if (text == NULL) {
		log_warn("%s: feedback report without a message/feedback-report part; skipped", name);
		return 0;
	}
	GPtrArray *g = report_groups(text);
	GHashTable *h = g->len > 0 ? g_ptr_array_index(g, 0) : NULL;
	const char *type = h != NULL ? g_hash_table_lookup(h, "feedback-type") : NULL;
	int rc = 0;
	if (type == NULL) {
		log_warn("%s: feedback report without Feedback-Type; skipped", name);
	} else if (!g_ascii_strcasecmp(type, "not-spam")) {
		*out = O_OTHER, ib->sum->other++;
	} else if (verp_recipient(ib, m, g_hash_table_lookup(h, "original-mail-from"), addr) == 0 ||
		   field_address(g_hash_table_lookup(h, "original-rcpt-to"), addr) == 0 ||
		   field_address(g_hash_table_lookup(h, "removal-recipient"), addr) == 0 ||
		   returned_recipient(rep, addr) == 0) {
		gchar *t = g_ascii_strdown(type, -1);
		rc = suppress_now(ib, addr, SUPPRESS_COMPLAINT, name, t, e);
		g_free(t);
		*out = O_COMPLAINT, ib->sum->complaints++;
	} else {
		log_warn("%s: feedback report names no recipient (redacted?); skipped", name);
	}
	g_ptr_array_unref(g);
	g_free(text);
	return rc;
}

/* The first text/plain part outside attached messages, decoded; g_free. */
static char *first_text(GMimeObject *o)
{
	if (GMIME_IS_MULTIPART(o)) {
		for (int i = 0; i < g_mime_multipart_get_count(GMIME_MULTIPART(o)); i++) {
			char *t = first_text(g_mime_multipart_get_part(GMIME_MULTIPART(o), i));
			if (t != NULL)
				return t;
		}
		return NULL;
	}
	if (GMIME_IS_TEXT_PART(o) && is_type(o, "text", "plain")) {
		char *t = g_mime_text_part_get_text(GMIME_TEXT_PART(o));
		if (t != NULL && strlen(t) > INBOX_REPORT_MAX)
			t[INBOX_REPORT_MAX] = '\0';
		return t;
	}
	return NULL;
}

/* An unsubscribe request: a token and the address after it (else From). */
static int unsubscribe_mail(struct inbox *ib, GMimeMessage *m, const char *name,
			    enum outcome *out, struct cx_error *e)
{
	char tok[TOKEN_SIZE], addr[MAIL_ADDR_MAX + 1];
	const char *subj = g_mime_message_get_subject(m), *rest = NULL;
	char *body = NULL;
	int rc = 0;

	*out = O_OTHER;
	if (subj != NULL)
		rest = token_find(subj, tok);
	if (rest == NULL && g_mime_message_get_mime_part(m) != NULL &&
	    (body = first_text(g_mime_message_get_mime_part(m))) != NULL)
		rest = token_find(body, tok);
	if (rest == NULL) {
		ib->sum->other++;
		goto done;
	}
	gchar *word = g_strndup(rest + strspn(rest, " \t\r\n"), strcspn(rest + strspn(rest, " \t\r\n"), " \t\r\n>"));
	gchar *w = g_uri_unescape_string(word, NULL);
	int found = w != NULL && strchr(w, '@') != NULL && mail_parse_address(w, addr, NULL, NULL) == 0;
	g_free(word), g_free(w);
	if (!found) {
		InternetAddressList *from = g_mime_message_get_from(m);
		InternetAddress *ia = from != NULL && internet_address_list_length(from) > 0
			? internet_address_list_get_address(from, 0) : NULL;
		found = ia != NULL && INTERNET_ADDRESS_IS_MAILBOX(ia) &&
			mail_parse_address(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia)), addr, NULL, NULL) == 0;
	}
	if (!found || ib->keys.n == 0 || token_verify(&ib->keys, ib->job->name, addr, tok) != TOKEN_OK) {
		log_warn("%s: unsubscribe token that does not verify%s%s; ignored", name,
			 found ? " for " : "", found ? addr : "");
		*out = O_FORGED, ib->sum->forged++;
		goto done;
	}
	rc = suppress_now(ib, addr, SUPPRESS_UNSUB_MAIL, name, "token", e);
	*out = O_UNSUB, ib->sum->unsubscribes++;
done:
	g_free(body);
	return rc;
}

/* ---- one message -------------------------------------------------------- */

static void message_key(GMimeMessage *m, char *out, size_t size)
{
	const char *id = g_mime_message_get_message_id(m);
	if (id != NULL && id[0] != '\0') {
		snprintf(out, size, "<%s>", id);
		return;
	}
	char *s = g_mime_object_to_string(GMIME_OBJECT(m), NULL);
	gchar *h = g_compute_checksum_for_string(G_CHECKSUM_SHA256, s != NULL ? s : "", -1);
	snprintf(out, size, "sha256:%s", h);
	g_free(h);
	g_free(s);
}

static int handle(struct inbox *ib, GMimeMessage *m, const char *name, struct cx_error *e)
{
	char key[1024];
	const char *rt = NULL;
	enum outcome o;
	int rc;

	ib->sum->messages++;
	if (g_mime_header_list_get_count(g_mime_object_get_header_list(GMIME_OBJECT(m))) == 0) {
		log_warn("%s: not a mail message (no header); skipped", name);
		ib->sum->unreadable++;
		return 0;
	}
	message_key(m, key, sizeof key);
	if ((rc = suppress_seen(ib->sup, key, e)) != 0) {
		ib->sum->seen += rc > 0;
		return rc < 0 ? -1 : 0;
	}
	GMimeMultipart *rep = find_report(m, &rt);
	if (rep != NULL && !g_ascii_strcasecmp(rt, "delivery-status"))
		rc = delivery_report(ib, m, rep, name, key, &o, e);
	else if (rep != NULL && !g_ascii_strcasecmp(rt, "feedback-report"))
		rc = feedback_report(ib, m, rep, name, &o, e);
	else
		rc = unsubscribe_mail(ib, m, name, &o, e);
	if (rc != 0)
		return -1;
	if (o == O_UNREADABLE) {
		ib->sum->unreadable++;
		return 0;
	}
	return suppress_mark_seen(ib->sup, key, outcome_names[o], e);
}

/* ---- sources ------------------------------------------------------------ */

/* Every message of `stream`: an mbox when it starts with "From ". */
static int read_stream(struct inbox *ib, GMimeStream *stream, const char *name,
		       struct cx_error *e)
{
	char head[5] = {0};
	gint64 start = g_mime_stream_tell(stream);
	int mbox = g_mime_stream_read(stream, head, 5) == 5 && !memcmp(head, "From ", 5);
	g_mime_stream_seek(stream, start, GMIME_STREAM_SEEK_SET);
	GMimeParser *p = g_mime_parser_new_with_stream(stream);
	int rc = 0;
	g_mime_parser_set_format(p, mbox ? GMIME_FORMAT_MBOX : GMIME_FORMAT_MESSAGE);
	for (long n = 1; rc == 0 && !g_mime_parser_eos(p); n++) {
		gint64 at = g_mime_parser_tell(p);
		GMimeMessage *m = g_mime_parser_construct_message(p, NULL);
		char label[4096 + 32];
		if (mbox)
			snprintf(label, sizeof label, "%s: message %ld", name, n);
		else
			snprintf(label, sizeof label, "%s", name);
		if (m == NULL) {
			ib->sum->messages++, ib->sum->unreadable++;
			log_warn("%s: cannot be parsed as a message; skipped", label);
			break;
		}
		if (g_mime_parser_tell(p) - at > INBOX_MESSAGE_MAX) {
			ib->sum->messages++, ib->sum->unreadable++;
			log_warn("%s: larger than %ld bytes; skipped", label, INBOX_MESSAGE_MAX);
		} else {
			rc = handle(ib, m, label, e);
		}
		g_object_unref(m);
		if (!mbox)
			break;
	}
	g_object_unref(p);
	return rc;
}

static int read_file(struct inbox *ib, const char *path, struct cx_error *e)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0) {
		if (fd >= 0)
			close(fd);
		ib->sum->messages++, ib->sum->unreadable++;
		log_warn("%s: cannot open: %s; skipped", path, strerror(errno));
		return 0;
	}
	if (st.st_size == 0) {
		close(fd);
		ib->sum->messages++, ib->sum->unreadable++;
		log_warn("%s: empty file; skipped", path);
		return 0;
	}
	GMimeStream *s = g_mime_stream_fs_new(fd);  /* owns fd */
	int rc = read_stream(ib, s, path, e);
	g_object_unref(s);
	return rc;
}

static gint cmp_names(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The regular files of `dir` (no dot files), sorted, at most INBOX_FILES_MAX. */
static int read_dir(struct inbox *ib, const char *dir, struct cx_error *e)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	int rc = 0;
	if (d == NULL)
		return cx_fail(e, CX_ENOINPUT, "%s: cannot open: %s", dir, strerror(errno));
	while ((de = readdir(d)) != NULL && names->len < INBOX_FILES_MAX) {
		gchar *p = g_build_filename(dir, de->d_name, NULL);
		struct stat st;
		if (de->d_name[0] != '.' && stat(p, &st) == 0 && S_ISREG(st.st_mode))
			g_ptr_array_add(names, p);
		else
			g_free(p);
	}
	closedir(d);
	if (names->len >= INBOX_FILES_MAX)
		log_warn("%s: more than %d files; the rest wait for the next pass", dir, INBOX_FILES_MAX);
	g_ptr_array_sort(names, cmp_names);
	for (guint i = 0; i < names->len && rc == 0; i++)
		rc = read_file(ib, g_ptr_array_index(names, i), e);
	g_ptr_array_unref(names);
	return rc;
}

/* A Maildir (new/ and cur/) or a plain directory of message files. */
static int read_maildir(struct inbox *ib, const char *dir, struct cx_error *e)
{
	static const char *const subs[] = {"new", "cur"};
	int maildir = 0, rc = 0;
	for (int i = 0; i < 2 && rc == 0; i++) {
		gchar *p = g_build_filename(dir, subs[i], NULL);
		if (g_file_test(p, G_FILE_TEST_IS_DIR)) {
			maildir = 1;
			rc = read_dir(ib, p, e);
		}
		g_free(p);
	}
	return maildir ? rc : read_dir(ib, dir, e);
}

static int read_stdin(struct inbox *ib, struct cx_error *e)
{
	GByteArray *buf = g_byte_array_new();
	guint8 chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0) {
		if (buf->len + n > (size_t)INBOX_MESSAGE_MAX) {
			g_byte_array_unref(buf);
			return cx_fail(e, CX_EDATA, "stdin: larger than %ld bytes", INBOX_MESSAGE_MAX);
		}
		g_byte_array_append(buf, chunk, (guint)n);
	}
	if (buf->len == 0) {
		/* Nothing arrived: nothing to act on, not a message that failed. */
		g_byte_array_unref(buf);
		log_warn("stdin: empty: no message to act on");
		return 0;
	}
	GMimeStream *s = g_mime_stream_mem_new_with_byte_array(buf);  /* owns buf */
	int rc = read_stream(ib, s, "stdin", e);
	g_object_unref(s);
	return rc;
}

/* ---- public ------------------------------------------------------------- */

int inbox_process(const struct job *job, const char *path, struct inbox_summary *sum,
		  struct cx_error *e)
{
	struct inbox ib = {.job = job, .sum = sum};
	struct stat st;
	int rc = -1;

	memset(sum, 0, sizeof *sum);
	g_mime_init();
	const char *rp = job->digest.return_path != NULL ? job->digest.return_path : job->digest.from;
	if (rp == NULL || mail_parse_address(rp, ib.bounce_addr, NULL, NULL) != 0)
		ib.bounce_addr[0] = '\0';
	if (token_keyring_from_job(job, &ib.keys, e) < 0)
		return -1;
	int from_stdin = path == NULL || !strcmp(path, "-");
	memset(&st, 0, sizeof st);
	if (!from_stdin && stat(path, &st) != 0)
		return cx_fail(e, CX_ENOINPUT, "%s: %s", path, strerror(errno));
	if ((ib.sup = suppress_open(job, true, e)) == NULL)
		return -1;
	if (from_stdin)
		rc = read_stdin(&ib, e);
	else if (S_ISDIR(st.st_mode))
		rc = read_maildir(&ib, path, e);
	else
		rc = read_file(&ib, path, e);
	suppress_free(ib.sup);
	return rc;
}

void inbox_summary_print(FILE *f, const struct inbox_summary *s)
{
	fprintf(f, "inbox: %zu %s: %zu hard %s, %zu soft %s (%zu suppressed), "
		   "%zu %s, %zu %s, %zu forged, %zu other, %zu unreadable, "
		   "%zu already seen\n",
		s->messages, plural(s->messages, "message", "messages"),
		s->hard, plural(s->hard, "bounce", "bounces"),
		s->soft, plural(s->soft, "bounce", "bounces"), s->soft_suppressed,
		s->complaints, plural(s->complaints, "complaint", "complaints"),
		s->unsubscribes, plural(s->unsubscribes, "unsubscribe", "unsubscribes"),
		s->forged, s->other, s->unreadable, s->seen);
}
