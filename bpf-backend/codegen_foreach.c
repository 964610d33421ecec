// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * codegen_foreach.c - foreach over arrays (runtime.md 6.4), and delete
 * of a whole array.
 *
 * SystemTap walks an array's element list: insertion order, or sorted in
 * place (a stable sort, so ties keep list order, and a later unsorted
 * foreach sees the sorted order).  Here each element carries its
 * insertion number (seq), and a foreach
 *
 *   1. collects the elements into an entry map of its own (per array and
 *      nesting depth, per CPU): key, sort value (the value, or the
 *      statistic's aggregate), seq -- bpf_for_each_map_elem() with a
 *      callback;
 *   2. sorts them by (sort column, seq) with a heap sort run step by
 *      step by bpf_loop(); comparing seq last gives exactly the stable
 *      sort's order;
 *   3. after a sort, renumbers the elements' seq in sorted order, which
 *      is the in-place sort of the list (bpf_loop() again);
 *      With a slice (a[k, *]) the whole array is sorted, as upstream
 *      sorts its whole list, then the entries outside the slice are
 *      dropped;
 *   4. iterates with bpf_loop(), the body in a callback whose frame
 *      mirrors the probe's (budget, locals and temporaries keep their
 *      offsets), the budget and long locals passed through the scratch
 *      frame: binds the keys (and value), skips an element deleted
 *      meanwhile, runs the body.
 *
 * The callbacks keep their state in sonde_iter (per CPU) so that the
 * verifier checks each once.  Kernel floor: bpf_for_each_map_elem()
 * (Linux 5.13) and bpf_loop() (5.17); map_lookup_percpu_elem() (5.19)
 * is already needed by statistics.  Before 5.13 a BPF program cannot
 * walk a hash map at all: an array would need a companion slot array
 * with a free list (a BPF_MAP_TYPE_QUEUE, 4.20) scanned by a chain of
 * tail calls, and the sort the same way.
 *
 * Not reproduced: upstream's partial sort for "limit N" with N <= 30
 * leaves the rest of its list partially sorted; here the whole array is
 * sorted (the first N are the same).  Statistics are aggregated per
 * element when read, not once at the start of the loop.
 */
#include <string.h>

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

#define MAX_DEPTH 4
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

static int iter_state_map(struct cg *cg)
{
	if (cg->map_iter < 0)
		cg->map_iter = cg_add_map(cg, "sonde_iter",
					  BPF_MAP_TYPE_PERCPU_ARRAY, 4,
					  ST_SIZE, 1);
	return cg->map_iter;
}

/* sonde_iter with room for extra bytes after the state (a key) */
static int iter_state_map_with(struct cg *cg, int extra)
{
	int m = iter_state_map(cg);

	if (cg->maps[m].value_size < (unsigned)(ST_SIZE + extra))
		cg->maps[m].value_size = ST_SIZE + extra;
	return m;
}

/* r0 = &map[the u32 at stack slot], or goto fail */
static void lookup_slot(struct cg *cg, int map, int slot, int fail)
{
	struct emitter *em = &cg->em;

	emit_ld_map(em, BPF_REG_1, map);
	emit_mov_reg(em, BPF_REG_2, BPF_REG_10);
	emit_alu_imm(em, BPF_ADD, BPF_REG_2, slot);
	emit_call_helper(em, BPF_FUNC_map_lookup_elem);
	emit_jcond_imm(em, BPF_JEQ, BPF_REG_0, 0, fail);
}

/* r0 = &map[reg] (u32 index), or goto fail; reg may be r1-r5 */
static void lookup_index(struct cg *cg, int map, int reg, int slot, int fail)
{
	emit_store(&cg->em, BPF_W, BPF_REG_10, slot, reg);
	lookup_slot(cg, map, slot, fail);
}

/* A callback's return: r0 = v; exit */
static void ret(struct cg *cg, int v)
{
	emit_mov_imm(&cg->em, BPF_REG_0, v);
	emit_exit(&cg->em);
}

/* Copy n bytes (a multiple of 8) from src + soff to dst + doff */
static void copy_words(struct cg *cg, int dst, int doff, int src, int soff,
		       int n)
{
	for (int k = 0; k < n; k += 8) {
		emit_load(&cg->em, BPF_DW, BPF_REG_1, src, soff + k);
		emit_store(&cg->em, BPF_DW, dst, doff + k, BPF_REG_1);
	}
}

/* ---- 1. collecting ------------------------------------------------------- */

/*
 * Statistics: the aggregate the sort uses (or @count) into E_VAL and the
 * largest per-CPU seq into E_SEQ, for the entry at r9.  Clobbers r0-r7.
 */
static void collect_stats(struct cg *cg, const struct iter *it)
{
	struct emitter *em = &cg->em;
	const struct cg_global *g = it->g;
	int mark = emit_stack_mark(em);
	int cpu = emit_stack_alloc(em, 8), cnt = emit_stack_alloc(em, 8);
	int sum = emit_stack_alloc(em, 8), mn = emit_stack_alloc(em, 8);
	int mx = emit_stack_alloc(em, 8), seq = emit_stack_alloc(em, 8);
	int loop = label_new(em), next = label_new(em), end = label_new(em);
	int first = label_new(em), l1 = label_new(em), l2 = label_new(em);
	int l3 = label_new(em), zero, done;
	int seqoff = g->vsize - 8;

	emit_store_imm(em, BPF_DW, BPF_REG_10, cpu, 0);
	emit_store_imm(em, BPF_DW, BPF_REG_10, cnt, 0);
	emit_store_imm(em, BPF_DW, BPF_REG_10, sum, 0);
	emit_store_imm(em, BPF_DW, BPF_REG_10, mn, 0);
	emit_store_imm(em, BPF_DW, BPF_REG_10, mx, 0);
	emit_store_imm(em, BPF_DW, BPF_REG_10, seq, 0);
	label_bind(em, loop);
	emit_load(em, BPF_DW, BPF_REG_3, BPF_REG_10, cpu);
	emit_jcond_imm(em, BPF_JGE, BPF_REG_3, (int32_t)cg->lim.ncpus, end);
	emit_ld_map(em, BPF_REG_1, g->map);
	emit_mov_reg(em, BPF_REG_2, BPF_REG_9);
	emit_alu_imm(em, BPF_ADD, BPF_REG_2, E_KEY);
	emit_call_helper(em, BPF_FUNC_map_lookup_percpu_elem);
	emit_jcond_imm(em, BPF_JEQ, BPF_REG_0, 0, next);
	/* seq = max(seq, copy's seq) */
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_0, seqoff);
	emit_load(em, BPF_DW, BPF_REG_2, BPF_REG_10, seq);
	emit_jcond_reg(em, BPF_JLE, BPF_REG_1, BPF_REG_2, l1);
	emit_store(em, BPF_DW, BPF_REG_10, seq, BPF_REG_1);
	label_bind(em, l1);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_0, 0);		/* count */
	emit_jcond_imm(em, BPF_JEQ, BPF_REG_1, 0, next);
	emit_load(em, BPF_DW, BPF_REG_2, BPF_REG_10, cnt);
	emit_load(em, BPF_DW, BPF_REG_3, BPF_REG_0, 16);	/* min */
	emit_load(em, BPF_DW, BPF_REG_4, BPF_REG_0, 24);	/* max */
	emit_jcond_imm(em, BPF_JEQ, BPF_REG_2, 0, first);
	emit_load(em, BPF_DW, BPF_REG_5, BPF_REG_10, mn);
	emit_jcond_reg(em, BPF_JSGE, BPF_REG_3, BPF_REG_5, l2);
	emit_store(em, BPF_DW, BPF_REG_10, mn, BPF_REG_3);
	label_bind(em, l2);
	emit_load(em, BPF_DW, BPF_REG_5, BPF_REG_10, mx);
	emit_jcond_reg(em, BPF_JSLE, BPF_REG_4, BPF_REG_5, l3);
	emit_store(em, BPF_DW, BPF_REG_10, mx, BPF_REG_4);
	emit_jump(em, l3);
	label_bind(em, first);
	emit_store(em, BPF_DW, BPF_REG_10, mn, BPF_REG_3);
	emit_store(em, BPF_DW, BPF_REG_10, mx, BPF_REG_4);
	label_bind(em, l3);
	emit_alu_reg(em, BPF_ADD, BPF_REG_2, BPF_REG_1);
	emit_store(em, BPF_DW, BPF_REG_10, cnt, BPF_REG_2);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_0, 8);		/* sum */
	emit_load(em, BPF_DW, BPF_REG_2, BPF_REG_10, sum);
	emit_alu_reg(em, BPF_ADD, BPF_REG_2, BPF_REG_1);
	emit_store(em, BPF_DW, BPF_REG_10, sum, BPF_REG_2);
	label_bind(em, next);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, cpu);
	emit_alu_imm(em, BPF_ADD, BPF_REG_1, 1);
	emit_store(em, BPF_DW, BPF_REG_10, cpu, BPF_REG_1);
	emit_jump(em, loop);
	label_bind(em, end);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, seq);
	emit_store(em, BPF_DW, BPF_REG_9, E_SEQ, BPF_REG_1);
	switch (it->sort.agg) {
	case STAT_SUM:
		emit_load(em, BPF_DW, BPF_REG_0, BPF_REG_10, sum);
		break;
	case STAT_MIN:
		emit_load(em, BPF_DW, BPF_REG_0, BPF_REG_10, mn);
		break;
	case STAT_MAX:
		emit_load(em, BPF_DW, BPF_REG_0, BPF_REG_10, mx);
		break;
	case STAT_AVG:
		zero = label_new(em);
		done = label_new(em);
		emit_load(em, BPF_DW, BPF_REG_2, BPF_REG_10, cnt);
		emit_jcond_imm(em, BPF_JEQ, BPF_REG_2, 0, zero);
		emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, sum);
		cg_divmod(cg, false);
		emit_jump(em, done);
		label_bind(em, zero);
		emit_mov_imm(em, BPF_REG_0, 0);
		label_bind(em, done);
		break;
	default:
		emit_load(em, BPF_DW, BPF_REG_0, BPF_REG_10, cnt);
		break;
	}
	emit_store(em, BPF_DW, BPF_REG_9, E_VAL, BPF_REG_0);
	emit_stack_release(em, mark);
}

