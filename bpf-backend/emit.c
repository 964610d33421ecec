// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * emit.c - the BPF assembler behind emit.h.
 *
 * Every helper funnels through emit_insn() or one of the small record_*()
 * functions, and every failure through emit_fail(), which keeps only the
 * first error.  Once em->err is set the helpers return at once, so the
 * code generator reads like straight-line assembly and checks one result
 * in emit_finish().  Jumps to labels are emitted with offset 0 and listed
 * as fixups; emit_finish() patches them when all labels are known.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf-backend/emit.h"

/* A jump at insn whose off must reach label. */
struct emit_fixup {
	int insn;
	int label;
};

void emit_init(struct emitter *em)
{
	memset(em, 0, sizeof(*em));
}

void emit_release(struct emitter *em)
{
	free(em->insns);
	free(em->notes);
	free(em->relocs);
	free(em->labels);
	free(em->fixups);
	emit_init(em);
}

/* Record the first failure; later ones are consequences of it. */
static void emit_fail(struct emitter *em, int err, const char *fmt, ...)
{
	va_list ap;

	if (em->err)
		return;
	em->err = err;
	va_start(ap, fmt);
	vsnprintf(em->errmsg, sizeof(em->errmsg), fmt, ap);
	va_end(ap);
}

/*
 * Make room for need elements of elem bytes in *buf, doubling so appends
 * stay amortised O(1).  On failure *buf is untouched and the error sticks.
 */
static int grow(struct emitter *em, void **buf, int *cap, int need,
		size_t elem)
{
	int ncap = *cap ? *cap : 64;
	void *nbuf;

	if (need <= *cap)
		return 0;
	while (ncap < need)
		ncap *= 2;
	nbuf = realloc(*buf, (size_t)ncap * elem);
	if (!nbuf) {
		emit_fail(em, -ENOMEM, "out of memory");
		return -ENOMEM;
	}
	*buf = nbuf;
	*cap = ncap;
	return 0;
}

/* Grow insns and notes together: they are indexed alike. */
static int grow_insns(struct emitter *em, int need)
{
	int cap = em->cap;
	void *notes = em->notes;

	if (need <= em->cap)
		return 0;
	if (grow(em, &notes, &cap, need, sizeof(*em->notes)))
		return -ENOMEM;
	em->notes = notes;
	cap = em->cap;
	if (grow(em, (void **)&em->insns, &cap, need, sizeof(*em->insns)))
		return -ENOMEM;
	em->cap = cap;
	return 0;
}

void emit_set_note(struct emitter *em, const char *note)
{
	em->note = note;
}

void emit_insn(struct emitter *em, struct bpf_insn insn)
{
	if (em->err || grow_insns(em, em->len + 1))
		return;
	em->notes[em->len] = em->note;
	em->insns[em->len++] = insn;
}

void emit_mov_imm(struct emitter *em, int dst, int32_t imm)
{
	emit_insn(em, INSN_MOV64_IMM(dst, imm));
}

void emit_mov_reg(struct emitter *em, int dst, int src)
{
	emit_insn(em, INSN_MOV64_REG(dst, src));
}

void emit_ld_imm64(struct emitter *em, int dst, uint64_t imm)
{
	emit_insn(em, INSN_LD_IMM64_LO(dst, 0, imm));
	emit_insn(em, INSN_LD_IMM64_HI(imm));
}

void emit_alu_imm(struct emitter *em, int op, int dst, int32_t imm)
{
	emit_insn(em, INSN_ALU64_IMM(op, dst, imm));
}

void emit_alu_reg(struct emitter *em, int op, int dst, int src)
{
	emit_insn(em, INSN_ALU64_REG(op, dst, src));
}

void emit_alu32_imm(struct emitter *em, int op, int dst, int32_t imm)
{
	emit_insn(em, INSN_ALU32_IMM(op, dst, imm));
}

void emit_alu32_reg(struct emitter *em, int op, int dst, int src)
{
	emit_insn(em, INSN_ALU32_REG(op, dst, src));
}

