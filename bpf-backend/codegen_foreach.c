// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * codegen_foreach.c - the foreach statement (runtime.md 6.4, 5.3): over
 * an array, after codegen_iter.c's collect, sort and renumber steps,
 * or over a histogram's buckets.
 *
 * An array's loop iterates with bpf_loop(): the body is a callback whose
 * frame mirrors the probe's (the budget, the key slot, the long
 * locals, an inlined function's among them, keep their offsets, so
 * statements lower unchanged), with the budget and the long locals
 * passed through the scratch frame.  Errors for a try outside the loop
 * and returns from a function outside it leave the callback with a
 * word saying so, which the caller acts on after bpf_loop().
 * It binds the keys (and value), skips an element deleted meanwhile and
 * runs the body.  The verifier checks the callback once, whatever the
 * number of iterations.  Statistics are aggregated per element when
 * read, not once at the start of the loop.
 */
#include <string.h>

#include "bpf-backend/codegen_iter.h"

/* The sort column of s, its type and its offset in an entry */
static bool sort_of(struct cg *cg, const struct stmt *s, struct iter *it)
{
	const struct vardecl *v = it->g->var;
	struct sortspec *o = &it->sort;
	int i, off = E_KEY;

	o->col = -1;
	o->dir = 1;
	o->agg = s->has_sort_agg ? s->sort_agg : STAT_COUNT;
	if (s->value_sort) {
		o->col = 0;
		o->dir = s->value_sort;
		o->str = v->type == TYPE_STRING;
		o->off = o->str ? E_KEY + it->g->ksize : E_VAL;
		return true;
	}
	for (i = 0; i < s->keys.n; i++) {
		const struct foreach_key *k = s->keys.v[i];

		if (k->sort) {
			o->col = i + 1;
			o->dir = k->sort;
			o->str = v->index_types[i] == TYPE_STRING;
			o->off = off;
		}
		off += v->index_types[i] == TYPE_STRING ? (int)cg->slot : 8;
	}
	return true;
}

/* The entry map for g at the current foreach nesting depth over g */
static int entry_map(struct cg *cg, struct iter *it, const struct token *tok)
{
	struct cg_global *g = it->g;
	const struct cg_loop *l;
	int depth = 0;

	for (l = cg->loop; l; l = l->outer)
		if (l->array == g)
			depth++;
	if (depth >= CG_MAX_FOREACH_DEPTH) {
		cg_unsupported(cg, tok, "foreach nested this deep over one array");
		return -1;
	}
	it->esize = E_KEY + g->ksize + (g->var->type == TYPE_STRING
					? (int)cg->slot : 0);
	if (!g->iter_maps[depth])
		g->iter_maps[depth] = 1 + cg_add_map(cg,
			arena_printf(cg->arena, "sonde_e%d_%s", depth,
				     g->var->name),
			BPF_MAP_TYPE_PERCPU_ARRAY, 4, it->esize, g->capacity);
	return g->iter_maps[depth] - 1;
}

/* Store the long in r0, or copy the string at r3, into variable v */
static void bind_var(struct cg *cg, struct vardecl *v, const struct token *tok,
		     bool str)
{
	struct expr e = { .tok = tok, .var = v };
	int reg, off;

	if (!cg_var_place(cg, &e, &reg, &off))
		return;
	if (str)
		cg_str_copy(cg, reg, off);
	else
		emit_store(&cg->em, BPF_DW, reg, off, BPF_REG_0);
}

/*
 * The body's callback shares the probe's locals and action budget with
 * it through the scratch frame at ls: a word saying how the callback
 * left (enum body_exit), the budget, the return value of the inlined
 * function the loop is in (if a long), then each long local.  Going
 * through map memory also keeps what the verifier knows of them from
 * one iteration out of the next, so it checks the callback once.
 */
