// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * codegen_uprobe.c - what a uprobe handler reads: DWARF variables and
 * $return from the registers (struct pt_regs, the program's context)
 * and the probed process's memory, and the register builtins of
 * symbol-only probes (tapsets.md §3.5: int_arg, pointer_arg, returnval,
 * ...), plus task_current().
 *
 * A location expression is evaluated at translation time down to "a
 * register's value", "a register plus an offset is the address" or "a
 * constant": DW_OP_regN, DW_OP_bregN, DW_OP_fbreg with a register-based
 * or DW_OP_call_frame_cfa frame base (the CFA rule from the CFI, which
 * pass 2 recorded), DW_OP_stack_value, DW_AT_const_value.  Anything else
 * (location lists not covering the pc, pieces, DW_OP_entry_value) is
 * refused at the variable.  Register offsets in pt_regs come from kernel
 * BTF by member name; the DWARF register numbering is x86-64's.
 *
 * $p->a->b[i] on a DWARF variable walks the program's own DWARF types
 * (opened here once per program file) with user-memory reads.  SDT
 * marker arguments ($argN of process.mark) are AT&T operands parsed at
 * translation time: %reg, N(%reg), $imm.  register("rax") and
 * u_register() read a named register.
 */
#include <dwarf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "bpf-backend/codegen_int.h"
#include "translator/debuginfo/btf.h"
#include "translator/debuginfo/dwarf.h"
#include "translator/debuginfo/elfsym.h"
#include "translator/providers/provider.h"
#include "translator/strlit.h"

/* x86-64 DWARF register numbers -> struct pt_regs members */
static const char *const x86_64_regs[] = {
	"ax", "dx", "cx", "bx", "si", "di", "bp", "sp",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "ip",
};

/* The System V argument registers, for int_arg(n) etc. */
static const int x86_64_args[] = { 5, 4, 1, 2, 8, 9 };

static bool is_x86_64(void)
{
	struct utsname u;

	return uname(&u) == 0 && !strcmp(u.machine, "x86_64");
}

/* Byte offset of DWARF register regno in struct pt_regs, or -1 */
static int reg_offset(struct cg *cg, int regno, const struct token *tok)
{
	struct dbtf_member m;
	uint32_t id;
	const char *name;

	if (!is_x86_64()) {
		cg_unsupported(cg, tok, "reading registers on this architecture");
		return -1;
	}
	if (regno != CG_REG_CS && (regno < 0 ||
	    regno >= (int)(sizeof(x86_64_regs) / sizeof(x86_64_regs[0])))) {
		cg_unsupported(cg, tok, "a variable in this DWARF register");
		return -1;
	}
	if (!cg_kernel_btf(cg)) {
		cg_unsupported(cg, tok, "reading registers without kernel BTF");
		return -1;
	}
	name = regno == CG_REG_CS ? "cs" : x86_64_regs[regno];
	if (dbtf_find_type(cg->btf, "struct pt_regs", &id, NULL) ||
	    dbtf_member(cg->btf, id, name, &m)) {
		cg_unsupported(cg, tok, "reading registers: no struct pt_regs in BTF");
		return -1;
	}
	return (int)m.offset;
}

int cg_load_reg(struct cg *cg, int reg, int regno, const struct token *tok)
{
	int off = reg_offset(cg, regno, tok);

	if (off < 0)
		return -1;
	cg_load_ctx(cg, reg);
	emit_load(&cg->em, BPF_DW, reg, reg, (int16_t)off);
	return 0;
}

static bool in_uprobe(const struct cg *cg)
{
	return cg->point && cg->point->kind == CG_UPROBE;
}

/* In a .return handler (not in its entry program) */
static bool in_return(const struct cg *cg)
{
	return in_uprobe(cg) && cg->point->dp->u.uprobe.is_return &&
	       !cg->entry_mode;
}

/* ---- DWARF locations ------------------------------------------------------ */

/* A location reduced to base register + offset */
struct uloc {
	int regno;		/* -1: constant */
	int64_t offset;		/* or the constant */
	bool is_address;	/* regno + offset is where the value lives */
};

/* One register-based op: DW_OP_bregN off or DW_OP_bregx reg off (how
 * libdw spells a CFA rule); true when it is one */
static bool breg(const Dwarf_Op *op, struct uloc *l)
{
	if (op->atom == DW_OP_bregx) {
		l->regno = (int)op->number;
		l->offset = (int64_t)op->number2;
		return true;
	}
	if (op->atom < DW_OP_breg0 || op->atom > DW_OP_breg31)
		return false;
	l->regno = op->atom - DW_OP_breg0;
	l->offset = (int64_t)op->number;
	return true;
}

static const char *reduce(const struct dwi_var *dv,
			  const struct dwi_vars *scope, struct uloc *l)
{
	const Dwarf_Op *ops = dv->loc.ops;
	size_t n = dv->loc.nops;
	const struct dwi_loc *fb;
	struct uloc base;

	if (dv->has_const_value && !dv->loc.available) {
		l->regno = -1;
		l->offset = dv->const_value;
		l->is_address = false;
		return NULL;
	}
	if (!dv->loc.available || !n)
		return "its location at this address";
	l->is_address = true;
	if (n >= 2 && ops[n - 1].atom == DW_OP_stack_value) {
		l->is_address = false;
		n--;
	}
	if (n != 1)
		return "its DWARF location expression";
	if (ops[0].atom >= DW_OP_reg0 && ops[0].atom <= DW_OP_reg31 &&
	    l->is_address) {
		l->regno = ops[0].atom - DW_OP_reg0;
		l->offset = 0;
		l->is_address = false;
		return NULL;
	}
	if (breg(&ops[0], l))
		return NULL;
	if (ops[0].atom != DW_OP_fbreg)
		return "its DWARF location expression";
	fb = scope ? &scope->frame_base : NULL;
	if (!fb || !fb->available || fb->nops != 1)
		return "its frame base";
	if (fb->ops[0].atom == DW_OP_call_frame_cfa) {
		fb = &scope->cfa;
		if (!fb->available || fb->nops != 1)
			return "the frame address (CFI) at this address";
	}
	if (!breg(&fb->ops[0], &base))
		return "its frame base";
	l->regno = base.regno;
	l->offset = base.offset + (int64_t)ops[0].number;
	return NULL;
}

/* r0 = the location's address (is_address) or value */
static void base_loc(struct cg *cg, const struct expr *e, const struct uloc *l)
{
	struct emitter *em = &cg->em;

	if (l->regno < 0) {
		emit_ld_imm64(em, BPF_REG_0, (uint64_t)l->offset);
	} else if (cg_load_reg(cg, BPF_REG_0, l->regno, e->tok) == 0 && l->offset) {
		if (l->offset >= INT32_MIN && l->offset <= INT32_MAX) {
			emit_alu_imm(em, BPF_ADD, BPF_REG_0, (int32_t)l->offset);
		} else {
			emit_ld_imm64(em, BPF_REG_1, (uint64_t)l->offset);
			emit_alu_reg(em, BPF_ADD, BPF_REG_0, BPF_REG_1);
		}
	}
}

/* r0 = the size-byte value at the address in r0 (user memory), extended */
static void read_user(struct cg *cg, const struct expr *e, int size,
		      bool is_signed)
{
	struct emitter *em = &cg->em;
	int mark = emit_stack_mark(em), slot = emit_stack_alloc(em, 8);

	emit_store(em, BPF_DW, BPF_REG_10, slot, BPF_REG_0);
	cg_read_scalar(cg, slot, size, is_signed, true,
		       "read fault [man error::fault] at ", e->tok);
	emit_stack_release(em, mark);
}

/* r0 = the value of a reduced location, shaped by val */
static void read_loc(struct cg *cg, const struct expr *e, const struct uloc *l,
		     const struct dwi_scalar *val)
{
	int size = val->size;

	base_loc(cg, e, l);
	if (e->target->addressof) {
		if (!l->is_address)
			cg_unsupported(cg, e->tok, "'&' on a variable held in a register");
		return;
	}
	if (val->kind == DWI_VAL_ARRAY) {
		if (!l->is_address)
			cg_unsupported(cg, e->tok, "an array held in registers");
		return;
	}
	if (val->kind == DWI_VAL_AGGREGATE) {
		diag_semantic_error(cg->diags, e->tok,
				    "'%s' is being accessed instead of a member",
				    cg_find_var(cg, e->target->name + 1)->type);
		cg->errors++;
		return;
	}
	if ((val->kind != DWI_VAL_INT && val->kind != DWI_VAL_POINTER) ||
	    (size != 1 && size != 2 && size != 4 && size != 8)) {
		cg_unsupported(cg, e->tok, arena_printf(cg->arena,
			       "reading '%s' of this type", e->target->name));
		return;
	}
	if (!l->is_address) {
		cg_extend(cg, BPF_REG_0, size, val->is_signed);
		return;
	}
	read_user(cg, e, size, val->is_signed);
}

/* ---- $p->a->b[i] through the program's DWARF types ---------------------- */

static struct dwi *program_dwarf(struct cg *cg, const struct token *tok)
{
	const char *path = cg->point->dp->u.uprobe.path;

	if (cg->dwi && !strcmp(cg->dwi_path, path))
		return cg->dwi;
	dwi_close(cg->dwi);
	cg->dwi_path = path;
	cg->dwi = dwi_open(path);
	if (!cg->dwi)
		cg_unsupported(cg, tok, arena_printf(cg->arena,
			       "reading the DWARF types of '%s'", path));
	return cg->dwi;
}

struct dchain {
	Dwarf_Off type;
	bool lval;		/* r0 holds the object's address */
	int bit_offset, bit_size;
};

static void dchain_error(struct cg *cg, const struct token *tok,
			 const char *fmt, const char *a, Dwarf_Off type)
{
	struct dwi_type ti;

	dwi_type_at(cg->dwi, type, &ti);
	diag_semantic_error(cg->diags, tok, fmt, a, ti.name ? ti.name : "void");
	free(ti.name);
	cg->errors++;
}

struct alternatives {
	FILE *f;
	int n;
};

static void add_alternative(const char *name, void *arg)
{
	struct alternatives *a = arg;

	fprintf(a->f, "%s%s", a->n++ ? " " : " (alternatives: ", name);
}

static int dchain_member(struct cg *cg, struct dchain *ch,
			 const struct target_comp *c, const struct expr *e)
{
	struct alternatives alt;
	struct dwi_type ti;
	struct dwi_member m;
	int r;

	dwi_type_at(cg->dwi, ch->type, &ti);
	free(ti.name);
	if (ti.val.kind == DWI_VAL_POINTER) {
		if (ch->lval)
			read_user(cg, e, 8, false);
		ch->type = ti.target;
		ch->lval = true;
	}
	r = dwi_member(cg->dwi, ch->type, c->member, &m);
	if (r == -EINVAL || (r == 0 && !ch->lval)) {
		dchain_error(cg, c->tok, "invalid access '->%s' for %s",
			     c->member, ch->type);
		return -1;
	}
	if (r) {
		char *names = NULL;
		size_t len = 0;
		struct dwi_type ti2;

		alt.f = open_memstream(&names, &len);
		alt.n = 0;
		if (alt.f) {
			dwi_member_names(cg->dwi, ch->type, add_alternative, &alt);
			if (alt.n)
				fputc(')', alt.f);
			fclose(alt.f);
		}
		dwi_type_at(cg->dwi, ch->type, &ti2);
		diag_semantic_error(cg->diags, c->tok,
				    "unable to find member '%s' for %s%s",
				    c->member, ti2.name ? ti2.name : "void",
				    names ? names : "");
		cg->errors++;
		free(ti2.name);
		free(names);
		return -1;
	}
	if (m.offset)
		emit_alu_imm(&cg->em, BPF_ADD, BPF_REG_0, (int32_t)m.offset);
	ch->type = m.type;
	ch->bit_offset = m.bit_offset;
	ch->bit_size = m.bit_size;
	return 0;
}

static int dchain_index(struct cg *cg, struct dchain *ch,
			const struct target_comp *c, const struct expr *e)
{
	struct emitter *em = &cg->em;
	struct dwi_type ti;
	int mark, slot;

	dwi_type_at(cg->dwi, ch->type, &ti);
	free(ti.name);
	if (ti.val.kind == DWI_VAL_POINTER) {
		if (ch->lval)
			read_user(cg, e, 8, false);
	} else if (ti.val.kind != DWI_VAL_ARRAY || !ch->lval) {
		dchain_error(cg, c->tok, "invalid array access%s on %s", "",
			     ch->type);
		return -1;
	}
	if (ti.elem_size <= 0) {
		dchain_error(cg, c->tok, "cannot index%s %s: element size unknown",
			     "", ch->type);
		return -1;
	}
	if (c->index->kind == E_NUMBER) {
		emit_alu_imm(em, BPF_ADD, BPF_REG_0,
			     (int32_t)(c->index->num * ti.elem_size));
	} else {
		mark = emit_stack_mark(em);
		slot = emit_stack_alloc(em, 8);
		emit_store(em, BPF_DW, BPF_REG_10, slot, BPF_REG_0);
		cg_long(cg, c->index);
		emit_alu_imm(em, BPF_MUL, BPF_REG_0, (int32_t)ti.elem_size);
		emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, slot);
		emit_alu_reg(em, BPF_ADD, BPF_REG_0, BPF_REG_1);
		emit_stack_release(em, mark);
	}
	ch->type = ti.target;
	ch->lval = true;
	ch->bit_size = 0;
	return 0;
}

