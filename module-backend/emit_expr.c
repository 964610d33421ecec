/* emit_expr.c - expressions: the value texts and the statements they
 * need (see emit_int.h for the value discipline). */
#include "module-backend/emit_int.h"

#include <stdlib.h>
#include <string.h>

#include "translator/strlit.h"

static const char *value(struct ec *ec, const struct expr *e);

bool ec_impure(const struct expr *e)
{
	int i;

	if (!e)
		return false;
	switch (e->kind) {
	case E_ASSIGN: case E_PREINC: case E_POSTINC: case E_CALL:
	case E_PRINT: case E_EMBEDDED:
		return true;
	default:
		break;
	}
	if (ec_impure(e->left) || ec_impure(e->right) || ec_impure(e->third) ||
	    ec_impure(e->base))
		return true;
	for (i = 0; i < e->args.n; i++)
		if (ec_impure(e->args.v[i]))
			return true;
	return false;
}

/* literals and temporaries keep their value */
static bool is_stable(const char *t)
{
	if (t[0] == '"' || (t[0] >= '0' && t[0] <= '9') || t[0] == '-' || t[0] == '(')
		return t[0] != '(' || !strncmp(t, "(-9223372036854775807LL", 23);
	if (t[0] == 't' && t[1] >= '0' && t[1] <= '9')
		return true;
	return !strncmp(t, "l->s", 4) && t[4] >= '0' && t[4] <= '9';
}

const char *ec_stable(struct ec *ec, const struct expr *e, const char *text)
{
	const char *t;

	if (is_stable(text))
		return text;
	if (e->type == TYPE_STRING) {
		t = ec_str_tmp(ec);
		ec_line(ec, "sonde_strcpy(%s, %s);", t, text);
	} else {
		t = ec_long_tmp(ec);
		ec_line(ec, "%s = %s;", t, text);
	}
	return t;
}

/* Evaluate a list left to right; a value a later item could change is
 * copied first */
static void values(struct ec *ec, const struct ptrvec *args, const char **out)
{
	int i, j;

	for (i = 0; i < args->n; i++) {
		const struct expr *a = args->v[i];

		out[i] = value(ec, a);
		for (j = i + 1; j < args->n; j++)
			if (ec_impure(args->v[j])) {
				out[i] = ec_stable(ec, a, out[i]);
				break;
			}
	}
}

const char *ec_long(struct ec *ec, const struct expr *e)
{
	return value(ec, e);
}

const char *ec_str(struct ec *ec, const struct expr *e)
{
	return value(ec, e);
}

void ec_discard(struct ec *ec, const struct expr *e)
{
	value(ec, e);
}

/* ---- statements captured for a conditional branch --------------------- */

struct capture {
	FILE *saved;
	char *buf;
	size_t len;
};

static void capture_begin(struct ec *ec, struct capture *cap)
{
	cap->saved = ec->fn->f;
	ec->fn->f = open_memstream(&cap->buf, &cap->len);
	ec->fn->indent++;
}

static void capture_end(struct ec *ec, struct capture *cap)
{
	fclose(ec->fn->f);
	ec->fn->f = cap->saved;
	ec->fn->indent--;
}

static void capture_put(struct ec *ec, struct capture *cap)
{
	fwrite(cap->buf, 1, cap->len, ec->fn->f);
	free(cap->buf);
}

/* ---- leaves -------------------------------------------------------------- */

static const char *number(struct ec *ec, int64_t n)
{
	if (n == INT64_MIN)
		return "(-9223372036854775807LL - 1)";
	return arena_printf(ec->arena, "%lldLL", (long long)n);
}

static const char *string_lit(struct ec *ec, const struct expr *e)
{
	size_t n;
	const char *s = strlit_decode(ec->arena, e->str, e->str_len, &n);
	const char *nul = memchr(s, 0, n);

	if (nul)
		n = nul - s;
	if (n > (size_t)ec->o->maxstringlen - 1)
		n = ec->o->maxstringlen - 1;
	return ec_cstr(ec, s, n);
}

/* ---- arrays ----------------------------------------------------------------- */

const char *ec_key(struct ec *ec, const struct vardecl *arr, const struct ptrvec *args)
{
	const char *texts[16];
	const char *k;
	int i;

	if (args->n > 9 || args->n > 16) {
		ec_unsupported(ec, arr->tok, "an index of more than 9 keys");
		return "k0";
	}
	values(ec, args, texts);
	k = ec_key_tmp(ec);
	for (i = 0; i < args->n; i++) {
		const struct expr *a = args->v[i];

		if (a->kind == E_WILDCARD) {
			ec_unsupported(ec, a->tok, "a '*' index");
			continue;
		}
		if (a->type == TYPE_STRING)
			ec_line(ec, "%s.s[%d] = %s;", k, i, texts[i]);
		else
			ec_line(ec, "%s.l[%d] = %s;", k, i, texts[i]);
	}
	return k;
}

