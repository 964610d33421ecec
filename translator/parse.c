/* Pass 1 entry: sources and the parser driver. */
#include "translator/parse.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "translator/parser.h"

struct source *source_from_text(struct program *prog, const char *text,
				size_t len, const char *name)
{
	struct source *s = arena_alloc(&prog->arena, sizeof(*s));

	s->name = arena_strdup(&prog->arena, name);
	s->text = arena_strndup(&prog->arena, text, len);
	s->len = len;
	return s;
}

struct source *source_from_file(struct program *prog, const char *path,
				const char *name)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f)
		return NULL;
	do {
		if (cap - len < 65536) {
			cap = cap ? cap * 2 : 65536;
			char *nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				errno = ENOMEM;
				return NULL;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	int err = ferror(f) ? EIO : 0;
	fclose(f);
	if (err) {
		free(buf);
		errno = err;
		return NULL;
	}
	struct source *s = source_from_text(prog, buf, len, name ? name : path);
	free(buf);
	return s;
}

struct stapfile *parse_source(struct program *prog, const struct source *src,
			      const struct pp_opts *ppo, struct diags *d)
{
	struct stapfile *file = arena_alloc(&prog->arena, sizeof(*file));
	struct parser P = {
		.arena = &prog->arena,
		.diags = d,
		.src = src,
		.file = file,
	};

	file->src = src;
	P.pp = preproc_new(&prog->arena, d, src, ppo);
	yyparse(&P);
	if (preproc_empty(P.pp) && d->parse_errors == 0)
		diag_parse_error_eof(d, src, preproc_saw_tokens(P.pp)
				     ? "Input file '%s' is empty after preprocessing."
				     : "Input file '%s' is empty.", src->name)->at_eof = false;
	preproc_free(P.pp);
	return file;
}
