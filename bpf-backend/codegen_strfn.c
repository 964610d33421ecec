// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * codegen_strfn.c - the string and time builtins (tapsets.md 3.8, 3.9):
 * strlen, substr, stringat, isdigit, strtol, isinstr, strpos, str_replace,
 * ctime, log, warn, MAJOR, MINOR, MKDEV, errno_str, ppfunc, tokenize,
 * text_str,
 * gettimeofday_s/ms/us/ns,
 * local_clock_s/ms/us/ns, ktime_get_ns, jiffies.
 *
 * Strings are copied into scratch temporaries with
 * bpf_probe_read_kernel_str, which also measures them; byte loops run
 * over a temporary, whose slack the verifier can see.  The clocks:
 * bpf_ktime_get_ns() is CLOCK_MONOTONIC, which stands for local_clock()
 * and ktime_get_ns(); the wall clock adds the offset staprun stores in
 * sonde_ctl[GTOD] at start (bpf_abi.h), as stapbpf adds one it computes.
 */
#include <string.h>

#include "bpf-backend/codegen_int.h"
#include "staprun/bpf_abi.h"

/* Copy the string at r3 to scratch buf; r0 = its length */
static void copy_measure(struct cg *cg, int buf)
{
	struct emitter *em = &cg->em;

	emit_mov_reg(em, BPF_REG_1, CG_SCRATCH);
	emit_alu_imm(em, BPF_ADD, BPF_REG_1, buf);
	emit_mov_imm(em, BPF_REG_2, (int32_t)cg->lim.maxstringlen);
	emit_call_helper(em, BPF_FUNC_probe_read_kernel_str);
	emit_alu_imm(em, BPF_SUB, BPF_REG_0, 1);
	/* an error (negative) reads as the empty string */
	emit_alu_imm(em, BPF_AND, BPF_REG_0, 0xffff);
	{
		int ok = label_new(em);

		emit_jcond_imm(em, BPF_JLT, BPF_REG_0,
			       (int32_t)cg->lim.maxstringlen, ok);
		emit_mov_imm(em, BPF_REG_0, 0);
		emit_store_imm(em, BPF_B, CG_SCRATCH, buf, 0);
		label_bind(em, ok);
	}
}

void cg_strlen(struct cg *cg)
{
	int smark = cg_scratch_mark(cg);
	int buf = cg_scratch_alloc(cg, NULL, cg->slot);

	emit_mov_reg(&cg->em, BPF_REG_3, BPF_REG_1);
	copy_measure(cg, buf);
	cg_scratch_release(cg, smark);
}

/* Evaluate the arguments into stack slots: strings as pointers */
static void args_to_slots(struct cg *cg, const struct expr *e, int *slots)
{
	struct emitter *em = &cg->em;
	int i;

	for (i = 0; i < e->args.n; i++) {
		slots[i] = emit_stack_alloc(em, 8);
		if (((const struct expr *)e->args.v[i])->type == TYPE_STRING)
			cg_str(cg, e->args.v[i]);
		else
			cg_long_opaque(cg, e->args.v[i]);
		emit_store(em, BPF_DW, BPF_REG_10, slots[i], BPF_REG_0);
	}
}

/* substr(str, start, length): bytes [start, start+length), clipped;
 * "" when start is outside the string or length is not positive */
static void call_substr(struct cg *cg, const struct expr *e, const int *a)
{
	struct emitter *em = &cg->em;
	int res = cg_scratch_alloc(cg, e->tok, cg->slot);
	int smark = cg_scratch_mark(cg);
	int tmp = cg_scratch_alloc(cg, e->tok, cg->slot);
	int empty = label_new(em), done = label_new(em), clamped = label_new(em);
	int max = (int)cg->lim.maxstringlen;

	emit_store_imm(em, BPF_B, CG_SCRATCH, res, 0);
	emit_load(em, BPF_DW, BPF_REG_3, BPF_REG_10, a[0]);
	copy_measure(cg, tmp);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, a[1]);
	emit_jcond_imm(em, BPF_JSLT, BPF_REG_1, 0, empty);
	emit_jcond_reg(em, BPF_JSGE, BPF_REG_1, BPF_REG_0, empty);
	emit_load(em, BPF_DW, BPF_REG_2, BPF_REG_10, a[2]);
	emit_jcond_imm(em, BPF_JSLE, BPF_REG_2, 0, empty);
	/* room for length bytes and the NUL, at most MAXSTRINGLEN */
	emit_jcond_imm(em, BPF_JSLT, BPF_REG_2, max, clamped);
	emit_mov_imm(em, BPF_REG_2, max - 1);
	label_bind(em, clamped);
	emit_alu_imm(em, BPF_ADD, BPF_REG_2, 1);
	emit_mov_reg(em, BPF_REG_3, CG_SCRATCH);
	emit_alu_imm(em, BPF_ADD, BPF_REG_3, tmp);
	emit_alu_reg(em, BPF_ADD, BPF_REG_3, BPF_REG_1);
	emit_mov_reg(em, BPF_REG_1, CG_SCRATCH);
	emit_alu_imm(em, BPF_ADD, BPF_REG_1, res);
	emit_call_helper(em, BPF_FUNC_probe_read_kernel_str);
	label_bind(em, empty);
	label_bind(em, done);
	cg_scratch_release(cg, smark);
	emit_mov_reg(em, BPF_REG_0, CG_SCRATCH);
	emit_alu_imm(em, BPF_ADD, BPF_REG_0, res);
}

/* stringat(str, pos): the byte at pos; outside the string an error,
 * worded as upstream string.stp words it (the spec says "Invalid string
 * index") */
static void call_stringat(struct cg *cg, const struct expr *e, const int *a)
{
	struct emitter *em = &cg->em;
	int smark = cg_scratch_mark(cg);
	int tmp = cg_scratch_alloc(cg, e->tok, cg->slot);
	int bad = label_new(em), ok = label_new(em);

	emit_load(em, BPF_DW, BPF_REG_3, BPF_REG_10, a[0]);
	copy_measure(cg, tmp);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, a[1]);
	emit_jcond_imm(em, BPF_JSLT, BPF_REG_1, 0, bad);
	emit_jcond_reg(em, BPF_JSLT, BPF_REG_1, BPF_REG_0, ok);
	label_bind(em, bad);
	rt_raise(cg, "Position out of bounds", e->tok);
	label_bind(em, ok);
	emit_mov_reg(em, BPF_REG_2, CG_SCRATCH);
	emit_alu_imm(em, BPF_ADD, BPF_REG_2, tmp);
	emit_alu_reg(em, BPF_ADD, BPF_REG_2, BPF_REG_1);
	emit_load(em, BPF_B, BPF_REG_0, BPF_REG_2, 0);
	cg_scratch_release(cg, smark);
}

/*
 * r0 = the value of the digit in r1 (any base up to 36), or 99, without
 * a branch (the loop over the digits has one, its end):
 *	d = c - '0';  a = (c | 0x20) - 'a'
 *	r0 = d < 10 ? d : a < 26 ? a + 10 : 99
 * with each "x < n" a logical shift of x - n.  Clobbers r2, r3.
 */
static void digit_value(struct cg *cg)
{
	struct emitter *em = &cg->em;

	/* r2 = a + 10 if a < 26, else 99 */
	emit_mov_reg(em, BPF_REG_2, BPF_REG_1);
	emit_alu_imm(em, BPF_OR, BPF_REG_2, 0x20);
	emit_alu_imm(em, BPF_SUB, BPF_REG_2, 'a');
	emit_mov_reg(em, BPF_REG_3, BPF_REG_2);
	emit_alu_imm(em, BPF_SUB, BPF_REG_3, 26);
	emit_alu_imm(em, BPF_RSH, BPF_REG_3, 63);	/* 1: a letter */
	emit_alu_imm(em, BPF_SUB, BPF_REG_2, 89);	/* a + 10 - 99 */
	emit_alu_reg(em, BPF_MUL, BPF_REG_2, BPF_REG_3);
	emit_alu_imm(em, BPF_ADD, BPF_REG_2, 99);
	/* r0 = d if d < 10, else r2 */
	emit_mov_reg(em, BPF_REG_0, BPF_REG_1);
	emit_alu_imm(em, BPF_SUB, BPF_REG_0, '0');
	emit_mov_reg(em, BPF_REG_3, BPF_REG_0);
	emit_alu_imm(em, BPF_SUB, BPF_REG_3, 10);
	emit_alu_imm(em, BPF_RSH, BPF_REG_3, 63);	/* 1: a digit */
	emit_alu_reg(em, BPF_SUB, BPF_REG_0, BPF_REG_2);
	emit_alu_reg(em, BPF_MUL, BPF_REG_0, BPF_REG_3);
	emit_alu_reg(em, BPF_ADD, BPF_REG_0, BPF_REG_2);
}

/*
 * strtol(str, base): the kernel's simple_strtol: an optional '-', base 0
 * picks 16 for "0x" followed by a hex digit, 8 for a leading 0, else 10;
 * base 16 skips a "0x"; digits run until one is not below the base;
 * overflow wraps.  No whitespace is skipped.  At most 66 digits are read
 * (64 binary digits and a prefix): the verifier walks every iteration.
 */
