// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * codegen_call.c - builtin functions and the print family.
 *
 * A call whose function has no script body (a tapset or prelude
 * declaration with embedded code) is a translator builtin here, chosen
 * by name: exit, error, target, pid, tid, uid, cpu, execname, pp here,
 * the string and time functions in codegen_strfn.c.  Calls of script
 * functions are inlined (codegen_func.c).
 *
 * printf and friends send one PRINTF record (bpf_abi.h): the format id,
 * then each argument in runtime/format.h's fmt_arg_types order, a long
 * as 8 bytes and a string as a string slot.  print, println, printd and
 * printdln become formats too ("%d", "%s", the delimiter with '%'
 * doubled), with literal arguments folded into the format text, so
 * staprun formats all of them with the one shared formatter.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf-backend/codegen_int.h"
#include "runtime/format.h"
#include "staprun/bpf_abi.h"
#include "translator/strlit.h"

#define CG_MAX_PRINT_ARGS 64

/* ---- builtins --------------------------------------------------------- */

/* r0 = the helper's u64 shifted right by shift, or its low 32 bits */
static void helper_field(struct cg *cg, int helper, int shift, bool low32)
{
	struct emitter *em = &cg->em;

	emit_call_helper(em, helper);
	if (shift)
		emit_alu_imm(em, BPF_RSH, BPF_REG_0, shift);
	if (low32)
		emit_insn(em, INSN_MOV32_REG(BPF_REG_0, BPF_REG_0));
}

static void call_target(struct cg *cg)
{
	struct emitter *em = &cg->em;
	int none = label_new(em), done = label_new(em);

	rt_ctl_ptr(cg, SONDE_CTL_TARGET, none);
	emit_load(em, BPF_DW, BPF_REG_0, BPF_REG_0, 0);
	emit_jump(em, done);
	label_bind(em, none);
	emit_mov_imm(em, BPF_REG_0, 0);
	label_bind(em, done);
}

/* execname(): the task's comm in a string temporary */
static void call_execname(struct cg *cg, const struct expr *e)
{
	struct emitter *em = &cg->em;
	int buf = cg_scratch_alloc(cg, e->tok, cg->slot);

	emit_mov_reg(em, BPF_REG_1, CG_SCRATCH);
	emit_alu_imm(em, BPF_ADD, BPF_REG_1, buf);
	emit_mov_imm(em, BPF_REG_2, 16);	/* TASK_COMM_LEN */
	emit_call_helper(em, BPF_FUNC_get_current_comm);
	emit_mov_reg(em, BPF_REG_0, CG_SCRATCH);
	emit_alu_imm(em, BPF_ADD, BPF_REG_0, buf);
}

/* error(msg): a run-time error with the script's text */
static void call_error(struct cg *cg, const struct expr *e)
{
	struct emitter *em = &cg->em;
	int mark = emit_stack_mark(em), slot = emit_stack_alloc(em, 8);

	cg_str(cg, e->args.v[0]);
	emit_store(em, BPF_DW, BPF_REG_10, slot, BPF_REG_0);
	rt_raise_str(cg, slot, e->tok);
	emit_stack_release(em, mark);
	emit_mov_imm(em, BPF_REG_0, 0);
}

struct builtin {
	const char *name;
	int nargs;
	int helper;		/* or 0 */
	int shift;
	bool low32;
};

static const struct builtin builtins[] = {
	{ "exit", 0, 0, 0, false },
	{ "error", 1, 0, 0, false },
	{ "target", 0, 0, 0, false },
	{ "execname", 0, 0, 0, false },
	{ "pp", 0, 0, 0, false },
	{ "pid", 0, BPF_FUNC_get_current_pid_tgid, 32, false },
	{ "tid", 0, BPF_FUNC_get_current_pid_tgid, 0, true },
	{ "uid", 0, BPF_FUNC_get_current_uid_gid, 0, true },
	{ "gid", 0, BPF_FUNC_get_current_uid_gid, 32, false },
	{ "cpu", 0, BPF_FUNC_get_smp_processor_id, 0, false },
};

