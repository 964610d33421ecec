/* Sorted (name, value) index with exact and glob lookup. */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "translator/debuginfo/symindex.h"
#include "translator/debuginfo/util.h"

void sidx_add(struct sidx *ix, const char *name, uint64_t val)
{
	if (ix->n == ix->cap) {
		ix->cap = ix->cap ? ix->cap * 2 : 256;
		ix->v = dbg_xreallocarray(ix->v, ix->cap, sizeof(*ix->v));
	}
	ix->v[ix->n].name = name;
	ix->v[ix->n].val = val;
	ix->n++;
}

static int ent_cmp(const void *a, const void *b)
{
	const struct sidx_ent *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return x->val < y->val ? -1 : x->val > y->val;
}

void sidx_finish(struct sidx *ix)
{
	if (ix->n)
		qsort(ix->v, ix->n, sizeof(*ix->v), ent_cmp);
}

void sidx_release(struct sidx *ix)
{
	free(ix->v);
	ix->v = NULL;
	ix->n = ix->cap = 0;
}

/* First entry whose name is >= key in its first keylen bytes (keylen
 * limits the comparison so the same search finds a prefix run). */
static size_t lower_bound(const struct sidx *ix, const char *key, size_t keylen)
{
	size_t lo = 0, hi = ix->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strncmp(ix->v[mid].name, key, keylen) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct sidx_ent *sidx_find(const struct sidx *ix, const char *name,
				 size_t *count)
{
	size_t len = strlen(name) + 1;	/* include the NUL: exact match */
	size_t i = lower_bound(ix, name, len), j = i;

	while (j < ix->n && strcmp(ix->v[j].name, name) == 0)
		j++;
	if (count)
		*count = j - i;
	return j > i ? &ix->v[i] : NULL;
}

int sidx_is_glob(const char *pattern)
{
	return strpbrk(pattern, "*?[\\") != NULL;
}

int sidx_glob(const struct sidx *ix, const char *pattern, sidx_cb cb,
	      void *arg)
{
	size_t plen = strcspn(pattern, "*?[\\");
	size_t i = lower_bound(ix, pattern, plen);
	int matches = 0;

	for (; i < ix->n && strncmp(ix->v[i].name, pattern, plen) == 0; i++) {
		if (fnmatch(pattern, ix->v[i].name, 0) != 0)
			continue;
		matches++;
		if (cb) {
			int r = cb(&ix->v[i], arg);
			if (r < 0)
				return r;
		}
	}
	return matches;
}
