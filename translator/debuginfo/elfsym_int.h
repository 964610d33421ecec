/* Private to elfsym*.c and sdt.c. */
#ifndef SONDE_DEBUGINFO_ELFSYM_INT_H
#define SONDE_DEBUGINFO_ELFSYM_INT_H

#include <gelf.h>

#include "translator/debuginfo/elfsym.h"
#include "translator/debuginfo/symindex.h"

struct esym_file {
	char *path;
	int fd;
	Elf *elf;
	struct esym_info info;
	size_t nphdrs;
	GElf_Phdr *phdrs;

	bool syms_built;
	struct esym *syms;		/* merged .symtab + .dynsym */
	size_t nsyms;
	struct sidx by_name;		/* name -> index into syms */
	struct esym **by_addr;		/* functions sorted by address */
	size_t nby_addr;

	bool plt_built;
	int plt_err;
	struct esym_plt *plt;
	size_t nplt;
	struct sidx plt_by_name;	/* name -> index into plt */

	bool sdt_built;
	int sdt_err;
	struct sdt_probe *sdt;
	size_t nsdt;
};

/* Section header and data of the first section named 'name' (NULL if
 * none). */
Elf_Scn *esym_section(struct esym_file *f, const char *name, GElf_Shdr *shdr);

#endif
