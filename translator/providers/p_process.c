/* process("PATH").function("PATTERN")[.call|.inline|.return]
 * (spec/probes.md §2.7.1): uprobes on user-space functions.
 *
 * PATTERN is FUNC[@FILE] (globs).  With DWARF (in the file or found by
 * libdwfl) each matching function, or inlined instance, is one probe,
 * printed FUNC@DECLFILE:DECLLINE and placed past the prologue, with the
 * parameters and locals that have a location there; .return probes the
 * entry (uretprobe), lists $return first, and takes the same variables
 * (saved at the post-prologue pc).  Functions of the symbol table that
 * DWARF does not describe (crt code), and every function of a binary
 * without DWARF, are symbol-only probes: printed as the bare name, placed
 * at the symbol, no variables (upstream's fallback).  A symbol inside
 * code DWARF describes is probed as the DWARF function at its address
 * (malloc as __libc_malloc@malloc.c), or not at all. */
#include "translator/providers/prov_int.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "translator/debuginfo/dwarf.h"
#include "translator/debuginfo/elfsym.h"
#include "translator/strset.h"

static const char *const patterns[] = {
	"process(string).function(string)",
	"process(string).function(string).call",
	"process(string).function(string).inline",
	"process(string).function(string).return",
	NULL,
};

struct prov_probe *uprobe_emit(struct prov_build *b, struct prov_target *t,
			       enum prov_uprobe_kind kind, uint64_t vaddr)
{
	struct prov_probe *p = prov_emit(b, PROV_UPROBE);
	uint64_t off = 0;

	esym_vaddr_to_offset(t->esym, vaddr, &off);
	p->needs = PROV_NEED_UPROBES;
	p->u.uprobe.kind = kind;
	p->u.uprobe.path = t->path;
	p->u.uprobe.vaddr = vaddr;
	p->u.uprobe.vars_pc = vaddr;
	p->u.uprobe.offset = off;
	p->u.uprobe.is_return = prov_has(b, "return");
	prov_set_str(b->ctx, p, "process", t->path);
	return p;
}

struct name_list {
	struct arena *arena;
	struct ptrvec names;
};

static int add_sym(const struct esym *s, void *arg)
{
	struct name_list *l = arg;

	ptrvec_push(l->arena, &l->names, (void *)s->name);
	return 0;
}

