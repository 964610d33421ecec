// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * codegen_var.c - reading and writing variables: long locals (stack),
 * string locals (scratch), scalar globals (sonde_globals via r8), array
 * elements (hash maps) and scalar statistics (per-CPU stat_data).
 *
 * BPF has no locks, so SystemTap's per-handler global locks (runtime.md
 * 1.2) are not reproduced.  What stays exact without them: "+=", "-=",
 * "++" and "--" on a long global or array element are atomic adds, and
 * statistics are per CPU.  Other read-modify-writes may race between
 * CPUs.
 *
 * An array element is created only by writing it (runtime.md 6.3): a
 * new key gets the next value of the array's insertion counter as its
 * sequence number; a full map makes
 * "Array overflow, check MAXMAPENTRIES" (or "check size limit (N)").
 */
#include <string.h>

#include "bpf-backend/codegen_int.h"

/* ---- where a variable is ------------------------------------------------ */

/* A scalar's place: base register and offset (r10 for long locals) */
struct place {
	int reg;
	int off;
	enum value_type type;
};

static bool scalar_place(struct cg *cg, const struct expr *e,
			 struct place *p)
{
	const struct cg_local *l = cg_local_of(cg, e->var);
	const struct cg_global *g;

	p->type = e->var->type;
	if (l) {
		p->reg = l->reg;
		p->off = l->off;
		return true;
	}
	g = cg_global_of(cg, e->var);
	if (g && g->storage == CG_ST_SCALAR) {
		p->reg = CG_GLOBALS;
		p->off = g->off;
		return true;
	}
	cg_unsupported(cg, e->tok, e->var->kind == VAR_PARAM ?
		       "a function parameter" : "this use of a variable");
	return false;
}

/* r0 = long value, or pointer to the string */
static void load_place(struct cg *cg, const struct place *p)
{
	struct emitter *em = &cg->em;

	if (p->type == TYPE_STRING) {
		emit_mov_reg(em, BPF_REG_0, p->reg);
		emit_alu_imm(em, BPF_ADD, BPF_REG_0, p->off);
	} else {
		emit_load(em, BPF_DW, BPF_REG_0, p->reg, p->off);
	}
}

/* ---- array keys and elements ------------------------------------------- */

static struct cg_global *array_of(struct cg *cg, const struct expr *e)
{
	struct cg_global *g = e->var ? cg_global_of(cg, e->var) : NULL;

	if (!g || g->storage != CG_ST_ARRAY) {
		cg_unsupported(cg, e->tok, "this array");
		return NULL;
	}
	return g;
}

/* The packed key of args in a scratch buffer (bpf_abi.h layout);
 * returns its scratch offset */
static int build_key(struct cg *cg, const struct cg_global *g,
		     const struct ptrvec *args, const struct token *tok)
{
	struct emitter *em = &cg->em;
	int key = cg_scratch_alloc(cg, tok, g->ksize), off = 0, i, smark;

	for (i = 0; i < args->n; i++) {
		const struct expr *k = args->v[i];

		smark = cg_scratch_mark(cg);
		if (k->kind == E_WILDCARD) {
			cg_unsupported(cg, k->tok, "an array slice");
		} else if (g->var->index_types[i] == TYPE_STRING) {
			cg_clear(cg, CG_SCRATCH, key + off, cg->slot);
			cg_str(cg, k);
			emit_mov_reg(em, BPF_REG_3, BPF_REG_0);
			cg_str_copy(cg, CG_SCRATCH, key + off);
		} else {
			cg_long(cg, k);
			emit_store(em, BPF_DW, CG_SCRATCH, key + off, BPF_REG_0);
		}
		cg_scratch_release(cg, smark);
		off += g->var->index_types[i] == TYPE_STRING ? cg->slot : 8;
	}
	return key;
}

/* r0 = the element's value in the map, or NULL */
static void array_lookup(struct cg *cg, const struct cg_global *g, int key)
{
	struct emitter *em = &cg->em;

	emit_ld_map(em, BPF_REG_1, g->map);
	emit_mov_reg(em, BPF_REG_2, CG_SCRATCH);
	emit_alu_imm(em, BPF_ADD, BPF_REG_2, key);
	emit_call_helper(em, BPF_FUNC_map_lookup_elem);
}

