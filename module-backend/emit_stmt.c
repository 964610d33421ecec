/* emit_stmt.c - statements, and the MAXACTION budget.
 *
 * The budget is charged as the bpf backend charges it (runtime.md 2),
 * so that both backends stop an endless loop at the same iteration: a
 * handler pays on entry for the statements of its longest path outside
 * loops (an if costs 1 plus its dearer branch, a loop 1), and each loop
 * iteration pays 1 plus its body's cost before its condition. */
#include "module-backend/emit_int.h"

#include <string.h>

int ec_static_cost(const struct stmt *s)
{
	int i, n = 0, t, e;

	if (!s)
		return 0;
	switch (s->kind) {
	case S_BLOCK:
		for (i = 0; i < s->stmts.n; i++)
			n += ec_static_cost(s->stmts.v[i]);
		return n;
	case S_NULL:
		return 0;
	case S_IF:
		t = ec_static_cost(s->body);
		e = ec_static_cost(s->else_body);
		return 1 + (t > e ? t : e);
	default:
		return 1;
	}
}

static void charge(struct ec *ec, int n, const struct token *tok)
{
	if (n <= 0)
		return;
	ec_line(ec, "if (sonde_charge(c, %d, %s))", n, ec_loc(ec, tok));
	ec_fail(ec);
}

static void body(struct ec *ec, const struct stmt *s)
{
	ec_indent(ec, 1);
	ec_stmt(ec, s);
	ec_indent(ec, -1);
}

static void stmt_if(struct ec *ec, const struct stmt *s)
{
	const char *cond = ec_long(ec, s->expr);

	ec_line(ec, "if (%s) {", cond);
	body(ec, s->body);
	if (s->else_body) {
		ec_line(ec, "} else {");
		body(ec, s->else_body);
	}
	ec_line(ec, "}");
}

/* A loop's body with loop innermost (break and continue go to it), then
 * the label continue jumps to if the body used it */
static void loop_body(struct ec *ec, struct loop *loop, const struct stmt *b)
{
	ec->loop = loop;
	ec_stmt(ec, b);
	ec->loop = loop->outer;
	if (loop->used_cont)
		ec_line(ec, "cont_%d: ;", loop->id);
}

/* for and while: the condition is evaluated inside the C loop, as it may
 * need statements */
static void stmt_for(struct ec *ec, const struct stmt *s)
{
	struct loop loop = { .id = ++ec->nlabels, .outer = ec->loop };
	const char *cond;

	if (s->init)
		ec_discard(ec, s->init);
	ec_line(ec, "for (;;) {");
	ec_indent(ec, 1);
	charge(ec, 1 + ec_static_cost(s->body), s->tok);
	if (s->expr) {
		cond = ec_long(ec, s->expr);
		ec_line(ec, "if (!%s)", cond);
		ec_line(ec, "\tbreak;");
	}
	loop_body(ec, &loop, s->body);
	if (s->incr)
		ec_discard(ec, s->incr);
	ec_indent(ec, -1);
	ec_line(ec, "}");
}

static int agg_index(const struct stmt *s)
{
	if (!s->has_sort_agg)
		return 0;
	switch (s->sort_agg) {
	case STAT_SUM: return 1;
	case STAT_MIN: return 2;
	case STAT_MAX: return 3;
	case STAT_AVG: return 4;
	default: return 0;
	}
}

/* foreach ([k1, k2] in arr [+-] limit N): the entries are sorted into
 * an order array in the frame, then visited */
static void stmt_foreach(struct ec *ec, const struct stmt *s)
{
	struct loop loop = { .id = ++ec->nlabels, .outer = ec->loop };
	const struct vardecl *arr = s->array->var;
	const char *order, *idx, *count, *lim = "-1", *m, *e;
	int col = 0, dir = 0, i;

	if (s->array->kind != E_SYMBOL || !arr || arr->arity <= 0 || s->has_slots) {
		ec_unsupported(ec, s->tok, "this form of foreach");
		return;
	}
	for (i = 0; i < s->keys.n; i++) {
		const struct foreach_key *k = s->keys.v[i];

		if (k->sort) {
			col = i + 1;
			dir = k->sort;
		}
	}
	if (s->value_sort) {
		col = 0;
		dir = s->value_sort;
	}
	if (s->limit)
		lim = ec_stable(ec, s->limit, ec_long(ec, s->limit));
	m = arena_printf(ec->arena, "g_%s", arr->name);
	order = ec_frame_member(ec, "unsigned %s[MAXMAPENTRIES]",
				arena_printf(ec->arena, "o%d", loop.id));
	if (arr->decl && arr->decl->size > 0)
		ec->fn->frame_extra.v[ec->fn->frame_extra.n - 1] =
			arena_printf(ec->arena, "unsigned o%d[%lld]", loop.id,
				     (long long)arr->decl->size);
	idx = ec_frame_member(ec, "int %s", arena_printf(ec->arena, "i%d", loop.id));
	count = ec_frame_member(ec, "int %s", arena_printf(ec->arena, "n%d", loop.id));
	ec_line(ec, "%s = sonde_map_sort(c, %s, %s, %d, %d, %d, %s);", count, m, order,
		col, dir, agg_index(s), lim);
	ec_line(ec, "for (%s = 0; %s < %s; %s++) {", idx, idx, count, idx);
	ec_indent(ec, 1);
	charge(ec, 1 + ec_static_cost(s->body), s->tok);
	e = arena_printf(ec->arena, "%s[%s]", order, idx);
	for (i = 0; i < s->keys.n; i++) {
		const struct foreach_key *k = s->keys.v[i];

		if (arr->index_types[i] == TYPE_STRING)
			ec_line(ec, "sonde_strcpy(%s, sonde_map_key_str(%s, %s, %d));",
				ec_var(ec, k->var), m, e, i);
		else
			ec_line(ec, "%s = sonde_map_key_long(%s, %s, %d);",
				ec_var(ec, k->var), m, e, i);
	}
	if (s->value_decl) {
		if (arr->type == TYPE_STRING)
			ec_line(ec, "sonde_strcpy(%s, sonde_map_value(%s, %s));",
				ec_var(ec, s->value_decl), m, e);
		else if (arr->type == TYPE_LONG)
			ec_line(ec, "%s = *(int64_t *)sonde_map_value(%s, %s);",
				ec_var(ec, s->value_decl), m, e);
	}
	loop_body(ec, &loop, s->body);
	ec_indent(ec, -1);
	ec_line(ec, "}");
}

