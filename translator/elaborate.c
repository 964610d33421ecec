/* Pass 2, symbol resolution (spec/language.md §5.1): every variable use
 * gets its declaration (a local of its body, a parameter, or a global),
 * every call its function, and the program lists what is used, in the
 * order upstream reports it (first reference). */
#include "translator/elaborate.h"

#include <string.h>

#include "translator/aliases.h"
#include "translator/ast_walk.h"
#include "translator/autoprint.h"
#include "translator/optimize.h"
#include "translator/suggest.h"
#include "translator/providers/provider.h"
#include "translator/types.h"

struct scope {
	struct program *prog;
	const struct probe *probe;   /* being resolved, NULL in functions */
	struct tapset_lib *lib;      /* tapsets pulled in on demand; may be NULL */
	struct diags *diags;
	struct ptrvec *locals;       /* of the body being resolved */
	struct function *func;       /* NULL in a probe */
	struct ptrvec declared;      /* struct vardecl *: every declared global */
	struct strset declared_names;	/* their names; "file:name" if private */
	struct ptrvec pending;       /* functions called but not yet resolved */
	struct ptrvec iterating;     /* struct vardecl *: arrays foreach walks now */
	int lib_declared;            /* library files whose globals are declared */
	struct ptrvec bodies;        /* struct resolved_body *, in order */
};

static struct vardecl *new_var(struct program *prog, const struct token *tok,
			       const char *name, enum var_kind kind)
{
	struct vardecl *v = arena_alloc(&prog->arena, sizeof(*v));

	v->tok = tok;
	v->name = name;
	v->kind = kind;
	v->arity = -1;
	return v;
}

static struct vardecl *find_in(const struct ptrvec *v, const char *name)
{
	for (int i = 0; i < v->n; i++) {
		struct vardecl *d = v->v[i];

		if (!strcmp(d->name, name))
			return d;
	}
	return NULL;
}

static void declare_file_globals(struct scope *sc, const struct stapfile *file);

/* Declare the globals of library files pulled in since the last call. */
static void declare_library_globals(struct scope *sc)
{
	for (; sc->lib_declared < sc->prog->library_files.n; sc->lib_declared++)
		declare_file_globals(sc, sc->prog->library_files.v[sc->lib_declared]);
}

/* A private global or function is seen only from its own file
 * (spec/tapsets.md §1.4); the referring token says which file that is. */
static bool visible_from(bool is_private, const struct token *decl, const struct source *from)
{
	return !is_private || !from || decl->src == from;
}

static struct vardecl *find_declared(struct scope *sc, const char *name,
				     const struct source *from)
{
	for (int i = 0; i < sc->declared.n; i++) {
		struct vardecl *v = sc->declared.v[i];

		if (!strcmp(v->name, name) && visible_from(v->decl->is_private, v->tok, from))
			return v;
	}
	return NULL;
}

/* A global, recorded in the program's list at its first reference; a
 * tapset defining it is pulled in. */
static struct vardecl *find_global(struct scope *sc, const char *name,
				   const struct token *ref)
{
	const struct source *from = ref ? ref->src : NULL;
	struct vardecl *g = find_declared(sc, name, from);

	if (!g && tapsets_require_global(sc->lib, name)) {
		declare_library_globals(sc);
		g = find_declared(sc, name, from);
	}
	if (g && !g->listed) {
		g->listed = true;
		g->first_use = ref;
		ptrvec_push(&sc->prog->arena, &sc->prog->globals, g);
	}
	return g;
}

static struct vardecl *find_var(struct scope *sc, const struct token *tok,
				const char *name)
{
	struct vardecl *v = find_in(sc->locals, name);

	if (!v && sc->func)
		for (int i = 0; i < sc->func->params.n && !v; i++) {
			struct param *p = sc->func->params.v[i];

			if (!strcmp(p->name, name))
				v = p->var;
		}
	if (!v)
		v = find_global(sc, name, tok);
	if (!v) {
		v = new_var(sc->prog, tok, name, VAR_LOCAL);
		ptrvec_push(&sc->prog->arena, sc->locals, v);
	}
	return v;
}

