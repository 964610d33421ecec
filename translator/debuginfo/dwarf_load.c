/* Opening a file's DWARF through libdwfl, and the function index.
 *
 * libdwfl is used (rather than dwarf_begin on the file) because it finds
 * separate debuginfo the way distributions install it and relocates ET_REL
 * kernel modules.  Reported offline, an executable or shared library keeps
 * its link-time addresses, so the bias is 0 in practice; it is still
 * applied wherever libdwfl takes addresses. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <dwarf.h>

#include "translator/debuginfo/dwarf_int.h"
#include "translator/debuginfo/util.h"

static char *debuginfo_path;	/* NULL: libdwfl's default search path */

static const Dwfl_Callbacks offline_callbacks = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
	.debuginfo_path = &debuginfo_path,
};

struct dwi *dwi_open(const char *path)
{
	struct dwi *d = dbg_xcalloc(1, sizeof(*d));
	int err = ENODATA;

	d->dwfl = dwfl_begin(&offline_callbacks);
	if (!d->dwfl)
		goto err;
	dwfl_report_begin(d->dwfl);
	d->mod = dwfl_report_offline(d->dwfl, path, path, -1);
	dwfl_report_end(d->dwfl, NULL, NULL);
	if (!d->mod) {
		err = access(path, R_OK) ? errno : ENOEXEC;
		goto err;
	}
	d->dw = dwfl_module_getdwarf(d->mod, &d->bias);
	if (!d->dw)
		goto err;
	return d;
err:
	dwi_close(d);
	errno = err;
	return NULL;
}

void dwi_close(struct dwi *d)
{
	if (!d)
		return;
	sidx_release(&d->by_name);
	free(d->funcs);
	if (d->dwfl)
		dwfl_end(d->dwfl);
	free(d);
}

Dwarf_Die *dwi_cu_of(struct dwi *d, uint64_t pc, Dwarf_Die *cu)
{
	Dwarf_Addr bias;
	Dwarf_Die *r = dwfl_module_addrdie(d->mod, pc + d->bias, &bias);

	if (!r)
		return NULL;
	*cu = *r;
	return cu;
}

/* --- The function index ---------------------------------------------- */

struct walk {
	struct dwi *d;
	size_t cap;
	const char *cu_name;
};

/* Entry and the range holding it; false for DIEs without code. */
static bool code_range(Dwarf_Die *die, struct dwi_func *fn)
{
	Dwarf_Addr entry, base, lo, hi;
	ptrdiff_t off = 0;

	if (dwarf_entrypc(die, &entry) != 0)
		return false;
	fn->entry_pc = entry;
	fn->low_pc = fn->high_pc = entry;
	while ((off = dwarf_ranges(die, off, &base, &lo, &hi)) > 0) {
		if (lo < fn->low_pc)
			fn->low_pc = lo;
		if (entry >= lo && entry < hi)
			fn->high_pc = hi;
	}
	return true;
}

static void add_func(struct walk *w, Dwarf_Die *die, bool inlined)
{
	struct dwi *d = w->d;
	struct dwi_func fn = { 0 };
	Dwarf_Attribute a;
	bool ext = false;

	fn.name = dwarf_diename(die);
	if (!fn.name || !code_range(die, &fn))
		return;
	fn.inlined = inlined;
	fn.decl_file = dwarf_decl_file(die);
	dwarf_decl_line(die, &fn.decl_line);
	fn.cu_name = w->cu_name;
	if (dwarf_formflag(dwarf_attr_integrate(die, DW_AT_external, &a), &ext) == 0)
		fn.external = ext;
	fn.die = dwarf_dieoffset(die);
	if (d->nfuncs == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 256;
		d->funcs = dbg_xreallocarray(d->funcs, w->cap, sizeof(*d->funcs));
	}
	d->funcs[d->nfuncs++] = fn;
}

/* DIEs that can hold functions or inlined instances below them. */
static bool may_hold_code(int tag)
{
	switch (tag) {
	case DW_TAG_subprogram: case DW_TAG_inlined_subroutine:
	case DW_TAG_lexical_block: case DW_TAG_namespace:
	case DW_TAG_structure_type: case DW_TAG_class_type:
		return true;
	default:
		return false;
	}
}

static void walk_children(struct walk *w, Dwarf_Die *parent)
{
	Dwarf_Die child;

	if (dwarf_child(parent, &child) != 0)
		return;
	do {
		int tag = dwarf_tag(&child);
		if (tag == DW_TAG_subprogram)
			add_func(w, &child, false);
		else if (tag == DW_TAG_inlined_subroutine)
			add_func(w, &child, true);
		if (may_hold_code(tag))
			walk_children(w, &child);
	} while (dwarf_siblingof(&child, &child) == 0);
}

static void build_index(struct dwi *d)
{
	struct walk w = { d, 0, NULL };
	Dwarf_Die *cu = NULL;
	Dwarf_Addr bias;

	d->indexed = true;
	while ((cu = dwfl_module_nextcu(d->mod, cu, &bias))) {
		w.cu_name = dwarf_diename(cu);
		walk_children(&w, cu);
	}
	for (size_t i = 0; i < d->nfuncs; i++)
		sidx_add(&d->by_name, d->funcs[i].name, i);
	sidx_finish(&d->by_name);
}

struct glob_state {
	struct dwi *d;
	unsigned which;
	dwi_func_cb cb;
	void *arg;
	int count;
};

static int glob_one(const struct sidx_ent *e, void *arg)
{
	struct glob_state *g = arg;
	const struct dwi_func *fn = &g->d->funcs[e->val];

	if (!(g->which & (fn->inlined ? DWI_INLINE : DWI_CALL)))
		return 0;
	g->count++;
	return g->cb ? g->cb(fn, g->arg) : 0;
}

int dwi_funcs(struct dwi *d, const char *pattern, unsigned which,
	      dwi_func_cb cb, void *arg)
{
	struct glob_state g = { d, which, cb, arg, 0 };
	int r;

	if (!d->indexed)
		build_index(d);
	r = sidx_glob(&d->by_name, pattern, glob_one, &g);
	return r < 0 ? r : g.count;
}

const struct dwi_func *dwi_func(struct dwi *d, const char *name)
{
	const struct dwi_func *best = NULL;
	const struct sidx_ent *e;
	size_t n;

	if (!d->indexed)
		build_index(d);
	e = sidx_find(&d->by_name, name, &n);
	for (size_t i = 0; e && i < n; i++) {
		const struct dwi_func *fn = &d->funcs[e[i].val];
		if (fn->inlined)
			continue;
		if (!best || (fn->external && !best->external))
			best = fn;
	}
	if (!best)
		errno = ENOENT;
	return best;
}

int dwi_prologue_end(struct dwi *d, const struct dwi_func *fn, uint64_t *pc)
{
	Dwarf_Die die;
	Dwarf_Addr *bkpts = NULL;
	int n;

	if (fn->inlined) {
		*pc = fn->entry_pc;
		return 0;
	}
	if (!dwarf_offdie(d->dw, fn->die, &die))
		return -ENOENT;
	n = dwarf_entry_breakpoints(&die, &bkpts);
	*pc = n > 0 ? bkpts[0] : fn->entry_pc;
	free(bkpts);
	return 0;
}

char *dwi_return_type(struct dwi *d, const struct dwi_func *fn)
{
	Dwarf_Die die;
	Dwarf_Attribute a;

	if (!dwarf_offdie(d->dw, fn->die, &die) ||
	    !dwarf_attr_integrate(&die, DW_AT_type, &a))
		return NULL;
	return dwi_die_type(&die, NULL);
}
