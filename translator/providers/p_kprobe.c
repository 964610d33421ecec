/* kprobe.function("FUNC")[.call|.return[.maxactive(N)]] and
 * kprobe.module("MOD").function("FUNC")[...] (spec/probes.md §2.4):
 * DWARF-less kprobes by symbol name.  Function names are globbed against
 * the kernel's text symbols (kallsyms, without __pfx_ stubs), one probe
 * per distinct name; module function names pass through verbatim and are
 * checked by the kernel at registration.  No context variables. */
#include "translator/providers/prov_int.h"

#include <string.h>

#include "translator/debuginfo/kallsyms.h"

static const char *const patterns[] = {
	"kprobe.function(string)",
	"kprobe.function(string).call",
	"kprobe.function(string).return",
	"kprobe.function(string).return.maxactive(number)",
	"kprobe.module(string).function(string)",
	"kprobe.module(string).function(string).call",
	"kprobe.module(string).function(string).return",
	"kprobe.module(string).function(string).return.maxactive(number)",
	NULL,
};

struct kprobe_walk {
	struct prov_build *b;
	const char *last;	/* same-named symbols are one probe */
};

static struct prov_probe *emit(struct prov_build *b, const char *name)
{
	struct prov_ctx *c = b->ctx;
	struct prov_probe *p = prov_emit(b, PROV_KPROBE);

	p->needs = PROV_NEED_KPROBES;
	p->u.kprobe.symbol = arena_strdup(c->arena, name);
	p->u.kprobe.module = prov_str(b, "module");
	p->u.kprobe.is_return = prov_has(b, "return");
	if (!prov_num(b, "maxactive", &p->u.kprobe.maxactive))
		p->u.kprobe.maxactive = -1;
	prov_set_str(c, p, "function", name);
	return p;
}

static int one_sym(const struct ksym *s, void *arg)
{
	struct kprobe_walk *w = arg;

	if (s->module || (w->last && !strcmp(w->last, s->name)))
		return 0;
	w->last = s->name;
	emit(w->b, s->name);
	return 0;
}

static int offer(const struct ksym *s, void *arg)
{
	if (!s->module)
		suggest_add(arg, s->name);
	return 0;
}

static void offer_all(struct suggest *s, void *k)
{
	ksyms_glob(k, "*", offer, s);
}

/* "no match (similar function(s): ...)" over the kernel's symbols. */
static int no_match(struct prov_build *b, struct ksyms *k, const char *pat)
{
	return suggest_no_match_function(b, pat, offer_all, k);
}

static int kprobe_build(struct prov_build *b)
{
	const char *pat = prov_str(b, "function");
	struct kprobe_walk w = { .b = b };
	struct ksyms *k;
	int n;

	if (prov_has(b, "module")) {
		emit(b, pat);
		return 0;
	}
	k = prov_ksyms(b);
	if (!k)
		return -1;
	n = ksyms_glob(k, pat, one_sym, &w);
	if (n < 0)
		return prov_fail(b, NULL, "cannot list kernel symbols: %s", strerror(-n));
	return w.last ? 0 : no_match(b, k, pat);
}

const struct provider prov_kprobe = {
	.name = "kprobe builder",
	.patterns = patterns,
	.build = kprobe_build,
};
