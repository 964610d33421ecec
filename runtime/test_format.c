/* Unit tests for runtime/format.c and runtime/stats.c (user space).
 * Every expected string is exact; examples marked "spec" are copied from
 * docs runtime.md sections 4.4, 5.2, 5.4 and 6.7, "upstream" ones from
 * SystemTap's testsuite (systemtap.maps/linear*.exp). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "stats.h"

static int n_checks, n_fail;

static void show(const char *p, size_t n)
{
	size_t i;

	putc('"', stderr);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c == '\n')
			fputs("\\n", stderr);
		else if (c == '\\')
			fputs("\\\\", stderr);
		else if (c == '"')
			fputs("\\\"", stderr);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(stderr, "\\x%02x", c);
		else
			putc(c, stderr);
	}
	putc('"', stderr);
}

static void check_bytes(int line, const char *what, const char *exp,
			size_t elen, const char *got, size_t glen)
{
	n_checks++;
	if (elen == glen && memcmp(exp, got, elen) == 0)
		return;
	n_fail++;
	fprintf(stderr, "FAIL line %d: %s\n  expected (%zu): ", line, what,
		elen);
	show(exp, elen);
	fprintf(stderr, "\n  got      (%zu): ", glen);
	show(got, glen);
	fputc('\n', stderr);
}

static void check_int(int line, const char *what, long long exp, long long got)
{
	n_checks++;
	if (exp == got)
		return;
	n_fail++;
	fprintf(stderr, "FAIL line %d: %s\n  expected %lld\n  got      %lld\n",
		line, what, exp, got);
}

#define CHECK_INT(what, exp, got) check_int(__LINE__, what, (exp), (got))
#define CHECK_STR(what, exp, got, glen) \
	check_bytes(__LINE__, what, exp, strlen(exp), got, glen)

/* ---- memory reader for %m/%M ------------------------------------------ */

static const unsigned char memory[] = { 0xde, 0xad, 0xbe, 0xef, 'h', 'i',
					0x00, 0x7f };
static int last_user = -1;

static int test_read(void *cookie, uint64_t addr, void *dst, size_t n,
		     int user)
{
	(void)cookie;
	last_user = user;
	if (addr >= 0xdead0000u && addr < 0xdead1000u)
		return -14;
	memcpy(dst, (const void *)(uintptr_t)addr, n);
	return 0;
}

static const struct fmt_mem mem = { test_read, 0 };

/* bytes below 0xdead0000 read as zero, the rest fault */
static int fault_read(void *cookie, uint64_t addr, void *dst, size_t n,
		      int user)
{
	(void)cookie;
	(void)user;
	if (addr + n > 0xdead0000u)
		return -14;
	memset(dst, 0, n);
	return 0;
}

static const struct fmt_mem fault_mem = { fault_read, 0 };
#define ADDR ((int64_t)(uintptr_t)memory)

/* ---- format check: sprintf into a big buffer, stream emit, dirs ------- */

static void tf(int line, const char *exp, size_t elen, const char *fmt,
	       const struct fmt_value *a, int na)
{
	char buf[4096], buf2[4096];
	struct fmt_directive dirs[64];
	struct fmt_error err;
	size_t flen = strlen(fmt);
	int n, nd;

	memset(buf, 0x55, sizeof(buf));
	n = fmt_format_ex(buf, sizeof(buf), fmt, flen, a, na, &mem, &err);
	if (n < 0) {
		n_checks++;
		n_fail++;
		fprintf(stderr, "FAIL line %d: format \"%s\" returned %d (%s)\n",
			line, fmt, n, err.msg ? err.msg : "?");
		return;
	}
	check_bytes(line, fmt, exp, elen, buf, (size_t)n);
	check_int(line, "NUL after sprintf output", 0, buf[n]);
	/* stream path: measure, then emit into exactly n bytes */
	n = fmt_format_ex(NULL, 0, fmt, flen, a, na, &mem, NULL);
	memset(buf2, 0x55, sizeof(buf2));
	n = fmt_emit(buf2, (size_t)n, fmt, flen, a, na, &mem, NULL);
	check_bytes(line, "fmt_emit", exp, elen, buf2, n < 0 ? 0 : (size_t)n);
	/* pre-parsed path */
	nd = fmt_parse(fmt, flen, dirs, 64, NULL);
	n = fmt_format_dirs(buf2, sizeof(buf2), fmt, dirs, nd, a, na, &mem,
			    NULL);
	check_bytes(line, "fmt_format_dirs", exp, elen, buf2,
		    n < 0 ? 0 : (size_t)n);
}

#define L(v) fmt_long((int64_t)(v))
#define S(s) fmt_str(s, sizeof(s) - 1)
#define F(exp, fmt, ...) do { \
	const struct fmt_value a_[] = { __VA_ARGS__ }; \
	tf(__LINE__, exp, sizeof(exp) - 1, fmt, a_, \
	   (int)(sizeof(a_) / sizeof(a_[0]))); } while (0)
#define F0(exp, fmt) tf(__LINE__, exp, sizeof(exp) - 1, fmt, NULL, 0)

/* expected parse error */
static void tp(int line, const char *fmt, const char *msg, size_t off)
{
	struct fmt_error err;
	int r = fmt_parse(fmt, strlen(fmt), NULL, 0, &err);
	char text[128];
	int n;

	check_int(line, fmt, FMT_E_PARSE, r);
	if (r != FMT_E_PARSE)
		return;
	n = fmt_error_message(text, sizeof(text), &err);
	check_bytes(line, fmt, msg, strlen(msg), text, (size_t)n);
	check_int(line, "error offset", (long long)off, (long long)err.offset);
}
#define P(fmt, msg, off) tp(__LINE__, fmt, msg, off)

