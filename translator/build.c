/* Tree building for the grammar actions of parser.y, with the checks
 * SystemTap makes while parsing (spec/language.md §1.3, §1.6, §3). */
#include "translator/build.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "translator/strlit.h"
#include "runtime/format.h"

/* ---- helpers ---- */

struct ptrvec *build_vec(struct parser *P, void *first)
{
	struct ptrvec *v = arena_alloc(P->arena, sizeof(*v));

	if (first)
		ptrvec_push(P->arena, v, first);
	return v;
}

struct ptrvec *build_vec_push(struct parser *P, struct ptrvec *v, void *item)
{
	ptrvec_push(P->arena, v, item);
	return v;
}

/* Upstream stops a top-level item at its first error and resumes at the
 * next 'probe', 'global', 'function' or embedded block (or, for a few
 * errors, right at the next token).  Record the first error; the parser
 * then abandons the item (see yylex in parser.y and parse.c). */
static void parse_error(struct parser *P, enum diag_form form, enum abort_mode mode,
			const struct token *t, const char *msg)
{
	if (P->abort_mode != ABORT_NONE)
		return;
	diag_parse_error(P->diags, form, t, "%s", msg);
	P->abort_mode = mode;
}

void build_error_at(struct parser *P, const struct token *t, const char *msg)
{
	parse_error(P, FORM_AT, ABORT_SKIP, t, msg);
}

void build_error_saw(struct parser *P, const struct token *t, const char *msg)
{
	parse_error(P, FORM_SAW, ABORT_SKIP, t, msg);
}

/* Errors after which upstream resumes at the very next token. */
void build_error_noskip(struct parser *P, const struct token *t,
			       const char *msg)
{
	parse_error(P, FORM_SAW, ABORT_NOSKIP, t, msg);
}

static struct expr *new_expr(struct parser *P, enum expr_kind kind,
			     const struct token *t)
{
	struct expr *e = arena_alloc(P->arena, sizeof(*e));

	e->kind = kind;
	e->tok = t;
	return e;
}

/* A histogram is a value only to print it, index it, or iterate it. */
static struct expr *value(struct parser *P, struct expr *e)
{
	if (e && e->kind == E_HISTOGRAM)
		build_error_at(P, e->tok, "base histogram operator where expression expected");
	return e;
}

static void values(struct parser *P, const struct ptrvec *v)
{
	for (int i = 0; i < v->n; i++)
		value(P, v->v[i]);
}

/* ---- syntax errors: bison's expected set in SystemTap's words ---- */

/* How an expected symbol reads in a message: "'{'" -> "{",
 * "K_PROBE" -> "probe", "AT_CAST" -> "@cast". */
static const char *symbol_text(struct parser *P, int sym)
{
	static const struct { const char *sym, *text; } names[] = {
		{ "IDENT", "identifier" }, { "NUMBER", "number" },
		{ "STRING", "string" }, { "EMBEDDED", "%{" },
		{ "DOLLAR_IDENT", "$var" }, { "PP_WORD", "identifier" },
		{ "OP_ASSIGN", "+=" }, { "OP_CMP", "==" }, { "OP_REGEX", "=~" },
		{ "OP_CREMENT", "++" }, { "OP_SHIFT", "<<" },
		{ "PP_SUFFIX", "$" }, { "end of file", "EOF" },
		{ "AT_STAT", "@count" },
	};
	const char *s = parser_symbol_name(sym);
	size_t n = strlen(s);

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(names[i].sym, s))
			return names[i].text;
	if (n >= 3 && (s[0] == '\'' || s[0] == '"'))
		return arena_strndup(P->arena, s + 1, n - 2);
	if (!strncmp(s, "K_", 2) || !strncmp(s, "AT_", 3)) {
		bool at = s[0] == 'A';
		char *text = arena_printf(P->arena, "%s%s", at ? "@" : "", s + (at ? 3 : 2));

		for (char *c = text; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		return text;
	}
	return s;
}

/* Tokens that would continue a complete expression.  Upstream's
 * recursive descent returns from an expression before it looks at what
 * follows, so its messages name only what the enclosing construct wants:
 * drop these from bison's expected set before wording the message. */
static bool continues_expression(const char *name)
{
	static const char *const ops[] = {
		"K_IN", "<<<", ">>>", "OP_ASSIGN", "OP_CMP", "OP_REGEX",
		"&&", "||", "OP_CREMENT", "->", "OP_SHIFT", "'['",
		"'?'", "'+'", "'-'", "'*'", "'/'", "'%'", "'&'", "'|'", "'^'",
		"'='", "'.'", "PP_SUFFIX", "STRING",
	};

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!strcmp(ops[i], name))
			return true;
	return false;
}

