/* mail.c - the digest message with GMime 3 (the only GMime user). */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>

#include "mail.h"
#include "xalloc.h"

static void mail_init(void)
{
	static int done;
	if (!done) {
		g_mime_init();
		done = 1;
	}
}

static int has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

const char *mail_domain(const char *addr)
{
	const char *at = strrchr(addr, '@');
	return at != NULL && at[1] != '\0' ? at + 1 : NULL;
}

int mail_parse_address(const char *text, char *addr, char *name,
		       struct cx_error *e)
{
	int rc = -1;
	GMimeParserOptions *po;
	InternetAddressList *list;

	if (has_control(text))
		return cx_fail(e, CX_EDATA, "address \"%.80s\" contains a control character (CR, LF, ...)", text);
	if (strlen(text) > MAIL_ADDR_MAX + MAIL_NAME_MAX)
		return cx_fail(e, CX_EDATA, "address \"%.80s...\" is too long", text);
	mail_init();
	po = g_mime_parser_options_new();
	g_mime_parser_options_set_address_compliance_mode(po, GMIME_RFC_COMPLIANCE_STRICT);
	list = internet_address_list_parse(po, text);
	g_mime_parser_options_free(po);
	if (list == NULL || internet_address_list_length(list) != 1 ||
	    !INTERNET_ADDRESS_IS_MAILBOX(internet_address_list_get_address(list, 0))) {
		cx_fail(e, CX_EDATA, "\"%s\" is not one valid e-mail address", text);
		goto done;
	}
	InternetAddress *ia = internet_address_list_get_address(list, 0);
	const char *spec = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
	const char *at = spec != NULL ? strrchr(spec, '@') : NULL;
	/* GMime accepts a bare local part as a mailbox; mail needs a domain
	 * with a dot and no spaces or brackets left over from lenient parsing. */
	if (at == NULL || at == spec || strchr(at, '.') == NULL || at[1] == '.' ||
	    at[strlen(at) - 1] == '.' || strpbrk(spec, " <>()[],;\\\"") != NULL) {
		cx_fail(e, CX_EDATA, "\"%s\" is not one valid e-mail address", text);
		goto done;
	}
	if (strlen(spec) > MAIL_ADDR_MAX) {
		cx_fail(e, CX_EDATA, "address \"%.80s...\" is too long", spec);
		goto done;
	}
	size_t local = (size_t)(at - spec);
	memcpy(addr, spec, local);
	for (size_t i = local; spec[i]; i++)
		addr[i] = (char)tolower((unsigned char)spec[i]);
	addr[strlen(spec)] = '\0';
	if (name != NULL) {
		const char *n = internet_address_get_name(ia);
		snprintf(name, MAIL_NAME_MAX + 1, "%s", n != NULL ? n : "");
	}
	rc = 0;
done:
	if (list != NULL)
		g_object_unref(list);
	return rc;
}

static void sha256_hex(const void *parts[], const size_t lens[], size_t n,
		       char *out, size_t hexlen)
{
	GChecksum *ck = g_checksum_new(G_CHECKSUM_SHA256);
	for (size_t i = 0; i < n; i++) {
		g_checksum_update(ck, parts[i], (gssize)lens[i]);
		g_checksum_update(ck, (const guchar *)"", 1);  /* separator: NUL */
	}
	snprintf(out, hexlen + 1, "%s", g_checksum_get_string(ck));
	g_checksum_free(ck);
}

void mail_message_id(const char *job, const char *as_of,
		     const char *recipient, const char *domain,
		     char out[MAIL_MSGID_MAX])
{
	const void *p[] = {job, as_of, recipient};
	const size_t l[] = {strlen(job), strlen(as_of), strlen(recipient)};
	char hex[33];

	sha256_hex(p, l, 3, hex, 32);
	snprintf(out, MAIL_MSGID_MAX, "%s.%s@%s", hex, as_of, domain);
}

char *mail_unsubscribe_url(const char *base, const char *addr,
			   const char *token)
{
	gchar *a = g_uri_escape_string(addr, NULL, FALSE);
	gchar *s = g_strdup_printf("%s%semail=%s&token=%s", base,
				   strchr(base, '?') != NULL ? "&" : "?", a, token);
	char *r = xstrdup(s);
	g_free(a);
	g_free(s);
	return r;
}

