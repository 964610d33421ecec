/* HAVE_REGS_GET_KERNEL_ARGUMENT: the N-th argument of a probed kernel
 * function from its registers (4.20 on x86) */
#include <linux/ptrace.h>

unsigned long sonde_probe_regs_arg(struct pt_regs *regs);

unsigned long sonde_probe_regs_arg(struct pt_regs *regs)
{
	return regs_get_kernel_argument(regs, 1);
}
