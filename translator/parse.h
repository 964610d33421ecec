/* Pass 1: one source file into a struct stapfile (spec/language.md §1–§3).
 * Errors are recorded in the diagnostics; the file returned holds what
 * parsed, and is NULL only when nothing could be parsed at all. */
#ifndef SONDE_PARSE_H
#define SONDE_PARSE_H

#include "translator/ast.h"
#include "translator/diag.h"
#include "translator/preproc.h"

/* Free everything a program holds. */
void program_release(struct program *prog);

struct stapfile *parse_source(struct program *prog, const struct source *src,
			      const struct pp_opts *ppo, struct diags *d);

/* Read a file into a source owned by the program's arena; NULL (errno
 * set) when it cannot be read. */
struct source *source_from_file(struct program *prog, const char *path,
				const char *name);
struct source *source_from_text(struct program *prog, const char *text,
				size_t len, const char *name);

#endif