/* Arrays and statistics live only in globals. */
static struct vardecl *find_array(struct scope *sc, const struct token *tok,
				  const char *name, int arity)
{
	struct vardecl *local = sc->locals ? find_in(sc->locals, name) : NULL;
	struct vardecl *g;

	/* a local is a scalar: indexing it is an arity clash, as upstream says */
	if (local && local->kind == VAR_LOCAL) {
		struct diag *d = diag_semantic_error(sc->diags, tok,
						     "inconsistent arity (0 vs %d)", arity);

		diag_chain(sc->diags, d, local->tok, "arity 0 first inferred here");
		return NULL;
	}
	g = find_global(sc, name, tok);
	if (!g)
		diag_semantic_error(sc->diags, tok,
			"unresolved arity-%d global array %s, missing global declaration?",
			arity, name);
	return g;
}

static struct function *find_in_files(const struct ptrvec *files,
				      const struct expr *call, struct function **same_name)
{
	for (int f = 0; f < files->n; f++) {
		struct stapfile *file = files->v[f];

		for (int i = 0; i < file->functions.n; i++) {
			struct function *fn = file->functions.v[i];

			if (strcmp(fn->name, call->name) ||
			    !visible_from(fn->is_private, fn->tok, call->tok->src))
				continue;
			if (fn->params.n == call->args.n)
				return fn;
			*same_name = fn;
		}
	}
	return NULL;
}

/* " (similar: a, b)" from the script's and the library's function names. */
static const char *similar_functions(struct scope *sc, const char *name)
{
	struct suggest s;
	const char *text;

	suggest_init(&s, &sc->prog->arena, name, 5);
	for (int f = 0; f < sc->prog->user_files.n; f++) {
		const struct stapfile *file = sc->prog->user_files.v[f];

		for (int i = 0; i < file->functions.n; i++)
			suggest_add(&s, ((const struct function *)file->functions.v[i])->name);
	}
	/* a library file that failed to parse still has its name indexed */
	for (int i = 0; sc->lib && i < sc->lib->function_names.n; i++)
		if (strcmp(sc->lib->function_names.v[i], name))
			suggest_add(&s, sc->lib->function_names.v[i]);
	text = suggest_text(&s);
	return *text ? arena_printf(&sc->prog->arena, " (similar: %s)", text) : "";
}

/* The user script's functions first, then the tapsets', pulling in the
 * tapset that defines the name. */
static struct function *find_function(struct scope *sc, const struct expr *call)
{
	struct function *same_name = NULL, *fn;

	fn = find_in_files(&sc->prog->user_files, call, &same_name);
	if (!fn && !same_name)
		fn = find_in_files(&sc->prog->library_files, call, &same_name);
	if (!fn && !same_name && tapsets_require_function(sc->lib, call->name)) {
		declare_library_globals(sc);
		fn = find_in_files(&sc->prog->library_files, call, &same_name);
	}
	if (fn)
		return fn;
	if (same_name)
		diag_semantic_error(sc->diags, call->tok,
				    "arity mismatch found (function '%s' takes %d args)",
				    call->name, same_name->params.n)->tok2 = same_name->tok;
	else
		diag_semantic_error(sc->diags, call->tok, "unresolved function %s%s",
				    call->name, similar_functions(sc, call->name));
	return NULL;
}

static void resolve_expr(struct scope *sc, struct expr *e);
static void resolve_stmt(struct scope *sc, struct stmt *s);

/* Whether every concrete probe of the current probe has context
 * variable 'name' ("$prev" -> "prev"). */
static bool probe_has_var(const struct probe *p, const char *name)
{
	if (!p->derived.n)
		return false;
	for (int i = 0; i < p->derived.n; i++) {
		const struct prov_probe *dp = p->derived.v[i];
		bool found = false;

		for (int j = 0; j < dp->vars.n && !found; j++)
			found = !strcmp(((const struct prov_var *)dp->vars.v[j])->name, name);
		if (!found)
			return false;
	}
	return true;
}

