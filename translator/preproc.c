/* Token layers between the lexer and the parser (spec/language.md §1.8,
 * §2, §3.3):
 *   inputs  — the file's lexer, with $N / @N / $# / @# pasted in;
 *   macros  — @define definitions and @name expansion;
 *   conds   — %( cond %? a %: b %) evaluation;
 *   output  — @-operator classification and probe-point word gluing.
 * Errors become junk tokens carrying their message, so the parser reports
 * them at the right place and recovers as it does from any other. */
#define _GNU_SOURCE
#include "translator/preproc.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "translator/lexer.h"
#include "translator/parser.h"

#define MAX_EXPANSION_DEPTH 200
/* A macro that uses itself twice expands exponentially; this bounds the
 * work any input can cause (tokens replayed from macro bodies). */
#define MAX_EXPANDED_TOKENS 2000000

struct macro {
	const char *name;
	struct ptrvec params;         /* const char * */
	struct ptrvec body;           /* const struct token * */
	const struct token *def;
	bool library;
};

/* The binding environment of a macro expansion: its parameters' actual
 * token runs, expanded lazily in the caller's environment. */
struct menv {
	const struct macro *m;
	struct ptrvec *args;          /* array of nparams token runs */
	struct menv *caller;
};

struct frame {
	const struct ptrvec *tokens;
	int pos;
	struct menv *env;             /* environment for @param lookups */
	const struct token *chain;    /* invocation, for body tokens; else NULL */
};

enum cond_state { COND_THEN, COND_ELSE };

struct preproc {
	struct arena *arena;
	struct diags *diags;
	const struct source *src;
	const struct pp_opts *opts;

	struct lexer *lexer;

	struct frame frames[MAX_EXPANSION_DEPTH];
	int nframes;
	long expanded;                /* tokens replayed from macros so far */
	bool exhausted;               /* the expansion budget ran out: input ends */
	struct ptrvec locals;         /* struct macro *: this file's macros */

	struct ptrvec conds;          /* enum cond_state, as intptr_t */
	struct ptrvec cond_opens;     /* the '%(' of each open conditional */

	const struct token *peeked;   /* output layer lookahead */
	const struct token *prev;     /* last token handed to the parser */
	bool header;                  /* inside a probe header */
	int header_parens;
	bool saw_raw;                 /* the lexer produced any token */
};

static const struct token *junk(struct preproc *pp, const struct token *at,
				const char *msg)
{
	struct token *t = arena_alloc(pp->arena, sizeof(*t));

	/* the error shows the token it is about, as it was lexed */
	*t = *at;
	t->type = JUNK;
	t->junk_msg = msg;
	t->pp_error = true;
	return t;
}

/* A lexer-level error: shown as a junk token with no text. */
static const struct token *junk_empty(struct preproc *pp, const struct token *at,
				      const char *msg)
{
	struct token *t = (struct token *)junk(pp, at, msg);

	t->kind = TK_JUNK;
	t->text = "";
	t->len = 0;
	t->pp_error = false;
	return t;
}

static struct token *copy_token(struct preproc *pp, const struct token *t)
{
	struct token *c = arena_alloc(pp->arena, sizeof(*c));

	*c = *t;
	return c;
}

/* ---- inputs: the lexer, with command-line arguments ---- */

static const struct token *arg_string(struct preproc *pp, const struct token *ref,
				      const char *s)
{
	size_t n = strlen(s);
	char *buf = arena_alloc(pp->arena, 4 * n + 1), *o = buf;
	struct token *t = copy_token(pp, ref);

	/* the text a re-lexed quoted literal would hold (§1.4) */
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '\\') {
			*o++ = '\\';
			*o++ = '\\';
		} else if (!isprint(c)) {
			o += sprintf(o, "\\%03o", c);
		} else {
			*o++ = c;
		}
	}
	t->kind = TK_STRING;
	t->type = STRING;
	t->text = buf;
	t->len = o - buf;
	return t;
}

static const struct token *arg_number(struct preproc *pp, const struct token *ref,
				      int n)
{
	struct token *t = copy_token(pp, ref);

	t->kind = TK_NUMBER;
	t->type = NUMBER;
	t->text = arena_printf(pp->arena, "%d", n);
	t->len = strlen(t->text);
	return t;
}

