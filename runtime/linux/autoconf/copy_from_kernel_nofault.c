/* HAVE_COPY_FROM_KERNEL_NOFAULT: copy_from_kernel_nofault() (5.8),
 * formerly probe_kernel_read() */
#include <linux/uaccess.h>

long sonde_probe_nofault(void *dst, const void *src, size_t n);

long sonde_probe_nofault(void *dst, const void *src, size_t n)
{
	return copy_from_kernel_nofault(dst, src, n);
}
