// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * codegen_points.c - the probes the BPF backend runs, from pass 2's
 * derived probes (translator/providers/: probe->derived).
 *
 * Supported so far: begin, end and error (with their sequence numbers),
 * the hrtimer forms of timer.* (a cpu-clock perf event on CPU 0, as
 * staprun's metadata describes it) and kernel.trace (a tracepoint
 * program, without context variables), with their `if (cond)`.  Every
 * other family is refused
 * at its probe point.  The end probes pass 2 adds to print unread
 * globals (probe->autoprint_of) become no program: staprun prints those
 * globals itself (codegen_meta.c).
 */
#include <string.h>

#include "bpf-backend/codegen_int.h"
#include "translator/providers/provider.h"

static const char *family_name(enum prov_family f)
{
	switch (f) {
	case PROV_TIMER_PROFILE: return "a timer.profile probe";
	case PROV_PERF: return "a perf probe";
	case PROV_KFUNC: return "a kernel.function probe";
	case PROV_KPROBE: return "a kprobe probe";
	case PROV_UPROBE: return "a process probe";
	case PROV_UTRACE: return "a process lifecycle probe";
	case PROV_PROCFS: return "a procfs probe";
	default: return "this probe point";
	}
}

/* Fill pt from dp; 0, or -1 with the refusal reported */
static int from_derived(struct cg *cg, const struct prov_probe *dp,
			struct cg_point *pt)
{
	const struct token *tok = dp->point ? dp->point->tok : pt->probe->tok;

	/* the handler is skipped while the condition is false: every
	 * family here just wraps the handler in it (probes.md 1.5) */
	if (dp->point)
		pt->cond = dp->point->cond;
	switch (dp->family) {
	case PROV_BEGIN:
	case PROV_END:
	case PROV_ERROR:
		pt->kind = dp->family == PROV_BEGIN ? CG_BEGIN :
			   dp->family == PROV_END ? CG_END : CG_ERROR;
		pt->priority = dp->u.been.seq;
		return 0;
	case PROV_TIMER:
		if (dp->u.timer.jiffies || dp->u.timer.randomize) {
			cg_unsupported(cg, tok, dp->u.timer.jiffies ?
				       "timer.jiffies" : "timer randomize");
			return -1;
		}
		pt->kind = CG_TIMER;
		pt->period_ns = dp->u.timer.period > 0 ?
				(uint64_t)dp->u.timer.period : 1;
		return 0;
	case PROV_TRACEPOINT:
		pt->kind = CG_TRACE;
		pt->tp = arena_printf(cg->arena, "%s/%s", dp->u.trace.system,
				      dp->u.trace.event);
		return 0;
	default:
		cg_unsupported(cg, tok, family_name(dp->family));
		return -1;
	}
}

/* Fill cg->points with one entry per derived probe of every probe
 * (never-probes give none). */
int cg_resolve_points(struct cg *cg)
{
	int i, j, n = 0, err = 0;

	for (i = 0; i < cg->prog->probes.n; i++)
		n += ((const struct probe *)cg->prog->probes.v[i])->derived.n;
	cg->points = arena_alloc(cg->arena, (n + 1) * sizeof(*cg->points));
	for (i = 0; i < cg->prog->probes.n; i++) {
		const struct probe *p = cg->prog->probes.v[i];

		if (p->autoprint_of)
			continue;
		for (j = 0; j < p->derived.n; j++) {
			const struct prov_probe *dp = p->derived.v[j];
			struct cg_point *pt = &cg->points[cg->npoints];

			if (dp->family == PROV_NEVER)
				continue;
			memset(pt, 0, sizeof(*pt));
			pt->probe = p;
			pt->point = dp->point;
			pt->order = cg->npoints;
			pt->pp = dp->pp ? dp->pp : dp->name;
			if (from_derived(cg, dp, pt))
				err = -1;
			else
				cg->npoints++;
		}
	}
	return err;
}
