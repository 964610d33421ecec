/* SPDX-License-Identifier: GPL-2.0-or-later */
/* compat/clock.h - local_clock(), for overload accounting: in
 * <linux/sched/clock.h> since 4.11 (HAVE_SCHED_CLOCK_H), in
 * <linux/sched.h> before. */
#ifndef SONDE_COMPAT_CLOCK_H
#define SONDE_COMPAT_CLOCK_H

#ifdef HAVE_SCHED_CLOCK_H
#include <linux/sched/clock.h>
#else
#include <linux/sched.h>
#endif

#endif
