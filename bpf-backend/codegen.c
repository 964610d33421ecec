// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * codegen.c - the BPF code generator's driver: one program per probe
 * point, each with the same frame:
 *
 *	prologue   ordinary probes return unless sonde_ctl[STATE] is
 *	           RUNNING; r9 = scratch frame, r8 = scalar globals; the
 *	           action budget; every local starts at 0 / "" on each hit
 *	body       the probe's statements (codegen_stmt.c)
 *	exit       return 0
 *	error      the shared run-time error tail, if anything can fail
 *
 * begin/end/error programs go to sections sonde/KIND/N, N the run order
 * (priority, then script order); staprun runs them itself.  Global
 * initialisers run in a begin program of their own, before all others.
 * See codegen_int.h for the register conventions.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf-backend/codegen_int.h"
#include "staprun/bpf_abi.h"
#include "translator/strlit.h"

#define CG_RINGBUF_SIZE (4u << 20)	/* sonde_out; staprun -b resizes it */
#define CG_SCRATCH_MAX 32768		/* per-CPU value limit (PCPU_MIN_UNIT_SIZE) */
#define CG_MAXACTION 1000		/* MAXACTION: see cg_limits_default */

/* Possible CPUs, which bound the loops over per-CPU statistics */
static unsigned possible_cpus(void)
{
	FILE *f = fopen("/sys/devices/system/cpu/possible", "r");
	unsigned lo, hi;
	int n = 0;

	if (f) {
		n = fscanf(f, "%u-%u", &lo, &hi);
		fclose(f);
	}
	if (n == 2)
		return hi + 1;
	if (n == 1)
		return lo + 1;
	n = (int)sysconf(_SC_NPROCESSORS_CONF);
	return n > 0 ? (unsigned)n : 1;
}

/*
 * MAXACTION is 1000, SystemTap's budget for handlers that run with
 * INTERRUPTIBLE=0, rather than the 10000 of its default interruptible
 * handlers: a BPF handler cannot be preempted.  (Loop bodies run as
 * bpf_loop() callbacks the verifier checks once, so the budget no
 * longer bounds what it must walk.)
 */
void cg_limits_default(struct cg_limits *lim)
{
	lim->maxstringlen = SONDE_DEF_MAXSTRINGLEN;
	lim->maxaction = CG_MAXACTION;
	lim->maxmapentries = 2048;
	lim->maxerrors = SONDE_DEF_MAXERRORS;
	lim->maxskipped = SONDE_DEF_MAXSKIPPED;
	lim->ncpus = possible_cpus();
}

/* ---- small services for the other files ------------------------------- */

void cg_unsupported(struct cg *cg, const struct token *tok, const char *what)
{
	diag_semantic_error(cg->diags, tok,
			    "%s is not supported by the bpf runtime yet", what);
	cg->errors++;
}

void cg_note(struct cg *cg, const struct token *tok)
{
	if (tok && tok->src)
		emit_set_note(&cg->em, arena_printf(cg->arena, "%s:%d",
						    tok->src->name, tok->line));
}

int cg_add_map(struct cg *cg, const char *name, enum bpf_map_type type,
	       unsigned key, unsigned value, unsigned max_entries)
{
	if (cg->nmaps == cg->maps_cap) {
		int cap = cg->maps_cap ? cg->maps_cap * 2 : 8;
		struct objmap *m = arena_alloc(cg->arena, cap * sizeof(*m));

		if (cg->nmaps)
			memcpy(m, cg->maps, cg->nmaps * sizeof(*m));
		cg->maps = m;
		cg->maps_cap = cap;
	}
	cg->maps[cg->nmaps] = (struct objmap) {
		arena_strdup(cg->arena, name), type, key, value, max_entries, 0
	};
	return cg->nmaps++;
}

