/* SPDX-License-Identifier: GPL-2.0-or-later */
/* compat/nofault.h - reading kernel memory that may fault:
 * copy_from_kernel_nofault() since 5.8 (HAVE_COPY_FROM_KERNEL_NOFAULT),
 * probe_kernel_read() before. */
#ifndef SONDE_COMPAT_NOFAULT_H
#define SONDE_COMPAT_NOFAULT_H

#include <linux/uaccess.h>

static __maybe_unused long sonde_read_kernel(void *dst, const void *src, size_t n)
{
#ifdef HAVE_COPY_FROM_KERNEL_NOFAULT
	return copy_from_kernel_nofault(dst, src, n);
#else
	return probe_kernel_read(dst, src, n);
#endif
}

#endif
