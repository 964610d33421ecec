/* Pass 2's optimizer (spec/language.md §5.3), run after symbol resolution
 * and before type inference, as upstream does -- so an assignment it
 * removes never takes part in typing.  Until nothing changes:
 *
 *   - fold operators over number literals, and if/while on a literal
 *     condition;
 *   - an assignment to a local that nothing reads keeps only its value
 *     ("Eliding assignment to 'x'");
 *   - an expression statement without side effects goes ("Eliding
 *     side-effect-free expression");
 * then drop the locals, globals and functions nothing uses any more, and
 * every probe left with an empty body ("Probe 'begin' has been elided").
 * Warnings are given for the user's files only; -u turns it all off. */
#include "translator/optimize.h"

#include <string.h>

#include "translator/ast_walk.h"
#include "translator/providers/provider.h"

struct opt {
	struct program *prog;
	struct diags *diags;
	bool changed;
	int copies;                  /* concrete probes sharing the body */
	struct ptrvec called;        /* struct function *, recounted every round */
};

static void mark_read(struct vardecl *v)
{
	if (v)
		v->opt_read = true;
}

static void mark_called(struct opt *o, struct function *fn)
{
	if (fn && !fn->opt_called) {
		fn->opt_called = true;
		ptrvec_push(&o->prog->arena, &o->called, fn);
	}
}

static bool user_token(const struct token *t)
{
	return t && t->src && !t->src->is_tapset;
}

/* Upstream optimizes each concrete probe's own copy of the body, so a
 * warning comes once per copy (and the copies count as suppressed). */
static void warn(struct opt *o, const struct token *tok, const char *fmt, const char *arg)
{
	if (!user_token(tok))
		return;
	for (int i = 0; i < o->copies; i++)
		diag_warning(o->diags, tok, fmt, arg);
}

/* The token a statement starts with, as upstream reports it. */
static const struct token *first_token(const struct expr *e)
{
	switch (e->kind) {
	case E_BINARY: case E_COMPARE: case E_LOGICAL: case E_ASSIGN:
	case E_REGEX: case E_TERNARY: case E_POSTINC:
		return e->left ? first_token(e->left) : e->tok;
	case E_CONCAT:
		return e->args.n ? first_token(e->args.v[0]) : e->tok;
	case E_IN:
		return e->args.n ? first_token(e->args.v[0]) : e->tok;
	default:
		return e->tok;
	}
}

/* ---- uses ---------------------------------------------------------------- */

static bool visit_uses(struct expr *e, void *arg)
{
	struct opt *o = arg;

	switch (e->kind) {
	case E_SYMBOL:
	case E_INDEX:
		mark_read(e->var);
		return true;
	case E_ASSIGN:
		/* "x = v" writes x without reading it; "x += v", "s <<< v" and
		 * array elements count as uses */
		if (!strcmp(e->op, "=") && e->left->kind == E_SYMBOL) {
			walk_expr(e->right, visit_uses, o);
			return false;
		}
		return true;
	case E_CALL:
		mark_called(o, e->callee);
		return true;
	default:
		return true;
	}
}

static void uses_stmt(struct opt *o, struct stmt *s)
{
	walk_stmt(s, visit_uses, o);
}

static void clear_vars(struct ptrvec *v)
{
	for (int i = 0; i < v->n; i++)
		((struct vardecl *)v->v[i])->opt_read = false;
}

static void count_uses(struct opt *o)
{
	struct program *prog = o->prog;

	clear_vars(&prog->globals);
	for (int i = 0; i < prog->probes.n; i++)
		clear_vars(&((struct probe *)prog->probes.v[i])->locals);
	for (int i = 0; i < prog->functions.n; i++) {
		struct function *fn = prog->functions.v[i];

		clear_vars(&fn->locals);
		fn->opt_called = false;
	}
	o->called.n = 0;
	for (int i = 0; i < o->prog->probes.n; i++) {
		struct probe *p = o->prog->probes.v[i];

		uses_stmt(o, p->body);
		for (int j = 0; j < p->points.n; j++)
			walk_expr(((struct probe_point *)p->points.v[j])->cond, visit_uses, o);
	}
	/* functions reached from probes, transitively */
	for (int i = 0; i < o->called.n; i++) {
		struct function *fn = o->called.v[i];

		uses_stmt(o, fn->body);
	}
}

