/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * codegen.h - the BPF code generator: an elaborated program (pass 2's
 * struct program) in, a Sonde BPF object out (staprun/bpf_abi.h).
 *
 *	struct cg_object obj;
 *	struct cg_limits lim;
 *
 *	cg_limits_default(&lim);
 *	if (codegen(prog, &lim, &obj, diags))      semantic errors recorded
 *		...;
 *	cg_object_print(stdout, &obj);              the -p3 listing
 *	cg_object_write(&obj, "stap_123.bpf.o");    pass 4
 *	cg_object_release(&obj);
 *
 * What the generator cannot lower yet is refused in pass 3 with
 * "<what> is not supported by the bpf runtime yet" at the construct:
 * nothing is ever silently lowered wrong.
 */
#ifndef SONDE_BPF_CODEGEN_H
#define SONDE_BPF_CODEGEN_H

#include <stdio.h>

#include "bpf-backend/object.h"
#include "translator/ast.h"
#include "translator/diag.h"

/* The run-time limits the code enforces (spec/runtime.md section 2). */
struct cg_limits {
	unsigned maxstringlen;	/* bytes of a string buffer, NUL included */
	unsigned maxaction;	/* statement budget per hit */
	unsigned maxmapentries;	/* default capacity of a global array */
	unsigned maxerrors;
	unsigned maxskipped;
	unsigned ncpus;		/* possible CPUs: bound of per-CPU loops */
};

/* One generated program, with what -p3 prints about it. */
struct cg_prog {
	char *name;		/* sonde_pN */
	char *section;		/* "sonde/begin/0", "tracepoint/sys/ev", ... */
	char *pp;		/* the probe point it implements */
	struct bpf_insn *insns;
	const char **notes;	/* per instruction: "file.stp:LINE", or NULL */
	int len;
	struct insn_reloc *relocs;
	int nrelocs;
	int *labels;		/* for the listing */
	int nlabels;
};

/* The finished object: plain data, owned by the struct. */
struct cg_object {
	struct cg_prog *progs;
	int nprogs;
	struct cg_prog *subprogs;	/* callbacks, in .text */
	int nsubprogs;
	struct objmap *maps;
	int nmaps;
	char *meta;		/* .sonde.meta text */
	size_t metalen;
	struct arena arena;	/* names, notes and the strings above */
};

void cg_limits_default(struct cg_limits *lim);

/* Lower prog; 0, or -1 with semantic errors recorded in d (and obj
 * left empty). */
int codegen(const struct program *prog, const struct cg_limits *lim,
	    struct cg_object *obj, struct diags *d);

/* The -p3 listing: maps, then each program disassembled with labels,
 * map names and script locations; the metadata last. */
void cg_object_print(FILE *out, const struct cg_object *obj);

/* Write the ELF object with its .sonde.meta section; 0 or -errno. */
int cg_object_write(const struct cg_object *obj, const char *path);

void cg_object_release(struct cg_object *obj);

#endif /* SONDE_BPF_CODEGEN_H */
