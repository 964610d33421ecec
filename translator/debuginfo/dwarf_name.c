/* C type names from DWARF type DIEs, spelled as SystemTap spells them
 * (dwarf_type_name()/dwarf_type_decl() in dwflpp.cxx): the base name,
 * then each modifier as a suffix ("*", "[]", " const", ...), anonymous
 * aggregates as "struct {...}", pointers to struct __va_list_tag as
 * "va_list", and function pointers as "RET (MODS) (PARAMS)".  btf_name.c
 * applies the same rules to BTF. */
#include <string.h>

#include <dwarf.h>

#include "translator/debuginfo/dwarf_int.h"
#include "translator/debuginfo/util.h"

#define MAX_DEPTH 64

static bool decl(Dwarf_Die *die, struct dstr *o, int depth);

static const char *prefix_of(int tag)
{
	switch (tag) {
	case DW_TAG_enumeration_type: return "enum ";
	case DW_TAG_structure_type: return "struct ";
	case DW_TAG_union_type: return "union ";
	case DW_TAG_class_type: return "class ";
	default: return "";
	}
}

static bool is_named_leaf(int tag)
{
	switch (tag) {
	case DW_TAG_enumeration_type: case DW_TAG_structure_type:
	case DW_TAG_union_type: case DW_TAG_class_type:
	case DW_TAG_typedef: case DW_TAG_base_type:
	case DW_TAG_unspecified_type:
		return true;
	default:
		return false;
	}
}

static const char *suffix_of(int tag, Dwarf_Die *sub)
{
	int subtag = sub ? dwarf_tag(sub) : -1;

	switch (tag) {
	case DW_TAG_pointer_type: return "*";
	case DW_TAG_reference_type: return "&";
	case DW_TAG_rvalue_reference_type: return "&&";
	case DW_TAG_array_type: return "[]";
	case DW_TAG_volatile_type: return " volatile";
	case DW_TAG_restrict_type: return " restrict";
	case DW_TAG_const_type:
		/* A const on a reference is redundant noise from some
		 * compilers; stap drops it. */
		return subtag == DW_TAG_reference_type ||
		       subtag == DW_TAG_rvalue_reference_type ? "" : " const";
	default: return NULL;
	}
}

static Dwarf_Die *type_of(Dwarf_Die *die, Dwarf_Die *mem)
{
	Dwarf_Attribute a;

	return dwarf_formref_die(dwarf_attr_integrate(die, DW_AT_type, &a), mem);
}

static bool is_va_list(int tag, Dwarf_Die *sub)
{
	const char *n;

	if (tag != DW_TAG_pointer_type || !sub ||
	    dwarf_tag(sub) != DW_TAG_structure_type)
		return false;
	n = dwarf_diename(sub);
	return n && strcmp(n, "__va_list_tag") == 0;
}

/* Base name plus modifiers; a subroutine type stops the walk and is
 * handed back in *sub_out (the modifiers after it go inside "(...)"). */
static bool base_and_mods(Dwarf_Die *die, struct dstr *o, Dwarf_Die *sub_out,
			  bool *is_sub, int depth)
{
	int tag = dwarf_tag(die);
	Dwarf_Die mem, *sub;
	const char *suffix;

	if (depth > MAX_DEPTH)
		return false;
	if (is_named_leaf(tag)) {
		const char *n = dwarf_diename(die);
		dstr_add(o, prefix_of(tag));
		dstr_add(o, n ? n : "{...}");
		return true;
	}
	if (tag == DW_TAG_subroutine_type) {
		*sub_out = *die;
		*is_sub = true;
		return true;
	}
	sub = type_of(die, &mem);
	if (is_va_list(tag, sub)) {
		dstr_add(o, "va_list");
		return true;
	}
	if (!(suffix = suffix_of(tag, sub)))
		return false;
	if (!sub || !base_and_mods(sub, o, sub_out, is_sub, depth + 1))
		dstr_add(o, "void");	/* stap: what cannot be named is void */
	dstr_add(o, suffix);
	return true;
}

static void param_name(Dwarf_Die *child, struct dstr *o, int depth)
{
	Dwarf_Die mem, *t = type_of(child, &mem);

	if (!t || !decl(t, o, depth + 1))
		dstr_add(o, "void");
}

/* "RET (MODS) (P1, P2)", "void" for no parameters, "..." for varargs. */
static bool subroutine(Dwarf_Die *sub, const char *mods, struct dstr *o,
		       int depth)
{
	Dwarf_Die mem, *ret = type_of(sub, &mem), child;
	bool first = true;

	if (!ret)
		dstr_add(o, "void");
	else if (!decl(ret, o, depth + 1))
		return false;
	dstr_addf(o, " (%s) (", mods);
	if (dwarf_child(sub, &child) == 0) {
		do {
			int tag = dwarf_tag(&child);
			if (tag != DW_TAG_formal_parameter &&
			    tag != DW_TAG_unspecified_parameters)
				continue;
			dstr_add(o, first ? "" : ", ");
			first = false;
			if (tag == DW_TAG_unspecified_parameters)
				dstr_add(o, "...");
			else
				param_name(&child, o, depth);
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	dstr_add(o, first ? "void)" : ")");
	return true;
}

static bool decl(Dwarf_Die *die, struct dstr *o, int depth)
{
	struct dstr mods = { 0 };
	Dwarf_Die sub;
	bool is_sub = false, ok;

	ok = base_and_mods(die, &mods, &sub, &is_sub, depth);
	if (ok && is_sub)
		ok = subroutine(&sub, mods.s ? mods.s : "", o, depth);
	else if (ok)
		dstr_add(o, mods.s ? mods.s : "");
	dstr_release(&mods);
	return ok;
}

char *dwi_type_name(Dwarf_Die *type)
{
	struct dstr o = { 0 };

	if (!decl(type, &o, 0)) {
		dstr_release(&o);
		return dbg_xstrdup("<unknown>");
	}
	return dstr_take(&o);
}

char *dwi_die_type(Dwarf_Die *die, Dwarf_Off *type_off)
{
	Dwarf_Die mem, *t = type_of(die, &mem);

	if (type_off)
		*type_off = t ? dwarf_dieoffset(t) : 0;
	return t ? dwi_type_name(t) : dbg_xstrdup("void");
}