enum body_exit {
	BODY_ON,		/* next iteration, or the loop is done */
	BODY_END,		/* next, or an uncaught error: end the handler */
	BODY_CAUGHT,		/* an error for the enclosing try; the catch
				   variable holds its text */
	BODY_RETURN,		/* return from the enclosing function */
};

#define LS_WORD 0
#define LS_BUDGET 8
#define LS_RET 16
#define LS_LOCALS 24

/* The enclosing function's return value, if it lives on the stack */
static int ret_slot(const struct cg *cg)
{
	const struct cg_frame *f = cg->frame;

	return f && f->ret_label >= 0 && f->fn->ret != TYPE_STRING ?
	       f->ret_off : 0;
}

static void copy_word(struct cg *cg, int dreg, int doff, int sreg, int soff)
{
	emit_load(&cg->em, BPF_DW, BPF_REG_1, sreg, soff);
	emit_store(&cg->em, BPF_DW, dreg, doff, BPF_REG_1);
}

static void stash(struct cg *cg, int ls, int frame)
{
	int i;

	copy_word(cg, CG_SCRATCH, ls + LS_BUDGET, frame, cg->act_slot);
	if (ret_slot(cg))
		copy_word(cg, CG_SCRATCH, ls + LS_RET, frame, ret_slot(cg));
	for (i = 0; i < cg->nlocals; i++)
		if (cg->locals[i].var->type != TYPE_STRING)
			copy_word(cg, CG_SCRATCH, ls + LS_LOCALS + 8 * i,
				  frame, cg->locals[i].off);
}

static void unstash(struct cg *cg, int ls, int frame)
{
	int i;

	copy_word(cg, frame, cg->act_slot, CG_SCRATCH, ls + LS_BUDGET);
	if (ret_slot(cg))
		copy_word(cg, frame, ret_slot(cg), CG_SCRATCH, ls + LS_RET);
	for (i = 0; i < cg->nlocals; i++)
		if (cg->locals[i].var->type != TYPE_STRING)
			copy_word(cg, frame, cg->locals[i].off,
				  CG_SCRATCH, ls + LS_LOCALS + 8 * i);
}

/* The frame a body needs mirrored: the budget, the key slot, the long
 * locals (an inlined function's parameters and locals among them) and
 * the enclosing function's return value; what else lies as deep
 * (enclosing loops' slots) the body never refers to */
static int mirror_depth(const struct cg *cg)
{
	int i, d = -cg->act_slot;

	if (-cg->key_slot > d)
		d = -cg->key_slot;
	if (-ret_slot(cg) > d)
		d = -ret_slot(cg);
	for (i = 0; i < cg->nlocals; i++)
		if (cg->locals[i].var->type != TYPE_STRING &&
		    -cg->locals[i].off > d)
			d = -cg->locals[i].off;
	return d;
}

static const char *where(struct cg *cg, const struct token *t)
{
	return arena_printf(cg->arena, "%s:%d:%d",
			    t && t->src ? t->src->name : "?", t ? t->line : 0,
			    t ? t->col : 0);
}

/* "file:line:col" of a statement, and in an inlined function the call
 * sites that put it there: names its body's callback in -p3, telling
 * apart the copies of one loop inlined at several calls */
static const char *stmt_where(struct cg *cg, const struct stmt *s)
{
	const char *w = where(cg, s->tok);
	const struct cg_frame *f;

	for (f = cg->frame; f; f = f->outer)
		w = arena_printf(cg->arena, "%s in %s() called at %s", w,
				 f->fn->name, where(cg, f->site));
	return w;
}

/* The verifier allows 8 call frames: the program and 7 callbacks in
 * each other (the loops of inlined functions count too) */
#define MAX_BODY_DEPTH 7
#define TOO_DEEP "loops nested more than 7 deep (bpf runtime limit)"

/* Is the innermost inlined call a copy of recursion, unrolled to
 * MAXNESTING (codegen_func.c)? */