static void call_strtol(struct cg *cg, const struct expr *e, const int *a)
{
	struct emitter *em = &cg->em;
	int smark = cg_scratch_mark(cg);
	int tmp = cg_scratch_alloc(cg, e->tok, cg->slot + 8);
	int mark = emit_stack_mark(em);
	int neg = emit_stack_alloc(em, 8), acc = emit_stack_alloc(em, 8);
	int pos = emit_stack_alloc(em, 8), base = emit_stack_alloc(em, 8);
	int nominus = label_new(em), radix_done = label_new(em);
	int hex = label_new(em), loop = label_new(em);
	int end = label_new(em), b16 = label_new(em);

	emit_store_imm(em, BPF_DW, CG_SCRATCH, tmp + cg->slot, 0);
	emit_load(em, BPF_DW, BPF_REG_3, BPF_REG_10, a[0]);
	copy_measure(cg, tmp);
	emit_store_imm(em, BPF_DW, BPF_REG_10, neg, 0);
	emit_store_imm(em, BPF_DW, BPF_REG_10, acc, 0);
	emit_store_imm(em, BPF_DW, BPF_REG_10, pos, 0);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, a[1]);
	emit_store(em, BPF_DW, BPF_REG_10, base, BPF_REG_1);
	emit_load(em, BPF_B, BPF_REG_1, CG_SCRATCH, tmp);
	emit_jcond_imm(em, BPF_JNE, BPF_REG_1, '-', nominus);
	emit_store_imm(em, BPF_DW, BPF_REG_10, neg, 1);
	emit_store_imm(em, BPF_DW, BPF_REG_10, pos, 1);
	label_bind(em, nominus);
	/* r4 = &tmp[pos], pos in {0, 1}; r1, r2 = its first two bytes */
	emit_load(em, BPF_DW, BPF_REG_4, BPF_REG_10, pos);
	emit_alu_imm(em, BPF_AND, BPF_REG_4, 1);
	emit_alu_reg(em, BPF_ADD, BPF_REG_4, CG_SCRATCH);
	emit_alu_imm(em, BPF_ADD, BPF_REG_4, tmp);
	emit_load(em, BPF_B, BPF_REG_1, BPF_REG_4, 0);
	emit_load(em, BPF_B, BPF_REG_2, BPF_REG_4, 1);
	emit_alu_imm(em, BPF_OR, BPF_REG_2, 0x20);
	emit_load(em, BPF_DW, BPF_REG_3, BPF_REG_10, base);
	emit_jcond_imm(em, BPF_JEQ, BPF_REG_3, 16, b16);
	emit_jcond_imm(em, BPF_JNE, BPF_REG_3, 0, radix_done);
	/* base 0 */
	emit_store_imm(em, BPF_DW, BPF_REG_10, base, 10);
	emit_jcond_imm(em, BPF_JNE, BPF_REG_1, '0', radix_done);
	emit_store_imm(em, BPF_DW, BPF_REG_10, base, 8);
	emit_jcond_imm(em, BPF_JNE, BPF_REG_2, 'x', radix_done);
	emit_load(em, BPF_B, BPF_REG_1, BPF_REG_4, 2);
	digit_value(cg);
	emit_jcond_imm(em, BPF_JGT, BPF_REG_0, 15, radix_done);
	emit_store_imm(em, BPF_DW, BPF_REG_10, base, 16);
	emit_jump(em, hex);
	label_bind(em, b16);
	emit_jcond_imm(em, BPF_JNE, BPF_REG_1, '0', radix_done);
	emit_jcond_imm(em, BPF_JNE, BPF_REG_2, 'x', radix_done);
	label_bind(em, hex);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, pos);
	emit_alu_imm(em, BPF_ADD, BPF_REG_1, 2);
	emit_store(em, BPF_DW, BPF_REG_10, pos, BPF_REG_1);
	label_bind(em, radix_done);
	/* the digits; the NUL ends the loop at the latest */
	label_bind(em, loop);
	emit_load(em, BPF_DW, BPF_REG_4, BPF_REG_10, pos);
	emit_jcond_imm(em, BPF_JGE, BPF_REG_4, 66 + 3, end);
	emit_alu_reg(em, BPF_ADD, BPF_REG_4, CG_SCRATCH);
	emit_alu_imm(em, BPF_ADD, BPF_REG_4, tmp);
	emit_load(em, BPF_B, BPF_REG_1, BPF_REG_4, 0);
	digit_value(cg);
	emit_load(em, BPF_DW, BPF_REG_3, BPF_REG_10, base);
	emit_jcond_reg(em, BPF_JGE, BPF_REG_0, BPF_REG_3, end);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, acc);
	emit_alu_reg(em, BPF_MUL, BPF_REG_1, BPF_REG_3);
	emit_alu_reg(em, BPF_ADD, BPF_REG_1, BPF_REG_0);
	emit_store(em, BPF_DW, BPF_REG_10, acc, BPF_REG_1);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, pos);
	emit_alu_imm(em, BPF_ADD, BPF_REG_1, 1);
	emit_store(em, BPF_DW, BPF_REG_10, pos, BPF_REG_1);
	emit_jump(em, loop);
	label_bind(em, end);
	emit_load(em, BPF_DW, BPF_REG_0, BPF_REG_10, acc);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, neg);
	{
		int pos_done = label_new(em);

		emit_jcond_imm(em, BPF_JEQ, BPF_REG_1, 0, pos_done);
		emit_insn(em, INSN_NEG64(BPF_REG_0));
		label_bind(em, pos_done);
	}
	emit_stack_release(em, mark);
	cg_scratch_release(cg, smark);
}

/* r0 = monotonic ns / div, plus the wall-clock offset if gtod */
static void clock_value(struct cg *cg, bool gtod, int32_t div)
{
	struct emitter *em = &cg->em;
	int mark = emit_stack_mark(em), t = emit_stack_alloc(em, 8);
	int none;

	emit_call_helper(em, BPF_FUNC_ktime_get_ns);
	if (gtod) {
		none = label_new(em);
		emit_store(em, BPF_DW, BPF_REG_10, t, BPF_REG_0);
		rt_ctl_ptr(cg, SONDE_CTL_GTOD, none);
		emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_0, 0);
		emit_load(em, BPF_DW, BPF_REG_0, BPF_REG_10, t);
		emit_alu_reg(em, BPF_ADD, BPF_REG_0, BPF_REG_1);
		label_bind(em, none);
	}
	if (div > 1)
		emit_alu_imm(em, BPF_DIV, BPF_REG_0, div);
	emit_stack_release(em, mark);
}

/*
 * isinstr(s1, s2), strpos(s1, s2) and str_replace(s1, s2, s3) search
 * with shift-and (bitap), whose loops have no branch on the data, so
 * the verifier walks each once: mask[c] has bit j set when s2[j] == c;
 * over s1, state = (state << 1 | 1) & mask[c], and bit len2-1 of state
 * marks a match ending there.  A 64-bit state bounds s2 to 64 bytes; a
 * longer one is a run-time error, never a wrong answer.
 */
struct bitap {
	int t1, t2, mask;	/* scratch: s1, s2, 256 masks */
	int len1, len2, i, st;	/* stack slots */
};

/* Copy s1 and s2, r0 = len2; raise the error for a long s2 */
static void bitap_start(struct cg *cg, const struct expr *e, const int *a,
			struct bitap *b)
{
	struct emitter *em = &cg->em;

	b->t1 = cg_scratch_alloc(cg, e->tok, cg->slot);
	b->t2 = cg_scratch_alloc(cg, e->tok, cg->slot + 64);
	b->mask = cg_scratch_alloc(cg, e->tok, 256 * 8);
	b->len1 = emit_stack_alloc(em, 8);
	b->len2 = emit_stack_alloc(em, 8);
	b->i = emit_stack_alloc(em, 8);
	b->st = emit_stack_alloc(em, 8);
	emit_load(em, BPF_DW, BPF_REG_3, BPF_REG_10, a[0]);
	copy_measure(cg, b->t1);
	emit_store(em, BPF_DW, BPF_REG_10, b->len1, BPF_REG_0);
	emit_load(em, BPF_DW, BPF_REG_3, BPF_REG_10, a[1]);
	copy_measure(cg, b->t2);
	emit_store(em, BPF_DW, BPF_REG_10, b->len2, BPF_REG_0);
}

/* The masks, for a non-empty s2 of at most 64 bytes */
static void bitap_masks(struct cg *cg, const struct expr *e, struct bitap *b)
{
	struct emitter *em = &cg->em;
	int ok = label_new(em), build = label_new(em), built = label_new(em);
	int k;

	emit_load(em, BPF_DW, BPF_REG_0, BPF_REG_10, b->len2);
	emit_jcond_imm(em, BPF_JLE, BPF_REG_0, 64, ok);
	rt_raise(cg, "a search string over 64 bytes is not supported by "
		 "the bpf runtime", e->tok);
	label_bind(em, ok);
	for (k = 0; k < 256; k++)
		emit_store_imm(em, BPF_DW, CG_SCRATCH, b->mask + 8 * k, 0);
	/* mask[s2[j]] |= (j < len2) << j, for j < 64 */
	emit_store_imm(em, BPF_DW, BPF_REG_10, b->i, 0);
	label_bind(em, build);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, b->i);
	emit_jcond_imm(em, BPF_JGE, BPF_REG_1, 64, built);
	emit_mov_reg(em, BPF_REG_2, BPF_REG_1);
	emit_alu_reg(em, BPF_ADD, BPF_REG_2, CG_SCRATCH);
	emit_load(em, BPF_B, BPF_REG_2, BPF_REG_2, b->t2);
	emit_alu_imm(em, BPF_LSH, BPF_REG_2, 3);
	emit_alu_reg(em, BPF_ADD, BPF_REG_2, CG_SCRATCH);
	emit_load(em, BPF_DW, BPF_REG_3, BPF_REG_10, b->len2);
	emit_mov_reg(em, BPF_REG_4, BPF_REG_1);
	emit_alu_reg(em, BPF_SUB, BPF_REG_4, BPF_REG_3);
	emit_alu_imm(em, BPF_RSH, BPF_REG_4, 63);
	emit_alu_reg(em, BPF_LSH, BPF_REG_4, BPF_REG_1);
	emit_load(em, BPF_DW, BPF_REG_3, BPF_REG_2, b->mask);
	emit_alu_reg(em, BPF_OR, BPF_REG_3, BPF_REG_4);
	emit_store(em, BPF_DW, BPF_REG_2, b->mask, BPF_REG_3);
	emit_alu_imm(em, BPF_ADD, BPF_REG_1, 1);
	emit_store(em, BPF_DW, BPF_REG_10, b->i, BPF_REG_1);
	emit_jump(em, build);
	label_bind(em, built);
	emit_store_imm(em, BPF_DW, BPF_REG_10, b->i, 0);
	emit_store_imm(em, BPF_DW, BPF_REG_10, b->st, 0);
}

/* The top of the scan: goto out when every byte was seen; else advance
 * the state over s1[i] and leave r3 = 1 if a match ends at i, r4 =
 * len2 - 1, r1 = i */
static void bitap_step(struct cg *cg, struct bitap *b, int out)
{
	struct emitter *em = &cg->em;

	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, b->i);
	emit_jcond_imm(em, BPF_JGE, BPF_REG_1, (int32_t)cg->lim.maxstringlen - 1,
		       out);
	emit_mov_reg(em, BPF_REG_2, BPF_REG_1);
	emit_alu_reg(em, BPF_ADD, BPF_REG_2, CG_SCRATCH);
	emit_load(em, BPF_B, BPF_REG_2, BPF_REG_2, b->t1);
	emit_alu_imm(em, BPF_LSH, BPF_REG_2, 3);
	emit_alu_reg(em, BPF_ADD, BPF_REG_2, CG_SCRATCH);
	emit_load(em, BPF_DW, BPF_REG_2, BPF_REG_2, b->mask);
	emit_load(em, BPF_DW, BPF_REG_3, BPF_REG_10, b->st);
	emit_alu_imm(em, BPF_LSH, BPF_REG_3, 1);
	emit_alu_imm(em, BPF_OR, BPF_REG_3, 1);
	emit_alu_reg(em, BPF_AND, BPF_REG_3, BPF_REG_2);
	/* nothing matches at or past the end of s1: state *= i < len1 */
	emit_load(em, BPF_DW, BPF_REG_4, BPF_REG_10, b->len1);
	emit_mov_reg(em, BPF_REG_5, BPF_REG_1);
	emit_alu_reg(em, BPF_SUB, BPF_REG_5, BPF_REG_4);
	emit_alu_imm(em, BPF_RSH, BPF_REG_5, 63);
	emit_alu_reg(em, BPF_MUL, BPF_REG_3, BPF_REG_5);
	emit_store(em, BPF_DW, BPF_REG_10, b->st, BPF_REG_3);
	emit_load(em, BPF_DW, BPF_REG_4, BPF_REG_10, b->len2);
	emit_alu_imm(em, BPF_SUB, BPF_REG_4, 1);
	emit_alu_reg(em, BPF_RSH, BPF_REG_3, BPF_REG_4);
	emit_alu_imm(em, BPF_AND, BPF_REG_3, 1);
}

/* i += 1; goto top */
static void bitap_next(struct cg *cg, struct bitap *b, int top)
{
	struct emitter *em = &cg->em;

	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, b->i);
	emit_alu_imm(em, BPF_ADD, BPF_REG_1, 1);
	emit_store(em, BPF_DW, BPF_REG_10, b->i, BPF_REG_1);
	emit_jump(em, top);
}

