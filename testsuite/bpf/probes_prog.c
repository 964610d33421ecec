/* The target of the bpf/probes-uprobe*, probes-process and probes-perf
 * cases: functions with integer and string parameters and return values
 * the scripts check.  "probes_prog K [STATUS]" calls add() K times, then
 * greet(), pick(), the recursive fact() and area(), and exits with
 * STATUS; "probes_prog spin" also keeps a CPU busy in user mode for half
 * a second.  It prints nothing, so a case's output is its probes' alone. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

__attribute__((noinline)) long add(long a, int b)
{
	return a + b;
}

__attribute__((noinline)) int greet(const char *name, int times)
{
	int n = 0;

	for (int i = 0; i < times; i++)
		n += (int)strlen(name);
	return n;
}

/* the returned text lives in written memory: the probe can read it */
__attribute__((noinline)) const char *pick(int i)
{
	static const char *const words[] = { "zero", "one", "two" };
	static char buf[16];

	strcpy(buf, words[i % 3]);
	return buf;
}

__attribute__((noinline)) long fact(long n)
{
	return n <= 1 ? 1 : n * fact(n - 1);
}

struct point {
	int x, y;
	const char *label;
	unsigned flags : 3, kind : 5;
};

__attribute__((noinline)) long area(const struct point *p, int n)
{
	return (long)p->x * p->y * n;
}

int main(int argc, char **argv)
{
	char name[16] = "world";
	long sum = 0;
	int k = argc > 1 ? atoi(argv[1]) : 3;

	for (int i = 0; i < k; i++)
		sum = add(sum, i * 10 - 7);
	greet(name, 2);
	pick(k);
	fact(k);
	{
		struct point pt[2] = { { 3, 4, name, 5, 17 }, { -1, 2, name, 0, 1 } };

		area(pt, 2);
	}
	if (argc > 1 && !strcmp(argv[1], "spin")) {
		clock_t end = clock() + CLOCKS_PER_SEC / 2;
		volatile unsigned long n = 0;

		while (clock() < end)
			for (int j = 0; j < 100000; j++)
				n++;
	}
	return argc > 2 ? atoi(argv[2]) : 0;
}
