/* premade.h - sections of the digest's templates made once and copied into
 * many messages (docs/mail.md, "Sections made once").
 *
 * A part's template (digest-html.xsl, digest-text.xsl) opts in per section
 * by declaring the parameter premade-NAME. Those every message shares
 * (preheader, head, shifts, tail: the masthead, the day's shifts, the
 * notes) are made once when the set is made, with the send's parameters
 * alone; a subscriber's own pairs (own) once per list of pairs that several
 * subscribers have, by the first message of the list, with its pairs
 * parameter alone. A message then gets "premade" (the list of the sections
 * given, "|head|own|tail|") and each section's text, which the template
 * copies as it is.
 *
 * Ownership: the set borrows the templates, the report, the send's
 * parameters and the subscribers, which must outlive it; it owns the
 * sections, and the parameter values premade_params gives stay valid until
 * premade_free. Threads: premade_params may run on several threads at once
 * (the templates share their source as template.h allows).
 */
#ifndef CONVEX_PREMADE_H
#define CONVEX_PREMADE_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "subscribers.h"
#include "template.h"

/* Most entries (names and values) premade_params writes. */
#define PREMADE_PARAMS_MAX 12
/* Bytes of the list of sections given ("|preheader|head|...|"). */
#define PREMADE_GIVEN_SIZE 64
/* Bytes of own-pairs sections kept for reuse (a list of 435 pairs: ~45 KB
 * of HTML); past it, a list's section is made in each of its messages. */
#define PREMADE_OWN_MAX (32u << 20)

struct premade;

/* The sections of parts tpl[0..n-1] applied to `report`, `batch` being the
 * send's parameters (name, value, ..., NULL; at most 10 entries). skip[i]:
 * part i is not made by sections (deliver.c makes it once whole). Counts
 * the lists of pairs of `subs` and logs (-v) how many are shared. NULL
 * with `e` set when a section's transformation fails. Free with
 * premade_free. */
struct premade *premade_new(struct template *const *tpl, const bool *skip, int n,
			    const struct template_doc *report, const char *const *batch,
			    const struct subscribers *subs, struct cx_error *e);
void premade_free(struct premade *p);

/* Part i's sections for the message of subscriber subs->v[who] (`pairs`
 * its pairs parameter), as parameters into out: "premade" and its list
 * (held in `given`), then premade-NAME and the text of each. Makes the
 * subscriber's own pairs first when another has the same list and it is
 * not made yet. Returns the number of entries written (0: none, every
 * section made in the message), or -1 with `e` set. */
int premade_params(struct premade *p, int i, size_t who, const char *pairs,
		   const char **out, char given[PREMADE_GIVEN_SIZE], struct cx_error *e);

#endif
