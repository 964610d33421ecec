/* Opening an ELF file with libelf; its header facts, program headers and
 * the vaddr -> file offset mapping uprobes need. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gelf.h>

#include "translator/debuginfo/elfsym_int.h"
#include "translator/debuginfo/util.h"

Elf_Scn *esym_section(struct esym_file *f, const char *name, GElf_Shdr *shdr)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;

	if (elf_getshdrstrndx(f->elf, &shstrndx) != 0)
		return NULL;
	while ((scn = elf_nextscn(f->elf, scn))) {
		const char *n;
		if (!gelf_getshdr(scn, shdr))
			continue;
		n = elf_strptr(f->elf, shstrndx, shdr->sh_name);
		if (n && strcmp(n, name) == 0)
			return scn;
	}
	return NULL;
}

static void hex_build_id(const unsigned char *d, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";

	if (n > 20)
		n = 20;
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[2 * n] = '\0';
}

/* NT_GNU_BUILD_ID from any SHT_NOTE section. */
static void read_build_id(struct esym_file *f, Elf_Scn *scn)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	GElf_Nhdr nh;
	size_t off = 0, name_off, desc_off, next;

	while (d && (next = gelf_getnote(d, off, &nh, &name_off, &desc_off)) > 0) {
		if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
		    memcmp((char *)d->d_buf + name_off, "GNU", 4) == 0) {
			hex_build_id((unsigned char *)d->d_buf + desc_off,
				     nh.n_descsz, f->info.build_id);
			return;
		}
		off = next;
	}
}

/* One pass over the section headers for the esym_info flags. */
static void scan_sections(struct esym_file *f)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	size_t shstrndx;

	if (elf_getshdrstrndx(f->elf, &shstrndx) != 0)
		return;
	while ((scn = elf_nextscn(f->elf, scn))) {
		const char *n;
		if (!gelf_getshdr(scn, &sh))
			continue;
		n = elf_strptr(f->elf, shstrndx, sh.sh_name);
		f->info.has_symtab |= sh.sh_type == SHT_SYMTAB;
		f->info.has_dynsym |= sh.sh_type == SHT_DYNSYM;
		f->info.has_debug_info |= n && strcmp(n, ".debug_info") == 0;
		if (sh.sh_type == SHT_NOTE && !f->info.build_id[0])
			read_build_id(f, scn);
	}
}

static int read_header(struct esym_file *f)
{
	GElf_Ehdr eh;

	if (elf_kind(f->elf) != ELF_K_ELF || !gelf_getehdr(f->elf, &eh))
		return -ENOEXEC;
	f->info.elf_type = eh.e_type;
	f->info.machine = eh.e_machine;
	f->info.elf_class = gelf_getclass(f->elf);
	if (elf_getphdrnum(f->elf, &f->nphdrs) != 0)
		f->nphdrs = 0;
	f->phdrs = dbg_xcalloc(f->nphdrs, sizeof(*f->phdrs));
	for (size_t i = 0; i < f->nphdrs; i++)
		if (!gelf_getphdr(f->elf, i, &f->phdrs[i]))
			return -ENOEXEC;
	scan_sections(f);
	return 0;
}

struct esym_file *esym_open(const char *path)
{
	struct esym_file *f;
	int r;

	elf_version(EV_CURRENT);
	f = dbg_xcalloc(1, sizeof(*f));
	f->path = dbg_xstrdup(path);
	f->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (f->fd < 0) {
		r = -errno;
		goto err;
	}
	f->elf = elf_begin(f->fd, ELF_C_READ_MMAP, NULL);
	if (!f->elf) {
		r = -ENOEXEC;
		goto err;
	}
	if ((r = read_header(f)) < 0)
		goto err;
	return f;
err:
	esym_close(f);
	errno = -r;
	return NULL;
}

const struct esym_info *esym_info(const struct esym_file *f)
{
	return &f->info;
}

const char *esym_path(const struct esym_file *f)
{
	return f->path;
}

int esym_vaddr_to_offset(const struct esym_file *f, uint64_t vaddr,
			 uint64_t *offset)
{
	for (size_t i = 0; i < f->nphdrs; i++) {
		const GElf_Phdr *p = &f->phdrs[i];
		if (p->p_type != PT_LOAD)
			continue;
		if (vaddr >= p->p_vaddr && vaddr < p->p_vaddr + p->p_filesz) {
			*offset = vaddr - p->p_vaddr + p->p_offset;
			return 0;
		}
	}
	return -ENOENT;
}

static void free_sdt(struct esym_file *f)
{
	for (size_t i = 0; i < f->nsdt; i++) {
		for (int j = 0; j < f->sdt[i].nargs; j++)
			free((char *)f->sdt[i].argv[j].operand);
		free(f->sdt[i].argv);
	}
	free(f->sdt);
}

void esym_close(struct esym_file *f)
{
	if (!f)
		return;
	free_sdt(f);
	sidx_release(&f->plt_by_name);
	free(f->plt);
	free(f->by_addr);
	sidx_release(&f->by_name);
	free(f->syms);
	free(f->phdrs);
	if (f->elf)
		elf_end(f->elf);
	if (f->fd >= 0)
		close(f->fd);
	free(f->path);
	free(f);
}
