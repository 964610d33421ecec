// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_staprun.c - staprun's BPF path on the live kernel.
 *
 * Each case builds a Sonde object by hand (test_gen.c), runs the staprun
 * binary on it as a subprocess, and compares its stdout, stderr and exit
 * status with what SystemTap prints; afterwards no program, map or link
 * named sonde_* may remain in the kernel.
 *
 *   hello        begin: printf + exit(); a later begin must not run; -o
 *   target       -x PID reaches target() through sonde_ctl
 *   globals      -c CMD calling getppid(): a tracepoint counts the target's
 *                calls; NAME=VALUE; unread globals printed at exit (long,
 *                string, array with ties, stats, string keys) between
 *                end probes
 *   uprobe       a uprobe at a file offset, pid=target, through -c
 *   timeout      -T 1 with a perf_event timer: stops in time, end runs
 *   sigint       SIGINT and SIGTERM: end probes run, exit status 0
 *   child_fails  -c command exiting 3: warning and exit status 1
 *   error        error in begin: message, error probe instead of end,
 *                summary, exit 1; with MAXERRORS=1 the run goes on; a
 *                run-time message and a call chain
 *   drops        a full ring buffer: the transport-failure warning
 *   verifier     a program the verifier refuses: log tail, probe name
 *   attach_fail  a tracepoint that does not exist: attach fails halfway
 *
 * Needs root and BPF (ring buffers, BPF_PROG_TEST_RUN of raw_tracepoint
 * programs); exits 77 when they are missing.  With "--getppid N",
 * "--uprobe N" or "--exit N" the binary is the -c command instead.
 * SONDE_STAPRUN names another staprun binary; SONDE_TEST_KEEP=1 keeps
 * the objects in /tmp/sonde-staprun-XXXXXX for running by hand.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <linux/perf_event.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "staprun/bpf_abi.h"
#include "staprun/test_gen.h"

#define SKIP 77
#define PREFIX "sonde_"
#define TP_ID "events/syscalls/sys_enter_getppid/id"

static int failures;
static char self[4096];		/* this binary */
static char staprun[4096];	/* the binary under test */
static char tmpdir[] = "/tmp/sonde-staprun-XXXXXX";

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

/* ---- the -c command modes --------------------------------------------------- */

/* The uprobe's target: noinline and used, so it exists to be probed */
void sonde_t_target(void);

__attribute__((noinline, used)) void sonde_t_target(void)
{
	__asm__ __volatile__("" ::: "memory");
}

static void (*volatile target_fn)(void) = sonde_t_target;

static int helper_mode(int argc, char **argv)
{
	long n, i;

	if (argc != 3)
		return -1;
	n = atol(argv[2]);
	if (!strcmp(argv[1], "--getppid")) {
		for (i = 0; i < n; i++)
			syscall(SYS_getppid);
		return 0;
	}
	if (!strcmp(argv[1], "--uprobe")) {
		for (i = 0; i < n; i++)
			target_fn();
		return 0;
	}
	if (!strcmp(argv[1], "--exit"))
		return (int)n;
	return -1;
}

/* ---- running staprun --------------------------------------------------------- */

