// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * object.c - the ELF object of object.h, written with libelf.
 *
 * libelf lays out and writes the file; this code only decides the
 * sections and their contents.  Section order:
 *
 *	1 .strtab   names of sections and symbols (one table for both)
 *	  <prog>... one per section name: programs that share one (two
 *	            probes on one tracepoint, every "uprobe") are placed
 *	            back to back in it, as clang does, since libbpf finds
 *	            .BTF.ext records by section name and offset
 *	  .text     subprograms, if any
 *	  license
 *	  .maps     if there are maps
 *	  .BTF      if there are maps or subprograms
 *	  .BTF.ext  function info, if there are subprograms (funcinfo.c)
 *	  .symtab
 *	  .rel<prog>..., .rel.text   for sections with relocations
 *	  <extra>...  the caller's raw sections, in the order given
 *
 * Symbol indices follow a fixed plan so relocations can be written before
 * the symbol table is: 0 null, then one LOCAL FUNC per subprogram (libbpf
 * wants subprograms static and in .text) and, if there are any, the
 * LOCAL SECTION symbol of .text (what a callback's address is relocated
 * against, as clang does), then one GLOBAL FUNC per program, then one
 * GLOBAL OBJECT per map.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/btf.h>

#include "bpf-backend/funcinfo.h"
#include "bpf-backend/mapdef.h"
#include "bpf-backend/object.h"

/* A string table under construction; offset 0 is the empty string. */
struct strtab {
	char *buf;
	size_t len;
	size_t cap;
};

/* State of one objwrite_fd() call. */
struct objw {
	const struct objbuilder *ob;
	Elf *elf;
	struct strtab str;
	size_t strtab_ndx;
	size_t *prog_ndx;	/* section of each program */
	size_t *prog_off;	/* its byte offset in that section */
	size_t text_ndx;	/* .text, 0 if no subprograms */
	size_t maps_ndx;	/* .maps, 0 if no maps */
	size_t symtab_ndx;
	size_t *sub_off;	/* byte offset of each subprogram in .text */
	size_t *map_off;	/* byte offset of each map in .maps */
	void **owned;		/* section buffers, freed after writing */
	int nowned;
	struct btf *btf;
	void *ext;		/* .BTF.ext, if there are subprograms */
	size_t ext_size;
};

/* Append s; returns its offset, or 0 (the empty name) on -ENOMEM. */
static size_t strtab_add(struct strtab *st, const char *s, int *err)
{
	size_t n = strlen(s) + 1, off;
	char *nbuf;

	if (!st->len)
		n++;			/* room for the leading empty string */
	if (st->len + n > st->cap) {
		nbuf = realloc(st->buf, st->cap * 2 + n);
		if (!nbuf) {
			*err = -ENOMEM;
			return 0;
		}
		st->buf = nbuf;
		st->cap = st->cap * 2 + n;
	}
	if (!st->len)
		st->buf[st->len++] = '\0';
	off = st->len;
	memcpy(st->buf + off, s, strlen(s) + 1);
	st->len += strlen(s) + 1;
	return off;
}

/* A zeroed buffer that lives until the file is written. */
static void *objw_alloc(struct objw *w, size_t size)
{
	void **nowned = realloc(w->owned, (w->nowned + 1) * sizeof(*nowned));
	void *p;

	if (!nowned)
		return NULL;
	w->owned = nowned;
	p = calloc(1, size ? size : 1);
	if (p)
		w->owned[w->nowned++] = p;
	return p;
}

struct scn_spec {
	const char *name;
	Elf64_Word type;
	Elf64_Xword flags;
	void *buf;
	size_t size;
	size_t align;
	size_t entsize;
	Elf_Type dtype;
	Elf64_Word link;
	Elf64_Word info;
};

