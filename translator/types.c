/* Pass 2, type inference (spec/language.md §4): every variable, array
 * index, function parameter and return, and expression gets long, string
 * or stats.  Rounds over all probes and used functions repeat until
 * nothing new is learned; conflicts and unresolved types are reported
 * only in a last round, so one root cause gives one error. */
#include "translator/types.h"

#include <string.h>

#include "runtime/format.h"
#include "translator/strlit.h"

struct infer {
	struct program *prog;
	struct diags *diags;
	struct function *func;       /* body being inferred, NULL in probes */
	bool changed;                /* this round learned something */
	bool report;                 /* last round: report conflicts */
};

const char *type_name_of(enum value_type t)
{
	switch (t) {
	case TYPE_LONG: return "long";
	case TYPE_STRING: return "string";
	case TYPE_STATS: return "stats";
	default: return "unknown";
	}
}

void type_set_literal(struct vardecl *v, const struct expr *init)
{
	v->type = init->kind == E_STRING ? TYPE_STRING : TYPE_LONG;
	v->type_tok = init->tok;
	v->arity = 0;
}

/* Unify a slot (variable, index, return) with a type seen at tok. */
static void unify_slot(struct infer *in, enum value_type *slot,
		       const struct token **slot_tok, enum value_type t,
		       const struct token *tok, int index)
{
	if (t == TYPE_UNKNOWN)
		return;
	if (*slot == TYPE_UNKNOWN) {
		*slot = t;
		if (slot_tok)
			*slot_tok = tok;
		in->changed = true;
		return;
	}
	if (*slot == t || !in->report)
		return;
	struct diag *g;

	if (index < 0) {
		g = diag_semantic_error(in->diags, tok, "type mismatch (%s)", type_name_of(t));
		if (slot_tok && *slot_tok)
			diag_chain(in->diags, g, *slot_tok, "type was first inferred here (%s)",
				   type_name_of(*slot));
	} else {
		g = diag_semantic_error(in->diags, tok, "index %d type mismatch (%s)", index,
					type_name_of(t));
		if (slot_tok && *slot_tok)
			diag_chain(in->diags, g, *slot_tok,
				   "type of index %d was first inferred here (%s)", index,
				   type_name_of(*slot));
	}
}

static void unify_var(struct infer *in, struct vardecl *v, enum value_type t,
		      const struct token *tok)
{
	if (v)
		unify_slot(in, &v->type, &v->type_tok, t, tok, -1);
}

/* An array's key count is fixed by its first use. */
static void set_arity(struct infer *in, struct vardecl *v, int arity,
		      const struct token *tok)
{
	if (v->arity < 0) {
		v->arity = arity;
		v->arity_tok = tok;
		v->index_types = arena_alloc(&in->prog->arena,
					     (arity + 1) * sizeof(*v->index_types));
		v->index_toks = arena_alloc(&in->prog->arena,
					    (arity + 1) * sizeof(*v->index_toks));
		in->changed = true;
	} else if (v->arity != arity && in->report) {
		struct diag *g = diag_semantic_error(in->diags, tok,
						     "inconsistent arity (%d vs %d)",
						     v->arity, arity);
		diag_chain(in->diags, g, v->arity_tok, "arity %d first inferred here",
			   v->arity);
	}
}

static enum value_type infer_expr(struct infer *in, struct expr *e, enum value_type want);
static void infer_stmt(struct infer *in, struct stmt *s);

/* The expression's type, learned from what the context wants. */
static enum value_type settle(struct infer *in, struct expr *e, enum value_type t,
			      enum value_type want)
{
	if (t == TYPE_UNKNOWN)
		t = want;
	if (e->type == TYPE_UNKNOWN && t != TYPE_UNKNOWN) {
		e->type = t;
		in->changed = true;
	}
	return e->type;
}

/* An operand an operator or statement needs of one type. */
static enum value_type need(struct infer *in, struct expr *e, enum value_type t)
{
	enum value_type got = infer_expr(in, e, t);

	/* a variable's conflict is reported against its first inference */
	if (e->kind == E_SYMBOL || e->kind == E_INDEX)
		return got;
	if (in->report && got != TYPE_UNKNOWN && got != t)
		diag_semantic_error(in->diags, e->tok, "type mismatch: expected %s but found %s",
				    type_name_of(t), type_name_of(got));
	return got;
}