struct result {
	char out[65536];
	size_t outlen;
	char err[65536];
	size_t errlen;
	int status;		/* exit status, or 128 + signal */
	double secs;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int read_into(int fd, char *buf, size_t *len, size_t cap)
{
	ssize_t n = read(fd, buf + *len, cap - 1 - *len);

	if (n > 0) {
		*len += n;
		buf[*len] = '\0';
	}
	return n > 0;
}

static int count_ours(int (*next)(__u32, __u32 *), int (*get)(__u32),
		      int (*ours)(int), __u32 from);
static int prog_is_ours(int fd);
/* sonde_* programs alive when the trigger of run_ex() matched */
static int live_progs;

/*
 * Run staprun with args (NULL-terminated), capturing stdout and stderr.
 * Once stdout contains trigger (if not NULL), count the live sonde_*
 * programs (the leak check must see them) and send each of sigs once.
 */
static void run_ex(struct result *r, const char *const *args,
		   const char *trigger, const int *sigs, int nsigs)
{
	const char *argv[32] = { staprun };
	int out[2], err[2], n, st, sent = 0, open_fds = 2;
	struct pollfd pfd[2];
	double t0 = now();
	pid_t pid;

	memset(r, 0, sizeof(*r));
	for (n = 0; args[n] && n < 30; n++)
		argv[n + 1] = args[n];
	if (pipe(out) || pipe(err))
		abort();
	pid = fork();
	if (pid == 0) {
		dup2(out[1], 1);
		dup2(err[1], 2);
		close(out[0]);
		close(err[0]);
		execv(staprun, (char **)argv);
		_exit(127);
	}
	close(out[1]);
	close(err[1]);
	pfd[0] = (struct pollfd) { out[0], POLLIN, 0 };
	pfd[1] = (struct pollfd) { err[0], POLLIN, 0 };
	while (open_fds && now() - t0 < 30) {
		if (poll(pfd, 2, 1000) <= 0)
			continue;
		if (pfd[0].revents && !read_into(out[0], r->out, &r->outlen,
						 sizeof(r->out)))
			pfd[0].fd = -1, open_fds--;
		if (pfd[1].revents && !read_into(err[0], r->err, &r->errlen,
						 sizeof(r->err)))
			pfd[1].fd = -1, open_fds--;
		if (trigger && !sent && strstr(r->out, trigger)) {
			live_progs = count_ours(bpf_prog_get_next_id,
						bpf_prog_get_fd_by_id,
						prog_is_ours, 0);
			for (n = 0; n < nsigs; n++)
				kill(pid, sigs[n]);
			sent = 1;
		}
	}
	if (open_fds)
		kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	r->secs = now() - t0;
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	close(out[0]);
	close(err[0]);
}

static void run(struct result *r, const char *const *args)
{
	run_ex(r, args, NULL, NULL, 0);
}

#define ARGS(...) ((const char *const[]) { __VA_ARGS__, NULL })

static void expect(const struct result *r, const char *name, const char *out,
		   const char *err, int status)
{
	CHECK(!strcmp(r->out, out), "%s: stdout\n--- got:\n%s--- want:\n%s",
	      name, r->out, out);
	CHECK(!err || !strcmp(r->err, err),
	      "%s: stderr\n--- got:\n%s--- want:\n%s", name, r->err, err);
	CHECK(r->status == status, "%s: status %d, want %d (stderr: %s)",
	      name, r->status, status, r->err);
}

static const char *obj_path(const char *name)
{
	static char path[4200];

	snprintf(path, sizeof(path), "%s/%s.bpf.o", tmpdir, name);
	return path;
}

static int write_obj(struct tobj *t, const char *name)
{
	int err = tobj_write(t, obj_path(name));

	CHECK(err == 0, "%s: writing the object: %s", name, strerror(-err));
	tobj_release(t);
	return err;
}

/* ---- leaks --------------------------------------------------------------------- */

static int has_prefix(const char *name)
{
	return !strncmp(name, PREFIX, strlen(PREFIX));
}

static int prog_is_ours(int fd)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	return !bpf_obj_get_info_by_fd(fd, &info, &len) && has_prefix(info.name);
}

static int map_is_ours(int fd)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	return !bpf_obj_get_info_by_fd(fd, &info, &len) && has_prefix(info.name);
}

/* A link is ours if its program is */
static int link_is_ours(int fd)
{
	struct bpf_link_info info;
	__u32 len = sizeof(info);
	int pfd, ours;

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return 0;
	pfd = bpf_prog_get_fd_by_id(info.prog_id);
	if (pfd < 0)
		return 0;
	ours = prog_is_ours(pfd);
	close(pfd);
	return ours;
}

static int count_ours(int (*next)(__u32, __u32 *), int (*get)(__u32),
		      int (*ours)(int), __u32 from)
{
	__u32 id = from;
	int n = 0, fd;

	while (!next(id, &id)) {
		fd = get(id);
		if (fd < 0)
			continue;
		n += ours(fd);
		close(fd);
	}
	return n;
}

/* The highest program, map and link ids before a case: objects made
 * before it (another run's, a stale one's) are not its leaks. */
struct idmark {
	__u32 prog, map, link;
};

static __u32 last_id(int (*next)(__u32, __u32 *))
{
	__u32 id = 0;

	while (!next(id, &id))
		;
	return id;
}

static struct idmark mark_ids(void)
{
	return (struct idmark) { last_id(bpf_prog_get_next_id),
				 last_id(bpf_map_get_next_id),
				 last_id(bpf_link_get_next_id) };
}

