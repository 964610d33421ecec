// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_emit.c - unit tests of the emitter and the disassembler.
 *
 * No kernel involved: labels resolve to the right offsets, errors stick
 * and carry the right message, and the disassembler prints exactly the
 * text -p3 promises.  test_object.c proves the code on the live kernel.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf-backend/disasm.h"
#include "bpf-backend/emit.h"

static int failures;

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: check failed: %s\n",	\
				__FILE__, __LINE__, #cond);		\
			failures++;					\
		}							\
	} while (0)

#define CHECK_STR(expected, actual)					\
	do {								\
		const char *e_ = (expected), *a_ = (actual);		\
		if (strcmp(e_, a_)) {					\
			fprintf(stderr, "%s:%d: expected \"%s\"\n"	\
				"%*s  got      \"%s\"\n", __FILE__,	\
				__LINE__, e_, (int)strlen(__FILE__) + 6,\
				"", a_);				\
			failures++;					\
		}							\
	} while (0)

/* A jump back to L0 and one forward to L1 get pc-relative offsets. */
static void test_labels(void)
{
	struct emitter em;
	int back, fwd;

	emit_init(&em);
	back = label_new(&em);
	fwd = label_new(&em);
	label_bind(&em, back);
	emit_mov_imm(&em, BPF_REG_0, 0);		/* 0 */
	emit_jcond_imm(&em, BPF_JGT, BPF_REG_0, 5, fwd);	/* 1 */
	emit_alu_imm(&em, BPF_ADD, BPF_REG_0, 1);	/* 2 */
	emit_jump(&em, back);				/* 3 */
	label_bind(&em, fwd);
	emit_exit(&em);					/* 4 */
	CHECK(emit_finish(&em) == 0);
	CHECK(em.len == 5);
	CHECK(em.insns[1].off == 2);			/* 1 + 2 + 1 = 4 */
	CHECK(em.insns[3].off == -4);			/* 3 - 4 + 1 = 0 */
	CHECK(em.labels[back] == 0 && em.labels[fwd] == 4);
	emit_release(&em);
}

/* A label jumped to but never bound fails emit_finish() by name. */
static void test_unbound_label(void)
{
	struct emitter em;
	int l;

	emit_init(&em);
	label_new(&em);
	l = label_new(&em);
	emit_jump(&em, l);
	emit_exit(&em);
	label_bind(&em, 0);
	emit_exit(&em);
	CHECK(emit_finish(&em) == -EINVAL);
	CHECK_STR("label L1 used but never bound", em.errmsg);
	emit_release(&em);
}

/* Errors stick: after the first, helpers do nothing and it is kept. */
static void test_sticky_error(void)
{
	struct emitter em;
	int len;

	emit_init(&em);
	emit_mov_imm(&em, BPF_REG_0, 0);
	label_bind(&em, 7);				/* no such label */
	len = em.len;
	emit_exit(&em);
	emit_stack_alloc(&em, 1024);			/* a second error */
	CHECK(em.len == len);
	CHECK(label_new(&em) == -1);
	CHECK(emit_finish(&em) == -EINVAL);
	CHECK_STR("no label L7", em.errmsg);
	emit_release(&em);
}

/* Slots are 8-aligned, released in stack order, capped at 512 bytes. */
static void test_stack(void)
{
	struct emitter em;
	int mark;

	emit_init(&em);
	CHECK(emit_stack_alloc(&em, 4) == -8);
	mark = emit_stack_mark(&em);
	CHECK(emit_stack_alloc(&em, 12) == -24);
	CHECK(emit_stack_alloc(&em, 8) == -32);
	emit_stack_release(&em, mark);
	CHECK(emit_stack_alloc(&em, 480) == -488);
	CHECK(em.stack_max == 488);
	CHECK(em.err == 0);
	emit_stack_alloc(&em, 32);
	CHECK(em.err == -E2BIG);
	CHECK_STR("stack frame of 520 bytes exceeds 512", em.errmsg);
	emit_release(&em);

	emit_init(&em);
	emit_stack_alloc(&em, 8);
	emit_exit(&em);
	CHECK(emit_finish(&em) == -EINVAL);
	CHECK_STR("8 bytes of stack never released", em.errmsg);
	emit_release(&em);
}

/* Atomics exist only for words and double words. */
static void test_atomic_size(void)
{
	struct emitter em;

	emit_init(&em);
	emit_atomic_add(&em, BPF_H, BPF_REG_0, 0, BPF_REG_1);
	CHECK(em.err == -EINVAL && em.len == 0);
	CHECK_STR("atomic operation on a half-word", em.errmsg);
	emit_release(&em);
}