static void list_alternatives(const struct probe *p, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = 0;
	if (!p->derived.n)
		return;
	const struct prov_probe *dp = p->derived.v[0];

	for (int j = 0; j < dp->vars.n && n + 64 < size; j++) {
		const struct prov_var *v = dp->vars.v[j];

		if (!v->hidden)
			n += snprintf(buf + n, size - n, "%s$%s", n ? " " : "", v->name);
	}
}

/* $var: a context variable of the probe.  Members, indexes and pretty
 * printing are typed later by the code generators; here the base must
 * exist in every concrete probe.  The value is a long, or a string for
 * $$vars-style and pretty-printed forms. */
static void resolve_target(struct scope *sc, struct expr *e)
{
	const struct target *t = e->target;

	for (int i = 0; i < t->comps.n; i++) {
		const struct target_comp *c = t->comps.v[i];

		if (c->kind == COMP_INDEX)
			resolve_expr(sc, c->index);
	}
	if (t->base == TB_CAST || t->base == TB_AUTOCAST) {
		resolve_expr(sc, t->operand);
		return;
	}
	if (t->base != TB_DOLLAR)
		return;
	if (!sc->probe) {
		diag_semantic_error(sc->diags, e->tok,
				    "target variables are only available in probes");
		return;
	}
	if (t->name[1] == '$')      /* $$vars, $$parms, $$locals, $$return */
		return;
	if (!probe_has_var(sc->probe, t->name + 1)) {
		char alts[1024];
		struct target_error *te = arena_alloc(&sc->prog->arena, sizeof(*te));

		list_alternatives(sc->probe, alts, sizeof(alts));
		te->expr = e;
		te->msg = arena_printf(&sc->prog->arena,
				       "unable to find target variable '%s'%s%s%s", t->name,
				       alts[0] ? " (alternatives: " : "", alts,
				       alts[0] ? ")" : "");
		e->target_failed = true;
		ptrvec_push(&sc->prog->arena, &sc->prog->target_errors, te);
	}
}

/* @defined(x): 1 when x resolves here, else 0, decided now so that the
 * optimizer drops the branch that would not resolve. */
static void resolve_defined(struct scope *sc, struct expr *e)
{
	const struct expr *x = e->left;
	bool defined = true;

	if (x->kind == E_TARGET && x->target->base == TB_DOLLAR &&
	    x->target->name[1] != '$')
		defined = sc->probe && probe_has_var(sc->probe, x->target->name + 1);
	else
		resolve_expr(sc, e->left);
	const struct token *tok = e->tok;

	memset(e, 0, sizeof(*e));
	e->kind = E_NUMBER;
	e->tok = tok;
	e->num = defined;
}

/* Writes to $vars change the traced program: guru mode only. */
static void check_target_write(struct scope *sc, const struct expr *lhs)
{
	if (lhs->kind == E_TARGET && !lhs->tok->src->privileged)
		diag_semantic_error(sc->diags, lhs->tok,
				    "write to target variable not permitted; need stap -g");
}

static void resolve_list(struct scope *sc, struct ptrvec *v)
{
	for (int i = 0; i < v->n; i++)
		resolve_expr(sc, v->v[i]);
}

/* The statistic or array a stat/histogram operator reads: a global. */
/* Statistics are globals: a local one is upstream's "stat locals" error. */
static void check_stat_global(struct scope *sc, struct expr *operand)
{
	struct vardecl *v = operand->var;

	if (!v || v->kind == VAR_GLOBAL || v->arity == -2)
		return;
	diag_semantic_error(sc->diags, operand->tok,
			    "stat locals not supported, missing global declaration? ");
	v->arity = -2;  /* reported: once per variable, as upstream */
}

static void resolve_stat_operand(struct scope *sc, struct expr *operand)
{
	resolve_expr(sc, operand);
	if (operand->kind == E_SYMBOL)
		check_stat_global(sc, operand);
}

