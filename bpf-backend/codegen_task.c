// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * codegen_task.c - context builtins about the current task and the
 * running probe (tapsets.md §3.1): ppid, pexecname, euid, egid through
 * task_struct (offsets from kernel BTF, reads with
 * bpf_probe_read_kernel), and the probe's own facts, constants of each
 * program: ppfunc, probefunc, is_return, probe_type; user_mode, addr,
 * uaddr of uprobes and (from the sampled registers) perf events.
 */
#include <string.h>

#include "bpf-backend/codegen_int.h"
#include "translator/debuginfo/btf.h"
#include "translator/providers/provider.h"

/* Byte offset of member m of struct s, or -1 (reported) */
static int off(struct cg *cg, const struct expr *e, const char *s,
	       const char *m)
{
	struct dbtf_member mem;
	uint32_t id;

	if (!cg_kernel_btf(cg) || dbtf_find_type(cg->btf, s, &id, NULL) ||
	    dbtf_member(cg->btf, id, m, &mem)) {
		cg_unsupported(cg, e->tok, arena_printf(cg->arena,
			       "'%s' without %s.%s in kernel BTF", e->name, s, m));
		return -1;
	}
	return (int)mem.offset;
}

/* r0 = size bytes at r0 + o in kernel memory (0 when unreadable) */
static void kread(struct cg *cg, int o, int size)
{
	struct emitter *em = &cg->em;
	int mark = emit_stack_mark(em), slot = emit_stack_alloc(em, 8);

	emit_store_imm(em, BPF_DW, BPF_REG_10, slot, 0);
	emit_mov_reg(em, BPF_REG_3, BPF_REG_0);
	emit_alu_imm(em, BPF_ADD, BPF_REG_3, o);
	emit_mov_reg(em, BPF_REG_1, BPF_REG_10);
	emit_alu_imm(em, BPF_ADD, BPF_REG_1, slot);
	emit_mov_imm(em, BPF_REG_2, size);
	emit_call_helper(em, BPF_FUNC_probe_read_kernel);
	emit_load(em, size == 8 ? BPF_DW : BPF_W, BPF_REG_0, BPF_REG_10, slot);
	emit_stack_release(em, mark);
}

/* ppid, euid, egid: a 4-byte field one pointer away from the task */
static void task_field(struct cg *cg, const struct expr *e, const char *ptr,
		       const char *ptr_struct, const char *field)
{
	int o1 = off(cg, e, "struct task_struct", ptr);
	int o2 = off(cg, e, ptr_struct, field);

	if (o1 < 0 || o2 < 0) {
		emit_mov_imm(&cg->em, BPF_REG_0, 0);
		return;
	}
	emit_call_helper(&cg->em, BPF_FUNC_get_current_task);
	kread(cg, o1, 8);
	kread(cg, o2, 4);
}

static void pexecname(struct cg *cg, const struct expr *e)
{
	struct emitter *em = &cg->em;
	int o1 = off(cg, e, "struct task_struct", "real_parent");
	int o2 = off(cg, e, "struct task_struct", "comm");
	int buf = cg_scratch_alloc(cg, e->tok, cg->slot);

	emit_store_imm(em, BPF_B, CG_SCRATCH, buf, 0);
	if (o1 >= 0 && o2 >= 0) {
		emit_call_helper(em, BPF_FUNC_get_current_task);
		kread(cg, o1, 8);
		emit_mov_reg(em, BPF_REG_3, BPF_REG_0);
		emit_alu_imm(em, BPF_ADD, BPF_REG_3, o2);
		emit_mov_reg(em, BPF_REG_1, CG_SCRATCH);
		emit_alu_imm(em, BPF_ADD, BPF_REG_1, buf);
		emit_mov_imm(em, BPF_REG_2, 16);	/* TASK_COMM_LEN */
		emit_call_helper(em, BPF_FUNC_probe_read_kernel_str);
	}
	emit_mov_reg(em, BPF_REG_0, CG_SCRATCH);
	emit_alu_imm(em, BPF_ADD, BPF_REG_0, buf);
}

/* The function name in pp(): after function(" up to @ or " */
static const char *pp_function(struct cg *cg)
{
	const char *pp = cg->point ? cg->point->pp : "", *p, *q;

	p = strstr(pp, "function(\"");
	if (!p)
		return "";
	p += strlen("function(\"");
	for (q = p; *q && *q != '@' && *q != '"'; q++)
		;
	return arena_strndup(cg->arena, p, (size_t)(q - p));
}

