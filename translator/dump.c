/* The -p1 parse tree dump in SystemTap's layout (spec/language.md §6):
 * fully parenthesised expressions, blocks unindented, items grouped by
 * kind. */
#include "translator/dump.h"

#include <ctype.h>
#include <inttypes.h>
#include <string.h>

#include "translator/strlit.h"

struct dumper {
	FILE *out;
	int flags;
};

static void dump_expr(struct dumper *d, const struct expr *e);
static void dump_stmt(struct dumper *d, const struct stmt *s);

static void dump_list(struct dumper *d, const struct ptrvec *v, const char *sep)
{
	for (int i = 0; i < v->n; i++) {
		if (i)
			fputs(sep, d->out);
		dump_expr(d, v->v[i]);
	}
}

static void dump_paren(struct dumper *d, const struct expr *e)
{
	fputc('(', d->out);
	dump_expr(d, e);
	fputc(')', d->out);
}

static void dump_quoted(struct dumper *d, const char *s)
{
	strlit_print_c(d->out, s, strlen(s));
}

static const char *stat_names[] = { "@count", "@sum", "@min", "@max", "@avg",
				    "@variance" };

static void dump_histogram(struct dumper *d, const struct expr *e)
{
	fputs(e->hist == HIST_LOG ? "@hist_log(" : "@hist_linear(", d->out);
	dump_expr(d, e->left);
	if (e->hist == HIST_LINEAR)
		fprintf(d->out, ", %" PRId64 ", %" PRId64 ", %" PRId64, e->hist_params[0],
			e->hist_params[1], e->hist_params[2]);
	fputc(')', d->out);
}

static void dump_target(struct dumper *d, const struct target *t)
{
	if (t->addressof)
		fputc('&', d->out);
	switch (t->base) {
	case TB_DOLLAR:
		fputs(t->name, d->out);
		break;
	case TB_CAST:
	case TB_ATVAR:
		/* @cast(E, "type"[, "module"]) and @var("name"[, "module"]) */
		fputs(t->base == TB_CAST ? "@cast(" : "@var(", d->out);
		if (t->base == TB_CAST) {
			dump_expr(d, t->operand);
			fputs(", ", d->out);
		}
		dump_quoted(d, t->name);
		if (t->module) {
			fputs(", ", d->out);
			dump_quoted(d, t->module);
		}
		fputc(')', d->out);
		break;
	case TB_AUTOCAST:
		dump_paren(d, t->operand);
		break;
	}
	for (int i = 0; i < t->comps.n; i++) {
		const struct target_comp *c = t->comps.v[i];

		if (c->kind == COMP_MEMBER) {
			fprintf(d->out, "->%s", c->member);
		} else {
			fputc('[', d->out);
			dump_expr(d, c->index);
			fputc(']', d->out);
		}
	}
	if (t->pretty)
		fputs(t->pretty == 1 ? "->$" : "->$$", d->out);
}

static void dump_print(struct dumper *d, const struct expr *e)
{
	fprintf(d->out, "%s(", e->name);
	if (e->print_fmt || e->print_delim) {
		if (d->flags & DUMP_RAW_FORMATS) {
			strlit_print_raw(d->out, e->str, e->str_len);
		} else {
			strlit_print_c(d->out, e->str, e->str_len);
		}
		if (e->args.n)
			fputs(", ", d->out);
	}
	dump_list(d, &e->args, ", ");
	fputc(')', d->out);
}

static void dump_in(struct dumper *d, const struct expr *e)
{
	fputc('[', d->out);
	dump_list(d, &e->args, ", ");
	fputs("] in ", d->out);
	dump_expr(d, e->base);
}

