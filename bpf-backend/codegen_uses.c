// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * codegen_uses.c - where each global lives, and which globals the probes
 * read and write.
 *
 * Scalar longs and strings share one single-entry array map,
 * sonde_globals, at fixed offsets, so a handler reaches all of them
 * through one pointer (r8).  Each array gets a hash map keyed by its
 * packed keys (bpf_abi.h), whose value is the element followed by the
 * insertion sequence number staprun uses to order ties when it prints;
 * the sequence counters themselves live in sonde_globals.  Each scalar
 * statistic gets a per-CPU array of struct stat_data (runtime/stats.h),
 * an array of statistics a per-CPU hash (codegen_stats.c).
 *
 * Which globals print at the end (runtime.md 6.7) is pass 2's decision:
 * the end probes it adds for them (probe->autoprint_of) give the globals
 * and their order.
 */
#include <string.h>

#include "bpf-backend/codegen_int.h"
#include "runtime/stats.h"
#include "staprun/bpf_abi.h"

/* ---- layout --------------------------------------------------------------- */

/* The referenced globals (prog->globals), reordered: the user's in
 * declaration order first, then any others (tapsets) */
static void collect(struct cg *cg)
{
	const struct program *prog = cg->prog;
	int i;

	cg->globals = arena_alloc(cg->arena, (prog->globals.n + 1) *
					     sizeof(*cg->globals));
	for (i = 0; i < prog->globals.n; i++) {
		struct vardecl *v = prog->globals.v[i];

		cg->globals[cg->nglobals++].var = v;
	}
	/* declaration order of the user's files, then the rest */
	for (int f = 0, k = 0; f < prog->user_files.n; f++) {
		const struct stapfile *file = prog->user_files.v[f];

		for (i = 0; i < file->globals.n; i++) {
			const struct global *decl = file->globals.v[i];

			for (int j = k; j < cg->nglobals; j++) {
				struct cg_global t = cg->globals[j];

				if (t.var->decl != decl)
					continue;
				memmove(&cg->globals[k + 1], &cg->globals[k],
					(j - k) * sizeof(t));
				cg->globals[k++] = t;
				break;
			}
		}
	}
}

/* Hash maps are preallocated: a bound on what one array may claim */
#define CG_MAX_ARRAY (1 << 20)

static unsigned type_bytes(const struct cg *cg, enum value_type t)
{
	return t == TYPE_STRING ? cg->slot : 8;
}

/* A scalar long or string: a place in sonde_globals */
static void place_scalar(struct cg *cg, struct cg_global *g)
{
	g->storage = CG_ST_SCALAR;
	g->off = cg->globals_size;
	cg->globals_size += type_bytes(cg, g->var->type);
}

static int place_array(struct cg *cg, struct cg_global *g)
{
	const struct vardecl *v = g->var;
	const struct global *decl = v->decl;
	bool stats = v->type == TYPE_STATS;
	int i;

	g->storage = CG_ST_ARRAY;
	for (i = 0; i < v->arity; i++)
		g->ksize += type_bytes(cg, v->index_types[i]);
	g->vsize = (stats ? (int)cg_stat_size(g) : (int)type_bytes(cg, v->type)) + 8;
	if (decl && decl->is_array && decl->size > CG_MAX_ARRAY) {
		cg_unsupported(cg, v->tok, "an array of more than 1048576 entries");
		return -1;
	}
	g->capacity = decl && decl->is_array && decl->size > 0 ?
		      (unsigned)decl->size : cg->lim.maxmapentries;
	g->off = cg->globals_size;	/* its insertion counter */
	cg->globals_size += 8;
	/* statistics: a value per CPU (runtime.md 6.2: the capacity holds
	 * per CPU and for the aggregate) */
	g->map = cg_add_map(cg, arena_printf(cg->arena, "sonde_a_%s", v->name),
			    stats ? BPF_MAP_TYPE_PERCPU_HASH : BPF_MAP_TYPE_HASH,
			    g->ksize, g->vsize, g->capacity);
	return 0;
}

static void place_stats(struct cg *cg, struct cg_global *g)
{
	g->storage = CG_ST_STATS;
	g->map = cg_add_map(cg, arena_printf(cg->arena, "sonde_s_%s",
					     g->var->name),
			    BPF_MAP_TYPE_PERCPU_ARRAY, 4, cg_stat_size(g), 1);
}

static int place(struct cg *cg, struct cg_global *g)
{
	if (g->var->arity > 0)
		return place_array(cg, g);
	if (g->var->type == TYPE_STATS)
		place_stats(cg, g);
	else
		place_scalar(cg, g);
	return 0;
}

/* Number the globals pass 2 prints at the end, in its order */
static void mark_printed(struct cg *cg)
{
	struct cg_global *g;
	int i, n = 0;

	for (i = 0; i < cg->prog->probes.n; i++) {
		const struct probe *p = cg->prog->probes.v[i];

		g = p->autoprint_of ? cg_global_of(cg, p->autoprint_of) : NULL;
		if (g && g->storage != CG_ST_NONE && !g->print_order)
			g->print_order = ++n;
	}
}

/* Decide every global's storage, create its maps, and mark the globals
 * printed at the end. */
int cg_layout_globals(struct cg *cg)
{
	int i, err = 0;

	collect(cg);
	if (cg_stats_scan(cg))
		err = -1;
	for (i = 0; i < cg->nglobals; i++)
		if (place(cg, &cg->globals[i]))
			err = -1;
	if (cg->globals_size) {
		cg->map_globals = cg_add_map(cg, "sonde_globals",
					     BPF_MAP_TYPE_ARRAY, 4,
					     cg->globals_size, 1);
		for (i = 0; i < cg->nglobals; i++)
			if (cg->globals[i].storage == CG_ST_SCALAR)
				cg->globals[i].map = cg->map_globals;
	}
	mark_printed(cg);
	return err;
}
