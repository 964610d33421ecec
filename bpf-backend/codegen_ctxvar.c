// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * codegen_ctxvar.c - context variables ($var, $p->a->b[i], &$x) and
 * @cast (language.md §3.7.3, probes.md §2.5), as longs: integers widen
 * to 64 bits by their C signedness, pointers are numbers, and an array
 * yields its address (upstream took automatic char-array-to-string
 * conversion back out; kernel_string($prev->comm) reads the text).
 *
 * Where the base value comes from depends on the probe (pass 2 recorded
 * it in struct prov_var):
 *
 *	tracefs field    syscalls:* events: a load from the trace record,
 *	                 the tracepoint program's context, at the field's
 *	                 offset and size
 *	BTF argument     kernel tracepoints with a BTF prototype run as raw
 *	                 tracepoints, whose context is the TP_PROTO
 *	                 arguments as u64s; the BTF type of the argument
 *	                 types the rest of the chain
 *	DWARF variable   uprobes (codegen_uprobe.c): registers and user
 *	                 memory from the location expression
 *
 * Raw tracepoints rather than tp_btf: they load on any kernel since 4.17
 * without a BTF id at load time, and since every dereference goes through
 * bpf_probe_read_kernel (fault-safe, with SystemTap's error on a fault)
 * the verifier's typed pointers would buy nothing.  The chain is laid
 * out from kernel BTF at translation time: member offsets and sizes are
 * constants in the program.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf-backend/codegen_int.h"
#include "translator/debuginfo/btf.h"
#include "translator/debuginfo/dwarf.h"
#include "translator/providers/provider.h"

/*
 * The kernel BTF: pass 2's handle when a BTF tracepoint carries it
 * (loading BTF costs tens of milliseconds of a start-up), else opened
 * on first use.
 */
struct dbtf *cg_kernel_btf(struct cg *cg)
{
	int i;

	if (cg->btf || cg->btf_failed)
		return cg->btf;
	for (i = 0; i < cg->npoints; i++) {
		const struct prov_probe *dp = cg->points[i].dp;

		if (dp && dp->family == PROV_TRACEPOINT &&
		    dp->u.trace.kind == PROV_TP_BTF && dp->u.trace.btf) {
			cg->btf = dp->u.trace.btf;
			cg->btf_borrowed = true;
			return cg->btf;
		}
	}
	cg->btf = dbtf_open(NULL);
	if (!cg->btf)
		cg->btf_failed = true;
	return cg->btf;
}

static struct dbtf *kernel_btf(struct cg *cg, const struct token *tok)
{
	if (!cg_kernel_btf(cg)) {
		diag_semantic_error(cg->diags, tok, "cannot read kernel BTF (%s)",
				    DBTF_VMLINUX);
		cg->errors++;
	}
	return cg->btf;
}

void cg_ctxvar_release(struct cg *cg)
{
	if (!cg->btf_borrowed)
		dbtf_close(cg->btf);
	cg->btf = NULL;
	dwi_close(cg->dwi);
	cg->dwi = NULL;
}

static void chain_error(struct cg *cg, const struct token *tok,
			const char *fmt, const char *a, const char *b)
{
	diag_semantic_error(cg->diags, tok, fmt, a, b);
	cg->errors++;
}

/* r0 = the context pointer the program was entered with */
void cg_load_ctx(struct cg *cg, int reg)
{
	emit_load(&cg->em, BPF_DW, reg, BPF_REG_10, cg->ctx_slot);
}

const struct prov_var *cg_find_var(const struct cg *cg, const char *name)
{
	const struct prov_probe *dp = cg->point ? cg->point->dp : NULL;
	int i;

	if (!dp)
		return NULL;
	for (i = 0; i < dp->vars.n; i++) {
		const struct prov_var *v = dp->vars.v[i];

		if (!strcmp(v->name, name))
			return v;
	}
	return NULL;
}

/* ---- BTF chains ------------------------------------------------------------ */

/*
 * Where a chain stands: r0 holds the value itself, or (lval) the address
 * of an object of BTF type 'type' in kernel memory.
 */
struct chain {
	uint32_t type;
	bool lval;
	int bit_offset, bit_size;	/* the last member was a bitfield */
};

static char *type_name(struct cg *cg, uint32_t id)
{
	char *s = dbtf_type_name(cg->btf, id);
	char *r = arena_strdup(cg->arena, s);

	free(s);
	return r;
}

/* Turn an lval pointer into the pointer's value: r0 = *(u64 *)r0 */
static void load_pointer(struct cg *cg, struct chain *ch,
			 const struct token *tok)
{
	struct emitter *em = &cg->em;
	int mark = emit_stack_mark(em), slot = emit_stack_alloc(em, 8);

	if (!ch->lval)
		return;
	emit_store(em, BPF_DW, BPF_REG_10, slot, BPF_REG_0);
	cg_read_scalar(cg, slot, 8, false, false, "read fault [man error::fault] at ",
		       tok);
	emit_stack_release(em, mark);
	ch->lval = false;
}

struct names {
	FILE *f;
	int n;
};

static int add_name(const struct dbtf_member *m, void *arg)
{
	struct names *nm = arg;

	fprintf(nm->f, "%s%s", nm->n++ ? " " : " (alternatives: ", m->name);
	return 0;
}

/* " (alternatives: a b c)": the members of the struct, as upstream */
static const char *alternatives(struct cg *cg, uint32_t id)
{
	struct names nm = { 0 };
	char *text = NULL;
	size_t len = 0;
	const char *r;

	nm.f = open_memstream(&text, &len);
	if (!nm.f)
		return "";
	dbtf_members(cg->btf, id, add_name, &nm);
	if (nm.n)
		fputc(')', nm.f);
	fclose(nm.f);
	r = arena_strdup(cg->arena, text ? text : "");
	free(text);
	return r;
}

static void member(struct cg *cg, struct chain *ch,
		   const struct target_comp *c)
{
	struct dbtf_typeinfo ti;
	struct dbtf_member m;

	dbtf_type_info(cg->btf, ch->type, &ti);
	if (ti.kind == DBTF_PTR) {
		load_pointer(cg, ch, c->tok);
		ch->type = ti.target;
		ch->lval = true;
		dbtf_type_info(cg->btf, ch->type, &ti);
	}
	if (ti.kind != DBTF_STRUCT && ti.kind != DBTF_UNION) {
		chain_error(cg, c->tok, "invalid access '->%s' for %s", c->member,
			    type_name(cg, ch->type));
		return;
	}
	if (!ch->lval) {
		chain_error(cg, c->tok, "cannot access member '%s' of %s passed by value",
			    c->member, type_name(cg, ch->type));
		return;
	}
	if (dbtf_member(cg->btf, ti.id, c->member, &m)) {
		chain_error(cg, c->tok, "unable to find member '%s' for %s",
			    c->member, arena_printf(cg->arena, "%s%s",
			    type_name(cg, ti.id), alternatives(cg, ti.id)));
		return;
	}
	if (m.offset)
		emit_alu_imm(&cg->em, BPF_ADD, BPF_REG_0, (int32_t)m.offset);
	ch->type = m.type_id;
	ch->bit_offset = m.bit_offset;
	ch->bit_size = m.bit_size;
}

static void index_comp(struct cg *cg, struct chain *ch,
		       const struct target_comp *c)
{
	struct emitter *em = &cg->em;
	struct dbtf_typeinfo ti, el;
	int mark, slot;

	dbtf_type_info(cg->btf, ch->type, &ti);
	if (ti.kind == DBTF_PTR) {
		load_pointer(cg, ch, c->tok);
	} else if (ti.kind != DBTF_ARRAY || !ch->lval) {
		chain_error(cg, c->tok, "invalid array access on %s%s",
			    type_name(cg, ch->type), "");
		return;
	}
	dbtf_type_info(cg->btf, ti.target, &el);
	if (el.size <= 0) {
		chain_error(cg, c->tok, "cannot index %s: element size unknown%s",
			    type_name(cg, ch->type), "");
		return;
	}
	if (c->index->kind == E_NUMBER) {
		emit_alu_imm(em, BPF_ADD, BPF_REG_0,
			     (int32_t)(c->index->num * el.size));
	} else {
		mark = emit_stack_mark(em);
		slot = emit_stack_alloc(em, 8);
		emit_store(em, BPF_DW, BPF_REG_10, slot, BPF_REG_0);
		cg_long(cg, c->index);
		emit_alu_imm(em, BPF_MUL, BPF_REG_0, (int32_t)el.size);
		emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, slot);
		emit_alu_reg(em, BPF_ADD, BPF_REG_0, BPF_REG_1);
		emit_stack_release(em, mark);
	}
	ch->type = ti.target;
	ch->lval = true;
	ch->bit_size = 0;
}