/* Programs, maps and links named sonde_* made since m; the kernel frees
 * them shortly after the last fd closes, so wait up to two seconds. */
static void check_no_leaks(const char *name, struct idmark m)
{
	int progs = 0, maps = 0, links = 0, i;

	for (i = 0; i < 40; i++) {
		progs = count_ours(bpf_prog_get_next_id, bpf_prog_get_fd_by_id,
				   prog_is_ours, m.prog);
		maps = count_ours(bpf_map_get_next_id, bpf_map_get_fd_by_id,
				  map_is_ours, m.map);
		links = count_ours(bpf_link_get_next_id, bpf_link_get_fd_by_id,
				   link_is_ours, m.link);
		if (!progs && !maps && !links)
			return;
		usleep(50000);
	}
	CHECK(0, "%s: left %d programs, %d maps, %d links", name, progs, maps,
	      links);
}

/* ---- objects ------------------------------------------------------------------- */

static struct emitter *run_prog(struct tobj *t, const char *kind, int n)
{
	char name[32], sec[64];

	snprintf(name, sizeof(name), PREFIX "%s_%d", kind, n);
	snprintf(sec, sizeof(sec), "sonde/%s/%d", kind, n);
	return tobj_prog(t, name, sec);
}

/* A begin/end/error program: printf(fmt) with no arguments, return 0 */
static void print_prog(struct tobj *t, const char *kind, int n, uint32_t fmt)
{
	struct emitter *em = run_prog(t, kind, n);

	gen_printf(t, em, fmt, NULL, 0);
	gen_return0(em);
}

/* ---- cases ---------------------------------------------------------------------- */

static void test_hello(void)
{
	struct idmark mark = mark_ids();
	struct tobj t;
	struct emitter *em;
	struct result r;
	char out[4200], buf[256] = "";
	FILE *f;

	tobj_init(&t, 64, 0);
	tobj_meta(&t, "probe 0 \"begin\"");
	tobj_meta(&t, "format 0 \"hello %%s %%d\\n\"");
	tobj_meta(&t, "format 1 \"not reached\\n\"");
	tobj_meta(&t, "prog sonde_begin_0 probe=0");
	em = run_prog(&t, "begin", 0);
	gen_printf(&t, em, 0, (struct targ[]) { TSTR("world"), TLONG(42) }, 2);
	gen_exit(&t, em, 0);
	gen_return0(em);
	print_prog(&t, "begin", 1, 1);
	if (write_obj(&t, "hello"))
		return;
	run(&r, ARGS(obj_path("hello")));
	expect(&r, "hello", "hello world 42\n", "", 0);

	snprintf(out, sizeof(out), "%s/hello.out", tmpdir);
	run(&r, ARGS("-o", out, obj_path("hello")));
	expect(&r, "hello -o", "", "", 0);
	f = fopen(out, "r");
	if (f) {
		buf[fread(buf, 1, sizeof(buf) - 1, f)] = '\0';
		fclose(f);
	}
	CHECK(!strcmp(buf, "hello world 42\n"), "-o file holds '%s'", buf);
	check_no_leaks("hello", mark);
}

static void test_target(void)
{
	struct idmark mark = mark_ids();
	struct tobj t;
	struct emitter *em;
	struct result r;

	tobj_init(&t, 64, 0);
	tobj_meta(&t, "format 0 \"target=%%d\\n\"");
	em = run_prog(&t, "begin", 0);
	gen_printf(&t, em, 0, (struct targ[]) { TCTL(SONDE_CTL_TARGET) }, 1);
	gen_exit(&t, em, 0);
	gen_return0(em);
	if (write_obj(&t, "target"))
		return;
	run(&r, ARGS("-x", "12345", obj_path("target")));
	expect(&r, "target -x", "target=12345\n", "", 0);
	run(&r, ARGS(obj_path("target")));
	expect(&r, "target", "target=0\n", "", 0);
	check_no_leaks("target", mark);
}

