/* Kernel symbols from /proc/kallsyms or a System.map: the name <-> address
 * map behind kprobe.function globs, probefunc() and symbol-only
 * kernel.function probes when there is no DWARF.
 *
 * Both files are "ADDR TYPE NAME[\t[MODULE]]" lines.  The whole file is
 * read once; a name index and an address index are built lazily.
 *
 * Ownership: all returned pointers belong to the handle until
 * ksyms_close().  Errors: NULL + errno from ksyms_open(); lookups return
 * NULL when absent.  Out of memory aborts (util.h). */
#ifndef SONDE_DEBUGINFO_KALLSYMS_H
#define SONDE_DEBUGINFO_KALLSYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ksyms;

struct ksym {
	const char *name;
	uint64_t addr;
	char type;		/* nm letter: 'T' global text, 't' local, ... */
	const char *module;	/* NULL for vmlinux, else "ext4" (no brackets) */
};

#define KSYMS_PROC "/proc/kallsyms"

/* path: NULL = KSYMS_PROC, or a System.map. */
struct ksyms *ksyms_open(const char *path);
void ksyms_close(struct ksyms *k);		/* NULL is fine */

size_t ksyms_count(const struct ksyms *k);
/* True when every address reads as 0: kptr_restrict is hiding them from
 * this user, so names are usable but addresses are not. */
bool ksyms_addrs_hidden(const struct ksyms *k);

/* Symbols named 'name' (any module), the first and *count of them. */
const struct ksym *ksyms_lookup(struct ksyms *k, const char *name,
				size_t *count);

/* Text symbols (t/T/w/W) matching the fnmatch(3) glob, in name order.
 * Kernel "__pfx_*" padding stubs are skipped unless the pattern itself
 * starts with "__pfx" (SystemTap's rule).  A negative return from cb
 * stops the walk and is returned; otherwise returns the match count. */
typedef int (*ksym_cb)(const struct ksym *s, void *arg);
int ksyms_glob(struct ksyms *k, const char *pattern, ksym_cb cb, void *arg);

/* The text symbol at or below addr, with addr's offset into it. */
const struct ksym *ksyms_by_addr(struct ksyms *k, uint64_t addr,
				 uint64_t *offset);

#endif