/*
 * r3 = 0 if the key at r6 has the keys given in a slice (bit i of mask:
 * key i is given), packed as in a key at ST_SIZE in the state at r8.
 */
static void slice_compare(struct cg *cg, const struct cg_global *g,
			  unsigned mask)
{
	struct emitter *em = &cg->em;
	const struct vardecl *v = g->var;
	int i, k, off = 0, size;

	emit_mov_imm(em, BPF_REG_3, 0);
	for (i = 0; i < v->arity; i++) {
		size = v->index_types[i] == TYPE_STRING ? (int)cg->slot : 8;
		for (k = 0; (mask >> i & 1) && k < size; k += 8) {
			emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_6, off + k);
			emit_load(em, BPF_DW, BPF_REG_2, BPF_REG_8,
				  ST_SIZE + off + k);
			emit_alu_reg(em, BPF_XOR, BPF_REG_1, BPF_REG_2);
			emit_alu_reg(em, BPF_OR, BPF_REG_3, BPF_REG_1);
		}
		off += size;
	}
}

/* a[k, *]: E_IN of the entry at r9 = whether the key at r6 is in the
 * slice run_loop() packed at ST_SIZE in the state at r8 */
static void slice_filter(struct cg *cg, const struct iter *it)
{
	struct emitter *em = &cg->em;

	slice_compare(cg, it->g, it->slice);
	/* r3 = r3 == 0, without a branch */
	emit_mov_reg(em, BPF_REG_1, BPF_REG_3);
	emit_insn(em, INSN_NEG64(BPF_REG_1));
	emit_alu_reg(em, BPF_OR, BPF_REG_3, BPF_REG_1);
	emit_alu_imm(em, BPF_RSH, BPF_REG_3, 63);
	emit_alu_imm(em, BPF_XOR, BPF_REG_3, 1);
	emit_store(em, BPF_DW, BPF_REG_9, E_IN, BPF_REG_3);
}

/* bpf_for_each_map_elem() callback (map, key, value, ctx): append the
 * element to the entries */
static int collect_callback(struct cg *cg, const struct iter *it)
{
	struct emitter *em = &cg->em;
	const struct cg_global *g = it->g;
	char *key = arena_printf(cg->arena, "collect %d %d %d %d %d %u", g->map,
				 it->emap, it->sort.col, it->sort.agg,
				 (int)cg->lim.ncpus, it->slice);
	struct cg_sub_save save;
	int idx = cg_sub_find(cg, key), stop, slot;

	if (idx >= 0)
		return idx;
	cg_sub_begin(cg, &save);
	stop = label_new(em);
	slot = cg->key_slot;
	emit_mov_reg(em, BPF_REG_6, BPF_REG_2);
	emit_mov_reg(em, BPF_REG_7, BPF_REG_3);
	emit_store_imm(em, BPF_W, BPF_REG_10, slot, 0);
	lookup_slot(cg, iter_state_map(cg), slot, stop);
	emit_mov_reg(em, BPF_REG_8, BPF_REG_0);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_8, ST_N);
	emit_jcond_imm(em, BPF_JGE, BPF_REG_1, (int32_t)g->capacity, stop);
	lookup_index(cg, it->emap, BPF_REG_1, slot, stop);
	emit_mov_reg(em, BPF_REG_9, BPF_REG_0);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_8, ST_N);
	emit_store(em, BPF_DW, BPF_REG_9, E_PERM, BPF_REG_1);
	emit_alu_imm(em, BPF_ADD, BPF_REG_1, 1);
	emit_store(em, BPF_DW, BPF_REG_8, ST_N, BPF_REG_1);
	copy_words(cg, BPF_REG_9, E_KEY, BPF_REG_6, 0, g->ksize);
	if (it->slice)
		slice_filter(cg, it);
	if (it->stats) {
		collect_stats(cg, it);
	} else {
		copy_words(cg, BPF_REG_9, E_SEQ, BPF_REG_7, g->vsize - 8, 8);
		if (it->sort.col == 0 && it->sort.str)
			copy_words(cg, BPF_REG_9, it->sort.off, BPF_REG_7, 0,
				   (int)cg->slot);
		else if (it->sort.col == 0)
			copy_words(cg, BPF_REG_9, E_VAL, BPF_REG_7, 0, 8);
	}
	ret(cg, 0);
	label_bind(em, stop);
	ret(cg, 1);
	return cg_sub_end(cg, &save, key);
}

/* ---- 2. sorting ------------------------------------------------------------ */

/*
 * r0 = 1 if the entry whose pointer is in stack slot a sorts before the
 * one in slot b: by the sort column, then by seq.  Clobbers r1-r7.
 */
