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
 * exactly (it must, to see that each loop ends), so paths that paid
 * different amounts could never be merged, and a loop with an if inside
 * would be explored once per combination of branches.
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

/*
 * for (init; cond; incr) body, and while (cond) body:
 *
 *	init
 *   top:
 *	charge 1 + body; if (cond) goto body; goto brk
 *   body:
 *	body
 *   cont:
 *	incr; goto top
 *   brk:
 */
static void stmt_for(struct cg *cg, const struct stmt *s)
{
	struct cg_loop loop = { cg_label(cg), cg_label(cg), cg->loop };
	int top = cg_label(cg), body = cg_label(cg);

	if (s->init)
		cg_discard(cg, s->init);
	cg_bind(cg, top);
	cg_charge(cg, 1 + cg_static_cost(s->body), s->tok);
	/* staying in the loop is the taken branch: the verifier looks at
	 * the way out first, so iterations do not pile up pending states */
	if (s->expr) {
		cg_note(cg, s->expr->tok);
		cg_cond(cg, s->expr);
		cg_jcond(cg, BPF_JNE, BPF_REG_0, 0, body);
		cg_goto(cg, loop.brk);
		cg_bind(cg, body);
	}
	cg->loop = &loop;
	cg_stmt(cg, s->body);
	cg->loop = loop.outer;
	cg_bind(cg, loop.cont);
	if (s->incr) {
		cg_note(cg, s->incr->tok);
		cg_discard(cg, s->incr);
	}
	cg_goto(cg, top);
	cg_bind(cg, loop.brk);
}

/* break, continue, next */
static void stmt_jump(struct cg *cg, const struct stmt *s)
{
	int target;

	if (s->kind == S_NEXT) {
		target = cg->exit_label;
	} else if (!cg->loop) {
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
		stmt_for(cg, s);
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
		cg_unsupported(cg, s->tok, "foreach");
		break;
	case S_TRY:
		cg_try(cg, s);
		break;
	case S_RETURN:
		cg_return(cg, s);
		break;
	}
}