/* ---- side effects and folding ------------------------------------------ */

static bool function_pure(struct function *fn);

static bool pure_call(const struct expr *e)
{
	struct function *fn = e->callee;

	if (!fn)
		return false;
	if (fn->embedded)
		return strstr(fn->embedded->text, "/* pure */") != NULL;
	return function_pure(fn);
}

/* Whether an expression of a function body affects anything outside
 * the function: what it assigns must be its own locals. */
static bool visit_effects(struct expr *e, void *arg)
{
	bool *effects = arg;

	switch (e->kind) {
	case E_ASSIGN: case E_PREINC: case E_POSTINC:
		if (e->left->kind != E_SYMBOL || !e->left->var ||
		    e->left->var->kind == VAR_GLOBAL)
			*effects = true;
		return true;
	case E_CALL:
		if (!pure_call(e))
			*effects = true;
		return true;
	case E_BINARY:
		if (!strcmp(e->op, "/") || !strcmp(e->op, "%"))
			*effects = true;
		return true;
	case E_PRINT: case E_EMBEDDED: case E_TARGET: case E_STATOP: case E_HISTOGRAM:
		*effects = true;
		return false;
	default:
		return true;
	}
}

static bool stmt_effects(const struct stmt *s)
{
	if (!s)
		return false;
	if (s->kind == S_DELETE)
		return true;
	for (int i = 0; i < s->stmts.n; i++)
		if (stmt_effects(s->stmts.v[i]))
			return true;
	return stmt_effects(s->body) || stmt_effects(s->else_body) ||
	       stmt_effects(s->catch_body);
}

/* A script function whose calls may go when their value is unused, as
 * upstream decides: nothing it does reaches past its own locals (a
 * recursive call counts as an effect while it is being decided). */
static bool function_pure(struct function *fn)
{
	bool effects = false;

	if (fn->purity == 0) {
		fn->purity = 1;
		walk_stmt(fn->body, visit_effects, &effects);
		fn->purity = effects || stmt_effects(fn->body) ? 3 : 2;
	}
	return fn->purity == 2;
}

static bool has_side_effects(const struct expr *e)
{
	if (!e)
		return false;
	switch (e->kind) {
	case E_NUMBER: case E_STRING: case E_SYMBOL: case E_WILDCARD:
	case E_DEFINED: case E_CONST: case E_ENUM:
		return false;
	case E_CALL:
		if (!pure_call(e))
			return true;
		break;
	case E_BINARY:
		/* a division can fail at run time */
		if (!strcmp(e->op, "/") || !strcmp(e->op, "%"))
			return true;
		break;
	case E_INDEX: case E_COMPARE: case E_LOGICAL: case E_UNARY:
	case E_TERNARY: case E_CONCAT: case E_REGEX: case E_IN:
		break;
	default:
		/* assignments, prints, statistics (empty ones fail), $vars
		 * (reads can fault), embedded code, ... */
		return true;
	}
	if (has_side_effects(e->left) || has_side_effects(e->right) ||
	    has_side_effects(e->third) || has_side_effects(e->base))
		return true;
	for (int i = 0; i < e->args.n; i++)
		if (has_side_effects(e->args.v[i]))
			return true;
	return false;
}

static bool literal_num(const struct expr *e, int64_t *v)
{
	if (!e || e->kind != E_NUMBER)
		return false;
	*v = e->num;
	return true;
}

