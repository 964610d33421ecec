/* emit_print.c - the print family, statistics and the automatic
 * printing of unread globals.  All formatting happens in the module
 * through runtime/format.c (sonde_printf, sonde_sprintf), the same
 * formatter staprun uses for the bpf backend. */
#include "module-backend/emit_int.h"

#include <stdlib.h>
#include <string.h>

#include "runtime/format.h"
#include "translator/strlit.h"

/* "%" doubled, for text placed in a synthesized format */
static void put_literal(FILE *f, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '%')
			fputc('%', f);
		fputc(s[i], f);
	}
}

/* print, println, printd, printdln, sprint*: the format they mean */
static char *synth_format(struct ec *ec, const struct expr *e, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	const char *delim = NULL;
	size_t dlen = 0;
	int i;

	if (e->print_delim)
		delim = strlit_decode(ec->arena, e->str, e->str_len, &dlen);
	for (i = 0; i < e->args.n; i++) {
		const struct expr *a = e->args.v[i];

		if (i && delim)
			put_literal(f, delim, dlen);
		if (e->print_char)
			fputs("%c", f);
		else
			fputs(a->type == TYPE_STRING ? "%s" : "%d", f);
	}
	if (e->print_newline)
		fputc('\n', f);
	fclose(f);
	return buf;
}

/* agg = the statistic s (v or v[keys]) merged for reading */
static void stat_fetch(struct ec *ec, const struct expr *s, const char *agg)
{
	const struct vardecl *v = s->var;

	if (s->kind == E_INDEX) {
		const char *k = ec_key(ec, v, &s->args);

		ec_line(ec, "%s = sonde_map_lookup(g_%s, &%s);", agg, v->name, k);
		ec_line(ec, "%s = (void *)sonde_stat_get(c, %s, %s);", agg, ec_stat_desc(ec, v), agg);
	} else {
		ec_line(ec, "%s = (void *)sonde_stat_get(c, %s, g_%s);", agg, ec_stat_desc(ec, v),
			v->name);
	}
}

/* print(@hist_*(s)) and sprint(@hist_*(s)) */
static const char *print_hist(struct ec *ec, const struct expr *e, const struct expr *h)
{
	const char *agg = ec_valp_tmp(ec), *t;
	const struct expr *s = h->left;
	const struct vardecl *v = s->var;

	if (!v || v->type != TYPE_STATS) {
		ec_unsupported(ec, h->tok, "this histogram");
		return "0";
	}
	stat_fetch(ec, s, agg);
	if (e->print_to_string) {
		t = ec_str_tmp(ec);
		ec_line(ec, "if (stat_print_hist(%s, MAXSTRINGLEN, %s, %s) == STAT_E_EMPTY) {",
			t, ec_stat_desc(ec, v), agg);
		ec_line(ec, "\tsonde_error(c, STAT_MSG_EMPTY, %s);", ec_loc(ec, h->tok));
		ec_fail(ec);
		ec_line(ec, "}");
		return t;
	}
	ec_line(ec, "if (sonde_print_hist(c, %s, %s, %s))", ec_stat_desc(ec, v), agg,
		ec_loc(ec, h->tok));
	ec_fail(ec);
	return "0";
}