/* Disassemble a single instruction (or ld_imm64 pair) from an array. */
static const char *dis(const struct bpf_insn *insns, int len)
{
	static char buf[128];
	struct disasm_ctx ctx = { .insns = insns, .len = len };

	if (disasm_insn(&ctx, 0, buf, sizeof(buf)) < 0)
		return "(error)";
	return buf;
}

#define DIS(...)							\
	dis((const struct bpf_insn[]){ __VA_ARGS__ },			\
	    sizeof((const struct bpf_insn[]){ __VA_ARGS__ }) /		\
	    sizeof(struct bpf_insn))

/* One line per instruction form, exactly as -p3 shows it. */
static void test_disasm_forms(void)
{
	CHECK_STR("r1 = 0", DIS(INSN_MOV64_IMM(BPF_REG_1, 0)));
	CHECK_STR("r6 = r1", DIS(INSN_MOV64_REG(BPF_REG_6, BPF_REG_1)));
	CHECK_STR("w2 = -1", DIS(INSN_MOV32_IMM(BPF_REG_2, -1)));
	CHECK_STR("r0 += r1", DIS(INSN_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1)));
	CHECK_STR("r2 += -8", DIS(INSN_ALU64_IMM(BPF_ADD, BPF_REG_2, -8)));
	CHECK_STR("r0 >>= 32", DIS(INSN_ALU64_IMM(BPF_RSH, BPF_REG_0, 32)));
	CHECK_STR("r3 s>>= r4", DIS(INSN_ALU64_REG(BPF_ARSH, BPF_REG_3, BPF_REG_4)));
	CHECK_STR("w3 *= 7", DIS(INSN_ALU32_IMM(BPF_MUL, BPF_REG_3, 7)));
	CHECK_STR("r5 = -r5", DIS(INSN_NEG64(BPF_REG_5)));
	CHECK_STR("r1 = be16 r1", DIS(INSN_ENDIAN(BPF_TO_BE, BPF_REG_1, 16)));
	CHECK_STR("r1 = 0x123456789", DIS(INSN_LD_IMM64(BPF_REG_1, 0x123456789ULL)));
	CHECK_STR("r1 = map[fd:3]", DIS(INSN_LD_MAP_FD(BPF_REG_1, 3)));
	CHECK_STR("r2 = map[fd:4]+16", DIS(INSN_LD_MAP_VALUE(BPF_REG_2, 4, 16)));
	CHECK_STR("r0 = *(u32 *)(r1 +8)", DIS(INSN_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, 8)));
	CHECK_STR("*(u64 *)(r10 -8) = r1", DIS(INSN_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, -8)));
	CHECK_STR("*(u8 *)(r10 -1) = 0", DIS(INSN_ST_MEM(BPF_B, BPF_REG_10, -1, 0)));
	CHECK_STR("lock *(u64 *)(r0 +0) += r1",
		  DIS(INSN_ATOMIC_ADD(BPF_DW, BPF_REG_0, BPF_REG_1, 0)));
	CHECK_STR("r1 = atomic64_fetch_add((u64 *)(r0 +8), r1)",
		  DIS(INSN_ATOMIC_FETCH_ADD(BPF_DW, BPF_REG_0, BPF_REG_1, 8)));
	CHECK_STR("r2 = atomic_fetch_add((u32 *)(r0 +0), r2)",
		  DIS(INSN_ATOMIC_FETCH_ADD(BPF_W, BPF_REG_0, BPF_REG_2, 0)));
	CHECK_STR("if r1 > 0x5 goto pc+3", DIS(INSN_JMP_IMM(BPF_JGT, BPF_REG_1, 5, 3)));
	CHECK_STR("if r1 s< r2 goto pc-2", DIS(INSN_JMP_REG(BPF_JSLT, BPF_REG_1, BPF_REG_2, -2)));
	CHECK_STR("if w0 != 0x0 goto pc+1", DIS(INSN_JMP32_IMM(BPF_JNE, BPF_REG_0, 0, 1)));
	CHECK_STR("goto pc+0", DIS(INSN_JMP_A(0)));
	CHECK_STR("call bpf_map_lookup_elem#1",
		  DIS(INSN_CALL_HELPER(BPF_FUNC_map_lookup_elem)));
	CHECK_STR("call bpf_ringbuf_output#130",
		  DIS(INSN_CALL_HELPER(BPF_FUNC_ringbuf_output)));
	CHECK_STR("call #9999", DIS(INSN_CALL_HELPER(9999)));
	CHECK_STR("call pc+4", DIS(INSN_CALL_PSEUDO(4)));
	CHECK_STR("exit", DIS(INSN_EXIT()));
	CHECK_STR("(error)", DIS(INSN_LD_IMM64_LO(BPF_REG_1, 0, 1)));
}

