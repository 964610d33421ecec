// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * codegen_quoted.c - kernel_string_quoted and user_string_quoted
 * (tapsets.md §3.3, §3.4): the string in double quotes with the module
 * runtime's escapes (its _stp_text_str): printable ASCII as is, \" and
 * \\, \a \b \t \n \v \f \r, any other byte as \ooo; a text that does not
 * fit ends in "..." after the closing quote.  A fault, or a NULL
 * address, gives the address as 0x<hex> instead.
 *
 * One bounded loop over the bytes; each byte's escape (one, two or four
 * characters, always written as one 32-bit word) and its length are
 * computed without branches, so the verifier walks one path per
 * iteration.  Bytes of multi-byte UTF-8 characters are escaped as octal;
 * the module runtime writes \uXXXX for them.
 */
#include <string.h>

#include "bpf-backend/codegen_int.h"

/* the letters of \a \b \t \n \v \f \r, indexed by byte - 7 */
#define C_ESCAPES ((uint64_t)'a' | (uint64_t)'b' << 8 | (uint64_t)'t' << 16 | \
		   (uint64_t)'n' << 24 | (uint64_t)'v' << 32 | \
		   (uint64_t)'f' << 40 | (uint64_t)'r' << 48)

/* reg = 1 if reg (0..255) == k, else 0; clobbers nothing else */
static void eq_byte(struct cg *cg, int reg, int k)
{
	struct emitter *em = &cg->em;

	emit_alu_imm(em, BPF_XOR, reg, k);
	emit_alu_imm(em, BPF_SUB, reg, 1);
	emit_alu_imm(em, BPF_RSH, reg, 63);
}

/* reg = 1 if lo <= r1 <= hi (r1 a byte), else 0 */
static void in_range(struct cg *cg, int reg, int lo, int hi)
{
	struct emitter *em = &cg->em;

	emit_mov_reg(em, reg, BPF_REG_1);
	emit_alu_imm(em, BPF_SUB, reg, lo);
	emit_mov_imm(em, BPF_REG_0, hi);
	emit_alu_reg(em, BPF_SUB, BPF_REG_0, BPF_REG_1);
	emit_alu_reg(em, BPF_OR, reg, BPF_REG_0);
	emit_alu_imm(em, BPF_RSH, reg, 63);
	emit_alu_imm(em, BPF_XOR, reg, 1);
}

/* reg = -reg: a 0/1 selector as an all-zero / all-one mask */
static void to_mask(struct cg *cg, int reg)
{
	emit_insn(&cg->em, INSN_NEG64(reg));
}

/*
 * r1 = the byte.  Leaves the escape's word in r2 and its length in r3;
 * clobbers r0, r4, r5.
 */