void emit_load(struct emitter *em, int size, int dst, int src, int16_t off)
{
	emit_insn(em, INSN_LDX_MEM(size, dst, src, off));
}

void emit_store(struct emitter *em, int size, int dst, int16_t off, int src)
{
	emit_insn(em, INSN_STX_MEM(size, dst, src, off));
}

void emit_store_imm(struct emitter *em, int size, int dst, int16_t off,
		    int32_t imm)
{
	emit_insn(em, INSN_ST_MEM(size, dst, off, imm));
}

/* The kernel has atomics only on 32- and 64-bit words. */
static int atomic_size_ok(struct emitter *em, int size)
{
	if (size == BPF_W || size == BPF_DW)
		return 1;
	emit_fail(em, -EINVAL, "atomic operation on a %s", size == BPF_B ?
		  "byte" : "half-word");
	return 0;
}

void emit_atomic_add(struct emitter *em, int size, int dst, int16_t off,
		     int src)
{
	if (atomic_size_ok(em, size))
		emit_insn(em, INSN_ATOMIC_ADD(size, dst, src, off));
}

void emit_atomic_fetch_add(struct emitter *em, int size, int dst,
			   int16_t off, int src)
{
	if (atomic_size_ok(em, size))
		emit_insn(em, INSN_ATOMIC_FETCH_ADD(size, dst, src, off));
}

/* Note that the next instruction refers to a map or subprogram. */
static void record_reloc(struct emitter *em, enum insn_reloc_kind kind,
			 int target)
{
	struct insn_reloc *r;

	if (em->err || grow(em, (void **)&em->relocs, &em->relocs_cap,
			    em->nrelocs + 1, sizeof(*em->relocs)))
		return;
	r = &em->relocs[em->nrelocs++];
	r->insn = em->len;
	r->kind = kind;
	r->target = target;
}

void emit_ld_map(struct emitter *em, int dst, int map_index)
{
	if (map_index < 0)
		emit_fail(em, -EINVAL, "bad map index %d", map_index);
	record_reloc(em, INSN_RELOC_MAP, map_index);
	emit_insn(em, INSN_LD_IMM64_LO(dst, BPF_PSEUDO_MAP_FD, map_index));
	emit_insn(em, INSN_LD_IMM64_HI(0));
}

void emit_call_helper(struct emitter *em, int helper)
{
	emit_insn(em, INSN_CALL_HELPER(helper));
}

void emit_call_subprog(struct emitter *em, int subprog_index)
{
	if (subprog_index < 0)
		emit_fail(em, -EINVAL, "bad subprogram index %d",
			  subprog_index);
	record_reloc(em, INSN_RELOC_CALL, subprog_index);
	emit_insn(em, INSN_CALL_PSEUDO(subprog_index));
}

void emit_ld_func(struct emitter *em, int dst, int subprog_index)
{
	if (subprog_index < 0)
		emit_fail(em, -EINVAL, "bad subprogram index %d",
			  subprog_index);
	record_reloc(em, INSN_RELOC_FUNC, subprog_index);
	emit_insn(em, INSN_LD_IMM64_LO(dst, BPF_PSEUDO_FUNC, subprog_index));
	emit_insn(em, INSN_LD_IMM64_HI(0));
}

void emit_exit(struct emitter *em)
{
	emit_insn(em, INSN_EXIT());
}

/* A new, unbound label; returns -1 only after an error has stuck. */
int label_new(struct emitter *em)
{
	if (em->err || grow(em, (void **)&em->labels, &em->labels_cap,
			    em->nlabels + 1, sizeof(*em->labels)))
		return -1;
	em->labels[em->nlabels] = -1;
	return em->nlabels++;
}

static int label_valid(struct emitter *em, int label)
{
	if (label >= 0 && label < em->nlabels)
		return 1;
	emit_fail(em, -EINVAL, "no label L%d", label);
	return 0;
}

/* Bind label to the position of the next instruction emitted. */
void label_bind(struct emitter *em, int label)
{
	if (em->err || !label_valid(em, label))
		return;
	if (em->labels[label] >= 0) {
		emit_fail(em, -EINVAL, "label L%d bound twice", label);
		return;
	}
	em->labels[label] = em->len;
}