/* r0 = isinstr (1/0) or strpos (first index, -1) */
static void search(struct cg *cg, const struct expr *e, const int *a, bool pos)
{
	struct emitter *em = &cg->em;
	int smark = cg_scratch_mark(cg), mark = emit_stack_mark(em);
	int res = emit_stack_alloc(em, 8);
	int scan = label_new(em), done = label_new(em);
	struct bitap b;

	bitap_start(cg, e, a, &b);
	/* an empty s2 is found at 0 */
	emit_store_imm(em, BPF_DW, BPF_REG_10, res, pos ? 0 : 1);
	emit_jcond_imm(em, BPF_JEQ, BPF_REG_0, 0, done);
	emit_store_imm(em, BPF_DW, BPF_REG_10, res, pos ? -1 : 0);
	bitap_masks(cg, e, &b);
	label_bind(em, scan);
	bitap_step(cg, &b, done);
	emit_load(em, BPF_DW, BPF_REG_5, BPF_REG_10, res);
	if (pos) {
		/* the first: res += take * (i - len2 + 1 - res), take when
		 * res is still -1 */
		emit_mov_reg(em, BPF_REG_2, BPF_REG_5);
		emit_alu_imm(em, BPF_RSH, BPF_REG_2, 63);
		emit_alu_reg(em, BPF_AND, BPF_REG_3, BPF_REG_2);
		emit_alu_reg(em, BPF_SUB, BPF_REG_1, BPF_REG_4);
		emit_alu_reg(em, BPF_SUB, BPF_REG_1, BPF_REG_5);
		emit_alu_reg(em, BPF_MUL, BPF_REG_1, BPF_REG_3);
		emit_alu_reg(em, BPF_ADD, BPF_REG_5, BPF_REG_1);
	} else {
		emit_alu_reg(em, BPF_OR, BPF_REG_5, BPF_REG_3);
	}
	emit_store(em, BPF_DW, BPF_REG_10, res, BPF_REG_5);
	bitap_next(cg, &b, scan);
	label_bind(em, done);
	emit_load(em, BPF_DW, BPF_REG_0, BPF_REG_10, res);
	emit_stack_release(em, mark);
	cg_scratch_release(cg, smark);
}

/* A power of two above MAXSTRINGLEN: masks that bound offsets and
 * sizes for the verifier */
static int pow2_above(unsigned n)
{
	int p = 8;

	while ((unsigned)p <= n)
		p *= 2;
	return p;
}

/* The string result at scratch res is done: the stack frame from mark
 * and the scratch from smark given back, r0 = the result */
static void result_release(struct cg *cg, int res, int mark, int smark)
{
	struct emitter *em = &cg->em;

	emit_stack_release(em, mark);
	cg_scratch_release(cg, smark);
	emit_mov_reg(em, BPF_REG_0, CG_SCRATCH);
	emit_alu_imm(em, BPF_ADD, BPF_REG_0, res);
}

/* reg = 0 unless reg < bound (unsigned): a NUL offset the verifier
 * can see inside the result */
static void zero_unless_below(struct emitter *em, int reg, int bound)
{
	int ok = label_new(em);

	emit_jcond_imm(em, BPF_JLT, reg, bound, ok);
	emit_mov_imm(em, reg, 0);
	label_bind(em, ok);
}

/* r1 = min(slot len, MAXSTRINGLEN-1), masked for the verifier: where the
 * NUL of a result that long goes */
static void clamp_len(struct cg *cg, int len)
{
	struct emitter *em = &cg->em;

	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, len);
	emit_mov_imm(em, BPF_REG_2, (int32_t)cg->lim.maxstringlen - 1);
	emit_alu_reg(em, BPF_SUB, BPF_REG_1, BPF_REG_2);
	emit_mov_reg(em, BPF_REG_3, BPF_REG_1);
	emit_alu_imm(em, BPF_RSH, BPF_REG_3, 63);
	emit_alu_reg(em, BPF_MUL, BPF_REG_1, BPF_REG_3);
	emit_alu_reg(em, BPF_ADD, BPF_REG_1, BPF_REG_2);
	emit_alu_imm(em, BPF_AND, BPF_REG_1, pow2_above(cg->lim.maxstringlen) - 1);
}

/* Append n bytes (slot ns, 0 <= n < MAXSTRINGLEN) from the address in
 * slot src to the result at scratch res (2 * p2 bytes) whose length is
 * in slot len: at min(len, MAXSTRINGLEN-1), so bytes past the end fall
 * in the slack and the final NUL cuts them, as strlcat would */
static void append_run(struct cg *cg, int res, int len, int ns, int src)
{
	struct emitter *em = &cg->em;
	int m = pow2_above(cg->lim.maxstringlen) - 1;

	clamp_len(cg, len);
	emit_alu_reg(em, BPF_ADD, BPF_REG_1, CG_SCRATCH);
	emit_alu_imm(em, BPF_ADD, BPF_REG_1, res);
	emit_load(em, BPF_DW, BPF_REG_2, BPF_REG_10, ns);
	emit_alu_imm(em, BPF_AND, BPF_REG_2, m);
	emit_load(em, BPF_DW, BPF_REG_3, BPF_REG_10, src);
	emit_call_helper(em, BPF_FUNC_probe_read_kernel);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, len);
	emit_load(em, BPF_DW, BPF_REG_2, BPF_REG_10, ns);
	emit_alu_imm(em, BPF_AND, BPF_REG_2, m);
	emit_alu_reg(em, BPF_ADD, BPF_REG_1, BPF_REG_2);
	emit_store(em, BPF_DW, BPF_REG_10, len, BPF_REG_1);
}

/* slot src = scratch + off + (slot base, masked) */
static void set_src(struct cg *cg, int src, int off, int base)
{
	struct emitter *em = &cg->em;

	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, base);
	emit_alu_imm(em, BPF_AND, BPF_REG_1, pow2_above(cg->lim.maxstringlen) - 1);
	emit_alu_reg(em, BPF_ADD, BPF_REG_1, CG_SCRATCH);
	emit_alu_imm(em, BPF_ADD, BPF_REG_1, off);
	emit_store(em, BPF_DW, BPF_REG_10, src, BPF_REG_1);
}

/* str_replace and text_str each cost the verifier a quarter to a third
 * of what it walks for one program: two per probe */
static void heavy(struct cg *cg, const struct expr *e)
{
	if (++cg->nheavy == 3)
		cg_unsupported(cg, e->tok, "a third str_replace or text_str in "
			       "one probe (each costs the verifier some 300000 "
			       "instructions)");
}

/*
 * str_replace(s1, s2, s3): every match of s2, left to right and not
 * overlapping, replaced by s3, the result cut at MAXSTRINGLEN-1 bytes
 * (upstream's strstr/strlcat loop).  At each byte the pending piece of
 * s1 and s3 are appended with n = 0 bytes when no match ends there, so
 * the loop has no branch on the data.  Still, the verifier walks some
 * 300000 instructions for one call, so a probe may make two.
 */
static void call_str_replace(struct cg *cg, const struct expr *e, const int *a)
{
	struct emitter *em = &cg->em;
	int res = cg_scratch_alloc(cg, e->tok,
				   2 * pow2_above(cg->lim.maxstringlen));
	int smark = cg_scratch_mark(cg), mark = emit_stack_mark(em);
	int t3 = cg_scratch_alloc(cg, e->tok, cg->slot);
	int len = emit_stack_alloc(em, 8), base = emit_stack_alloc(em, 8);
	int ns = emit_stack_alloc(em, 8), src = emit_stack_alloc(em, 8);
	int len3 = emit_stack_alloc(em, 8), hit = emit_stack_alloc(em, 8);
	int scan = label_new(em), tail = label_new(em);
	struct bitap b;

	heavy(cg, e);
	bitap_start(cg, e, a, &b);
	emit_store_imm(em, BPF_DW, BPF_REG_10, len, 0);
	emit_store_imm(em, BPF_DW, BPF_REG_10, base, 0);
	emit_load(em, BPF_DW, BPF_REG_3, BPF_REG_10, a[2]);
	copy_measure(cg, t3);
	emit_store(em, BPF_DW, BPF_REG_10, len3, BPF_REG_0);
	/* an empty s2 replaces nothing */
	emit_load(em, BPF_DW, BPF_REG_0, BPF_REG_10, b.len2);
	emit_jcond_imm(em, BPF_JEQ, BPF_REG_0, 0, tail);
	bitap_masks(cg, e, &b);
	label_bind(em, scan);
	bitap_step(cg, &b, tail);
	emit_store(em, BPF_DW, BPF_REG_10, hit, BPF_REG_3);
	/* a match starts over: st *= 1 - hit */
	emit_load(em, BPF_DW, BPF_REG_2, BPF_REG_10, b.st);
	emit_mov_reg(em, BPF_REG_5, BPF_REG_3);
	emit_alu_imm(em, BPF_XOR, BPF_REG_5, 1);
	emit_alu_reg(em, BPF_MUL, BPF_REG_2, BPF_REG_5);
	emit_store(em, BPF_DW, BPF_REG_10, b.st, BPF_REG_2);
	/* the piece s1[base, i - len2 + 1), hit times */
	emit_load(em, BPF_DW, BPF_REG_2, BPF_REG_10, base);
	emit_alu_reg(em, BPF_SUB, BPF_REG_1, BPF_REG_4);
	emit_alu_reg(em, BPF_SUB, BPF_REG_1, BPF_REG_2);
	emit_alu_reg(em, BPF_MUL, BPF_REG_1, BPF_REG_3);
	emit_store(em, BPF_DW, BPF_REG_10, ns, BPF_REG_1);
	set_src(cg, src, b.t1, base);
	append_run(cg, res, len, ns, src);
	/* then s3, hit times */
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, len3);
	emit_load(em, BPF_DW, BPF_REG_3, BPF_REG_10, hit);
	emit_alu_reg(em, BPF_MUL, BPF_REG_1, BPF_REG_3);
	emit_store(em, BPF_DW, BPF_REG_10, ns, BPF_REG_1);
	emit_mov_reg(em, BPF_REG_1, CG_SCRATCH);
	emit_alu_imm(em, BPF_ADD, BPF_REG_1, t3);
	emit_store(em, BPF_DW, BPF_REG_10, src, BPF_REG_1);
	append_run(cg, res, len, ns, src);
	/* base += hit * (i + 1 - base) */
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, b.i);
	emit_alu_imm(em, BPF_ADD, BPF_REG_1, 1);
	emit_load(em, BPF_DW, BPF_REG_2, BPF_REG_10, base);
	emit_alu_reg(em, BPF_SUB, BPF_REG_1, BPF_REG_2);
	emit_load(em, BPF_DW, BPF_REG_3, BPF_REG_10, hit);
	emit_alu_reg(em, BPF_MUL, BPF_REG_1, BPF_REG_3);
	emit_alu_reg(em, BPF_ADD, BPF_REG_2, BPF_REG_1);
	emit_store(em, BPF_DW, BPF_REG_10, base, BPF_REG_2);
	bitap_next(cg, &b, scan);
	/* the rest of s1, then the NUL at min(len, MAXSTRINGLEN-1) */
	label_bind(em, tail);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, b.len1);
	emit_load(em, BPF_DW, BPF_REG_2, BPF_REG_10, base);
	emit_alu_reg(em, BPF_SUB, BPF_REG_1, BPF_REG_2);
	emit_store(em, BPF_DW, BPF_REG_10, ns, BPF_REG_1);
	set_src(cg, src, b.t1, base);
	append_run(cg, res, len, ns, src);
	clamp_len(cg, len);
	emit_alu_reg(em, BPF_ADD, BPF_REG_1, CG_SCRATCH);
	emit_store_imm(em, BPF_B, BPF_REG_1, res, 0);
	result_release(cg, res, mark, smark);
}

static void call_isinstr(struct cg *cg, const struct expr *e, const int *a)
{
	search(cg, e, a, false);
}

static void call_strpos(struct cg *cg, const struct expr *e, const int *a)
{
	search(cg, e, a, true);
}

/* reg = the table of 3-byte names at scratch off */
static void name_table(struct cg *cg, int off, const char *names)
{
	struct emitter *em = &cg->em;
	size_t len = strlen(names), k;
	uint64_t w;

	for (k = 0; k < len; k += 8) {
		w = 0;
		memcpy(&w, names + k, len - k < 8 ? len - k : 8);
		emit_ld_imm64(em, BPF_REG_1, w);
		emit_store(em, BPF_DW, CG_SCRATCH, off + (int)k, BPF_REG_1);
	}
}

/* res[at..at+3) = the name number (slot idx, masked with mask) of the
 * table at scratch tab */