static bool in_recursion(const struct cg *cg)
{
	const struct cg_frame *f, *g;

	for (f = cg->frame; f; f = f->outer)
		for (g = f->outer; g; g = g->outer)
			if (g->fn == f->fn)
				return true;
	return false;
}

/*
 * Room for one more body callback?  If not, a program that nests its
 * loops this deep is refused in pass 3.  A recursive function whose
 * loops call it again nests a callback per level of its unrolling, as
 * deep as MAXNESTING, while most runs recurse far less: there the loop
 * raises an error if it is ever reached, which no try catches (it is a
 * limit, as MAXACTION is).
 */
static bool body_depth_ok(struct cg *cg, const struct token *tok)
{
	struct emitter *em = &cg->em;
	struct cg_try *try_ctx = cg->try_ctx;
	int go_on;

	if (cg->body_depth < MAX_BODY_DEPTH)
		return true;
	if (!in_recursion(cg)) {
		cg_unsupported(cg, tok, "loops nested more than 7 deep "
			       "(counting those of the functions called in "
			       "their bodies)");
		return false;
	}
	/* the raise is unconditional; a jump the verifier's CFG check
	 * sees keeps what follows reachable (as too_deep() does) */
	go_on = label_new(em);
	emit_mov_imm(em, BPF_REG_1, 1);
	emit_jcond_imm(em, BPF_JEQ, BPF_REG_1, 0, go_on);
	cg->try_ctx = NULL;
	rt_raise(cg, TOO_DEEP, tok);
	cg->try_ctx = try_ctx;
	label_bind(em, go_on);
	return false;
}

/* A loop body's callback under construction */
struct body_cb {
	struct cg_sub_save save;
	struct cg_loop loop;	/* break: return 1, continue: return 0 */
	int ls;			/* the scratch words shared with the probe */
	int stop;		/* return 1: a lookup that cannot fail did */
	int ended;		/* BODY_END */
	/* the enclosing try and function, whose labels are the caller's:
	 * in the callback, errors for that try and returns from that
	 * function go to labels of its own, which hand them over */
	struct cg_try *outer_try;
	struct cg_try proxy;	/* catch_label: BODY_CAUGHT */
	int outer_ret;		/* the function's ret_label */
	int returned;		/* BODY_RETURN */
	int tails;		/* cg->tails[tails...]: the callback's own */
	bool caught, ret;	/* the callback may leave with those words */
};

/*
 * Open a bpf_loop() callback (index, ctx) for one iteration of a loop
 * body.  Its frame mirrors the probe's first mirror_depth() bytes; r9
 * and r8 are looked up again; the budget and the long locals come from
 * the scratch words at ls, the budget masked to a range the verifier
 * can bound.  The index stays in r1.
 */
static void body_open(struct cg *cg, struct body_cb *b, int ls,
		      const struct token *tok)
{
	struct emitter *em = &cg->em;
	uint32_t mask = 1;
	int idx;

	cg_sub_begin_mirror(cg, &b->save, mirror_depth(cg));
	b->save.tok = tok;
	cg->body_depth++;
	b->ls = ls;
	b->loop.brk = cg_label(cg);
	b->loop.cont = cg_label(cg);
	b->loop.outer = b->save.loop;	/* for the nesting depth */
	b->loop.array = NULL;
	b->stop = label_new(em);
	b->ended = cg_label(cg);
	cg->exit_label = b->ended;
	b->outer_try = cg->try_ctx;
	if (b->outer_try) {
		b->proxy = *b->outer_try;
		b->proxy.catch_label = cg_label(cg);
		b->proxy.outer = NULL;
		cg->try_ctx = &b->proxy;
	}
	b->returned = -1;
	if (cg->frame && cg->frame->ret_label >= 0) {
		b->outer_ret = cg->frame->ret_label;
		b->returned = cg_label(cg);
		cg->frame->ret_label = b->returned;
	}
	b->tails = cg->ntails;
	idx = emit_stack_alloc(em, 8);
	emit_store(em, BPF_DW, BPF_REG_10, idx, BPF_REG_1);
	rt_lookup0(cg, CG_MAP_SCRATCH, b->stop);
	emit_mov_reg(em, CG_SCRATCH, BPF_REG_0);
	if (cg->map_globals >= 0) {
		rt_lookup0(cg, cg->map_globals, b->stop);
		emit_mov_reg(em, CG_GLOBALS, BPF_REG_0);
	}
	unstash(cg, ls, BPF_REG_10);
	while (mask < cg->lim.maxaction)
		mask = mask << 1 | 1;
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, cg->act_slot);
	emit_alu_imm(em, BPF_AND, BPF_REG_1, (int32_t)mask);
	emit_store(em, BPF_DW, BPF_REG_10, cg->act_slot, BPF_REG_1);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, idx);
}