/* Emit a jump now and patch its offset in emit_finish(). */
static void emit_to_label(struct emitter *em, struct bpf_insn insn,
			  int label)
{
	struct emit_fixup *f;

	if (em->err || !label_valid(em, label))
		return;
	if (grow(em, (void **)&em->fixups, &em->fixups_cap, em->nfixups + 1,
		 sizeof(*em->fixups)))
		return;
	f = &em->fixups[em->nfixups++];
	f->insn = em->len;
	f->label = label;
	emit_insn(em, insn);
}

void emit_jump(struct emitter *em, int label)
{
	emit_to_label(em, INSN_JMP_A(0), label);
}

void emit_jcond_imm(struct emitter *em, int op, int reg, int32_t imm,
		    int label)
{
	emit_to_label(em, INSN_JMP_IMM(op, reg, imm, 0), label);
}

void emit_jcond_reg(struct emitter *em, int op, int dst, int src, int label)
{
	emit_to_label(em, INSN_JMP_REG(op, dst, src, 0), label);
}

void emit_jcond32_imm(struct emitter *em, int op, int reg, int32_t imm,
		      int label)
{
	emit_to_label(em, INSN_JMP32_IMM(op, reg, imm, 0), label);
}

/*
 * All slots are 8-byte aligned: the verifier tracks spilled registers
 * per 8-byte stack word, and mixing sizes within a word loses that
 * tracking.
 */
int emit_stack_alloc(struct emitter *em, int size)
{
	int depth = em->stack_depth + ((size + 7) & ~7);

	if (em->err)
		return -EMIT_MAX_STACK;
	if (size <= 0) {
		emit_fail(em, -EINVAL, "stack slot of %d bytes", size);
		return -EMIT_MAX_STACK;
	}
	if (depth > EMIT_MAX_STACK) {
		emit_fail(em, -E2BIG, "stack frame of %d bytes exceeds %d",
			  depth, EMIT_MAX_STACK);
		return -EMIT_MAX_STACK;
	}
	em->stack_depth = depth;
	if (depth > em->stack_max)
		em->stack_max = depth;
	return -depth;
}

int emit_stack_mark(const struct emitter *em)
{
	return em->stack_depth;
}

void emit_stack_release(struct emitter *em, int mark)
{
	if (em->err)
		return;
	if (mark < 0 || mark > em->stack_depth) {
		emit_fail(em, -EINVAL, "stack released to %d from depth %d",
			  mark, em->stack_depth);
		return;
	}
	em->stack_depth = mark;
}

/* Patch one jump; the offset counts from the instruction after it. */
static void resolve_fixup(struct emitter *em, const struct emit_fixup *f)
{
	int target = em->labels[f->label];
	int off = target - (f->insn + 1);

	if (target < 0) {
		emit_fail(em, -EINVAL, "label L%d used but never bound",
			  f->label);
		return;
	}
	if (target >= em->len) {
		emit_fail(em, -EINVAL, "label L%d bound past the last insn",
			  f->label);
		return;
	}
	if (off < INT16_MIN || off > INT16_MAX) {
		emit_fail(em, -E2BIG, "jump from %d to L%d out of range",
			  f->insn, f->label);
		return;
	}
	em->insns[f->insn].off = (int16_t)off;
}

/*
 * Finish the program: resolve jumps, then check the invariants a correct
 * code generator keeps.  Returns the first error, with em->errmsg set.
 */
int emit_finish(struct emitter *em)
{
	int i;

	for (i = 0; i < em->nfixups && !em->err; i++)
		resolve_fixup(em, &em->fixups[i]);
	for (i = 0; i < em->nlabels && !em->err; i++)
		if (em->labels[i] < 0)
			emit_fail(em, -EINVAL, "label L%d never bound", i);
	if (!em->err && em->stack_depth)
		emit_fail(em, -EINVAL, "%d bytes of stack never released",
			  em->stack_depth);
	if (!em->err && !em->len)
		emit_fail(em, -EINVAL, "empty program");
	return em->err;
}
