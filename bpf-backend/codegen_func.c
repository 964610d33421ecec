// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * codegen_func.c - script functions, inlined at each call.
 *
 * Why inlining rather than BPF-to-BPF calls: the verifier allows 8 call
 * frames and 512 bytes of stack across all of them, while SystemTap's
 * MAXNESTING for a recursive script is 13 or more (13 for a function
 * calling itself from a probe); it refuses recursive BPF calls outright,
 * so recursion has to be unrolled to MAXNESTING copies anyway; and it
 * verifies a static subprogram again at every call site, so calls save
 * no verifier work.  Inlined, a call is straight code in the probe's
 * program: the function's long parameters, locals and return value live
 * on the stack (the verifier must know them exactly to see loops end,
 * see codegen_int.h), its strings in the scratch frame; its errors reach
 * the probe's error path or an enclosing try directly, and its call
 * chain, which error messages print (runtime.md 3.2), is known at
 * translation time.
 *
 * Depth: a call at depth d (1 from a probe body) beyond MAXNESTING is
 * not expanded; it raises "MAXNESTING exceeded" at the function's
 * declaration, as upstream's function prologue reports it, with the
 * call chain.  The size of a program is capped, so that a call tree too
 * large for BPF (fib() calling itself twice is 2^13 calls deep down)
 * fails in pass 3, clearly.
 */
#include <string.h>

#include "bpf-backend/codegen_int.h"

/* Instructions a program may have before another call is inlined: BPF
 * jumps reach 32767 instructions, and the error tails come last */
#define CG_MAX_INLINE_LEN 24000

/* ---- MAXNESTING ----------------------------------------------------------- */

struct nest_fn {
	const struct function *fn;
	int depth;		/* longest chain from it, it included */
	int pos;		/* its place on the chain being walked, or -1 */
};

struct nest {
	struct arena *arena;
	struct nest_fn *v;
	int n, cap;
	int chain;		/* functions on the chain being walked */
	int cycle;		/* the longest cycle of calls seen, or 0 */
};

static int nest_expr(struct nest *ns, const struct expr *e);
static int nest_stmt(struct nest *ns, const struct stmt *s);

static struct nest_fn *nest_find(struct nest *ns, const struct function *fn)
{
	int i;

	for (i = 0; i < ns->n; i++)
		if (ns->v[i].fn == fn)
			return &ns->v[i];
	if (ns->n == ns->cap) {
		int cap = ns->cap ? ns->cap * 2 : 16;
		struct nest_fn *v = arena_alloc(ns->arena, cap * sizeof(*v));

		if (ns->n)
			memcpy(v, ns->v, ns->n * sizeof(*v));
		ns->v = v;
		ns->cap = cap;
	}
	ns->v[ns->n] = (struct nest_fn) { fn, -1, -1 };
	return &ns->v[ns->n++];
}

/* A call of fn: the longest chain of distinct functions from it; a
 * call back into the chain closes a cycle */
static int nest_fn(struct nest *ns, const struct function *fn)
{
	struct nest_fn *f = nest_find(ns, fn);
	int d;

	if (f->pos >= 0) {
		if (ns->chain - f->pos > ns->cycle)
			ns->cycle = ns->chain - f->pos;
		return 0;
	}
	if (f->depth >= 0)
		return f->depth;
	f->pos = ns->chain++;
	d = 1 + nest_stmt(ns, fn->body);
	ns->chain--;
	f = nest_find(ns, fn);	/* the table may have moved */
	f->pos = -1;
	f->depth = d;
	return d;
}

static int max2(int a, int b)
{
	return a > b ? a : b;
}

static int nest_exprs(struct nest *ns, const struct ptrvec *v)
{
	int i, d = 0;

	for (i = 0; i < v->n; i++)
		d = max2(d, nest_expr(ns, v->v[i]));
	return d;
}

static int nest_expr(struct nest *ns, const struct expr *e)
{
	int d, i;

	if (!e)
		return 0;
	d = max2(max2(nest_expr(ns, e->left), nest_expr(ns, e->right)),
		 max2(nest_expr(ns, e->third), nest_expr(ns, e->base)));
	d = max2(d, nest_exprs(ns, &e->args));
	if (e->target) {
		d = max2(d, nest_expr(ns, e->target->operand));
		for (i = 0; i < e->target->comps.n; i++) {
			const struct target_comp *c = e->target->comps.v[i];

			d = max2(d, nest_expr(ns, c->index));
		}
	}
	if (e->kind == E_CALL && e->callee && e->callee->body)
		d = max2(d, nest_fn(ns, e->callee));
	return d;
}

static int nest_stmt(struct nest *ns, const struct stmt *s)
{
	int d, i;

	if (!s)
		return 0;
	d = max2(nest_expr(ns, s->expr), max2(nest_expr(ns, s->init),
					      nest_expr(ns, s->incr)));
	d = max2(d, max2(nest_stmt(ns, s->body), nest_stmt(ns, s->else_body)));
	d = max2(d, max2(nest_stmt(ns, s->catch_body), nest_expr(ns, s->limit)));
	for (i = 0; i < s->stmts.n; i++)
		d = max2(d, nest_stmt(ns, s->stmts.v[i]));
	for (i = 0; i < s->slots.n; i++)
		d = max2(d, nest_expr(ns, s->slots.v[i]));
	return d;
}