/* The body s itself, then the continue point with incr (for loops) */
static void body_run(struct cg *cg, struct body_cb *b, const struct stmt *body,
		     const struct expr *incr)
{
	cg->loop = &b->loop;
	cg_stmt(cg, body);
	cg->loop = NULL;
	cg->dead = false;
	cg_bind(cg, b->loop.cont);
	if (incr) {
		cg_note(cg, incr->tok);
		cg_discard(cg, incr);
	}
}

/* A way out of the callback, if some jump takes it: the word set to
 * how (unless 0), the budget and locals handed back if keep, return 1 */
static void body_exit(struct cg *cg, struct body_cb *b, int label,
		      enum body_exit how, bool keep)
{
	struct emitter *em = &cg->em;

	label_bind(em, label);
	if (!cg->label_used[label])
		return;
	if (how != BODY_ON)
		emit_store_imm(em, BPF_DW, CG_SCRATCH, b->ls + LS_WORD, how);
	if (keep)
		stash(cg, b->ls, BPF_REG_10);
	iter_ret(cg, 1);
}

/* Close the callback: the ways out; returns its index or -1 */
static int body_close(struct cg *cg, struct body_cb *b, const char *key)
{
	struct emitter *em = &cg->em;

	stash(cg, b->ls, BPF_REG_10);
	iter_ret(cg, 0);
	/* the blocks no jump reaches are left out: the verifier refuses
	 * unreachable code */
	body_exit(cg, b, b->loop.brk, BODY_ON, true);
	b->caught = b->outer_try && cg->label_used[b->proxy.catch_label];
	if (b->outer_try)
		body_exit(cg, b, b->proxy.catch_label, BODY_CAUGHT, true);
	b->ret = b->returned >= 0 && cg->label_used[b->returned];
	if (b->returned >= 0)
		body_exit(cg, b, b->returned, BODY_RETURN, true);
	/* the error tails jump back here */
	if (cg->error_label >= 0 || cg->ntails > b->tails)
		cg->label_used[b->ended] = true;
	body_exit(cg, b, b->ended, BODY_END, false);
	label_bind(em, b->stop);
	iter_ret(cg, 1);
	if (cg->error_label >= 0) {
		uint32_t sites[64];

		rt_error_tail(cg, sites, cg_frame_sites(cg, sites, 64));
	}
	/* those of functions inlined in the body */
	cg_func_tails(cg, b->tails);
	cg->try_ctx = b->outer_try;
	cg->body_depth--;
	if (b->returned >= 0)
		cg->frame->ret_label = b->outer_ret;
	return cg_sub_end(cg, &b->save, key);
}

/*
 * In the probe: hand the budget and locals over, run the callback cb
 * count times (count: the long in stack slot count_slot, or count_imm
 * if count_slot is 0), take them back; then what ended the callback
 * goes on here: next or an uncaught error ends the handler, a caught
 * error goes to the catch block, a return to the function's end.
 */
