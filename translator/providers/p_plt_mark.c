/* process("PATH").plt("NAME")[.return] (PLT stubs from the symbol
 * tables; bare .plt means every stub) and process("PATH").mark("NAME"),
 * .provider("PROV").mark("NAME") (SDT notes): spec/probes.md §2.7.1.
 * PLT probes have no $vars ($$name is the elaborator's); marks have
 * $arg1..$argN, listed as long. */
#include "translator/providers/prov_int.h"

#include <errno.h>
#include <string.h>

#include "translator/debuginfo/elfsym.h"

static const char *const plt_patterns[] = {
	"process(string).plt",
	"process(string).plt.return",
	"process(string).plt(string)",
	"process(string).plt(string).return",
	NULL,
};

struct plt_walk {
	struct prov_build *b;
	struct prov_target *t;
};

static int one_plt(const struct esym_plt *e, void *arg)
{
	struct plt_walk *w = arg;
	struct prov_probe *p = uprobe_emit(w->b, w->t, PROV_UP_PLT, e->addr);

	p->u.uprobe.function = e->name;
	prov_set_str(w->b->ctx, p, "plt", e->name);
	return 0;
}

static int plt_build(struct prov_build *b)
{
	struct ptrvec paths = { 0 };
	const char *pat = prov_str(b, "plt");

	if (prov_process_paths(b, &paths) < 0)
		return -1;
	for (int i = 0; i < paths.n; i++) {
		struct plt_walk w = { .b = b, .t = prov_target(b, paths.v[i]) };
		int n;

		if (!w.t)
			return -1;
		n = esym_plt_glob(w.t->esym, pat ? pat : "*", one_plt, &w);
		if (n == -ENOTSUP)
			return prov_fail(b, NULL, "PLT stubs of '%s' cannot be "
					 "located on this architecture", w.t->path);
	}
	return 0;
}

const struct provider prov_uprobe_plt = {
	.name = "DWARF builder",
	.patterns = plt_patterns,
	.build = plt_build,
};

static const char *const mark_patterns[] = {
	"process(string).mark(string)",
	"process(string).provider(string).mark(string)",
	NULL,
};

static int one_mark(const struct sdt_probe *s, void *arg)
{
	struct plt_walk *w = arg;
	struct prov_ctx *c = w->b->ctx;
	struct prov_probe *p = uprobe_emit(w->b, w->t, PROV_UP_MARK, s->pc);
	uint64_t sem = 0;

	p->u.uprobe.function = s->name;
	p->u.uprobe.provider = s->provider;
	if (s->semaphore)
		esym_vaddr_to_offset(w->t->esym, s->semaphore, &sem);
	p->u.uprobe.semaphore = sem;
	prov_set_str(c, p, "mark", s->name);
	prov_set_str(c, p, "provider", s->provider);
	for (int i = 0; i < s->nargs; i++) {
		struct prov_var *v = prov_add_var(c, p,
			arena_printf(c->arena, "arg%d", i + 1), "long", PROV_VAR_SDT_ARG);

		v->index = i;
		v->sdt = &s->argv[i];
	}
	return 0;
}

static int mark_build(struct prov_build *b)
{
	struct ptrvec paths = { 0 };
	const char *prov = prov_str(b, "provider");

	if (prov_process_paths(b, &paths) < 0)
		return -1;
	for (int i = 0; i < paths.n; i++) {
		struct plt_walk w = { .b = b, .t = prov_target(b, paths.v[i]) };

		if (!w.t)
			return -1;
		esym_sdt_glob(w.t->esym, prov ? prov : "*", prov_str(b, "mark"),
			      one_mark, &w);
	}
	return 0;
}

const struct provider prov_uprobe_mark = {
	.name = "sdt builder",
	.patterns = mark_patterns,
	.build = mark_build,
};
