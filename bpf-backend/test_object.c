// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_object.c - the BPF backend against the live kernel.
 *
 * Builds, with the emitter, an object of five programs, two subprograms
 * and one map of every supported kind; writes it with object.c; has
 * libbpf open, load and attach it; makes the probed events happen a
 * known number of times; and checks what the programs recorded:
 *
 *   snd_t_count    tracepoint sys_enter_getppid: counts[0] += 1 (atomic
 *                  add) and per_tgid[tgid] += 1 (hash insert or add)
 *   snd_t_ringbuf  the same tracepoint, our process only: a record with
 *                  a sequence number from an atomic fetch-add and a sum
 *                  computed by a bounded loop, sent with ringbuf_output
 *   snd_t_uprobe   uprobe on snd_t_target() here: counts[2] += 1 and the
 *                  user stack id via get_stackid into a stack_trace map
 *   snd_t_rawtp    raw_tracepoint sys_enter, our process: a per-CPU count
 *   snd_t_perf     perf_event on a cpu-clock sampling event: counts[3] += 1
 *
 * The subprograms (.text) snd_t_tgid and snd_t_is_me are reached by
 * BPF-to-BPF calls, one of them from the other.  The object is also
 * written with extra raw sections (.sonde.meta and others), which must
 * come out byte for byte and not disturb libbpf.  Afterwards no program,
 * map or link of ours may remain.  The parts that need no kernel (libbpf
 * parsing the object) run first, even unprivileged; without root or BPF
 * the rest is skipped with exit status 77.  SONDE_TEST_VERBOSE=1 prints
 * the -p3 listing of every program and libbpf's debug log.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <gelf.h>
#include <libelf.h>

#include "bpf-backend/disasm.h"
#include "bpf-backend/emit.h"
#include "bpf-backend/object.h"

#define SKIP 77
#define PREFIX "snd_t_"
#define NCALLS 1000		/* getppid() calls */
#define NUPROBE 100		/* snd_t_target() calls */
#define MAGIC 0x50ade
#define STACK_DEPTH 127

static int failures;
static int verbose;
/*
 * Under valgrind the uprobe cannot fire: valgrind runs a translated copy
 * of the code, reads the uprobe's int3 from the original and dies of
 * SIGTRAP.  The uprobe is then attached and detached but not triggered.
 */
static int under_valgrind;

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

enum { M_COUNTS, M_PER_TGID, M_EVENTS, M_SYSCALLS, M_STACKS, M_PERF_OUT,
       M_SPARE, NMAPS };
enum { S_TGID, S_IS_ME, NSUBS };
enum { P_COUNT, P_RINGBUF, P_UPROBE, P_RAWTP, P_PERF, NPROGS };
/* Slots of the counts array */
enum { C_GETPPID, C_SEQ, C_UPROBE, C_PERF, C_STACKID, NCOUNTS };

static const struct objmap maps[NMAPS] = {
	[M_COUNTS] = { PREFIX "counts", BPF_MAP_TYPE_ARRAY, 4, 8, 8, 0 },
	[M_PER_TGID] = { PREFIX "per_tgid", BPF_MAP_TYPE_HASH, 4, 8, 4096, 0 },
	[M_EVENTS] = { PREFIX "events", BPF_MAP_TYPE_RINGBUF, 0, 0, 1 << 16, 0 },
	[M_SYSCALLS] = { PREFIX "syscalls", BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 1, 0 },
	[M_STACKS] = { PREFIX "stacks", BPF_MAP_TYPE_STACK_TRACE, 4,
		       8 * STACK_DEPTH, 64, 0 },
	[M_PERF_OUT] = { PREFIX "perf_out", BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4,
			 0, 0 },
	[M_SPARE] = { PREFIX "spare", BPF_MAP_TYPE_PERCPU_HASH, 8, 16, 32,
		      BPF_F_NO_PREALLOC },
};

static const char *const map_names[NMAPS] = {
	PREFIX "counts", PREFIX "per_tgid", PREFIX "events", PREFIX "syscalls",
	PREFIX "stacks", PREFIX "perf_out", PREFIX "spare",
};

static const char *const sub_names[NSUBS] = { PREFIX "tgid", PREFIX "is_me" };

static const struct {
	const char *name;
	const char *section;
	enum bpf_prog_type type;
} progs[NPROGS] = {
	[P_COUNT] = { PREFIX "count", "tracepoint/syscalls/sys_enter_getppid",
		      BPF_PROG_TYPE_TRACEPOINT },
	[P_RINGBUF] = { PREFIX "ringbuf",
			"tracepoint/syscalls/sys_enter_getppid",
			BPF_PROG_TYPE_TRACEPOINT },
	[P_UPROBE] = { PREFIX "uprobe", "uprobe", BPF_PROG_TYPE_KPROBE },
	[P_RAWTP] = { PREFIX "rawtp", "raw_tracepoint/sys_enter",
		      BPF_PROG_TYPE_RAW_TRACEPOINT },
	[P_PERF] = { PREFIX "perf", "perf_event", BPF_PROG_TYPE_PERF_EVENT },
};