/* Add one section with one data block; returns its index or 0. */
static size_t add_scn(struct objw *w, const struct scn_spec *s, int *err)
{
	Elf_Scn *scn = elf_newscn(w->elf);
	Elf_Data *data = scn ? elf_newdata(scn) : NULL;
	GElf_Shdr sh;

	if (!data || !gelf_getshdr(scn, &sh)) {
		*err = -EIO;
		return 0;
	}
	data->d_buf = s->buf;
	data->d_size = s->size;
	data->d_type = s->dtype;
	data->d_align = s->align;
	data->d_version = EV_CURRENT;
	sh.sh_name = strtab_add(&w->str, s->name, err);
	sh.sh_type = s->type;
	sh.sh_flags = s->flags;
	sh.sh_addralign = s->align;
	sh.sh_entsize = s->entsize;
	sh.sh_link = s->link;
	sh.sh_info = s->info;
	if (!gelf_update_shdr(scn, &sh))
		*err = -EIO;
	return elf_ndxscn(scn);
}

static int write_ehdr(struct objw *w)
{
	GElf_Ehdr eh;
	int one = 1;

	if (!gelf_newehdr(w->elf, ELFCLASS64) || !gelf_getehdr(w->elf, &eh))
		return -EIO;
	/* libbpf refuses an object whose byte order is not the host's */
	eh.e_ident[EI_DATA] = *(char *)&one ? ELFDATA2LSB : ELFDATA2MSB;
	eh.e_type = ET_REL;
	eh.e_machine = EM_BPF;
	eh.e_version = EV_CURRENT;
	return gelf_update_ehdr(w->elf, &eh) ? 0 : -EIO;
}

/*
 * Rewrite relocated instructions as clang leaves them, for libbpf: a map
 * load is a plain "r = 0 ll", a subprogram call has imm -1 so that the
 * target is exactly the symbol's offset, a callback's address keeps
 * BPF_PSEUDO_FUNC with its byte offset in .text (relocated against the
 * section symbol).
 */
static void patch_relocs(const struct objw *w, struct bpf_insn *insns,
			 const struct objprog *p)
{
	const struct insn_reloc *r;
	int i;

	for (i = 0; i < p->nrelocs; i++) {
		r = &p->relocs[i];
		if (r->kind == INSN_RELOC_MAP) {
			insns[r->insn].src_reg = 0;
			insns[r->insn].imm = 0;
			insns[r->insn + 1].imm = 0;
		} else if (r->kind == INSN_RELOC_FUNC) {
			insns[r->insn].imm = (__s32)w->sub_off[r->target];
			insns[r->insn + 1].imm = 0;
		} else {
			insns[r->insn].imm = -1;
		}
	}
}

/* Copy p's instructions to dst and patch them; dst has room. */
static void place_code(const struct objw *w, struct bpf_insn *dst,
		       const struct objprog *p)
{
	memcpy(dst, p->insns, p->len * sizeof(*dst));
	patch_relocs(w, dst, p);
}

/* The first program placed in program i's section */
static int first_of_section(const struct objbuilder *ob, int i)
{
	int j;

	for (j = 0; j < i; j++)
		if (!strcmp(ob->progs[j].section, ob->progs[i].section))
			return j;
	return i;
}

static int add_prog_scns(struct objw *w)
{
	const struct objbuilder *ob = w->ob;
	struct scn_spec s = {
		.type = SHT_PROGBITS, .flags = SHF_ALLOC | SHF_EXECINSTR,
		.align = 8, .dtype = ELF_T_BYTE,
	};
	int i, j, err = 0;
	size_t ndx;

	for (i = 0; i < ob->nprogs && !err; i++) {
		if (first_of_section(ob, i) != i)
			continue;
		s.name = ob->progs[i].section;
		s.size = 0;
		for (j = i; j < ob->nprogs; j++)
			if (!strcmp(ob->progs[j].section, s.name)) {
				w->prog_off[j] = s.size;
				s.size += ob->progs[j].len * sizeof(struct bpf_insn);
			}
		s.buf = objw_alloc(w, s.size);
		if (!s.buf)
			return -ENOMEM;
		for (j = i; j < ob->nprogs; j++)
			if (!strcmp(ob->progs[j].section, s.name))
				place_code(w, (struct bpf_insn *)s.buf +
					   w->prog_off[j] / 8, &ob->progs[j]);
		ndx = add_scn(w, &s, &err);
		for (j = i; j < ob->nprogs; j++)
			if (!strcmp(ob->progs[j].section, s.name))
				w->prog_ndx[j] = ndx;
	}
	return err;
}

