// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * codegen_stats.c - statistics (runtime.md 5): s <<< v and s[k] <<< v,
 * @count/@sum/@min/@max/@avg/@variance, print(@hist_log(s)),
 * @hist_*(s)[i] and delete s.
 *
 * A scalar statistic is a per-CPU array of one runtime/stats.h struct
 * stat_data (with its buckets); an array of statistics a per-CPU hash
 * whose value is that struct followed by the insertion counter.  Each
 * CPU adds to its own copy exactly as stat_add() does (Welford's
 * @variance state only when some @variance reads the statistic, as
 * upstream); reading aggregates the copies of every possible CPU as
 * stat_agg_*() do, in a bpf_loop() callback (Linux 5.17).  A histogram is drawn by staprun from the aggregate
 * the probe sends (a HIST record), with the same runtime/stats.c code
 * the module backend uses.
 *
 * Each statistic's histogram kind and @variance shift come from its
 * uses, found here before the globals are placed.
 */
#include <string.h>

#include "bpf-backend/codegen_int.h"
#include "staprun/bpf_abi.h"

#define SD_COUNT 0
#define SD_SUM 8
#define SD_MIN 16
#define SD_MAX 24
#define SD_AVG 32
#define SD_M2 40
#define SD_VAR 48
#define SD_HIST 56

/* ---- the uses of each statistic --------------------------------------- */

static void scan_expr(struct cg *cg, const struct expr *e);

static void scan_list(struct cg *cg, const struct ptrvec *v)
{
	for (int i = 0; i < v->n; i++)
		scan_expr(cg, v->v[i]);
}

static struct cg_global *operand_global(struct cg *cg, const struct expr *x)
{
	return x && (x->kind == E_SYMBOL || x->kind == E_INDEX) && x->var ?
	       cg_global_of(cg, x->var) : NULL;
}

/* @hist_log(s) / @hist_linear(s, a, b, c): one kind per statistic */
static void scan_hist(struct cg *cg, const struct expr *e)
{
	struct cg_global *g = operand_global(cg, e->left);
	struct stat_desc d;
	int shift, ops;

	if (!g)
		return;
	shift = g->sd.shift;
	ops = g->sd.ops;
	if (e->hist == HIST_LOG) {
		stat_desc_init_log(&d, shift, ops);
	} else if (stat_desc_init_linear(&d, e->hist_params[0],
					 e->hist_params[1], e->hist_params[2],
					 shift, ops) < 0) {
		/* upstream creates no statistic and warns at run time */
		cg_unsupported(cg, e->tok, "a linear histogram with a zero "
			       "interval or not 1 to 126 buckets");
		return;
	}
	if (g->sd.hist_type == STAT_HIST_NONE) {
		g->sd = d;
	} else if (g->sd.hist_type != d.hist_type || g->sd.start != d.start ||
		   g->sd.stop != d.stop || g->sd.interval != d.interval) {
		/* upstream names the global by its mangled C name */
		diag_semantic_error(cg->diags, e->tok,
				    "multiple histogram types declared on "
				    "'__global_%s'", g->var->name);
		cg->errors++;
	}
}

static void scan_variance(struct cg *cg, const struct expr *e)
{
	struct cg_global *g = operand_global(cg, e->left);
	int shift = e->has_num ? (int)e->num : 0;

	if (!g)
		return;
	if (shift < 0 || shift > 62) {
		diag_semantic_error(cg->diags, e->tok,
				    "bit shift (%d) out of range <0..62>", shift);
		cg->errors++;
		return;
	}
	if (g->sd_shift_set && g->sd.shift != shift) {
		diag_semantic_error(cg->diags, e->tok,
				    "conflicting bit shifts declared "
				    "(previously %d)", g->sd.shift);
		cg->errors++;
		return;
	}
	g->sd_shift_set = true;
	g->sd.shift = shift;
	g->sd.ops |= STAT_OP_VARIANCE;
}

static void scan_expr(struct cg *cg, const struct expr *e)
{
	if (!e)
		return;
	if (e->kind == E_HISTOGRAM)
		scan_hist(cg, e);
	if (e->kind == E_STATOP && e->stat == STAT_VARIANCE)
		scan_variance(cg, e);
	if (e->kind == E_TARGET)
		return;
	scan_expr(cg, e->left);
	scan_expr(cg, e->right);
	scan_expr(cg, e->third);
	scan_expr(cg, e->base);
	scan_list(cg, &e->args);
}

static void scan_stmt(struct cg *cg, const struct stmt *s)
{
	struct cg_global *g;

	if (!s)
		return;
	/* foreach ([k] in s @variance-) needs the Welford state too */
	if (s->kind == S_FOREACH && s->has_sort_agg &&
	    s->sort_agg == STAT_VARIANCE &&
	    (g = operand_global(cg, s->array)) != NULL)
		g->sd.ops |= STAT_OP_VARIANCE;
	for (int i = 0; i < s->stmts.n; i++)
		scan_stmt(cg, s->stmts.v[i]);
	scan_expr(cg, s->expr);
	scan_expr(cg, s->init);
	scan_expr(cg, s->incr);
	scan_expr(cg, s->array);
	scan_expr(cg, s->limit);
	scan_list(cg, &s->slots);
	scan_stmt(cg, s->body);
	scan_stmt(cg, s->else_body);
	scan_stmt(cg, s->catch_body);
}