/* The array a foreach walks may not change inside the loop. */
static void check_not_iterating(struct scope *sc, const struct expr *target)
{
	if (target->kind != E_INDEX && target->kind != E_SYMBOL)
		return;
	for (int i = 0; target->var && i < sc->iterating.n; i++)
		if (sc->iterating.v[i] == target->var)
			diag_semantic_error(sc->diags, target->tok,
					    "variable '%s' modified during 'foreach' iteration",
					    target->var->name);
}

static void resolve_call(struct scope *sc, struct expr *e)
{
	resolve_list(sc, &e->args);
	e->callee = find_function(sc, e);
	if (e->callee && !e->callee->used) {
		e->callee->used = true;
		ptrvec_push(&sc->prog->arena, &sc->prog->functions, e->callee);
		ptrvec_push(&sc->prog->arena, &sc->pending, e->callee);
	}
}

static void resolve_expr(struct scope *sc, struct expr *e)
{
	if (!e)
		return;
	switch (e->kind) {
	case E_SYMBOL:
		e->var = find_var(sc, e->tok, e->name);
		break;
	case E_INDEX:
		e->var = find_array(sc, e->tok, e->name, e->args.n);
		resolve_list(sc, &e->args);
		break;
	case E_CALL:
		resolve_call(sc, e);
		break;
	case E_IN:
		resolve_list(sc, &e->args);
		if (e->base->kind == E_SYMBOL)
			e->base->var = find_array(sc, e->base->tok, e->base->name, e->args.n);
		else
			resolve_expr(sc, e->base);
		break;
	case E_STATOP:
	case E_HISTOGRAM:
		resolve_stat_operand(sc, e->left);
		break;
	case E_HISTINDEX:
		resolve_expr(sc, e->base);
		resolve_expr(sc, e->left);
		break;
	case E_DEFINED:
		resolve_defined(sc, e);
		break;
	case E_ASSIGN:
		check_target_write(sc, e->left);
		/* left first: upstream lists variables in that order */
		resolve_expr(sc, e->left);
		resolve_expr(sc, e->right);
		if (e->left->var)
			e->left->var->written = true;
		if (!strcmp(e->op, "<<<") && e->left->kind == E_SYMBOL)
			check_stat_global(sc, e->left);
		check_not_iterating(sc, e->left);
		break;
	case E_PREINC:
	case E_POSTINC:
		check_target_write(sc, e->left);
		resolve_expr(sc, e->left);
		if (e->left->var)
			e->left->var->written = true;
		check_not_iterating(sc, e->left);
		break;
	case E_CONCAT:
	case E_PRINT:
		resolve_list(sc, &e->args);
		break;
	case E_TARGET:
		resolve_target(sc, e);
		break;
	default:
		resolve_expr(sc, e->left);
		resolve_expr(sc, e->right);
		resolve_expr(sc, e->third);
		break;
	}
}

static void resolve_foreach(struct scope *sc, struct stmt *s)
{
	struct expr *a = s->array;

	if (a->kind == E_SYMBOL)
		a->var = find_array(sc, a->tok, a->name, s->keys.n);
	else
		resolve_expr(sc, a);
	for (int i = 0; i < s->keys.n; i++) {
		struct foreach_key *k = s->keys.v[i];

		k->var = find_var(sc, k->tok, k->name);
		k->var->written = true;
	}
	if (s->value_var) {
		s->value_decl = find_var(sc, s->value_var, s->value_var->text);
		s->value_decl->written = true;
	}
	resolve_list(sc, &s->slots);
	resolve_expr(sc, s->limit);
	if (a->var)
		ptrvec_push(&sc->prog->arena, &sc->iterating, a->var);
	resolve_stmt(sc, s->body);
	if (a->var)
		sc->iterating.n--;
}

