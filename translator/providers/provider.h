/* Probe providers: pass 2's resolution of probe points into concrete
 * probes (spec/probes.md §1, §2), and what stap -l / -L print (§4).
 *
 * A probe point is matched against a tree of registered patterns, one
 * component per level ("timer" -> "ms(number)" -> "randomize(number)"),
 * exactly as upstream's match_node tree: '*' and '**' in component names
 * expand against the registered names, unknown components give "probe
 * point mismatch", a point stopping at an inner node gives "probe point
 * truncated".  Each provider (one file per family, registry.c lists them)
 * binds its patterns; its builder expands the string arguments (globs in
 * function and tracepoint names, process paths) against the target's
 * debug information and produces one struct prov_probe per concrete probe.
 *
 * Consumers: the elaborator calls prov_resolve_probe() for every probe
 * (and, later, binds tapset aliases with prov_bind_alias()); the backends
 * read the attach data (the union in struct prov_probe), the context
 * variables (struct prov_var) and check prov_unsupported() for their
 * runtime; stap -l/-L is listing.c.
 *
 * Memory: probes, variables and strings live in the arena given to
 * prov_ctx_new().  Debug-information handles (BTF, tracefs, ELF, DWARF)
 * are owned by the context; pointers into them (struct dwi_var, struct
 * sdt_arg) stay valid until prov_ctx_free(). */
#ifndef SONDE_PROVIDERS_PROVIDER_H
#define SONDE_PROVIDERS_PROVIDER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "translator/ast.h"
#include "translator/diag.h"

struct dbtf;
struct dwi_var;
struct dwi_vars;
struct sdt_arg;
struct prov_ctx;

enum prov_family {
	PROV_BEGIN, PROV_END, PROV_ERROR, PROV_NEVER,
	PROV_TIMER,		/* timer.s/ms/us/ns/hz/jiffies */
	PROV_TIMER_PROFILE,	/* timer.profile.tick */
	PROV_PERF,		/* perf.*, timer.profile */
	PROV_TRACEPOINT,	/* kernel.trace */
	PROV_KFUNC,		/* kernel.function, from BTF */
	PROV_KPROBE,		/* kprobe.function, kprobe.module().function */
	PROV_UPROBE,		/* process().function/.statement/.plt/.mark */
	PROV_UTRACE,		/* process.begin, .end, .thread.begin/end, .syscall */
	PROV_PROCFS,
};

/* ---- attach information, one struct per family ---------------------- */

struct prov_been {
	int64_t seq;		/* begin(N): run order, default 0 */
};

struct prov_timer {
	bool jiffies;		/* timer.jiffies: period and randomize in jiffies */
	int64_t period;		/* ns (hrtimer forms, hz converted) or jiffies */
	int64_t randomize;	/* same unit, 0 = none */
};

struct prov_perf {
	uint32_t type;		/* perf_event_attr.type */
	uint64_t config;
	uint64_t sample;	/* period, or frequency when freq */
	bool freq;		/* .hz(F) */
	const char *process;	/* .process("P") resolved path, NULL:
				 * system-wide (bare .process needs -c,
				 * which is not plumbed yet: refused) */
	const char *counter;	/* .counter("NAME"): no handler runs */
	bool per_cpu;		/* one event per online CPU (system-wide) */
};

enum prov_tp_kind {
	PROV_TP_BTF,		/* a kernel tracepoint: TP_PROTO args from BTF
				 * (raw_tp / tp_btf / tracepoint_probe_register) */
	PROV_TP_TRACEFS,	/* a trace event without a BTF prototype
				 * (syscalls:*): record fields from tracefs */
};

struct prov_trace {
	const char *system, *event;
	enum prov_tp_kind kind;
	uint32_t btf_id;	/* PROV_TP_BTF: the btf_trace_<event> typedef */
	struct dbtf *btf;	/* PROV_TP_BTF: the kernel BTF that btf_id and
				 * the arguments' btf_type index (the
				 * context's; backends may use it to lay out
				 * $p->a chains without loading BTF again) */
	int event_id;		/* tracefs ID for perf_event_open, -1 unread */
};

struct prov_kfunc {
	const char *function;
	uint32_t btf_id;	/* the BTF FUNC */
	bool is_return;
	int64_t maxactive;	/* .maxactive(N), -1 when not given */
};

struct prov_kprobe {
	const char *symbol;
	const char *module;	/* NULL: vmlinux */
	bool is_return;
	int64_t maxactive;	/* -1 when not given */
};