static void escape(struct cg *cg)
{
	struct emitter *em = &cg->em;

	/* r4 = special (" or \), r5 = printable */
	emit_mov_reg(em, BPF_REG_4, BPF_REG_1);
	eq_byte(cg, BPF_REG_4, '"');
	emit_mov_reg(em, BPF_REG_5, BPF_REG_1);
	eq_byte(cg, BPF_REG_5, '\\');
	emit_alu_reg(em, BPF_OR, BPF_REG_4, BPF_REG_5);
	in_range(cg, BPF_REG_5, 32, 126);
	/* plain = printable & !special: word c, length 1 */
	emit_mov_reg(em, BPF_REG_3, BPF_REG_4);
	emit_alu_imm(em, BPF_XOR, BPF_REG_3, 1);
	emit_alu_reg(em, BPF_AND, BPF_REG_3, BPF_REG_5);
	emit_mov_reg(em, BPF_REG_2, BPF_REG_3);
	to_mask(cg, BPF_REG_2);
	emit_alu_reg(em, BPF_AND, BPF_REG_2, BPF_REG_1);
	/* special: '\\' | c << 8, length 2 */
	emit_mov_reg(em, BPF_REG_0, BPF_REG_1);
	emit_alu_imm(em, BPF_LSH, BPF_REG_0, 8);
	emit_alu_imm(em, BPF_OR, BPF_REG_0, '\\');
	emit_alu_imm(em, BPF_LSH, BPF_REG_4, 1);	/* length 2 or 0 */
	emit_alu_reg(em, BPF_ADD, BPF_REG_3, BPF_REG_4);
	emit_alu_imm(em, BPF_RSH, BPF_REG_4, 1);
	to_mask(cg, BPF_REG_4);
	emit_alu_reg(em, BPF_AND, BPF_REG_0, BPF_REG_4);
	emit_alu_reg(em, BPF_OR, BPF_REG_2, BPF_REG_0);
	/* not printable: r5 = 1 - printable; C escapes for 7..13 */
	emit_alu_imm(em, BPF_XOR, BPF_REG_5, 1);
	in_range(cg, BPF_REG_4, 7, 13);
	emit_alu_reg(em, BPF_AND, BPF_REG_4, BPF_REG_5);
	/* letter = C_ESCAPES >> ((c - 7) * 8), in the C-escape case only */
	emit_mov_reg(em, BPF_REG_0, BPF_REG_1);
	emit_alu_imm(em, BPF_SUB, BPF_REG_0, 7);
	emit_alu_imm(em, BPF_AND, BPF_REG_0, 7);
	emit_alu_imm(em, BPF_LSH, BPF_REG_0, 3);
	emit_ld_imm64(em, BPF_REG_5, C_ESCAPES);	/* printable is spent */
	emit_alu_reg(em, BPF_RSH, BPF_REG_5, BPF_REG_0);
	emit_alu_imm(em, BPF_AND, BPF_REG_5, 0xff);
	emit_alu_imm(em, BPF_LSH, BPF_REG_5, 8);
	emit_alu_imm(em, BPF_OR, BPF_REG_5, '\\');
	emit_mov_reg(em, BPF_REG_0, BPF_REG_4);
	emit_alu_imm(em, BPF_LSH, BPF_REG_0, 1);
	emit_alu_reg(em, BPF_ADD, BPF_REG_3, BPF_REG_0);
	to_mask(cg, BPF_REG_4);
	emit_alu_reg(em, BPF_AND, BPF_REG_5, BPF_REG_4);
	emit_alu_reg(em, BPF_OR, BPF_REG_2, BPF_REG_5);
	/* octal when nothing else applied: length still 0 */
	emit_mov_reg(em, BPF_REG_4, BPF_REG_3);
	eq_byte(cg, BPF_REG_4, 0);
	emit_mov_reg(em, BPF_REG_0, BPF_REG_4);
	emit_alu_imm(em, BPF_LSH, BPF_REG_0, 2);
	emit_alu_reg(em, BPF_ADD, BPF_REG_3, BPF_REG_0);
	to_mask(cg, BPF_REG_4);
	/* r5 = '\\' | '0'+(c>>6) << 8 | '0'+(c>>3&7) << 16 | '0'+(c&7) << 24 */
	emit_mov_reg(em, BPF_REG_5, BPF_REG_1);
	emit_alu_imm(em, BPF_AND, BPF_REG_5, 7);
	emit_alu_imm(em, BPF_LSH, BPF_REG_5, 8);
	emit_mov_reg(em, BPF_REG_0, BPF_REG_1);
	emit_alu_imm(em, BPF_RSH, BPF_REG_0, 3);
	emit_alu_imm(em, BPF_AND, BPF_REG_0, 7);
	emit_alu_reg(em, BPF_OR, BPF_REG_5, BPF_REG_0);
	emit_alu_imm(em, BPF_LSH, BPF_REG_5, 8);
	emit_mov_reg(em, BPF_REG_0, BPF_REG_1);
	emit_alu_imm(em, BPF_RSH, BPF_REG_0, 6);
	emit_alu_imm(em, BPF_AND, BPF_REG_0, 3);
	emit_alu_reg(em, BPF_OR, BPF_REG_5, BPF_REG_0);
	emit_alu_imm(em, BPF_LSH, BPF_REG_5, 8);
	emit_alu_imm(em, BPF_OR, BPF_REG_5, '\\');
	emit_ld_imm64(em, BPF_REG_0, 0x30303000);	/* the '0's */
	emit_alu_reg(em, BPF_ADD, BPF_REG_5, BPF_REG_0);
	emit_alu_reg(em, BPF_AND, BPF_REG_5, BPF_REG_4);
	emit_alu_reg(em, BPF_OR, BPF_REG_2, BPF_REG_5);
}

