/* emit_target.c - context variables ($name) of kernel functions and
 * tracepoints: a function's arguments from its registers at the kprobe,
 * $return at the kretprobe, a tracepoint's arguments as its stub
 * received them.  The value is converted as its declared C type says
 * (width and signedness), pointers are plain numbers.  $var->a->b is
 * read through the target kernel's own C types (see SONDE_IS_RECORD in
 * runtime.h); @cast, array indexes and DWARF locations are not done yet. */
#include "module-backend/emit_int.h"

#include <string.h>

/* "(int64_t)(int32_t)" and the like for a type name as -L prints it */
static const char *conversion(const char *type)
{
	static const struct { const char *name, *conv; } table[] = {
		{ "int", "(int32_t)" }, { "signed int", "(int32_t)" },
		{ "unsigned int", "(uint32_t)" }, { "unsigned", "(uint32_t)" },
		{ "short", "(int16_t)" }, { "short int", "(int16_t)" },
		{ "unsigned short", "(uint16_t)" }, { "short unsigned int", "(uint16_t)" },
		{ "char", "(int8_t)" }, { "signed char", "(int8_t)" },
		{ "unsigned char", "(uint8_t)" }, { "_Bool", "(uint8_t)" }, { "bool", "(uint8_t)" },
		{ "s32", "(int32_t)" }, { "u32", "(uint32_t)" }, { "__s32", "(int32_t)" },
		{ "__u32", "(uint32_t)" }, { "int32_t", "(int32_t)" }, { "uint32_t", "(uint32_t)" },
		{ "pid_t", "(int32_t)" }, { "uid_t", "(uint32_t)" }, { "gid_t", "(uint32_t)" },
		{ "umode_t", "(uint16_t)" }, { "gfp_t", "(uint32_t)" }, { "dev_t", "(uint32_t)" },
		{ "s16", "(int16_t)" }, { "u16", "(uint16_t)" }, { "s8", "(int8_t)" },
		{ "u8", "(uint8_t)" }, { "__u16", "(uint16_t)" }, { "__u8", "(uint8_t)" },
	};
	size_t i;

	if (!type || strchr(type, '*') || strchr(type, '['))
		return "";
	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (!strcmp(type, table[i].name))
			return table[i].conv;
	return "";
}

static const struct prov_var *find_var(const struct prov_probe *pp, const char *name)
{
	int i;

	for (i = 0; i < pp->vars.n; i++) {
		const struct prov_var *v = pp->vars.v[i];

		if (!strcmp(v->name, name))
			return v;
	}
	return NULL;
}

/* The value text for one derived probe, or NULL */
static const char *access_for(struct ec *ec, const struct prov_probe *pp,
			      const struct prov_var *v)
{
	bool kfunc = pp->family == PROV_KFUNC;

	if (v->src == PROV_VAR_BTF_ARG && kfunc)
		return arena_printf(ec->arena, "sonde_kernel_arg(c, %d)", v->index);
	if (v->src == PROV_VAR_BTF_ARG && pp->family == PROV_TRACEPOINT &&
	    pp->u.trace.kind == PROV_TP_BTF)
		return arena_printf(ec->arena, "sonde_tp_arg(c, %d)", v->index);
	if (v->src == PROV_VAR_BTF_RETURN && kfunc)
		return "sonde_return_value(c)";
	if (v->src == PROV_VAR_DWARF_RETURN && pp->family == PROV_UPROBE)
		return "sonde_return_value(c)";
	return NULL;
}

