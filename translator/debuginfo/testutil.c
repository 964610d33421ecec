/* Helpers for the debuginfo unit tests (see testutil.h). */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "translator/debuginfo/testutil.h"
#include "translator/debuginfo/util.h"

int test_failures;

/* The program the ELF and DWARF tests look at: two external functions, a
 * static one, locals, a PLT call (snprintf), and an SDT marker with a
 * semaphore written out by hand in the .note.stapsdt layout that
 * <sys/sdt.h> produces, so no systemtap-sdt-dev is needed. */
const char test_sample_source[] =
"/* Sonde debuginfo test subject. */\n"
"#include <stdio.h>\n"
"\n"
"struct point {\n"
"	int x, y;\n"
"	const char *label;\n"
"};\n"
"\n"
"unsigned short sonde_sample_mark_semaphore\n"
"	__attribute__((section(\".probes\"), used));\n"
"\n"
"#define SAMPLE_PROBE2(a1, a2) __asm__ __volatile__(	\\\n"
"	\"990: nop\\n\"					\\\n"
"	\".pushsection .note.stapsdt,\\\"?\\\",\\\"note\\\"\\n\"	\\\n"
"	\".balign 4\\n\"					\\\n"
"	\".4byte 992f-991f, 994f-993f, 3\\n\"		\\\n"
"	\"991: .asciz \\\"stapsdt\\\"\\n\"			\\\n"
"	\"992: .balign 4\\n\"				\\\n"
"	\"993: .8byte 990b\\n\"				\\\n"
"	\".8byte _.stapsdt.base\\n\"			\\\n"
"	\".8byte sonde_sample_mark_semaphore\\n\"		\\\n"
"	\".asciz \\\"sonde\\\"\\n\"				\\\n"
"	\".asciz \\\"sample_mark\\\"\\n\"			\\\n"
"	\".asciz \\\"-4@%0 8@%1\\\"\\n\"			\\\n"
"	\"994: .balign 4\\n\"				\\\n"
"	\".popsection\\n\"					\\\n"
"	\".ifndef _.stapsdt.base\\n\"			\\\n"
"	\".pushsection .stapsdt.base,\\\"aG\\\",\\\"progbits\\\",.stapsdt.base,comdat\\n\" \\\n"
"	\".weak _.stapsdt.base\\n\"				\\\n"
"	\".hidden _.stapsdt.base\\n\"			\\\n"
"	\"_.stapsdt.base: .space 1\\n\"			\\\n"
"	\".size _.stapsdt.base, 1\\n\"			\\\n"
"	\".popsection\\n\"					\\\n"
"	\".endif\\n\"					\\\n"
"	:: \"nor\"(a1), \"nor\"(a2))\n"
"\n"
"static int helper(int v)\n"
"{\n"
"	int doubled = v * 2;\n"
"	return doubled + 1;\n"
"}\n"
"\n"
"long add_points(struct point *p, const char *tag, long scale)\n"
"{\n"
"	int sum = p->x + p->y;\n"
"	char buf[16];\n"
"\n"
"	snprintf(buf, sizeof(buf), \"%s\", tag);\n"
"	sum += helper(sum);\n"
"	SAMPLE_PROBE2(sum, scale);\n"
"	return sum * scale;\n"
"}\n"
"\n"
"int main(int argc, char **argv)\n"
"{\n"
"	struct point pt = { 1, 2, \"a\" };\n"
"\n"
"	return add_points(&pt, argv[0], argc) == 12345;\n"
"}\n";

void test_skip(const char *fmt, ...)
{
	va_list ap;

	printf("SKIP: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	exit(TEST_SKIP);
}

int test_finish(const char *name)
{
	if (test_failures) {
		printf("FAIL: %s: %d check(s) failed\n", name, test_failures);
		return 1;
	}
	printf("PASS: %s\n", name);
	return 0;
}

double test_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

char *test_run(const char *fmt, ...)
{
	struct dstr out = { 0 };
	char *cmd, buf[4096];
	va_list ap;
	size_t n;
	FILE *p;
	int st;

	va_start(ap, fmt);
	if (vasprintf(&cmd, fmt, ap) < 0)
		cmd = NULL;
	va_end(ap);
	if (!cmd || !(p = popen(cmd, "r"))) {
		free(cmd);
		return NULL;
	}
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
		dstr_addn(&out, buf, n);
	st = pclose(p);
	free(cmd);
	if (st != 0) {
		dstr_release(&out);
		return NULL;
	}
	return dstr_take(&out);
}

bool test_have(const char *tool)
{
	char *r = test_run("command -v %s >/dev/null 2>&1 && echo y", tool);
	bool ok = r && r[0] == 'y';

	free(r);
	return ok;
}

uint64_t test_nm_addr(const char *path, const char *flags, const char *name)
{
	char *out = test_run("nm %s '%s' 2>/dev/null", flags, path), *line, *save;
	uint64_t addr = 0;

	for (line = out ? strtok_r(out, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		char sym[512], type;
		unsigned long long a;
		if (sscanf(line, "%llx %c %511s", &a, &type, sym) == 3 &&
		    strcmp(sym, name) == 0) {
			addr = a;
			break;
		}
	}
	free(out);
	return addr;
}

void test_sample_build(struct test_sample *s, const char *cflags)
{
	const char *cc = getenv("CC") ? getenv("CC") : "cc";
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char *out;
	FILE *f;

	snprintf(s->dir, sizeof(s->dir), "%s/sonde-dbg.XXXXXX", tmp);
	if (!mkdtemp(s->dir))
		test_skip("cannot create a temporary directory in %s", tmp);
	snprintf(s->src, sizeof(s->src), "%s/sample.c", s->dir);
	snprintf(s->bin, sizeof(s->bin), "%s/sample", s->dir);
	f = fopen(s->src, "w");
	if (!f || fputs(test_sample_source, f) < 0 || fclose(f) != 0)
		test_skip("cannot write %s", s->src);
	out = test_run("%s %s -o '%s' '%s' 2>&1 && echo built", cc, cflags,
		       s->bin, s->src);
	if (!out || !strstr(out, "built")) {
		test_sample_cleanup(s);
		test_skip("no working C compiler ('%s') to build the sample", cc);
	}
	free(out);
}

void test_sample_cleanup(struct test_sample *s)
{
	unlink(s->bin);
	unlink(s->src);
	rmdir(s->dir);
}

int test_sample_line(const char *needle)
{
	const char *p = strstr(test_sample_source, needle);
	int line = 1;

	if (!p)
		return -1;
	for (const char *q = test_sample_source; q < p; q++)
		line += *q == '\n';
	return line;
}
