// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * disasm.c - BPF instructions as text, for -p3 and for tests.
 *
 * The spelling follows the kernel verifier's printer (kernel/bpf/disasm.c),
 * which bpftool also uses, so a -p3 listing reads like a verifier log:
 * ALU immediates in decimal, jump immediates in hex, memory operands as
 * *(u32 *)(r10 -4).  Sonde adds symbolic names where it knows them.
 * Each instruction class has its own formatter; disasm_insn() dispatches.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bpf-backend/disasm.h"
#include "bpf-backend/emit.h"

#define H(name) [BPF_FUNC_##name] = "bpf_" #name

/* Helpers a tracer calls; others print by number only. */
static const char *const helper_names[] = {
	H(map_lookup_elem),	H(map_update_elem),	H(map_delete_elem),
	H(probe_read),		H(ktime_get_ns),	H(trace_printk),
	H(get_prandom_u32),	H(get_smp_processor_id),
	H(tail_call),		H(get_current_pid_tgid),
	H(get_current_uid_gid),	H(get_current_comm),	H(perf_event_read),
	H(perf_event_output),	H(get_stackid),		H(get_current_task),
	H(probe_write_user),	H(get_numa_node_id),	H(probe_read_str),
	H(perf_event_read_value), H(perf_prog_read_value), H(get_stack),
	H(get_current_cgroup_id), H(map_push_elem),	H(map_pop_elem),
	H(map_peek_elem),	H(send_signal),		H(probe_read_user),
	H(probe_read_kernel),	H(probe_read_user_str),
	H(probe_read_kernel_str), H(send_signal_thread), H(jiffies64),
	H(get_ns_current_pid_tgid), H(ktime_get_boot_ns), H(ringbuf_output),
	H(ringbuf_reserve),	H(ringbuf_submit),	H(ringbuf_discard),
	H(ringbuf_query),	H(get_task_stack),	H(d_path),
	H(copy_from_user),	H(snprintf_btf),	H(get_current_task_btf),
	H(ktime_get_coarse_ns),	H(for_each_map_elem),	H(snprintf),
	H(get_func_ip),		H(get_attach_cookie),	H(task_pt_regs),
	H(trace_vprintk),	H(find_vma),		H(loop),
	H(strncmp),		H(get_func_arg),	H(get_func_ret),
	H(get_func_arg_cnt),	H(map_lookup_percpu_elem),
	H(ktime_get_tai_ns),
};

#undef H

const char *disasm_helper_name(int helper)
{
	int n = sizeof(helper_names) / sizeof(helper_names[0]);

	if (helper <= 0 || helper >= n)
		return NULL;
	return helper_names[helper];
}

static const char *const alu_ops[16] = {
	[BPF_ADD >> 4] = "+=",	[BPF_SUB >> 4] = "-=",	[BPF_MUL >> 4] = "*=",
	[BPF_DIV >> 4] = "/=",	[BPF_OR >> 4] = "|=",	[BPF_AND >> 4] = "&=",
	[BPF_LSH >> 4] = "<<=",	[BPF_RSH >> 4] = ">>=",	[BPF_MOD >> 4] = "%=",
	[BPF_XOR >> 4] = "^=",	[BPF_ARSH >> 4] = "s>>=",
};

static const char *const jmp_ops[16] = {
	[BPF_JEQ >> 4] = "==",	[BPF_JGT >> 4] = ">",	[BPF_JGE >> 4] = ">=",
	[BPF_JSET >> 4] = "&",	[BPF_JNE >> 4] = "!=",	[BPF_JSGT >> 4] = "s>",
	[BPF_JSGE >> 4] = "s>=", [BPF_JLT >> 4] = "<",	[BPF_JLE >> 4] = "<=",
	[BPF_JSLT >> 4] = "s<",	[BPF_JSLE >> 4] = "s<=",
};

static const char *const size_names[4] = {
	[BPF_W >> 3] = "u32", [BPF_H >> 3] = "u16",
	[BPF_B >> 3] = "u8", [BPF_DW >> 3] = "u64",
};