static const struct token *substitute_arg(struct preproc *pp, const struct token *t)
{
	if (lexer_in_paste(pp->lexer))
		return junk_empty(pp, t, "invalid nested substitution of command line arguments");
	if (t->type == RAW_ARGC_DOLLAR)
		return arg_number(pp, t, pp->opts->nargs);
	if (t->type == RAW_ARGC_AT)
		return arg_string(pp, t, arena_printf(pp->arena, "%d", pp->opts->nargs));

	errno = 0;
	char *end;
	unsigned long i = strtoul(t->text, &end, 10);
	if (errno || *end || i < 1 || i > (unsigned long)pp->opts->nargs)
		return junk_empty(pp, t, arena_printf(pp->arena,
				"command line argument out of range [1-%d]",
				pp->opts->nargs));
	const char *arg = pp->opts->args[i - 1];
	if (t->type == RAW_ARG_AT)
		return arg_string(pp, t, arg);
	lexer_paste(pp->lexer, arg, t);
	return NULL;
}

static const struct token *next_input(struct preproc *pp)
{
	for (;;) {
		struct token *t = arena_alloc(pp->arena, sizeof(*t));

		lexer_next(pp->lexer, t);
		if (t->type == 0)
			return t;
		pp->saw_raw = true;
		if (t->type >= RAW_ARG_DOLLAR) {
			const struct token *r = substitute_arg(pp, t);

			if (r)
				return r;
			continue;
		}
		return t;
	}
}

/* ---- macros ---- */

/* Next token with no macro processing, and the environment it lives in. */
static const struct token *next_raw(struct preproc *pp, struct menv **env)
{
	if (pp->exhausted) {
		struct token *t = arena_alloc(pp->arena, sizeof(*t));

		/* nothing more is read after a runaway expansion */
		*t = (struct token){ .kind = TK_EOF, .text = "", .src = pp->src };
		*env = NULL;
		return t;
	}
	while (pp->nframes > 0) {
		struct frame *f = &pp->frames[pp->nframes - 1];

		if (f->pos < f->tokens->n) {
			const struct token *t = f->tokens->v[f->pos++];

			if (++pp->expanded == MAX_EXPANDED_TOKENS) {
				pp->exhausted = true;
				return junk(pp, t, "macro expansion too long");
			}
			*env = f->env;
			if (f->chain) {
				struct token *c = copy_token(pp, t);

				c->chain = f->chain;
				return c;
			}
			return t;
		}
		pp->nframes--;
	}
	*env = NULL;
	return next_input(pp);
}

static struct macro *find_macro(const struct ptrvec *v, const char *name)
{
	for (int i = v->n - 1; i >= 0; i--) {
		struct macro *m = v->v[i];

		if (!strcmp(m->name, name))
			return m;
	}
	return NULL;
}

static bool push_frame(struct preproc *pp, const struct ptrvec *tokens,
		       struct menv *env, const struct token *chain)
{
	if (pp->nframes == MAX_EXPANSION_DEPTH || pp->exhausted)
		return false;
	pp->frames[pp->nframes++] = (struct frame){ tokens, 0, env, chain };
	return true;
}

static const char *const builtin_ats[] = {
	"cast", "defined", "probewrite", "entry", "perf", "var", "avg", "count",
	"sum", "min", "max", "hist_linear", "hist_log", "const", "variance",
	"kregister", "uregister", "kderef", "uderef", "enum", "enumname",
};

static bool is_builtin_at(const char *name)
{
	for (size_t i = 0; i < sizeof(builtin_ats) / sizeof(builtin_ats[0]); i++)
		if (!strcmp(builtin_ats[i], name))
			return true;
	return false;
}

/* @define NAME [(P, ...)] %( BODY %) */
static const struct token *define_macro(struct preproc *pp, const struct token *def,
					struct menv *env)
{
	struct macro *m = arena_alloc(pp->arena, sizeof(*m));
	struct menv *e;
	const struct token *t;

	if (env)
		return junk(pp, def, "'@define' forbidden inside macro body");
	t = next_raw(pp, &e);
	if (t->type == IDENT && !strcmp(t->text, "define"))
		return junk(pp, t, "attempt to redefine '@define'");
	if (t->type != IDENT && t->kind != TK_KEYWORD)
		return junk(pp, t, "expected identifier");
	m->name = t->text;
	m->def = t;
	m->library = pp->opts->defining_library;
	const struct token *name_tok = t;
	struct macro *old = m->library ? NULL : find_macro(&pp->locals, m->name);

