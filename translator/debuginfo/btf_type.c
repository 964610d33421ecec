/* Type classification, struct member layout, type and enumerator lookup
 * by name: what pass 2 needs for $p->a->b, $a[i], @cast and enum names. */
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include <bpf/btf.h>

#include "translator/debuginfo/btf_int.h"
#include "translator/debuginfo/util.h"

/* Anonymous members nest; deeper than this means corrupt BTF. */
#define MAX_NEST 32

static enum dbtf_kind kind_of(const struct btf_type *t)
{
	switch (btf_kind(t)) {
	case BTF_KIND_INT: return DBTF_INT;
	case BTF_KIND_FLOAT: return DBTF_FLOAT;
	case BTF_KIND_PTR: return DBTF_PTR;
	case BTF_KIND_ARRAY: return DBTF_ARRAY;
	case BTF_KIND_STRUCT: return DBTF_STRUCT;
	case BTF_KIND_UNION: return DBTF_UNION;
	case BTF_KIND_ENUM: case BTF_KIND_ENUM64: return DBTF_ENUM;
	case BTF_KIND_FUNC: case BTF_KIND_FUNC_PROTO: return DBTF_FUNC;
	case BTF_KIND_FWD: return DBTF_FWD;
	default: return DBTF_OTHER;
	}
}

static void fill_scalar(const struct dbtf *b, const struct btf_type *t,
			struct dbtf_typeinfo *out)
{
	if (btf_is_int(t)) {
		int enc = btf_int_encoding(t);
		out->is_signed = enc & BTF_INT_SIGNED;
		out->is_bool = enc & BTF_INT_BOOL;
		out->is_char = (enc & BTF_INT_CHAR) ||
			       (t->size == 1 && strstr(out->name, "char"));
	} else if (btf_is_any_enum(t)) {
		out->is_signed = btf_kflag(t);
	} else if (btf_is_ptr(t)) {
		out->target = t->type;
	} else if (btf_is_array(t)) {
		out->target = btf_array(t)->type;
		out->nelems = btf_array(t)->nelems;
	}
}

int dbtf_type_info(const struct dbtf *b, uint32_t id, struct dbtf_typeinfo *out)
{
	const struct btf_type *t;
	int r = btf__resolve_type(b->btf, id);

	memset(out, 0, sizeof(*out));
	out->size = -1;
	out->name = "";
	if (r < 0)
		return r;
	out->id = r;
	if (r == 0)
		return 0;	/* void */
	t = btf__type_by_id(b->btf, r);
	out->kind = kind_of(t);
	out->name = dbtf_name_of(b, r);
	if (out->kind != DBTF_FUNC && out->kind != DBTF_FWD &&
	    out->kind != DBTF_OTHER) {
		int64_t sz = btf__resolve_size(b->btf, r);
		out->size = sz < 0 ? -1 : sz;
	}
	fill_scalar(b, t, out);
	return 0;
}

/* The struct/union that 'id' names once typedefs and qualifiers go. */
static const struct btf_type *composite(const struct dbtf *b, uint32_t id)
{
	int r = btf__resolve_type(b->btf, id);
	const struct btf_type *t = r > 0 ? btf__type_by_id(b->btf, r) : NULL;

	return t && btf_is_composite(t) ? t : NULL;
}

static void fill_member(const struct dbtf *b, const struct btf_type *t, int i,
			uint32_t bits, struct dbtf_member *out)
{
	const struct btf_member *m = btf_members(t) + i;

	out->name = btf__name_by_offset(b->btf, m->name_off);
	out->type_id = m->type;
	out->offset = bits / 8;
	out->bit_size = btf_member_bitfield_size(t, i);
	out->bit_offset = out->bit_size ? bits % 8 : 0;
}

/* Walk the members of t (at bit position base inside the outer type),
 * descending into anonymous aggregates.  With 'name' set, stop at that
 * member (return 1); otherwise call cb for every named member. */
static int walk(const struct dbtf *b, const struct btf_type *t, uint32_t base,
		const char *name, struct dbtf_member *out,
		dbtf_member_cb cb, void *arg, int depth)
{
	const struct btf_member *m = btf_members(t);
	int n = btf_vlen(t), count = 0;

	if (depth > MAX_NEST)
		return -ELOOP;
	for (int i = 0; i < n; i++) {
		const char *mn = btf__name_by_offset(b->btf, m[i].name_off);
		uint32_t bits = base + btf_member_bit_offset(t, i);
		const struct btf_type *inner;
		int r;

		if ((!mn || !*mn) && (inner = composite(b, m[i].type))) {
			r = walk(b, inner, bits, name, out, cb, arg, depth + 1);
			if (r < 0 || (name && r))
				return r;
			count += r;
			continue;
		}
		if (name && (!mn || strcmp(mn, name) != 0))
			continue;
		fill_member(b, t, i, bits, out);
		if (name)
			return 1;
		if (cb && (r = cb(out, arg)) < 0)
			return r;
		count++;
	}
	return count;
}

