// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * codegen_iter.c - walking a whole array with callbacks: the steps
 * before a foreach iterates, delete a, delete and 'in' with '*' slots,
 * and the eviction of a full wrapping array (global a%).
 *
 * SystemTap keeps an array's elements in a list: insertion order, or
 * the order of the last sort, done in place by a stable sort.  Here
 * each element carries its insertion number (seq), and before a foreach
 * iterates (codegen_foreach.c):
 *
 *   1. collect: the elements go into an entry map of the loop's own (per
 *      array and nesting depth, per CPU): key, sort value (the value, or
 *      a statistic's aggregate over CPUs), seq (bpf_for_each_map_elem);
 *   2. sort: a heap sort of the entries by (sort column, seq), one step
 *      per bpf_loop() iteration; comparing seq last gives exactly the
 *      stable sort's order;
 *   3. renumber: after a sort, the elements get new seqs in sorted
 *      order, which is the in-place sort of the list.  A slice (a[k, *])
 *      sorts the whole array, as upstream sorts its whole list, then
 *      keeps the entries in the slice (compaction, bpf_loop again).
 *
 * The callbacks keep their state in sonde_iter (per CPU), not in the
 * caller's stack, so that the verifier checks each once.  Kernel floor:
 * bpf_for_each_map_elem() (Linux 5.13) and bpf_loop() (5.17);
 * map_lookup_percpu_elem() (5.19) is already needed by statistics.
 * Before 5.13 a BPF program cannot walk a hash map at all: an array
 * would need a companion slot array with a free list (a
 * BPF_MAP_TYPE_QUEUE, 4.20) scanned by a chain of tail calls, and the
 * sort the same way.
 *
 * Not reproduced: upstream's partial sort for "limit N" with N <= 30
 * leaves the rest of its list partially sorted; here the whole array is
 * sorted (the first N are the same).
 */
#include <string.h>

#include "bpf-backend/codegen_iter.h"

int iter_state_map(struct cg *cg)
{
	if (cg->map_iter < 0)
		cg->map_iter = cg_add_map(cg, "sonde_iter",
					  BPF_MAP_TYPE_PERCPU_ARRAY, 4,
					  ST_SIZE, 1);
	return cg->map_iter;
}

/* sonde_iter with room for extra bytes after the state (a key) */
int iter_state_map_with(struct cg *cg, int extra)
{
	int m = iter_state_map(cg);

	if (cg->maps[m].value_size < (unsigned)(ST_SIZE + extra))
		cg->maps[m].value_size = ST_SIZE + extra;
	return m;
}

/* r0 = &map[the u32 at stack slot], or goto fail */
void iter_lookup_slot(struct cg *cg, int map, int slot, int fail)
{
	struct emitter *em = &cg->em;

	emit_ld_map(em, BPF_REG_1, map);
	emit_mov_reg(em, BPF_REG_2, BPF_REG_10);
	emit_alu_imm(em, BPF_ADD, BPF_REG_2, slot);
	emit_call_helper(em, BPF_FUNC_map_lookup_elem);
	emit_jcond_imm(em, BPF_JEQ, BPF_REG_0, 0, fail);
}

/* r0 = &map[reg] (u32 index), or goto fail; reg may be r1-r5 */
void iter_lookup_index(struct cg *cg, int map, int reg, int slot, int fail)
{
	emit_store(&cg->em, BPF_W, BPF_REG_10, slot, reg);
	iter_lookup_slot(cg, map, slot, fail);
}

/* The helper (bpf_loop or bpf_for_each_map_elem, r1 set) with the
 * subprogram cb as its callback, no ctx and no flags */
void iter_call_cb(struct cg *cg, int helper, int cb)
{
	struct emitter *em = &cg->em;

	emit_ld_func(em, BPF_REG_2, cb);
	emit_mov_imm(em, BPF_REG_3, 0);
	emit_mov_imm(em, BPF_REG_4, 0);
	emit_call_helper(em, helper);
}

/* A callback's return: r0 = v; exit */
void iter_ret(struct cg *cg, int v)
{
	emit_mov_imm(&cg->em, BPF_REG_0, v);
	emit_exit(&cg->em);
}

/* Copy n bytes (a multiple of 8) from src + soff to dst + doff */
void iter_copy_words(struct cg *cg, int dst, int doff, int src, int soff,
		       int n)
{
	for (int k = 0; k < n; k += 8) {
		emit_load(&cg->em, BPF_DW, BPF_REG_1, src, soff + k);
		emit_store(&cg->em, BPF_DW, dst, doff + k, BPF_REG_1);
	}
}

/* ---- 1. collecting ------------------------------------------------------- */

/*
 * r0 = @variance from the sums of collect_stats(), as stat_agg_end()
 * and stat_variance() compute it; an empty statistic gives 0.
 */
static void collect_variance(struct cg *cg, const struct cg_global *g,
			     int cnt, int sum, int a1, int a2, int a3)
{
	struct emitter *em = &cg->em;
	int mark = emit_stack_mark(em), avg = emit_stack_alloc(em, 8);
	int empty = label_new(em), one = label_new(em), done = label_new(em);

	emit_load(em, BPF_DW, BPF_REG_2, BPF_REG_10, cnt);
	emit_jcond_imm(em, BPF_JEQ, BPF_REG_2, 0, empty);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, sum);
	if (g->sd.shift)
		emit_alu_imm(em, BPF_LSH, BPF_REG_1, g->sd.shift);
	cg_divmod(cg, false);
	emit_store(em, BPF_DW, BPF_REG_10, avg, BPF_REG_0);
	/* s1 = a2 - 2 avg a1 + avg^2 count, + a3, / (count - 1) */
	emit_mov_reg(em, BPF_REG_1, BPF_REG_0);
	emit_alu_imm(em, BPF_MUL, BPF_REG_1, 2);
	emit_load(em, BPF_DW, BPF_REG_2, BPF_REG_10, a1);
	emit_alu_reg(em, BPF_MUL, BPF_REG_1, BPF_REG_2);
	emit_load(em, BPF_DW, BPF_REG_3, BPF_REG_10, a2);
	emit_alu_reg(em, BPF_SUB, BPF_REG_3, BPF_REG_1);
	emit_mov_reg(em, BPF_REG_1, BPF_REG_0);
	emit_alu_reg(em, BPF_MUL, BPF_REG_1, BPF_REG_0);
	emit_load(em, BPF_DW, BPF_REG_2, BPF_REG_10, cnt);
	emit_alu_reg(em, BPF_MUL, BPF_REG_1, BPF_REG_2);
	emit_alu_reg(em, BPF_ADD, BPF_REG_3, BPF_REG_1);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, a3);
	emit_alu_reg(em, BPF_ADD, BPF_REG_1, BPF_REG_3);
	emit_alu_imm(em, BPF_SUB, BPF_REG_2, 1);
	emit_mov_imm(em, BPF_REG_0, 0);
	emit_jcond_imm(em, BPF_JEQ, BPF_REG_2, 0, one);
	cg_divmod(cg, false);
	label_bind(em, one);
	if (g->sd.shift)
		emit_alu_imm(em, BPF_ARSH, BPF_REG_0, 2 * g->sd.shift);
	emit_jump(em, done);
	label_bind(em, empty);
	emit_mov_imm(em, BPF_REG_0, 0);
	label_bind(em, done);
	emit_stack_release(em, mark);
}

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
	int l3 = label_new(em), zero, done, a1 = 0, a2 = 0, a3 = 0;
	int seqoff = g->vsize - 8;
	bool var = it->sort.agg == STAT_VARIANCE;

	if (var) {
		/* stat_agg_merge()'s running sums for @variance */
		a1 = emit_stack_alloc(em, 8);
		a2 = emit_stack_alloc(em, 8);
		a3 = emit_stack_alloc(em, 8);
		emit_store_imm(em, BPF_DW, BPF_REG_10, a1, 0);
		emit_store_imm(em, BPF_DW, BPF_REG_10, a2, 0);
		emit_store_imm(em, BPF_DW, BPF_REG_10, a3, 0);
	}

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
	if (var) {
		/* a1 += c avg_s, a2 += c avg_s^2, a3 += (c - 1) variance_s */
		emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_0, 0);
		emit_load(em, BPF_DW, BPF_REG_2, BPF_REG_0, 32);
		emit_mov_reg(em, BPF_REG_3, BPF_REG_2);
		emit_alu_reg(em, BPF_MUL, BPF_REG_3, BPF_REG_1);
		emit_load(em, BPF_DW, BPF_REG_4, BPF_REG_10, a1);
		emit_alu_reg(em, BPF_ADD, BPF_REG_4, BPF_REG_3);
		emit_store(em, BPF_DW, BPF_REG_10, a1, BPF_REG_4);
		emit_alu_reg(em, BPF_MUL, BPF_REG_3, BPF_REG_2);
		emit_load(em, BPF_DW, BPF_REG_4, BPF_REG_10, a2);
		emit_alu_reg(em, BPF_ADD, BPF_REG_4, BPF_REG_3);
		emit_store(em, BPF_DW, BPF_REG_10, a2, BPF_REG_4);
		emit_alu_imm(em, BPF_SUB, BPF_REG_1, 1);
		emit_load(em, BPF_DW, BPF_REG_3, BPF_REG_0, 48);
		emit_alu_reg(em, BPF_MUL, BPF_REG_1, BPF_REG_3);
		emit_load(em, BPF_DW, BPF_REG_4, BPF_REG_10, a3);
		emit_alu_reg(em, BPF_ADD, BPF_REG_4, BPF_REG_1);
		emit_store(em, BPF_DW, BPF_REG_10, a3, BPF_REG_4);
	}
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
	case STAT_VARIANCE:
		collect_variance(cg, g, cnt, sum, a1, a2, a3);
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
int iter_collect(struct cg *cg, const struct iter *it)
{
	struct emitter *em = &cg->em;
	const struct cg_global *g = it->g;
	char *key = arena_printf(cg->arena, "collect %s into %s (column %d, "
				 "aggregate %d, slice %#x)",
				 cg->maps[g->map].name, cg->maps[it->emap].name,
				 it->sort.col, it->sort.agg, it->slice);
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
	iter_lookup_slot(cg, iter_state_map(cg), slot, stop);
	emit_mov_reg(em, BPF_REG_8, BPF_REG_0);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_8, ST_N);
	emit_jcond_imm(em, BPF_JGE, BPF_REG_1, (int32_t)g->capacity, stop);
	iter_lookup_index(cg, it->emap, BPF_REG_1, slot, stop);
	emit_mov_reg(em, BPF_REG_9, BPF_REG_0);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_8, ST_N);
	emit_store(em, BPF_DW, BPF_REG_9, E_PERM, BPF_REG_1);
	emit_alu_imm(em, BPF_ADD, BPF_REG_1, 1);
	emit_store(em, BPF_DW, BPF_REG_8, ST_N, BPF_REG_1);
	iter_copy_words(cg, BPF_REG_9, E_KEY, BPF_REG_6, 0, g->ksize);
	if (it->slice)
		slice_filter(cg, it);
	if (it->stats) {
		collect_stats(cg, it);
	} else {
		iter_copy_words(cg, BPF_REG_9, E_SEQ, BPF_REG_7, g->vsize - 8, 8);
		if (it->sort.col == 0 && it->sort.str)
			iter_copy_words(cg, BPF_REG_9, it->sort.off, BPF_REG_7, 0,
				   (int)cg->slot);
		else if (it->sort.col == 0)
			iter_copy_words(cg, BPF_REG_9, E_VAL, BPF_REG_7, 0, 8);
	}
	iter_ret(cg, 0);
	label_bind(em, stop);
	iter_ret(cg, 1);
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
	iter_lookup_index(cg, it->emap, BPF_REG_1, cg->key_slot, fail);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_0, E_PERM);
	iter_lookup_index(cg, it->emap, BPF_REG_1, cg->key_slot, fail);
	emit_store(em, BPF_DW, BPF_REG_10, p, BPF_REG_0);
}