int cg_stats_scan(struct cg *cg)
{
	const struct program *prog = cg->prog;
	int i, errors = cg->errors;

	for (i = 0; i < cg->nglobals; i++)
		stat_desc_init(&cg->globals[i].sd, 0, 0);
	for (i = 0; i < prog->probes.n; i++)
		scan_stmt(cg, ((const struct probe *)prog->probes.v[i])->body);
	for (i = 0; i < prog->functions.n; i++)
		scan_stmt(cg, ((const struct function *)prog->functions.v[i])->body);
	return cg->errors > errors ? -1 : 0;
}

unsigned cg_stat_size(const struct cg_global *g)
{
	return (unsigned)STAT_DATA_SIZE(g->sd.nbuckets);
}

/* ---- s <<< v ------------------------------------------------------------- */

/* r0 = the bucket of the value in r7, 0..nbuckets-1 (stat_bucket_*) */
static void bucket_index(struct cg *cg, const struct cg_global *g)
{
	struct emitter *em = &cg->em;
	const struct stat_desc *d = &g->sd;
	int i, under, done;

	if (d->hist_type == STAT_HIST_LOG) {
		/* 64 +/- bit length of |v|, without a branch: r5 = sign,
		 * r2 = |v|, r3 = bit length found in halving steps */
		emit_mov_reg(em, BPF_REG_5, BPF_REG_7);
		emit_alu_imm(em, BPF_ARSH, BPF_REG_5, 63);
		emit_mov_reg(em, BPF_REG_2, BPF_REG_7);
		emit_alu_reg(em, BPF_XOR, BPF_REG_2, BPF_REG_5);
		emit_alu_reg(em, BPF_SUB, BPF_REG_2, BPF_REG_5);
		emit_mov_imm(em, BPF_REG_3, 0);
		for (i = 5; i >= 0; i--) {
			/* r1 = (r2 >> 2^i != 0) << i */
			emit_mov_reg(em, BPF_REG_4, BPF_REG_2);
			emit_alu_imm(em, BPF_RSH, BPF_REG_4, 1 << i);
			emit_mov_reg(em, BPF_REG_1, BPF_REG_4);
			emit_insn(em, INSN_NEG64(BPF_REG_1));
			emit_alu_reg(em, BPF_OR, BPF_REG_1, BPF_REG_4);
			emit_alu_imm(em, BPF_RSH, BPF_REG_1, 63);
			emit_alu_imm(em, BPF_LSH, BPF_REG_1, i);
			emit_alu_reg(em, BPF_RSH, BPF_REG_2, BPF_REG_1);
			emit_alu_reg(em, BPF_ADD, BPF_REG_3, BPF_REG_1);
		}
		emit_alu_reg(em, BPF_ADD, BPF_REG_3, BPF_REG_2);
		/* negative: 64 - bits, i.e. (bits ^ sign) - sign */
		emit_alu_reg(em, BPF_XOR, BPF_REG_3, BPF_REG_5);
		emit_alu_reg(em, BPF_SUB, BPF_REG_3, BPF_REG_5);
		emit_mov_reg(em, BPF_REG_0, BPF_REG_3);
		emit_alu_imm(em, BPF_ADD, BPF_REG_0, STAT_LOG_BUCKET0);
		emit_alu_imm(em, BPF_AND, BPF_REG_0, STAT_LOG_BUCKETS - 1);
		return;
	}
	/* linear: v - start < 0 is 0, else (v - start) / interval + 1,
	 * dividing as do_div() by the interval as a u32; at most nb - 1 */
	under = label_new(em);
	done = label_new(em);
	emit_mov_reg(em, BPF_REG_0, BPF_REG_7);
	emit_ld_imm64(em, BPF_REG_1, (uint64_t)(int64_t)d->start);
	emit_alu_reg(em, BPF_SUB, BPF_REG_0, BPF_REG_1);
	emit_jcond_imm(em, BPF_JSLT, BPF_REG_0, 0, under);
	emit_ld_imm64(em, BPF_REG_1, (uint64_t)(uint32_t)d->interval);
	emit_alu_reg(em, BPF_DIV, BPF_REG_0, BPF_REG_1);
	emit_alu_imm(em, BPF_ADD, BPF_REG_0, 1);
	emit_jcond_imm(em, BPF_JLE, BPF_REG_0, d->nbuckets - 1, done);
	emit_mov_imm(em, BPF_REG_0, d->nbuckets - 1);
	emit_jump(em, done);
	label_bind(em, under);
	emit_mov_imm(em, BPF_REG_0, 0);
	label_bind(em, done);
}