/* $var->m1->...->mN from base (a long text) of C type ctype */
static const char *members(struct ec *ec, const struct target *t, const char *ctype,
			   const char *base)
{
	const char *r = ec_long_tmp(ec);
	int n = t->comps.n, i;

	for (i = 0; i < n; i++)
		if (((const struct target_comp *)t->comps.v[i])->kind != COMP_MEMBER) {
			ec_unsupported(ec, ((const struct target_comp *)t->comps.v[i])->tok,
				       "indexing a context variable");
			return "0";
		}
	ec_line(ec, "{");
	ec->uses_kernel_types = true;
	ec_line(ec, "\t%s p0 = (%s)(unsigned long)%s;", ctype, ctype, base);
	for (i = 0; i + 1 < n; i++) {
		const char *m = ((const struct target_comp *)t->comps.v[i])->member;

		ec_line(ec, "\t__typeof__(__builtin_choose_expr(SONDE_IS_RECORD(p%d->%s), "
			"&p%d->%s, p%d->%s)) p%d;", i, m, i, m, i, m, i + 1);
	}
	ec_line(ec, "\t__typeof__(p%d->%s) v;", n - 1,
		((const struct target_comp *)t->comps.v[n - 1])->member);
	ec_line(ec, "\tu64 raw = 0;");
	ec_blank(ec);
	ec_line(ec, "\t(void)raw;");
	for (i = 0; i + 1 < n; i++) {
		const struct target_comp *cp = t->comps.v[i];

		ec_line(ec, "\tif (SONDE_IS_RECORD(p%d->%s)) {", i, cp->member);
		ec_line(ec, "\t\tp%d = (void *)&p%d->%s;", i + 1, i, cp->member);
		ec_line(ec, "\t} else if (sonde_read_kernel(&p%d, &p%d->%s, sizeof(p%d))) {",
			i + 1, i, cp->member, i + 1);
		ec_line(ec, "\t\tsonde_fault(c, &p%d->%s, %s);", i, cp->member,
			ec_loc(ec, cp->tok));
		ec_indent(ec, 1);
		ec_fail(ec);
		ec_indent(ec, -1);
		ec_line(ec, "\t}");
	}
	{
		const struct target_comp *cp = t->comps.v[n - 1];

		ec_line(ec, "\tif (SONDE_IS_VALUE(v)) {");
		ec_line(ec, "\t\tif (sonde_read_kernel(&raw, &p%d->%s, sizeof(v))) {", n - 1,
			cp->member);
		ec_line(ec, "\t\t\tsonde_fault(c, &p%d->%s, %s);", n - 1, cp->member,
			ec_loc(ec, cp->tok));
		ec_indent(ec, 2);
		ec_fail(ec);
		ec_indent(ec, -2);
		ec_line(ec, "\t\t}");
		ec_line(ec, "\t\t%s = sonde_widen(raw, sizeof(v), SONDE_IS_SIGNED(v));", r);
		ec_line(ec, "\t} else {");
		ec_line(ec, "\t\t%s = (int64_t)(unsigned long)&p%d->%s;", r, n - 1, cp->member);
		ec_line(ec, "\t}");
	}
	ec_line(ec, "}");
	return r;
}

const char *ec_target(struct ec *ec, const struct expr *e)
{
	const struct target *t = e->target;
	const char *text = NULL, *conv = "", *name, *ctype = NULL;
	const struct probe *p = ec->probe;
	int i;

	if (!p || t->base != TB_DOLLAR || t->addressof || t->pretty ||
	    e->type == TYPE_STRING || t->name[1] == '$') {
		ec_unsupported(ec, e->tok, "this context variable form");
		return "0";
	}
	name = t->name + 1;
	for (i = 0; i < p->derived.n; i++) {
		const struct prov_probe *pp = p->derived.v[i];
		const struct prov_var *v = find_var(pp, name);
		const char *a = v ? access_for(ec, pp, v) : NULL;

		if (!a || (text && strcmp(a, text))) {
			ec_unsupported(ec, e->tok, arena_printf(ec->arena,
				       "context variable '%s' at probe '%s'", t->name, pp->pp));
			return "0";
		}
		if (t->comps.n && ctype && strcmp(ctype, v->type)) {
			ec_unsupported(ec, e->tok, arena_printf(ec->arena,
				       "context variable '%s' of different types", t->name));
			return "0";
		}
		text = a;
		ctype = v->type;
		conv = conversion(v->type);
	}
	if (!text) {
		ec_unsupported(ec, e->tok, "a context variable here");
		return "0";
	}
	if (t->comps.n) {
		if (!ctype || !strchr(ctype, '*')) {
			ec_unsupported(ec, e->tok, "a member of a non-pointer context variable");
			return "0";
		}
		return members(ec, t, ctype, text);
	}
	return arena_printf(ec->arena, "(int64_t)%s%s", conv, text);
}
