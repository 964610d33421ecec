/* Helpers for builders: reading the matched point's parameters, making
 * errors (unrecorded semantic diagnostics, so wildcard expansion can drop
 * them), making derived probes and their context variables, and printing
 * a resolved location the way upstream prints a probe_point: components
 * joined by '.', numbers in decimal (addresses in hex), strings quoted
 * with C escapes, then '!' or '?' and " if (COND)" as written. */
#define _GNU_SOURCE
#include "translator/providers/prov_int.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "translator/debuginfo/dwarf.h"
#include "translator/dump.h"
#include "translator/strlit.h"

static struct diag *error_v(struct prov_ctx *c, const struct token *tok,
			    const char *fmt, va_list ap)
{
	struct diag *g = arena_alloc(c->arena, sizeof(*g));
	char *msg = NULL;

	if (vasprintf(&msg, fmt, ap) < 0)
		abort();
	g->kind = DIAG_SEMANTIC;
	g->msg = arena_strdup(c->arena, msg);
	g->tok = tok;
	free(msg);
	return g;
}

struct diag *prov_error(struct prov_ctx *c, const struct token *tok,
			const char *fmt, ...)
{
	va_list ap;
	struct diag *g;

	va_start(ap, fmt);
	g = error_v(c, tok, fmt, ap);
	va_end(ap);
	return g;
}

int prov_fail(struct prov_build *b, const struct token *tok, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (!b->err)
		b->err = error_v(b->ctx, tok, fmt, ap);
	va_end(ap);
	return -1;
}

/* The last component named 'name' (upstream's parameter map keeps the
 * last one too). */
const struct probe_comp *prov_param(const struct prov_build *b, const char *name)
{
	for (int i = b->ncomps - 1; i >= 0; i--)
		if (!strcmp(b->comps[i]->name, name))
			return b->comps[i];
	return NULL;
}

bool prov_has(const struct prov_build *b, const char *name)
{
	return prov_param(b, name) != NULL;
}

bool prov_num(const struct prov_build *b, const char *name, int64_t *v)
{
	const struct probe_comp *pc = prov_param(b, name);

	if (!pc || !pc->arg || pc->arg->kind != E_NUMBER)
		return false;
	*v = pc->arg->num;
	return true;
}

const char *prov_str(const struct prov_build *b, const char *name)
{
	const struct probe_comp *pc = prov_param(b, name);
	size_t len;

	if (!pc || !pc->arg || pc->arg->kind != E_STRING)
		return NULL;
	return strlit_decode(b->ctx->arena, pc->arg->str, pc->arg->str_len, &len);
}

const struct token *prov_tok(const struct prov_build *b, const char *name)
{
	const struct probe_comp *pc = prov_param(b, name);

	return pc ? pc->tok : NULL;
}

/* A new probe whose location is the matched point. */
struct prov_probe *prov_emit(struct prov_build *b, enum prov_family family)
{
	struct prov_ctx *c = b->ctx;
	struct prov_probe *p = arena_alloc(c->arena, sizeof(*p));

	p->family = family;
	p->point = b->point;
	p->ncomps = b->ncomps;
	p->comps = arena_alloc(c->arena, b->ncomps * sizeof(*p->comps));
	for (int i = 0; i < b->ncomps; i++) {
		const struct probe_comp *pc = b->comps[i];
		struct prov_comp *d = &p->comps[i];

		d->name = pc->name;
		d->tok = pc->tok;
		if (pc->arg && pc->arg->kind == E_NUMBER) {
			d->arg = PROV_ARG_NUM;
			d->num = pc->arg->num;
		} else if (pc->arg) {
			size_t len;

			d->arg = PROV_ARG_STR;
			d->str = strlit_decode(c->arena, pc->arg->str,
					       pc->arg->str_len, &len);
		}
	}
	ptrvec_push(c->arena, b->out, p);
	return p;
}

static struct prov_comp *find_comp(struct prov_probe *p, const char *name)
{
	for (int i = p->ncomps - 1; i >= 0; i--)
		if (!strcmp(p->comps[i].name, name))
			return &p->comps[i];
	return NULL;
}

