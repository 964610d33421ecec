/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mapdef.h - BTF for libbpf's BTF-defined maps, used by object.c.
 *
 * libbpf reads a map's attributes from the BTF type of its global in the
 * .maps section.  Each attribute is a struct member of type pointer to
 * int[N], whose N is the value: what the __uint(name, N) macro of
 * bpf_helpers.h expands to.  The section itself only holds zeros.
 */
#ifndef SONDE_BPF_MAPDEF_H
#define SONDE_BPF_MAPDEF_H

#include <stddef.h>
#include "bpf-backend/object.h"

struct btf;

/* Bytes map's definition takes in .maps: 8 per attribute given. */
size_t mapdef_size(const struct objmap *map);

/*
 * Add every map to btf as a global variable, and the .maps DATASEC that
 * lays them out back to back, the first at offset 0.  Returns 0 or a
 * negative errno.
 */
int mapdef_add_btf(struct btf *btf, const struct objmap *maps, int nmaps);

#endif /* SONDE_BPF_MAPDEF_H */