static bool has(const int *set, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(parser_symbol_name(set[i]), name))
			return true;
	return false;
}

/* Fixed wordings upstream uses for what some constructs expect. */
static const char *known_expectation(const int *set, int n, bool eof,
				     bool plain_string)
{
	if (has(set, n, "K_PROBE") && has(set, n, "K_GLOBAL"))
		return "expected 'probe', 'global', 'private', 'function', or '%{'";
	if (has(set, n, "K_IF") && has(set, n, "K_FOREACH"))
		return NULL;  /* statement start: decided by the caller */
	if (has(set, n, "NUMBER") && has(set, n, "IDENT"))
		return eof ? "expected value" : "expected literal string or number";
	if (has(set, n, "'{'") && has(set, n, "','"))
		return "expected one of ', { } = +='";
	if (has(set, n, "PP_WORD"))
		return "expected identifier or '*' or '{'";
	if (has(set, n, "K_IN") && has(set, n, "'='") && n <= 4)
		return "expected 'in'";
	if (has(set, n, "K_FUNCTION") && has(set, n, "IDENT"))
		return "expected 'function' or identifier";
	if (has(set, n, "K_STRING") && has(set, n, "K_LONG"))
		return "expected 'string' or 'long'";
	if (has(set, n, "IDENT") && has(set, n, "AT_HIST_LOG"))
		return "expected identifier or statistical operation";
	if (has(set, n, "AT_STAT") && has(set, n, "'+'"))
		return "expected statistical operation";
	if (has(set, n, "NUMBER") && has(set, n, "'-'") && n == 2)
		return "expected number";
	if (has(set, n, "NUMBER") && n == 1)
		return "expected literal string or number";
	if (has(set, n, "IDENT"))
		return "expected identifier";
	if (has(set, n, "STRING") && n == 1)
		return plain_string ? "expected string" : "expected literal string";
	return NULL;
}

void build_syntax_error(struct parser *P, const struct token *t, bool at_eof,
			const int *expected, int n, int state)
{
	int kept[n > 0 ? n : 1], k = 0;
	const char *msg;
	/* @cast and @var say "expected string"; other literals "literal string" */
	const struct token *b = P->before_last, *bb = P->before_before;
	bool plain_string = b && (b->type == ',' ||
				  (b->type == '(' && bb && (bb->type == AT_VAR ||
							    bb->type == AT_CAST)));
	struct diag *g;

	if (t->type == JUNK && t->junk_msg) {
		build_error_at(P, t, t->junk_msg);
		return;
	}
	msg = known_expectation(expected, n, at_eof, plain_string);
	if (!msg && has(expected, n, "K_IF") && has(expected, n, "K_FOREACH")) {
		/* statement start: an operator or value starts an expression */
		bool starts_expr = !at_eof && t->kind != TK_KEYWORD && t->kind != TK_JUNK;

		msg = starts_expr ? "expected literal string or number" : "expected statement";
	}
	if (!msg) {
		for (int i = 0; i < n; i++)
			if (!continues_expression(parser_symbol_name(expected[i])))
				kept[k++] = expected[i];
		if (k == 0)
			k = n, memcpy(kept, expected, n * sizeof(*kept));
		msg = known_expectation(kept, k, at_eof, plain_string);
	}
	if (!msg && k == 1) {
		msg = arena_printf(P->arena, "expected '%s'", symbol_text(P, kept[0]));
	} else if (!msg && k == 2 && has(kept, k, "')'") && has(kept, k, "','")) {
		msg = P->print_args ? "expected one of ', )'" : "expected one of ') ,'";
	} else if (!msg && k == 2 && has(kept, k, "']'") && has(kept, k, "','")) {
		msg = "expected one of '] ,'";
	} else if (!msg && has(kept, k, "')'") && has(kept, k, "','")) {
		msg = "expected ',' or ')'";
	} else if (!msg && has(kept, k, "'('")) {
		msg = "expected '('";
	} else if (!msg) {
		char buf[512];
		size_t len = 0;

		for (int i = 0; i < k && len < sizeof(buf) - 64; i++)
			len += snprintf(buf + len, sizeof(buf) - len, "%s%s", i ? " " : "",
					symbol_text(P, kept[i]));
		msg = arena_printf(P->arena, "expected one of '%s'", buf);
	}
	if (at_eof)
		g = diag_parse_error_eof(P->diags, t->src, "%s", msg);
	else
		g = diag_parse_error(P->diags, FORM_SAW, t, "%s", msg);
	/* upstream prints an error once per message and place in its parser */
	g->dedup_key = arena_printf(P->arena, "%d:%s", state, msg);
	P->abort_mode = ABORT_SKIP;
}

