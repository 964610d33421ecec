/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * object.h - write BPF programs and maps as an ELF object libbpf loads.
 *
 * The object follows what clang produces for libbpf, so
 * bpf_object__open_file()/bpf_object__load() take it unchanged:
 *
 *   <section>       one per program, named as libbpf expects
 *                   ("tracepoint/syscalls/sys_enter_getppid", "perf_event",
 *                   "uprobe", "raw_tracepoint/sys_enter", ...); the name
 *                   picks the program type and how bpf_program__attach()
 *                   attaches it
 *   .text           subprograms reached by BPF-to-BPF calls, if any
 *   license         the license string
 *   .maps           BTF-defined maps: one global per map whose BTF type is
 *                   a struct of __uint(type), __uint(max_entries),
 *                   __uint(key_size), __uint(value_size), __uint(map_flags)
 *   .BTF            the types of those maps
 *   .rel<section>   R_BPF_64_64 per map load, R_BPF_64_32 per subprogram
 *                   call, so libbpf patches in map fds and call offsets
 *   .symtab/.strtab FUNC per program, OBJECT per map
 *   <extra>...      raw sections the caller adds (SHT_PROGBITS, flags 0:
 *                   not loaded; libbpf skips them), e.g. ".sonde.meta"
 *
 * The builder is plain data the caller owns; nothing here keeps a pointer
 * into it after objwrite_*() returns.  Functions return 0 or a negative
 * errno: -EINVAL for a malformed builder, -EIO when libelf fails.
 */
#ifndef SONDE_BPF_OBJECT_H
#define SONDE_BPF_OBJECT_H

#include <stddef.h>
#include "bpf-backend/insn.h"

struct objmap {
	const char *name;		/* C identifier; the kernel keeps 15 chars */
	enum bpf_map_type type;
	__u32 key_size;			/* 0 where the type has no key (ringbuf) */
	__u32 value_size;
	__u32 max_entries;		/* 0 lets libbpf pick (perf_event_array) */
	__u32 flags;			/* BPF_F_* map flags */
};

/*
 * One program, or one subprogram.  Its relocations name maps and
 * subprograms by index into the builder's arrays; in insns, their
 * instructions may hold anything in imm (the emitter leaves the index
 * there), as the writer rewrites them as clang would.
 */
struct objprog {
	const char *name;		/* symbol; the kernel keeps 15 chars */
	const char *section;		/* libbpf section name; unused for subprogs */
	const struct bpf_insn *insns;
	int len;
	const struct insn_reloc *relocs;
	int nrelocs;
};

/*
 * A raw section written as given: SHT_PROGBITS, no flags, alignment 1.
 * Nothing in the object refers to it; a loader reads it by name.
 */
struct objsection {
	const char *name;		/* e.g. ".sonde.meta"; must start with '.' */
	const void *data;
	size_t size;
};

struct objbuilder {
	const char *license;		/* "GPL" for GPL-only helpers */
	const struct objprog *progs;
	int nprogs;
	const struct objprog *subprogs;	/* placed in .text */
	int nsubprogs;
	const struct objmap *maps;
	int nmaps;
	const struct objsection *sections;	/* extra raw sections, or NULL */
	int nsections;
};

int objwrite_fd(const struct objbuilder *ob, int fd);
int objwrite_file(const struct objbuilder *ob, const char *path);
/* The object in a malloc()ed buffer the caller frees. */
int objwrite_mem(const struct objbuilder *ob, void **buf, size_t *size);

#endif /* SONDE_BPF_OBJECT_H */
