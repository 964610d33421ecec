/* Internals shared by the provider files: the provider descriptor and
 * registration table, the pattern tree, the build context a provider's
 * builder receives, and helpers that make derived probes and errors.
 * Not for use outside translator/providers/. */
#ifndef SONDE_PROVIDERS_PROV_INT_H
#define SONDE_PROVIDERS_PROV_INT_H

#include "translator/providers/provider.h"
#include "translator/suggest.h"

struct dbtf;
struct tfs;
struct ksyms;
struct esym_file;
struct dwi;
struct dwi_func;

enum prov_param { PARAM_NONE, PARAM_NUMBER, PARAM_STRING };

struct prov_build;

/* One probe family.  'patterns' are dotted component lists with their
 * parameter kinds, "timer.ms(number).randomize(number)"; the builder runs
 * when a point matches one of them completely. */
struct provider {
	const char *name;		/* "timer builder" (upstream's names) */
	const char *const *patterns;	/* NULL-terminated */
	int (*build)(struct prov_build *b);	/* 0, or -1 with b->err set */
	bool unsupported;		/* recognised, refused: not dumped */
	bool is_alias;			/* stands in for a tapset alias: not
					 * dumped (upstream dumps no aliases) */
};

/* The registration table (registry.c): every provider, in one place. */
extern const struct provider *const prov_table[];

/* A node of the pattern tree: one component name and parameter kind. */
struct prov_node {
	const char *name;
	enum prov_param param;
	struct ptrvec subs;		/* struct prov_node *, sorted by key */
	struct ptrvec ends;		/* struct prov_end * bound here */
};

struct prov_end {
	const struct provider *prov;	/* or NULL for an alias */
	prov_alias_fn alias;
	void *alias_arg;
};

struct prov_target;

struct prov_ctx {
	struct arena *arena;
	struct prov_opts opts;
	struct prov_node root;
	bool suggest;			/* compute "(similar: ...)" lists */
	/* debug information, opened on first use; *_err is the negative
	 * errno of a failed open (0 = not tried or fine) */
	struct dbtf *btf;
	int btf_err;
	struct tfs *tfs;
	int tfs_err;
	struct ksyms *ksyms;
	int ksyms_err;
	struct ptrvec targets;		/* struct prov_target * */
	struct ptrvec scopes;		/* struct dwi_vars * to free */
	unsigned host_caps;		/* PROV_NEED_* the host offers */
	bool caps_done;
};

/* What a builder sees: the point as matched (wildcard components replaced
 * by the names they matched), and where results and errors go. */
struct prov_build {
	struct prov_ctx *ctx;
	const struct provider *prov;
	const struct probe_point *point;
	const struct probe_comp *const *comps;
	int ncomps;
	struct ptrvec *out;
	struct diag *err;
};

/* ---- tree (registry.c) ---- */
void prov_tree_init(struct prov_ctx *c);
struct prov_node *prov_node_find(const struct prov_node *n, const char *name,
				 enum prov_param param);
const char *prov_node_key(struct arena *a, const struct prov_node *n);

/* ---- matching (match.c) ---- */
struct diag *prov_match(struct prov_ctx *c, const struct probe_point *pp,
			bool optional, struct ptrvec *out);

/* ---- suggestions: translator/suggest.h; for function patterns: ---- */
int suggest_no_match_function(struct prov_build *b, const char *pat,
			      void (*walk)(struct suggest *s, void *src), void *src);

/* ---- building probes (derived.c) ---- */
int prov_fail(struct prov_build *b, const struct token *tok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

const struct probe_comp *prov_param(const struct prov_build *b, const char *name);
bool prov_has(const struct prov_build *b, const char *name);
bool prov_num(const struct prov_build *b, const char *name, int64_t *v);
const char *prov_str(const struct prov_build *b, const char *name);
const struct token *prov_tok(const struct prov_build *b, const char *name);

struct prov_probe *prov_emit(struct prov_build *b, enum prov_family family);
void prov_set_str(struct prov_ctx *c, struct prov_probe *p, const char *comp,
		  const char *value);
void prov_set_num(struct prov_probe *p, const char *comp, int64_t v, bool hex);
struct prov_var *prov_add_var(struct prov_ctx *c, struct prov_probe *p,
			      const char *name, const char *type,
			      enum prov_var_src src);
/* The DWARF parameters and locals usable at pc (with a location or a
 * constant value) as the probe's $vars. */
void prov_add_dwarf_vars(struct prov_ctx *c, struct prov_probe *p, struct dwi *dwi,
			 const struct dwi_func *fn, uint64_t pc);
/* Render name and pp (called by the matcher after each builder). */
void prov_finish(struct prov_ctx *c, struct prov_probe *p);
/* The location as text: "kernel.trace(\"sched:sched_switch\")". */
char *prov_loc_text(struct prov_ctx *c, const struct prov_comp *comps, int n);

/* ---- debug information handles (handles.c) ---- */
struct dbtf *prov_btf(struct prov_build *b);	/* NULL: b->err set */
struct dbtf *prov_btf_quiet(struct prov_ctx *c);	/* NULL: no BTF */
struct tfs *prov_tfs(struct prov_build *b);
struct ksyms *prov_ksyms(struct prov_build *b);

struct dwi_func;

struct prov_faddr {
	uint64_t addr;
	const struct dwi_func *fn;
};

struct prov_target {
	const char *path;
	struct esym_file *esym;
	struct dwi *dwi;		/* NULL: no DWARF */
	bool dwi_tried;
	struct prov_faddr *faddr;	/* out-of-line functions by entry pc */
	size_t nfaddr, faddr_cap;
	bool faddr_built;
};
struct prov_target *prov_target(struct prov_build *b, const char *path);
struct dwi *prov_target_dwi(struct prov_ctx *c, struct prov_target *t);
/* The out-of-line DWARF function starting at addr (a symbol alias such as
 * malloc -> __libc_malloc resolves to it), or NULL. */
const struct dwi_func *prov_target_func_at(struct prov_ctx *c, struct prov_target *t,
					   uint64_t addr);

/* process("P"): the absolute, resolved paths P names ($PATH search
 * without '/', filesystem glob with wildcards).  0, or -1 with b->err. */
int prov_process_paths(struct prov_build *b, struct ptrvec *paths);

/* ---- C type text (ctype.c) ---- */
/* A C type as a trace event format spells it ("const char *",
 * "unsigned long", "char[16]") in the stap/DWARF style -L prints
 * ("char const*", "long unsigned int", "char[]"). */
char *prov_ctype_stap(struct arena *a, const char *c_type);

/* ---- capabilities (caps.c) ---- */
unsigned prov_host_caps(struct prov_ctx *c);

/* ---- providers ---- */
extern const struct provider prov_been, prov_timer, prov_timer_profile,
	prov_perf, prov_perf_named, prov_trace, prov_kfunc, prov_kstatement,
	prov_kprobe, prov_uprobe_function, prov_uprobe_statement,
	prov_uprobe_plt, prov_uprobe_mark, prov_utrace, prov_procfs,
	prov_unsupported_forms;

/* Shared by the process providers (p_process.c). */
struct prov_probe *uprobe_emit(struct prov_build *b, struct prov_target *t,
			       enum prov_uprobe_kind kind, uint64_t vaddr);

#endif