static void put_name(struct cg *cg, int res, int at, int tab, int idx,
		     int mask)
{
	struct emitter *em = &cg->em;
	int k;

	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, idx);
	emit_alu_imm(em, BPF_AND, BPF_REG_1, mask);
	emit_alu_imm(em, BPF_MUL, BPF_REG_1, 3);
	emit_alu_reg(em, BPF_ADD, BPF_REG_1, CG_SCRATCH);
	for (k = 0; k < 3; k++) {
		emit_load(em, BPF_B, BPF_REG_2, BPF_REG_1, tab + k);
		emit_store(em, BPF_B, CG_SCRATCH, res + at + k, BPF_REG_2);
	}
}

/* res[at..at+n) = the n low decimal digits of slot v; with blank, a
 * leading zero is a space (%3d of a day) */
static void put_digits(struct cg *cg, int res, int at, int v, int n,
		       bool blank)
{
	struct emitter *em = &cg->em;
	int k;

	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, v);
	for (k = n - 1; k >= 0; k--) {
		emit_mov_reg(em, BPF_REG_2, BPF_REG_1);
		emit_alu_imm(em, BPF_MOD, BPF_REG_2, 10);
		emit_alu_imm(em, BPF_ADD, BPF_REG_2, '0');
		if (blank && k == 0) {
			/* '0' becomes ' ': c -= 16 * (c == '0') */
			emit_mov_reg(em, BPF_REG_3, BPF_REG_2);
			emit_alu_imm(em, BPF_SUB, BPF_REG_3, '1');
			emit_alu_imm(em, BPF_RSH, BPF_REG_3, 63);
			emit_alu_imm(em, BPF_MUL, BPF_REG_3, '0' - ' ');
			emit_alu_reg(em, BPF_SUB, BPF_REG_2, BPF_REG_3);
		}
		emit_store(em, BPF_B, CG_SCRATCH, res + at + k, BPF_REG_2);
		emit_alu_imm(em, BPF_DIV, BPF_REG_1, 10);
	}
}

/*
 * ctime(epochsecs): "Wed Jun 30 21:49:08 1993", upstream's
 * "%.3s %.3s%3d %.2d:%.2d:%.2d %d" of the UTC date, for times that fit
 * in a signed 32-bit time_t (else an error, worded as ctime.stp words
 * it).  The date is arithmetic without loops or branches (days to civil
 * date as in H. Hinnant's chrono algorithms), after adding 400 years so
 * every division is of a positive number.
 */
static void call_ctime(struct cg *cg, const struct expr *e, const int *a)
{
	struct emitter *em = &cg->em;
	int res = cg_scratch_alloc(cg, e->tok, cg->slot);
	int smark = cg_scratch_mark(cg), mark = emit_stack_mark(em);
	int days = cg_scratch_alloc(cg, e->tok, 24);
	int mons = cg_scratch_alloc(cg, e->tok, 48);
	int wday = emit_stack_alloc(em, 8), mon = emit_stack_alloc(em, 8);
	int mday = emit_stack_alloc(em, 8), year = emit_stack_alloc(em, 8);
	int hh = emit_stack_alloc(em, 8), mm = emit_stack_alloc(em, 8);
	int ss = emit_stack_alloc(em, 8);
	int past = label_new(em), ok = label_new(em), fine = label_new(em);
	const int64_t era = 146097, shift = era * 86400;

	emit_store_imm(em, BPF_B, CG_SCRATCH, res, 0);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, a[0]);
	emit_ld_imm64(em, BPF_REG_2, 2147483647ULL);
	emit_jcond_reg(em, BPF_JSLE, BPF_REG_1, BPF_REG_2, past);
	rt_raise(cg, "Time too far in the future to be converted", e->tok);
	label_bind(em, past);
	emit_ld_imm64(em, BPF_REG_2, (uint64_t)-2147483648LL);
	emit_jcond_reg(em, BPF_JSGE, BPF_REG_1, BPF_REG_2, ok);
	rt_raise(cg, "Time too far in the past to be converted", e->tok);
	label_bind(em, ok);
	/* r1 = t + 400 years, positive; seconds of the day, days */
	emit_ld_imm64(em, BPF_REG_2, (uint64_t)shift);
	emit_alu_reg(em, BPF_ADD, BPF_REG_1, BPF_REG_2);
	emit_mov_reg(em, BPF_REG_2, BPF_REG_1);
	emit_alu_imm(em, BPF_MOD, BPF_REG_2, 86400);
	emit_mov_reg(em, BPF_REG_3, BPF_REG_2);
	emit_alu_imm(em, BPF_DIV, BPF_REG_3, 3600);
	emit_store(em, BPF_DW, BPF_REG_10, hh, BPF_REG_3);
	emit_mov_reg(em, BPF_REG_3, BPF_REG_2);
	emit_alu_imm(em, BPF_MOD, BPF_REG_3, 3600);
	emit_alu_imm(em, BPF_DIV, BPF_REG_3, 60);
	emit_store(em, BPF_DW, BPF_REG_10, mm, BPF_REG_3);
	emit_alu_imm(em, BPF_MOD, BPF_REG_2, 60);
	emit_store(em, BPF_DW, BPF_REG_10, ss, BPF_REG_2);
	emit_alu_imm(em, BPF_DIV, BPF_REG_1, 86400);	/* days since 1570 */
	emit_mov_reg(em, BPF_REG_2, BPF_REG_1);
	emit_alu_imm(em, BPF_ADD, BPF_REG_2, 4);	/* 1970-01-01: Thursday */
	emit_alu_imm(em, BPF_MOD, BPF_REG_2, 7);
	emit_store(em, BPF_DW, BPF_REG_10, wday, BPF_REG_2);
	/* civil date: z = days + 719468 (from 0000-03-01) */
	emit_alu_imm(em, BPF_ADD, BPF_REG_1, 719468);
	emit_mov_reg(em, BPF_REG_5, BPF_REG_1);
	emit_alu_imm(em, BPF_DIV, BPF_REG_5, (int32_t)era);	/* era */
	emit_mov_reg(em, BPF_REG_2, BPF_REG_5);
	emit_alu_imm(em, BPF_MUL, BPF_REG_2, (int32_t)era);
	emit_alu_reg(em, BPF_SUB, BPF_REG_1, BPF_REG_2);	/* doe */
	/* yoe = (doe - doe/1460 + doe/36524 - doe/146096) / 365 */
	emit_mov_reg(em, BPF_REG_3, BPF_REG_1);
	emit_mov_reg(em, BPF_REG_2, BPF_REG_1);
	emit_alu_imm(em, BPF_DIV, BPF_REG_2, 1460);
	emit_alu_reg(em, BPF_SUB, BPF_REG_3, BPF_REG_2);
	emit_mov_reg(em, BPF_REG_2, BPF_REG_1);
	emit_alu_imm(em, BPF_DIV, BPF_REG_2, 36524);
	emit_alu_reg(em, BPF_ADD, BPF_REG_3, BPF_REG_2);
	emit_mov_reg(em, BPF_REG_2, BPF_REG_1);
	emit_alu_imm(em, BPF_DIV, BPF_REG_2, 146096);
	emit_alu_reg(em, BPF_SUB, BPF_REG_3, BPF_REG_2);
	emit_alu_imm(em, BPF_DIV, BPF_REG_3, 365);		/* yoe */
	/* doy = doe - (365 * yoe + yoe/4 - yoe/100) */
	emit_mov_reg(em, BPF_REG_2, BPF_REG_3);
	emit_alu_imm(em, BPF_MUL, BPF_REG_2, 365);
	emit_mov_reg(em, BPF_REG_4, BPF_REG_3);
	emit_alu_imm(em, BPF_DIV, BPF_REG_4, 4);
	emit_alu_reg(em, BPF_ADD, BPF_REG_2, BPF_REG_4);
	emit_mov_reg(em, BPF_REG_4, BPF_REG_3);
	emit_alu_imm(em, BPF_DIV, BPF_REG_4, 100);
	emit_alu_reg(em, BPF_SUB, BPF_REG_2, BPF_REG_4);
	emit_alu_reg(em, BPF_SUB, BPF_REG_1, BPF_REG_2);	/* doy */
	/* y = yoe + 400 * era - 400 (the shift) */
	emit_alu_imm(em, BPF_MUL, BPF_REG_5, 400);
	emit_alu_reg(em, BPF_ADD, BPF_REG_3, BPF_REG_5);
	emit_alu_imm(em, BPF_SUB, BPF_REG_3, 400);
	/* mp = (5 * doy + 2) / 153; d = doy - (153 * mp + 2) / 5 + 1 */
	emit_mov_reg(em, BPF_REG_2, BPF_REG_1);
	emit_alu_imm(em, BPF_MUL, BPF_REG_2, 5);
	emit_alu_imm(em, BPF_ADD, BPF_REG_2, 2);
	emit_alu_imm(em, BPF_DIV, BPF_REG_2, 153);		/* mp */
	emit_mov_reg(em, BPF_REG_4, BPF_REG_2);
	emit_alu_imm(em, BPF_MUL, BPF_REG_4, 153);
	emit_alu_imm(em, BPF_ADD, BPF_REG_4, 2);
	emit_alu_imm(em, BPF_DIV, BPF_REG_4, 5);
	emit_alu_reg(em, BPF_SUB, BPF_REG_1, BPF_REG_4);
	emit_alu_imm(em, BPF_ADD, BPF_REG_1, 1);
	emit_store(em, BPF_DW, BPF_REG_10, mday, BPF_REG_1);
	/* month index m - 1 = mp + 2 - 12 * (mp >= 10); y += (m <= 2) */
	emit_mov_reg(em, BPF_REG_4, BPF_REG_2);
	emit_alu_imm(em, BPF_SUB, BPF_REG_4, 10);
	emit_alu_imm(em, BPF_RSH, BPF_REG_4, 63);
	emit_alu_imm(em, BPF_XOR, BPF_REG_4, 1);		/* mp >= 10 */
	emit_alu_reg(em, BPF_ADD, BPF_REG_3, BPF_REG_4);
	emit_store(em, BPF_DW, BPF_REG_10, year, BPF_REG_3);
	emit_alu_imm(em, BPF_MUL, BPF_REG_4, 12);
	emit_alu_imm(em, BPF_ADD, BPF_REG_2, 2);
	emit_alu_reg(em, BPF_SUB, BPF_REG_2, BPF_REG_4);
	emit_store(em, BPF_DW, BPF_REG_10, mon, BPF_REG_2);
	/* "Www Mmm dd hh:mm:ss yyyy" */
	name_table(cg, days, "SunMonTueWedThuFriSat");
	name_table(cg, mons, "JanFebMarAprMayJunJulAugSepOctNovDec");
	put_name(cg, res, 0, days, wday, 7);
	emit_store_imm(em, BPF_B, CG_SCRATCH, res + 3, ' ');
	put_name(cg, res, 4, mons, mon, 15);
	emit_store_imm(em, BPF_B, CG_SCRATCH, res + 7, ' ');
	put_digits(cg, res, 8, mday, 2, true);
	emit_store_imm(em, BPF_B, CG_SCRATCH, res + 10, ' ');
	put_digits(cg, res, 11, hh, 2, false);
	emit_store_imm(em, BPF_B, CG_SCRATCH, res + 13, ':');
	put_digits(cg, res, 14, mm, 2, false);
	emit_store_imm(em, BPF_B, CG_SCRATCH, res + 16, ':');
	put_digits(cg, res, 17, ss, 2, false);
	emit_store_imm(em, BPF_B, CG_SCRATCH, res + 19, ' ');
	put_digits(cg, res, 20, year, 4, false);
	emit_store_imm(em, BPF_B, CG_SCRATCH, res + 24, 0);
	label_bind(em, fine);
	result_release(cg, res, mark, smark);
}

struct strfn {
	const char *name;
	int nargs;
	void (*gen)(struct cg *cg, const struct expr *e, const int *slots);
};

static void call_strlen(struct cg *cg, const struct expr *e, const int *a)
{
	(void)e;
	emit_load(&cg->em, BPF_DW, BPF_REG_1, BPF_REG_10, a[0]);
	cg_strlen(cg);
}