/* The element value at r0 = the value in scratch buffer val */
static void store_existing(struct cg *cg, const struct cg_global *g, int val)
{
	struct emitter *em = &cg->em;

	if (g->var->type == TYPE_STRING) {
		emit_mov_reg(em, BPF_REG_1, BPF_REG_0);
		emit_mov_imm(em, BPF_REG_2, (int32_t)cg->lim.maxstringlen);
		emit_mov_reg(em, BPF_REG_3, CG_SCRATCH);
		emit_alu_imm(em, BPF_ADD, BPF_REG_3, val);
		emit_call_helper(em, BPF_FUNC_probe_read_kernel_str);
	} else {
		emit_load(em, BPF_DW, BPF_REG_1, CG_SCRATCH, val);
		emit_store(em, BPF_DW, BPF_REG_0, 0, BPF_REG_1);
	}
}

static void raise_overflow(struct cg *cg, const struct cg_global *g,
			   const struct token *tok)
{
	const struct global *d = g->var->decl;

	if (d && d->is_array && d->size > 0)
		rt_raise(cg, arena_printf(cg->arena,
					  "Array overflow, check size limit (%lld)",
					  (long long)d->size), tok);
	else
		rt_raise(cg, "Array overflow, check MAXMAPENTRIES", tok);
}

/* r0 = bpf_map_update_elem(g's map, key, val, BPF_ANY) */
static void update_call(struct cg *cg, const struct cg_global *g, int key,
			int val)
{
	struct emitter *em = &cg->em;

	emit_ld_map(em, BPF_REG_1, g->map);
	emit_mov_reg(em, BPF_REG_2, CG_SCRATCH);
	emit_alu_imm(em, BPF_ADD, BPF_REG_2, key);
	emit_mov_reg(em, BPF_REG_3, CG_SCRATCH);
	emit_alu_imm(em, BPF_ADD, BPF_REG_3, val);
	emit_mov_imm(em, BPF_REG_4, BPF_ANY);
	emit_call_helper(em, BPF_FUNC_map_update_elem);
}

/*
 * Insert the element key -> scratch value buffer val, whose sequence
 * word is filled here; goes on at done.  BPF_ANY rather than
 * BPF_NOEXIST: if another CPU inserted the key meanwhile, this value
 * replaces its value, as a write after it would; the one branch left is
 * a full map, where a wrapping array ('%') drops its oldest element.
 */
static void array_insert(struct cg *cg, const struct cg_global *g, int key,
			 int val, const struct token *tok, int done)
{
	struct emitter *em = &cg->em;

	emit_mov_imm(em, BPF_REG_1, 1);
	emit_atomic_fetch_add(em, BPF_DW, CG_GLOBALS, g->off, BPF_REG_1);
	emit_store(em, BPF_DW, CG_SCRATCH, val + g->vsize - 8, BPF_REG_1);
	update_call(cg, g, key, val);
	emit_jcond_imm(em, BPF_JEQ, BPF_REG_0, 0, done);
	if (g->var->decl && g->var->decl->wrap) {
		cg_wrap_evict(cg, g);
		update_call(cg, g, key, val);
		emit_jcond_imm(em, BPF_JEQ, BPF_REG_0, 0, done);
	}
	raise_overflow(cg, g, tok);
}

/* r0 = a[k]: 0 or "" when missing, which creates nothing */
static void load_element(struct cg *cg, const struct expr *e)
{
	struct emitter *em = &cg->em;
	struct cg_global *g = array_of(cg, e);
	int key, empty, done;

	if (!g) {
		emit_mov_imm(em, BPF_REG_0, 0);
		return;
	}
	key = build_key(cg, g, &e->args, e->tok);
	if (g->var->type == TYPE_STRING) {
		empty = cg_scratch_alloc(cg, e->tok, cg->slot);
		emit_store_imm(em, BPF_B, CG_SCRATCH, empty, 0);
		done = label_new(em);
		array_lookup(cg, g, key);
		emit_jcond_imm(em, BPF_JNE, BPF_REG_0, 0, done);
		emit_mov_reg(em, BPF_REG_0, CG_SCRATCH);
		emit_alu_imm(em, BPF_ADD, BPF_REG_0, empty);
		label_bind(em, done);
		return;
	}
	done = label_new(em);
	array_lookup(cg, g, key);
	emit_jcond_imm(em, BPF_JEQ, BPF_REG_0, 0, done);
	emit_load(em, BPF_DW, BPF_REG_0, BPF_REG_0, 0);
	label_bind(em, done);
}

