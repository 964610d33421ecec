// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * codegen_mem.c - reading kernel and user memory: the conversion
 * builtins (tapsets.md §3.3, §3.4) and the fault errors that context
 * variables share with them (runtime.md 3.3).
 *
 * Strings come from bpf_probe_read_{kernel,user}_str into a string
 * temporary, which truncates to MAXSTRINGLEN-1 bytes and terminates, as
 * SystemTap's copies do.  Scalars come from bpf_probe_read_{kernel,user}
 * into a stack slot and are sign-extended for signed C types.  A failed
 * read either raises SystemTap's fault error, whose text holds the
 * address in hex (formatted here, in BPF: the message is a run-time
 * string), or gives the soft result the function documents.
 */
#include <string.h>

#include "bpf-backend/codegen_int.h"

/* ---- fault messages ------------------------------------------------------ */

/* NUL-terminated text at scratch offset off, in whole words */
static void put_text(struct cg *cg, int off, const char *s, size_t len)
{
	struct emitter *em = &cg->em;
	uint64_t chunk;
	size_t k, n;

	for (k = 0; k <= len; k += 8) {
		chunk = 0;
		n = len - k < 8 ? len - k : 8;
		memcpy(&chunk, s + k, n);
		emit_ld_imm64(em, BPF_REG_0, chunk);
		emit_store(em, BPF_DW, CG_SCRATCH, off + (int)k, BPF_REG_0);
	}
}

/*
 * All sixteen hex digits of r1 are written, and r4 says where the
 * significant ones start: a copy from there gives the number without
 * leading zeros, with no loop and no store at a variable offset.
 */
void cg_hex_digits(struct cg *cg, int off)
{
	struct emitter *em = &cg->em;
	int i, l;

	for (i = 0; i < 16; i++) {
		l = label_new(em);
		emit_mov_reg(em, BPF_REG_2, BPF_REG_1);
		emit_alu_imm(em, BPF_RSH, BPF_REG_2, 60 - 4 * i);
		emit_alu_imm(em, BPF_AND, BPF_REG_2, 15);
		emit_alu_imm(em, BPF_ADD, BPF_REG_2, '0');
		emit_jcond_imm(em, BPF_JLE, BPF_REG_2, '9', l);
		emit_alu_imm(em, BPF_ADD, BPF_REG_2, 'a' - '0' - 10);
		label_bind(em, l);
		emit_store(em, BPF_B, CG_SCRATCH, off + i, BPF_REG_2);
	}
	emit_store_imm(em, BPF_B, CG_SCRATCH, off + 16, 0);
	emit_mov_imm(em, BPF_REG_4, 15);
	for (i = 1; i < 16; i++) {
		l = label_new(em);
		emit_mov_reg(em, BPF_REG_2, BPF_REG_1);
		emit_alu_imm(em, BPF_RSH, BPF_REG_2, 4 * i);
		emit_jcond_imm(em, BPF_JEQ, BPF_REG_2, 0, l);
		emit_mov_imm(em, BPF_REG_4, 15 - i);
		label_bind(em, l);
	}
}

/*
 * Raise "<prefix>0x<hex><suffix>" for the address in stack slot addr.
 */
void cg_raise_fault(struct cg *cg, const char *prefix, const char *suffix,
		    int addr, const struct token *tok)
{
	struct emitter *em = &cg->em;
	size_t plen = strlen(prefix), slen = strlen(suffix);
	int smark = cg_scratch_mark(cg), mark = emit_stack_mark(em);
	int msg = cg_scratch_alloc(cg, tok, cg->slot);
	int tmp = cg_scratch_alloc(cg, tok, (int)(16 + slen + 8));
	int slot = emit_stack_alloc(em, 8);

	if (plen + 2 > cg->lim.maxstringlen - 1)
		plen = cg->lim.maxstringlen - 3;
	put_text(cg, msg, prefix, plen);
	emit_store_imm(em, BPF_H, CG_SCRATCH, msg + (int)plen, 'x' << 8 | '0');
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, addr);
	cg_hex_digits(cg, tmp);
	put_text(cg, tmp + 16, suffix, slen);
	emit_mov_reg(em, BPF_REG_1, CG_SCRATCH);
	emit_alu_imm(em, BPF_ADD, BPF_REG_1, msg + (int)plen + 2);
	emit_mov_imm(em, BPF_REG_2, (int32_t)(cg->lim.maxstringlen - plen - 2));
	emit_mov_reg(em, BPF_REG_3, CG_SCRATCH);
	emit_alu_imm(em, BPF_ADD, BPF_REG_3, tmp);
	emit_alu_reg(em, BPF_ADD, BPF_REG_3, BPF_REG_4);
	emit_call_helper(em, BPF_FUNC_probe_read_kernel_str);
	emit_mov_reg(em, BPF_REG_0, CG_SCRATCH);
	emit_alu_imm(em, BPF_ADD, BPF_REG_0, msg);
	emit_store(em, BPF_DW, BPF_REG_10, slot, BPF_REG_0);
	rt_raise_str(cg, slot, tok);
	emit_stack_release(em, mark);
	cg_scratch_release(cg, smark);
}