/* isdigit(str): the first byte is 0..9 */
static void call_isdigit(struct cg *cg, const struct expr *e, const int *a)
{
	struct emitter *em = &cg->em;

	(void)e;
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, a[0]);
	emit_load(em, BPF_B, BPF_REG_1, BPF_REG_1, 0);
	emit_alu_imm(em, BPF_SUB, BPF_REG_1, '0');
	/* t = c - '0' in [-48, 207]: a digit when t - 10 < 0 but not t,
	 * i.e. ((t - 10) >> 63) ^ (t >> 63), without a branch */
	emit_mov_reg(em, BPF_REG_0, BPF_REG_1);
	emit_alu_imm(em, BPF_SUB, BPF_REG_0, 10);
	emit_alu_imm(em, BPF_RSH, BPF_REG_0, 63);
	emit_alu_imm(em, BPF_RSH, BPF_REG_1, 63);
	emit_alu_reg(em, BPF_XOR, BPF_REG_0, BPF_REG_1);
}

static void call_errno_str(struct cg *cg, const struct expr *e,
			   const int *a);
static void call_tokenize1(struct cg *cg, const struct expr *e,
			   const int *a);
static void call_text_str(struct cg *cg, const struct expr *e, const int *a);
static void call_tokenize2(struct cg *cg, const struct expr *e,
			   const int *a);

static const struct strfn strfns[] = {
	{ "strlen", 1, call_strlen },
	{ "substr", 3, call_substr },
	{ "stringat", 2, call_stringat },
	{ "isdigit", 1, call_isdigit },
	{ "strtol", 2, call_strtol },
	{ "isinstr", 2, call_isinstr },
	{ "strpos", 2, call_strpos },
	{ "str_replace", 3, call_str_replace },
	{ "ctime", 1, call_ctime },
	{ "errno_str", 1, call_errno_str },
	{ "tokenize", 1, call_tokenize1 },
	{ "tokenize", 2, call_tokenize2 },
	{ "text_str", 1, call_text_str },
};

/* The clocks: name, wall clock or not, divisor */
static const struct { const char *name; bool gtod; int32_t div; } clocks[] = {
	{ "gettimeofday_ns", true, 1 },
	{ "gettimeofday_us", true, 1000 },
	{ "gettimeofday_ms", true, 1000000 },
	{ "gettimeofday_s", true, 1000000000 },
	{ "local_clock_ns", false, 1 },
	{ "local_clock_us", false, 1000 },
	{ "local_clock_ms", false, 1000000 },
	{ "local_clock_s", false, 1000000000 },
	{ "ktime_get_ns", false, 1 },
};

/* The kernel's errno names, as upstream errno.stp lists them (Linux's
 * generic numbering, which x86-64 and arm64 use) */
static const char *const errno_names[] = {
	[1] = "EPERM", [2] = "ENOENT", [3] = "ESRCH", [4] = "EINTR",
	[5] = "EIO", [6] = "ENXIO", [7] = "E2BIG", [8] = "ENOEXEC",
	[9] = "EBADF", [10] = "ECHILD", [11] = "EAGAIN", [12] = "ENOMEM",
	[13] = "EACCES", [14] = "EFAULT", [15] = "ENOTBLK", [16] = "EBUSY",
	[17] = "EEXIST", [18] = "EXDEV", [19] = "ENODEV", [20] = "ENOTDIR",
	[21] = "EISDIR", [22] = "EINVAL", [23] = "ENFILE", [24] = "EMFILE",
	[25] = "ENOTTY", [26] = "ETXTBSY", [27] = "EFBIG", [28] = "ENOSPC",
	[29] = "ESPIPE", [30] = "EROFS", [31] = "EMLINK", [32] = "EPIPE",
	[33] = "EDOM", [34] = "ERANGE", [35] = "EDEADLK",
	[36] = "ENAMETOOLONG", [37] = "ENOLCK", [38] = "ENOSYS",
	[39] = "ENOTEMPTY", [40] = "ELOOP", [42] = "ENOMSG", [43] = "EIDRM",
	[44] = "ECHRNG", [45] = "EL2NSYNC", [46] = "EL3HLT", [47] = "EL3RST",
	[48] = "ELNRNG", [49] = "EUNATCH", [50] = "ENOCSI", [51] = "EL2HLT",
	[52] = "EBADE", [53] = "EBADR", [54] = "EXFULL", [55] = "ENOANO",
	[56] = "EBADRQC", [57] = "EBADSLT", [59] = "EBFONT", [60] = "ENOSTR",
	[61] = "ENODATA", [62] = "ETIME", [63] = "ENOSR", [64] = "ENONET",
	[65] = "ENOPKG", [66] = "EREMOTE", [67] = "ENOLINK", [68] = "EADV",
	[69] = "ESRMNT", [70] = "ECOMM", [71] = "EPROTO", [72] = "EMULTIHOP",
	[73] = "EDOTDOT", [74] = "EBADMSG", [75] = "EOVERFLOW",
	[76] = "ENOTUNIQ", [77] = "EBADFD", [78] = "EREMCHG",
	[79] = "ELIBACC", [80] = "ELIBBAD", [81] = "ELIBSCN",
	[82] = "ELIBMAX", [83] = "ELIBEXEC", [84] = "EILSEQ",
	[85] = "ERESTART", [86] = "ESTRPIPE", [87] = "EUSERS",
	[88] = "ENOTSOCK", [89] = "EDESTADDRREQ", [90] = "EMSGSIZE",
	[91] = "EPROTOTYPE", [92] = "ENOPROTOOPT", [93] = "EPROTONOSUPPORT",
	[94] = "ESOCKTNOSUPPORT", [95] = "EOPNOTSUPP", [96] = "EPFNOSUPPORT",
	[97] = "EAFNOSUPPORT", [98] = "EADDRINUSE", [99] = "EADDRNOTAVAIL",
	[100] = "ENETDOWN", [101] = "ENETUNREACH", [102] = "ENETRESET",
	[103] = "ECONNABORTED", [104] = "ECONNRESET", [105] = "ENOBUFS",
	[106] = "EISCONN", [107] = "ENOTCONN", [108] = "ESHUTDOWN",
	[109] = "ETOOMANYREFS", [110] = "ETIMEDOUT", [111] = "ECONNREFUSED",
	[112] = "EHOSTDOWN", [113] = "EHOSTUNREACH", [114] = "EALREADY",
	[115] = "EINPROGRESS", [116] = "ESTALE", [117] = "EUCLEAN",
	[118] = "ENOTNAM", [119] = "ENAVAIL", [120] = "EISNAM",
	[121] = "EREMOTEIO", [122] = "EDQUOT", [123] = "ENOMEDIUM",
	[124] = "EMEDIUMTYPE", [125] = "ECANCELED", [126] = "ENOKEY",
	[127] = "EKEYEXPIRED", [128] = "EKEYREVOKED", [129] = "EKEYREJECTED",
	[130] = "EOWNERDEAD", [131] = "ENOTRECOVERABLE"
};

/*
 * errno_str(err): the name of |err|, "" for a number without one.  A
 * chain of compares, each storing its literal: the stores are to map
 * memory, which the verifier does not track, so every way rejoins.
 */
static void call_errno_str(struct cg *cg, const struct expr *e, const int *a)
{
	struct emitter *em = &cg->em;
	int res = cg_scratch_alloc(cg, e->tok, cg->slot);
	int done = label_new(em), next, k;
	size_t i, n, len;
	uint64_t w;

	emit_store_imm(em, BPF_B, CG_SCRATCH, res, 0);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, a[0]);
	next = label_new(em);
	emit_jcond_imm(em, BPF_JSGE, BPF_REG_1, 0, next);
	emit_insn(em, INSN_NEG64(BPF_REG_1));
	label_bind(em, next);
	n = sizeof(errno_names) / sizeof(errno_names[0]);
	for (i = 1; i < n; i++) {
		if (!errno_names[i])
			continue;
		next = label_new(em);
		emit_jcond_imm(em, BPF_JNE, BPF_REG_1, (int32_t)i, next);
		len = strlen(errno_names[i]);
		for (k = 0; k <= (int)len; k += 8) {
			w = 0;
			memcpy(&w, errno_names[i] + k, len - k < 8 ? len - k : 8);
			emit_ld_imm64(em, BPF_REG_2, w);
			emit_store(em, BPF_DW, CG_SCRATCH, res + k, BPF_REG_2);
		}
		emit_jump(em, done);
		label_bind(em, next);
	}
	label_bind(em, done);
	emit_mov_reg(em, BPF_REG_0, CG_SCRATCH);
	emit_alu_imm(em, BPF_ADD, BPF_REG_0, res);
}

/* ppfunc(): the function name in pp(), known when translating: after
 * function(" or statement(", up to '@' or '"' (upstream's parse) */
static void call_ppfunc(struct cg *cg, const struct expr *e)
{
	const char *pp = cg->point ? cg->point->pp : "begin";
	const char *p, *end;

	if ((p = strstr(pp, "function(\"")))
		p += 10;
	else if ((p = strstr(pp, "statement(\"")))
		p += 11;
	if (!p) {
		cg_str_literal(cg, e->tok, "", 0);
		return;
	}
	end = p + strcspn(p, "@\"");
	cg_str_literal(cg, e->tok, p, (size_t)(end - p));
}

/*
 * tokenize(input, delim) and tokenize(delim): upstream keeps the string
 * being split in the probe context, which outlives a hit on its CPU; so
 * does the per-CPU map sonde_tok: the string, then the offset where the
 * next token search starts (-1: none left) and the string's length.
 * A non-empty input starts over.  The token is the first run of bytes
 * not in delim after skipping bytes in delim (strsep in a loop that
 * skips empty tokens); one pass without data branches finds its start p
 * and end q: p = first i >= start not in delim, q = first i >= p in
 * delim or at the end.
 */
