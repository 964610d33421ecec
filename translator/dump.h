/* The -p1 dump of parsed files (spec/language.md §6). */
#ifndef SONDE_DUMP_H
#define SONDE_DUMP_H

#include <stdio.h>

#include "translator/ast.h"

/* Flags for comparing trees through their printout (p1check).  SystemTap's
 * -p1 text does not always parse back to the same tree: formats are
 * re-quoted, negative literals come back as unary minus, and a ';' after
 * a block-like statement comes back as a null statement. */
enum dump_flags {
	DUMP_P1 = 0,                 /* exactly SystemTap's -p1 */
	DUMP_RAW_FORMATS = 1,        /* formats as written, not re-quoted */
	DUMP_CANONICAL = 2,          /* fold -(literal); omit null statements */
};

void dump_file(FILE *out, const struct stapfile *f, int flags);
void dump_probe_point(FILE *out, const struct probe_point *pp);
/* Points joined by sep, as written. */
void dump_points(FILE *out, const struct ptrvec *v, const char *sep);

#endif