/* ---- top level ---- */

static bool require_privilege(struct parser *P, const struct token *code,
			      const char *what)
{
	if (P->src->privileged)
		return true;
	build_error_noskip(P, code, arena_printf(P->arena,
			   "%s in unprivileged script; need stap -g", what));
	return false;
}

void build_add_embed(struct parser *P, const struct token *code)
{
	if (require_privilege(P, code, "embedded code"))
		ptrvec_push(P->arena, &P->file->embeds, (void *)code);
}

void build_add_globals(struct parser *P, struct ptrvec *globals, bool is_private)
{
	for (int i = 0; i < globals->n; i++) {
		struct global *g = globals->v[i];

		if (!strset_add(&P->global_names, g->name))
			build_error_saw(P, g->tok, "duplicate global name");

		g->is_private = is_private;
		ptrvec_push(P->arena, &P->file->globals, g);
	}
}

void build_add_function(struct parser *P, struct function *f, bool is_private)
{
	f->is_private = is_private;
	ptrvec_push(P->arena, &P->file->functions, f);
}

struct global *build_global(struct parser *P, const struct token *name)
{
	struct global *g = arena_alloc(P->arena, sizeof(*g));

	g->tok = name;
	g->name = name->text;
	return g;
}

static bool parse_magnitude(const struct token *t, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(t->text, &end, 0);
	return !errno && *end == '\0' && t->text[0] != '-';
}

struct global *build_global_size(struct parser *P, struct global *g,
				 const struct token *num)
{
	uint64_t v;

	if (!parse_magnitude(num, &v))
		build_error_saw(P, num, "number invalid or out of range");
	else if (v < 1 || v > 0x7fffffff)
		build_error_saw(P, num, "array size out of range");
	g->is_array = true;
	g->size = (int64_t)v;
	return g;
}

struct global *build_global_init(struct parser *P, struct global *g,
				 const struct token *eq, struct expr *init)
{
	if (g->is_array)
		build_error_saw(P, eq, "only scalar globals can be initialized");
	g->init = init;
	return g;
}

struct function *build_function(struct parser *P, const struct token *name,
				enum value_type ret, struct ptrvec *params,
				struct expr *priority)
{
	struct function *f = arena_alloc(P->arena, sizeof(*f));

	f->tok = name;
	f->name = name->text;
	f->ret = ret;
	for (int i = 0; i < params->n; i++) {
		struct param *p = params->v[i];

		for (int j = 0; j < i; j++)
			if (!strcmp(((struct param *)params->v[j])->name, p->name))
				build_error_saw(P, p->tok, "duplicate parameter names");
		ptrvec_push(P->arena, &f->params, p);
	}
	f->priority = priority ? priority->num : 0;
	if (priority && priority->num < 1)
		build_error_saw(P, priority->tok, "specified priority must be > 0");
	return f;
}

struct function *build_function_embedded(struct parser *P, struct function *f,
					 const struct token *code)
{
	require_privilege(P, code, "embedded code");
	f->embedded = code;
	return f;
}

struct param *build_param(struct parser *P, const struct token *name,
			  enum value_type type)
{
	struct param *p = arena_alloc(P->arena, sizeof(*p));

	p->tok = name;
	p->name = name->text;
	p->type = type;
	return p;
}

/* ---- probes and aliases ---- */

void build_probe(struct parser *P, const struct token *kw, struct ptrvec *points,
		 struct stmt *body)
{
	struct probe *p = arena_alloc(P->arena, sizeof(*p));

	p->tok = kw;
	p->points = *points;
	p->body = body;
	ptrvec_push(P->arena, &P->file->probes, p);
}

void build_alias(struct parser *P, const struct token *kw, struct ptrvec *names,
		 struct ptrvec *points, bool epilogue, struct stmt *body,
		 struct stmt *epilogue_body)
{
	struct probe *p = arena_alloc(P->arena, sizeof(*p));

	p->tok = kw;
	p->is_alias = true;
	p->alias_names = *names;
	p->points = *points;
	p->epilogue = epilogue;
	p->body = body;
	p->epilogue_body = epilogue_body;
	ptrvec_push(P->arena, &P->file->aliases, p);
}

