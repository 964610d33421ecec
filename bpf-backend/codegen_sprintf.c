// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * codegen_sprintf.c - sprintf, sprint, sprintln, sprintd, sprintdln.
 *
 * A sprintf result must be a string value in the probe (an array key,
 * compared, concatenated), so it is formatted in BPF, not in staprun.
 * The code is a transcription of runtime/format.c's emission routines
 * for a format parsed at translation time by the same fmt_parse: each
 * directive becomes straight code with the same arithmetic (widths and
 * precisions clamped to the room left, sign and prefix, zero and space
 * padding, strnlen for %s), so the bytes equal what printf prints
 * through format.c; testsuite/bpf/calls-sprintf.stp prints both.
 *
 * The code has no branch on data: the verifier walks it once, even in
 * loops.  The output position pos is a stack slot; every store goes to
 * min(pos, MAXSTRINGLEN-1), masked to a power of two P2 the verifier can
 * see, in a buffer of 2*P2 bytes, and a run of n bytes (n < P2) is one
 * bpf_probe_read_kernel from the digits, the string, or a pad of P2
 * spaces and P2 zeros kept in the map sonde_pad (filled on first use),
 * or literal text built in a temporary.
 * Bytes past MAXSTRINGLEN-1 are cut by the final NUL, as format.c cuts
 * them.  Not lowered: %b, %m, %M and %#c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf-backend/codegen_int.h"
#include "runtime/format.h"
#include "translator/strlit.h"

#define SP_MAX_ARGS 32

struct sp {
	struct cg *cg;
	int p2;			/* power of two > MAXSTRINGLEN */
	int end;		/* MAXSTRINGLEN - 1 */
	int buf;		/* scratch offset of the result, 2 * p2 bytes */
	int digits;		/* scratch offset of 24 digit bytes */
	int str;		/* scratch offset of a string copy */
	int pos, pad;		/* stack slots: output position, &sonde_pad */
	int w, p, t1, t2, t3;	/* stack slots: temporaries */
	int hs;			/* stack slot: 1 if a sign is printed */
};

static int pow2_above(unsigned n)
{
	int p = 8;

	while ((unsigned)p <= n)
		p *= 2;
	return p;
}

/* The pad map: p2 spaces, then p2 zeros */
static int pad_map(struct cg *cg, int p2)
{
	int i;

	for (i = 0; i < cg->nmaps; i++)
		if (!strcmp(cg->maps[i].name, "sonde_pad"))
			return i;
	return cg_add_map(cg, "sonde_pad", BPF_MAP_TYPE_ARRAY, 4,
			  (unsigned)(2 * p2), 1);
}

/*
 * ---- branch-free arithmetic on r1..r5 -------------------------------------
 *
 * A select is a multiplication by a sign bit taken with a logical shift:
 * the verifier forks its state on an arithmetic shift by 63 masked with
 * a constant, which over a few dozen digits would be millions of paths.
 */

/* dst = max(dst, 0); clobbers tmp */
static void max0(struct emitter *em, int dst, int tmp)
{
	emit_mov_reg(em, tmp, dst);
	emit_alu_imm(em, BPF_RSH, tmp, 63);
	emit_alu_imm(em, BPF_XOR, tmp, 1);
	emit_alu_reg(em, BPF_MUL, dst, tmp);
}

/* a = min(a, b) (signed); clobbers tmp */
static void min_reg(struct emitter *em, int a, int b, int tmp)
{
	emit_alu_reg(em, BPF_SUB, a, b);
	emit_mov_reg(em, tmp, a);
	emit_alu_imm(em, BPF_RSH, tmp, 63);
	emit_alu_reg(em, BPF_MUL, a, tmp);
	emit_alu_reg(em, BPF_ADD, a, b);
}