	if (old) {
		/* the rest of the definition is read as ordinary tokens */
		diag_parse_error(pp->diags, FORM_AT, name_tok,
			"attempt to redefine macro '@%s' in the same file", m->name);
		diag_parse_error(pp->diags, FORM_AT, old->def,
			"macro '@%s' first defined here", m->name);
		return NULL;
	}

	t = next_raw(pp, &e);
	if (t->type == '(') {
		for (;;) {
			t = next_raw(pp, &e);
			if (t->type != IDENT)
				return junk(pp, t, "expected identifier");
			ptrvec_push(pp->arena, &m->params, (void *)t->text);
			t = next_raw(pp, &e);
			if (t->type == ')')
				break;
			if (t->type != ',')
				return junk(pp, t, "expected ',' or ')'");
		}
		t = next_raw(pp, &e);
		if (t->type != PP_IF)
			return junk(pp, t, "expected '%('");
	} else if (t->type != PP_IF) {
		return junk(pp, t, "expected '%(' or '('");
	}

	for (int depth = 1;;) {
		t = next_raw(pp, &e);
		if (t->type == 0)
			return junk(pp, name_tok, "incomplete macro definition - missing '%)'");
		/* an @define in the body is an error when the body expands */
		if (t->type == PP_IF)
			depth++;
		else if (t->type == PP_END && --depth == 0)
			break;
		ptrvec_push(pp->arena, &m->body, (void *)t);
	}

	struct ptrvec *table = m->library ? &pp->opts->library->macros : &pp->locals;
	if (m->library && find_macro(table, m->name))
		return junk(pp, name_tok, arena_printf(pp->arena,
				"duplicate definition of library macro '@%s'", m->name));
	if (is_builtin_at(m->name))
		diag_warning(pp->diags, name_tok, "macro redefines built-in operator '@%s'",
			     m->name);
	ptrvec_push(pp->arena, table, m);
	return NULL;
}

/* Collect "( a, b )" after a macro name: runs split at commas outside
 * () and []. */
static const struct token *macro_args(struct preproc *pp, const struct macro *m,
				      const struct token *inv, struct ptrvec **out)
{
	int n = m->params.n, argc = 0, depth = 0;
	struct ptrvec *args = arena_alloc(pp->arena, (n + 1) * sizeof(*args));
	struct menv *e;
	const struct token *t = next_raw(pp, &e);

	if (t->type != '(')
		return junk(pp, t, arena_printf(pp->arena,
			"expected '(' in invocation of macro '@%s' taking %d parameter%s",
			m->name, n, n == 1 ? "" : "s"));
	for (;;) {
		t = next_raw(pp, &e);
		if (t->type == 0)
			return junk(pp, inv, "could not find end of macro invocation");
		if (depth == 0 && (t->type == ',' || t->type == ')')) {
			argc++;
			if (t->type == ')')
				break;
			if (argc >= n)
				return junk(pp, t, arena_printf(pp->arena,
					"too many parameters for macro '@%s' (expected %d)",
					m->name, n));
			continue;
		}
		if (t->type == '(' || t->type == '[')
			depth++;
		else if (t->type == ')' || t->type == ']')
			depth--;
		ptrvec_push(pp->arena, &args[argc], (void *)t);
	}
	if (argc < n)
		return junk(pp, t, arena_printf(pp->arena,
			"too few parameters for macro '@%s' (expected %d)", m->name, n));
	*out = args;
	return NULL;
}

static int param_index(const struct macro *m, const char *name)
{
	for (int i = 0; i < m->params.n; i++)
		if (!strcmp(m->params.v[i], name))
			return i;
	return -1;
}

static const struct token *expand(struct preproc *pp, const struct token *inv,
				  struct menv *env)
{
	const char *name = inv->text + 1;
	struct menv *e;
	struct macro *m = NULL;

	if (env) {
		int i = param_index(env->m, name);

		if (i >= 0) {
			if (!push_frame(pp, &env->args[i], env->caller, NULL))
				return junk(pp, inv, "macro expansion too deep");
			return NULL;
		}
	}
	if (!env || !env->m->library)
		m = find_macro(&pp->locals, name);
	if (!m && pp->opts->library)
		m = find_macro(&pp->opts->library->macros, name);
	if (!m)
		return inv;