/* Swap the entries at sorted positions in stack slots i and j */
static void swap(struct cg *cg, const struct iter *it, int i, int j,
		 int tmp, int fail)
{
	struct emitter *em = &cg->em;

	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, i);
	iter_lookup_index(cg, it->emap, BPF_REG_1, cg->key_slot, fail);
	emit_store(em, BPF_DW, BPF_REG_10, tmp, BPF_REG_0);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, j);
	iter_lookup_index(cg, it->emap, BPF_REG_1, cg->key_slot, fail);
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
int iter_sort(struct cg *cg, const struct iter *it)
{
	struct emitter *em = &cg->em;
	char *key = arena_printf(cg->arena, "sort %s (column %d%s at %d, %s)",
				 cg->maps[it->emap].name, it->sort.col,
				 it->sort.str ? " string" : "", it->sort.off,
				 it->sort.dir < 0 ? "descending" : "ascending");
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
	iter_lookup_slot(cg, iter_state_map(cg), cg->key_slot, stop);
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
	iter_ret(cg, 0);
	label_bind(em, idle);
	emit_store_imm(em, BPF_DW, BPF_REG_8, ST_PHASE, 1);
	iter_ret(cg, 0);
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
	iter_ret(cg, 0);
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
	iter_lookup_slot(cg, iter_state_map(cg), cg->key_slot, stop);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, child);
	emit_store(em, BPF_DW, BPF_REG_0, ST_ROOT, BPF_REG_1);
	iter_ret(cg, 0);
	label_bind(em, nochild);
	emit_store_imm(em, BPF_W, BPF_REG_10, cg->key_slot, 0);
	iter_lookup_slot(cg, iter_state_map(cg), cg->key_slot, stop);
	emit_store_imm(em, BPF_DW, BPF_REG_0, ST_ROOT, -1);
	iter_ret(cg, 0);
	label_bind(em, stop);
	iter_ret(cg, 1);
	return cg_sub_end(cg, &save, key);
}

