/* emit.c - the module source as a whole: globals, one C function per
 * probe handler and per script function with its frame struct, the
 * probe tables, and the program descriptor the runtime reads.  The
 * layout of the output is described in module-backend/README.md. */
#include "module-backend/emit_int.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "translator/strlit.h"

/* ---- output helpers ------------------------------------------------------ */

void ec_line(struct ec *ec, const char *fmt, ...)
{
	va_list ap;
	int i;

	for (i = 0; i < ec->fn->indent; i++)
		fputc('\t', ec->fn->f);
	va_start(ap, fmt);
	vfprintf(ec->fn->f, fmt, ap);
	va_end(ap);
	fputc('\n', ec->fn->f);
}

void ec_blank(struct ec *ec)
{
	fputc('\n', ec->fn->f);
}

void ec_indent(struct ec *ec, int delta)
{
	ec->fn->indent += delta;
}

/* bytes as a C string literal: printable ASCII as is, the rest octal */
static void put_cstr(FILE *f, const char *s, size_t n)
{
	size_t i;

	fputc('"', f);
	for (i = 0; i < n; i++) {
		unsigned char c = s[i];

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20 || c >= 0x7f || c == '?')
			fprintf(f, "\\%03o", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

const char *ec_cstr(struct ec *ec, const char *s, size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	const char *r;

	put_cstr(f, s, n);
	fclose(f);
	r = arena_strdup(ec->arena, buf);
	free(buf);
	return r;
}

/* "operator '/' at f.stp:3:4" as a C literal, as the error messages
 * name the failing token */
const char *ec_loc(struct ec *ec, const struct token *tok)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	const char *r;

	diag_print_token(f, tok);
	fclose(f);
	r = ec_cstr(ec, buf, len);
	free(buf);
	return r;
}

void ec_unsupported(struct ec *ec, const struct token *tok, const char *what)
{
	diag_semantic_error(ec->d, tok, "%s is not supported by the kernel runtime yet",
			    what);
	ec->errors++;
}

void ec_fail(struct ec *ec)
{
	if (!strcmp(ec->err_label, "out"))
		ec->fn->used_out = true;
	ec->err_used = true;
	ec_line(ec, "\tgoto %s;", ec->err_label);
}

/* A callee that failed without a location (embedded C, error()) fails
 * at the call */
void ec_check(struct ec *ec, const struct token *call)
{
	ec_line(ec, "if (c->error) {");
	ec_line(ec, "\tif (!c->error_loc)");
	ec_line(ec, "\t\tc->error_loc = %s;", ec_loc(ec, call));
	ec_fail(ec);
	ec_line(ec, "}");
}

/* ---- temporaries ------------------------------------------------------------ */

const char *ec_long_tmp(struct ec *ec)
{
	return arena_printf(ec->arena, "t%d", ++ec->fn->nlong);
}

const char *ec_str_tmp(struct ec *ec)
{
	struct cfunc *fn = ec->fn;

	if (++fn->nstr > fn->maxstr)
		fn->maxstr = fn->nstr;
	return arena_printf(ec->arena, "l->s%d", fn->nstr);
}

const char *ec_key_tmp(struct ec *ec)
{
	struct cfunc *fn = ec->fn;

	if (++fn->nkey > fn->maxkey)
		fn->maxkey = fn->nkey;
	return arena_printf(ec->arena, "l->k%d", fn->nkey);
}

const char *ec_valp_tmp(struct ec *ec)
{
	return arena_printf(ec->arena, "v%d", ++ec->fn->nvalp);
}

const char *ec_frame_member(struct ec *ec, const char *decl_fmt, const char *name)
{
	ptrvec_push(ec->arena, &ec->fn->frame_extra, arena_printf(ec->arena, decl_fmt, name));
	return arena_printf(ec->arena, "l->%s", name);
}

/* ---- names ------------------------------------------------------------------- */

const char *ec_global_name(const struct vardecl *v)
{
	return v->name;
}

const char *ec_var(struct ec *ec, const struct vardecl *v)
{
	if (v->kind == VAR_GLOBAL)
		return arena_printf(ec->arena, "g_%s", v->name);
	return arena_printf(ec->arena, "l->l_%s", v->name);
}

static void local_decl(FILE *f, const struct vardecl *v)
{
	if (v->type == TYPE_STRING)
		fprintf(f, "\tchar l_%s[MAXSTRINGLEN];\n", v->name);
	else
		fprintf(f, "\tint64_t l_%s;\n", v->name);
}

static void local_init(struct ec *ec, const struct vardecl *v)
{
	if (v->type == TYPE_STRING)
		ec_line(ec, "l->l_%s[0] = '\\0';", v->name);
	else
		ec_line(ec, "l->l_%s = 0;", v->name);
}

/* ---- statistics used by the program: histogram kind, @variance -------------- */

struct stat_use {
	const struct vardecl *var;
	const struct expr *hist;	/* an E_HISTOGRAM naming it, or NULL */
	int64_t shift;			/* @variance(s, N) */
	bool variance;
};

static struct stat_use *stat_uses;
static int nstat_uses;

static struct stat_use *stat_use_of(const struct vardecl *v)
{
	int i;

	for (i = 0; i < nstat_uses; i++)
		if (stat_uses[i].var == v)
			return &stat_uses[i];
	stat_uses = realloc(stat_uses, (nstat_uses + 1) * sizeof(*stat_uses));
	memset(&stat_uses[nstat_uses], 0, sizeof(*stat_uses));
	stat_uses[nstat_uses].var = v;
	return &stat_uses[nstat_uses++];
}

static void scan_expr(const struct expr *e);

static void scan_list(const struct ptrvec *v)
{
	int i;

	for (i = 0; i < v->n; i++)
		scan_expr(v->v[i]);
}

static void scan_expr(const struct expr *e)
{
	if (!e)
		return;
	if (e->kind == E_HISTOGRAM && e->left && e->left->var)
		stat_use_of(e->left->var)->hist = e;
	if (e->kind == E_STATOP && e->stat == STAT_VARIANCE && e->left && e->left->var) {
		struct stat_use *u = stat_use_of(e->left->var);

		u->variance = true;
		if (e->has_num)
			u->shift = e->num;
	}
	scan_expr(e->left);
	scan_expr(e->right);
	scan_expr(e->third);
	scan_expr(e->base);
	scan_list(&e->args);
}

static void scan_stmt(const struct stmt *s)
{
	int i;

	if (!s)
		return;
	for (i = 0; i < s->stmts.n; i++)
		scan_stmt(s->stmts.v[i]);
	scan_expr(s->expr);
	scan_expr(s->init);
	scan_expr(s->incr);
	scan_expr(s->array);
	scan_expr(s->limit);
	scan_stmt(s->body);
	scan_stmt(s->else_body);
	scan_stmt(s->catch_body);
}

/* "stat_desc_init_log(&g_s_desc, 0, 0)" and the like */
static void stat_desc_init_call(FILE *f, const struct vardecl *v)
{
	struct stat_use *u = stat_use_of(v);
	int ops = u->variance ? 1 : 0;

	if (u->hist && u->hist->hist == HIST_LINEAR)
		fprintf(f, "\tif (stat_desc_init_linear(&g_%s_desc, %lldLL, %lldLL, %lldLL, %lld, %d) < 0)\n"
			"\t\treturn -EINVAL;\n", v->name,
			(long long)u->hist->hist_params[0], (long long)u->hist->hist_params[1],
			(long long)u->hist->hist_params[2], (long long)u->shift, ops);
	else if (u->hist)
		fprintf(f, "\tstat_desc_init_log(&g_%s_desc, %lld, %d);\n", v->name,
			(long long)u->shift, ops);
	else
		fprintf(f, "\tstat_desc_init(&g_%s_desc, %lld, %d);\n", v->name,
			(long long)u->shift, ops);
}

const char *ec_stat_desc(struct ec *ec, const struct vardecl *v)
{
	return arena_printf(ec->arena, "&g_%s_desc", v->name);
}

/* ---- globals ------------------------------------------------------------------ */

static const char *key_type_name(enum value_type t)
{
	return t == TYPE_STRING ? "SONDE_STRING" : "SONDE_LONG";
}

static const char *value_type_name(enum value_type t)
{
	return t == TYPE_STRING ? "SONDE_STRING" : t == TYPE_STATS ? "SONDE_STATS"
		: "SONDE_LONG";
}

static void emit_global(struct ec *ec, FILE *f, const struct vardecl *v)
{
	const struct global *g = v->decl;
	int i;

	if (v->type == TYPE_STATS)
		fprintf(f, "static struct stat_desc g_%s_desc;\n", v->name);
	if (v->arity > 0) {
		fprintf(f, "static const struct sonde_map_desc g_%s_mapdesc = {\n"
			"\t.name = \"%s\", .nkeys = %d, .key_type = { ", v->name,
			v->name, v->arity);
		for (i = 0; i < v->arity; i++)
			fprintf(f, "%s%s", i ? ", " : "", key_type_name(v->index_types[i]));
		fprintf(f, " },\n\t.value_type = %s,%s\n"
			"\t.max_entries = %s, .declared = %d, .wrap = %d,\n};\n",
			value_type_name(v->type),
			v->type == TYPE_STATS
			? arena_printf(ec->arena, " .stat = &g_%s_desc,", v->name) : "",
			g && g->size > 0 ? arena_printf(ec->arena, "%lld", (long long)g->size)
			: "MAXMAPENTRIES", g && g->size > 0, g && g->wrap);
		fprintf(f, "static struct sonde_map *g_%s;\n", v->name);
		return;
	}
	if (v->type == TYPE_STATS) {
		fprintf(f, "static int64_t g_%s_store[STAT_DATA_SIZE(STAT_MAX_BUCKETS) / 8];\n"
			"static struct stat_data *const g_%s = (struct stat_data *)g_%s_store;\n",
			v->name, v->name, v->name);
	} else if (v->type == TYPE_STRING) {
		fprintf(f, "static char g_%s[MAXSTRINGLEN]", v->name);
		if (g && g->init && g->init->kind == E_STRING) {
			size_t n;
			const char *s = strlit_decode(ec->arena, g->init->str,
						      g->init->str_len, &n);

			if (n > (size_t)ec->o->maxstringlen - 1)
				n = ec->o->maxstringlen - 1;
			fprintf(f, " = ");
			put_cstr(f, s, n);
		}
		fputs(";\n", f);
	} else {
		fprintf(f, "static int64_t g_%s", v->name);
		if (g && g->init && g->init->kind == E_NUMBER)
			fprintf(f, " = %lldLL", (long long)g->init->num);
		else if (g && g->init && g->init->kind == E_UNARY && g->init->left &&
			 g->init->left->kind == E_NUMBER)
			fprintf(f, " = -%lldLL", (long long)g->init->left->num);
		fputs(";\n", f);
	}
	/* staprun NAME=VALUE */
	if (v->type == TYPE_STRING || v->type == TYPE_LONG) {
		const char *kind = v->type == TYPE_STRING ? "string" : "long";

		fprintf(f, "module_param_cb(%s, &sonde_param_%s, %sg_%s, 0);\n"
			"MODULE_PARM_DESC(%s, \"%s\");\n", v->name, kind,
			v->type == TYPE_STRING ? "" : "&", v->name, v->name, kind);
	}
}

/* globals_init: descriptors, then the maps; globals_free */
static void emit_globals_init(struct ec *ec, FILE *f)
{
	int i;

	fputs("\nstatic void globals_free(void)\n{\n", f);
	for (i = 0; i < ec->prog->globals.n; i++) {
		const struct vardecl *v = ec->prog->globals.v[i];

		if (v->arity > 0)
			fprintf(f, "\tsonde_map_free(g_%s);\n", v->name);
	}
	fputs("}\n\nstatic int globals_init(void)\n{\n", f);
	for (i = 0; i < ec->prog->globals.n; i++) {
		const struct vardecl *v = ec->prog->globals.v[i];

		if (v->type == TYPE_STATS)
			stat_desc_init_call(f, v);
	}
	for (i = 0; i < ec->prog->globals.n; i++) {
		const struct vardecl *v = ec->prog->globals.v[i];

		if (v->type == TYPE_STATS && v->arity <= 0)
			fprintf(f, "\tstat_clear(&g_%s_desc, g_%s);\n", v->name, v->name);
	}
	for (i = 0; i < ec->prog->globals.n; i++) {
		const struct vardecl *v = ec->prog->globals.v[i];

		if (v->arity <= 0)
			continue;
		fprintf(f, "\tg_%s = sonde_map_new(&g_%s_mapdesc);\n"
			"\tif (!g_%s)\n\t\tgoto err;\n", v->name, v->name, v->name);
	}
	fputs("\treturn 0;\n", f);
	for (i = 0; i < ec->prog->globals.n; i++)
		if (((const struct vardecl *)ec->prog->globals.v[i])->arity > 0) {
			fputs("err:\n\tglobals_free();\n\treturn -ENOMEM;\n", f);
			break;
		}
	fputs("}\n", f);
}

/* ---- functions and handlers ---------------------------------------------------- */

static void cfunc_begin(struct ec *ec, struct cfunc *fn)
{
	memset(fn, 0, sizeof(*fn));
	fn->f = open_memstream(&fn->body, &fn->body_len);
	fn->indent = 1;
	ec->fn = fn;
	ec->err_label = "out";
	ec->loop = NULL;
}

/* The frame struct, then the function: its C locals first, its body,
 * the out label if some path jumps there */
static void cfunc_end(struct ec *ec, struct cfunc *fn, FILE *out, const char *name,
		      const char *frame, const struct ptrvec *vars,
		      const char *retdecl, const char *comment)
{
	int i;

	fclose(fn->f);
	fprintf(ec->decls, "\nstruct %s {\n", frame);
	for (i = 0; vars && i < vars->n; i++)
		local_decl(ec->decls, vars->v[i]);
	if (retdecl)
		fprintf(ec->decls, "\t%s\n", retdecl);
	for (i = 1; i <= fn->maxstr; i++)
		fprintf(ec->decls, "\tchar s%d[MAXSTRINGLEN];\n", i);
	for (i = 1; i <= fn->maxkey; i++)
		fprintf(ec->decls, "\tstruct sonde_key k%d;\n", i);
	for (i = 0; i < fn->frame_extra.n; i++)
		fprintf(ec->decls, "\t%s;\n", (const char *)fn->frame_extra.v[i]);
	if (!(vars && vars->n) && !retdecl && !fn->maxstr && !fn->maxkey &&
	    !fn->frame_extra.n)
		fputs("\tchar unused;\n", ec->decls);
	fputs("};\n", ec->decls);

	fprintf(out, "\n/* %s */\nstatic void %s(struct sonde_context *c)\n{\n", comment, name);
	fprintf(out, "\tstruct %s *l = sonde_frame(c, c->depth);\n", frame);
	for (i = 1; i <= fn->nlong; i++)
		fprintf(out, "%s t%d", i == 1 ? "\tint64_t" : ",", i);
	if (fn->nlong)
		fputs(";\n", out);
	for (i = 1; i <= fn->nvalp; i++)
		fprintf(out, "%s *v%d", i == 1 ? "\tvoid" : ",", i);
	if (fn->nvalp)
		fputs(";\n", out);
	fputs("\n\t(void)l;\n", out);
	fwrite(fn->body, 1, fn->body_len, out);
	if (fn->used_out)
		fputs("out:\n\treturn;\n", out);
	fputs("}\n", out);
	free(fn->body);
	ec->fn = NULL;
}

/* A script function: parameters and locals in its frame; embedded C
 * sees STAP_ARG_name, STAP_RETVALUE, CONTEXT and THIS */
static void emit_function(struct ec *ec, struct function *fn, FILE *out)
{
	struct cfunc cf;
	struct ptrvec vars = { 0 };
	const char *retdecl = NULL;
	int i;

	for (i = 0; i < fn->params.n; i++)
		ptrvec_push(ec->arena, &vars, ((struct param *)fn->params.v[i])->var);
	for (i = 0; i < fn->locals.n; i++)
		ptrvec_push(ec->arena, &vars, fn->locals.v[i]);
	if (fn->ret == TYPE_STRING)
		retdecl = "char __retvalue[MAXSTRINGLEN];";
	else if (fn->ret == TYPE_LONG)
		retdecl = "int64_t __retvalue;";
	cfunc_begin(ec, &cf);
	cf.is_function = true;
	cf.fn = fn;
	if (fn->ret == TYPE_STRING)
		ec_line(ec, "l->__retvalue[0] = '\\0';");
	else if (fn->ret == TYPE_LONG)
		ec_line(ec, "l->__retvalue = 0;");
	for (i = 0; i < fn->locals.n; i++)
		local_init(ec, fn->locals.v[i]);
	if (fn->embedded) {
		const char *code = fn->embedded->text;
		size_t n = fn->embedded->len;

		if (n >= 2 && !strncmp(code + n - 2, "%}", 2))
			n -= 2;
		for (i = 0; i < fn->params.n; i++) {
			const struct param *p = fn->params.v[i];

			ec_line(ec, "#define STAP_ARG_%s (l->l_%s)", p->name, p->name);
		}
		fprintf(cf.f, "\t{\n%.*s\n\t}\n", (int)n, code);
		for (i = 0; i < fn->params.n; i++)
			ec_line(ec, "#undef STAP_ARG_%s",
				((const struct param *)fn->params.v[i])->name);
	} else {
		if (ec_static_cost(fn->body))
			ec_line(ec, "if (sonde_charge(c, %d, %s))", ec_static_cost(fn->body),
				ec_loc(ec, fn->body->tok ? fn->body->tok : fn->tok));
		if (ec_static_cost(fn->body))
			ec_fail(ec);
		ec_stmt(ec, fn->body);
	}
	cfunc_end(ec, &cf, out, arena_printf(ec->arena, "fn_%s", fn->name),
		  arena_printf(ec->arena, "fn_%s_locals", fn->name), &vars, retdecl,
		  arena_printf(ec->arena, "function %s", fn->name));
}

static const char *probe_where(struct ec *ec, const struct probe *p)
{
	const struct token *t = p->tok;

	return arena_printf(ec->arena, "%s:%d:%d", t->src ? t->src->name : "?", t->line, t->col);
}

static void collect_entries(struct ec *ec, const struct expr *e);

static void collect_entry_list(struct ec *ec, const struct ptrvec *v)
{
	int i;

	for (i = 0; i < v->n; i++)
		collect_entries(ec, v->v[i]);
}

static void collect_entries(struct ec *ec, const struct expr *e)
{
	if (!e)
		return;
	if (e->kind == E_ENTRY) {
		ptrvec_push(ec->arena, &ec->entries, (void *)e);
		return;
	}
	collect_entries(ec, e->left);
	collect_entries(ec, e->right);
	collect_entries(ec, e->third);
	collect_entries(ec, e->base);
	collect_entry_list(ec, &e->args);
}

static void collect_stmt_entries(struct ec *ec, const struct stmt *s)
{
	int i;

	if (!s)
		return;
	for (i = 0; i < s->stmts.n; i++)
		collect_stmt_entries(ec, s->stmts.v[i]);
	collect_entries(ec, s->expr);
	collect_entries(ec, s->init);
	collect_entries(ec, s->incr);
	collect_entries(ec, s->limit);
	collect_stmt_entries(ec, s->body);
	collect_stmt_entries(ec, s->else_body);
	collect_stmt_entries(ec, s->catch_body);
}

/* The entry part of a .return probe using @entry(expr): evaluated by the
 * kretprobe's entry handler into c->entry[i] */
static bool emit_entry_handler(struct ec *ec, struct probe *p, int id, FILE *out)
{
	struct cfunc cf;
	int i;

	for (i = 0; i < p->derived.n; i++) {
		const struct prov_probe *pp = p->derived.v[i];
		bool ret = pp->family == PROV_KFUNC ? pp->u.kfunc.is_return
			 : pp->family == PROV_KPROBE ? pp->u.kprobe.is_return : false;

		if (!ret) {
			ec_unsupported(ec, ((const struct expr *)ec->entries.v[0])->tok,
				       "@entry outside a kernel function's .return");
			return false;
		}
	}
	cfunc_begin(ec, &cf);
	ec->probe = p;
	for (i = 0; i < ec->entries.n; i++) {
		const struct expr *e = ec->entries.v[i];

		ec->fn->nstr = 0;
		ec->fn->nkey = 0;
		ec_line(ec, "c->entry[%d] = %s;", i, ec_long(ec, e->left));
	}
	cfunc_end(ec, &cf, out, arena_printf(ec->arena, "probe_%d_entry", id),
		  arena_printf(ec->arena, "probe_%d_entry_locals", id), NULL, NULL,
		  arena_printf(ec->arena, "the @entry values of probe_%d, at the call", id));
	ec->probe = NULL;
	return true;
}

/* probe POINT if (COND): a hit whose condition is false does nothing.
 * The handler is shared by the derived probes, so they must share the
 * condition (all points of the probe carry the same one, or none). */
static void emit_condition(struct ec *ec, const struct probe *p)
{
	const struct expr *cond = NULL;
	const char *v;
	int i;

	for (i = 0; i < p->derived.n; i++) {
		const struct prov_probe *pp = p->derived.v[i];
		const struct expr *c = pp->point ? pp->point->cond : NULL;

		if (i && c != cond) {
			ec_unsupported(ec, c ? c->tok : cond->tok,
				       "different conditions on the points of one probe");
			return;
		}
		cond = c;
	}
	if (!cond)
		return;
	v = ec_long(ec, cond);
	ec_line(ec, "if (!%s)", v);
	ec_fail(ec);
}

/* One handler per script probe, shared by the probes it derives */
static void emit_handler(struct ec *ec, struct probe *p, int id, FILE *out)
{
	struct cfunc cf;
	int i;

	ec->entries = (struct ptrvec){ 0 };
	collect_stmt_entries(ec, p->body);
	if (ec->entries.n && emit_entry_handler(ec, p, id, out))
		ec->nentries[id] = ec->entries.n;
	cfunc_begin(ec, &cf);
	ec->probe = p;
	for (i = 0; i < p->locals.n; i++)
		local_init(ec, p->locals.v[i]);
	emit_condition(ec, p);
	if (p->autoprint_of) {
		ec_autoprint(ec, p->autoprint_of);
	} else if (p->body) {
		int cost = ec_static_cost(p->body);

		if (cost) {
			ec_line(ec, "if (sonde_charge(c, %d, %s))", cost,
				ec_loc(ec, p->body->tok ? p->body->tok : p->tok));
			ec_fail(ec);
		}
		ec_stmt(ec, p->body);
	}
	cfunc_end(ec, &cf, out, arena_printf(ec->arena, "probe_%d", id),
		  arena_printf(ec->arena, "probe_%d_locals", id), &p->locals, NULL,
		  p->autoprint_of
		  ? arena_printf(ec->arena, "end probe printing '%s'", p->autoprint_of->name)
		  : arena_printf(ec->arena, "probe at %s", probe_where(ec, p)));
	ec->probe = NULL;
	ec->entries = (struct ptrvec){ 0 };
}

/* ---- which handlers need the globals lock ----------------------------------------- */

/* functions already looked at by one query (each is looked at once,
 * which also ends recursion) */
struct seen {
	const struct function *v[256];
	int n;
};

static bool stmt_uses_globals(const struct stmt *s, struct seen *seen);

static bool call_uses_globals(const struct function *fn, struct seen *seen)
{
	int i;

	if (!fn->body)
		return false;	/* embedded C: the tapsets touch no script global */
	for (i = 0; i < seen->n; i++)
		if (seen->v[i] == fn)
			return false;
	if (seen->n == 256)
		return true;	/* too many to track: lock, to be safe */
	seen->v[seen->n++] = fn;
	return stmt_uses_globals(fn->body, seen);
}

static bool expr_uses_globals(const struct expr *e, struct seen *seen)
{
	int i;

	if (!e)
		return false;
	if (e->var && e->var->kind == VAR_GLOBAL)
		return true;
	if (e->kind == E_CALL && e->callee && call_uses_globals(e->callee, seen))
		return true;
	if (expr_uses_globals(e->left, seen) || expr_uses_globals(e->right, seen) ||
	    expr_uses_globals(e->third, seen) || expr_uses_globals(e->base, seen))
		return true;
	for (i = 0; i < e->args.n; i++)
		if (expr_uses_globals(e->args.v[i], seen))
			return true;
	return false;
}

static bool stmt_uses_globals(const struct stmt *s, struct seen *seen)
{
	int i;

	if (!s)
		return false;
	for (i = 0; i < s->stmts.n; i++)
		if (stmt_uses_globals(s->stmts.v[i], seen))
			return true;
	return expr_uses_globals(s->expr, seen) || expr_uses_globals(s->init, seen) ||
	       expr_uses_globals(s->incr, seen) || expr_uses_globals(s->array, seen) ||
	       expr_uses_globals(s->limit, seen) || stmt_uses_globals(s->body, seen) ||
	       stmt_uses_globals(s->else_body, seen) ||
	       stmt_uses_globals(s->catch_body, seen);
}

/* Handlers that touch no global run without the globals lock, so that
 * such probes on hot paths do not serialize the CPUs */
static bool probe_locks(const struct probe *p, const struct prov_probe *pp)
{
	struct seen seen = { .n = 0 };

	if (p->autoprint_of)
		return true;
	if (pp->point && expr_uses_globals(pp->point->cond, &seen))
		return true;
	return stmt_uses_globals(p->body, &seen);
}

/* ---- probe tables -------------------------------------------------------------- */

struct dprobe {
	const struct prov_probe *pp;
	const struct probe *probe;	/* the script probe it derives from */
	int handler;		/* probe_N */
	int index;		/* its descriptor pN_M */
	int order;		/* script order, for stable sorting */
};

static int cmp_been(const void *a, const void *b)
{
	const struct dprobe *x = a, *y = b;

	if (x->pp->u.been.seq != y->pp->u.been.seq)
		return x->pp->u.been.seq < y->pp->u.been.seq ? -1 : 1;
	return x->order - y->order;
}

static void emit_list(FILE *f, const char *name, struct dprobe *v, int n)
{
	int i;

	qsort(v, n, sizeof(*v), cmp_been);
	fprintf(f, "static const struct sonde_probe *const %s[] = {", name);
	for (i = 0; i < n; i++)
		fprintf(f, "%s&pd_%d", i ? ", " : " ", v[i].index);
	fprintf(f, "%s};\n", n ? " " : " NULL ");
}

/* The end of a probe table of n entries: an empty one gets a NULL entry,
 * as C has no empty arrays (the runtime reads only n of them) */
static void end_table(FILE *f, int n)
{
	if (!n)
		fputs("\t{ .probe = NULL },\n", f);
	fputs("};\n", f);
}

/* "syscalls:sys_enter_getppid" is the sys_enter tracepoint filtered on
 * __NR_getppid */
static bool syscall_event(const struct prov_trace *t, const char **tp, const char **call)
{
	if (strcmp(t->system, "syscalls"))
		return false;
	if (!strncmp(t->event, "sys_enter_", 10)) {
		*tp = "sys_enter";
		*call = t->event + 10;
		return true;
	}
	if (!strncmp(t->event, "sys_exit_", 9)) {
		*tp = "sys_exit";
		*call = t->event + 9;
		return true;
	}
	return false;
}

static int tp_nargs(const struct prov_probe *pp)
{
	int i, n = 0;

	for (i = 0; i < pp->vars.n; i++)
		if (((const struct prov_var *)pp->vars.v[i])->src == PROV_VAR_BTF_ARG)
			n++;
	return n;
}

/* A stub with the tracepoint's arity (arguments register-sized) */
static void emit_tp_stub(FILE *f, int i, const struct prov_probe *pp)
{
	const char *tp, *call;
	int n, a;

	if (syscall_event(&pp->u.trace, &tp, &call)) {
		fprintf(f, "\nstatic void tp_stub_%d(void *data, struct pt_regs *regs, long arg)\n{\n", i);
		if (!strcmp(tp, "sys_enter"))
			fputs("\tsonde_tracepoint_hit(data, arg, NULL);\n}\n", f);
		else
			fputs("\tsonde_tracepoint_hit(data, syscall_get_nr(current, regs), NULL);\n}\n", f);
		return;
	}
	n = tp_nargs(pp);
	fprintf(f, "\nstatic void tp_stub_%d(void *data", i);
	for (a = 0; a < n; a++)
		fprintf(f, ", unsigned long a%d", a);
	fprintf(f, ")\n{\n");
	if (n) {
		fprintf(f, "\tconst unsigned long args[%d] = {", n);
		for (a = 0; a < n; a++)
			fprintf(f, "%s a%d", a ? "," : "", a);
		fprintf(f, " };\n\n\tsonde_tracepoint_hit(data, -1, args);\n}\n");
	} else {
		fprintf(f, "\tsonde_tracepoint_hit(data, -1, NULL);\n}\n");
	}
}

static void emit_tables(struct ec *ec, FILE *f, struct dprobe *all, int n)
{
	struct dprobe *lists[3];
	int counts[3] = { 0 }, ntimers = 0, ntps = 0, nkps = 0, nperfs = 0, nups = 0, i;
	static const char *names[3] = { "begin_probes", "end_probes", "error_probes" };

	for (i = 0; i < 3; i++)
		lists[i] = calloc(n + 1, sizeof(struct dprobe));
	for (i = 0; i < n; i++) {
		const struct prov_probe *pp = all[i].pp;

		fprintf(f, "static const struct sonde_probe pd_%d = { .pp = ", i);
		put_cstr(f, pp->pp, strlen(pp->pp));
		fprintf(f, ", .handler = probe_%d, .locks = %d };\n", all[i].handler,
			probe_locks(all[i].probe, pp));
		if (ec->nentries[all[i].handler]) {
			fprintf(f, "static const struct sonde_probe pd_%d_entry = { .pp = ", i);
			put_cstr(f, pp->pp, strlen(pp->pp));
			fprintf(f, ", .handler = probe_%d_entry, .locks = %d };\n",
				all[i].handler, probe_locks(all[i].probe, pp));
		}
		if (pp->family == PROV_BEGIN)
			lists[0][counts[0]++] = all[i];
		else if (pp->family == PROV_END)
			lists[1][counts[1]++] = all[i];
		else if (pp->family == PROV_ERROR)
			lists[2][counts[2]++] = all[i];
	}
	for (i = 0; i < 3; i++) {
		emit_list(f, names[i], lists[i], counts[i]);
		free(lists[i]);
	}
	fputs("\nstatic struct sonde_timer_probe timers[] = {\n", f);
	for (i = 0; i < n; i++) {
		const struct prov_timer *t = &all[i].pp->u.timer;

		if (all[i].pp->family != PROV_TIMER)
			continue;
		if (t->jiffies)
			fprintf(f, "\t{ .probe = &pd_%d, .period_ns = %lldULL * (NSEC_PER_SEC / HZ), "
				".randomize_ns = %lldULL * (NSEC_PER_SEC / HZ) },\n", i,
				(long long)t->period, (long long)t->randomize);
		else
			fprintf(f, "\t{ .probe = &pd_%d, .period_ns = %lldULL, .randomize_ns = %lldULL },\n",
				i, (long long)t->period, (long long)t->randomize);
		ntimers++;
	}
	end_table(f, ntimers);
	for (i = 0; i < n; i++)
		if (all[i].pp->family == PROV_TRACEPOINT)
			emit_tp_stub(f, i, all[i].pp);
	fputs("\nstatic struct sonde_tp_probe tracepoints[] = {\n", f);
	for (i = 0; i < n; i++) {
		const struct prov_trace *t = &all[i].pp->u.trace;
		const char *tp = t->event, *call = NULL;

		if (all[i].pp->family != PROV_TRACEPOINT)
			continue;
		syscall_event(t, &tp, &call);
		fprintf(f, "\t{ .probe = &pd_%d, .name = \"%s\", .stub = tp_stub_%d, "
			".syscall_nr = %s%s },\n", i, tp, i, call ? "__NR_" : "-1",
			call ? call : "");
		ntps++;
	}
	end_table(f, ntps);
	fputs("\nstatic struct sonde_kprobe kprobes[] = {\n", f);
	for (i = 0; i < n; i++) {
		const struct prov_probe *pp = all[i].pp;
		const char *sym;
		bool ret;
		int64_t maxactive;

		if (pp->family == PROV_KFUNC) {
			sym = pp->u.kfunc.function;
			ret = pp->u.kfunc.is_return;
			maxactive = pp->u.kfunc.maxactive;
		} else if (pp->family == PROV_KPROBE) {
			sym = pp->u.kprobe.symbol;
			ret = pp->u.kprobe.is_return;
			maxactive = pp->u.kprobe.maxactive;
		} else {
			continue;
		}
		fprintf(f, "\t{ .probe = &pd_%d, .symbol = \"%s\", .is_return = %d, "
			".maxactive = %lld", i, sym, ret, (long long)(maxactive > 0 ? maxactive : 0));
		if (ec->nentries[all[i].handler])
			fprintf(f, ",\n\t  .entry_probe = &pd_%d_entry, .nentry = %d", i,
				ec->nentries[all[i].handler]);
		fputs(" },\n", f);
		nkps++;
	}
	end_table(f, nkps);
	fputs("\nstatic struct sonde_perf_probe perfs[] = {\n", f);
	for (i = 0; i < n; i++) {
		const struct prov_perf *pf = &all[i].pp->u.perf;

		if (all[i].pp->family != PROV_PERF)
			continue;
		fprintf(f, "\t{ .probe = &pd_%d, .type = %u, .config = %lluULL, "
			".sample = %lluULL, .freq = %d, .per_cpu = %d },\n", i, pf->type,
			(unsigned long long)pf->config, (unsigned long long)pf->sample,
			pf->freq, pf->per_cpu);
		nperfs++;
	}
	end_table(f, nperfs);
	fputs("\nstatic struct sonde_uprobe uprobes[] = {\n", f);
	for (i = 0; i < n; i++) {
		const struct prov_uprobe *u = &all[i].pp->u.uprobe;

		if (all[i].pp->family != PROV_UPROBE)
			continue;
		fprintf(f, "\t{ .probe = &pd_%d, .path = ", i);
		put_cstr(f, u->path, strlen(u->path));
		fprintf(f, ", .offset = 0x%llxULL, .is_return = %d, .pid = -1 },\n",
			(unsigned long long)u->offset, u->is_return);
		nups++;
	}
	end_table(f, nups);
	emit_globals_init(ec, f);
	fprintf(f, "\nstatic const struct sonde_program sonde_program = {\n"
		"\t.begin = begin_probes, .nbegin = %d,\n"
		"\t.end = end_probes, .nend = %d,\n"
		"\t.error = error_probes, .nerror = %d,\n"
		"\t.timers = timers, .ntimers = %d,\n"
		"\t.tracepoints = tracepoints, .ntracepoints = %d,\n"
		"\t.kprobes = kprobes, .nkprobes = %d,\n"
		"\t.perfs = perfs, .nperfs = %d,\n"
		"\t.uprobes = uprobes, .nuprobes = %d,\n"
		"\t.frame_size = sizeof(union sonde_frames),\n"
		"\t.globals_init = globals_init,\n"
		"\t.globals_free = globals_free,\n};\n",
		counts[0], counts[1], counts[2], ntimers, ntps, nkps, nperfs, nups);
}

/* Which derived probes the kernel runtime can attach */
static bool check_probe(struct ec *ec, const struct probe *p, const struct prov_probe *pp)
{
	switch (pp->family) {
	case PROV_BEGIN: case PROV_END: case PROV_ERROR: case PROV_TIMER:
		return true;
	case PROV_TRACEPOINT:
		return true;
	case PROV_KFUNC:
		return true;
	case PROV_UPROBE:
		if (pp->u.uprobe.semaphore) {
			ec_unsupported(ec, pp->point ? pp->point->tok : p->tok,
				       "an SDT marker with a semaphore");
			return false;
		}
		return true;
	case PROV_PERF:
		if (pp->u.perf.process || pp->u.perf.counter) {
			ec_unsupported(ec, pp->point ? pp->point->tok : p->tok,
				       "a perf probe on a process or a counter");
			return false;
		}
		return true;
	case PROV_KPROBE:
		if (pp->u.kprobe.module) {
			ec_unsupported(ec, pp->point ? pp->point->tok : p->tok,
				       "a kprobe in a module");
			return false;
		}
		return true;
	case PROV_NEVER:
		return false;
	default:
		ec_unsupported(ec, pp->point ? pp->point->tok : p->tok,
			       arena_printf(ec->arena, "probe point '%s'", pp->pp));
		return false;
	}
}

/* The probes pass 2 adds to print unread globals are end probes of
 * priority 0 that no provider resolved */
static struct prov_probe *autoprint_end(struct ec *ec)
{
	struct prov_probe *pp = arena_alloc(ec->arena, sizeof(*pp));

	pp->family = PROV_END;
	pp->name = pp->pp = "end";
	return pp;
}

static void emit_embeds(FILE *f, const struct ptrvec *files)
{
	int i, j;

	for (i = 0; i < files->n; i++) {
		const struct stapfile *sf = files->v[i];

		for (j = 0; j < sf->embeds.n; j++) {
			const struct token *t = sf->embeds.v[j];
			size_t n = t->len;

			if (n >= 2 && !strncmp(t->text + n - 2, "%}", 2))
				n -= 2;
			fprintf(f, "%.*s\n", (int)n, t->text);
		}
	}
}

int emit_module(struct program *prog, const struct emit_opts *o, FILE *out,
		struct diags *d)
{
	struct ec ec = { .prog = prog, .o = o, .d = d, .arena = &prog->arena };
	char *decls = NULL, *code = NULL, *tables = NULL;
	size_t ndecls = 0, ncode = 0, ntables = 0;
	FILE *code_f, *tables_f;
	struct dprobe *all = NULL;
	int i, j, n = 0;

	nstat_uses = 0;
	for (i = 0; i < prog->probes.n; i++)
		scan_stmt(((struct probe *)prog->probes.v[i])->body);
	for (i = 0; i < prog->functions.n; i++)
		scan_stmt(((struct function *)prog->functions.v[i])->body);

	ec.nentries = arena_alloc(ec.arena, (prog->probes.n + 1) * sizeof(int));
	ec.decls = open_memstream(&decls, &ndecls);
	code_f = open_memstream(&code, &ncode);
	tables_f = open_memstream(&tables, &ntables);
	for (i = 0; i < prog->globals.n; i++)
		emit_global(&ec, ec.decls, prog->globals.v[i]);
	for (i = 0; i < prog->functions.n; i++) {
		struct function *fn = prog->functions.v[i];

		fprintf(ec.decls, "%sstatic void fn_%s(struct sonde_context *c);\n",
			i ? "" : "\n", fn->name);
	}
	for (i = 0; i < prog->functions.n; i++)
		emit_function(&ec, prog->functions.v[i], code_f);
	for (i = 0; i < prog->probes.n; i++) {
		struct probe *p = prog->probes.v[i];

		emit_handler(&ec, p, i, code_f);
		if (p->autoprint_of && !p->derived.n)
			ptrvec_push(ec.arena, &p->derived, autoprint_end(&ec));
		for (j = 0; j < p->derived.n; j++) {
			if (!check_probe(&ec, p, p->derived.v[j]))
				continue;
			all = realloc(all, (n + 1) * sizeof(*all));
			all[n] = (struct dprobe){ p->derived.v[j], p, i, n, n };
			n++;
		}
	}
	fputs("\nunion sonde_frames {\n", ec.decls);
	for (i = 0; i < prog->functions.n; i++)
		fprintf(ec.decls, "\tstruct fn_%s_locals fn_%s;\n",
			((struct function *)prog->functions.v[i])->name,
			((struct function *)prog->functions.v[i])->name);
	for (i = 0; i < prog->probes.n; i++) {
		fprintf(ec.decls, "\tstruct probe_%d_locals probe_%d;\n", i, i);
		if (ec.nentries[i])
			fprintf(ec.decls, "\tstruct probe_%d_entry_locals probe_%d_entry;\n",
				i, i);
	}
	fputs("};\n", ec.decls);
	emit_tables(&ec, tables_f, all, n);
	fclose(ec.decls);
	fclose(code_f);
	fclose(tables_f);

	fputs("/* Generated by Sonde's stap (module-backend/): a kernel module built\n"
	      " * with kbuild against runtime/linux/.  See module-backend/README.md. */\n", out);
	for (i = 0; i < o->ndefines; i++) {
		const char *eq = strchr(o->defines[i], '=');

		if (eq)
			fprintf(out, "#define %.*s %s\n", (int)(eq - o->defines[i]),
				o->defines[i], eq + 1);
		else
			fprintf(out, "#define %s 1\n", o->defines[i]);
	}
	fputs("#include \"linux/runtime.h\"\n", out);
	fputs("#include <linux/unistd.h>\n#include <asm/syscall.h>\n", out);
	if (ec.uses_kernel_types)
		fputs("#include \"linux/kernel_types.h\"\n", out);
	emit_embeds(out, &prog->library_files);
	emit_embeds(out, &prog->user_files);
	fwrite(decls, 1, ndecls, out);
	fwrite(code, 1, ncode, out);
	fputc('\n', out);
	fwrite(tables, 1, ntables, out);
	fputs("\n#include \"linux/runtime.c\"\n", out);
	free(decls);
	free(code);
	free(tables);
	free(all);
	free(stat_uses);
	stat_uses = NULL;
	return ec.errors ? -1 : 0;
}