static void test_integers(void)
{
	/* spec table, runtime.md 4.4 */
	F("   42|42   |", "%5d|%-5d|", L(42), L(42));
	F("-0042", "%05d", L(-42));
	F("+5  5 5", "%+d % d %+u", L(5), L(5), L(5));
	F("   +3", "%+05d", L(3));
	F("-1 18446744073709551615 ffffffffffffffff", "%d %u %x",
	  L(-1), L(-1), L(-1));
	F("10 010 00", "%o %#o %#o", L(8), L(8), L(0));
	F("0xff 0XFF 0x0", "%#x %#X %#x", L(255), L(255), L(0));
	F("0x1234", "%p", L(0x1234));
	F("    0x1234|", "%10p|", L(0x1234));
	F("005|  -005|", "%.3d|%6.3d|", L(5), L(-5));
	F("    42|", "%*d|", L(6), L(42));
	F("42|", "%*d|", L(-6), L(42));
	F("000010", "%#.5o", L(8));

	/* single-flag rule */
	F("42   |", "%-05d|", L(42));
	F("    0xff|", "%#08x|", L(255));
	F("   42|", "% 5d|", L(42));
	F("-3 -3 +0", "% d %+d %+d", L(-3), L(-3), L(0));
	F("5 5 5 5", "%+x % u %+o %+X", L(5), L(5), L(5), L(5));

	/* 64-bit extremes */
	F("-9223372036854775808", "%d", L(INT64_MIN));
	F("9223372036854775807", "%i", L(INT64_MAX));
	F("9223372036854775808", "%u", L(INT64_MIN));
	F("8000000000000000 8000000000000000", "%x %X", L(INT64_MIN),
	  L(INT64_MIN));
	F("1777777777777777777777", "%o", L(-1));
	F("01777777777777777777777", "%#o", L(-1));
	F("18446744073709551574", "%u", L(-42));
	F("FFFFFFFFFFFFFFD6", "%X", L(-42));
	F("-00000000000000000042", "%021d", L(-42));

	/* 'l' ignored */
	F("7 ff 7", "%ld %lx %li", L(7), L(255), L(7));

	/* precision and zero */
	F("0", "%.0d", L(0));
	F("    0|", "%5.0d|", L(0));
	F("00007", "%05.3d", L(7));
	F("0x00ff", "%#.4x", L(255));
	F("0010", "%#.3o", L(8));
	F("  010", "%#5o", L(8));
	F("ABCDEF abcdef", "%X %x", L(0xabcdef), L(0xabcdef));
	F("0x0 0xffffffffffffffff", "%p %p", L(0), L(-1));
	F("0x1234    |0x00001234|0x1234", "%-10p|%010p|%+p", L(0x1234),
	  L(0x1234), L(0x1234));
	P("%#-10x|", FMT_MSG_BADCONV, 2);
	F("   0XFF", "%#7X", L(255));

	/* dynamic width / precision */
	F("0007", "%.*d", L(4), L(7));
	F("   007|", "%*.*d|", L(6), L(3), L(7));
	F("7", "%.*d", L(-3), L(7));
	F("42|", "%*d|", L(0xffffffffLL), L(42));	/* (int) -1 -> 0 */
	F("  42|", "%*d|", L(0x100000004LL), L(42));	/* (int) 4 */

	/* literals and %% */
	F0("%", "%%");
	F0("a%b", "a%%b");
	F0("100% sure %%", "100%% sure %%%%");
	F0("", "");
	F("x=1, y=-2\n", "x=%d, y=%d\n", L(1), L(-2));
}

static void test_strings_chars(void)
{
	/* spec */
	F("[   ab][ab   ][he][    x]", "[%5s][%-5s][%.2s][%5.1s]",
	  S("ab"), S("ab"), S("hello"), S("xyz"));
	F("ab\0", "%0s", S("ab"));
	F("   ab\0|", "%05s|", S("ab"));
	F("ab", "%#s", S("ab"));
	F("", "%s", S(""));
	F("|", "%.0s|", S("abc"));
	F("abc", "%.s", S("abc"));
	F("he", "%.*s", L(2), S("hello"));
	F("", "%.*s", L(-1), S("hello"));
	F("     hello|", "%*s|", L(10), S("hello"));
	F("hello|", "%*s|", L(-10), S("hello"));
	F("ab|", "%s|", fmt_str("ab\0cd", 5));
	F("hello", "%3s", S("hello"));

	/* %c */
	F("A", "%c", L(65));
	F("\0", "%c", L(0));
	F("  \0|", "%3c|", L(0));
	F("A", "%c", L(0x141));
	F("  x|y  |", "%3c|%-3c|", L('x'), L('y'));
	F("\\001", "%#c", L(1));
	F("\\310", "%#c", L(200));
	F("\\000", "%#c", L(0));
	F("\\177", "%#c", L(127));
	F("\\n\\t\\\\\\'\"a", "%#c%#c%#c%#c%#c%#c", L('\n'), L('\t'),
	  L('\\'), L('\''), L('"'), L('a'));
	F("  \\001|", "%#6c|", L(1));
	F("\x80", "%c", L(0x80));
	F("x", "%0c", L('x'));
}

static void test_binary(void)
{
	/* spec */
	F("\x08\x07\x06\x05\x04\x03\x02\x01", "%b", L(0x0102030405060708LL));
	F("\x04\x03\x02\x01", "%4b", L(0x01020304));
	F("BA", "%.2b", L(0x4142));
	F("A\0\0\0\0\0\0\0", "%3b", L(0x41));
	F("\0\0\0\0\0\0BA", "%8.2b", L(0x4142));
	F("BA\0\0\0\0\0\0", "%-8.2b", L(0x4142));
	F("A", "%1b", L(0x141));
	F("\xff\xff", "%2b", L(-1));
	F("A\0\0\0\0\0\0\0", "%.3b", L(0x41));		/* bad size: 8 */
	F("BA\0\0", "%2.4b", L(0x4142));		/* max(4, 2) */
	F("\0\0\0A", "%4.1b", L(0x41));
	F("A\0\0\0\0\0\0\0", "%.0b", L(0x41));
	F("BA", "%.*b", L(2), L(0x4142));
}