/* The chain's final value as a long in r0 */
static void final_value(struct cg *cg, struct chain *ch, const struct expr *e)
{
	struct emitter *em = &cg->em;
	struct dbtf_typeinfo ti;
	int mark, slot, size;

	if (e->target->addressof) {
		if (!ch->lval || ch->bit_size)
			chain_error(cg, e->tok, "cannot take the address of %s%s",
				    e->target->name ? e->target->name : "this value", "");
		return;
	}
	dbtf_type_info(cg->btf, ch->type, &ti);
	switch (ti.kind) {
	case DBTF_INT:
	case DBTF_ENUM:
	case DBTF_PTR:
		size = ti.kind == DBTF_PTR ? 8 : (int)ti.size;
		if (size != 1 && size != 2 && size != 4 && size != 8) {
			chain_error(cg, e->tok, "unsupported %d-byte integer %s",
				    arena_printf(cg->arena, "%d", size),
				    type_name(cg, ch->type));
			return;
		}
		if (!ch->lval) {
			cg_extend(cg, BPF_REG_0, size, ti.is_signed);
			return;
		}
		mark = emit_stack_mark(em);
		slot = emit_stack_alloc(em, 8);
		emit_store(em, BPF_DW, BPF_REG_10, slot, BPF_REG_0);
		if (ch->bit_size) {
			/* the bytes holding the field, then shift it out */
			size = (ch->bit_offset + ch->bit_size + 7) / 8;
			size = size <= 1 ? 1 : size <= 2 ? 2 : size <= 4 ? 4 : 8;
		}
		cg_read_scalar(cg, slot, size, ti.is_signed && !ch->bit_size,
			       false, "read fault [man error::fault] at ", e->tok);
		if (ch->bit_size) {
			emit_alu_imm(em, BPF_LSH, BPF_REG_0,
				     64 - ch->bit_offset - ch->bit_size);
			emit_alu_imm(em, ti.is_signed ? BPF_ARSH : BPF_RSH,
				     BPF_REG_0, 64 - ch->bit_size);
		}
		emit_stack_release(em, mark);
		return;
	case DBTF_ARRAY:
		if (!ch->lval)
			chain_error(cg, e->tok, "cannot use array %s passed by value%s",
				    type_name(cg, ch->type), "");
		return;		/* its address */
	case DBTF_STRUCT:
	case DBTF_UNION:
		chain_error(cg, e->tok, "'%s' is being accessed instead of a member%s",
			    type_name(cg, ch->type), "");
		return;
	default:
		chain_error(cg, e->tok, "unsupported type %s for %s",
			    type_name(cg, ch->type),
			    e->target->name ? e->target->name : "this value");
		return;
	}
}

