// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * codegen_points.c - the probes the BPF backend runs, from pass 2's
 * derived probes (translator/providers/: probe->derived).
 *
 *	begin, end, error   sonde/KIND/N programs staprun runs itself
 *	timer.* (hrtimer)   a cpu-clock perf event on CPU 0
 *	kernel.trace        tracefs events without a BTF prototype
 *	                    (syscalls:*) as tracepoint programs, whose
 *	                    context is the trace record; kernel tracepoints
 *	                    as raw tracepoints, whose context is the
 *	                    TP_PROTO arguments (codegen_ctxvar.c)
 *	process().function  uprobes and uretprobes at the file offset pass 2
 *	  / .statement      resolved, in every process mapping the file
 *	perf.*, timer.profile  perf events on every CPU
 *	process.begin/.end  sched_process_exec and sched_process_exit
 *	                    (codegen_process.c)
 *
 * Each may carry its point's `if (cond)`.  Every other family is refused at its probe point; kernel.function and
 * kprobe say whether the kernel has kprobes at all.  The end probes
 * pass 2 adds to print unread globals (probe->autoprint_of) become no
 * program: staprun prints those globals itself (codegen_meta.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf-backend/codegen_int.h"
#include "translator/providers/provider.h"

static const char *family_name(enum prov_family f)
{
	switch (f) {
	case PROV_TIMER_PROFILE: return "a timer.profile.tick probe";
	case PROV_PROCFS: return "a procfs probe";
	default: return "this probe point";
	}
}

/* "a=b c=d" of a metadata prog line, with a quoted path */
static const char *quoted(struct cg *cg, const char *s)
{
	char *out = arena_alloc(cg->arena, 2 * strlen(s) + 3), *o = out;

	*o++ = '"';
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			*o++ = '\\';
		*o++ = *s;
	}
	*o++ = '"';
	*o = '\0';
	return out;
}

static int uprobe_point(struct cg *cg, const struct prov_probe *dp,
			struct cg_point *pt, const struct token *tok)
{
	const struct prov_uprobe *u = &dp->u.uprobe;

	pt->kind = CG_UPROBE;
	pt->section = u->is_return ? "uretprobe" : "uprobe";
	pt->attach = arena_printf(cg->arena, "path=%s offset=0x%llx",
				  quoted(cg, u->path),
				  (unsigned long long)u->offset);
	if (u->semaphore)	/* an SDT marker the program tests first */
		pt->attach = arena_printf(cg->arena, "%s semaphore=0x%llx",
					  pt->attach,
					  (unsigned long long)u->semaphore);
	/* where entry values are read: the post-prologue pc */
	pt->entry_attach = arena_printf(cg->arena, "path=%s offset=0x%llx",
					quoted(cg, u->path),
					(unsigned long long)(u->offset +
							     u->vars_pc - u->vaddr));
	return 0;
}

static int perf_point(struct cg *cg, const struct prov_probe *dp,
		      struct cg_point *pt, const struct token *tok)
{
	const struct prov_perf *pf = &dp->u.perf;

	if (pf->process || pf->counter || !pf->per_cpu) {
		cg_unsupported(cg, tok, pf->counter ? "a perf counter" :
			       "a perf probe on one process");
		return -1;
	}
	pt->kind = CG_PERF;
	pt->section = "perf_event";
	pt->attach = arena_printf(cg->arena, "perf_type=%u perf_config=%llu %s=%llu",
				  pf->type, (unsigned long long)pf->config,
				  pf->freq ? "freq" : "period",
				  (unsigned long long)pf->sample);
	return 0;
}

/* kernel.function and kprobe: the kernel's lack of kprobes, first */
static void refuse_kprobes(struct cg *cg, const struct prov_probe *dp,
			   const struct token *tok)
{
	const char *what = dp->family == PROV_KFUNC ? "kernel.function" : "kprobe";

	if (access("/sys/bus/event_source/devices/kprobe", F_OK) != 0) {
		diag_semantic_error(cg->diags, tok,
				    "%s probes need kprobes, and this kernel has "
				    "none (no kprobe PMU, CONFIG_KPROBES is not set)",
				    what);
		cg->errors++;
		return;
	}
	cg_unsupported(cg, tok, arena_printf(cg->arena, "a %s probe", what));
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
		if (dp->u.trace.kind == PROV_TP_BTF) {
			pt->kind = CG_RAW_TRACE;
			pt->tp = dp->u.trace.event;
			return 0;
		}
		pt->kind = CG_TRACE;
		pt->tp = arena_printf(cg->arena, "%s/%s", dp->u.trace.system,
				      dp->u.trace.event);
		return 0;
	case PROV_UPROBE:
		return uprobe_point(cg, dp, pt, tok);
	case PROV_PERF:
		return perf_point(cg, dp, pt, tok);
	case PROV_UTRACE:
		return cg_process_point(cg, dp, pt, tok);
	case PROV_KFUNC:
	case PROV_KPROBE:
		refuse_kprobes(cg, dp, tok);
		return -1;
	default:
		cg_unsupported(cg, tok, family_name(dp->family));
		return -1;
	}
}

/* The point's own test at the top of its handler */
void cg_point_filter(struct cg *cg, const struct cg_point *pt)
{
	if (pt->kind == CG_PROCESS)
		cg_process_filter(cg, pt);
	/* with -c or -x, process probes see the target's tree only */
	if (pt->kind == CG_PROCESS || pt->kind == CG_UPROBE)
		cg_target_tree_filter(cg, pt);
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
			pt->dp = dp;
			if (from_derived(cg, dp, pt) || cg_entry_plan(cg, pt))
				err = -1;
			else
				cg->npoints++;
		}
	}
	return err;
}