static void test_memory(void)
{
	char buf[64];
	struct fmt_error err;
	struct fmt_value a[2];
	int n;

	/* spec: %.4M of de ad be ef */
	F("deadbeef", "%.4M", L(ADDR));
	F("de", "%M", L(ADDR));
	F("\xde\xad\xbe\xef", "%.4m", L(ADDR));
	F("h", "%m", L(ADDR + 4));
	F("hi\0\x7f", "%.4m", L(ADDR + 4));
	F("      dead|", "%10.2M|", L(ADDR));
	F("dead  |", "%-6.2M|", L(ADDR));
	F("  hi|", "%4.2m|", L(ADDR + 4));
	F("dead\0", "%0.2M", L(ADDR));
	F("beef", "%.*M", L(2), L(ADDR + 2));
	F("0102ff", "%.3M", fmt_str("\x01\x02\xff", 3));	/* BPF bytes */

	last_user = -1;
	F("dead", "%#.2M", L(ADDR));
	CHECK_INT("'#' reads user memory", 1, last_user);
	F("dead", "%.2M", L(ADDR));
	CHECK_INT("no '#' reads kernel memory", 0, last_user);

	/* errors */
	a[0] = L(ADDR);
	n = fmt_format_ex(buf, sizeof(buf), "%.5000M", 7, a, 1, &mem, &err);
	CHECK_INT("%.5000M", FMT_E_MEMDUMP, n);
	n = fmt_error_message(buf, sizeof(buf), &err);
	CHECK_STR("memdump message", "5000 is too many bytes for a memory dump",
		  buf, (size_t)n);
	a[0] = L(4097);
	a[1] = L(ADDR);
	n = fmt_format_ex(buf, sizeof(buf), "%.*m", 4, a, 2, &mem, &err);
	CHECK_INT("%.*m 4097", FMT_E_MEMDUMP, n);
	CHECK_INT("memdump value", 4097, err.value);
	a[0] = L(ADDR);
	n = fmt_format_ex(NULL, 0, "%.4096m", 7, a, 1, &mem, &err);
	CHECK_INT("%.4096m size", 4096, n);

	a[0] = L(0xdead0010);
	n = fmt_format_ex(buf, sizeof(buf), "x%.4Mx", 6, a, 1, &mem, &err);
	CHECK_INT("fault", FMT_E_FAULT, n);
	n = fmt_error_message(buf, sizeof(buf), &err);
	CHECK_STR("fault message",
		  "read fault [man error::fault] at 0xdead0010", buf,
		  (size_t)n);
	a[0] = L(0xdead0000 - 2);	/* fault on the third byte */
	n = fmt_format_ex(buf, sizeof(buf), "%.4m", 4, a, 1, &fault_mem, &err);
	CHECK_INT("partial fault", FMT_E_FAULT, n);
	CHECK_INT("first bad byte reported", 0xdead0000, err.value);
	a[0] = L(ADDR);
	n = fmt_format(buf, sizeof(buf), "%.2M", 4, a, 1);	/* no reader */
	CHECK_INT("no reader", FMT_E_FAULT, n);
	a[0] = fmt_str("\x01", 1);
	n = fmt_format(buf, sizeof(buf), "%.2M", 4, a, 1);	/* too short */
	CHECK_INT("short captured bytes", FMT_E_FAULT, n);
}

static void test_truncation(void)
{
	char buf[64];
	struct fmt_value a[2];
	int n;

	/* width clamped to the space left (8 incl. NUL): 6 spaces + "4" */
	a[0] = L(42);
	memset(buf, 'Z', sizeof(buf));
	n = fmt_format(buf, 8, "%20d", 4, a, 1);
	CHECK_INT("truncated return", 20, n);
	CHECK_STR("width clamped to room", "      4", buf, strlen(buf));
	CHECK_INT("no write past size", 'Z', buf[8]);

	/* a %b value that does not fit is skipped whole; later text fits */
	a[0] = L(0x41);
	n = fmt_format(buf, 6, "ab%bcd", 6, a, 1);
	CHECK_INT("binary skip return", 12, n);
	CHECK_STR("binary skipped", "abcd", buf, strlen(buf));

	/* precision clamped too: "%.10d" into 6 bytes */
	a[0] = L(7);
	n = fmt_format(buf, 6, "%.10d", 5, a, 1);
	CHECK_INT("prec return", 10, n);
	CHECK_STR("precision clamped", "00000", buf, strlen(buf));

	/* size 0 / NULL: measure only */
	a[0] = L(12345);
	CHECK_INT("measure", 7, fmt_format(NULL, 0, "<%d>", 4, a, 1));
	CHECK_INT("size 1", 7, fmt_format(buf, 1, "<%d>", 4, a, 1));
	CHECK_INT("size 1 gives empty", 0, buf[0]);

	/* stream emit: exact cap, no NUL */
	memset(buf, 'Z', sizeof(buf));
	n = fmt_emit(buf, 3, "abcdef", 6, NULL, 0, NULL, NULL);
	CHECK_INT("emit cap", 3, n);
	CHECK_INT("emit no NUL", 'Z', buf[3]);
	check_bytes(__LINE__, "emit bytes", "abc", 3, buf, 3);

	/* measured widths clamp at FMT_MAX_OUTPUT */
	CHECK_INT("width 100000", FMT_MAX_OUTPUT,
		  fmt_format(NULL, 0, "%100000d", 8, a, 1));

	/* %0s: NUL only if it fits */
	a[0] = S("abc");
	n = fmt_format(buf, 4, "%0s", 3, a, 1);
	CHECK_INT("%0s return", 4, n);
	CHECK_STR("%0s truncated", "abc", buf, strlen(buf));
}

