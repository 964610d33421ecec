/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * codegen_iter.h - what codegen_foreach.c (the foreach statement) and
 * codegen_iter.c (the callbacks that walk and sort an array) share: the
 * layouts of sonde_iter and of an entry map, and the walking steps.
 */
#ifndef SONDE_BPF_CODEGEN_ITER_H
#define SONDE_BPF_CODEGEN_ITER_H

#include "bpf-backend/codegen_int.h"

/* sonde_iter: the callbacks' state, per CPU */
#define ST_N 0		/* entries collected */
#define ST_PHASE 8	/* sort: 0 heapify, 1 extract */
#define ST_START 16	/* heapify: next root */
#define ST_END 24	/* heap size */
#define ST_ROOT 32	/* sifting this position, or -1 */
#define ST_BASE 40	/* renumbering: first new seq */
#define ST_SIZE 48

/* an entry: the sorted position's entry index, the sort value, seq,
 * whether it is in the slice iterated, key */
#define E_PERM 0
#define E_VAL 8
#define E_SEQ 16
#define E_IN 24
#define E_KEY 32

#define BPF_LOOP_MAX (1u << 23)

/* What one foreach sorts by */
struct sortspec {
	int col;		/* -1 seq only, 0 the value, 1.. a key */
	int dir;		/* +1 ascending, -1 descending */
	bool str;		/* the column is a string */
	int off;		/* its offset in an entry */
	enum stat_op agg;	/* statistics: the aggregate sorted by */
};

struct iter {
	struct cg_global *g;
	int emap;		/* the entry map */
	int esize;		/* bytes of an entry */
	bool stats;
	struct sortspec sort;
	unsigned slice;		/* a[k, *]: bit i set if key i is given */
};

/* sonde_iter, created on first use; _with: room for extra bytes (a
 * packed key) at ST_SIZE */
int iter_state_map(struct cg *cg);
int iter_state_map_with(struct cg *cg, int extra);
/* r0 = &map[the u32 at stack slot], or goto fail */
void iter_lookup_slot(struct cg *cg, int map, int slot, int fail);
/* r0 = &map[reg] (u32 index, stored at slot), or goto fail */
void iter_lookup_index(struct cg *cg, int map, int reg, int slot, int fail);
/* Call helper (bpf_loop or bpf_for_each_map_elem, r1 set) with the
 * subprogram cb, no ctx and no flags */
void iter_call_cb(struct cg *cg, int helper, int cb);
/* A callback's return: r0 = v; exit */
void iter_ret(struct cg *cg, int v);
/* Copy n bytes (a multiple of 8) from src + soff to dst + doff (r1) */
void iter_copy_words(struct cg *cg, int dst, int doff, int src, int soff,
		     int n);
/* a[k, *]: the given keys, packed as in a key, into sonde_iter at
 * ST_SIZE (goto fail if it cannot be reached) */
void iter_slice_keys(struct cg *cg, const struct cg_global *g,
		     const struct ptrvec *slots, const struct token *tok,
		     int fail);

/* The callbacks of the steps before a foreach iterates (subprogram
 * indices, or -1): 1. collect (bpf_for_each_map_elem), 2. sort, 3.
 * renumber, and a slice's compaction (bpf_loop) */
int iter_collect(struct cg *cg, const struct iter *it);
int iter_sort(struct cg *cg, const struct iter *it);
int iter_renumber(struct cg *cg, const struct iter *it);
int iter_compact(struct cg *cg, const struct iter *it);
/* The bpf_loop() calls that run the sort callback cb to its end */
void iter_emit_sort(struct cg *cg, const struct iter *it, int cb);

#endif /* SONDE_BPF_CODEGEN_ITER_H */
