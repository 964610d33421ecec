/* emit_call.c - calls of script and embedded-C functions.
 *
 * The arguments are evaluated in the caller's frame first (they may call
 * functions themselves, which use the next frame), then the call enters
 * the next nesting level (MAXNESTING), copies them into the callee's
 * frame, runs it, and reads its return value from that frame.  An error
 * the callee leaves without a location is placed at the call. */
#include "module-backend/emit_int.h"

const char *ec_call(struct ec *ec, const struct expr *e)
{
	const struct function *fn = e->callee;
	const char **args;
	const char *t = "0";
	int i;

	if (!fn) {
		ec_unsupported(ec, e->tok, "this call");
		return "0";
	}
	args = arena_alloc(ec->arena, (e->args.n + 1) * sizeof(*args));
	for (i = 0; i < e->args.n; i++) {
		const struct expr *a = e->args.v[i];

		args[i] = ec_stable(ec, a, ec_long(ec, a));
	}
	ec_line(ec, "if (sonde_enter(c, %s))", ec_loc(ec, e->tok));
	ec_fail(ec);
	ec_line(ec, "{");
	ec_line(ec, "\tstruct fn_%s_locals *callee = sonde_frame(c, c->depth);", fn->name);
	ec_blank(ec);
	if (!fn->params.n && fn->ret != TYPE_STRING && fn->ret != TYPE_LONG)
		ec_line(ec, "\t(void)callee;");
	for (i = 0; i < fn->params.n && i < e->args.n; i++) {
		const struct param *p = fn->params.v[i];

		if (p->var && p->var->type == TYPE_STRING)
			ec_line(ec, "\tsonde_strcpy(callee->l_%s, %s);", p->name, args[i]);
		else
			ec_line(ec, "\tcallee->l_%s = %s;", p->name, args[i]);
	}
	ec_line(ec, "\tfn_%s(c);", fn->name);
	if (fn->ret == TYPE_STRING) {
		t = ec_str_tmp(ec);
		ec_line(ec, "\tsonde_strcpy(%s, callee->__retvalue);", t);
	} else if (fn->ret == TYPE_LONG) {
		t = ec_long_tmp(ec);
		ec_line(ec, "\t%s = callee->__retvalue;", t);
	}
	ec_line(ec, "}");
	ec_line(ec, "sonde_leave(c);");
	ec_check(ec, e->tok);
	return t;
}
