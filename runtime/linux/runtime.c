/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * runtime.c - the in-kernel runtime, included at the end of the
 * emitted module source (see runtime.h).  It pulls in the rest:
 *
 *	transport.c	records to staprun through the ring buffer
 *	map.c		script arrays
 *	probes.c	running handlers; timers, tracepoints, kprobes
 *	session.c	the session states, the /proc control file,
 *			module_init/module_exit
 *	output.c	printf, histograms, errors, automatic printing
 *	format.c, stats.c	the shared formatter (also in staprun)
 */
#include <linux/bitops.h>
#include <linux/delay.h>
#include <linux/namei.h>
#include <linux/log2.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "linux/compat/clock.h"
#include "linux/compat/kprobes.h"
#include "linux/compat/nofault.h"
#include "linux/compat/procfs.h"
#include "linux/compat/timer.h"
#include "linux/compat/tracepoint.h"
#include "linux/compat/uprobes.h"

#include "linux/transport.c"
#include "linux/map.c"
#include "linux/output.c"
#include "linux/probes.c"
#include "linux/session.c"

#include "format.c"
#include "stats.c"
