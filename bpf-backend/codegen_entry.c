// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * codegen_entry.c - entry values in .return uprobes (probes.md §2.4):
 * a parameter $x, or @entry(expr), read in a .return probe means its
 * value when the function was entered.
 *
 * $$vars and $$parms there list the parameters' entry values.
 *
 * Such a probe gets a second program, a uprobe at the function's
 * post-prologue pc (where pass 2 resolved the variables), which
 * evaluates every entry expression of the handler and stores the values
 * in a hash map keyed by (thread, canonical frame address).  The CFA
 * (the stack pointer before the call) is what the stack pointer is
 * again when the uretprobe fires, so the .return handler finds its own
 * call's values even under recursion.  It takes them out of the map
 * before its body runs; a return whose entry was not seen (the call
 * began before the probes were attached) does not run the handler, as
 * a kretprobe without its entry would not.
 */
#include <dwarf.h>
#include <string.h>

#include "bpf-backend/codegen_int.h"
#include "staprun/bpf_abi.h"
#include "translator/debuginfo/dwarf.h"
#include "translator/providers/provider.h"

#define CG_ENTRY_MAX 32		/* saved values per probe: a stack slot each */
#define CG_ENTRY_CALLS 10240	/* calls in flight */

struct entry_scan {
	struct cg *cg;
	struct cg_point *pt;
	int overflow;
};

static void scan_expr(struct entry_scan *sc, const struct expr *e);

/* name: the parameter a $$parms list reads, else NULL */
static void add_saved_named(struct entry_scan *sc, const struct expr *e,
			    const char *name)
{
	struct cg_point *pt = sc->pt;
	int i;

	for (i = 0; name && i < pt->nsaved; i++)
		if (pt->saved_names[i] && !strcmp(pt->saved_names[i], name))
			return;		/* one copy per parameter */
	if (pt->nsaved == CG_ENTRY_MAX) {
		sc->overflow = 1;
		return;
	}
	if (!pt->saved) {
		pt->saved = arena_alloc(sc->cg->arena,
					CG_ENTRY_MAX * sizeof(*pt->saved));
		pt->saved_names = arena_alloc(sc->cg->arena, CG_ENTRY_MAX *
					      sizeof(*pt->saved_names));
	}
	pt->saved_names[pt->nsaved] = name;
	pt->saved[pt->nsaved++] = e;
}

static void add_saved(struct entry_scan *sc, const struct expr *e)
{
	add_saved_named(sc, e, NULL);
}

/* $$vars and $$parms of a .return probe list the parameters' entry
 * values: a plain read of each, saved under its name */
static void add_params(struct entry_scan *sc, const struct expr *e)
{
	const struct prov_probe *dp = sc->pt->dp;
	int i;

	for (i = 0; i < dp->vars.n; i++) {
		const struct prov_var *v = dp->vars.v[i];
		struct target *t;
		struct expr *ref;

		if (v->src != PROV_VAR_DWARF || !v->dwarf || !v->dwarf->is_param ||
		    (v->dwarf->val.kind != DWI_VAL_INT &&
		     v->dwarf->val.kind != DWI_VAL_POINTER))
			continue;
		t = arena_alloc(sc->cg->arena, sizeof(*t));
		ref = arena_alloc(sc->cg->arena, sizeof(*ref));
		memset(t, 0, sizeof(*t));
		memset(ref, 0, sizeof(*ref));
		t->base = TB_DOLLAR;
		t->name = arena_printf(sc->cg->arena, "$%s", v->name);
		ref->kind = E_TARGET;
		ref->tok = e->tok;
		ref->target = t;
		ref->type = TYPE_LONG;
		add_saved_named(sc, ref, v->name);
	}
}

/* Does the $name of this target read a DWARF parameter or local? */
static bool is_entry_var(const struct cg_point *pt, const struct expr *e)
{
	const struct target *t = e->target;
	int i;

	if (t->base != TB_DOLLAR || t->name[1] == '$' || t->pretty)
		return false;
	for (i = 0; i < pt->dp->vars.n; i++) {
		const struct prov_var *v = pt->dp->vars.v[i];

		if (!strcmp(v->name, t->name + 1))
			return v->src == PROV_VAR_DWARF;
	}
	return false;
}

static void scan_list(struct entry_scan *sc, const struct ptrvec *v)
{
	int i;

	for (i = 0; i < v->n; i++)
		scan_expr(sc, v->v[i]);
}