/* All subprograms back to back in .text. */
static int add_text_scn(struct objw *w)
{
	const struct objbuilder *ob = w->ob;
	struct scn_spec s = {
		.name = ".text", .type = SHT_PROGBITS,
		.flags = SHF_ALLOC | SHF_EXECINSTR, .align = 8,
		.dtype = ELF_T_BYTE,
	};
	struct bpf_insn *code;
	int i, err = 0;

	if (!ob->nsubprogs)
		return 0;
	for (i = 0; i < ob->nsubprogs; i++)
		s.size += ob->subprogs[i].len * sizeof(struct bpf_insn);
	s.buf = objw_alloc(w, s.size);
	if (!s.buf)
		return -ENOMEM;
	code = s.buf;
	for (i = 0; i < ob->nsubprogs; i++)
		place_code(w, code + w->sub_off[i] / sizeof(*code),
			   &ob->subprogs[i]);
	w->text_ndx = add_scn(w, &s, &err);
	return err;
}

static int add_license_scn(struct objw *w)
{
	struct scn_spec s = {
		.name = "license", .type = SHT_PROGBITS,
		.flags = SHF_ALLOC | SHF_WRITE, .align = 1,
		.dtype = ELF_T_BYTE,
	};
	int err = 0;

	s.size = strlen(w->ob->license) + 1;
	s.buf = objw_alloc(w, s.size);
	if (!s.buf)
		return -ENOMEM;
	memcpy(s.buf, w->ob->license, s.size);
	add_scn(w, &s, &err);
	return err;
}

/* .maps holds zeros; the definitions are in the BTF. */
static int add_maps_scn(struct objw *w)
{
	struct scn_spec s = {
		.name = ".maps", .type = SHT_PROGBITS,
		.flags = SHF_ALLOC | SHF_WRITE, .align = 8,
		.dtype = ELF_T_BYTE,
	};
	int i, err = 0;

	for (i = 0; i < w->ob->nmaps; i++) {
		w->map_off[i] = s.size;
		s.size += mapdef_size(&w->ob->maps[i]);
	}
	s.buf = objw_alloc(w, s.size);
	if (!s.buf)
		return -ENOMEM;
	w->maps_ndx = add_scn(w, &s, &err);
	return err;
}

static int add_btf_scn(struct objw *w)
{
	struct scn_spec s = {
		.name = ".BTF", .type = SHT_PROGBITS, .align = 4,
		.dtype = ELF_T_BYTE,
	};
	const void *raw;
	__u32 size;
	int err;

	w->btf = btf__new_empty();
	if (!w->btf)
		return -errno;
	err = mapdef_add_btf(w->btf, w->ob->maps, w->ob->nmaps);
	if (!err && w->ob->nsubprogs)
		err = funcinfo_build(w->btf, w->ob, w->prog_off, w->sub_off,
				     &w->ext, &w->ext_size);
	if (err)
		return err;
	raw = btf__raw_data(w->btf, &size);
	if (!raw)
		return -ENOMEM;
	s.buf = (void *)raw;
	s.size = size;
	err = 0;
	add_scn(w, &s, &err);
	if (!err && w->ext) {
		s.name = ".BTF.ext";
		s.buf = w->ext;
		s.size = w->ext_size;
		add_scn(w, &s, &err);
	}
	return err;
}

static int add_maps(struct objw *w)
{
	int err = 0;

	if (w->ob->nmaps)
		err = add_maps_scn(w);
	if (!err && (w->ob->nmaps || w->ob->nsubprogs))
		err = add_btf_scn(w);
	return err;
}

