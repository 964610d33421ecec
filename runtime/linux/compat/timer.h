/* SPDX-License-Identifier: GPL-2.0-or-later */
/* compat/timer.h - hrtimer set-up (hrtimer_setup() since 6.13,
 * HAVE_HRTIMER_SETUP) and a random u32 for timer randomization
 * (HAVE_GET_RANDOM_U32, 4.11). */
#ifndef SONDE_COMPAT_TIMER_H
#define SONDE_COMPAT_TIMER_H

#include <linux/hrtimer.h>
#include <linux/random.h>

static void sonde_hrtimer_setup(struct hrtimer *t,
				enum hrtimer_restart (*fn)(struct hrtimer *))
{
#ifdef HAVE_HRTIMER_SETUP
	hrtimer_setup(t, fn, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
#else
	hrtimer_init(t, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	t->function = fn;
#endif
}

static u32 sonde_random_u32(void)
{
#ifdef HAVE_GET_RANDOM_U32
	return get_random_u32();
#else
	return get_random_int();
#endif
}

#endif
