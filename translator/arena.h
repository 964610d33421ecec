/* Arena allocation for everything a translation builds: tokens, AST
 * nodes, strings.  One arena_release() frees it all.  Allocation never
 * fails from the caller's point of view: out of memory aborts with a
 * message, so callers need not check. */
#ifndef SONDE_ARENA_H
#define SONDE_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head;   /* block being filled; older ones chained */
	size_t total;               /* bytes handed out, for -v statistics */
};

void *arena_alloc(struct arena *a, size_t size);        /* zeroed */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void arena_release(struct arena *a);

/* Growable array of pointers living in an arena (old storage is simply
 * abandoned on growth; the arena frees it at the end). */
struct ptrvec {
	void **v;
	int n, cap;
};
void ptrvec_push(struct arena *a, struct ptrvec *pv, void *p);

#endif
