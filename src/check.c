/* check.c - a job's inputs, without running it (check.h). */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "log.h"
#include "prices.h"
#include "quality.h"
#include "smtp.h"
#include "subscribers.h"

/* Whether a <source> fetches `sym` (its symbols="" or an asset's source=""). */
static bool fetched(const struct job *j, const char *sym)
{
	for (size_t s = 0; s < j->nsources; s++)
		for (size_t k = 0; k < j->sources[s].nsymbols; k++)
			if (strcmp(j->sources[s].symbols[k], sym) == 0)
				return true;
	return false;
}

/* Every watchlist symbol must come out of the price files or a source; the
 * message names the job line of the pair that needs it. */
static int check_symbols(const struct job *j, const struct prices *p, struct cx_error *e)
{
	int bad = 0;

	for (size_t i = 0; i < j->npairs; i++) {
		const char *sym[2] = {j->pairs[i].a, j->pairs[i].b};
		for (int k = 0; k < 2; k++) {
			const struct job_asset *a = job_find_asset(j, sym[k]);
			if (prices_find(p, sym[k]) != NULL || a->source != NULL || fetched(j, sym[k]))
				continue;
			if (bad++ == 0)
				cx_fail(e, CX_ENOINPUT, "%s:%d: pair \"%s/%s\": no prices for \"%s\" in the job's price files; expected a column or file for it",
					j->path, j->pairs[i].line, j->pairs[i].a, j->pairs[i].b, sym[k]);
			else
				log_error("%s:%d: pair \"%s/%s\": no prices for \"%s\" in the job's price files",
					  j->path, j->pairs[i].line, j->pairs[i].a, j->pairs[i].b, sym[k]);
		}
	}
	return bad ? -1 : 0;
}

/* The data-quality notes of the job's price files, as a run would log them
 * (a diagnostic: they do not fail the check). */
static void check_quality(const struct job *j, struct prices *p)
{
	struct quality_report q;

	quality_apply(p, &j->quality, (int64_t)time(NULL), &q);
	for (size_t i = 0; i < q.n; i++)
		log_warn("data quality of \"%s\": %s", q.notes[i].symbol, q.notes[i].text);
	quality_report_release(&q);
}

/* A subscriber's pair or group that is not on the watchlist (a typo such
 * as SBI/SPX): the subscriber would get none of it, every day. A warning
 * with file:line each: the row itself is valid and is mailed. */
static void check_selectors(const struct job *j, const struct subscribers *s)
{
	size_t unknown = 0;

	for (size_t i = 0; i < s->n; i++)
		for (size_t t = 0; t < s->v[i].npairs; t++)
			if (!job_has_selector(j, s->v[i].pairs[t])) {
				log_warn("%s:%ld: \"%s\" is not a pair or group of the watchlist",
					 s->path, s->v[i].line, s->v[i].pairs[t]);
				unknown++;
			}
	if (unknown > 0)
		log_warn("%s: %zu subscriber pair%s or group%s not on the watchlist (listed above)",
			 j->path, unknown, unknown == 1 ? "" : "s", unknown == 1 ? "" : "s");
}

/* Subscribers whose address is not ASCII go out only through a relay
 * whose EHLO offers SMTPUTF8 (smtp.h); send refuses them otherwise. The
 * relay is not asked here (check talks to no server): each is named, so the
 * operator knows before the first run. */
static void check_utf8_addresses(const struct job *j, const struct subscribers *s)
{
	size_t n = 0;

	for (size_t i = 0; i < s->n; i++)
		if (smtp_needs_utf8(s->v[i].email)) {
			log_warn("%s:%ld: \"%s\" needs SMTPUTF8 (RFC 6531): sent only when the relay "
				 "offers it, refused with this line otherwise", s->path, s->v[i].line,
				 s->v[i].email);
			n++;
		}
	if (n > 0)
		log_warn("%s: %zu subscriber%s need%s SMTPUTF8 (listed above)", j->path, n,
			 n == 1 ? "" : "s", n == 1 ? "s" : "");
}

/* Every malformed subscriber and suppression row, each logged with
 * file:line by subscribers_load; the first error line counts them. */
static int check_subscriber_rows(const struct job *j, struct cx_error *e)
{
	struct subscribers *s = subscribers_load(j->digest.subscribers, j->digest.suppression, e);

	if (s == NULL)
		return -1;
	check_selectors(j, s);
	check_utf8_addresses(j, s);
	size_t bad = s->nbad;
	subscribers_free(s);
	if (bad == 0)
		return 0;
	return cx_fail(e, CX_EDATA, "%s: %zu bad subscriber/suppression row%s (listed above); "
		       "send skips %s and mails everyone else", j->path, bad, bad == 1 ? "" : "s",
		       bad == 1 ? "it" : "them");
}

int check_job_inputs(const struct job *j, struct cx_error *e)
{
	struct prices *p = prices_new();
	int bad = 0;
	struct cx_error fe;

	for (size_t i = 0; i < j->nfiles; i++) {
		cx_error_clear(&fe);
		if (job_load_file(j, i, p, &fe) == 0)
			continue;
		if (bad++ == 0)
			*e = fe;
		else
			log_error("%s", fe.msg);
	}
	if (!bad && check_symbols(j, p, e) != 0)
		bad++;
	if (!bad)
		check_quality(j, p);
	const char *files[2] = {j->digest.subscribers, j->digest.suppression};
	for (int k = 0; k < 2 && !bad; k++)
		if (files[k] && access(files[k], R_OK) != 0) {
			cx_fail(e, CX_ENOINPUT, "%s: %s file \"%s\": %s", j->path,
				k ? "suppression" : "subscribers", files[k], strerror(errno));
			bad = 1;
		}
	if (!bad && files[0] != NULL && check_subscriber_rows(j, e) != 0)
		bad = 1;
	prices_free(p);
	return bad ? -1 : 0;
}