static void less(struct cg *cg, const struct sortspec *s, int a, int b)
{
	struct emitter *em = &cg->em;
	int x = s->dir < 0 ? b : a, y = s->dir < 0 ? a : b;
	int yes = label_new(em), no = label_new(em), tie = label_new(em);
	int done = label_new(em);

	if (s->col >= 0 && s->str) {
		emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, x);
		emit_alu_imm(em, BPF_ADD, BPF_REG_1, s->off);
		emit_load(em, BPF_DW, BPF_REG_2, BPF_REG_10, y);
		emit_alu_imm(em, BPF_ADD, BPF_REG_2, s->off);
		cg_strcmp(cg);
		emit_jcond_imm(em, BPF_JSLT, BPF_REG_0, 0, yes);
		emit_jcond_imm(em, BPF_JSGT, BPF_REG_0, 0, no);
	} else if (s->col >= 0) {
		emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, x);
		emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_1, s->off);
		emit_load(em, BPF_DW, BPF_REG_2, BPF_REG_10, y);
		emit_load(em, BPF_DW, BPF_REG_2, BPF_REG_2, s->off);
		emit_jcond_reg(em, BPF_JSLT, BPF_REG_1, BPF_REG_2, yes);
		emit_jcond_reg(em, BPF_JSGT, BPF_REG_1, BPF_REG_2, no);
	}
	label_bind(em, tie);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, a);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_1, E_SEQ);
	emit_load(em, BPF_DW, BPF_REG_2, BPF_REG_10, b);
	emit_load(em, BPF_DW, BPF_REG_2, BPF_REG_2, E_SEQ);
	emit_jcond_reg(em, BPF_JLT, BPF_REG_1, BPF_REG_2, yes);
	label_bind(em, no);
	emit_mov_imm(em, BPF_REG_0, 0);
	emit_jump(em, done);
	label_bind(em, yes);
	emit_mov_imm(em, BPF_REG_0, 1);
	label_bind(em, done);
}

/* Stack slot p (a pointer) = the entry at sorted position in slot pos */
static void entry_at_pos(struct cg *cg, const struct iter *it, int pos,
			 int p, int fail)
{
	struct emitter *em = &cg->em;

	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, pos);
	lookup_index(cg, it->emap, BPF_REG_1, cg->key_slot, fail);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_0, E_PERM);
	lookup_index(cg, it->emap, BPF_REG_1, cg->key_slot, fail);
	emit_store(em, BPF_DW, BPF_REG_10, p, BPF_REG_0);
}

/* Swap the entries at sorted positions in stack slots i and j */
static void swap(struct cg *cg, const struct iter *it, int i, int j,
		 int tmp, int fail)
{
	struct emitter *em = &cg->em;

	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, i);
	lookup_index(cg, it->emap, BPF_REG_1, cg->key_slot, fail);
	emit_store(em, BPF_DW, BPF_REG_10, tmp, BPF_REG_0);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, j);
	lookup_index(cg, it->emap, BPF_REG_1, cg->key_slot, fail);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, tmp);
	emit_load(em, BPF_DW, BPF_REG_2, BPF_REG_1, E_PERM);
	emit_load(em, BPF_DW, BPF_REG_3, BPF_REG_0, E_PERM);
	emit_store(em, BPF_DW, BPF_REG_1, E_PERM, BPF_REG_3);
	emit_store(em, BPF_DW, BPF_REG_0, E_PERM, BPF_REG_2);
}

/*
 * bpf_loop() callback (index, ctx): one step of a heap sort of the
 * entries' permutation.  A step starts sifting a new root (heapify:
 * n/2 - 1 down to 0; extract: swap the top with the heap's end, shrink
 * the heap, sift 0) or moves the root one level down.
 */
static int sort_callback(struct cg *cg, const struct iter *it)
{
	struct emitter *em = &cg->em;
	char *key = arena_printf(cg->arena, "sort %d %d %d %d %d", it->emap,
				 it->sort.col, it->sort.dir, it->sort.off,
				 it->sort.str);
	struct cg_sub_save save;
	int idx = cg_sub_find(cg, key), stop, sift, extract, idle, nochild;
	int root, child, end, pa, pb, tmp, right;

	if (idx >= 0)
		return idx;
	cg_sub_begin(cg, &save);
	stop = label_new(em);
	sift = label_new(em);
	extract = label_new(em);
	idle = label_new(em);
	nochild = label_new(em);
	right = label_new(em);
	root = emit_stack_alloc(em, 8);
	child = emit_stack_alloc(em, 8);
	end = emit_stack_alloc(em, 8);
	pa = emit_stack_alloc(em, 8);
	pb = emit_stack_alloc(em, 8);
	tmp = emit_stack_alloc(em, 8);

	emit_store_imm(em, BPF_W, BPF_REG_10, cg->key_slot, 0);
	lookup_slot(cg, iter_state_map(cg), cg->key_slot, stop);
	emit_mov_reg(em, BPF_REG_8, BPF_REG_0);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_8, ST_ROOT);
	emit_jcond_imm(em, BPF_JSGE, BPF_REG_1, 0, sift);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_8, ST_PHASE);
	emit_jcond_imm(em, BPF_JNE, BPF_REG_1, 0, extract);
	/* heapify: the next root, or on to extracting */
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_8, ST_START);
	emit_jcond_imm(em, BPF_JSLE, BPF_REG_1, 0, idle);
	emit_alu_imm(em, BPF_SUB, BPF_REG_1, 1);
	emit_store(em, BPF_DW, BPF_REG_8, ST_START, BPF_REG_1);
	emit_store(em, BPF_DW, BPF_REG_8, ST_ROOT, BPF_REG_1);
	ret(cg, 0);
	label_bind(em, idle);
	emit_store_imm(em, BPF_DW, BPF_REG_8, ST_PHASE, 1);
	ret(cg, 0);
	/* extract: swap 0 and end - 1, the heap shrinks, sift 0 */
	label_bind(em, extract);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_8, ST_END);
	emit_jcond_imm(em, BPF_JSLE, BPF_REG_1, 1, stop);
	emit_alu_imm(em, BPF_SUB, BPF_REG_1, 1);
	emit_store(em, BPF_DW, BPF_REG_8, ST_END, BPF_REG_1);
	emit_store(em, BPF_DW, BPF_REG_10, end, BPF_REG_1);
	emit_store_imm(em, BPF_DW, BPF_REG_10, root, 0);
	emit_store_imm(em, BPF_DW, BPF_REG_8, ST_ROOT, 0);
	swap(cg, it, root, end, tmp, stop);
	ret(cg, 0);
	/* sift: child = 2 root + 1, the larger of it and its sibling */
	label_bind(em, sift);
	emit_store(em, BPF_DW, BPF_REG_10, root, BPF_REG_1);
	emit_alu_imm(em, BPF_LSH, BPF_REG_1, 1);
	emit_alu_imm(em, BPF_ADD, BPF_REG_1, 1);
	emit_store(em, BPF_DW, BPF_REG_10, child, BPF_REG_1);
	emit_load(em, BPF_DW, BPF_REG_2, BPF_REG_8, ST_END);
	emit_store(em, BPF_DW, BPF_REG_10, end, BPF_REG_2);
	emit_jcond_reg(em, BPF_JSGE, BPF_REG_1, BPF_REG_2, nochild);
	emit_alu_imm(em, BPF_ADD, BPF_REG_1, 1);
	emit_jcond_reg(em, BPF_JSGE, BPF_REG_1, BPF_REG_2, right);
	emit_store(em, BPF_DW, BPF_REG_10, tmp, BPF_REG_1);
	entry_at_pos(cg, it, child, pa, stop);
	entry_at_pos(cg, it, tmp, pb, stop);
	less(cg, &it->sort, pa, pb);
	emit_jcond_imm(em, BPF_JEQ, BPF_REG_0, 0, right);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, tmp);
	emit_store(em, BPF_DW, BPF_REG_10, child, BPF_REG_1);
	label_bind(em, right);
	entry_at_pos(cg, it, root, pa, stop);
	entry_at_pos(cg, it, child, pb, stop);
	less(cg, &it->sort, pa, pb);
	emit_jcond_imm(em, BPF_JEQ, BPF_REG_0, 0, nochild);
	swap(cg, it, root, child, tmp, stop);
	emit_store_imm(em, BPF_W, BPF_REG_10, cg->key_slot, 0);
	lookup_slot(cg, iter_state_map(cg), cg->key_slot, stop);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, child);
	emit_store(em, BPF_DW, BPF_REG_0, ST_ROOT, BPF_REG_1);
	ret(cg, 0);
	label_bind(em, nochild);
	emit_store_imm(em, BPF_W, BPF_REG_10, cg->key_slot, 0);
	lookup_slot(cg, iter_state_map(cg), cg->key_slot, stop);
	emit_store_imm(em, BPF_DW, BPF_REG_0, ST_ROOT, -1);
	ret(cg, 0);
	label_bind(em, stop);
	ret(cg, 1);
	return cg_sub_end(cg, &save, key);
}

