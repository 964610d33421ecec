/* uprobe_target: calls double_it(0..4) and read_line() twice, then
 * ends; a process for
 * process("...").function probes (built with -g, so the translator
 * finds the function in its DWARF). */
__attribute__((noinline)) int double_it(int x)
{
	__asm__ volatile("" ::: "memory");
	return x * 2;
}

/* like readline(): returns a line the caller owns */
__attribute__((noinline)) char *read_line(int n)
{
	static char line[32];

	__asm__ volatile("" ::: "memory");
	line[0] = 'l';
	line[1] = 'i';
	line[2] = 'n';
	line[3] = 'e';
	line[4] = ' ';
	line[5] = (char)('0' + n);
	line[6] = '\0';
	return line;
}

int main(void)
{
	int i, sum = 0;

	for (i = 0; i < 5; i++)
		sum += double_it(i);
	for (i = 1; i <= 2; i++)
		sum += read_line(i)[0] == 'l';
	return sum == 22 ? 0 : 1;
}
