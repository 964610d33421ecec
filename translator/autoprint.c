/* Globals a script writes but never reads are printed when it ends
 * (spec/runtime.md §6.7).  Upstream adds one end probe per such global,
 * after the script's own probes, in the globals' order; -p2 lists them
 * with the locals their printing loop uses (__idx0.. for the keys, __val
 * for a value).  The printing itself is the runtime's: these probes carry
 * the global in autoprint_of and an empty body. */
#include "translator/autoprint.h"

#include <string.h>

#include "translator/ast_walk.h"

/* Which globals something reads.  Only being assigned, incremented or
 * fed with <<< is not reading; delete and 'in' are. */
static void mark(struct vardecl *v)
{
	if (v && v->kind == VAR_GLOBAL)
		v->read = true;
}

static bool visit_read(struct expr *e, void *arg)
{
	switch (e->kind) {
	case E_SYMBOL:
	case E_INDEX:
		mark(e->var);
		return true;
	case E_ASSIGN:
	case E_PREINC:
	case E_POSTINC:
		/* the assigned variable is not read; its indexes are */
		if (e->left->kind == E_INDEX)
			for (int i = 0; i < e->left->args.n; i++)
				walk_expr(e->left->args.v[i], visit_read, arg);
		else if (e->left->kind != E_SYMBOL)
			walk_expr(e->left, visit_read, arg);
		walk_expr(e->right, visit_read, arg);
		return false;
	default:
		return true;
	}
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

		walk_stmt(p->body, visit_read, NULL);
		/* a point's condition reads globals too ("if (on)") */
		for (int j = 0; j < p->points.n; j++)
			walk_expr(((struct probe_point *)p->points.v[j])->cond, visit_read, NULL);
	}
	for (int i = 0; i < prog->functions.n; i++)
		walk_stmt(((struct function *)prog->functions.v[i])->body, visit_read, NULL);
	for (int i = 0; i < prog->globals.n; i++) {
		struct vardecl *g = prog->globals.v[i];

		/* a tapset's own bookkeeping is not the script's output */
		if (!g->read && !g->tok->src->is_tapset)
			ptrvec_push(&prog->arena, &prog->probes, printing_probe(prog, g));
	}
}