/*
 * r0 = the quoted text of the string at scratch offset in (read
 * already), the module runtime's outlen MAXSTRINGLEN-1 rules.
 */
static void quote(struct cg *cg, const struct token *tok, int in)
{
	struct emitter *em = &cg->em;
	int max = (int)cg->lim.maxstringlen - 1;
	int out = cg_scratch_alloc(cg, tok, cg->slot + 8);
	int mark = emit_stack_mark(em);
	int i = emit_stack_alloc(em, 8), pos = emit_stack_alloc(em, 8);
	int left = emit_stack_alloc(em, 8), c = emit_stack_alloc(em, 8);
	int loop = label_new(em), end = label_new(em), plain = label_new(em);
	int done = label_new(em);
	int outlen = (max < 5 ? 5 : max) - 2;

	emit_store_imm(em, BPF_B, CG_SCRATCH, out, '"');
	emit_store_imm(em, BPF_DW, BPF_REG_10, i, 0);
	emit_store_imm(em, BPF_DW, BPF_REG_10, pos, 1);
	emit_store_imm(em, BPF_DW, BPF_REG_10, left, outlen);
	emit_store_imm(em, BPF_DW, BPF_REG_10, c, 0);
	label_bind(em, loop);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, i);
	emit_jcond_imm(em, BPF_JGE, BPF_REG_1, max, end);
	emit_alu_reg(em, BPF_ADD, BPF_REG_1, CG_SCRATCH);
	emit_load(em, BPF_B, BPF_REG_1, BPF_REG_1, (int16_t)in);
	emit_store(em, BPF_DW, BPF_REG_10, c, BPF_REG_1);
	emit_jcond_imm(em, BPF_JEQ, BPF_REG_1, 0, end);
	escape(cg);
	/* r2 = word, r3 = length; stop when it does not fit */
	emit_load(em, BPF_DW, BPF_REG_4, BPF_REG_10, left);
	emit_jcond_reg(em, BPF_JGT, BPF_REG_3, BPF_REG_4, end);
	emit_alu_reg(em, BPF_SUB, BPF_REG_4, BPF_REG_3);
	emit_store(em, BPF_DW, BPF_REG_10, left, BPF_REG_4);
	emit_load(em, BPF_DW, BPF_REG_5, BPF_REG_10, pos);
	emit_jcond_imm(em, BPF_JGT, BPF_REG_5, max, end);
	emit_alu_reg(em, BPF_ADD, BPF_REG_5, CG_SCRATCH);
	emit_store(em, BPF_W, BPF_REG_5, (int16_t)out, BPF_REG_2);
	emit_load(em, BPF_DW, BPF_REG_5, BPF_REG_10, pos);
	emit_alu_reg(em, BPF_ADD, BPF_REG_5, BPF_REG_3);
	emit_store(em, BPF_DW, BPF_REG_10, pos, BPF_REG_5);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, i);
	emit_alu_imm(em, BPF_ADD, BPF_REG_1, 1);
	emit_store(em, BPF_DW, BPF_REG_10, i, BPF_REG_1);
	emit_jump(em, loop);
	/*
	 * Stopped at the NUL, or at the end of the input: close the quote.
	 * Stopped because the escape did not fit: the module runtime backs
	 * up to leave room and writes "..." after the closing quote.
	 */
	label_bind(em, end);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, c);
	emit_load(em, BPF_DW, BPF_REG_2, BPF_REG_10, i);
	emit_load(em, BPF_DW, BPF_REG_5, BPF_REG_10, pos);
	emit_jcond_imm(em, BPF_JEQ, BPF_REG_1, 0, plain);
	emit_jcond_imm(em, BPF_JGE, BPF_REG_2, max, plain);
	emit_load(em, BPF_DW, BPF_REG_4, BPF_REG_10, left);
	emit_alu_reg(em, BPF_ADD, BPF_REG_5, BPF_REG_4);
	emit_alu_imm(em, BPF_SUB, BPF_REG_5, 3);
	emit_jcond_imm(em, BPF_JGT, BPF_REG_5, max - 4, done);
	emit_jcond_imm(em, BPF_JSLT, BPF_REG_5, 0, done);
	emit_alu_reg(em, BPF_ADD, BPF_REG_5, CG_SCRATCH);
	emit_ld_imm64(em, BPF_REG_1, (uint64_t)'"' | (uint64_t)'.' << 8 |
		      (uint64_t)'.' << 16 | (uint64_t)'.' << 24);
	emit_store(em, BPF_DW, BPF_REG_5, (int16_t)out, BPF_REG_1);
	emit_jump(em, done);
	label_bind(em, plain);
	emit_jcond_imm(em, BPF_JGT, BPF_REG_5, max - 1, done);
	emit_alu_reg(em, BPF_ADD, BPF_REG_5, CG_SCRATCH);
	emit_store_imm(em, BPF_H, BPF_REG_5, (int16_t)out, '"');
	label_bind(em, done);
	emit_stack_release(em, mark);
	emit_mov_reg(em, BPF_REG_0, CG_SCRATCH);
	emit_alu_imm(em, BPF_ADD, BPF_REG_0, out);
}