static void resolve_stmt(struct scope *sc, struct stmt *s)
{
	if (!s)
		return;
	switch (s->kind) {
	case S_BLOCK:
		for (int i = 0; i < s->stmts.n; i++)
			resolve_stmt(sc, s->stmts.v[i]);
		break;
	case S_FOREACH:
		resolve_foreach(sc, s);
		break;
	case S_TRY:
		resolve_stmt(sc, s->body);
		if (s->catch_var) {
			s->catch_decl = find_var(sc, s->catch_var, s->catch_var->text);
			s->catch_decl->written = true;
		}
		resolve_stmt(sc, s->catch_body);
		break;
	case S_DELETE:
		/* "delete a" names a whole array: a global, not a new local */
		if (s->expr->kind == E_SYMBOL && !find_in(sc->locals, s->expr->name))
			s->expr->var = find_global(sc, s->expr->name, s->expr->tok);
		if (!s->expr->var)
			resolve_expr(sc, s->expr);
		if (s->expr->kind != E_SYMBOL && s->expr->kind != E_INDEX &&
		    s->expr->kind != E_TARGET)
			diag_semantic_error(sc->diags, s->expr->tok,
					    "invalid operand of delete expression");
		check_not_iterating(sc, s->expr);
		break;
	default:
		resolve_expr(sc, s->init);
		resolve_expr(sc, s->expr);
		resolve_expr(sc, s->incr);
		resolve_stmt(sc, s->body);
		resolve_stmt(sc, s->else_body);
		break;
	}
}

/* A probe's 'if (cond)' may only read globals (spec/language.md §3.3). */
static void resolve_condition(struct scope *sc, struct expr *e)
{
	if (!e)
		return;
	switch (e->kind) {
	case E_SYMBOL:
		e->var = find_global(sc, e->name, e->tok);
		if (!e->var)
			diag_semantic_error(sc->diags, e->tok,
				"probe condition must not reference undeclared global");
		return;
	case E_INDEX:
		e->var = find_array(sc, e->tok, e->name, e->args.n);
		for (int i = 0; i < e->args.n; i++)
			resolve_condition(sc, e->args.v[i]);
		return;
	case E_CALL:
	case E_PRINT:
		diag_semantic_error(sc->diags, e->tok,
				    "probe condition must not reference function");
		return;
	case E_ASSIGN:
	case E_PREINC:
	case E_POSTINC:
		diag_semantic_error(sc->diags, e->tok,
				    "probe condition must not modify any variables");
		return;
	case E_EMBEDDED:
		if (!strstr(e->str, "/* pure */"))
			diag_semantic_error(sc->diags, e->tok,
				"probe condition must not include impure embedded-C");
		return;
	case E_CONCAT:
	case E_IN:
		for (int i = 0; i < e->args.n; i++)
			resolve_condition(sc, e->args.v[i]);
		if (e->kind == E_IN)
			resolve_condition(sc, e->base);
		return;
	default:
		resolve_condition(sc, e->left);
		resolve_condition(sc, e->right);
		resolve_condition(sc, e->third);
		return;
	}
}

static void resolve_conditions(struct scope *sc, struct probe *p)
{
	for (int i = 0; i < p->points.n; i++)
		resolve_condition(sc, ((struct probe_point *)p->points.v[i])->cond);
}

static void declare_file_globals(struct scope *sc, const struct stapfile *file)
{
	for (int i = 0; i < file->globals.n; i++) {
		struct global *g = file->globals.v[i];
		struct vardecl *v;

		/* the first file declaring a shared name wins; privates are
		 * per file */
		const char *key = g->is_private ?
			arena_printf(&sc->prog->arena, "%p:%s", (void *)g->tok->src, g->name) :
			g->name;

		if (!strset_add(&sc->declared_names, key))
			continue;
		v = new_var(sc->prog, g->tok, g->name, VAR_GLOBAL);
		v->decl = g;
		if (g->init)
			type_set_literal(v, g->init);
		ptrvec_push(&sc->prog->arena, &sc->declared, v);
	}
}

static void declare_globals(struct scope *sc)
{
	for (int f = 0; f < sc->prog->user_files.n; f++)
		declare_file_globals(sc, sc->prog->user_files.v[f]);
}

/* A local read but never given a value (upstream's warning), with the
 * body's other variables as suggestions. */
