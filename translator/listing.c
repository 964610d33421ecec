/* stap -l / -L: parse "probe PATTERN {}" as <input>, run pass 2 on it
 * (tapset aliases included), and print one line per distinct probe point,
 * sorted bytewise and deduplicated (spec/probes.md §4.1).  -L appends the
 * locals an alias defines as "name:type", then " $name:type" for each
 * context variable present in every derived probe merged under the line
 * (upstream intersects them).  A probe reached through tapset aliases
 * lists only the alias's locals: its target's context variables are the
 * tapset's business, not the script's.  Errors are counted but printed
 * only with -vv; the status is 1 when nothing matched. */
#include "translator/listing.h"

#include <stdlib.h>
#include <string.h>

#include "translator/elaborate.h"
#include "translator/parse.h"
#include "translator/providers/provider.h"
#include "translator/strset.h"
#include "translator/tapsets.h"
#include "translator/types.h"

static int cmp_probe(const void *a, const void *b)
{
	const struct prov_probe *x = *(const struct prov_probe *const *)a;
	const struct prov_probe *y = *(const struct prov_probe *const *)b;

	return strcmp(x->name, y->name);
}

static const char *var_text(struct arena *a, const struct prov_var *v)
{
	return arena_printf(a, "$%s:%s", v->name, v->type);
}

static bool has_var(struct arena *a, const struct prov_probe *p, const char *text)
{
	for (int i = 0; i < p->vars.n; i++) {
		const struct prov_var *v = p->vars.v[i];

		if (!v->hidden && !strcmp(var_text(a, v), text))
			return true;
	}
	return false;
}

/* One -L line for the probes [first, last) sharing a name. */
static void print_vars(struct arena *a, struct prov_probe **ps, int first, int last)
{
	const struct prov_probe *p = ps[first];
	struct strset printed = { 0 };

	for (int i = 0; i < p->locals.n; i++)
		printf(" %s", (const char *)p->locals.v[i]);
	for (int i = 0; i < p->vars.n && !p->via; i++) {
		const struct prov_var *v = p->vars.v[i];
		const char *text = var_text(a, v);
		bool everywhere = !v->hidden;

		for (int j = first + 1; j < last && everywhere; j++)
			everywhere = has_var(a, ps[j], text);
		if (everywhere && strset_add(&printed, text))
			printf(" %s", text);
	}
	strset_release(&printed);
}

static int print_listing(struct arena *a, struct ptrvec *out, bool vars)
{
	struct prov_probe **ps = (struct prov_probe **)out->v;
	int lines = 0;

	if (out->n)
		qsort(ps, out->n, sizeof(*ps), cmp_probe);
	for (int i = 0; i < out->n;) {
		int j = i + 1;

		while (j < out->n && !strcmp(ps[j]->name, ps[i]->name))
			j++;
		fputs(ps[i]->name, stdout);
		if (vars)
			print_vars(a, ps, i, j);
		putchar('\n');
		lines++;
		i = j;
	}
	return lines;
}

static struct stapfile *parse_pattern(struct program *prog, struct diags *d,
				      const struct pp_opts *ppo, const struct listing_opts *o)
{
	char *text = arena_printf(&prog->arena, "probe %s {}", o->pattern);
	struct source *src = source_from_text(prog, text, strlen(text), "<input>");
	struct stapfile *f;

	src->privileged = o->guru;
	f = parse_source(prog, src, ppo, d);
	if (!d->errors)
		return f;
	diags_flush(d, stderr, 0, o->verbose > 0);
	if (d->parse_errors)
		fprintf(stderr, "%d parse error%s.\n", d->parse_errors,
			d->parse_errors == 1 ? "" : "s");
	return NULL;
}

/* The derived probes of the pattern's own probe (not of tapset probes
 * pulled in along the way), with the alias locals -L prints. */
static void collect(struct program *prog, const struct stapfile *f, struct ptrvec *out)
{
	for (int i = 0; i < prog->probes.n; i++) {
		const struct probe *q = prog->probes.v[i];

		if (q->tok->src != f->src)
			continue;
		for (int j = 0; j < q->derived.n; j++) {
			struct prov_probe *dp = q->derived.v[j];

			for (int k = 0; q->alias_trail.n && k < q->locals.n; k++) {
				const struct vardecl *v = q->locals.v[k];

				ptrvec_push(&prog->arena, &dp->locals,
					    arena_printf(&prog->arena, "%s:%s", v->name,
							 type_name_of(v->type)));
			}
			ptrvec_push(&prog->arena, out, dp);
		}
	}
}

static int list_probes(struct program *prog, struct diags *d, struct prov_ctx *c,
		       const struct listing_opts *o)
{
	struct macro_table library = { 0 };
	struct pp_opts ppo = {
		.target = o->target, .args = o->args, .nargs = o->nargs,
		.library = &library,
	};
	struct tapset_lib lib;
	struct stapfile *f;
	struct ptrvec out = { 0 };

	d->no_warnings = true;
	prog->unoptimized = true;       /* the pattern's body is empty on purpose */
	tapsets_open(&lib, prog, &ppo, d, o->tapset_dirs, o->ntapset_dirs);
	f = parse_pattern(prog, d, &ppo, o);
	if (!f)
		return 1;
	ptrvec_push(&prog->arena, &prog->user_files, f);
	/* a failure in one alias's body does not hide the others */
	elaborate(prog, &lib, c, d);
	collect(prog, f, &out);
	if (o->verbose >= 2)
		diags_flush(d, stderr, 0, true);
	return print_listing(&prog->arena, &out, o->mode == LISTING_VARS) ? 0 : 1;
}

int listing_run(const struct listing_opts *o)
{
	struct program prog = { 0 };
	struct diags d;
	struct prov_opts po = {
		.runtime = o->target->runtime,
		.verbose = o->verbose,
		.listing = true,
		.guru = o->guru,
		.config = o->target->config,
		.config_ctx = o->target->config_ctx,
	};
	struct prov_ctx *c;
	int status = 0;

	diags_init(&d, &prog.arena);
	c = prov_ctx_new(&prog.arena, &po);
	if (o->mode == LISTING_TYPES)
		prov_dump_types(c, stdout);
	else
		status = list_probes(&prog, &d, c, o);
	fflush(stdout);
	prov_ctx_free(c);
	diags_release(&d);
	program_release(&prog);
	return status;
}