/* r0 = "0x<hex>" of the address in stack slot addr */
static void hex_address(struct cg *cg, const struct token *tok, int addr)
{
	struct emitter *em = &cg->em;
	int buf = cg_scratch_alloc(cg, tok, 48);	/* text, then digits */

	emit_store_imm(em, BPF_H, CG_SCRATCH, buf, 'x' << 8 | '0');
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, addr);
	cg_hex_digits(cg, buf + 24);
	emit_mov_reg(em, BPF_REG_1, CG_SCRATCH);
	emit_alu_imm(em, BPF_ADD, BPF_REG_1, buf + 2);
	emit_mov_imm(em, BPF_REG_2, 17);
	emit_mov_reg(em, BPF_REG_3, CG_SCRATCH);
	emit_alu_imm(em, BPF_ADD, BPF_REG_3, buf + 24);
	emit_alu_reg(em, BPF_ADD, BPF_REG_3, BPF_REG_4);
	emit_call_helper(em, BPF_FUNC_probe_read_kernel_str);
	emit_mov_reg(em, BPF_REG_0, CG_SCRATCH);
	emit_alu_imm(em, BPF_ADD, BPF_REG_0, buf);
}

bool cg_call_quoted(struct cg *cg, const struct expr *e)
{
	struct emitter *em = &cg->em;
	bool user = !strcmp(e->name, "user_string_quoted");
	int mark, addr, in, ok, done;

	if ((e->callee && e->callee->body) || e->args.n != 1 ||
	    (!user && strcmp(e->name, "kernel_string_quoted")))
		return false;
	mark = emit_stack_mark(em);
	addr = emit_stack_alloc(em, 8);
	ok = label_new(em);
	done = label_new(em);
	cg_long(cg, e->args.v[0]);
	emit_store(em, BPF_DW, BPF_REG_10, addr, BPF_REG_0);
	in = cg_scratch_alloc(cg, e->tok, cg->slot);
	emit_mov_reg(em, BPF_REG_1, CG_SCRATCH);
	emit_alu_imm(em, BPF_ADD, BPF_REG_1, in);
	emit_mov_imm(em, BPF_REG_2, (int32_t)cg->lim.maxstringlen);
	emit_load(em, BPF_DW, BPF_REG_3, BPF_REG_10, addr);
	emit_call_helper(em, user ? BPF_FUNC_probe_read_user_str
				  : BPF_FUNC_probe_read_kernel_str);
	emit_jcond_imm(em, BPF_JSGT, BPF_REG_0, 0, ok);
	hex_address(cg, e->tok, addr);
	emit_jump(em, done);
	label_bind(em, ok);
	quote(cg, e->tok, in);
	label_bind(em, done);
	emit_stack_release(em, mark);
	return true;
}