/* ---- images referenced by cid: ------------------------------------------ */

struct image {
	char path[256];           /* relative to image_dir; also the cid's left part */
	unsigned char *data;
	size_t len;
	const char *b64;          /* data base64-encoded (GMime's lines), or NULL */
	size_t b64len;
	int shared;               /* data and b64 belong to a struct mail_images */
};

/* One image of the batch cache, under its full path. */
struct cached {
	unsigned char *data;
	size_t len;
	char *b64;
	size_t b64len;
};

struct mail_images {
	pthread_mutex_t lock;
	GHashTable *by_path;      /* "image_dir/path" -> struct cached * */
};

static int cid_path_ok(const char *p)
{
	size_t n = strlen(p);
	if (n < 5 || n >= sizeof ((struct image *)0)->path || p[0] == '/' ||
	    strstr(p, "..") != NULL || strcmp(p + n - 4, ".png") != 0)
		return 0;
	for (; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("._-/", *p))
			return 0;
	return 1;
}

static int read_png(const char *dir, struct image *im, struct cx_error *e)
{
	char path[4096];
	static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	snprintf(path, sizeof path, "%s/%s", dir, im->path);
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return cx_fail(e, CX_ENOINPUT, "%s: cannot open chart for cid:%s", path, im->path);
	im->data = xmalloc(MAIL_IMAGE_MAX + 1);
	im->len = fread(im->data, 1, MAIL_IMAGE_MAX + 1, f);
	int bad = ferror(f);
	fclose(f);
	if (bad)
		return cx_fail(e, CX_EIO, "%s: read error", path);
	if (im->len > MAIL_IMAGE_MAX)
		return cx_fail(e, CX_EDATA, "%s: image larger than %u bytes", path, MAIL_IMAGE_MAX);
	if (im->len < 8 || memcmp(im->data, sig, 8) != 0)
		return cx_fail(e, CX_EDATA, "%s: not a PNG file", path);
	im->data = xrealloc_array(im->data, im->len, 1);   /* the image, not MAIL_IMAGE_MAX */
	return 0;
}

/* ---- the batch's image cache ---------------------------------------------- */

static void cached_free(gpointer p)
{
	struct cached *c = p;
	free(c->data);
	free(c->b64);
	free(c);
}

struct mail_images *mail_images_new(void)
{
	struct mail_images *m = xcalloc(1, sizeof *m);
	pthread_mutex_init(&m->lock, NULL);
	m->by_path = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, cached_free);
	return m;
}

void mail_images_free(struct mail_images *m)
{
	if (m == NULL)
		return;
	g_hash_table_destroy(m->by_path);
	pthread_mutex_destroy(&m->lock);
	free(m);
}

/* The bytes GMime writes for a base64 part of `data` (76-column lines). */
static char *base64_lines(const unsigned char *data, size_t len, size_t *outlen)
{
	unsigned char *out = xmalloc(GMIME_BASE64_ENCODE_LEN(len) + 1);
	int state = 0;
	guint32 save = 0;
	*outlen = g_mime_encoding_base64_encode_close(data, len, out, &state, &save);
	return (char *)out;
}

/* im->path read through the cache: the first message to name an image
 * reads and encodes it, the others share it. */
static int cached_png(struct mail_images *m, const char *dir, struct image *im,
		      struct cx_error *e)
{
	int rc = 0;
	gchar *key = g_strdup_printf("%s/%s", dir, im->path);

	pthread_mutex_lock(&m->lock);
	struct cached *c = g_hash_table_lookup(m->by_path, key);
	if (c == NULL && (rc = read_png(dir, im, e)) == 0) {
		c = xcalloc(1, sizeof *c);
		c->data = im->data;
		c->len = im->len;
		c->b64 = base64_lines(c->data, c->len, &c->b64len);
		g_hash_table_insert(m->by_path, key, c);
		key = NULL;
	}
	pthread_mutex_unlock(&m->lock);
	g_free(key);
	if (rc != 0) {
		free(im->data);
		im->data = NULL;
		return -1;
	}
	im->data = c->data;
	im->len = c->len;
	im->b64 = c->b64;
	im->b64len = c->b64len;
	im->shared = 1;
	return 0;
}