/* ---- 3. renumbering -------------------------------------------------------- */

/* bpf_loop() callback (i, ctx): the element at sorted position i gets
 * seq base + i, as if the list had been sorted in place */
int iter_renumber(struct cg *cg, const struct iter *it)
{
	struct emitter *em = &cg->em;
	char *key = arena_printf(cg->arena, "renumber %s in the order of %s",
				 cg->maps[it->g->map].name,
				 cg->maps[it->emap].name);
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
	iter_lookup_slot(cg, iter_state_map(cg), cg->key_slot, stop);
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
	iter_ret(cg, 0);
	label_bind(em, stop);
	iter_ret(cg, 1);
	return cg_sub_end(cg, &save, key);
}

/* bpf_loop() callback (i, ctx): a slice keeps the entries in it, in
 * order: position ST_START (the next kept) takes position i's entry if
 * that entry is in the slice */
int iter_compact(struct cg *cg, const struct iter *it)
{
	struct emitter *em = &cg->em;
	char *key = arena_printf(cg->arena, "compact %s to a slice",
				 cg->maps[it->emap].name);
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
	iter_lookup_slot(cg, iter_state_map(cg), cg->key_slot, stop);
	emit_mov_reg(em, BPF_REG_8, BPF_REG_0);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_8, ST_START);
	iter_lookup_index(cg, it->emap, BPF_REG_1, cg->key_slot, stop);
	/* the kept entry's index: position pos's perm */
	emit_mov_reg(em, BPF_REG_7, BPF_REG_0);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, pos);
	iter_lookup_index(cg, it->emap, BPF_REG_1, cg->key_slot, stop);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_0, E_PERM);
	emit_store(em, BPF_DW, BPF_REG_7, E_PERM, BPF_REG_1);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_8, ST_START);
	emit_alu_imm(em, BPF_ADD, BPF_REG_1, 1);
	emit_store(em, BPF_DW, BPF_REG_8, ST_START, BPF_REG_1);
	label_bind(em, next);
	iter_ret(cg, 0);
	label_bind(em, stop);
	iter_ret(cg, 1);
	return cg_sub_end(cg, &save, key);
}

