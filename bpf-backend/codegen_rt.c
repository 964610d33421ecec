// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * codegen_rt.c - the generator's side of the staprun contract
 * (staprun/bpf_abi.h): the sonde_ctl control words, output records in
 * the sonde_out ring buffer, exit() and run-time errors.
 *
 * staprun/test_gen.c builds the same sequences by hand for staprun's own
 * tests; these are the production versions, with error ids interned in
 * the metadata string table.
 */
#include <string.h>

#include "bpf-backend/codegen_int.h"
#include "staprun/bpf_abi.h"

/* r0 = &map[key] of an array map, or goto fail.  The key lives in the
 * handler's key slot, which holds nothing across lowering steps. */
static void lookup_u32(struct cg *cg, int map, uint32_t key, int fail)
{
	struct emitter *em = &cg->em;

	emit_store_imm(em, BPF_W, BPF_REG_10, cg->key_slot, (int32_t)key);
	emit_ld_map(em, BPF_REG_1, map);
	emit_mov_reg(em, BPF_REG_2, BPF_REG_10);
	emit_alu_imm(em, BPF_ADD, BPF_REG_2, cg->key_slot);
	emit_call_helper(em, BPF_FUNC_map_lookup_elem);
	emit_jcond_imm(em, BPF_JEQ, BPF_REG_0, 0, fail);
}

void rt_lookup0(struct cg *cg, int map, int fail)
{
	lookup_u32(cg, map, 0, fail);
}

void rt_ctl_ptr(struct cg *cg, int slot, int fail)
{
	lookup_u32(cg, CG_MAP_CTL, (uint32_t)slot, fail);
}

void rt_ctl_inc(struct cg *cg, int slot)
{
	struct emitter *em = &cg->em;
	int out = label_new(em);

	rt_ctl_ptr(cg, slot, out);
	emit_mov_imm(em, BPF_REG_1, 1);
	emit_atomic_add(em, BPF_DW, BPF_REG_0, 0, BPF_REG_1);
	label_bind(em, out);
}

void rt_reserve(struct cg *cg, uint32_t size, int fail)
{
	struct emitter *em = &cg->em;
	int ok = label_new(em);

	emit_ld_map(em, BPF_REG_1, CG_MAP_OUT);
	emit_mov_imm(em, BPF_REG_2, (int32_t)size);
	emit_mov_imm(em, BPF_REG_3, 0);
	emit_call_helper(em, BPF_FUNC_ringbuf_reserve);
	emit_jcond_imm(em, BPF_JNE, BPF_REG_0, 0, ok);
	rt_ctl_inc(cg, SONDE_CTL_DROPS);
	emit_jump(em, fail);
	label_bind(em, ok);
	emit_mov_reg(em, BPF_REG_6, BPF_REG_0);
}

void rt_submit(struct cg *cg)
{
	struct emitter *em = &cg->em;

	emit_mov_reg(em, BPF_REG_1, BPF_REG_6);
	emit_mov_imm(em, BPF_REG_2, 0);
	emit_call_helper(em, BPF_FUNC_ringbuf_submit);
}

/* exit(): STARTING or RUNNING become STOPPING, then an EXIT record;
 * the handler goes on (runtime.md 1.5) */
void rt_exit(struct cg *cg)
{
	struct emitter *em = &cg->em;
	int rec = label_new(em), done = label_new(em);

	rt_ctl_ptr(cg, SONDE_CTL_STATE, rec);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_0, 0);
	emit_jcond_imm(em, BPF_JGT, BPF_REG_1, SONDE_STATE_RUNNING, rec);
	emit_mov_imm(em, BPF_REG_1, SONDE_STATE_STOPPING);
	emit_store(em, BPF_DW, BPF_REG_0, 0, BPF_REG_1);
	label_bind(em, rec);
	rt_reserve(cg, sizeof(struct sonde_rec), done);
	emit_store_imm(em, BPF_W, BPF_REG_6, 0, SONDE_REC_EXIT);
	emit_store_imm(em, BPF_W, BPF_REG_6, 4, cg->probe_id);
	rt_submit(cg);
	label_bind(em, done);
}

/* r1 = message id, r2 = location id; the shared tail of the current
 * call chain does the rest, unless a try catches the error */
void rt_raise(struct cg *cg, const char *msg, const struct token *tok)
{
	struct emitter *em = &cg->em;
	const char *loc = cg_token_text(cg, tok);

	if (cg_catch_const(cg, msg))
		return;
	if (cg->error_label < 0)
		cg->error_label = label_new(em);
	emit_mov_imm(em, BPF_REG_1,
		     cg_strtab_add(cg, &cg->strings, msg, strlen(msg)));
	emit_mov_imm(em, BPF_REG_2,
		     cg_strtab_add(cg, &cg->strings, loc, strlen(loc)));
	emit_jump(em, cg->error_label);
}

static void count_error(struct cg *cg);

/*
 * error(msg): an ERROR record whose message follows in a string slot
 * (the pointer to it is in stack slot msg), then the handler ends.  The
 * final jump is conditional on a known value so that the code after the
 * call stays reachable for the verifier's CFG check.
 */
