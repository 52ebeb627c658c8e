/* inbox.h - `convex inbox`: bounces, complaints and unsubscribe mail into
 * the suppression list (GMime 3 parses the messages).
 *
 * Input: a Maildir (its new/ and cur/), a directory of message files, an
 * mbox file, one message file, or one message (or an mbox) on stdin.
 * Each message is classified:
 *   - multipart/report; report-type=delivery-status (RFC 3464): for each
 *     recipient, Status 5.x.x with Action failed suppresses (bounce-hard);
 *     4.x.x is recorded, and soft-bounce-limit of them within
 *     soft-bounce-days days suppress (bounce-soft);
 *   - multipart/report; report-type=feedback-report (RFC 5965 ARF) with
 *     Feedback-Type abuse, fraud, virus or other suppresses (complaint);
 *   - a message whose subject or first text part holds an unsubscribe
 *     token (token.h) valid for its address suppresses (unsubscribe-mail);
 *   - anything else is left alone and counted.
 * The recipient of a report is, in order: the VERP tag of the address the
 * report was sent to (Delivered-To, X-Original-To, To; verp.h), the
 * report's Original-Recipient / Original-Rcpt-To, its Final-Recipient,
 * the returned message's unsubscribe link or To header.
 * A message acted on is remembered by its Message-ID (else a hash of its
 * content), so a second pass over the same mailbox changes nothing.
 * Messages are never moved or deleted.
 */
#ifndef CONVEX_INBOX_H
#define CONVEX_INBOX_H

#include <stddef.h>
#include <stdio.h>

#include "err.h"

struct job;

/* Most bytes of one message read (a bounce returns at most the digest,
 * whose images make it a few MB) and of one machine-readable report part. */
#define INBOX_MESSAGE_MAX (32L << 20)
#define INBOX_REPORT_MAX  (64L << 10)
/* Files of one Maildir or directory looked at in one pass. */
#define INBOX_FILES_MAX   100000

struct inbox_summary {
	size_t messages;      /* read */
	size_t hard;          /* permanent failures (suppressed) */
	size_t soft;          /* temporary failures recorded */
	size_t soft_suppressed;/* of which reached the limit */
	size_t complaints;
	size_t unsubscribes;
	size_t forged;        /* an unsubscribe token that does not verify */
	size_t other;         /* left alone */
	size_t unreadable;    /* reported and skipped */
	size_t seen;          /* acted on in an earlier pass */
};

/* Process `path` (NULL or "-": stdin) for `job`. Returns 0 (every message
 * handled, perhaps some unreadable: see sum->unreadable) or -1 with `e`
 * set: CX_ENOINPUT for a path that cannot be read, CX_ECONFIG for an
 * unset secret, the suppression database's errors. */
int inbox_process(const struct job *job, const char *path,
		  struct inbox_summary *sum, struct cx_error *e);

/* "inbox: 5 messages: 1 hard bounce, ..." */
void inbox_summary_print(FILE *f, const struct inbox_summary *s);

#endif
