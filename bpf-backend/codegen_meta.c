// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * codegen_meta.c - the .sonde.meta text of a generated object and the
 * string tables it carries (staprun/README.md, "Metadata").
 *
 * Formats and run-time strings (error messages, token locations) are
 * interned as the code refers to them, so the code carries small ids;
 * the text is written once at the end, together with the globals staprun
 * prints at exit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf-backend/codegen_int.h"
#include "staprun/bpf_abi.h"
#include "translator/types.h"

int cg_strtab_add(struct cg *cg, struct cg_strtab *t, const char *s,
		  size_t len)
{
	int i;

	for (i = 0; i < t->n; i++)
		if (t->len[i] == len && !memcmp(t->v[i], s, len))
			return i;
	if (t->n == t->cap) {
		int cap = t->cap ? t->cap * 2 : 16;
		char **v = arena_alloc(cg->arena, cap * sizeof(*v));
		size_t *l = arena_alloc(cg->arena, cap * sizeof(*l));

		if (t->n) {
			memcpy(v, t->v, t->n * sizeof(*v));
			memcpy(l, t->len, t->n * sizeof(*l));
		}
		t->v = v;
		t->len = l;
		t->cap = cap;
	}
	t->v[t->n] = arena_strndup(cg->arena, s, len);
	t->len[t->n] = len;
	return t->n++;
}

const char *cg_token_text(struct cg *cg, const struct token *tok)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	const char *s;

	if (!f)
		return "";
	diag_print_token(f, tok);
	fclose(f);
	s = arena_strdup(cg->arena, buf ? buf : "");
	free(buf);
	return s;
}

/* "TEXT" with the escapes the metadata parser takes */
static void put_quoted(FILE *f, const char *s, size_t len)
{
	size_t i;

	fputc('"', f);
	for (i = 0; i < len; i++) {
		unsigned char c = s[i];

		switch (c) {
		case '\\': fputs("\\\\", f); break;
		case '"': fputs("\\\"", f); break;
		case '\n': fputs("\\n", f); break;
		case '\t': fputs("\\t", f); break;
		case '\r': fputs("\\r", f); break;
		default:
			if (c < 0x20 || c >= 0x7f)
				fprintf(f, "\\x%02x", c);
			else
				fputc(c, f);
		}
	}
	fputc('"', f);
}

void cg_meta_begin(struct cg *cg)
{
	cg->meta = open_memstream(&cg->metabuf, &cg->metalen);
	if (!cg->meta)
		return;
	fprintf(cg->meta, "%s %d\n", SONDE_META_MAGIC, SONDE_ABI_VERSION);
	fprintf(cg->meta, "limits maxstringlen=%u maxerrors=%u maxskipped=%u\n",
		cg->lim.maxstringlen, cg->lim.maxerrors, cg->lim.maxskipped);
}

static void put_table(struct cg *cg, const char *what,
		      const struct cg_strtab *t)
{
	int i;

	for (i = 0; i < t->n; i++) {
		fprintf(cg->meta, "%s %d ", what, i);
		put_quoted(cg->meta, t->v[i], t->len[i]);
		fputc('\n', cg->meta);
	}
}

static const char *meta_type(enum value_type t)
{
	return t == TYPE_STRING ? "string" : t == TYPE_STATS ? "stats"
							     : "long";
}

static void put_global(struct cg *cg, const struct cg_global *g)
{
	const struct vardecl *v = g->var;
	int i;

	fprintf(cg->meta, "global %s map=%s type=%s", v->name,
		cg->maps[g->map].name, meta_type(v->type));
	if (g->storage == CG_ST_SCALAR)
		fprintf(cg->meta, " slot=0 off=%d", g->off);
	if (v->type == TYPE_STATS && g->sd.hist_type == STAT_HIST_LOG)
		fputs(" hist=log", cg->meta);
	if (v->type == TYPE_STATS && g->sd.hist_type == STAT_HIST_LINEAR)
		fprintf(cg->meta, " hist=linear:%d:%d:%d", (int)g->sd.start,
			(int)g->sd.stop, (int)g->sd.interval);
	if (v->type == TYPE_STATS && (g->sd.ops & STAT_OP_VARIANCE))
		fprintf(cg->meta, " variance=%d", g->sd.shift);
	if (g->storage == CG_ST_ARRAY) {
		fputs(" keys=", cg->meta);
		for (i = 0; i < v->arity; i++)
			fprintf(cg->meta, "%s%s", i ? "," : "",
				meta_type(v->index_types[i]));
		fprintf(cg->meta, " off=0 seq=%d", g->vsize - 8);
	}
	/* runtime.md 6.7: pass 2 found it written but never read */
	if (g->print_order)
		fputs(" print", cg->meta);
	fputc('\n', cg->meta);
}

/* The end program before which unread globals print: after the user's
 * end probes of priority <= 0, as SystemTap appends its own end probe */
static int autoprint_position(const struct cg *cg)
{
	int i, n = 0;

	for (i = 0; i < cg->npoints; i++)
		if (cg->points[i].kind == CG_END && cg->points[i].priority <= 0)
			n++;
	return n;
}

void cg_meta_finish(struct cg *cg)
{
	int i, n;

	if (!cg->meta)
		return;
	put_table(cg, "format", &cg->formats);
	put_table(cg, "string", &cg->strings);
	/* staprun prints in metadata order: the printed ones first, in
	 * pass 2's order */
	for (n = 1; n <= cg->nglobals; n++)
		for (i = 0; i < cg->nglobals; i++)
			if (cg->globals[i].print_order == n)
				put_global(cg, &cg->globals[i]);
	for (i = 0; i < cg->nglobals; i++)
		if (cg->globals[i].storage != CG_ST_NONE &&
		    !cg->globals[i].print_order)
			put_global(cg, &cg->globals[i]);
	fprintf(cg->meta, "autoprint end=%d\n", autoprint_position(cg));
	fclose(cg->meta);
	cg->meta = NULL;
}
