/* The -p2 dump of the elaborated program in upstream's layout
 * (spec/cli.md §3.1): globals with their types, used functions with
 * their signatures and locals, and one entry per derived probe. */
#include "translator/dump_p2.h"

#include <stdlib.h>
#include <string.h>

#include "translator/dump.h"
#include "translator/providers/provider.h"
#include "translator/types.h"

static void dump_var(FILE *out, const struct vardecl *v)
{
	fprintf(out, "%s:%s", v->name, type_name_of(v->type));
	if (v->arity > 0) {
		fputs(" [", out);
		for (int i = 0; i < v->arity; i++)
			fprintf(out, "%s%s", i ? ", " : "", type_name_of(v->index_types[i]));
		fputc(']', out);
	}
}

static void dump_locals(FILE *out, const struct ptrvec *locals)
{
	if (!locals->n)
		return;
	fputs("  # locals\n", out);
	for (int i = 0; i < locals->n; i++) {
		fputs("  ", out);
		dump_var(out, locals->v[i]);
		fputc('\n', out);
	}
}

static void dump_function(FILE *out, const struct function *f)
{
	fprintf(out, "%s:%s (", f->name, type_name_of(f->ret));
	for (int i = 0; i < f->params.n; i++) {
		const struct param *p = f->params.v[i];

		fprintf(out, "%s%s:%s", i ? ", " : "", p->name, type_name_of(p->var->type));
	}
	fputs(")\n", out);
	dump_locals(out, &f->locals);
}

/* "begin <- begin,end" (in a comment): each resolved point, then the
 * aliases it went through, innermost first, then the points as the probe
 * wrote them. */
static void dump_written_points(FILE *out, const struct probe *p)
{
	fputs(" /* <- ", out);
	for (int j = 0; j < p->alias_trail.n; j++) {
		const struct probe *a = p->alias_trail.v[j];

		dump_points(out, &a->alias_names, " = ");
		fputs(a->epilogue ? " += " : " = ", out);
		dump_points(out, &a->points, ", ");
		fputs(" <- ", out);
	}
	for (int j = 0; j < p->points.n; j++) {
		if (j)
			fputc(',', out);
		dump_probe_point(out, p->points.v[j]);
	}
	fputs(" */\n", out);
}

static void dump_probe(FILE *out, const struct probe *p)
{
	/* resolved by the providers: one entry per concrete probe */
	for (int i = 0; i < p->derived.n; i++) {
		fputs(((const struct prov_probe *)p->derived.v[i])->pp, out);
		dump_written_points(out, p);
		dump_locals(out, &p->locals);
	}
	if (p->derived.n)
		return;
	for (int i = 0; i < p->points.n; i++) {
		dump_probe_point(out, p->points.v[i]);
		fputs(" /* <- ", out);
		for (int j = 0; j < p->points.n; j++) {
			if (j)
				fputc(',', out);
			dump_probe_point(out, p->points.v[j]);
		}
		fputs(" */\n", out);
		dump_locals(out, &p->locals);
	}
}

static int by_name(const void *a, const void *b)
{
	return strcmp((*(const struct function *const *)a)->name,
		      (*(const struct function *const *)b)->name);
}

void dump_program(FILE *out, const struct program *prog)
{
	if (prog->globals.n) {
		fputs("# globals\n", out);
		for (int i = 0; i < prog->globals.n; i++) {
			dump_var(out, prog->globals.v[i]);
			fputc('\n', out);
		}
	}
	if (prog->functions.n) {
		/* upstream lists functions by name, globals by first use */
		const struct function **sorted = malloc(prog->functions.n * sizeof(*sorted));

		if (!sorted)
			abort();
		memcpy(sorted, prog->functions.v, prog->functions.n * sizeof(*sorted));
		qsort(sorted, prog->functions.n, sizeof(*sorted), by_name);
		fputs("# functions\n", out);
		for (int i = 0; i < prog->functions.n; i++)
			dump_function(out, sorted[i]);
		free(sorted);
	}
	fputs("# probes\n", out);
	for (int i = 0; i < prog->probes.n; i++)
		dump_probe(out, prog->probes.v[i]);
}
