/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * disasm.h - readable text for BPF instructions, the -p3 output of the
 * BPF backend.  One instruction per line in the style of bpftool's
 * "prog dump xlated", with Sonde's labels, map and subprogram names and
 * each instruction's note (the script location):
 *
 *	L0:
 *	   4: r1 = map[counts]                 ; count.stp:3
 *	   6: call bpf_map_lookup_elem#1        ; count.stp:3
 *	   7: if r0 == 0x0 goto L1              ; count.stp:3
 *
 * All name tables are optional: without them jumps print as pc+N, maps
 * as map[fd:N] and calls to subprograms as pc+N, as the kernel would.
 */
#ifndef SONDE_BPF_DISASM_H
#define SONDE_BPF_DISASM_H

#include <stddef.h>
#include <stdio.h>
#include "bpf-backend/insn.h"

struct emitter;

struct disasm_ctx {
	const struct bpf_insn *insns;
	int len;
	const char *const *notes;	/* per instruction, or NULL */
	const int *labels;		/* label id -> insn index, or -1 */
	int nlabels;
	const struct insn_reloc *relocs;
	int nrelocs;
	const char *const *maps;	/* map index -> name */
	int nmaps;
	const char *const *subprogs;	/* subprogram index -> name */
	int nsubprogs;
};

/*
 * Point ctx at a finished emitter's program, labels, relocations and
 * notes.  The name tables stay NULL: the emitter does not know them.
 */
void disasm_ctx_from_emitter(struct disasm_ctx *ctx,
			     const struct emitter *em);

/*
 * Format instruction idx (without index, label or note) into buf.
 * Returns the number of slots it occupies (1, or 2 for ld_imm64), or
 * -EINVAL if idx is out of range or an ld_imm64 is cut off.
 */
int disasm_insn(const struct disasm_ctx *ctx, int idx, char *buf,
		size_t size);

/* Print the whole program; returns 0 or the first disasm_insn() error. */
int disasm_print(FILE *out, const struct disasm_ctx *ctx);

/* "bpf_map_lookup_elem" for BPF_FUNC_map_lookup_elem, NULL if unknown */
const char *disasm_helper_name(int helper);

#endif /* SONDE_BPF_DISASM_H */
