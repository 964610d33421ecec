// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_meta.c - staprun's metadata parser and record decoding, without a
 * kernel: meta_parse() on good and bad text (exact messages), then
 * transport_sample() on hand-made ring buffer samples (a histogram
 * too), checking the exact bytes written to the output stream and to
 * stderr.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "staprun/bpf_abi.h"
#include "staprun/log.h"
#include "staprun/meta.h"
#include "staprun/staprun.h"

static int failures;

#define CHECK(cond, ...)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: check failed: %s: ",	\
				__FILE__, __LINE__, #cond);		\
			fprintf(stderr, __VA_ARGS__);			\
			fputc('\n', stderr);				\
			failures++;					\
		}							\
	} while (0)

static const char good[] =
	"# a comment\n"
	"sonde-meta 1\n"
	"\n"
	"limits maxstringlen=16 maxerrors=2 maxskipped=7\n"
	"probe 0 \"begin\"\n"
	"probe 3 \"kernel.trace(\\\"sched:sched_switch\\\")\"\n"
	"format 0 \"%s|%d|%*d|%.3M\\n\"\n"
	"format 1 \"tab\\there \\x41\\\\\"\n"
	"string 0 \"division by 0\"\n"
	"string 1 \"operator '/' at t.stp:3:11\"\n"
	"string 2 \"identifier 'f' at t.stp:9:1\"\n"
	"prog sonde_u probe=3 path=\"/bin/with space\" offset=0x1234 pid=target\n"
	"prog sonde_t probe=0 perf_type=1 perf_config=0 period=1000 cpu=0\n"
	"prog sonde_tp\n"
	"global a map=m type=long keys=string,long seq=8 print hex\n"
	"global h map=p type=stats hist=linear:-10:10:5 variance=3\n"
	"global l map=p type=stats hist=log\n"
	"autoprint end=2\n";

static void test_good(void)
{
	const struct meta_global *g;
	const struct meta_prog *p;
	struct meta m;
	char err[256];
	int r;

	r = meta_parse(&m, good, sizeof(good) - 1, err, sizeof(err));
	CHECK(r == 0, "parse: %s", err);
	if (r)
		return;
	CHECK(m.maxstringlen == 16 && m.maxerrors == 2 && m.maxskipped == 7,
	      "limits %u %u %u", m.maxstringlen, m.maxerrors, m.maxskipped);
	CHECK(m.autoprint_end == 2, "autoprint %d", m.autoprint_end);
	CHECK(m.nprobes == 4 && !meta_probe(&m, 1) &&
	      !strcmp(meta_probe(&m, 3)->s,
		      "kernel.trace(\"sched:sched_switch\")"), "probes");
	CHECK(meta_format(&m, 1)->len == 11 &&
	      !memcmp(meta_format(&m, 1)->s, "tab\there A\\", 12), "escapes");
	p = meta_find_prog(&m, "sonde_u");
	CHECK(p && !strcmp(p->path, "/bin/with space") && p->offset == 0x1234
	      && p->pid == META_PID_TARGET && p->probe == 3 && !p->perf,
	      "uprobe prog");
	p = meta_find_prog(&m, "sonde_t");
	CHECK(p && p->perf && p->perf_type == 1 && p->period == 1000 &&
	      p->cpu == 0 && !p->path, "perf prog");
	p = meta_find_prog(&m, "sonde_tp");
	CHECK(p && p->probe == SONDE_NO_ID && p->cpu == -1, "plain prog");
	g = meta_find_global(&m, "a");
	CHECK(g && g->nkeys == 2 && g->keys[0] == META_STRING &&
	      g->keys[1] == META_LONG && g->seq == 8 && g->print && g->hex &&
	      g->type == META_LONG && !strcmp(g->map, "m"), "array global");
	g = meta_find_global(&m, "h");
	CHECK(g && g->hist == META_HIST_LINEAR && g->start == -10 &&
	      g->stop == 10 && g->interval == 5 && g->variance == 4 &&
	      !g->print && g->seq == -1, "stats global");
	meta_release(&m);
	meta_release(&m);	/* released twice is fine */
}

static void expect_error(const char *text, const char *msg)
{
	struct meta m;
	char err[256];
	int r = meta_parse(&m, text, strlen(text), err, sizeof(err));

	CHECK(r == -EINVAL && !strcmp(err, msg), "'%s': %d '%s', want '%s'",
	      text, r, err, msg);
}