static void call_tokenize(struct cg *cg, const struct expr *e, const int *a,
			  bool fresh)
{
	struct emitter *em = &cg->em;
	int res = cg_scratch_alloc(cg, e->tok, cg->slot);
	int smark = cg_scratch_mark(cg), mark = emit_stack_mark(em);
	int dl = cg_scratch_alloc(cg, e->tok, cg->slot);
	int set = cg_scratch_alloc(cg, e->tok, 32);
	int st = emit_stack_alloc(em, 8), dlen = emit_stack_alloc(em, 8);
	int i = emit_stack_alloc(em, 8), p = emit_stack_alloc(em, 8);
	int q = emit_stack_alloc(em, 8);
	int map = -1, k, done = label_new(em), keep, fits;
	int build = label_new(em), built = label_new(em), scan = label_new(em);
	int scanned = label_new(em), last = label_new(em);
	int slot = (int)cg->slot;

	for (k = 0; k < cg->nmaps; k++)
		if (!strcmp(cg->maps[k].name, "sonde_tok"))
			map = k;
	if (map < 0)
		map = cg_add_map(cg, "sonde_tok", BPF_MAP_TYPE_PERCPU_ARRAY, 4,
				 cg->slot + 16, 1);
	emit_store_imm(em, BPF_B, CG_SCRATCH, res, 0);
	rt_lookup0(cg, map, done);
	emit_store(em, BPF_DW, BPF_REG_10, st, BPF_REG_0);
	if (fresh) {
		keep = label_new(em);
		fits = label_new(em);
		emit_load(em, BPF_DW, BPF_REG_3, BPF_REG_10, a[0]);
		emit_load(em, BPF_B, BPF_REG_1, BPF_REG_3, 0);
		emit_jcond_imm(em, BPF_JEQ, BPF_REG_1, 0, keep);
		emit_mov_reg(em, BPF_REG_1, BPF_REG_0);
		emit_mov_imm(em, BPF_REG_2, (int32_t)cg->lim.maxstringlen);
		emit_call_helper(em, BPF_FUNC_probe_read_kernel_str);
		emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, st);
		emit_alu_imm(em, BPF_SUB, BPF_REG_0, 1);
		emit_alu_imm(em, BPF_AND, BPF_REG_0, 0xffff);	/* errors: 0 below */
		emit_jcond_imm(em, BPF_JLT, BPF_REG_0, slot, fits);
		emit_mov_imm(em, BPF_REG_0, 0);
		label_bind(em, fits);
		emit_store(em, BPF_DW, BPF_REG_1, slot + 8, BPF_REG_0);
		emit_store_imm(em, BPF_DW, BPF_REG_1, slot, 0);
		label_bind(em, keep);
	}
	/* the delimiters as a 256-bit set */
	emit_load(em, BPF_DW, BPF_REG_3, BPF_REG_10, a[fresh ? 1 : 0]);
	copy_measure(cg, dl);
	emit_store(em, BPF_DW, BPF_REG_10, dlen, BPF_REG_0);
	for (k = 0; k < 4; k++)
		emit_store_imm(em, BPF_DW, CG_SCRATCH, set + 8 * k, 0);
	emit_store_imm(em, BPF_DW, BPF_REG_10, i, 0);
	label_bind(em, build);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, i);
	emit_jcond_imm(em, BPF_JGE, BPF_REG_1, slot - 1, built);
	emit_mov_reg(em, BPF_REG_2, BPF_REG_1);
	emit_alu_reg(em, BPF_ADD, BPF_REG_2, CG_SCRATCH);
	emit_load(em, BPF_B, BPF_REG_2, BPF_REG_2, dl);
	/* set[c >> 6] |= (i < dlen) << (c & 63) */
	emit_load(em, BPF_DW, BPF_REG_3, BPF_REG_10, dlen);
	emit_mov_reg(em, BPF_REG_4, BPF_REG_1);
	emit_alu_reg(em, BPF_SUB, BPF_REG_4, BPF_REG_3);
	emit_alu_imm(em, BPF_RSH, BPF_REG_4, 63);
	emit_mov_reg(em, BPF_REG_3, BPF_REG_2);
	emit_alu_imm(em, BPF_AND, BPF_REG_3, 63);
	emit_alu_reg(em, BPF_LSH, BPF_REG_4, BPF_REG_3);
	emit_alu_imm(em, BPF_RSH, BPF_REG_2, 6);
	emit_alu_imm(em, BPF_LSH, BPF_REG_2, 3);
	emit_alu_reg(em, BPF_ADD, BPF_REG_2, CG_SCRATCH);
	emit_load(em, BPF_DW, BPF_REG_3, BPF_REG_2, set);
	emit_alu_reg(em, BPF_OR, BPF_REG_3, BPF_REG_4);
	emit_store(em, BPF_DW, BPF_REG_2, set, BPF_REG_3);
	emit_alu_imm(em, BPF_ADD, BPF_REG_1, 1);
	emit_store(em, BPF_DW, BPF_REG_10, i, BPF_REG_1);
	emit_jump(em, build);
	label_bind(em, built);
	/* nothing left: "" */
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, st);
	emit_load(em, BPF_DW, BPF_REG_2, BPF_REG_1, slot);
	emit_jcond_imm(em, BPF_JSLT, BPF_REG_2, 0, done);
	/* p = q = -1 until found; one pass over the string */
	emit_store_imm(em, BPF_DW, BPF_REG_10, p, -1);
	emit_store_imm(em, BPF_DW, BPF_REG_10, q, -1);
	emit_store_imm(em, BPF_DW, BPF_REG_10, i, 0);
	label_bind(em, scan);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, i);
	emit_jcond_imm(em, BPF_JGE, BPF_REG_1, slot, scanned);
	/* r5 = byte i is a delimiter, or i is at or past the end */
	emit_load(em, BPF_DW, BPF_REG_3, BPF_REG_10, st);
	emit_mov_reg(em, BPF_REG_2, BPF_REG_1);
	emit_alu_reg(em, BPF_ADD, BPF_REG_2, BPF_REG_3);
	emit_load(em, BPF_B, BPF_REG_2, BPF_REG_2, 0);
	emit_mov_reg(em, BPF_REG_4, BPF_REG_2);
	emit_alu_imm(em, BPF_AND, BPF_REG_4, 63);
	emit_alu_imm(em, BPF_RSH, BPF_REG_2, 6);
	emit_alu_imm(em, BPF_LSH, BPF_REG_2, 3);
	emit_alu_reg(em, BPF_ADD, BPF_REG_2, CG_SCRATCH);
	emit_load(em, BPF_DW, BPF_REG_5, BPF_REG_2, set);
	emit_alu_reg(em, BPF_RSH, BPF_REG_5, BPF_REG_4);
	emit_alu_imm(em, BPF_AND, BPF_REG_5, 1);
	emit_load(em, BPF_DW, BPF_REG_4, BPF_REG_3, slot + 8);	/* len */
	emit_alu_reg(em, BPF_SUB, BPF_REG_4, BPF_REG_1);
	emit_alu_imm(em, BPF_SUB, BPF_REG_4, 1);
	emit_alu_imm(em, BPF_RSH, BPF_REG_4, 63);		/* r4: end */
	emit_alu_reg(em, BPF_OR, BPF_REG_5, BPF_REG_4);
	/* r0 = take i as p: p unset, i >= start, no delimiter or the end */
	emit_load(em, BPF_DW, BPF_REG_2, BPF_REG_3, slot);
	emit_mov_reg(em, BPF_REG_0, BPF_REG_1);
	emit_alu_reg(em, BPF_SUB, BPF_REG_0, BPF_REG_2);
	emit_alu_imm(em, BPF_RSH, BPF_REG_0, 63);
	emit_alu_imm(em, BPF_XOR, BPF_REG_0, 1);		/* i >= start */
	emit_load(em, BPF_DW, BPF_REG_3, BPF_REG_10, p);
	emit_mov_reg(em, BPF_REG_2, BPF_REG_3);
	emit_alu_imm(em, BPF_RSH, BPF_REG_2, 63);		/* p unset */
	emit_alu_reg(em, BPF_AND, BPF_REG_0, BPF_REG_2);
	emit_mov_reg(em, BPF_REG_2, BPF_REG_5);
	emit_alu_imm(em, BPF_XOR, BPF_REG_2, 1);
	emit_alu_reg(em, BPF_OR, BPF_REG_2, BPF_REG_4);
	emit_alu_reg(em, BPF_AND, BPF_REG_0, BPF_REG_2);
	emit_mov_reg(em, BPF_REG_2, BPF_REG_1);
	emit_alu_reg(em, BPF_SUB, BPF_REG_2, BPF_REG_3);
	emit_alu_reg(em, BPF_MUL, BPF_REG_2, BPF_REG_0);
	emit_alu_reg(em, BPF_ADD, BPF_REG_3, BPF_REG_2);
	emit_store(em, BPF_DW, BPF_REG_10, p, BPF_REG_3);
	/* take i as q: q unset, p set, a delimiter or the end */
	emit_mov_reg(em, BPF_REG_0, BPF_REG_3);
	emit_alu_imm(em, BPF_RSH, BPF_REG_0, 63);
	emit_alu_imm(em, BPF_XOR, BPF_REG_0, 1);		/* p set */
	emit_alu_reg(em, BPF_AND, BPF_REG_0, BPF_REG_5);
	emit_load(em, BPF_DW, BPF_REG_3, BPF_REG_10, q);
	emit_mov_reg(em, BPF_REG_2, BPF_REG_3);
	emit_alu_imm(em, BPF_RSH, BPF_REG_2, 63);		/* q unset */
	emit_alu_reg(em, BPF_AND, BPF_REG_0, BPF_REG_2);
	emit_mov_reg(em, BPF_REG_2, BPF_REG_1);
	emit_alu_reg(em, BPF_SUB, BPF_REG_2, BPF_REG_3);
	emit_alu_reg(em, BPF_MUL, BPF_REG_2, BPF_REG_0);
	emit_alu_reg(em, BPF_ADD, BPF_REG_3, BPF_REG_2);
	emit_store(em, BPF_DW, BPF_REG_10, q, BPF_REG_3);
	emit_alu_imm(em, BPF_ADD, BPF_REG_1, 1);
	emit_store(em, BPF_DW, BPF_REG_10, i, BPF_REG_1);
	emit_jump(em, scan);
	label_bind(em, scanned);
	/* the next search starts past q, or nothing is left at the end */
	emit_load(em, BPF_DW, BPF_REG_5, BPF_REG_10, st);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_5, slot + 8);
	emit_load(em, BPF_DW, BPF_REG_4, BPF_REG_10, q);
	emit_mov_reg(em, BPF_REG_2, BPF_REG_4);
	emit_alu_imm(em, BPF_ADD, BPF_REG_2, 1);
	emit_store(em, BPF_DW, BPF_REG_5, slot, BPF_REG_2);
	emit_jcond_reg(em, BPF_JSLT, BPF_REG_4, BPF_REG_1, last);
	emit_store_imm(em, BPF_DW, BPF_REG_5, slot, -1);
	label_bind(em, last);
	/* the token str[p, q); none when only delimiters were left */
	emit_load(em, BPF_DW, BPF_REG_3, BPF_REG_10, p);
	emit_jcond_reg(em, BPF_JSGE, BPF_REG_3, BPF_REG_1, done);
	emit_jcond_imm(em, BPF_JSLT, BPF_REG_3, 0, done);
	emit_alu_reg(em, BPF_SUB, BPF_REG_4, BPF_REG_3);	/* q - p */
	emit_jcond_imm(em, BPF_JSLE, BPF_REG_4, 0, done);
	emit_jcond_imm(em, BPF_JSGE, BPF_REG_4, slot, done);
	emit_store(em, BPF_DW, BPF_REG_10, i, BPF_REG_4);
	emit_mov_reg(em, BPF_REG_1, CG_SCRATCH);
	emit_alu_imm(em, BPF_ADD, BPF_REG_1, res);
	emit_mov_reg(em, BPF_REG_2, BPF_REG_4);
	emit_alu_reg(em, BPF_ADD, BPF_REG_3, BPF_REG_5);
	emit_call_helper(em, BPF_FUNC_probe_read_kernel);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, i);
	emit_alu_imm(em, BPF_AND, BPF_REG_1, 0xffff);
	zero_unless_below(em, BPF_REG_1, slot);
	emit_alu_reg(em, BPF_ADD, BPF_REG_1, CG_SCRATCH);
	emit_store_imm(em, BPF_B, BPF_REG_1, res, 0);
	label_bind(em, done);
	result_release(cg, res, mark, smark);
}

static void call_tokenize2(struct cg *cg, const struct expr *e, const int *a)
{
	call_tokenize(cg, e, a, true);
}

static void call_tokenize1(struct cg *cg, const struct expr *e, const int *a)
{
	call_tokenize(cg, e, a, false);
}

/* ---- text_str ------------------------------------------------------------ */

/* dst = (src == k) for a byte src, without a branch */
static void is_eq(struct emitter *em, int dst, int src, int k)
{
	emit_mov_reg(em, dst, src);
	emit_alu_imm(em, BPF_XOR, dst, k);
	emit_alu_imm(em, BPF_SUB, dst, 1);
	emit_alu_imm(em, BPF_RSH, dst, 63);
}

/* dst = (src < k), src and k small and non-negative */
static void is_lt(struct emitter *em, int dst, int src, int32_t k)
{
	emit_mov_reg(em, dst, src);
	emit_alu_imm(em, BPF_SUB, dst, k);
	emit_alu_imm(em, BPF_RSH, dst, 63);
}

/* dst = (0 <= src < k) for a small src of either sign; clobbers r0 */
static void in_range(struct emitter *em, int dst, int src, int32_t k)
{
	is_lt(em, dst, src, k);
	emit_mov_reg(em, BPF_REG_0, src);
	emit_alu_imm(em, BPF_RSH, BPF_REG_0, 63);
	emit_alu_reg(em, BPF_XOR, dst, BPF_REG_0);
}

