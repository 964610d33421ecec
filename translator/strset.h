/* A set of strings (open addressing, FNV-1a), for membership tests that
 * must stay linear in the input: printed diagnostics, interned names. */
#ifndef SONDE_STRSET_H
#define SONDE_STRSET_H

#include <stdbool.h>
#include <stddef.h>

struct strset {
	char **slots;                /* NULL or owned copies */
	size_t cap, n;
};

/* Adds s; returns false if it was already present. */
bool strset_add(struct strset *set, const char *s);
bool strset_has(const struct strset *set, const char *s);
void strset_release(struct strset *set);

#endif