static void dchain_final(struct cg *cg, struct dchain *ch, const struct expr *e)
{
	struct emitter *em = &cg->em;
	struct dwi_type ti;
	int size;

	if (e->target->addressof) {
		if (!ch->lval || ch->bit_size)
			cg_unsupported(cg, e->tok, "'&' on this value");
		return;
	}
	dwi_type_at(cg->dwi, ch->type, &ti);
	free(ti.name);
	switch (ti.val.kind) {
	case DWI_VAL_INT:
	case DWI_VAL_POINTER:
		size = ti.val.size;
		if (size != 1 && size != 2 && size != 4 && size != 8)
			break;
		if (!ch->lval) {
			cg_extend(cg, BPF_REG_0, size, ti.val.is_signed);
			return;
		}
		if (!ch->bit_size) {
			read_user(cg, e, size, ti.val.is_signed);
			return;
		}
		size = (ch->bit_offset + ch->bit_size + 7) / 8;
		size = size <= 1 ? 1 : size <= 2 ? 2 : size <= 4 ? 4 : 8;
		read_user(cg, e, size, false);
		emit_alu_imm(em, BPF_LSH, BPF_REG_0,
			     64 - ch->bit_offset - ch->bit_size);
		emit_alu_imm(em, ti.val.is_signed ? BPF_ARSH : BPF_RSH,
			     BPF_REG_0, 64 - ch->bit_size);
		return;
	case DWI_VAL_ARRAY:
		if (ch->lval)
			return;		/* its address */
		break;
	case DWI_VAL_AGGREGATE:
		dchain_error(cg, e->tok, "%s'%s' is being accessed instead of a member",
			     "", ch->type);
		return;
	default:
		break;
	}
	cg_unsupported(cg, e->tok, "reading a value of this type");
}

