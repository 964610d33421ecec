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

/* The set's own copy of s[0, len), added if absent: equal texts share one
 * NUL-terminated copy that lives until strset_release. */
const char *strset_intern(struct strset *set, const char *s, size_t len);
/* Adds s; returns false if it was already present. */
bool strset_add(struct strset *set, const char *s);
bool strset_has(const struct strset *set, const char *s);
void strset_release(struct strset *set);

#endif