/* stat_add() on the CPU copy at r6 with the value in the stack slot v */
static void stat_add_at(struct cg *cg, const struct cg_global *g, int v)
{
	struct emitter *em = &cg->em;
	const struct stat_desc *d = &g->sd;
	int more = label_new(em), hist = label_new(em);
	int nomax = label_new(em), nomin = label_new(em);
	int mark = emit_stack_mark(em), vs, delta;

	emit_load(em, BPF_DW, BPF_REG_7, BPF_REG_10, v);
	emit_load(em, BPF_DW, BPF_REG_2, BPF_REG_6, SD_COUNT);
	emit_jcond_imm(em, BPF_JNE, BPF_REG_2, 0, more);
	emit_store_imm(em, BPF_DW, BPF_REG_6, SD_COUNT, 1);
	emit_store(em, BPF_DW, BPF_REG_6, SD_SUM, BPF_REG_7);
	emit_store(em, BPF_DW, BPF_REG_6, SD_MIN, BPF_REG_7);
	emit_store(em, BPF_DW, BPF_REG_6, SD_MAX, BPF_REG_7);
	emit_mov_reg(em, BPF_REG_1, BPF_REG_7);
	if (d->shift)
		emit_alu_imm(em, BPF_LSH, BPF_REG_1, d->shift);
	emit_store(em, BPF_DW, BPF_REG_6, SD_AVG, BPF_REG_1);
	emit_store_imm(em, BPF_DW, BPF_REG_6, SD_M2, 0);
	emit_jump(em, hist);
	label_bind(em, more);
	emit_alu_imm(em, BPF_ADD, BPF_REG_2, 1);
	emit_store(em, BPF_DW, BPF_REG_6, SD_COUNT, BPF_REG_2);
	emit_load(em, BPF_DW, BPF_REG_3, BPF_REG_6, SD_SUM);
	emit_alu_reg(em, BPF_ADD, BPF_REG_3, BPF_REG_7);
	emit_store(em, BPF_DW, BPF_REG_6, SD_SUM, BPF_REG_3);
	emit_load(em, BPF_DW, BPF_REG_3, BPF_REG_6, SD_MAX);
	emit_jcond_reg(em, BPF_JSLE, BPF_REG_7, BPF_REG_3, nomax);
	emit_store(em, BPF_DW, BPF_REG_6, SD_MAX, BPF_REG_7);
	label_bind(em, nomax);
	emit_load(em, BPF_DW, BPF_REG_3, BPF_REG_6, SD_MIN);
	emit_jcond_reg(em, BPF_JSGE, BPF_REG_7, BPF_REG_3, nomin);
	emit_store(em, BPF_DW, BPF_REG_6, SD_MIN, BPF_REG_7);
	label_bind(em, nomin);
	if (d->ops & STAT_OP_VARIANCE) {
		/* Welford, with upstream's 32-bit delta */
		vs = emit_stack_alloc(em, 8);
		delta = emit_stack_alloc(em, 8);
		emit_mov_reg(em, BPF_REG_1, BPF_REG_7);
		if (d->shift)
			emit_alu_imm(em, BPF_LSH, BPF_REG_1, d->shift);
		emit_store(em, BPF_DW, BPF_REG_10, vs, BPF_REG_1);
		emit_load(em, BPF_DW, BPF_REG_2, BPF_REG_6, SD_AVG);
		emit_alu_reg(em, BPF_SUB, BPF_REG_1, BPF_REG_2);
		emit_alu_imm(em, BPF_LSH, BPF_REG_1, 32);
		emit_alu_imm(em, BPF_ARSH, BPF_REG_1, 32);
		emit_store(em, BPF_DW, BPF_REG_10, delta, BPF_REG_1);
		emit_load(em, BPF_DW, BPF_REG_2, BPF_REG_6, SD_COUNT);
		cg_divmod(cg, false);
		emit_load(em, BPF_DW, BPF_REG_3, BPF_REG_6, SD_AVG);
		emit_alu_reg(em, BPF_ADD, BPF_REG_3, BPF_REG_0);
		emit_store(em, BPF_DW, BPF_REG_6, SD_AVG, BPF_REG_3);
		emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, vs);
		emit_alu_reg(em, BPF_SUB, BPF_REG_1, BPF_REG_3);
		emit_load(em, BPF_DW, BPF_REG_2, BPF_REG_10, delta);
		emit_alu_reg(em, BPF_MUL, BPF_REG_1, BPF_REG_2);
		emit_load(em, BPF_DW, BPF_REG_3, BPF_REG_6, SD_M2);
		emit_alu_reg(em, BPF_ADD, BPF_REG_1, BPF_REG_3);
		emit_store(em, BPF_DW, BPF_REG_6, SD_M2, BPF_REG_1);
		emit_load(em, BPF_DW, BPF_REG_2, BPF_REG_6, SD_COUNT);
		emit_alu_imm(em, BPF_SUB, BPF_REG_2, 1);
		cg_divmod(cg, false);
		emit_store(em, BPF_DW, BPF_REG_6, SD_VAR, BPF_REG_0);
	}
	label_bind(em, hist);
	if (d->hist_type != STAT_HIST_NONE) {
		bucket_index(cg, g);
		emit_alu_imm(em, BPF_LSH, BPF_REG_0, 3);
		emit_alu_reg(em, BPF_ADD, BPF_REG_0, BPF_REG_6);
		emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_0, SD_HIST);
		emit_alu_imm(em, BPF_ADD, BPF_REG_1, 1);
		emit_store(em, BPF_DW, BPF_REG_0, SD_HIST, BPF_REG_1);
	}
	emit_stack_release(em, mark);
}