static Elf64_Sym make_sym(size_t name, int bind, int type, size_t shndx,
			  size_t value, size_t size)
{
	Elf64_Sym sym = {
		.st_name = name,
		.st_info = ELF64_ST_INFO(bind, type),
		.st_other = STV_DEFAULT,
		.st_shndx = shndx,
		.st_value = value,
		.st_size = size,
	};
	return sym;
}

/* The null symbol, the subprograms and .text's section symbol */
static int nlocal_syms(const struct objbuilder *ob)
{
	return 1 + ob->nsubprogs + (ob->nsubprogs > 0);
}

/* Symbols in the order the file comment gives. */
static int fill_syms(struct objw *w, Elf64_Sym *sym)
{
	const struct objbuilder *ob = w->ob;
	int i, n = 1, err = 0;
	size_t name;

	for (i = 0; i < ob->nsubprogs; i++) {
		name = strtab_add(&w->str, ob->subprogs[i].name, &err);
		sym[n++] = make_sym(name, STB_LOCAL, STT_FUNC, w->text_ndx,
				    w->sub_off[i], ob->subprogs[i].len * 8);
	}
	if (ob->nsubprogs)
		sym[n++] = make_sym(0, STB_LOCAL, STT_SECTION, w->text_ndx, 0, 0);
	for (i = 0; i < ob->nprogs; i++) {
		name = strtab_add(&w->str, ob->progs[i].name, &err);
		sym[n++] = make_sym(name, STB_GLOBAL, STT_FUNC, w->prog_ndx[i],
				    w->prog_off[i], ob->progs[i].len * 8);
	}
	for (i = 0; i < ob->nmaps; i++) {
		name = strtab_add(&w->str, ob->maps[i].name, &err);
		sym[n++] = make_sym(name, STB_GLOBAL, STT_OBJECT, w->maps_ndx,
				    w->map_off[i], mapdef_size(&ob->maps[i]));
	}
	return err;
}

static int add_symtab_scn(struct objw *w)
{
	const struct objbuilder *ob = w->ob;
	int nsyms = nlocal_syms(ob) + ob->nprogs + ob->nmaps, err;
	struct scn_spec s = {
		.name = ".symtab", .type = SHT_SYMTAB, .align = 8,
		.entsize = sizeof(Elf64_Sym), .dtype = ELF_T_SYM,
		.link = w->strtab_ndx,
		.info = nlocal_syms(ob),	/* first non-local symbol */
	};

	s.size = nsyms * sizeof(Elf64_Sym);
	s.buf = objw_alloc(w, s.size);
	if (!s.buf)
		return -ENOMEM;
	err = fill_syms(w, s.buf);
	if (err)
		return err;
	w->symtab_ndx = add_scn(w, &s, &err);
	return err;
}

/* The symbol a relocation refers to, per the fixed plan. */
static int reloc_sym(const struct objbuilder *ob, const struct insn_reloc *r)
{
	if (r->kind == INSN_RELOC_CALL)
		return 1 + r->target;
	if (r->kind == INSN_RELOC_FUNC)
		return 1 + ob->nsubprogs;
	return nlocal_syms(ob) + ob->nprogs + r->target;
}

/*
 * .rel<name> for the code of p placed at byte base of section ndx.
 * Sections without relocations get none.
 */
