/* emit_target.c - context variables ($name) of kernel functions and
 * tracepoints: a function's arguments from its registers at the kprobe,
 * $return at the kretprobe, a tracepoint's arguments as its stub
 * received them.  The value is converted as its declared C type says
 * (width and signedness), pointers are plain numbers.  Member access,
 * @cast and DWARF locations are not done yet. */
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
	return NULL;
}

const char *ec_target(struct ec *ec, const struct expr *e)
{
	const struct target *t = e->target;
	const char *text = NULL, *conv = "", *name;
	const struct probe *p = ec->probe;
	int i;

	if (!p || t->base != TB_DOLLAR || t->comps.n || t->addressof || t->pretty ||
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
		text = a;
		conv = conversion(v->type);
	}
	if (!text) {
		ec_unsupported(ec, e->tok, "a context variable here");
		return "0";
	}
	return arena_printf(ec->arena, "(int64_t)%s%s", conv, text);
}
