/* Matching one probe point against the pattern tree (spec/probes.md
 * §1.3, §1.6), after upstream's match_node::find_and_build:
 *
 *   - all components matched: run every builder bound at the node, or
 *     "probe point truncated (follow: ...)" when none is;
 *   - "foo**bar": try "foo*bar" here, then "foo*" followed by "**bar";
 *   - "foo*": every child whose name matches (fnmatch, no escapes) and
 *     whose parameter kind agrees; failures of single expansions are
 *     swallowed, no expansion at all is "didn't find any wildcard matches";
 *   - an exact key: descend, else alias-suffix expansion, else "probe
 *     point mismatch".
 * The working component list is copied when a wildcard is replaced, so
 * builders see the names that matched. */
#include "translator/providers/prov_int.h"

#include <fnmatch.h>
#include <string.h>

struct walk {
	struct prov_ctx *c;
	const struct probe_point *point;
	bool optional;
	struct ptrvec *out;
};

typedef const struct probe_comp *comp_t;

static enum prov_param comp_param(comp_t pc)
{
	if (!pc->arg)
		return PARAM_NONE;
	return pc->arg->kind == E_NUMBER ? PARAM_NUMBER : PARAM_STRING;
}

static struct diag *find_and_build(struct walk *w, struct prov_node *n,
				   comp_t *comps, int ncomps, int pos);

/* The node's siblings closest to 'functor' (only its part before a '*'). */
static const char *suggest_functors(struct walk *w, const struct prov_node *n,
				    const char *functor)
{
	struct suggest s;
	const char *star = strchr(functor, '*');
	const char *prev = NULL;

	if (!w->c->suggest || star == functor)
		return "";
	if (star)
		functor = arena_strndup(w->c->arena, functor, star - functor);
	suggest_init(&s, w->c->arena, functor, 5);
	for (int i = 0; i < n->subs.n; i++) {
		const struct prov_node *sub = n->subs.v[i];

		if (prev && !strcmp(prev, sub->name))
			continue;
		suggest_add(&s, sub->name);
		prev = sub->name;
	}
	return suggest_text(&s);
}

static const char *similar(struct walk *w, const char *sugs)
{
	return *sugs ? arena_printf(w->c->arena, " (similar: %s)", sugs) : "";
}

static struct diag *run_builders(struct walk *w, struct prov_node *n,
				 comp_t *comps, int ncomps)
{
	for (int i = 0; i < n->ends.n; i++) {
		const struct prov_end *e = n->ends.v[i];
		struct prov_build b = {
			.ctx = w->c, .prov = e->prov, .point = w->point,
			.comps = comps, .ncomps = ncomps, .out = w->out,
		};
		int before = w->out->n;

		if (e->alias) {
			struct diag *err = e->alias(w->c, e->alias_arg, w->point,
						    NULL, 0, w->out);
			if (err)
				return err;
			continue;
		}
		if (e->prov->build(&b) < 0)
			return b.err;
		for (int j = before; j < w->out->n; j++)
			prov_finish(w->c, w->out->v[j]);
	}
	return NULL;
}

static struct diag *truncated(struct walk *w, struct prov_node *n,
			      comp_t *comps, int ncomps)
{
	char *alts = arena_strdup(w->c->arena, "");

	for (int i = 0; i < n->subs.n; i++)
		alts = arena_printf(w->c->arena, "%s %s", alts,
				    prov_node_key(w->c->arena, n->subs.v[i]));
	return prov_error(w->c, comps[ncomps - 1]->tok,
			  "probe point truncated (follow: %s)", alts);
}

/* Components left after a node with builders: alias suffixes (§1.4);
 * any other builder takes none ("invalid suffix for probe"). */
static struct diag *try_suffix(struct walk *w, struct prov_node *n,
			       comp_t *comps, int ncomps, int pos)
{
	for (int i = 0; i < n->ends.n; i++) {
		const struct prov_end *e = n->ends.v[i];
		struct diag *err;

		if (e->alias)
			err = e->alias(w->c, e->alias_arg, w->point,
				       comps + pos, ncomps - pos, w->out);
		else
			err = prov_error(w->c, comps[pos]->tok,
					 "invalid suffix for probe");
		if (err && !w->optional)
			return err;
	}
	return NULL;
}

static comp_t *replace_comp(struct walk *w, comp_t *comps, int ncomps, int pos,
			    const char *name, bool keep_arg)
{
	comp_t *copy = arena_alloc(w->c->arena, (ncomps + 1) * sizeof(*copy));
	struct probe_comp *pc = arena_alloc(w->c->arena, sizeof(*pc));

	memcpy(copy, comps, ncomps * sizeof(*copy));
	*pc = *comps[pos];
	pc->name = name;
	if (!keep_arg)
		pc->arg = NULL;
	copy[pos] = pc;
	return copy;
}

