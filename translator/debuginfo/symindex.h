/* A sorted name index: the one lookup structure of the debuginfo layer.
 *
 * Every table the layer searches by name (BTF functions and types, ELF
 * symbols, kallsyms, DWARF functions, tracepoints) is a list of
 * (name, value) pairs sorted by name.  That gives exact lookup by binary
 * search, duplicate names as one contiguous run, and glob matching that
 * only scans the run sharing the pattern's literal prefix ("vfs_*" looks
 * at the vfs_ names, not at all 60,000), in the sorted order -l output
 * wants anyway.
 *
 * Names are borrowed: they must outlive the index (they point into BTF,
 * ELF or file buffers the owning module keeps). */
#ifndef SONDE_DEBUGINFO_SYMINDEX_H
#define SONDE_DEBUGINFO_SYMINDEX_H

#include <stddef.h>
#include <stdint.h>

struct sidx_ent {
	const char *name;
	uint64_t val;		/* owner's meaning: type id, array index, ... */
};

struct sidx {
	struct sidx_ent *v;
	size_t n, cap;
};

/* Add entries, then sort once with sidx_finish() before any lookup. */
void sidx_add(struct sidx *ix, const char *name, uint64_t val);
void sidx_finish(struct sidx *ix);	/* sort by name, then by value */
void sidx_release(struct sidx *ix);

/* The run of entries named exactly 'name': returns the first, with the
 * run length in *count (0 and NULL when absent). */
const struct sidx_ent *sidx_find(const struct sidx *ix, const char *name,
				 size_t *count);

/* Call cb (may be NULL) for each entry whose name matches the fnmatch(3)
 * glob 'pattern', in name order.  A negative return from cb stops the
 * walk and is returned; otherwise returns the number of matches. */
typedef int (*sidx_cb)(const struct sidx_ent *e, void *arg);
int sidx_glob(const struct sidx *ix, const char *pattern, sidx_cb cb,
	      void *arg);

/* True when 'pattern' holds glob metacharacters. */
int sidx_is_glob(const char *pattern);

#endif
