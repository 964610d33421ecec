// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * log.c - staprun's messages on stderr; see log.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "staprun/log.h"

#define DEDUP_MAX 1024		/* distinct warnings remembered, as stapio */

static struct {
	int verbose;
	int no_warnings;
	int errors;
	char *seen[DEDUP_MAX];
	int nseen;
	int dedup_full;
} lg;

void log_init(int verbose, int no_warnings)
{
	log_release();
	lg.verbose = verbose;
	lg.no_warnings = no_warnings;
}

void log_release(void)
{
	int i;

	for (i = 0; i < lg.nseen; i++)
		free(lg.seen[i]);
	memset(&lg, 0, sizeof(lg));
}

int log_verbose(void)
{
	return lg.verbose;
}

int log_errors(void)
{
	return lg.errors;
}

void log_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void log_debug(int level, const char *fmt, ...)
{
	va_list ap;

	if (lg.verbose < level)
		return;
	fputs("staprun: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* prefix + text, with exactly one newline at the end */
static void put_line(const char *prefix, const char *text, size_t len)
{
	if (len && text[len - 1] == '\n')
		len--;
	fprintf(stderr, "%s%.*s\n", prefix, (int)len, text);
}

void log_error_line(const char *text, size_t len)
{
	lg.errors++;
	put_line("ERROR: ", text, len);
}

/* 1 if this warning was printed before; remembers it otherwise */
static int seen_before(const char *text, size_t len)
{
	char *copy;
	int i;

	for (i = 0; i < lg.nseen; i++)
		if (strlen(lg.seen[i]) == len && !memcmp(lg.seen[i], text, len))
			return 1;
	if (lg.nseen == DEDUP_MAX) {
		if (!lg.dedup_full)
			fputs("WARNING deduplication table full\n", stderr);
		lg.dedup_full = 1;
		return 0;
	}
	copy = strndup(text, len);
	if (copy)
		lg.seen[lg.nseen++] = copy;
	return 0;
}

void log_warn_line(const char *text, size_t len)
{
	if (lg.no_warnings)
		return;
	if (len && text[len - 1] == '\n')
		len--;
	if (!lg.verbose && seen_before(text, len))
		return;
	put_line("WARNING: ", text, len);
}

void log_warn(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	log_warn_line(buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

/*
 * libbpf's messages, as "bpf: <message>" without libbpf's own prefix:
 * warnings always (staprun then adds its one-line verdict), info with -v,
 * debug with -vv.
 */
int log_libbpf(int level, const char *fmt, va_list ap)
{
	char buf[1024];
	const char *s = buf;
	int n;

	if ((level == LIBBPF_INFO && lg.verbose < 1) ||
	    (level == LIBBPF_DEBUG && lg.verbose < 2))
		return 0;
	if (level == LIBBPF_WARN && lg.no_warnings && !lg.verbose)
		return 0;
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n < 0)
		return 0;
	if (!strncmp(s, "libbpf: ", 8))
		s += 8;
	fprintf(stderr, "bpf: %s", s);
	if (!*s || s[strlen(s) - 1] != '\n')
		fputc('\n', stderr);
	return n;
}
