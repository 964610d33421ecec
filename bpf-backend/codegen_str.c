// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * codegen_str.c - string expressions (runtime.md 4.2).
 *
 * Every string value is a NUL-terminated text at the start of a buffer
 * of one string slot (MAXSTRINGLEN rounded up to 8): a string local or a
 * temporary in the scratch frame, or a string global in sonde_globals.
 * An expression leaves a pointer to such a buffer in r0.  Copies use
 * bpf_probe_read_kernel_str, which truncates to MAXSTRINGLEN-1 bytes and
 * always terminates, as SystemTap's strlcpy does.  Appending writes at a
 * variable offset into the scratch frame; the frame has one slot of slack
 * past its last buffer so the verifier can prove every append in bounds.
 */
#include <string.h>

#include "bpf-backend/codegen_int.h"
#include "translator/strlit.h"

void cg_zero(struct cg *cg, int reg, int off, int size)
{
	int k;

	for (k = 0; k < size; k += 8)
		emit_store_imm(&cg->em, BPF_DW, reg, off + k, 0);
}

/*
 * Large buffers in one helper call rather than a store per word (fewer
 * instructions for the verifier to walk in loops): a probe read from
 * address 0 fails, and bpf_probe_read_kernel() zeroes its destination
 * when it fails (as it has since it exists, Linux 5.5).
 */
void cg_clear(struct cg *cg, int reg, int off, int size)
{
	struct emitter *em = &cg->em;

	if (size <= 64) {
		cg_zero(cg, reg, off, size);
		return;
	}
	emit_mov_reg(em, BPF_REG_1, reg);
	emit_alu_imm(em, BPF_ADD, BPF_REG_1, off);
	emit_mov_imm(em, BPF_REG_2, size);
	emit_mov_imm(em, BPF_REG_3, 0);
	emit_call_helper(em, BPF_FUNC_probe_read_kernel);
}

void cg_str_literal(struct cg *cg, const struct token *tok, const char *s,
		    size_t len)
{
	struct emitter *em = &cg->em;
	int buf = cg_scratch_alloc(cg, tok, cg->slot);
	uint64_t chunk;
	size_t k, n;

	if (len > cg->lim.maxstringlen - 1)
		len = cg->lim.maxstringlen - 1;
	/* whole words up to and including the one with the NUL */
	for (k = 0; k <= len; k += 8) {
		chunk = 0;
		n = len - k < 8 ? len - k : 8;
		memcpy(&chunk, s + k, n);
		emit_ld_imm64(em, BPF_REG_0, chunk);
		emit_store(em, BPF_DW, CG_SCRATCH, buf + k, BPF_REG_0);
	}
	emit_mov_reg(em, BPF_REG_0, CG_SCRATCH);
	emit_alu_imm(em, BPF_ADD, BPF_REG_0, buf);
}

/* r0 = bytes copied with the NUL, from r3 to r1 with room r2 */
static void copy_call(struct cg *cg)
{
	emit_call_helper(&cg->em, BPF_FUNC_probe_read_kernel_str);
}

void cg_str_copy(struct cg *cg, int reg, int off)
{
	struct emitter *em = &cg->em;

	emit_mov_reg(em, BPF_REG_1, reg);
	emit_alu_imm(em, BPF_ADD, BPF_REG_1, off);
	emit_mov_imm(em, BPF_REG_2, (int32_t)cg->lim.maxstringlen);
	copy_call(cg);
}

/* if (reg OP imm) reg = imm: a clamp the verifier learns bounds from */
static void clamp(struct cg *cg, int reg, int op, int32_t imm)
{
	struct emitter *em = &cg->em;
	int ok = label_new(em);

	emit_jcond_imm(em, op, reg, imm, ok);
	emit_mov_imm(em, reg, imm);
	label_bind(em, ok);
}

/*
 * Append the string at r3 to the buffer at scratch offset buf whose
 * length is in the stack slot len; update len.
 */
static void append(struct cg *cg, int buf, int len)
{
	struct emitter *em = &cg->em;
	int max = (int)cg->lim.maxstringlen - 1;

	emit_load(em, BPF_DW, BPF_REG_7, BPF_REG_10, len);
	emit_mov_reg(em, BPF_REG_1, CG_SCRATCH);
	emit_alu_imm(em, BPF_ADD, BPF_REG_1, buf);
	emit_alu_reg(em, BPF_ADD, BPF_REG_1, BPF_REG_7);
	emit_mov_imm(em, BPF_REG_2, (int32_t)cg->lim.maxstringlen);
	emit_alu_reg(em, BPF_SUB, BPF_REG_2, BPF_REG_7);
	copy_call(cg);
	emit_alu_reg(em, BPF_ADD, BPF_REG_7, BPF_REG_0);
	emit_alu_imm(em, BPF_SUB, BPF_REG_7, 1);
	/*
	 * The copy stops at the buffer's end, so the length stays below
	 * MAXSTRINGLEN; the verifier must see it too.  A mask says so
	 * without a branch (each branch it cannot decide costs it a
	 * pending state); other sizes need compares.
	 */
	if (!(cg->lim.maxstringlen & max)) {
		emit_alu_imm(em, BPF_AND, BPF_REG_7, max);
	} else {
		clamp(cg, BPF_REG_7, BPF_JSLE, max);
		clamp(cg, BPF_REG_7, BPF_JSGE, 0);
	}
	emit_store(em, BPF_DW, BPF_REG_10, len, BPF_REG_7);
}

