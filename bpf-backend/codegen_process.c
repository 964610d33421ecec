// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * codegen_process.c - process.begin and process.end (probes.md §2.7),
 * on the scheduler's tracepoints, as raw tracepoints:
 *
 *	process.begin   sched_process_exec: a program image starts, in the
 *	                context of its process (so a -c command's exec is
 *	                seen with pid() == target())
 *	process.end     sched_process_exit of the thread that ends its
 *	                thread group: the group_dead argument, or on kernels
 *	                whose tracepoint lacks it the group leader's exit
 *
 * process("PATH").begin/.end compare the program's file with PATH by
 * inode and device (stat at translation time against the kernel's
 * file->f_inode): bprm->file at exec, current->mm->exe_file at exit.  A
 * path moved or replaced after translation is not seen.  The structure
 * offsets come from kernel BTF.
 *
 * process[("P")].syscall and .syscall.return are the raw_syscalls
 * tracepoints sys_enter(regs, id) and sys_exit(regs, ret), in the
 * calling thread: $syscall is id (orig_ax at the exit), $argN the
 * syscall argument registers of the saved pt_regs (x86-64: di, si, dx,
 * r10, r8, r9), $return ret.
 *
 * With -c or -x, process probes (these and uprobes) are limited to the
 * target's process tree (probes.md §2.7): the handler walks up
 * real_parent from the current task, at most CG_TREE_DEPTH generations,
 * looking for target()'s tgid.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "bpf-backend/codegen_int.h"
#include "staprun/bpf_abi.h"
#include "translator/debuginfo/btf.h"
#include "translator/providers/provider.h"

/* Index of the tracepoint's argument 'name', or -1 */
static int tp_arg(struct cg *cg, const char *event, const char *name)
{
	struct dbtf_proto *proto;
	int i, idx = -1;

	if (!cg_kernel_btf(cg))
		return -1;
	proto = dbtf_tracepoint_proto(cg->btf, event);
	for (i = 0; proto && i < proto->nparams; i++)
		if (!strcmp(proto->params[i].name, name))
			idx = i;
	dbtf_proto_free(proto);
	return idx;
}

/* Byte offset of "struct S"'s member m, or -1 */
static int member_off(struct cg *cg, const char *s, const char *m)
{
	struct dbtf_member mem;
	uint32_t id;

	if (!cg_kernel_btf(cg) || dbtf_find_type(cg->btf, s, &id, NULL) ||
	    dbtf_member(cg->btf, id, m, &mem))
		return -1;
	return (int)mem.offset;
}

/* The path's identity and the offsets the filter follows to a file */
static int path_filter(struct cg *cg, struct cg_point *pt, const char *path,
		       bool begin, const struct token *tok)
{
	struct stat st;
	int *o = pt->file_chain;

	if (stat(path, &st)) {
		diag_semantic_error(cg->diags, tok, "cannot stat '%s': %m", path);
		cg->errors++;
		return -1;
	}
	pt->file_ino = (uint64_t)st.st_ino;
	/* the kernel's dev_t: major << 20 | minor */
	pt->file_dev = (uint32_t)(major(st.st_dev) << 20 | minor(st.st_dev));
	if (begin) {
		pt->file_arg = tp_arg(cg, "sched_process_exec", "bprm");
		o[0] = member_off(cg, "struct linux_binprm", "file");
		o[1] = -1;
	} else {
		pt->file_arg = -1;
		o[0] = member_off(cg, "struct task_struct", "mm");
		o[1] = member_off(cg, "struct mm_struct", "exe_file");
	}
	o[2] = member_off(cg, "struct file", "f_inode");
	o[3] = member_off(cg, "struct inode", "i_ino");
	o[4] = member_off(cg, "struct inode", "i_sb");
	o[5] = member_off(cg, "struct super_block", "s_dev");
	if ((begin && pt->file_arg < 0) || o[0] < 0 || (!begin && o[1] < 0) ||
	    o[2] < 0 || o[3] < 0 || o[4] < 0 || o[5] < 0) {
		cg_unsupported(cg, tok, "process(\"PATH\") probes on a kernel "
			       "whose BTF lacks the exec and file structures");
		return -1;
	}
	pt->file_filter = true;
	return 0;
}

int cg_process_point(struct cg *cg, const struct prov_probe *dp,
		     struct cg_point *pt, const struct token *tok)
{
	const struct prov_utrace *ut = &dp->u.utrace;
	bool begin = ut->event == PROV_UT_BEGIN;
	bool sys = ut->event == PROV_UT_SYSCALL ||
		   ut->event == PROV_UT_SYSCALL_RETURN;