/* Every distinct cid:PATH@DOMAIN in the HTML, in order of appearance. */
static int collect_images(const struct mail_content *c, struct image **imp,
			  size_t *n, struct cx_error *e)
{
	struct image *im = *imp;
	size_t cap = 0;

	const char *p = c->html;
	*n = 0;
	while ((p = strstr(p, "cid:")) != NULL) {
		p += 4;
		size_t len = strcspn(p, "\"' )>\r\n\t");
		char ref[512];
		if (len >= sizeof ref)
			return cx_fail(e, CX_EDATA, "html: cid: reference too long");
		memcpy(ref, p, len);
		ref[len] = '\0';
		char *at = strrchr(ref, '@');
		if (at == NULL || strcmp(at + 1, c->cid_domain) != 0)
			return cx_fail(e, CX_EDATA, "html: \"cid:%s\" is not on the domain \"%s\"", ref, c->cid_domain);
		*at = '\0';
		if (!cid_path_ok(ref))
			return cx_fail(e, CX_EDATA, "html: \"cid:%s\" does not name a chart PNG in the run directory", ref);
		size_t i;
		for (i = 0; i < *n && strcmp(im[i].path, ref) != 0; i++)
			;
		if (i < *n)
			continue;
		if (*n == MAIL_IMAGES_MAX)
			return cx_fail(e, CX_EDATA, "html: more than %d images", MAIL_IMAGES_MAX);
		if (*n == cap) {   /* grown as needed: most messages carry a few */
			cap = cap ? 2 * cap : 8;
			*imp = im = xrealloc_array(im, cap, sizeof *im);
		}
		im[*n] = (struct image){.data = NULL};
		memcpy(im[*n].path, ref, strlen(ref) + 1);   /* fits: cid_path_ok */
		(*n)++;
		if ((c->images != NULL ? cached_png(c->images, c->image_dir, &im[*n - 1], e)
				       : read_png(c->image_dir, &im[*n - 1], e)) != 0)
			return -1;
	}
	return 0;
}

/* ---- parts -------------------------------------------------------------- */

static GMimeObject *text_part(const char *subtype, const char *text)
{
	/* The bytes as they are, labelled UTF-8 (g_mime_text_part_set_text
	 * would recode to the "best" charset, e.g. ISO-8859-1). */
	GMimeTextPart *tp = g_mime_text_part_new_with_subtype(subtype);
	GMimeStream *st = g_mime_stream_mem_new_with_buffer(text, strlen(text));
	GMimeDataWrapper *w = g_mime_data_wrapper_new_with_stream(st, GMIME_CONTENT_ENCODING_DEFAULT);
	g_mime_part_set_content(GMIME_PART(tp), w);
	g_object_unref(w);
	g_object_unref(st);
	g_mime_object_set_content_type_parameter(GMIME_OBJECT(tp), "charset", "utf-8");
	g_mime_part_set_content_encoding(GMIME_PART(tp), GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
	return GMIME_OBJECT(tp);
}

static GMimeObject *image_part(const struct image *im, const char *domain)
{
	GMimePart *part = g_mime_part_new_with_type("image", "png");
	/* Already encoded (the cache): GMime copies the lines as they are. */
	GMimeStream *st = im->b64 != NULL ? g_mime_stream_mem_new_with_buffer(im->b64, im->b64len)
		: g_mime_stream_mem_new_with_buffer((const char *)im->data, im->len);
	GMimeDataWrapper *w = g_mime_data_wrapper_new_with_stream(st, im->b64 != NULL
		? GMIME_CONTENT_ENCODING_BASE64 : GMIME_CONTENT_ENCODING_DEFAULT);
	char cid[512];

	g_mime_part_set_content(part, w);
	g_object_unref(w);
	g_object_unref(st);
	g_mime_part_set_content_encoding(part, GMIME_CONTENT_ENCODING_BASE64);
	snprintf(cid, sizeof cid, "%s@%s", im->path, domain);
	g_mime_object_set_content_id(GMIME_OBJECT(part), cid);
	/* Inline, referenced by cid, and without a file name: a named part
	 * is listed as an attachment by some clients (38 "attachments"). */
	g_mime_object_set_disposition(GMIME_OBJECT(part), "inline");
	return GMIME_OBJECT(part);
}

static int check_header(const char *what, const char *v, size_t max,
			struct cx_error *e)
{
	if (v == NULL)
		return 0;
	if (has_control(v))
		return cx_fail(e, CX_EDATA, "%s \"%.80s\" contains a control character (CR, LF, ...)", what, v);
	if (strlen(v) > max)
		return cx_fail(e, CX_EDATA, "%s \"%.80s...\" is longer than %zu bytes", what, v, max);
	return 0;
}

static int set_addresses(GMimeMessage *msg, const struct mail_content *c,
			 struct cx_error *e)
{
	char addr[MAIL_ADDR_MAX + 1], name[MAIL_NAME_MAX + 1];
	struct cx_error ae = { 0 };

	if (mail_parse_address(c->from, addr, name, &ae) != 0)
		return cx_fail(e, CX_EDATA, "from: %s", ae.msg);
	g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_FROM, name, addr);
	if (c->reply_to != NULL) {
		if (mail_parse_address(c->reply_to, addr, name, &ae) != 0)
			return cx_fail(e, CX_EDATA, "reply-to: %s", ae.msg);
		g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_REPLY_TO, name, addr);
	}
	g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_TO,
				   c->to_name != NULL ? c->to_name : "", c->to_addr);
	return 0;
}

