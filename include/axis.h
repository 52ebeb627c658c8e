/* axis.h - tick positions and labels for chart axes, chosen from tables.
 *
 * Like rrdtool's xlab[], the choice is a walk down a table of candidate
 * steps: the first (finest) step whose labels are far enough apart on the
 * axis wins. Labels are measured with the canvas's current font.
 */
#ifndef CONVEX_AXIS_H
#define CONVEX_AXIS_H

#include <stdbool.h>
#include <stddef.h>

#include "canvas.h"
#include "date.h"

/* Most ticks on one axis (a 30-year daily axis with yearly ticks has 31;
 * a label needs room, so no sane axis comes near this). */
#define AXIS_TICKS_MAX 64
/* Longest tick label, "Sep 2024" or "-12.5%", with its NUL. */
#define AXIS_LABEL_MAX 16

struct axis_tick {
	double v;                     /* value (or day number for dates) */
	bool labelled;                /* false: a minor tick without a label */
	char label[AXIS_LABEL_MAX];   /* UTF-8; "" when not labelled */
};

struct axis {
	double lo, hi;                /* the axis range the ticks cover */
	double step;                  /* value step between labelled ticks */
	size_t n;
	struct axis_tick t[AXIS_TICKS_MAX];
};

/* A linear axis covering [lo, hi] drawn `length` points long: the step is
 * the finest of 1, 2, 2.5, 5 x 10^k whose labels (printf "%.*f" with as
 * many decimals as the step needs, then `suffix`, e.g. "%") are at least
 * `min_gap` points apart beyond their own widths. With `extend`, lo and hi
 * are widened to multiples of the step. lo == hi is widened to a unit range
 * around it; non-finite input gives the axis 0..1. */
void axis_linear(struct canvas *c, double lo, double hi, double length,
		 double min_gap, bool extend, const char *suffix,
		 struct axis *out);

/* The correlation axis -1..+1: ticks every 0.2, 0.5 or 1 from a table, the
 * finest whose labels are `min_gap` points apart on a `length`-point axis
 * (vertical: labels only need their height, passed as `label_h`). Labels
 * "-1.0", "-0.5", "0", "0.5", "1.0" (hyphen-minus: CP1252 has no minus
 * sign, and pdftotext should read the numbers back). */
void axis_corr(double length, double label_h, double min_gap,
	       struct axis *out);

/* A date axis from `first` to `last` (day numbers), `length` points long:
 * month ticks labelled "Mar 2024" for spans up to three years, then year
 * ticks (at 1 January) labelled "2024" every 1, 2, 5, 10 or 20 years, the
 * finest that leaves `min_gap` points between labels. Minor ticks mark the
 * unlabelled years (or quarters). last <= first gives one tick at first. */
void axis_dates(struct canvas *c, cx_date first, cx_date last, double length,
		double min_gap, struct axis *out);

#endif