static int64_t fold_binary(const char *op, int64_t a, int64_t b, bool *ok)
{
	uint64_t ua = (uint64_t)a, ub = (uint64_t)b;

	*ok = true;
	switch (op[0]) {
	case '+': return (int64_t)(ua + ub);
	case '-': return (int64_t)(ua - ub);
	case '*': return (int64_t)(ua * ub);
	case '&': return a & b;
	case '|': return a | b;
	case '^': return a ^ b;
	case '<': if (op[1] == '<') return (int64_t)(ua << (b & 63)); break;
	case '>':
		if (op[1] == '>' && op[2] == '>')
			return (int64_t)(ua >> (b & 63));
		if (op[1] == '>')
			return a >> (b & 63);
		break;
	}
	*ok = false;
	return 0;
}

static int64_t fold_compare(const char *op, int64_t a, int64_t b)
{
	if (!strcmp(op, "==")) return a == b;
	if (!strcmp(op, "!=")) return a != b;
	if (!strcmp(op, "<")) return a < b;
	if (!strcmp(op, "<=")) return a <= b;
	if (!strcmp(op, ">")) return a > b;
	return a >= b;
}

static void make_number(struct opt *o, struct expr *e, int64_t v)
{
	const struct token *tok = first_token(e);

	memset(e, 0, sizeof(*e));
	e->kind = E_NUMBER;
	e->tok = tok;
	e->num = v;
	o->changed = true;
}

/* Fold operators whose operands are number literals, in place. */
static void fold_expr(struct opt *o, struct expr *e)
{
	int64_t a, b;
	bool ok;

	if (!e)
		return;
	fold_expr(o, e->left);
	fold_expr(o, e->right);
	fold_expr(o, e->third);
	for (int i = 0; i < e->args.n; i++)
		fold_expr(o, e->args.v[i]);
	switch (e->kind) {
	case E_BINARY:
		if (literal_num(e->left, &a) && literal_num(e->right, &b)) {
			int64_t v = fold_binary(e->op, a, b, &ok);

			if (ok)
				make_number(o, e, v);
		}
		break;
	case E_COMPARE:
		if (literal_num(e->left, &a) && literal_num(e->right, &b))
			make_number(o, e, fold_compare(e->op, a, b));
		break;
	case E_LOGICAL:
		if (literal_num(e->left, &a) && literal_num(e->right, &b))
			make_number(o, e, e->op[0] == '&' ? (a && b) : (a || b));
		break;
	case E_UNARY:
		if (literal_num(e->left, &a)) {
			if (e->op[0] == '-')
				make_number(o, e, (int64_t)(0 - (uint64_t)a));
			else if (e->op[0] == '!')
				make_number(o, e, !a);
			else if (e->op[0] == '~')
				make_number(o, e, ~a);
			else if (e->op[0] == '+')
				make_number(o, e, a);
		}
		break;
	case E_TERNARY:
		if (literal_num(e->left, &a)) {
			struct expr *pick = a ? e->right : e->third;

			*e = *pick;
			o->changed = true;
		}
		break;
	default:
		break;
	}
}

/* ---- statements ---------------------------------------------------------- */

static struct stmt *empty_block(struct opt *o, const struct token *tok)
{
	struct stmt *s = arena_alloc(&o->prog->arena, sizeof(*s));

	s->kind = S_BLOCK;
	s->tok = tok;
	o->changed = true;
	return s;
}

static bool is_empty(const struct stmt *s)
{
	if (!s || s->kind == S_NULL)
		return true;
	if (s->kind != S_BLOCK)
		return false;
	for (int i = 0; i < s->stmts.n; i++)
		if (!is_empty(s->stmts.v[i]))
			return false;
	return true;
}

/* "x = v" with x a local nothing reads: keep v only. */
static bool visit_dead_assignment(struct expr *e, void *arg)
{
	struct opt *o = arg;

	if (e->kind == E_ASSIGN && !strcmp(e->op, "=") && e->left->kind == E_SYMBOL &&
	    e->left->var && e->left->var->kind == VAR_LOCAL && !e->left->var->opt_read) {
		const struct token *eq = e->tok;
		const char *name = e->left->name;
		const struct token *first = first_token(e);

		warn(o, eq, "Eliding assignment to '%s'", name);
		*e = *e->right;
		/* the statement keeps starting where the assignment did */
		if (e->kind == E_NUMBER || e->kind == E_STRING)
			e->tok = first;
		o->changed = true;
		/* the value may be one again: visit it as it is now */
		walk_expr(e, visit_dead_assignment, o);
		return false;
	}
	return true;
}

