/* C type names from BTF, spelled the way SystemTap spells DWARF types.
 *
 * stap -L output is matched by scripts and test suites, so the rules are
 * SystemTap's dwarf_type_name()/dwarf_type_decl() (dwflpp.cxx), applied
 * to BTF kinds: the base name first, then each modifier as a suffix on
 * the way back out ("*", "[]", " const", " volatile", " restrict"); a
 * function prototype found on the way turns the whole thing into
 * "RET (MODIFIERS) (PARAMS)".  BTF-only kinds that DWARF would not show
 * (type tags) are skipped.  dwarf_name.c applies the same rules to DIEs. */
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "translator/debuginfo/btf_int.h"
#include "translator/debuginfo/util.h"

/* Deeper modifier chains than this mean corrupt BTF (a loop). */
#define MAX_DEPTH 64

static bool decl(const struct dbtf *b, uint32_t id, struct dstr *o, int depth);

static const char *aggregate_prefix(const struct btf_type *t)
{
	switch (btf_kind(t)) {
	case BTF_KIND_STRUCT: return "struct ";
	case BTF_KIND_UNION: return "union ";
	case BTF_KIND_ENUM: case BTF_KIND_ENUM64: return "enum ";
	case BTF_KIND_FWD: return btf_kflag(t) ? "union " : "struct ";
	default: return "";
	}
}

/* Kinds that end the descent: print the (prefixed) name. */
static bool is_named_leaf(int kind)
{
	switch (kind) {
	case BTF_KIND_INT: case BTF_KIND_FLOAT: case BTF_KIND_TYPEDEF:
	case BTF_KIND_STRUCT: case BTF_KIND_UNION: case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64: case BTF_KIND_FWD:
		return true;
	default:
		return false;
	}
}

static const char *suffix_of(int kind)
{
	switch (kind) {
	case BTF_KIND_PTR: return "*";
	case BTF_KIND_ARRAY: return "[]";
	case BTF_KIND_CONST: return " const";
	case BTF_KIND_VOLATILE: return " volatile";
	case BTF_KIND_RESTRICT: return " restrict";
	default: return NULL;
	}
}

static uint32_t referent(const struct btf_type *t)
{
	return btf_is_array(t) ? btf_array(t)->type : t->type;
}

/* stap calls a pointer to struct __va_list_tag by its C name. */
static bool is_va_list(const struct dbtf *b, const struct btf_type *t)
{
	const struct btf_type *s;

	if (!btf_is_ptr(t) || !(s = btf__type_by_id(b->btf, t->type)))
		return false;
	return btf_is_struct(s) &&
	       strcmp(btf__name_by_offset(b->btf, s->name_off), "__va_list_tag") == 0;
}

/* Append the base name and modifiers of 'id' to o.  A FUNC_PROTO stops the
 * walk and is reported through *proto; the modifiers seen after it go
 * between the parentheses of "RET (MODS) (PARAMS)". */
static bool base_and_mods(const struct dbtf *b, uint32_t id, struct dstr *o,
			  uint32_t *proto, int depth)
{
	const struct btf_type *t = btf__type_by_id(b->btf, id);
	const char *suffix;

	if (id == 0) {
		dstr_add(o, "void");
		return true;
	}
	if (!t || depth > MAX_DEPTH)
		return false;
	if (is_named_leaf(btf_kind(t))) {
		const char *n = btf__name_by_offset(b->btf, t->name_off);
		dstr_add(o, aggregate_prefix(t));
		dstr_add(o, n && *n ? n : "{...}");
		return true;
	}
	if (btf_is_func_proto(t)) {
		*proto = id;
		return true;
	}
	if (btf_is_func(t) || btf_is_type_tag(t))
		return base_and_mods(b, t->type, o, proto, depth + 1);
	if (is_va_list(b, t)) {
		dstr_add(o, "va_list");
		return true;
	}
	if (!(suffix = suffix_of(btf_kind(t))))
		return false;
	if (!base_and_mods(b, referent(t), o, proto, depth + 1))
		return false;
	dstr_add(o, suffix);
	return true;
}

/* "RET (MODS) (P1, P2, ...)" with "void" for no parameters and "..." for
 * the variadic marker (a trailing unnamed parameter of type 0). */
static bool subroutine(const struct dbtf *b, uint32_t proto, const char *mods,
		       struct dstr *o, int depth)
{
	const struct btf_type *t = btf__type_by_id(b->btf, proto);
	const struct btf_param *p = btf_params(t);
	int n = btf_vlen(t);

	if (!decl(b, t->type, o, depth + 1))
		return false;
	dstr_addf(o, " (%s) (", mods);
	for (int i = 0; i < n; i++) {
		if (i)
			dstr_add(o, ", ");
		if (p[i].type == 0 && i == n - 1)
			dstr_add(o, "...");
		else if (!decl(b, p[i].type, o, depth + 1))
			return false;
	}
	dstr_add(o, n ? ")" : "void)");
	return true;
}

static bool decl(const struct dbtf *b, uint32_t id, struct dstr *o, int depth)
{
	struct dstr mods = { 0 };
	uint32_t proto = 0;
	bool ok;

	if (depth > MAX_DEPTH)
		return false;
	ok = base_and_mods(b, id, &mods, &proto, depth);
	if (ok && proto)
		ok = subroutine(b, proto, mods.s ? mods.s : "", o, depth);
	else if (ok)
		dstr_add(o, mods.s ? mods.s : "");
	dstr_release(&mods);
	return ok;
}

char *dbtf_type_name(const struct dbtf *b, uint32_t id)
{
	struct dstr o = { 0 };

	if (!decl(b, id, &o, 0)) {
		dstr_release(&o);
		return dbg_xstrdup("<unknown>");
	}
	return dstr_take(&o);
}
