/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * insn.h - constructors for BPF instructions, one per instruction form.
 *
 * Each macro builds one struct bpf_insn as a compound literal and spells
 * out every field, in the manner of the kernel's include/linux/filter.h,
 * so an instruction reads as data and nothing is left to a default.  The
 * names carry an INSN_ prefix rather than filter.h's BPF_ prefix so they
 * can never collide with a copy of filter.h that some header drags in.
 *
 * Opcodes, sizes and operations are the uapi constants of <linux/bpf.h>:
 * BPF_ADD, BPF_W, BPF_JGT and so on.  Registers are BPF_REG_0..BPF_REG_10.
 */
#ifndef SONDE_BPF_INSN_H
#define SONDE_BPF_INSN_H

#include <linux/bpf.h>

/* Any instruction, field by field; the other macros are shorthands. */
#define INSN_RAW(CODE, DST, SRC, OFF, IMM)				\
	((struct bpf_insn) {						\
		.code    = (CODE),					\
		.dst_reg = (DST),					\
		.src_reg = (SRC),					\
		.off     = (OFF),					\
		.imm     = (IMM) })

/* 64-bit arithmetic: dst = dst OP src */
#define INSN_ALU64_REG(OP, DST, SRC)					\
	INSN_RAW(BPF_ALU64 | BPF_OP(OP) | BPF_X, DST, SRC, 0, 0)

/* 64-bit arithmetic: dst = dst OP imm (imm sign-extended to 64 bits) */
#define INSN_ALU64_IMM(OP, DST, IMM)					\
	INSN_RAW(BPF_ALU64 | BPF_OP(OP) | BPF_K, DST, 0, 0, IMM)

/* 32-bit arithmetic on the low halves; the result is zero-extended */
#define INSN_ALU32_REG(OP, DST, SRC)					\
	INSN_RAW(BPF_ALU | BPF_OP(OP) | BPF_X, DST, SRC, 0, 0)

#define INSN_ALU32_IMM(OP, DST, IMM)					\
	INSN_RAW(BPF_ALU | BPF_OP(OP) | BPF_K, DST, 0, 0, IMM)

/* dst = src, all 64 bits */
#define INSN_MOV64_REG(DST, SRC)					\
	INSN_RAW(BPF_ALU64 | BPF_MOV | BPF_X, DST, SRC, 0, 0)

/* dst = imm, sign-extended to 64 bits */
#define INSN_MOV64_IMM(DST, IMM)					\
	INSN_RAW(BPF_ALU64 | BPF_MOV | BPF_K, DST, 0, 0, IMM)

/* dst = (u32)src, upper half cleared */
#define INSN_MOV32_REG(DST, SRC)					\
	INSN_RAW(BPF_ALU | BPF_MOV | BPF_X, DST, SRC, 0, 0)

/* dst = (u32)imm, upper half cleared */
#define INSN_MOV32_IMM(DST, IMM)					\
	INSN_RAW(BPF_ALU | BPF_MOV | BPF_K, DST, 0, 0, IMM)

/* dst = -dst (64 bits) */
#define INSN_NEG64(DST)							\
	INSN_RAW(BPF_ALU64 | BPF_NEG | BPF_K, DST, 0, 0, 0)

/*
 * Byte swap: TYPE is BPF_TO_LE or BPF_TO_BE, BITS 16, 32 or 64.  On a
 * little-endian host BPF_TO_BE swaps and BPF_TO_LE only truncates.
 */
#define INSN_ENDIAN(TYPE, DST, BITS)					\
	INSN_RAW(BPF_ALU | BPF_END | (TYPE), DST, 0, 0, BITS)

/*
 * dst = imm64 takes two instruction slots: the first holds the low 32 bits,
 * the second (code 0) the high 32.  SRC selects a pseudo form
 * (BPF_PSEUDO_MAP_FD, ...) or 0 for a plain constant.  The _LO/_HI pair
 * lets the emitter place the halves one at a time; INSN_LD_IMM64_RAW
 * expands to both and only fits inside an array initialiser.
 */
#define INSN_LD_IMM64_LO(DST, SRC, IMM)					\
	INSN_RAW(BPF_LD | BPF_DW | BPF_IMM, DST, SRC, 0,		\
		 (__u32)((__u64)(IMM)))

#define INSN_LD_IMM64_HI(IMM)						\
	INSN_RAW(0, 0, 0, 0, (__u32)(((__u64)(IMM)) >> 32))

#define INSN_LD_IMM64_RAW(DST, SRC, IMM)				\
	INSN_LD_IMM64_LO(DST, SRC, IMM), INSN_LD_IMM64_HI(IMM)

#define INSN_LD_IMM64(DST, IMM)	INSN_LD_IMM64_RAW(DST, 0, IMM)

/*
 * dst = map pointer.  The kernel reads imm as a map fd; in Sonde's own
 * instruction streams (before libbpf relocates them) imm holds the map's
 * index in the object, which is what the disassembler prints.
 */
#define INSN_LD_MAP_FD(DST, FD)						\
	INSN_LD_IMM64_RAW(DST, BPF_PSEUDO_MAP_FD, FD)