enum prov_uprobe_kind {
	PROV_UP_FUNCTION, PROV_UP_STATEMENT, PROV_UP_PLT, PROV_UP_MARK,
};

struct prov_uprobe {
	enum prov_uprobe_kind kind;
	const char *path;	/* absolute, symlinks resolved */
	uint64_t vaddr;		/* link-time address of the probe */
	uint64_t offset;	/* file offset: what uprobe_register wants */
	uint64_t vars_pc;	/* link-time pc where the $vars' DWARF
				 * locations hold: the probe's own pc, but
				 * for .return the post-prologue pc where
				 * entry values ($param, @entry) are saved */
	bool is_return;
	const char *function;	/* function, PLT symbol or mark name */
	const char *provider;	/* SDT provider (marks) */
	uint64_t semaphore;	/* SDT semaphore file offset, 0 = none */
	bool has_dwarf;		/* variables came from DWARF */
};

enum prov_utrace_event {
	PROV_UT_BEGIN, PROV_UT_END, PROV_UT_THREAD_BEGIN, PROV_UT_THREAD_END,
	PROV_UT_SYSCALL, PROV_UT_SYSCALL_RETURN,
};

struct prov_utrace {
	enum prov_utrace_event event;
	const char *path;	/* NULL: every process */
};

struct prov_procfs {
	const char *path;	/* under /proc/systemtap/MODULE/ */
	bool write;
	int64_t umask;		/* -1: default (0400 / 0200) */
	int64_t maxsize;	/* -1: default buffer size */
};

/* ---- context variables ---------------------------------------------- */

enum prov_var_src {
	PROV_VAR_BTF_ARG,	/* tracepoint or kernel-function parameter */
	PROV_VAR_BTF_RETURN,	/* kernel.function(...).return value */
	PROV_VAR_TRACEFS,	/* trace-event record field */
	PROV_VAR_DWARF,		/* user-space DWARF variable at the probe pc */
	PROV_VAR_DWARF_RETURN,	/* $return of a DWARF .return probe */
	PROV_VAR_SDT_ARG,	/* SDT marker argument */
	PROV_VAR_UTRACE,	/* $syscall, $argN, $return of utrace probes */
	PROV_VAR_PROCFS,	/* procfs $value */
};

struct prov_tracefs_field {
	int offset, size;	/* bytes in the record: trust size, not type */
	bool is_signed;
	bool data_loc;		/* __data_loc: u32 (len << 16 | offset) */
	bool rel_loc;		/* __rel_loc: offset relative to field end */
	int array_len;		/* -1 scalar, 0 dynamic, N fixed */
};

struct prov_var {
	const char *name;	/* without '$' */
	const char *type;	/* as -L prints it: "struct task_struct*",
				 * "char const*", "long" */
	enum prov_var_src src;
	bool hidden;		/* usable, but -L does not list it (upstream
				 * lists no procfs $value, no utrace $return) */
	int index;		/* BTF_ARG, SDT_ARG: 0-based argument;
				 * UTRACE: 0 $syscall, 1..6 $argN, -1 $return */
	uint32_t btf_type;	/* BTF_ARG, BTF_RETURN: declared type id */
	struct prov_tracefs_field field;	/* TRACEFS */
	const struct dwi_var *dwarf;		/* DWARF: location at the pc */
	const struct sdt_arg *sdt;		/* SDT_ARG: size and operand */
};

/* ---- one resolved location component ----------------------------------- */

enum prov_arg { PROV_ARG_NONE, PROV_ARG_NUM, PROV_ARG_STR };

struct prov_comp {
	const char *name;
	enum prov_arg arg;
	int64_t num;
	bool hex;		/* print the number as 0x... (addresses) */
	const char *str;	/* decoded bytes */
	const struct token *tok;	/* the written component, or NULL */
};

/* ---- a derived (concrete) probe ---------------------------------------- */

/* A probe alias a concrete probe was reached through (translator/aliases.c);
 * a chain runs from the alias the user named to the one nearest the probe. */
struct prov_alias_step {
	const struct probe *alias;
	const struct probe_point *use;	/* the point that named the alias */
	const struct prov_alias_step *inner;
};