void cg_load_var(struct cg *cg, const struct expr *e)
{
	struct place p;

	if (e->kind == E_INDEX) {
		load_element(cg, e);
		return;
	}
	if (e->var && e->var->type == TYPE_STATS) {
		cg_unsupported(cg, e->tok, "a statistic used as a value");
		emit_mov_imm(&cg->em, BPF_REG_0, 0);
		return;
	}
	if (!e->var || !scalar_place(cg, e, &p)) {
		emit_mov_imm(&cg->em, BPF_REG_0, 0);
		return;
	}
	load_place(cg, &p);
}

void cg_in(struct cg *cg, const struct expr *e)
{
	struct emitter *em = &cg->em;
	struct cg_global *g = e->base && e->base->kind == E_SYMBOL ?
			      array_of(cg, e->base) : NULL;
	int key, done;

	if (!g) {
		if (e->base && e->base->kind != E_SYMBOL)
			cg_unsupported(cg, e->tok, "'in' on a histogram");
		emit_mov_imm(em, BPF_REG_0, 0);
		return;
	}
	if (cg_is_slice(&e->args)) {
		cg_slice_op(cg, g, &e->args, e->tok, true);
		return;
	}
	key = build_key(cg, g, &e->args, e->tok);
	done = label_new(em);
	array_lookup(cg, g, key);
	emit_jcond_imm(em, BPF_JEQ, BPF_REG_0, 0, done);
	emit_mov_imm(em, BPF_REG_0, 1);
	label_bind(em, done);
}

/* ---- assignment ------------------------------------------------------------ */

/* "+=" -> "+"; "=" -> "" */
static const char *base_op(struct cg *cg, const char *op)
{
	size_t n = strlen(op);

	return arena_strndup(cg->arena, op, n ? n - 1 : 0);
}

/* string .= value: through a temporary, as the value may read the
 * variable itself */
static void append_assign(struct cg *cg, const struct place *p,
			  const struct expr *right)
{
	struct emitter *em = &cg->em;
	int mark = emit_stack_mark(em), smark = cg_scratch_mark(cg);
	int slot = emit_stack_alloc(em, 8);

	cg_str(cg, right);
	emit_store(em, BPF_DW, BPF_REG_10, slot, BPF_REG_0);
	cg_str_concat2(cg, right->tok, p->reg, p->off, slot);
	emit_mov_reg(em, BPF_REG_3, BPF_REG_0);
	cg_str_copy(cg, p->reg, p->off);
	emit_stack_release(em, mark);
	cg_scratch_release(cg, smark);
}

static void assign_string(struct cg *cg, const struct expr *e,
			  const struct place *p)
{
	struct emitter *em = &cg->em;
	int smark = cg_scratch_mark(cg);

	if (!strcmp(e->op, ".=")) {
		append_assign(cg, p, e->right);
	} else {
		cg_str(cg, e->right);
		emit_mov_reg(em, BPF_REG_3, BPF_REG_0);
		cg_str_copy(cg, p->reg, p->off);
		cg_scratch_release(cg, smark);
	}
	load_place(cg, p);
}

/* A long scalar: =, or OP= as load, operate, store (atomic for +/-) */
static void assign_long(struct cg *cg, const struct expr *e,
			const struct place *p)
{
	struct emitter *em = &cg->em;
	const char *op = base_op(cg, e->op);

	cg_long(cg, e->right);
	if (!*op) {
		emit_store(em, BPF_DW, p->reg, p->off, BPF_REG_0);
		return;
	}
	if (p->reg == CG_GLOBALS && (!strcmp(op, "+") || !strcmp(op, "-"))) {
		if (*op == '-')
			emit_insn(em, INSN_NEG64(BPF_REG_0));
		emit_mov_reg(em, BPF_REG_1, BPF_REG_0);
		emit_mov_reg(em, BPF_REG_2, BPF_REG_0);
		emit_atomic_fetch_add(em, BPF_DW, p->reg, p->off, BPF_REG_1);
		emit_mov_reg(em, BPF_REG_0, BPF_REG_1);
		emit_alu_reg(em, BPF_ADD, BPF_REG_0, BPF_REG_2);
		return;
	}
	emit_mov_reg(em, BPF_REG_2, BPF_REG_0);
	emit_load(em, BPF_DW, BPF_REG_1, p->reg, p->off);
	cg_binop(cg, op, e->right->tok);
	emit_store(em, BPF_DW, p->reg, p->off, BPF_REG_0);
}

/*
 * a[k] OP= v, a[k]++, a[k]--: the element is read, changed and written
 * back, or inserted from 0.  delta is the stack slot holding v; pre says
 * whether the result is the new value.
 */
