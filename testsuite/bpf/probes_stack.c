/* The target of bpf/probes-ubacktrace: _start -> middle -> leaf, with
 * frame pointers and no C library (whose frames, built without frame
 * pointers, would end a frame-pointer walk at random places).  x86-64:
 * the system calls are inline assembly. */
__attribute__((noinline)) int leaf(int x)
{
	return x + 1;
}

__attribute__((noinline)) int middle(int x)
{
	return leaf(x) * 2;
}

void _start(void)
{
	long r = middle(20);
	struct { long s, ns; } t = { 0, 200000000 };

	/* nanosleep, so staprun can still read the maps, then exit */
	__asm__ volatile("syscall" : : "a"(35), "D"(&t), "S"(0) : "rcx", "r11", "memory");
	__asm__ volatile("syscall" : : "a"(60), "D"(r - 42) : "rcx", "r11", "memory");
	__builtin_unreachable();
}
