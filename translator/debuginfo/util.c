/* Allocation funnel and string builder for the debuginfo layer. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "translator/debuginfo/util.h"

static void *oom(void)
{
	fputs("stap: out of memory\n", stderr);
	abort();
}

void *dbg_xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);
	return p ? p : oom();
}

void *dbg_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	return p ? p : oom();
}

void *dbg_xrealloc(void *p, size_t size)
{
	p = realloc(p, size ? size : 1);
	return p ? p : oom();
}

void *dbg_xreallocarray(void *p, size_t n, size_t size)
{
	if (size && n > (size_t)-1 / size)
		return oom();
	return dbg_xrealloc(p, n * size);
}

char *dbg_xstrdup(const char *s)
{
	return dbg_xstrndup(s, strlen(s));
}

char *dbg_xstrndup(const char *s, size_t n)
{
	char *p = dbg_xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static void dstr_reserve(struct dstr *d, size_t extra)
{
	if (d->len + extra + 1 <= d->cap)
		return;
	d->cap = (d->len + extra + 1) * 2;
	d->s = dbg_xrealloc(d->s, d->cap);
}

void dstr_addn(struct dstr *d, const char *s, size_t n)
{
	dstr_reserve(d, n);
	memcpy(d->s + d->len, s, n);
	d->len += n;
	d->s[d->len] = '\0';
}

void dstr_add(struct dstr *d, const char *s)
{
	dstr_addn(d, s, strlen(s));
}

void dstr_addf(struct dstr *d, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	dstr_reserve(d, n);
	va_start(ap, fmt);
	vsnprintf(d->s + d->len, n + 1, fmt, ap);
	va_end(ap);
	d->len += n;
}

char *dstr_take(struct dstr *d)
{
	char *s = d->s ? d->s : dbg_xstrdup("");

	d->s = NULL;
	d->len = d->cap = 0;
	return s;
}

void dstr_release(struct dstr *d)
{
	free(d->s);
	d->s = NULL;
	d->len = d->cap = 0;
}

/* Pseudo-files (tracefs, /proc/kallsyms) report size 0, so read until
 * EOF instead of trusting fstat. */
int dbg_read_file(const char *path, char **out, size_t *len)
{
	struct dstr d = { 0 };
	char buf[65536];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = -errno;
			close(fd);
			dstr_release(&d);
			return err;
		}
		dstr_addn(&d, buf, n);
	}
	close(fd);
	if (len)
		*len = d.len;
	*out = dstr_take(&d);
	return 0;
}
