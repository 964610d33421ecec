#include "translator/diag.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void diags_init(struct diags *d, struct arena *a)
{
	memset(d, 0, sizeof(*d));
	d->arena = a;
}

void diags_release(struct diags *d)
{
	strset_release(&d->printed);
}

static const char *format_msg(struct arena *a, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	char *msg = arena_alloc(a, n + 1);
	vsnprintf(msg, n + 1, fmt, ap);
	return msg;
}

static struct diag *diag_new(struct diags *d, enum diag_kind kind, const char *fmt,
			     va_list ap)
{
	struct diag *g = arena_alloc(d->arena, sizeof(*g));

	g->kind = kind;
	g->msg = format_msg(d->arena, fmt, ap);
	ptrvec_push(d->arena, &d->list, g);
	if (kind == DIAG_WARNING) {
		d->warnings++;
	} else {
		d->errors++;
		if (kind == DIAG_PARSE)
			d->parse_errors++;
	}
	return g;
}

struct diag *diag_parse_error(struct diags *d, enum diag_form form,
			      const struct token *tok, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	struct diag *g = diag_new(d, DIAG_PARSE, fmt, ap);
	va_end(ap);
	g->form = form;
	g->tok = tok;
	return g;
}

struct diag *diag_parse_error_eof(struct diags *d, const struct source *src,
				  const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	struct diag *g = diag_new(d, DIAG_PARSE, fmt, ap);
	va_end(ap);
	g->form = FORM_SAW;
	g->at_eof = true;
	g->eof_src = src;
	return g;
}

struct diag *diag_plain_error(struct diags *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	struct diag *g = diag_new(d, DIAG_PLAIN, fmt, ap);
	va_end(ap);
	d->errors++;
	return g;
}

struct diag *diag_semantic_error(struct diags *d, const struct token *tok,
				 const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	struct diag *g = diag_new(d, DIAG_SEMANTIC, fmt, ap);
	va_end(ap);
	g->tok = tok;
	return g;
}

struct diag *diag_chain(struct diags *d, struct diag *g, const struct token *tok,
			const char *fmt, ...)
{
	struct diag *c = arena_alloc(d->arena, sizeof(*c));
	va_list ap;

	va_start(ap, fmt);
	c->msg = format_msg(d->arena, fmt, ap);
	va_end(ap);
	c->kind = g->kind;
	c->tok = tok;
	while (g->chain)
		g = g->chain;
	g->chain = c;
	return c;
}

struct diag *diag_warning(struct diags *d, const struct token *tok,
			  const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	struct diag *g = diag_new(d, DIAG_WARNING, fmt, ap);
	va_end(ap);
	g->tok = tok;
	/* upstream repeats a warning's text only once, wherever it points */
	g->dedup_key = arena_printf(d->arena, "W:%s", g->msg);
	return g;
}

static const char *tok_kind_name(enum tok_kind k)
{
	switch (k) {
	case TK_IDENT: return "identifier";
	case TK_KEYWORD: return "keyword";
	case TK_OP: return "operator";
	case TK_STRING: return "string";
	case TK_NUMBER: return "number";
	case TK_EMBEDDED: return "embedded-code";
	case TK_JUNK: return "junk";
	case TK_EOF: return "end-of-file";
	}
	return "token";
}

void diag_print_token(FILE *out, const struct token *tok)
{
	fputs(tok_kind_name(tok->kind), out);
	if (tok->kind != TK_KEYWORD && tok->kind != TK_EMBEDDED) {
		fputs(" '", out);
		for (size_t i = 0; i < tok->len; i++) {
			unsigned char c = tok->text[i];

			fputc(isprint(c) || c == '\t' ? c : '?', out);
		}
		fputc('\'', out);
	}
	fprintf(out, " at %s:%d:%d", tok->src->name, tok->line, tok->col);
}

/* Offset of a line's first byte; the index is built once per source so
 * that printing many diagnostics stays linear. */
static size_t line_start(struct arena *a, const struct source *csrc, int line)
{
	struct source *src = (struct source *)csrc;

	if (!src->line_starts) {
		int n = 1;

		for (size_t i = 0; i < src->len; i++)
			n += src->text[i] == '\n';
		src->line_starts = arena_alloc(a, n * sizeof(*src->line_starts));
		src->line_starts[0] = 0;
		n = 1;
		for (size_t i = 0; i < src->len; i++)
			if (src->text[i] == '\n')
				src->line_starts[n++] = i + 1;
		src->nlines = n;
	}
	if (line < 1)
		line = 1;
	return line > src->nlines ? src->len : src->line_starts[line - 1];
}

/* The source line of a token and a caret under its column.  'indent' is
 * the width of the "source: " label column. */
