/* test_tracefs - event listing and format parsing against the live
 * tracefs.
 *
 * Every parsed field of every event is turned back into its "field:"
 * line and must appear verbatim in the format file; the id must match the
 * id file; globs must agree with a plain scan of available_events.  With
 * kernel BTF present, it also reports which events have no btf_trace_*
 * prototype.  Exits 77 when tracefs is not mounted. */
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "translator/debuginfo/btf.h"
#include "translator/debuginfo/testutil.h"
#include "translator/debuginfo/tracefs.h"
#include "translator/debuginfo/util.h"

/* The "field:" line a parsed field came from. */
static void field_line(const struct tfs_field *f, char *buf, size_t size)
{
	char decl[512];

	if (f->is_data_loc || f->is_rel_loc)
		snprintf(decl, sizeof(decl), "%s %s %s",
			 f->is_data_loc ? "__data_loc" : "__rel_loc", f->type, f->name);
	else if (f->array_len >= 0) {	/* "char[16]" -> "char comm[16]" */
		const char *br = strrchr(f->type, '[');
		snprintf(decl, sizeof(decl), "%.*s %s%s", (int)(br - f->type),
			 f->type, f->name, br);
	} else
		snprintf(decl, sizeof(decl), "%s %s", f->type, f->name);
	snprintf(buf, size, "field:%s;\toffset:%d;\tsize:%d;\tsigned:%d;",
		 decl, f->offset, f->size, f->is_signed);
}

static int count_fields(const char *text)
{
	int n = 0;

	for (const char *p = text; (p = strstr(p, "field:")); p++)
		n++;
	return n;
}

/* Check one event's parse against its file; returns false on mismatch. */
static bool roundtrip(struct tfs *t, const char *sys, const char *ev)
{
	struct tfs_format *f = tfs_format(t, sys, ev);
	char path[PATH_MAX], line[1024], *text = NULL;
	bool ok = f != NULL;

	snprintf(path, sizeof(path), "%s/events/%s/%s/format", tfs_root(t), sys, ev);
	ok = ok && dbg_read_file(path, &text, NULL) == 0;
	for (int i = 0; ok && i < f->nfields + f->ncommon; i++) {
		const struct tfs_field *fl = i < f->nfields ? &f->fields[i]
							    : &f->common[i - f->nfields];
		field_line(fl, line, sizeof(line));
		ok = strstr(text, line) != NULL;
		if (!ok)
			fprintf(stderr, "%s:%s: no line \"%s\"\n", sys, ev, line);
	}
	ok = ok && count_fields(text) == f->nfields + f->ncommon &&
	     strcmp(f->name, ev) == 0 && f->id > 0;
	free(text);
	tfs_format_free(f);
	return ok;
}

struct all_state {
	struct tfs *t;
	int n, bad;
};

static int roundtrip_one(const char *sys, const char *ev, void *arg)
{
	struct all_state *s = arg;

	s->n++;
	if (!roundtrip(s->t, sys, ev)) {
		if (s->bad++ < 10)
			fprintf(stderr, "format of %s:%s does not round-trip\n", sys, ev);
	}
	return 0;
}

static void check_openat(struct tfs *t)
{
	static const char *const names[] = {
		"__syscall_nr", "dfd", "filename", "flags", "mode",
	};
	struct tfs_format *f;
	char path[PATH_MAX], *id = NULL;

	if (!tfs_exists(t, "syscalls", "sys_enter_openat")) {
		printf("note: no syscall events (CONFIG_FTRACE_SYSCALLS); openat check skipped\n");
		return;
	}
	f = tfs_format(t, "syscalls", "sys_enter_openat");
	CHECK(f != NULL);
	if (!f)
		return;
	CHECK_INT(f->nfields, 5);
	for (int i = 0; i < f->nfields && i < 5; i++) {
		CHECK_STR(f->fields[i].name, names[i]);
		printf("sys_enter_openat.%s: \"%s\" offset %d size %d signed %d\n",
		       f->fields[i].name, f->fields[i].type, f->fields[i].offset,
		       f->fields[i].size, f->fields[i].is_signed);
	}
	CHECK(roundtrip(t, "syscalls", "sys_enter_openat"));
	CHECK(f->ncommon >= 4 && strcmp(f->common[0].name, "common_type") == 0);
	CHECK(tfs_field(f, "common_pid") != NULL);
	snprintf(path, sizeof(path), "%s/events/syscalls/sys_enter_openat/id", tfs_root(t));
	CHECK(dbg_read_file(path, &id, NULL) == 0);
	CHECK_INT(f->id, id ? atoi(id) : -1);
	free(id);
	tfs_format_free(f);
}