static int add_rel_scn(struct objw *w, const struct objprog *p,
		       const char *name, size_t ndx, size_t base)
{
	struct scn_spec s = {
		.type = SHT_REL, .align = 8, .entsize = sizeof(Elf64_Rel),
		.dtype = ELF_T_REL, .link = w->symtab_ndx, .info = ndx,
	};
	char *relname;
	Elf64_Rel *rel;
	int i, err = 0, type;

	if (!p->nrelocs)
		return 0;
	relname = objw_alloc(w, strlen(".rel") + strlen(name) + 1);
	if (!relname)
		return -ENOMEM;
	strcat(strcpy(relname, ".rel"), name);
	s.name = relname;
	s.size = p->nrelocs * sizeof(*rel);
	rel = s.buf = objw_alloc(w, s.size);
	if (!rel)
		return -ENOMEM;
	for (i = 0; i < p->nrelocs; i++) {
		type = p->relocs[i].kind == INSN_RELOC_CALL ? R_BPF_64_32 :
							     R_BPF_64_64;
		rel[i].r_offset = base + p->relocs[i].insn * 8;
		rel[i].r_info = ELF64_R_INFO(reloc_sym(w->ob, &p->relocs[i]),
					     type);
	}
	add_scn(w, &s, &err);
	return err;
}

/*
 * All subprograms share .text, so their relocations share .rel.text:
 * merge them into one list with offsets from the start of .text.
 */
static int add_text_rel_scn(struct objw *w)
{
	const struct objbuilder *ob = w->ob;
	struct insn_reloc *all;
	struct objprog text = { .name = ".text" };
	int i, j, n = 0, err;

	for (i = 0; i < ob->nsubprogs; i++)
		text.nrelocs += ob->subprogs[i].nrelocs;
	if (!text.nrelocs)
		return 0;
	all = calloc(text.nrelocs, sizeof(*all));
	if (!all)
		return -ENOMEM;
	for (i = 0; i < ob->nsubprogs; i++)
		for (j = 0; j < ob->subprogs[i].nrelocs; j++) {
			all[n] = ob->subprogs[i].relocs[j];
			all[n++].insn += w->sub_off[i] / 8;
		}
	text.relocs = all;
	err = add_rel_scn(w, &text, ".text", w->text_ndx, 0);
	free(all);
	return err;
}

/* The relocations of every program in program i's section */
static int add_prog_rel_scn(struct objw *w, int i)
{
	const struct objbuilder *ob = w->ob;
	const char *name = ob->progs[i].section;
	struct objprog sec = { .name = name };
	struct insn_reloc *all;
	int j, k, n = 0, err;

	for (j = i; j < ob->nprogs; j++)
		if (!strcmp(ob->progs[j].section, name))
			sec.nrelocs += ob->progs[j].nrelocs;
	if (!sec.nrelocs)
		return 0;
	all = calloc(sec.nrelocs, sizeof(*all));
	if (!all)
		return -ENOMEM;
	for (j = i; j < ob->nprogs; j++)
		for (k = 0; !strcmp(ob->progs[j].section, name) &&
			    k < ob->progs[j].nrelocs; k++) {
			all[n] = ob->progs[j].relocs[k];
			all[n++].insn += w->prog_off[j] / 8;
		}
	sec.relocs = all;
	err = add_rel_scn(w, &sec, name, w->prog_ndx[i], 0);
	free(all);
	return err;
}

static int add_rel_scns(struct objw *w)
{
	int i, err = 0;

	for (i = 0; i < w->ob->nprogs && !err; i++)
		if (first_of_section(w->ob, i) == i)
			err = add_prog_rel_scn(w, i);
	return err ? err : add_text_rel_scn(w);
}

/* The caller's raw sections: data only, never loaded. */
static int add_extra_scns(struct objw *w)
{
	struct scn_spec s = {
		.type = SHT_PROGBITS, .align = 1, .dtype = ELF_T_BYTE,
	};
	int i, err = 0;

	for (i = 0; i < w->ob->nsections && !err; i++) {
		s.name = w->ob->sections[i].name;
		s.size = w->ob->sections[i].size;
		s.buf = objw_alloc(w, s.size);
		if (!s.buf)
			return -ENOMEM;
		if (s.size)
			memcpy(s.buf, w->ob->sections[i].data, s.size);
		add_scn(w, &s, &err);
	}
	return err;
}

