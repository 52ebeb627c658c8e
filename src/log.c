/* log.c - diagnostics on stderr, text or JSON lines. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

/* One log line; longer messages are cut. */
#define LOG_LINE_MAX 2048

static enum log_level max_level = LOG_WARNING;
static int verbosity;
static enum log_format format = LOG_TEXT;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char *kept[LOG_KEEP_MAX];
static size_t nwarnings;

static const char *const level_names[] = {"error", "warning", "info", "debug"};

void log_set_level(enum log_level level) { max_level = level; }
void log_set_format(enum log_format fmt) { format = fmt; }

void log_set_verbosity(int v)
{
	verbosity = v;
	max_level = v >= 2 ? LOG_DEBUG : v == 1 ? LOG_INFO : v >= -1 ? LOG_WARNING : LOG_ERROR;
}

int log_verbosity(void) { return verbosity; }

static void json_escape(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
}

static void emit(enum log_level level, const char *text)
{
	char ts[32];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (format == LOG_JSON) {
		fprintf(stderr, "{\"time\":\"%s\",\"pid\":%ld,\"level\":\"%s\",\"msg\":\"",
			ts, (long)getpid(), level_names[level]);
		json_escape(stderr, text);
		fputs("\"}\n", stderr);
	} else {
		fprintf(stderr, "%s convex[%ld]: %s: %s\n", ts, (long)getpid(),
			level_names[level], text);
	}
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	char text[LOG_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&lock);
	if (level == LOG_WARNING) {
		if (nwarnings < LOG_KEEP_MAX)
			kept[nwarnings] = strdup(text);
		nwarnings++;
	}
	if (level <= max_level)
		emit(level, text);
	pthread_mutex_unlock(&lock);
}

size_t log_warning_count(void) { return nwarnings; }

const char *log_warning_at(size_t i)
{
	return i < nwarnings && i < LOG_KEEP_MAX ? kept[i] : NULL;
}

void log_reset(void)
{
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < nwarnings && i < LOG_KEEP_MAX; i++)
		free(kept[i]);
	nwarnings = 0;
	pthread_mutex_unlock(&lock);
}
