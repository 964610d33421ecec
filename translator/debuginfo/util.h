/* Small helpers shared by the debuginfo modules: allocation that aborts
 * on out-of-memory (the translator's policy, as in translator/arena.h, so
 * callers never check) and a growable string for rendering type names. */
#ifndef SONDE_DEBUGINFO_UTIL_H
#define SONDE_DEBUGINFO_UTIL_H

#include <stddef.h>

void *dbg_xmalloc(size_t size);
void *dbg_xcalloc(size_t n, size_t size);
void *dbg_xrealloc(void *p, size_t size);
void *dbg_xreallocarray(void *p, size_t n, size_t size);
char *dbg_xstrdup(const char *s);
char *dbg_xstrndup(const char *s, size_t n);

/* Growable NUL-terminated string.  Zero-initialise, append, then take the
 * buffer with dstr_take() or drop it with dstr_release(). */
struct dstr {
	char *s;
	size_t len, cap;
};

void dstr_add(struct dstr *d, const char *s);
void dstr_addn(struct dstr *d, const char *s, size_t n);
void dstr_addf(struct dstr *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *dstr_take(struct dstr *d);	/* malloc'd, never NULL; d is reset */
void dstr_release(struct dstr *d);

/* Read a whole (possibly pseudo-) file into a malloc'd NUL-terminated
 * buffer.  Returns 0 or a negative errno. */
int dbg_read_file(const char *path, char **out, size_t *len);

#endif
