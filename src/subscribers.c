/* subscribers.c - the subscriber CSV (via csv.h) and the suppression list. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <glib.h>

#include "csv.h"
#include "log.h"
#include "subscribers.h"
#include "xalloc.h"

static int has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* Split "SBI/SPI; rates" into trimmed tokens. */
static int split_pairs(struct subscriber *sub, char *field, const char *file,
		       struct cx_error *e)
{
	char *save = NULL;
	size_t cap = 0;

	for (char *t = strtok_r(field, ";", &save); t != NULL; t = strtok_r(NULL, ";", &save)) {
		t = trim(t);
		if (*t == '\0')
			continue;
		if (strlen(t) > SUBSCRIBERS_TOKEN_MAX)
			return cx_fail(e, CX_EDATA, "%s:%ld: pair \"%.40s...\" is too long", file, sub->line, t);
		if (sub->npairs == SUBSCRIBERS_PAIRS_MAX)
			return cx_fail(e, CX_EDATA, "%s:%ld: more than %d pairs", file, sub->line, SUBSCRIBERS_PAIRS_MAX);
		if (sub->npairs == cap) {
			cap = cap ? 2 * cap : 4;
			sub->pairs = xrealloc_array(sub->pairs, cap, sizeof *sub->pairs);
		}
		sub->pairs[sub->npairs++] = xstrdup(t);
	}
	return 0;
}

static int parse_row(struct subscriber *sub, const struct csv_record *rec,
		     const char *file, struct cx_error *e)
{
	struct cx_error ae;
	sub->line = rec->line;
	if (rec->n > 3)
		return cx_fail(e, CX_EDATA, "%s:%ld: %zu fields; expected email,name,pairs", file, rec->line, rec->n);
	for (size_t i = 0; i < rec->n; i++) {
		if (has_control(rec->field[i]))
			return cx_fail(e, CX_EDATA, "%s:%ld: field %zu contains a control character (CR, LF, ...)", file, rec->line, i + 1);
		if (!g_utf8_validate(rec->field[i], -1, NULL))
			return cx_fail(e, CX_EDATA, "%s:%ld: field %zu is not valid UTF-8", file, rec->line, i + 1);
	}
	if (mail_parse_address(trim(rec->field[0]), sub->email, NULL, &ae) != 0)
		return cx_fail(e, CX_EDATA, "%s:%ld: %s", file, rec->line, ae.msg);
	if (rec->n > 1) {
		char *name = trim(rec->field[1]);
		if (strlen(name) > MAIL_NAME_MAX)
			return cx_fail(e, CX_EDATA, "%s:%ld: name is longer than %d bytes", file, rec->line, MAIL_NAME_MAX);
		snprintf(sub->name, sizeof sub->name, "%s", name);
	}
	return rec->n > 2 ? split_pairs(sub, rec->field[2], file, e) : 0;
}

static void subscriber_release(struct subscriber *s)
{
	for (size_t i = 0; i < s->npairs; i++)
		free(s->pairs[i]);
	free(s->pairs);
}

/* The addresses seen so far, lowercased, each with its subscriber index + 1
 * (a hash table: a list of 100,000 subscribers must not cost n^2 compares). */
static GHashTable *seen_new(void)
{
	return g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
}

/* Index of the subscriber already listed with `addr`, or -1 after
 * remembering it as index `i`. */
static long seen_or_add(GHashTable *seen, const char *addr, size_t i)
{
	char *key = g_ascii_strdown(addr, -1);
	gpointer v = g_hash_table_lookup(seen, key);

	if (v != NULL) {
		g_free(key);
		return (long)GPOINTER_TO_SIZE(v) - 1;
	}
	g_hash_table_insert(seen, key, GSIZE_TO_POINTER(i + 1));
	return -1;
}

static int read_subscribers(struct subscribers *s, const char *path,
			    struct cx_error *e)
{
	struct csv_reader *r = csv_new_file(path, e);
	struct csv_record rec;
	size_t cap = 0;
	int got;