static void dwarf_chain(struct cg *cg, const struct expr *e,
			const struct dwi_var *dv, const struct uloc *l)
{
	struct dchain ch = { .type = dv->type_die, .lval = l->is_address };
	int i;

	if (!program_dwarf(cg, e->tok))
		return;
	base_loc(cg, e, l);
	for (i = 0; i < e->target->comps.n; i++) {
		const struct target_comp *c = e->target->comps.v[i];

		if ((c->kind == COMP_MEMBER ? dchain_member(cg, &ch, c, e)
					    : dchain_index(cg, &ch, c, e)))
			return;
	}
	dchain_final(cg, &ch, e);
}

/* ---- SDT marker arguments ("-4@%eax", "8@-16(%rbp)", "4@$5") ---------- */

/* DWARF number of an x86-64 register name; its width in *size */
static int x86_reg(const char *name, size_t len, int *size)
{
	static const char *const q[] = { "rax", "rdx", "rcx", "rbx", "rsi",
					  "rdi", "rbp", "rsp" };
	static const char *const d[] = { "eax", "edx", "ecx", "ebx", "esi",
					  "edi", "ebp", "esp" };
	static const char *const w[] = { "ax", "dx", "cx", "bx", "si", "di",
					  "bp", "sp" };
	static const char *const b[] = { "al", "dl", "cl", "bl", "sil", "dil",
					  "bpl", "spl" };
	char n[8];
	int i, num;
	char suffix = 0;

	if (len == 0 || len >= sizeof(n))
		return -1;
	memcpy(n, name, len);
	n[len] = '\0';
	for (i = 0; i < 8; i++) {
		if (!strcmp(n, q[i])) { *size = 8; return i; }
		if (!strcmp(n, d[i])) { *size = 4; return i; }
		if (!strcmp(n, w[i])) { *size = 2; return i; }
		if (!strcmp(n, b[i])) { *size = 1; return i; }
	}
	if (sscanf(n, "r%d%c", &num, &suffix) >= 1 && num >= 8 && num <= 15) {
		*size = suffix == 'd' ? 4 : suffix == 'w' ? 2 : suffix == 'b' ? 1 : 8;
		return num;
	}
	return -1;
}