/* Globals of every kind; the tracepoint counts the -c command's getppid() */
static void build_globals(struct tobj *t)
{
	struct emitter *em;
	int count, str, a, s, k, out;
	int64_t key, aval[2], sval[7] = { 2, 3, 1, 2, 0, 0, 0 }, kval = 7;
	char kkey[72] = "x";

	tobj_init(t, 64, 0);
	count = tobj_map(t, PREFIX "g_count", BPF_MAP_TYPE_ARRAY, 4, 8, 2);
	str = tobj_map(t, PREFIX "g_str", BPF_MAP_TYPE_ARRAY, 4, 64, 1);
	a = tobj_map(t, PREFIX "g_a", BPF_MAP_TYPE_HASH, 8, 16, 16);
	s = tobj_map(t, PREFIX "g_s", BPF_MAP_TYPE_PERCPU_ARRAY, 4, 56, 1);
	k = tobj_map(t, PREFIX "g_k", BPF_MAP_TYPE_HASH, 72, 8, 16);
	(void)str;
	tobj_meta(t, "probe 0 \"kernel.trace(\\\"syscalls:sys_enter_getppid\\\")\"");
	tobj_meta(t, "format 0 \"end0\\n\"");
	tobj_meta(t, "format 1 \"end1\\n\"");
	tobj_meta(t, "prog sonde_count probe=0");
	tobj_meta(t, "global count map=sonde_g_count type=long print");
	tobj_meta(t, "global n map=sonde_g_count slot=1 type=long print");
	tobj_meta(t, "global str map=sonde_g_str type=string print");
	tobj_meta(t, "global a map=sonde_g_a type=long keys=long seq=8 print");
	tobj_meta(t, "global s map=sonde_g_s type=stats print");
	tobj_meta(t, "global k map=sonde_g_k type=long keys=string,long print");
	tobj_meta(t, "global unprinted map=sonde_g_count slot=1 type=long");
	tobj_meta(t, "autoprint end=1");

	em = tobj_prog(t, PREFIX "count", "tracepoint/syscalls/sys_enter_getppid");
	out = label_new(em);
	gen_require_running(em, out);
	gen_require_target(em, out);
	gen_map_inc(em, count, 0);
	label_bind(em, out);
	gen_return0(em);

	em = run_prog(t, "begin", 0);
	/* a[3] = 5, a[2] = 7, a[1] = 5, inserted in that order */
	key = 3, aval[0] = 5, aval[1] = 0;
	gen_map_put(em, a, &key, 8, aval, 16);
	key = 2, aval[0] = 7, aval[1] = 1;
	gen_map_put(em, a, &key, 8, aval, 16);
	key = 1, aval[0] = 5, aval[1] = 2;
	gen_map_put(em, a, &key, 8, aval, 16);
	key = 0;
	gen_map_put(em, s, &key, 8, sval, 56);	/* u32 key 0, padded */
	key = 2;
	memcpy(kkey + 64, &key, 8);
	gen_map_put(em, k, kkey, 72, &kval, 8);
	gen_return0(em);
	print_prog(t, "end", 0, 0);
	print_prog(t, "end", 1, 1);
}

static void test_globals(void)
{
	struct idmark mark = mark_ids();
	struct tobj t;
	struct result r;
	char cmd[4200];

	build_globals(&t);
	if (write_obj(&t, "globals"))
		return;
	snprintf(cmd, sizeof(cmd), "%s --getppid 10", self);
	run(&r, ARGS("-c", cmd, obj_path("globals"), "str=hi", "n=5"));
	expect(&r, "globals",
	       "end0\n"
	       "count=10\n"
	       "n=5\n"
	       "str=\"hi\"\n"
	       "a[2]=7\n"
	       "a[3]=5\n"
	       "a[1]=5\n"
	       "s @count=2 @min=1 @max=2 @sum=3 @avg=1\n"
	       "k[\"x\",2]=7\n"
	       "end1\n", "", 0);
	run(&r, ARGS(obj_path("globals"), "nosuch=1"));
	expect(&r, "globals nosuch=1", "",
	       "ERROR: cannot set global 'nosuch': no such global in the "
	       "script\n", 1);
	run(&r, ARGS(obj_path("globals"), "n=x"));
	expect(&r, "globals n=x", "",
	       "ERROR: cannot set global 'n': 'x' is not a number\n", 1);
	check_no_leaks("globals", mark);
}

