/* perf.type(T).config(C) with .sample(N), .hz(F), .process("P"),
 * .process and .counter("NAME") (spec/probes.md §2.8, after
 * tapset-perfmon.cxx).  -l prints the point as written; pp() is the
 * canonical perf.type(T).config(C).sample(N)[.process("P")][.counter("X")].
 *
 * perf.hw.NAME, perf.sw.NAME and timer.profile are tapset aliases
 * upstream (tapset/linux/perf.stp, timers.stp); Sonde has no tapsets yet,
 * so they are built in here with the spec's type/config table.  When the
 * tapsets arrive, drop prov_perf_named and bind the aliases instead. */
#include "translator/providers/prov_int.h"

#include <string.h>

static const char *const patterns[] = {
	"perf.type(number).config(number)",
	"perf.type(number).config(number).sample(number)",
	"perf.type(number).config(number).hz(number)",
	"perf.type(number).config(number).process(string)",
	"perf.type(number).config(number).process",
	"perf.type(number).config(number).counter(string)",
	"perf.type(number).config(number).process(string).counter(string)",
	NULL,
};

/* pp(): perf.type(T).config(C).sample(N)[.process("P")][.counter("X")] */
static const char *canonical_pp(struct prov_ctx *c, const struct prov_perf *pf)
{
	struct prov_comp canon[6];
	int n = 0;

	memset(canon, 0, sizeof(canon));
	canon[n++] = (struct prov_comp){ .name = "perf" };
	canon[n++] = (struct prov_comp){ .name = "type", .arg = PROV_ARG_NUM, .num = pf->type };
	canon[n++] = (struct prov_comp){ .name = "config", .arg = PROV_ARG_NUM,
					 .num = (int64_t)pf->config };
	canon[n++] = (struct prov_comp){ .name = "sample", .arg = PROV_ARG_NUM,
					 .num = (int64_t)pf->sample };
	if (pf->process)
		canon[n++] = (struct prov_comp){ .name = "process", .arg = PROV_ARG_STR,
						 .str = pf->process };
	if (pf->counter)
		canon[n++] = (struct prov_comp){ .name = "counter", .arg = PROV_ARG_STR,
						 .str = pf->counter };
	return prov_loc_text(c, canon, n);
}

/* The .process("P") path, NULL for none; -1 with b->err on errors. */
static int perf_process(struct prov_build *b, const char **proc)
{
	struct ptrvec paths = { 0 };

	*proc = NULL;
	if (!prov_has(b, "process"))
		return 0;
	if (!prov_str(b, "process"))
		return prov_fail(b, NULL, "unspecified process probe is invalid "
				 "without a -c COMMAND [man stapprobes]");
	if (prov_process_paths(b, &paths) < 0)
		return -1;
	*proc = paths.n ? paths.v[0] : NULL;
	return paths.n ? 0 : -1;
}

static int perf_make(struct prov_build *b, int64_t type, int64_t config)
{
	int64_t period = 1000000, freq = 0;
	const char *counter = prov_str(b, "counter");
	const char *proc;
	struct prov_probe *p;

	if (prov_num(b, "sample", &period) && period < 1)
		return prov_fail(b, prov_tok(b, "sample"),
				 "invalid perf sample period %lld", (long long)period);
	if (counter && strpbrk(counter, "*?["))
		return prov_fail(b, NULL, "wildcard not allowed with perf probe counter component");
	if (counter && !*counter)
		return prov_fail(b, NULL, "missing perf probe counter component name");
	if (perf_process(b, &proc) < 0)
		return b->err ? -1 : 0;
	p = prov_emit(b, PROV_PERF);
	p->needs = PROV_NEED_PERF;
	p->u.perf.type = type;
	p->u.perf.config = config;
	p->u.perf.freq = prov_num(b, "hz", &freq);
	p->u.perf.sample = p->u.perf.freq ? (uint64_t)freq : counter ? 0 : (uint64_t)period;
	p->u.perf.process = proc;
	p->u.perf.counter = counter;
	p->u.perf.per_cpu = !proc && !counter;
	p->pp = canonical_pp(b->ctx, &p->u.perf);
	return 0;
}

static int perf_build(struct prov_build *b)
{
	int64_t type, config;

	prov_num(b, "type", &type);
	prov_num(b, "config", &config);
	return perf_make(b, type, config);
}

const struct provider prov_perf = {
	.name = "perf builder",
	.patterns = patterns,
	.build = perf_build,
};

/* ---- perf.hw.*, perf.sw.*, timer.profile ---- */

static const struct { const char *name; int type, config; } events[] = {
	{ "hw.cpu_cycles", 0, 0 }, { "hw.instructions", 0, 1 },
	{ "hw.cache_references", 0, 2 }, { "hw.cache_misses", 0, 3 },
	{ "hw.branch_instructions", 0, 4 }, { "hw.branch_misses", 0, 5 },
	{ "hw.bus_cycles", 0, 6 }, { "hw.stalled_cycles_frontend", 0, 7 },
	{ "hw.stalled_cycles_backend", 0, 8 }, { "hw.ref_cpu_cycles", 0, 9 },
	{ "sw.cpu_clock", 1, 0 }, { "sw.task_clock", 1, 1 },
	{ "sw.page_faults", 1, 2 }, { "sw.context_switches", 1, 3 },
	{ "sw.cpu_migrations", 1, 4 }, { "sw.page_faults_min", 1, 5 },
	{ "sw.page_faults_maj", 1, 6 }, { "sw.alignment_faults", 1, 7 },
	{ "sw.emulation_faults", 1, 8 },
};

#define SUFFIXES(e) "perf." e, "perf." e ".sample(number)", "perf." e ".hz(number)", \
	"perf." e ".process(string)", "perf." e ".process"

static const char *const named_patterns[] = {
	SUFFIXES("hw.cpu_cycles"), SUFFIXES("hw.instructions"),
	SUFFIXES("hw.cache_references"), SUFFIXES("hw.cache_misses"),
	SUFFIXES("hw.branch_instructions"), SUFFIXES("hw.branch_misses"),
	SUFFIXES("hw.bus_cycles"), SUFFIXES("hw.stalled_cycles_frontend"),
	SUFFIXES("hw.stalled_cycles_backend"), SUFFIXES("hw.ref_cpu_cycles"),
	SUFFIXES("sw.cpu_clock"), SUFFIXES("sw.task_clock"),
	SUFFIXES("sw.page_faults"), SUFFIXES("sw.context_switches"),
	SUFFIXES("sw.cpu_migrations"), SUFFIXES("sw.page_faults_min"),
	SUFFIXES("sw.page_faults_maj"), SUFFIXES("sw.alignment_faults"),
	SUFFIXES("sw.emulation_faults"),
	"timer.profile",
	NULL,
};

static int named_build(struct prov_build *b)
{
	char name[64];

	if (!strcmp(b->comps[0]->name, "timer"))
		return perf_make(b, 1, 0);	/* cpu_clock.sample(1000000) */
	snprintf(name, sizeof(name), "%s.%s", b->comps[1]->name, b->comps[2]->name);
	for (size_t i = 0; i < sizeof(events) / sizeof(events[0]); i++)
		if (!strcmp(events[i].name, name))
			return perf_make(b, events[i].type, events[i].config);
	return prov_fail(b, NULL, "unknown perf event '%s'", name);
}

const struct provider prov_perf_named = {
	.name = "alias expansion builder",
	.patterns = named_patterns,
	.build = named_build,
	.is_alias = true,
};