int cg_scratch_alloc(struct cg *cg, const struct token *tok, int size)
{
	int off = cg->scratch_top;

	size = (size + 7) & ~7;
	/* room for the slack past every buffer that appends need */
	if (off + size + (int)cg->slot > CG_SCRATCH_MAX) {
		cg_unsupported(cg, tok, "more string buffers than fit in 32 KiB in one probe");
		return 0;
	}
	cg->scratch_top += size;
	if (cg->scratch_top > cg->scratch_max)
		cg->scratch_max = cg->scratch_top;
	return off;
}

const struct cg_local *cg_local_of(const struct cg *cg,
				   const struct vardecl *v)
{
	int i;

	/* the innermost binding: an inlined recursive call binds the same
	 * variables again */
	for (i = cg->nlocals - 1; i >= 0; i--)
		if (cg->locals[i].var == v)
			return &cg->locals[i];
	return NULL;
}

struct cg_global *cg_global_of(const struct cg *cg, const struct vardecl *v)
{
	int i;

	for (i = 0; i < cg->nglobals; i++)
		if (cg->globals[i].var == v)
			return &cg->globals[i];
	return NULL;
}

/* ---- statement-level labels -------------------------------------------- */

int cg_label(struct cg *cg)
{
	int l = label_new(&cg->em);

	if (l >= cg->label_used_cap) {
		int cap = (l + 1) * 2;
		bool *u = arena_alloc(cg->arena, cap * sizeof(*u));

		if (cg->label_used_cap)
			memcpy(u, cg->label_used,
			       cg->label_used_cap * sizeof(*u));
		cg->label_used = u;
		cg->label_used_cap = cap;
	}
	if (l >= 0)
		cg->label_used[l] = false;
	return l;
}

void cg_bind(struct cg *cg, int label)
{
	label_bind(&cg->em, label);
	if (label >= 0 && cg->label_used[label])
		cg->dead = false;
}

void cg_goto(struct cg *cg, int label)
{
	if (cg->dead)
		return;
	emit_jump(&cg->em, label);
	if (label >= 0)
		cg->label_used[label] = true;
	cg->dead = true;
}

void cg_jcond(struct cg *cg, int op, int reg, int32_t imm, int label)
{
	if (cg->dead)
		return;
	emit_jcond_imm(&cg->em, op, reg, imm, label);
	if (label >= 0)
		cg->label_used[label] = true;
}

/* ---- one program -------------------------------------------------------- */

/* Long locals on the stack, string locals in the scratch frame; all
 * start at 0 or "" on every hit */
static void init_locals(struct cg *cg, const struct ptrvec *locals)
{
	struct emitter *em = &cg->em;
	int i;

	cg->locals = arena_alloc(cg->arena, (locals->n + 1) * sizeof(*cg->locals));
	cg->nlocals = 0;
	for (i = 0; i < locals->n; i++) {
		const struct vardecl *v = locals->v[i];
		struct cg_local *l = &cg->locals[cg->nlocals++];

		l->var = v;
		if (v->type == TYPE_STRING) {
			l->reg = CG_SCRATCH;
			l->off = cg_scratch_alloc(cg, v->tok, cg->slot);
			emit_store_imm(em, BPF_B, CG_SCRATCH, l->off, 0);
		} else {
			l->reg = BPF_REG_10;
			l->off = emit_stack_alloc(em, 8);
			emit_store_imm(em, BPF_DW, BPF_REG_10, l->off, 0);
		}
	}
}

static void prologue(struct cg *cg, const struct cg_point *pt)
{
	struct emitter *em = &cg->em;

	if (pt && pt->kind != CG_BEGIN && pt->kind != CG_END &&
	    pt->kind != CG_ERROR) {
		rt_ctl_ptr(cg, SONDE_CTL_STATE, cg->exit_label);
		emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_0, 0);
		emit_jcond_imm(em, BPF_JNE, BPF_REG_1, SONDE_STATE_RUNNING,
			       cg->exit_label);
		cg_point_filter(cg, pt);
	}
	rt_lookup0(cg, CG_MAP_SCRATCH, cg->exit_label);
	emit_mov_reg(em, CG_SCRATCH, BPF_REG_0);
	if (cg->map_globals >= 0) {
		rt_lookup0(cg, cg->map_globals, cg->exit_label);
		emit_mov_reg(em, CG_GLOBALS, BPF_REG_0);
	}
	emit_store_imm(em, BPF_DW, BPF_REG_10, cg->act_slot,
		       (int32_t)cg->lim.maxaction);
}