static void modify_element(struct cg *cg, const struct expr *a,
			   const char *op, int delta, bool pre,
			   const struct token *optok)
{
	struct emitter *em = &cg->em;
	struct cg_global *g = array_of(cg, a);
	int mark = emit_stack_mark(em), res = emit_stack_alloc(em, 8);
	int key, val, insert, done;
	bool add = !strcmp(op, "+");

	if (!g)
		return;
	key = build_key(cg, g, &a->args, a->tok);
	val = cg_scratch_alloc(cg, a->tok, g->vsize);
	insert = label_new(em);
	done = label_new(em);
	array_lookup(cg, g, key);
	emit_jcond_imm(em, BPF_JEQ, BPF_REG_0, 0, insert);
	if (add) {
		emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, delta);
		emit_atomic_fetch_add(em, BPF_DW, BPF_REG_0, 0, BPF_REG_1);
		emit_load(em, BPF_DW, BPF_REG_2, BPF_REG_10, delta);
	} else {
		emit_mov_reg(em, BPF_REG_6, BPF_REG_0);
		emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_6, 0);
		emit_load(em, BPF_DW, BPF_REG_2, BPF_REG_10, delta);
	}
	emit_store(em, BPF_DW, BPF_REG_10, res, BPF_REG_1);
	cg_binop(cg, op, optok);
	if (!add)
		emit_store(em, BPF_DW, BPF_REG_6, 0, BPF_REG_0);
	if (pre)
		emit_store(em, BPF_DW, BPF_REG_10, res, BPF_REG_0);
	emit_jump(em, done);
	label_bind(em, insert);
	emit_mov_imm(em, BPF_REG_1, 0);
	emit_store(em, BPF_DW, BPF_REG_10, res, BPF_REG_1);
	emit_load(em, BPF_DW, BPF_REG_2, BPF_REG_10, delta);
	cg_binop(cg, op, optok);
	emit_store(em, BPF_DW, CG_SCRATCH, val, BPF_REG_0);
	if (pre)
		emit_store(em, BPF_DW, BPF_REG_10, res, BPF_REG_0);
	array_insert(cg, g, key, val, a->tok, done);
	label_bind(em, done);
	emit_load(em, BPF_DW, BPF_REG_0, BPF_REG_10, res);
	emit_stack_release(em, mark);
}

/* a[k] = v */
static void store_element(struct cg *cg, const struct expr *e)
{
	struct emitter *em = &cg->em;
	struct cg_global *g = array_of(cg, e->left);
	int key, val, insert, done, smark;

	if (!g)
		return;
	key = build_key(cg, g, &e->left->args, e->left->tok);
	val = cg_scratch_alloc(cg, e->tok, g->vsize);
	smark = cg_scratch_mark(cg);
	if (g->var->type == TYPE_STRING) {
		cg_str(cg, e->right);
		emit_mov_reg(em, BPF_REG_3, BPF_REG_0);
		cg_str_copy(cg, CG_SCRATCH, val);
	} else {
		cg_long(cg, e->right);
		emit_store(em, BPF_DW, CG_SCRATCH, val, BPF_REG_0);
	}
	cg_scratch_release(cg, smark);
	insert = label_new(em);
	done = label_new(em);
	array_lookup(cg, g, key);
	emit_jcond_imm(em, BPF_JEQ, BPF_REG_0, 0, insert);
	store_existing(cg, g, val);
	emit_jump(em, done);
	label_bind(em, insert);
	array_insert(cg, g, key, val, e->left->tok, done);
	label_bind(em, done);
	if (g->var->type == TYPE_STRING) {
		emit_mov_reg(em, BPF_REG_0, CG_SCRATCH);
		emit_alu_imm(em, BPF_ADD, BPF_REG_0, val);
	} else {
		emit_load(em, BPF_DW, BPF_REG_0, CG_SCRATCH, val);
	}
}

static void assign_element(struct cg *cg, const struct expr *e)
{
	struct emitter *em = &cg->em;
	const char *op;
	int mark, delta;

	if (!strcmp(e->op, "=")) {
		store_element(cg, e);
		return;
	}
	if (e->left->type == TYPE_STRING) {
		cg_unsupported(cg, e->tok, "'.=' on an array element");
		return;
	}
	op = base_op(cg, e->op);
	mark = emit_stack_mark(em);
	delta = emit_stack_alloc(em, 8);
	cg_long(cg, e->right);
	/* a[k] -= v is a[k] += -v: an atomic add too */
	if (!strcmp(op, "-")) {
		emit_insn(em, INSN_NEG64(BPF_REG_0));
		op = "+";
	}
	emit_store(em, BPF_DW, BPF_REG_10, delta, BPF_REG_0);
	modify_element(cg, e->left, op, delta, true, e->right->tok);
	emit_stack_release(em, mark);
}