static void test_parse(void)
{
	struct fmt_directive d[16];
	struct fmt_error err;
	unsigned char types[8];
	struct fmt_value a[2];
	char buf[64];
	const char *f = "a%-5.3lxb%%c%*.*s";
	int n;

	/* a lone trailing '%' is "invalid or missing" in upstream's words */
	P("%", FMT_MSG_BADCONV, 0);
	P("abc%", FMT_MSG_BADCONV, 3);
	P("%5", FMT_MSG_TRAILING, 0);
	P("x%-", FMT_MSG_TRAILING, 1);
	P("%.", FMT_MSG_TRAILING, 0);
	P("%.*", FMT_MSG_TRAILING, 0);
	P("%5.3l", FMT_MSG_TRAILING, 0);
	P("ok %d then %0", FMT_MSG_TRAILING, 11);
	P("%0-5d", FMT_MSG_BADCONV, 2);
	P("%+-5d", FMT_MSG_BADCONV, 2);
	P("%lld", FMT_MSG_BADCONV, 2);
	P("%hd", FMT_MSG_BADCONV, 1);
	P("%f", FMT_MSG_BADCONV, 1);
	P("%5.2e", FMT_MSG_BADCONV, 4);
	P("%n", FMT_MSG_BADCONV, 1);
	P("%zd", FMT_MSG_BADCONV, 1);
	P("%5%", FMT_MSG_BADCONV, 2);
	P("abc %y", FMT_MSG_BADCONV, 5);

	n = fmt_parse(f, strlen(f), d, 16, &err);
	CHECK_INT("directive count", 5, n);
	CHECK_INT("d0 literal", FMT_LITERAL, d[0].kind);
	CHECK_INT("d0 len", 1, (long long)d[0].len);
	CHECK_INT("d1 conv", 'x', d[1].conv);
	CHECK_INT("d1 flags", FMT_F_LEFT, d[1].flags);
	CHECK_INT("d1 width", 5, d[1].width);
	CHECK_INT("d1 prec", 3, d[1].prec);
	CHECK_INT("d1 base", 16, d[1].base);
	CHECK_INT("d1 offset", 1, (long long)d[1].offset);
	CHECK_INT("d1 len", 7, (long long)d[1].len);
	CHECK_INT("d2 literal b%", 2, (long long)d[2].len);
	CHECK_INT("d2 offset", 8, (long long)d[2].offset);
	CHECK_INT("d3 literal c", 11, (long long)d[3].offset);
	CHECK_INT("d4 width kind", FMT_DYNAMIC, d[4].width_kind);
	CHECK_INT("d4 prec kind", FMT_DYNAMIC, d[4].prec_kind);
	CHECK_INT("d4 arg type", FMT_ARG_STRING, d[4].arg_type);
	CHECK_INT("d4 nargs", 3, d[4].nargs);
	n = fmt_arg_types(d, 5, types, 8);
	CHECK_INT("arg count", 4, n);
	CHECK_INT("arg types", FMT_ARG_LONG * 1000 + FMT_ARG_LONG * 100 +
		  FMT_ARG_LONG * 10 + FMT_ARG_STRING,
		  types[0] * 1000 + types[1] * 100 + types[2] * 10 + types[3]);
	n = fmt_parse("%d%s%%", 6, d, 16, NULL);
	CHECK_INT("count %d%s%%", 3, n);
	CHECK_INT("%d is signed", FMT_F_SIGN, d[0].flags);
	CHECK_INT("%p flags", FMT_F_SPECIAL, (fmt_parse("%p", 2, d, 1, NULL),
						d[0].flags));
	CHECK_INT("%X flags", FMT_F_LARGE, (fmt_parse("%X", 2, d, 1, NULL),
					      d[0].flags));
	CHECK_INT("%.d prec none", FMT_NONE, (fmt_parse("%.d", 3, d, 1, NULL),
						d[0].prec_kind));
	CHECK_INT("fewer slots than directives", 3,
		  fmt_parse("a%db", 4, d, 1, NULL));

	/* run-time argument errors */
	a[0] = S("x");
	CHECK_INT("%d of string", FMT_E_ARGS,
		  fmt_format(buf, sizeof(buf), "%d", 2, a, 1));
	a[0] = L(1);
	CHECK_INT("%s of long", FMT_E_ARGS,
		  fmt_format(buf, sizeof(buf), "%s", 2, a, 1));
	CHECK_INT("missing arg", FMT_E_ARGS,
		  fmt_format(buf, sizeof(buf), "%d %d", 5, a, 1));
	CHECK_INT("bad format", FMT_E_PARSE,
		  fmt_format(buf, sizeof(buf), "%q", 2, a, 1));
}

/* ---- statistics ------------------------------------------------------- */

#define STAT_DECL(name, nb) \
	union { struct stat_data d; int64_t w[8 + (nb)]; } name

static int64_t variance_of(const int64_t *v, int n, int shift)
{
	struct stat_desc d;
	STAT_DECL(cpu, 0);
	STAT_DECL(agg, 0);
	int i;

	stat_desc_init(&d, shift, STAT_OP_VARIANCE);
	stat_clear(&d, &cpu.d);
	for (i = 0; i < n; i++)
		stat_add(&d, &cpu.d, v[i]);
	stat_agg_begin(&d, &agg.d);
	stat_agg_merge(&d, &agg.d, &cpu.d);
	stat_agg_end(&d, &agg.d);
	return stat_variance(&d, &agg.d);
}

static void add_linear_stp(const struct stat_desc *d, struct stat_data *sd)
{
	static const int m[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 12,
				   13, 14, 15 };
	int key, k;

	for (key = 0; key < 100; key++)
		for (k = 0; k < 16; k++)
			stat_add(d, sd, (int64_t)key * m[k]);
}

static void tstat_text(int line, const char *exp, const struct stat_desc *d,
		       const struct stat_data *agg)
{
	static char buf[16384];
	int n = stat_print_hist(buf, sizeof(buf), d, agg);

	if (n < 0) {
		check_int(line, "stat_print_hist", 0, n);
		return;
	}
	check_bytes(line, "histogram", exp, strlen(exp), buf, (size_t)n);
}

struct collect { char buf[16384]; size_t len; int calls; };

static void collect_emit(void *cookie, const char *text, size_t len)
{
	struct collect *c = cookie;

	memcpy(c->buf + c->len, text, len);
	c->len += len;
	c->calls++;
}