static void sdt_arg(struct cg *cg, const struct expr *e,
		    const struct sdt_arg *a)
{
	const char *op = a->operand, *paren;
	struct uloc l = { .regno = -1 };
	struct dwi_scalar val = { DWI_VAL_INT, a->size, a->is_signed };
	int rsize;
	char *end;

	if (e->target->comps.n || e->target->addressof) {
		cg_unsupported(cg, e->tok, "'->', '[' and '&' on marker arguments");
		return;
	}
	if (op[0] == '$') {
		l.offset = strtoll(op + 1, &end, 0);
		if (*end)
			goto refuse;
	} else if (op[0] == '%') {
		l.regno = x86_reg(op + 1, strlen(op + 1), &rsize);
		if (l.regno < 0)
			goto refuse;
	} else if ((paren = strchr(op, '(')) && paren[1] == '%' &&
		   !strchr(paren, ',')) {
		l.offset = paren == op ? 0 : strtoll(op, &end, 0);
		if (paren != op && end != paren)
			goto refuse;
		l.regno = x86_reg(paren + 2, strcspn(paren + 2, ")"), &rsize);
		if (l.regno < 0 || rsize != 8 || l.regno == 16)
			goto refuse;
		l.is_address = true;
	} else {
		goto refuse;
	}
	if (l.regno >= 0 && !is_x86_64())
		goto refuse;
	read_loc(cg, e, &l, &val);
	return;
refuse:
	cg_unsupported(cg, e->tok, arena_printf(cg->arena,
		       "the marker argument operand '%s'", op));
}

