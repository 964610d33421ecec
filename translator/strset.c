#include "translator/strset.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static size_t find(const struct strset *set, const char *s)
{
	size_t i = hash(s) & (set->cap - 1);

	while (set->slots[i] && strcmp(set->slots[i], s))
		i = (i + 1) & (set->cap - 1);
	return i;
}

static void grow(struct strset *set)
{
	struct strset bigger = { NULL, set->cap ? set->cap * 2 : 64, set->n };

	bigger.slots = calloc(bigger.cap, sizeof(*bigger.slots));
	if (!bigger.slots) {
		fputs("stap: out of memory\n", stderr);
		abort();
	}
	for (size_t i = 0; i < set->cap; i++)
		if (set->slots[i])
			bigger.slots[find(&bigger, set->slots[i])] = set->slots[i];
	free(set->slots);
	*set = bigger;
}

bool strset_has(const struct strset *set, const char *s)
{
	return set->cap && set->slots[find(set, s)];
}

bool strset_add(struct strset *set, const char *s)
{
	if (2 * (set->n + 1) > set->cap)
		grow(set);
	size_t i = find(set, s);

	if (set->slots[i])
		return false;
	set->slots[i] = strdup(s);
	if (!set->slots[i])
		abort();
	set->n++;
	return true;
}

void strset_release(struct strset *set)
{
	for (size_t i = 0; i < set->cap; i++)
		free(set->slots[i]);
	free(set->slots);
	*set = (struct strset){ 0 };
}