void build_alias_epilogue(struct parser *P, const struct token *kw,
			  struct ptrvec *names, const struct token *op,
			  struct ptrvec *points, struct stmt *body, struct stmt *second)
{
	if (strcmp(op->text, "+=")) {
		build_error_saw(P, op, "expected one of ', { } = +='");
		return;
	}
	if (second) {
		build_error_saw(P, second->tok,
				"Combined prologue and epilogue cannot be defined with '+='");
		return;
	}
	build_alias(P, kw, names, points, true, body, NULL);
}

struct ptrvec *build_alias_names(struct parser *P, struct ptrvec *names,
				 struct pp_alts *alts, const struct token *bang)
{
	if (!names)
		names = build_vec(P, NULL);
	for (int i = 0; i < alts->alts.n; i++) {
		struct probe_point *pp = alts->alts.v[i];

		if (bang || pp->optional || pp->sufficient)
			build_error_at(P, pp->tok,
				       "probe point alias name cannot be optional nor sufficient");
		ptrvec_push(P->arena, names, pp);
	}
	return names;
}

struct ptrvec *build_pp_list(struct parser *P, struct ptrvec *list,
			     struct probe_point *pp)
{
	if (!list)
		list = build_vec(P, NULL);
	/* brace groups were multiplied out: one written point may stand for
	 * several, chained through the 'comps' of a holder */
	if (pp->tok == NULL) {
		for (int i = 0; i < pp->comps.n; i++)
			ptrvec_push(P->arena, list, pp->comps.v[i]);
	} else {
		ptrvec_push(P->arena, list, pp);
	}
	return list;
}

static struct probe_point *copy_point(struct parser *P, const struct probe_point *src)
{
	struct probe_point *pp = arena_alloc(P->arena, sizeof(*pp));

	*pp = *src;
	pp->comps = (struct ptrvec){ 0 };
	for (int i = 0; i < src->comps.n; i++)
		ptrvec_push(P->arena, &pp->comps, src->comps.v[i]);
	return pp;
}

/* Apply ?, ! and if (cond) to every alternative; a group returns a holder
 * point (tok NULL) whose comps are the alternatives. */
struct probe_point *build_probe_point(struct parser *P, struct pp_alts *alts,
				      const struct token *bang, struct expr *cond)
{
	struct probe_point *holder;

	for (int i = 0; i < alts->alts.n; i++) {
		struct probe_point *pp = alts->alts.v[i];

		if (bang && (pp->optional || pp->sufficient))
			build_error_saw(P, bang, "'?' or '!' respecified");
		if (cond && pp->cond)
			build_error_saw(P, P->cond_close, "condition respecified");
		if (bang && bang->type == '?')
			pp->optional = true;
		if (bang && bang->type == '!')
			pp->sufficient = pp->optional = true;
		if (cond)
			pp->cond = cond;
	}
	if (alts->alts.n == 1)
		return alts->alts.v[0];
	holder = arena_alloc(P->arena, sizeof(*holder));
	holder->comps = alts->alts;
	return holder;
}

struct pp_alts *build_pp_product(struct parser *P, struct pp_alts *a,
				 struct pp_alts *b)
{
	struct pp_alts *r = arena_alloc(P->arena, sizeof(*r));

	for (int i = 0; i < a->alts.n; i++) {
		const struct probe_point *x = a->alts.v[i];

		if (x->optional || x->sufficient || x->cond)
			build_error_at(P, x->tok,
				       "'?', '!' or condition must only be specified in suffix");
		for (int j = 0; j < b->alts.n; j++) {
			const struct probe_point *y = b->alts.v[j];
			struct probe_point *pp = copy_point(P, x);

			for (int k = 0; k < y->comps.n; k++)
				ptrvec_push(P->arena, &pp->comps, y->comps.v[k]);
			pp->optional = y->optional;
			pp->sufficient = y->sufficient;
			pp->cond = y->cond;
			ptrvec_push(P->arena, &r->alts, pp);
		}
	}
	return r;
}

struct pp_alts *build_component(struct parser *P, const struct token *word,
				struct expr *arg)
{
	struct pp_alts *r = arena_alloc(P->arena, sizeof(*r));
	struct probe_point *pp = arena_alloc(P->arena, sizeof(*pp));
	struct probe_comp *c = arena_alloc(P->arena, sizeof(*c));

	c->tok = word;
	c->name = word->text;
	c->arg = arg;
	pp->tok = word;
	ptrvec_push(P->arena, &pp->comps, c);
	ptrvec_push(P->arena, &r->alts, pp);
	return r;
}

