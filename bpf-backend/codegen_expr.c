// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * codegen_expr.c - long expressions into r0 (runtime.md 4.1).
 *
 * Evaluation is a simple tree walk: the left operand is spilled to a
 * stack slot while the right one is evaluated, so any sub-expression may
 * call helpers.  Arithmetic wraps at 64 bits; shift counts are masked to
 * 63; division and remainder truncate toward zero with the remainder
 * taking the dividend's sign, which BPF's unsigned DIV/MOD give after
 * taking magnitudes; a zero divisor raises "division by 0".
 */
#include <string.h>

#include "bpf-backend/codegen_int.h"

/* r0 = v */
static void load_imm(struct cg *cg, int reg, int64_t v)
{
	if (v >= INT32_MIN && v <= INT32_MAX)
		emit_mov_imm(&cg->em, reg, (int32_t)v);
	else
		emit_ld_imm64(&cg->em, reg, (uint64_t)v);
}

/* r0 = r1 / r2 or r1 % r2, r2 != 0, as C99 signed arithmetic */
void cg_divmod(struct cg *cg, bool mod)
{
	struct emitter *em = &cg->em;
	int pos1 = label_new(em), pos2 = label_new(em), done = label_new(em);

	emit_mov_reg(em, BPF_REG_3, BPF_REG_1);
	emit_mov_reg(em, BPF_REG_4, BPF_REG_2);
	emit_jcond_imm(em, BPF_JSGE, BPF_REG_1, 0, pos1);
	emit_insn(em, INSN_NEG64(BPF_REG_1));
	label_bind(em, pos1);
	emit_jcond_imm(em, BPF_JSGE, BPF_REG_2, 0, pos2);
	emit_insn(em, INSN_NEG64(BPF_REG_2));
	label_bind(em, pos2);
	emit_mov_reg(em, BPF_REG_0, BPF_REG_1);
	emit_alu_reg(em, mod ? BPF_MOD : BPF_DIV, BPF_REG_0, BPF_REG_2);
	/* the quotient is negative when the signs differ, the remainder
	 * when the dividend is negative */
	if (!mod)
		emit_alu_reg(em, BPF_XOR, BPF_REG_3, BPF_REG_4);
	emit_jcond_imm(em, BPF_JSGE, BPF_REG_3, 0, done);
	emit_insn(em, INSN_NEG64(BPF_REG_0));
	label_bind(em, done);
}

static const struct { const char *op; int code; } alu_ops[] = {
	{ "+", BPF_ADD }, { "-", BPF_SUB }, { "*", BPF_MUL },
	{ "&", BPF_AND }, { "|", BPF_OR }, { "^", BPF_XOR },
	{ "<<", BPF_LSH }, { ">>", BPF_ARSH }, { ">>>", BPF_RSH },
};

void cg_binop(struct cg *cg, const char *op, const struct token *tok)
{
	struct emitter *em = &cg->em;
	size_t i;
	int ok;

	if (!strcmp(op, "/") || !strcmp(op, "%")) {
		ok = label_new(em);
		emit_jcond_imm(em, BPF_JNE, BPF_REG_2, 0, ok);
		rt_raise(cg, "division by 0", tok);
		label_bind(em, ok);
		cg_divmod(cg, op[0] == '%');
		return;
	}
	for (i = 0; i < sizeof(alu_ops) / sizeof(alu_ops[0]); i++)
		if (!strcmp(op, alu_ops[i].op))
			break;
	if (i == sizeof(alu_ops) / sizeof(alu_ops[0])) {
		cg_unsupported(cg, tok, "this operator");
		return;
	}
	if (op[0] == '<' || op[0] == '>')
		emit_alu_imm(em, BPF_AND, BPF_REG_2, 63);
	emit_mov_reg(em, BPF_REG_0, BPF_REG_1);
	emit_alu_reg(em, alu_ops[i].code, BPF_REG_0, BPF_REG_2);
}

/* r1 = left, r2 = right, whatever the right side does */
static void operands(struct cg *cg, const struct expr *l, const struct expr *r)
{
	struct emitter *em = &cg->em;
	int mark, slot;

	if (r->kind == E_NUMBER) {
		cg_long(cg, l);
		emit_mov_reg(em, BPF_REG_1, BPF_REG_0);
		load_imm(cg, BPF_REG_2, r->num);
		return;
	}
	/* the slot is taken after l is evaluated, so that a long chain
	 * (a + b + c + ...) needs one slot, not one per operand */
	mark = emit_stack_mark(em);
	cg_long(cg, l);
	slot = emit_stack_alloc(em, 8);
	emit_store(em, BPF_DW, BPF_REG_10, slot, BPF_REG_0);
	cg_long(cg, r);
	emit_mov_reg(em, BPF_REG_2, BPF_REG_0);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, slot);
	emit_stack_release(em, mark);
}