static void program_start(struct cg *cg, const struct cg_point *pt, int id)
{
	emit_init(&cg->em);
	cg->point = pt;
	cg->probe_id = id;
	cg->loop = NULL;
	cg->frame = NULL;
	cg->try_ctx = NULL;
	cg->ntails = cg->tails_cap = 0;
	cg->tails = NULL;
	cg->ninlined = 0;
	cg->nheavy = 0;
	cg->dead = false;
	cg->scratch_top = cg->scratch_max = 0;
	cg->nlocals = 0;
	cg->label_used_cap = 0;
	cg->label_used = NULL;
	cg->exit_label = cg_label(cg);
	cg->error_label = -1;
	cg->act_slot = emit_stack_alloc(&cg->em, 8);
	cg->key_slot = emit_stack_alloc(&cg->em, 8);
	/* context variables read the context after helper calls */
	cg->ctx_slot = 0;
	if (pt && pt->kind != CG_BEGIN && pt->kind != CG_END &&
	    pt->kind != CG_ERROR) {
		cg->ctx_slot = emit_stack_alloc(&cg->em, 8);
		emit_store(&cg->em, BPF_DW, BPF_REG_10, cg->ctx_slot, BPF_REG_1);
	}
	if (pt && pt->point)
		cg_note(cg, pt->point->tok);
	prologue(cg, pt);
}

/* Close the program and move it into the object */
static void program_end(struct cg *cg, const char *name, const char *section,
			const char *pp)
{
	struct emitter *em = &cg->em;
	struct cg_object *obj = cg->obj;
	struct cg_prog *p;

	cg->dead = false;
	cg_bind(cg, cg->exit_label);
	emit_mov_imm(em, BPF_REG_0, 0);
	emit_exit(em);
	if (cg->error_label >= 0)
		rt_error_tail(cg, NULL, 0);
	cg_func_tails(cg, 0);
	/* codegen_foreach.c refuses loop bodies nested past this; the
	 * callbacks of foreach, delete and statistics can add one more */
	if (!cg->errors && cg_call_frames(cg) > 8)
		cg_unsupported(cg, cg->point ? cg->point->probe->tok : NULL,
			       "a probe whose innermost loop body needs a "
			       "9th BPF call frame");
	emit_stack_release(em, 0);
	if (emit_finish(em) == -E2BIG && strstr(em->errmsg, "stack")) {
		cg_unsupported(cg, cg->point ? cg->point->probe->tok : NULL,
			       "a probe whose locals and temporaries need more "
			       "than 512 bytes of BPF stack");
	} else if (em->err && !cg->errors) {	/* else a consequence */
		diag_semantic_error(cg->diags, cg->point ? cg->point->probe->tok : NULL,
				    "bpf code generation failed: %s", em->errmsg);
		cg->errors++;
	}
	if (cg->scratch_max > cg->scratch_size)
		cg->scratch_size = cg->scratch_max;
	p = &obj->progs[obj->nprogs++];
	p->name = arena_strdup(cg->arena, name);
	p->section = arena_strdup(cg->arena, section);
	p->pp = arena_strdup(cg->arena, pp);
	p->insns = em->insns;
	p->notes = em->notes;
	p->len = em->len;
	p->relocs = em->relocs;
	p->nrelocs = em->nrelocs;
	p->labels = em->labels;
	p->nlabels = em->nlabels;
	free(em->fixups);
	memset(em, 0, sizeof(*em));
}

