/* test_btf - the BTF layer against the running kernel's vmlinux BTF.
 *
 * Checks tracepoint and function prototypes as stap -L would print them,
 * struct layouts against libbpf read directly and against bpftool's dump
 * (when bpftool is installed), type lookup by C name, enumerators, glob
 * listings against a plain scan, and how fast loading and lookups are.
 * Exits 77 when the kernel has no BTF. */
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/btf.h>

#include "translator/debuginfo/btf.h"
#include "translator/debuginfo/testutil.h"

static char *param_list(const struct dbtf_proto *p)
{
	static char buf[1024];
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < p->nparams && n < sizeof(buf); i++)
		n += snprintf(buf + n, sizeof(buf) - n, "%s$%s:%s", i ? " " : "",
			      p->params[i].name, p->params[i].type);
	return buf;
}

/* sched_switch gained preempt in 4.x and prev_state in 5.18; 6.x kernels
 * (this machine's 6.18 included) say the first. */
static void check_sched_switch(struct dbtf *b)
{
	static const char *const known[] = {
		"$preempt:bool $prev:struct task_struct* $next:struct task_struct* $prev_state:unsigned int",
		"$preempt:bool $prev:struct task_struct* $next:struct task_struct*",
	};
	struct dbtf_proto *p = dbtf_tracepoint_proto(b, "sched_switch");
	const char *got;

	CHECK(p != NULL);
	if (!p)
		return;
	got = param_list(p);
	printf("kernel.trace(\"sched:sched_switch\") %s\n", got);
	CHECK(strcmp(got, known[0]) == 0 || strcmp(got, known[1]) == 0);
	CHECK(!p->names_synthesized);
	CHECK_STR(p->ret_type, "void");
	dbtf_proto_free(p);
	CHECK(dbtf_tracepoint_proto(b, "no_such_tracepoint") == NULL && errno == ENOENT);
}

static void check_vfs_read(struct dbtf *b)
{
	struct dbtf_proto *p = dbtf_func_proto(b, "vfs_read");

	CHECK(p != NULL);
	if (!p)
		return;
	CHECK_STR(param_list(p),
		  "$file:struct file* $buf:char* $count:size_t $pos:loff_t*");
	CHECK_STR(p->ret_type, "ssize_t");
	CHECK(!p->variadic);
	dbtf_proto_free(p);
	CHECK(dbtf_func_proto(b, "no_such_function_xyz") == NULL && errno == ENOENT);
}

/* Offset of struct 'sname' member 'mname' the plain libbpf way: a linear
 * search by name and kind, then over the members. */
static long libbpf_member_bits(const struct btf *btf, const char *sname,
			       const char *mname)
{
	int id = btf__find_by_name_kind(btf, sname, BTF_KIND_STRUCT);
	const struct btf_type *t = id > 0 ? btf__type_by_id(btf, id) : NULL;

	for (int i = 0; t && i < btf_vlen(t); i++)
		if (strcmp(btf__name_by_offset(btf, btf_members(t)[i].name_off), mname) == 0)
			return btf_member_bit_offset(t, i);
	return -1;
}

/* The same from bpftool's raw dump: "\t'pid' type_id=68 bits_offset=10112". */
static long bpftool_member_bits(const char *dump, const char *sname,
				const char *mname, long *bitfield)
{
	char head[128], key[128];
	const char *s, *end, *m;

	snprintf(head, sizeof(head), "] STRUCT '%s' size=", sname);
	snprintf(key, sizeof(key), "\t'%s' type_id=", mname);
	if (!dump || !(s = strstr(dump, head)))
		return -1;
	end = strstr(s + 1, "\n[");
	m = strstr(s, key);
	if (!m || (end && m > end))
		return -1;
	m = strstr(m, "bits_offset=");
	*bitfield = 0;
	if (strstr(m, "bitfield_size=") && strstr(m, "bitfield_size=") < strchr(m, '\n'))
		*bitfield = atol(strstr(m, "bitfield_size=") + 14);
	return atol(m + 12);
}

static void check_member(struct dbtf *b, const char *dump, uint32_t task,
			 const char *name, const char *type)
{
	struct dbtf_member m;
	long bitfield = 0, want = libbpf_member_bits(dbtf_btf(b), "task_struct", name);
	char *t;

	CHECK_INT(dbtf_member(b, task, name, &m), 0);
	t = dbtf_type_name(b, m.type_id);
	CHECK_STR(t, type);
	CHECK_INT(m.offset * 8 + m.bit_offset, want);
	if (dump) {
		CHECK_INT(m.offset * 8 + m.bit_offset,
			  bpftool_member_bits(dump, "task_struct", name, &bitfield));
		CHECK_INT(m.bit_size, bitfield);
	}
	printf("task_struct.%s: %s at byte %u", name, t, m.offset);
	if (m.bit_size)
		printf(" bit %u width %u", m.bit_offset, m.bit_size);
	printf("\n");
	free(t);
}

