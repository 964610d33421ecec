/* process[("PATH")].begin/.end/.thread.begin/.thread.end/.syscall
 * [.return] (spec/probes.md §2.7.2).  No PATH: every process.  Upstream
 * -L lists "$syscall:long $arg1:long ... $arg6:long" for all of them;
 * Sonde lists the same, and adds an unlisted $return for .syscall.return.
 * Which variables a given event really supports (only .syscall has
 * $argN) is the elaborator's check, with upstream's messages. */
#include "translator/providers/prov_int.h"

#include <string.h>

#define FORMS(p) p ".begin", p ".end", p ".thread.begin", p ".thread.end", \
	p ".syscall", p ".syscall.return"

static const char *const patterns[] = {
	FORMS("process"),
	FORMS("process(string)"),
	NULL,
};

static enum prov_utrace_event event_of(const struct prov_build *b)
{
	bool thread = prov_has(b, "thread");

	if (prov_has(b, "syscall"))
		return prov_has(b, "return") ? PROV_UT_SYSCALL_RETURN : PROV_UT_SYSCALL;
	if (prov_has(b, "begin"))
		return thread ? PROV_UT_THREAD_BEGIN : PROV_UT_BEGIN;
	return thread ? PROV_UT_THREAD_END : PROV_UT_END;
}

static void emit(struct prov_build *b, const char *path)
{
	struct prov_ctx *c = b->ctx;
	struct prov_probe *p = prov_emit(b, PROV_UTRACE);
	struct prov_var *v;

	p->needs = PROV_NEED_TASK_FINDER;
	p->u.utrace.event = event_of(b);
	p->u.utrace.path = path;
	if (path)
		prov_set_str(c, p, "process", path);
	v = prov_add_var(c, p, "syscall", "long", PROV_VAR_UTRACE);
	v->index = 0;
	for (int i = 1; i <= 6; i++) {
		v = prov_add_var(c, p, arena_printf(c->arena, "arg%d", i), "long",
				 PROV_VAR_UTRACE);
		v->index = i;
	}
	if (p->u.utrace.event == PROV_UT_SYSCALL_RETURN) {
		v = prov_add_var(c, p, "return", "long", PROV_VAR_UTRACE);
		v->index = -1;
		v->hidden = true;
	}
}

static int utrace_build(struct prov_build *b)
{
	struct ptrvec paths = { 0 };

	if (!prov_param(b, "process")->arg) {
		emit(b, NULL);
		return 0;
	}
	if (prov_process_paths(b, &paths) < 0)
		return -1;
	for (int i = 0; i < paths.n; i++)
		emit(b, paths.v[i]);
	return 0;
}

const struct provider prov_utrace = {
	.name = "utrace builder",
	.patterns = patterns,
	.build = utrace_build,
};