static void body_loop(struct cg *cg, const struct body_cb *b, int entry,
		      int cb, int count_slot, int32_t count_imm)
{
	int ls = b->ls;
	struct emitter *em = &cg->em;
	int on = cg_label(cg);

	if (count_slot)
		emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, count_slot);
	else
		emit_mov_imm(em, BPF_REG_1, count_imm);
	iter_call_cb(cg, BPF_FUNC_loop, cb);
	unstash(cg, ls, BPF_REG_10);
	cg_forget_budget(cg, entry);
	emit_load(em, BPF_DW, BPF_REG_1, CG_SCRATCH, ls + LS_WORD);
	cg_jcond(cg, BPF_JEQ, BPF_REG_1, BODY_ON, on);
	if (b->caught)
		cg_jcond(cg, BPF_JEQ, BPF_REG_1, BODY_CAUGHT,
			 cg->try_ctx->catch_label);
	if (b->ret)
		cg_jcond(cg, BPF_JEQ, BPF_REG_1, BODY_RETURN,
			 cg->frame->ret_label);
	cg_goto(cg, cg->exit_label);
	cg_bind(cg, on);
}

/* The scratch words of body_loop(), filled from the probe */
static int body_share(struct cg *cg, const struct token *tok)
{
	int ls = cg_scratch_alloc(cg, tok, LS_LOCALS + 8 * cg->nlocals);

	stash(cg, ls, BPF_REG_10);
	emit_store_imm(&cg->em, BPF_DW, CG_SCRATCH, ls + LS_WORD, BODY_ON);
	return ls;
}

/* One iteration of the foreach s over an array: the entry at sorted
 * position index, its keys and value bound, the body; in b */
static int foreach_callback(struct cg *cg, const struct stmt *s,
			    const struct iter *it, int ls, struct body_cb *b)
{
	struct emitter *em = &cg->em;
	const struct vardecl *v = it->g->var;
	char *key = arena_printf(cg->arena, "foreach body at %s",
				 stmt_where(cg, s));
	int ep, vp, i, off;

	body_open(cg, b, ls, s->tok);
	ep = emit_stack_alloc(em, 8);
	vp = emit_stack_alloc(em, 8);
	emit_mov_reg(em, BPF_REG_6, BPF_REG_1);
	cg_charge_iteration(cg, s->body, s->tok);
	iter_lookup_index(cg, it->emap, BPF_REG_6, cg->key_slot, b->stop);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_0, E_PERM);
	iter_lookup_index(cg, it->emap, BPF_REG_1, cg->key_slot, b->stop);
	emit_store(em, BPF_DW, BPF_REG_10, ep, BPF_REG_0);
	/* an element deleted since the loop began is skipped */
	emit_ld_map(em, BPF_REG_1, it->g->map);
	emit_mov_reg(em, BPF_REG_2, BPF_REG_0);
	emit_alu_imm(em, BPF_ADD, BPF_REG_2, E_KEY);
	emit_call_helper(em, BPF_FUNC_map_lookup_elem);
	cg_jcond(cg, BPF_JEQ, BPF_REG_0, 0, b->loop.cont);
	emit_store(em, BPF_DW, BPF_REG_10, vp, BPF_REG_0);
	for (i = 0, off = E_KEY; i < s->keys.n; i++) {
		const struct foreach_key *k = s->keys.v[i];
		bool str = v->index_types[i] == TYPE_STRING;

		emit_load(em, BPF_DW, BPF_REG_3, BPF_REG_10, ep);
		if (str)
			emit_alu_imm(em, BPF_ADD, BPF_REG_3, off);
		else
			emit_load(em, BPF_DW, BPF_REG_0, BPF_REG_3, off);
		bind_var(cg, k->var, k->tok, str);
		off += str ? (int)cg->slot : 8;
	}
	if (s->value_decl) {
		emit_load(em, BPF_DW, BPF_REG_3, BPF_REG_10, vp);
		if (v->type != TYPE_STRING)
			emit_load(em, BPF_DW, BPF_REG_0, BPF_REG_3, 0);
		bind_var(cg, s->value_decl, s->value_var, v->type == TYPE_STRING);
	}
	body_run(cg, b, s->body, NULL);
	return body_close(cg, b, key);
}