void disasm_ctx_from_emitter(struct disasm_ctx *ctx, const struct emitter *em)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->insns = em->insns;
	ctx->len = em->len;
	ctx->notes = em->notes;
	ctx->labels = em->labels;
	ctx->nlabels = em->nlabels;
	ctx->relocs = em->relocs;
	ctx->nrelocs = em->nrelocs;
}

/* The relocation attached to instruction idx, if any. */
static const struct insn_reloc *reloc_at(const struct disasm_ctx *ctx,
					 int idx)
{
	int i;

	for (i = 0; i < ctx->nrelocs; i++)
		if (ctx->relocs[i].insn == idx)
			return &ctx->relocs[i];
	return NULL;
}

/* The lowest-numbered label bound at idx, or -1. */
static int label_at(const struct disasm_ctx *ctx, int idx)
{
	int i;

	for (i = 0; ctx->labels && i < ctx->nlabels; i++)
		if (ctx->labels[i] == idx)
			return i;
	return -1;
}

static const char *name_of(const char *const *names, int n, int i)
{
	return names && i >= 0 && i < n ? names[i] : NULL;
}

/* Where a jump or call at idx with offset off lands: L3 or pc+3. */
static void fmt_target(const struct disasm_ctx *ctx, int idx, int off,
		       char *buf, size_t size)
{
	int label = label_at(ctx, idx + off + 1);

	if (label >= 0)
		snprintf(buf, size, "L%d", label);
	else
		snprintf(buf, size, "pc%+d", off);
}

static int fmt_alu(const struct bpf_insn *in, char *buf, size_t size)
{
	char r = BPF_CLASS(in->code) == BPF_ALU64 ? 'r' : 'w';
	int op = BPF_OP(in->code);
	const char *sym = alu_ops[op >> 4];

	if (op == BPF_END)
		return snprintf(buf, size, "r%d = %s%d r%d", in->dst_reg,
				BPF_SRC(in->code) == BPF_TO_BE ? "be" : "le",
				in->imm, in->dst_reg);
	if (op == BPF_NEG)
		return snprintf(buf, size, "%c%d = -%c%d", r, in->dst_reg, r,
				in->dst_reg);
	if (op == BPF_MOV)
		sym = "=";
	if (!sym)
		return snprintf(buf, size, "(%02x) invalid alu op", in->code);
	if (BPF_SRC(in->code) == BPF_X)
		return snprintf(buf, size, "%c%d %s %c%d", r, in->dst_reg,
				sym, r, in->src_reg);
	return snprintf(buf, size, "%c%d %s %d", r, in->dst_reg, sym,
			in->imm);
}

/* The ld_imm64 forms: constant, map pointer, pointer into a map value. */
static int fmt_ld_imm64(const struct disasm_ctx *ctx, int idx, char *buf,
			size_t size)
{
	const struct bpf_insn *in = &ctx->insns[idx];
	unsigned long long v = (__u32)in[0].imm |
			       ((unsigned long long)(__u32)in[1].imm << 32);
	const struct insn_reloc *r = reloc_at(ctx, idx);
	const char *name = NULL;
	char map[64];

	if (r && r->kind == INSN_RELOC_FUNC) {
		name = name_of(ctx->subprogs, ctx->nsubprogs, r->target);
		if (name)
			return snprintf(buf, size, "r%d = func[%s]",
					in->dst_reg, name);
		return snprintf(buf, size, "r%d = func[#%d]", in->dst_reg,
				r->target);
	}
	if (r && r->kind == INSN_RELOC_MAP)
		name = name_of(ctx->maps, ctx->nmaps, r->target);
	if (name)
		snprintf(map, sizeof(map), "map[%s]", name);
	else if (r && r->kind == INSN_RELOC_MAP)
		snprintf(map, sizeof(map), "map[#%d]", r->target);
	else
		snprintf(map, sizeof(map), "map[fd:%d]", in->imm);

	switch (in->src_reg) {
	case 0:
		return snprintf(buf, size, "r%d = 0x%llx", in->dst_reg, v);
	case BPF_PSEUDO_MAP_FD:
		return snprintf(buf, size, "r%d = %s", in->dst_reg, map);
	case BPF_PSEUDO_MAP_VALUE:
		return snprintf(buf, size, "r%d = %s+%d", in->dst_reg, map,
				in[1].imm);
	}
	return snprintf(buf, size, "r%d = pseudo%d 0x%llx", in->dst_reg,
			in->src_reg, v);
}