static int add_plt(const struct esym_plt *p, void *arg)
{
	struct name_list *l = arg;

	ptrvec_push(l->arena, &l->names, (void *)p->name);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* upstream's "(similar functions: ...)": the defined functions and the
 * imported ones (PLT), as one sorted set. */
static const char *suggest_functions(struct prov_build *b, struct prov_target *t,
				     const char *pat)
{
	struct name_list l = { .arena = b->ctx->arena };
	struct suggest s;
	const char *star = strpbrk(pat, "*?[");

	if (!b->ctx->suggest || star == pat)
		return "";
	if (star)
		pat = arena_strndup(b->ctx->arena, pat, star - pat);
	esym_glob(t->esym, "*", ESYM_FUNC, add_sym, &l);
	esym_plt_glob(t->esym, "*", add_plt, &l);
	if (l.names.n)
		qsort(l.names.v, l.names.n, sizeof(*l.names.v), cmp_str);
	suggest_init(&s, b->ctx->arena, pat, 5);
	for (int i = 0; i < l.names.n; i++)
		if (!i || strcmp(l.names.v[i - 1], l.names.v[i]))
			suggest_add(&s, l.names.v[i]);
	return suggest_text(&s);
}

struct func_walk {
	struct prov_build *b;
	struct prov_target *t;
	struct dwi *dwi;
	const char *file;	/* @FILE glob, or NULL */
	struct strset seen;	/* DIEs already probed ("%lx" offsets) */
	int n;
};

/* @FILE as upstream matches it: as written, else any trailing part. */
static bool file_matches(const char *glob, const char *file)
{
	char buf[4096];

	if (!glob)
		return true;
	if (fnmatch(glob, file, 0) == 0)
		return true;
	snprintf(buf, sizeof(buf), "*/%s", glob);
	return fnmatch(buf, file, 0) == 0;
}

/* FUNC@DECLFILE:DECLLINE; functions without a declaration (assembler
 * code) take file:line from the line table at their entry. */
static const char *dwarf_name(struct func_walk *w, const struct dwi_func *fn)
{
	const char *file = fn->decl_file;
	int line = fn->decl_line;

	if (!file && dwi_addr_line(w->dwi, fn->entry_pc, &file, &line) < 0)
		return fn->name;
	return arena_printf(w->b->ctx->arena, "%s@%s:%d", fn->name, file, line);
}

static int dwarf_func(const struct dwi_func *fn, void *arg)
{
	struct func_walk *w = arg;
	struct prov_ctx *c = w->b->ctx;
	bool is_return = prov_has(w->b, "return");
	uint64_t pc = fn->entry_pc;
	struct prov_probe *p;
	char *ret;

	char die[32];

	if (!file_matches(w->file, fn->decl_file ? fn->decl_file : ""))
		return 0;
	snprintf(die, sizeof(die), "%lx", (unsigned long)fn->die);
	if (!strset_add(&w->seen, die))
		return 0;
	if (!fn->inlined)
		dwi_prologue_end(w->dwi, fn, &pc);
	p = uprobe_emit(w->b, w->t, PROV_UP_FUNCTION, is_return ? fn->entry_pc : pc);
	p->u.uprobe.vars_pc = pc;
	p->u.uprobe.function = fn->name;
	p->u.uprobe.has_dwarf = true;
	prov_set_str(c, p, "function", dwarf_name(w, fn));
	ret = is_return ? dwi_return_type(w->dwi, fn) : NULL;
	if (ret) {
		/* the backends read $return by the shape of its type */
		struct dwi_var *rv = arena_alloc(c->arena, sizeof(*rv));

		memset(rv, 0, sizeof(*rv));
		dwi_return_scalar(w->dwi, fn, &rv->val);
		prov_add_var(c, p, "return", ret, PROV_VAR_DWARF_RETURN)->dwarf = rv;
	}
	free(ret);
	prov_add_dwarf_vars(w->b->ctx, p, w->dwi, fn, pc);
	w->n++;
	return 0;
}

/* A symbol: the DWARF function at its address when there is one (so the
 * alias malloc is probed as __libc_malloc@malloc.c, as upstream does),
 * else a symbol-only probe. */
static int symbol_func(const struct esym *s, void *arg)
{
	struct func_walk *w = arg;
	const struct dwi_func *fn = w->dwi && !prov_has(w->b, "inline") ?
		prov_target_func_at(w->b->ctx, w->t, s->addr) : NULL;
	struct prov_probe *p;

	const char *file;
	int line;

	if (fn)
		return dwarf_func(fn, w);
	/* inside code DWARF describes, but not a function it names: upstream
	 * probes nothing there */
	if (w->file || (w->dwi && dwi_addr_line(w->dwi, s->addr, &file, &line) == 0))
		return 0;
	p = uprobe_emit(w->b, w->t, PROV_UP_FUNCTION, s->addr);
	p->u.uprobe.function = s->name;
	prov_set_str(w->b->ctx, p, "function", s->name);
	w->n++;
	return 0;
}

static unsigned dwarf_which(const struct prov_build *b)
{
	if (prov_has(b, "inline"))
		return DWI_INLINE;
	if (prov_has(b, "call") || prov_has(b, "return"))
		return DWI_CALL;
	return DWI_ANY;
}

static int one_target(struct prov_build *b, const char *path, const char *func,
		      const char *file)
{
	struct func_walk w = { .b = b, .file = file };
	const char *sugs;

	w.t = prov_target(b, path);
	if (!w.t)
		return -1;
	w.dwi = prov_target_dwi(b->ctx, w.t);
	if (w.dwi)
		dwi_funcs(w.dwi, func, dwarf_which(b), dwarf_func, &w);
	if (!prov_has(b, "inline"))
		esym_glob(w.t->esym, func, ESYM_FUNC, symbol_func, &w);
	strset_release(&w.seen);
	if (w.n || b->point->optional)
		return 0;
	sugs = suggest_functions(b, w.t, func);
	if (!*sugs)
		return 0;
	return prov_fail(b, NULL, "no match (similar function%s: %s)",
			 strchr(sugs, ',') ? "s" : "", sugs);
}

static int function_build(struct prov_build *b)
{
	struct ptrvec paths = { 0 };
	const char *pat = prov_str(b, "function");
	const char *at = strchr(pat, '@');
	const char *func = at ? arena_strndup(b->ctx->arena, pat, at - pat) : pat;
	const char *file = at ? at + 1 : NULL;

	if ((file && strpbrk(file, ":+")) || (!file && strpbrk(pat, ":+")))
		return prov_fail(b, prov_tok(b, "function"),
				 "line numbers in process().function patterns are "
				 "not supported yet (use .statement)");
	if (prov_process_paths(b, &paths) < 0)
		return -1;
	for (int i = 0; i < paths.n; i++)
		if (one_target(b, paths.v[i], func, file) < 0)
			return -1;
	return 0;
}

const struct provider prov_uprobe_function = {
	.name = "DWARF builder",
	.patterns = patterns,
	.build = function_build,
};