/*
 * A whole listing from the emitter: label lines, symbolic map, helper and
 * subprogram names, and notes aligned after the text.
 */
static const char expected_listing[] =
	"   0: r1 = 0                           ; a.stp:1\n"
	"   1: *(u32 *)(r10 -8) = r1            ; a.stp:1\n"
	"   2: r2 = r10                         ; a.stp:1\n"
	"   3: r2 += -8                         ; a.stp:1\n"
	"   4: r1 = map[counts]                 ; a.stp:2\n"
	"   6: call bpf_map_lookup_elem#1       ; a.stp:2\n"
	"   7: if r0 == 0x0 goto L0             ; a.stp:2\n"
	"   8: call helper_fn                   ; a.stp:3\n"
	"L0:\n"
	"   9: r0 = 0\n"
	"  10: exit\n";

static void test_disasm_listing(void)
{
	static const char *const maps[] = { "other", "counts" };
	static const char *const subs[] = { "helper_fn" };
	struct disasm_ctx ctx;
	struct emitter em;
	char *text = NULL;
	size_t size = 0;
	FILE *out;
	int l, slot;

	emit_init(&em);
	emit_set_note(&em, "a.stp:1");
	l = label_new(&em);
	slot = emit_stack_alloc(&em, 4);
	emit_mov_imm(&em, BPF_REG_1, 0);
	emit_store(&em, BPF_W, BPF_REG_10, slot, BPF_REG_1);
	emit_mov_reg(&em, BPF_REG_2, BPF_REG_10);
	emit_alu_imm(&em, BPF_ADD, BPF_REG_2, slot);
	emit_set_note(&em, "a.stp:2");
	emit_ld_map(&em, BPF_REG_1, 1);
	emit_call_helper(&em, BPF_FUNC_map_lookup_elem);
	emit_jcond_imm(&em, BPF_JEQ, BPF_REG_0, 0, l);
	emit_set_note(&em, "a.stp:3");
	emit_call_subprog(&em, 0);
	emit_set_note(&em, NULL);
	label_bind(&em, l);
	emit_mov_imm(&em, BPF_REG_0, 0);
	emit_exit(&em);
	emit_stack_release(&em, 0);
	CHECK(emit_finish(&em) == 0);
	CHECK(em.nrelocs == 2 && em.relocs[0].insn == 4 &&
	      em.relocs[0].kind == INSN_RELOC_MAP && em.relocs[0].target == 1);
	CHECK(em.relocs[1].insn == 8 && em.relocs[1].kind == INSN_RELOC_CALL);

	disasm_ctx_from_emitter(&ctx, &em);
	ctx.maps = maps;
	ctx.nmaps = 2;
	ctx.subprogs = subs;
	ctx.nsubprogs = 1;
	out = open_memstream(&text, &size);
	CHECK(out && disasm_print(out, &ctx) == 0);
	fclose(out);
	CHECK_STR(expected_listing, text);
	free(text);
	emit_release(&em);
}

/* A callback's address: a BPF_PSEUDO_FUNC ld_imm64 with its relocation */
static void test_ld_func(void)
{
	static const char *const subs[] = { "cb0", "cb1" };
	struct disasm_ctx ctx;
	struct emitter em;
	char *text = NULL;
	size_t size = 0;
	FILE *out;

	emit_init(&em);
	emit_ld_func(&em, BPF_REG_2, 1);
	emit_mov_imm(&em, BPF_REG_0, 0);
	emit_exit(&em);
	CHECK(emit_finish(&em) == 0);
	CHECK(em.nrelocs == 1 && em.relocs[0].insn == 0 &&
	      em.relocs[0].kind == INSN_RELOC_FUNC && em.relocs[0].target == 1);
	CHECK(em.insns[0].src_reg == BPF_PSEUDO_FUNC && em.len == 4);
	disasm_ctx_from_emitter(&ctx, &em);
	ctx.subprogs = subs;
	ctx.nsubprogs = 2;
	out = open_memstream(&text, &size);
	CHECK(out && disasm_print(out, &ctx) == 0);
	fclose(out);
	CHECK(text && strstr(text, "r2 = func[cb1]"));
	free(text);
	emit_release(&em);
}

int main(void)
{
	test_labels();
	test_unbound_label();
	test_sticky_error();
	test_stack();
	test_atomic_size();
	test_disasm_forms();
	test_disasm_listing();
	test_ld_func();
	if (failures) {
		fprintf(stderr, "test_emit: %d check(s) failed\n", failures);
		return 1;
	}
	printf("test_emit: all checks passed\n");
	return 0;
}