/* What snd_t_ringbuf sends */
struct record {
	__u32 magic;
	__u32 tgid;
	__u64 seq;
	__u64 sum;
};

/* ---- code generation ------------------------------------------------ */

/* r0 = &map[key] or NULL, with the u32 key in a fresh stack slot */
static void gen_lookup(struct emitter *em, int map, int key)
{
	int mark = emit_stack_mark(em);
	int slot = emit_stack_alloc(em, 4);

	emit_store_imm(em, BPF_W, BPF_REG_10, slot, key);
	emit_ld_map(em, BPF_REG_1, map);
	emit_mov_reg(em, BPF_REG_2, BPF_REG_10);
	emit_alu_imm(em, BPF_ADD, BPF_REG_2, slot);
	emit_call_helper(em, BPF_FUNC_map_lookup_elem);
	emit_stack_release(em, mark);
}

/* counts[key] += 1, atomically; skipped if the lookup fails */
static void gen_count(struct emitter *em, int key)
{
	int out = label_new(em);

	gen_lookup(em, M_COUNTS, key);
	emit_jcond_imm(em, BPF_JEQ, BPF_REG_0, 0, out);
	emit_mov_imm(em, BPF_REG_1, 1);
	emit_atomic_add(em, BPF_DW, BPF_REG_0, 0, BPF_REG_1);
	label_bind(em, out);
}

static void gen_return0(struct emitter *em)
{
	emit_mov_imm(em, BPF_REG_0, 0);
	emit_exit(em);
}

/* snd_t_tgid: r0 = current tgid */
static void gen_sub_tgid(struct emitter *em)
{
	emit_call_helper(em, BPF_FUNC_get_current_pid_tgid);
	emit_alu_imm(em, BPF_RSH, BPF_REG_0, 32);
	emit_exit(em);
}

/* snd_t_is_me: r0 = (snd_t_tgid() == our tgid) */
static void gen_sub_is_me(struct emitter *em)
{
	int yes = label_new(em);

	emit_call_subprog(em, S_TGID);
	emit_jcond_imm(em, BPF_JEQ, BPF_REG_0, getpid(), yes);
	gen_return0(em);
	label_bind(em, yes);
	emit_mov_imm(em, BPF_REG_0, 1);
	emit_exit(em);
}

/* per_tgid[tgid] += 1: insert 1 when absent, else add atomically */
static void gen_count_tgid(struct emitter *em)
{
	int have = label_new(em), out = label_new(em);
	int mark = emit_stack_mark(em);
	int key = emit_stack_alloc(em, 4), val = emit_stack_alloc(em, 8);

	emit_call_subprog(em, S_TGID);
	emit_store(em, BPF_W, BPF_REG_10, key, BPF_REG_0);
	emit_ld_map(em, BPF_REG_1, M_PER_TGID);
	emit_mov_reg(em, BPF_REG_2, BPF_REG_10);
	emit_alu_imm(em, BPF_ADD, BPF_REG_2, key);
	emit_call_helper(em, BPF_FUNC_map_lookup_elem);
	emit_jcond_imm(em, BPF_JNE, BPF_REG_0, 0, have);
	emit_store_imm(em, BPF_DW, BPF_REG_10, val, 1);
	emit_ld_map(em, BPF_REG_1, M_PER_TGID);
	emit_mov_reg(em, BPF_REG_2, BPF_REG_10);
	emit_alu_imm(em, BPF_ADD, BPF_REG_2, key);
	emit_mov_reg(em, BPF_REG_3, BPF_REG_10);
	emit_alu_imm(em, BPF_ADD, BPF_REG_3, val);
	emit_mov_imm(em, BPF_REG_4, BPF_NOEXIST);
	emit_call_helper(em, BPF_FUNC_map_update_elem);
	emit_jump(em, out);
	label_bind(em, have);
	emit_mov_imm(em, BPF_REG_1, 1);
	emit_atomic_add(em, BPF_DW, BPF_REG_0, 0, BPF_REG_1);
	label_bind(em, out);
	emit_stack_release(em, mark);
}

static void gen_prog_count(struct emitter *em)
{
	emit_set_note(em, "count.stp:2");
	gen_count(em, C_GETPPID);
	emit_set_note(em, "count.stp:3");
	gen_count_tgid(em);
	gen_return0(em);
}

/* r1 = 1 + 2 + ... + 10, by a loop the verifier must bound */
static void gen_sum_loop(struct emitter *em)
{
	int loop = label_new(em);

	emit_mov_imm(em, BPF_REG_1, 0);
	emit_mov_imm(em, BPF_REG_2, 1);
	label_bind(em, loop);
	emit_alu_reg(em, BPF_ADD, BPF_REG_1, BPF_REG_2);
	emit_alu_imm(em, BPF_ADD, BPF_REG_2, 1);
	emit_jcond_imm(em, BPF_JLE, BPF_REG_2, 10, loop);
}