static const char *probe_type(const struct cg_point *pt)
{
	if (!pt)
		return "begin";
	switch (pt->kind) {
	case CG_BEGIN: return "begin";
	case CG_END: return "end";
	case CG_ERROR: return "error";
	case CG_TIMER: return "hrtimer";
	case CG_PERF: return "perf";
	case CG_TRACE:
	case CG_RAW_TRACE: return "tracepoint";
	case CG_UPROBE:
		return pt->dp->u.uprobe.is_return ? "uretprobe" : "uprobe";
	case CG_PROCESS: return "utrace";
	}
	return "";
}

static bool is_uprobe(const struct cg *cg)
{
	return cg->point && cg->point->kind == CG_UPROBE;
}

/* perf event programs: the interrupted registers start the context */
static bool is_sampled(const struct cg *cg)
{
	return cg->point && (cg->point->kind == CG_PERF ||
			     cg->point->kind == CG_TIMER);
}

/* r0 = 1 when the sampled registers are user mode (cs & 3 == 3) */
static void sampled_user_mode(struct cg *cg, const struct expr *e)
{
	struct emitter *em = &cg->em;

	if (cg_load_reg(cg, BPF_REG_0, CG_REG_CS, e->tok))
		return;
	emit_alu_imm(em, BPF_AND, BPF_REG_0, 3);
	emit_alu_imm(em, BPF_XOR, BPF_REG_0, 3);
	/* 0 when user mode: 1 - min(r0, 1) */
	emit_alu_imm(em, BPF_ADD, BPF_REG_0, 3);
	emit_alu_imm(em, BPF_RSH, BPF_REG_0, 2);
	emit_alu_imm(em, BPF_XOR, BPF_REG_0, 1);
}

/* addr(): the sampled ip; uaddr(): that when in user mode, else 0 */
static void sampled_addr(struct cg *cg, const struct expr *e, bool user)
{
	struct emitter *em = &cg->em;
	int mark = emit_stack_mark(em), slot = emit_stack_alloc(em, 8);

	if (user) {
		sampled_user_mode(cg, e);
		emit_store(em, BPF_DW, BPF_REG_10, slot, BPF_REG_0);
	}
	if (cg_load_reg(cg, BPF_REG_0, 16, e->tok) == 0 && user) {
		/* ip * user_mode, without a branch */
		emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, slot);
		emit_alu_reg(em, BPF_MUL, BPF_REG_0, BPF_REG_1);
	}
	emit_stack_release(em, mark);
}

static void literal(struct cg *cg, const struct expr *e, const char *s)
{
	cg_str_literal(cg, e->tok, s, strlen(s));
}

bool cg_call_task(struct cg *cg, const struct expr *e)
{
	struct emitter *em = &cg->em;
	const char *n = e->name;

	if ((e->callee && e->callee->body) || e->args.n)
		return false;
	if (!strcmp(n, "ppid"))
		task_field(cg, e, "real_parent", "struct task_struct", "tgid");
	else if (!strcmp(n, "euid"))
		task_field(cg, e, "cred", "struct cred", "euid");
	else if (!strcmp(n, "egid"))
		task_field(cg, e, "cred", "struct cred", "egid");
	else if (!strcmp(n, "pexecname"))
		pexecname(cg, e);
	else if (!strcmp(n, "ppfunc"))
		literal(cg, e, pp_function(cg));
	else if (!strcmp(n, "probefunc"))
		/* a symbol lookup upstream: here the probed function */
		literal(cg, e, is_uprobe(cg) ? cg->point->dp->u.uprobe.function
						 : "");
	else if (!strcmp(n, "probe_type"))
		literal(cg, e, probe_type(cg->point));
	else if (!strcmp(n, "is_return"))
		emit_mov_imm(em, BPF_REG_0, is_uprobe(cg) &&
			     cg->point->dp->u.uprobe.is_return);
	else if (!strcmp(n, "user_mode") && is_sampled(cg))
		sampled_user_mode(cg, e);
	else if (!strcmp(n, "user_mode"))
		emit_mov_imm(em, BPF_REG_0, is_uprobe(cg));
	else if (is_sampled(cg) && (!strcmp(n, "addr") || !strcmp(n, "uaddr")))
		sampled_addr(cg, e, n[0] == 'u');
	else if (!strcmp(n, "addr") || !strcmp(n, "uaddr")) {
		/* the interrupted user instruction: the uprobe's pt_regs */
		if (!is_uprobe(cg) || cg_load_reg(cg, BPF_REG_0, 16, e->tok))
			emit_mov_imm(em, BPF_REG_0, 0);
	} else
		return false;
	return true;
}