/* Created first for its index; filled last, when every name is in. */
static int add_strtab_scn(struct objw *w)
{
	struct scn_spec s = {
		.name = ".strtab", .type = SHT_STRTAB, .align = 1,
		.dtype = ELF_T_BYTE,
	};
	int err = 0;

	w->strtab_ndx = add_scn(w, &s, &err);
	return err;
}

static int finish_strtab(struct objw *w)
{
	Elf_Scn *scn = elf_getscn(w->elf, w->strtab_ndx);
	Elf_Data *data = scn ? elf_getdata(scn, NULL) : NULL;
	GElf_Ehdr eh;

	if (!data || !gelf_getehdr(w->elf, &eh))
		return -EIO;
	data->d_buf = w->str.buf;
	data->d_size = w->str.len;
	eh.e_shstrndx = w->strtab_ndx;
	return gelf_update_ehdr(w->elf, &eh) ? 0 : -EIO;
}

static int add_all(struct objw *w)
{
	int (*const steps[])(struct objw *) = {
		write_ehdr, add_strtab_scn, add_prog_scns, add_text_scn,
		add_license_scn, add_maps, add_symtab_scn, add_rel_scns,
		add_extra_scns, finish_strtab,
	};
	int i, err = 0;

	for (i = 0; i < (int)(sizeof(steps) / sizeof(steps[0])) && !err; i++)
		err = steps[i](w);
	return err;
}

static int objw_init(struct objw *w, const struct objbuilder *ob, int fd)
{
	int i;

	memset(w, 0, sizeof(*w));
	w->ob = ob;
	w->prog_ndx = calloc(ob->nprogs + 1, sizeof(*w->prog_ndx));
	w->prog_off = calloc(ob->nprogs + 1, sizeof(*w->prog_off));
	w->sub_off = calloc(ob->nsubprogs + 1, sizeof(*w->sub_off));
	w->map_off = calloc(ob->nmaps + 1, sizeof(*w->map_off));
	if (!w->prog_ndx || !w->prog_off || !w->sub_off || !w->map_off)
		return -ENOMEM;
	/* known before any code is placed: callbacks' addresses need them */
	for (i = 1; i < ob->nsubprogs; i++)
		w->sub_off[i] = w->sub_off[i - 1] +
				ob->subprogs[i - 1].len * sizeof(struct bpf_insn);
	w->elf = elf_begin(fd, ELF_C_WRITE, NULL);
	return w->elf ? 0 : -EIO;
}

static void objw_release(struct objw *w)
{
	int i;

	if (w->elf)
		elf_end(w->elf);
	for (i = 0; i < w->nowned; i++)
		free(w->owned[i]);
	free(w->owned);
	free(w->str.buf);
	free(w->prog_ndx);
	free(w->prog_off);
	free(w->sub_off);
	free(w->map_off);
	free(w->ext);
	btf__free(w->btf);
}