static void stmt_jump(struct ec *ec, const struct stmt *s)
{
	if (s->kind == S_NEXT) {
		if (ec->fn->is_function) {
			ec_unsupported(ec, s->tok, "'next' in a function");
			return;
		}
		ec->fn->used_out = true;
		ec_line(ec, "goto out;");
		return;
	}
	if (!ec->loop) {
		diag_semantic_error(ec->d, s->tok, "cannot '%s' outside loop",
				    s->kind == S_BREAK ? "break" : "continue");
		ec->errors++;
		return;
	}
	if (s->kind == S_BREAK) {
		ec_line(ec, "break;");
		return;
	}
	ec->loop->used_cont = true;
	ec_line(ec, "goto cont_%d;", ec->loop->id);
}

static void stmt_return(struct ec *ec, const struct stmt *s)
{
	const struct function *fn = ec->fn->fn;
	const char *v;

	if (!fn) {
		ec_unsupported(ec, s->tok, "'return' outside a function");
		return;
	}
	if (s->expr) {
		v = ec_long(ec, s->expr);
		if (fn->ret == TYPE_STRING)
			ec_line(ec, "sonde_strcpy(l->__retvalue, %s);", v);
		else if (fn->ret == TYPE_LONG)
			ec_line(ec, "l->__retvalue = %s;", v);
	}
	ec->fn->used_out = true;
	ec_line(ec, "goto out;");
}

/* try { } catch (msg) { }: failures inside jump to the catch block */
static void stmt_try(struct ec *ec, const struct stmt *s)
{
	const char *saved = ec->err_label;
	bool saved_used = ec->err_used;
	int id = ++ec->ncatch;
	const char *label = arena_printf(ec->arena, "catch_%d", id);

	ec->err_label = label;
	ec->err_used = false;
	ec_line(ec, "{");
	body(ec, s->body);
	ec_line(ec, "}");
	ec_line(ec, "goto end_try_%d;", id);
	if (ec->err_used)
		ec_line(ec, "%s:", label);
	ec->err_label = saved;
	ec->err_used = saved_used;
	if (s->catch_decl)
		ec_line(ec, "sonde_strcpy(%s, c->error);", ec_var(ec, s->catch_decl));
	ec_line(ec, "c->error = NULL;");
	ec_line(ec, "c->error_loc = NULL;");
	ec_line(ec, "{");
	body(ec, s->catch_body);
	ec_line(ec, "}");
	ec_line(ec, "end_try_%d: ;", id);
}

static void stmt_delete(struct ec *ec, const struct stmt *s)
{
	const struct expr *e = s->expr;
	const struct vardecl *v = e->var;
	const char *k;

	if (!v) {
		ec_unsupported(ec, s->tok, "deleting this operand");
		return;
	}
	if (e->kind == E_INDEX) {
		k = ec_key(ec, v, &e->args);
		ec_line(ec, "sonde_map_delete(g_%s, &%s);", v->name, k);
	} else if (v->arity > 0) {
		ec_line(ec, "sonde_map_clear(g_%s);", v->name);
	} else if (v->type == TYPE_STATS) {
		ec_line(ec, "stat_clear(&g_%s_desc, g_%s);", v->name, v->name);
	} else if (v->type == TYPE_STRING) {
		ec_line(ec, "%s[0] = '\\0';", ec_var(ec, v));
	} else {
		ec_line(ec, "%s = 0;", ec_var(ec, v));
	}
}

void ec_stmt(struct ec *ec, const struct stmt *s)
{
	int i;

	if (!s)
		return;
	/* string temporaries live for one statement */
	if (s->kind != S_BLOCK) {
		ec->fn->nstr = 0;
		ec->fn->nkey = 0;
	}
	switch (s->kind) {
	case S_BLOCK:
		for (i = 0; i < s->stmts.n; i++)
			ec_stmt(ec, s->stmts.v[i]);
		break;
	case S_NULL:
		break;
	case S_EXPR:
		ec_discard(ec, s->expr);
		break;
	case S_IF:
		stmt_if(ec, s);
		break;
	case S_FOR:
		stmt_for(ec, s);
		break;
	case S_FOREACH:
		stmt_foreach(ec, s);
		break;
	case S_NEXT:
	case S_BREAK:
	case S_CONTINUE:
		stmt_jump(ec, s);
		break;
	case S_RETURN:
		stmt_return(ec, s);
		break;
	case S_TRY:
		stmt_try(ec, s);
		break;
	case S_DELETE:
		stmt_delete(ec, s);
		break;
	}
}