/* r1 = where the next byte goes: min(pos, end) & (p2 - 1) */
static void out_index(struct sp *s)
{
	struct emitter *em = &s->cg->em;

	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, s->pos);
	emit_mov_imm(em, BPF_REG_2, s->end);
	min_reg(em, BPF_REG_1, BPF_REG_2, BPF_REG_3);
	emit_alu_imm(em, BPF_AND, BPF_REG_1, s->p2 - 1);
}

/* pos += reg */
static void advance(struct sp *s, int reg)
{
	struct emitter *em = &s->cg->em;

	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, s->pos);
	emit_alu_reg(em, BPF_ADD, BPF_REG_1, reg);
	emit_store(em, BPF_DW, BPF_REG_10, s->pos, BPF_REG_1);
}

/* Store the byte in r4 (or the constant c when reg is -1); pos += r5
 * if count_reg, else += 1 */
static void put(struct sp *s, int reg, int c, bool count_reg)
{
	struct emitter *em = &s->cg->em;

	out_index(s);
	emit_alu_reg(em, BPF_ADD, BPF_REG_1, CG_SCRATCH);
	if (reg < 0)
		emit_store_imm(em, BPF_B, BPF_REG_1, s->buf, c);
	else
		emit_store(em, BPF_B, BPF_REG_1, s->buf, reg);
	if (!count_reg)
		emit_mov_imm(em, BPF_REG_5, 1);
	advance(s, BPF_REG_5);
}

#define FROM_PAD 1	/* no stack slot: stack offsets are negative */

/*
 * Copy n bytes (stack slot nslot, >= 0 and < p2) from the address in
 * stack slot srcslot, or from the pad (zeros or spaces) when srcslot is
 * FROM_PAD; pos += n.
 */
static void copy_run(struct sp *s, int nslot, int srcslot, bool zeros)
{
	struct emitter *em = &s->cg->em;

	out_index(s);
	emit_alu_reg(em, BPF_ADD, BPF_REG_1, CG_SCRATCH);
	emit_alu_imm(em, BPF_ADD, BPF_REG_1, s->buf);
	emit_load(em, BPF_DW, BPF_REG_2, BPF_REG_10, nslot);
	emit_alu_imm(em, BPF_AND, BPF_REG_2, s->p2 - 1);
	if (srcslot != FROM_PAD) {
		emit_load(em, BPF_DW, BPF_REG_3, BPF_REG_10, srcslot);
	} else {
		emit_load(em, BPF_DW, BPF_REG_3, BPF_REG_10, s->pad);
		if (zeros)
			emit_alu_imm(em, BPF_ADD, BPF_REG_3, s->p2);
	}
	emit_call_helper(em, BPF_FUNC_probe_read_kernel);
	emit_load(em, BPF_DW, BPF_REG_2, BPF_REG_10, nslot);
	emit_alu_imm(em, BPF_AND, BPF_REG_2, s->p2 - 1);
	advance(s, BPF_REG_2);
}

/* Pad with max(slot value, 0) spaces or zeros */
static void pad(struct sp *s, int slot, bool zeros)
{
	struct emitter *em = &s->cg->em;

	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, slot);
	max0(em, BPF_REG_1, BPF_REG_2);
	emit_store(em, BPF_DW, BPF_REG_10, s->t3, BPF_REG_1);
	copy_run(s, s->t3, FROM_PAD, zeros);
}

/* ---- width and precision ---------------------------------------------------- */

/*
 * slot = clampi(v, room): v < 0 gives 0, v > room gives room (which
 * may be negative), with room = MAXSTRINGLEN - pos.  v is in r1.
 */
static void clamp_room(struct sp *s, int slot)
{
	struct emitter *em = &s->cg->em;

	max0(em, BPF_REG_1, BPF_REG_2);
	emit_mov_imm(em, BPF_REG_2, s->end + 1);
	emit_load(em, BPF_DW, BPF_REG_3, BPF_REG_10, s->pos);
	emit_alu_reg(em, BPF_SUB, BPF_REG_2, BPF_REG_3);
	min_reg(em, BPF_REG_1, BPF_REG_2, BPF_REG_3);
	emit_store(em, BPF_DW, BPF_REG_10, slot, BPF_REG_1);
}