static void dump_at_call(struct dumper *d, const struct expr *e)
{
	fprintf(d->out, "%s(", e->name);
	switch (e->kind) {
	case E_REGISTER:
		fprintf(d->out, "%" PRId64, e->num);
		break;
	case E_DEREF:
		fprintf(d->out, "%" PRId64 ", ", e->num);
		dump_expr(d, e->left);
		break;
	case E_ENUMNAME:
		dump_expr(d, e->left);
		if (e->right) {
			fputs(", ", d->out);
			dump_expr(d, e->right);
		}
		if (e->third) {
			fputs(", ", d->out);
			dump_expr(d, e->third);
		}
		break;
	default:
		dump_expr(d, e->left);
	}
	fputc(')', d->out);
}

/* Embedded code as written; canonically without the surrounding blanks
 * that the -p1 layout adds on every printing. */
static void dump_code(struct dumper *d, const char *code, size_t len)
{
	if (d->flags & DUMP_CANONICAL) {
		while (len && isspace((unsigned char)*code)) {
			code++;
			len--;
		}
		while (len && isspace((unsigned char)code[len - 1]))
			len--;
	}
	fwrite(code, 1, len, d->out);
}

/* -(-(5)) as the literal it evaluates to, with wrapping */
static bool fold_negation(const struct expr *e, int64_t *v)
{
	if (e->kind == E_NUMBER) {
		*v = e->num;
		return true;
	}
	if (e->kind != E_UNARY || e->op[0] != '-' || !fold_negation(e->left, v))
		return false;
	*v = (int64_t)(0 - (uint64_t)*v);
	return true;
}

static void dump_expr(struct dumper *d, const struct expr *e)
{
	FILE *out = d->out;
	int64_t folded;

	if ((d->flags & DUMP_CANONICAL) && fold_negation(e, &folded)) {
		fprintf(out, "%" PRId64, folded);
		return;
	}
	switch (e->kind) {
	case E_NUMBER:
		fprintf(out, "%" PRId64, e->num);
		break;
	case E_STRING:
		strlit_print_raw(out, e->str, e->str_len);
		break;
	case E_SYMBOL:
		fputs(e->name, out);
		break;
	case E_WILDCARD:
		fputc('*', out);
		break;
	case E_INDEX:
		fprintf(out, "%s[", e->name);
		dump_list(d, &e->args, ", ");
		fputc(']', out);
		break;
	case E_CALL:
		fprintf(out, "%s(", e->name);
		dump_list(d, &e->args, ", ");
		fputc(')', out);
		break;
	case E_PRINT:
		dump_print(d, e);
		break;
	case E_BINARY:
	case E_COMPARE:
	case E_LOGICAL:
	case E_ASSIGN:
		dump_paren(d, e->left);
		fprintf(out, " %s ", e->op);
		dump_paren(d, e->right);
		break;
	case E_REGEX:
		dump_paren(d, e->left);
		fprintf(out, " %s ", e->op);
		dump_expr(d, e->right);
		break;
	case E_UNARY:
	case E_PREINC:
		fputs(e->op, out);
		dump_paren(d, e->left);
		break;
	case E_POSTINC:
		dump_paren(d, e->left);
		fputs(e->op, out);
		break;
	case E_TERNARY:
		dump_paren(d, e->left);
		fputc('?', out);
		dump_paren(d, e->right);
		fputc(':', out);
		dump_paren(d, e->third);
		break;
	case E_CONCAT:
		fputc('(', out);
		dump_list(d, &e->args, " . ");
		fputc(')', out);
		break;
	case E_IN:
		dump_in(d, e);
		break;
	case E_STATOP:
		fprintf(out, "%s(", stat_names[e->stat]);
		dump_expr(d, e->left);
		if (e->has_num)
			fprintf(out, ", %" PRId64, e->num);
		fputc(')', out);
		break;
	case E_HISTOGRAM:
		dump_histogram(d, e);
		break;
	case E_HISTINDEX:
		dump_histogram(d, e->base);
		fputc('[', out);
		dump_expr(d, e->left);
		fputc(']', out);
		break;
	case E_EMBEDDED:
		fputs("%{ ", out);
		dump_code(d, e->str, e->str_len);
		fputs(" %}", out);
		break;
	case E_TARGET:
		dump_target(d, e->target);
		break;
	case E_PROBEWRITE:
	case E_DEFINED:
	case E_ENTRY:
	case E_PERF:
	case E_CONST:
	case E_ENUM:
	case E_ENUMNAME:
	case E_REGISTER:
	case E_DEREF:
		dump_at_call(d, e);
		break;
	}
}