/*
 * for (init; cond; incr) body and while (cond) body, the same way: the
 * callback charges the iteration, tests the condition (false: return
 * 1), runs the body and the increment.  It runs at most MAXACTION + 1
 * times, since each iteration costs at least one action.
 */
void cg_for_loop(struct cg *cg, const struct stmt *s)
{
	struct emitter *em = &cg->em;
	int mark = emit_stack_mark(em), entry = emit_stack_alloc(em, 8);
	int smark = cg_scratch_mark(cg), ls, cb, go;
	char *key = arena_printf(cg->arena, "loop body at %s",
				 stmt_where(cg, s));
	struct body_cb b = { 0 };

	if (!body_depth_ok(cg, s->tok)) {
		emit_stack_release(em, mark);
		return;
	}
	if (s->init)
		cg_discard(cg, s->init);
	cg_remember_budget(cg, entry);
	ls = body_share(cg, s->tok);
	body_open(cg, &b, ls, s->tok);
	cg_charge_iteration(cg, s->body, s->tok);
	if (s->expr) {
		go = label_new(em);
		cg_note(cg, s->expr->tok);
		cg_cond(cg, s->expr);
		emit_jcond_imm(em, BPF_JNE, BPF_REG_0, 0, go);
		cg_goto(cg, b.loop.brk);
		label_bind(em, go);
		cg->dead = false;
	}
	body_run(cg, &b, s->body, s->incr);
	cb = body_close(cg, &b, key);
	if (cb >= 0)
		body_loop(cg, &b, entry, cb, 0, (int32_t)cg->lim.maxaction + 1);
	cg_scratch_release(cg, smark);
	emit_stack_release(em, mark);
}

/* A mask that keeps any count up to cap: at run time n <= cap already,
 * and the verifier learns it without a branch, which bounds the loop
 * for small arrays */
static uint32_t count_mask(unsigned cap)
{
	uint32_t m = 1;

	while (m < cap)
		m = m << 1 | 1;
	return m;
}