/* ---- scalars ---------------------------------------------------------------- */

/*
 * The copy faults end in the man page reference ("kernel long copy fault
 * at 0x10 [man error::fault]"); a dereference fault has it before the
 * address, as the module runtime prints it ("read fault [man
 * error::fault] at 0x0").
 */
static const char *fault_suffix(const char *what)
{
	return strstr(what, "[man ") ? "" : " [man error::fault]";
}

/* Sign- or zero-extend the low size bytes of reg */
void cg_extend(struct cg *cg, int reg, int size, bool is_signed)
{
	struct emitter *em = &cg->em;

	if (size >= 8 || size <= 0)
		return;
	emit_alu_imm(em, BPF_LSH, reg, 64 - 8 * size);
	emit_alu_imm(em, is_signed ? BPF_ARSH : BPF_RSH, reg, 64 - 8 * size);
}

/*
 * r0 = the size-byte value at the address in stack slot addr.  On a
 * fault: raise the error cg_fault_text() names (what != NULL), or r0 = 0.
 */
void cg_read_scalar(struct cg *cg, int addr, int size, bool is_signed,
		    bool user, const char *what, const struct token *tok)
{
	struct emitter *em = &cg->em;
	int mark = emit_stack_mark(em), val = emit_stack_alloc(em, 8);
	int ok = label_new(em), done = label_new(em);

	emit_store_imm(em, BPF_DW, BPF_REG_10, val, 0);
	emit_mov_reg(em, BPF_REG_1, BPF_REG_10);
	emit_alu_imm(em, BPF_ADD, BPF_REG_1, val);
	emit_mov_imm(em, BPF_REG_2, size);
	emit_load(em, BPF_DW, BPF_REG_3, BPF_REG_10, addr);
	emit_call_helper(em, user ? BPF_FUNC_probe_read_user
				  : BPF_FUNC_probe_read_kernel);
	emit_jcond_imm(em, BPF_JEQ, BPF_REG_0, 0, ok);
	if (what)
		cg_raise_fault(cg, what, fault_suffix(what), addr, tok);
	emit_mov_imm(em, BPF_REG_0, 0);
	emit_jump(em, done);
	label_bind(em, ok);
	emit_load(em, size == 8 ? BPF_DW : size == 4 ? BPF_W :
		  size == 2 ? BPF_H : BPF_B, BPF_REG_0, BPF_REG_10, val);
	cg_extend(cg, BPF_REG_0, size, is_signed);
	label_bind(em, done);
	emit_stack_release(em, mark);
}

/* ---- the builtins ----------------------------------------------------------- */

enum mem_fault { MF_RAISE, MF_SOFT_ZERO, MF_ERRMSG, MF_EMPTY };

struct mem_fn {
	const char *name;
	int nargs;
	bool user;
	bool string;		/* else a scalar of size bytes */
	bool has_n;		/* string: second argument bounds the length */
	int size;
	bool is_signed;
	enum mem_fault fault;
	const char *what;	/* fault text before " at 0x..." */
};

static const struct mem_fn mem_fns[] = {
	{ "kernel_string", 1, false, true, false, 0, false, MF_RAISE,
	  "kernel string copy fault at " },
	{ "kernel_string", 2, false, true, false, 0, false, MF_ERRMSG, NULL },
	{ "kernel_string2", 2, false, true, false, 0, false, MF_ERRMSG, NULL },
	{ "kernel_string_n", 2, false, true, true, 0, false, MF_RAISE,
	  "kernel string copy fault at " },
	{ "user_string", 1, true, true, false, 0, false, MF_RAISE,
	  "user string copy fault -14 at " },
	{ "user_string", 2, true, true, false, 0, false, MF_ERRMSG, NULL },
	{ "user_string2", 2, true, true, false, 0, false, MF_ERRMSG, NULL },
	{ "user_string_nofault", 1, true, true, false, 0, false, MF_EMPTY, NULL },
	{ "user_string_n", 2, true, true, true, 0, false, MF_RAISE,
	  "user string copy fault -14 at " },
	{ "user_string_n", 3, true, true, true, 0, false, MF_ERRMSG, NULL },
	{ "user_string_n2", 3, true, true, true, 0, false, MF_ERRMSG, NULL },
	{ "user_string_n_nofault", 2, true, true, true, 0, false, MF_EMPTY, NULL },
	{ "kernel_long", 1, false, false, false, 8, true, MF_RAISE,
	  "kernel long copy fault at " },
	{ "kernel_int", 1, false, false, false, 4, true, MF_RAISE,
	  "kernel int copy fault at " },
	{ "kernel_short", 1, false, false, false, 2, true, MF_RAISE,
	  "kernel short copy fault at " },
	{ "kernel_char", 1, false, false, false, 1, true, MF_RAISE,
	  "kernel char copy fault at " },
	{ "kernel_pointer", 1, false, false, false, 8, false, MF_RAISE,
	  "kernel pointer copy fault at " },
#define USER_SCALAR(n, sz, sg) \
	{ "user_" n, 1, true, false, false, sz, sg, MF_SOFT_ZERO, NULL }, \
	{ "user_" n "_error", 1, true, false, false, sz, sg, MF_RAISE, \
	  "user " n " copy fault at " }
	USER_SCALAR("char", 1, true), USER_SCALAR("short", 2, true),
	USER_SCALAR("ushort", 2, false), USER_SCALAR("int", 4, true),
	USER_SCALAR("uint", 4, false),
	USER_SCALAR("long", 8, true), USER_SCALAR("ulong", 8, false),
	USER_SCALAR("int8", 1, true), USER_SCALAR("int16", 2, true),
	USER_SCALAR("int32", 4, true), USER_SCALAR("int64", 8, true),
	USER_SCALAR("uint8", 1, false), USER_SCALAR("uint16", 2, false),
	USER_SCALAR("uint32", 4, false), USER_SCALAR("uint64", 8, false),
#undef USER_SCALAR
};