/* Walk the components from r0 = start, then the final value */
static void btf_chain(struct cg *cg, const struct expr *e, struct chain *ch)
{
	const struct target *t = e->target;
	int i, errors = cg->errors;

	for (i = 0; i < t->comps.n && cg->errors == errors; i++) {
		const struct target_comp *c = t->comps.v[i];

		if (c->kind == COMP_MEMBER)
			member(cg, ch, c);
		else
			index_comp(cg, ch, c);
	}
	if (cg->errors == errors)
		final_value(cg, ch, e);
}

/* ---- bases ------------------------------------------------------------------ */

/*
 * The C type a trace record field declares decides its value: syscall
 * records widen every argument to 8 bytes with "signed:0", yet $dfd is
 * an int and -100 stays -100.  Pointers are 8 unsigned bytes; the
 * common C types are known here (loading kernel BTF costs tens of
 * milliseconds), other names are looked up in kernel BTF; without it
 * the record's own size and signedness are used.
 */
static const struct { const char *name; int size; bool is_signed; } c_types[] = {
	{ "int", 4, true }, { "unsigned int", 4, false },
	{ "long", 8, true }, { "unsigned long", 8, false },
	{ "long int", 8, true }, { "long unsigned int", 8, false },
	{ "short", 2, true }, { "unsigned short", 2, false },
	{ "char", 1, true }, { "unsigned char", 1, false },
	{ "size_t", 8, false }, { "pid_t", 4, true }, { "umode_t", 2, false },
	{ "u32", 4, false }, { "u64", 8, false }, { "s32", 4, true },
	{ "s64", 8, true },
};

static void declared_type(struct cg *cg, const struct prov_var *v, int *size,
			  bool *is_signed)
{
	size_t i;
	struct dbtf_typeinfo ti;
	const char *t = v->type;
	size_t n = strlen(t);
	uint32_t id;
	int depth = 0;

	*is_signed = v->field.is_signed;
	if (n && t[n - 1] == '*') {
		*is_signed = false;
		return;
	}
	if (!strncmp(t, "const ", 6))
		t += 6;
	for (i = 0; i < sizeof(c_types) / sizeof(c_types[0]); i++)
		if (!strcmp(t, c_types[i].name)) {
			if (c_types[i].size <= *size) {
				*size = c_types[i].size;
				*is_signed = c_types[i].is_signed;
			}
			return;
		}
	if (!cg_kernel_btf(cg))
		return;
	if (dbtf_find_type(cg->btf, t, &id, &depth) || depth ||
	    dbtf_type_info(cg->btf, id, &ti) ||
	    (ti.kind != DBTF_INT && ti.kind != DBTF_ENUM) ||
	    ti.size <= 0 || ti.size > *size)
		return;
	*size = (int)ti.size;
	*is_signed = ti.is_signed;
}

