/* Deep copies of parsed statements and expressions.
 *
 * Pass 2 annotates the tree in place (variables, callees, types), so a
 * body that is elaborated more than once -- an alias prologue used by
 * several probes, a user body behind a wildcard alias that expands into
 * many probes -- is copied first, as upstream does.  Tokens and interned
 * strings are shared; the pass-2 fields of the copy start empty. */
#include "translator/ast_clone.h"

#include <string.h>

static void clone_vec(struct arena *a, struct ptrvec *dst, const struct ptrvec *src,
		      void *(*one)(struct arena *, const void *))
{
	*dst = (struct ptrvec){ 0 };
	for (int i = 0; i < src->n; i++)
		ptrvec_push(a, dst, one(a, src->v[i]));
}

static void *clone_expr_v(struct arena *a, const void *e)
{
	return clone_expr(a, e);
}

static void *clone_stmt_v(struct arena *a, const void *s)
{
	return clone_stmt(a, s);
}

static void *clone_target_comp(struct arena *a, const void *p)
{
	const struct target_comp *tc = p;
	struct target_comp *c = arena_alloc(a, sizeof(*c));

	*c = *tc;
	c->index = clone_expr(a, tc->index);
	return c;
}

static void *clone_foreach_key(struct arena *a, const void *p)
{
	const struct foreach_key *k = p;
	struct foreach_key *c = arena_alloc(a, sizeof(*c));

	*c = *k;
	c->var = NULL;
	return c;
}

static struct target *clone_target(struct arena *a, const struct target *t)
{
	struct target *c;

	if (!t)
		return NULL;
	c = arena_alloc(a, sizeof(*c));
	*c = *t;
	c->operand = clone_expr(a, t->operand);
	clone_vec(a, &c->comps, &t->comps, clone_target_comp);
	return c;
}

struct expr *clone_expr(struct arena *a, const struct expr *e)
{
	struct expr *c;

	if (!e)
		return NULL;
	c = arena_alloc(a, sizeof(*c));
	*c = *e;
	c->left = clone_expr(a, e->left);
	c->right = clone_expr(a, e->right);
	c->third = clone_expr(a, e->third);
	c->base = clone_expr(a, e->base);
	clone_vec(a, &c->args, &e->args, clone_expr_v);
	c->target = clone_target(a, e->target);
	/* hist_params are read-only literals: shared */
	c->var = NULL;
	c->callee = NULL;
	c->type = TYPE_UNKNOWN;
	return c;
}

struct stmt *clone_stmt(struct arena *a, const struct stmt *s)
{
	struct stmt *c;

	if (!s)
		return NULL;
	c = arena_alloc(a, sizeof(*c));
	*c = *s;
	clone_vec(a, &c->stmts, &s->stmts, clone_stmt_v);
	c->expr = clone_expr(a, s->expr);
	c->init = clone_expr(a, s->init);
	c->incr = clone_expr(a, s->incr);
	c->body = clone_stmt(a, s->body);
	c->else_body = clone_stmt(a, s->else_body);
	c->catch_body = clone_stmt(a, s->catch_body);
	c->catch_decl = NULL;
	c->value_decl = NULL;
	clone_vec(a, &c->keys, &s->keys, clone_foreach_key);
	c->array = clone_expr(a, s->array);
	clone_vec(a, &c->slots, &s->slots, clone_expr_v);
	c->limit = clone_expr(a, s->limit);
	return c;
}