void cg_uprobe_var(struct cg *cg, const struct expr *e,
		   const struct prov_var *v)
{
	const struct dwi_var *dv = v->dwarf;
	struct uloc l = { 0 };
	const char *why;

	if (in_uprobe(cg) && v->src == PROV_VAR_SDT_ARG && v->sdt) {
		sdt_arg(cg, e, v->sdt);
		return;
	}
	if (!in_uprobe(cg) || !dv) {
		cg_unsupported(cg, e->tok, "this context variable");
		return;
	}
	if (v->src == PROV_VAR_DWARF_RETURN) {
		if (e->target->addressof || e->target->comps.n) {
			cg_unsupported(cg, e->tok, "'&', '->' and '[' on $return");
			return;
		}
		l.regno = 0;	/* rax */
		read_loc(cg, e, &l, &dv->val);
		return;
	}
	if (in_return(cg)) {
		/* codegen_entry.c saves every such read; not this one */
		cg_unsupported(cg, e->tok, arena_printf(cg->arena,
			       "'%s' here in a .return probe", e->target->name));
		return;
	}
	why = reduce(dv, cg->point->dp->dwarf_scope, &l);
	if (why) {
		cg_unsupported(cg, e->tok, arena_printf(cg->arena,
			       "reading '%s': %s", e->target->name, why));
		return;
	}
	if (e->target->comps.n)
		dwarf_chain(cg, e, dv, &l);
	else
		read_loc(cg, e, &l, &dv->val);
}

/* ---- builtins ---------------------------------------------------------------- */

struct ctx_fn {
	const char *name;
	int nargs;
	int size;		/* bytes of the value kept */
	bool is_signed;
};

static const struct ctx_fn ctx_fns[] = {
	{ "returnval", 0, 8, true },
	{ "int_arg", 1, 4, true }, { "uint_arg", 1, 4, false },
	{ "long_arg", 1, 8, true }, { "ulong_arg", 1, 8, false },
	{ "pointer_arg", 1, 8, false },
	{ "s32_arg", 1, 4, true }, { "u32_arg", 1, 4, false },
	{ "s64_arg", 1, 8, true }, { "u64_arg", 1, 8, false },
	{ "task_current", 0, 8, false },
};