static struct stmt *opt_stmt(struct opt *o, struct stmt *s);

static bool returns_value(const struct stmt *s)
{
	if (!s)
		return false;
	if (s->kind == S_RETURN && s->expr)
		return true;
	for (int i = 0; i < s->stmts.n; i++)
		if (returns_value(s->stmts.v[i]))
			return true;
	return returns_value(s->body) || returns_value(s->else_body) ||
	       returns_value(s->catch_body);
}

/* A call statement of a script function that neither returns a value nor
 * changes anything: the function itself is pointless, upstream says. */
static void warn_void_pure_call(struct opt *o, const struct expr *e)
{
	const struct function *fn = e->kind == E_CALL ? e->callee : NULL;

	if (fn && fn->body && !returns_value(fn->body))
		warn(o, fn->tok, "side-effect-free function '%s'", fn->name);
}

static void opt_list(struct opt *o, struct ptrvec *v)
{
	int n = 0;

	for (int i = 0; i < v->n; i++) {
		struct stmt *s = opt_stmt(o, v->v[i]);

		if (s && !(s->kind == S_BLOCK && is_empty(s)))
			v->v[n++] = s;
	}
	if (n != v->n)
		o->changed = true;
	v->n = n;
}

static void dead_assignments(struct opt *o, struct stmt *s)
{
	walk_stmt(s, visit_dead_assignment, o);
}

static struct stmt *opt_stmt(struct opt *o, struct stmt *s)
{
	int64_t c;

	if (!s)
		return NULL;
	switch (s->kind) {
	case S_BLOCK:
		opt_list(o, &s->stmts);
		return s;
	case S_EXPR:
		fold_expr(o, s->expr);
		if (!has_side_effects(s->expr)) {
			const struct token *t = first_token(s->expr);

			warn(o, t, "Eliding side-effect-free expression %s", "");
			warn_void_pure_call(o, s->expr);
			return empty_block(o, s->tok);
		}
		return s;
	case S_IF:
		fold_expr(o, s->expr);
		s->body = opt_stmt(o, s->body);
		s->else_body = opt_stmt(o, s->else_body);
		if (literal_num(s->expr, &c)) {
			o->changed = true;
			if (c)
				return s->body;
			return s->else_body ? s->else_body : empty_block(o, s->tok);
		}
		return s;
	case S_FOR:
		fold_expr(o, s->expr);
		s->body = opt_stmt(o, s->body);
		if (literal_num(s->expr, &c) && !c) {
			/* the loop never runs: only its initializer remains */
			if (s->init && has_side_effects(s->init)) {
				struct stmt *init = arena_alloc(&o->prog->arena, sizeof(*init));

				init->kind = S_EXPR;
				init->tok = s->tok;
				init->expr = s->init;
				o->changed = true;
				return init;
			}
			return empty_block(o, s->tok);
		}
		return s;
	case S_FOREACH:
	case S_TRY:
		s->body = opt_stmt(o, s->body);
		s->catch_body = opt_stmt(o, s->catch_body);
		if (!s->body)
			s->body = empty_block(o, s->tok);
		return s;
	case S_RETURN:
	case S_DELETE:
		fold_expr(o, s->expr);
		return s;
	default:
		return s;
	}
}

/* ---- what is left unused ------------------------------------------------- */

static bool var_used(const struct vardecl *v)
{
	return v->opt_read || v->opt_written;
}

static void drop_unused_vars(struct ptrvec *vars)
{
	int n = 0;

	for (int i = 0; i < vars->n; i++)
		if (var_used(vars->v[i]))
			vars->v[n++] = vars->v[i];
	vars->n = n;
}