/* "foo**bar": "foo*bar" in one component, or "foo*" then "**bar". */
/* After a wildcard component expanded to nothing: a suffix the node
 * offers, else "probe point mismatch" unless the point is optional. */
static struct diag *wildcard_outcome(struct walk *w, struct prov_node *n,
				     comp_t *comps, int ncomps, int pos, int before)
{
	comp_t comp = comps[pos];

	if (w->out->n == before) {
		struct diag *err = try_suffix(w, n, comps, ncomps, pos);

		if (err)
			return err;
	}
	if (!w->optional && w->out->n == before)
		return prov_error(w->c, comp->tok,
				  "probe point mismatch: didn't find any wildcard matches%s",
				  similar(w, suggest_functors(w, n, comp->name)));
	return NULL;
}

static struct diag *double_glob(struct walk *w, struct prov_node *n,
				comp_t *comps, int ncomps, int pos)
{
	struct arena *a = w->c->arena;
	comp_t comp = comps[pos];
	const char *dstar = strstr(comp->name, "**");
	const char *rest = dstar + strspn(dstar, "*");
	const char *prefix = arena_strndup(a, comp->name, dstar - comp->name);
	int before = w->out->n;
	comp_t *one, *two;
	struct probe_comp *post;

	one = replace_comp(w, comps, ncomps, pos,
			   arena_printf(a, "%s*%s", prefix, rest), true);
	find_and_build(w, n, one, ncomps, pos);

	two = replace_comp(w, comps, ncomps, pos,
			   arena_printf(a, "%s*", prefix), false);
	post = arena_alloc(a, sizeof(*post));
	*post = *comp;
	post->name = arena_printf(a, "**%s", rest);
	memmove(two + pos + 2, two + pos + 1, (ncomps - pos - 1) * sizeof(*two));
	two[pos + 1] = post;
	find_and_build(w, n, two, ncomps + 1, pos);

	return wildcard_outcome(w, n, comps, ncomps, pos, before);
}

static struct diag *single_glob(struct walk *w, struct prov_node *n,
				comp_t *comps, int ncomps, int pos)
{
	comp_t comp = comps[pos];
	enum prov_param param = comp_param(comp);
	int before = w->out->n;

	for (int i = 0; i < n->subs.n; i++) {
		struct prov_node *sub = n->subs.v[i];
		comp_t *copy;

		if (sub->param != param ||
		    fnmatch(comp->name, sub->name, FNM_NOESCAPE) != 0)
			continue;
		copy = replace_comp(w, comps, ncomps, pos, sub->name, true);
		find_and_build(w, sub, copy, ncomps, pos + 1);
	}
	return wildcard_outcome(w, n, comps, ncomps, pos, before);
}

static struct diag *find_and_build(struct walk *w, struct prov_node *n,
				   comp_t *comps, int ncomps, int pos)
{
	comp_t comp;
	struct prov_node *sub;
	int before = w->out->n;
	struct diag *err;

	if (pos == ncomps) {
		if (n->ends.n == 0)
			return truncated(w, n, comps, ncomps);
		return run_builders(w, n, comps, ncomps);
	}
	comp = comps[pos];
	if (strstr(comp->name, "**"))
		return double_glob(w, n, comps, ncomps, pos);
	if (strchr(comp->name, '*'))
		return single_glob(w, n, comps, ncomps, pos);
	sub = prov_node_find(n, comp->name, comp_param(comp));
	if (sub)
		return find_and_build(w, sub, comps, ncomps, pos + 1);
	err = try_suffix(w, n, comps, ncomps, pos);
	if (err)
		return err;
	if (!w->optional && w->out->n == before)
		return prov_error(w->c, comp->tok, "probe point mismatch%s",
				  similar(w, suggest_functors(w, n, comp->name)));
	return NULL;
}

struct diag *prov_match(struct prov_ctx *c, const struct probe_point *pp,
			bool optional, struct ptrvec *out)
{
	struct walk w = { .c = c, .point = pp, .optional = optional, .out = out };
	int n = pp->comps.n;
	comp_t *comps = arena_alloc(c->arena, (n + 1) * sizeof(*comps));

	for (int i = 0; i < n; i++)
		comps[i] = pp->comps.v[i];
	return find_and_build(&w, &c->root, comps, n, 0);
}
