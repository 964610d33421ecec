/* Visiting every expression of a parsed tree: operands, arguments,
 * target-chain indexes, and every expression a statement holds. */
#include "translator/ast_walk.h"

void walk_expr(struct expr *e, expr_visit_fn fn, void *arg)
{
	if (!e || !fn(e, arg))
		return;
	walk_expr(e->left, fn, arg);
	walk_expr(e->right, fn, arg);
	walk_expr(e->third, fn, arg);
	walk_expr(e->base, fn, arg);
	for (int i = 0; i < e->args.n; i++)
		walk_expr(e->args.v[i], fn, arg);
	if (e->target) {
		walk_expr(e->target->operand, fn, arg);
		for (int i = 0; i < e->target->comps.n; i++)
			walk_expr(((struct target_comp *)e->target->comps.v[i])->index, fn, arg);
	}
}

void walk_stmt(struct stmt *s, expr_visit_fn fn, void *arg)
{
	if (!s)
		return;
	for (int i = 0; i < s->stmts.n; i++)
		walk_stmt(s->stmts.v[i], fn, arg);
	walk_expr(s->array, fn, arg);
	for (int i = 0; i < s->slots.n; i++)
		walk_expr(s->slots.v[i], fn, arg);
	walk_expr(s->init, fn, arg);
	walk_expr(s->expr, fn, arg);
	walk_expr(s->incr, fn, arg);
	walk_expr(s->limit, fn, arg);
	walk_stmt(s->body, fn, arg);
	walk_stmt(s->else_body, fn, arg);
	walk_stmt(s->catch_body, fn, arg);
}
