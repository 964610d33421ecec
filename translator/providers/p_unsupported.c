/* Probe points SystemTap has and Sonde does not (yet): recognised, so the
 * error says so instead of "probe point mismatch".  They are not in
 * --dump-probe-types. */
#include "translator/providers/prov_int.h"

#include <string.h>

static const char *const patterns[] = {
	"process(number).function(string)",
	"process(number).function(string).return",
	"process(number).statement(number)",
	"process(number).statement(number).absolute",
	"process(number).plt(string)",
	"process(number).mark(string)",
	"process(number).begin", "process(number).end",
	"process(number).thread.begin", "process(number).thread.end",
	"process(number).syscall", "process(number).syscall.return",
	"process.function(string)", "process.function(string).return",
	"process.statement(string)", "process.mark(string)",
	"process(string).library(string).function(string)",
	"process(string).library(string).mark(string)",
	"process(string).function(number)",
	"process(string).function(string).label(string)",
	"process(string).function(string).callee(string)",
	"module(string).function(string)",
	"module(string).function(string).call",
	"module(string).function(string).return",
	"module(string).statement(string)",
	"kernel.tracepoint(string)",
	"module(string).tracepoint(string)",
	"kernel.data(number).write", "kernel.data(number).rw",
	"kernel.data(string).write", "kernel.data(string).rw",
	"kernel.statement(number).absolute",
	"kprobe.statement(number).absolute",
	"netfilter.hook(string).pf(string)",
	"netfilter.pf(string).hook(string)",
	"kernel.lsm(string)",
	"python3.module(string).function(string)",
	"java(string).class(string).method(string)",
	NULL,
};

/* "module(string).function(string) probes are not supported yet" */
static int unsupported_build(struct prov_build *b)
{
	struct arena *a = b->ctx->arena;
	char *shape = arena_strdup(a, "");

	if (b->comps[0]->arg && b->comps[0]->arg->kind == E_NUMBER &&
	    !strcmp(b->comps[0]->name, "process"))
		return prov_fail(b, b->comps[0]->tok, "process(PID) probes are not "
				 "supported yet; name the executable: process(\"PATH\")");
	for (int i = 0; i < b->ncomps; i++) {
		const struct probe_comp *pc = b->comps[i];
		const char *kind = !pc->arg ? "" :
			pc->arg->kind == E_NUMBER ? "(number)" : "(string)";

		shape = arena_printf(a, "%s%s%s%s", shape, i ? "." : "", pc->name, kind);
	}
	return prov_fail(b, b->comps[0]->tok, "%s probes are not supported yet", shape);
}

const struct provider prov_unsupported_forms = {
	.name = "unsupported probe builder",
	.patterns = patterns,
	.build = unsupported_build,
	.unsupported = true,
};
