// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * codegen_dollars.c - the string-valued context names: $$name and
 * $$system of kernel.trace, $$name of process.plt and .mark (and
 * $$provider), $$return ("return=0x.."), and $$vars,
 * $$parms, $$locals (probes.md §2.4, §2.5): "name=0x1f name2=0x0 ...",
 * every value as %#x of its long, "=?" for one that cannot be read as a
 * number (a structure, a trace record array).  Tracepoints list their arguments (all of them
 * parameters); uprobes their DWARF parameters and locals at the pc.
 */
#include <stdlib.h>
#include <string.h>

#include "bpf-backend/codegen_int.h"
#include "translator/debuginfo/btf.h"
#include "translator/debuginfo/dwarf.h"
#include "translator/providers/provider.h"

/* Can the variable be read as a number, without raising an error? */
static bool readable(struct cg *cg, const struct prov_var *v)
{
	struct dbtf_typeinfo ti;

	switch (v->src) {
	case PROV_VAR_TRACEFS:
		return !v->field.data_loc && !v->field.rel_loc &&
		       v->field.array_len < 0 &&
		       (v->field.size == 1 || v->field.size == 2 ||
			v->field.size == 4 || v->field.size == 8);
	case PROV_VAR_BTF_ARG:
		if (!cg_kernel_btf(cg))
			return false;
		return dbtf_type_info(cg->btf, v->btf_type, &ti) == 0 &&
		       (ti.kind == DBTF_INT || ti.kind == DBTF_ENUM ||
			ti.kind == DBTF_PTR);
	case PROV_VAR_DWARF:
		return v->dwarf && (v->dwarf->val.kind == DWI_VAL_INT ||
				    v->dwarf->val.kind == DWI_VAL_POINTER);
	default:
		return false;
	}
}

/* Which of the probe's variables the name lists */
static bool listed(const struct prov_var *v, const char *which)
{
	bool param;

	if (v->hidden || v->src == PROV_VAR_DWARF_RETURN)
		return false;
	if (!strcmp(which, "$$vars"))
		return true;
	param = v->src != PROV_VAR_DWARF || (v->dwarf && v->dwarf->is_param);
	return !strcmp(which, "$$parms") ? param : !param;
}

/* Append a literal to the buffer */
static void append_text(struct cg *cg, const struct token *tok, int buf,
			int len, const char *s)
{
	int smark = cg_scratch_mark(cg);

	cg_str_literal(cg, tok, s, strlen(s));
	emit_mov_reg(&cg->em, BPF_REG_3, BPF_REG_0);
	cg_str_append(cg, buf, len);
	cg_scratch_release(cg, smark);
}

/* Append v's value as 0x<hex> */
static void append_value(struct cg *cg, const struct expr *e, int buf,
			 int len, const struct prov_var *v)
{
	struct emitter *em = &cg->em;
	struct target *t = arena_alloc(cg->arena, sizeof(*t));
	struct expr *ref = arena_alloc(cg->arena, sizeof(*ref));
	int smark = cg_scratch_mark(cg), tmp;

	/* a plain $name read of the variable */
	memset(t, 0, sizeof(*t));
	t->base = TB_DOLLAR;
	t->name = arena_printf(cg->arena, "$%s", v->name);
	memset(ref, 0, sizeof(*ref));
	ref->kind = E_TARGET;
	ref->tok = e->tok;
	ref->target = t;
	ref->type = TYPE_LONG;
	if (!cg_entry_param(cg, v->name))
		cg_long(cg, ref);
	tmp = cg_scratch_alloc(cg, e->tok, 24);
	emit_mov_reg(em, BPF_REG_1, BPF_REG_0);
	cg_hex_digits(cg, tmp);
	emit_mov_reg(em, BPF_REG_3, CG_SCRATCH);
	emit_alu_imm(em, BPF_ADD, BPF_REG_3, tmp);
	emit_alu_reg(em, BPF_ADD, BPF_REG_3, BPF_REG_4);
	cg_str_append(cg, buf, len);
	cg_scratch_release(cg, smark);
}

