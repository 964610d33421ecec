/* SPDX-License-Identifier: GPL-2.0-or-later */
/* compat/kprobes.h - what kprobe handlers read: the kretprobe of an
 * instance (get_kretprobe() since 5.11, HAVE_GET_KRETPROBE) and a
 * function's arguments from its registers (regs_get_kernel_argument()
 * since 4.20, HAVE_REGS_GET_KERNEL_ARGUMENT; x86-64's calling
 * convention before). */
#ifndef SONDE_COMPAT_KPROBES_H
#define SONDE_COMPAT_KPROBES_H

#include <linux/kprobes.h>
#include <linux/ptrace.h>

static struct kretprobe *sonde_kretprobe_of(struct kretprobe_instance *ri)
{
#ifdef HAVE_GET_KRETPROBE
	return get_kretprobe(ri);
#else
	return ri->rp;
#endif
}

static __maybe_unused unsigned long sonde_regs_arg(struct pt_regs *regs, int n)
{
#ifdef HAVE_REGS_GET_KERNEL_ARGUMENT
	return regs_get_kernel_argument(regs, n);
#else
	switch (n) {
	case 0: return regs->di;
	case 1: return regs->si;
	case 2: return regs->dx;
	case 3: return regs->cx;
	case 4: return regs->r8;
	case 5: return regs->r9;
	default: return 0;
	}
#endif
}

#endif
