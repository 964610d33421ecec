/* Pass 1 entry: sources and the parser driver. */
#include "translator/parse.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "translator/parser.h"

void program_release(struct program *prog)
{
	strset_release(&prog->names);
	arena_release(&prog->arena);
}

struct source *source_from_text(struct program *prog, const char *text,
				size_t len, const char *name)
{
	struct source *s = arena_alloc(&prog->arena, sizeof(*s));

	/* like upstream, a NUL byte ends the input */
	len = strnlen(text, len);
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

static bool starts_item(const struct token *t)
{
	return t->type == K_PROBE || t->type == K_GLOBAL || t->type == K_FUNCTION ||
	       t->type == K_PRIVATE || t->type == EMBEDDED;
}

/* Skip tokens up to the next top-level item; false at end of input.
 * Errors the preprocessor raises on the way are reported too. */
/* Past this many errors in one file, the rest of it is not parsed: the
 * output of a pathological input must stay bounded. */
#define MAX_PARSE_ERRORS 1000

static bool skip_to_item(struct parser *P)
{
	for (bool first = true;; first = false) {
		if (P->diags->parse_errors >= MAX_PARSE_ERRORS)
			return false;
		const struct token *t = P->pending ? P->pending : preproc_next(P->pp);

		P->pending = NULL;
		if (t->type == 0)
			return false;
		if (starts_item(t)) {
			P->pending = t;
			return true;
		}
		/* like upstream, only the preprocessor raises errors while
		 * skipping; the token the error was about is reported already */
		if (t->type == JUNK && t->pp_error && !(first && P->diags->errors))
			diag_parse_error(P->diags, FORM_AT, t, "%s", t->junk_msg);
	}
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
	P.pp = preproc_new(&prog->arena, &prog->names, d, src, ppo);
	for (;;) {
		const struct token *start = P.pending;

		P.at_item_start = true;
		if (yyparse(&P) == 0)
			break;
		/* an item that fails on its first token must not be retried
		 * at that token forever: upstream has consumed it by then */
		if (P.pending && P.pending == start && P.abort_mode == ABORT_SKIP)
			P.pending = NULL;
		/* an item was abandoned after an error; resume like upstream */
		enum abort_mode mode = P.abort_mode;

		if (d->parse_errors >= MAX_PARSE_ERRORS)
			break;
		P.abort_mode = ABORT_NONE;
		if (mode == ABORT_SKIP && !skip_to_item(&P))
			break;
		if (P.pending && P.pending->type == 0)
			break;
	}
	if (d->parse_errors >= MAX_PARSE_ERRORS)
		diag_plain_error(d, "Too many parse errors in '%s'; the rest of it was not parsed.",
				 src->name);
	if (!P.nonempty && !ppo->defining_library) {
		d->empty_input = true;
		diag_plain_error(d, preproc_saw_tokens(P.pp)
				 ? "Input file '%s' is empty after preprocessing."
				 : "Input file '%s' is empty.", src->name);
	}
	preproc_free(P.pp);
	strset_release(&P.global_names);
	return file;
}
