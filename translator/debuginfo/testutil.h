/* Shared by the debuginfo unit tests: assertion macros that count
 * failures and say what was expected, timing, running tools such as nm as
 * independent oracles, and building the sample program the ELF and DWARF
 * tests inspect.  Exit status: 0 pass, 77 skip (the facility is absent,
 * with the reason printed), 1 failure. */
#ifndef SONDE_DEBUGINFO_TESTUTIL_H
#define SONDE_DEBUGINFO_TESTUTIL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define TEST_SKIP 77

extern int test_failures;

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: check failed: %s\n",		\
			__FILE__, __LINE__, #cond);			\
		test_failures++;					\
	}								\
} while (0)

#define CHECK_STR(got, want) do {					\
	const char *g_ = (got), *w_ = (want);				\
	if (!g_ || !w_ || strcmp(g_, w_) != 0) {			\
		fprintf(stderr, "%s:%d: %s: got \"%s\", want \"%s\"\n",	\
			__FILE__, __LINE__, #got, g_ ? g_ : "(null)",	\
			w_ ? w_ : "(null)");				\
		test_failures++;					\
	}								\
} while (0)

#define CHECK_INT(got, want) do {					\
	long long g_ = (long long)(got), w_ = (long long)(want);	\
	if (g_ != w_) {							\
		fprintf(stderr, "%s:%d: %s: got %lld (%#llx), want %lld (%#llx)\n", \
			__FILE__, __LINE__, #got, g_, g_, w_, w_);	\
		test_failures++;					\
	}								\
} while (0)

/* Print the reason and exit 77. */
void test_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* Print a summary line and return the exit status. */
int test_finish(const char *name);

double test_now_ms(void);

/* Run a shell command and return its whole stdout (malloc'd), or NULL if
 * it could not run or exited non-zero. */
char *test_run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Whether 'tool' is on PATH. */
bool test_have(const char *tool);

/* The address nm (flags such as "-D") prints for symbol 'name' in 'path',
 * or 0 when absent. */
uint64_t test_nm_addr(const char *path, const char *flags, const char *name);

/* The sample program (testutil.c): compiled into a fresh temporary
 * directory with $CC (default cc) and the given flags.  Skips the test
 * when no compiler works.  test_sample_cleanup() removes the directory. */
struct test_sample {
	char dir[256];
	char src[300];		/* DIR/sample.c */
	char bin[300];		/* DIR/sample */
};
void test_sample_build(struct test_sample *s, const char *cflags);
void test_sample_cleanup(struct test_sample *s);
/* The sample's source text, and the 1-based line holding 'needle'. */
extern const char test_sample_source[];
int test_sample_line(const char *needle);

#endif