/* A C identifier: the kernel rejects BTF variables named otherwise. */
static int is_ident(const char *s)
{
	const char *p;

	if (!s || !*s || (*s >= '0' && *s <= '9'))
		return 0;
	for (p = s; *p; p++)
		if (!(*p == '_' || (*p >= 'a' && *p <= 'z') ||
		      (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
			return 0;
	return 1;
}

/* Does relocation r fit the instruction it sits on and the builder? */
static int reloc_ok(const struct objbuilder *ob, const struct objprog *p,
		    const struct insn_reloc *r)
{
	const struct bpf_insn *in;

	if (r->insn < 0 || r->insn >= p->len)
		return 0;
	in = &p->insns[r->insn];
	if (r->kind == INSN_RELOC_MAP)
		return r->target >= 0 && r->target < ob->nmaps &&
		       insn_is_ld_imm64(in) && r->insn + 1 < p->len;
	if (r->kind == INSN_RELOC_FUNC)
		return r->target >= 0 && r->target < ob->nsubprogs &&
		       insn_is_ld_imm64(in) && in->src_reg == BPF_PSEUDO_FUNC &&
		       r->insn + 1 < p->len;
	return r->kind == INSN_RELOC_CALL &&
	       r->target >= 0 && r->target < ob->nsubprogs &&
	       in->code == (BPF_JMP | BPF_CALL) &&
	       in->src_reg == BPF_PSEUDO_CALL;
}

static int prog_ok(const struct objbuilder *ob, const struct objprog *p,
		   int need_section)
{
	int i;

	if (!p->name || !*p->name || !p->insns || p->len <= 0 ||
	    (need_section && (!p->section || !*p->section)))
		return 0;
	for (i = 0; i < p->nrelocs; i++)
		if (!reloc_ok(ob, p, &p->relocs[i]))
			return 0;
	return 1;
}

/* A raw section needs a name no other section of ours can have. */
static int section_ok(const struct objsection *s)
{
	return s->name && s->name[0] == '.' && s->name[1] &&
	       strncmp(s->name, ".rel", 4) && strcmp(s->name, ".text") &&
	       strcmp(s->name, ".maps") && strcmp(s->name, ".BTF") &&
	       strcmp(s->name, ".BTF.ext") &&
	       strcmp(s->name, ".symtab") && strcmp(s->name, ".strtab") &&
	       (s->data || !s->size);
}

static int builder_ok(const struct objbuilder *ob)
{
	int i, j;

	if (!ob->license || ob->nprogs < 0 || ob->nsubprogs < 0 ||
	    ob->nmaps < 0 || ob->nsections < 0 ||
	    (ob->nsections && !ob->sections))
		return 0;
	for (i = 0; i < ob->nsections; i++)
		if (!section_ok(&ob->sections[i]))
			return 0;
	for (i = 0; i < ob->nprogs; i++)
		if (!prog_ok(ob, &ob->progs[i], 1))
			return 0;
	for (i = 0; i < ob->nsubprogs; i++)
		if (!prog_ok(ob, &ob->subprogs[i], 0))
			return 0;
	for (i = 0; i < ob->nmaps; i++) {
		if (!is_ident(ob->maps[i].name))
			return 0;
		for (j = 0; j < i; j++)
			if (!strcmp(ob->maps[i].name, ob->maps[j].name))
				return 0;
	}
	return 1;
}

int objwrite_fd(const struct objbuilder *ob, int fd)
{
	struct objw w;
	int err;

	if (!builder_ok(ob))
		return -EINVAL;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -EIO;
	err = objw_init(&w, ob, fd);
	if (!err)
		err = add_all(&w);
	if (!err && elf_update(w.elf, ELF_C_WRITE) < 0)
		err = -EIO;
	objw_release(&w);
	return err;
}

int objwrite_file(const struct objbuilder *ob, const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int err;

	if (fd < 0)
		return -errno;
	err = objwrite_fd(ob, fd);
	if (close(fd) && !err)
		err = -errno;
	return err;
}

/* Read all of fd from its start into a new buffer. */
static int slurp(int fd, void **buf, size_t *size)
{
	struct stat st;
	ssize_t n;

	if (fstat(fd, &st) || lseek(fd, 0, SEEK_SET) < 0)
		return -errno;
	*buf = malloc(st.st_size ? st.st_size : 1);
	if (!*buf)
		return -ENOMEM;
	n = pread(fd, *buf, st.st_size, 0);
	if (n != st.st_size) {
		free(*buf);
		*buf = NULL;
		return n < 0 ? -errno : -EIO;
	}
	*size = st.st_size;
	return 0;
}

/* libelf writes only to files, so go through an anonymous one. */
int objwrite_mem(const struct objbuilder *ob, void **buf, size_t *size)
{
	int fd = memfd_create("sonde-bpf-object", MFD_CLOEXEC);
	int err;

	if (fd < 0)
		return -errno;
	err = objwrite_fd(ob, fd);
	if (!err)
		err = slurp(fd, buf, size);
	close(fd);
	return err;
}