/* File offset of symbol name in the ELF file path, or 0 */
static uint64_t symbol_offset(const char *path, const char *name)
{
	uint64_t off = 0, addr = 0;
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	GElf_Sym sym;
	GElf_Phdr ph;
	Elf_Data *d;
	size_t i, n;
	Elf *elf;
	int fd;

	elf_version(EV_CURRENT);
	fd = open(path, O_RDONLY);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	while (elf && !addr && (scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB)
			continue;
		d = elf_getdata(scn, NULL);
		for (i = 0; d && i < sh.sh_size / sh.sh_entsize; i++)
			if (gelf_getsym(d, i, &sym) &&
			    !strcmp(elf_strptr(elf, sh.sh_link, sym.st_name),
				    name))
				addr = sym.st_value;
	}
	if (elf && addr && !elf_getphdrnum(elf, &n))
		for (i = 0; i < n; i++)
			if (gelf_getphdr(elf, i, &ph) && ph.p_type == PT_LOAD &&
			    addr >= ph.p_vaddr && addr < ph.p_vaddr + ph.p_memsz)
				off = addr - ph.p_vaddr + ph.p_offset;
	elf_end(elf);
	close(fd);
	return off;
}

static void test_uprobe(void)
{
	struct idmark mark = mark_ids();
	uint64_t off = symbol_offset(self, "sonde_t_target");
	struct tobj t;
	struct emitter *em;
	struct result r;
	char cmd[4200];
	int g, out;

	CHECK(off != 0, "no sonde_t_target in %s", self);
	if (!off)
		return;
	tobj_init(&t, 64, 0);
	g = tobj_map(&t, PREFIX "g_u", BPF_MAP_TYPE_ARRAY, 4, 8, 1);
	tobj_meta(&t, "probe 0 \"process(\\\"%s\\\").function(\\\"sonde_t_target\\\")\"",
		  self);
	tobj_meta(&t, "prog sonde_up probe=0 path=\"%s\" offset=%#llx pid=target",
		  self, (unsigned long long)off);
	tobj_meta(&t, "global u map=sonde_g_u type=long print");
	em = tobj_prog(&t, PREFIX "up", "uprobe");
	out = label_new(em);
	gen_require_running(em, out);
	gen_map_inc(em, g, 0);
	label_bind(em, out);
	gen_return0(em);
	if (write_obj(&t, "uprobe"))
		return;
	snprintf(cmd, sizeof(cmd), "%s --uprobe 7", self);
	run(&r, ARGS("-c", cmd, obj_path("uprobe")));
	expect(&r, "uprobe", "u=7\n", "", 0);
	run(&r, ARGS(obj_path("uprobe")));
	expect(&r, "uprobe without target", "", NULL, 1);
	CHECK(strstr(r.err, "bpf: cannot attach program 'sonde_up' for probe "
		      "process(") && strstr(r.err, "no target process"),
	      "uprobe without target: stderr %s", r.err);
	check_no_leaks("uprobe", mark);
}

/* -T 1 with a 100 ms timer on CPU 0 */
static void test_timeout(void)
{
	struct idmark mark = mark_ids();
	struct tobj t;
	struct emitter *em;
	struct result r;
	const char *p;
	int out, ticks = 0;

	tobj_init(&t, 64, 0);
	tobj_meta(&t, "probe 0 \"timer.ms(100)\"");
	tobj_meta(&t, "format 0 \"tick\\n\"");
	tobj_meta(&t, "format 1 \"end\\n\"");
	tobj_meta(&t, "prog sonde_tick probe=0 perf_type=%d perf_config=%d "
		  "period=100000000 cpu=0", PERF_TYPE_SOFTWARE,
		  PERF_COUNT_SW_CPU_CLOCK);
	em = tobj_prog(&t, PREFIX "tick", "perf_event");
	out = label_new(em);
	gen_require_running(em, out);
	gen_printf(&t, em, 0, NULL, 0);
	label_bind(em, out);
	gen_return0(em);
	print_prog(&t, "end", 0, 1);
	if (write_obj(&t, "timeout"))
		return;
	run(&r, ARGS("-T", "1", obj_path("timeout")));
	for (p = r.out; !strncmp(p, "tick\n", 5); p += 5)
		ticks++;
	CHECK(!strcmp(p, "end\n"), "timeout: stdout %s", r.out);
	CHECK(ticks >= 3 && ticks <= 12, "timeout: %d ticks", ticks);
	CHECK(r.secs >= 0.95 && r.secs < 1.5, "timeout: ran %.3f s", r.secs);
	expect(&r, "timeout", r.out, "", 0);
	check_no_leaks("timeout", mark);
}

