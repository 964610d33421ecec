/* PLT stubs, for process().plt probes.
 *
 * ELF does not name PLT entries; the linker emits them in the order of
 * the .rela.plt relocations, one fixed-size stub per relocation after a
 * header.  So stub i of symbol S sits at a per-architecture address
 * computed from i, as objdump's synthetic "S@plt" symbols assume:
 *
 *   x86-64 with .plt.sec (IBT):  .plt.sec + 16 * i
 *   x86-64:                      .plt + 16 * (i + 1)   (16-byte header)
 *   AArch64:                     .plt + 32 + 16 * i    (32-byte header)
 *
 * Other machines report -ENOTSUP rather than guess. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <gelf.h>

#include "translator/debuginfo/elfsym_int.h"
#include "translator/debuginfo/util.h"

#ifndef R_AARCH64_JUMP_SLOT
#define R_AARCH64_JUMP_SLOT 1026
#endif

struct plt_layout {
	uint64_t first;		/* address of stub 0 */
	uint64_t stride;
	unsigned jump_slot;	/* the relocation type naming a stub */
};

static int layout(struct esym_file *f, struct plt_layout *l)
{
	GElf_Shdr sh;

	if (f->info.machine == EM_X86_64) {
		l->stride = 16;
		l->jump_slot = R_X86_64_JUMP_SLOT;
		if (esym_section(f, ".plt.sec", &sh))
			l->first = sh.sh_addr;
		else if (esym_section(f, ".plt", &sh))
			l->first = sh.sh_addr + 16;
		else
			return -ENOENT;
		return 0;
	}
	if (f->info.machine == EM_AARCH64) {
		if (!esym_section(f, ".plt", &sh))
			return -ENOENT;
		l->first = sh.sh_addr + 32;
		l->stride = 16;
		l->jump_slot = R_AARCH64_JUMP_SLOT;
		return 0;
	}
	return -ENOTSUP;
}

static void push_plt(struct esym_file *f, size_t *cap, const char *name,
		     uint64_t addr)
{
	if (f->nplt == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		f->plt = dbg_xreallocarray(f->plt, *cap, sizeof(*f->plt));
	}
	f->plt[f->nplt].name = name;
	f->plt[f->nplt].addr = addr;
	f->nplt++;
}

/* Walk .rela.plt; relocations without a symbol (IRELATIVE) still take a
 * stub, so i counts every relocation. */
static int read_relocs(struct esym_file *f, const struct plt_layout *l)
{
	GElf_Shdr sh, symsh;
	Elf_Scn *scn = esym_section(f, ".rela.plt", &sh), *symscn;
	Elf_Data *d = scn ? elf_getdata(scn, NULL) : NULL, *syms;
	size_t n, cap = 0;

	if (!d || sh.sh_type != SHT_RELA || !sh.sh_entsize)
		return -ENOENT;
	symscn = elf_getscn(f->elf, sh.sh_link);
	syms = symscn ? elf_getdata(symscn, NULL) : NULL;
	if (!syms || !gelf_getshdr(symscn, &symsh))
		return -ENOEXEC;
	n = sh.sh_size / sh.sh_entsize;
	for (size_t i = 0; i < n; i++) {
		GElf_Rela rel;
		GElf_Sym sym;
		const char *name;

		if (!gelf_getrela(d, i, &rel) ||
		    GELF_R_TYPE(rel.r_info) != l->jump_slot ||
		    !gelf_getsym(syms, GELF_R_SYM(rel.r_info), &sym))
			continue;
		name = elf_strptr(f->elf, symsh.sh_link, sym.st_name);
		if (name && *name)
			push_plt(f, &cap, name, l->first + l->stride * i);
	}
	return 0;
}

static void build(struct esym_file *f)
{
	struct plt_layout l;

	f->plt_built = true;
	f->plt_err = layout(f, &l);
	if (!f->plt_err)
		f->plt_err = read_relocs(f, &l);
	if (f->plt_err == -ENOENT)	/* no PLT: an empty list, not an error */
		f->plt_err = 0;
	for (size_t i = 0; i < f->nplt; i++)
		sidx_add(&f->plt_by_name, f->plt[i].name, i);
	sidx_finish(&f->plt_by_name);
}

int esym_plt(struct esym_file *f, const struct esym_plt **entries,
	     size_t *count)
{
	if (!f->plt_built)
		build(f);
	*entries = f->plt;
	*count = f->nplt;
	return f->plt_err;
}

struct glob_state {
	struct esym_file *f;
	esym_plt_cb cb;
	void *arg;
};

static int glob_one(const struct sidx_ent *e, void *arg)
{
	struct glob_state *g = arg;

	return g->cb ? g->cb(&g->f->plt[e->val], g->arg) : 0;
}

int esym_plt_glob(struct esym_file *f, const char *pattern, esym_plt_cb cb,
		  void *arg)
{
	struct glob_state g = { f, cb, arg };

	if (!f->plt_built)
		build(f);
	if (f->plt_err)
		return f->plt_err;
	return sidx_glob(&f->plt_by_name, pattern, glob_one, &g);
}
