/* stap -L on user-space DWARF: compiles a small program with -g -O0 into
 * a fresh directory and checks the exact lines stap prints for
 * .function, .return, a void .return, .call, a statement line and a
 * symbol-only function of the same binary (the runner's cases cannot
 * compile at test time).  The expected variable types are what
 * SystemTap 4.8 prints for the same program on Debian 12.  Exits 77 when
 * no C compiler works. */
#define _GNU_SOURCE
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "translator/debuginfo/testutil.h"

static const char source[] =
	"struct point { int x, y; };\n"				/* 1 */
	"static int helper(int a) { return a * 2; }\n"		/* 2 */
	"int f(struct point *p, const char *tag, long scale)\n"	/* 3 */
	"{\n"
	"\tint sum = p->x + p->y;\n"				/* 5 */
	"\tchar buf[8];\n"
	"\tbuf[0] = tag[0];\n"
	"\treturn helper(sum) * scale + buf[0];\n"
	"}\n"
	"void g(void) {}\n"					/* 10 */
	"int main(void) { struct point p = {1, 2}; g(); return f(&p, \"x\", 3); }\n";

static char dir[PATH_MAX], stap[PATH_MAX];

static void cleanup(void)
{
	char *r = test_run("rm -rf '%s'", dir);

	free(r);
}

static void build(void)
{
	char tmpl[] = "/tmp/sonde-listing.XXXXXX";
	const char *cc = getenv("CC") ? getenv("CC") : "cc";
	char path[PATH_MAX + 8];
	FILE *f;
	char *r;

	if (!mkdtemp(tmpl) || !realpath(tmpl, dir))
		test_skip("cannot make a temporary directory: %s", strerror(errno));
	atexit(cleanup);
	snprintf(path, sizeof(path), "%s/t.c", dir);
	f = fopen(path, "w");
	if (!f)
		test_skip("cannot write %s", path);
	fputs(source, f);
	fclose(f);
	r = test_run("%s -g -O0 -o '%s/t' '%s/t.c' 2>&1 && echo ok", cc, dir, dir);
	if (!r || !strstr(r, "ok"))
		test_skip("no working C compiler (%s)", cc);
	free(r);
}

/* translator/stap next to this test's directory */
static void find_stap(void)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n <= 0)
		test_skip("cannot read /proc/self/exe");
	self[n] = 0;
	snprintf(stap, sizeof(stap), "%s/../stap", dirname(self));
	if (access(stap, X_OK) != 0)
		test_skip("no stap binary at %s", stap);
}

/* stap -L 'process("DIR/t").SUFFIX' must print exactly 'want' (with
 * every "@" standing for DIR). */
static void check_listing(const char *suffix, const char *want_tmpl)
{
	char want[4 * PATH_MAX + 4096], *w = want;
	char *got;

	for (const char *s = want_tmpl; *s && w < want + sizeof(want) - PATH_MAX; s++) {
		if (*s == '@' && s[1] == '/')
			w += sprintf(w, "@%s", dir);
		else if (*s == '%')
			w += sprintf(w, "%s", dir);
		else
			*w++ = *s;
	}
	*w = 0;
	got = test_run("'%s' -L 'process(\"%s/t\").%s' 2>&1", stap, dir, suffix);
	CHECK_STR(got, want);
	free(got);
}

#define VARS "$p:struct point* $tag:char const* $scale:long int $sum:int $buf:char[]"

int main(void)
{
	find_stap();
	build();
	check_listing("function(\"f\")",
		      "process(\"%/t\").function(\"f@/t.c:3\") " VARS "\n");
	check_listing("function(\"f\").return",
		      "process(\"%/t\").function(\"f@/t.c:3\").return $return:int " VARS "\n");
	check_listing("function(\"f\").call",
		      "process(\"%/t\").function(\"f@/t.c:3\").call " VARS "\n");
	check_listing("function(\"g\").return",
		      "process(\"%/t\").function(\"g@/t.c:10\").return\n");
	check_listing("function(\"h*\")",
		      "process(\"%/t\").function(\"helper@/t.c:2\") $a:int\n");
	check_listing("statement(\"f@t.c:5\")",
		      "process(\"%/t\").statement(\"f@/t.c:5\") " VARS "\n");
	check_listing("function(\"main\")",
		      "process(\"%/t\").function(\"main@/t.c:11\") $p:struct point\n");
	check_listing("function(\"_start\")",
		      "process(\"%/t\").function(\"_start\")\n");
	return test_finish("test_listing");
}