/* begin prints "begin", end prints "end"; nothing ends it but us */
static int build_waiter(const char *name)
{
	struct tobj t;

	tobj_init(&t, 64, 0);
	tobj_meta(&t, "format 0 \"begin\\n\"");
	tobj_meta(&t, "format 1 \"end\\n\"");
	print_prog(&t, "begin", 0, 0);
	print_prog(&t, "end", 0, 1);
	return write_obj(&t, name);
}

static void test_signals(void)
{
	struct idmark mark = mark_ids();
	static const int sigint[] = { SIGINT }, sigterm[] = { SIGTERM };
	static const int three[] = { SIGINT, SIGINT, SIGINT };
	struct result r;
	char cmd[4200];

	if (build_waiter("waiter"))
		return;
	run_ex(&r, ARGS(obj_path("waiter")), "begin\n", sigint, 1);
	expect(&r, "SIGINT", "begin\nend\n", "", 0);
	CHECK(live_progs >= 2, "%d sonde_* programs seen while running",
	      live_progs);
	run_ex(&r, ARGS(obj_path("waiter")), "begin\n", sigterm, 1);
	expect(&r, "SIGTERM", "begin\nend\n", "", 0);
	run_ex(&r, ARGS(obj_path("waiter")), "begin\n", three, 3);
	CHECK(r.status == 0, "three SIGINTs: status %d", r.status);

	snprintf(cmd, sizeof(cmd), "%s --exit 3", self);
	run(&r, ARGS("-c", cmd, obj_path("waiter")));
	expect(&r, "child_fails", "begin\nend\n",
	       "WARNING: Child process exited with status 3\n", 1);
	snprintf(cmd, sizeof(cmd), "%s --exit 0", self);
	run(&r, ARGS("-c", cmd, obj_path("waiter")));
	expect(&r, "child exits 0", "begin\nend\n", "", 0);
	check_no_leaks("signals", mark);
}

static void test_error(void)
{
	struct idmark mark = mark_ids();
	static const uint32_t loc[] = { 1 }, chain[] = { 1, 2 };
	struct tobj t;
	struct emitter *em;
	struct result r;

	/* MAXERRORS=0: the first error ends the session */
	tobj_init(&t, 64, 0);
	tobj_meta(&t, "probe 0 \"begin\"");
	tobj_meta(&t, "string 0 \"division by 0\"");
	tobj_meta(&t, "string 1 \"operator '/' at t.stp:3:11\"");
	tobj_meta(&t, "format 0 \"not reached\\n\"");
	tobj_meta(&t, "format 1 \"error probe\\n\"");
	em = run_prog(&t, "begin", 0);
	gen_error(&t, em, 0, 0, NULL, loc, 1);
	gen_return0(em);
	print_prog(&t, "begin", 1, 0);
	print_prog(&t, "end", 0, 0);
	print_prog(&t, "error", 0, 1);
	if (write_obj(&t, "error"))
		return;
	run(&r, ARGS(obj_path("error")));
	expect(&r, "error", "error probe\n",
	       "ERROR: division by 0 near operator '/' at t.stp:3:11 in probe "
	       "begin\n"
	       "WARNING: Number of errors: 1, skipped probes: 0\n", 1);

	/* MAXERRORS=1: it goes on; a run-time message and a call chain */
	tobj_init(&t, 256, 1);
	tobj_meta(&t, "probe 0 \"begin(-1)\"");
	tobj_meta(&t, "string 1 \"identifier 'error' at t.stp:10:5\"");
	tobj_meta(&t, "string 2 \"identifier 'bad' at t.stp:17:5\"");
	tobj_meta(&t, "format 0 \"after\\n\"");
	tobj_meta(&t, "format 1 \"end\\n\"");
	em = run_prog(&t, "begin", 0);
	gen_error(&t, em, 0, SONDE_NO_ID, "context test fail", chain, 2);
	gen_return0(em);
	em = run_prog(&t, "begin", 1);
	gen_printf(&t, em, 0, NULL, 0);
	gen_exit(&t, em, 0);
	gen_return0(em);
	print_prog(&t, "end", 0, 1);
	if (write_obj(&t, "error1"))
		return;
	run(&r, ARGS(obj_path("error1")));
	expect(&r, "error MAXERRORS=1", "after\nend\n",
	       "ERROR: context test fail near identifier 'error' at "
	       "t.stp:10:5 (called from identifier 'bad' at t.stp:17:5) in "
	       "probe begin(-1)\n"
	       "WARNING: Number of errors: 1, skipped probes: 0\n", 1);
	check_no_leaks("error", mark);
}

