/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * log.h - staprun's one route to stderr.
 *
 * Every message staprun prints on stderr goes through here: its own
 * failures ("bpf: cannot load program 'probe_3': Permission denied"),
 * libbpf's messages (through log_libbpf, the callback installed with
 * libbpf_set_print), and the script's ERROR:/WARNING: lines.  Warnings
 * are de-duplicated as stapio does (not with -v) and dropped with -w.
 */
#ifndef SONDE_STAPRUN_LOG_H
#define SONDE_STAPRUN_LOG_H

#include <stdarg.h>
#include <stddef.h>

void log_init(int verbose, int no_warnings);
void log_release(void);
int log_verbose(void);

/* A staprun failure, "area: what failed 'name': reason" (a line) */
void log_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Progress shown with -v at level or above, prefixed "staprun: " */
void log_debug(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "ERROR: text\n" (the text may end in a newline); counts the error */
void log_error_line(const char *text, size_t len);
/* "WARNING: text\n", de-duplicated */
void log_warn_line(const char *text, size_t len);
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* ERROR: lines printed so far */
int log_errors(void);

/* libbpf's print callback (the level is enum libbpf_print_level) */
int log_libbpf(int level, const char *fmt, va_list ap);

#endif /* SONDE_STAPRUN_LOG_H */