/* Fill the record at rec (r10-relative); ends at out if a lookup fails */
static void gen_record(struct emitter *em, int rec, int out)
{
	emit_store_imm(em, BPF_W, BPF_REG_10, rec, MAGIC);
	emit_call_subprog(em, S_TGID);
	emit_store(em, BPF_W, BPF_REG_10, rec + 4, BPF_REG_0);
	gen_lookup(em, M_COUNTS, C_SEQ);
	emit_jcond_imm(em, BPF_JEQ, BPF_REG_0, 0, out);
	emit_mov_imm(em, BPF_REG_1, 1);
	emit_atomic_fetch_add(em, BPF_DW, BPF_REG_0, 0, BPF_REG_1);
	emit_store(em, BPF_DW, BPF_REG_10, rec + 8, BPF_REG_1);
	gen_sum_loop(em);
	emit_store(em, BPF_DW, BPF_REG_10, rec + 16, BPF_REG_1);
}

static void gen_prog_ringbuf(struct emitter *em)
{
	int out = label_new(em);
	int rec = emit_stack_alloc(em, sizeof(struct record));

	emit_set_note(em, "ringbuf.stp:1");
	emit_call_subprog(em, S_IS_ME);
	emit_jcond_imm(em, BPF_JEQ, BPF_REG_0, 0, out);
	emit_set_note(em, "ringbuf.stp:2");
	gen_record(em, rec, out);
	emit_set_note(em, "ringbuf.stp:3");
	emit_ld_map(em, BPF_REG_1, M_EVENTS);
	emit_mov_reg(em, BPF_REG_2, BPF_REG_10);
	emit_alu_imm(em, BPF_ADD, BPF_REG_2, rec);
	emit_mov_imm(em, BPF_REG_3, sizeof(struct record));
	emit_mov_imm(em, BPF_REG_4, 0);
	emit_call_helper(em, BPF_FUNC_ringbuf_output);
	label_bind(em, out);
	gen_return0(em);
	emit_stack_release(em, 0);
}

/* counts[C_UPROBE] += 1; counts[C_STACKID] = get_stackid(user stack) */
static void gen_prog_uprobe(struct emitter *em)
{
	int out = label_new(em);

	emit_mov_reg(em, BPF_REG_6, BPF_REG_1);
	gen_count(em, C_UPROBE);
	emit_mov_reg(em, BPF_REG_1, BPF_REG_6);
	emit_ld_map(em, BPF_REG_2, M_STACKS);
	emit_mov_imm(em, BPF_REG_3, BPF_F_USER_STACK);
	emit_call_helper(em, BPF_FUNC_get_stackid);
	emit_mov_reg(em, BPF_REG_7, BPF_REG_0);
	emit_jcond_imm(em, BPF_JSLT, BPF_REG_7, 0, out);
	gen_lookup(em, M_COUNTS, C_STACKID);
	emit_jcond_imm(em, BPF_JEQ, BPF_REG_0, 0, out);
	emit_store(em, BPF_DW, BPF_REG_0, 0, BPF_REG_7);
	label_bind(em, out);
	gen_return0(em);
}

/* syscalls[0] += 1 on this CPU, for our process: a plain load-add-store */
static void gen_prog_rawtp(struct emitter *em)
{
	int out = label_new(em);

	emit_call_subprog(em, S_IS_ME);
	emit_jcond32_imm(em, BPF_JEQ, BPF_REG_0, 0, out);
	gen_lookup(em, M_SYSCALLS, 0);
	emit_jcond_imm(em, BPF_JEQ, BPF_REG_0, 0, out);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_0, 0);
	emit_alu_imm(em, BPF_ADD, BPF_REG_1, 1);
	emit_store(em, BPF_DW, BPF_REG_0, 0, BPF_REG_1);
	label_bind(em, out);
	gen_return0(em);
}

static void gen_prog_perf(struct emitter *em)
{
	gen_count(em, C_PERF);
	gen_return0(em);
}

/* Every program and subprogram, each in its own emitter */
struct generated {
	struct emitter subs[NSUBS];
	struct emitter progs[NPROGS];
	struct objprog osubs[NSUBS];
	struct objprog oprogs[NPROGS];
};

static void (*const sub_gen[NSUBS])(struct emitter *) = {
	[S_TGID] = gen_sub_tgid, [S_IS_ME] = gen_sub_is_me,
};

static void (*const prog_gen[NPROGS])(struct emitter *) = {
	[P_COUNT] = gen_prog_count, [P_RINGBUF] = gen_prog_ringbuf,
	[P_UPROBE] = gen_prog_uprobe, [P_RAWTP] = gen_prog_rawtp,
	[P_PERF] = gen_prog_perf,
};