/* Steps 1-3, then the loop of step 4 */
static void run_loop(struct cg *cg, const struct stmt *s, struct iter *it)
{
	struct emitter *em = &cg->em;
	struct cg_loop loop = { cg_label(cg), cg_label(cg), cg->loop, it->g };
	int out = cg_label(cg), mark = emit_stack_mark(em);
	int lim = emit_stack_alloc(em, 8);
	int n = emit_stack_alloc(em, 8), entry = emit_stack_alloc(em, 8);
	int collect, sort, renumber = -1, compact = -1, body, ok, ls, st;
	struct body_cb b = { 0 };

	if (s->limit) {
		cg_long(cg, s->limit);
		emit_store(em, BPF_DW, BPF_REG_10, lim, BPF_REG_0);
	}
	if (it->slice)
		iter_slice_keys(cg, it->g, &s->slots, s->tok, out);
	collect = iter_collect(cg, it);
	sort = iter_sort(cg, it);
	if (it->sort.col >= 0)
		renumber = iter_renumber(cg, it);
	if (it->slice)
		compact = iter_compact(cg, it);
	if (collect < 0 || sort < 0 || (it->sort.col >= 0 && renumber < 0) ||
	    (it->slice && compact < 0))
		return;
	st = iter_state_map(cg);
	/* 1. collect */
	rt_lookup0(cg, st, out);
	emit_store_imm(em, BPF_DW, BPF_REG_0, ST_N, 0);
	emit_ld_map(em, BPF_REG_1, it->g->map);
	iter_call_cb(cg, BPF_FUNC_for_each_map_elem, collect);
	/* 2. sort */
	rt_lookup0(cg, st, out);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_0, ST_N);
	emit_alu_imm(em, BPF_AND, BPF_REG_1, (int32_t)count_mask(it->g->capacity));
	emit_store(em, BPF_DW, BPF_REG_10, n, BPF_REG_1);
	emit_store(em, BPF_DW, BPF_REG_0, ST_END, BPF_REG_1);
	emit_alu_imm(em, BPF_RSH, BPF_REG_1, 1);
	emit_store(em, BPF_DW, BPF_REG_0, ST_START, BPF_REG_1);
	emit_store_imm(em, BPF_DW, BPF_REG_0, ST_PHASE, 0);
	emit_store_imm(em, BPF_DW, BPF_REG_0, ST_ROOT, -1);
	iter_emit_sort(cg, it, sort);
	/* 3. renumber: seq base .. base + n - 1 */
	if (renumber >= 0) {
		rt_lookup0(cg, st, out);
		emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, n);
		emit_atomic_fetch_add(em, BPF_DW, CG_GLOBALS, it->g->off,
				      BPF_REG_1);
		emit_store(em, BPF_DW, BPF_REG_0, ST_BASE, BPF_REG_1);
		emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, n);
		iter_call_cb(cg, BPF_FUNC_loop, renumber);
	}
	/* a slice: only its entries, in order */
	if (compact >= 0) {
		rt_lookup0(cg, st, out);
		emit_store_imm(em, BPF_DW, BPF_REG_0, ST_START, 0);
		emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, n);
		iter_call_cb(cg, BPF_FUNC_loop, compact);
		rt_lookup0(cg, st, out);
		emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_0, ST_START);
		emit_store(em, BPF_DW, BPF_REG_10, n, BPF_REG_1);
	}
	/* limit N: at most N iterations */
	if (s->limit) {
		int ok = label_new(em);

		emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, n);
		emit_load(em, BPF_DW, BPF_REG_2, BPF_REG_10, lim);
		emit_jcond_reg(em, BPF_JSLE, BPF_REG_1, BPF_REG_2, ok);
		emit_store(em, BPF_DW, BPF_REG_10, n, BPF_REG_2);
		label_bind(em, ok);
	}
	/* 4. iterate: the body runs in a bpf_loop() callback */
	cg_remember_budget(cg, entry);
	ok = label_new(em);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, n);
	emit_jcond_imm(em, BPF_JSGE, BPF_REG_1, 0, ok);
	emit_store_imm(em, BPF_DW, BPF_REG_10, n, 0);
	label_bind(em, ok);
	ls = body_share(cg, s->tok);
	cg->loop = &loop;
	body = foreach_callback(cg, s, it, ls, &b);
	cg->loop = loop.outer;
	if (body >= 0)
		body_loop(cg, &b, entry, body, n, 0);
	cg_bind(cg, out);
	label_bind(em, loop.brk);
	label_bind(em, loop.cont);
	emit_stack_release(em, mark);
}

/*
 * foreach (b in @hist_*(s)): every bucket index in order, the value the
 * bucket's count, from one aggregate taken before the loop (upstream
 * iterates the buckets of its aggregate the same way).
 */