	e = arena_alloc(pp->arena, sizeof(*e));
	e->m = m;
	e->caller = env;
	if (m->params.n > 0) {
		const struct token *err = macro_args(pp, m, inv, &e->args);

		if (err)
			return err;
	}
	if (!push_frame(pp, &m->body, e, inv))
		return junk(pp, inv, "macro expansion too deep");
	return NULL;
}

static const struct token *next_expanded(struct preproc *pp)
{
	for (;;) {
		struct menv *env;
		const struct token *t = next_raw(pp, &env), *r;

		if (t->type != AT_WORD)
			return t;
		if (!strcmp(t->text, "@define"))
			r = define_macro(pp, t, env);
		else
			r = expand(pp, t, env);
		if (r)
			return r;
	}
}

/* ---- conditionals ---- */

static bool is_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

static const char *op_text(const struct token *t)
{
	return t->type == OP_CMP ? t->text : "";
}

/* Compare with strverscmp or plain strcmp, or glob-match for == / != */
static bool compare_str(const char *op, const char *l, const char *r, bool version,
			bool glob)
{
	if (glob && (!strcmp(op, "==") || !strcmp(op, "!="))) {
		bool m = fnmatch(r, l, 0) == 0;

		return op[0] == '=' ? m : !m;
	}
	int c = version ? strverscmp(l, r) : strcmp(l, r);

	if (!strcmp(op, "==")) return c == 0;
	if (!strcmp(op, "!=")) return c != 0;
	if (!strcmp(op, "<")) return c < 0;
	if (!strcmp(op, "<=")) return c <= 0;
	if (!strcmp(op, ">")) return c > 0;
	return c >= 0;
}

static bool compare_num(const char *op, int64_t l, int64_t r)
{
	if (!strcmp(op, "==")) return l == r;
	if (!strcmp(op, "!=")) return l != r;
	if (!strcmp(op, "<")) return l < r;
	if (!strcmp(op, "<=")) return l <= r;
	if (!strcmp(op, ">")) return l > r;
	return l >= r;
}

static bool parse_num(const char *s, int64_t *v)
{
	char *end;

	errno = 0;
	*v = (int64_t)strtoull(s, &end, 0);
	return *s && !*end && !errno;
}

static char *unquote(struct preproc *pp, const struct token *t)
{
	return arena_strndup(pp->arena, t->text, t->len);
}

#define UNKNOWN_TERM "expected 'arch', 'kernel_v', 'kernel_vr', 'systemtap_v',\n" \
	"             'runtime', 'systemtap_privilege', 'CONFIG_...', or\n" \
	"             comparison between strings or integers"

static bool is_cmp(const struct token *op)
{
	return op->type == OP_CMP;
}

/* kernel_v, kernel_vr, systemtap_v: version strings */
static const struct token *term_version(struct preproc *pp, const char *have,
					const struct token *op, const struct token *r,
					bool *res)
{
	if (r->type != STRING)
		return junk(pp, r, "expected string literal");
	if (!is_cmp(op))
		return junk(pp, op, "expected comparison operator");
	const char *want = unquote(pp, r), *o = op_text(op);
	bool eqne = !strcmp(o, "==") || !strcmp(o, "!=");

	if (is_glob(want) && !eqne)
		return junk(pp, op, "wildcard not allowed with order comparison operators");
	*res = compare_str(o, have, want, true, is_glob(want));
	return NULL;
}

/* arch, runtime, systemtap_privilege: names, == and != only */
static const struct token *term_name(struct preproc *pp, const char *have, bool glob,
				     const struct token *op, const struct token *r,
				     bool *res)
{
	const char *o = op_text(op);

	if (r->type != STRING)
		return junk(pp, r, "expected string literal");
	if (strcmp(o, "==") && strcmp(o, "!="))
		return junk(pp, op, "expected '==' or '!='");
	*res = compare_str(o, have, unquote(pp, r), false, glob);
	return NULL;
}

