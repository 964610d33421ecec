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
 *	process.begin       sched_process_exec: the new program image
 *	                    starts, in the context of its process
 *	process.end         sched_process_exit of the thread that ends its
 *	                    thread group (group_dead, or the leader on
 *	                    kernels whose tracepoint lacks that argument)
 *
 * Every other family is refused at its probe point; kernel.function and
 * kprobe say whether the kernel has kprobes at all.  The end probes
 * pass 2 adds to print unread globals (probe->autoprint_of) become no
 * program: staprun prints those globals itself (codegen_meta.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf-backend/codegen_int.h"
#include "translator/debuginfo/btf.h"
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

	if (u->kind != PROV_UP_FUNCTION && u->kind != PROV_UP_STATEMENT) {
		cg_unsupported(cg, tok, u->kind == PROV_UP_PLT ?
			       "a process.plt probe" : "a process.mark probe");
		return -1;
	}
	pt->kind = CG_UPROBE;
	pt->section = u->is_return ? "uretprobe" : "uprobe";
	pt->attach = arena_printf(cg->arena, "path=%s offset=0x%llx",
				  quoted(cg, u->path),
				  (unsigned long long)u->offset);
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

/* process.end: which raw tracepoint argument says the group is dead */
static int group_dead_arg(struct cg *cg, const struct token *tok)
{
	struct dbtf_proto *proto;
	int i, idx = -1;

	if (!cg->btf && !cg->btf_failed)
		cg->btf = dbtf_open(NULL);
	if (!cg->btf) {
		cg->btf_failed = true;
		return -1;
	}
	proto = dbtf_tracepoint_proto(cg->btf, "sched_process_exit");
	for (i = 0; proto && i < proto->nparams; i++)
		if (!strcmp(proto->params[i].name, "group_dead"))
			idx = i;
	dbtf_proto_free(proto);
	(void)tok;
	return idx;
}

static int utrace_point(struct cg *cg, const struct prov_probe *dp,
			struct cg_point *pt, const struct token *tok)
{
	const struct prov_utrace *ut = &dp->u.utrace;

	if (ut->path) {
		cg_unsupported(cg, tok, "process(\"PATH\").begin and .end");
		return -1;
	}
	if (ut->event != PROV_UT_BEGIN && ut->event != PROV_UT_END) {
		cg_unsupported(cg, tok, "process.thread and process.syscall probes");
		return -1;
	}
	pt->kind = CG_PROCESS;
	if (ut->event == PROV_UT_BEGIN) {
		pt->tp = "sched_process_exec";
		pt->filter_arg = -1;
	} else {
		pt->tp = "sched_process_exit";
		pt->filter_arg = group_dead_arg(cg, tok);
		pt->filter_leader = pt->filter_arg < 0;
	}
	pt->section = arena_printf(cg->arena, "raw_tracepoint/%s", pt->tp);
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

	if (dp->point && dp->point->cond) {
		cg_unsupported(cg, tok, "a probe point condition");
		return -1;
	}
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
		return utrace_point(cg, dp, pt, tok);
	case PROV_KFUNC:
	case PROV_KPROBE:
		refuse_kprobes(cg, dp, tok);
		return -1;
	default:
		cg_unsupported(cg, tok, family_name(dp->family));
		return -1;
	}
}

/* The process.end filter, at the top of the handler: return unless the
 * exiting thread ends its process */
void cg_point_filter(struct cg *cg, const struct cg_point *pt)
{
	struct emitter *em = &cg->em;

	if (pt->kind != CG_PROCESS || !strcmp(pt->tp, "sched_process_exec"))
		return;
	if (pt->filter_arg >= 0) {
		cg_load_ctx(cg, BPF_REG_1);
		emit_load(em, BPF_DW, BPF_REG_0, BPF_REG_1,
			  (int16_t)(8 * pt->filter_arg));
		emit_alu_imm(em, BPF_AND, BPF_REG_0, 0xff);
		emit_jcond_imm(em, BPF_JEQ, BPF_REG_0, 0, cg->exit_label);
	} else if (pt->filter_leader) {
		/* pid == tid: the thread group leader */
		emit_call_helper(em, BPF_FUNC_get_current_pid_tgid);
		emit_mov_reg(em, BPF_REG_1, BPF_REG_0);
		emit_alu_imm(em, BPF_RSH, BPF_REG_1, 32);
		emit_insn(em, INSN_MOV32_REG(BPF_REG_0, BPF_REG_0));
		emit_jcond_reg(em, BPF_JNE, BPF_REG_0, BPF_REG_1, cg->exit_label);
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
			pt->dp = dp;
			if (from_derived(cg, dp, pt) || cg_entry_plan(cg, pt))
				err = -1;
			else
				cg->npoints++;
		}
	}
	return err;
}