static void check_special_fields(struct tfs *t)
{
	struct tfs_format *f = tfs_format(t, "sched", "sched_switch");
	const struct tfs_field *c;

	CHECK(f != NULL);
	if (!f)
		return;
	c = tfs_field(f, "prev_comm");
	CHECK(c && c->array_len == 16 && c->size == 16 && !c->is_data_loc);
	CHECK(c && strcmp(c->type, "char[16]") == 0);
	tfs_format_free(f);
	f = tfs_format(t, "sched", "sched_process_exec");
	CHECK(f != NULL);
	c = f ? tfs_field(f, "filename") : NULL;
	CHECK(c && c->is_data_loc && c->array_len == 0 && c->size == 4);
	CHECK(c && strcmp(c->type, "char[]") == 0);
	tfs_format_free(f);
}

struct glob_state {
	int n;
	bool switch_seen;
};

static int glob_cb(const char *sys, const char *ev, void *arg)
{
	struct glob_state *g = arg;

	g->n++;
	g->switch_seen |= strcmp(sys, "sched") == 0 && strcmp(ev, "sched_switch") == 0;
	return 0;
}

/* Lines of available_events matching 'pattern', counted directly. */
static int scan_count(struct tfs *t, const char *pattern)
{
	char path[PATH_MAX], *text, *line, *save;
	int n = 0;

	snprintf(path, sizeof(path), "%s/available_events", tfs_root(t));
	if (dbg_read_file(path, &text, NULL) != 0)
		return -1;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		n += fnmatch(pattern, line, 0) == 0;
	free(text);
	return n;
}

static void check_globs(struct tfs *t)
{
	struct glob_state g = { 0 };

	CHECK(tfs_glob(t, "sched:sched_sw*", glob_cb, &g) >= 1 && g.switch_seen);
	memset(&g, 0, sizeof(g));
	CHECK(tfs_glob(t, "sched_sw*", glob_cb, &g) >= 1 && g.switch_seen);
	CHECK_INT(tfs_glob(t, "syscalls:sys_enter_*", NULL, NULL),
		  scan_count(t, "syscalls:sys_enter_*"));
	CHECK_INT(tfs_glob(t, "*:*", NULL, NULL), scan_count(t, "*"));
	CHECK(tfs_exists(t, "sched", "sched_switch"));
	CHECK(!tfs_exists(t, "sched", "no_such_event"));
	CHECK(tfs_format(t, "..", "..") == NULL && errno == ENOENT);
}

struct cover {
	struct dbtf *b;
	int events, with_btf;
	char missing[8][96];
	int nmissing;
};

static int cover_one(const char *sys, const char *ev, void *arg)
{
	struct cover *c = arg;
	int n = dbtf_tracepoint_glob(c->b, ev, NULL, NULL);

	c->events++;
	if (n > 0) {
		c->with_btf++;
		return 0;
	}
	if (strcmp(sys, "syscalls") != 0 && c->nmissing < 8)
		snprintf(c->missing[c->nmissing++], sizeof(c->missing[0]), "%s:%s", sys, ev);
	return 0;
}

/* Which tracefs events have a btf_trace_* prototype (info only: syscall
 * events are not tracepoints, ftrace/kprobe events have none). */
static void report_btf_coverage(struct tfs *t)
{
	struct cover c = { .b = dbtf_open(NULL) };

	if (!c.b) {
		printf("note: no kernel BTF; coverage report skipped\n");
		return;
	}
	tfs_glob(t, "*:*", cover_one, &c);
	printf("tracefs events %d, with a btf_trace_ prototype %d, without %d "
	       "(syscalls:* %d); others without, e.g.:",
	       c.events, c.with_btf, c.events - c.with_btf,
	       scan_count(t, "syscalls:*"));
	for (int i = 0; i < c.nmissing; i++)
		printf(" %s", c.missing[i]);
	printf("\n");
	dbtf_close(c.b);
}

static void check_speed(void)
{
	double t0 = test_now_ms(), t1;
	struct tfs *t = tfs_open(NULL);
	struct all_state all;

	CHECK(t != NULL);
	if (!t)
		return;
	t1 = test_now_ms();
	printf("open + index available_events: %.2f ms\n", t1 - t0);
	t0 = test_now_ms();
	for (int i = 0; i < 500; i++) {
		CHECK(tfs_exists(t, "sched", "sched_switch"));
		CHECK(tfs_glob(t, "sched:sched_switch", NULL, NULL) == 1);
	}
	t1 = test_now_ms();
	printf("1000 lookups (exists, exact glob): %.2f ms\n", t1 - t0);
	CHECK(t1 - t0 < 1000);
	all = (struct all_state){ t, 0, 0 };
	t0 = test_now_ms();
	tfs_glob(t, "*:*", roundtrip_one, &all);
	printf("%d formats read, parsed and round-tripped in %.1f ms\n", all.n,
	       test_now_ms() - t0);
	CHECK_INT(all.bad, 0);
	tfs_close(t);
}

int main(void)
{
	struct tfs *t = tfs_open(NULL);

	if (!t)
		test_skip("no usable tracefs: %s%s", strerror(errno),
			  errno == ENOENT ? " (as root: mount -t tracefs none /sys/kernel/tracing)"
					  : " (needs root)");
	check_openat(t);
	check_special_fields(t);
	check_globs(t);
	report_btf_coverage(t);
	tfs_close(t);
	check_speed();
	return test_finish("test_tracefs");
}