static void binary(struct cg *cg, const struct expr *e)
{
	operands(cg, e->left, e->right);
	cg_binop(cg, e->op, e->tok);
}

static void unary(struct cg *cg, const struct expr *e)
{
	struct emitter *em = &cg->em;
	int done;

	cg_long(cg, e->left);
	switch (e->op[0]) {
	case '-':
		emit_insn(em, INSN_NEG64(BPF_REG_0));
		break;
	case '~':
		emit_alu_imm(em, BPF_XOR, BPF_REG_0, -1);
		break;
	case '!':
		done = label_new(em);
		emit_mov_reg(em, BPF_REG_1, BPF_REG_0);
		emit_mov_imm(em, BPF_REG_0, 1);
		emit_jcond_imm(em, BPF_JEQ, BPF_REG_1, 0, done);
		emit_mov_imm(em, BPF_REG_0, 0);
		label_bind(em, done);
		break;
	default:
		break;
	}
}

static int compare_op(const char *op)
{
	if (!strcmp(op, "<"))
		return BPF_JSLT;
	if (!strcmp(op, "<="))
		return BPF_JSLE;
	if (!strcmp(op, ">"))
		return BPF_JSGT;
	if (!strcmp(op, ">="))
		return BPF_JSGE;
	if (!strcmp(op, "=="))
		return BPF_JEQ;
	return BPF_JNE;
}

/*
 * r0 = left OP right on strings: strcmp's sign s in {-1, 0, 1} turned
 * into 0/1 without a branch (each branch the verifier cannot decide
 * costs it a pending state inside loops):
 *	==  (s & 1) ^ 1      !=  s & 1
 *	<   s >> 63          >   -s >> 63      (logical shifts)
 *	>=  (s >> 63) ^ 1    <=  (-s >> 63) ^ 1
 */
static void string_compare(struct cg *cg, const struct expr *e)
{
	struct emitter *em = &cg->em;
	int mark = emit_stack_mark(em), smark = cg_scratch_mark(cg), slot;
	const char *op = e->op;

	cg_str(cg, e->left);
	slot = emit_stack_alloc(em, 8);
	emit_store(em, BPF_DW, BPF_REG_10, slot, BPF_REG_0);
	cg_str(cg, e->right);
	emit_mov_reg(em, BPF_REG_2, BPF_REG_0);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, slot);
	cg_strcmp(cg);
	emit_stack_release(em, mark);
	cg_scratch_release(cg, smark);
	if (op[0] == '=' || op[0] == '!') {
		emit_alu_imm(em, BPF_AND, BPF_REG_0, 1);
		if (op[0] == '=')
			emit_alu_imm(em, BPF_XOR, BPF_REG_0, 1);
		return;
	}
	if ((op[0] == '>') == !op[1])	/* > and <= look at -s */
		emit_insn(em, INSN_NEG64(BPF_REG_0));
	emit_alu_imm(em, BPF_RSH, BPF_REG_0, 63);
	if (op[1] == '=')
		emit_alu_imm(em, BPF_XOR, BPF_REG_0, 1);
}

static void compare(struct cg *cg, const struct expr *e)
{
	struct emitter *em = &cg->em;
	int done;

	if (e->left->type == TYPE_STRING) {
		string_compare(cg, e);
		return;
	}
	done = label_new(em);
	operands(cg, e->left, e->right);
	emit_mov_imm(em, BPF_REG_0, 1);
	emit_jcond_reg(em, compare_op(e->op), BPF_REG_1, BPF_REG_2, done);
	emit_mov_imm(em, BPF_REG_0, 0);
	label_bind(em, done);
}

/* && and || evaluate the right side only when it decides */
static void logical(struct cg *cg, const struct expr *e)
{
	struct emitter *em = &cg->em;
	bool and = !strcmp(e->op, "&&");
	int decided = label_new(em), done = label_new(em);
	int op = and ? BPF_JEQ : BPF_JNE;

	cg_long(cg, e->left);
	emit_jcond_imm(em, op, BPF_REG_0, 0, decided);
	cg_long(cg, e->right);
	emit_jcond_imm(em, op, BPF_REG_0, 0, decided);
	emit_mov_imm(em, BPF_REG_0, and);
	emit_jump(em, done);
	label_bind(em, decided);
	emit_mov_imm(em, BPF_REG_0, !and);
	label_bind(em, done);
}