/* w, p = the directive's width and precision (-1 when not given);
 * a dynamic one is the next argument, cut to int as upstream does */
static void width_prec(struct sp *s, const struct fmt_directive *d,
		       const int *args, int *ai)
{
	struct emitter *em = &s->cg->em;
	int i;

	for (i = 0; i < 2; i++) {
		int kind = i ? d->prec_kind : d->width_kind;
		int slot = i ? s->p : s->w;

		if (kind == FMT_NONE) {
			emit_store_imm(em, BPF_DW, BPF_REG_10, slot, -1);
			continue;
		}
		if (kind == FMT_DYNAMIC) {
			emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, args[(*ai)++]);
			emit_alu_imm(em, BPF_LSH, BPF_REG_1, 32);
			emit_alu_imm(em, BPF_ARSH, BPF_REG_1, 32);
		} else {
			emit_mov_imm(em, BPF_REG_1, i ? d->prec : d->width);
		}
		clamp_room(s, slot);
	}
}

/* ---- conversions ---------------------------------------------------------- */

/* %d %i %u %o %x %X %p: format.c's emit_number; the value in slot v */
static void number(struct sp *s, const struct fmt_directive *d, int v)
{
	struct emitter *em = &s->cg->em;
	unsigned flags = d->flags;
	int base = d->base, ndig = base == 8 ? 22 : base == 10 ? 20 : 16;
	int k, special = 0;

	if (flags & FMT_F_LEFT)
		flags &= ~FMT_F_ZEROPAD;
	if (flags & FMT_F_SPECIAL)
		special = base == 16 ? 2 : base == 8 ? 1 : 0;
	/* t1 = magnitude, t2 = sign character, r5 = 1 if there is a sign */
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, v);
	emit_mov_imm(em, BPF_REG_5, 0);
	if (flags & FMT_F_SIGN) {
		/* r2 = negative; r1 -= 2 * r1 * r2 */
		emit_mov_reg(em, BPF_REG_2, BPF_REG_1);
		emit_alu_imm(em, BPF_RSH, BPF_REG_2, 63);
		emit_mov_reg(em, BPF_REG_3, BPF_REG_1);
		emit_alu_reg(em, BPF_MUL, BPF_REG_3, BPF_REG_2);
		emit_alu_imm(em, BPF_LSH, BPF_REG_3, 1);
		emit_alu_reg(em, BPF_SUB, BPF_REG_1, BPF_REG_3);
		if (flags & (FMT_F_PLUS | FMT_F_SPACE)) {
			int c = (flags & FMT_F_PLUS) ? '+' : ' ';

			emit_mov_reg(em, BPF_REG_3, BPF_REG_2);
			emit_alu_imm(em, BPF_MUL, BPF_REG_3, '-' - c);
			emit_alu_imm(em, BPF_ADD, BPF_REG_3, c);
			emit_mov_imm(em, BPF_REG_5, 1);
		} else {
			emit_mov_imm(em, BPF_REG_3, '-');
			emit_mov_reg(em, BPF_REG_5, BPF_REG_2);
		}
		emit_store(em, BPF_DW, BPF_REG_10, s->t2, BPF_REG_3);
	}
	emit_store(em, BPF_DW, BPF_REG_10, s->t1, BPF_REG_1);
	/* w = size = width - sign - prefix */
	emit_load(em, BPF_DW, BPF_REG_2, BPF_REG_10, s->w);
	emit_alu_reg(em, BPF_SUB, BPF_REG_2, BPF_REG_5);
	emit_alu_imm(em, BPF_SUB, BPF_REG_2, special);
	emit_store(em, BPF_DW, BPF_REG_10, s->w, BPF_REG_2);
	emit_store(em, BPF_DW, BPF_REG_10, s->hs, BPF_REG_5);
	/* the digits, last one at digits[23]; r4 = how many */
	emit_mov_imm(em, BPF_REG_4, 1);
	for (k = 0; k < ndig; k++) {
		emit_mov_reg(em, BPF_REG_2, BPF_REG_1);
		emit_alu_imm(em, BPF_MOD, BPF_REG_2, base);
		emit_mov_imm(em, BPF_REG_3, 9);
		emit_alu_reg(em, BPF_SUB, BPF_REG_3, BPF_REG_2);
		emit_alu_imm(em, BPF_RSH, BPF_REG_3, 63);
		emit_alu_imm(em, BPF_MUL, BPF_REG_3,
			     (flags & FMT_F_LARGE) ? 'A' - '0' - 10 : 'a' - '0' - 10);
		emit_alu_reg(em, BPF_ADD, BPF_REG_2, BPF_REG_3);
		emit_alu_imm(em, BPF_ADD, BPF_REG_2, '0');
		emit_store(em, BPF_B, CG_SCRATCH, s->digits + 23 - k, BPF_REG_2);
		emit_alu_imm(em, BPF_DIV, BPF_REG_1, base);
		if (k + 1 < ndig) {	/* r4 += (r1 != 0) */
			emit_mov_reg(em, BPF_REG_2, BPF_REG_1);
			emit_insn(em, INSN_NEG64(BPF_REG_2));
			emit_alu_reg(em, BPF_OR, BPF_REG_2, BPF_REG_1);
			emit_alu_imm(em, BPF_RSH, BPF_REG_2, 63);
			emit_alu_reg(em, BPF_ADD, BPF_REG_4, BPF_REG_2);
		}
	}
	emit_store(em, BPF_DW, BPF_REG_10, s->t1, BPF_REG_4);
	/* p = max(digits, precision); w -= p; p -= digits */
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, s->p);
	emit_mov_reg(em, BPF_REG_2, BPF_REG_4);
	emit_alu_reg(em, BPF_SUB, BPF_REG_1, BPF_REG_2);
	max0(em, BPF_REG_1, BPF_REG_3);
	emit_alu_reg(em, BPF_ADD, BPF_REG_1, BPF_REG_2);
	emit_load(em, BPF_DW, BPF_REG_2, BPF_REG_10, s->w);
	emit_alu_reg(em, BPF_SUB, BPF_REG_2, BPF_REG_1);
	emit_store(em, BPF_DW, BPF_REG_10, s->w, BPF_REG_2);
	emit_alu_reg(em, BPF_SUB, BPF_REG_1, BPF_REG_4);
	emit_store(em, BPF_DW, BPF_REG_10, s->p, BPF_REG_1);
	if (!(flags & (FMT_F_ZEROPAD | FMT_F_LEFT)))
		pad(s, s->w, false);
	if (flags & FMT_F_SIGN) {
		emit_load(em, BPF_DW, BPF_REG_4, BPF_REG_10, s->t2);
		emit_load(em, BPF_DW, BPF_REG_5, BPF_REG_10, s->hs);
		put(s, BPF_REG_4, 0, true);
	}
	if (special) {
		put(s, -1, '0', false);
		if (base == 16)
			put(s, -1, (flags & FMT_F_LARGE) ? 'X' : 'x', false);
	}
	if (flags & FMT_F_ZEROPAD)
		pad(s, s->w, true);
	pad(s, s->p, true);
	/* the digits: t2 = &digits[24 - n] */
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, s->t1);
	emit_mov_reg(em, BPF_REG_2, CG_SCRATCH);
	emit_alu_imm(em, BPF_ADD, BPF_REG_2, s->digits + 24);
	emit_alu_reg(em, BPF_SUB, BPF_REG_2, BPF_REG_1);
	emit_store(em, BPF_DW, BPF_REG_10, s->t2, BPF_REG_2);
	copy_run(s, s->t1, s->t2, false);
	if (flags & FMT_F_LEFT)
		pad(s, s->w, false);
}