/* ---- 3. renumbering -------------------------------------------------------- */

/* bpf_loop() callback (i, ctx): the element at sorted position i gets
 * seq base + i, as if the list had been sorted in place */
static int renumber_callback(struct cg *cg, const struct iter *it)
{
	struct emitter *em = &cg->em;
	char *key = arena_printf(cg->arena, "renumber %d %d", it->g->map,
				 it->emap);
	struct cg_sub_save save;
	int idx = cg_sub_find(cg, key), stop, next, pos, p;

	if (idx >= 0)
		return idx;
	cg_sub_begin(cg, &save);
	stop = label_new(em);
	next = label_new(em);
	pos = emit_stack_alloc(em, 8);
	p = emit_stack_alloc(em, 8);
	emit_store(em, BPF_DW, BPF_REG_10, pos, BPF_REG_1);
	emit_store_imm(em, BPF_W, BPF_REG_10, cg->key_slot, 0);
	lookup_slot(cg, iter_state_map(cg), cg->key_slot, stop);
	emit_mov_reg(em, BPF_REG_8, BPF_REG_0);
	entry_at_pos(cg, it, pos, p, stop);
	emit_ld_map(em, BPF_REG_1, it->g->map);
	emit_load(em, BPF_DW, BPF_REG_2, BPF_REG_10, p);
	emit_alu_imm(em, BPF_ADD, BPF_REG_2, E_KEY);
	emit_call_helper(em, BPF_FUNC_map_lookup_elem);
	emit_jcond_imm(em, BPF_JEQ, BPF_REG_0, 0, next);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_8, ST_BASE);
	emit_load(em, BPF_DW, BPF_REG_2, BPF_REG_10, pos);
	emit_alu_reg(em, BPF_ADD, BPF_REG_1, BPF_REG_2);
	emit_store(em, BPF_DW, BPF_REG_0, it->g->vsize - 8, BPF_REG_1);
	label_bind(em, next);
	ret(cg, 0);
	label_bind(em, stop);
	ret(cg, 1);
	return cg_sub_end(cg, &save, key);
}

/* bpf_loop() callback (i, ctx): a slice keeps the entries in it, in
 * order: position ST_START (the next kept) takes position i's entry if
 * that entry is in the slice */
static int compact_callback(struct cg *cg, const struct iter *it)
{
	struct emitter *em = &cg->em;
	char *key = arena_printf(cg->arena, "compact %d", it->emap);
	struct cg_sub_save save;
	int idx = cg_sub_find(cg, key), stop, next, pos, p;

	if (idx >= 0)
		return idx;
	cg_sub_begin(cg, &save);
	stop = label_new(em);
	next = label_new(em);
	pos = emit_stack_alloc(em, 8);
	p = emit_stack_alloc(em, 8);
	emit_store(em, BPF_DW, BPF_REG_10, pos, BPF_REG_1);
	entry_at_pos(cg, it, pos, p, stop);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_0, E_IN);
	emit_jcond_imm(em, BPF_JEQ, BPF_REG_1, 0, next);
	emit_store_imm(em, BPF_W, BPF_REG_10, cg->key_slot, 0);
	lookup_slot(cg, iter_state_map(cg), cg->key_slot, stop);
	emit_mov_reg(em, BPF_REG_8, BPF_REG_0);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_8, ST_START);
	lookup_index(cg, it->emap, BPF_REG_1, cg->key_slot, stop);
	/* the kept entry's index: position pos's perm */
	emit_mov_reg(em, BPF_REG_7, BPF_REG_0);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, pos);
	lookup_index(cg, it->emap, BPF_REG_1, cg->key_slot, stop);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_0, E_PERM);
	emit_store(em, BPF_DW, BPF_REG_7, E_PERM, BPF_REG_1);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_8, ST_START);
	emit_alu_imm(em, BPF_ADD, BPF_REG_1, 1);
	emit_store(em, BPF_DW, BPF_REG_8, ST_START, BPF_REG_1);
	label_bind(em, next);
	ret(cg, 0);
	label_bind(em, stop);
	ret(cg, 1);
	return cg_sub_end(cg, &save, key);
}

/* ---- delete a ------------------------------------------------------------------ */

/* bpf_for_each_map_elem() callback: delete the element */
static int delete_callback(struct cg *cg, const struct cg_global *g)
{
	struct emitter *em = &cg->em;
	char *key = arena_printf(cg->arena, "delete %d", g->map);
	struct cg_sub_save save;
	int idx = cg_sub_find(cg, key);

	if (idx >= 0)
		return idx;
	cg_sub_begin(cg, &save);
	emit_ld_map(em, BPF_REG_1, g->map);
	emit_call_helper(em, BPF_FUNC_map_delete_elem);
	ret(cg, 0);
	return cg_sub_end(cg, &save, key);
}

void cg_delete_all(struct cg *cg, const struct cg_global *g,
		   const struct token *tok)
{
	struct emitter *em = &cg->em;
	int cb;

	(void)tok;
	cb = delete_callback(cg, g);
	if (cb < 0)
		return;
	emit_ld_map(em, BPF_REG_1, g->map);
	emit_ld_func(em, BPF_REG_2, cb);
	emit_mov_imm(em, BPF_REG_3, 0);
	emit_mov_imm(em, BPF_REG_4, 0);
	emit_call_helper(em, BPF_FUNC_for_each_map_elem);
}

/* ---- delete a[k, *], [k, *] in a -------------------------------------------- */

static void slice_keys(struct cg *cg, const struct cg_global *g,
		       const struct ptrvec *slots, const struct token *tok,
		       int fail);

static unsigned slice_mask(const struct ptrvec *args)
{
	unsigned mask = 0;

	for (int i = 0; i < args->n && i < 32; i++)
		if (((const struct expr *)args->v[i])->kind != E_WILDCARD)
			mask |= 1u << i;
	return mask;
}

bool cg_is_slice(const struct ptrvec *args)
{
	for (int i = 0; i < args->n; i++)
		if (((const struct expr *)args->v[i])->kind == E_WILDCARD)
			return true;
	return false;
}

/* bpf_for_each_map_elem() callback: delete the element if in the
 * slice (in: note that one is and stop) */