static const struct builtin *find_builtin(const struct expr *e)
{
	size_t i;

	for (i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++)
		if (!strcmp(e->name, builtins[i].name) &&
		    e->args.n == builtins[i].nargs)
			return &builtins[i];
	return NULL;
}

void cg_call(struct cg *cg, const struct expr *e)
{
	const struct builtin *b = find_builtin(e);
	struct emitter *em = &cg->em;

	if (cg_call_mem(cg, e) || cg_call_ctx(cg, e) || cg_call_stack(cg, e) ||
	    cg_call_task(cg, e) || cg_call_quoted(cg, e))
		return;
	if (e->callee && e->callee->body) {
		cg_call_function(cg, e);
		return;
	}
	if (!b && cg_call_strfn(cg, e))
		return;
	if (!b) {
		cg_unsupported(cg, e->tok, arena_printf(cg->arena,
			       "function '%s'", e->name));
	}
	if (!b) {
		emit_mov_imm(em, BPF_REG_0, 0);
		if (e->type == TYPE_STRING)
			cg_str_literal(cg, e->tok, "", 0);
		return;
	}
	if (b->helper) {
		helper_field(cg, b->helper, b->shift, b->low32);
	} else if (!strcmp(b->name, "exit")) {
		rt_exit(cg);
		emit_mov_imm(em, BPF_REG_0, 0);
	} else if (!strcmp(b->name, "error")) {
		call_error(cg, e);
	} else if (!strcmp(b->name, "target")) {
		call_target(cg);
	} else if (!strcmp(b->name, "execname")) {
		call_execname(cg, e);
	} else {
		cg_str_literal(cg, e->tok, cg->point ? cg->point->pp : "begin",
			       strlen(cg->point ? cg->point->pp : "begin"));
	}
}

/* ---- the print family --------------------------------------------------- */

/* A format under construction, with the arguments it still needs */
struct pfmt {
	char *text;
	size_t len;
	FILE *f;
	const struct expr *args[CG_MAX_PRINT_ARGS];
	int nargs;
};

/* A literal folds into the format if it prints the same as %s / %d */
static bool fold_literal(struct cg *cg, struct pfmt *p, const struct expr *a)
{
	size_t len, i;
	char *s;

	if (a->kind == E_NUMBER) {
		fprintf(p->f, "%lld", (long long)a->num);
		return true;
	}
	if (a->kind != E_STRING)
		return false;
	s = strlit_decode(cg->arena, a->str, a->str_len, &len);
	if (len > cg->lim.maxstringlen - 1 || memchr(s, 0, len))
		return false;
	for (i = 0; i < len; i++)
		fputs(s[i] == '%' ? "%%" : (char[]){ s[i], 0 }, p->f);
	return true;
}

void cg_put_delim(FILE *f, const char *delim, size_t dlen)
{
	for (size_t k = 0; k < dlen; k++)
		fputs(delim[k] == '%' ? "%%" : (char[]){ delim[k], 0 }, f);
}

/* print, println, printd, printdln as a format and its arguments */
static void print_format(struct cg *cg, const struct expr *e, struct pfmt *p)
{
	const char *delim = NULL;
	size_t dlen = 0;
	int i;

	if (e->print_delim)
		delim = strlit_decode(cg->arena, e->str, e->str_len, &dlen);
	for (i = 0; i < e->args.n; i++) {
		const struct expr *a = e->args.v[i];

		if (i && delim)
			cg_put_delim(p->f, delim, dlen);
		if (fold_literal(cg, p, a))
			continue;
		fputs(a->type == TYPE_STRING ? "%s" : "%d", p->f);
		if (p->nargs < CG_MAX_PRINT_ARGS)
			p->args[p->nargs++] = a;
	}
	if (e->print_newline)
		fputc('\n', p->f);
}