static const char *map_of(struct ec *ec, const struct vardecl *v)
{
	return arena_printf(ec->arena, "g_%s", v->name);
}

/* &value of arr[args], inserted when absent; fails on a full array */
static const char *index_insert(struct ec *ec, const struct expr *e)
{
	const char *k = ec_key(ec, e->var, &e->args);
	const char *v = ec_valp_tmp(ec);

	ec_line(ec, "%s = sonde_map_insert(c, %s, &%s, %s);", v, map_of(ec, e->var), k,
		ec_loc(ec, e->tok));
	ec_line(ec, "if (!%s)", v);
	ec_fail(ec);
	return v;
}

static const char *index_read(struct ec *ec, const struct expr *e)
{
	const char *k = ec_key(ec, e->var, &e->args);
	const char *v = ec_valp_tmp(ec), *t;

	ec_line(ec, "%s = sonde_map_lookup(%s, &%s);", v, map_of(ec, e->var), k);
	if (e->type == TYPE_STRING) {
		t = ec_str_tmp(ec);
		ec_line(ec, "sonde_strcpy(%s, %s ? (const char *)%s : \"\");", t, v, v);
	} else {
		t = ec_long_tmp(ec);
		ec_line(ec, "%s = %s ? *(int64_t *)%s : 0;", t, v, v);
	}
	return t;
}

static const char *in_array(struct ec *ec, const struct expr *e)
{
	const char *k, *t;

	if (e->base->kind != E_SYMBOL || !e->base->var) {
		ec_unsupported(ec, e->tok, "'in' on this operand");
		return "0";
	}
	k = ec_key(ec, e->base->var, &e->args);
	t = ec_long_tmp(ec);
	ec_line(ec, "%s = sonde_map_lookup(%s, &%s) != NULL;", t, map_of(ec, e->base->var), k);
	return t;
}

/* ---- arithmetic -------------------------------------------------------------- */

/* y != 0 or "division by 0" at tok */
static void check_divisor(struct ec *ec, const char *y, const struct token *tok)
{
	if (y[0] >= '1' && y[0] <= '9')
		return;
	ec_line(ec, "if (%s == 0) {", y);
	ec_line(ec, "\tsonde_error(c, \"division by 0\", %s);", ec_loc(ec, tok));
	ec_fail(ec);
	ec_line(ec, "}");
}

/* x OP y for a binary or compound-assignment operator ("+", "<<", ...);
 * err_tok names the place a division by zero is reported */
static const char *arith(struct ec *ec, const char *op, const char *x, const char *y,
			 const struct token *err_tok)
{
	if (!strcmp(op, "/") || !strcmp(op, "%")) {
		check_divisor(ec, y, err_tok);
		return arena_printf(ec->arena, "sonde_%s(%s, %s)", op[0] == '/' ? "div" : "mod",
				    x, y);
	}
	if (!strcmp(op, "<<"))
		return arena_printf(ec->arena, "sonde_shl(%s, %s)", x, y);
	if (!strcmp(op, ">>"))
		return arena_printf(ec->arena, "sonde_shr(%s, %s)", x, y);
	if (!strcmp(op, ">>>"))
		return arena_printf(ec->arena, "sonde_ushr(%s, %s)", x, y);
	if (!strcmp(op, "+"))
		return arena_printf(ec->arena, "sonde_add(%s, %s)", x, y);
	if (!strcmp(op, "-"))
		return arena_printf(ec->arena, "sonde_sub(%s, %s)", x, y);
	if (!strcmp(op, "*"))
		return arena_printf(ec->arena, "sonde_mul(%s, %s)", x, y);
	return arena_printf(ec->arena, "(%s %s %s)", x, op, y);
}

static const char *binary(struct ec *ec, const struct expr *e)
{
	const char *x = value(ec, e->left), *y, *r, *t;

	if (ec_impure(e->right))
		x = ec_stable(ec, e->left, x);
	y = value(ec, e->right);
	if (!strcmp(e->op, "/") || !strcmp(e->op, "%")) {
		y = ec_stable(ec, e->right, y);
		r = arith(ec, e->op, x, y, e->tok);
		t = ec_long_tmp(ec);
		ec_line(ec, "%s = %s;", t, r);
		return t;
	}
	return arith(ec, e->op, x, y, e->tok);
}

static const char *compare(struct ec *ec, const struct expr *e)
{
	const char *x = value(ec, e->left), *y;

	if (ec_impure(e->right))
		x = ec_stable(ec, e->left, x);
	y = value(ec, e->right);
	if (e->left->type == TYPE_STRING)
		return arena_printf(ec->arena, "(int64_t)(sonde_strcmp(%s, %s) %s 0)", x, y,
				    e->op);
	return arena_printf(ec->arena, "(int64_t)(%s %s %s)", x, e->op, y);
}

