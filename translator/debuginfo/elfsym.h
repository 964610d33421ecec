/* Symbol tables of user-space ELF files (executables, shared libraries)
 * through libelf: symbol-only probes (process("x").function("f") without
 * DWARF), backtrace symbolization, uprobe file offsets, PLT stubs and SDT
 * (.note.stapsdt) markers for process().mark.
 *
 * Addresses are link-time virtual addresses, as nm prints them;
 * esym_vaddr_to_offset() turns one into the file offset uprobes attach at.
 * Symbols of .symtab and .dynsym are merged: one entry per (name, address).
 *
 * Ownership: everything returned as const is owned by the handle and lives
 * until esym_close(); names point into the file's string tables.  Indexes
 * (by name, by address, PLT, SDT) are built on first use.  Errors: int
 * functions return 0 or a negative errno; pointer functions NULL + errno.
 * Out of memory aborts (util.h). */
#ifndef SONDE_DEBUGINFO_ELFSYM_H
#define SONDE_DEBUGINFO_ELFSYM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct esym_file;

struct esym_info {
	int elf_type;		/* ET_EXEC, ET_DYN (PIE or library), ET_REL */
	int machine;		/* EM_X86_64, EM_AARCH64, ... */
	int elf_class;		/* ELFCLASS32 / ELFCLASS64 */
	bool has_symtab;	/* .symtab present (not stripped) */
	bool has_dynsym;
	bool has_debug_info;	/* .debug_info in the file itself */
	char build_id[41];	/* hex NT_GNU_BUILD_ID, "" if none */
};

struct esym {
	const char *name;
	uint64_t addr;		/* st_value */
	uint64_t size;		/* st_size */
	uint8_t type;		/* STT_FUNC, STT_GNU_IFUNC, STT_OBJECT, STT_TLS */
	uint8_t bind;		/* STB_LOCAL, STB_GLOBAL, STB_WEAK */
	uint8_t other;		/* st_other: visibility (and ppc64 entry bits) */
	uint16_t shndx;		/* defining section */
	bool in_symtab, in_dynsym;
};

/* Only defined symbols of these kinds are kept. */
#define ESYM_FUNC	0x1	/* STT_FUNC, STT_GNU_IFUNC */
#define ESYM_OBJECT	0x2	/* STT_OBJECT, STT_TLS */
#define ESYM_ANY	(ESYM_FUNC | ESYM_OBJECT)

struct esym_file *esym_open(const char *path);
void esym_close(struct esym_file *f);		/* NULL is fine */
const struct esym_info *esym_info(const struct esym_file *f);
const char *esym_path(const struct esym_file *f);

/* The first symbol named exactly 'name' of a kind in 'kinds', and in
 * *count how many there are (static functions of different files may
 * share a name; esym_glob() with the plain name visits them all).  NULL
 * and *count = 0 when none. */
const struct esym *esym_lookup(struct esym_file *f, const char *name,
			       unsigned kinds, size_t *count);

/* Symbols of 'kinds' whose names match the fnmatch(3) glob, in name order
 * (same-named symbols in address order).  A negative return from cb stops
 * the walk and is returned; otherwise returns the number of matches. */
typedef int (*esym_cb)(const struct esym *s, void *arg);
int esym_glob(struct esym_file *f, const char *pattern, unsigned kinds,
	      esym_cb cb, void *arg);

/* The function containing addr (addr within [addr, addr + size), or the
 * closest one below for size-0 symbols), with addr's offset into it. */
const struct esym *esym_by_addr(struct esym_file *f, uint64_t addr,
				uint64_t *offset);

/* File offset of a virtual address, from the PT_LOAD program header that
 * maps it with file contents.  -ENOENT when no segment maps it. */
int esym_vaddr_to_offset(const struct esym_file *f, uint64_t vaddr,
			 uint64_t *offset);

/* --- PLT stubs (elfsym_plt.c) ---------------------------------------- */

/* A PLT stub: calls to 'name' through the PLT land at addr.  Known only
 * for x86-64 (.plt/.plt.sec) and AArch64 (.plt): -ENOTSUP elsewhere. */
struct esym_plt {
	const char *name;
	uint64_t addr;
};
int esym_plt(struct esym_file *f, const struct esym_plt **entries,
	     size_t *count);
/* The stubs whose names match the glob, in name order; cb as above. */
typedef int (*esym_plt_cb)(const struct esym_plt *p, void *arg);
int esym_plt_glob(struct esym_file *f, const char *pattern, esym_plt_cb cb,
		  void *arg);

/* --- SDT markers (sdt.c) --------------------------------------------- */

/* One argument of an SDT marker, from the note's "-4@%eax 8@-8(%rbp)". */
struct sdt_arg {
	int size;		/* bytes: 1, 2, 4 or 8 */
	bool is_signed;		/* a leading '-' on the size */
	const char *operand;	/* assembler operand: "%eax", "-8(%rbp)", "$5" */
};

/* One STAP_PROBE site (NT_STAPSDT note, version 3). */
struct sdt_probe {
	const char *provider, *name;
	const char *args;	/* the raw argument string, "" if none */
	uint64_t pc;		/* probe address, adjusted for prelink via
				 * .stapsdt.base */
	uint64_t semaphore;	/* address of the unsigned short counter; 0 =
				 * none.  Its file offset (for the uprobe
				 * ref_ctr_offset) is esym_vaddr_to_offset() */
	int nargs;
	struct sdt_arg *argv;
};

/* All markers in .note.stapsdt order (count 0 when the file has none).
 * Returns -EBADMSG if some notes were malformed; the rest are listed. */
int esym_sdt(struct esym_file *f, const struct sdt_probe **probes,
	     size_t *count);
/* Markers whose provider and name match the globs ("*" for any). */
typedef int (*esym_sdt_cb)(const struct sdt_probe *p, void *arg);
int esym_sdt_glob(struct esym_file *f, const char *provider_glob,
		  const char *name_glob, esym_sdt_cb cb, void *arg);

#endif