/* Evaluate the arguments into stack slots, then build the record */
static void emit_printf(struct cg *cg, const struct expr *e,
			const char *fmt, size_t len,
			const struct expr *const *args, int nargs)
{
	struct emitter *em = &cg->em;
	struct fmt_directive dirs[CG_MAX_PRINT_ARGS * 2 + 1];
	unsigned char types[CG_MAX_PRINT_ARGS];
	int slots[CG_MAX_PRINT_ARGS];
	int nd, nt, i, off, id, done, mark, smark;
	uint32_t size = sizeof(struct sonde_rec);

	nd = fmt_parse(fmt, len, dirs, sizeof(dirs) / sizeof(dirs[0]), NULL);
	if (nd < 0 || nd > (int)(sizeof(dirs) / sizeof(dirs[0])) ||
	    nargs > CG_MAX_PRINT_ARGS) {
		cg_unsupported(cg, e->tok, "this print format");
		return;
	}
	for (i = 0; i < nd; i++)
		if (dirs[i].kind == FMT_CONV &&
		    (dirs[i].conv == 'm' || dirs[i].conv == 'M')) {
			cg_unsupported(cg, e->tok, "%m and %M");
			return;
		}
	nt = fmt_arg_types(dirs, nd, types, CG_MAX_PRINT_ARGS);
	if (nt != nargs)
		return;		/* pass 2 has reported it */
	id = cg_strtab_add(cg, &cg->formats, fmt, len);
	mark = emit_stack_mark(em);
	smark = cg_scratch_mark(cg);
	for (i = 0; i < nargs; i++) {
		slots[i] = emit_stack_alloc(em, 8);
		size += types[i] == FMT_ARG_STRING ? cg->slot : 8;
	}
	for (i = 0; i < nargs; i++) {
		if (types[i] == FMT_ARG_STRING)
			cg_str(cg, args[i]);
		else
			cg_long(cg, args[i]);
		emit_store(em, BPF_DW, BPF_REG_10, slots[i], BPF_REG_0);
	}
	done = label_new(em);
	rt_reserve(cg, size, done);
	emit_store_imm(em, BPF_W, BPF_REG_6, 0, SONDE_REC_PRINTF);
	emit_store_imm(em, BPF_W, BPF_REG_6, 4, id);
	for (i = 0, off = sizeof(struct sonde_rec); i < nargs; i++) {
		if (types[i] == FMT_ARG_STRING) {
			emit_mov_reg(em, BPF_REG_1, BPF_REG_6);
			emit_alu_imm(em, BPF_ADD, BPF_REG_1, off);
			emit_mov_imm(em, BPF_REG_2, (int32_t)cg->slot);
			emit_load(em, BPF_DW, BPF_REG_3, BPF_REG_10, slots[i]);
			emit_call_helper(em, BPF_FUNC_probe_read_kernel_str);
			off += cg->slot;
		} else {
			emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_10, slots[i]);
			emit_store(em, BPF_DW, BPF_REG_6, off, BPF_REG_1);
			off += 8;
		}
	}
	rt_submit(cg);
	label_bind(em, done);
	emit_stack_release(em, mark);
	cg_scratch_release(cg, smark);
}

void cg_print(struct cg *cg, const struct expr *e)
{
	struct pfmt p = { 0 };
	const char *fmt;
	size_t len;

	bool hist = e->args.n == 1 &&
		    ((const struct expr *)e->args.v[0])->kind == E_HISTOGRAM;

	if (e->print_to_string && !hist) {
		cg_sprint(cg, e);
		return;
	}
	if (hist && !e->print_to_string) {
		cg_print_hist(cg, e);
	} else if (e->print_to_string || e->print_char) {
		cg_unsupported(cg, e->tok, arena_printf(cg->arena, "'%s'",
							e->name));
	} else if (e->print_fmt) {
		fmt = strlit_decode(cg->arena, e->str, e->str_len, &len);
		emit_printf(cg, e, fmt, len,
			    (const struct expr *const *)e->args.v, e->args.n);
	} else {
		p.f = open_memstream(&p.text, &p.len);
		if (p.f) {
			print_format(cg, e, &p);
			fclose(p.f);
			emit_printf(cg, e, p.text, p.len, p.args, p.nargs);
			free(p.text);
		}
	}
	emit_mov_imm(&cg->em, BPF_REG_0, 0);
}
