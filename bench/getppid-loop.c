/*
 * getppid-loop.c - the traced command of the benchmarks: calls getppid()
 * N times in a tight loop and prints the cost per call, so a tracer's
 * start-up never counts.  With N = 0 it prints the CLOCK_REALTIME instant
 * it started (the tracer has attached by then: stap -c and bpftrace -c
 * release the command only after attaching) and calls getppid() once.
 *
 * Output: "ns/call cpu WALL_CPU wall WALL" or "start NS".
 * Built with frame pointers so user stacks can be walked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* A real frame between main and libc, so stack keys are not trivial. */
static __attribute__((noinline)) long call_getppid(void)
{
	return getppid();
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 0;
	double cpu0, wall0;
	volatile long sink = 0;

	if (n <= 0) {
		printf("start %.0f\n", ns(CLOCK_REALTIME));
		fflush(stdout);
		return getppid() > 0 ? 0 : 1;
	}
	cpu0 = ns(CLOCK_THREAD_CPUTIME_ID);
	wall0 = ns(CLOCK_MONOTONIC);
	for (long i = 0; i < n; i++)
		sink += call_getppid();
	printf("ns/call cpu %.2f wall %.2f\n",
	       (ns(CLOCK_THREAD_CPUTIME_ID) - cpu0) / n,
	       (ns(CLOCK_MONOTONIC) - wall0) / n);
	return 0;
}