static void infer_keys(struct infer *in, struct vardecl *v, struct ptrvec *keys,
		       const struct token *tok)
{
	if (!v)
		return;
	set_arity(in, v, keys->n, tok);
	if (v->arity != keys->n)
		return;
	for (int i = 0; i < keys->n; i++) {
		struct expr *k = keys->v[i];

		if (k->kind == E_WILDCARD)
			continue;
		enum value_type t = infer_expr(in, k, v->index_types[i]);

		unify_slot(in, &v->index_types[i], &v->index_toks[i], t, k->tok, i);
	}
}

static enum value_type infer_symbol(struct infer *in, struct expr *e, enum value_type want)
{
	struct vardecl *v = e->var;

	if (!v)
		return TYPE_UNKNOWN;
	set_arity(in, v, 0, e->tok);
	unify_var(in, v, want, e->tok);
	return settle(in, e, v->type, want);
}

static enum value_type infer_assign(struct infer *in, struct expr *e)
{
	const char *op = e->op;

	if (!strcmp(op, "<<<")) {
		struct vardecl *v = e->left->var;

		if (v) {
			if (e->left->kind == E_INDEX)
				infer_keys(in, v, &e->left->args, e->left->tok);
			else
				set_arity(in, v, 0, e->left->tok);
			unify_var(in, v, TYPE_STATS, e->left->tok);
		}
		need(in, e->right, TYPE_LONG);
		return settle(in, e, TYPE_LONG, TYPE_UNKNOWN);
	}
	if (strcmp(op, "=")) {
		/* .= is on strings, every other compound assignment on longs */
		enum value_type t = !strcmp(op, ".=") ? TYPE_STRING : TYPE_LONG;

		need(in, e->right, t);
		return settle(in, e, need(in, e->left, t), TYPE_UNKNOWN);
	}
	/* the value's own type first: a conflict is the variable's */
	enum value_type r = infer_expr(in, e->right, TYPE_UNKNOWN);
	enum value_type l = infer_expr(in, e->left, r);

	if (r == TYPE_UNKNOWN)
		infer_expr(in, e->right, l);
	return settle(in, e, l, TYPE_UNKNOWN);
}

static enum value_type infer_call(struct infer *in, struct expr *e, enum value_type want)
{
	struct function *fn = e->callee;

	if (!fn) {
		for (int i = 0; i < e->args.n; i++)
			infer_expr(in, e->args.v[i], TYPE_UNKNOWN);
		return TYPE_UNKNOWN;
	}
	for (int i = 0; i < e->args.n && i < fn->params.n; i++) {
		struct param *p = fn->params.v[i];
		enum value_type t = infer_expr(in, e->args.v[i], p->var->type);

		unify_slot(in, &p->var->type, &p->var->type_tok, t,
			   ((struct expr *)e->args.v[i])->tok, -1);
	}
	if (want != TYPE_UNKNOWN && fn->ret == TYPE_UNKNOWN) {
		fn->ret = want;
		fn->type_tok = e->tok;
		in->changed = true;
	}
	return settle(in, e, fn->ret, want);
}

/* printf's arguments take the types its directives want. */
static void infer_print(struct infer *in, struct expr *e)
{
	enum value_type *types = NULL;
	int n = 0;

	if (e->print_fmt) {
		size_t len;
		char *bytes = strlit_decode(&in->prog->arena, e->str, e->str_len, &len);
		struct fmt_directive dirs[64];
		int nd = fmt_parse(bytes, len, dirs, 64, NULL);
		unsigned char at[64];

		if (nd > 0 && nd <= 64) {
			n = fmt_arg_types(dirs, nd, at, 64);
			types = arena_alloc(&in->prog->arena, (n + 1) * sizeof(*types));
			for (int i = 0; i < n && i < 64; i++)
				types[i] = at[i] == FMT_ARG_STRING ? TYPE_STRING : TYPE_LONG;
		}
		if (in->report && n != e->args.n)
			diag_semantic_error(in->diags, e->tok,
					    "Wrong number of args to formatted print operator");
	}
	for (int i = 0; i < e->args.n; i++) {
		struct expr *a = e->args.v[i];

		if (a->kind == E_HISTOGRAM)
			infer_expr(in, a, TYPE_UNKNOWN);
		else if (types && i < n)
			need(in, a, types[i]);
		else
			infer_expr(in, a, TYPE_UNKNOWN);
	}
}