static void test_bad(void)
{
	expect_error("", "line 1: empty metadata");
	expect_error("limits maxerrors=1\n",
		     "line 1: not Sonde metadata (no 'sonde-meta' line)");
	expect_error("sonde-meta 2\n",
		     "line 1: metadata version 2, staprun reads 1");
	expect_error("sonde-meta 1\nfrob 1\n", "line 2: unknown directive 'frob'");
	expect_error("sonde-meta 1\nformat 0 \"a\\q\"\n",
		     "line 2: bad quoted text");
	expect_error("sonde-meta 1\nformat 0 \"abc\n", "line 2: bad quoted text");
	expect_error("sonde-meta 1\nformat 0 \"a\"\nformat 0 \"b\"\n",
		     "line 3: format 0 given twice");
	expect_error("sonde-meta 1\nprobe 70000 \"x\"\n",
		     "line 2: bad number '70000'");
	expect_error("sonde-meta 1\nprobe x\n",
		     "line 2: expected 'probe ID \"TEXT\"'");
	expect_error("sonde-meta 1\nlimits maxstringlen=1\n",
		     "line 2: maxstringlen must be at least 2");
	expect_error("sonde-meta 1\nlimits speed=1\n",
		     "line 2: unknown limit 'speed'");
	expect_error("sonde-meta 1\nprog p perf_type=1\n",
		     "line 2: prog 'p': give one of period and freq");
	expect_error("sonde-meta 1\nprog p offset=4\n",
		     "line 2: prog 'p': offset, semaphore or pid without path");
	expect_error("sonde-meta 1\nprog p color=red\n",
		     "line 2: unknown prog field 'color'");
	expect_error("sonde-meta 1\nglobal g type=long\n",
		     "line 2: global 'g' needs map and type");
	expect_error("sonde-meta 1\nglobal g map=m type=long seq=8\n",
		     "line 2: global 'g': seq on a scalar");
	expect_error("sonde-meta 1\nglobal g map=m type=long hist=log\n",
		     "line 2: global 'g': hist or variance on a non-stats");
	expect_error("sonde-meta 1\nglobal g map=m type=long keys=stats\n",
		     "line 2: bad key type 'stats'");
	expect_error("sonde-meta 1\nglobal g map=m type=long keys=long,long,"
		     "long,long,long,long,long,long,long,long\n",
		     "line 2: more than 9 keys");
	expect_error("sonde-meta 1\nprobe 0\"x\"\n", "line 2: stray quote");
}

/* ---- records ---------------------------------------------------------------- */

static const char rec_meta[] =
	"sonde-meta 1\n"
	"limits maxstringlen=128\n"
	"probe 0 \"begin\"\n"
	"format 0 \"%s|%d|%*d|%.3M\\n\"\n"
	"format 1 \"%m\\n\"\n"
	"string 0 \"division by 0\"\n"
	"string 1 \"operator '/' at t.stp:3:11\"\n"
	"string 2 \"identifier 'f' at t.stp:9:1\"\n"
	"string 3 \"careful\"\n";

#define SLOT 128		/* the string slot of rec_meta */
#define LONG_TEXT "0123456789abcdefghijklmnopqrstuvwxyz"
/* runtime.md 5.4's first example */
#define HIST_TEXT \
	"value |-------------------------------------------------- count\n" \
	"    0 |@@                                                 2\n" \
	"    5 |@@                                                 2\n" \
	"   10 |@                                                  1\n" \
	"   15 |                                                   0\n" \
	"   20 |                                                   0\n" \
	"\n"

struct sample {
	char b[2048];
	size_t n;
};

static void put(struct sample *s, const void *p, size_t n)
{
	memcpy(s->b + s->n, p, n);
	s->n += n;
}

static void put32(struct sample *s, uint32_t v)
{
	put(s, &v, 4);
}

static void put64(struct sample *s, int64_t v)
{
	put(s, &v, 8);
}

static void put_slot(struct sample *s, const char *text)
{
	char slot[SLOT];
	size_t n = strlen(text) + 1;

	memset(slot, 'Z', sizeof(slot));	/* bytes past the NUL: ignored */
	memcpy(slot, text, n < SLOT ? n : SLOT);
	put(s, slot, sizeof(slot));
}

