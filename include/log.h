/* log.h - diagnostics on stderr.
 *
 * Lines look like  `2026-11-25T07:00:01Z convex[1234]: warning: text`  or, with
 * log_set_format(LOG_JSON), one JSON object per line. Warnings are also kept
 * (up to LOG_KEEP_MAX) so a run can list them in its report. Thread-safe.
 */
#ifndef CONVEX_LOG_H
#define CONVEX_LOG_H

#include <stddef.h>

enum log_level { LOG_ERROR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
enum log_format { LOG_TEXT, LOG_JSON };

/* Warnings kept in memory for the run report; later ones are only counted. */
#define LOG_KEEP_MAX 1000

/* Messages above `level` are not printed (default LOG_WARNING). */
void log_set_level(enum log_level level);

/* Verbosity: the number of -v minus the number of -q on the command line.
 *   >= 2 debug, 1 info, 0 default (warnings, errors, progress bar on a TTY,
 *   final summary), -1 (-q) the same without the progress bar — what a cron
 *   mail or a CI log wants, <= -2 (-qq) errors only, no summary.
 * log_set_verbosity also sets the level accordingly. */
void log_set_verbosity(int v);
int log_verbosity(void);
void log_set_format(enum log_format fmt);

void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARNING, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

/* Number of warnings logged so far, and the i-th kept one (NULL past the end).
 * The returned string belongs to the log module. */
size_t log_warning_count(void);
const char *log_warning_at(size_t i);

/* Forget the kept warnings (tests). */
void log_reset(void);

#endif
