/* process("PATH").statement("FUNC@FILE:LINE") and .statement(ADDR)
 * (spec/probes.md §2.7.1).  LINE is N, N-M, * (every line of the
 * function with code) or +N (relative to the declaration line).  Each
 * line with code inside a matching function is one probe at the line's
 * first statement address, printed FUNC@FILE:LINE with the file as the
 * line table spells it, and the variables in scope there.  An address
 * must be inside a function (DWARF, else the symbol table); it is printed
 * in hex.  Source lines need DWARF. */
#include "translator/providers/prov_int.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "translator/debuginfo/dwarf.h"
#include "translator/debuginfo/elfsym.h"

static const char *const patterns[] = {
	"process(string).statement(string)",
	"process(string).statement(number)",
	NULL,
};

struct stmt_spec {
	const char *func, *file;
	int first, last;	/* line range; relative when 'relative' */
	bool all, relative;
};

static int parse_spec(struct prov_build *b, const char *pat, struct stmt_spec *s)
{
	struct arena *a = b->ctx->arena;
	const char *at = strchr(pat, '@');
	const char *sep = at ? strpbrk(at, ":+") : NULL;
	char *end;

	memset(s, 0, sizeof(*s));
	if (!at || !sep)
		return prov_fail(b, prov_tok(b, "statement"),
				 "statement(\"%s\") needs FUNC@FILE:LINE", pat);
	s->func = arena_strndup(a, pat, at - pat);
	s->file = arena_strndup(a, at + 1, sep - at - 1);
	s->relative = *sep == '+';
	if (!strcmp(sep + 1, "*")) {
		s->all = true;
		return 0;
	}
	s->first = s->last = strtol(sep + 1, &end, 10);
	if (*end == '-')
		s->last = strtol(end + 1, &end, 10);
	if (*end || s->first <= 0 || s->last < s->first)
		return prov_fail(b, prov_tok(b, "statement"),
				 "invalid line range in statement(\"%s\")", pat);
	return 0;
}

struct stmt_walk {
	struct prov_build *b;
	struct prov_target *t;
	struct dwi *dwi;
	const struct stmt_spec *spec;
	int n;
};

/* The first statement of 'line' inside fn, if it has code there. */
static void one_line(struct stmt_walk *w, const struct dwi_func *fn, int line)
{
	struct prov_ctx *c = w->b->ctx;
	struct dwi_line *lines = NULL;
	int n = dwi_lines(w->dwi, fn->decl_file, line, &lines);

	for (int i = 0; i < n; i++) {
		struct prov_probe *p;

		if (lines[i].addr < fn->low_pc || lines[i].addr >= fn->high_pc)
			continue;
		p = uprobe_emit(w->b, w->t, PROV_UP_STATEMENT, lines[i].addr);
		p->u.uprobe.function = fn->name;
		p->u.uprobe.has_dwarf = true;
		prov_set_str(c, p, "statement", arena_printf(c->arena, "%s@%s:%d",
				fn->name, lines[i].file, line));
		prov_add_dwarf_vars(w->b->ctx, p, w->dwi, fn, lines[i].addr);
		w->n++;
		break;
	}
	free(lines);
}

static bool file_matches(const char *glob, const char *file)
{
	char buf[4096];

	snprintf(buf, sizeof(buf), "*/%s", glob);
	return fnmatch(glob, file, 0) == 0 || fnmatch(buf, file, 0) == 0;
}

static int stmt_func(const struct dwi_func *fn, void *arg)
{
	struct stmt_walk *w = arg;
	const struct stmt_spec *s = w->spec;
	int first = s->first, last = s->last;

	if (!file_matches(s->file, fn->decl_file))
		return 0;
	if (s->all) {
		const char *f;

		first = fn->decl_line;
		if (dwi_addr_line(w->dwi, fn->high_pc - 1, &f, &last) < 0)
			return 0;
	} else if (s->relative) {
		first += fn->decl_line;
		last += fn->decl_line;
	}
	for (int line = first; line <= last; line++)
		one_line(w, fn, line);
	return 0;
}

static int by_line(struct prov_build *b, struct prov_target *t, const char *pat)
{
	struct stmt_spec spec;
	struct stmt_walk w = { .b = b, .t = t, .spec = &spec };

	if (parse_spec(b, pat, &spec) < 0)
		return -1;
	w.dwi = prov_target_dwi(b->ctx, t);
	if (!w.dwi)
		return prov_fail(b, NULL, "cannot resolve statement(\"%s\"): '%s' has "
				 "no DWARF debug information", pat, t->path);
	dwi_funcs(w.dwi, spec.func, DWI_ANY, stmt_func, &w);
	return 0;
}

static int by_addr(struct prov_build *b, struct prov_target *t, int64_t addr)
{
	struct dwi *dwi = prov_target_dwi(b->ctx, t);
	uint64_t off;
	const struct esym *s = esym_by_addr(t->esym, addr, &off);
	struct prov_probe *p;
	struct stmt_walk w = { .b = b, .t = t, .dwi = dwi };

	if (!s)
		return prov_fail(b, prov_tok(b, "statement"),
				 "address %#llx is not inside a function of '%s'",
				 (long long)addr, t->path);
	p = uprobe_emit(b, t, PROV_UP_STATEMENT, addr);
	p->u.uprobe.function = s->name;
	prov_set_num(p, "statement", addr, true);
	if (dwi) {
		p->u.uprobe.has_dwarf = true;
		prov_add_dwarf_vars(w.b->ctx, p, w.dwi, NULL, addr);
	}
	return 0;
}

static int statement_build(struct prov_build *b)
{
	struct ptrvec paths = { 0 };
	const char *pat = prov_str(b, "statement");
	int64_t addr = 0;

	prov_num(b, "statement", &addr);
	if (prov_process_paths(b, &paths) < 0)
		return -1;
	for (int i = 0; i < paths.n; i++) {
		struct prov_target *t = prov_target(b, paths.v[i]);

		if (!t)
			return -1;
		if ((pat ? by_line(b, t, pat) : by_addr(b, t, addr)) < 0)
			return -1;
	}
	return 0;
}

const struct provider prov_uprobe_statement = {
	.name = "DWARF builder",
	.patterns = patterns,
	.build = statement_build,
};