static const char *logical(struct ec *ec, const struct expr *e)
{
	bool and = !strcmp(e->op, "&&");
	const char *x = value(ec, e->left), *y, *t;
	struct capture cap;

	capture_begin(ec, &cap);
	y = value(ec, e->right);
	capture_end(ec, &cap);
	if (!cap.len) {
		free(cap.buf);
		return arena_printf(ec->arena, "(int64_t)(%s %s %s)", x, e->op, y);
	}
	t = ec_long_tmp(ec);
	ec_line(ec, "%s = %d;", t, and ? 0 : 1);
	ec_line(ec, "if (%s%s%s) {", and ? "" : "!(", x, and ? "" : ")");
	capture_put(ec, &cap);
	ec_line(ec, "\t%s = %s != 0;", t, y);
	ec_line(ec, "}");
	return t;
}

static const char *ternary(struct ec *ec, const struct expr *e)
{
	const char *cond = value(ec, e->left), *a, *b, *t;
	struct capture ca, cb;
	bool str = e->type == TYPE_STRING;

	capture_begin(ec, &ca);
	a = value(ec, e->right);
	capture_end(ec, &ca);
	capture_begin(ec, &cb);
	b = value(ec, e->third);
	capture_end(ec, &cb);
	if (!ca.len && !cb.len) {
		free(ca.buf);
		free(cb.buf);
		return arena_printf(ec->arena, "(%s ? %s : %s)", cond, a, b);
	}
	t = str ? ec_str_tmp(ec) : ec_long_tmp(ec);
	ec_line(ec, "if (%s) {", cond);
	capture_put(ec, &ca);
	ec_line(ec, str ? "\tsonde_strcpy(%s, %s);" : "\t%s = %s;", t, a);
	ec_line(ec, "} else {");
	capture_put(ec, &cb);
	ec_line(ec, str ? "\tsonde_strcpy(%s, %s);" : "\t%s = %s;", t, b);
	ec_line(ec, "}");
	return t;
}

static const char *unary(struct ec *ec, const struct expr *e)
{
	const char *x = value(ec, e->left);

	switch (e->op[0]) {
	case '-':
		return arena_printf(ec->arena, "sonde_neg(%s)", x);
	case '!':
		return arena_printf(ec->arena, "(int64_t)!%s", x);
	case '~':
		return arena_printf(ec->arena, "(~%s)", x);
	default:
		return x;
	}
}

static const char *concat(struct ec *ec, const struct expr *e)
{
	const char **texts = arena_alloc(ec->arena, e->args.n * sizeof(*texts));
	const char *t;
	int i;

	values(ec, &e->args, texts);
	t = ec_str_tmp(ec);
	ec_line(ec, "sonde_strcpy(%s, %s);", t, texts[0]);
	for (i = 1; i < e->args.n; i++)
		ec_line(ec, "sonde_strcat(%s, %s);", t, texts[i]);
	return t;
}

/* ---- assignment -------------------------------------------------------------- */

/* the operator of a compound assignment: "+=" -> "+", "=" -> "" */
static const char *base_op(struct ec *ec, const char *op)
{
	size_t n = strlen(op);

	return arena_strndup(ec->arena, op, n - 1);
}

static const char *assign_long(struct ec *ec, const struct expr *e, const char *lv,
			       const char *rhs)
{
	const char *op = base_op(ec, e->op);

	if (!*op) {
		ec_line(ec, "%s = %s;", lv, rhs);
		return lv;
	}
	rhs = ec_stable(ec, e->right, rhs);
	ec_line(ec, "%s = %s;", lv, arith(ec, op, lv, rhs, e->right->tok));
	return lv;
}

static const char *assign_str(struct ec *ec, const struct expr *e, const char *lv,
			      const char *rhs)
{
	if (!strcmp(e->op, ".="))
		ec_line(ec, "sonde_strcat(%s, %s);", lv, rhs);
	else
		ec_line(ec, "sonde_strcpy(%s, %s);", lv, rhs);
	return lv;
}