void cg_ternary(struct cg *cg, const struct expr *e)
{
	struct emitter *em = &cg->em;
	int other = label_new(em), done = label_new(em);

	cg_cond(cg, e->left);
	emit_jcond_imm(em, BPF_JEQ, BPF_REG_0, 0, other);
	if (e->type == TYPE_STRING)
		cg_str(cg, e->right);
	else
		cg_long(cg, e->right);
	emit_jump(em, done);
	label_bind(em, other);
	if (e->type == TYPE_STRING)
		cg_str(cg, e->third);
	else
		cg_long(cg, e->third);
	label_bind(em, done);
}

/* A construct the backend does not lower yet, named for the message */
static const char *construct_name(const struct expr *e)
{
	switch (e->kind) {
	case E_REGEX: return "regular expression matching";
	case E_HISTOGRAM: return "a histogram";
	case E_EMBEDDED: return "embedded C";
	case E_DEFINED: return "@defined";
	case E_ENTRY: return "@entry";
	case E_PERF: return "@perf";
	case E_CONST: return "@const";
	default: return "this expression";
	}
}

/*
 * A value whose bits become offsets makes the verifier track it
 * precisely back to its source, and states that differ only in it (a
 * flag word after each `if (f & B) f &= ~B`) then never merge: 2^ifs
 * paths.  A load from a map is a fresh unknown that ends the chain;
 * the code using the value clamps it anyway.
 */
void cg_long_opaque(struct cg *cg, const struct expr *e)
{
	struct emitter *em = &cg->em;
	int mark, tmp;

	cg_long(cg, e);
	if (e->kind == E_NUMBER)
		return;
	mark = cg_scratch_mark(cg);
	tmp = cg_scratch_alloc(cg, e->tok, 8);
	emit_store(em, BPF_DW, CG_SCRATCH, tmp, BPF_REG_0);
	emit_load(em, BPF_DW, BPF_REG_0, CG_SCRATCH, tmp);
	cg_scratch_release(cg, mark);
}

void cg_long(struct cg *cg, const struct expr *e)
{
	switch (e->kind) {
	case E_NUMBER:
		load_imm(cg, BPF_REG_0, e->num);
		break;
	case E_SYMBOL:
	case E_INDEX:
		cg_load_var(cg, e);
		break;
	case E_BINARY:
		binary(cg, e);
		break;
	case E_UNARY:
		unary(cg, e);
		break;
	case E_COMPARE:
		compare(cg, e);
		break;
	case E_LOGICAL:
		logical(cg, e);
		break;
	case E_TERNARY:
		cg_ternary(cg, e);
		break;
	case E_ASSIGN:
		if (!strcmp(e->op, "<<<"))
			cg_stat_add(cg, e);
		else
			cg_assign(cg, e);
		break;
	case E_PREINC:
	case E_POSTINC:
		cg_crement(cg, e);
		break;
	case E_IN:
		cg_in(cg, e);
		break;
	case E_CALL:
		cg_call(cg, e);
		break;
	case E_PRINT:
		cg_print(cg, e);
		break;
	case E_STATOP:
		cg_stat_op(cg, e);
		break;
	case E_HISTINDEX:
		cg_hist_index(cg, e);
		break;
	case E_TARGET:
		cg_target(cg, e);
		break;
	case E_ENTRY:
		if (cg->entry_mode)
			cg_long(cg, e->left);
		else if (!cg_entry_value(cg, e))
			goto unsupported;
		break;
	default:
	unsupported:
		cg_unsupported(cg, e->tok, construct_name(e));
		emit_mov_imm(&cg->em, BPF_REG_0, 0);
		break;
	}
}

void cg_discard(struct cg *cg, const struct expr *e)
{
	int smark = cg_scratch_mark(cg);

	if (e->type == TYPE_STRING)
		cg_str(cg, e);
	else
		cg_long(cg, e);
	cg_scratch_release(cg, smark);
}

void cg_cond(struct cg *cg, const struct expr *e)
{
	int smark = cg_scratch_mark(cg);

	cg_long(cg, e);
	cg_scratch_release(cg, smark);
}
