/* killpoint.h - test-only fault injection: a kill -9 at a named step.
 *
 * When the environment variable CONVEX_TEST_KILL_AT names `step`, the
 * process sends itself SIGKILL the (N+1)th time that step is reached, N
 * being CONVEX_TEST_KILL_AFTER (default 0). Compiled in always, so the
 * tests exercise the binary that ships; costs one getenv per call when
 * unset. Never set these variables outside tests (docs/mail-delivery.md).
 * The steps of a message's life are named in deliver.c: "queued",
 * "before-data" (smtp.c: RCPT accepted, DATA not yet sent), "after-250",
 * "after-commit", "after-rename", "after-manifest".
 */
#ifndef CONVEX_KILLPOINT_H
#define CONVEX_KILLPOINT_H

void killpoint(const char *step);

#endif
