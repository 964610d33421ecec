#include "translator/strlit.h"

#include <ctype.h>

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

char *strlit_decode(struct arena *a, const char *raw, size_t n, size_t *len)
{
	char *out = arena_alloc(a, n + 1);
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		char c = raw[i];

		if (c != '\\' || i + 1 == n) {
			out[o++] = c;
			continue;
		}
		c = raw[++i];
		switch (c) {
		case 'a': out[o++] = '\a'; break;
		case 'b': out[o++] = '\b'; break;
		case 't': out[o++] = '\t'; break;
		case 'n': out[o++] = '\n'; break;
		case 'v': out[o++] = '\v'; break;
		case 'f': out[o++] = '\f'; break;
		case 'r': out[o++] = '\r'; break;
		case 'x': {
			int v = 0, d, k = 0;

			while (k < 2 && i + 1 < n && (d = hexval(raw[i + 1])) >= 0) {
				v = v * 16 + d;
				i++;
				k++;
			}
			out[o++] = (char)v;
			break;
		}
		default:
			if (c >= '0' && c <= '7') {
				int v = c - '0';

				for (int k = 1; k < 3 && i + 1 < n && raw[i + 1] >= '0' &&
						raw[i + 1] <= '7'; k++)
					v = v * 8 + (raw[++i] - '0');
				out[o++] = (char)v;
			} else {
				out[o++] = c;
			}
		}
	}
	*len = o;
	return out;
}

void strlit_print_raw(FILE *out, const char *raw, size_t n)
{
	fputc('"', out);
	for (size_t i = 0; i < n; i++) {
		if (raw[i] == '"')
			fputc('\\', out);
		fputc(raw[i], out);
	}
	fputc('"', out);
}

void strlit_print_c(FILE *out, const char *bytes, size_t n)
{
	fputc('"', out);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = bytes[i];

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (isprint(c))
			fputc(c, out);
		else
			fprintf(out, "\\%03o", c);
	}
	fputc('"', out);
}