/* %s: format.c's emit_memory for a string; the pointer in slot v */
static void string(struct sp *s, const struct fmt_directive *d, int v)
{
	struct emitter *em = &s->cg->em;
	struct cg *cg = s->cg;

	/* t1 = strnlen(str, precision), the string copied to str */
	emit_mov_reg(em, BPF_REG_1, CG_SCRATCH);
	emit_alu_imm(em, BPF_ADD, BPF_REG_1, s->str);
	emit_mov_imm(em, BPF_REG_2, (int32_t)cg->lim.maxstringlen);
	emit_load(em, BPF_DW, BPF_REG_3, BPF_REG_10, v);
	emit_call_helper(em, BPF_FUNC_probe_read_kernel_str);
	emit_alu_imm(em, BPF_SUB, BPF_REG_0, 1);
	max0(em, BPF_REG_0, BPF_REG_2);
	if (d->prec_kind != FMT_NONE) {
		/* the clamped precision is negative only when the output
		 * already ran past its end: format.c then reads up to
		 * FMT_MAX_OUTPUT bytes, i.e. the whole string */
		emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, s->p);
		emit_mov_reg(em, BPF_REG_3, BPF_REG_1);
		emit_alu_imm(em, BPF_RSH, BPF_REG_3, 63);	/* 1: none */
		emit_mov_reg(em, BPF_REG_4, BPF_REG_3);
		emit_alu_imm(em, BPF_MUL, BPF_REG_4, FMT_MAX_OUTPUT);
		emit_alu_imm(em, BPF_XOR, BPF_REG_3, 1);
		emit_alu_reg(em, BPF_MUL, BPF_REG_1, BPF_REG_3);
		emit_alu_reg(em, BPF_ADD, BPF_REG_1, BPF_REG_4);
		min_reg(em, BPF_REG_0, BPF_REG_1, BPF_REG_3);
	}
	emit_store(em, BPF_DW, BPF_REG_10, s->t1, BPF_REG_0);
	/* w = width - len */
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, s->w);
	emit_alu_reg(em, BPF_SUB, BPF_REG_1, BPF_REG_0);
	emit_store(em, BPF_DW, BPF_REG_10, s->w, BPF_REG_1);
	if (!(d->flags & FMT_F_LEFT))
		pad(s, s->w, false);
	emit_mov_reg(em, BPF_REG_1, CG_SCRATCH);
	emit_alu_imm(em, BPF_ADD, BPF_REG_1, s->str);
	emit_store(em, BPF_DW, BPF_REG_10, s->t2, BPF_REG_1);
	copy_run(s, s->t1, s->t2, false);
	if (d->flags & FMT_F_LEFT)
		pad(s, s->w, false);
	if (d->flags & FMT_F_ZEROPAD) {
		/* a NUL, counted only while pos <= end */
		emit_load(em, BPF_DW, BPF_REG_5, BPF_REG_10, s->pos);
		emit_mov_imm(em, BPF_REG_4, s->end);
		emit_alu_reg(em, BPF_SUB, BPF_REG_4, BPF_REG_5);
		emit_alu_imm(em, BPF_RSH, BPF_REG_4, 63);
		emit_alu_imm(em, BPF_XOR, BPF_REG_4, 1);
		emit_mov_reg(em, BPF_REG_5, BPF_REG_4);
		emit_mov_imm(em, BPF_REG_4, 0);
		put(s, BPF_REG_4, 0, true);
	}
}