	if (r == NULL)
		return -1;
	GHashTable *seen = seen_new();
	while ((got = csv_next(r, &rec, e)) == 1) {
		const char *f0 = rec.field[0];
		while (isspace((unsigned char)*f0))
			f0++;
		if (f0[0] == '#' || (rec.line == 1 && strcasecmp(f0, "email") == 0))
			continue;
		if (s->n == SUBSCRIBERS_MAX) {
			csv_free(r);
			g_hash_table_destroy(seen);
			return cx_fail(e, CX_EDATA, "%s:%ld: more than %d subscribers", path, rec.line, SUBSCRIBERS_MAX);
		}
		if (s->n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			struct subscriber *nv = xcalloc(ncap, sizeof *nv);
			if (s->n)
				memcpy(nv, s->v, s->n * sizeof *nv);
			free(s->v);
			s->v = nv;
			cap = ncap;
		}
		struct subscriber *sub = &s->v[s->n];
		memset(sub, 0, sizeof *sub);
		struct cx_error re = { 0 };
		if (parse_row(sub, &rec, path, &re) != 0) {
			/* One bad row costs that row only: reported, skipped. */
			if (!s->quiet)
				log_error("%s; row skipped", re.msg);
			subscriber_release(sub);
			s->nbad++;
			continue;
		}
		long dup = seen_or_add(seen, sub->email, s->n);
		if (dup >= 0) {
			if (!s->quiet)
				log_warn("%s:%ld: \"%s\" is already listed on line %ld; it gets one message",
					 path, rec.line, sub->email, s->v[dup].line);
			subscriber_release(sub);
			continue;
		}
		s->n++;
	}
	csv_free(r);
	g_hash_table_destroy(seen);
	return got < 0 ? -1 : 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int read_suppression(struct subscribers *s, const char *path,
			    struct cx_error *e)
{
	FILE *f = fopen(path, "r");
	char line[SUPPRESSION_LINE_MAX + 2];
	size_t cap = 0;
	long no = 0;

	if (f == NULL)
		return cx_fail(e, CX_ENOINPUT, "%s: cannot open suppression list", path);
	while (fgets(line, sizeof line, f) != NULL) {
		no++;
		size_t n = strlen(line);
		if (n > SUPPRESSION_LINE_MAX) {
			fclose(f);
			return cx_fail(e, CX_EDATA, "%s:%ld: line longer than %d bytes", path, no, SUPPRESSION_LINE_MAX);
		}
		if (!g_utf8_validate(line, -1, NULL)) {
			log_error("%s:%ld: not valid UTF-8; line skipped", path, no);
			s->nbad++;
			continue;
		}
		char *t = trim(line);
		if (*t == '\0' || *t == '#')
			continue;
		char addr[MAIL_ADDR_MAX + 1];
		struct cx_error ae;
		if (mail_parse_address(t, addr, NULL, &ae) != 0) {
			log_error("%s:%ld: %s; line skipped", path, no, ae.msg);
			s->nbad++;
			continue;
		}
		if (s->nsuppressed == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			char **nv = xcalloc(ncap, sizeof *nv);
			if (s->nsuppressed)
				memcpy(nv, s->suppressed, s->nsuppressed * sizeof *nv);
			free(s->suppressed);
			s->suppressed = nv;
			cap = ncap;
		}
		for (char *p = addr; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		s->suppressed[s->nsuppressed++] = xstrdup(addr);
	}
	fclose(f);
	if (s->nsuppressed > 0)
		qsort(s->suppressed, s->nsuppressed, sizeof *s->suppressed, cmp_str);
	return 0;
}

static struct subscribers *load(const char *path, const char *suppression, bool quiet,
				struct cx_error *e)
{
	struct subscribers *s = xcalloc(1, sizeof *s);
	s->path = xstrdup(path);
	s->quiet = quiet;
	if (read_subscribers(s, path, e) != 0 ||
	    (suppression != NULL && read_suppression(s, suppression, e) != 0)) {
		subscribers_free(s);
		return NULL;
	}
	return s;
}

struct subscribers *subscribers_load(const char *path, const char *suppression,
				     struct cx_error *e)
{
	return load(path, suppression, false, e);
}

struct subscribers *subscribers_load_quiet(const char *path, struct cx_error *e)
{
	return load(path, NULL, true, e);
}

void subscribers_free(struct subscribers *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n; i++)
		subscriber_release(&s->v[i]);
	for (size_t i = 0; i < s->nsuppressed; i++)
		free(s->suppressed[i]);
	free(s->suppressed);
	free(s->v);
	free(s->path);
	free(s);
}

bool subscribers_suppressed(const struct subscribers *s, const char *addr)
{
	char low[MAIL_ADDR_MAX + 1];
	const char *key = low;
	snprintf(low, sizeof low, "%s", addr);
	for (char *p = low; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return s->nsuppressed > 0 &&
	       bsearch(&key, s->suppressed, s->nsuppressed, sizeof key, cmp_str) != NULL;
}
