/* keep.bpf.c - no work, on a syscall nobody calls: while it is attached
 * every syscall takes the kernel's syscall-tracepoint path, so the
 * benchmarks can measure that shared cost apart from each tool's own. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("tracepoint/syscalls/sys_enter_vhangup")
int keep_syscall_tp(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
