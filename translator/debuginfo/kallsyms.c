/* /proc/kallsyms and System.map: parsed in place, indexed on demand. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "translator/debuginfo/kallsyms.h"
#include "translator/debuginfo/symindex.h"
#include "translator/debuginfo/util.h"

struct ksyms {
	char *buf;			/* the file; names point into it */
	struct ksym *syms;
	size_t nsyms;
	bool hidden;
	bool indexed;
	struct sidx by_name;		/* name -> index into syms */
	struct ksym **by_addr;		/* text symbols by address */
	size_t nby_addr;
};

static bool is_text(char type)
{
	return type == 't' || type == 'T' || type == 'w' || type == 'W';
}

/* "ffffffff816bab70 T vfs_read" or "... t name\t[module]"; the line is
 * cut into NUL-terminated pieces in place. */
static bool parse_line(char *line, struct ksym *s)
{
	char *end, *name, *mod;

	s->addr = strtoull(line, &end, 16);
	if (end == line || *end != ' ' || !end[1] || end[2] != ' ')
		return false;
	s->type = end[1];
	name = end + 3;
	mod = strchr(name, '\t');
	s->module = NULL;
	if (mod) {
		*mod++ = '\0';
		if (*mod == '[') {
			mod++;
			mod[strcspn(mod, "]")] = '\0';
			s->module = mod;
		}
	}
	s->name = name;
	return *name != '\0';
}

static void parse_all(struct ksyms *k)
{
	size_t cap = 0;
	char *next;

	k->hidden = true;
	for (char *line = k->buf; line && *line; line = next) {
		char *nl = strchr(line, '\n');
		struct ksym s;

		next = nl ? nl + 1 : NULL;
		if (nl)
			*nl = '\0';
		if (!parse_line(line, &s))
			continue;
		if (k->nsyms == cap) {
			cap = cap ? cap * 2 : 65536;
			k->syms = dbg_xreallocarray(k->syms, cap, sizeof(*k->syms));
		}
		k->syms[k->nsyms++] = s;
		k->hidden &= s.addr == 0;
	}
}

struct ksyms *ksyms_open(const char *path)
{
	struct ksyms *k = dbg_xcalloc(1, sizeof(*k));
	int r = dbg_read_file(path ? path : KSYMS_PROC, &k->buf, NULL);

	if (r < 0) {
		free(k);
		errno = -r;
		return NULL;
	}
	parse_all(k);
	return k;
}

void ksyms_close(struct ksyms *k)
{
	if (!k)
		return;
	sidx_release(&k->by_name);
	free(k->by_addr);
	free(k->syms);
	free(k->buf);
	free(k);
}

size_t ksyms_count(const struct ksyms *k)
{
	return k->nsyms;
}

bool ksyms_addrs_hidden(const struct ksyms *k)
{
	return k->hidden;
}

static int addr_cmp(const void *a, const void *b)
{
	const struct ksym *x = *(const struct ksym *const *)a;
	const struct ksym *y = *(const struct ksym *const *)b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x < y ? -1 : x > y;	/* stable: file order */
}

static void build_indexes(struct ksyms *k)
{
	k->indexed = true;
	k->by_addr = dbg_xcalloc(k->nsyms, sizeof(*k->by_addr));
	for (size_t i = 0; i < k->nsyms; i++) {
		sidx_add(&k->by_name, k->syms[i].name, i);
		if (is_text(k->syms[i].type))
			k->by_addr[k->nby_addr++] = &k->syms[i];
	}
	sidx_finish(&k->by_name);
	qsort(k->by_addr, k->nby_addr, sizeof(*k->by_addr), addr_cmp);
}

const struct ksym *ksyms_lookup(struct ksyms *k, const char *name,
				size_t *count)
{
	const struct sidx_ent *e;

	if (!k->indexed)
		build_indexes(k);
	e = sidx_find(&k->by_name, name, count);
	return e ? &k->syms[e->val] : NULL;
}

struct glob_state {
	struct ksyms *k;
	bool skip_pfx;
	ksym_cb cb;
	void *arg;
	int count;
};

static int glob_one(const struct sidx_ent *e, void *arg)
{
	struct glob_state *g = arg;
	const struct ksym *s = &g->k->syms[e->val];

	if (!is_text(s->type) ||
	    (g->skip_pfx && strncmp(s->name, "__pfx_", 6) == 0))
		return 0;
	g->count++;
	return g->cb ? g->cb(s, g->arg) : 0;
}

int ksyms_glob(struct ksyms *k, const char *pattern, ksym_cb cb, void *arg)
{
	struct glob_state g = { k, strncmp(pattern, "__pfx", 5) != 0, cb, arg, 0 };
	int r;

	if (!k->indexed)
		build_indexes(k);
	r = sidx_glob(&k->by_name, pattern, glob_one, &g);
	return r < 0 ? r : g.count;
}

const struct ksym *ksyms_by_addr(struct ksyms *k, uint64_t addr,
				 uint64_t *offset)
{
	size_t lo = 0, hi;

	if (!k->indexed)
		build_indexes(k);
	hi = k->nby_addr;
	while (lo < hi) {		/* first symbol above addr */
		size_t mid = lo + (hi - lo) / 2;
		if (k->by_addr[mid]->addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || k->hidden)
		return NULL;
	if (offset)
		*offset = addr - k->by_addr[lo - 1]->addr;
	return k->by_addr[lo - 1];
}
