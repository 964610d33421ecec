/* empty.bpf.c - no work on the getppid tracepoint: the floor of the
 * programs' run time (the kernel's run-time statistics cost is in it). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("tracepoint/syscalls/sys_enter_getppid")
int empty_getppid(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
