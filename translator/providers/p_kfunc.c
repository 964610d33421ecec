/* kernel.function("PATTERN")[.call|.return[.maxactive(N)]] from kernel
 * BTF (spec/probes.md §2.3), for kernels without DWARF.
 *
 * BTF knows every out-of-line function pahole kept, with parameter names
 * and types, but no source files or lines.  So a BTF-resolved probe is
 * printed like upstream's symbol-table fallback, without @FILE:LINE
 * (kernel.function("vfs_read")), yet -L shows the parameters (and
 * $return first for .return) as DWARF would at entry.  Patterns naming a
 * file or line, .inline, .statement and .label need kernel DWARF and say
 * so.  Attaching needs kprobes, or BTF trampolines (fentry/fexit) under
 * --runtime=bpf: recorded in 'needs', checked by the backends. */
#include "translator/providers/prov_int.h"

#include <string.h>

#include "translator/debuginfo/btf.h"

static const char *const patterns[] = {
	"kernel.function(string)",
	"kernel.function(string).call",
	"kernel.function(string).return",
	"kernel.function(string).return.maxactive(number)",
	NULL,
};

struct kfunc_walk {
	struct prov_build *b;
	struct dbtf *btf;
	bool is_return;
	int64_t maxactive;
};

static void add_vars(struct prov_ctx *c, struct prov_probe *p,
		     const struct dbtf_proto *proto, bool is_return)
{
	if (is_return && proto->ret_type_id) {
		struct prov_var *v = prov_add_var(c, p, "return", proto->ret_type,
						  PROV_VAR_BTF_RETURN);

		v->btf_type = proto->ret_type_id;
	}
	for (int i = 0; i < proto->nparams; i++) {
		struct prov_var *v = prov_add_var(c, p, proto->params[i].name,
						  proto->params[i].type,
						  PROV_VAR_BTF_ARG);

		v->index = i;
		v->btf_type = proto->params[i].type_id;
	}
}

static int one_func(const char *name, uint32_t id, void *arg)
{
	struct kfunc_walk *w = arg;
	struct prov_ctx *c = w->b->ctx;
	struct dbtf_proto *proto = dbtf_func_proto(w->btf, name);
	struct prov_probe *p;

	if (!proto)
		return 0;
	p = prov_emit(w->b, PROV_KFUNC);
	p->needs = PROV_NEED_KPROBES | PROV_NEED_FENTRY | PROV_NEED_BTF;
	p->u.kfunc.function = arena_strdup(c->arena, name);
	p->u.kfunc.btf_id = proto->id;
	p->u.kfunc.is_return = w->is_return;
	p->u.kfunc.maxactive = w->maxactive;
	prov_set_str(c, p, "function", name);
	add_vars(c, p, proto, w->is_return);
	dbtf_proto_free(proto);
	return 0;
}


static int offer(const char *name, uint32_t id, void *arg)
{
	suggest_add(arg, name);
	return 0;
}

static void offer_all(struct suggest *s, void *btf)
{
	dbtf_func_glob(btf, "*", offer, s);
}

/* "no match (similar function(s): ...)" over the BTF function names. */
static int no_match(struct prov_build *b, struct dbtf *btf, const char *pat)
{
	return suggest_no_match_function(b, pat, offer_all, btf);
}

static int kfunc_build(struct prov_build *b)
{
	const char *pat = prov_str(b, "function");
	struct kfunc_walk w = { .b = b, .maxactive = -1 };
	int n;

	if (strpbrk(pat, "@:+"))
		return prov_fail(b, prov_tok(b, "function"),
				 "source locations in kernel.function need kernel "
				 "DWARF, which is not installed (BTF has no file:line)");
	w.btf = prov_btf(b);
	if (!w.btf)
		return -1;
	w.is_return = prov_has(b, "return");
	prov_num(b, "maxactive", &w.maxactive);
	n = dbtf_func_glob(w.btf, pat, one_func, &w);
	if (n < 0)
		return prov_fail(b, NULL, "cannot list kernel functions: %s", strerror(-n));
	return n ? 0 : no_match(b, w.btf, pat);
}

const struct provider prov_kfunc = {
	.name = "kernel BTF function builder",
	.patterns = patterns,
	.build = kfunc_build,
};

/* ---- forms that need kernel DWARF ---- */

static const char *const dwarf_patterns[] = {
	"kernel.function(number)",
	"kernel.function(string).inline",
	"kernel.function(string).label(string)",
	"kernel.statement(string)",
	"kernel.statement(number)",
	NULL,
};

static int kdwarf_build(struct prov_build *b)
{
	return prov_fail(b, NULL, "this probe point needs kernel DWARF, which is "
			 "not installed (install the kernel's debug symbols)");
}

const struct provider prov_kstatement = {
	.name = "DWARF builder",
	.patterns = dwarf_patterns,
	.build = kdwarf_build,
	.unsupported = true,
};