struct pp_alts *build_component_group(struct parser *P, const struct token *brace,
				      struct ptrvec *points)
{
	struct pp_alts *r = arena_alloc(P->arena, sizeof(*r));

	r->alts = *points;
	return r;
}

/* ---- statements ---- */

int sort_sign(const struct token *t)
{
	return !t ? 0 : t->type == '+' ? 1 : -1;
}

struct stmt *build_stmt(struct parser *P, enum stmt_kind kind, const struct token *t)
{
	struct stmt *s = arena_alloc(P->arena, sizeof(*s));

	s->kind = kind;
	s->tok = t;
	return s;
}

struct stmt *build_expr_stmt(struct parser *P, enum stmt_kind kind,
			     const struct token *t, struct expr *e)
{
	struct stmt *s = build_stmt(P, kind, t);

	s->expr = value(P, e);
	return s;
}

struct stmt *build_try(struct parser *P, const struct token *t, struct stmt *body,
		       const struct token *var, struct stmt *handler)
{
	struct stmt *s = build_stmt(P, S_TRY, t);

	s->body = body;
	s->catch_var = var;
	s->catch_body = handler;
	return s;
}

struct stmt *build_if(struct parser *P, const struct token *t, struct expr *cond,
		      struct stmt *then, struct stmt *otherwise)
{
	struct stmt *s = build_stmt(P, S_IF, t);

	s->expr = value(P, cond);
	s->body = then;
	s->else_body = otherwise;
	return s;
}

struct stmt *build_for(struct parser *P, const struct token *t, struct expr *init,
		       struct expr *cond, struct expr *incr, struct stmt *body)
{
	struct stmt *s = build_stmt(P, S_FOR, t);

	s->init = value(P, init);
	s->expr = value(P, cond);
	s->incr = value(P, incr);
	s->body = body;
	return s;
}

struct stmt *build_return(struct parser *P, const struct token *t, struct expr *e)
{
	struct stmt *s = build_stmt(P, S_RETURN, t);

	if (!P->in_function)
		build_error_saw(P, t, "found 'return' not in function context");
	s->expr = value(P, e);
	return s;
}

struct foreach_key *build_fe_key(struct parser *P, const struct token *name,
				 const struct token *sort)
{
	struct foreach_key *k = arena_alloc(P->arena, sizeof(*k));

	k->tok = name;
	k->name = name->text;
	k->sort = sort_sign(sort);
	k->sort_tok = sort;
	return k;
}

/* The indexed thing of a foreach, with its key restriction if any; the
 * slots ride in args until build_foreach moves them. */
struct expr *build_fe_array(struct parser *P, struct expr *array, struct ptrvec *slots)
{
	if (slots) {
		struct expr *holder = new_expr(P, E_INDEX, array->tok);

		holder->base = array;
		holder->args = *slots;
		return holder;
	}
	return array;
}

/* Upstream reports the second sort marker it meets, in source order. */
static void check_one_sort(struct parser *P, const struct token *value_sort,
			   const struct ptrvec *keys, const struct token *array_sort)
{
	const struct token *seen = value_sort;

	for (int i = 0; i < keys->n; i++) {
		const struct token *k = ((struct foreach_key *)keys->v[i])->sort_tok;

		if (k && seen) {
			build_error_saw(P, k, "multiple sort directives");
			return;
		}
		seen = seen ? seen : k;
	}
	if (array_sort && seen)
		build_error_saw(P, array_sort, "multiple sort directives");
}

struct stmt *build_foreach(struct parser *P, const struct token *t,
			   const struct token *value, const struct token *value_sort,
			   struct ptrvec *keys, struct expr *array,
			   struct fe_sort sort, struct expr *limit, struct stmt *body)
{
	struct stmt *s = build_stmt(P, S_FOREACH, t);

	s->value_var = value;
	s->keys = *keys;
	check_one_sort(P, value_sort, keys, sort.sign);
	if (array->kind == E_INDEX && array->base) {
		s->slots = array->args;
		s->has_slots = true;
		array = array->base;
	}
	s->array = array;
	s->value_sort = value_sort ? sort_sign(value_sort) : sort.sort;
	if (sort.agg) {
		s->has_sort_agg = true;
		s->sort_agg = stat_op_of(sort.agg->text + 1);
	}
	s->limit = limit;
	s->body = body;
	return s;
}

/* ---- expressions ---- */


struct expr *build_number(struct parser *P, const struct token *t, bool negative)
{
	struct expr *e = new_expr(P, E_NUMBER, t);
	uint64_t v;