void cg_assign(struct cg *cg, const struct expr *e)
{
	const struct expr *l = e->left;
	struct place p;

	if (l->kind == E_INDEX) {
		assign_element(cg, e);
		return;
	}
	if (l->kind != E_SYMBOL || !l->var) {
		cg_unsupported(cg, e->tok, "this assignment");
		return;
	}
	if (!scalar_place(cg, l, &p))
		return;
	if (p.type == TYPE_STRING)
		assign_string(cg, e, &p);
	else
		assign_long(cg, e, &p);
}

/* ++x, x++, --x, x-- */
void cg_crement(struct cg *cg, const struct expr *e)
{
	struct emitter *em = &cg->em;
	bool pre = e->kind == E_PREINC;
	int d = e->op[0] == '-' ? -1 : 1, mark, delta;
	struct place p;

	if (e->left->kind == E_INDEX) {
		mark = emit_stack_mark(em);
		delta = emit_stack_alloc(em, 8);
		emit_store_imm(em, BPF_DW, BPF_REG_10, delta, d);
		modify_element(cg, e->left, "+", delta, pre, e->tok);
		emit_stack_release(em, mark);
		return;
	}
	if (e->left->kind != E_SYMBOL || !e->left->var ||
	    !scalar_place(cg, e->left, &p))
		return;
	if (p.reg == CG_GLOBALS) {
		emit_mov_imm(em, BPF_REG_1, d);
		emit_atomic_fetch_add(em, BPF_DW, p.reg, p.off, BPF_REG_1);
		emit_mov_reg(em, BPF_REG_0, BPF_REG_1);
	} else {
		emit_load(em, BPF_DW, BPF_REG_0, p.reg, p.off);
		emit_mov_reg(em, BPF_REG_1, BPF_REG_0);
		emit_alu_imm(em, BPF_ADD, BPF_REG_1, d);
		emit_store(em, BPF_DW, p.reg, p.off, BPF_REG_1);
	}
	if (pre)
		emit_alu_imm(em, BPF_ADD, BPF_REG_0, d);
}

/* ---- delete ---------------------------------------------------------------- */

void cg_delete(struct cg *cg, const struct stmt *s)
{
	struct emitter *em = &cg->em;
	const struct expr *x = s->expr;
	struct cg_global *g;
	struct place p;
	int key, smark = cg_scratch_mark(cg);

	if (x->kind == E_INDEX) {
		g = array_of(cg, x);
		if (!g)
			return;
		if (cg_is_slice(&x->args)) {
			cg_slice_op(cg, g, &x->args, x->tok, false);
			return;
		}
		key = build_key(cg, g, &x->args, x->tok);
		emit_ld_map(em, BPF_REG_1, g->map);
		emit_mov_reg(em, BPF_REG_2, CG_SCRATCH);
		emit_alu_imm(em, BPF_ADD, BPF_REG_2, key);
		emit_call_helper(em, BPF_FUNC_map_delete_elem);
		cg_scratch_release(cg, smark);
		return;
	}
	g = x->kind == E_SYMBOL && x->var ? cg_global_of(cg, x->var) : NULL;
	if (g && g->storage == CG_ST_ARRAY) {
		cg_delete_all(cg, g, x->tok);
		return;
	}
	if (g && g->storage == CG_ST_STATS) {
		cg_stat_clear(cg, g);
		return;
	}
	if (x->kind != E_SYMBOL || !x->var) {
		cg_unsupported(cg, s->tok, "this delete");
		return;
	}
	if (!scalar_place(cg, x, &p))
		return;
	if (p.type == TYPE_STRING)
		emit_store_imm(em, BPF_B, p.reg, p.off, 0);
	else
		emit_store_imm(em, BPF_DW, p.reg, p.off, 0);
}

/* ---- for the other files ---------------------------------------------- */

bool cg_var_place(struct cg *cg, const struct expr *e, int *reg, int *off)
{
	struct place p;

	if (!scalar_place(cg, e, &p))
		return false;
	*reg = p.reg;
	*off = p.off;
	return true;
}

int cg_build_key(struct cg *cg, const struct cg_global *g,
		 const struct ptrvec *args, const struct token *tok)
{
	return build_key(cg, g, args, tok);
}

void cg_raise_overflow(struct cg *cg, const struct cg_global *g,
		       const struct token *tok)
{
	raise_overflow(cg, g, tok);
}