static void var_list(struct cg *cg, const struct expr *e)
{
	const struct prov_probe *dp = cg->point->dp;
	struct emitter *em = &cg->em;
	int buf = cg_scratch_alloc(cg, e->tok, cg->slot);
	int mark = emit_stack_mark(em), len = emit_stack_alloc(em, 8);
	bool ret = dp->family == PROV_UPROBE && dp->u.uprobe.is_return;
	bool first = true;
	int i;

	emit_store_imm(em, BPF_DW, BPF_REG_10, len, 0);
	emit_store_imm(em, BPF_B, CG_SCRATCH, buf, 0);
	for (i = 0; i < dp->vars.n; i++) {
		const struct prov_var *v = dp->vars.v[i];

		if (!listed(v, e->target->name))
			continue;
		/* .return: the parameters as they were at entry, no locals */
		if (ret && !(v->dwarf && v->dwarf->is_param))
			continue;
		append_text(cg, e->tok, buf, len, arena_printf(cg->arena,
			    "%s%s=%s", first ? "" : " ", v->name,
			    readable(cg, v) ? "0x" : "?"));
		if (readable(cg, v))
			append_value(cg, e, buf, len, v);
		first = false;
	}
	emit_stack_release(em, mark);
	emit_mov_reg(em, BPF_REG_0, CG_SCRATCH);
	emit_alu_imm(em, BPF_ADD, BPF_REG_0, buf);
}

/* $$return: "return=0x.." in a .return probe with a DWARF $return,
 * "" for a void function */
static void return_string(struct cg *cg, const struct expr *e)
{
	const struct prov_var *v = cg_find_var(cg, "return");
	const struct prov_probe *dp = cg->point->dp;
	struct emitter *em = &cg->em;
	int buf, mark, len;

	if (dp->family != PROV_UPROBE || !dp->u.uprobe.is_return) {
		cg_unsupported(cg, e->tok, "'$$return' outside a .return probe");
		cg_str_literal(cg, e->tok, "", 0);
		return;
	}
	if (!v) {
		cg_str_literal(cg, e->tok, "", 0);
		return;
	}
	buf = cg_scratch_alloc(cg, e->tok, cg->slot);
	mark = emit_stack_mark(em);
	len = emit_stack_alloc(em, 8);
	emit_store_imm(em, BPF_DW, BPF_REG_10, len, 0);
	emit_store_imm(em, BPF_B, CG_SCRATCH, buf, 0);
	append_text(cg, e->tok, buf, len, "return=0x");
	append_value(cg, e, buf, len, v);
	emit_stack_release(em, mark);
	emit_mov_reg(em, BPF_REG_0, CG_SCRATCH);
	emit_alu_imm(em, BPF_ADD, BPF_REG_0, buf);
}

void cg_dollars(struct cg *cg, const struct expr *e)
{
	const struct target *t = e->target;
	const struct prov_probe *dp = cg->point ? cg->point->dp : NULL;
	const char *name = t->base == TB_DOLLAR ? t->name : "";

	if (t->pretty || !dp) {
		cg_unsupported(cg, e->tok, "pretty-printing a context variable");
	} else if (dp->family == PROV_TRACEPOINT &&
		   (!strcmp(name, "$$name") || !strcmp(name, "$$system"))) {
		name = name[2] == 'n' ? dp->u.trace.event : dp->u.trace.system;
		cg_str_literal(cg, e->tok, name, strlen(name));
		return;
	} else if (dp->family == PROV_UPROBE &&
		   (dp->u.uprobe.kind == PROV_UP_PLT ||
		    dp->u.uprobe.kind == PROV_UP_MARK) &&
		   (!strcmp(name, "$$name") ||
		    (!strcmp(name, "$$provider") && dp->u.uprobe.provider))) {
		/* the PLT symbol or the marker, and the marker's provider */
		name = name[2] == 'n' ? dp->u.uprobe.function
				      : dp->u.uprobe.provider;
		cg_str_literal(cg, e->tok, name, strlen(name));
		return;
	} else if (!strcmp(name, "$$return")) {
		return_string(cg, e);
		return;
	} else if (!strcmp(name, "$$vars") || !strcmp(name, "$$parms") ||
		   !strcmp(name, "$$locals")) {
		if (dp->family != PROV_TRACEPOINT &&
			 dp->family != PROV_UPROBE)
			cg_unsupported(cg, e->tok, arena_printf(cg->arena,
				       "'%s' in this probe", name));
		else {
			var_list(cg, e);
			return;
		}
	} else {
		cg_unsupported(cg, e->tok, arena_printf(cg->arena,
			       "'%s' as a string", name));
	}
	cg_str_literal(cg, e->tok, "", 0);
}