	if (!parse_magnitude(t, &v) || (negative && v > (1ULL << 63))) {
		build_error_saw(P, t, "number invalid or out of range");
		v = 0;
	}
	e->num = negative ? (int64_t)(0 - v) : (int64_t)v;
	return e;
}

/* The token after a literal string is the lookahead when it is reduced;
 * upstream reports format and empty-string errors there. */
struct expr *build_string(struct parser *P, const struct token *t)
{
	struct expr *e = new_expr(P, E_STRING, t);

	e->str = t->text;
	e->str_len = t->len;
	e->last = t;
	return e;
}

struct expr *build_string_append(struct parser *P, struct expr *s,
				 const struct token *t)
{
	char *joined = arena_alloc(P->arena, s->str_len + t->len + 1);

	memcpy(joined, s->str, s->str_len);
	memcpy(joined + s->str_len, t->text, t->len);
	s->str = joined;
	s->str_len += t->len;
	s->last = t;
	return s;
}

struct expr *build_symbol(struct parser *P, const struct token *t)
{
	struct expr *e = new_expr(P, E_SYMBOL, t);

	e->name = t->text;
	return e;
}

struct expr *build_wildcard(struct parser *P, const struct token *t)
{
	return new_expr(P, E_WILDCARD, t);
}

struct expr *build_binary(struct parser *P, enum expr_kind kind, struct expr *l,
			  const struct token *op, struct expr *r)
{
	struct expr *e = new_expr(P, kind, op);

	e->op = op->text;
	e->left = value(P, l);
	e->right = value(P, r);
	return e;
}

struct expr *build_ternary(struct parser *P, struct expr *c, const struct token *q,
			   struct expr *a, struct expr *b)
{
	struct expr *e = new_expr(P, E_TERNARY, q);

	e->left = value(P, c);
	e->right = value(P, a);
	e->third = value(P, b);
	return e;
}

struct expr *build_concat(struct parser *P, struct expr *list, const struct token *op,
			  struct expr *first, struct expr *next)
{
	if (!list) {
		list = new_expr(P, E_CONCAT, op);
		list->op = ".";
		ptrvec_push(P->arena, &list->args, value(P, first));
	}
	ptrvec_push(P->arena, &list->args, value(P, next));
	return list;
}

struct expr *build_in(struct parser *P, const struct token *t, struct ptrvec *keys,
		      bool bracketed, struct expr *base)
{
	struct expr *e = new_expr(P, E_IN, t);

	values(P, keys);
	e->args = *keys;
	e->base = base;
	return e;
}

struct expr *build_unary(struct parser *P, enum expr_kind kind,
			 const struct token *op, struct expr *operand)
{
	struct expr *e = new_expr(P, kind, op);

	e->op = op->text;
	e->left = value(P, operand);
	return e;
}

struct expr *build_postinc(struct parser *P, struct expr *operand,
			   const struct token *op)
{
	struct expr *e = new_expr(P, E_POSTINC, op);

	e->op = op->text;
	e->left = value(P, operand);
	return e;
}

struct expr *build_array_index(struct parser *P, const struct token *name,
			       struct ptrvec *slots)
{
	struct expr *e = new_expr(P, E_INDEX, name);

	values(P, slots);
	e->name = name->text;
	e->args = *slots;
	return e;
}

/* print, println, printd, printdln, printf and their s- forms, print_char */
static bool print_family(const char *name, struct expr *e)
{
	const char *p = name;

	if (!strcmp(name, "print_char")) {
		e->print_char = true;
		return true;
	}
	if (*p == 's') {
		e->print_to_string = true;
		p++;
	}
	if (strncmp(p, "print", 5))
		return false;
	p += 5;
	if (!strcmp(p, "f")) {
		e->print_fmt = true;
		return true;
	}
	if (*p == 'd') {
		e->print_delim = true;
		p++;
	}
	if (!strcmp(p, "ln"))
		e->print_newline = true;
	else if (*p)
		return false;
	return true;
}

/* Check a printf format at parse time, as upstream does. */
static void check_format(struct parser *P, const struct expr *fmt)
{
	size_t len;
	char *bytes = strlit_decode(P->arena, fmt->str, fmt->str_len, &len);
	struct fmt_error err;

	if (fmt_parse(bytes, len, NULL, 0, &err) < 0)
		build_error_saw(P, fmt->last->next, err.msg);
}

struct expr *build_call(struct parser *P, const struct token *name, struct ptrvec *args)
{
	struct expr *e = new_expr(P, E_CALL, name);