static void check_task_struct(struct dbtf *b)
{
	char *dump = NULL;
	struct dbtf_typeinfo ti, el;
	struct dbtf_member m;
	uint32_t task, id;
	int depth;

	if (test_have("bpftool"))
		dump = test_run("bpftool btf dump file %s", DBTF_VMLINUX);
	else
		printf("note: bpftool not installed; offsets checked against libbpf only\n");
	CHECK_INT(dbtf_find_type(b, "struct task_struct", &task, NULL), 0);
	check_member(b, dump, task, "pid", "pid_t");
	check_member(b, dump, task, "comm", "char[]");
	check_member(b, dump, task, "sched_class", "struct sched_class const*");
	check_member(b, dump, task, "sched_reset_on_fork", "unsigned int");
	free(dump);

	CHECK_INT(dbtf_member(b, task, "pid", &m), 0);
	CHECK_INT(dbtf_type_info(b, m.type_id, &ti), 0);
	CHECK(ti.kind == DBTF_INT && ti.size == 4 && ti.is_signed);
	CHECK_INT(dbtf_member(b, task, "comm", &m), 0);
	CHECK_INT(dbtf_type_info(b, m.type_id, &ti), 0);
	CHECK(ti.kind == DBTF_ARRAY && ti.nelems == 16 && ti.size == 16);
	CHECK_INT(dbtf_type_info(b, ti.target, &el), 0);
	CHECK(el.kind == DBTF_INT && el.size == 1 && el.is_char);
	CHECK_INT(dbtf_member(b, task, "no_such_member", &m), -ENOENT);
	CHECK_INT(dbtf_member(b, m.type_id, "x", &m), -EINVAL);

	/* @cast names: bare, tagged, with pointer stars, typedefs, bases. */
	CHECK_INT(dbtf_find_type(b, "task_struct", &id, NULL), 0);
	CHECK_INT(id, task);
	CHECK_INT(dbtf_find_type(b, " struct task_struct ** ", &id, &depth), 0);
	CHECK(id == task && depth == 2);
	CHECK_INT(dbtf_find_type(b, "task_struct *", &id, NULL), -EINVAL);
	CHECK_INT(dbtf_find_type(b, "u32", &id, NULL), 0);
	CHECK(dbtf_type_info(b, id, &ti) == 0 && ti.kind == DBTF_INT && ti.size == 4 && !ti.is_signed);
	CHECK_INT(dbtf_find_type(b, "unsigned int", &id, NULL), 0);
	CHECK_INT(dbtf_find_type(b, "struct no_such_struct_xyz", &id, NULL), -ENOENT);
}

/* Anonymous unions and structs: struct page's mapping sits in an anonymous
 * struct inside an anonymous union after flags and the 16-byte lru list
 * head, at 24 on every 64-bit kernel since 4.x. */
static void check_anonymous(struct dbtf *b)
{
	struct dbtf_member m;
	uint32_t page, fops;
	char *t;

	CHECK_INT(dbtf_find_type(b, "struct page", &page, NULL), 0);
	CHECK_INT(dbtf_member(b, page, "mapping", &m), 0);
	if (btf__pointer_size(dbtf_btf(b)) == 8)
		CHECK_INT(m.offset, 24);
	t = dbtf_type_name(b, m.type_id);
	CHECK_STR(t, "struct address_space*");
	free(t);
	CHECK_INT(dbtf_find_type(b, "struct file_operations", &fops, NULL), 0);
	CHECK_INT(dbtf_member(b, fops, "read", &m), 0);
	t = dbtf_type_name(b, m.type_id);
	CHECK_STR(t, "ssize_t (*) (struct file*, char*, size_t, loff_t*)");
	free(t);
}

static int count_members(const struct dbtf_member *m, void *arg)
{
	(*(int *)arg)++;
	return 0;
}

static void check_members_walk(struct dbtf *b)
{
	uint32_t page;
	int seen = 0, n;

	CHECK_INT(dbtf_find_type(b, "struct page", &page, NULL), 0);
	n = dbtf_members(b, page, count_members, &seen);
	CHECK(n > 5 && n == seen);	/* flattened: more than the 5 direct */
}

static void check_enums(struct dbtf *b)
{
	int64_t v;
	uint32_t eid;

	CHECK_INT(dbtf_enum_value(b, "BPF_PROG_TYPE_KPROBE", &v, &eid), 0);
	CHECK_INT(v, 2);		/* UAPI: fixed forever */
	CHECK_INT(dbtf_enum_value(b, "TASK_COMM_LEN", &v, NULL), 0);
	CHECK_INT(v, 16);
	CHECK_INT(dbtf_enum_value(b, "NO_SUCH_ENUMERATOR_XYZ", &v, NULL), -ENOENT);
}

struct names {
	int n;
	bool read, write;
	const char *last;
	bool sorted;
};