static const struct token *term_config(struct preproc *pp, const char *name,
				       const struct token *l, const struct token *op,
				       const struct token *r, bool *res)
{
	const struct pp_target *tg = pp->opts->target;
	const char *have = tg->config ? tg->config(tg->config_ctx, name) : NULL;
	const char *o = op_text(op);
	int64_t hv, rv;

	if (!have)
		have = "";
	if (r->type == STRING) {
		if (strcmp(o, "==") && strcmp(o, "!="))
			return junk(pp, op, "expected '==' or '!='");
		*res = compare_str(o, have, unquote(pp, r), false, true);
		return NULL;
	}
	if (!is_cmp(op))
		return junk(pp, op, "expected comparison operator");
	if (r->type == NUMBER) {
		if (!parse_num(have, &hv))
			return junk(pp, l, "Config option value not a number");
		if (!parse_num(r->text, &rv))
			return junk(pp, r, "expected number");
		*res = compare_num(o, hv, rv);
		return NULL;
	}
	if (r->kind == TK_IDENT && !strncmp(r->text, "CONFIG_", 7)) {
		const char *rh = tg->config ? tg->config(tg->config_ctx, r->text) : NULL;

		if (!rh)
			rh = "";
		if (parse_num(have, &hv) && parse_num(rh, &rv))
			*res = compare_num(o, hv, rv);
		else
			*res = compare_str(o, have, rh, false, false);
		return NULL;
	}
	return junk(pp, r,
		"expected string, number literal or other CONFIG_... as right side operand");
}

/* One term "L OP R" (§2.1); returns an error token or NULL, result in *res. */
static const struct token *eval_term(struct preproc *pp, const struct token *open,
				     bool *res)
{
	const struct pp_target *tg = pp->opts->target;
	const struct token *l = next_expanded(pp), *op, *r;

	if (l->type == 0)
		return junk(pp, open, "incomplete condition after '%('");
	if (l->type == JUNK)
		return l;
	const char *lw = l->kind == TK_IDENT ? l->text : "";
	bool known = !strcmp(lw, "kernel_v") || !strcmp(lw, "kernel_vr") ||
		     !strcmp(lw, "systemtap_v") || !strcmp(lw, "arch") ||
		     !strcmp(lw, "runtime") || !strcmp(lw, "systemtap_privilege") ||
		     !strcmp(lw, "guru_mode") || !strncmp(lw, "CONFIG_", 7) ||
		     l->type == STRING || l->type == NUMBER;
	if (!known)
		return junk(pp, l, UNKNOWN_TERM);
	op = next_expanded(pp);
	r = next_expanded(pp);
	if (op->type == 0 || r->type == 0)
		return junk(pp, open, "incomplete condition after '%('");

	if (!strcmp(lw, "kernel_v"))
		return term_version(pp, tg->kernel_v, op, r, res);
	if (!strcmp(lw, "kernel_vr"))
		return term_version(pp, tg->kernel_vr, op, r, res);
	if (!strcmp(lw, "systemtap_v"))
		return term_version(pp, tg->systemtap_v, op, r, res);
	if (!strcmp(lw, "arch"))
		return term_name(pp, tg->arch, true, op, r, res);
	if (!strcmp(lw, "runtime"))
		return term_name(pp, tg->runtime, true, op, r, res);
	if (!strcmp(lw, "systemtap_privilege"))
		return term_name(pp, tg->privilege, false, op, r, res);
	if (!strcmp(lw, "guru_mode")) {
		const char *o = op_text(op);
		int64_t v;

		if (r->type != NUMBER || !parse_num(r->text, &v))
			return junk(pp, r, "expected number");
		if (strcmp(o, "==") && strcmp(o, "!="))
			return junk(pp, op, "expected '==' or '!='");
		if (v != 0 && v != 1)
			return junk(pp, op, "expected 0 or 1");
		*res = compare_num(o, tg->guru, v);
		return NULL;
	}
	if (!strncmp(lw, "CONFIG_", 7))
		return term_config(pp, lw, l, op, r, res);
	if (!is_cmp(op) && (r->type == STRING || r->type == NUMBER))
		return junk(pp, op, "expected comparison operator");
	if (l->type == STRING) {
		if (r->type == NUMBER)
			return junk(pp, r, "expected string literal as right value");
		if (r->type != STRING)
			return junk(pp, l, UNKNOWN_TERM);
		*res = compare_str(op_text(op), unquote(pp, l), unquote(pp, r), false, false);
		return NULL;
	}
	int64_t lv, rv;

	if (r->type == STRING)
		return junk(pp, r, "expected number literal as right value");
	if (r->type != NUMBER)
		return junk(pp, l, UNKNOWN_TERM);
	if (!parse_num(l->text, &lv))
		return junk(pp, l, "number invalid or out of range");
	if (!parse_num(r->text, &rv))
		return junk(pp, r, "number invalid or out of range");
	*res = compare_num(op_text(op), lv, rv);
	return NULL;
}