/* Which variables are still assigned anywhere. */
static bool visit_written(struct expr *e, void *arg)
{
	(void)arg;
	if ((e->kind == E_ASSIGN || e->kind == E_PREINC || e->kind == E_POSTINC) &&
	    e->left && e->left->var)
		e->left->var->opt_written = true;
	return true;
}

/* What statements assign themselves: delete, foreach, catch. */
static void mark_statement_writes(struct stmt *s)
{
	if (!s)
		return;
	for (int i = 0; i < s->stmts.n; i++)
		mark_statement_writes(s->stmts.v[i]);
	mark_statement_writes(s->body);
	mark_statement_writes(s->else_body);
	mark_statement_writes(s->catch_body);
	if (s->kind == S_DELETE && s->expr && s->expr->var)
		s->expr->var->opt_written = true;
	if (s->kind == S_FOREACH) {
		for (int i = 0; i < s->keys.n; i++) {
			struct foreach_key *k = s->keys.v[i];

			if (k->var)
				k->var->opt_written = true;
		}
		if (s->value_decl)
			s->value_decl->opt_written = true;
	}
	if (s->catch_decl)
		s->catch_decl->opt_written = true;
}

static void mark_written_stmt(struct stmt *s)
{
	walk_stmt(s, visit_written, NULL);
	mark_statement_writes(s);
}

static void elide_empty_probes(struct opt *o)
{
	int n = 0;

	for (int i = 0; i < o->prog->probes.n; i++) {
		struct probe *p = o->prog->probes.v[i];

		if (!is_empty(p->body)) {
			o->prog->probes.v[n++] = p;
			continue;
		}
		for (int j = 0; j < p->derived.n; j++) {
			const struct prov_probe *dp = p->derived.v[j];
			const char *what = dp->ncomps ? dp->comps[0].name : "?";

			if (user_token(p->tok))
				diag_warning(o->diags, p->tok, "Probe '%s' has been elided", what);
		}
	}
	if (n != o->prog->probes.n)
		o->changed = true;
	o->prog->probes.n = n;
}

int optimize(struct program *prog, struct diags *d)
{
	struct opt o = { .prog = prog, .diags = d };

	/* like upstream, each round runs one kind of rewrite over the whole
	 * program before the next, which orders the warnings */
	do {
		o.changed = false;
		count_uses(&o);
		for (int i = 0; i < prog->probes.n; i++) {
			struct probe *p = prog->probes.v[i];

			o.copies = p->derived.n > 1 ? p->derived.n : 1;
			dead_assignments(&o, p->body);
		}
		o.copies = 1;
		for (int i = 0; i < o.called.n; i++)
			dead_assignments(&o, ((struct function *)o.called.v[i])->body);
		for (int i = 0; i < prog->probes.n; i++) {
			struct probe *p = prog->probes.v[i];

			o.copies = p->derived.n > 1 ? p->derived.n : 1;
			p->body = opt_stmt(&o, p->body);
		}
		o.copies = 1;
		for (int i = 0; i < o.called.n; i++) {
			struct function *fn = o.called.v[i];

			if (fn->body)
				fn->body = opt_stmt(&o, fn->body);
		}
		elide_empty_probes(&o);
	} while (o.changed);

	count_uses(&o);
	for (int i = 0; i < prog->probes.n; i++)
		mark_written_stmt(((struct probe *)prog->probes.v[i])->body);
	for (int i = 0; i < o.called.n; i++)
		mark_written_stmt(((struct function *)o.called.v[i])->body);
	for (int i = 0; i < prog->probes.n; i++)
		drop_unused_vars(&((struct probe *)prog->probes.v[i])->locals);
	int nf = 0;

	for (int i = 0; i < prog->functions.n; i++) {
		struct function *fn = prog->functions.v[i];

		if (!fn->opt_called)
			continue;
		drop_unused_vars(&fn->locals);
		prog->functions.v[nf++] = fn;
	}
	prog->functions.n = nf;
	drop_unused_vars(&prog->globals);
	return 0;
}
