/* Kernel function and tracepoint prototypes from BTF, and glob listings
 * of both.
 *
 * A tracepoint's handler signature is the btf_trace_<event> typedef: a
 * pointer to a FUNC_PROTO whose first parameter is the void *__data
 * cookie.  pahole emits that typedef's parameters without names, so the
 * names come from a function with the same prototype: __traceiter_<event>
 * (one per tracepoint) or __bpf_trace_<event> (one per event class, named
 * after the class, so it only helps when event and class share a name). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "translator/debuginfo/btf_int.h"
#include "translator/debuginfo/util.h"

static const struct btf_type *func_proto_of(const struct dbtf *b, uint32_t id)
{
	const struct btf_type *t = btf__type_by_id(b->btf, id);

	while (t && (btf_is_func(t) || btf_is_ptr(t) || btf_is_typedef(t)))
		t = btf__type_by_id(b->btf, t->type);
	return t && btf_is_func_proto(t) ? t : NULL;
}

/* Fill params from 'proto', skipping its first 'skip' parameters. */
static void fill_params(const struct dbtf *b, const struct btf_type *proto,
			int skip, struct dbtf_proto *p)
{
	const struct btf_param *bp = btf_params(proto);
	int n = btf_vlen(proto);

	if (n && bp[n - 1].type == 0) {		/* trailing "..." */
		p->variadic = true;
		n--;
	}
	p->nparams = n > skip ? n - skip : 0;
	p->params = dbg_xcalloc(p->nparams, sizeof(*p->params));
	for (int i = 0; i < p->nparams; i++) {
		const struct btf_param *q = &bp[i + skip];
		p->params[i].name = btf__name_by_offset(b->btf, q->name_off);
		p->params[i].type_id = q->type;
		p->params[i].type = dbtf_type_name(b, q->type);
	}
	p->ret_type_id = proto->type;
	p->ret_type = dbtf_type_name(b, proto->type);
}

static struct dbtf_proto *new_proto(const struct dbtf *b, uint32_t id,
				    const char *name, int skip)
{
	const struct btf_type *proto = func_proto_of(b, id);
	struct dbtf_proto *p;

	if (!proto) {
		errno = EINVAL;
		return NULL;
	}
	p = dbg_xcalloc(1, sizeof(*p));
	p->name = name;
	p->id = id;
	fill_params(b, proto, skip, p);
	return p;
}

struct dbtf_proto *dbtf_func_proto(struct dbtf *b, const char *name)
{
	const struct sidx_ent *e = sidx_find(dbtf_index(b, DBTF_IX_FUNCS), name, NULL);

	if (!e) {
		errno = ENOENT;
		return NULL;
	}
	return new_proto(b, e->val, e->name, 0);
}

/* Copy parameter names from function 'fname' when its prototype has the
 * same shape (cookie included) as the tracepoint's. */
static bool names_from(struct dbtf *b, const char *fname, struct dbtf_proto *p)
{
	const struct sidx_ent *e = sidx_find(dbtf_index(b, DBTF_IX_FUNCS), fname, NULL);
	const struct btf_type *fp = e ? func_proto_of(b, e->val) : NULL;
	const struct btf_param *bp;

	if (!fp || btf_vlen(fp) != p->nparams + 1 + p->variadic)
		return false;
	bp = btf_params(fp);
	for (int i = 0; i < p->nparams; i++)
		if (!*btf__name_by_offset(b->btf, bp[i + 1].name_off))
			return false;
	for (int i = 0; i < p->nparams; i++)
		p->params[i].name = btf__name_by_offset(b->btf, bp[i + 1].name_off);
	return true;
}

/* Last resort: "arg1".."argN", as kernel.tracepoint numbers them.  The
 * strings are static so dbtf_param.name stays a borrowed pointer. */
static const char *const argnames[] = {
	"arg1", "arg2", "arg3", "arg4", "arg5", "arg6", "arg7", "arg8",
	"arg9", "arg10", "arg11", "arg12", "arg13", "arg14", "arg15", "arg16",
};

static void synthesize_names(struct dbtf_proto *p)
{
	int max = sizeof(argnames) / sizeof(argnames[0]);

	p->names_synthesized = true;
	for (int i = 0; i < p->nparams; i++)
		p->params[i].name = i < max ? argnames[i] : "arg";
}

struct dbtf_proto *dbtf_tracepoint_proto(struct dbtf *b, const char *event)
{
	const struct sidx_ent *e = sidx_find(dbtf_index(b, DBTF_IX_TRACEPOINTS),
					     event, NULL);
	struct dbtf_proto *p;
	char fname[256];

	if (!e) {
		errno = ENOENT;
		return NULL;
	}
	if (!(p = new_proto(b, e->val, e->name, 1)))
		return NULL;
	snprintf(fname, sizeof(fname), "__traceiter_%s", event);
	if (names_from(b, fname, p))
		return p;
	snprintf(fname, sizeof(fname), "__bpf_trace_%s", event);
	if (!names_from(b, fname, p))
		synthesize_names(p);
	return p;
}

void dbtf_proto_free(struct dbtf_proto *p)
{
	if (!p)
		return;
	for (int i = 0; i < p->nparams; i++)
		free(p->params[i].type);
	free(p->params);
	free(p->ret_type);
	free(p);
}

struct glob_state {
	dbtf_name_cb cb;
	void *arg;
	const char *last;	/* previous name, to report each name once */
	int count;
};

static int glob_one(const struct sidx_ent *e, void *arg)
{
	struct glob_state *g = arg;
	int r;

	if (g->last && strcmp(g->last, e->name) == 0)
		return 0;
	g->last = e->name;
	g->count++;
	if (g->cb && (r = g->cb(e->name, (uint32_t)e->val, g->arg)) < 0)
		return r;
	return 0;
}

static int glob(struct dbtf *b, enum dbtf_index which, const char *pattern,
		dbtf_name_cb cb, void *arg)
{
	struct glob_state g = { cb, arg, NULL, 0 };
	int r = sidx_glob(dbtf_index(b, which), pattern, glob_one, &g);

	return r < 0 ? r : g.count;
}

int dbtf_func_glob(struct dbtf *b, const char *pattern, dbtf_name_cb cb,
		   void *arg)
{
	return glob(b, DBTF_IX_FUNCS, pattern, cb, arg);
}

int dbtf_tracepoint_glob(struct dbtf *b, const char *pattern,
			 dbtf_name_cb cb, void *arg)
{
	return glob(b, DBTF_IX_TRACEPOINTS, pattern, cb, arg);
}
