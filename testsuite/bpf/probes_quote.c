/* The target of bpf/probes-string_quoted: show() gets strings that need
 * escapes, and ones too long for a string value. */
#include <string.h>

__attribute__((noinline)) int show(const char *s)
{
	return (int)strlen(s);
}

int main(void)
{
	char plain[16] = "plain";
	char esc[64] = "tab\there \"q\" back\\slash\n\001\177\377end";
	char big[600], nl[600];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	memset(nl, '\n', sizeof(nl) - 1);
	nl[sizeof(nl) - 1] = 0;
	show(plain);
	show(esc);
	show(big);
	show(nl);
	return 0;
}