/*
 * dst = address of byte OFF inside the value of a single-entry array map.
 * The offset travels in the second slot's imm.
 */
#define INSN_LD_MAP_VALUE(DST, FD, OFF)					\
	INSN_RAW(BPF_LD | BPF_DW | BPF_IMM, DST, BPF_PSEUDO_MAP_VALUE,	\
		 0, FD),						\
	INSN_RAW(0, 0, 0, 0, OFF)

/* dst = *(SIZE *)(src + off); SIZE is BPF_B, BPF_H, BPF_W or BPF_DW */
#define INSN_LDX_MEM(SIZE, DST, SRC, OFF)				\
	INSN_RAW(BPF_LDX | BPF_SIZE(SIZE) | BPF_MEM, DST, SRC, OFF, 0)

/* *(SIZE *)(dst + off) = src */
#define INSN_STX_MEM(SIZE, DST, SRC, OFF)				\
	INSN_RAW(BPF_STX | BPF_SIZE(SIZE) | BPF_MEM, DST, SRC, OFF, 0)

/* *(SIZE *)(dst + off) = imm */
#define INSN_ST_MEM(SIZE, DST, OFF, IMM)				\
	INSN_RAW(BPF_ST | BPF_SIZE(SIZE) | BPF_MEM, DST, 0, OFF, IMM)

/*
 * Atomic read-modify-write on memory; the operation lives in imm.
 * OP is BPF_ADD, BPF_AND, BPF_OR or BPF_XOR, optionally | BPF_FETCH, in
 * which case src receives the old value.  SIZE is BPF_W or BPF_DW.
 */
#define INSN_ATOMIC_OP(SIZE, OP, DST, SRC, OFF)				\
	INSN_RAW(BPF_STX | BPF_SIZE(SIZE) | BPF_ATOMIC, DST, SRC, OFF, OP)

/* lock *(SIZE *)(dst + off) += src */
#define INSN_ATOMIC_ADD(SIZE, DST, SRC, OFF)				\
	INSN_ATOMIC_OP(SIZE, BPF_ADD, DST, SRC, OFF)

/* src = atomic_fetch_add((SIZE *)(dst + off), src) */
#define INSN_ATOMIC_FETCH_ADD(SIZE, DST, SRC, OFF)			\
	INSN_ATOMIC_OP(SIZE, BPF_ADD | BPF_FETCH, DST, SRC, OFF)

/* if (dst OP src) goto pc + off + 1, 64-bit compare */
#define INSN_JMP_REG(OP, DST, SRC, OFF)					\
	INSN_RAW(BPF_JMP | BPF_OP(OP) | BPF_X, DST, SRC, OFF, 0)

/* if (dst OP imm) goto pc + off + 1, imm sign-extended */
#define INSN_JMP_IMM(OP, DST, IMM, OFF)					\
	INSN_RAW(BPF_JMP | BPF_OP(OP) | BPF_K, DST, 0, OFF, IMM)

/* The same comparisons on the low 32 bits only */
#define INSN_JMP32_REG(OP, DST, SRC, OFF)				\
	INSN_RAW(BPF_JMP32 | BPF_OP(OP) | BPF_X, DST, SRC, OFF, 0)

#define INSN_JMP32_IMM(OP, DST, IMM, OFF)				\
	INSN_RAW(BPF_JMP32 | BPF_OP(OP) | BPF_K, DST, 0, OFF, IMM)

/* goto pc + off + 1 */
#define INSN_JMP_A(OFF)							\
	INSN_RAW(BPF_JMP | BPF_JA, 0, 0, OFF, 0)

/* r0 = helper(r1, ..., r5); FUNC is a BPF_FUNC_* id */
#define INSN_CALL_HELPER(FUNC)						\
	INSN_RAW(BPF_JMP | BPF_CALL, 0, 0, 0, FUNC)

/* BPF-to-BPF call of the subprogram starting at pc + imm + 1 */
#define INSN_CALL_PSEUDO(IMM)						\
	INSN_RAW(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, IMM)

/* return r0 */
#define INSN_EXIT()							\
	INSN_RAW(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

/* True for the first slot of a two-slot dst = imm64 instruction. */
static inline int insn_is_ld_imm64(const struct bpf_insn *insn)
{
	return insn->code == (BPF_LD | BPF_DW | BPF_IMM);
}

/*
 * A reference from one instruction to something the object file resolves:
 * an ld_imm64 that must become a map pointer, or a pseudo call that must
 * reach a subprogram.  The emitter records these; the object writer turns
 * them into ELF relocations.
 */
enum insn_reloc_kind {
	INSN_RELOC_MAP,		/* target: map index in the object */
	INSN_RELOC_CALL,	/* target: subprogram index in the object */
	INSN_RELOC_FUNC,	/* ld_imm64 of a subprogram's address (a
				   callback): target is its index */
};

struct insn_reloc {
	int insn;			/* index of the instruction */
	enum insn_reloc_kind kind;
	int target;
};

#endif /* SONDE_BPF_INSN_H */
