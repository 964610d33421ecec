/* Probe aliases (spec/language.md §3.4, spec/tapsets.md §1.3).
 *
 * Every alias name -- of the user's files and of the tapset index -- is
 * bound in the providers' match tree, so wildcards and suffixes at a use
 * site match alias names exactly as they match built-in probe points.  A
 * tapset alias's file is parsed only when a point reaches its name.
 *
 * Expanding an alias resolves its own points (with the use site's suffix
 * components appended), and each concrete probe found remembers the
 * alias it came through.  The elaborator then splits a user probe into
 * one probe per alias chain: its body is the chain's prologues, the
 * user's body and the epilogues, copied so each probe elaborates its own
 * tree, as upstream does. */
#include "translator/aliases.h"

#include <string.h>

#include "translator/ast_clone.h"
#include "translator/providers/provider.h"

struct alias_binding {
	struct alias_env *env;
	const char *name;            /* dotted alias name */
	struct stapfile *file;       /* the defining file once parsed */
	int lib_file;                /* -1: a user file */
};

/* "a.b.c" for a name without arguments, NULL otherwise. */
static const char *dotted_name(struct arena *a, const struct probe_point *pp)
{
	const char *s = "";

	for (int i = 0; i < pp->comps.n; i++) {
		const struct probe_comp *pc = pp->comps.v[i];

		if (pc->arg)
			return NULL;
		s = arena_printf(a, "%s%s%s", s, i ? "." : "", pc->name);
	}
	return s;
}

static bool alias_has_name(struct arena *a, const struct probe *alias, const char *name)
{
	for (int i = 0; i < alias->alias_names.n; i++) {
		const char *n = dotted_name(a, alias->alias_names.v[i]);

		if (n && !strcmp(n, name))
			return true;
	}
	return false;
}

/* The alias's point with the use site's extra components appended. */
static const struct probe_point *with_suffix(struct arena *a, const struct probe_point *pp,
					     const struct probe_comp *const *suffix, int n)
{
	struct probe_point *q;

	if (!n)
		return pp;
	q = arena_alloc(a, sizeof(*q));
	*q = *pp;
	q->comps = (struct ptrvec){ 0 };
	for (int i = 0; i < pp->comps.n; i++)
		ptrvec_push(a, &q->comps, pp->comps.v[i]);
	for (int i = 0; i < n; i++)
		ptrvec_push(a, &q->comps, (void *)suffix[i]);
	return q;
}

static const char *suffixed_name(struct arena *a, const char *name,
				 const struct probe_comp *const *suffix, int n)
{
	for (int i = 0; i < n; i++) {
		const struct expr *arg = suffix[i]->arg;

		if (!arg)
			name = arena_printf(a, "%s.%s", name, suffix[i]->name);
		else if (arg->kind == E_NUMBER)
			name = arena_printf(a, "%s.%s(%lld)", name, suffix[i]->name,
					    (long long)arg->num);
		else
			name = arena_printf(a, "%s.%s(\"%.*s\")", name, suffix[i]->name,
					    (int)arg->str_len, arg->str);
	}
	return name;
}

/* One alias definition for one use: its points in order with upstream's
 * '?' and '!' rules; the probes found are marked as reached through it. */
static struct diag *expand_one(struct prov_ctx *c, struct alias_binding *b,
			       const struct probe *alias, const struct probe_point *use,
			       const struct probe_comp *const *suffix, int nsuffix,
			       struct ptrvec *out)
{
	struct alias_env *env = b->env;
	struct arena *a = &env->prog->arena;
	int start = out->n;
	struct diag *err = NULL;

	for (int i = 0; i < env->active.n; i++)
		if (env->active.v[i] == alias)
			return prov_error(c, use->tok,
				"recursive loop in alias expansion of %s", b->name);
	ptrvec_push(a, &env->active, (void *)alias);
	for (int i = 0; i < alias->points.n; i++) {
		const struct probe_point *pp = with_suffix(a, alias->points.v[i], suffix, nsuffix);
		int before = out->n;

		err = prov_resolve_point(c, pp, use->optional, out);
		if (err) {
			if (pp->optional) {
				err = NULL;
				continue;
			}
			out->n = start;
			break;
		}
		if (pp->sufficient && out->n > before)
			break;
	}
	env->active.n--;
	if (err)
		return err;
	const char *name = suffixed_name(a, b->name, suffix, nsuffix);

	for (int i = start; i < out->n; i++) {
		struct prov_probe *dp = out->v[i];
		struct prov_alias_step *step = arena_alloc(a, sizeof(*step));

		step->alias = alias;
		step->use = use;
		step->inner = dp->via;
		dp->via = step;
		dp->name = name;     /* stap -l lists the alias, not its target */
	}
	return NULL;
}

static struct diag *expand(struct prov_ctx *c, void *arg, const struct probe_point *use,
			   const struct probe_comp *const *suffix, int nsuffix,
			   struct ptrvec *out)
{
	struct alias_binding *b = arg;
	struct arena *a = &b->env->prog->arena;

	if (!b->file)
		b->file = tapsets_require_file(b->env->lib, b->lib_file);
	if (!b->file)
		return prov_error(c, use->tok, "cannot read the tapset defining %s",
				  b->name);
	for (int i = 0; i < b->file->aliases.n; i++) {
		const struct probe *alias = b->file->aliases.v[i];
		struct diag *err;

		if (!alias_has_name(a, alias, b->name))
			continue;
		err = expand_one(c, b, alias, use, suffix, nsuffix, out);
		if (err)
			return err;
	}
	return NULL;
}