/* The statistic an operator reads: s or s[k] */
static struct cg_global *stats_of(struct cg *cg, const struct expr *x)
{
	struct cg_global *g = operand_global(cg, x);

	if (!g || g->var->type != TYPE_STATS ||
	    (x->kind == E_SYMBOL ? g->storage != CG_ST_STATS
				 : g->storage != CG_ST_ARRAY)) {
		cg_unsupported(cg, x->tok, "this statistic");
		return NULL;
	}
	return g;
}

/* add the new element (key, val at scratch offsets) unless one is there,
 * then look the key up again: r0 the element, on to found if present */
static void insert_found(struct cg *cg, const struct cg_global *g, int key,
			 int val, int found)
{
	struct emitter *em = &cg->em;

	emit_ld_map(em, BPF_REG_1, g->map);
	emit_mov_reg(em, BPF_REG_2, CG_SCRATCH);
	emit_alu_imm(em, BPF_ADD, BPF_REG_2, key);
	emit_mov_reg(em, BPF_REG_3, CG_SCRATCH);
	emit_alu_imm(em, BPF_ADD, BPF_REG_3, val);
	emit_mov_imm(em, BPF_REG_4, BPF_NOEXIST);
	emit_call_helper(em, BPF_FUNC_map_update_elem);
	emit_ld_map(em, BPF_REG_1, g->map);
	emit_mov_reg(em, BPF_REG_2, CG_SCRATCH);
	emit_alu_imm(em, BPF_ADD, BPF_REG_2, key);
	emit_call_helper(em, BPF_FUNC_map_lookup_elem);
	emit_jcond_imm(em, BPF_JNE, BPF_REG_0, 0, found);
}

/*
 * r6 = this CPU's copy of s[k] (key at scratch offset key), inserted
 * empty if new; a full array raises its overflow error.
 */
static void element_copy(struct cg *cg, const struct cg_global *g, int key,
			 const struct token *tok)
{
	struct emitter *em = &cg->em;
	int found = label_new(em), val, smark = cg_scratch_mark(cg);

	emit_ld_map(em, BPF_REG_1, g->map);
	emit_mov_reg(em, BPF_REG_2, CG_SCRATCH);
	emit_alu_imm(em, BPF_ADD, BPF_REG_2, key);
	emit_call_helper(em, BPF_FUNC_map_lookup_elem);
	emit_jcond_imm(em, BPF_JNE, BPF_REG_0, 0, found);
	val = cg_scratch_alloc(cg, tok, g->vsize);
	cg_clear(cg, CG_SCRATCH, val, g->vsize);
	emit_mov_imm(em, BPF_REG_1, 1);
	emit_atomic_fetch_add(em, BPF_DW, CG_GLOBALS, g->off, BPF_REG_1);
	emit_alu_imm(em, BPF_ADD, BPF_REG_1, 1);	/* 0: unset */
	emit_store(em, BPF_DW, CG_SCRATCH, val + g->vsize - 8, BPF_REG_1);
	insert_found(cg, g, key, val, found);
	if (g->var->decl && g->var->decl->wrap) {
		cg_wrap_evict(cg, g);
		insert_found(cg, g, key, val, found);
	}
	cg_raise_overflow(cg, g, tok);
	label_bind(em, found);
	emit_mov_reg(em, BPF_REG_6, BPF_REG_0);
	cg_scratch_release(cg, smark);
}

void cg_stat_add(struct cg *cg, const struct expr *e)
{
	struct emitter *em = &cg->em;
	struct cg_global *g = stats_of(cg, e->left);
	int mark = emit_stack_mark(em), v = emit_stack_alloc(em, 8);
	int smark = cg_scratch_mark(cg), key, done = label_new(em);

	if (g && e->left->kind == E_INDEX) {
		key = cg_build_key(cg, g, &e->left->args, e->left->tok);
		cg_long(cg, e->right);
		emit_store(em, BPF_DW, BPF_REG_10, v, BPF_REG_0);
		element_copy(cg, g, key, e->left->tok);
		stat_add_at(cg, g, v);
	} else {
		cg_long(cg, e->right);
		emit_store(em, BPF_DW, BPF_REG_10, v, BPF_REG_0);
		if (g) {
			rt_lookup0(cg, g->map, done);
			emit_mov_reg(em, BPF_REG_6, BPF_REG_0);
			stat_add_at(cg, g, v);
		}
	}
	label_bind(em, done);
	emit_load(em, BPF_DW, BPF_REG_0, BPF_REG_10, v);
	emit_stack_release(em, mark);
	cg_scratch_release(cg, smark);
}

/* ---- aggregation ---------------------------------------------------------- */