/* aggregate values on one CPU with the given descriptor and render */
static int hist_of(const struct stat_desc *d, const int64_t *v, int n,
		   struct stat_data *agg)
{
	STAT_DECL(cpu, STAT_MAX_BUCKETS);
	int i;

	stat_clear(d, &cpu.d);
	for (i = 0; i < n; i++)
		stat_add(d, &cpu.d, v[i]);
	stat_agg_begin(d, agg);
	stat_agg_merge(d, agg, &cpu.d);
	stat_agg_end(d, agg);
	return 0;
}

#define HEADER "value |-------------------------------------------------- count\n"

static void test_stats(void)
{
	struct stat_desc d;
	STAT_DECL(agg, STAT_MAX_BUCKETS);
	STAT_DECL(c0, STAT_MAX_BUCKETS);
	STAT_DECL(c1, STAT_MAX_BUCKETS);
	int64_t cnt;
	static const int64_t v123[] = { 1, 2, 3 }, v1234[] = { 1, 2, 3, 4 },
		v10[] = { 10, 20, 30, 40 }, v0k[] = { 0, 1000 }, one[] = { 42 },
		neg12[] = { -1, -2 };
	int i;

	/* spec 5.2 */
	CHECK_INT("variance 1,2,3", 3, variance_of(v123, 3, 0));
	CHECK_INT("variance 1,2,3 N=7", 1, variance_of(v123, 3, 7));
	CHECK_INT("variance 1..4", 5, variance_of(v1234, 4, 0));
	CHECK_INT("variance 1..4 N=4", 1, variance_of(v1234, 4, 4));
	CHECK_INT("variance 10..40", 166, variance_of(v10, 4, 0));
	CHECK_INT("variance 0,1000", 500000, variance_of(v0k, 2, 0));
	CHECK_INT("variance one value", 0, variance_of(one, 1, 0));
	{	/* 32-bit Welford delta wraps (value from an independent model) */
		static const int64_t big[] = { 0, 3000000000LL, 5 };
		CHECK_INT("variance 32-bit delta", 852516352834537012LL,
			  variance_of(big, 3, 0));
	}

	/* @avg truncates toward zero */
	stat_desc_init(&d, 0, 0);
	hist_of(&d, neg12, 2, &agg.d);
	CHECK_INT("avg -1,-2", -1, stat_avg(&agg.d));
	CHECK_INT("min -1,-2", -2, agg.d.min);
	CHECK_INT("max -1,-2", -1, agg.d.max);
	CHECK_INT("sum -1,-2", -3, agg.d.sum);

	/* upstream linear.stp: count/sum/min/max/avg/variance */
	stat_desc_init_linear(&d, 0, 1500, 50, 0, STAT_OP_VARIANCE);
	stat_clear(&d, &c0.d);
	add_linear_stp(&d, &c0.d);
	stat_agg_begin(&d, &agg.d);
	stat_agg_merge(&d, &agg.d, &c0.d);
	stat_agg_end(&d, &agg.d);
	CHECK_INT("linear.stp count", 1600, agg.d.count);
	CHECK_INT("linear.stp sum", 653400, agg.d.sum);
	CHECK_INT("linear.stp min", 0, agg.d.min);
	CHECK_INT("linear.stp max", 1485, agg.d.max);
	CHECK_INT("linear.stp avg", 408, stat_avg(&agg.d));
	CHECK_INT("linear.stp variance (spec)", 450768,
		  stat_variance(&d, &agg.d));
	tstat_text(__LINE__, HEADER
"    0 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@       177\n"
"   50 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@         170\n"
"  100 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@                      117\n"
"  150 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@                     122\n"
"  200 |@@@@@@@@@@@@@@@@@@@@@@@                             94\n"
"  250 |@@@@@@@@@@@@@@@@@@@@@@@                             94\n"
"  300 |@@@@@@@@@@@@@@@@@@@                                 79\n"
"  350 |@@@@@@@@@@@@@@@@@@@                                 79\n"
"  400 |@@@@@@@@@@@@@@@@                                    65\n"
"  450 |@@@@@@@@@@@@@@@@                                    67\n"
"  500 |@@@@@@@@@@@@@                                       55\n"
"  550 |@@@@@@@@@@@@@                                       54\n"
"  600 |@@@@@@@@@@@@                                        51\n"
"  650 |@@@@@@@@@@@                                         45\n"
"  700 |@@@@@@@@@@                                          41\n"
"  750 |@@@@@@@@@@                                          40\n"
"  800 |@@@@@@@@                                            34\n"
"  850 |@@@@@@@@                                            33\n"
"  900 |@@@@@@@                                             31\n"
"  950 |@@@@@@                                              27\n"
" 1000 |@@@@@                                               23\n"
" 1050 |@@@@@@                                              24\n"
" 1100 |@@@@                                                19\n"
" 1150 |@@@@                                                18\n"
" 1200 |@@@                                                 12\n"
" 1250 |@@                                                   9\n"
" 1300 |@                                                    7\n"
" 1350 |@                                                    7\n"
" 1400 |                                                     3\n"
" 1450 |                                                     3\n"
" 1500 |                                                     0\n"
"\n", &d, &agg.d);

	/* upstream linear_overunder.stp */
	stat_desc_init_linear(&d, 250, 1000, 50, 0, STAT_OP_VARIANCE);
	stat_clear(&d, &c0.d);
	add_linear_stp(&d, &c0.d);
	stat_agg_begin(&d, &agg.d);
	stat_agg_merge(&d, &agg.d, &c0.d);
	stat_agg_end(&d, &agg.d);
	CHECK_INT("linear_overunder variance", 450768,
		  stat_variance(&d, &agg.d));
	tstat_text(__LINE__, HEADER
" <250 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@   680\n"
"  250 |@@@@@@                                              94\n"
"  300 |@@@@@                                               79\n"
"  350 |@@@@@                                               79\n"
"  400 |@@@@                                                65\n"
"  450 |@@@@                                                67\n"
"  500 |@@@                                                 55\n"
"  550 |@@@                                                 54\n"
"  600 |@@@                                                 51\n"
"  650 |@@@                                                 45\n"
"  700 |@@                                                  41\n"
"  750 |@@                                                  40\n"
"  800 |@@                                                  34\n"
"  850 |@@                                                  33\n"
"  900 |@@                                                  31\n"
"  950 |@                                                   27\n"
" 1000 |@                                                   23\n"
">1000 |@@@@@@@                                            102\n"
"\n", &d, &agg.d);

	/* per-CPU merge equals the two-pass total-variance formula */
	stat_desc_init_log(&d, 3, STAT_OP_VARIANCE);
	stat_clear(&d, &c0.d);
	stat_clear(&d, &c1.d);
	for (i = 0; i < 37; i++)
		stat_add(&d, (i % 3) ? &c0.d : &c1.d, (int64_t)i * i - 50);
	stat_agg_begin(&d, &agg.d);
	stat_agg_merge(&d, &agg.d, &c0.d);
	stat_agg_merge(&d, &agg.d, &c1.d);
	stat_agg_end(&d, &agg.d);
	{
		int64_t A = (agg.d.sum << 3) / agg.d.count, S1 = 0, S2 = 0;
		const struct stat_data *c[2] = { &c0.d, &c1.d };
		int k;

		for (k = 0; k < 2; k++) {
			S1 += c[k]->count * (c[k]->avg_s - A) *
				(c[k]->avg_s - A);
			S2 += (c[k]->count - 1) * c[k]->variance_s;
		}
		CHECK_INT("two-CPU variance_s", (S1 + S2) / (agg.d.count - 1),
			  agg.d.variance_s);
		CHECK_INT("two-CPU count", 37, agg.d.count);
		CHECK_INT("two-CPU min", -50, agg.d.min);
		CHECK_INT("two-CPU max", 36 * 36 - 50, agg.d.max);
		CHECK_INT("two-CPU bucket of 0 (i*i-50 never 0)", 0,
			  agg.d.hist[STAT_LOG_BUCKET0]);
	}

	/* buckets */
	CHECK_INT("log 0", 64, stat_bucket_log(0));
	CHECK_INT("log 1", 65, stat_bucket_log(1));
	CHECK_INT("log 3", 66, stat_bucket_log(3));
	CHECK_INT("log 4", 67, stat_bucket_log(4));
	CHECK_INT("log -1", 63, stat_bucket_log(-1));
	CHECK_INT("log -5", 61, stat_bucket_log(-5));
	CHECK_INT("log INT64_MIN", 0, stat_bucket_log(INT64_MIN));
	CHECK_INT("log INT64_MAX", 127, stat_bucket_log(INT64_MAX));
	CHECK_INT("log 2^62", 127, stat_bucket_log(1LL << 62));
	CHECK_INT("log 2^62-1", 126, stat_bucket_log((1LL << 62) - 1));
	CHECK_INT("label 127", 4611686018427387904LL, stat_bucket_log_label(127));
	CHECK_INT("label 61", -4, stat_bucket_log_label(61));
	CHECK_INT("label 0", INT64_MIN, stat_bucket_log_label(0));
	CHECK_INT("linear nb (0,20,5)", 7,
		  stat_desc_init_linear(&d, 0, 20, 5, 0, 0));
	CHECK_INT("lin -1", 0, stat_bucket_linear(&d, -1));
	CHECK_INT("lin 0", 1, stat_bucket_linear(&d, 0));
	CHECK_INT("lin 4", 1, stat_bucket_linear(&d, 4));
	CHECK_INT("lin 20", 5, stat_bucket_linear(&d, 20));
	CHECK_INT("lin 24", 5, stat_bucket_linear(&d, 24));
	CHECK_INT("lin 25", 6, stat_bucket_linear(&d, 25));
	CHECK_INT("lin INT64_MIN", 0, stat_bucket_linear(&d, INT64_MIN));
	CHECK_INT("interval 0", STAT_E_INTERVAL,
		  stat_desc_init_linear(&d, 0, 10, 0, 0, 0));
	CHECK_INT("128 buckets ok", 128,
		  stat_desc_init_linear(&d, 0, 125, 1, 0, 0));
	CHECK_INT("129 buckets", STAT_E_BUCKETS,
		  stat_desc_init_linear(&d, 0, 126, 1, 0, 0));
	CHECK_INT("stop < start", STAT_E_BUCKETS,
		  stat_desc_init_linear(&d, 10, 0, 5, 0, 0));

	/* histogram index */
	stat_desc_init_linear(&d, 0, 20, 5, 0, 0);
	stat_agg_begin(&d, &agg.d);
	stat_agg_end(&d, &agg.d);
	CHECK_INT("index empty", STAT_E_EMPTY, stat_hist_index(&d, &agg.d, 1, &cnt));
	CHECK_INT("print empty", STAT_E_EMPTY, stat_print_hist(NULL, 0, &d, &agg.d));
	{
		static const int64_t v[] = { 1, 3, 5, 5, 12 };
		hist_of(&d, v, 5, &agg.d);
	}
	CHECK_INT("index 7", STAT_E_RANGE, stat_hist_index(&d, &agg.d, 7, &cnt));
	CHECK_INT("index -1", STAT_E_RANGE, stat_hist_index(&d, &agg.d, -1, &cnt));
	stat_hist_index(&d, &agg.d, 1, &cnt);
	CHECK_INT("index 1", 2, cnt);
}

