// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * codegen_try.c - try { A } catch (msg) { B } (runtime.md 3.4).
 *
 * Function calls are inlined, so every error A can raise, in A itself
 * or in the functions it calls, is raised inside this program while the
 * try is the innermost one: the raise stores the bare error text in the
 * catch variable and jumps to B, no record is sent and nothing counted.
 * MAXACTION exceeded is never caught: it takes the handler's error path.
 * Errors in B reach the enclosing try, or the handler's error path.
 * A loop body between the raise and the try is a callback of its own:
 * there cg->try_ctx is a stand-in whose catch block hands the error to
 * the loop's caller (codegen_foreach.c), which goes on to this one.
 */
#include <string.h>

#include "bpf-backend/codegen_int.h"

/* The catch variable = the literal text */
static void store_text(struct cg *cg, int reg, int off, const char *s)
{
	struct emitter *em = &cg->em;
	size_t len = strlen(s), k, n;
	uint64_t chunk;

	if (len > cg->lim.maxstringlen - 1)
		len = cg->lim.maxstringlen - 1;
	for (k = 0; k <= len; k += 8) {
		chunk = 0;
		n = len - k < 8 ? len - k : 8;
		memcpy(&chunk, s + k, n);
		emit_ld_imm64(em, BPF_REG_1, chunk);
		emit_store(em, BPF_DW, reg, off + (int)k, BPF_REG_1);
	}
}

/* The jump to the catch block; the label becomes a live target */
static void to_catch(struct cg *cg)
{
	int l = cg->try_ctx->catch_label;

	emit_jump(&cg->em, l);
	cg->label_used[l] = true;
}

bool cg_catch_const(struct cg *cg, const char *msg)
{
	const struct cg_try *t = cg->try_ctx;

	if (!t || !strcmp(msg, "MAXACTION exceeded"))
		return false;
	if (t->var_reg >= 0)
		store_text(cg, t->var_reg, t->var_off, msg);
	to_catch(cg);
	return true;
}

bool cg_catch_str(struct cg *cg, int msg)
{
	const struct cg_try *t = cg->try_ctx;
	struct emitter *em = &cg->em;
	int l;

	if (!t)
		return false;
	if (t->var_reg >= 0) {
		emit_mov_reg(em, BPF_REG_1, t->var_reg);
		emit_alu_imm(em, BPF_ADD, BPF_REG_1, t->var_off);
		emit_mov_imm(em, BPF_REG_2, (int32_t)cg->lim.maxstringlen);
		emit_load(em, BPF_DW, BPF_REG_3, BPF_REG_10, msg);
		emit_call_helper(em, BPF_FUNC_probe_read_kernel_str);
	}
	/* conditional on a known value, so the code after error() stays
	 * reachable for the verifier's CFG check */
	l = t->catch_label;
	emit_mov_imm(em, BPF_REG_1, 0);
	emit_jcond_imm(em, BPF_JEQ, BPF_REG_1, 0, l);
	cg->label_used[l] = true;
	return true;
}

void cg_try(struct cg *cg, const struct stmt *s)
{
	struct cg_try t = { cg_label(cg), -1, 0, cg->try_ctx };
	const struct cg_local *l = s->catch_decl ?
				   cg_local_of(cg, s->catch_decl) : NULL;
	int end = cg_label(cg);

	/* the variable this try's errors land in, resolved now: a nested
	 * inlined call may bind the same variable again */
	if (l) {
		t.var_reg = l->reg;
		t.var_off = l->off;
	}
	cg->try_ctx = &t;
	cg_stmt(cg, s->body);
	cg->try_ctx = t.outer;
	cg_goto(cg, end);
	cg_bind(cg, t.catch_label);
	/* catching costs 1, and the catch block its statements (upstream
	 * also refuses to start it with no actions left) */
	cg_charge(cg, 1 + cg_static_cost(s->catch_body), s->tok);
	cg_stmt(cg, s->catch_body);
	cg_bind(cg, end);
}