static void warn_never_assigned(struct scope *sc, const struct ptrvec *locals,
				const struct function *fn)
{
	for (int i = 0; i < locals->n; i++) {
		const struct vardecl *v = locals->v[i];
		struct suggest s;

		if (v->written)
			continue;
		suggest_init(&s, &sc->prog->arena, v->name, 5);
		for (int j = 0; fn && j < fn->params.n; j++)
			suggest_add(&s, ((const struct param *)fn->params.v[j])->name);
		for (int j = 0; j < locals->n; j++)
			if (j != i)
				suggest_add(&s, ((const struct vardecl *)locals->v[j])->name);
		for (int j = 0; j < sc->declared.n; j++)
			suggest_add(&s, ((const struct vardecl *)sc->declared.v[j])->name);
		const char *similar = suggest_text(&s);

		diag_warning(sc->diags, v->tok, "never-assigned local variable '%s'%s%s%s",
			     v->name, *similar ? " (similar: " : "", similar,
			     *similar ? ")" : "");
	}
}

/* A resolved body whose never-assigned locals are warned about later. */
struct resolved_body {
	const struct ptrvec *locals;
	const struct function *fn;   /* NULL for a probe */
};

static void note_body(struct scope *sc, const struct ptrvec *locals,
		      const struct function *fn)
{
	struct resolved_body *b = arena_alloc(&sc->prog->arena, sizeof(*b));

	b->locals = locals;
	b->fn = fn;
	ptrvec_push(&sc->prog->arena, &sc->bodies, b);
}

static void resolve_function(struct scope *sc, struct function *fn)
{
	for (int i = 0; i < fn->params.n; i++) {
		struct param *p = fn->params.v[i];

		p->var = new_var(sc->prog, p->tok, p->name, VAR_PARAM);
		p->var->type = p->type;
		p->var->type_tok = p->type ? p->tok : NULL;
		p->var->arity = 0;
	}
	sc->locals = &fn->locals;
	sc->func = fn;
	resolve_stmt(sc, fn->body);
	note_body(sc, &fn->locals, fn);
}

/* Mark the failed $vars still in the program after optimization. */
static bool visit_live(struct expr *e, void *arg)
{
	(void)arg;
	if (e->kind == E_TARGET && e->target_failed)
		e->target_live = true;
	return true;
}

/* The unresolved $vars the optimizer kept are errors, in program order. */
static int report_target_errors(struct program *prog, struct diags *d)
{
	int errors = d->errors;

	if (!prog->target_errors.n)
		return 0;
	for (int i = 0; i < prog->probes.n; i++)
		walk_stmt(((struct probe *)prog->probes.v[i])->body, visit_live, NULL);
	for (int i = 0; i < prog->functions.n; i++)
		walk_stmt(((struct function *)prog->functions.v[i])->body, visit_live, NULL);
	for (int i = 0; i < prog->target_errors.n; i++) {
		const struct target_error *te = prog->target_errors.v[i];

		if (te->expr->target_live)
			diag_semantic_error(d, te->expr->tok, "%s", te->msg);
	}
	return d->errors > errors ? -1 : 0;
}

/* A global of the script that is read but never given a value. */
static void warn_unassigned_globals(struct scope *sc)
{
	for (int i = 0; i < sc->prog->globals.n; i++) {
		const struct vardecl *g = sc->prog->globals.v[i];
		struct suggest s;

		if (g->written || g->decl->init || g->tok->src->is_tapset)
			continue;
		/* upstream's candidates include the global itself */
		suggest_init(&s, &sc->prog->arena, g->name, 5);
		for (int j = 0; j < sc->declared.n; j++)
			suggest_add(&s, ((const struct vardecl *)sc->declared.v[j])->name);
		const char *similar = suggest_text(&s);

		diag_warning(sc->diags, g->tok, "never-assigned global variable '%s'%s%s%s",
			     g->name, *similar ? " (similar: " : "", similar,
			     *similar ? ")" : "");
	}
}