/* a . b . c: each operand appended to one temporary */
static void concat(struct cg *cg, const struct expr *e)
{
	struct emitter *em = &cg->em;
	int buf = cg_scratch_alloc(cg, e->tok, cg->slot);
	int mark = emit_stack_mark(em), len = emit_stack_alloc(em, 8);
	int i, smark;

	emit_store_imm(em, BPF_DW, BPF_REG_10, len, 0);
	emit_store_imm(em, BPF_B, CG_SCRATCH, buf, 0);
	for (i = 0; i < e->args.n; i++) {
		smark = cg_scratch_mark(cg);
		cg_str(cg, e->args.v[i]);
		emit_mov_reg(em, BPF_REG_3, BPF_REG_0);
		append(cg, buf, len);
		cg_scratch_release(cg, smark);
	}
	emit_stack_release(em, mark);
	emit_mov_reg(em, BPF_REG_0, CG_SCRATCH);
	emit_alu_imm(em, BPF_ADD, BPF_REG_0, buf);
}

void cg_str_concat2(struct cg *cg, const struct token *tok, int reg, int off,
		    int slot)
{
	struct emitter *em = &cg->em;
	int buf = cg_scratch_alloc(cg, tok, cg->slot);
	int mark = emit_stack_mark(em), len = emit_stack_alloc(em, 8);

	emit_store_imm(em, BPF_DW, BPF_REG_10, len, 0);
	emit_mov_reg(em, BPF_REG_3, reg);
	emit_alu_imm(em, BPF_ADD, BPF_REG_3, off);
	append(cg, buf, len);
	emit_load(em, BPF_DW, BPF_REG_3, BPF_REG_10, slot);
	append(cg, buf, len);
	emit_stack_release(em, mark);
	emit_mov_reg(em, BPF_REG_0, CG_SCRATCH);
	emit_alu_imm(em, BPF_ADD, BPF_REG_0, buf);
}

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "cg_strcmp finds the first byte of a word as its lowest one"
#endif

/*
 * r0 = strcmp(r1, r2) as -1, 0, 1, bytes unsigned.  Both point at
 * slot-sized, 8-aligned buffers.
 *
 * The loop always runs over every word and has no branch but its own
 * counter's: any branch on string contents is one the verifier cannot
 * decide, and inside a script loop those multiply the states it must
 * explore beyond its limits.  Per word, m marks each byte where the
 * strings differ or the first one ends,
 *
 *	nz(x) = (((x & 0x7f..) + 0x7f..) | x) & 0x80..      bytes != 0
 *	m = nz(a ^ b) | (~(((a & 0x7f..) + 0x7f..) | a) & 0x80..)
 *
 * minus the bytes of words after the deciding one (the found mask fl);
 * the lowest marked byte (m & -m) decides: its two bytes are cut out by
 * dividing by its place (a division by 0, where nothing is marked,
 * gives 0 in BPF) and their difference's sign is added to the result.
 * Clobbers r1-r7.
 */
