/* kernel.trace("SYSTEM:EVENT") and kernel.trace("EVENT"), both halves
 * globs (spec/probes.md §2.5).
 *
 * Upstream learns TP_PROTO from kernel headers; Sonde lists the events
 * tracefs knows (available_events gives the "system:event" names) and
 * takes each one's handler prototype from BTF (btf_trace_<event>), which
 * gives the same $names and types without headers.  Trace events that
 * are not tracepoints have no BTF prototype (syscalls:sys_enter_*, and
 * dynamic kprobe/uprobe/synthetic events): their context variables are
 * the record fields of events/SYSTEM/EVENT/format, typed as the format
 * declares them (rendered stap-style), attached by event id.  Bare
 * tracepoints with no trace event have no system name and are not
 * listed. */
#include "translator/providers/prov_int.h"

#include <stdlib.h>
#include <string.h>

#include "translator/debuginfo/btf.h"
#include "translator/debuginfo/tracefs.h"

static const char *const patterns[] = { "kernel.trace(string)", NULL };

struct trace_walk {
	struct prov_build *b;
	struct dbtf *btf;		/* NULL: no BTF, fields only */
	struct tfs *tfs;
	int failed;
};

static void btf_vars(struct prov_ctx *c, struct prov_probe *p,
		     const struct dbtf_proto *proto)
{
	for (int i = 0; i < proto->nparams; i++) {
		struct prov_var *v = prov_add_var(c, p, proto->params[i].name,
						  proto->params[i].type,
						  PROV_VAR_BTF_ARG);

		v->index = i;
		v->btf_type = proto->params[i].type_id;
	}
}

static void field_vars(struct prov_ctx *c, struct prov_probe *p,
		       const struct tfs_format *f)
{
	for (int i = 0; i < f->nfields; i++) {
		const struct tfs_field *fd = &f->fields[i];
		struct prov_var *v = prov_add_var(c, p, fd->name,
						  prov_ctype_stap(c->arena, fd->type),
						  PROV_VAR_TRACEFS);

		v->index = i;
		v->field = (struct prov_tracefs_field){
			.offset = fd->offset, .size = fd->size,
			.is_signed = fd->is_signed, .data_loc = fd->is_data_loc,
			.rel_loc = fd->is_rel_loc, .array_len = fd->array_len,
		};
	}
}

static int one_event(const char *system, const char *event, void *arg)
{
	struct trace_walk *w = arg;
	struct prov_ctx *c = w->b->ctx;
	struct dbtf_proto *proto = w->btf ? dbtf_tracepoint_proto(w->btf, event) : NULL;
	struct tfs_format *f = NULL;
	struct prov_probe *p;

	if (!proto) {
		f = tfs_format(w->tfs, system, event);
		if (!f)
			return 0;	/* listed but unreadable: skip it */
	}
	p = prov_emit(w->b, PROV_TRACEPOINT);
	p->u.trace.system = arena_strdup(c->arena, system);
	p->u.trace.event = arena_strdup(c->arena, event);
	p->u.trace.event_id = -1;
	prov_set_str(c, p, "trace", arena_printf(c->arena, "%s:%s", system, event));
	if (proto) {
		p->u.trace.kind = PROV_TP_BTF;
		p->u.trace.btf_id = proto->id;
		p->u.trace.btf = w->btf;
		p->needs = PROV_NEED_TRACEPOINT | PROV_NEED_BTF;
		btf_vars(c, p, proto);
		dbtf_proto_free(proto);
	} else {
		p->u.trace.kind = PROV_TP_TRACEFS;
		p->u.trace.event_id = f->id;
		p->needs = PROV_NEED_TRACEPOINT | PROV_NEED_TRACEFS;
		field_vars(c, p, f);
		tfs_format_free(f);
	}
	return 0;
}

struct name_list {
	struct arena *arena;
	struct ptrvec names;
};

static int collect_name(const char *system, const char *event, void *arg)
{
	struct name_list *l = arg;

	ptrvec_push(l->arena, &l->names, arena_strdup(l->arena, event));
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "(similar tracepoints: ...)": event names nearest the pattern's event. */
static const char *similar_events(struct trace_walk *w, const char *pat)
{
	struct name_list l = { .arena = w->b->ctx->arena };
	struct ptrvec *names = &l.names;
	struct suggest s;
	const char *colon = strchr(pat, ':');
	const char *ev = colon ? colon + 1 : pat;
	const char *star = strchr(ev, '*');

	if (!w->b->ctx->suggest || star == ev)
		return "";
	if (star)
		ev = arena_strndup(w->b->ctx->arena, ev, star - ev);
	tfs_glob(w->tfs, "*", collect_name, &l);
	if (names->n)
		qsort(names->v, names->n, sizeof(*names->v), cmp_str);
	suggest_init(&s, w->b->ctx->arena, ev, 5);
	for (int i = 0; i < names->n; i++) {
		if (!i || strcmp(names->v[i - 1], names->v[i]))
			suggest_add(&s, names->v[i]);
	}
	return suggest_text(&s);
}

static int trace_build(struct prov_build *b)
{
	const char *pat = prov_str(b, "trace");
	struct trace_walk w = { .b = b };
	const char *sugs;
	int n;

	w.tfs = prov_tfs(b);
	if (!w.tfs)
		return -1;
	w.btf = prov_btf_quiet(b->ctx);	/* without BTF, record fields still work */
	n = tfs_glob(w.tfs, pat, one_event, &w);
	if (n < 0)
		return prov_fail(b, NULL, "cannot list trace events: %s", strerror(-n));
	if (n > 0 || b->point->optional)
		return 0;
	sugs = similar_events(&w, pat);
	if (*sugs)
		return prov_fail(b, NULL, "no match (similar tracepoint%s: %s)",
				 strchr(sugs, ',') ? "s" : "", sugs);
	return 0;
}

const struct provider prov_trace = {
	.name = "tracepoint builder",
	.patterns = patterns,
	.build = trace_build,
};