/* agg (at r9 + a) merged with the CPU copy at r6: stat_agg_merge() */
static void agg_merge(struct cg *cg, const struct cg_global *g, int a,
		      int what, int next)
{
	struct emitter *em = &cg->em;
	int merge = label_new(em), m1 = label_new(em), m2 = label_new(em);
	int b;

	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_6, SD_COUNT);
	emit_jcond_imm(em, BPF_JEQ, BPF_REG_1, 0, next);
	emit_load(em, BPF_DW, BPF_REG_2, CG_SCRATCH, a + SD_COUNT);
	if (what & CG_AGG_MINMAX) {
		emit_jcond_imm(em, BPF_JNE, BPF_REG_2, 0, merge);
		emit_load(em, BPF_DW, BPF_REG_3, BPF_REG_6, SD_MIN);
		emit_store(em, BPF_DW, CG_SCRATCH, a + SD_MIN, BPF_REG_3);
		emit_load(em, BPF_DW, BPF_REG_3, BPF_REG_6, SD_MAX);
		emit_store(em, BPF_DW, CG_SCRATCH, a + SD_MAX, BPF_REG_3);
	}
	label_bind(em, merge);
	emit_alu_reg(em, BPF_ADD, BPF_REG_2, BPF_REG_1);
	emit_store(em, BPF_DW, CG_SCRATCH, a + SD_COUNT, BPF_REG_2);
	emit_load(em, BPF_DW, BPF_REG_3, CG_SCRATCH, a + SD_SUM);
	emit_load(em, BPF_DW, BPF_REG_4, BPF_REG_6, SD_SUM);
	emit_alu_reg(em, BPF_ADD, BPF_REG_3, BPF_REG_4);
	emit_store(em, BPF_DW, CG_SCRATCH, a + SD_SUM, BPF_REG_3);
	if (what & CG_AGG_MINMAX) {
		emit_load(em, BPF_DW, BPF_REG_3, CG_SCRATCH, a + SD_MAX);
		emit_load(em, BPF_DW, BPF_REG_4, BPF_REG_6, SD_MAX);
		emit_jcond_reg(em, BPF_JSLE, BPF_REG_4, BPF_REG_3, m1);
		emit_store(em, BPF_DW, CG_SCRATCH, a + SD_MAX, BPF_REG_4);
		label_bind(em, m1);
		emit_load(em, BPF_DW, BPF_REG_3, CG_SCRATCH, a + SD_MIN);
		emit_load(em, BPF_DW, BPF_REG_4, BPF_REG_6, SD_MIN);
		emit_jcond_reg(em, BPF_JSGE, BPF_REG_4, BPF_REG_3, m2);
		emit_store(em, BPF_DW, CG_SCRATCH, a + SD_MIN, BPF_REG_4);
	} else {
		label_bind(em, m1);
	}
	label_bind(em, m2);
	if ((what & CG_AGG_VARIANCE) && (g->sd.ops & STAT_OP_VARIANCE)) {
		/* avg_s += c * avg_c; m2 += c * avg_c^2;
		 * variance_s += (c - 1) * variance_c */
		emit_load(em, BPF_DW, BPF_REG_3, BPF_REG_6, SD_AVG);
		emit_alu_reg(em, BPF_MUL, BPF_REG_3, BPF_REG_1);
		emit_load(em, BPF_DW, BPF_REG_4, CG_SCRATCH, a + SD_AVG);
		emit_alu_reg(em, BPF_ADD, BPF_REG_4, BPF_REG_3);
		emit_store(em, BPF_DW, CG_SCRATCH, a + SD_AVG, BPF_REG_4);
		emit_load(em, BPF_DW, BPF_REG_4, BPF_REG_6, SD_AVG);
		emit_alu_reg(em, BPF_MUL, BPF_REG_3, BPF_REG_4);
		emit_load(em, BPF_DW, BPF_REG_4, CG_SCRATCH, a + SD_M2);
		emit_alu_reg(em, BPF_ADD, BPF_REG_4, BPF_REG_3);
		emit_store(em, BPF_DW, CG_SCRATCH, a + SD_M2, BPF_REG_4);
		emit_mov_reg(em, BPF_REG_3, BPF_REG_1);
		emit_alu_imm(em, BPF_SUB, BPF_REG_3, 1);
		emit_load(em, BPF_DW, BPF_REG_4, BPF_REG_6, SD_VAR);
		emit_alu_reg(em, BPF_MUL, BPF_REG_3, BPF_REG_4);
		emit_load(em, BPF_DW, BPF_REG_4, CG_SCRATCH, a + SD_VAR);
		emit_alu_reg(em, BPF_ADD, BPF_REG_4, BPF_REG_3);
		emit_store(em, BPF_DW, CG_SCRATCH, a + SD_VAR, BPF_REG_4);
	}
	for (b = 0; (what & CG_AGG_HIST) && b < g->sd.nbuckets; b++) {
		emit_load(em, BPF_DW, BPF_REG_3, BPF_REG_6, SD_HIST + 8 * b);
		emit_load(em, BPF_DW, BPF_REG_4, CG_SCRATCH, a + SD_HIST + 8 * b);
		emit_alu_reg(em, BPF_ADD, BPF_REG_4, BPF_REG_3);
		emit_store(em, BPF_DW, CG_SCRATCH, a + SD_HIST + 8 * b, BPF_REG_4);
	}
}

