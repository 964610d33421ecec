// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * codegen_stmt.c - statements, and the MAXACTION statement budget.
 *
 * The budget is charged up front, as upstream checks a straight-line
 * handler once on entry against its static statement count (runtime.md
 * 2): the handler pays on entry for the statements of its longest path
 * outside loops (an if costs 1 plus its dearer branch; a loop costs 1),
 * and each loop iteration pays, before its condition, 1 plus its body's
 * static cost the same way; a try costs its body, and its catch block 1
 * plus its own on entry.  remaining <= 0 raises "MAXACTION exceeded" at
 * the probe's body, the loop or the try.
 *
 * Charging the same on every path is what lets the verifier merge the
 * two sides of an if: the counter is a stack slot the verifier knows
 * exactly, so paths that paid different amounts could never be merged.
 * Loop bodies (for, while, foreach) run as bpf_loop() callbacks
 * (codegen_foreach.c), which the verifier checks once; the budget goes
 * through map memory there, and cg_forget_budget() bounds it again
 * after the loop.
 */
#include "bpf-backend/codegen_int.h"

/* Actions of the longest path through s, loops counted once */
int cg_static_cost(const struct stmt *s)
{
	int i, n = 0, t, e;

	if (!s)
		return 0;
	switch (s->kind) {
	case S_BLOCK:
		for (i = 0; i < s->stmts.n; i++)
			n += cg_static_cost(s->stmts.v[i]);
		return n;
	case S_NULL:
		return 0;
	case S_IF:
		t = cg_static_cost(s->body);
		e = cg_static_cost(s->else_body);
		return 1 + (t > e ? t : e);
	case S_TRY:	/* no action itself; the catch pays on entry */
		return cg_static_cost(s->body);
	default:
		return 1;
	}
}

/* remaining -= n; remaining <= 0 raises MAXACTION exceeded at tok */
void cg_charge(struct cg *cg, int n, const struct token *tok)
{
	struct emitter *em = &cg->em;
	int ok;

	if (n <= 0 || cg->dead)
		return;
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, cg->act_slot);
	emit_alu_imm(em, BPF_SUB, BPF_REG_1, n);
	emit_store(em, BPF_DW, BPF_REG_10, cg->act_slot, BPF_REG_1);
	ok = label_new(em);
	emit_jcond_imm(em, BPF_JSGT, BPF_REG_1, 0, ok);
	rt_raise(cg, "MAXACTION exceeded", tok);
	label_bind(em, ok);
}

/*
 * After a loop: the budget left, as the verifier sees it, no longer
 * depends on the number of iterations.  Otherwise each way out of a loop
 * whose trip count it cannot see (one per iteration) would have the
 * rest of the handler verified again, and a second such loop would
 * multiply the work.  The value goes through the scratch frame (map
 * memory, which the verifier does not track) and comes back bounded
 * by what was left when the loop began (stack slot entry, saved by
 * cg_remember_budget()), which is what bounds an enclosing loop.
 */
void cg_forget_budget(struct cg *cg, int entry)
{
	struct emitter *em = &cg->em;
	int mark = cg_scratch_mark(cg), tmp, ok = label_new(em);
	uint32_t mask = 1;

	if (cg->dead) {
		label_bind(em, ok);
		return;
	}
	while (mask < cg->lim.maxaction)
		mask = mask << 1 | 1;
	tmp = cg_scratch_alloc(cg, NULL, 8);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, cg->act_slot);
	emit_store(em, BPF_DW, CG_SCRATCH, tmp, BPF_REG_1);
	emit_load(em, BPF_DW, BPF_REG_1, CG_SCRATCH, tmp);
	emit_alu_imm(em, BPF_AND, BPF_REG_1, (int32_t)mask);
	emit_load(em, BPF_DW, BPF_REG_2, BPF_REG_10, entry);
	emit_jcond_reg(em, BPF_JSLE, BPF_REG_1, BPF_REG_2, ok);
	/* never at run time: a known value here would be explored as a
	 * path of its own, so it is one that ends at the next charge */
	emit_mov_imm(em, BPF_REG_1, 0);
	label_bind(em, ok);
	emit_store(em, BPF_DW, BPF_REG_10, cg->act_slot, BPF_REG_1);
	cg_scratch_release(cg, mark);
}

void cg_remember_budget(struct cg *cg, int entry)
{
	emit_load(&cg->em, BPF_DW, BPF_REG_1, BPF_REG_10, cg->act_slot);
	emit_store(&cg->em, BPF_DW, BPF_REG_10, entry, BPF_REG_1);
}

void cg_charge_iteration(struct cg *cg, const struct stmt *body,
			 const struct token *tok)
{
	cg_charge(cg, 1 + cg_static_cost(body), tok);
}

void cg_charge_body(struct cg *cg, const struct stmt *body)
{
	cg_charge(cg, cg_static_cost(body), body->tok ? body->tok
			: cg->point->probe->tok);
}

/* if (cond) then [else otherwise] */
static void stmt_if(struct cg *cg, const struct stmt *s)
{
	int other = cg_label(cg), end;

	cg_cond(cg, s->expr);
	cg_jcond(cg, BPF_JEQ, BPF_REG_0, 0, other);
	cg_stmt(cg, s->body);
	if (!s->else_body) {
		cg_bind(cg, other);
		return;
	}
	end = cg_label(cg);
	cg_goto(cg, end);
	cg_bind(cg, other);
	cg_stmt(cg, s->else_body);
	cg_bind(cg, end);
}

/* break, continue, next */
static void stmt_jump(struct cg *cg, const struct stmt *s)
{
	int target;

	if (s->kind == S_NEXT) {
		target = cg->exit_label;
	} else if (!cg->loop || cg->loop->brk < 0) {
		diag_semantic_error(cg->diags, s->tok, "cannot '%s' outside loop",
				    s->kind == S_BREAK ? "break" : "continue");
		cg->errors++;
		return;
	} else {
		target = s->kind == S_BREAK ? cg->loop->brk : cg->loop->cont;
	}
	cg_goto(cg, target);
}

void cg_stmt(struct cg *cg, const struct stmt *s)
{
	int i;

	if (!s || cg->dead)
		return;
	cg_note(cg, s->tok);
	switch (s->kind) {
	case S_BLOCK:
		for (i = 0; i < s->stmts.n; i++)
			cg_stmt(cg, s->stmts.v[i]);
		break;
	case S_NULL:
		break;
	case S_EXPR:
		cg_discard(cg, s->expr);
		break;
	case S_IF:
		stmt_if(cg, s);
		break;
	case S_FOR:
		cg_for_loop(cg, s);
		break;
	case S_NEXT:
	case S_BREAK:
	case S_CONTINUE:
		stmt_jump(cg, s);
		break;
	case S_DELETE:
		cg_delete(cg, s);
		break;
	case S_FOREACH:
		cg_foreach(cg, s);
		break;
	case S_TRY:
		cg_try(cg, s);
		break;
	case S_RETURN:
		cg_return(cg, s);
		break;
	}
}