/*
 * MAXNESTING as upstream sizes it from the call graph.  Without
 * recursion: the longest chain of calls from a probe, D.  With it:
 * 12 + max(D - 1, the longest cycle).  That formula fits what stap 4.8
 * writes for every shape measured: 13 for fact() calling itself, from a
 * probe or through k(); 14 through m() and k(), and for p() and q()
 * calling each other; 15 for a cycle of three.
 */
void cg_compute_nesting(struct cg *cg)
{
	struct nest ns = { .arena = cg->arena };
	int i, d = 0;

	for (i = 0; i < cg->prog->probes.n; i++) {
		const struct probe *p = cg->prog->probes.v[i];

		d = max2(d, nest_stmt(&ns, p->body));
	}
	for (i = 0; i < cg->npoints; i++)
		d = max2(d, nest_stmt(&ns, cg->points[i].probe->body));
	cg->max_nesting = ns.cycle ? 12 + max2(d - 1, ns.cycle) : d;
}

/* ---- call chains and their error tails ------------------------------------ */

int cg_frame_sites(struct cg *cg, uint32_t *ids, int max)
{
	const struct cg_frame *f;
	const char *t;
	int n = 0;

	for (f = cg->frame; f && n < max; f = f->outer) {
		t = cg_token_text(cg, f->site);
		ids[n++] = (uint32_t)cg_strtab_add(cg, &cg->strings, t, strlen(t));
	}
	return n;
}

/* The frame's errors that nothing caught need a tail of their own */
static void keep_tail(struct cg *cg)
{
	uint32_t ids[64];
	struct cg_tail *t;
	int n;

	if (cg->error_label < 0)
		return;
	if (cg->ntails == cg->tails_cap) {
		int cap = cg->tails_cap ? cg->tails_cap * 2 : 8;
		struct cg_tail *v = arena_alloc(cg->arena, cap * sizeof(*v));

		if (cg->ntails)
			memcpy(v, cg->tails, cg->ntails * sizeof(*v));
		cg->tails = v;
		cg->tails_cap = cap;
	}
	n = cg_frame_sites(cg, ids, 64);
	t = &cg->tails[cg->ntails++];
	t->label = cg->error_label;
	t->nsites = n;
	t->sites = arena_alloc(cg->arena, (n + 1) * sizeof(*t->sites));
	memcpy(t->sites, ids, n * sizeof(*ids));
}

void cg_func_tails(struct cg *cg)
{
	int i;

	for (i = 0; i < cg->ntails; i++) {
		cg->error_label = cg->tails[i].label;
		rt_error_tail(cg, cg->tails[i].sites, cg->tails[i].nsites);
	}
	cg->ntails = 0;
	cg->error_label = -1;
}

/* ---- calls ---------------------------------------------------------------- */

/* r0 = 0 or "", the value of a call that did not happen */
static void no_value(struct cg *cg, const struct expr *e)
{
	emit_mov_imm(&cg->em, BPF_REG_0, 0);
	if (e->type == TYPE_STRING)
		cg_str_literal(cg, e->tok, "", 0);
}

/* A call past MAXNESTING: the error, raised in a frame of its own so
 * that the call chain includes this call */
static void too_deep(struct cg *cg, const struct expr *e, int depth)
{
	struct emitter *em = &cg->em;
	struct cg_frame fr = { e->callee, e->tok, depth, -1, 0, cg->frame,
				 cg->sub_depth };
	int saved = cg->error_label, go_on = label_new(em);

	cg->frame = &fr;
	cg->error_label = -1;
	/* the raise is unconditional; a jump the verifier's CFG check sees
	 * keeps what follows reachable */
	emit_mov_imm(em, BPF_REG_1, 1);
	emit_jcond_imm(em, BPF_JEQ, BPF_REG_1, 0, go_on);
	rt_raise(cg, "MAXNESTING exceeded", e->callee->tok);
	keep_tail(cg);
	cg->frame = fr.outer;
	cg->error_label = saved;
	label_bind(em, go_on);
	no_value(cg, e);
}

/* Storage for a variable of the inlined function, zeroed: a string in
 * the scratch frame, a long on the stack */
static void bind(struct cg *cg, struct cg_local *l, const struct vardecl *v,
		 bool zero)
{
	struct emitter *em = &cg->em;

	l->var = v;
	if (v->type == TYPE_STRING) {
		l->reg = CG_SCRATCH;
		l->off = cg_scratch_alloc(cg, v->tok, cg->slot);
	} else {
		l->reg = BPF_REG_10;
		l->off = emit_stack_alloc(em, 8);
	}
	if (zero)
		emit_store_imm(em, v->type == TYPE_STRING ? BPF_B : BPF_DW,
			       l->reg, l->off, 0);
}