/* -p3 style listing, for SONDE_TEST_VERBOSE */
static void print_listing(const char *name, const struct emitter *em)
{
	struct disasm_ctx ctx;

	disasm_ctx_from_emitter(&ctx, em);
	ctx.maps = map_names;
	ctx.nmaps = NMAPS;
	ctx.subprogs = sub_names;
	ctx.nsubprogs = NSUBS;
	printf("%s:\n", name);
	disasm_print(stdout, &ctx);
}

static struct objprog finish(struct emitter *em, void (*gen)(struct emitter *),
			     const char *name, const char *section)
{
	struct objprog p = { .name = name, .section = section };

	emit_init(em);
	gen(em);
	CHECK(emit_finish(em) == 0, "%s: %s", name, em->errmsg);
	if (verbose)
		print_listing(name, em);
	p.insns = em->insns;
	p.len = em->len;
	p.relocs = em->relocs;
	p.nrelocs = em->nrelocs;
	return p;
}

static void generate(struct generated *g, struct objbuilder *ob)
{
	int i;

	for (i = 0; i < NSUBS; i++)
		g->osubs[i] = finish(&g->subs[i], sub_gen[i], sub_names[i],
				     NULL);
	for (i = 0; i < NPROGS; i++)
		g->oprogs[i] = finish(&g->progs[i], prog_gen[i],
				      progs[i].name, progs[i].section);
	*ob = (struct objbuilder) {
		.license = "GPL",
		.progs = g->oprogs, .nprogs = NPROGS,
		.subprogs = g->osubs, .nsubprogs = NSUBS,
		.maps = maps, .nmaps = NMAPS,
	};
}

static void generated_release(struct generated *g)
{
	int i;

	for (i = 0; i < NSUBS; i++)
		emit_release(&g->subs[i]);
	for (i = 0; i < NPROGS; i++)
		emit_release(&g->progs[i]);
}

/* ---- checks without the kernel -------------------------------------- */

static int print_libbpf(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (level == LIBBPF_DEBUG && !verbose)
		return 0;
	fprintf(stderr, "libbpf: ");
	return vfprintf(stderr, fmt, ap);
}

/* libbpf sees every map with the attributes we gave it. */
static void check_open_maps(struct bpf_object *obj)
{
	const struct bpf_map *m;
	int i;

	for (i = 0; i < NMAPS; i++) {
		m = bpf_object__find_map_by_name(obj, maps[i].name);
		CHECK(m != NULL, "map %s missing", maps[i].name);
		if (!m)
			continue;
		CHECK(bpf_map__type(m) == maps[i].type, "%s type %d",
		      maps[i].name, bpf_map__type(m));
		CHECK(bpf_map__key_size(m) == maps[i].key_size, "%s key %u",
		      maps[i].name, bpf_map__key_size(m));
		CHECK(bpf_map__value_size(m) == maps[i].value_size,
		      "%s value %u", maps[i].name, bpf_map__value_size(m));
		CHECK(bpf_map__max_entries(m) == maps[i].max_entries,
		      "%s max_entries %u", maps[i].name,
		      bpf_map__max_entries(m));
		CHECK(bpf_map__map_flags(m) == maps[i].flags, "%s flags %u",
		      maps[i].name, bpf_map__map_flags(m));
	}
}

/* ... and every program with its section and type. */
static void check_open_progs(struct bpf_object *obj)
{
	const struct bpf_program *p;
	int i;

	for (i = 0; i < NPROGS; i++) {
		p = bpf_object__find_program_by_name(obj, progs[i].name);
		CHECK(p != NULL, "program %s missing", progs[i].name);
		if (!p)
			continue;
		CHECK(!strcmp(bpf_program__section_name(p), progs[i].section),
		      "%s in %s", progs[i].name, bpf_program__section_name(p));
		CHECK(bpf_program__type(p) == progs[i].type, "%s type %d",
		      progs[i].name, bpf_program__type(p));
	}
}

/* Write to memory and to a file: same bytes; libbpf parses them. */
static void check_offline(const struct objbuilder *ob, const char *path)
{
	void *mem = NULL, *file = NULL;
	size_t msize = 0, fsize = 0;
	struct bpf_object *obj;
	FILE *f;

	CHECK(objwrite_file(ob, path) == 0, "objwrite_file %s", path);
	CHECK(objwrite_mem(ob, &mem, &msize) == 0, "objwrite_mem");
	f = fopen(path, "rb");
	CHECK(f != NULL, "reopen %s", path);
	if (f) {
		file = malloc(msize + 1);
		fsize = fread(file, 1, msize + 1, f);
		fclose(f);
	}
	CHECK(mem && file && fsize == msize && !memcmp(mem, file, msize),
	      "file (%zu bytes) and memory (%zu bytes) objects differ",
	      fsize, msize);
	obj = bpf_object__open_mem(mem, msize, NULL);
	CHECK(obj != NULL, "bpf_object__open_mem: %s", strerror(errno));
	if (obj) {
		check_open_maps(obj);
		check_open_progs(obj);
	}
	bpf_object__close(obj);
	free(mem);
	free(file);
}