/* RFC 2919 List-Id: "Title <label.domain>", the label the job name with
 * anything outside dot-atom text turned into '-'. */
static void set_list_id(GMimeMessage *msg, const struct mail_content *c)
{
	if (c->list_label == NULL || c->cid_domain == NULL)
		return;
	GString *id = g_string_new(NULL);
	for (const char *p = c->list_label; *p; p++)
		g_string_append_c(id, g_ascii_isalnum(*p) || *p == '-' || *p == '.' ? *p : '-');
	g_string_append_printf(id, ".%s", c->cid_domain);
	/* Not a mailbox (no '@'): the phrase encoded by GMime, the id as is. */
	gchar *phrase = c->list_name && *c->list_name
		? g_mime_utils_header_encode_phrase(NULL, c->list_name, "utf-8") : NULL;
	gchar *v = g_strdup_printf("%s%s<%s>", phrase ? phrase : "", phrase ? " " : "", id->str);
	g_mime_object_set_header(GMIME_OBJECT(msg), "List-Id", "x", NULL);
	GMimeHeaderList *hl = g_mime_object_get_header_list(GMIME_OBJECT(msg));
	gchar *raw = g_strdup_printf(" %s\n", v);
	g_mime_header_set_raw_value(g_mime_header_list_get_header(hl, "List-Id"), raw);
	g_free(raw), g_free(v), g_free(phrase);
	g_string_free(id, TRUE);
}

static void set_list_headers(GMimeMessage *msg, const struct mail_content *c)
{
	GString *v = g_string_new(NULL);

	set_list_id(msg, c);
	/* Written raw, one URL per folded line: GMime would otherwise treat
	 * the long value as text and RFC 2047-encode it, which breaks it. */
	if (c->unsubscribe_url != NULL)
		g_string_append_printf(v, " <%s>", c->unsubscribe_url);
	if (c->unsubscribe_mailto != NULL) {
		/* The address rides along so that `convex inbox` finds the
		 * subscriber without trying every address (token.h). */
		gchar *a = g_uri_escape_string(c->to_addr, NULL, FALSE);
		g_string_append_printf(v, "%s <mailto:%s?subject=unsubscribe%%20%s%%20%s>",
				       v->len ? ",\n" : "", c->unsubscribe_mailto,
				       c->unsubscribe_token != NULL ? c->unsubscribe_token : "", a);
		g_free(a);
	}
	if (v->len) {
		GMimeHeaderList *hl = g_mime_object_get_header_list(GMIME_OBJECT(msg));
		g_string_append_c(v, '\n');
		g_mime_object_set_header(GMIME_OBJECT(msg), "List-Unsubscribe", "x", NULL);
		g_mime_header_set_raw_value(g_mime_header_list_get_header(hl, "List-Unsubscribe"), v->str);
	}
	/* RFC 8058: one-click only with an https URL (never http). */
	if (c->unsubscribe_url != NULL && g_ascii_strncasecmp(c->unsubscribe_url, "https://", 8) == 0)
		g_mime_object_set_header(GMIME_OBJECT(msg), "List-Unsubscribe-Post",
					 "List-Unsubscribe=One-Click", NULL);
	g_string_free(v, TRUE);
}