static enum value_type infer_stat_operand(struct infer *in, struct expr *x)
{
	if (x->kind == E_INDEX && x->var)
		infer_keys(in, x->var, &x->args, x->tok);
	else if (x->kind == E_SYMBOL && x->var)
		set_arity(in, x->var, 0, x->tok);
	if (x->var)
		unify_var(in, x->var, TYPE_STATS, x->tok);
	return TYPE_STATS;
}

static enum value_type infer_expr(struct infer *in, struct expr *e, enum value_type want)
{
	enum value_type l, r;

	switch (e->kind) {
	case E_NUMBER:
		return settle(in, e, TYPE_LONG, want);
	case E_STRING:
		return settle(in, e, TYPE_STRING, want);
	case E_SYMBOL:
		return infer_symbol(in, e, want);
	case E_INDEX:
		if (!e->var)
			return TYPE_UNKNOWN;
		infer_keys(in, e->var, &e->args, e->tok);
		unify_var(in, e->var, want, e->tok);
		return settle(in, e, e->var->type, want);
	case E_CALL:
		return infer_call(in, e, want);
	case E_PRINT:
		infer_print(in, e);
		return settle(in, e, e->print_to_string ? TYPE_STRING : TYPE_LONG, want);
	case E_ASSIGN:
		return infer_assign(in, e);
	case E_CONCAT:
		for (int i = 0; i < e->args.n; i++)
			need(in, e->args.v[i], TYPE_STRING);
		return settle(in, e, TYPE_STRING, want);
	case E_COMPARE:
		l = infer_expr(in, e->left, TYPE_UNKNOWN);
		r = infer_expr(in, e->right, l);
		if (l == TYPE_UNKNOWN)
			infer_expr(in, e->left, r);
		return settle(in, e, TYPE_LONG, want);
	case E_REGEX:
		need(in, e->left, TYPE_STRING);
		return settle(in, e, TYPE_LONG, want);
	case E_TERNARY:
		need(in, e->left, TYPE_LONG);
		l = infer_expr(in, e->right, want);
		r = infer_expr(in, e->third, l != TYPE_UNKNOWN ? l : want);
		if (l == TYPE_UNKNOWN)
			l = infer_expr(in, e->right, r);
		return settle(in, e, l, want);
	case E_IN:
		if (e->base->kind == E_SYMBOL && e->base->var)
			infer_keys(in, e->base->var, &e->args, e->tok);
		else
			infer_expr(in, e->base, TYPE_UNKNOWN);
		return settle(in, e, TYPE_LONG, want);
	case E_STATOP:
		infer_stat_operand(in, e->left);
		return settle(in, e, TYPE_LONG, want);
	case E_HISTOGRAM:
		infer_stat_operand(in, e->left);
		return TYPE_UNKNOWN;
	case E_HISTINDEX:
		infer_expr(in, e->base, TYPE_UNKNOWN);
		need(in, e->left, TYPE_LONG);
		return settle(in, e, TYPE_LONG, want);
	case E_TARGET:
		/* $$vars-style ($$return: "return=0x..") and pretty-printed
		 * values are strings */
		return settle(in, e, e->target->pretty ||
			      (e->target->base == TB_DOLLAR && e->target->name[1] == '$')
			      ? TYPE_STRING : TYPE_LONG, want);
	case E_EMBEDDED:
		return settle(in, e, strstr(e->str, "/* string */") ? TYPE_STRING : TYPE_LONG,
			      want);
	case E_BINARY:
	case E_LOGICAL:
		need(in, e->left, TYPE_LONG);
		need(in, e->right, TYPE_LONG);
		return settle(in, e, TYPE_LONG, want);
	case E_UNARY:
	case E_PREINC:
	case E_POSTINC:
		need(in, e->left, TYPE_LONG);
		return settle(in, e, TYPE_LONG, want);
	default:
		return settle(in, e, TYPE_LONG, want);
	}
}