/* Evaluate the arguments (in the caller's scope) into the parameters */
static void pass_args(struct cg *cg, const struct expr *e,
		      const struct cg_local *params)
{
	struct emitter *em = &cg->em;
	int i, smark;

	for (i = 0; i < e->args.n && i < e->callee->params.n; i++) {
		smark = cg_scratch_mark(cg);
		if (params[i].var->type == TYPE_STRING) {
			cg_str(cg, e->args.v[i]);
			emit_mov_reg(em, BPF_REG_3, BPF_REG_0);
			cg_str_copy(cg, CG_SCRATCH, params[i].off);
		} else {
			cg_long(cg, e->args.v[i]);
			emit_store(em, BPF_DW, BPF_REG_10, params[i].off, BPF_REG_0);
		}
		cg_scratch_release(cg, smark);
	}
}

void cg_call_function(struct cg *cg, const struct expr *e)
{
	const struct function *fn = e->callee;
	struct emitter *em = &cg->em;
	int depth = cg->frame ? cg->frame->depth + 1 : 1;
	int np = fn->params.n, nl = fn->locals.n, base = cg->nlocals, i, smark;
	int mark;
	struct cg_local *saved_locals = cg->locals, *v;
	int saved_n = cg->nlocals, saved_err = cg->error_label;
	struct cg_loop *saved_loop = cg->loop;
	bool string = fn->ret == TYPE_STRING;
	struct cg_frame fr;

	if (depth > cg->max_nesting) {
		too_deep(cg, e, depth);
		return;
	}
	if (em->len > CG_MAX_INLINE_LEN) {
		if (!cg->ninlined++)
			cg_unsupported(cg, e->tok, "a probe whose inlined "
				       "function calls exceed 24000 BPF "
				       "instructions");
		no_value(cg, e);
		return;
	}
	/* a string result outlives the call in the caller's temporaries; a
	 * long one is in r0 when the call's stack slots are released */
	mark = emit_stack_mark(em);
	fr = (struct cg_frame) { fn, e->tok, depth, cg_label(cg),
		string ? cg_scratch_alloc(cg, e->tok, cg->slot)
		       : emit_stack_alloc(em, 8), cg->frame, cg->sub_depth };
	smark = cg_scratch_mark(cg);
	v = arena_alloc(cg->arena, (base + np + nl + 1) * sizeof(*v));
	if (base)
		memcpy(v, cg->locals, base * sizeof(*v));
	for (i = 0; i < np; i++) {
		const struct param *p = fn->params.v[i];

		bind(cg, &v[base + i], p->var, false);
	}
	cg_note(cg, e->tok);
	pass_args(cg, e, v + base);
	for (i = 0; i < nl; i++)
		bind(cg, &v[base + np + i], fn->locals.v[i], true);
	emit_store_imm(em, string ? BPF_B : BPF_DW,
		       string ? CG_SCRATCH : BPF_REG_10, fr.ret_off, 0);

	cg->locals = v;
	cg->nlocals = base + np + nl;
	cg->frame = &fr;
	cg->loop = NULL;
	cg->error_label = -1;
	cg_charge_body(cg, fn->body);
	cg_stmt(cg, fn->body);
	cg_bind(cg, fr.ret_label);
	cg->dead = false;
	keep_tail(cg);
	cg->error_label = saved_err;
	cg->loop = saved_loop;
	cg->frame = fr.outer;
	cg->locals = saved_locals;
	cg->nlocals = saved_n;
	cg_scratch_release(cg, smark);
	cg_note(cg, e->tok);
	if (string) {
		emit_mov_reg(em, BPF_REG_0, CG_SCRATCH);
		emit_alu_imm(em, BPF_ADD, BPF_REG_0, fr.ret_off);
	} else {
		emit_load(em, BPF_DW, BPF_REG_0, BPF_REG_10, fr.ret_off);
	}
	emit_stack_release(em, mark);
}

void cg_return(struct cg *cg, const struct stmt *s)
{
	struct emitter *em = &cg->em;
	const struct cg_frame *fr = cg->frame;
	int smark = cg_scratch_mark(cg);

	if (!fr) {
		cg_unsupported(cg, s->tok, "return outside a function");
		return;
	}
	/* the function's end is in the program, the loop body a callback */
	if (fr->sub != cg->sub_depth) {
		cg_unsupported(cg, s->tok, "return inside a loop body");
		return;
	}
	if (s->expr) {
		if (fr->fn->ret == TYPE_STRING) {
			cg_str(cg, s->expr);
			emit_mov_reg(em, BPF_REG_3, BPF_REG_0);
			cg_str_copy(cg, CG_SCRATCH, fr->ret_off);
		} else {
			cg_long(cg, s->expr);
			emit_store(em, BPF_DW, BPF_REG_10, fr->ret_off, BPF_REG_0);
		}
	}
	cg_scratch_release(cg, smark);
	cg_goto(cg, fr->ret_label);
}
