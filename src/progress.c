/* progress.c - the progress bar of a long stage (progress.h). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "progress.h"

#define PROGRESS_WIDTH 30   /* characters of the bar itself */

static void draw(const struct progress *p)
{
	size_t filled = p->total ? p->done * PROGRESS_WIDTH / p->total : PROGRESS_WIDTH;
	char bar[PROGRESS_WIDTH + 1];

	memset(bar, '#', filled);
	memset(bar + filled, '.', PROGRESS_WIDTH - filled);
	bar[PROGRESS_WIDTH] = '\0';
	fprintf(stderr, "\r%-8s [%s] %zu/%zu", p->what, bar, p->done, p->total);
	if (p->done == p->total)
		fputc('\n', stderr);
	fflush(stderr);
}

void progress_init(struct progress *p, const char *what, size_t total)
{
	pthread_mutex_init(&p->lock, NULL);
	snprintf(p->what, sizeof p->what, "%s", what);
	p->done = 0;
	p->total = total;
	/* -vv prints a line per item: that is the progress, and a bar
	 * redrawn between those lines would only garble them */
	p->on = total > 0 && isatty(STDERR_FILENO) && log_verbosity() >= 0 && log_verbosity() < 2;
}

void progress_add(struct progress *p, size_t n)
{
	pthread_mutex_lock(&p->lock);
	p->done = p->done + n < p->total ? p->done + n : p->total;
	if (p->on && n > 0)
		draw(p);
	pthread_mutex_unlock(&p->lock);
}

void progress_step(struct progress *p)
{
	progress_add(p, 1);
}

void progress_release(struct progress *p)
{
	if (p->on && p->done < p->total) {
		fputc('\n', stderr);
		fflush(stderr);
	}
	pthread_mutex_destroy(&p->lock);
}