static int slice_callback(struct cg *cg, const struct cg_global *g,
			  unsigned mask, bool in)
{
	struct emitter *em = &cg->em;
	char *key = arena_printf(cg->arena, "%s %d %u", in ? "in" : "unset",
				 g->map, mask);
	struct cg_sub_save save;
	int idx = cg_sub_find(cg, key), stop, out;

	if (idx >= 0)
		return idx;
	cg_sub_begin(cg, &save);
	stop = label_new(em);
	out = label_new(em);
	emit_mov_reg(em, BPF_REG_6, BPF_REG_2);
	emit_store_imm(em, BPF_W, BPF_REG_10, cg->key_slot, 0);
	lookup_slot(cg, iter_state_map_with(cg, g->ksize), cg->key_slot, stop);
	emit_mov_reg(em, BPF_REG_8, BPF_REG_0);
	slice_compare(cg, g, mask);
	emit_jcond_imm(em, BPF_JNE, BPF_REG_3, 0, out);
	if (in) {
		emit_store_imm(em, BPF_DW, BPF_REG_8, ST_N, 1);
		ret(cg, 1);
	} else {
		emit_ld_map(em, BPF_REG_1, g->map);
		emit_mov_reg(em, BPF_REG_2, BPF_REG_6);
		emit_call_helper(em, BPF_FUNC_map_delete_elem);
	}
	label_bind(em, out);
	ret(cg, 0);
	label_bind(em, stop);
	ret(cg, 1);
	return cg_sub_end(cg, &save, key);
}

void cg_slice_op(struct cg *cg, const struct cg_global *g,
		 const struct ptrvec *args, const struct token *tok, bool in)
{
	struct emitter *em = &cg->em;
	int cb = slice_callback(cg, g, slice_mask(args), in);
	int st = iter_state_map_with(cg, g->ksize), done = label_new(em);

	emit_mov_imm(em, BPF_REG_0, 0);
	if (cb < 0) {
		label_bind(em, done);
		return;
	}
	slice_keys(cg, g, args, tok, done);
	rt_lookup0(cg, st, done);
	emit_store_imm(em, BPF_DW, BPF_REG_0, ST_N, 0);
	emit_ld_map(em, BPF_REG_1, g->map);
	emit_ld_func(em, BPF_REG_2, cb);
	emit_mov_imm(em, BPF_REG_3, 0);
	emit_mov_imm(em, BPF_REG_4, 0);
	emit_call_helper(em, BPF_FUNC_for_each_map_elem);
	emit_mov_imm(em, BPF_REG_0, 0);
	if (in) {
		rt_lookup0(cg, st, done);
		emit_load(em, BPF_DW, BPF_REG_0, BPF_REG_0, ST_N);
	}
	label_bind(em, done);
}

/* ---- wrapping arrays --------------------------------------------------------- */

/* r1 = the element's seq: at value + seqoff, or for statistics (key at
 * r6) the largest of the CPUs' copies.  Clobbers r0-r5. */
static void element_seq(struct cg *cg, const struct cg_global *g, int value)
{
	struct emitter *em = &cg->em;
	int mark = emit_stack_mark(em), cpu, seq, loop, next, end;

	if (g->var->type != TYPE_STATS) {
		emit_load(em, BPF_DW, BPF_REG_1, value, g->vsize - 8);
		return;
	}
	cpu = emit_stack_alloc(em, 8);
	seq = emit_stack_alloc(em, 8);
	loop = label_new(em);
	next = label_new(em);
	end = label_new(em);
	emit_store_imm(em, BPF_DW, BPF_REG_10, cpu, 0);
	emit_store_imm(em, BPF_DW, BPF_REG_10, seq, 0);
	label_bind(em, loop);
	emit_load(em, BPF_DW, BPF_REG_3, BPF_REG_10, cpu);
	emit_jcond_imm(em, BPF_JGE, BPF_REG_3, (int32_t)cg->lim.ncpus, end);
	emit_ld_map(em, BPF_REG_1, g->map);
	emit_mov_reg(em, BPF_REG_2, BPF_REG_6);
	emit_call_helper(em, BPF_FUNC_map_lookup_percpu_elem);
	emit_jcond_imm(em, BPF_JEQ, BPF_REG_0, 0, next);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_0, g->vsize - 8);
	emit_load(em, BPF_DW, BPF_REG_2, BPF_REG_10, seq);
	emit_jcond_reg(em, BPF_JLE, BPF_REG_1, BPF_REG_2, next);
	emit_store(em, BPF_DW, BPF_REG_10, seq, BPF_REG_1);
	label_bind(em, next);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, cpu);
	emit_alu_imm(em, BPF_ADD, BPF_REG_1, 1);
	emit_store(em, BPF_DW, BPF_REG_10, cpu, BPF_REG_1);
	emit_jump(em, loop);
	label_bind(em, end);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, seq);
	emit_stack_release(em, mark);
}

/* bpf_for_each_map_elem() callback: keep the key with the smallest seq
 * in sonde_iter (ST_BASE its seq, ST_N 1 once one is found) */
static int oldest_callback(struct cg *cg, const struct cg_global *g)
{
	struct emitter *em = &cg->em;
	char *key = arena_printf(cg->arena, "oldest %d", g->map);
	struct cg_sub_save save;
	int idx = cg_sub_find(cg, key), stop, older;

	if (idx >= 0)
		return idx;
	cg_sub_begin(cg, &save);
	stop = label_new(em);
	older = label_new(em);
	emit_mov_reg(em, BPF_REG_6, BPF_REG_2);
	emit_mov_reg(em, BPF_REG_7, BPF_REG_3);
	element_seq(cg, g, BPF_REG_7);
	emit_mov_reg(em, BPF_REG_7, BPF_REG_1);
	emit_store_imm(em, BPF_W, BPF_REG_10, cg->key_slot, 0);
	lookup_slot(cg, iter_state_map_with(cg, g->ksize), cg->key_slot, stop);
	emit_load(em, BPF_DW, BPF_REG_2, BPF_REG_0, ST_BASE);
	emit_jcond_reg(em, BPF_JLT, BPF_REG_7, BPF_REG_2, older);
	ret(cg, 0);
	label_bind(em, older);
	emit_store(em, BPF_DW, BPF_REG_0, ST_BASE, BPF_REG_7);
	emit_store_imm(em, BPF_DW, BPF_REG_0, ST_N, 1);
	copy_words(cg, BPF_REG_0, ST_SIZE, BPF_REG_6, 0, g->ksize);
	ret(cg, 0);
	label_bind(em, stop);
	ret(cg, 1);
	return cg_sub_end(cg, &save, key);
}

void cg_wrap_evict(struct cg *cg, const struct cg_global *g)
{
	struct emitter *em = &cg->em;
	int cb = oldest_callback(cg, g), st, skip = label_new(em);

	st = iter_state_map_with(cg, g->ksize);
	if (cb < 0) {
		label_bind(em, skip);
		return;
	}
	rt_lookup0(cg, st, skip);
	emit_store_imm(em, BPF_DW, BPF_REG_0, ST_N, 0);
	emit_store_imm(em, BPF_DW, BPF_REG_0, ST_BASE, -1);
	emit_ld_map(em, BPF_REG_1, g->map);
	emit_ld_func(em, BPF_REG_2, cb);
	emit_mov_imm(em, BPF_REG_3, 0);
	emit_mov_imm(em, BPF_REG_4, 0);
	emit_call_helper(em, BPF_FUNC_for_each_map_elem);
	rt_lookup0(cg, st, skip);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_0, ST_N);
	emit_jcond_imm(em, BPF_JEQ, BPF_REG_1, 0, skip);
	emit_mov_reg(em, BPF_REG_2, BPF_REG_0);
	emit_alu_imm(em, BPF_ADD, BPF_REG_2, ST_SIZE);
	emit_ld_map(em, BPF_REG_1, g->map);
	emit_call_helper(em, BPF_FUNC_map_delete_elem);
	label_bind(em, skip);
}

/* ---- the statement ----------------------------------------------------------- */

