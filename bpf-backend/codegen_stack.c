// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * codegen_stack.c - backtraces (tapsets.md §3.2): print_backtrace,
 * print_ubacktrace and print_ubacktrace_brief send the probe's return
 * addresses, as bpf_get_stack collects them (frame pointers for user
 * space), in a STACK record; staprun prints the frames with their
 * symbols (staprun/stack.c), in order with the handler's other output.
 * At most MAXBACKTRACE (20) frames, as SystemTap.
 *
 * backtrace() and ubacktrace() return the addresses as text,
 * "0x%016lx" each, separated by spaces (what print_stack and
 * print_ustack take back; they send the text in a STACK record).  The
 * text is made here with a bounded loop over the frames, as many as fit
 * in MAXSTRINGLEN.
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

#define FRAME_CHARS 19		/* "0x" + 16 digits + separator */

/* r0 = backtrace() / ubacktrace() text */
static void stack_string(struct cg *cg, const struct expr *e, bool user)
{
	struct emitter *em = &cg->em;
	int nmax = (int)(cg->lim.maxstringlen / FRAME_CHARS);
	int buf, out, mark = emit_stack_mark(em), n, i, d;
	int ok, loop, end, done, digit;

	if (nmax > SONDE_STACK_MAX)
		nmax = SONDE_STACK_MAX;
	buf = cg_scratch_alloc(cg, e->tok, 8 * SONDE_STACK_MAX);
	out = cg_scratch_alloc(cg, e->tok, cg->slot);
	n = emit_stack_alloc(em, 8);
	i = emit_stack_alloc(em, 8);
	ok = label_new(em);
	loop = label_new(em);
	end = label_new(em);
	done = label_new(em);
	emit_store_imm(em, BPF_B, CG_SCRATCH, out, 0);
	cg_load_ctx(cg, BPF_REG_1);
	emit_mov_reg(em, BPF_REG_2, CG_SCRATCH);
	emit_alu_imm(em, BPF_ADD, BPF_REG_2, buf);
	emit_mov_imm(em, BPF_REG_3, 8 * nmax);
	emit_mov_imm(em, BPF_REG_4, user ? BPF_F_USER_STACK : 0);
	emit_call_helper(em, BPF_FUNC_get_stack);
	emit_jcond_imm(em, BPF_JSGE, BPF_REG_0, 0, ok);
	emit_mov_imm(em, BPF_REG_0, 0);
	label_bind(em, ok);
	emit_alu_imm(em, BPF_RSH, BPF_REG_0, 3);
	emit_store(em, BPF_DW, BPF_REG_10, n, BPF_REG_0);
	emit_store_imm(em, BPF_DW, BPF_REG_10, i, 0);
	label_bind(em, loop);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, i);
	emit_load(em, BPF_DW, BPF_REG_2, BPF_REG_10, n);
	emit_jcond_reg(em, BPF_JGE, BPF_REG_1, BPF_REG_2, end);
	emit_jcond_imm(em, BPF_JGE, BPF_REG_1, nmax, end);
	/* r4 = the address, r5 = where its text goes */
	emit_mov_reg(em, BPF_REG_3, BPF_REG_1);
	emit_alu_imm(em, BPF_LSH, BPF_REG_3, 3);
	emit_alu_reg(em, BPF_ADD, BPF_REG_3, CG_SCRATCH);
	emit_load(em, BPF_DW, BPF_REG_4, BPF_REG_3, (int16_t)buf);
	/* a frame-pointer walk past the outermost frame */
	emit_jcond_imm(em, BPF_JLT, BPF_REG_4, 4096, end);
	emit_mov_reg(em, BPF_REG_5, BPF_REG_1);
	emit_alu_imm(em, BPF_MUL, BPF_REG_5, FRAME_CHARS);
	emit_alu_reg(em, BPF_ADD, BPF_REG_5, CG_SCRATCH);
	emit_store_imm(em, BPF_H, BPF_REG_5, (int16_t)out, 'x' << 8 | '0');
	for (d = 0; d < 16; d++) {
		digit = label_new(em);
		emit_mov_reg(em, BPF_REG_2, BPF_REG_4);
		emit_alu_imm(em, BPF_RSH, BPF_REG_2, 60 - 4 * d);
		emit_alu_imm(em, BPF_AND, BPF_REG_2, 15);
		emit_alu_imm(em, BPF_ADD, BPF_REG_2, '0');
		emit_jcond_imm(em, BPF_JLE, BPF_REG_2, '9', digit);
		emit_alu_imm(em, BPF_ADD, BPF_REG_2, 'a' - '0' - 10);
		label_bind(em, digit);
		emit_store(em, BPF_B, BPF_REG_5, (int16_t)(out + 2 + d), BPF_REG_2);
	}
	emit_store_imm(em, BPF_B, BPF_REG_5, (int16_t)(out + 18), ' ');
	emit_alu_imm(em, BPF_ADD, BPF_REG_1, 1);
	emit_store(em, BPF_DW, BPF_REG_10, i, BPF_REG_1);
	emit_jump(em, loop);
	/* the last separator ends the text */
	label_bind(em, end);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, i);
	emit_jcond_imm(em, BPF_JEQ, BPF_REG_1, 0, done);
	emit_jcond_imm(em, BPF_JGT, BPF_REG_1, nmax, done);
	emit_alu_imm(em, BPF_MUL, BPF_REG_1, FRAME_CHARS);
	emit_alu_reg(em, BPF_ADD, BPF_REG_1, CG_SCRATCH);
	emit_store_imm(em, BPF_B, BPF_REG_1, (int16_t)(out - 1), 0);
	label_bind(em, done);
	emit_stack_release(em, mark);
	emit_mov_reg(em, BPF_REG_0, CG_SCRATCH);
	emit_alu_imm(em, BPF_ADD, BPF_REG_0, out);
}