void prov_set_str(struct prov_ctx *c, struct prov_probe *p, const char *comp,
		  const char *value)
{
	struct prov_comp *d = find_comp(p, comp);

	if (d) {
		d->arg = PROV_ARG_STR;
		d->str = arena_strdup(c->arena, value);
	}
}

void prov_set_num(struct prov_probe *p, const char *comp, int64_t v, bool hex)
{
	struct prov_comp *d = find_comp(p, comp);

	if (d) {
		d->arg = PROV_ARG_NUM;
		d->num = v;
		d->hex = hex;
	}
}

struct prov_var *prov_add_var(struct prov_ctx *c, struct prov_probe *p,
			      const char *name, const char *type,
			      enum prov_var_src src)
{
	struct prov_var *v = arena_alloc(c->arena, sizeof(*v));

	v->name = arena_strdup(c->arena, name);
	v->type = arena_strdup(c->arena, type);
	v->src = src;
	ptrvec_push(c->arena, &p->vars, v);
	return v;
}

void prov_add_dwarf_vars(struct prov_ctx *c, struct prov_probe *p, struct dwi *dwi,
			 const struct dwi_func *fn, uint64_t pc)
{
	struct dwi_vars *vs = dwi_vars_at(dwi, fn, pc);

	if (!vs)
		return;
	ptrvec_push(c->arena, &c->scopes, vs);
	p->dwarf_scope = vs;
	for (size_t i = 0; i < vs->n; i++) {
		const struct dwi_var *dv = &vs->v[i];

		if (dv->loc.available || dv->has_const_value)
			prov_add_var(c, p, dv->name, dv->type, PROV_VAR_DWARF)->dwarf = dv;
	}
}

/* upstream's escaped_literal_string */
static void print_escaped(FILE *m, const char *s)
{
	for (; *s; s++) {
		unsigned char ch = *s;
		const char *esc = strchr("'\"\n\t\v\b\r\f\a\\", ch);

		if (esc && ch) {
			fputc('\\', m);
			fputc("'\"ntvbrfa\\"[esc - "'\"\n\t\v\b\r\f\a\\"], m);
		} else if (ch >= 0x20 && ch < 0x7f) {
			fputc(ch, m);
		} else {
			fprintf(m, "\\%03o", ch);
		}
	}
}

static void print_comps(FILE *m, const struct prov_comp *comps, int n)
{
	for (int i = 0; i < n; i++) {
		const struct prov_comp *d = &comps[i];

		if (i)
			fputc('.', m);
		fputs(d->name, m);
		if (d->arg == PROV_ARG_NUM)
			fprintf(m, d->hex ? "(%#llx)" : "(%lld)", (long long)d->num);
		else if (d->arg == PROV_ARG_STR) {
			fputs("(\"", m);
			print_escaped(m, d->str);
			fputs("\")", m);
		}
	}
}

char *prov_loc_text(struct prov_ctx *c, const struct prov_comp *comps, int n)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	char *r;

	print_comps(m, comps, n);
	fclose(m);
	r = arena_strdup(c->arena, text);
	free(text);
	return r;
}

/* The written point's '?'/'!' and condition, as the -p1 dump prints them. */
static void print_suffix(FILE *m, const struct probe_point *pp)
{
	struct probe_point cond = { .cond = pp->cond };

	if (pp->sufficient)
		fputc('!', m);
	else if (pp->optional)
		fputc('?', m);
	if (pp->cond)
		dump_probe_point(m, &cond);
}

void prov_finish(struct prov_ctx *c, struct prov_probe *p)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m;

	if (!p->pp)
		p->pp = prov_loc_text(c, p->comps, p->ncomps);
	if (p->name)
		return;
	m = open_memstream(&text, &len);
	print_comps(m, p->comps, p->ncomps);
	if (p->point)
		print_suffix(m, p->point);
	fclose(m);
	p->name = arena_strdup(c->arena, text);
	free(text);
}