	if (!begin && !sys && ut->event != PROV_UT_END) {
		cg_unsupported(cg, tok, "process.thread probes");
		return -1;
	}
	pt->kind = CG_PROCESS;
	pt->filter_arg = -1;
	if (sys) {
		pt->tp = ut->event == PROV_UT_SYSCALL ? "sys_enter" : "sys_exit";
	} else {
		pt->tp = begin ? "sched_process_exec" : "sched_process_exit";
		if (!begin)
			pt->filter_arg = tp_arg(cg, pt->tp, "group_dead");
		pt->filter_leader = !begin && pt->filter_arg < 0;
	}
	pt->section = arena_printf(cg->arena, "raw_tracepoint/%s", pt->tp);
	if (ut->path && path_filter(cg, pt, ut->path, begin, tok))
		return -1;
	return 0;
}

/* r0 = *(u64 *)(r0 + off) read from the kernel, or goto exit */
static void kread(struct cg *cg, int off, int size, int slot)
{
	struct emitter *em = &cg->em;

	emit_store_imm(em, BPF_DW, BPF_REG_10, slot, 0);
	emit_mov_reg(em, BPF_REG_3, BPF_REG_0);
	emit_alu_imm(em, BPF_ADD, BPF_REG_3, off);
	emit_mov_reg(em, BPF_REG_1, BPF_REG_10);
	emit_alu_imm(em, BPF_ADD, BPF_REG_1, slot);
	emit_mov_imm(em, BPF_REG_2, size);
	emit_call_helper(em, BPF_FUNC_probe_read_kernel);
	emit_jcond_imm(em, BPF_JNE, BPF_REG_0, 0, cg->exit_label);
	emit_load(em, BPF_DW, BPF_REG_0, BPF_REG_10, slot);
	emit_jcond_imm(em, BPF_JEQ, BPF_REG_0, 0, cg->exit_label);
}

/* return unless the program's file is PATH's */
static void file_filter(struct cg *cg, const struct cg_point *pt)
{
	struct emitter *em = &cg->em;
	const int *o = pt->file_chain;
	int mark = emit_stack_mark(em), slot = emit_stack_alloc(em, 8);
	int inode = emit_stack_alloc(em, 8);

	if (pt->file_arg >= 0) {
		cg_load_ctx(cg, BPF_REG_1);
		emit_load(em, BPF_DW, BPF_REG_0, BPF_REG_1,
			  (int16_t)(8 * pt->file_arg));
	} else {
		emit_call_helper(em, BPF_FUNC_get_current_task);
	}
	kread(cg, o[0], 8, slot);		/* bprm->file or task->mm */
	if (o[1] >= 0)
		kread(cg, o[1], 8, slot);	/* mm->exe_file */
	kread(cg, o[2], 8, slot);		/* file->f_inode */
	emit_store(em, BPF_DW, BPF_REG_10, inode, BPF_REG_0);
	kread(cg, o[3], 8, slot);		/* inode->i_ino */
	emit_ld_imm64(em, BPF_REG_1, pt->file_ino);
	emit_jcond_reg(em, BPF_JNE, BPF_REG_0, BPF_REG_1, cg->exit_label);
	emit_load(em, BPF_DW, BPF_REG_0, BPF_REG_10, inode);
	kread(cg, o[4], 8, slot);		/* inode->i_sb */
	emit_store_imm(em, BPF_DW, BPF_REG_10, slot, 0);
	emit_mov_reg(em, BPF_REG_3, BPF_REG_0);
	emit_alu_imm(em, BPF_ADD, BPF_REG_3, o[5]);
	emit_mov_reg(em, BPF_REG_1, BPF_REG_10);
	emit_alu_imm(em, BPF_ADD, BPF_REG_1, slot);
	emit_mov_imm(em, BPF_REG_2, 4);		/* sb->s_dev */
	emit_call_helper(em, BPF_FUNC_probe_read_kernel);
	emit_load(em, BPF_W, BPF_REG_0, BPF_REG_10, slot);
	emit_jcond_imm(em, BPF_JNE, BPF_REG_0, (int32_t)pt->file_dev,
		       cg->exit_label);
	emit_stack_release(em, mark);
}

void cg_process_filter(struct cg *cg, const struct cg_point *pt)
{
	struct emitter *em = &cg->em;

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
	if (pt->file_filter)
		file_filter(cg, pt);
}