/* print_stack(s) / print_ustack(s): the text in a STACK record */
static void print_text(struct cg *cg, const struct expr *e, uint32_t flags)
{
	struct emitter *em = &cg->em;
	int mark = emit_stack_mark(em), slot = emit_stack_alloc(em, 8);
	int done = label_new(em);

	cg_str(cg, e->args.v[0]);
	emit_store(em, BPF_DW, BPF_REG_10, slot, BPF_REG_0);
	rt_reserve(cg, sizeof(struct sonde_rec_stack) + cg->slot, done);
	emit_store_imm(em, BPF_W, BPF_REG_6, 0, SONDE_REC_STACK);
	emit_store_imm(em, BPF_W, BPF_REG_6, 4, (int32_t)(flags | SONDE_STACK_TEXT));
	emit_call_helper(em, BPF_FUNC_get_current_pid_tgid);
	emit_alu_imm(em, BPF_RSH, BPF_REG_0, 32);
	emit_store(em, BPF_W, BPF_REG_6, 8, BPF_REG_0);
	emit_store_imm(em, BPF_W, BPF_REG_6, 12, 0);
	emit_mov_reg(em, BPF_REG_1, BPF_REG_6);
	emit_alu_imm(em, BPF_ADD, BPF_REG_1, sizeof(struct sonde_rec_stack));
	emit_mov_imm(em, BPF_REG_2, (int32_t)cg->slot);
	emit_load(em, BPF_DW, BPF_REG_3, BPF_REG_10, slot);
	emit_call_helper(em, BPF_FUNC_probe_read_kernel_str);
	rt_submit(cg);
	label_bind(em, done);
	emit_stack_release(em, mark);
}

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
	bool user = e->name[0] == 'u';
	size_t i;

	if (e->callee && e->callee->body)
		return false;
	if (e->args.n == 1 && (!strcmp(e->name, "print_stack") ||
			       !strcmp(e->name, "print_ustack"))) {
		print_text(cg, e, !strcmp(e->name, "print_ustack") ?
			   SONDE_STACK_USER : 0);
		emit_mov_imm(&cg->em, BPF_REG_0, 0);
		return true;
	}
	if (e->args.n)
		return false;
	if (!strcmp(e->name, "backtrace") || !strcmp(e->name, "ubacktrace")) {
		if (!cg->ctx_slot) {
			cg_unsupported(cg, e->tok, arena_printf(cg->arena,
				       "'%s' in begin, end and error probes",
				       e->name));
			cg_str_literal(cg, e->tok, "", 0);
		} else {
			stack_string(cg, e, user);
		}
		return true;
	}
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
