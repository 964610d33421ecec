/* String literal values: the lexer keeps C escapes as written (§1.4);
 * these turn them into bytes, and bytes back into quoted source. */
#ifndef SONDE_STRLIT_H
#define SONDE_STRLIT_H

#include <stdio.h>

#include "translator/arena.h"

/* Interpret \a \b \t \n \v \f \r \\ \ooo \xHH; returns arena bytes
 * (NUL-terminated) and their count in *len. */
char *strlit_decode(struct arena *a, const char *raw, size_t n, size_t *len);

/* Print raw literal text in quotes re-escaping only '"' (-p1 literals). */
void strlit_print_raw(FILE *out, const char *raw, size_t n);

/* Print bytes as a C string literal: backslash and quote escaped,
 * \n \t etc. for the usual controls, \ooo for other non-printables
 * (-p1 print formats). */
void strlit_print_c(FILE *out, const char *bytes, size_t n);

#endif