/* stat_agg_end()'s @variance: avg and the combined variance_s */
static void agg_end(struct cg *cg, const struct cg_global *g, int a)
{
	struct emitter *em = &cg->em;
	int mark = emit_stack_mark(em), avg = emit_stack_alloc(em, 8);
	int empty = label_new(em), one = label_new(em);

	emit_load(em, BPF_DW, BPF_REG_2, CG_SCRATCH, a + SD_COUNT);
	emit_jcond_imm(em, BPF_JEQ, BPF_REG_2, 0, empty);
	emit_load(em, BPF_DW, BPF_REG_1, CG_SCRATCH, a + SD_SUM);
	if (g->sd.shift)
		emit_alu_imm(em, BPF_LSH, BPF_REG_1, g->sd.shift);
	cg_divmod(cg, false);
	emit_store(em, BPF_DW, BPF_REG_10, avg, BPF_REG_0);
	/* s1 = m2 - 2*a*avg_s + a*a*count */
	emit_mov_reg(em, BPF_REG_1, BPF_REG_0);
	emit_alu_imm(em, BPF_MUL, BPF_REG_1, 2);
	emit_load(em, BPF_DW, BPF_REG_2, CG_SCRATCH, a + SD_AVG);
	emit_alu_reg(em, BPF_MUL, BPF_REG_1, BPF_REG_2);
	emit_load(em, BPF_DW, BPF_REG_3, CG_SCRATCH, a + SD_M2);
	emit_alu_reg(em, BPF_SUB, BPF_REG_3, BPF_REG_1);
	emit_mov_reg(em, BPF_REG_1, BPF_REG_0);
	emit_alu_reg(em, BPF_MUL, BPF_REG_1, BPF_REG_0);
	emit_load(em, BPF_DW, BPF_REG_2, CG_SCRATCH, a + SD_COUNT);
	emit_alu_reg(em, BPF_MUL, BPF_REG_1, BPF_REG_2);
	emit_alu_reg(em, BPF_ADD, BPF_REG_3, BPF_REG_1);
	emit_load(em, BPF_DW, BPF_REG_1, CG_SCRATCH, a + SD_VAR);
	emit_alu_reg(em, BPF_ADD, BPF_REG_1, BPF_REG_3);
	/* / (count - 1), where x / 0 is 0 */
	emit_alu_imm(em, BPF_SUB, BPF_REG_2, 1);
	emit_mov_imm(em, BPF_REG_0, 0);
	emit_jcond_imm(em, BPF_JEQ, BPF_REG_2, 0, one);
	cg_divmod(cg, false);
	label_bind(em, one);
	emit_store(em, BPF_DW, CG_SCRATCH, a + SD_VAR, BPF_REG_0);
	emit_load(em, BPF_DW, BPF_REG_0, BPF_REG_10, avg);
	emit_store(em, BPF_DW, CG_SCRATCH, a + SD_AVG, BPF_REG_0);
	emit_store_imm(em, BPF_DW, CG_SCRATCH, a + SD_M2, 0);
	label_bind(em, empty);
	emit_stack_release(em, mark);
}

/*
 * bpf_loop() callback (cpu, ctx): merge that CPU's copy of the statistic
 * (key at scratch offset key, or u32 0) into the aggregate at scratch
 * offset agg.  One callback per place, verified once whatever the
 * number of CPUs, and no branch of it left for the verifier to follow
 * in the probe.
 */
static int merge_callback(struct cg *cg, const struct cg_global *g, int key,
			  int agg, int what)
{
	struct emitter *em = &cg->em;
	char *name = arena_printf(cg->arena, "merge %s of one cpu (key at %d, "
				  "into %d, parts %#x)", cg->maps[g->map].name,
				  key, agg, what);
	struct cg_sub_save save;
	int idx = cg_sub_find(cg, name), stop, next;

	if (idx >= 0)
		return idx;
	cg_sub_begin(cg, &save);
	stop = label_new(em);
	next = label_new(em);
	emit_mov_reg(em, BPF_REG_6, BPF_REG_1);
	rt_lookup0(cg, CG_MAP_SCRATCH, stop);
	emit_mov_reg(em, CG_SCRATCH, BPF_REG_0);
	emit_ld_map(em, BPF_REG_1, g->map);
	if (key < 0) {
		emit_store_imm(em, BPF_W, BPF_REG_10, cg->key_slot, 0);
		emit_mov_reg(em, BPF_REG_2, BPF_REG_10);
		emit_alu_imm(em, BPF_ADD, BPF_REG_2, cg->key_slot);
	} else {
		emit_mov_reg(em, BPF_REG_2, CG_SCRATCH);
		emit_alu_imm(em, BPF_ADD, BPF_REG_2, key);
	}
	emit_mov_reg(em, BPF_REG_3, BPF_REG_6);
	emit_call_helper(em, BPF_FUNC_map_lookup_percpu_elem);
	emit_jcond_imm(em, BPF_JEQ, BPF_REG_0, 0, next);
	emit_mov_reg(em, BPF_REG_6, BPF_REG_0);
	agg_merge(cg, g, agg, what, next);
	label_bind(em, next);
	emit_mov_imm(em, BPF_REG_0, 0);
	emit_exit(em);
	label_bind(em, stop);
	emit_mov_imm(em, BPF_REG_0, 1);
	emit_exit(em);
	return cg_sub_end(cg, &save, name);
}

