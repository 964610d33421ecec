/* SPDX-License-Identifier: GPL-2.0-or-later */
/* compat/nofault.h - reading memory that may fault, from probe context:
 * copy_from_kernel_nofault() since 5.8 (HAVE_COPY_FROM_KERNEL_NOFAULT),
 * probe_kernel_read() before.  Strings: a user copy with page faults
 * disabled (strncpy_from_user_nofault() is not exported to modules),
 * a kernel copy byte by byte through the nofault read. */
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

/* The copy's end: dst cut at rc bytes (at most n - 1) and its length,
 * or emptied and the negative errno rc */
static __maybe_unused long sonde_string_end(char *dst, long rc, long n)
{
	if (rc < 0) {
		dst[0] = '\0';
		return rc;
	}
	if (rc >= n)
		rc = n - 1;
	dst[rc] = '\0';
	return rc;
}

/* A NUL-terminated string of at most n - 1 bytes into dst: its length,
 * or a negative errno (dst is then empty) */
static __maybe_unused long sonde_user_string(char *dst, unsigned long addr, long n)
{
	long rc;

	pagefault_disable();
	rc = strncpy_from_user(dst, (const char __user *)addr, n);
	pagefault_enable();
	return sonde_string_end(dst, rc, n);
}

static __maybe_unused long sonde_kernel_string(char *dst, unsigned long addr, long n)
{
	long rc;

	for (rc = 0; rc < n - 1; rc++) {
		if (sonde_read_kernel(dst + rc, (const char *)addr + rc, 1)) {
			rc = -EFAULT;
			break;
		}
		if (!dst[rc])
			break;
	}
	return sonde_string_end(dst, rc, n);
}

#endif