/* slot acc += reg * (the byte (b & mask) placed at shift) */
static void tx_load(struct emitter *em, int reg, int slot)
{
	emit_load(em, BPF_DW, reg, BPF_REG_10, slot);
}

/* The uppercase hex digit of nibble n of the slot c, in r0 */
static void hex_nibble(struct emitter *em, int c, int n)
{
	tx_load(em, BPF_REG_0, c);
	emit_alu_imm(em, BPF_RSH, BPF_REG_0, 4 * n);
	emit_alu_imm(em, BPF_AND, BPF_REG_0, 15);
	is_lt(em, BPF_REG_1, BPF_REG_0, 10);
	emit_alu_imm(em, BPF_XOR, BPF_REG_1, 1);
	emit_alu_imm(em, BPF_MUL, BPF_REG_1, 'A' - 10 - '0');
	emit_alu_reg(em, BPF_ADD, BPF_REG_0, BPF_REG_1);
	emit_alu_imm(em, BPF_ADD, BPF_REG_0, '0');
}

/* slot += r0 << (8 * byte) */
static void add_byte(struct emitter *em, int slot, int byte)
{
	if (byte)
		emit_alu_imm(em, BPF_LSH, BPF_REG_0, 8 * byte);
	tx_load(em, BPF_REG_1, slot);
	emit_alu_reg(em, BPF_ADD, BPF_REG_1, BPF_REG_0);
	emit_store(em, BPF_DW, BPF_REG_10, slot, BPF_REG_1);
}

/*
 * text_str(input): upstream's _stp_text_str with no quotes: printable
 * ASCII but '"' and '\\' as is; \a \b \f \n \r \t \v \" \\; other bytes
 * as \ooo; a valid UTF-8 sequence (2 to 4 bytes, not overlong, not a
 * surrogate, at most U+10FFFF) as \uXXXX or \UXXXXXXXX; it stops before
 * the first character whose escape does not fit in MAXSTRINGLEN-1
 * bytes.  Each input character becomes up to 10 output bytes computed
 * without a branch (selects are multiplications by 0/1 flags) and
 * stored with two unaligned stores; the loop's branches are its ends.
 */
static void call_text_str(struct cg *cg, const struct expr *e, const int *a)
{
	struct emitter *em = &cg->em;
	int slot = (int)cg->slot, max = (int)cg->lim.maxstringlen - 1;
	int res = cg_scratch_alloc(cg, e->tok, cg->slot + 16);
	int smark = cg_scratch_mark(cg), mark = emit_stack_mark(em);
	int t = cg_scratch_alloc(cg, e->tok, cg->slot + 8);
	int it = emit_stack_alloc(em, 8), p = emit_stack_alloc(em, 8);
	int pos = emit_stack_alloc(em, 8), c = emit_stack_alloc(em, 8);
	int utf = emit_stack_alloc(em, 8), n = emit_stack_alloc(em, 8);
	int lo = emit_stack_alloc(em, 8), hi = emit_stack_alloc(em, 8);
	int num = emit_stack_alloc(em, 8), f = emit_stack_alloc(em, 8);
	int b[4], k, top = label_new(em), end = label_new(em);
	static const struct { int c, letter; } shorts[] = {
		{ '\a', 'a' }, { '\b', 'b' }, { '\f', 'f' }, { '\n', 'n' },
		{ '\r', 'r' }, { '\t', 't' }, { '\v', 'v' }, { '"', '"' },
		{ '\\', '\\' },
	};

	heavy(cg, e);
	for (k = 0; k < 4; k++)
		b[k] = emit_stack_alloc(em, 8);
	emit_store_imm(em, BPF_DW, CG_SCRATCH, t + slot, 0);
	emit_load(em, BPF_DW, BPF_REG_3, BPF_REG_10, a[0]);
	copy_measure(cg, t);
	emit_store_imm(em, BPF_DW, BPF_REG_10, it, 0);
	emit_store_imm(em, BPF_DW, BPF_REG_10, p, 0);
	emit_store_imm(em, BPF_DW, BPF_REG_10, pos, 0);
	label_bind(em, top);
	tx_load(em, BPF_REG_1, it);
	emit_jcond_imm(em, BPF_JGE, BPF_REG_1, max, end);
	tx_load(em, BPF_REG_2, p);
	emit_jcond_imm(em, BPF_JGE, BPF_REG_2, max, end);
	emit_alu_reg(em, BPF_ADD, BPF_REG_2, CG_SCRATCH);
	for (k = 0; k < 4; k++) {
		emit_load(em, BPF_B, BPF_REG_3, BPF_REG_2, t + k);
		emit_store(em, BPF_DW, BPF_REG_10, b[k], BPF_REG_3);
	}
	tx_load(em, BPF_REG_3, b[0]);
	emit_jcond_imm(em, BPF_JEQ, BPF_REG_3, 0, end);
	/* utf = 0, n = 1, c = b0; then each valid length overrides */
	emit_store_imm(em, BPF_DW, BPF_REG_10, utf, 0);
	emit_store(em, BPF_DW, BPF_REG_10, c, BPF_REG_3);
	emit_store_imm(em, BPF_DW, BPF_REG_10, n, 1);
	for (k = 2; k <= 4; k++) {
		static const int lead_mask[5] = { 0, 0, 0xE0, 0xF0, 0xF8 };
		static const int lead_val[5] = { 0, 0, 0xC0, 0xE0, 0xF0 };
		static const int lead_bits[5] = { 0, 0, 0x1F, 0x0F, 0x07 };
		static const int min_cp[5] = { 0, 0, 0x80, 0x800, 0x10000 };
		int j;

		/* r5 = this length is valid; r4 = its code point */
		tx_load(em, BPF_REG_3, b[0]);
		emit_alu_imm(em, BPF_AND, BPF_REG_3, lead_mask[k]);
		is_eq(em, BPF_REG_5, BPF_REG_3, lead_val[k]);
		tx_load(em, BPF_REG_4, b[0]);
		emit_alu_imm(em, BPF_AND, BPF_REG_4, lead_bits[k]);
		for (j = 1; j < k; j++) {
			tx_load(em, BPF_REG_3, b[j]);
			emit_alu_imm(em, BPF_AND, BPF_REG_3, 0xC0);
			is_eq(em, BPF_REG_0, BPF_REG_3, 0x80);
			emit_alu_reg(em, BPF_AND, BPF_REG_5, BPF_REG_0);
			tx_load(em, BPF_REG_3, b[j]);
			emit_alu_imm(em, BPF_AND, BPF_REG_3, 0x3F);
			emit_alu_imm(em, BPF_LSH, BPF_REG_4, 6);
			emit_alu_reg(em, BPF_OR, BPF_REG_4, BPF_REG_3);
		}
		/* enough input left: p + k - 1 < MAXSTRINGLEN - 1 */
		tx_load(em, BPF_REG_3, p);
		is_lt(em, BPF_REG_0, BPF_REG_3, max - (k - 1));
		emit_alu_reg(em, BPF_AND, BPF_REG_5, BPF_REG_0);
		/* not overlong, not a surrogate, at most U+10FFFF */
		is_lt(em, BPF_REG_0, BPF_REG_4, min_cp[k]);
		emit_alu_imm(em, BPF_XOR, BPF_REG_0, 1);
		emit_alu_reg(em, BPF_AND, BPF_REG_5, BPF_REG_0);
		if (k == 3) {
			emit_mov_reg(em, BPF_REG_3, BPF_REG_4);
			emit_alu_imm(em, BPF_SUB, BPF_REG_3, 0xD800);
			in_range(em, BPF_REG_2, BPF_REG_3, 0x800);
			emit_alu_imm(em, BPF_XOR, BPF_REG_2, 1);
			emit_alu_reg(em, BPF_AND, BPF_REG_5, BPF_REG_2);
		}
		if (k == 4) {
			is_lt(em, BPF_REG_0, BPF_REG_4, 0x110000);
			emit_alu_reg(em, BPF_AND, BPF_REG_5, BPF_REG_0);
		}
		/* utf |= r5; n += r5 * (k - 1); c += r5 * (r4 - b0) */
		tx_load(em, BPF_REG_0, utf);
		emit_alu_reg(em, BPF_OR, BPF_REG_0, BPF_REG_5);
		emit_store(em, BPF_DW, BPF_REG_10, utf, BPF_REG_0);
		emit_mov_reg(em, BPF_REG_0, BPF_REG_5);
		emit_alu_imm(em, BPF_MUL, BPF_REG_0, k - 1);
		tx_load(em, BPF_REG_1, n);
		emit_alu_reg(em, BPF_ADD, BPF_REG_1, BPF_REG_0);
		emit_store(em, BPF_DW, BPF_REG_10, n, BPF_REG_1);
		tx_load(em, BPF_REG_3, b[0]);
		emit_alu_reg(em, BPF_SUB, BPF_REG_4, BPF_REG_3);
		emit_alu_reg(em, BPF_MUL, BPF_REG_4, BPF_REG_5);
		tx_load(em, BPF_REG_1, c);
		emit_alu_reg(em, BPF_ADD, BPF_REG_1, BPF_REG_4);
		emit_store(em, BPF_DW, BPF_REG_10, c, BPF_REG_1);
	}
	emit_store_imm(em, BPF_DW, BPF_REG_10, lo, 0);
	emit_store_imm(em, BPF_DW, BPF_REG_10, hi, 0);
	emit_store_imm(em, BPF_DW, BPF_REG_10, num, 0);
	/* \u or \U: f = utf && c <= 0xFFFF */
	tx_load(em, BPF_REG_4, c);
	is_lt(em, BPF_REG_0, BPF_REG_4, 0x10000);
	tx_load(em, BPF_REG_1, utf);
	emit_alu_reg(em, BPF_AND, BPF_REG_0, BPF_REG_1);
	emit_store(em, BPF_DW, BPF_REG_10, f, BPF_REG_0);
	/* lo = '\' 'u' H3 H2 H1 H0, or '\' 'U' H7..H2 and hi = H1 H0 */
	{
		int word = emit_stack_alloc(em, 8), w2 = emit_stack_alloc(em, 8);

		emit_store_imm(em, BPF_DW, BPF_REG_10, word, 0x755c);
		for (k = 0; k < 4; k++) {
			hex_nibble(em, c, 3 - k);
			add_byte(em, word, 2 + k);
		}
		tx_load(em, BPF_REG_0, word);
		tx_load(em, BPF_REG_1, f);
		emit_alu_reg(em, BPF_MUL, BPF_REG_0, BPF_REG_1);
		emit_store(em, BPF_DW, BPF_REG_10, lo, BPF_REG_0);
		emit_alu_imm(em, BPF_MUL, BPF_REG_1, 6);
		emit_store(em, BPF_DW, BPF_REG_10, num, BPF_REG_1);
		/* f = utf && c > 0xFFFF */
		tx_load(em, BPF_REG_0, f);
		tx_load(em, BPF_REG_1, utf);
		emit_alu_reg(em, BPF_XOR, BPF_REG_0, BPF_REG_1);
		emit_store(em, BPF_DW, BPF_REG_10, f, BPF_REG_0);
		emit_store_imm(em, BPF_DW, BPF_REG_10, word, 0x555c);
		emit_store_imm(em, BPF_DW, BPF_REG_10, w2, 0);
		for (k = 0; k < 8; k++) {
			hex_nibble(em, c, 7 - k);
			if (k < 6)
				add_byte(em, word, 2 + k);
			else
				add_byte(em, w2, k - 6);
		}
		tx_load(em, BPF_REG_1, f);
		tx_load(em, BPF_REG_0, word);
		emit_alu_reg(em, BPF_MUL, BPF_REG_0, BPF_REG_1);
		add_byte(em, lo, 0);
		tx_load(em, BPF_REG_1, f);
		tx_load(em, BPF_REG_0, w2);
		emit_alu_reg(em, BPF_MUL, BPF_REG_0, BPF_REG_1);
		add_byte(em, hi, 0);
		tx_load(em, BPF_REG_0, f);
		emit_alu_imm(em, BPF_MUL, BPF_REG_0, 10);
		add_byte(em, num, 0);
		/* one byte: r5 = not utf; printable, short escape, octal */
		tx_load(em, BPF_REG_4, c);
		emit_mov_reg(em, BPF_REG_3, BPF_REG_4);
		emit_alu_imm(em, BPF_SUB, BPF_REG_3, 0x20);
		in_range(em, BPF_REG_2, BPF_REG_3, 0x7f - 0x20);	/* printable */
		is_eq(em, BPF_REG_0, BPF_REG_4, '"');
		is_eq(em, BPF_REG_1, BPF_REG_4, '\\');
		emit_alu_reg(em, BPF_OR, BPF_REG_0, BPF_REG_1);
		emit_alu_imm(em, BPF_XOR, BPF_REG_0, 1);
		emit_alu_reg(em, BPF_AND, BPF_REG_2, BPF_REG_0);
		tx_load(em, BPF_REG_5, utf);
		emit_alu_imm(em, BPF_XOR, BPF_REG_5, 1);
		emit_alu_reg(em, BPF_AND, BPF_REG_2, BPF_REG_5);
		emit_store(em, BPF_DW, BPF_REG_10, f, BPF_REG_2);
		emit_mov_reg(em, BPF_REG_0, BPF_REG_4);
		emit_alu_reg(em, BPF_MUL, BPF_REG_0, BPF_REG_2);
		add_byte(em, lo, 0);
		tx_load(em, BPF_REG_0, f);
		add_byte(em, num, 0);
		/* the short escapes: word = '\' letter, w2 = which */
		emit_store_imm(em, BPF_DW, BPF_REG_10, word, 0);
		emit_store_imm(em, BPF_DW, BPF_REG_10, w2, 0);
		for (k = 0; k < (int)(sizeof(shorts) / sizeof(shorts[0])); k++) {
			tx_load(em, BPF_REG_4, c);
			is_eq(em, BPF_REG_3, BPF_REG_4, shorts[k].c);
			emit_mov_reg(em, BPF_REG_0, BPF_REG_3);
			emit_alu_imm(em, BPF_MUL, BPF_REG_0, '\\' | shorts[k].letter << 8);
			add_byte(em, word, 0);
			emit_mov_reg(em, BPF_REG_0, BPF_REG_3);
			add_byte(em, w2, 0);
		}
		tx_load(em, BPF_REG_5, utf);
		emit_alu_imm(em, BPF_XOR, BPF_REG_5, 1);
		tx_load(em, BPF_REG_1, w2);
		emit_alu_reg(em, BPF_AND, BPF_REG_1, BPF_REG_5);
		emit_store(em, BPF_DW, BPF_REG_10, w2, BPF_REG_1);
		tx_load(em, BPF_REG_0, word);
		emit_alu_reg(em, BPF_MUL, BPF_REG_0, BPF_REG_1);
		add_byte(em, lo, 0);
		tx_load(em, BPF_REG_0, w2);
		emit_alu_imm(em, BPF_MUL, BPF_REG_0, 2);
		add_byte(em, num, 0);
		/* octal: neither utf, printable nor short */
		tx_load(em, BPF_REG_1, utf);
		tx_load(em, BPF_REG_2, f);
		emit_alu_reg(em, BPF_OR, BPF_REG_1, BPF_REG_2);
		tx_load(em, BPF_REG_2, w2);
		emit_alu_reg(em, BPF_OR, BPF_REG_1, BPF_REG_2);
		emit_alu_imm(em, BPF_XOR, BPF_REG_1, 1);
		emit_store(em, BPF_DW, BPF_REG_10, f, BPF_REG_1);
		emit_store_imm(em, BPF_DW, BPF_REG_10, word, '\\');
		for (k = 0; k < 3; k++) {
			tx_load(em, BPF_REG_0, c);
			emit_alu_imm(em, BPF_RSH, BPF_REG_0, 6 - 3 * k);
			emit_alu_imm(em, BPF_AND, BPF_REG_0, k ? 7 : 3);
			emit_alu_imm(em, BPF_ADD, BPF_REG_0, '0');
			add_byte(em, word, 1 + k);
		}
		tx_load(em, BPF_REG_1, f);
		tx_load(em, BPF_REG_0, word);
		emit_alu_reg(em, BPF_MUL, BPF_REG_0, BPF_REG_1);
		add_byte(em, lo, 0);
		tx_load(em, BPF_REG_0, f);
		emit_alu_imm(em, BPF_MUL, BPF_REG_0, 4);
		add_byte(em, num, 0);
	}
	/* stop before a character that does not fit */
	tx_load(em, BPF_REG_1, pos);
	tx_load(em, BPF_REG_2, num);
	emit_alu_reg(em, BPF_ADD, BPF_REG_2, BPF_REG_1);
	emit_jcond_imm(em, BPF_JGT, BPF_REG_2, max, end);
	emit_alu_imm(em, BPF_AND, BPF_REG_1, 1023);
	emit_jcond_imm(em, BPF_JGE, BPF_REG_1, slot, end);
	emit_alu_reg(em, BPF_ADD, BPF_REG_1, CG_SCRATCH);
	tx_load(em, BPF_REG_3, lo);
	emit_store(em, BPF_DW, BPF_REG_1, res, BPF_REG_3);
	tx_load(em, BPF_REG_3, hi);
	emit_store(em, BPF_H, BPF_REG_1, res + 8, BPF_REG_3);
	emit_store(em, BPF_DW, BPF_REG_10, pos, BPF_REG_2);
	tx_load(em, BPF_REG_1, p);
	tx_load(em, BPF_REG_2, n);
	emit_alu_reg(em, BPF_ADD, BPF_REG_1, BPF_REG_2);
	emit_store(em, BPF_DW, BPF_REG_10, p, BPF_REG_1);
	tx_load(em, BPF_REG_1, it);
	emit_alu_imm(em, BPF_ADD, BPF_REG_1, 1);
	emit_store(em, BPF_DW, BPF_REG_10, it, BPF_REG_1);
	emit_jump(em, top);
	label_bind(em, end);
	tx_load(em, BPF_REG_1, pos);
	emit_alu_imm(em, BPF_AND, BPF_REG_1, 1023);
	zero_unless_below(em, BPF_REG_1, slot);
	emit_alu_reg(em, BPF_ADD, BPF_REG_1, CG_SCRATCH);
	emit_store_imm(em, BPF_B, BPF_REG_1, res, 0);
	result_release(cg, res, mark, smark);
}