	e->name = name->text;
	if (!print_family(name->text, e)) {
		values(P, args);
		e->args = *args;
		return e;
	}
	e->kind = E_PRINT;
	if (e->print_fmt || e->print_delim) {
		struct expr *first = args->n ? args->v[0] : NULL;

		if (!first || first->kind != E_STRING) {
			build_error_saw(P, first ? first->tok : name, "expected literal string");
			return e;
		}
		e->str = first->str;
		e->str_len = first->str_len;
		if (e->print_fmt)
			check_format(P, first);
		for (int i = 1; i < args->n; i++)
			ptrvec_push(P->arena, &e->args, value(P, args->v[i]));
		return e;
	}
	/* print(@hist_log(x)) prints the histogram; nothing else takes one */
	if (args->n != 1)
		values(P, args);
	e->args = *args;
	return e;
}

enum stat_op stat_op_of(const char *name)
{
	static const char *const names[] = { "count", "sum", "min", "max", "avg",
					     "variance" };

	for (int i = 0; i < 6; i++)
		if (!strcmp(names[i], name))
			return (enum stat_op)i;
	return STAT_COUNT;
}

struct expr *build_statop(struct parser *P, const struct token *t, struct expr *operand,
			  struct expr *shift)
{
	struct expr *e = new_expr(P, E_STATOP, t);

	e->name = t->text;
	e->stat = stat_op_of(t->text + 1);
	e->left = value(P, operand);
	if (shift) {
		/* the 0..62 range is checked in pass 2, as upstream does */
		e->has_num = true;
		e->num = shift->num;
	}
	return e;
}

struct expr *build_histogram(struct parser *P, const struct token *t,
			     struct expr *operand, struct ptrvec *params)
{
	struct expr *e = new_expr(P, E_HISTOGRAM, t);

	e->name = t->text;
	e->left = operand;
	e->hist = params ? HIST_LINEAR : HIST_LOG;
	if (params) {
		e->hist_params = arena_alloc(P->arena, 3 * sizeof(*e->hist_params));
		for (int i = 0; i < 3; i++)
			e->hist_params[i] = ((struct expr *)params->v[i])->num;
	}
	return e;
}

struct expr *build_embedded_expr(struct parser *P, const struct token *code)
{
	struct expr *e = new_expr(P, E_EMBEDDED, code);

	/* upstream then reads the block again as top-level embedded code */
	if (!require_privilege(P, code, "embedded expression code"))
		P->pending = code;
	e->str = code->text;
	e->str_len = code->len;
	return e;
}

struct expr *build_at_unary(struct parser *P, enum expr_kind kind,
			    const struct token *t, struct expr *operand)
{
	struct expr *e = new_expr(P, kind, t);

	e->name = t->text;
	e->left = operand;
	return e;
}

struct expr *build_at_string(struct parser *P, enum expr_kind kind,
			     const struct token *t, struct expr *s)
{
	struct expr *e = new_expr(P, kind, t);

	e->name = t->text;
	e->left = s;
	if (kind == E_CONST) {
		/* @const("X") is a pure, stable embedded-C expression */
		e->kind = E_EMBEDDED;
		e->str = arena_printf(P->arena,
				      "/* pure */ /* unprivileged */ /* stable */ %.*s",
				      (int)s->str_len, s->str);
		e->str_len = strlen(e->str);
	}
	return e;
}

struct expr *build_enumname(struct parser *P, const struct token *t, struct expr *operand,
			    struct expr *type, struct expr *module)
{
	struct expr *e = new_expr(P, E_ENUMNAME, t);

	e->name = t->text;
	e->left = operand;
	e->right = type;
	e->third = module;
	return e;
}

struct expr *build_register(struct parser *P, const struct token *t, struct expr *num,
			    struct expr *operand)
{
	struct expr *e = new_expr(P, operand ? E_DEREF : E_REGISTER, t);

	e->name = t->text;
	e->num = num->num;
	e->left = operand;
	return e;
}

struct expr *build_unknown_at(struct parser *P, const struct token *t)
{
	build_error_saw(P, t, arena_printf(P->arena, "unknown operator %s", t->text));
	return new_expr(P, E_NUMBER, t);
}

/* ---- target values ---- */

static struct expr *new_target(struct parser *P, const struct token *t,
			       enum target_base base)
{
	struct expr *e = new_expr(P, E_TARGET, t);

	e->target = arena_alloc(P->arena, sizeof(*e->target));
	e->target->base = base;
	return e;
}

