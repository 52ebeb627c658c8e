/* quality.c - the data-quality checks of a run's prices (quality.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quality.h"
#include "xalloc.h"

/* Append "; " and the formatted text to a note; a note that does not fit
 * ends with "...". */
static void note_add(struct quality_note *q, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void note_add(struct quality_note *q, const char *fmt, ...)
{
	size_t used = strlen(q->text);
	va_list ap;
	int n;

	if (used + 4 >= sizeof q->text)
		return;
	if (used > 0) {
		memcpy(q->text + used, "; ", 3);
		used += 2;
	}
	va_start(ap, fmt);
	n = vsnprintf(q->text + used, sizeof q->text - used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof q->text - used)
		memcpy(q->text + sizeof q->text - 4, "...", 4);
}

/* The checks of series i; true when there is something to say. */
static bool check_one(struct prices *p, size_t i, const struct plausible_opts *o,
		      cx_date limit, struct quality_note *q)
{
	const struct series *s = prices_at(p, i);
	size_t k = plausible_first_after(s->dates, s->n, limit);
	struct plausible_flag *fl = NULL;
	char ds[DATE_STR_SIZE], fs[DATE_STR_SIZE];
	size_t nf;

	memset(q, 0, sizeof *q);
	snprintf(q->symbol, sizeof q->symbol, "%s", s->symbol);
	if (k < s->n) {
		q->future = s->n - k;
		note_add(q, "%zu price%s dated after %s refused (first: %s)", q->future,
			 q->future == 1 ? "" : "s", date_format(limit, ds),
			 date_format(s->dates[k], fs));
		prices_truncate(p, i, k);
	}
	nf = plausible_scan(s->dates, s->close, s->n, o, &fl);
	q->suspects = nf;
	for (size_t f = 0; f < nf; f++)
		note_add(q, "%s on %s (%.6g to %.6g)", plausible_kind_name(fl[f].kind),
			 date_format(fl[f].date, ds), fl[f].before, fl[f].at);
	/* from the last to the first, so that the indices stay right */
	for (size_t f = nf; o->policy == PLAUSIBLE_EXCLUDE && f-- > 0;) {
		if (fl[f].kind == PLAUSIBLE_SPIKE)
			prices_drop_day(p, i, fl[f].i);
		else
			prices_scale_before(p, i, fl[f].i, fl[f].at / fl[f].before);
	}
	if (nf > 0)
		note_add(q, "%s", o->policy == PLAUSIBLE_EXCLUDE
			 ? "their returns are excluded" : "flagged; the returns are used");
	free(fl);
	return q->future > 0 || nf > 0;
}

void quality_apply(struct prices *p, const struct plausible_opts *o,
		   int64_t now, struct quality_report *qr)
{
	cx_date limit = plausible_date_limit(now, o->future_days);
	size_t n = prices_count(p);

	qr->notes = xcalloc(n ? n : 1, sizeof *qr->notes);
	qr->n = 0;
	for (size_t i = 0; i < n; i++)
		if (check_one(p, i, o, limit, &qr->notes[qr->n]))
			qr->n++;
}

const struct quality_note *quality_find(const struct quality_report *qr,
					const char *symbol)
{
	for (size_t i = 0; qr != NULL && i < qr->n; i++)
		if (strcmp(qr->notes[i].symbol, symbol) == 0)
			return &qr->notes[i];
	return NULL;
}

void quality_report_release(struct quality_report *qr)
{
	free(qr->notes);
	qr->notes = NULL;
	qr->n = 0;
}
