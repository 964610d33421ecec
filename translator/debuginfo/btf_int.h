/* Private to btf_*.c: the handle and its lazily built name indexes. */
#ifndef SONDE_DEBUGINFO_BTF_INT_H
#define SONDE_DEBUGINFO_BTF_INT_H

#include <stdbool.h>

#include "translator/debuginfo/btf.h"
#include "translator/debuginfo/symindex.h"

/* Each index is built on its first use by one pass over all types. */
enum dbtf_index {
	DBTF_IX_FUNCS,		/* FUNC name -> id */
	DBTF_IX_TYPES,		/* struct/union/enum/typedef/fwd/base name -> id */
	DBTF_IX_ENUMERATORS,	/* enumerator name -> enum id << 32 | index */
	DBTF_IX_TRACEPOINTS,	/* event name (btf_trace_ stripped) -> id */
	DBTF_IX_COUNT
};

struct dbtf {
	struct btf *btf;
	uint32_t ntypes;	/* btf__type_cnt(): ids run 1..ntypes-1 */
	bool built[DBTF_IX_COUNT];
	struct sidx ix[DBTF_IX_COUNT];
};

/* The index 'which', built if this is its first use. */
const struct sidx *dbtf_index(struct dbtf *b, enum dbtf_index which);

/* Name of type 'id' (the BTF string), "" for anonymous types. */
const char *dbtf_name_of(const struct dbtf *b, uint32_t id);

#endif
