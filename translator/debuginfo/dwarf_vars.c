/* Parameters and locals visible at a pc, with their location expressions
 * at that pc: what $var resolution and stap -L need.
 *
 * libdw's dwarf_getscopes() gives the nested scopes holding the pc,
 * innermost first.  The variables are the children of those scopes up to
 * the first function-like scope (a subprogram or an inlined instance):
 * a caller's locals are not visible inside an inlined callee, and CU
 * globals are @var's business, not $var's. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <dwarf.h>

#include "translator/debuginfo/dwarf_int.h"
#include "translator/debuginfo/util.h"

static bool is_function_scope(Dwarf_Die *die)
{
	int tag = dwarf_tag(die);

	return tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine;
}

/* Evaluate the location attribute 'name' of die at pc into loc. */
static void get_loc(Dwarf_Die *die, unsigned name, uint64_t pc,
		    struct dwi_loc *loc)
{
	Dwarf_Attribute a;
	Dwarf_Op *expr;
	size_t len;
	int form;

	memset(loc, 0, sizeof(*loc));
	if (!dwarf_attr_integrate(die, name, &a))
		return;
	loc->present = true;
	form = dwarf_whatform(&a);
	loc->is_loclist = form == DW_FORM_sec_offset ||
			  form == DW_FORM_loclistx ||
			  form == DW_FORM_data4 || form == DW_FORM_data8;
	if (dwarf_getlocation_addr(&a, pc, &expr, &len, 1) != 1)
		return;
	loc->available = true;
	loc->nops = len;
	loc->ops = dbg_xcalloc(len, sizeof(*loc->ops));
	memcpy(loc->ops, expr, len * sizeof(*expr));
}

static void get_const(Dwarf_Die *die, struct dwi_var *v)
{
	Dwarf_Attribute a;
	Dwarf_Sword s;

	if (!dwarf_attr_integrate(die, DW_AT_const_value, &a))
		return;
	v->has_const_value = true;
	if (dwarf_formsdata(&a, &s) == 0)
		v->const_value = s;
}

static void push_var(struct dwi_vars *vs, size_t *cap, Dwarf_Die *die,
		     int scope, uint64_t pc)
{
	struct dwi_var *v;
	const char *name = dwarf_diename(die);

	if (!name)
		return;
	if (vs->n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		vs->v = dbg_xreallocarray(vs->v, *cap, sizeof(*vs->v));
	}
	v = &vs->v[vs->n++];
	memset(v, 0, sizeof(*v));
	v->name = dbg_xstrdup(name);
	v->type = dwi_die_type(die, &v->type_die);
	{
		Dwarf_Attribute a;
		Dwarf_Die tmem, *t = dwarf_formref_die(
			dwarf_attr_integrate(die, DW_AT_type, &a), &tmem);

		dwi_scalar_of_type(t, &v->val);
	}
	v->is_param = dwarf_tag(die) == DW_TAG_formal_parameter;
	dwarf_decl_line(die, &v->decl_line);
	v->scope = scope;
	get_loc(die, DW_AT_location, pc, &v->loc);
	get_const(die, v);
}

static void scope_vars(struct dwi_vars *vs, size_t *cap, Dwarf_Die *scope,
		       int depth, uint64_t pc)
{
	Dwarf_Die child;

	if (dwarf_child(scope, &child) != 0)
		return;
	do {
		int tag = dwarf_tag(&child);
		if (tag == DW_TAG_formal_parameter || tag == DW_TAG_variable)
			push_var(vs, cap, &child, depth, pc);
	} while (dwarf_siblingof(&child, &child) == 0);
}

/* The frame base comes from the real (out-of-line) subprogram, which for
 * an inlined instance is further out in the scope list. */
static void frame_base(Dwarf_Die *scopes, int n, uint64_t pc,
		       struct dwi_loc *loc)
{
	for (int i = 0; i < n; i++)
		if (dwarf_tag(&scopes[i]) == DW_TAG_subprogram) {
			get_loc(&scopes[i], DW_AT_frame_base, pc, loc);
			return;
		}
}

static bool has_die(Dwarf_Die *scopes, int n, Dwarf_Off off)
{
	for (int i = 0; i < n; i++)
		if (dwarf_dieoffset(&scopes[i]) == off)
			return true;
	return false;
}

/* The scopes to list: those holding pc up to the first function-like
 * one.  When fn is given but pc lies outside it (an inlined instance with
 * an empty range), fn's own DIE and its parents instead.  Returns how
 * many of *scopes to list (from index 0); *n is the full length, for the
 * frame base search. */
static int pick_scopes(struct dwi *d, const struct dwi_func *fn, uint64_t pc,
		       Dwarf_Die **scopes, int *n)
{
	Dwarf_Die cu, die;
	int i;

	*scopes = NULL;
	*n = dwi_cu_of(d, pc, &cu) ? dwarf_getscopes(&cu, pc, scopes) : 0;
	for (i = 0; i < *n && !is_function_scope(&(*scopes)[i]); i++)
		;
	if (i < *n && (!fn || has_die(*scopes, *n, fn->die)))
		return i + 1;
	free(*scopes);
	*scopes = NULL;
	if (!fn || !dwarf_offdie(d->dw, fn->die, &die))
		return 0;
	*n = dwarf_getscopes_die(&die, scopes);
	return *n > 0 ? 1 : 0;
}

struct dwi_vars *dwi_vars_at(struct dwi *d, const struct dwi_func *fn,
			     uint64_t pc)
{
	Dwarf_Die *scopes;
	struct dwi_vars *vs;
	size_t cap = 0;
	int n, use = pick_scopes(d, fn, pc, &scopes, &n);

	if (use <= 0) {
		free(scopes);
		errno = ENOENT;
		return NULL;
	}
	vs = dbg_xcalloc(1, sizeof(*vs));
	vs->pc = pc;
	for (int s = 0; s < use; s++)
		scope_vars(vs, &cap, &scopes[s], s, pc);
	frame_base(scopes, n, pc, &vs->frame_base);
	if (vs->frame_base.available && vs->frame_base.nops == 1 &&
	    vs->frame_base.ops[0].atom == DW_OP_call_frame_cfa)
		dwi_cfa_at(d, pc, &vs->cfa);
	free(scopes);
	return vs;
}

void dwi_vars_free(struct dwi_vars *vs)
{
	if (!vs)
		return;
	for (size_t i = 0; i < vs->n; i++) {
		free(vs->v[i].name);
		free(vs->v[i].type);
		free(vs->v[i].loc.ops);
	}
	free(vs->v);
	free(vs->frame_base.ops);
	free(vs->cfa.ops);
	free(vs);
}