/* 200 records of 72 bytes into a 4 KiB ring buffer, in one begin run */
static void test_drops(void)
{
	struct idmark mark = mark_ids();
	struct tobj t;
	struct emitter *em;
	struct result r;
	char want[256];
	const char *p;
	int loop, lines = 0;

	tobj_init(&t, 64, 0);
	t.maps[TOBJ_MAP_OUT].max_entries = 4096;
	tobj_meta(&t, "format 0 \"%%s\\n\"");
	em = run_prog(&t, "begin", 0);
	loop = label_new(em);
	emit_mov_imm(em, BPF_REG_8, 0);
	label_bind(em, loop);
	gen_printf(&t, em, 0, (struct targ[]) { TSTR("x") }, 1);
	emit_alu_imm(em, BPF_ADD, BPF_REG_8, 1);
	emit_jcond_imm(em, BPF_JLT, BPF_REG_8, 200, loop);
	gen_exit(&t, em, 0);
	gen_return0(em);
	if (write_obj(&t, "drops"))
		return;
	run(&r, ARGS(obj_path("drops")));
	for (p = r.out; !strncmp(p, "x\n", 2); p += 2)
		lines++;
	CHECK(!*p && lines > 10 && lines < 200, "drops: %d lines", lines);
	snprintf(want, sizeof(want), "WARNING: There were %d transport "
		 "failures. Try stap -s to increase the buffer size from 1.\n",
		 201 - lines);	/* the exit record is lost too */
	expect(&r, "drops", r.out, want, 0);
	run(&r, ARGS("-w", obj_path("drops")));
	expect(&r, "drops -w", r.out, "", 0);
	check_no_leaks("drops", mark);
}

/* The verifier's refusal names the program and its probe */
static void test_verifier(void)
{
	struct idmark mark = mark_ids();
	static const char verdict[] = "bpf: cannot load program 'sonde_begin_0' "
		"for probe begin: Permission denied\n";
	struct tobj t;
	struct emitter *em;
	struct result r;
	size_t n;

	tobj_init(&t, 64, 0);
	tobj_meta(&t, "probe 0 \"begin\"");
	tobj_meta(&t, "prog sonde_begin_0 probe=0");
	em = run_prog(&t, "begin", 0);
	emit_mov_reg(em, BPF_REG_0, BPF_REG_2);	/* r2 is not initialised */
	emit_exit(em);
	if (write_obj(&t, "verifier"))
		return;
	run(&r, ARGS(obj_path("verifier")));
	expect(&r, "verifier", "", NULL, 1);
	n = strlen(verdict);
	CHECK(strstr(r.err, "R2 !read_ok") && r.errlen >= n &&
	      !strcmp(r.err + r.errlen - n, verdict), "verifier: stderr %s",
	      r.err);
	check_no_leaks("verifier", mark);
}

/* The second tracepoint does not exist: the first is detached again */
static void test_attach_fail(void)
{
	struct idmark mark = mark_ids();
	static const char verdict[] = "bpf: cannot attach program 'sonde_tp_bad' "
		"for probe kernel.trace(\"sonde_nosuch:nosuch\"): No such file "
		"or directory\n";
	struct tobj t;
	struct emitter *em;
	struct result r;
	size_t n = strlen(verdict);

	tobj_init(&t, 64, 0);
	tobj_meta(&t, "probe 0 \"kernel.trace(\\\"sonde_nosuch:nosuch\\\")\"");
	tobj_meta(&t, "format 0 \"begin\\n\"");
	tobj_meta(&t, "prog sonde_tp_bad probe=0");
	print_prog(&t, "begin", 0, 0);
	em = tobj_prog(&t, PREFIX "tp_ok", "tracepoint/syscalls/sys_enter_getppid");
	gen_return0(em);
	em = tobj_prog(&t, PREFIX "tp_bad", "tracepoint/sonde_nosuch/nosuch");
	gen_return0(em);
	if (write_obj(&t, "attach_fail"))
		return;
	run(&r, ARGS(obj_path("attach_fail")));
	expect(&r, "attach_fail", "", NULL, 1);
	CHECK(r.errlen >= n && !strcmp(r.err + r.errlen - n, verdict),
	      "attach_fail: stderr %s", r.err);
	check_no_leaks("attach_fail", mark);
}