static int fmt_ldx(const struct bpf_insn *in, char *buf, size_t size)
{
	return snprintf(buf, size, "r%d = *(%s *)(r%d %+d)", in->dst_reg,
			size_names[BPF_SIZE(in->code) >> 3], in->src_reg,
			in->off);
}

static int fmt_st(const struct bpf_insn *in, char *buf, size_t size)
{
	return snprintf(buf, size, "*(%s *)(r%d %+d) = %d",
			size_names[BPF_SIZE(in->code) >> 3], in->dst_reg,
			in->off, in->imm);
}

static const char *const atomic_names[16] = {
	[BPF_ADD >> 4] = "add", [BPF_AND >> 4] = "and",
	[BPF_OR >> 4] = "or", [BPF_XOR >> 4] = "xor",
};

/*
 * Atomics keep the operation in imm.  Without BPF_FETCH they read as a
 * locked compound assignment; with it, as the kernel's atomic_fetch_*()
 * whose old value lands in src.
 */
static int fmt_atomic(const struct bpf_insn *in, char *buf, size_t size)
{
	const char *sz = size_names[BPF_SIZE(in->code) >> 3];
	const char *w = BPF_SIZE(in->code) == BPF_DW ? "64" : "";
	int op = in->imm & ~BPF_FETCH;

	if (in->imm == BPF_CMPXCHG)
		return snprintf(buf, size,
				"r0 = atomic%s_cmpxchg((%s *)(r%d %+d), r0, r%d)",
				w, sz, in->dst_reg, in->off, in->src_reg);
	if (in->imm == BPF_XCHG)
		return snprintf(buf, size,
				"r%d = atomic%s_xchg((%s *)(r%d %+d), r%d)",
				in->src_reg, w, sz, in->dst_reg, in->off,
				in->src_reg);
	if (op < 0 || op > 0xf0 || (op & 0x0f) || !atomic_names[op >> 4])
		return snprintf(buf, size, "(%02x) invalid atomic op 0x%x",
				in->code, in->imm);
	if (!(in->imm & BPF_FETCH))
		return snprintf(buf, size, "lock *(%s *)(r%d %+d) %s r%d", sz,
				in->dst_reg, in->off, alu_ops[op >> 4],
				in->src_reg);
	return snprintf(buf, size,
			"r%d = atomic%s_fetch_%s((%s *)(r%d %+d), r%d)",
			in->src_reg, w, atomic_names[op >> 4], sz,
			in->dst_reg, in->off, in->src_reg);
}

static int fmt_stx(const struct bpf_insn *in, char *buf, size_t size)
{
	if (BPF_MODE(in->code) == BPF_ATOMIC)
		return fmt_atomic(in, buf, size);
	return snprintf(buf, size, "*(%s *)(r%d %+d) = r%d",
			size_names[BPF_SIZE(in->code) >> 3], in->dst_reg,
			in->off, in->src_reg);
}