/* Store one global's literal initialiser */
static void init_global(struct cg *cg, const struct cg_global *g)
{
	const struct expr *init = g->var->decl ? g->var->decl->init : NULL;
	struct emitter *em = &cg->em;
	size_t len;
	char *s;

	if (!init || g->storage != CG_ST_SCALAR)
		return;
	cg_note(cg, init->tok);
	if (init->kind == E_STRING) {
		s = strlit_decode(cg->arena, init->str, init->str_len, &len);
		cg_str_literal(cg, init->tok, s, len);
		emit_mov_reg(em, BPF_REG_3, BPF_REG_0);
		cg_str_copy(cg, CG_GLOBALS, g->off);
	} else {
		emit_ld_imm64(em, BPF_REG_0, (uint64_t)init->num);
		emit_store(em, BPF_DW, CG_GLOBALS, g->off, BPF_REG_0);
	}
}

static bool any_init(const struct cg *cg)
{
	int i;

	for (i = 0; i < cg->nglobals; i++)
		if (cg->globals[i].storage == CG_ST_SCALAR &&
		    cg->globals[i].var->decl && cg->globals[i].var->decl->init)
			return true;
	return false;
}

/* Globals start with their initialisers, before any begin probe */
static void gen_init_program(struct cg *cg)
{
	int i;

	program_start(cg, NULL, 0);
	for (i = 0; i < cg->nglobals; i++)
		init_global(cg, &cg->globals[i]);
	program_end(cg, "sonde_init", SONDE_SEC_BEGIN "0", "begin");
}

/* Run order of point i among its kind: priority, then script order */
static int run_order(const struct cg *cg, const struct cg_point *pt)
{
	int i, n = 0;

	for (i = 0; i < cg->npoints; i++) {
		const struct cg_point *o = &cg->points[i];

		if (o->kind != pt->kind)
			continue;
		if (o->priority < pt->priority ||
		    (o->priority == pt->priority && o->order < pt->order))
			n++;
	}
	return n;
}

static const char *section_of(struct cg *cg, const struct cg_point *pt,
			      bool has_init)
{
	switch (pt->kind) {
	case CG_BEGIN:
		return arena_printf(cg->arena, SONDE_SEC_BEGIN "%d",
				    run_order(cg, pt) + has_init);
	case CG_END:
		return arena_printf(cg->arena, SONDE_SEC_END "%d",
				    run_order(cg, pt));
	case CG_ERROR:
		return arena_printf(cg->arena, SONDE_SEC_ERROR "%d",
				    run_order(cg, pt));
	case CG_TIMER:
		return "perf_event";
	case CG_TRACE:
		return arena_printf(cg->arena, "tracepoint/%s", pt->tp);
	case CG_RAW_TRACE:
		return arena_printf(cg->arena, "raw_tracepoint/%s", pt->tp);
	default:
		return pt->section;
	}
	return "?";
}

/* The probe and prog lines of one program */
static void meta_prog(struct cg *cg, const char *name,
		      const struct cg_point *pt, int id)
{
	FILE *m = cg->meta;
	const char *p;

	if (!m)
		return;
	fprintf(m, "probe %d \"", id);
	for (p = pt->pp; *p; p++)
		fprintf(m, *p == '"' || *p == '\\' ? "\\%c" : "%c", *p);
	fprintf(m, "\"\nprog %s probe=%d", name, id);
	if (pt->kind == CG_TIMER)
		fprintf(m, " perf_type=1 perf_config=0 period=%llu cpu=0",
			(unsigned long long)pt->period_ns);
	if (pt->attach)
		fprintf(m, " %s", pt->attach);
	fputc('\n', m);
}