static void scan_expr(struct entry_scan *sc, const struct expr *e)
{
	int i;

	if (!e)
		return;
	if (e->kind == E_ENTRY) {
		add_saved(sc, e->left);
		return;
	}
	if (e->kind == E_TARGET) {
		if (is_entry_var(sc->pt, e)) {
			add_saved(sc, e);
			return;
		}
		if (e->target->base == TB_DOLLAR && !e->target->pretty &&
		    (!strcmp(e->target->name, "$$vars") ||
		     !strcmp(e->target->name, "$$parms"))) {
			add_params(sc, e);
			return;
		}
		for (i = 0; i < e->target->comps.n; i++) {
			const struct target_comp *c = e->target->comps.v[i];

			if (c->kind == COMP_INDEX)
				scan_expr(sc, c->index);
		}
		scan_expr(sc, e->target->operand);
		return;
	}
	scan_expr(sc, e->left);
	scan_expr(sc, e->right);
	scan_expr(sc, e->third);
	scan_expr(sc, e->base);
	scan_list(sc, &e->args);
}

static void scan_stmt(struct entry_scan *sc, const struct stmt *s)
{
	int i;

	if (!s)
		return;
	for (i = 0; i < s->stmts.n; i++)
		scan_stmt(sc, s->stmts.v[i]);
	scan_expr(sc, s->expr);
	scan_expr(sc, s->init);
	scan_expr(sc, s->incr);
	scan_expr(sc, s->array);
	scan_expr(sc, s->limit);
	scan_list(sc, &s->slots);
	scan_stmt(sc, s->body);
	scan_stmt(sc, s->else_body);
	scan_stmt(sc, s->catch_body);
}

/* The CFA rule at the post-prologue pc: DWARF register + offset */
static int cfa_rule(const struct cg_point *pt, int *regno, int64_t *off)
{
	const struct dwi_vars *scope = pt->dp->dwarf_scope;
	const Dwarf_Op *op;

	if (!scope || !scope->cfa.available || scope->cfa.nops != 1)
		return -1;
	op = &scope->cfa.ops[0];
	if (op->atom == DW_OP_bregx) {
		*regno = (int)op->number;
		*off = (int64_t)op->number2;
		return 0;
	}
	if (op->atom >= DW_OP_breg0 && op->atom <= DW_OP_breg31) {
		*regno = op->atom - DW_OP_breg0;
		*off = (int64_t)op->number;
		return 0;
	}
	return -1;
}

int cg_entry_plan(struct cg *cg, struct cg_point *pt)
{
	struct entry_scan sc = { .cg = cg, .pt = pt };
	const struct token *tok = pt->point ? pt->point->tok : pt->probe->tok;
	int regno;
	int64_t off;

	if (pt->kind != CG_UPROBE || !pt->dp->u.uprobe.is_return)
		return 0;
	scan_stmt(&sc, pt->probe->body);
	if (!pt->nsaved)
		return 0;
	if (sc.overflow) {
		cg_unsupported(cg, tok, "more than 32 entry values in one .return probe");
		return -1;
	}
	if (cfa_rule(pt, &regno, &off)) {
		cg_unsupported(cg, tok, "entry values where the CFI gives no frame address");
		return -1;
	}
	pt->entry_map = cg_add_map(cg, arena_printf(cg->arena, "sonde_e%d",
						    pt->order),
				   BPF_MAP_TYPE_HASH, 16, 8 * pt->nsaved,
				   CG_ENTRY_CALLS);
	return 0;
}

/* r1 = &key on the stack: (thread, frame address in reg + off) */
static void build_key(struct cg *cg, int key, int regno, int64_t off,
		      const struct token *tok)
{
	struct emitter *em = &cg->em;

	emit_call_helper(em, BPF_FUNC_get_current_pid_tgid);
	emit_store(em, BPF_DW, BPF_REG_10, key, BPF_REG_0);
	if (cg_load_reg(cg, BPF_REG_0, regno, tok) == 0) {
		emit_alu_imm(em, BPF_ADD, BPF_REG_0, (int32_t)off);
		emit_store(em, BPF_DW, BPF_REG_10, key + 8, BPF_REG_0);
	}
	emit_mov_reg(em, BPF_REG_1, BPF_REG_10);
	emit_alu_imm(em, BPF_ADD, BPF_REG_1, key);
}