/* %c without '#': format.c's emit_char for a printable size of 1 */
static void character(struct sp *s, const struct fmt_directive *d, int v)
{
	struct emitter *em = &s->cg->em;

	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, s->w);
	emit_alu_imm(em, BPF_SUB, BPF_REG_1, 1);
	emit_store(em, BPF_DW, BPF_REG_10, s->w, BPF_REG_1);
	if (!(d->flags & FMT_F_LEFT))
		pad(s, s->w, false);
	emit_load(em, BPF_DW, BPF_REG_4, BPF_REG_10, v);
	put(s, BPF_REG_4, 0, false);
	if (d->flags & FMT_F_LEFT)
		pad(s, s->w, false);
}

/* Literal text: a byte or three are stored one by one; longer runs are
 * built in the string temporary a word at a time and copied at once */
static void literal(struct sp *s, const char *text, size_t len)
{
	struct emitter *em = &s->cg->em;
	size_t k, n, chunk = s->cg->slot - 8;
	uint64_t word;

	if (len <= 3) {
		for (k = 0; k < len; k++)
			put(s, -1, (unsigned char)text[k], false);
		return;
	}
	for (; len; text += n, len -= n) {
		n = len < chunk ? len : chunk;
		for (k = 0; k < n; k += 8) {
			word = 0;
			memcpy(&word, text + k, n - k < 8 ? n - k : 8);
			emit_ld_imm64(em, BPF_REG_1, word);
			emit_store(em, BPF_DW, CG_SCRATCH, s->str + (int)k, BPF_REG_1);
		}
		emit_store_imm(em, BPF_DW, BPF_REG_10, s->t1, (int32_t)n);
		emit_mov_reg(em, BPF_REG_1, CG_SCRATCH);
		emit_alu_imm(em, BPF_ADD, BPF_REG_1, s->str);
		emit_store(em, BPF_DW, BPF_REG_10, s->t2, BPF_REG_1);
		copy_run(s, s->t1, s->t2, false);
	}
}