static const char *assign(struct ec *ec, const struct expr *e)
{
	const struct expr *l = e->left;
	const char *lv, *rhs, *v, *t;

	if (!strcmp(e->op, "<<<")) {
		rhs = value(ec, e->right);
		ec_stat_add(ec, l, rhs);
		return "0";
	}
	if (l->kind == E_SYMBOL && l->var) {
		rhs = value(ec, e->right);
		lv = ec_var(ec, l->var);
		return e->type == TYPE_STRING || l->var->type == TYPE_STRING
			? assign_str(ec, e, lv, rhs) : assign_long(ec, e, lv, rhs);
	}
	if (l->kind == E_INDEX && l->var) {
		rhs = value(ec, e->right);
		rhs = ec_stable(ec, e->right, rhs);
		v = index_insert(ec, l);
		if (l->var->type == TYPE_STRING) {
			lv = arena_printf(ec->arena, "(char *)%s", v);
			assign_str(ec, e, lv, rhs);
			t = ec_str_tmp(ec);
			ec_line(ec, "sonde_strcpy(%s, %s);", t, lv);
			return t;
		}
		lv = arena_printf(ec->arena, "*(int64_t *)%s", v);
		assign_long(ec, e, lv, rhs);
		t = ec_long_tmp(ec);
		ec_line(ec, "%s = %s;", t, lv);
		return t;
	}
	ec_unsupported(ec, e->tok, "assigning to this operand");
	return "0";
}

static const char *crement(struct ec *ec, const struct expr *e)
{
	const struct expr *l = e->left;
	const char *lv, *t = ec_long_tmp(ec);
	bool pre = e->kind == E_PREINC;
	const char *op = e->op[0] == '+' ? "+" : "-";

	if (l->kind == E_SYMBOL && l->var) {
		lv = ec_var(ec, l->var);
	} else if (l->kind == E_INDEX && l->var) {
		lv = arena_printf(ec->arena, "*(int64_t *)%s", index_insert(ec, l));
	} else {
		ec_unsupported(ec, e->tok, "incrementing this operand");
		return "0";
	}
	if (!pre)
		ec_line(ec, "%s = %s;", t, lv);
	ec_line(ec, "%s = sonde_%s(%s, 1);", lv, op[0] == '+' ? "add" : "sub", lv);
	if (pre)
		ec_line(ec, "%s = %s;", t, lv);
	return t;
}

/* %{ code %} as an expression (guru mode) */
static const char *embedded_expr(struct ec *ec, const struct expr *e)
{
	const char *code = e->str;
	size_t n = e->str_len ? e->str_len : strlen(code);
	const char *t;

	if (n >= 2 && !strncmp(code + n - 2, "%}", 2))
		n -= 2;
	if (e->type == TYPE_STRING) {
		t = ec_str_tmp(ec);
		ec_line(ec, "sonde_strcpy(%s, (%.*s));", t, (int)n, code);
	} else {
		t = ec_long_tmp(ec);
		ec_line(ec, "%s = (int64_t)(%.*s);", t, (int)n, code);
	}
	return t;
}

/* @entry(expr) in a .return probe: the value its entry part saved */
static const char *entry_value(struct ec *ec, const struct expr *e)
{
	int i;

	for (i = 0; i < ec->entries.n; i++)
		if (ec->entries.v[i] == e)
			return arena_printf(ec->arena, "c->entry[%d]", i);
	ec_unsupported(ec, e->tok, "@entry here");
	return "0";
}

static const char *construct(const struct expr *e)
{
	switch (e->kind) {
	case E_REGEX: return "regular expression matching";
	case E_TARGET: return "a context variable";
	case E_PERF: return "@perf";
	case E_REGISTER: return "register access";
	case E_DEREF: return "@kderef/@uderef";
	case E_HISTOGRAM: return "a histogram outside print";
	case E_HISTINDEX: return "histogram indexing";
	default: return "this expression";
	}
}

static const char *value(struct ec *ec, const struct expr *e)
{
	switch (e->kind) {
	case E_NUMBER:
		return number(ec, e->num);
	case E_STRING:
		return string_lit(ec, e);
	case E_SYMBOL:
		if (!e->var || e->var->type == TYPE_STATS || e->var->arity > 0) {
			ec_unsupported(ec, e->tok, "using an array or statistic as a value");
			return "0";
		}
		return ec_var(ec, e->var);
	case E_INDEX:
		return index_read(ec, e);
	case E_BINARY:
		return binary(ec, e);
	case E_COMPARE:
		return compare(ec, e);
	case E_LOGICAL:
		return logical(ec, e);
	case E_UNARY:
		return unary(ec, e);
	case E_TERNARY:
		return ternary(ec, e);
	case E_CONCAT:
		return concat(ec, e);
	case E_ASSIGN:
		return assign(ec, e);
	case E_PREINC:
	case E_POSTINC:
		return crement(ec, e);
	case E_IN:
		return in_array(ec, e);
	case E_CALL:
		return ec_call(ec, e);
	case E_PRINT:
		return ec_print(ec, e);
	case E_STATOP:
		return ec_stat_op(ec, e);
	case E_EMBEDDED:
		return embedded_expr(ec, e);
	case E_TARGET:
		return ec_target(ec, e);
	case E_ENTRY:
		return entry_value(ec, e);
	default:
		ec_unsupported(ec, e->tok, construct(e));
		return e->type == TYPE_STRING ? "\"\"" : "0";
	}
}