/* The sort column of s, its type and its offset in an entry */
static bool sort_of(struct cg *cg, const struct stmt *s, struct iter *it)
{
	const struct vardecl *v = it->g->var;
	struct sortspec *o = &it->sort;
	int i, off = E_KEY;

	o->col = -1;
	o->dir = 1;
	o->agg = s->has_sort_agg ? s->sort_agg : STAT_COUNT;
	if (o->agg == STAT_VARIANCE) {
		cg_unsupported(cg, s->tok, "sorting by @variance");
		return false;
	}
	if (s->value_sort) {
		o->col = 0;
		o->dir = s->value_sort;
		o->str = v->type == TYPE_STRING;
		o->off = o->str ? E_KEY + it->g->ksize : E_VAL;
		return true;
	}
	for (i = 0; i < s->keys.n; i++) {
		const struct foreach_key *k = s->keys.v[i];

		if (k->sort) {
			o->col = i + 1;
			o->dir = k->sort;
			o->str = v->index_types[i] == TYPE_STRING;
			o->off = off;
		}
		off += v->index_types[i] == TYPE_STRING ? (int)cg->slot : 8;
	}
	return true;
}

/* The entry map for g at the current foreach nesting depth over g */
static int entry_map(struct cg *cg, struct iter *it, const struct token *tok)
{
	struct cg_global *g = it->g;
	const struct cg_loop *l;
	int depth = 0;

	for (l = cg->loop; l; l = l->outer)
		if (l->array == g)
			depth++;
	if (depth >= MAX_DEPTH) {
		cg_unsupported(cg, tok, "foreach nested this deep over one array");
		return -1;
	}
	it->esize = E_KEY + g->ksize + (g->var->type == TYPE_STRING
					? (int)cg->slot : 0);
	if (!g->iter_maps[depth])
		g->iter_maps[depth] = 1 + cg_add_map(cg,
			arena_printf(cg->arena, "sonde_e%d_%s", depth,
				     g->var->name),
			BPF_MAP_TYPE_PERCPU_ARRAY, 4, it->esize, g->capacity);
	return g->iter_maps[depth] - 1;
}

/* The bpf_loop() calls that sort n <= capacity entries */
static void emit_sort(struct cg *cg, const struct iter *it, int cb)
{
	struct emitter *em = &cg->em;
	uint64_t n = it->g->capacity, steps, lg = 1, k;

	while ((1ull << lg) < n)
		lg++;
	steps = 2 * n * (lg + 2) + 4;
	for (k = 0; k < steps; k += BPF_LOOP_MAX) {
		emit_mov_imm(em, BPF_REG_1, (int32_t)(steps - k < BPF_LOOP_MAX
						      ? steps - k : BPF_LOOP_MAX));
		emit_ld_func(em, BPF_REG_2, cb);
		emit_mov_imm(em, BPF_REG_3, 0);
		emit_mov_imm(em, BPF_REG_4, 0);
		emit_call_helper(em, BPF_FUNC_loop);
	}
}

/* Store the long in r0, or copy the string at r3, into variable v */
static void bind_var(struct cg *cg, struct vardecl *v, const struct token *tok,
		     bool str)
{
	struct expr e = { .tok = tok, .var = v };
	int reg, off;

	if (!cg_var_place(cg, &e, &reg, &off))
		return;
	if (str)
		cg_str_copy(cg, reg, off);
	else
		emit_store(&cg->em, BPF_DW, reg, off, BPF_REG_0);
}

/* a[k, *]: the given keys, packed as in a key, into sonde_iter at
 * ST_SIZE for slice_compare() */
static void slice_keys(struct cg *cg, const struct cg_global *g,
		       const struct ptrvec *slots, const struct token *tok,
		       int fail)
{
	struct emitter *em = &cg->em;
	int smark = cg_scratch_mark(cg), buf, off = 0, i, m;
	int st = iter_state_map_with(cg, g->ksize);

	buf = cg_scratch_alloc(cg, tok, g->ksize);
	cg_clear(cg, CG_SCRATCH, buf, g->ksize);
	for (i = 0; i < slots->n; i++) {
		const struct expr *k = slots->v[i];
		bool str = g->var->index_types[i] == TYPE_STRING;

		m = cg_scratch_mark(cg);
		if (k->kind != E_WILDCARD && str) {
			cg_str(cg, k);
			emit_mov_reg(em, BPF_REG_3, BPF_REG_0);
			cg_str_copy(cg, CG_SCRATCH, buf + off);
		} else if (k->kind != E_WILDCARD) {
			cg_long(cg, k);
			emit_store(em, BPF_DW, CG_SCRATCH, buf + off, BPF_REG_0);
		}
		cg_scratch_release(cg, m);
		off += str ? (int)cg->slot : 8;
	}
	rt_lookup0(cg, st, fail);
	copy_words(cg, BPF_REG_0, ST_SIZE, CG_SCRATCH, buf, g->ksize);
	cg_scratch_release(cg, smark);
}

/*
 * The body's callback shares the probe's locals and action budget with
 * it through the scratch frame at ls: a word the callback sets when the
 * handler must end (next, an error), the budget, then each long local.
 * Going through map memory also keeps what the verifier knows of them
 * from one iteration out of the next, so it checks the callback once.
 */
static void stash(struct cg *cg, int ls, int frame)
{
	struct emitter *em = &cg->em;
	int i;

	emit_load(em, BPF_DW, BPF_REG_1, frame, cg->act_slot);
	emit_store(em, BPF_DW, CG_SCRATCH, ls + 8, BPF_REG_1);
	for (i = 0; i < cg->nlocals; i++) {
		if (cg->locals[i].var->type == TYPE_STRING)
			continue;
		emit_load(em, BPF_DW, BPF_REG_1, frame, cg->locals[i].off);
		emit_store(em, BPF_DW, CG_SCRATCH, ls + 16 + 8 * i, BPF_REG_1);
	}
}

static void unstash(struct cg *cg, int ls, int frame)
{
	struct emitter *em = &cg->em;
	int i;

	emit_load(em, BPF_DW, BPF_REG_1, CG_SCRATCH, ls + 8);
	emit_store(em, BPF_DW, frame, cg->act_slot, BPF_REG_1);
	for (i = 0; i < cg->nlocals; i++) {
		if (cg->locals[i].var->type == TYPE_STRING)
			continue;
		emit_load(em, BPF_DW, BPF_REG_1, CG_SCRATCH, ls + 16 + 8 * i);
		emit_store(em, BPF_DW, frame, cg->locals[i].off, BPF_REG_1);
	}
}

/* The frame a body needs mirrored: the budget, the key slot and the
 * long locals, which the program allocates first; what lies deeper
 * (enclosing loops' slots) the body never refers to */
static int mirror_depth(const struct cg *cg)
{
	int i, d = -cg->act_slot;

	if (-cg->key_slot > d)
		d = -cg->key_slot;
	for (i = 0; i < cg->nlocals; i++)
		if (cg->locals[i].var->type != TYPE_STRING &&
		    -cg->locals[i].off > d)
			d = -cg->locals[i].off;
	return d;
}

/*
 * bpf_loop() callback (position, ctx): one iteration of the foreach s.
 * Its frame mirrors the probe's first depth bytes; r9 and r8 are looked
 * up again.  Returns 0 to go on, 1 for break, next or an error (which
 * also sets the word at ls).
 */
