/* Opening kernel BTF and building its name indexes on demand.
 *
 * libbpf's btf__find_by_name_kind() walks every type on each call; with
 * ~130,000 types in a 6.x vmlinux and a script resolving hundreds of
 * names, that is the slow path this file replaces.  An index costs one
 * pass over the types plus a sort, paid only when something asks. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "translator/debuginfo/btf_int.h"
#include "translator/debuginfo/util.h"

#define TRACE_PREFIX "btf_trace_"

struct dbtf *dbtf_open(const char *path)
{
	struct dbtf *b;
	struct btf *btf;

	/* btf__parse() tells raw BTF from ELF by the magic number, so a
	 * cross target's vmlinux works as well as the sysfs blob. */
	btf = btf__parse(path ? path : DBTF_VMLINUX, NULL);
	if (!btf) {
		errno = errno ? errno : EINVAL;
		return NULL;
	}
	b = dbg_xcalloc(1, sizeof(*b));
	b->btf = btf;
	b->ntypes = btf__type_cnt(btf);
	return b;
}

void dbtf_close(struct dbtf *b)
{
	if (!b)
		return;
	for (int i = 0; i < DBTF_IX_COUNT; i++)
		sidx_release(&b->ix[i]);
	btf__free(b->btf);
	free(b);
}

const struct btf *dbtf_btf(const struct dbtf *b)
{
	return b->btf;
}

const char *dbtf_name_of(const struct dbtf *b, uint32_t id)
{
	const struct btf_type *t = btf__type_by_id(b->btf, id);
	const char *n = t ? btf__name_by_offset(b->btf, t->name_off) : NULL;

	return n ? n : "";
}

/* Kinds that @cast and dbtf_find_type() can name. */
static bool is_named_type_kind(int kind)
{
	switch (kind) {
	case BTF_KIND_INT: case BTF_KIND_FLOAT: case BTF_KIND_STRUCT:
	case BTF_KIND_UNION: case BTF_KIND_ENUM: case BTF_KIND_ENUM64:
	case BTF_KIND_TYPEDEF: case BTF_KIND_FWD:
		return true;
	default:
		return false;
	}
}

static void add_enumerators(struct dbtf *b, struct sidx *ix, uint32_t id,
			    const struct btf_type *t)
{
	int n = btf_vlen(t);

	for (int i = 0; i < n; i++) {
		uint32_t off = btf_is_enum(t) ? btf_enum(t)[i].name_off
					      : btf_enum64(t)[i].name_off;
		sidx_add(ix, btf__name_by_offset(b->btf, off),
			 (uint64_t)id << 32 | (uint32_t)i);
	}
}

/* Add type 'id' to index 'which' if it belongs there. */
static void index_one(struct dbtf *b, enum dbtf_index which, uint32_t id)
{
	const struct btf_type *t = btf__type_by_id(b->btf, id);
	const char *name = btf__name_by_offset(b->btf, t->name_off);
	int kind = btf_kind(t);

	switch (which) {
	case DBTF_IX_FUNCS:
		if (kind == BTF_KIND_FUNC && *name)
			sidx_add(&b->ix[which], name, id);
		break;
	case DBTF_IX_TYPES:
		if (is_named_type_kind(kind) && *name)
			sidx_add(&b->ix[which], name, id);
		break;
	case DBTF_IX_ENUMERATORS:
		if (btf_is_any_enum(t))
			add_enumerators(b, &b->ix[which], id, t);
		break;
	case DBTF_IX_TRACEPOINTS:
		if (kind == BTF_KIND_TYPEDEF &&
		    strncmp(name, TRACE_PREFIX, strlen(TRACE_PREFIX)) == 0)
			sidx_add(&b->ix[which], name + strlen(TRACE_PREFIX), id);
		break;
	default:
		break;
	}
}

const struct sidx *dbtf_index(struct dbtf *b, enum dbtf_index which)
{
	if (!b->built[which]) {
		for (uint32_t id = 1; id < b->ntypes; id++)
			index_one(b, which, id);
		sidx_finish(&b->ix[which]);
		b->built[which] = true;
	}
	return &b->ix[which];
}