void cg_stat_aggregate(struct cg *cg, const struct cg_global *g, int key,
		       int agg, int what)
{
	struct emitter *em = &cg->em;
	int cb = merge_callback(cg, g, key, agg, what);

	cg_clear(cg, CG_SCRATCH, agg, (what & CG_AGG_HIST) ?
		 (int)cg_stat_size(g) : (int)STAT_DATA_SIZE(0));
	if (cb < 0)
		return;
	emit_mov_imm(em, BPF_REG_1, (int32_t)cg->lim.ncpus);
	emit_ld_func(em, BPF_REG_2, cb);
	emit_mov_imm(em, BPF_REG_3, 0);
	emit_mov_imm(em, BPF_REG_4, 0);
	emit_call_helper(em, BPF_FUNC_loop);
	if ((what & CG_AGG_VARIANCE) && (g->sd.ops & STAT_OP_VARIANCE))
		agg_end(cg, g, agg);
}

/* The aggregate of the operand x in a new scratch buffer after hdr
 * bytes; returns its offset, or -1 after reporting */
int cg_aggregate_operand(struct cg *cg, const struct expr *x, int what,
			 int hdr, struct cg_global **gp)
{
	struct cg_global *g = stats_of(cg, x);
	int key = -1, agg;

	*gp = g;
	if (!g)
		return -1;
	if (x->kind == E_INDEX)
		key = cg_build_key(cg, g, &x->args, x->tok);
	agg = cg_scratch_alloc(cg, x->tok, hdr + (int)cg_stat_size(g)) + hdr;
	cg_stat_aggregate(cg, g, key, agg, what);
	return agg;
}

/* raise "empty aggregate" at tok if the aggregate is empty */
static void check_empty(struct cg *cg, int agg, const struct token *tok)
{
	struct emitter *em = &cg->em;
	int ok = label_new(em);

	emit_load(em, BPF_DW, BPF_REG_1, CG_SCRATCH, agg + SD_COUNT);
	emit_jcond_imm(em, BPF_JNE, BPF_REG_1, 0, ok);
	rt_raise(cg, STAT_MSG_EMPTY, tok);
	label_bind(em, ok);
}

/* @count, @sum, @min, @max, @avg, @variance of s or s[k] */
void cg_stat_op(struct cg *cg, const struct expr *e)
{
	struct emitter *em = &cg->em;
	int smark = cg_scratch_mark(cg), agg;
	struct cg_global *g;

	agg = cg_aggregate_operand(cg, e->left,
				e->stat == STAT_COUNT || e->stat == STAT_SUM ? 0 :
				e->stat == STAT_VARIANCE ? CG_AGG_VARIANCE :
				CG_AGG_MINMAX, 0, &g);
	if (agg < 0) {
		emit_mov_imm(em, BPF_REG_0, 0);
		return;
	}
	if (e->stat != STAT_COUNT && e->stat != STAT_SUM)
		check_empty(cg, agg, e->tok);
	switch (e->stat) {
	case STAT_COUNT:
		emit_load(em, BPF_DW, BPF_REG_0, CG_SCRATCH, agg + SD_COUNT);
		break;
	case STAT_SUM:
		emit_load(em, BPF_DW, BPF_REG_0, CG_SCRATCH, agg + SD_SUM);
		break;
	case STAT_MIN:
		emit_load(em, BPF_DW, BPF_REG_0, CG_SCRATCH, agg + SD_MIN);
		break;
	case STAT_MAX:
		emit_load(em, BPF_DW, BPF_REG_0, CG_SCRATCH, agg + SD_MAX);
		break;
	case STAT_VARIANCE:
		emit_load(em, BPF_DW, BPF_REG_0, CG_SCRATCH, agg + SD_VAR);
		if (g->sd.shift)
			emit_alu_imm(em, BPF_ARSH, BPF_REG_0, 2 * g->sd.shift);
		break;
	default:
		emit_load(em, BPF_DW, BPF_REG_1, CG_SCRATCH, agg + SD_SUM);
		emit_load(em, BPF_DW, BPF_REG_2, CG_SCRATCH, agg + SD_COUNT);
		cg_divmod(cg, false);
		break;
	}
	cg_scratch_release(cg, smark);
}

/* ---- histograms ------------------------------------------------------------ */

