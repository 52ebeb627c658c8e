/* premade.c - sections of the digest's templates made once (premade.h). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "log.h"
#include "premade.h"
#include "xalloc.h"

/* Most parts a set serves (deliver.c: subject, text, HTML). */
#define PREMADE_PARTS_MAX 4
/* Most entries of the send's parameters (premade_new). */
#define PREMADE_BATCH_MAX 10

enum { S_PREHEADER, S_HEAD, S_SHIFTS, S_TAIL, S_OWN, S_COUNT };
static const char *const section_name[S_COUNT] = {"preheader", "head", "shifts", "tail", "own"};
static const char *const section_param[S_COUNT] = {
	"premade-preheader", "premade-head", "premade-shifts", "premade-tail", "premade-own",
};

struct premade {
	struct template *const *tpl;       /* borrowed */
	const struct template_doc *report; /* borrowed */
	const char *batch[PREMADE_BATCH_MAX + 1];
	size_t nbatch;
	int n;
	char *section[PREMADE_PARTS_MAX][S_COUNT]; /* made once per send, or NULL */
	GHashTable *own[PREMADE_PARTS_MAX];  /* pairs -> own section, both owned;
						NULL: made in each message */
	bool *shared;                      /* per subscriber: another has the list */
	size_t nsubs;
	pthread_mutex_t lock;              /* own[] and own_bytes */
	size_t own_bytes;
};

/* Apply part i with the send's parameters and `more` (NULL-ended). */
static int make(const struct premade *p, int i, const char *const *more, char **out,
		struct cx_error *e)
{
	const char *params[PREMADE_BATCH_MAX + 8];
	size_t len, n = p->nbatch;

	memcpy(params, p->batch, n * sizeof *params);
	while (*more != NULL && n < PREMADE_BATCH_MAX + 6)
		params[n++] = *more++;
	params[n] = NULL;
	return template_apply_fragment(p->tpl[i], p->report, params, out, &len, e);
}

/* Add `name` to a list "|a|b|". */
static void list_add(char *list, size_t size, const char *name)
{
	size_t at = strlen(list);
	snprintf(list + at, size - at, "%s%s|", at == 0 ? "|" : "", name);
}

/* Every section once per send that part i's template declares. */
static int make_sections(struct premade *p, int i, struct cx_error *e)
{
	for (int k = 0; k < S_COUNT; k++) {
		if (!template_mentions_param(p->tpl[i], section_param[k]))
			continue;
		if (k == S_OWN) {
			p->own[i] = g_hash_table_new_full(g_str_hash, g_str_equal, free, free);
			continue;
		}
		const char *more[] = {"only", section_name[k], NULL};
		if (make(p, i, more, &p->section[i][k], e) != 0)
			return -1;
	}
	return 0;
}

/* Mark the subscribers whose list of pairs (as written) another has too.
 * Only a hint: the sections are kept by the pairs parameter itself. */
static void count_lists(struct premade *p, const struct subscribers *subs)
{
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	char **key = xcalloc(subs->n + 1, sizeof *key);
	size_t nsubs = 0, nlists = 0;

	p->nsubs = subs->n;
	p->shared = xcalloc(subs->n + 1, sizeof *p->shared);
	for (size_t i = 0; i < subs->n; i++) {
		GString *k = g_string_new("");
		for (size_t t = 0; t < subs->v[i].npairs; t++)
			g_string_append_printf(k, "%s\n", subs->v[i].pairs[t]);
		key[i] = g_string_free(k, FALSE);
		size_t c = GPOINTER_TO_SIZE(g_hash_table_lookup(seen, key[i]));
		g_hash_table_replace(seen, g_strdup(key[i]), GSIZE_TO_POINTER(c + 1));
		nlists += c == 1;   /* a list seen a second time */
	}
	for (size_t i = 0; i < subs->n; i++) {
		p->shared[i] = GPOINTER_TO_SIZE(g_hash_table_lookup(seen, key[i])) > 1;
		nsubs += p->shared[i];
		g_free(key[i]);
	}
	if (nlists > 0)   /* -v */
		log_info("%zu subscribers share %zu lists of pairs: each list's pairs made once",
			 nsubs, nlists);
	free(key);
	g_hash_table_destroy(seen);
}

struct premade *premade_new(struct template *const *tpl, const bool *skip, int n,
			    const struct template_doc *report, const char *const *batch,
			    const struct subscribers *subs, struct cx_error *e)
{
	struct premade *p = xcalloc(1, sizeof *p);

	p->tpl = tpl;
	p->report = report;
	p->n = n < PREMADE_PARTS_MAX ? n : PREMADE_PARTS_MAX;
	while (batch[p->nbatch] != NULL && p->nbatch < PREMADE_BATCH_MAX)
		p->batch[p->nbatch] = batch[p->nbatch], p->nbatch++;
	pthread_mutex_init(&p->lock, NULL);
	for (int i = 0; i < p->n; i++) {
		if (!skip[i] && make_sections(p, i, e) != 0) {
			premade_free(p);
			return NULL;
		}
	}
	count_lists(p, subs);
	return p;
}

void premade_free(struct premade *p)
{
	if (p == NULL)
		return;
	for (int i = 0; i < PREMADE_PARTS_MAX; i++) {
		for (int k = 0; k < S_COUNT; k++)
			free(p->section[i][k]);
		if (p->own[i] != NULL)
			g_hash_table_destroy(p->own[i]);
	}
	free(p->shared);
	pthread_mutex_destroy(&p->lock);
	free(p);
}

/* Part i's own-pairs section for the list `pairs`, when another
 * subscriber has the list: made by the first message, kept (up to
 * PREMADE_OWN_MAX bytes) and lent to the others. *own NULL: made in the
 * message. Two threads may make the same one at once; one copy is kept. */
static int own_section(struct premade *p, int i, size_t who, const char *pairs,
		       const char **own, struct cx_error *e)
{
	char *made;

	*own = NULL;
	if (p->own[i] == NULL || who >= p->nsubs || !p->shared[who])
		return 0;
	pthread_mutex_lock(&p->lock);
	*own = g_hash_table_lookup(p->own[i], pairs);
	bool room = p->own_bytes < PREMADE_OWN_MAX;
	pthread_mutex_unlock(&p->lock);
	if (*own != NULL || !room)
		return 0;
	const char *more[] = {"pairs", pairs, "only", section_name[S_OWN], NULL};
	if (make(p, i, more, &made, e) != 0)
		return -1;
	pthread_mutex_lock(&p->lock);
	*own = g_hash_table_lookup(p->own[i], pairs);
	if (*own == NULL) {
		g_hash_table_insert(p->own[i], xstrdup(pairs), made);
		p->own_bytes += strlen(made) + strlen(pairs);
		*own = made;
	} else {
		free(made);
	}
	pthread_mutex_unlock(&p->lock);
	return 0;
}

int premade_params(struct premade *p, int i, size_t who, const char *pairs,
		   const char **out, char given[PREMADE_GIVEN_SIZE], struct cx_error *e)
{
	const char *own;
	int n = 2;

	if (i < 0 || i >= p->n)
		return 0;
	if (own_section(p, i, who, pairs, &own, e) != 0)
		return -1;
	given[0] = '\0';
	for (int k = 0; k < S_COUNT; k++) {
		const char *text = k == S_OWN ? own : p->section[i][k];
		if (text != NULL) {
			out[n++] = section_param[k];
			out[n++] = text;
			list_add(given, PREMADE_GIVEN_SIZE, section_name[k]);
		}
	}
	if (n == 2)
		return 0;
	out[0] = "premade";
	out[1] = given;
	return n;
}