static void arg_n(struct cg *cg, const struct expr *e, const struct ctx_fn *f)
{
	const struct expr *n = e->args.v[0];

	if (n->kind != E_NUMBER || n->num < 1 || n->num > 6) {
		cg_unsupported(cg, e->tok, arena_printf(cg->arena,
			       "'%s' with an argument other than a literal 1 to 6",
			       f->name));
		return;
	}
	if (cg_load_reg(cg, BPF_REG_0, x86_64_args[n->num - 1], e->tok) == 0)
		cg_extend(cg, BPF_REG_0, f->size, f->is_signed);
}

/* register("rax") / u_register: a literal register name, x86-64 */
static void named_register(struct cg *cg, const struct expr *e)
{
	static const struct { const char *name; int regno, size; } names[] = {
		{ "rax", 0, 8 }, { "ax", 0, 8 }, { "eax", 0, 4 },
		{ "rdx", 1, 8 }, { "dx", 1, 8 }, { "edx", 1, 4 },
		{ "rcx", 2, 8 }, { "cx", 2, 8 }, { "ecx", 2, 4 },
		{ "rbx", 3, 8 }, { "bx", 3, 8 }, { "ebx", 3, 4 },
		{ "rsi", 4, 8 }, { "si", 4, 8 }, { "esi", 4, 4 },
		{ "rdi", 5, 8 }, { "di", 5, 8 }, { "edi", 5, 4 },
		{ "rbp", 6, 8 }, { "bp", 6, 8 }, { "ebp", 6, 4 },
		{ "rsp", 7, 8 }, { "sp", 7, 8 }, { "esp", 7, 4 },
		{ "r8", 8, 8 }, { "r9", 9, 8 }, { "r10", 10, 8 }, { "r11", 11, 8 },
		{ "r12", 12, 8 }, { "r13", 13, 8 }, { "r14", 14, 8 },
		{ "r15", 15, 8 }, { "rip", 16, 8 }, { "ip", 16, 8 },
	};
	const struct expr *a = e->args.v[0];
	size_t i, len;
	const char *s;

	if (a->kind != E_STRING) {
		cg_unsupported(cg, e->tok,
			       "'register' with a name that is not a literal");
		return;
	}
	s = strlit_decode(cg->arena, a->str, a->str_len, &len);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i].name))
			break;
	if (i == sizeof(names) / sizeof(names[0])) {
		diag_semantic_error(cg->diags, a->tok, "unknown register '%s'", s);
		cg->errors++;
		return;
	}
	if (cg_load_reg(cg, BPF_REG_0, names[i].regno, e->tok) == 0)
		cg_extend(cg, BPF_REG_0, names[i].size, e->name[0] != 'u');
}

bool cg_call_ctx(struct cg *cg, const struct expr *e)
{
	const struct ctx_fn *f = NULL;
	size_t i;
	int errors = cg->errors;

	if (e->callee && e->callee->body)
		return false;
	if (e->args.n == 1 && (!strcmp(e->name, "register") ||
			       !strcmp(e->name, "u_register"))) {
		if (!in_uprobe(cg))
			cg_unsupported(cg, e->tok, arena_printf(cg->arena,
				       "'%s' outside a process probe", e->name));
		else
			named_register(cg, e);
		if (cg->errors != errors)
			emit_mov_imm(&cg->em, BPF_REG_0, 0);
		return true;
	}
	for (i = 0; i < sizeof(ctx_fns) / sizeof(ctx_fns[0]); i++)
		if (!strcmp(e->name, ctx_fns[i].name) &&
		    e->args.n == ctx_fns[i].nargs)
			f = &ctx_fns[i];
	if (!f)
		return false;
	if (!strcmp(f->name, "task_current")) {
		emit_call_helper(&cg->em, BPF_FUNC_get_current_task);
		return true;
	}
	if (!in_uprobe(cg)) {
		cg_unsupported(cg, e->tok, arena_printf(cg->arena,
			       "'%s' outside a process probe", f->name));
	} else if (!strcmp(f->name, "returnval")) {
		if (!in_return(cg))
			cg_unsupported(cg, e->tok, "'returnval' outside a .return probe");
		else
			cg_load_reg(cg, BPF_REG_0, 0, e->tok);
	} else {
		arg_n(cg, e, f);
	}
	if (cg->errors != errors)
		emit_mov_imm(&cg->em, BPF_REG_0, 0);
	return true;
}