int dbtf_member(const struct dbtf *b, uint32_t id, const char *name,
		struct dbtf_member *out)
{
	const struct btf_type *t = composite(b, id);
	int r;

	if (!t)
		return -EINVAL;
	r = walk(b, t, 0, name, out, NULL, NULL, 0);
	return r < 0 ? r : r ? 0 : -ENOENT;
}

int dbtf_members(const struct dbtf *b, uint32_t id, dbtf_member_cb cb,
		 void *arg)
{
	const struct btf_type *t = composite(b, id);
	struct dbtf_member m;

	if (!t)
		return -EINVAL;
	return walk(b, t, 0, NULL, &m, cb, arg, 0);
}

int dbtf_enum_value(struct dbtf *b, const char *name, int64_t *value,
		    uint32_t *enum_id)
{
	const struct sidx_ent *e;
	const struct btf_type *t;
	uint32_t id, i;

	e = sidx_find(dbtf_index(b, DBTF_IX_ENUMERATORS), name, NULL);
	if (!e)
		return -ENOENT;
	id = e->val >> 32;
	i = (uint32_t)e->val;
	t = btf__type_by_id(b->btf, id);
	if (btf_is_enum(t))
		*value = btf_kflag(t) ? (int64_t)btf_enum(t)[i].val
				      : (int64_t)(uint32_t)btf_enum(t)[i].val;
	else
		*value = (int64_t)btf_enum64_value(btf_enum64(t) + i);
	if (enum_id)
		*enum_id = id;
	return 0;
}

/* Order of preference for a bare name: the typedef a C programmer would
 * write, then tags, then base types; a FWD only when nothing else. */
static int rank(const struct btf_type *t, int want_kind)
{
	int k = btf_kind(t);

	if (want_kind >= 0) {
		bool fwd_union = k == BTF_KIND_FWD && btf_kflag(t);
		bool fwd_struct = k == BTF_KIND_FWD && !btf_kflag(t);

		if (k == want_kind || (want_kind == BTF_KIND_ENUM && k == BTF_KIND_ENUM64))
			return 1;
		if ((want_kind == BTF_KIND_STRUCT && fwd_struct) ||
		    (want_kind == BTF_KIND_UNION && fwd_union))
			return 9;
		return 0;
	}
	switch (k) {
	case BTF_KIND_TYPEDEF: return 1;
	case BTF_KIND_STRUCT: return 2;
	case BTF_KIND_UNION: return 3;
	case BTF_KIND_ENUM: case BTF_KIND_ENUM64: return 4;
	case BTF_KIND_INT: case BTF_KIND_FLOAT: return 5;
	case BTF_KIND_FWD: return 9;
	default: return 0;
	}
}

/* Best-ranked type in the run of entries named 'name'. */
static int pick(struct dbtf *b, const char *name, int want_kind, uint32_t *id)
{
	size_t n;
	const struct sidx_ent *e = sidx_find(dbtf_index(b, DBTF_IX_TYPES), name, &n);
	int best = 0;

	for (size_t i = 0; e && i < n; i++) {
		int r = rank(btf__type_by_id(b->btf, e[i].val), want_kind);
		if (r && (!best || r < best)) {
			best = r;
			*id = e[i].val;
		}
	}
	return best ? 0 : -ENOENT;
}

/* Split "struct foo **" into the tag kind, the name and the '*' count. */
static int parse_cname(const char *cname, char *name, size_t size,
		       int *want_kind, int *stars)
{
	static const struct { const char *kw; int kind; } tags[] = {
		{ "struct ", BTF_KIND_STRUCT }, { "union ", BTF_KIND_UNION },
		{ "enum ", BTF_KIND_ENUM },
	};
	size_t len;

	while (isspace((unsigned char)*cname))
		cname++;
	*want_kind = -1;
	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
		size_t kl = strlen(tags[i].kw);
		if (strncmp(cname, tags[i].kw, kl) == 0) {
			*want_kind = tags[i].kind;
			cname += kl;
		}
	}
	while (isspace((unsigned char)*cname))
		cname++;
	len = strlen(cname);
	*stars = 0;
	while (len && (cname[len - 1] == '*' || isspace((unsigned char)cname[len - 1])))
		*stars += cname[--len] == '*';
	if (!len || len >= size)
		return -EINVAL;
	memcpy(name, cname, len);
	name[len] = '\0';
	return 0;
}

int dbtf_find_type(struct dbtf *b, const char *cname, uint32_t *id,
		   int *ptr_depth)
{
	char name[256];
	int want_kind, stars, r;

	r = parse_cname(cname, name, sizeof(name), &want_kind, &stars);
	if (r)
		return r;
	if (stars && !ptr_depth)
		return -EINVAL;
	if (ptr_depth)
		*ptr_depth = stars;
	return pick(b, name, want_kind, id);
}