/* ---- the call --------------------------------------------------------------- */

/* sprint, sprintln, sprintd, sprintdln as a format: %s / %d per
 * argument, the delimiter between (with '%' doubled), a newline */
static char *plain_format(struct cg *cg, const struct expr *e, size_t *len)
{
	const char *delim = NULL;
	size_t dlen = 0;
	char *text = NULL;
	FILE *f = open_memstream(&text, len);
	int i;

	if (!f)
		return NULL;
	if (e->print_delim)
		delim = strlit_decode(cg->arena, e->str, e->str_len, &dlen);
	for (i = 0; i < e->args.n; i++) {
		const struct expr *a = e->args.v[i];

		if (i && delim)
			cg_put_delim(f, delim, dlen);
		fputs(a->type == TYPE_STRING ? "%s" : "%d", f);
	}
	if (e->print_newline)
		fputc('\n', f);
	fclose(f);
	return text;
}

/* Fill sonde_pad on first use: p2 spaces, p2 zeros */
static void load_pad(struct sp *s, int fail)
{
	struct emitter *em = &s->cg->em;
	int filled = label_new(em), k;

	rt_lookup0(s->cg, pad_map(s->cg, s->p2), fail);
	emit_store(em, BPF_DW, BPF_REG_10, s->pad, BPF_REG_0);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_0, 0);
	emit_ld_imm64(em, BPF_REG_2, 0x2020202020202020ULL);
	emit_jcond_reg(em, BPF_JEQ, BPF_REG_1, BPF_REG_2, filled);
	emit_ld_imm64(em, BPF_REG_3, 0x3030303030303030ULL);
	for (k = 0; k < s->p2; k += 8) {
		emit_store(em, BPF_DW, BPF_REG_0, (int16_t)k, BPF_REG_2);
		emit_store(em, BPF_DW, BPF_REG_0, (int16_t)(s->p2 + k), BPF_REG_3);
	}
	label_bind(em, filled);
}