/* The entry program's body: every saved expression into the map */
void cg_entry_save(struct cg *cg, const struct cg_point *pt)
{
	struct emitter *em = &cg->em;
	const struct token *tok = pt->point ? pt->point->tok : pt->probe->tok;
	int mark = emit_stack_mark(em), key, val, i, regno;
	int64_t off;

	key = emit_stack_alloc(em, 16);
	val = emit_stack_alloc(em, 8 * pt->nsaved);
	for (i = 0; i < pt->nsaved; i++) {
		int smark = cg_scratch_mark(cg);

		cg_long(cg, pt->saved[i]);
		emit_store(em, BPF_DW, BPF_REG_10, val + 8 * i, BPF_REG_0);
		cg_scratch_release(cg, smark);
	}
	cfa_rule(pt, &regno, &off);
	build_key(cg, key, regno, off, tok);
	emit_ld_map(em, BPF_REG_1, pt->entry_map);
	emit_mov_reg(em, BPF_REG_2, BPF_REG_10);
	emit_alu_imm(em, BPF_ADD, BPF_REG_2, key);
	emit_mov_reg(em, BPF_REG_3, BPF_REG_10);
	emit_alu_imm(em, BPF_ADD, BPF_REG_3, val);
	emit_mov_imm(em, BPF_REG_4, BPF_ANY);
	emit_call_helper(em, BPF_FUNC_map_update_elem);
	emit_stack_release(em, mark);
}

/* The .return program, before its body: take this call's values out of
 * the map into stack slots (cg->entry_slots), or end the handler */
void cg_entry_load(struct cg *cg, const struct cg_point *pt)
{
	struct emitter *em = &cg->em;
	const struct token *tok = pt->point ? pt->point->tok : pt->probe->tok;
	int mark, key, i, found;

	if (!pt->nsaved)
		return;
	found = label_new(em);
	cg->entry_slots = emit_stack_alloc(em, 8 * pt->nsaved);
	mark = emit_stack_mark(em);
	key = emit_stack_alloc(em, 16);
	/* rsp (DWARF 7) at the return is the caller's frame address */
	build_key(cg, key, 7, 0, tok);
	emit_ld_map(em, BPF_REG_1, pt->entry_map);
	emit_mov_reg(em, BPF_REG_2, BPF_REG_10);
	emit_alu_imm(em, BPF_ADD, BPF_REG_2, key);
	emit_call_helper(em, BPF_FUNC_map_lookup_elem);
	emit_jcond_imm(em, BPF_JNE, BPF_REG_0, 0, found);
	emit_jump(em, cg->exit_label);
	label_bind(em, found);
	for (i = 0; i < pt->nsaved; i++) {
		emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_0, (int16_t)(8 * i));
		emit_store(em, BPF_DW, BPF_REG_10, cg->entry_slots + 8 * i,
			   BPF_REG_1);
	}
	emit_ld_map(em, BPF_REG_1, pt->entry_map);
	emit_mov_reg(em, BPF_REG_2, BPF_REG_10);
	emit_alu_imm(em, BPF_ADD, BPF_REG_2, key);
	emit_call_helper(em, BPF_FUNC_map_delete_elem);
	emit_stack_release(em, mark);
}

/* r0 = the saved entry value of parameter name, if there is one */
bool cg_entry_param(struct cg *cg, const char *name)
{
	const struct cg_point *pt = cg->point;
	int i;

	if (!pt || cg->entry_mode)
		return false;
	for (i = 0; i < pt->nsaved; i++)
		if (pt->saved_names[i] && !strcmp(pt->saved_names[i], name)) {
			emit_load(&cg->em, BPF_DW, BPF_REG_0, BPF_REG_10,
				  cg->entry_slots + 8 * i);
			return true;
		}
	return false;
}

/* r0 = the saved entry value of e, if e is one; false otherwise */
bool cg_entry_value(struct cg *cg, const struct expr *e)
{
	const struct cg_point *pt = cg->point;
	int i;

	if (!pt || cg->entry_mode || !pt->nsaved)
		return false;
	for (i = 0; i < pt->nsaved; i++)
		if (pt->saved[i] == e ||
		    (e->kind == E_ENTRY && pt->saved[i] == e->left)) {
			emit_load(&cg->em, BPF_DW, BPF_REG_0, BPF_REG_10,
				  cg->entry_slots + 8 * i);
			return true;
		}
	return false;
}