const char *ec_print(struct ec *ec, const struct expr *e)
{
	const char **args = arena_alloc(ec->arena, (e->args.n + 1) * sizeof(*args));
	unsigned char types[64];
	struct fmt_directive dirs[130];
	char *synth = NULL;
	const char *fmt, *t = "0";
	size_t len;
	int i, nd;

	for (i = 0; i < e->args.n; i++)
		if (((const struct expr *)e->args.v[i])->kind == E_HISTOGRAM) {
			if (e->args.n != 1 || e->print_fmt) {
				ec_unsupported(ec, e->tok, "a histogram among other print arguments");
				return "0";
			}
			return print_hist(ec, e, e->args.v[i]);
		}
	if (e->print_fmt) {
		fmt = strlit_decode(ec->arena, e->str, e->str_len, &len);
	} else {
		synth = synth_format(ec, e, &len);
		fmt = synth;
	}
	nd = fmt_parse(fmt, len, dirs, 130, NULL);
	if (nd < 0 || nd > 130 || fmt_arg_types(dirs, nd, types, 64) != e->args.n ||
	    e->args.n > 64) {
		free(synth);
		return "0";	/* pass 2 has reported it */
	}
	for (i = 0; i < e->args.n; i++) {
		const struct expr *a = e->args.v[i];

		args[i] = ec_stable(ec, a, ec_long(ec, a));
	}
	ec_line(ec, "{");
	if (e->args.n) {
		ec_line(ec, "\tstruct fmt_value a[%d] = {", e->args.n);
		for (i = 0; i < e->args.n; i++)
			ec_line(ec, "\t\t%s(%s),", types[i] == FMT_ARG_STRING
				? "sonde_fmt_str" : "fmt_long", args[i]);
		ec_line(ec, "\t};");
		ec_blank(ec);
	}
	if (e->print_to_string) {
		t = ec_str_tmp(ec);
		ec_line(ec, "\tif (sonde_sprintf(c, %s, %s, %zu, %s, %d, %s))", t,
			ec_cstr(ec, fmt, len), len, e->args.n ? "a" : "NULL", e->args.n,
			ec_loc(ec, e->tok));
	} else {
		ec_line(ec, "\tif (sonde_printf(c, %s, %zu, %s, %d, %s))", ec_cstr(ec, fmt, len),
			len, e->args.n ? "a" : "NULL", e->args.n, ec_loc(ec, e->tok));
	}
	ec_indent(ec, 1);
	ec_fail(ec);
	ec_indent(ec, -1);
	ec_line(ec, "}");
	free(synth);
	return t;
}

/* ---- statistics ---------------------------------------------------------------- */

void ec_stat_add(struct ec *ec, const struct expr *target, const char *value)
{
	const struct vardecl *v = target->var;
	const char *k, *p;

	if (!v) {
		ec_unsupported(ec, target->tok, "this statistic");
		return;
	}
	if (target->kind == E_INDEX) {
		value = ec_stable(ec, target, value);
		k = ec_key(ec, v, &target->args);
		p = ec_valp_tmp(ec);
		ec_line(ec, "%s = sonde_map_insert(c, g_%s, &%s, %s);", p, v->name, k,
			ec_loc(ec, target->tok));
		ec_line(ec, "if (!%s)", p);
		ec_fail(ec);
		ec_line(ec, "stat_add(%s, %s, %s);", ec_stat_desc(ec, v), p, value);
		return;
	}
	ec_line(ec, "stat_add(%s, g_%s, %s);", ec_stat_desc(ec, v), v->name, value);
}

const char *ec_stat_op(struct ec *ec, const struct expr *e)
{
	const struct expr *s = e->left;
	const struct vardecl *v = s ? s->var : NULL;
	const char *agg = ec_valp_tmp(ec), *t = ec_long_tmp(ec), *a;

	if (!v || v->type != TYPE_STATS) {
		ec_unsupported(ec, e->tok, "this statistics operand");
		return "0";
	}
	stat_fetch(ec, s, agg);
	a = arena_printf(ec->arena, "((const struct stat_data *)%s)", agg);
	if (e->stat != STAT_COUNT && e->stat != STAT_SUM) {
		ec_line(ec, "if (sonde_stat_check(c, %s, %s))", agg, ec_loc(ec, e->tok));
		ec_fail(ec);
	}
	switch (e->stat) {
	case STAT_COUNT: ec_line(ec, "%s = %s->count;", t, a); break;
	case STAT_SUM: ec_line(ec, "%s = %s->sum;", t, a); break;
	case STAT_MIN: ec_line(ec, "%s = %s->min;", t, a); break;
	case STAT_MAX: ec_line(ec, "%s = %s->max;", t, a); break;
	case STAT_AVG: ec_line(ec, "%s = stat_avg(%s);", t, a); break;
	case STAT_VARIANCE:
		ec_line(ec, "%s = stat_variance(%s, %s);", t, ec_stat_desc(ec, v), a);
		break;
	}
	return t;
}

/* The body of the end probe pass 2 added for an unread global */
void ec_autoprint(struct ec *ec, const struct vardecl *v)
{
	if (v->arity > 0)
		ec_line(ec, "sonde_autoprint_map(c, g_%s);", v->name);
	else if (v->type == TYPE_STATS)
		ec_line(ec, "sonde_autoprint_stat(c, \"%s\", %s, g_%s);", v->name,
			ec_stat_desc(ec, v), v->name);
	else if (v->type == TYPE_STRING)
		ec_line(ec, "sonde_autoprint_str(c, \"%s\", g_%s);", v->name, v->name);
	else
		ec_line(ec, "sonde_autoprint_long(c, \"%s\", g_%s);", v->name, v->name);
}