static int collect(const char *name, uint32_t id, void *arg)
{
	struct names *s = arg;

	s->n++;
	s->read |= strcmp(name, "vfs_read") == 0;
	s->write |= strcmp(name, "vfs_write") == 0;
	if (s->last && strcmp(s->last, name) >= 0)
		s->sorted = false;
	s->last = name;
	return 0;
}

/* Distinct FUNC names matching 'pattern' by a scan of every type. */
static int scan_count(const struct btf *btf, const char *pattern)
{
	int n = btf__type_cnt(btf), count = 0;
	char **seen = calloc(n, sizeof(*seen));

	for (int id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *name = btf__name_by_offset(btf, t->name_off);
		bool dup = false;
		if (!btf_is_func(t) || fnmatch(pattern, name, 0) != 0)
			continue;
		for (int j = 0; j < count && !dup; j++)
			dup = strcmp(seen[j], name) == 0;
		if (!dup)
			seen[count++] = (char *)name;
	}
	free(seen);
	return count;
}

static void check_globs(struct dbtf *b)
{
	struct names s = { .sorted = true };
	int n = dbtf_func_glob(b, "vfs_*", collect, &s);

	CHECK(s.read && s.write && s.sorted);
	CHECK_INT(n, s.n);
	CHECK_INT(n, scan_count(dbtf_btf(b), "vfs_*"));
	printf("kernel.function(\"vfs_*\"): %d BTF functions\n", n);
	memset(&s, 0, sizeof(s));
	s.sorted = true;
	n = dbtf_tracepoint_glob(b, "sched_sw*", collect, &s);
	CHECK(n >= 1 && s.sorted);
}

struct tp_stats {
	struct dbtf *b;
	int total, synthesized, failed;
};

static int tp_stat(const char *name, uint32_t id, void *arg)
{
	struct tp_stats *st = arg;
	struct dbtf_proto *p = dbtf_tracepoint_proto(st->b, name);

	st->total++;
	if (!p)
		st->failed++;
	else if (p->names_synthesized)
		st->synthesized++;
	dbtf_proto_free(p);
	return 0;
}

/* Every btf_trace_* typedef must give a prototype; report how many had
 * to fall back to synthesized names. */
static void check_all_tracepoints(struct dbtf *b)
{
	struct tp_stats st = { b, 0, 0, 0 };
	double t0 = test_now_ms();

	dbtf_tracepoint_glob(b, "*", tp_stat, &st);
	printf("btf tracepoints: %d, names synthesized for %d, failed %d (%.1f ms)\n",
	       st.total, st.synthesized, st.failed, test_now_ms() - t0);
	CHECK(st.total > 100);
	CHECK_INT(st.failed, 0);
}

static void check_speed(void)
{
	double t0 = test_now_ms(), t1, t2;
	struct dbtf *b = dbtf_open(NULL);
	struct dbtf_member m;
	uint32_t task = 0;
	int64_t v;

	CHECK(b != NULL);
	if (!b)
		return;
	t1 = test_now_ms();
	dbtf_find_type(b, "task_struct", &task, NULL);	/* builds the indexes */
	dbtf_proto_free(dbtf_func_proto(b, "vfs_read"));
	dbtf_proto_free(dbtf_tracepoint_proto(b, "sched_switch"));
	dbtf_enum_value(b, "TASK_COMM_LEN", &v, NULL);
	t2 = test_now_ms();
	printf("load vmlinux BTF %.1f ms, build indexes %.1f ms\n", t1 - t0, t2 - t1);
	t0 = test_now_ms();
	for (int i = 0; i < 250; i++) {
		dbtf_proto_free(dbtf_tracepoint_proto(b, "sched_switch"));
		dbtf_proto_free(dbtf_func_proto(b, "vfs_read"));
		CHECK(dbtf_member(b, task, "comm", &m) == 0);
		CHECK(dbtf_find_type(b, "struct file", &task, NULL) == 0 &&
		      dbtf_find_type(b, "task_struct", &task, NULL) == 0);
	}
	t1 = test_now_ms();
	printf("1000 lookups (tracepoint, function, member, type): %.2f ms\n", t1 - t0);
	CHECK(t1 - t0 < 1000);
	dbtf_close(b);
}

int main(void)
{
	struct dbtf *b;

	if (access(DBTF_VMLINUX, R_OK) != 0)
		test_skip("no kernel BTF at %s (CONFIG_DEBUG_INFO_BTF)", DBTF_VMLINUX);
	b = dbtf_open(NULL);
	CHECK(b != NULL);
	if (!b)
		return test_finish("test_btf");
	check_sched_switch(b);
	check_vfs_read(b);
	check_task_struct(b);
	check_anonymous(b);
	check_members_walk(b);
	check_enums(b);
	check_globs(b);
	check_all_tracepoints(b);
	dbtf_close(b);
	check_speed();
	return test_finish("test_btf");
}
