// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mapdef.c - a map definition as libbpf's BTF-defined map struct.
 *
 * For a map declared in C as
 *
 *	struct {
 *		__uint(type, BPF_MAP_TYPE_ARRAY);
 *		__uint(max_entries, 4);
 *		__uint(key_size, 4);
 *		__uint(value_size, 8);
 *	} counts SEC(".maps");
 *
 * clang emits: int (*type)[2]; int (*max_entries)[4]; ... in an anonymous
 * struct, a VAR "counts" of that struct, and a DATASEC ".maps" listing
 * the VAR.  This file builds the same with libbpf's btf__add_*() API.
 * Key and value are given by size, not type: Sonde's keys and values are
 * byte layouts (strings, tuples, stats) that BTF cannot name usefully, and
 * libbpf accepts sizes for every map type.
 */
#include <errno.h>
#include <stdlib.h>
#include <bpf/btf.h>

#include "bpf-backend/mapdef.h"

#define MAPDEF_MAX_FIELDS 5

struct mapdef_field {
	const char *name;
	__u32 value;
};

/*
 * The attributes worth writing: a zero means "not given", which is what
 * libbpf assumes for an absent member (and the kernel needs for ringbuf's
 * key and value sizes).
 */
static int mapdef_fields(const struct objmap *map, struct mapdef_field *f)
{
	const struct mapdef_field all[MAPDEF_MAX_FIELDS] = {
		{ "type", map->type },
		{ "max_entries", map->max_entries },
		{ "key_size", map->key_size },
		{ "value_size", map->value_size },
		{ "map_flags", map->flags },
	};
	int i, n = 0;

	for (i = 0; i < MAPDEF_MAX_FIELDS; i++)
		if (i == 0 || all[i].value)
			f[n++] = all[i];
	return n;
}

size_t mapdef_size(const struct objmap *map)
{
	struct mapdef_field f[MAPDEF_MAX_FIELDS];

	return (size_t)mapdef_fields(map, f) * sizeof(void *);
}

/* int (*)[n]: the encoding of __uint(name, n) */
static int add_uint_ptr(struct btf *btf, int int_id, __u32 n)
{
	int arr = btf__add_array(btf, int_id, int_id, n);

	return arr < 0 ? arr : btf__add_ptr(btf, arr);
}

/*
 * The anonymous struct for one map; returns its type id.  The member
 * types come first because btf__add_field() must follow its struct.
 */
static int add_map_struct(struct btf *btf, int int_id,
			  const struct objmap *map)
{
	struct mapdef_field f[MAPDEF_MAX_FIELDS];
	int ptr[MAPDEF_MAX_FIELDS];
	int i, n = mapdef_fields(map, f), sid, err;

	for (i = 0; i < n; i++) {
		ptr[i] = add_uint_ptr(btf, int_id, f[i].value);
		if (ptr[i] < 0)
			return ptr[i];
	}
	sid = btf__add_struct(btf, NULL, n * sizeof(void *));
	if (sid < 0)
		return sid;
	for (i = 0; i < n; i++) {
		err = btf__add_field(btf, f[i].name, ptr[i],
				     i * sizeof(void *) * 8, 0);
		if (err)
			return err;
	}
	return sid;
}

/* One VAR per map; ids go to var_ids for the DATASEC. */
static int add_map_vars(struct btf *btf, const struct objmap *maps,
			int nmaps, int *var_ids)
{
	int int_id = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	int i, sid;

	if (int_id < 0)
		return int_id;
	for (i = 0; i < nmaps; i++) {
		sid = add_map_struct(btf, int_id, &maps[i]);
		if (sid < 0)
			return sid;
		var_ids[i] = btf__add_var(btf, maps[i].name,
					  BTF_VAR_GLOBAL_ALLOCATED, sid);
		if (var_ids[i] < 0)
			return var_ids[i];
	}
	return 0;
}

/*
 * The .maps DATASEC, with its real size and offsets so libbpf need not
 * fix them up from the symbol table.
 */
static int add_maps_datasec(struct btf *btf, const struct objmap *maps,
			    int nmaps, const int *var_ids)
{
	size_t off = 0, total = 0;
	int i, err;

	for (i = 0; i < nmaps; i++)
		total += mapdef_size(&maps[i]);
	err = btf__add_datasec(btf, ".maps", total);
	if (err < 0)
		return err;
	for (i = 0; i < nmaps; i++) {
		err = btf__add_datasec_var_info(btf, var_ids[i], off,
						mapdef_size(&maps[i]));
		if (err)
			return err;
		off += mapdef_size(&maps[i]);
	}
	return 0;
}

int mapdef_add_btf(struct btf *btf, const struct objmap *maps, int nmaps)
{
	int *var_ids;
	int err;

	if (!nmaps)
		return 0;
	var_ids = calloc(nmaps, sizeof(*var_ids));
	if (!var_ids)
		return -ENOMEM;
	err = add_map_vars(btf, maps, nmaps, var_ids);
	if (!err)
		err = add_maps_datasec(btf, maps, nmaps, var_ids);
	free(var_ids);
	return err;
}
