/* Globals a script writes but never reads are printed when it ends
 * (spec/runtime.md §6.7).  Upstream adds one end probe per such global,
 * after the script's own probes, in the globals' order; -p2 lists them
 * with the locals their printing loop uses (__idx0.. for the keys, __val
 * for a value).  The printing itself is the runtime's: these probes carry
 * the global in autoprint_of and an empty body. */
#include "translator/autoprint.h"

#include <string.h>

/* Which globals something reads.  Only being assigned, incremented or
 * fed with <<< is not reading; delete and 'in' are. */
static void mark(struct program *prog, struct vardecl *v)
{
	if (v && v->kind == VAR_GLOBAL)
		v->read = true;
}

static void walk_expr(struct program *prog, const struct expr *e,
		      bool as_target);
static void walk_stmt(struct program *prog, const struct stmt *s);

static void walk_list(struct program *prog, const struct ptrvec *v)
{
	for (int i = 0; i < v->n; i++)
		walk_expr(prog, v->v[i], false);
}

static void walk_expr(struct program *prog, const struct expr *e,
		      bool as_target)
{
	if (!e)
		return;
	switch (e->kind) {
	case E_SYMBOL:
		if (!as_target)
			mark(prog, e->var);
		return;
	case E_INDEX:
		if (!as_target)
			mark(prog, e->var);
		walk_list(prog, &e->args);
		return;
	case E_ASSIGN:
		walk_expr(prog, e->left, true);
		walk_expr(prog, e->right, false);
		return;
	case E_PREINC:
	case E_POSTINC:
		walk_expr(prog, e->left, true);
		return;
	case E_IN:
		walk_list(prog, &e->args);
		walk_expr(prog, e->base, false);
		return;
	case E_CALL:
	case E_PRINT:
	case E_CONCAT:
		walk_list(prog, &e->args);
		return;
	case E_HISTINDEX:
		walk_expr(prog, e->base, false);
		walk_expr(prog, e->left, false);
		return;
	default:
		walk_expr(prog, e->left, false);
		walk_expr(prog, e->right, false);
		walk_expr(prog, e->third, false);
		return;
	}
}

static void walk_stmt(struct program *prog, const struct stmt *s)
{
	if (!s)
		return;
	for (int i = 0; s->kind == S_BLOCK && i < s->stmts.n; i++)
		walk_stmt(prog, s->stmts.v[i]);
	if (s->kind == S_FOREACH) {
		walk_expr(prog, s->array, false);
		walk_list(prog, &s->slots);
	}
	walk_expr(prog, s->init, false);
	walk_expr(prog, s->expr, false);
	walk_expr(prog, s->incr, false);
	walk_expr(prog, s->limit, false);
	walk_stmt(prog, s->body);
	walk_stmt(prog, s->else_body);
	walk_stmt(prog, s->catch_body);
}

static struct vardecl *printing_local(struct program *prog, const char *name,
				      enum value_type type)
{
	struct vardecl *v = arena_alloc(&prog->arena, sizeof(*v));

	v->name = name;
	v->kind = VAR_LOCAL;
	v->type = type;
	return v;
}

static struct probe *printing_probe(struct program *prog, struct vardecl *g)
{
	struct probe *p = arena_alloc(&prog->arena, sizeof(*p));
	struct probe_point *pp = arena_alloc(&prog->arena, sizeof(*pp));
	struct probe_comp *c = arena_alloc(&prog->arena, sizeof(*c));

	c->tok = g->tok;
	c->name = "end";
	pp->tok = g->tok;
	ptrvec_push(&prog->arena, &pp->comps, c);
	p->tok = g->tok;
	ptrvec_push(&prog->arena, &p->points, pp);
	p->body = arena_alloc(&prog->arena, sizeof(*p->body));
	p->body->kind = S_BLOCK;
	p->autoprint_of = g;
	for (int i = 0; i < g->arity; i++)
		ptrvec_push(&prog->arena, &p->locals,
			    printing_local(prog, arena_printf(&prog->arena, "__idx%d", i),
					   g->index_types[i]));
	if (g->arity > 0 && g->type != TYPE_STATS)
		ptrvec_push(&prog->arena, &p->locals, printing_local(prog, "__val", g->type));
	return p;
}

void autoprint_globals(struct program *prog)
{
	int nprobes = prog->probes.n;

	for (int i = 0; i < nprobes; i++) {
		struct probe *p = prog->probes.v[i];

		walk_stmt(prog, p->body);
		/* a point's condition reads globals too ("if (on)") */
		for (int j = 0; j < p->points.n; j++)
			walk_expr(prog, ((struct probe_point *)p->points.v[j])->cond, false);
	}
	for (int i = 0; i < prog->functions.n; i++)
		walk_stmt(prog, ((struct function *)prog->functions.v[i])->body);
	for (int i = 0; i < prog->globals.n; i++) {
		struct vardecl *g = prog->globals.v[i];

		if (!g->read)
			ptrvec_push(&prog->arena, &prog->probes, printing_probe(prog, g));
	}
}