void rt_raise_str(struct cg *cg, int msg, const struct token *tok)
{
	struct emitter *em = &cg->em;
	const char *loc = cg_token_text(cg, tok);
	uint32_t sites[64];
	int nsites = cg_frame_sites(cg, sites, 64), i;
	uint32_t hdr = (sizeof(struct sonde_rec_error) + 4 * (1 + nsites) + 7) & ~7u;
	int count;

	if (cg_catch_str(cg, msg))
		return;
	count = label_new(em);
	rt_reserve(cg, hdr + cg->slot, count);
	emit_store_imm(em, BPF_W, BPF_REG_6, 0, SONDE_REC_ERROR);
	emit_store_imm(em, BPF_W, BPF_REG_6, 4, cg->probe_id);
	emit_store_imm(em, BPF_W, BPF_REG_6, 8, (int32_t)SONDE_NO_ID);
	emit_store_imm(em, BPF_W, BPF_REG_6, 12, 1 + nsites);
	emit_store_imm(em, BPF_W, BPF_REG_6, 16,
		       cg_strtab_add(cg, &cg->strings, loc, strlen(loc)));
	for (i = 0; i < nsites; i++)
		emit_store_imm(em, BPF_W, BPF_REG_6, 20 + 4 * i, (int32_t)sites[i]);
	if ((1 + nsites) % 2)
		emit_store_imm(em, BPF_W, BPF_REG_6, 20 + 4 * nsites, 0);
	emit_mov_reg(em, BPF_REG_1, BPF_REG_6);
	emit_alu_imm(em, BPF_ADD, BPF_REG_1, hdr);
	emit_mov_imm(em, BPF_REG_2, (int32_t)cg->slot);
	emit_load(em, BPF_DW, BPF_REG_3, BPF_REG_10, msg);
	emit_call_helper(em, BPF_FUNC_probe_read_kernel_str);
	rt_submit(cg);
	label_bind(em, count);
	count_error(cg);
	emit_mov_imm(em, BPF_REG_1, 0);
	cg_jcond(cg, BPF_JEQ, BPF_REG_1, 0, cg->exit_label);
}

/* errors += 1; past MAXERRORS the session enters ERROR */
static void count_error(struct cg *cg)
{
	struct emitter *em = &cg->em;
	int out = label_new(em);

	rt_ctl_ptr(cg, SONDE_CTL_ERRORS, out);
	emit_mov_imm(em, BPF_REG_1, 1);
	emit_atomic_fetch_add(em, BPF_DW, BPF_REG_0, 0, BPF_REG_1);
	emit_alu_imm(em, BPF_ADD, BPF_REG_1, 1);
	emit_jcond_imm(em, BPF_JLE, BPF_REG_1, (int32_t)cg->lim.maxerrors, out);
	rt_ctl_ptr(cg, SONDE_CTL_STATE, out);
	emit_mov_imm(em, BPF_REG_1, SONDE_STATE_ERROR);
	emit_store(em, BPF_DW, BPF_REG_0, 0, BPF_REG_1);
	label_bind(em, out);
}

/*
 * The error path of a handler (or of one inlined call chain): an ERROR
 * record with the message, the failing token and the call sites
 * (struct sonde_rec_error, padded to 8), the error count, then the
 * handler ends.
 */
void rt_error_tail(struct cg *cg, const uint32_t *sites, int nsites)
{
	struct emitter *em = &cg->em;
	int count = label_new(em), i;
	uint32_t size = (sizeof(struct sonde_rec_error) + 4 * (1 + nsites) + 7) & ~7u;

	label_bind(em, cg->error_label);
	/* r7 = loc << 32 | msg: one register that survives the calls */
	emit_mov_reg(em, BPF_REG_7, BPF_REG_2);
	emit_alu_imm(em, BPF_LSH, BPF_REG_7, 32);
	emit_alu_reg(em, BPF_OR, BPF_REG_7, BPF_REG_1);
	rt_reserve(cg, size, count);
	emit_store_imm(em, BPF_W, BPF_REG_6, 0, SONDE_REC_ERROR);
	emit_store_imm(em, BPF_W, BPF_REG_6, 4, cg->probe_id);
	emit_store(em, BPF_W, BPF_REG_6, 8, BPF_REG_7);
	emit_store_imm(em, BPF_W, BPF_REG_6, 12, 1 + nsites);
	emit_alu_imm(em, BPF_RSH, BPF_REG_7, 32);
	emit_store(em, BPF_W, BPF_REG_6, 16, BPF_REG_7);
	for (i = 0; i < nsites; i++)
		emit_store_imm(em, BPF_W, BPF_REG_6, 20 + 4 * i, (int32_t)sites[i]);
	if ((1 + nsites) % 2)
		emit_store_imm(em, BPF_W, BPF_REG_6, 20 + 4 * nsites, 0);
	rt_submit(cg);
	label_bind(em, count);
	count_error(cg);
	emit_jump(em, cg->exit_label);
}