static void bind(struct alias_env *env, const char *name, struct stapfile *file, int lib_file)
{
	struct alias_binding *b = arena_alloc(&env->prog->arena, sizeof(*b));

	b->env = env;
	b->name = name;
	b->file = file;
	b->lib_file = lib_file;
	prov_bind_alias_name(env->prov, name, expand, b);
}

void aliases_bind(struct alias_env *env)
{
	struct arena *a = &env->prog->arena;

	for (int f = 0; f < env->prog->user_files.n; f++) {
		struct stapfile *file = env->prog->user_files.v[f];

		for (int i = 0; i < file->aliases.n; i++) {
			const struct probe *alias = file->aliases.v[i];

			for (int j = 0; j < alias->alias_names.n; j++) {
				const struct probe_point *np = alias->alias_names.v[j];
				const char *name = dotted_name(a, np);

				if (!name) {
					const struct probe_comp *pc = np->comps.v[0];

					for (int k = np->comps.n - 1; k >= 0; k--)
						if (((const struct probe_comp *)np->comps.v[k])->arg)
							pc = np->comps.v[k];
					diag_chain(env->diags,
						   diag_semantic_error(env->diags, alias->tok,
							"while registering probe alias"),
						   NULL, "alias component %s contains illegal parameter",
						   pc->name);
					continue;
				}
				/* one binding per name and file: it expands every
				 * definition of the name in the file */
				bool seen = false;

				for (int k = 0; k < i && !seen; k++)
					seen = alias_has_name(a, file->aliases.v[k], name);
				for (int k = 0; k < j && !seen; k++) {
					const char *prev = dotted_name(a, alias->alias_names.v[k]);

					seen = prev && !strcmp(prev, name);
				}
				if (!seen)
					bind(env, name, file, -1);
			}
		}
	}
	if (!env->lib)
		return;
	for (int i = 0; i < env->lib->aliases.n; i++) {
		const struct tapset_alias *ta = env->lib->aliases.v[i];

		bind(env, ta->name, NULL, ta->file);
	}
}

static bool same_chain(const struct prov_alias_step *x, const struct prov_alias_step *y)
{
	for (; x && y; x = x->inner, y = y->inner)
		if (x->alias != y->alias)
			return false;
	return !x && !y;
}

static struct stmt *block_of(struct arena *a, const struct token *tok,
			     struct stmt *first, struct stmt *second)
{
	struct stmt *s = arena_alloc(a, sizeof(*s));

	s->kind = S_BLOCK;
	s->tok = tok;
	if (first)
		ptrvec_push(a, &s->stmts, first);
	if (second)
		ptrvec_push(a, &s->stmts, second);
	return s;
}

/* The user's body wrapped in the chain's prologues and epilogues: the
 * alias nearest the concrete probe runs its prologue first. */
static struct stmt *compose(struct arena *a, const struct prov_alias_step *via,
			    struct stmt *body)
{
	for (; via; via = via->inner) {
		const struct probe *al = via->alias;

		if (al->epilogue)
			body = block_of(a, body->tok, body, clone_stmt(a, al->body));
		else
			body = block_of(a, body->tok, clone_stmt(a, al->body), body);
		if (al->epilogue_body)
			body = block_of(a, body->tok, body, clone_stmt(a, al->epilogue_body));
	}
	return body;
}

int aliases_split(struct alias_env *env, struct probe *p, struct ptrvec *probes)
{
	struct arena *a = &env->prog->arena;
	struct ptrvec derived = p->derived;
	struct stmt *pristine = p->body;
	bool body_used = false;
	int start = probes->n;

	for (int i = 0; i < derived.n && !body_used; i++)
		body_used = !((struct prov_probe *)derived.v[i])->via;
	p->derived = (struct ptrvec){ 0 };
	/* in derivation order; p itself holds every directly written point */
	for (int i = 0; i < derived.n;) {
		struct prov_probe *dp = derived.v[i];
		int j = i + 1;

		if (!dp->via) {
			if (!p->derived.n)
				ptrvec_push(a, probes, p);
			ptrvec_push(a, &p->derived, dp);
			i++;
			continue;
		}
		while (j < derived.n && same_chain(((struct prov_probe *)derived.v[j])->via,
						   dp->via))
			j++;
		struct probe *q = arena_alloc(a, sizeof(*q));

		/* diagnostics about the whole probe point at the user's alias */
		q->tok = ((const struct probe_comp *)dp->via->use->comps.v[0])->tok;
		q->points = p->points;
		/* the first user of the body may keep the original tree */
		q->body = compose(a, dp->via, body_used ? clone_stmt(a, pristine) : pristine);
		body_used = true;
		for (const struct prov_alias_step *s = dp->via; s; s = s->inner)
			ptrvec_push(a, &q->alias_trail, (void *)s->alias);
		/* innermost first, as -p2 prints the trail */
		for (int l = 0, r = q->alias_trail.n - 1; l < r; l++, r--) {
			void *t = q->alias_trail.v[l];

			q->alias_trail.v[l] = q->alias_trail.v[r];
			q->alias_trail.v[r] = t;
		}
		for (int k = i; k < j; k++)
			ptrvec_push(a, &q->derived, derived.v[k]);
		ptrvec_push(a, probes, q);
		i = j;
	}
	return probes->n - start;
}