/* The data of section name in the ELF image buf, or NULL */
static Elf_Data *find_section(Elf *elf, const char *name, GElf_Shdr *sh)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	const char *n;

	if (elf_getshdrstrndx(elf, &shstrndx))
		return NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, sh))
			return NULL;
		n = elf_strptr(elf, shstrndx, sh->sh_name);
		if (n && !strcmp(n, name))
			return elf_getdata(scn, NULL);
	}
	return NULL;
}

/*
 * Extra raw sections land in the file with their bytes, as unallocated
 * PROGBITS, and libbpf still opens the object.
 */
static void check_extra_sections(const struct objbuilder *good)
{
	static const char meta[] = "sonde-meta 1\nlimits maxstringlen=64\n";
	static const unsigned char blob[] = { 0, 1, 2, 0xff };
	const struct objsection secs[] = {
		{ ".sonde.meta", meta, sizeof(meta) - 1 },
		{ ".sonde.blob", blob, sizeof(blob) },
		{ ".sonde.empty", NULL, 0 },
	};
	struct objbuilder ob = *good;
	struct bpf_object *obj;
	void *mem = NULL;
	size_t size = 0;
	GElf_Shdr sh;
	Elf_Data *d;
	Elf *elf;
	int i;

	ob.sections = secs;
	ob.nsections = 3;
	CHECK(objwrite_mem(&ob, &mem, &size) == 0, "objwrite_mem with sections");
	if (!mem)
		return;
	elf_version(EV_CURRENT);
	elf = elf_memory(mem, size);
	CHECK(elf != NULL, "elf_memory: %s", elf_errmsg(-1));
	for (i = 0; elf && i < 3; i++) {
		d = find_section(elf, secs[i].name, &sh);
		CHECK(d != NULL || !secs[i].size, "section %s missing",
		      secs[i].name);
		if (!d)
			continue;
		CHECK(sh.sh_type == SHT_PROGBITS && sh.sh_flags == 0,
		      "%s: type %u flags %lu", secs[i].name, sh.sh_type,
		      (unsigned long)sh.sh_flags);
		CHECK(d->d_size == secs[i].size &&
		      (!d->d_size || !memcmp(d->d_buf, secs[i].data, d->d_size)),
		      "%s: %zu bytes differ", secs[i].name, d->d_size);
	}
	if (elf)
		elf_end(elf);
	obj = bpf_object__open_mem(mem, size, NULL);
	CHECK(obj != NULL, "open with extra sections: %s", strerror(errno));
	if (obj)
		check_open_maps(obj);
	bpf_object__close(obj);
	free(mem);
}

/* Raw sections may not shadow the sections the writer makes. */
static void check_invalid_sections(const struct objbuilder *good)
{
	static const char *const bad[] = { ".text", ".maps", ".BTF",
					   ".rel.x", "meta", ".", NULL };
	struct objbuilder ob = *good;
	struct objsection s = { NULL, "x", 1 };
	void *buf = NULL;
	size_t size;
	int i;

	ob.sections = &s;
	ob.nsections = 1;
	for (i = 0; i < (int)(sizeof(bad) / sizeof(bad[0])); i++) {
		s.name = bad[i];
		buf = NULL;
		CHECK(objwrite_mem(&ob, &buf, &size) == -EINVAL,
		      "raw section '%s' accepted", bad[i] ? bad[i] : "(null)");
		free(buf);
	}
}

/* A malformed builder is refused before anything is written. */
static void check_invalid(const struct objbuilder *good)
{
	struct objbuilder ob = *good;
	struct objprog p = good->progs[0];
	struct insn_reloc r = { .insn = 0, .kind = INSN_RELOC_MAP,
				.target = NMAPS };
	void *buf = NULL;
	size_t size;

	p.relocs = &r;
	p.nrelocs = 1;
	ob.progs = &p;
	ob.nprogs = 1;
	CHECK(objwrite_mem(&ob, &buf, &size) == -EINVAL,
	      "reloc to map %d accepted", NMAPS);
	free(buf);
	check_invalid_sections(good);
}

/* ---- the live kernel ------------------------------------------------ */

/* The uprobe's target; noinline and used, so it exists to be probed. */
void snd_t_target(void);

__attribute__((noinline, used)) void snd_t_target(void)
{
	__asm__ __volatile__("" ::: "memory");
}

static void (*volatile target_fn)(void) = snd_t_target;

#define TP_ID "events/syscalls/sys_enter_getppid/id"