static int body_callback(struct cg *cg, const struct stmt *s,
			 const struct iter *it, int ls, int depth)
{
	struct emitter *em = &cg->em;
	const struct vardecl *v = it->g->var;
	char *key = arena_printf(cg->arena, "body %p %d", (const void *)s,
				 depth);
	struct cg_loop loop = { 0 };
	struct cg_sub_save save;
	int pos, ep, vp, i, off, stop, ended;
	uint32_t mask = 1;

	cg_sub_begin_mirror(cg, &save, depth);
	loop.brk = cg_label(cg);
	loop.cont = cg_label(cg);
	loop.outer = save.loop;		/* for the nesting depth */
	loop.array = NULL;
	stop = label_new(em);
	ended = cg_label(cg);
	cg->exit_label = ended;
	pos = emit_stack_alloc(em, 8);
	ep = emit_stack_alloc(em, 8);
	vp = emit_stack_alloc(em, 8);
	emit_store(em, BPF_DW, BPF_REG_10, pos, BPF_REG_1);
	rt_lookup0(cg, CG_MAP_SCRATCH, stop);
	emit_mov_reg(em, CG_SCRATCH, BPF_REG_0);
	if (cg->map_globals >= 0) {
		rt_lookup0(cg, cg->map_globals, stop);
		emit_mov_reg(em, CG_GLOBALS, BPF_REG_0);
	}
	unstash(cg, ls, BPF_REG_10);
	/* the budget as the verifier sees it: some value it can bound */
	while (mask < cg->lim.maxaction)
		mask = mask << 1 | 1;
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, cg->act_slot);
	emit_alu_imm(em, BPF_AND, BPF_REG_1, (int32_t)mask);
	emit_store(em, BPF_DW, BPF_REG_10, cg->act_slot, BPF_REG_1);
	cg_charge_iteration(cg, s->body, s->tok);
	emit_load(em, BPF_DW, BPF_REG_6, BPF_REG_10, pos);
	lookup_index(cg, it->emap, BPF_REG_6, cg->key_slot, stop);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_0, E_PERM);
	lookup_index(cg, it->emap, BPF_REG_1, cg->key_slot, stop);
	emit_store(em, BPF_DW, BPF_REG_10, ep, BPF_REG_0);
	/* an element deleted since the loop began is skipped */
	emit_ld_map(em, BPF_REG_1, it->g->map);
	emit_mov_reg(em, BPF_REG_2, BPF_REG_0);
	emit_alu_imm(em, BPF_ADD, BPF_REG_2, E_KEY);
	emit_call_helper(em, BPF_FUNC_map_lookup_elem);
	cg_jcond(cg, BPF_JEQ, BPF_REG_0, 0, loop.cont);
	emit_store(em, BPF_DW, BPF_REG_10, vp, BPF_REG_0);
	for (i = 0, off = E_KEY; i < s->keys.n; i++) {
		const struct foreach_key *k = s->keys.v[i];
		bool str = v->index_types[i] == TYPE_STRING;

		emit_load(em, BPF_DW, BPF_REG_3, BPF_REG_10, ep);
		if (str)
			emit_alu_imm(em, BPF_ADD, BPF_REG_3, off);
		else
			emit_load(em, BPF_DW, BPF_REG_0, BPF_REG_3, off);
		bind_var(cg, k->var, k->tok, str);
		off += str ? (int)cg->slot : 8;
	}
	if (s->value_decl) {
		emit_load(em, BPF_DW, BPF_REG_3, BPF_REG_10, vp);
		if (v->type != TYPE_STRING)
			emit_load(em, BPF_DW, BPF_REG_0, BPF_REG_3, 0);
		bind_var(cg, s->value_decl, s->value_var, v->type == TYPE_STRING);
	}
	cg->loop = &loop;
	cg_stmt(cg, s->body);
	cg->loop = NULL;
	cg->dead = false;
	cg_bind(cg, loop.cont);
	stash(cg, ls, BPF_REG_10);
	ret(cg, 0);
	/* the blocks no jump reaches are left out: the verifier refuses
	 * unreachable code */
	label_bind(em, loop.brk);
	if (cg->label_used[loop.brk]) {
		stash(cg, ls, BPF_REG_10);
		ret(cg, 1);
	}
	label_bind(em, ended);
	if (cg->label_used[ended] || cg->error_label >= 0) {
		emit_store_imm(em, BPF_DW, CG_SCRATCH, ls, 1);
		ret(cg, 1);
	}
	label_bind(em, stop);
	ret(cg, 1);
	if (cg->error_label >= 0)
		rt_error_tail(cg);
	return cg_sub_end(cg, &save, key);
}

/* A mask that keeps any count up to cap: at run time n <= cap already,
 * and the verifier learns it without a branch, which bounds the loop
 * for small arrays */
static uint32_t count_mask(unsigned cap)
{
	uint32_t m = 1;

	while (m < cap)
		m = m << 1 | 1;
	return m;
}

/* Steps 1-3, then the loop of step 4 */
static void run_loop(struct cg *cg, const struct stmt *s, struct iter *it)
{
	struct emitter *em = &cg->em;
	struct cg_loop loop = { cg_label(cg), cg_label(cg), cg->loop, it->g };
	int out = cg_label(cg), mark = emit_stack_mark(em);
	int lim = emit_stack_alloc(em, 8);
	int n = emit_stack_alloc(em, 8), entry = emit_stack_alloc(em, 8);
	int collect, sort, renumber = -1, compact = -1, body, ok, ls, st;

	if (s->limit) {
		cg_long(cg, s->limit);
		emit_store(em, BPF_DW, BPF_REG_10, lim, BPF_REG_0);
	}
	if (it->slice)
		slice_keys(cg, it->g, &s->slots, s->tok, out);
	collect = collect_callback(cg, it);
	sort = sort_callback(cg, it);
	if (it->sort.col >= 0)
		renumber = renumber_callback(cg, it);
	if (it->slice)
		compact = compact_callback(cg, it);
	if (collect < 0 || sort < 0 || (it->sort.col >= 0 && renumber < 0) ||
	    (it->slice && compact < 0))
		return;
	st = iter_state_map(cg);
	/* 1. collect */
	rt_lookup0(cg, st, out);
	emit_store_imm(em, BPF_DW, BPF_REG_0, ST_N, 0);
	emit_ld_map(em, BPF_REG_1, it->g->map);
	emit_ld_func(em, BPF_REG_2, collect);
	emit_mov_imm(em, BPF_REG_3, 0);
	emit_mov_imm(em, BPF_REG_4, 0);
	emit_call_helper(em, BPF_FUNC_for_each_map_elem);
	/* 2. sort */
	rt_lookup0(cg, st, out);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_0, ST_N);
	emit_alu_imm(em, BPF_AND, BPF_REG_1, (int32_t)count_mask(it->g->capacity));
	emit_store(em, BPF_DW, BPF_REG_10, n, BPF_REG_1);
	emit_store(em, BPF_DW, BPF_REG_0, ST_END, BPF_REG_1);
	emit_alu_imm(em, BPF_RSH, BPF_REG_1, 1);
	emit_store(em, BPF_DW, BPF_REG_0, ST_START, BPF_REG_1);
	emit_store_imm(em, BPF_DW, BPF_REG_0, ST_PHASE, 0);
	emit_store_imm(em, BPF_DW, BPF_REG_0, ST_ROOT, -1);
	emit_sort(cg, it, sort);
	/* 3. renumber: seq base .. base + n - 1 */
	if (renumber >= 0) {
		rt_lookup0(cg, st, out);
		emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, n);
		emit_atomic_fetch_add(em, BPF_DW, CG_GLOBALS, it->g->off,
				      BPF_REG_1);
		emit_store(em, BPF_DW, BPF_REG_0, ST_BASE, BPF_REG_1);
		emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, n);
		emit_ld_func(em, BPF_REG_2, renumber);
		emit_mov_imm(em, BPF_REG_3, 0);
		emit_mov_imm(em, BPF_REG_4, 0);
		emit_call_helper(em, BPF_FUNC_loop);
	}
	/* a slice: only its entries, in order */
	if (compact >= 0) {
		rt_lookup0(cg, st, out);
		emit_store_imm(em, BPF_DW, BPF_REG_0, ST_START, 0);
		emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, n);
		emit_ld_func(em, BPF_REG_2, compact);
		emit_mov_imm(em, BPF_REG_3, 0);
		emit_mov_imm(em, BPF_REG_4, 0);
		emit_call_helper(em, BPF_FUNC_loop);
		rt_lookup0(cg, st, out);
		emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_0, ST_START);
		emit_store(em, BPF_DW, BPF_REG_10, n, BPF_REG_1);
	}
	/* limit N: at most N iterations */
	if (s->limit) {
		int ok = label_new(em);

		emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, n);
		emit_load(em, BPF_DW, BPF_REG_2, BPF_REG_10, lim);
		emit_jcond_reg(em, BPF_JSLE, BPF_REG_1, BPF_REG_2, ok);
		emit_store(em, BPF_DW, BPF_REG_10, n, BPF_REG_2);
		label_bind(em, ok);
	}
	/* 4. iterate: the body runs in a bpf_loop() callback */
	cg_remember_budget(cg, entry);
	ok = label_new(em);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, n);
	emit_jcond_imm(em, BPF_JSGE, BPF_REG_1, 0, ok);
	emit_store_imm(em, BPF_DW, BPF_REG_10, n, 0);
	label_bind(em, ok);
	ls = cg_scratch_alloc(cg, s->tok, 16 + 8 * cg->nlocals);
	stash(cg, ls, BPF_REG_10);
	emit_store_imm(em, BPF_DW, CG_SCRATCH, ls, 0);
	cg->loop = &loop;
	body = body_callback(cg, s, it, ls, mirror_depth(cg));
	cg->loop = loop.outer;
	if (body >= 0) {
		emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, n);
		emit_ld_func(em, BPF_REG_2, body);
		emit_mov_imm(em, BPF_REG_3, 0);
		emit_mov_imm(em, BPF_REG_4, 0);
		emit_call_helper(em, BPF_FUNC_loop);
		unstash(cg, ls, BPF_REG_10);
		cg_forget_budget(cg, entry);
		/* next, or an error, in the body ended the handler */
		emit_load(em, BPF_DW, BPF_REG_1, CG_SCRATCH, ls);
		cg_jcond(cg, BPF_JNE, BPF_REG_1, 0, cg->exit_label);
	}
	cg_bind(cg, out);
	label_bind(em, loop.brk);
	label_bind(em, loop.cont);
	emit_stack_release(em, mark);
}