/* cond ::= conj { '||' conj }, conj ::= term { '&&' term }, up to '%?' */
static const struct token *eval_condition(struct preproc *pp, const struct token *open,
					  bool *res)
{
	bool any = false, all = true;

	for (;;) {
		bool v = false;
		const struct token *err = eval_term(pp, open, &v), *t;

		if (err)
			return err;
		all = all && v;
		t = next_expanded(pp);
		if (t->type == OP_AND)
			continue;
		any = any || all;
		all = true;
		if (t->type == OP_OR)
			continue;
		if (t->type != PP_THEN)
			return junk(pp, open, "expected '%?' marker for conditional");
		*res = any;
		return NULL;
	}
}

/* Skip an untaken branch up to its '%:' (stop_at_else) or '%)'; no macro
 * processing happens in it. */
static const struct token *skip_branch(struct preproc *pp, bool stop_at_else,
				       const struct token *open, bool *at_else)
{
	struct menv *env;

	for (int depth = 0;;) {
		const struct token *t = next_raw(pp, &env);

		if (t->type == 0)
			return junk(pp, open, "incomplete conditional at end of file");
		if (t->type == PP_IF) {
			depth++;
		} else if (t->type == PP_END) {
			if (depth-- == 0) {
				*at_else = false;
				return NULL;
			}
		} else if (t->type == PP_ELSE && depth == 0) {
			if (stop_at_else) {
				*at_else = true;
				return NULL;
			}
			return junk(pp, t, "invalid conditional - duplicate '%:'");
		}
	}
}

static const struct token *next_conditioned(struct preproc *pp)
{
	for (;;) {
		const struct token *t = next_expanded(pp), *err;
		bool taken = false, at_else = false;

		switch (t->type) {
		case PP_IF:
			err = eval_condition(pp, t, &taken);
			if (err)
				return err;
			if (!taken) {
				err = skip_branch(pp, true, t, &at_else);
				if (err)
					return err;
				if (!at_else)
					continue;
			}
			ptrvec_push(pp->arena, &pp->conds,
				    (void *)(intptr_t)(taken ? COND_THEN : COND_ELSE));
			ptrvec_push(pp->arena, &pp->cond_opens, (void *)t);
			continue;
		case PP_ELSE:
			if (pp->conds.n == 0)
				return junk(pp, t, "incomplete conditional - missing '%('");
			if ((intptr_t)pp->conds.v[pp->conds.n - 1] == COND_ELSE)
				return junk(pp, t, "invalid conditional - duplicate '%:'");
			/* still open while its else branch is skipped: a bad
			 * second '%:' leaves it for the '%)' to close */
			pp->conds.v[pp->conds.n - 1] = (void *)(intptr_t)COND_ELSE;
			err = skip_branch(pp, false, t, &at_else);
			if (err)
				return err;
			pp->conds.n--;
			pp->cond_opens.n--;
			continue;
		case PP_END:
			if (pp->conds.n == 0)
				return junk(pp, t, "incomplete conditional - missing '%('");
			pp->conds.n--;
			pp->cond_opens.n--;
			continue;
		case PP_THEN:
			return junk(pp, t, "incomplete conditional - missing '%('");
		case 0:
			if (pp->conds.n > 0) {
				const struct token *open = pp->cond_opens.v[pp->cond_opens.n - 1];

				pp->conds.n = pp->cond_opens.n = 0;
				return junk(pp, open, "incomplete conditional at end of file");
			}
			return t;
		default:
			return t;
		}
	}
}

/* ---- output: @-operators, pretty-print suffixes, probe headers ---- */

static const struct {
	const char *name;
	int type;
} at_ops[] = {
	{ "count", AT_STAT }, { "sum", AT_STAT }, { "min", AT_STAT },
	{ "max", AT_STAT }, { "avg", AT_STAT }, { "variance", AT_VARIANCE },
	{ "hist_log", AT_HIST_LOG }, { "hist_linear", AT_HIST_LINEAR },
	{ "cast", AT_CAST }, { "var", AT_VAR }, { "defined", AT_DEFINED },
	{ "entry", AT_ENTRY }, { "probewrite", AT_PROBEWRITE },
	{ "perf", AT_PERF }, { "const", AT_CONST }, { "enum", AT_ENUM },
	{ "enumname", AT_ENUMNAME }, { "kregister", AT_REGISTER },
	{ "uregister", AT_REGISTER }, { "kderef", AT_DEREF },
	{ "uderef", AT_DEREF },
};

