/* hist.bpf.c - reference for `h <<< pid()` printed with @hist_log: per-CPU
 * log2 buckets (bucket 0 holds 0, bucket i + 1 holds [2^i, 2^(i+1))). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 65);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

static __always_inline __u32 log2_bucket(__u64 v)
{
	__u32 r = 0;

	if (!v)
		return 0;
	if (v >> 32) { v >>= 32; r += 32; }
	if (v >> 16) { v >>= 16; r += 16; }
	if (v >> 8) { v >>= 8; r += 8; }
	if (v >> 4) { v >>= 4; r += 4; }
	if (v >> 2) { v >>= 2; r += 2; }
	if (v >> 1) r += 1;
	return r + 1;
}

SEC("tracepoint/syscalls/sys_enter_getppid")
int hist_getppid(void *ctx)
{
	__u32 b = log2_bucket(bpf_get_current_pid_tgid() >> 32);
	__u64 *c = bpf_map_lookup_elem(&counts, &b);

	if (c)
		*c += 1;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