static const struct mem_fn *find_mem_fn(const struct expr *e)
{
	size_t i;

	for (i = 0; i < sizeof(mem_fns) / sizeof(mem_fns[0]); i++)
		if (!strcmp(e->name, mem_fns[i].name) &&
		    e->args.n == mem_fns[i].nargs)
			return &mem_fns[i];
	return NULL;
}

/* if (reg OP imm) reg = imm: bounds the verifier learns */
static void clamp(struct cg *cg, int reg, int op, int32_t imm)
{
	struct emitter *em = &cg->em;
	int ok = label_new(em);

	emit_jcond_imm(em, op, reg, imm, ok);
	emit_mov_imm(em, reg, imm);
	label_bind(em, ok);
}

/*
 * A string read: args in stack slots (address, [n], [err_msg pointer]);
 * r0 = the string temporary or the fallback.
 */
static void read_string(struct cg *cg, const struct expr *e,
			const struct mem_fn *f, const int *slots)
{
	struct emitter *em = &cg->em;
	int buf = cg_scratch_alloc(cg, e->tok, cg->slot);
	int ok = label_new(em), done = label_new(em);

	emit_store_imm(em, BPF_B, CG_SCRATCH, buf, 0);
	emit_mov_reg(em, BPF_REG_1, CG_SCRATCH);
	emit_alu_imm(em, BPF_ADD, BPF_REG_1, buf);
	if (f->has_n) {
		/* n clamped to 0..MAXSTRINGLEN-1, plus the NUL */
		emit_load(em, BPF_DW, BPF_REG_2, BPF_REG_10, slots[1]);
		clamp(cg, BPF_REG_2, BPF_JSGE, 0);
		clamp(cg, BPF_REG_2, BPF_JSLE, (int32_t)cg->lim.maxstringlen - 1);
		emit_alu_imm(em, BPF_ADD, BPF_REG_2, 1);
	} else {
		emit_mov_imm(em, BPF_REG_2, (int32_t)cg->lim.maxstringlen);
	}
	emit_load(em, BPF_DW, BPF_REG_3, BPF_REG_10, slots[0]);
	emit_call_helper(em, f->user ? BPF_FUNC_probe_read_user_str
				     : BPF_FUNC_probe_read_kernel_str);
	emit_jcond_imm(em, BPF_JSGE, BPF_REG_0, 0, ok);
	switch (f->fault) {
	case MF_RAISE:
		cg_raise_fault(cg, f->what, " [man error::fault]", slots[0],
			       e->tok);
		break;
	case MF_ERRMSG:
		emit_load(em, BPF_DW, BPF_REG_0, BPF_REG_10,
			  slots[f->nargs - 1]);
		emit_jump(em, done);
		break;
	default:
		emit_store_imm(em, BPF_B, CG_SCRATCH, buf, 0);
		break;
	}
	label_bind(em, ok);
	emit_mov_reg(em, BPF_REG_0, CG_SCRATCH);
	emit_alu_imm(em, BPF_ADD, BPF_REG_0, buf);
	label_bind(em, done);
}

bool cg_call_mem(struct cg *cg, const struct expr *e)
{
	const struct mem_fn *f = find_mem_fn(e);
	struct emitter *em = &cg->em;
	int slots[3], mark, i;

	if (!f || (e->callee && e->callee->body))
		return false;
	mark = emit_stack_mark(em);
	for (i = 0; i < f->nargs; i++) {
		const struct expr *a = e->args.v[i];

		slots[i] = emit_stack_alloc(em, 8);
		if (a->type == TYPE_STRING)
			cg_str(cg, a);
		else
			cg_long(cg, a);
		emit_store(em, BPF_DW, BPF_REG_10, slots[i], BPF_REG_0);
	}
	if (f->string)
		read_string(cg, e, f, slots);
	else
		cg_read_scalar(cg, slots[0], f->size, f->is_signed, f->user,
			       f->fault == MF_RAISE ? f->what : NULL, e->tok);
	emit_stack_release(em, mark);
	return true;
}