/* Usage and metadata errors, found before anything is loaded */
static void test_usage(void)
{
	struct idmark mark = mark_ids();
	struct tobj t;
	struct result r;
	char want[4400];
	FILE *f;

	run(&r, ARGS("-c", "true", "-x", "1", "x.bpf.o"));
	CHECK(r.status == 1 && !strcmp(r.err, "ERROR: You can't specify the "
				       "'-c' and '-x' options together.\n"),
	      "-c with -x: %d %s", r.status, r.err);
	run(&r, ARGS("-v"));
	CHECK(r.status == 1 && !strcmp(r.err, "ERROR: Need a module name or "
				       "path to load.\n"),
	      "no object: %d %s", r.status, r.err);
	run(&r, ARGS("/nonexistent/x.bpf.o"));
	expect(&r, "no object", "", "bpf: cannot read metadata of "
	       "'/nonexistent/x.bpf.o': No such file or directory\n", 1);
	f = fopen(obj_path("notelf"), "w");
	if (f) {
		fputs("not an object\n", f);
		fclose(f);
	}
	snprintf(want, sizeof(want), "bpf: cannot read metadata of '%s': not "
		 "an ELF object\n", obj_path("notelf"));
	run(&r, ARGS(obj_path("notelf")));
	expect(&r, "not ELF", "", want, 1);
	tobj_init(&t, 64, 0);
	tobj_meta(&t, "frobnicate 1");
	print_prog(&t, "begin", 0, 0);
	if (write_obj(&t, "badmeta"))
		return;
	run(&r, ARGS(obj_path("badmeta")));
	CHECK(r.status == 1 && strstr(r.err, "badmeta.bpf.o': line 3: "
				      "unknown directive 'frobnicate'\n"),
	      "bad metadata: %d %s", r.status, r.err);
	if (build_waiter("usage"))
		return;
	run(&r, ARGS("-o", "/nonexistent/out", obj_path("usage")));
	expect(&r, "-o failure", "", "Error opening /nonexistent/out for "
	       "output: No such file or directory\n", 1);
	check_no_leaks("usage", mark);
}

/* ---- main ------------------------------------------------------------------------ */

/* Why this kernel cannot run the tests, or NULL */
static const char *unavailable(void)
{
	if (geteuid() != 0)
		return "needs root";
	if (libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_TRACEPOINT, NULL) <= 0 ||
	    libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_RAW_TRACEPOINT, NULL) <= 0)
		return "kernel cannot load BPF tracepoint programs";
	if (libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL) <= 0)
		return "kernel has no BPF ring buffer";
	if (!access("/sys/kernel/tracing/" TP_ID, R_OK) ||
	    !access("/sys/kernel/debug/tracing/" TP_ID, R_OK))
		return NULL;
	if (mount("none", "/sys/kernel/tracing", "tracefs", 0, NULL) ||
	    access("/sys/kernel/tracing/" TP_ID, R_OK))
		return "no tracefs with syscall tracepoints";
	printf("test_staprun: mounted tracefs on /sys/kernel/tracing\n");
	return NULL;
}

static int quiet_libbpf(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	return 0;
}

static void remove_tmpdir(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd))
		fprintf(stderr, "cannot remove %s\n", tmpdir);
}

int main(int argc, char **argv)
{
	const char *why, *env = getenv("SONDE_STAPRUN");
	ssize_t n;
	int ret;

	ret = helper_mode(argc, argv);
	if (ret >= 0)
		return ret;
	libbpf_set_print(quiet_libbpf);
	why = unavailable();
	if (why) {
		printf("test_staprun: SKIP: %s\n", why);
		return SKIP;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return 1;
	self[n] = '\0';
	if (env)
		snprintf(staprun, sizeof(staprun), "%s", env);
	else
		snprintf(staprun, sizeof(staprun), "%.*s/staprun",
			 (int)(strrchr(self, '/') - self), self);
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	test_hello();
	test_target();
	test_globals();
	test_uprobe();
	test_timeout();
	test_signals();
	test_error();
	test_drops();
	test_verifier();
	test_attach_fail();
	test_usage();
	if (!getenv("SONDE_TEST_KEEP"))
		remove_tmpdir();
	printf("test_staprun: %s (%d failures)\n", failures ? "FAIL" : "PASS",
	       failures);
	return failures ? 1 : 0;
}
