/* Source lines <-> addresses, for .statement("f@file:N") probes and for
 * printing where an address is.
 *
 * A CU's line table is read only if one of the CU's source files matches
 * the wanted file, so a lookup in a big binary opens the few line tables
 * that can answer rather than all of them. */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "translator/debuginfo/dwarf_int.h"
#include "translator/debuginfo/util.h"

struct line_query {
	const char *glob;
	char *anywhere;		/* "*" "/" glob: trailing components match */
	int line;
	struct dwi_line *v;
	size_t n, cap;
};

static bool file_matches(const struct line_query *q, const char *file)
{
	return file && (fnmatch(q->glob, file, 0) == 0 ||
			fnmatch(q->anywhere, file, 0) == 0);
}

static bool cu_has_file(const struct line_query *q, Dwarf_Die *cu)
{
	Dwarf_Files *files;
	size_t n;

	if (dwarf_getsrcfiles(cu, &files, &n) != 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (file_matches(q, dwarf_filesrc(files, i, NULL, NULL)))
			return true;
	return false;
}

static void push_line(struct line_query *q, const char *file, uint64_t addr)
{
	if (q->n == q->cap) {
		q->cap = q->cap ? q->cap * 2 : 16;
		q->v = dbg_xreallocarray(q->v, q->cap, sizeof(*q->v));
	}
	q->v[q->n].file = file;
	q->v[q->n].line = q->line;
	q->v[q->n].addr = addr;
	q->n++;
}

static void scan_cu(struct line_query *q, Dwarf_Die *cu)
{
	Dwarf_Lines *lines;
	size_t n;

	if (!cu_has_file(q, cu) || dwarf_getsrclines(cu, &lines, &n) != 0)
		return;
	for (size_t i = 0; i < n; i++) {
		Dwarf_Line *l = dwarf_onesrcline(lines, i);
		Dwarf_Addr addr;
		bool stmt = false, end = false;
		int lineno;
		const char *file;

		if (!l || dwarf_lineno(l, &lineno) != 0 || lineno != q->line ||
		    dwarf_linebeginstatement(l, &stmt) != 0 || !stmt ||
		    dwarf_lineendsequence(l, &end) != 0 || end ||
		    dwarf_lineaddr(l, &addr) != 0)
			continue;
		file = dwarf_linesrc(l, NULL, NULL);
		if (file_matches(q, file))
			push_line(q, file, addr);
	}
}

static int addr_cmp(const void *a, const void *b)
{
	const struct dwi_line *x = a, *y = b;

	return (x->addr > y->addr) - (x->addr < y->addr);
}

static void sort_unique(struct line_query *q)
{
	size_t out = 0;

	if (q->n)
		qsort(q->v, q->n, sizeof(*q->v), addr_cmp);
	for (size_t i = 0; i < q->n; i++)
		if (!out || q->v[out - 1].addr != q->v[i].addr)
			q->v[out++] = q->v[i];
	q->n = out;
}

int dwi_lines(struct dwi *d, const char *file_glob, int line,
	      struct dwi_line **lines)
{
	struct line_query q = { .glob = file_glob, .line = line };
	Dwarf_Die *cu = NULL;
	Dwarf_Addr bias;
	size_t len = strlen(file_glob) + 3;

	q.anywhere = dbg_xmalloc(len);
	snprintf(q.anywhere, len, "*/%s", file_glob);
	while ((cu = dwfl_module_nextcu(d->mod, cu, &bias)))
		scan_cu(&q, cu);
	free(q.anywhere);
	sort_unique(&q);
	*lines = q.v;
	return (int)q.n;
}

int dwi_addr_line(struct dwi *d, uint64_t addr, const char **file, int *line)
{
	Dwfl_Line *l = dwfl_module_getsrc(d->mod, addr + d->bias);
	const char *f;

	if (!l || !(f = dwfl_lineinfo(l, NULL, line, NULL, NULL, NULL)))
		return -ENOENT;
	*file = f;
	return 0;
}