/* Helper calls by name, subprogram calls by name or offset. */
static int fmt_call(const struct disasm_ctx *ctx, int idx, char *buf,
		    size_t size)
{
	const struct bpf_insn *in = &ctx->insns[idx];
	const struct insn_reloc *r = reloc_at(ctx, idx);
	const char *name;
	char target[32];

	if (in->src_reg == BPF_PSEUDO_CALL) {
		name = r && r->kind == INSN_RELOC_CALL ?
		       name_of(ctx->subprogs, ctx->nsubprogs, r->target) :
		       NULL;
		if (name)
			return snprintf(buf, size, "call %s", name);
		if (r && r->kind == INSN_RELOC_CALL)
			return snprintf(buf, size, "call sub#%d", r->target);
		fmt_target(ctx, idx, in->imm, target, sizeof(target));
		return snprintf(buf, size, "call %s", target);
	}
	if (in->src_reg == BPF_PSEUDO_KFUNC_CALL)
		return snprintf(buf, size, "call kfunc#%d", in->imm);
	name = disasm_helper_name(in->imm);
	if (name)
		return snprintf(buf, size, "call %s#%d", name, in->imm);
	return snprintf(buf, size, "call #%d", in->imm);
}

static int fmt_jmp(const struct disasm_ctx *ctx, int idx, char *buf,
		   size_t size)
{
	const struct bpf_insn *in = &ctx->insns[idx];
	char r = BPF_CLASS(in->code) == BPF_JMP ? 'r' : 'w';
	int op = BPF_OP(in->code);
	char target[32];

	if (op == BPF_EXIT)
		return snprintf(buf, size, "exit");
	if (op == BPF_CALL)
		return fmt_call(ctx, idx, buf, size);
	fmt_target(ctx, idx, in->off, target, sizeof(target));
	if (op == BPF_JA)
		return snprintf(buf, size, "goto %s", target);
	if (!jmp_ops[op >> 4])
		return snprintf(buf, size, "(%02x) invalid jump op", in->code);
	if (BPF_SRC(in->code) == BPF_X)
		return snprintf(buf, size, "if %c%d %s %c%d goto %s", r,
				in->dst_reg, jmp_ops[op >> 4], r, in->src_reg,
				target);
	return snprintf(buf, size, "if %c%d %s 0x%x goto %s", r, in->dst_reg,
			jmp_ops[op >> 4], in->imm, target);
}

int disasm_insn(const struct disasm_ctx *ctx, int idx, char *buf,
		size_t size)
{
	const struct bpf_insn *in;

	if (idx < 0 || idx >= ctx->len)
		return -EINVAL;
	in = &ctx->insns[idx];
	switch (BPF_CLASS(in->code)) {
	case BPF_ALU:
	case BPF_ALU64:
		fmt_alu(in, buf, size);
		return 1;
	case BPF_LD:
		if (!insn_is_ld_imm64(in))
			break;
		if (idx + 1 >= ctx->len)
			return -EINVAL;
		fmt_ld_imm64(ctx, idx, buf, size);
		return 2;
	case BPF_LDX:
		if (BPF_MODE(in->code) != BPF_MEM)
			break;
		fmt_ldx(in, buf, size);
		return 1;
	case BPF_ST:
		fmt_st(in, buf, size);
		return 1;
	case BPF_STX:
		fmt_stx(in, buf, size);
		return 1;
	case BPF_JMP:
	case BPF_JMP32:
		fmt_jmp(ctx, idx, buf, size);
		return 1;
	}
	snprintf(buf, size, "(%02x) unknown instruction", in->code);
	return 1;
}

/* Label lines for every label bound at idx, as "L3:". */
static void print_labels(FILE *out, const struct disasm_ctx *ctx, int idx)
{
	int i;

	for (i = 0; ctx->labels && i < ctx->nlabels; i++)
		if (ctx->labels[i] == idx)
			fprintf(out, "L%d:\n", i);
}

int disasm_print(FILE *out, const struct disasm_ctx *ctx)
{
	const char *note;
	char text[128];
	int idx, n;

	for (idx = 0; idx < ctx->len; idx += n) {
		print_labels(out, ctx, idx);
		n = disasm_insn(ctx, idx, text, sizeof(text));
		if (n < 0)
			return n;
		note = ctx->notes ? ctx->notes[idx] : NULL;
		if (note)
			fprintf(out, "%4d: %-32s ; %s\n", idx, text, note);
		else
			fprintf(out, "%4d: %s\n", idx, text);
	}
	return 0;
}