/* The only statement of a block, ignoring null statements, or NULL. */
static const struct stmt *sole_statement(const struct stmt *b)
{
	const struct stmt *only = NULL;

	for (int i = 0; i < b->stmts.n; i++) {
		const struct stmt *s = b->stmts.v[i];

		if (s->kind == S_NULL)
			continue;
		if (only)
			return NULL;
		only = s;
	}
	return only;
}

static void dump_block(struct dumper *d, const struct stmt *b)
{
	/* -p1 wraps try/catch blocks in another block; canonically a block
	 * holding just a block is that block */
	if (d->flags & DUMP_CANONICAL) {
		const struct stmt *inner;

		while ((inner = sole_statement(b)) && inner->kind == S_BLOCK)
			b = inner;
	}
	fputs("{\n", d->out);
	for (int i = 0; i < b->stmts.n; i++) {
		const struct stmt *s = b->stmts.v[i];

		if ((d->flags & DUMP_CANONICAL) && s->kind == S_NULL)
			continue;
		dump_stmt(d, s);
		fputs(";\n", d->out);
	}
	fputc('}', d->out);
}

static void dump_foreach(struct dumper *d, const struct stmt *s)
{
	FILE *out = d->out;

	fputs("foreach (", out);
	if (s->value_var)
		fprintf(out, "%s = ", s->value_var->text);
	fputc('[', out);
	for (int i = 0; i < s->keys.n; i++) {
		const struct foreach_key *k = s->keys.v[i];

		fprintf(out, "%s%s%s", i ? ", " : "", k->name,
			k->sort > 0 ? "+" : k->sort < 0 ? "-" : "");
	}
	fputs("] in ", out);
	dump_expr(d, s->array);
	if (s->has_slots) {
		fputc('[', out);
		dump_list(d, &s->slots, ", ");
		fputc(']', out);
	}
	if (s->has_sort_agg && s->sort_agg != STAT_VARIANCE)
		fprintf(out, " %s", stat_names[s->sort_agg]);
	if (s->value_sort)
		fputc(s->value_sort > 0 ? '+' : '-', out);
	if (s->limit) {
		fputs(" limit ", out);
		dump_expr(d, s->limit);
	}
	fputs(") ", out);
	dump_stmt(d, s->body);
}

static void dump_stmt(struct dumper *d, const struct stmt *s)
{
	FILE *out = d->out;

	switch (s->kind) {
	case S_BLOCK:
		dump_block(d, s);
		break;
	case S_EXPR:
		dump_expr(d, s->expr);
		break;
	case S_NULL:
		fputc(';', out);
		break;
	case S_IF:
		fputs("if (", out);
		dump_expr(d, s->expr);
		fputs(") ", out);
		dump_stmt(d, s->body);
		fputc('\n', out);
		if (s->else_body) {
			fputs("else ", out);
			dump_stmt(d, s->else_body);
			fputc('\n', out);
		}
		break;
	case S_FOR:
		fputs("for (", out);
		if (s->init)
			dump_expr(d, s->init);
		fputs("; ", out);
		if (s->expr)
			dump_expr(d, s->expr);
		else
			fputc('1', out);
		fputs("; ", out);
		if (s->incr)
			dump_expr(d, s->incr);
		fputs(") ", out);
		dump_stmt(d, s->body);
		break;
	case S_FOREACH:
		dump_foreach(d, s);
		break;
	case S_TRY:
		fputs("try {\n", out);
		dump_stmt(d, s->body);
		fputs("\n} catch ", out);
		if (s->catch_var)
			fprintf(out, "(%s) ", s->catch_var->text);
		fputs("{\n", out);
		dump_stmt(d, s->catch_body);
		fputs("\n}\n", out);
		break;
	case S_RETURN:
		fputs("return", out);
		if (s->expr) {
			fputc(' ', out);
			dump_expr(d, s->expr);
		}
		break;
	case S_DELETE:
		fputs("delete ", out);
		dump_expr(d, s->expr);
		break;
	case S_NEXT:
		fputs("next", out);
		break;
	case S_BREAK:
		fputs("break", out);
		break;
	case S_CONTINUE:
		fputs("continue", out);
		break;
	}
}