void cg_strcmp(struct cg *cg)
{
	struct emitter *em = &cg->em;
	int mark = emit_stack_mark(em);
	int res = emit_stack_alloc(em, 8), fl = emit_stack_alloc(em, 8);
	int loop = label_new(em);

	emit_ld_imm64(em, BPF_REG_6, 0x7f7f7f7f7f7f7f7fULL);
	emit_ld_imm64(em, BPF_REG_7, 0x8080808080808080ULL);
	emit_store_imm(em, BPF_DW, BPF_REG_10, res, 0);
	emit_store_imm(em, BPF_DW, BPF_REG_10, fl, 0);
	emit_mov_imm(em, BPF_REG_3, 0);
	label_bind(em, loop);
	/* r0 = nz(a ^ b), r5 = zero bytes of a; m = r0 | r5 */
	emit_load(em, BPF_DW, BPF_REG_4, BPF_REG_1, 0);
	emit_load(em, BPF_DW, BPF_REG_5, BPF_REG_2, 0);
	emit_alu_reg(em, BPF_XOR, BPF_REG_5, BPF_REG_4);
	emit_mov_reg(em, BPF_REG_0, BPF_REG_5);
	emit_alu_reg(em, BPF_AND, BPF_REG_0, BPF_REG_6);
	emit_alu_reg(em, BPF_ADD, BPF_REG_0, BPF_REG_6);
	emit_alu_reg(em, BPF_OR, BPF_REG_0, BPF_REG_5);
	emit_alu_reg(em, BPF_AND, BPF_REG_0, BPF_REG_7);
	emit_mov_reg(em, BPF_REG_5, BPF_REG_4);
	emit_alu_reg(em, BPF_AND, BPF_REG_5, BPF_REG_6);
	emit_alu_reg(em, BPF_ADD, BPF_REG_5, BPF_REG_6);
	emit_alu_reg(em, BPF_OR, BPF_REG_5, BPF_REG_4);
	emit_alu_imm(em, BPF_XOR, BPF_REG_5, -1);
	emit_alu_reg(em, BPF_AND, BPF_REG_5, BPF_REG_7);
	emit_alu_reg(em, BPF_OR, BPF_REG_0, BPF_REG_5);
	/* not once the result is decided */
	emit_load(em, BPF_DW, BPF_REG_4, BPF_REG_10, fl);
	emit_alu_imm(em, BPF_XOR, BPF_REG_4, -1);
	emit_alu_reg(em, BPF_AND, BPF_REG_0, BPF_REG_4);
	/* r5 = lowest marked byte's top bit; fl |= (r5 != 0 ? -1 : 0) */
	emit_mov_reg(em, BPF_REG_5, BPF_REG_0);
	emit_insn(em, INSN_NEG64(BPF_REG_5));
	emit_alu_reg(em, BPF_AND, BPF_REG_5, BPF_REG_0);
	emit_mov_reg(em, BPF_REG_0, BPF_REG_5);
	emit_insn(em, INSN_NEG64(BPF_REG_0));
	emit_alu_reg(em, BPF_OR, BPF_REG_0, BPF_REG_5);
	emit_alu_imm(em, BPF_ARSH, BPF_REG_0, 63);
	emit_load(em, BPF_DW, BPF_REG_4, BPF_REG_10, fl);
	emit_alu_reg(em, BPF_OR, BPF_REG_4, BPF_REG_0);
	emit_store(em, BPF_DW, BPF_REG_10, fl, BPF_REG_4);
	/* the two bytes at that place */
	emit_alu_imm(em, BPF_RSH, BPF_REG_5, 7);
	emit_load(em, BPF_DW, BPF_REG_4, BPF_REG_1, 0);
	emit_alu_reg(em, BPF_DIV, BPF_REG_4, BPF_REG_5);
	emit_alu_imm(em, BPF_AND, BPF_REG_4, 0xff);
	emit_load(em, BPF_DW, BPF_REG_0, BPF_REG_2, 0);
	emit_alu_reg(em, BPF_DIV, BPF_REG_0, BPF_REG_5);
	emit_alu_imm(em, BPF_AND, BPF_REG_0, 0xff);
	/* res += (a > b) - (a < b), from each subtraction's borrow */
	emit_mov_reg(em, BPF_REG_5, BPF_REG_0);
	emit_alu_reg(em, BPF_SUB, BPF_REG_5, BPF_REG_4);
	emit_alu_imm(em, BPF_RSH, BPF_REG_5, 63);
	emit_alu_reg(em, BPF_SUB, BPF_REG_4, BPF_REG_0);
	emit_alu_imm(em, BPF_RSH, BPF_REG_4, 63);
	emit_alu_reg(em, BPF_SUB, BPF_REG_5, BPF_REG_4);
	emit_load(em, BPF_DW, BPF_REG_4, BPF_REG_10, res);
	emit_alu_reg(em, BPF_ADD, BPF_REG_4, BPF_REG_5);
	emit_store(em, BPF_DW, BPF_REG_10, res, BPF_REG_4);
	emit_alu_imm(em, BPF_ADD, BPF_REG_1, 8);
	emit_alu_imm(em, BPF_ADD, BPF_REG_2, 8);
	emit_alu_imm(em, BPF_ADD, BPF_REG_3, 1);
	emit_jcond_imm(em, BPF_JLT, BPF_REG_3, (int32_t)(cg->slot / 8), loop);
	emit_load(em, BPF_DW, BPF_REG_0, BPF_REG_10, res);
	emit_stack_release(em, mark);
}

void cg_str(struct cg *cg, const struct expr *e)
{
	const char *s;
	size_t len;

	switch (e->kind) {
	case E_STRING:
		s = strlit_decode(cg->arena, e->str, e->str_len, &len);
		cg_str_literal(cg, e->tok, s, len);
		break;
	case E_SYMBOL:
	case E_INDEX:
		cg_load_var(cg, e);
		break;
	case E_CONCAT:
		concat(cg, e);
		break;
	case E_TERNARY:
		cg_ternary(cg, e);
		break;
	case E_ASSIGN:
		cg_assign(cg, e);
		break;
	case E_CALL:
		cg_call(cg, e);
		break;
	case E_PRINT:
		if (e->print_to_string) {
			cg_sprint(cg, e);
			break;
		}
		cg_print(cg, e);
		cg_str_literal(cg, e->tok, "", 0);
		break;
	case E_TARGET:
		cg_dollars(cg, e);
		break;
	default:
		cg_unsupported(cg, e->tok, "this string expression");
		cg_str_literal(cg, e->tok, "", 0);
		break;
	}
}

void cg_str_append(struct cg *cg, int buf, int len)
{
	append(cg, buf, len);
}