/* A .return uprobe's entry values: a uprobe of their own (codegen_entry.c) */
static void gen_entry_program(struct cg *cg, const struct cg_point *pt, int id)
{
	const char *name = arena_printf(cg->arena, "sonde_p%d_e", id);

	cg->entry_mode = true;
	program_start(cg, pt, id);
	cg_entry_save(cg, pt);
	program_end(cg, name, "uprobe", pt->pp);
	cg->entry_mode = false;
	if (cg->meta)
		fprintf(cg->meta, "prog %s probe=%d %s\n", name, id,
			pt->entry_attach);
}

static void gen_point(struct cg *cg, const struct cg_point *pt, int id,
		      bool has_init)
{
	const struct probe *p = pt->probe;
	const char *name = arena_printf(cg->arena, "sonde_p%d", id);

	program_start(cg, pt, id);
	cg_entry_load(cg, pt);
	init_locals(cg, &p->locals);
	if (pt->cond) {
		cg_note(cg, pt->cond->tok);
		cg_cond(cg, pt->cond);
		cg_jcond(cg, BPF_JEQ, BPF_REG_0, 0, cg->exit_label);
	}
	if (p->body) {
		cg_charge_body(cg, p->body);
		cg_stmt(cg, p->body);
	}
	program_end(cg, name, section_of(cg, pt, has_init), pt->pp);
	meta_prog(cg, name, pt, id);
	if (pt->nsaved)
		gen_entry_program(cg, pt, id);
}

/* ---- the object ------------------------------------------------------------ */

static void add_fixed_maps(struct cg *cg)
{
	cg_add_map(cg, SONDE_MAP_OUT, BPF_MAP_TYPE_RINGBUF, 0, 0,
		   CG_RINGBUF_SIZE);
	cg_add_map(cg, SONDE_MAP_CTL, BPF_MAP_TYPE_ARRAY, 4, 8,
		   SONDE_CTL_NSLOTS);
	/* value size set when every program's frame is known */
	cg_add_map(cg, "sonde_scratch", BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 1);
}

static void generate(struct cg *cg)
{
	bool has_init = any_init(cg);
	int i, extra = 0;

	for (i = 0; i < cg->npoints; i++)
		extra += cg->points[i].nsaved > 0;
	cg->obj->progs = calloc(cg->npoints + 2 + extra, sizeof(*cg->obj->progs));
	if (!cg->obj->progs) {
		cg->errors++;
		return;
	}
	if (has_init)
		gen_init_program(cg);
	for (i = 0; i < cg->npoints; i++)
		gen_point(cg, &cg->points[i], i, has_init);
	/* every buffer may be appended to up to one slot past its end */
	cg->maps[CG_MAP_SCRATCH].value_size =
		(unsigned)((cg->scratch_size + cg->slot + 7) & ~7u);
}

int codegen(const struct program *prog, const struct cg_limits *lim,
	    struct cg_object *obj, struct diags *d)
{
	struct cg cg = {
		.prog = prog, .diags = d, .lim = *lim, .obj = obj,
		.map_globals = -1, .map_iter = -1,
	};

	memset(obj, 0, sizeof(*obj));
	cg.arena = &obj->arena;
	cg.slot = SONDE_STR_SLOT(lim->maxstringlen);
	add_fixed_maps(&cg);
	cg_meta_begin(&cg);
	if (cg_resolve_points(&cg) | cg_layout_globals(&cg))
		cg.errors++;
	cg_compute_nesting(&cg);
	if (!cg.errors)
		generate(&cg);
	if (cg_subs_finish(&cg))
		cg.errors++;
	cg_meta_finish(&cg);
	cg_ctxvar_release(&cg);
	obj->maps = cg.maps;
	obj->nmaps = cg.nmaps;
	if (cg.metabuf) {
		obj->meta = arena_strndup(cg.arena, cg.metabuf, cg.metalen);
		obj->metalen = cg.metalen;
		free(cg.metabuf);
	}
	if (!cg.errors && !obj->meta)
		cg.errors++;
	if (cg.errors) {
		cg_object_release(obj);
		return -1;
	}
	return 0;
}