/* "__private_" + the file's path with every other character made '_' +
 * "_" + name: private symbols of different files get different names in
 * the generated code (and in -p2, as upstream shows them). */
static const char *private_name(struct program *prog, const struct token *decl,
				const char *name)
{
	/* below the tapset root: the same name wherever the library lives */
	char *path = arena_strdup(&prog->arena, decl->src->rel_name ? decl->src->rel_name :
				  decl->src->name);

	for (char *c = path; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9')))
			*c = '_';
	return arena_printf(&prog->arena, "__private_%s_%s", path, name);
}

static void mangle_private_names(struct program *prog)
{
	for (int i = 0; i < prog->globals.n; i++) {
		struct vardecl *v = prog->globals.v[i];

		if (v->decl && v->decl->is_private)
			v->name = private_name(prog, v->tok, v->name);
	}
	for (int i = 0; i < prog->functions.n; i++) {
		struct function *fn = prog->functions.v[i];

		if (fn->is_private)
			fn->name = private_name(prog, fn->tok, fn->name);
	}
}

static void resolve_probe(struct scope *sc, struct probe *p)
{
	sc->locals = &p->locals;
	sc->func = NULL;
	sc->probe = p;
	resolve_conditions(sc, p);
	resolve_stmt(sc, p->body);
	note_body(sc, &p->locals, NULL);
	sc->probe = NULL;
	ptrvec_push(&sc->prog->arena, &sc->prog->probes, p);
	/* functions a probe calls are resolved before the next probe */
	for (int k = 0; k < sc->pending.n; k++)
		resolve_function(sc, sc->pending.v[k]);
	sc->pending.n = 0;
}

/* The probes of one file: each point resolved by the providers (through
 * aliases, which may split the probe), then the bodies. */
static void resolve_file_probes(struct scope *sc, struct alias_env *env,
				struct prov_ctx *prov, struct stapfile *file)
{
	int errors = sc->diags->errors;

	for (int i = 0; i < file->probes.n; i++) {
		struct probe *p = file->probes.v[i];
		struct ptrvec split = { 0 };

		if (prov && prov_resolve_probe(prov, p, &p->derived, sc->diags) <= 0 &&
		    sc->diags->errors > errors)
			continue;
		declare_library_globals(sc);
		if (prov)
			aliases_split(env, p, &split);
		else
			ptrvec_push(&sc->prog->arena, &split, p);
		for (int k = 0; k < split.n; k++)
			resolve_probe(sc, split.v[k]);
	}
}

int elaborate(struct program *prog, struct tapset_lib *lib, struct prov_ctx *prov,
	      struct diags *d)
{
	struct scope sc = { .prog = prog, .lib = lib, .diags = d };
	struct alias_env env = { .prog = prog, .lib = lib, .prov = prov, .diags = d };
	int errors = d->errors;

	declare_globals(&sc);
	if (prov)
		aliases_bind(&env);
	for (int f = 0; f < prog->user_files.n; f++)
		resolve_file_probes(&sc, &env, prov, prog->user_files.v[f]);
	/* a library file brings its own probes along (spec/tapsets.md §1.3);
	 * the list grows while it is walked */
	for (int f = 0; f < prog->library_files.n; f++)
		resolve_file_probes(&sc, &env, prov, prog->library_files.v[f]);
	strset_release(&sc.declared_names);
	if (d->errors > errors)
		return -1;
	/* like upstream, warnings only once resolution went through */
	for (int i = 0; i < sc.bodies.n; i++) {
		const struct resolved_body *b = sc.bodies.v[i];

		warn_never_assigned(&sc, b->locals, b->fn);
	}
	warn_unassigned_globals(&sc);
	mangle_private_names(prog);
	if (!prog->unoptimized)
		optimize(prog, d);
	if (report_target_errors(prog, d))
		return -1;
	if (prog->probes.n == 0) {
		diag_semantic_error(d, NULL, "no probes found");
		return -1;
	}
	if (infer_types(prog, d))
		return -1;
	autoprint_globals(prog);
	return 0;
}