/* Why the live part cannot run here, or NULL. */
static const char *live_unavailable(void)
{
	if (geteuid() != 0)
		return "needs root";
	if (libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_TRACEPOINT, NULL) <= 0)
		return "kernel cannot load BPF tracepoint programs";
	if (libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL) <= 0)
		return "kernel has no BPF ring buffer";
	if (!access("/sys/kernel/tracing/" TP_ID, R_OK) ||
	    !access("/sys/kernel/debug/tracing/" TP_ID, R_OK))
		return NULL;
	/* libbpf finds the tracepoint's id in tracefs: mount it if absent */
	if (mount("none", "/sys/kernel/tracing", "tracefs", 0, NULL) ||
	    access("/sys/kernel/tracing/" TP_ID, R_OK))
		return "no tracefs with syscall tracepoints";
	printf("test_object: mounted tracefs on /sys/kernel/tracing\n");
	return NULL;
}

struct live {
	struct bpf_object *obj;
	struct bpf_link *links[NPROGS];
	__u32 prog_ids[NPROGS];
	__u32 map_ids[NMAPS];
	int perf_fd;
};

static __u32 fd_id(int fd)
{
	struct bpf_prog_info info;	/* id leads prog, map and link info */
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return 0;
	return info.id;
}

static struct bpf_program *prog(struct live *lv, int i)
{
	return bpf_object__find_program_by_name(lv->obj, progs[i].name);
}

static struct bpf_map *map(struct live *lv, int i)
{
	return bpf_object__find_map_by_name(lv->obj, maps[i].name);
}