/* Boundaries: a hash of the Message-ID (itself a hash of the job, the
 * date and the recipient) and the recipient, so a rebuilt message has the
 * same ones. They used to hash the parts' text, which was a tenth of
 * composing a message and bought nothing: "=_" cannot occur in
 * quoted-printable or base64 text, so a boundary never collides with a
 * body line whatever it hashes. */
static void boundaries(const struct mail_content *c, char alt[64], char rel[64])
{
	GChecksum *ck = g_checksum_new(G_CHECKSUM_SHA256);
	const char *id = c->message_id != NULL ? c->message_id : "";
	g_checksum_update(ck, (const guchar *)id, (gssize)strlen(id));
	g_checksum_update(ck, (const guchar *)"", 1);
	g_checksum_update(ck, (const guchar *)c->to_addr, (gssize)strlen(c->to_addr));
	const char *h = g_checksum_get_string(ck);
	snprintf(alt, 64, "=_alt_%.40s", h);
	snprintf(rel, 64, "=_rel_%.40s", h);
	g_checksum_free(ck);
}

int mail_build(const struct mail_content *c, char **out, size_t *len,
	       struct cx_error *e)
{
	struct image *im = NULL;
	size_t nim = 0;
	GMimeMessage *msg = NULL;
	int rc = -1;

	*out = NULL;
	*len = 0;
	mail_init();
	if (check_header("subject", c->subject, MAIL_SUBJECT_MAX, e) != 0 ||
	    check_header("name", c->to_name, MAIL_NAME_MAX, e) != 0 ||
	    check_header("address", c->to_addr, MAIL_ADDR_MAX, e) != 0 ||
	    check_header("unsubscribe URL", c->unsubscribe_url, 2048, e) != 0 ||
	    check_header("message id", c->message_id, MAIL_MSGID_MAX, e) != 0)
		return -1;
	if (collect_images(c, &im, &nim, e) != 0)
		goto done;

	msg = g_mime_message_new(TRUE);
	if (set_addresses(msg, c, e) != 0)
		goto done;
	g_mime_message_set_subject(msg, c->subject, "utf-8");
	GDateTime *dt = g_date_time_new_from_unix_utc((gint64)c->date);
	g_mime_message_set_date(msg, dt);
	g_date_time_unref(dt);
	g_mime_message_set_message_id(msg, c->message_id);
	set_list_headers(msg, c);

	char balt[64], brel[64];
	boundaries(c, balt, brel);
	GMimeMultipart *rel = g_mime_multipart_new_with_subtype("related");
	g_mime_object_set_content_type_parameter(GMIME_OBJECT(rel), "type", "text/html");
	g_mime_multipart_set_boundary(rel, brel);
	GMimeObject *html = text_part("html", c->html);
	g_mime_multipart_add(rel, html);
	g_object_unref(html);
	for (size_t i = 0; i < nim; i++) {
		GMimeObject *p = image_part(&im[i], c->cid_domain);
		g_mime_multipart_add(rel, p);
		g_object_unref(p);
	}
	GMimeMultipart *alt = g_mime_multipart_new_with_subtype("alternative");
	g_mime_multipart_set_boundary(alt, balt);
	GMimeObject *text = text_part("plain", c->text);
	g_mime_multipart_add(alt, text);
	g_object_unref(text);
	g_mime_multipart_add(alt, GMIME_OBJECT(rel));
	g_object_unref(rel);
	g_mime_message_set_mime_part(msg, GMIME_OBJECT(alt));
	g_object_unref(alt);

	GMimeFormatOptions *fo = g_mime_format_options_new();
	g_mime_format_options_set_newline_format(fo, GMIME_NEWLINE_FORMAT_DOS);
	char *s = g_mime_object_to_string(GMIME_OBJECT(msg), fo);
	g_mime_format_options_free(fo);
	*len = strlen(s);
	*out = xmalloc(*len + 1);
	memcpy(*out, s, *len + 1);
	g_free(s);
	rc = 0;
done:
	for (size_t i = 0; i < nim; i++)
		if (!im[i].shared)
			free(im[i].data);
	free(im);
	if (msg != NULL)
		g_object_unref(msg);
	return rc;
}