static const struct token *classify(struct preproc *pp, const struct token *t)
{
	struct token *c;

	if (t->type == AT_WORD) {
		for (size_t i = 0; i < sizeof(at_ops) / sizeof(at_ops[0]); i++) {
			if (!strcmp(t->text + 1, at_ops[i].name)) {
				c = copy_token(pp, t);
				c->type = at_ops[i].type;
				return c;
			}
		}
	} else if (t->type == DOLLAR_IDENT && strspn(t->text, "$") == t->len &&
		   t->len <= 2) {
		c = copy_token(pp, t);
		c->type = PP_SUFFIX;
		return c;
	}
	return t;
}

static const struct token *next_classified(struct preproc *pp)
{
	const struct token *t;

	if (pp->peeked) {
		t = pp->peeked;
		pp->peeked = NULL;
		return t;
	}
	t = classify(pp, next_conditioned(pp));
	if (t->type == EMBEDDED && memmem(t->text, t->len, "}%", 2))
		diag_warning(pp->diags, t, "possible erroneous closing '}%%', use '%%}'?");
	return t;
}

static bool word_piece(const struct token *t)
{
	return t->type == IDENT || t->kind == TK_KEYWORD || t->type == '*';
}

/* A '{' in a probe header opens a brace group when it stands where a
 * component may start; otherwise it opens the probe body. */
static bool starts_group(const struct token *prev)
{
	if (!prev)
		return false;
	switch (prev->type) {
	case K_PROBE: case '.': case ',': case '=': case '{':
		return true;
	case OP_ASSIGN:
		return !strcmp(prev->text, "+=");
	default:
		return false;
	}
}

static const struct token *glue_word(struct preproc *pp, const struct token *first)
{
	struct token *w = copy_token(pp, first);
	size_t len = first->len;
	char *text = arena_strndup(pp->arena, first->text, len);

	for (;;) {
		const struct token *n = next_classified(pp);

		if (!word_piece(n) || n->after_space || n->chain != first->chain) {
			pp->peeked = n;
			break;
		}
		char *joined = arena_alloc(pp->arena, len + n->len + 1);
		memcpy(joined, text, len);
		memcpy(joined + len, n->text, n->len);
		text = joined;
		len += n->len;
	}
	w->kind = TK_IDENT;
	w->type = PP_WORD;
	w->text = text;
	w->len = len;
	return w;
}

static const struct token *header_token(struct preproc *pp, const struct token *t)
{
	if (pp->header_parens > 0) {
		if (t->type == '(')
			pp->header_parens++;
		else if (t->type == ')')
			pp->header_parens--;
		return t;
	}
	switch (t->type) {
	case '(':
		pp->header_parens++;
		return t;
	case '{':
		if (!starts_group(pp->prev))
			pp->header = false;
		return t;
	case K_IF:
		if (!pp->prev || pp->prev->type != '.')
			return t;
		break;
	case K_GLOBAL: case K_PRIVATE:
		pp->header = false;
		return t;
	}
	return word_piece(t) ? glue_word(pp, t) : t;
}

const struct token *preproc_next(struct preproc *pp)
{
	const struct token *t = next_classified(pp);
	bool after_dot = pp->prev && pp->prev->type == '.';

	/* after a '.' in a probe header every keyword is a component name:
	 * kernel.function("f").return, process.begin.probe */
	if (pp->header && pp->header_parens == 0 && after_dot && t->kind == TK_KEYWORD) {
		t = glue_word(pp, t);
	} else if (t->type == K_PROBE && !(pp->prev && pp->prev->type == OP_ARROW)) {
		pp->header = true;
		pp->header_parens = 0;
	} else if (pp->header) {
		t = header_token(pp, t);
	}
	pp->prev = t;
	return t;
}

bool preproc_saw_tokens(const struct preproc *pp)
{
	return pp->saw_raw;
}

struct preproc *preproc_new(struct arena *a, struct strset *names, struct diags *d,
			    const struct source *src, const struct pp_opts *o)
{
	struct preproc *pp = arena_alloc(a, sizeof(*pp));

	pp->arena = a;
	pp->diags = d;
	pp->src = src;
	pp->opts = o;
	pp->lexer = lexer_new(a, names, src, src->text, src->len);
	return pp;
}

void preproc_free(struct preproc *pp)
{
	if (!pp)
		return;
	lexer_free(pp->lexer);
	pp->lexer = NULL;
}