static void test_histograms(void)
{
	struct stat_desc d;
	STAT_DECL(agg, STAT_MAX_BUCKETS);
	char buf[16384], full[16384];
	struct collect col;
	int n, nfull;

	/* spec 5.4 example 1 */
	{
		static const int64_t v[] = { 1, 3, 5, 5, 12 };
		stat_desc_init_linear(&d, 0, 20, 5, 0, 0);
		hist_of(&d, v, 5, &agg.d);
		tstat_text(__LINE__, HEADER
"    0 |@@                                                 2\n"
"    5 |@@                                                 2\n"
"   10 |@                                                  1\n"
"   15 |                                                   0\n"
"   20 |                                                   0\n"
"\n", &d, &agg.d);
		n = stat_print_hist_linear(buf, sizeof(buf), &agg.d, 0, 20, 5);
		CHECK_INT("print_hist_linear length", 64 + 5 * 60 + 1, n);
	}
	/* spec example 2: under and overflow */
	{
		static const int64_t v[] = { -3, 1, 2, 47, 95, 150, 151 };
		stat_desc_init_linear(&d, 0, 100, 10, 0, 0);
		hist_of(&d, v, 7, &agg.d);
		tstat_text(__LINE__, HEADER
"   <0 |@                                                  1\n"
"    0 |@@                                                 2\n"
"   10 |                                                   0\n"
"   20 |                                                   0\n"
"   30 |                                                   0\n"
"   40 |@                                                  1\n"
"   50 |                                                   0\n"
"   60 |                                                   0\n"
"   70 |                                                   0\n"
"   80 |                                                   0\n"
"   90 |@                                                  1\n"
"  100 |                                                   0\n"
" >100 |@@                                                 2\n"
"\n", &d, &agg.d);
	}
	/* spec example 3: log with elision */
	{
		static const int64_t v[] = { 1, 1, 1, 1024 };
		stat_desc_init_log(&d, 0, 0);
		hist_of(&d, v, 4, &agg.d);
		tstat_text(__LINE__, HEADER
"    0 |                                                   0\n"
"    1 |@@@                                                3\n"
"    2 |                                                   0\n"
"    4 |                                                   0\n"
"      ~\n"
"  256 |                                                   0\n"
"  512 |                                                   0\n"
" 1024 |@                                                  1\n"
" 2048 |                                                   0\n"
" 4096 |                                                   0\n"
"\n", &d, &agg.d);
		n = stat_print_hist_log(buf, sizeof(buf), &agg.d);
		CHECK_INT("print_hist_log length", 64 + 9 * 60 + 8 + 1, n);
	}
	/* spec example 4 */
	{
		static const int64_t v[] = { 0, 1, 2, 3, 4, 5, 100 };
		stat_desc_init_log(&d, 0, 0);
		hist_of(&d, v, 7, &agg.d);
		tstat_text(__LINE__, HEADER
"    0 |@                                                  1\n"
"    1 |@                                                  1\n"
"    2 |@@                                                 2\n"
"    4 |@@                                                 2\n"
"    8 |                                                   0\n"
"   16 |                                                   0\n"
"   32 |                                                   0\n"
"   64 |@                                                  1\n"
"  128 |                                                   0\n"
"  256 |                                                   0\n"
"\n", &d, &agg.d);
	}
	/* spec example 5: scaling */
	{
		int64_t v[19];
		int i;
		for (i = 0; i < 7; i++)
			v[i] = 120;
		for (; i < 19; i++)
			v[i] = 30;
		/* "120 x 7 and 30 x 12" means value 7 120 times etc.: */
		stat_desc_init_linear(&d, 0, 20, 5, 0, 0);
		{
			STAT_DECL(cpu, STAT_MAX_BUCKETS);
			stat_clear(&d, &cpu.d);
			for (i = 0; i < 120; i++)
				stat_add(&d, &cpu.d, 7);
			for (i = 0; i < 30; i++)
				stat_add(&d, &cpu.d, 12);
			stat_agg_begin(&d, &agg.d);
			stat_agg_merge(&d, &agg.d, &cpu.d);
			stat_agg_end(&d, &agg.d);
		}
		(void)v;
		tstat_text(__LINE__, HEADER
"    0 |                                                     0\n"
"    5 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@           120\n"
"   10 |@@@@@@@@@@                                          30\n"
"   15 |                                                     0\n"
"   20 |                                                     0\n"
"\n", &d, &agg.d);

		/* sprint() truncation: the count field of row "5" is clamped
		 * to the 10 bytes left: 7 spaces + "12" (not 9 spaces) */
		nfull = stat_print_hist(full, sizeof(full), &d, &agg.d);
		n = stat_print_hist(buf, 183, &d, &agg.d);
		CHECK_INT("truncated hist returns full length", nfull, n);
		{
			char exp[256];
			memcpy(exp, full, 173);
			memcpy(exp + 173, "       12", 10);
			check_bytes(__LINE__, "sprint(@hist) truncated", exp,
				    182, buf, strlen(buf));
		}
		/* print(): callback pieces, one per line */
		memset(&col, 0, sizeof(col));
		n = stat_emit_hist(collect_emit, &col, &d, &agg.d);
		CHECK_INT("emit length", nfull, n);
		check_bytes(__LINE__, "stat_emit_hist", full, (size_t)nfull,
			    col.buf, col.len);
		CHECK_INT("emit calls (one per line)", 7, col.calls);
	}
	/* single bucket */
	{
		static const int64_t v[] = { 8 };
		stat_desc_init_log(&d, 0, 0);
		hist_of(&d, v, 1, &agg.d);
		tstat_text(__LINE__, HEADER
"    2 |                                                   0\n"
"    4 |                                                   0\n"
"    8 |@                                                  1\n"
"   16 |                                                   0\n"
"   32 |                                                   0\n"
"\n", &d, &agg.d);
	}
	/* negative values in hist_log */
	{
		static const int64_t v[] = { -1, -5, 3 };
		stat_desc_init_log(&d, 0, 0);
		hist_of(&d, v, 3, &agg.d);
		tstat_text(__LINE__, HEADER
"  -16 |                                                   0\n"
"   -8 |                                                   0\n"
"   -4 |@                                                  1\n"
"   -2 |                                                   0\n"
"   -1 |@                                                  1\n"
"    0 |                                                   0\n"
"    1 |                                                   0\n"
"    2 |@                                                  1\n"
"    4 |                                                   0\n"
"    8 |                                                   0\n"
"\n", &d, &agg.d);
	}
	/* INT64_MIN widens the value column to 20 */
	{
		static const int64_t v[] = { INT64_MIN };
		stat_desc_init_log(&d, 0, 0);
		hist_of(&d, v, 1, &agg.d);
		tstat_text(__LINE__,
"               value |-------------------------------------------------- count\n"
"-9223372036854775808 |@                                                  1\n"
"-4611686018427387904 |                                                   0\n"
"-2305843009213693952 |                                                   0\n"
"\n", &d, &agg.d);
	}
	/* linear underflow only, overflow only */
	{
		static const int64_t u[] = { -1 }, o[] = { 100 };
		stat_desc_init_linear(&d, 0, 20, 5, 0, 0);
		hist_of(&d, u, 1, &agg.d);
		tstat_text(__LINE__, HEADER
"   <0 |@                                                  1\n"
"    0 |                                                   0\n"
"    5 |                                                   0\n"
"\n", &d, &agg.d);
		hist_of(&d, o, 1, &agg.d);
		tstat_text(__LINE__, HEADER
"   15 |                                                   0\n"
"   20 |                                                   0\n"
"  >20 |@                                                  1\n"
"\n", &d, &agg.d);
	}
	/* upstream linear_large_neg.stp (histogram part) */
	{
		static const int64_t v[] = { 0, -100000000, -100000000,
			-500000000, -500000000, -500000000, -500000000,
			-500000000, -1000000000, -1000000000, -1000000000,
			-1000000000, -10000000000LL };
		stat_desc_init_linear(&d, -1000000000, 0, 100000000, 0,
				      STAT_OP_VARIANCE);
		hist_of(&d, v, 13, &agg.d);
		CHECK_INT("large_neg avg", -1284615384, stat_avg(&agg.d));
		CHECK_INT("large_neg sum", -16700000000LL, agg.d.sum);
		tstat_text(__LINE__,
"       value |-------------------------------------------------- count\n"
"<-1000000000 |@                                                  1\n"
" -1000000000 |@@@@                                               4\n"
"  -900000000 |                                                   0\n"
"  -800000000 |                                                   0\n"
"  -700000000 |                                                   0\n"
"  -600000000 |                                                   0\n"
"  -500000000 |@@@@@                                              5\n"
"  -400000000 |                                                   0\n"
"  -300000000 |                                                   0\n"
"  -200000000 |                                                   0\n"
"  -100000000 |@@                                                 2\n"
"           0 |@                                                  1\n"
"\n", &d, &agg.d);
	}
	/* no histogram */
	stat_desc_init(&d, 0, 0);
	hist_of(&d, (const int64_t[]){ 1 }, 1, &agg.d);
	CHECK_INT("no histogram", STAT_E_NOHIST,
		  stat_print_hist(buf, sizeof(buf), &d, &agg.d));
}