/* warn(msg): a WARN record with the text (bpf_abi.h) */
static void call_warn(struct cg *cg, const struct expr *e)
{
	struct emitter *em = &cg->em;
	int mark = emit_stack_mark(em), slot = emit_stack_alloc(em, 8);
	int smark = cg_scratch_mark(cg), done;
	uint32_t hdr = sizeof(struct sonde_rec_warn);

	cg_str(cg, e->args.v[0]);
	emit_store(em, BPF_DW, BPF_REG_10, slot, BPF_REG_0);
	done = label_new(em);
	rt_reserve(cg, hdr + cg->slot, done);
	emit_store_imm(em, BPF_W, BPF_REG_6, 0, SONDE_REC_WARN);
	emit_store_imm(em, BPF_W, BPF_REG_6, 4, cg->probe_id);
	emit_store_imm(em, BPF_W, BPF_REG_6, 8, (int32_t)SONDE_NO_ID);
	emit_store_imm(em, BPF_W, BPF_REG_6, 12, 0);
	emit_mov_reg(em, BPF_REG_1, BPF_REG_6);
	emit_alu_imm(em, BPF_ADD, BPF_REG_1, hdr);
	emit_mov_imm(em, BPF_REG_2, (int32_t)cg->slot);
	emit_load(em, BPF_DW, BPF_REG_3, BPF_REG_10, slot);
	emit_call_helper(em, BPF_FUNC_probe_read_kernel_str);
	rt_submit(cg);
	label_bind(em, done);
	emit_stack_release(em, mark);
	cg_scratch_release(cg, smark);
	emit_mov_imm(em, BPF_REG_0, 0);
}

/* log(msg) is printf("%s\n", msg) */
static void call_log(struct cg *cg, const struct expr *e)
{
	struct expr p = *e;

	p.kind = E_PRINT;
	p.print_fmt = true;
	p.str = "%s\\n";
	p.str_len = 4;
	cg_print(cg, &p);
}

/* MAJOR, MINOR, MKDEV of the kernel's dev_t (MINORBITS 20) */
static bool dev_number(struct cg *cg, const struct expr *e)
{
	struct emitter *em = &cg->em;
	int mark, slot;

	if (!strcmp(e->name, "MAJOR") && e->args.n == 1) {
		cg_long(cg, e->args.v[0]);
		emit_alu_imm(em, BPF_ARSH, BPF_REG_0, 20);
		emit_insn(em, INSN_MOV32_REG(BPF_REG_0, BPF_REG_0));
	} else if (!strcmp(e->name, "MINOR") && e->args.n == 1) {
		cg_long(cg, e->args.v[0]);
		emit_alu_imm(em, BPF_AND, BPF_REG_0, (1 << 20) - 1);
	} else if (!strcmp(e->name, "MKDEV") && e->args.n == 2) {
		mark = emit_stack_mark(em);
		slot = emit_stack_alloc(em, 8);
		cg_long(cg, e->args.v[0]);
		emit_store(em, BPF_DW, BPF_REG_10, slot, BPF_REG_0);
		cg_long(cg, e->args.v[1]);
		emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, slot);
		emit_alu_imm(em, BPF_LSH, BPF_REG_1, 20);
		emit_alu_reg(em, BPF_OR, BPF_REG_0, BPF_REG_1);
		emit_stack_release(em, mark);
	} else {
		return false;
	}
	return true;
}

bool cg_call_strfn(struct cg *cg, const struct expr *e)
{
	struct emitter *em = &cg->em;
	int slots[4], mark;
	size_t i;

	if (dev_number(cg, e))
		return true;
	if (!strcmp(e->name, "ppfunc") && !e->args.n) {
		call_ppfunc(cg, e);
		return true;
	}
	if (!strcmp(e->name, "log") && e->args.n == 1) {
		call_log(cg, e);
		return true;
	}
	if (!strcmp(e->name, "warn") && e->args.n == 1) {
		call_warn(cg, e);
		return true;
	}
	if (!strcmp(e->name, "ctime") && !e->args.n) {
		/* ctime() is ctime(gettimeofday_s()) */
		mark = emit_stack_mark(em);
		slots[0] = emit_stack_alloc(em, 8);
		clock_value(cg, true, 1000000000);
		emit_store(em, BPF_DW, BPF_REG_10, slots[0], BPF_REG_0);
		call_ctime(cg, e, slots);
		emit_stack_release(em, mark);
		return true;
	}

	for (i = 0; i < sizeof(clocks) / sizeof(clocks[0]); i++)
		if (!strcmp(e->name, clocks[i].name) && !e->args.n) {
			clock_value(cg, clocks[i].gtod, clocks[i].div);
			return true;
		}
	if (!strcmp(e->name, "jiffies") && !e->args.n) {
		emit_call_helper(em, BPF_FUNC_jiffies64);
		return true;
	}
	for (i = 0; i < sizeof(strfns) / sizeof(strfns[0]); i++)
		if (!strcmp(e->name, strfns[i].name) &&
		    e->args.n == strfns[i].nargs)
			break;
	if (i == sizeof(strfns) / sizeof(strfns[0]))
		return false;
	mark = emit_stack_mark(em);
	args_to_slots(cg, e, slots);
	strfns[i].gen(cg, e, slots);
	emit_stack_release(em, mark);
	return true;
}
