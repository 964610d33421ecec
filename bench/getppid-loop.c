/*
 * getppid-loop.c - the traced command of the benchmarks: calls getppid()
 * N times in a tight loop and prints the cost per call, so a tracer's
 * start-up never counts.  With N = 0 it prints the CLOCK_REALTIME instant
 * it started (the tracer has attached by then: stap -c and bpftrace -c
 * release the command only after attaching) and calls getppid() once.
 *
 * With FIRST_ID, it also turns the kernel's BPF run-time statistics on
 * and prints the run time of the BPF programs with an id >= FIRST_ID (the
 * tracer's) per call: the programs' own cost, without the noise of the
 * rest of the syscall (the statistics themselves add to the CPU time).
 *
 * Usage: getppid-loop [N [FIRST_ID]]
 * Output: "ns/call cpu CPU wall WALL [bpf BPF]" or "start NS".
 * Built with frame pointers so user stacks can be walked.
 */
#include <bpf/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* Total run time in ns of the BPF programs with an id >= first */
static double bpf_run_time(__u32 first)
{
	struct bpf_prog_info info;
	__u32 id = first - 1, len;
	double total = 0;
	int fd;

	while (!bpf_prog_get_next_id(id, &id)) {
		fd = bpf_prog_get_fd_by_id(id);
		if (fd < 0)
			continue;	/* unloaded meanwhile */
		memset(&info, 0, sizeof(info));
		len = sizeof(info);
		if (!bpf_obj_get_info_by_fd(fd, &info, &len))
			total += info.run_time_ns;
		close(fd);
	}
	return total;
}

/* A real frame between main and libc, so stack keys are not trivial. */
static __attribute__((noinline)) long call_getppid(void)
{
	return getppid();
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 0;
	__u32 first = argc > 2 ? strtoul(argv[2], NULL, 10) : 0;
	double cpu0, wall0, bpf0 = 0;
	volatile long sink = 0;

	if (n <= 0) {
		printf("start %.0f\n", ns(CLOCK_REALTIME));
		fflush(stdout);
		return getppid() > 0 ? 0 : 1;
	}
	if (first) {
		if (bpf_enable_stats(BPF_STATS_RUN_TIME) < 0) {
			perror("bpf_enable_stats");
			return 1;
		}
		bpf0 = bpf_run_time(first);
	}
	cpu0 = ns(CLOCK_THREAD_CPUTIME_ID);
	wall0 = ns(CLOCK_MONOTONIC);
	for (long i = 0; i < n; i++)
		sink += call_getppid();
	printf("ns/call cpu %.2f wall %.2f",
	       (ns(CLOCK_THREAD_CPUTIME_ID) - cpu0) / n,
	       (ns(CLOCK_MONOTONIC) - wall0) / n);
	if (first)
		printf(" bpf %.2f", (bpf_run_time(first) - bpf0) / n);
	printf("\n");
	return 0;
}