/* A trace record field of a tracefs event (syscalls:*) */
static void tracefs_field(struct cg *cg, const struct expr *e,
			  const struct prov_var *v)
{
	const struct prov_tracefs_field *f = &v->field;
	struct emitter *em = &cg->em;
	int size = f->size;
	bool is_signed;

	if (f->data_loc || f->rel_loc || f->array_len >= 0 ||
	    (size != 1 && size != 2 && size != 4 && size != 8)) {
		cg_unsupported(cg, e->tok, arena_printf(cg->arena,
			       "trace record field '$%s' of type %s", v->name,
			       v->type));
		emit_mov_imm(em, BPF_REG_0, 0);
		return;
	}
	if (e->target->comps.n || e->target->addressof) {
		cg_unsupported(cg, e->tok, "'->', '[' or '&' on a trace record field");
		emit_mov_imm(em, BPF_REG_0, 0);
		return;
	}
	cg_load_ctx(cg, BPF_REG_1);
	emit_load(em, size == 8 ? BPF_DW : size == 4 ? BPF_W :
		  size == 2 ? BPF_H : BPF_B, BPF_REG_0, BPF_REG_1,
		  (int16_t)f->offset);
	declared_type(cg, v, &size, &is_signed);
	cg_extend(cg, BPF_REG_0, size, is_signed);
}

/* A TP_PROTO argument of a raw tracepoint: the index-th u64 of ctx */
static void btf_arg(struct cg *cg, const struct expr *e,
		    const struct prov_var *v)
{
	struct chain ch = { .type = v->btf_type };

	if (e->target->addressof && !e->target->comps.n) {
		chain_error(cg, e->tok, "cannot take the address of %s%s",
			    e->target->name, " (a tracepoint argument)");
		return;
	}
	cg_load_ctx(cg, BPF_REG_1);
	emit_load(&cg->em, BPF_DW, BPF_REG_0, BPF_REG_1, (int16_t)(8 * v->index));
	btf_chain(cg, e, &ch);
}

/* @cast(addr, "type" [, "kernel..."]) */
static void cast(struct cg *cg, const struct expr *e)
{
	const struct target *t = e->target;
	struct chain ch = { .lval = true };
	int depth = 0;

	if (t->module && strncmp(t->module, "kernel", 6)) {
		cg_unsupported(cg, e->tok, arena_printf(cg->arena,
			       "@cast to a type of module '%s'", t->module));
		return;
	}
	if (!kernel_btf(cg, e->tok))
		return;
	if (dbtf_find_type(cg->btf, t->name, &ch.type, &depth) || depth) {
		chain_error(cg, e->tok, "type definition '%s' not found in '%s'",
			    t->name, t->module ? t->module : "kernel");
		return;
	}
	cg_long(cg, t->operand);
	btf_chain(cg, e, &ch);
}

void cg_target(struct cg *cg, const struct expr *e)
{
	const struct target *t = e->target;
	const struct prov_var *v;
	int errors = cg->errors;

	if (cg_entry_value(cg, e))
		return;
	if (t->pretty || (t->base == TB_DOLLAR && t->name[1] == '$')) {
		cg_unsupported(cg, e->tok, "pretty-printing and $$ context variables");
	} else if (t->base == TB_CAST) {
		cast(cg, e);
	} else if (t->base != TB_DOLLAR) {
		cg_unsupported(cg, e->tok, t->base == TB_ATVAR ? "@var" :
			       "an autocast '->' on a value");
	} else if (!(v = cg_find_var(cg, t->name + 1))) {
		cg_unsupported(cg, e->tok, arena_printf(cg->arena,
			       "context variable '%s' in this probe", t->name));
	} else if (v->src == PROV_VAR_TRACEFS) {
		tracefs_field(cg, e, v);
	} else if (v->src == PROV_VAR_BTF_ARG) {
		if (kernel_btf(cg, e->tok))
			btf_arg(cg, e, v);
	} else if (v->src == PROV_VAR_UTRACE) {
		cg_utrace_var(cg, e, v);
	} else if (v->src == PROV_VAR_DWARF || v->src == PROV_VAR_DWARF_RETURN ||
		   v->src == PROV_VAR_SDT_ARG) {
		cg_uprobe_var(cg, e, v);
	} else {
		cg_unsupported(cg, e->tok, arena_printf(cg->arena,
			       "context variable '%s' of this probe", t->name));
	}
	if (cg->errors != errors)
		emit_mov_imm(&cg->em, BPF_REG_0, 0);
}