static int load(struct live *lv, const char *path)
{
	int i, err;

	lv->obj = bpf_object__open_file(path, NULL);
	if (!lv->obj) {
		fprintf(stderr, "bpf_object__open_file %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	err = bpf_object__load(lv->obj);
	if (err) {
		fprintf(stderr, "bpf_object__load: %s\n", strerror(-err));
		return -1;
	}
	/* libbpf only warns when the kernel refuses the BTF; we want it */
	CHECK(btf__fd(bpf_object__btf(lv->obj)) >= 0,
	      "the kernel did not accept the object's BTF");
	for (i = 0; i < NPROGS; i++)
		lv->prog_ids[i] = fd_id(bpf_program__fd(prog(lv, i)));
	for (i = 0; i < NMAPS; i++)
		lv->map_ids[i] = fd_id(bpf_map__fd(map(lv, i)));
	return 0;
}

/* A cpu-clock event on this thread, sampling every millisecond */
static int open_cpu_clock(void)
{
	struct perf_event_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = PERF_COUNT_SW_CPU_CLOCK;
	attr.sample_period = 1000000;
	attr.disabled = 1;
	return syscall(SYS_perf_event_open, &attr, 0, -1, -1,
		       PERF_FLAG_FD_CLOEXEC);
}

static struct bpf_link *attach_uprobe(struct live *lv)
{
	LIBBPF_OPTS(bpf_uprobe_opts, opts, .func_name = "snd_t_target");
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n < 0)
		return NULL;
	exe[n] = '\0';
	return bpf_program__attach_uprobe_opts(prog(lv, P_UPROBE), 0, exe, 0,
					       &opts);
}

static int attach(struct live *lv)
{
	int i;

	lv->links[P_COUNT] = bpf_program__attach(prog(lv, P_COUNT));
	lv->links[P_RINGBUF] = bpf_program__attach(prog(lv, P_RINGBUF));
	lv->links[P_RAWTP] = bpf_program__attach(prog(lv, P_RAWTP));
	lv->links[P_UPROBE] = attach_uprobe(lv);
	lv->perf_fd = open_cpu_clock();
	if (lv->perf_fd >= 0)
		lv->links[P_PERF] = bpf_program__attach_perf_event(
			prog(lv, P_PERF), lv->perf_fd);
	for (i = 0; i < NPROGS; i++)
		if (!lv->links[i]) {
			fprintf(stderr, "cannot attach %s: %s\n",
				progs[i].name, strerror(errno));
			return -1;
		}
	lv->perf_fd = -1;	/* the link owns it now */
	return 0;
}

/* Burn about 100 ms of this thread's CPU time for the cpu-clock event */
static void spin(void)
{
	struct timespec t0, t;
	volatile unsigned long n = 0;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
	do {
		for (int i = 0; i < 100000; i++)
			n++;
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000000000L +
		 (t.tv_nsec - t0.tv_nsec) < 100000000L);
}

static void trigger(void)
{
	int i;

	for (i = 0; i < NCALLS; i++)
		syscall(SYS_getppid);
	for (i = 0; i < NUPROBE && !under_valgrind; i++)
		target_fn();
	spin();
}

static __u64 count_at(struct live *lv, __u32 key)
{
	__u64 v = 0;

	if (bpf_map__lookup_elem(map(lv, M_COUNTS), &key, sizeof(key), &v,
				 sizeof(v), 0))
		CHECK(0, "lookup counts[%u]: %s", key, strerror(errno));
	return v;
}

static void check_counts(struct live *lv)
{
	__u32 tgid = getpid();
	__u64 mine = 0, all = count_at(lv, C_GETPPID);
	__u64 uprobes = count_at(lv, C_UPROBE), perf = count_at(lv, C_PERF);

	CHECK(!bpf_map__lookup_elem(map(lv, M_PER_TGID), &tgid, sizeof(tgid),
				    &mine, sizeof(mine), 0),
	      "per_tgid[%u] missing", tgid);
	printf("getppid: %llu by us (hash), %llu in all (array)\n",
	       (unsigned long long)mine, (unsigned long long)all);
	CHECK(mine == NCALLS, "per_tgid[us] = %llu", (unsigned long long)mine);
	CHECK(all >= NCALLS && all < 100 * NCALLS, "counts[0] = %llu",
	      (unsigned long long)all);
	printf("uprobe: %llu hits; perf_event: %llu samples\n",
	       (unsigned long long)uprobes, (unsigned long long)perf);
	CHECK(uprobes == (under_valgrind ? 0 : NUPROBE), "uprobe count %llu",
	      (unsigned long long)uprobes);
	CHECK(perf >= 10 && perf < 10000, "perf samples %llu",
	      (unsigned long long)perf);
}

/* The per-CPU syscall counts of our process, summed over CPUs */
static void check_percpu(struct live *lv)
{
	int ncpu = libbpf_num_possible_cpus(), i;
	__u64 *v = calloc(ncpu > 0 ? ncpu : 1, sizeof(*v)), sum = 0;
	__u32 key = 0;

	CHECK(ncpu > 0 && v && !bpf_map__lookup_elem(map(lv, M_SYSCALLS),
		&key, sizeof(key), v, ncpu * sizeof(*v), 0),
	      "lookup syscalls: %s", strerror(errno));
	for (i = 0; v && i < ncpu; i++)
		sum += v[i];
	printf("raw_tracepoint: %llu syscalls over %d cpus\n",
	       (unsigned long long)sum, ncpu);
	CHECK(sum >= NCALLS && sum < 1000 * NCALLS, "syscalls %llu",
	      (unsigned long long)sum);
	free(v);
}

/* The user stack of the first uprobe hit starts in snd_t_target */
static void check_stack(struct live *lv)
{
	__u32 id = count_at(lv, C_STACKID);
	__u64 ips[STACK_DEPTH] = { 0 };
	__u64 want = (__u64)(unsigned long)snd_t_target;

	CHECK(!bpf_map__lookup_elem(map(lv, M_STACKS), &id, sizeof(id), ips,
				    sizeof(ips), 0),
	      "stack %u: %s", id, strerror(errno));
	printf("user stack %u: ip[0] %#llx, snd_t_target %#llx\n", id,
	       (unsigned long long)ips[0], (unsigned long long)want);
	CHECK(ips[0] == want, "ip[0] %#llx", (unsigned long long)ips[0]);
}

struct ring_state {
	char seen[NCALLS];
	int records;
	int bad;
};

static int on_record(void *ctx, void *data, size_t size)
{
	struct ring_state *st = ctx;
	const struct record *r = data;

	st->records++;
	if (size != sizeof(*r) || r->magic != MAGIC ||
	    r->tgid != (__u32)getpid() || r->sum != 55 || r->seq >= NCALLS ||
	    st->seen[r->seq]++) {
		if (!st->bad++)
			fprintf(stderr, "bad record: size %zu magic %#x tgid %u "
				"seq %llu sum %llu\n", size, r->magic, r->tgid,
				(unsigned long long)r->seq,
				(unsigned long long)r->sum);
	}
	return 0;
}

static void check_ringbuf(struct live *lv)
{
	struct ring_state st = { .records = 0 };
	struct ring_buffer *rb;
	int n;

	rb = ring_buffer__new(bpf_map__fd(map(lv, M_EVENTS)), on_record, &st,
			      NULL);
	CHECK(rb != NULL, "ring_buffer__new: %s", strerror(errno));
	if (!rb)
		return;
	do
		n = ring_buffer__poll(rb, 100);
	while (n > 0);
	CHECK(n == 0, "ring_buffer__poll: %s", strerror(-n));
	printf("ringbuf: %d records, %d bad\n", st.records, st.bad);
	CHECK(st.records == NCALLS && !st.bad, "%d records, %d bad",
	      st.records, st.bad);
	ring_buffer__free(rb);
}

/* The kernel created each map as described (perf_out sized by libbpf) */
static void check_map_info(struct live *lv)
{
	struct bpf_map_info info;
	__u32 len;
	int i;

	for (i = 0; i < NMAPS; i++) {
		memset(&info, 0, sizeof(info));
		len = sizeof(info);
		CHECK(!bpf_obj_get_info_by_fd(bpf_map__fd(map(lv, i)), &info,
					      &len), "info %s", maps[i].name);
		CHECK(info.type == maps[i].type &&
		      info.key_size == maps[i].key_size &&
		      info.value_size == maps[i].value_size &&
		      info.map_flags == maps[i].flags &&
		      (info.max_entries == maps[i].max_entries ||
		       (!maps[i].max_entries &&
			(int)info.max_entries == libbpf_num_possible_cpus())),
		      "%s: type %u key %u value %u max %u flags %u",
		      maps[i].name, info.type, info.key_size, info.value_size,
		      info.max_entries, info.map_flags);
	}
}

/* Run a command; does its output contain want? */
static int output_has(const char *cmd, const char *want)
{
	char line[512];
	int found = 0;
	FILE *p = popen(cmd, "r");

	if (!p)
		return 0;
	while (fgets(line, sizeof(line), p))
		if (strstr(line, want))
			found = 1;
	pclose(p);
	return found;
}

/* bpftool can dump what the kernel made of our code */
static void check_bpftool(struct live *lv)
{
	char cmd[128];

	if (system("bpftool version >/dev/null 2>&1")) {
		printf("bpftool: not installed, xlated dump not checked\n");
		return;
	}
	snprintf(cmd, sizeof(cmd), "bpftool prog dump xlated id %u 2>&1",
		 lv->prog_ids[P_RINGBUF]);
	CHECK(output_has(cmd, "bpf_ringbuf_output"), "%s", cmd);
	snprintf(cmd, sizeof(cmd), "bpftool prog show id %u 2>&1",
		 lv->prog_ids[P_COUNT]);
	CHECK(output_has(cmd, PREFIX "count"), "%s", cmd);
}

static void unload(struct live *lv)
{
	int i;

	for (i = 0; i < NPROGS; i++)
		bpf_link__destroy(lv->links[i]);
	if (lv->perf_fd >= 0)
		close(lv->perf_fd);
	bpf_object__close(lv->obj);
}

/* Is any program, map or link of ours still in the kernel? */
static int leftovers(const struct live *lv)
{
	struct bpf_link_info info;
	__u32 id = 0, len;
	int i, fd, n = 0;

	for (i = 0; i < NPROGS; i++) {
		fd = bpf_prog_get_fd_by_id(lv->prog_ids[i]);
		n += fd >= 0;
		if (fd >= 0)
			close(fd);
	}
	for (i = 0; i < NMAPS; i++) {
		fd = bpf_map_get_fd_by_id(lv->map_ids[i]);
		n += fd >= 0;
		if (fd >= 0)
			close(fd);
	}
	while (!bpf_link_get_next_id(id, &id)) {
		fd = bpf_link_get_fd_by_id(id);
		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		len = sizeof(info);
		if (!bpf_obj_get_info_by_fd(fd, &info, &len))
			for (i = 0; i < NPROGS; i++)
				n += info.prog_id == lv->prog_ids[i];
		close(fd);
	}
	return n;
}

/* Freeing is asynchronous in places: allow the kernel a second. */
static void check_unloaded(const struct live *lv)
{
	int i, n = 0;

	for (i = 0; i < 100 && (n = leftovers(lv)); i++)
		usleep(10000);
	CHECK(n == 0, "%d programs, maps or links left in the kernel", n);
	CHECK(!output_has("bpftool prog show 2>&1", PREFIX) &&
	      !output_has("bpftool map show 2>&1", PREFIX),
	      "bpftool still lists " PREFIX "*");
	if (!n)
		printf("unloaded: no program, map or link of ours remains\n");
}

static void run_live(const char *path)
{
	struct live lv = { .perf_fd = -1 };

	if (!load(&lv, path) && !attach(&lv)) {
		trigger();
		check_counts(&lv);
		check_percpu(&lv);
		if (!under_valgrind)
			check_stack(&lv);
		check_ringbuf(&lv);
		check_map_info(&lv);
		check_bpftool(&lv);
	} else {
		failures++;
	}
	unload(&lv);
	if (lv.prog_ids[0])
		check_unloaded(&lv);
}

int main(void)
{
	char path[] = "/tmp/sonde-test-object-XXXXXX";
	struct generated g;
	struct objbuilder ob;
	const char *why;
	int fd;

	verbose = getenv("SONDE_TEST_VERBOSE") != NULL;
	under_valgrind = getenv("LD_PRELOAD") &&
			 strstr(getenv("LD_PRELOAD"), "vgpreload");
	if (under_valgrind)
		printf("test_object: under valgrind, uprobe not triggered\n");
	libbpf_set_print(print_libbpf);
	fd = mkstemp(path);
	if (fd < 0) {
		perror("mkstemp");
		return 1;
	}
	close(fd);
	generate(&g, &ob);
	if (!failures) {
		check_offline(&ob, path);
		check_extra_sections(&ob);
		check_invalid(&ob);
	}
	why = failures ? NULL : live_unavailable();
	if (why)
		printf("test_object: skipping the live kernel part: %s\n", why);
	else if (!failures)
		run_live(path);
	unlink(path);
	generated_release(&g);
	if (failures) {
		fprintf(stderr, "test_object: %d check(s) failed\n", failures);
		return 1;
	}
	if (why)
		return SKIP;
	printf("test_object: all checks passed\n");
	return 0;
}