/* Return unless the current process is target() or descends from it */
void cg_target_tree_filter(struct cg *cg, const struct cg_point *pt)
{
	struct emitter *em = &cg->em;
	const struct token *tok = pt->point ? pt->point->tok : pt->probe->tok;
	int o_tgid = -1, o_parent = -1, mark, target, task, slot, k;
	int ok = label_new(em);
	struct dbtf_member m;
	uint32_t id;

	if (cg_kernel_btf(cg) &&
	    !dbtf_find_type(cg->btf, "struct task_struct", &id, NULL)) {
		if (!dbtf_member(cg->btf, id, "tgid", &m))
			o_tgid = (int)m.offset;
		if (!dbtf_member(cg->btf, id, "real_parent", &m))
			o_parent = (int)m.offset;
	}
	if (o_tgid < 0 || o_parent < 0) {
		cg_unsupported(cg, tok, "process probes with -c or -x on a "
			       "kernel whose BTF lacks task_struct");
		label_bind(em, ok);
		return;
	}
	mark = emit_stack_mark(em);
	target = emit_stack_alloc(em, 8);
	task = emit_stack_alloc(em, 8);
	slot = emit_stack_alloc(em, 8);
	rt_ctl_ptr(cg, SONDE_CTL_TARGET, ok);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_0, 0);
	emit_jcond_imm(em, BPF_JEQ, BPF_REG_1, 0, ok);
	emit_store(em, BPF_DW, BPF_REG_10, target, BPF_REG_1);
	emit_call_helper(em, BPF_FUNC_get_current_task);
	for (k = 0; k < CG_TREE_DEPTH; k++) {
		emit_store(em, BPF_DW, BPF_REG_10, task, BPF_REG_0);
		kread(cg, o_tgid, 4, slot);
		emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, target);
		emit_jcond_reg(em, BPF_JEQ, BPF_REG_0, BPF_REG_1, ok);
		emit_jcond_imm(em, BPF_JLE, BPF_REG_0, 1, cg->exit_label);
		emit_load(em, BPF_DW, BPF_REG_0, BPF_REG_10, task);
		kread(cg, o_parent, 8, slot);
	}
	emit_jump(em, cg->exit_label);
	label_bind(em, ok);
	emit_stack_release(em, mark);
}

/* r0 = member m of the struct pt_regs the context's first argument
 * points to, read from the kernel; 0 or -1 reported */
static int saved_reg(struct cg *cg, const struct expr *e, const char *m)
{
	struct emitter *em = &cg->em;
	struct dbtf_member mem;
	uint32_t id;
	int mark, slot;

	if (!cg_kernel_btf(cg) ||
	    dbtf_find_type(cg->btf, "struct pt_regs", &id, NULL) ||
	    dbtf_member(cg->btf, id, m, &mem)) {
		cg_unsupported(cg, e->tok, arena_printf(cg->arena,
			       "'%s' without pt_regs.%s in kernel BTF",
			       e->target->name, m));
		return -1;
	}
	mark = emit_stack_mark(em);
	slot = emit_stack_alloc(em, 8);
	cg_load_ctx(cg, BPF_REG_3);
	emit_load(em, BPF_DW, BPF_REG_3, BPF_REG_3, 0);
	emit_alu_imm(em, BPF_ADD, BPF_REG_3, (int32_t)mem.offset);
	emit_store_imm(em, BPF_DW, BPF_REG_10, slot, 0);
	emit_mov_reg(em, BPF_REG_1, BPF_REG_10);
	emit_alu_imm(em, BPF_ADD, BPF_REG_1, slot);
	emit_mov_imm(em, BPF_REG_2, 8);
	emit_call_helper(em, BPF_FUNC_probe_read_kernel);
	emit_load(em, BPF_DW, BPF_REG_0, BPF_REG_10, slot);
	emit_stack_release(em, mark);
	return 0;
}

void cg_utrace_var(struct cg *cg, const struct expr *e,
		   const struct prov_var *v)
{
	static const char *const args[] = { "di", "si", "dx", "r10", "r8", "r9" };
	const struct cg_point *pt = cg->point;
	bool enter = pt && pt->kind == CG_PROCESS && !strcmp(pt->tp, "sys_enter");
	bool exit = pt && pt->kind == CG_PROCESS && !strcmp(pt->tp, "sys_exit");

	if (e->target->comps.n || e->target->addressof) {
		cg_unsupported(cg, e->tok, "'->', '[' and '&' on utrace variables");
	} else if (!enter && !exit) {
		cg_unsupported(cg, e->tok, arena_printf(cg->arena,
			       "'%s' outside process.syscall probes",
			       e->target->name));
	} else if (v->index == 0 && enter) {
		cg_load_ctx(cg, BPF_REG_1);
		emit_load(&cg->em, BPF_DW, BPF_REG_0, BPF_REG_1, 8);
		return;
	} else if (v->index == 0) {
		saved_reg(cg, e, "orig_ax");
		return;
	} else if (v->index < 0 && exit) {
		cg_load_ctx(cg, BPF_REG_1);
		emit_load(&cg->em, BPF_DW, BPF_REG_0, BPF_REG_1, 8);
		return;
	} else if (v->index > 0 && v->index <= 6 && enter) {
		saved_reg(cg, e, args[v->index - 1]);
		return;
	} else {
		cg_unsupported(cg, e->tok, arena_printf(cg->arena,
			       "'%s' in this probe", e->target->name));
	}
	emit_mov_imm(&cg->em, BPF_REG_0, 0);
}