/* Trailing '$'s of a name are the pretty-print suffix: $var$ -> $var, 1 */
static int split_suffix(struct parser *P, const char **name)
{
	size_t len = strlen(*name), keep = len;
	size_t min = (*name)[0] == '$' ? 1 : 0;

	while (keep > min && (*name)[keep - 1] == '$')
		keep--;
	/* "$$vars" keeps its leading dollars */
	if (keep == min)
		return 0;
	if (keep < len)
		*name = arena_strndup(P->arena, *name, keep);
	return (int)(len - keep);
}

struct expr *build_dollar(struct parser *P, const struct token *t)
{
	struct expr *e = new_target(P, t, TB_DOLLAR);
	const char *name = t->text;

	e->target->pretty = split_suffix(P, &name);
	e->target->name = name;
	return e;
}

struct expr *build_cast(struct parser *P, const struct token *t, struct expr *operand,
			struct expr *type, struct expr *module)
{
	struct expr *e = new_target(P, t, TB_CAST);

	if (type->str_len == 0)
		build_error_saw(P, type->last->next, "expected non-empty string");
	e->target->operand = operand;
	e->target->name = arena_strndup(P->arena, type->str, type->str_len);
	e->target->module = module ? arena_strndup(P->arena, module->str, module->str_len)
				   : NULL;
	return e;
}

struct expr *build_atvar(struct parser *P, const struct token *t, struct expr *name,
			 struct expr *module)
{
	struct expr *e = new_target(P, t, TB_ATVAR);

	if (name->str_len == 0)
		build_error_saw(P, name->last->next, "expected non-empty string");
	e->target->name = arena_strndup(P->arena, name->str, name->str_len);
	e->target->module = module ? arena_strndup(P->arena, module->str, module->str_len)
				   : NULL;
	return e;
}

struct expr *build_autocast(struct parser *P, struct expr *operand)
{
	struct expr *e = new_target(P, operand->tok, TB_AUTOCAST);

	e->target->operand = operand;
	return e;
}

/* Chains continue from anything: a histogram bucket or an error's
 * placeholder becomes an autocast base. */
static struct expr *as_target(struct parser *P, struct expr *e)
{
	return e->kind == E_TARGET ? e : build_autocast(P, e);
}

static void check_not_pretty(struct parser *P, struct expr *chain,
			     const struct token *t)
{
	if (chain->target->pretty)
		build_error_saw(P, t,
			       "-> and [ are not accepted for a pretty-printing variable");
}

struct expr *build_member(struct parser *P, struct expr *chain,
			  const struct token *arrow, const struct token *member)
{
	struct target_comp *c = arena_alloc(P->arena, sizeof(*c));
	const char *name = member->text;
	int pretty;

	chain = as_target(P, chain);
	check_not_pretty(P, chain, arrow);
	pretty = split_suffix(P, &name);
	c->kind = COMP_MEMBER;
	c->tok = member;
	c->member = name;
	ptrvec_push(P->arena, &chain->target->comps, c);
	chain->target->pretty = pretty;
	return chain;
}

struct expr *build_chain_index(struct parser *P, struct expr *chain,
			       const struct token *t, struct expr *index)
{
	struct target_comp *c = arena_alloc(P->arena, sizeof(*c));

	chain = as_target(P, chain);
	check_not_pretty(P, chain, t);
	c->kind = COMP_INDEX;
	c->tok = t;
	c->index = index;
	ptrvec_push(P->arena, &chain->target->comps, c);
	return chain;
}

/* primary[expr]: a histogram bucket, or the start of an autocast chain */
struct expr *build_index_of(struct parser *P, struct expr *e, const struct token *t,
			    struct expr *index)
{
	if (e->kind == E_HISTOGRAM) {
		struct expr *h = new_expr(P, E_HISTINDEX, e->tok);

		h->base = e;
		h->left = index;
		return h;
	}
	return build_chain_index(P, build_autocast(P, e), t, index);
}

struct expr *build_pretty(struct parser *P, struct expr *chain,
			  const struct token *suffix)
{
	chain = as_target(P, chain);
	check_not_pretty(P, chain, suffix);
	chain->target->pretty = (int)suffix->len;
	return chain;
}

struct expr *build_addressof(struct parser *P, const struct token *t,
			     struct expr *chain)
{
	if (chain->kind != E_TARGET)  /* &f(): an autocast base, checked later */
		chain = build_autocast(P, chain);
	if (chain->target->addressof)
		build_error_at(P, t, "cannot take address more than once");
	chain->target->addressof = true;
	return chain;
}