struct prov_probe {
	enum prov_family family;
	const struct probe_point *point;	/* the written point (flags, cond) */
	int ncomps;				/* the resolved location */
	struct prov_comp *comps;
	const char *name;	/* stap -l line: location, then '?'/'!' and
				 * " if (cond)" as the user wrote them */
	const char *pp;		/* pp(): the canonical derived point */
	unsigned needs;		/* PROV_NEED_* */
	const struct prov_alias_step *via;	/* NULL: written directly */
	struct ptrvec locals;	/* const char * "name:type" of an alias
				 * prologue, printed by -L before the $vars
				 * (filled by alias expansion, later) */
	struct ptrvec vars;	/* struct prov_var * */
	const struct dwi_vars *dwarf_scope;	/* DWARF: frame base etc. */
	union {
		struct prov_been been;
		struct prov_timer timer;
		struct prov_perf perf;
		struct prov_trace trace;
		struct prov_kfunc kfunc;
		struct prov_kprobe kprobe;
		struct prov_uprobe uprobe;
		struct prov_utrace utrace;
		struct prov_procfs procfs;
	} u;
};

/* What attaching needs from the kernel; backends check prov_unsupported(). */
#define PROV_NEED_KPROBES	0x001	/* kprobes (module) / kprobe PMU (bpf) */
#define PROV_NEED_FENTRY	0x002	/* bpf alternative: BTF trampolines */
#define PROV_NEED_UPROBES	0x004
#define PROV_NEED_TRACEPOINT	0x008
#define PROV_NEED_BTF		0x010	/* BTF-typed arguments */
#define PROV_NEED_TRACEFS	0x020	/* a tracefs event id */
#define PROV_NEED_PERF		0x040
#define PROV_NEED_TIMER_HOOK	0x080	/* register_timer_hook */
#define PROV_NEED_TASK_FINDER	0x100	/* process lifecycle tracking */

/* ---- entry points --------------------------------------------------------- */

struct prov_opts {
	const char *runtime;	/* "kernel" or "bpf" */
	int verbose;
	bool listing;		/* -l/-L: no suggestions unless verbose >= 2 */
	bool guru;
	/* CONFIG_ lookups for capability checks (kconfig_lookup), may be NULL */
	const char *(*config)(void *ctx, const char *name);
	void *config_ctx;
};

struct prov_ctx *prov_ctx_new(struct arena *a, const struct prov_opts *o);
void prov_ctx_free(struct prov_ctx *c);		/* NULL is fine */

/* Resolve every point of one probe in order, as upstream's derive_probes:
 * '?' points may fail, a '!' point that resolves ends the list, and a
 * failing required point records "while resolving probe point" chained
 * to the cause in d (which also gets the failures of optional points of
 * the same probe).  Appends struct prov_probe * to out; returns how many. */
int prov_resolve_probe(struct prov_ctx *c, const struct probe *p,
		       struct ptrvec *out, struct diags *d);

/* One point.  Returns NULL on success, else the error as an unrecorded
 * semantic diagnostic (chain it, or record it with diags).  A point that
 * derives nothing gives "no match" unless it or 'optional' says '?'. */
struct diag *prov_resolve_point(struct prov_ctx *c, const struct probe_point *pp,
				bool optional, struct ptrvec *out);

/* NULL when 'runtime' ("kernel", "bpf") can attach the probe on this host;
 * otherwise why not, e.g. "kernel.function probes need kprobes
 * (CONFIG_KPROBES is not set) or BTF trampolines". */
const char *prov_unsupported(struct prov_ctx *c, const struct prov_probe *p,
			     const char *runtime);

/* An unrecorded semantic error, for an alias expander to return. */
struct diag *prov_error(struct prov_ctx *c, const struct token *tok,
			const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* --dump-probe-types: every pattern with a builder, sorted (§4.2). */
void prov_dump_types(struct prov_ctx *c, FILE *out);

/* Tapset aliases (for the elaborator): bind 'fn' at the node named by the
 * alias name (components without arguments or with literal ones).  When a
 * point reaches that node, fn expands it; 'suffix' holds components left
 * over after the alias name (alias suffixes, §1.4), nsuffix may be 0.
 * fn appends probes (through prov_resolve_point on the alias body's points)
 * and returns NULL or an error. */
typedef struct diag *(*prov_alias_fn)(struct prov_ctx *c, void *arg,
				      const struct probe_point *use,
				      const struct probe_comp *const *suffix,
				      int nsuffix, struct ptrvec *out);
void prov_bind_alias(struct prov_ctx *c, const struct probe_point *name,
		     prov_alias_fn fn, void *arg);
/* The same for a dotted name without arguments ("syscall.openat"). */
void prov_bind_alias_name(struct prov_ctx *c, const char *dotted,
			  prov_alias_fn fn, void *arg);

#endif
