// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * codegen_sub.c - subprograms: the callbacks that bpf_loop() and
 * bpf_for_each_map_elem() run (codegen_foreach.c).
 *
 * A callback is verified on its own, whatever the number of times it
 * runs, so the work whose length depends on the data (walking a hash
 * map, sorting its keys) goes there rather than into a loop the
 * verifier would walk iteration by iteration.  Callbacks keep their
 * state in maps, not in the caller's stack, so that the verifier sees
 * the same state on every call.
 *
 * A subprogram is generated in cg->em while the program that needs it
 * is set aside; identical ones (same key) are shared by every program.
 * They end up in .text, with the BTF function info the verifier needs
 * for callbacks (funcinfo.c).
 */
#include <stdlib.h>
#include <string.h>

#include "bpf-backend/codegen_int.h"

int cg_sub_find(const struct cg *cg, const char *key)
{
	int i;

	for (i = 0; i < cg->nsubs; i++)
		if (!strcmp(cg->sub_keys[i], key))
			return i;
	return -1;
}

static void sub_begin(struct cg *cg, struct cg_sub_save *save)
{
	save->em = cg->em;
	save->key_slot = cg->key_slot;
	save->error_label = cg->error_label;
	save->exit_label = cg->exit_label;
	save->dead = cg->dead;
	save->label_used = cg->label_used;
	save->label_used_cap = cg->label_used_cap;
	save->loop = cg->loop;
	save->tails = cg->tails;
	save->ntails = cg->ntails;
	save->tails_cap = cg->tails_cap;
	emit_init(&cg->em);
	cg->sub_depth++;
	cg->tails = NULL;
	cg->ntails = cg->tails_cap = 0;
	cg->error_label = -1;
	cg->exit_label = -1;
	cg->dead = false;
	cg->label_used = NULL;
	cg->label_used_cap = 0;
	cg->loop = NULL;
}

void cg_sub_begin(struct cg *cg, struct cg_sub_save *save)
{
	sub_begin(cg, save);
	cg->key_slot = emit_stack_alloc(&cg->em, 8);
}

void cg_sub_begin_mirror(struct cg *cg, struct cg_sub_save *save, int depth)
{
	sub_begin(cg, save);
	if (depth)
		emit_stack_alloc(&cg->em, depth);
}

int cg_sub_end(struct cg *cg, struct cg_sub_save *save, const char *key)
{
	struct emitter *em = &cg->em;
	struct cg_prog *p;
	int idx = -1;

	/* the error tails of functions inlined in a loop body belong to
	 * its callback: their labels are the callback's */
	cg_func_tails(cg);
	emit_stack_release(em, 0);
	if (emit_finish(em)) {
		diag_semantic_error(cg->diags, NULL,
				    "bpf code generation failed: %s", em->errmsg);
		cg->errors++;
	} else if (cg->nsubs == cg->subs_cap) {
		int cap = cg->subs_cap ? cg->subs_cap * 2 : 8;
		struct cg_prog *s = arena_alloc(cg->arena, cap * sizeof(*s));
		const char **k = arena_alloc(cg->arena, cap * sizeof(*k));

		if (cg->nsubs) {
			memcpy(s, cg->subs, cg->nsubs * sizeof(*s));
			memcpy(k, cg->sub_keys, cg->nsubs * sizeof(*k));
		}
		cg->subs = s;
		cg->sub_keys = k;
		cg->subs_cap = cap;
	}
	if (!em->err) {
		idx = cg->nsubs++;
		p = &cg->subs[idx];
		memset(p, 0, sizeof(*p));
		p->name = arena_printf(cg->arena, "sonde_cb%d", idx);
		p->section = arena_strdup(cg->arena, ".text");
		p->pp = arena_strdup(cg->arena, key);
		p->insns = em->insns;
		p->notes = em->notes;
		p->len = em->len;
		p->relocs = em->relocs;
		p->nrelocs = em->nrelocs;
		p->labels = em->labels;
		p->nlabels = em->nlabels;
		cg->sub_keys[idx] = arena_strdup(cg->arena, key);
		free(em->fixups);
	} else {
		emit_release(em);
	}
	cg->em = save->em;
	cg->key_slot = save->key_slot;
	cg->error_label = save->error_label;
	cg->exit_label = save->exit_label;
	cg->dead = save->dead;
	cg->label_used = save->label_used;
	cg->label_used_cap = save->label_used_cap;
	cg->loop = save->loop;
	cg->sub_depth--;
	cg->tails = save->tails;
	cg->ntails = save->ntails;
	cg->tails_cap = save->tails_cap;
	return idx;
}

int cg_subs_finish(struct cg *cg)
{
	struct cg_object *obj = cg->obj;

	if (!cg->nsubs)
		return 0;
	obj->subprogs = calloc(cg->nsubs, sizeof(*obj->subprogs));
	if (!obj->subprogs)
		return -1;
	memcpy(obj->subprogs, cg->subs, cg->nsubs * sizeof(*cg->subs));
	obj->nsubprogs = cg->nsubs;
	cg->nsubs = 0;
	return 0;
}