static void test_globals(void)
{
	char buf[256];
	struct fmt_value k[2], v;
	struct stat_desc d;
	STAT_DECL(agg, 0);
	int n;

	/* spec 6.7 example */
	k[0] = S("two");
	k[1] = L(2);
	v = L(4);
	n = fmt_global_line(buf, sizeof(buf), "a", k, 2, &v, 0);
	CHECK_STR("a[\"two\",2]", "a[\"two\",2]=4\n", buf, (size_t)n);
	stat_desc_init(&d, 0, 0);
	hist_of(&d, (const int64_t[]){ 1, 2 }, 2, &agg.d);
	n = stat_global_line(buf, sizeof(buf), "s", NULL, 0, &agg.d);
	CHECK_STR("stats scalar", "s @count=2 @min=1 @max=2 @sum=3 @avg=1\n",
		  buf, (size_t)n);
	v = S("hi");
	n = fmt_global_line(buf, sizeof(buf), "str", NULL, 0, &v, 0);
	CHECK_STR("string scalar", "str=\"hi\"\n", buf, (size_t)n);

	v = L(42);
	n = fmt_global_line(buf, sizeof(buf), "count", NULL, 0, &v, 0);
	CHECK_STR("long scalar", "count=42\n", buf, (size_t)n);
	v = L(-7);
	n = fmt_global_line(buf, sizeof(buf), "neg", NULL, 0, &v, 0);
	CHECK_STR("negative scalar", "neg=-7\n", buf, (size_t)n);
	v = L(0x10);
	n = fmt_global_line(buf, sizeof(buf), "ptr", NULL, 0, &v, 1);
	CHECK_STR("pointer scalar", "ptr=0x10\n", buf, (size_t)n);
	k[0] = L(-1);
	v = S("x y");
	n = fmt_global_line(buf, sizeof(buf), "m", k, 1, &v, 0);
	CHECK_STR("string array", "m[-1]=\"x y\"\n", buf, (size_t)n);

	stat_agg_begin(&d, &agg.d);
	stat_agg_end(&d, &agg.d);
	n = stat_global_line(buf, sizeof(buf), "s", NULL, 0, &agg.d);
	CHECK_STR("empty stats", "s @count=0x0\n", buf, (size_t)n);
	hist_of(&d, (const int64_t[]){ -5, 10, 1 }, 3, &agg.d);
	k[0] = S("k");
	k[1] = L(3);
	n = stat_global_line(buf, sizeof(buf), "t", k, 2, &agg.d);
	CHECK_STR("stats array",
		  "t[\"k\",3] @count=3 @min=-5 @max=10 @sum=6 @avg=2\n", buf,
		  (size_t)n);
	n = stat_global_line(buf, 8, "t", k, 2, &agg.d);
	CHECK_INT("truncated global length", 48, n);
	CHECK_STR("truncated global", "t[\"k\",3", buf, strlen(buf));
}

int main(void)
{
	test_integers();
	test_strings_chars();
	test_binary();
	test_memory();
	test_truncation();
	test_parse();
	test_stats();
	test_histograms();
	test_globals();
	printf("test_format: %d checks, %d failed\n", n_checks, n_fail);
	return n_fail ? 1 : 0;
}