static void hist_loop(struct cg *cg, const struct stmt *s)
{
	struct emitter *em = &cg->em;
	const struct foreach_key *k = s->keys.n ? s->keys.v[0] : NULL;
	struct cg_loop loop = { cg_label(cg), cg_label(cg), cg->loop, NULL };
	int mark = emit_stack_mark(em), n = emit_stack_alloc(em, 8);
	int pos = emit_stack_alloc(em, 8), entry = emit_stack_alloc(em, 8);
	int smark = cg_scratch_mark(cg), agg, top = cg_label(cg);
	int body = label_new(em), ok;
	struct cg_global *g;

	if (s->keys.n != 1 || s->value_sort || k->sort) {
		cg_unsupported(cg, s->tok, "sorting a histogram's buckets");
		return;
	}
	if (s->limit) {
		cg_long(cg, s->limit);
		emit_store(em, BPF_DW, BPF_REG_10, n, BPF_REG_0);
	}
	agg = cg_aggregate_operand(cg, s->array->left, CG_AGG_HIST, 0, &g);
	if (agg < 0)
		return;
	if (s->limit) {
		ok = label_new(em);
		emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, n);
		emit_jcond_imm(em, BPF_JSLE, BPF_REG_1, g->sd.nbuckets, ok);
		emit_store_imm(em, BPF_DW, BPF_REG_10, n, g->sd.nbuckets);
		label_bind(em, ok);
	} else {
		emit_store_imm(em, BPF_DW, BPF_REG_10, n, g->sd.nbuckets);
	}
	cg_remember_budget(cg, entry);
	emit_store_imm(em, BPF_DW, BPF_REG_10, pos, 0);
	cg_bind(cg, top);
	cg_charge_iteration(cg, s->body, s->tok);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, pos);
	emit_load(em, BPF_DW, BPF_REG_2, BPF_REG_10, n);
	emit_jcond_reg(em, BPF_JSLT, BPF_REG_1, BPF_REG_2, body);
	cg_goto(cg, loop.brk);
	label_bind(em, body);
	cg->dead = false;
	/* pos < n <= nbuckets: the verifier sees the bucket in bounds */
	ok = label_new(em);
	emit_jcond_imm(em, BPF_JLT, BPF_REG_1, g->sd.nbuckets, ok);
	cg->label_used[loop.brk] = true;
	emit_jump(em, loop.brk);
	label_bind(em, ok);
	emit_mov_reg(em, BPF_REG_0, BPF_REG_1);
	bind_var(cg, k->var, k->tok, false);
	if (s->value_decl) {
		emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, pos);
		emit_alu_imm(em, BPF_LSH, BPF_REG_1, 3);
		emit_alu_reg(em, BPF_ADD, BPF_REG_1, CG_SCRATCH);
		emit_load(em, BPF_DW, BPF_REG_0, BPF_REG_1, agg + 56);
		bind_var(cg, s->value_decl, s->value_var, false);
	}
	cg->loop = &loop;
	cg_stmt(cg, s->body);
	cg->loop = loop.outer;
	cg_bind(cg, loop.cont);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, pos);
	emit_alu_imm(em, BPF_ADD, BPF_REG_1, 1);
	emit_store(em, BPF_DW, BPF_REG_10, pos, BPF_REG_1);
	cg_goto(cg, top);
	cg_bind(cg, loop.brk);
	cg_forget_budget(cg, entry);
	emit_stack_release(em, mark);
	cg_scratch_release(cg, smark);
}

void cg_foreach(struct cg *cg, const struct stmt *s)
{
	struct iter it = { 0 };
	int smark = cg_scratch_mark(cg);

	if (s->array->kind == E_HISTOGRAM) {
		hist_loop(cg, s);
		return;
	}
	if (s->array->kind != E_SYMBOL) {
		cg_unsupported(cg, s->tok, "foreach over this");
		return;
	}
	it.g = s->array->var ? cg_global_of(cg, s->array->var) : NULL;
	if (!it.g || it.g->storage != CG_ST_ARRAY) {
		cg_unsupported(cg, s->tok, "foreach over this array");
		return;
	}
	for (int i = 0; s->has_slots && i < s->slots.n && i < 32; i++)
		if (((const struct expr *)s->slots.v[i])->kind != E_WILDCARD)
			it.slice |= 1u << i;
	it.stats = it.g->var->type == TYPE_STATS;
	if (it.stats && s->value_decl) {
		cg_unsupported(cg, s->tok, "a value variable over statistics");
		return;
	}
	if (!sort_of(cg, s, &it) || !body_depth_ok(cg, s->tok))
		return;
	it.emap = entry_map(cg, &it, s->tok);
	if (it.emap < 0)
		return;
	run_loop(cg, s, &it);
	cg_scratch_release(cg, smark);
}