/* ---- delete a ------------------------------------------------------------------ */

/* bpf_for_each_map_elem() callback: delete the element */
static int delete_callback(struct cg *cg, const struct cg_global *g)
{
	struct emitter *em = &cg->em;
	char *key = arena_printf(cg->arena, "delete all of %s",
				 cg->maps[g->map].name);
	struct cg_sub_save save;
	int idx = cg_sub_find(cg, key);

	if (idx >= 0)
		return idx;
	cg_sub_begin(cg, &save);
	emit_ld_map(em, BPF_REG_1, g->map);
	emit_call_helper(em, BPF_FUNC_map_delete_elem);
	iter_ret(cg, 0);
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
	iter_call_cb(cg, BPF_FUNC_for_each_map_elem, cb);
}

/* ---- delete a[k, *], [k, *] in a -------------------------------------------- */

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
	char *key = arena_printf(cg->arena, "%s %s (slice %#x)",
				 in ? "find in" : "delete from",
				 cg->maps[g->map].name, mask);
	struct cg_sub_save save;
	int idx = cg_sub_find(cg, key), stop, out;

	if (idx >= 0)
		return idx;
	cg_sub_begin(cg, &save);
	stop = label_new(em);
	out = label_new(em);
	emit_mov_reg(em, BPF_REG_6, BPF_REG_2);
	emit_store_imm(em, BPF_W, BPF_REG_10, cg->key_slot, 0);
	iter_lookup_slot(cg, iter_state_map_with(cg, g->ksize), cg->key_slot, stop);
	emit_mov_reg(em, BPF_REG_8, BPF_REG_0);
	slice_compare(cg, g, mask);
	emit_jcond_imm(em, BPF_JNE, BPF_REG_3, 0, out);
	if (in) {
		emit_store_imm(em, BPF_DW, BPF_REG_8, ST_N, 1);
		iter_ret(cg, 1);
	} else {
		emit_ld_map(em, BPF_REG_1, g->map);
		emit_mov_reg(em, BPF_REG_2, BPF_REG_6);
		emit_call_helper(em, BPF_FUNC_map_delete_elem);
	}
	label_bind(em, out);
	iter_ret(cg, 0);
	label_bind(em, stop);
	iter_ret(cg, 1);
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
	iter_slice_keys(cg, g, args, tok, done);
	rt_lookup0(cg, st, done);
	emit_store_imm(em, BPF_DW, BPF_REG_0, ST_N, 0);
	emit_ld_map(em, BPF_REG_1, g->map);
	iter_call_cb(cg, BPF_FUNC_for_each_map_elem, cb);
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
	char *key = arena_printf(cg->arena, "find the oldest of %s",
				 cg->maps[g->map].name);
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
	iter_lookup_slot(cg, iter_state_map_with(cg, g->ksize), cg->key_slot, stop);
	emit_load(em, BPF_DW, BPF_REG_2, BPF_REG_0, ST_BASE);
	emit_jcond_reg(em, BPF_JLT, BPF_REG_7, BPF_REG_2, older);
	iter_ret(cg, 0);
	label_bind(em, older);
	emit_store(em, BPF_DW, BPF_REG_0, ST_BASE, BPF_REG_7);
	emit_store_imm(em, BPF_DW, BPF_REG_0, ST_N, 1);
	iter_copy_words(cg, BPF_REG_0, ST_SIZE, BPF_REG_6, 0, g->ksize);
	iter_ret(cg, 0);
	label_bind(em, stop);
	iter_ret(cg, 1);
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
	iter_call_cb(cg, BPF_FUNC_for_each_map_elem, cb);
	rt_lookup0(cg, st, skip);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_0, ST_N);
	emit_jcond_imm(em, BPF_JEQ, BPF_REG_1, 0, skip);
	emit_mov_reg(em, BPF_REG_2, BPF_REG_0);
	emit_alu_imm(em, BPF_ADD, BPF_REG_2, ST_SIZE);
	emit_ld_map(em, BPF_REG_1, g->map);
	emit_call_helper(em, BPF_FUNC_map_delete_elem);
	label_bind(em, skip);
}

/* The bpf_loop() calls that sort n <= capacity entries */
void iter_emit_sort(struct cg *cg, const struct iter *it, int cb)
{
	struct emitter *em = &cg->em;
	uint64_t n = it->g->capacity, steps, lg = 1, k;

	while ((1ull << lg) < n)
		lg++;
	steps = 2 * n * (lg + 2) + 4;
	for (k = 0; k < steps; k += BPF_LOOP_MAX) {
		emit_mov_imm(em, BPF_REG_1, (int32_t)(steps - k < BPF_LOOP_MAX
						      ? steps - k : BPF_LOOP_MAX));
		iter_call_cb(cg, BPF_FUNC_loop, cb);
	}
}

/* a[k, *]: the given keys, packed as in a key, into sonde_iter at
 * ST_SIZE for slice_compare() */
void iter_slice_keys(struct cg *cg, const struct cg_global *g,
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
	iter_copy_words(cg, BPF_REG_0, ST_SIZE, CG_SCRATCH, buf, g->ksize);
	cg_scratch_release(cg, smark);
}