/*
 * foreach (b in @hist_*(s)): every bucket index in order, the value the
 * bucket's count, from one aggregate taken before the loop (upstream
 * iterates the buckets of its aggregate the same way).
 */
static void hist_loop(struct cg *cg, const struct stmt *s)
{
	struct emitter *em = &cg->em;
	const struct foreach_key *k = s->keys.n ? s->keys.v[0] : NULL;
	struct cg_loop loop = { cg_label(cg), cg_label(cg), cg->loop, NULL };
	int mark = emit_stack_mark(em), n = emit_stack_alloc(em, 8);
	int pos = emit_stack_alloc(em, 8), entry = emit_stack_alloc(em, 8);
	int smark = cg_scratch_mark(cg), agg, top = cg_label(cg);
	int body = label_new(em), ok;
	struct cg_global *g;

	if (s->keys.n != 1 || s->value_sort || k->sort) {
		cg_unsupported(cg, s->tok, "sorting a histogram's buckets");
		return;
	}
	if (s->limit) {
		cg_long(cg, s->limit);
		emit_store(em, BPF_DW, BPF_REG_10, n, BPF_REG_0);
	}
	agg = cg_aggregate_operand(cg, s->array->left, CG_AGG_HIST, 0, &g);
	if (agg < 0)
		return;
	if (s->limit) {
		ok = label_new(em);
		emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, n);
		emit_jcond_imm(em, BPF_JSLE, BPF_REG_1, g->sd.nbuckets, ok);
		emit_store_imm(em, BPF_DW, BPF_REG_10, n, g->sd.nbuckets);
		label_bind(em, ok);
	} else {
		emit_store_imm(em, BPF_DW, BPF_REG_10, n, g->sd.nbuckets);
	}
	cg_remember_budget(cg, entry);
	emit_store_imm(em, BPF_DW, BPF_REG_10, pos, 0);
	cg_bind(cg, top);
	cg_charge_iteration(cg, s->body, s->tok);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, pos);
	emit_load(em, BPF_DW, BPF_REG_2, BPF_REG_10, n);
	emit_jcond_reg(em, BPF_JSLT, BPF_REG_1, BPF_REG_2, body);
	cg_goto(cg, loop.brk);
	label_bind(em, body);
	cg->dead = false;
	/* pos < n <= nbuckets: the verifier sees the bucket in bounds */
	ok = label_new(em);
	emit_jcond_imm(em, BPF_JLT, BPF_REG_1, g->sd.nbuckets, ok);
	cg->label_used[loop.brk] = true;
	emit_jump(em, loop.brk);
	label_bind(em, ok);
	emit_mov_reg(em, BPF_REG_0, BPF_REG_1);
	bind_var(cg, k->var, k->tok, false);
	if (s->value_decl) {
		emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, pos);
		emit_alu_imm(em, BPF_LSH, BPF_REG_1, 3);
		emit_alu_reg(em, BPF_ADD, BPF_REG_1, CG_SCRATCH);
		emit_load(em, BPF_DW, BPF_REG_0, BPF_REG_1, agg + 56);
		bind_var(cg, s->value_decl, s->value_var, false);
	}
	cg->loop = &loop;
	cg_stmt(cg, s->body);
	cg->loop = loop.outer;
	cg_bind(cg, loop.cont);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, pos);
	emit_alu_imm(em, BPF_ADD, BPF_REG_1, 1);
	emit_store(em, BPF_DW, BPF_REG_10, pos, BPF_REG_1);
	cg_goto(cg, top);
	cg_bind(cg, loop.brk);
	cg_forget_budget(cg, entry);
	emit_stack_release(em, mark);
	cg_scratch_release(cg, smark);
}

void cg_foreach(struct cg *cg, const struct stmt *s)
{
	struct iter it = { 0 };
	int smark = cg_scratch_mark(cg);

	if (s->array->kind == E_HISTOGRAM) {
		hist_loop(cg, s);
		return;
	}
	if (s->array->kind != E_SYMBOL) {
		cg_unsupported(cg, s->tok, "foreach over this");
		return;
	}
	it.g = s->array->var ? cg_global_of(cg, s->array->var) : NULL;
	if (!it.g || it.g->storage != CG_ST_ARRAY) {
		cg_unsupported(cg, s->tok, "foreach over this array");
		return;
	}
	for (int i = 0; s->has_slots && i < s->slots.n && i < 32; i++)
		if (((const struct expr *)s->slots.v[i])->kind != E_WILDCARD)
			it.slice |= 1u << i;
	it.stats = it.g->var->type == TYPE_STATS;
	if (it.stats && s->value_decl) {
		cg_unsupported(cg, s->tok, "a value variable over statistics");
		return;
	}
	if (!sort_of(cg, s, &it))
		return;
	it.emap = entry_map(cg, &it, s->tok);
	if (it.emap < 0)
		return;
	run_loop(cg, s, &it);
	cg_scratch_release(cg, smark);
}
