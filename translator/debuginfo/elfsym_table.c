/* The merged .symtab/.dynsym symbol table: lookup by name, glob, and
 * address -> containing function.
 *
 * A non-stripped file lists each global twice (.symtab and .dynsym); a
 * stripped one has only .dynsym.  Both are read and merged on the first
 * query, keeping one entry per (name, address) with where it was seen. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <gelf.h>

#include "translator/debuginfo/elfsym_int.h"
#include "translator/debuginfo/util.h"

static unsigned kind_bit(int stt)
{
	switch (stt) {
	case STT_FUNC: case STT_GNU_IFUNC: return ESYM_FUNC;
	case STT_OBJECT: case STT_TLS: return ESYM_OBJECT;
	default: return 0;
	}
}

static void push_sym(struct esym_file *f, size_t *cap, const struct esym *s)
{
	if (f->nsyms == *cap) {
		*cap = *cap ? *cap * 2 : 1024;
		f->syms = dbg_xreallocarray(f->syms, *cap, sizeof(*f->syms));
	}
	f->syms[f->nsyms++] = *s;
}

/* Append the defined function/object symbols of one symbol table. */
static void read_symtab(struct esym_file *f, Elf_Scn *scn, const GElf_Shdr *sh,
			size_t *cap)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	size_t n = sh->sh_entsize ? sh->sh_size / sh->sh_entsize : 0;
	bool dyn = sh->sh_type == SHT_DYNSYM;

	for (size_t i = 1; d && i < n; i++) {
		GElf_Sym sym;
		struct esym s = { 0 };

		if (!gelf_getsym(d, i, &sym) || sym.st_shndx == SHN_UNDEF ||
		    !kind_bit(GELF_ST_TYPE(sym.st_info)))
			continue;
		s.name = elf_strptr(f->elf, sh->sh_link, sym.st_name);
		if (!s.name || !*s.name)
			continue;
		s.addr = sym.st_value;
		s.size = sym.st_size;
		s.type = GELF_ST_TYPE(sym.st_info);
		s.bind = GELF_ST_BIND(sym.st_info);
		s.other = sym.st_other;
		s.shndx = sym.st_shndx;
		s.in_symtab = !dyn;
		s.in_dynsym = dyn;
		push_sym(f, cap, &s);
	}
}

/* After sorting by (name, index), symtab and dynsym copies of one symbol
 * are neighbours only by name; fold entries with equal name and address
 * into the first and drop the rest from the index. */
static void merge_duplicates(struct esym_file *f)
{
	struct sidx *ix = &f->by_name;
	size_t out = 0;

	for (size_t i = 0; i < ix->n; i++) {
		struct esym *s = &f->syms[ix->v[i].val];
		bool dup = false;

		for (size_t j = out; j-- > 0 && strcmp(ix->v[j].name, s->name) == 0;) {
			struct esym *keep = &f->syms[ix->v[j].val];
			if (keep->addr == s->addr && keep->type == s->type) {
				keep->in_symtab |= s->in_symtab;
				keep->in_dynsym |= s->in_dynsym;
				dup = true;
				break;
			}
		}
		if (!dup)
			ix->v[out++] = ix->v[i];
	}
	ix->n = out;
}

static int addr_cmp(const void *a, const void *b)
{
	const struct esym *x = *(const struct esym *const *)a;
	const struct esym *y = *(const struct esym *const *)b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return (y->size > x->size) - (y->size < x->size);	/* largest first */
}

static void build_addr_index(struct esym_file *f)
{
	f->by_addr = dbg_xcalloc(f->by_name.n, sizeof(*f->by_addr));
	for (size_t i = 0; i < f->by_name.n; i++) {
		struct esym *s = &f->syms[f->by_name.v[i].val];
		if (kind_bit(s->type) == ESYM_FUNC)
			f->by_addr[f->nby_addr++] = s;
	}
	qsort(f->by_addr, f->nby_addr, sizeof(*f->by_addr), addr_cmp);
}

static void build(struct esym_file *f)
{
	Elf_Scn *scn = NULL;
	size_t cap = 0;
	GElf_Shdr sh;

	f->syms_built = true;
	while ((scn = elf_nextscn(f->elf, scn)))
		if (gelf_getshdr(scn, &sh) &&
		    (sh.sh_type == SHT_SYMTAB || sh.sh_type == SHT_DYNSYM))
			read_symtab(f, scn, &sh, &cap);
	for (size_t i = 0; i < f->nsyms; i++)
		sidx_add(&f->by_name, f->syms[i].name, i);
	sidx_finish(&f->by_name);
	merge_duplicates(f);
	build_addr_index(f);
}

static void ensure_built(struct esym_file *f)
{
	if (!f->syms_built)
		build(f);
}

const struct esym *esym_lookup(struct esym_file *f, const char *name,
			       unsigned kinds, size_t *count)
{
	const struct sidx_ent *e;
	const struct esym *first = NULL;
	size_t n, found = 0;

	ensure_built(f);
	e = sidx_find(&f->by_name, name, &n);
	/* Entries of one name are contiguous in the index, but the wanted
	 * kinds need not be contiguous in syms[]; return the first match
	 * and count them. */
	for (size_t i = 0; e && i < n; i++) {
		const struct esym *s = &f->syms[e[i].val];
		if (!(kind_bit(s->type) & kinds))
			continue;
		if (!found++)
			first = s;
	}
	if (count)
		*count = found;
	return first;
}

struct glob_state {
	struct esym_file *f;
	unsigned kinds;
	esym_cb cb;
	void *arg;
	int count;
};

static int glob_one(const struct sidx_ent *e, void *arg)
{
	struct glob_state *g = arg;
	const struct esym *s = &g->f->syms[e->val];

	if (!(kind_bit(s->type) & g->kinds))
		return 0;
	g->count++;
	return g->cb ? g->cb(s, g->arg) : 0;
}

int esym_glob(struct esym_file *f, const char *pattern, unsigned kinds,
	      esym_cb cb, void *arg)
{
	struct glob_state g = { f, kinds, cb, arg, 0 };
	int r;

	ensure_built(f);
	r = sidx_glob(&f->by_name, pattern, glob_one, &g);
	return r < 0 ? r : g.count;
}

const struct esym *esym_by_addr(struct esym_file *f, uint64_t addr,
				uint64_t *offset)
{
	size_t lo = 0, hi, i;
	const struct esym *s;

	ensure_built(f);
	hi = f->nby_addr;
	while (lo < hi) {		/* first symbol above addr */
		size_t mid = lo + (hi - lo) / 2;
		if (f->by_addr[mid]->addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	/* Among symbols at one address the largest sorts first: take it. */
	for (i = lo - 1; i > 0 && f->by_addr[i - 1]->addr == f->by_addr[i]->addr;)
		i--;
	s = f->by_addr[i];
	if (s->size && addr >= s->addr + s->size)
		return NULL;
	if (offset)
		*offset = addr - s->addr;
	return s;
}