static void infer_foreach(struct infer *in, struct stmt *s)
{
	struct vardecl *a = s->array->var;

	if (s->array->kind == E_HISTOGRAM) {
		infer_expr(in, s->array, TYPE_UNKNOWN);
		for (int i = 0; i < s->keys.n; i++)
			unify_var(in, ((struct foreach_key *)s->keys.v[i])->var, TYPE_LONG,
				  ((struct foreach_key *)s->keys.v[i])->tok);
		unify_var(in, s->value_decl, TYPE_LONG, s->value_var);
	} else if (a) {
		set_arity(in, a, s->keys.n, s->array->tok);
		for (int i = 0; a->arity == s->keys.n && i < s->keys.n; i++) {
			struct foreach_key *k = s->keys.v[i];

			unify_var(in, k->var, a->index_types[i], k->tok);
			unify_slot(in, &a->index_types[i], &a->index_toks[i], k->var->type,
				   k->tok, i);
		}
		if (s->value_decl && a->type != TYPE_STATS) {
			unify_var(in, s->value_decl, a->type, s->value_var);
			unify_var(in, a, s->value_decl->type, s->value_var);
		}
		if (s->has_slots && a->arity == s->slots.n)
			infer_keys(in, a, &s->slots, s->array->tok);
	}
	if (s->limit)
		need(in, s->limit, TYPE_LONG);
	infer_stmt(in, s->body);
}

static void infer_stmt(struct infer *in, struct stmt *s)
{
	if (!s)
		return;
	switch (s->kind) {
	case S_BLOCK:
		for (int i = 0; i < s->stmts.n; i++)
			infer_stmt(in, s->stmts.v[i]);
		break;
	case S_DELETE:
		/* "delete a" on a whole array or statistic */
		if (s->expr->kind == E_SYMBOL && s->expr->var &&
		    s->expr->var->kind == VAR_GLOBAL)
			break;
		infer_expr(in, s->expr, TYPE_UNKNOWN);
		break;
	case S_EXPR:
		infer_expr(in, s->expr, TYPE_UNKNOWN);
		break;
	case S_IF:
		need(in, s->expr, TYPE_LONG);
		infer_stmt(in, s->body);
		infer_stmt(in, s->else_body);
		break;
	case S_FOR:
		if (s->init)
			infer_expr(in, s->init, TYPE_UNKNOWN);
		if (s->expr)
			need(in, s->expr, TYPE_LONG);
		if (s->incr)
			infer_expr(in, s->incr, TYPE_UNKNOWN);
		infer_stmt(in, s->body);
		break;
	case S_FOREACH:
		infer_foreach(in, s);
		break;
	case S_TRY:
		infer_stmt(in, s->body);
		unify_var(in, s->catch_decl, TYPE_STRING, s->catch_var);
		infer_stmt(in, s->catch_body);
		break;
	case S_RETURN:
		if (s->expr && in->func) {
			enum value_type t = infer_expr(in, s->expr, in->func->ret);

			unify_slot(in, &in->func->ret, &in->func->type_tok, t, s->expr->tok, -1);
		}
		break;
	default:
		break;
	}
}

static void round_over_program(struct infer *in)
{
	in->changed = false;
	for (int i = 0; i < in->prog->probes.n; i++) {
		in->func = NULL;
		infer_stmt(in, ((struct probe *)in->prog->probes.v[i])->body);
	}
	for (int i = 0; i < in->prog->functions.n; i++) {
		in->func = in->prog->functions.v[i];
		infer_stmt(in, in->func->body);
	}
}

static void report_unresolved(struct infer *in, const struct ptrvec *vars)
{
	for (int i = 0; i < vars->n; i++) {
		struct vardecl *v = vars->v[i];

		/* a global is reported where it is first used, like upstream */
		if (v->type == TYPE_UNKNOWN)
			diag_semantic_error(in->diags, v->first_use ? v->first_use : v->tok,
					    "unresolved type ");
	}
}

int infer_types(struct program *prog, struct diags *d)
{
	struct infer in = { .prog = prog, .diags = d };
	int errors = d->errors;

	for (int i = 0; i < 1000; i++) {
		round_over_program(&in);
		if (!in.changed)
			break;
	}
	in.report = true;
	round_over_program(&in);
	/* unresolved types are often a conflict's echo: report them alone */
	if (d->errors > errors)
		return -1;
	report_unresolved(&in, &prog->globals);
	for (int i = 0; i < prog->probes.n; i++)
		report_unresolved(&in, &((struct probe *)prog->probes.v[i])->locals);
	for (int i = 0; i < prog->functions.n; i++)
		report_unresolved(&in, &((struct function *)prog->functions.v[i])->locals);
	return d->errors > errors ? -1 : 0;
}
