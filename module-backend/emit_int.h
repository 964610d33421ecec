/* The emitter's internals, shared by emit*.c.
 *
 * Values: every expression is lowered to C statements (written to the
 * current function body) plus a pure C expression for its value.  A
 * long's value is an int64_t expression; a string's is a const char *
 * to a NUL-terminated buffer.  Anything with an effect (assignment, a
 * call, output, a possible run-time error) is done by statements, so
 * value texts can be read in any order; an operand whose text could
 * change under a later operand's statements is first copied to a
 * temporary (ec_stable).
 *
 * Temporaries: longs are C locals of the handler (t1, t2, ...); strings
 * and index keys are members of the handler's frame struct (s1, ...),
 * reused from one statement to the next. */
#ifndef SONDE_MODULE_BACKEND_EMIT_INT_H
#define SONDE_MODULE_BACKEND_EMIT_INT_H

#include <stdbool.h>
#include <stdio.h>

#include "module-backend/emit.h"
#include "translator/providers/provider.h"

/* A C function being written: its body goes to a memory stream; the
 * declarations it needs are known only at the end. */
struct cfunc {
	char *body;
	size_t body_len;
	FILE *f;
	int indent;
	int nlong;		/* t1..tN */
	int nstr, maxstr;	/* s1..sN in the frame, live and peak */
	int nkey, maxkey;	/* struct sonde_key k1..kN in the frame */
	int nvalp;		/* void *v1..vN: map value pointers */
	int nloops;		/* foreach orders: o1.., loop labels */
	struct ptrvec frame_extra;	/* char * member declarations */
	bool used_out;		/* "goto out" was written */
	bool is_function;
	const struct function *fn;
};

struct loop {
	int id;
	bool used_cont;
	struct loop *outer;
};

struct ec {
	struct program *prog;
	const struct emit_opts *o;
	struct diags *d;
	struct arena *arena;
	int errors;
	struct cfunc *fn;	/* the function being written */
	struct loop *loop;
	const char *err_label;	/* "out" or the catch block's label */
	bool err_used;		/* a goto err_label was written */
	int ncatch;
	int nlabels;
	FILE *decls;		/* globals, frames and prototypes */
	const struct probe *probe;	/* the handler being written, or NULL */
	bool uses_kernel_types;	/* $var->member: include linux/kernel_types.h */
	struct ptrvec entries;	/* the @entry expressions of the probe being
				 * written, by slot in c->entry */
	int *nentries;		/* per probe: its @entry count */
};

/* output helpers (emit.c) */
void ec_line(struct ec *ec, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void ec_indent(struct ec *ec, int delta);
void ec_blank(struct ec *ec);
const char *ec_loc(struct ec *ec, const struct token *tok);	/* a C literal */
const char *ec_cstr(struct ec *ec, const char *s, size_t n);	/* a C literal */
void ec_unsupported(struct ec *ec, const struct token *tok, const char *what);
/* "goto <err_label>;" after a failed operation */
void ec_fail(struct ec *ec);
/* "if (c->error) goto ...", after a call */
void ec_check(struct ec *ec, const struct token *call);

/* temporaries */
const char *ec_long_tmp(struct ec *ec);
const char *ec_str_tmp(struct ec *ec);
const char *ec_key_tmp(struct ec *ec);
const char *ec_valp_tmp(struct ec *ec);
/* a frame member of the current function: "l->NAME" */
const char *ec_frame_member(struct ec *ec, const char *decl_fmt, const char *name);

/* names */
const char *ec_var(struct ec *ec, const struct vardecl *v);	/* lvalue text */
const char *ec_global_name(const struct vardecl *v);

/* expressions (emit_expr.c) */
const char *ec_long(struct ec *ec, const struct expr *e);
const char *ec_str(struct ec *ec, const struct expr *e);
void ec_discard(struct ec *ec, const struct expr *e);
/* a value text that later statements cannot change (a copy if needed) */
const char *ec_stable(struct ec *ec, const struct expr *e, const char *text);
bool ec_impure(const struct expr *e);
/* fill a key temporary from index expressions; returns its name */
const char *ec_key(struct ec *ec, const struct vardecl *arr,
		   const struct ptrvec *args);

/* print family and statistics (emit_print.c) */
const char *ec_print(struct ec *ec, const struct expr *e);
const char *ec_stat_op(struct ec *ec, const struct expr *e);
void ec_stat_add(struct ec *ec, const struct expr *target, const char *value);
/* the descriptor expression of a stats variable: "&g_s_desc" */
const char *ec_stat_desc(struct ec *ec, const struct vardecl *v);
void ec_autoprint(struct ec *ec, const struct vardecl *v);

/* statements (emit_stmt.c) */
void ec_stmt(struct ec *ec, const struct stmt *s);
int ec_static_cost(const struct stmt *s);

/* context variables (emit_target.c) */
const char *ec_target(struct ec *ec, const struct expr *e);

/* calls (emit_call.c) */
const char *ec_call(struct ec *ec, const struct expr *e);

#endif
