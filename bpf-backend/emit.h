/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * emit.h - a small assembler for one BPF program.
 *
 * The code generator calls emit_*() helpers as if writing assembly.  None of
 * them returns an error: the first failure (out of memory, a bad label, a
 * stack frame over 512 bytes, a jump out of range) is recorded in em->err
 * and every later helper does nothing.  emit_finish() resolves jumps to
 * labels, checks that every label was bound and every stack slot released,
 * and returns that first error:
 *
 *	struct emitter em;
 *	emit_init(&em);
 *	emit_mov_imm(&em, BPF_REG_0, 0);
 *	emit_exit(&em);
 *	err = emit_finish(&em);		   (0, or a negative errno + em.errmsg)
 *	... use em.insns[0..em.len), em.relocs, em.notes ...
 *	emit_release(&em);
 *
 * Map and subprogram references are recorded as struct insn_reloc so the
 * object writer can turn them into ELF relocations; in the instruction
 * stream their imm holds the map or subprogram index until libbpf patches
 * it at load time.
 */
#ifndef SONDE_BPF_EMIT_H
#define SONDE_BPF_EMIT_H

#include <stdint.h>
#include "bpf-backend/insn.h"

/* The verifier's limit on one frame below r10 (MAX_BPF_STACK in the kernel) */
#define EMIT_MAX_STACK 512

struct emit_fixup;

struct emitter {
	struct bpf_insn *insns;		/* the program, len slots */
	const char **notes;		/* notes[i] annotates insns[i]; may be NULL */
	int len;
	int cap;

	struct insn_reloc *relocs;	/* map loads and subprogram calls */
	int nrelocs;
	int relocs_cap;

	int *labels;			/* label id -> bound insn index, or -1 */
	int nlabels;
	int labels_cap;

	struct emit_fixup *fixups;	/* jumps waiting for emit_finish() */
	int nfixups;
	int fixups_cap;

	int stack_depth;		/* bytes of stack slots live below r10 */
	int stack_max;			/* high-water mark of stack_depth */

	const char *note;		/* attached to each new instruction */

	int err;			/* first error, negative errno, sticky */
	char errmsg[96];		/* what that error was about */
};

void emit_init(struct emitter *em);
void emit_release(struct emitter *em);
int emit_finish(struct emitter *em);

/*
 * Annotate the instructions emitted from now on, typically "file:line" of
 * the script.  The string is not copied: it must outlive the emitter.
 */
void emit_set_note(struct emitter *em, const char *note);

/* Append one raw instruction (use the INSN_* constructors). */
void emit_insn(struct emitter *em, struct bpf_insn insn);

void emit_mov_imm(struct emitter *em, int dst, int32_t imm);
void emit_mov_reg(struct emitter *em, int dst, int src);
void emit_ld_imm64(struct emitter *em, int dst, uint64_t imm);
void emit_alu_imm(struct emitter *em, int op, int dst, int32_t imm);
void emit_alu_reg(struct emitter *em, int op, int dst, int src);
void emit_alu32_imm(struct emitter *em, int op, int dst, int32_t imm);
void emit_alu32_reg(struct emitter *em, int op, int dst, int src);

/* Memory: size is BPF_B, BPF_H, BPF_W or BPF_DW. */
void emit_load(struct emitter *em, int size, int dst, int src, int16_t off);
void emit_store(struct emitter *em, int size, int dst, int16_t off, int src);
void emit_store_imm(struct emitter *em, int size, int dst, int16_t off,
		    int32_t imm);
void emit_atomic_add(struct emitter *em, int size, int dst, int16_t off,
		     int src);
void emit_atomic_fetch_add(struct emitter *em, int size, int dst,
			   int16_t off, int src);

/* dst = pointer to map number map_index of the object (records a reloc) */
void emit_ld_map(struct emitter *em, int dst, int map_index);
void emit_call_helper(struct emitter *em, int helper);
/* BPF-to-BPF call of subprogram number subprog_index (records a reloc) */
void emit_call_subprog(struct emitter *em, int subprog_index);
/* dst = address of subprogram subprog_index, the callback argument of
 * bpf_loop() and bpf_for_each_map_elem() (records a reloc) */
void emit_ld_func(struct emitter *em, int dst, int subprog_index);
void emit_exit(struct emitter *em);

/* Labels: ids from label_new(), bound once to the next instruction. */
int label_new(struct emitter *em);
void label_bind(struct emitter *em, int label);
void emit_jump(struct emitter *em, int label);
/* if (reg OP imm) goto label; op is BPF_JEQ, BPF_JGT, BPF_JSLT, ... */
void emit_jcond_imm(struct emitter *em, int op, int reg, int32_t imm,
		    int label);
void emit_jcond_reg(struct emitter *em, int op, int dst, int src, int label);
/* The same on the low 32 bits (BPF_JMP32) */
void emit_jcond32_imm(struct emitter *em, int op, int reg, int32_t imm,
		      int label);

/*
 * Stack slots: emit_stack_alloc() returns the r10-relative offset of a new
 * slot of size bytes, rounded up to and aligned on 8.  Slots are released
 * in stack order: remember emit_stack_mark(), later emit_stack_release()
 * back to it.  emit_finish() requires the depth back at zero.
 */
int emit_stack_alloc(struct emitter *em, int size);
int emit_stack_mark(const struct emitter *em);
void emit_stack_release(struct emitter *em, int mark);

#endif /* SONDE_BPF_EMIT_H */