static void format(struct sp *s, const struct expr *e, const char *fmt,
		   size_t len, const struct expr *const *args, int nargs)
{
	struct cg *cg = s->cg;
	struct emitter *em = &cg->em;
	struct fmt_directive dirs[SP_MAX_ARGS * 2 + 1];
	unsigned char types[SP_MAX_ARGS];
	int nd, nt, i, ai = 0, slots[SP_MAX_ARGS], fail;

	nd = fmt_parse(fmt, len, dirs, sizeof(dirs) / sizeof(dirs[0]), NULL);
	if (nd < 0 || nd > (int)(sizeof(dirs) / sizeof(dirs[0])) ||
	    nargs > SP_MAX_ARGS) {
		cg_unsupported(cg, e->tok, "this sprintf format");
		return;
	}
	for (i = 0; i < nd; i++)
		if (dirs[i].kind == FMT_CONV &&
		    (strchr("bmM", dirs[i].conv) ||
		     (dirs[i].conv == 'c' && (dirs[i].flags & FMT_F_SPECIAL)))) {
			cg_unsupported(cg, e->tok, arena_printf(cg->arena,
				       "%%%s%c in sprintf",
				       dirs[i].flags & FMT_F_SPECIAL ? "#" : "",
				       dirs[i].conv));
			return;
		}
	nt = fmt_arg_types(dirs, nd, types, SP_MAX_ARGS);
	if (nt != nargs)
		return;		/* pass 2 has reported it */
	for (i = 0; i < nargs; i++) {
		slots[i] = emit_stack_alloc(em, 8);
		if (types[i] == FMT_ARG_STRING) {
			cg_str(cg, args[i]);
		} else {
			cg_long_opaque(cg, args[i]);
		}
		emit_store(em, BPF_DW, BPF_REG_10, slots[i], BPF_REG_0);
	}
	emit_store_imm(em, BPF_DW, BPF_REG_10, s->pos, 0);
	fail = label_new(em);
	load_pad(s, fail);
	for (i = 0; i < nd; i++) {
		const struct fmt_directive *d = &dirs[i];

		if (d->kind == FMT_LITERAL) {
			literal(s, fmt + d->offset, d->len);
			continue;
		}
		width_prec(s, d, slots, &ai);
		if (d->conv == 's')
			string(s, d, slots[ai++]);
		else if (d->conv == 'c')
			character(s, d, slots[ai++]);
		else
			number(s, d, slots[ai++]);
	}
	label_bind(em, fail);
	/* the NUL at min(pos, end) */
	out_index(s);
	emit_alu_reg(em, BPF_ADD, BPF_REG_1, CG_SCRATCH);
	emit_store_imm(em, BPF_B, BPF_REG_1, s->buf, 0);
}

void cg_sprint(struct cg *cg, const struct expr *e)
{
	struct emitter *em = &cg->em;
	int mark = emit_stack_mark(em);
	struct sp s = { .cg = cg };
	char *text = NULL;
	const char *fmt;
	size_t len;

	s.p2 = pow2_above(cg->lim.maxstringlen);
	s.end = (int)cg->lim.maxstringlen - 1;
	s.buf = cg_scratch_alloc(cg, e->tok, 2 * s.p2);
	{
		int smark = cg_scratch_mark(cg);

		s.digits = cg_scratch_alloc(cg, e->tok, 24);
		s.str = cg_scratch_alloc(cg, e->tok, cg->slot);
		s.pos = emit_stack_alloc(em, 8);
		s.pad = emit_stack_alloc(em, 8);
		s.w = emit_stack_alloc(em, 8);
		s.p = emit_stack_alloc(em, 8);
		s.t1 = emit_stack_alloc(em, 8);
		s.t2 = emit_stack_alloc(em, 8);
		s.t3 = emit_stack_alloc(em, 8);
		s.hs = emit_stack_alloc(em, 8);
		emit_store_imm(em, BPF_B, CG_SCRATCH, s.buf, 0);
		if (e->print_fmt) {
			fmt = strlit_decode(cg->arena, e->str, e->str_len, &len);
			format(&s, e, fmt, len,
			       (const struct expr *const *)e->args.v, e->args.n);
		} else {
			text = plain_format(cg, e, &len);
			if (text)
				format(&s, e, text, len,
				       (const struct expr *const *)e->args.v,
				       e->args.n);
			free(text);
		}
		cg_scratch_release(cg, smark);
	}
	emit_stack_release(em, mark);
	emit_mov_reg(em, BPF_REG_0, CG_SCRATCH);
	emit_alu_imm(em, BPF_ADD, BPF_REG_0, s.buf);
}