/* print(@hist_*(s)) / println(...): a HIST record staprun draws */
void cg_print_hist(struct cg *cg, const struct expr *e)
{
	struct emitter *em = &cg->em;
	const struct expr *h = e->args.v[0];
	int smark = cg_scratch_mark(cg), rec, agg, size, ok;
	struct cg_global *g;

	if (e->print_to_string || e->print_fmt || e->print_delim) {
		cg_unsupported(cg, e->tok, arena_printf(cg->arena,
			       "'%s' of a histogram", e->name));
		return;
	}
	/* the record header right before the aggregate */
	agg = cg_aggregate_operand(cg, h->left, CG_AGG_HIST | CG_AGG_MINMAX |
				CG_AGG_VARIANCE, sizeof(struct sonde_rec_hist),
				&g);
	if (agg < 0)
		return;
	rec = agg - (int)sizeof(struct sonde_rec_hist);
	check_empty(cg, agg, h->tok);
	emit_store_imm(em, BPF_W, CG_SCRATCH, rec, SONDE_REC_HIST);
	emit_store_imm(em, BPF_W, CG_SCRATCH, rec + 4, g->sd.nbuckets);
	emit_store_imm(em, BPF_W, CG_SCRATCH, rec + 8, g->sd.hist_type);
	emit_store_imm(em, BPF_W, CG_SCRATCH, rec + 12, g->sd.start);
	emit_store_imm(em, BPF_W, CG_SCRATCH, rec + 16, g->sd.stop);
	emit_store_imm(em, BPF_W, CG_SCRATCH, rec + 20, g->sd.interval);
	emit_store_imm(em, BPF_W, CG_SCRATCH, rec + 24, e->print_newline);
	emit_store_imm(em, BPF_W, CG_SCRATCH, rec + 28, 0);
	size = (int)(sizeof(struct sonde_rec_hist) + cg_stat_size(g));
	ok = label_new(em);
	emit_ld_map(em, BPF_REG_1, CG_MAP_OUT);
	emit_mov_reg(em, BPF_REG_2, CG_SCRATCH);
	emit_alu_imm(em, BPF_ADD, BPF_REG_2, rec);
	emit_mov_imm(em, BPF_REG_3, size);
	emit_mov_imm(em, BPF_REG_4, 0);
	emit_call_helper(em, BPF_FUNC_ringbuf_output);
	emit_jcond_imm(em, BPF_JEQ, BPF_REG_0, 0, ok);
	rt_ctl_inc(cg, SONDE_CTL_DROPS);
	label_bind(em, ok);
	cg_scratch_release(cg, smark);
}

/* @hist_*(s)[i]: the count of bucket i */
void cg_hist_index(struct cg *cg, const struct expr *e)
{
	struct emitter *em = &cg->em;
	const struct expr *h = e->base;
	int mark = emit_stack_mark(em), smark = cg_scratch_mark(cg);
	int idx = emit_stack_alloc(em, 8), agg, ok = label_new(em);
	struct cg_global *g;

	cg_long(cg, e->left);
	emit_store(em, BPF_DW, BPF_REG_10, idx, BPF_REG_0);
	agg = cg_aggregate_operand(cg, h->left, CG_AGG_HIST, 0, &g);
	if (agg >= 0) {
		check_empty(cg, agg, h->tok);
		emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, idx);
		emit_jcond_imm(em, BPF_JLT, BPF_REG_1, g->sd.nbuckets, ok);
		rt_raise(cg, STAT_MSG_RANGE, e->left->tok);
		label_bind(em, ok);
		emit_alu_imm(em, BPF_LSH, BPF_REG_1, 3);
		emit_alu_reg(em, BPF_ADD, BPF_REG_1, CG_SCRATCH);
		emit_load(em, BPF_DW, BPF_REG_0, BPF_REG_1, agg + SD_HIST);
	} else {
		emit_mov_imm(em, BPF_REG_0, 0);
	}
	emit_stack_release(em, mark);
	cg_scratch_release(cg, smark);
}

/* ---- delete s -------------------------------------------------------------- */

void cg_stat_clear(struct cg *cg, const struct cg_global *g)
{
	struct emitter *em = &cg->em;
	int mark = emit_stack_mark(em), cpu = emit_stack_alloc(em, 8);
	int loop = label_new(em), next = label_new(em), end = label_new(em);

	emit_store_imm(em, BPF_DW, BPF_REG_10, cpu, 0);
	label_bind(em, loop);
	emit_load(em, BPF_DW, BPF_REG_3, BPF_REG_10, cpu);
	emit_jcond_imm(em, BPF_JGE, BPF_REG_3, (int32_t)cg->lim.ncpus, end);
	emit_store_imm(em, BPF_W, BPF_REG_10, cg->key_slot, 0);
	emit_ld_map(em, BPF_REG_1, g->map);
	emit_mov_reg(em, BPF_REG_2, BPF_REG_10);
	emit_alu_imm(em, BPF_ADD, BPF_REG_2, cg->key_slot);
	emit_call_helper(em, BPF_FUNC_map_lookup_percpu_elem);
	emit_jcond_imm(em, BPF_JEQ, BPF_REG_0, 0, next);
	cg_clear(cg, BPF_REG_0, 0, (int)cg_stat_size(g));
	label_bind(em, next);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, cpu);
	emit_alu_imm(em, BPF_ADD, BPF_REG_1, 1);
	emit_store(em, BPF_DW, BPF_REG_10, cpu, BPF_REG_1);
	emit_jump(em, loop);
	label_bind(em, end);
	emit_stack_release(em, mark);
}