static void dump_literal(struct dumper *d, const struct expr *e)
{
	dump_expr(d, e);
}

void dump_probe_point(FILE *out, const struct probe_point *pp)
{
	struct dumper d = { out, DUMP_P1 };

	for (int i = 0; i < pp->comps.n; i++) {
		const struct probe_comp *c = pp->comps.v[i];

		if (i)
			fputc('.', out);
		fputs(c->name, out);
		if (c->arg) {
			fputc('(', out);
			dump_literal(&d, c->arg);
			fputc(')', out);
		}
	}
	if (pp->sufficient)
		fputc('!', out);
	else if (pp->optional)
		fputc('?', out);
	if (pp->cond) {
		fputs(" if (", out);
		dump_expr(&d, pp->cond);
		fputc(')', out);
	}
}

void dump_points(FILE *out, const struct ptrvec *v, const char *sep)
{
	for (int i = 0; i < v->n; i++) {
		if (i)
			fputs(sep, out);
		dump_probe_point(out, v->v[i]);
	}
}

static void dump_global(struct dumper *d, const struct global *g)
{
	fprintf(d->out, "global %s%s", g->name, g->wrap ? "%" : "");
	if (g->is_array)
		fprintf(d->out, "[%" PRId64 "]", g->size);
	if (g->init) {
		fputs(" = ", d->out);
		dump_literal(d, g->init);
	}
	fputc('\n', d->out);
}

static void dump_function(struct dumper *d, const struct function *f)
{
	fprintf(d->out, "function %s (", f->name);
	for (int i = 0; i < f->params.n; i++)
		fprintf(d->out, "%s%s", i ? ", " : "",
			((const struct param *)f->params.v[i])->name);
	fputs(")\n", d->out);
	if (f->embedded) {
		fputs("%{", d->out);
		fwrite(f->embedded->text, 1, f->embedded->len, d->out);
		fputs("%}", d->out);
	} else {
		dump_block(d, f->body);
	}
	fputc('\n', d->out);
}

void dump_file(FILE *out, const struct stapfile *f, int flags)
{
	struct dumper d = { out, flags };

	fprintf(out, "# file %s\n", f->src->name);
	for (int i = 0; i < f->embeds.n; i++) {
		const struct token *t = f->embeds.v[i];

		fputs("%{", out);
		fwrite(t->text, 1, t->len, out);
		fputs("%}", out);
	}
	for (int i = 0; i < f->globals.n; i++)
		dump_global(&d, f->globals.v[i]);
	for (int i = 0; i < f->aliases.n; i++) {
		const struct probe *a = f->aliases.v[i];

		fputs("probe ", out);
		dump_points(out, &a->alias_names, " = ");
		fputs(a->epilogue ? " += " : " = ", out);
		dump_points(out, &a->points, ", ");
		dump_block(&d, a->body);
		fputc('\n', out);
	}
	for (int i = 0; i < f->probes.n; i++) {
		const struct probe *p = f->probes.v[i];

		fputs("probe ", out);
		dump_points(out, &p->points, ",");
		dump_block(&d, p->body);
		fputc('\n', out);
	}
	for (int i = 0; i < f->functions.n; i++)
		dump_function(&d, f->functions.v[i]);
}
