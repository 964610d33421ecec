/* The provider context and the resolution entry points: one point
 * (prov_resolve_point) and one probe's comma list with upstream's '?'
 * and '!' rules (prov_resolve_probe, after elaborate.cxx derive_probes). */
#include "translator/providers/prov_int.h"

#include <stdlib.h>
#include <string.h>

#include "translator/debuginfo/btf.h"
#include "translator/debuginfo/dwarf.h"
#include "translator/debuginfo/elfsym.h"
#include "translator/debuginfo/kallsyms.h"
#include "translator/debuginfo/tracefs.h"

struct prov_ctx *prov_ctx_new(struct arena *a, const struct prov_opts *o)
{
	struct prov_ctx *c = calloc(1, sizeof(*c));

	if (!c)
		abort();
	c->arena = a;
	c->opts = *o;
	c->suggest = !o->listing || o->verbose >= 2;
	prov_tree_init(c);
	return c;
}

void prov_ctx_free(struct prov_ctx *c)
{
	if (!c)
		return;
	for (int i = 0; i < c->scopes.n; i++)
		dwi_vars_free(c->scopes.v[i]);
	for (int i = 0; i < c->targets.n; i++) {
		struct prov_target *t = c->targets.v[i];

		dwi_close(t->dwi);
		esym_close(t->esym);
		free(t->faddr);
	}
	dbtf_close(c->btf);
	tfs_close(c->tfs);
	ksyms_close(c->ksyms);
	free(c);
}

struct diag *prov_resolve_point(struct prov_ctx *c, const struct probe_point *pp,
				bool optional, struct ptrvec *out)
{
	int before = out->n;
	bool opt = optional || pp->optional;
	struct diag *err = prov_match(c, pp, opt, out);

	if (err) {
		out->n = before;
		return err;
	}
	if (!opt && out->n == before)
		return prov_error(c, NULL, "no match");
	return NULL;
}

/* Record an unrecorded error chain in d. */
static void record(struct diags *d, const struct diag *g)
{
	struct diag *r = diag_semantic_error(d, g->tok, "%s", g->msg);

	r->chain = g->chain;
}

int prov_resolve_probe(struct prov_ctx *c, const struct probe *p,
		       struct ptrvec *out, struct diags *d)
{
	struct ptrvec optional_errs = { 0 };
	int start = out->n;

	for (int i = 0; i < p->points.n; i++) {
		const struct probe_point *pp = p->points.v[i];
		const struct probe_comp *first = pp->comps.v[0];
		int before = out->n;
		struct diag *err = prov_resolve_point(c, pp, false, out);

		if (err) {
			struct diag *w = prov_error(c, first->tok,
						    "while resolving probe point");

			w->chain = err;
			if (pp->optional) {
				ptrvec_push(c->arena, &optional_errs, w);
				continue;
			}
			record(d, w);
			for (int j = 0; j < optional_errs.n; j++)
				record(d, optional_errs.v[j]);
			continue;
		}
		if (pp->sufficient && out->n > before)
			break;
	}
	return out->n - start;
}