static void print_source(struct diags *d, FILE *out, const struct token *tok, int indent)
{
	const char *text = tok->src->text, *end = text + tok->src->len;
	const char *line = text + line_start(d->arena, tok->src, tok->line);

	const char *eol = memchr(line, '\n', end - line);
	if (!eol)
		eol = end;
	fprintf(out, "%*s", indent - 8, "");
	fputs("source: ", out);
	fwrite(line, 1, eol - line, out);
	fputc('\n', out);
	fprintf(out, "%*s", indent, "");
	for (int c = 1; c < tok->col && line + c - 1 < eol; c++) {
		char ch = line[c - 1];

		fputc(isspace((unsigned char)ch) ? ch : ' ', out);
	}
	fputs("^\n", out);
}

static void print_expansion_chain(struct diags *d, FILE *out, const struct token *tok, int indent)
{
	int depth = 0;

	for (const struct token *inv = tok->chain; inv; inv = inv->chain) {
		/* a runaway recursive macro would print hundreds of levels */
		if (++depth > 32) {
			fputs("\tin further expansions of macros\n", out);
			break;
		}
		fputs("\tin expansion of macro: ", out);
		diag_print_token(out, inv);
		fputc('\n', out);
		print_source(d, out, inv, indent);
	}
}

static void print_parse_error(struct diags *d, FILE *out, const struct diag *g)
{
	fprintf(out, "parse error: %s\n", g->msg);
	if (g->at_eof) {
		fprintf(out, "        saw: %s EOF\n", g->eof_src->name);
	} else if (g->tok) {
		fputs(g->form == FORM_AT ? "         at: " : "        saw: ", out);
		diag_print_token(out, g->tok);
		fputc('\n', out);
		print_source(d, out, g->tok, 13);
		print_expansion_chain(d, out, g->tok, 13);
	}
	fputc('\n', out);
}

/* A token in the same file as the one printed before drops the file
 * name, as upstream does. */
static void print_token_relative(struct diags *d, FILE *out, const struct token *tok)
{
	if (tok->src == d->last_src) {
		struct token t = *tok;
		struct source s = *t.src;

		s.name = "";
		t.src = &s;
		diag_print_token(out, &t);
	} else {
		diag_print_token(out, tok);
	}
	d->last_src = tok->src;
}

static void print_semantic(struct diags *d, FILE *out, const struct diag *g, const char *prefix,
			   int indent)
{
	fprintf(out, "%s: %s", prefix, g->msg);
	if (g->tok) {
		fputs(": ", out);
		print_token_relative(d, out, g->tok);
		fputc('\n', out);
		print_source(d, out, g->tok, indent);
		print_expansion_chain(d, out, g->tok, indent);
	} else {
		fputc('\n', out);
	}
	if (g->tok2) {
		print_token_relative(d, out, g->tok2);
		fputc('\n', out);
		print_source(d, out, g->tok2, indent);
	}
}

static void print_diag(struct diags *d, FILE *out, const struct diag *g)
{
	switch (g->kind) {
	case DIAG_PARSE:
		print_parse_error(d, out, g);
		break;
	case DIAG_SEMANTIC:
		for (; g; g = g->chain) {
			print_semantic(d, out, g, "semantic error", 16);
			fputc('\n', out);
		}
		break;
	case DIAG_WARNING:
		print_semantic(d, out, g, "WARNING", 9);
		break;
	case DIAG_PLAIN:
		fprintf(out, "%s\n", g->msg);
		break;
	}
}

int diags_flush(struct diags *d, FILE *out, int from, bool verbose)
{
	for (; from < d->list.n; from++) {
		const struct diag *g = d->list.v[from];
		char *text = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&text, &len);

		print_diag(d, m, g);
		fclose(m);
		const char *key = g->dedup_key ? g->dedup_key : text;

		if (g->kind == DIAG_WARNING && d->no_warnings) {
			free(text);
			continue;
		}

		if (!strset_add(&d->printed, key) && !verbose) {
			if (g->kind == DIAG_WARNING)
				d->suppressed_warnings++;
			else
				d->suppressed_errors++;
		} else {
			fwrite(text, 1, len, out);
		}
		free(text);
	}
	return from;
}

void diags_print_suppressed(const struct diags *d, FILE *out)
{
	if (d->suppressed_errors)
		fprintf(out, "Number of similar error messages suppressed: %d.\n",
			d->suppressed_errors);
	if (d->suppressed_warnings)
		fprintf(out, "Number of similar warning messages suppressed: %d.\n",
			d->suppressed_warnings);
	if (d->suppressed_warnings || d->suppressed_errors)
		fputs("Rerun with -v to see them.\n", out);
}
