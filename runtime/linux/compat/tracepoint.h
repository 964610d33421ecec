/* SPDX-License-Identifier: GPL-2.0-or-later */
/* compat/tracepoint.h - registering a probe on a kernel tracepoint by
 * name: looked up with for_each_kernel_tracepoint() and registered by
 * pointer since 3.15 (HAVE_TRACEPOINT_PTR), registered by name before. */
#ifndef SONDE_COMPAT_TRACEPOINT_H
#define SONDE_COMPAT_TRACEPOINT_H

#include <linux/tracepoint.h>

#ifdef HAVE_TRACEPOINT_PTR
static void sonde_tp_match(struct tracepoint *tp, void *priv)
{
	struct sonde_tp_probe *t = priv;

	if (!strcmp(tp->name, t->name))
		t->tp = tp;
}

static int sonde_tp_register(struct sonde_tp_probe *t)
{
	if (!t->tp)
		for_each_kernel_tracepoint(sonde_tp_match, t);
	if (!t->tp)
		return -ENOENT;
	return tracepoint_probe_register(t->tp, t->stub, t);
}

static void sonde_tp_unregister(struct sonde_tp_probe *t)
{
	tracepoint_probe_unregister(t->tp, t->stub, t);
}
#else
static int sonde_tp_register(struct sonde_tp_probe *t)
{
	return tracepoint_probe_register(t->name, t->stub, t);
}

static void sonde_tp_unregister(struct sonde_tp_probe *t)
{
	tracepoint_probe_unregister(t->name, t->stub, t);
}
#endif

#endif