static char *slurp(const char *path)
{
	static char buf[4096];
	FILE *f = fopen(path, "r");
	size_t n = 0;

	if (f) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

static void test_records(void)
{
	char dir[] = "/tmp/sonde-test-meta-XXXXXX", out[64], err[64], want[512];
	struct session s;
	struct sample smp = { .n = 0 };
	int saved, fd;
	char e[256];

	memset(&s, 0, sizeof(s));
	if (!mkdtemp(dir) ||
	    meta_parse(&s.meta, rec_meta, sizeof(rec_meta) - 1, e, sizeof(e))) {
		CHECK(0, "setup: %s", e);
		return;
	}
	snprintf(out, sizeof(out), "%s/out", dir);
	snprintf(err, sizeof(err), "%s/err", dir);
	CHECK(output_open(&s.out, &s.meta, out) == 0, "output_open");

	/* printf: string, long, '*' width and its value, %.3M of a blob */
	put32(&smp, SONDE_REC_PRINTF), put32(&smp, 0);
	put_slot(&smp, "hi");
	put64(&smp, -42);
	put64(&smp, 5), put64(&smp, 7);
	put64(&smp, 3), put_slot(&smp, "\x01\xab\xff");
	/* raw print, 3 bytes padded to 8, then an exit record */
	put32(&smp, SONDE_REC_PRINT), put32(&smp, 3);
	put(&smp, "ab\n\0\0\0\0\0", 8);
	/* a histogram: 1, 3, 5, 5, 12 in @hist_linear(h, 0, 20, 5), println */
	put32(&smp, SONDE_REC_HIST), put32(&smp, 7);
	put32(&smp, 2), put32(&smp, 0), put32(&smp, 20), put32(&smp, 5);
	put32(&smp, 1), put32(&smp, 0);
	put64(&smp, 5), put64(&smp, 26), put64(&smp, 1), put64(&smp, 12);
	put64(&smp, 0), put64(&smp, 0), put64(&smp, 0);
	put64(&smp, 0), put64(&smp, 2), put64(&smp, 2), put64(&smp, 1);
	put64(&smp, 0), put64(&smp, 0), put64(&smp, 0);
	put32(&smp, SONDE_REC_EXIT), put32(&smp, 0);
	/* error: string message, two locations (padded), in probe 0 */
	put32(&smp, SONDE_REC_ERROR), put32(&smp, 0);
	put32(&smp, 0), put32(&smp, 2);
	put32(&smp, 1), put32(&smp, 2);
	/* error: run-time message, no location: cut to MAXSTRINGLEN-1 */
	put32(&smp, SONDE_REC_ERROR), put32(&smp, 0);
	put32(&smp, SONDE_NO_ID), put32(&smp, 0);
	put_slot(&smp, LONG_TEXT LONG_TEXT LONG_TEXT LONG_TEXT);
	/* the same warning twice: printed once */
	put32(&smp, SONDE_REC_WARN), put32(&smp, 0);
	put32(&smp, 3), put32(&smp, 0);
	put32(&smp, SONDE_REC_WARN), put32(&smp, 0);
	put32(&smp, SONDE_NO_ID), put32(&smp, 0);
	put_slot(&smp, "careful");
	/* %m needing more bytes than captured: a read fault */
	put32(&smp, SONDE_REC_PRINTF), put32(&smp, 1);
	put64(&smp, 0), put_slot(&smp, "");
	/* unknown kind: reported once, the rest of the sample dropped */
	put32(&smp, 99), put32(&smp, 0);
	put32(&smp, SONDE_REC_PRINT), put32(&smp, 3);
	put(&smp, "no\n\0\0\0\0\0", 8);

	fflush(stderr);
	saved = dup(2);
	fd = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(fd, 2);
	log_init(0, 0);
	transport_sample(&s, smp.b, smp.n);
	transport_sample(&s, smp.b, 8);		/* a lone bad record */
	fflush(stderr);
	dup2(saved, 2);
	close(fd);
	close(saved);
	output_close(&s.out);

	CHECK(!strcmp(slurp(out), "hi|-42|    7|01abff\nab\n" HIST_TEXT "\n"),
	      "output '%s'", slurp(out));
	snprintf(want, sizeof(want),
		 "ERROR: division by 0 near operator '/' at t.stp:3:11 "
		 "(called from identifier 'f' at t.stp:9:1) in probe begin\n"
		 "ERROR: %.127s\n"
		 "WARNING: careful\n"
		 "ERROR: read fault [man error::fault] at 0x0\n"
		 "bpf: bad output record (kind 99, id 0) in a sample of "
		 "%zu bytes\n", LONG_TEXT LONG_TEXT LONG_TEXT LONG_TEXT, smp.n);
	CHECK(!strcmp(slurp(err), want), "stderr '%s'", slurp(err));
	CHECK(s.exit_seen == 1, "exit record");
	CHECK(s.bad_records == 2 && s.user_errors == 3, "bad %d errors %d",
	      s.bad_records, s.user_errors);
	CHECK(log_errors() == 3, "ERROR lines %d", log_errors());
	log_release();
	meta_release(&s.meta);
	unlink(out);
	unlink(err);
	rmdir(dir);
}

int main(void)
{
	test_good();
	test_bad();
	test_records();
	printf("test_meta: %s (%d failures)\n", failures ? "FAIL" : "PASS",
	       failures);
	return failures ? 1 : 0;
}
