/* mailarchive.h - the exact bytes of every accepted message, in the
 * archive's DAY/mail/ directory, and its manifest.tsv: one line per
 * message, "time<TAB>recipient<TAB><Message-ID><TAB>file<TAB>sha256<TAB>code".
 *
 * Messages are written in groups: mailarchive_put writes a file (temporary
 * name, rename) without its own fsync, mailarchive_list queues its
 * manifest line, and mailarchive_sync makes the group durable with one
 * syncfs(2) before it appends the lines and fsyncs the manifest once.
 * Whatever a crash leaves (a file without its line, a truncated file, a
 * line twice) mailarchive_reconcile repairs from the ledger on the next
 * start (deliver.c), so grouping never loses a copy.
 */
#ifndef CONVEX_MAILARCHIVE_H
#define CONVEX_MAILARCHIVE_H

#include <stddef.h>

#include "err.h"

#define MAILARCHIVE_MANIFEST "manifest.tsv"
/* Bytes of manifest.tsv read back for reconciliation (about 100,000
 * lines of a few hundred bytes): a longer one is an error, not a guess. */
#define MAILARCHIVE_MANIFEST_MAX (64L * 1024 * 1024)

struct mailarchive;

/* The mail directory `dir` (created when missing) and its manifest's
 * index. NULL with `e` set: CX_ECANTCREAT, CX_EIO, CX_EDATA (manifest too
 * long). Caller frees. */
struct mailarchive *mailarchive_open(const char *dir, struct cx_error *e);
void mailarchive_free(struct mailarchive *a);

/* The file name of a message in the directory: the Message-ID's local part
 * + ".eml", into buf. */
void mailarchive_file(const char *message_id, char *buf, size_t size);

/* 1 when the archived file of `message_id` holds bytes whose SHA-256 is
 * `sha256`, 0 when it is missing or differs. */
int mailarchive_holds(struct mailarchive *a, const char *message_id, const char *sha256);

/* Write the message's file (not yet durable). 0 or -1 with `e` set. */
int mailarchive_put(struct mailarchive *a, const char *message_id,
		    const char *msg, size_t len, struct cx_error *e);

/* Queue the message's manifest line unless the manifest lists it already. */
void mailarchive_list(struct mailarchive *a, const char *rcpt, const char *message_id,
		      const char *sha256, int code);

/* Make the files put so far durable, then append the queued lines and
 * fsync the manifest. 0 or -1 with `e` set (CX_EIO). */
int mailarchive_sync(struct mailarchive *a, struct cx_error *e);

/* Times the manifest lists `message_id` (a line queued counts). */
int mailarchive_listed(struct mailarchive *a, const char *message_id);

/* Rewrite the manifest (atomically) keeping the first line of every
 * message and dropping a torn last line, when it has either; 0 when there
 * was nothing to do or it was done, -1 with `e` set. *fixed counts the
 * lines dropped. */
int mailarchive_dedupe(struct mailarchive *a, size_t *fixed, struct cx_error *e);

#endif
