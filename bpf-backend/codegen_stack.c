// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * codegen_stack.c - backtraces (tapsets.md §3.2): print_backtrace,
 * print_ubacktrace and print_ubacktrace_brief send the probe's return
 * addresses, as bpf_get_stack collects them (frame pointers for user
 * space), in a STACK record; staprun prints the frames with their
 * symbols (staprun/stack.c), in order with the handler's other output.
 * At most MAXBACKTRACE (20) frames, as SystemTap.
 */
#include <string.h>

#include "bpf-backend/codegen_int.h"
#include "staprun/bpf_abi.h"

struct stack_fn {
	const char *name;
	uint32_t flags;		/* SONDE_STACK_* */
};

static const struct stack_fn stack_fns[] = {
	{ "print_backtrace", 0 },
	{ "print_ubacktrace", SONDE_STACK_USER },
	{ "print_ubacktrace_brief", SONDE_STACK_USER | SONDE_STACK_BRIEF },
};

static void print_stack(struct cg *cg, const struct stack_fn *f)
{
	struct emitter *em = &cg->em;
	uint32_t size = sizeof(struct sonde_rec_stack) + 8 * SONDE_STACK_MAX;
	int done = label_new(em), ok = label_new(em);

	rt_reserve(cg, size, done);
	emit_store_imm(em, BPF_W, BPF_REG_6, 0, SONDE_REC_STACK);
	emit_store_imm(em, BPF_W, BPF_REG_6, 4, (int32_t)f->flags);
	emit_call_helper(em, BPF_FUNC_get_current_pid_tgid);
	emit_alu_imm(em, BPF_RSH, BPF_REG_0, 32);
	emit_store(em, BPF_W, BPF_REG_6, 8, BPF_REG_0);
	cg_load_ctx(cg, BPF_REG_1);
	emit_mov_reg(em, BPF_REG_2, BPF_REG_6);
	emit_alu_imm(em, BPF_ADD, BPF_REG_2, sizeof(struct sonde_rec_stack));
	emit_mov_imm(em, BPF_REG_3, 8 * SONDE_STACK_MAX);
	emit_mov_imm(em, BPF_REG_4, f->flags & SONDE_STACK_USER ?
		     BPF_F_USER_STACK : 0);
	emit_call_helper(em, BPF_FUNC_get_stack);
	emit_jcond_imm(em, BPF_JSGE, BPF_REG_0, 0, ok);
	emit_mov_imm(em, BPF_REG_0, 0);
	label_bind(em, ok);
	emit_alu_imm(em, BPF_RSH, BPF_REG_0, 3);
	emit_store(em, BPF_W, BPF_REG_6, 12, BPF_REG_0);
	rt_submit(cg);
	label_bind(em, done);
}

bool cg_call_stack(struct cg *cg, const struct expr *e)
{
	size_t i;

	if ((e->callee && e->callee->body) || e->args.n)
		return false;
	for (i = 0; i < sizeof(stack_fns) / sizeof(stack_fns[0]); i++) {
		if (strcmp(e->name, stack_fns[i].name))
			continue;
		if (!cg->ctx_slot)
			cg_unsupported(cg, e->tok, arena_printf(cg->arena,
				       "'%s' in begin, end and error probes",
				       e->name));
		else
			print_stack(cg, &stack_fns[i]);
		emit_mov_imm(&cg->em, BPF_REG_0, 0);
		return true;
	}
	return false;
}
