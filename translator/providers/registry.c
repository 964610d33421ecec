/* The registration table and the pattern tree built from it.
 *
 * Every provider is listed in prov_table; prov_tree_init() parses each
 * provider's patterns ("process(string).function(string).return") into a
 * tree keyed by (component name, parameter kind), as upstream's
 * match_node tree, ordered as upstream's match_key: by name, then no
 * parameter < number < string.  The same order drives matching
 * (wildcards expand in it), "truncated (follow: ...)" lists and
 * --dump-probe-types. */
#include "translator/providers/prov_int.h"

#include <stdlib.h>
#include <string.h>

const struct provider *const prov_table[] = {
	&prov_been,
	&prov_timer,
	&prov_timer_profile,
	&prov_perf,
	&prov_perf_named,
	&prov_trace,
	&prov_kfunc,
	&prov_kstatement,
	&prov_kprobe,
	&prov_uprobe_function,
	&prov_uprobe_statement,
	&prov_uprobe_plt,
	&prov_uprobe_mark,
	&prov_utrace,
	&prov_procfs,
	&prov_unsupported_forms,
	NULL,
};

static int key_cmp(const char *name, enum prov_param param,
		   const struct prov_node *n)
{
	int r = strcmp(name, n->name);

	return r ? r : (int)param - (int)n->param;
}

struct prov_node *prov_node_find(const struct prov_node *n, const char *name,
				 enum prov_param param)
{
	int lo = 0, hi = n->subs.n;

	while (lo < hi) {
		int mid = (lo + hi) / 2;
		struct prov_node *s = n->subs.v[mid];
		int r = key_cmp(name, param, s);

		if (r == 0)
			return s;
		if (r < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* The child (name, param) of n, created in sorted position if absent. */
static struct prov_node *node_bind(struct prov_ctx *c, struct prov_node *n,
				   const char *name, enum prov_param param)
{
	struct prov_node *s = prov_node_find(n, name, param);
	int i;

	if (s)
		return s;
	s = arena_alloc(c->arena, sizeof(*s));
	s->name = name;
	s->param = param;
	ptrvec_push(c->arena, &n->subs, s);
	for (i = n->subs.n - 1; i > 0; i--) {
		struct prov_node *prev = n->subs.v[i - 1];

		if (key_cmp(name, param, prev) > 0)
			break;
		n->subs.v[i] = prev;
	}
	n->subs.v[i] = s;
	return s;
}

/* "name(number)" -> name, PARAM_NUMBER; the text is copied. */
static const char *parse_piece(struct prov_ctx *c, const char *s, size_t len,
			       enum prov_param *param)
{
	const char *paren = memchr(s, '(', len);

	*param = PARAM_NONE;
	if (!paren)
		return arena_strndup(c->arena, s, len);
	*param = paren[1] == 'n' ? PARAM_NUMBER : PARAM_STRING;
	return arena_strndup(c->arena, s, paren - s);
}

static void bind_pattern(struct prov_ctx *c, const char *pat, struct prov_end *end)
{
	struct prov_node *n = &c->root;

	while (*pat) {
		size_t len = strcspn(pat, ".");
		enum prov_param param;
		const char *name = parse_piece(c, pat, len, &param);

		n = node_bind(c, n, name, param);
		pat += len + (pat[len] == '.');
	}
	ptrvec_push(c->arena, &n->ends, end);
}

void prov_tree_init(struct prov_ctx *c)
{
	for (int i = 0; prov_table[i]; i++) {
		const struct provider *p = prov_table[i];
		struct prov_end *end = arena_alloc(c->arena, sizeof(*end));

		end->prov = p;
		for (int j = 0; p->patterns[j]; j++)
			bind_pattern(c, p->patterns[j], end);
	}
}

void prov_bind_alias(struct prov_ctx *c, const struct probe_point *name,
		     prov_alias_fn fn, void *arg)
{
	struct prov_node *n = &c->root;
	struct prov_end *end = arena_alloc(c->arena, sizeof(*end));

	end->alias = fn;
	end->alias_arg = arg;
	for (int i = 0; i < name->comps.n; i++) {
		const struct probe_comp *pc = name->comps.v[i];
		enum prov_param param = !pc->arg ? PARAM_NONE :
			pc->arg->kind == E_NUMBER ? PARAM_NUMBER : PARAM_STRING;

		n = node_bind(c, n, pc->name, param);
	}
	ptrvec_push(c->arena, &n->ends, end);
}

void prov_bind_alias_name(struct prov_ctx *c, const char *dotted,
			  prov_alias_fn fn, void *arg)
{
	struct prov_end *end = arena_alloc(c->arena, sizeof(*end));

	end->alias = fn;
	end->alias_arg = arg;
	bind_pattern(c, dotted, end);
}

/* "name", "name(number)" or "name(string)". */
const char *prov_node_key(struct arena *a, const struct prov_node *n)
{
	if (n->param == PARAM_NONE)
		return n->name;
	return arena_printf(a, "%s(%s)", n->name,
			    n->param == PARAM_NUMBER ? "number" : "string");
}

static bool dumpable(const struct prov_node *n)
{
	for (int i = 0; i < n->ends.n; i++) {
		const struct prov_end *e = n->ends.v[i];

		if (e->prov && !e->prov->unsupported && !e->prov->is_alias)
			return true;
	}
	return false;
}

static void dump_node(struct prov_ctx *c, const struct prov_node *n,
		      const char *prefix, FILE *out)
{
	for (int i = 0; i < n->subs.n; i++) {
		const struct prov_node *s = n->subs.v[i];
		const char *key = prov_node_key(c->arena, s);
		const char *name = *prefix ? arena_printf(c->arena, "%s.%s", prefix, key)
					   : key;

		if (dumpable(s))
			fprintf(out, "%s\n", name);
		dump_node(c, s, name, out);
	}
}

void prov_dump_types(struct prov_ctx *c, FILE *out)
{
	dump_node(c, &c->root, "", out);
}
