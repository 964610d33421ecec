#include "translator/strset.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t hash(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h;
}

static bool same(const char *slot, const char *s, size_t len)
{
	return !strncmp(slot, s, len) && slot[len] == '\0';
}

static size_t find_n(const struct strset *set, const char *s, size_t len)
{
	size_t i = hash(s, len) & (set->cap - 1);

	while (set->slots[i] && !same(set->slots[i], s, len))
		i = (i + 1) & (set->cap - 1);
	return i;
}

static size_t find(const struct strset *set, const char *s)
{
	return find_n(set, s, strlen(s));
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

const char *strset_intern(struct strset *set, const char *s, size_t len)
{
	if (2 * (set->n + 1) > set->cap)
		grow(set);
	size_t i = find_n(set, s, len);

	if (!set->slots[i]) {
		set->slots[i] = strndup(s, len);
		if (!set->slots[i])
			abort();
		set->n++;
	}
	return set->slots[i];
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
