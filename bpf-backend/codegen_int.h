/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * codegen_int.h - what the files of the BPF code generator share.
 *
 * One struct cg holds the object being built (maps, programs, string
 * tables, global storage) and the state of the one program being
 * generated.  Each codegen_*.c file lowers one kind of thing:
 *
 *	codegen.c         the driver: programs, prologue and epilogue, object
 *	codegen_object.c  the finished object: -p3 listing, writing, release
 *	codegen_points.c  the derived probes this backend can run
 *	codegen_uses.c    global storage; the globals printed at the end
 *	codegen_stmt.c    statements, loops, the MAXACTION budget
 *	codegen_expr.c    long expressions
 *	codegen_str.c     string expressions, copies and comparisons
 *	codegen_var.c     locals, scalar globals, arrays, statistics
 *	codegen_call.c    builtins (exit, target, pid, ...) and print family
 *	codegen_func.c    script functions, inlined; MAXNESTING; return
 *	codegen_try.c     try/catch
 *	codegen_sprintf.c sprintf and friends, formatted in BPF
 *	codegen_strfn.c   string and time builtins (strlen, substr, ...)
 *	codegen_rt.c      the staprun contract: sonde_ctl, records, errors
 *	codegen_meta.c    string tables and the .sonde.meta text
 *	codegen_sub.c     subprograms: the callbacks of bpf_loop() and
 *	                  bpf_for_each_map_elem()
 *	codegen_foreach.c the foreach statement
 *	codegen_iter.c    walking whole arrays: collect and sort for
 *	                  foreach, delete a, '*' slots, wrapping arrays
 *	codegen_stats.c   statistics: <<<, @ops, histograms
 *
 * Register conventions of the generated code:
 *
 *	r9      the per-CPU scratch frame (sonde_scratch[0]) of the handler:
 *	        string locals and string/key temporaries live there, since
 *	        the 512-byte stack cannot hold MAXSTRINGLEN buffers
 *	r8      the scalar globals (sonde_globals[0]), if the program has any
 *	r6, r7  survive helper calls inside one lowering step only
 *	r0      result of an expression: a long, or a pointer to a
 *	        NUL-terminated string in a MAXSTRINGLEN buffer
 *	r1-r5   helper arguments, clobbered freely
 *
 * A value that must survive the evaluation of another expression is
 * spilled to a stack slot; the verifier tracks spilled scalars and
 * pointers exactly, which bounded loops need.  Long locals and the
 * action budget live on the stack for the same reason.
 */
#ifndef SONDE_BPF_CODEGEN_INT_H
#define SONDE_BPF_CODEGEN_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "bpf-backend/codegen.h"
#include "bpf-backend/emit.h"
#include "runtime/stats.h"

#define CG_SCRATCH BPF_REG_9
#define CG_GLOBALS BPF_REG_8

/* Map indices every object has, in this order */
enum { CG_MAP_OUT, CG_MAP_CTL, CG_MAP_SCRATCH, CG_NFIXED_MAPS };

/* foreach loops over one array nested in each other, at most */
#define CG_MAX_FOREACH_DEPTH 4

/* Where a global lives */
enum cg_storage {
	CG_ST_NONE,		/* never referenced: no storage */
	CG_ST_SCALAR,		/* long or string at off in sonde_globals */
	CG_ST_ARRAY,		/* a hash map of its own */
	CG_ST_STATS,		/* a per-CPU array of struct stat_data */
};

struct cg_global {
	struct vardecl *var;
	enum cg_storage storage;
	int map;		/* map index (scalars: sonde_globals) */
	int off;		/* scalars: value offset; arrays: offset of the
				   insertion counter in sonde_globals */
	int ksize;		/* arrays: packed key bytes */
	int vsize;		/* arrays: value bytes (value, then seq) */
	unsigned capacity;	/* arrays: max entries */
	int print_order;	/* 1, 2, ...: printed at the end in this
				   order (pass 2's autoprint); 0: not */
	struct stat_desc sd;	/* statistics: histogram and @variance */
	bool sd_shift_set;
	int iter_maps[CG_MAX_FOREACH_DEPTH];	/* foreach entry maps by
						   nesting depth, +1 */
};

/* The probe points this backend runs */
enum cg_point_kind { CG_BEGIN, CG_END, CG_ERROR, CG_TIMER, CG_TRACE,
		     CG_RAW_TRACE, CG_UPROBE, CG_PERF, CG_PROCESS };

struct prov_probe;
struct prov_var;
struct dbtf;
struct dwi;

struct cg_point {
	enum cg_point_kind kind;
	const struct probe *probe;
	const struct probe_point *point;	/* as written */
	int64_t priority;	/* begin/end/error sequence number */
	int order;		/* script order, for stable sorting */
	uint64_t period_ns;	/* timer */
	const char *tp;		/* kernel.trace: "sys/ev"; raw: "ev" */
	const char *pp;		/* the derived probe point: pp() */
	const struct expr *cond;	/* if (cond), or NULL */
	const struct prov_probe *dp;	/* pass 2's derived probe */
	const char *section;	/* uprobe, perf, process: set by
				   codegen_points.c, else NULL */
	const char *attach;	/* fields of its metadata prog line */
	int filter_arg;		/* process.end: the group_dead argument */
	bool filter_leader;	/* process.end without it: pid == tid */
	bool file_filter;	/* process("PATH"): the program is PATH */
	int file_arg;		/* begin: the bprm argument */
	int file_chain[6];	/* struct offsets to the file's inode */
	uint64_t file_ino;
	uint32_t file_dev;	/* the kernel's dev_t */
	/* .return uprobes reading entry values (codegen_entry.c) */
	const struct expr **saved;	/* $param and @entry operands */
	const char **saved_names;	/* the parameter $$parms lists, or NULL */
	int nsaved;
	int entry_map;		/* their hash map */
	const char *entry_attach;	/* the entry uprobe's prog fields */
};

struct cg_strtab {
	char **v;		/* NUL-terminated copies (arena) */
	size_t *len;		/* byte counts (texts may hold NULs) */
	int n, cap;
};

struct cg_local {
	const struct vardecl *var;
	int reg;		/* base: r10 (longs) or CG_SCRATCH (strings) */
	int off;		/* offset from reg */
};

/* An inlined function call being generated (codegen_func.c) */
struct cg_frame {
	const struct function *fn;
	const struct token *site;	/* the call */
	int depth;			/* 1 for a call from the probe body */
	int ret_label;			/* end of the body */
	int ret_off;			/* the return value: a stack slot
					   (long) or scratch offset (string) */
	struct cg_frame *outer;
};

/* The innermost try whose body is being generated (codegen_try.c) */
struct cg_try {
	int catch_label;
	int var_reg, var_off;		/* the catch variable, or var_reg -1 */
	struct cg_try *outer;
};

/* An error tail for the errors of one inlined call chain */
struct cg_tail {
	int label;
	uint32_t *sites;		/* string ids of the call sites */
	int nsites;
};

struct cg_loop {
	int brk, cont;			/* -1: an inlined function's body,
					   which break and continue cannot
					   leave */
	struct cg_loop *outer;
	const struct cg_global *array;	/* foreach: the array iterated */
};

struct cg {
	const struct program *prog;
	struct diags *diags;
	struct cg_limits lim;
	struct cg_object *obj;
	struct arena *arena;
	unsigned slot;		/* bytes of a string slot in records/maps */
	int errors;		/* semantic errors reported by pass 3 */

	/* the object */
	struct objmap *maps;
	int nmaps, maps_cap;
	int map_globals;	/* -1 without scalar globals */
	int globals_size;	/* bytes of sonde_globals[0] */
	struct cg_global *globals;	/* declaration order */
	int nglobals;
	struct cg_point *points;
	int npoints;
	int scratch_size;	/* largest frame of any program */
	struct cg_strtab formats, strings, probes;
	FILE *meta;		/* the metadata text, via open_memstream */
	char *metabuf;
	size_t metalen;
	struct cg_prog *subs;	/* subprograms (codegen_sub.c) */
	const char **sub_keys;	/* what each one does, to share them */
	int nsubs, subs_cap;
	int map_iter;		/* sonde_iter, or -1 */

	/* the program being generated */
	struct emitter em;
	const struct cg_point *point;
	int probe_id;
	struct cg_local *locals;
	int nlocals;
	int act_slot;		/* r10 offset: actions remaining */
	int key_slot;		/* r10 offset: u32 key of array map lookups */
	int ctx_slot;		/* r10 offset: the program's context (r1) */
	int scratch_top;	/* scratch bytes in use */
	int scratch_max;
	int exit_label;		/* return 0 */
	int error_label;	/* raise the error whose ids are in r1, r2;
				   -1 until some code can raise one */
	struct cg_loop *loop;
	int body_depth;		/* loop-body callbacks being generated */
	struct cg_frame *frame;	/* innermost inlined call, or NULL */
	struct cg_try *try_ctx;	/* innermost try body, or NULL */
	struct cg_tail *tails;	/* error tails of inlined calls */
	int ntails, tails_cap;
	int ninlined;		/* calls refused as too large */
	int nheavy;		/* str_replace and text_str calls */
	int max_nesting;	/* MAXNESTING (codegen_func.c) */
	bool dead;		/* the next instruction is unreachable */
	bool *label_used;	/* per emitter label: some jump targets it */
	int label_used_cap;

	/* context variables (codegen_ctxvar.c) */
	struct dbtf *btf;	/* kernel BTF, opened on first use */
	bool btf_failed;
	bool btf_borrowed;	/* pass 2's handle: not ours to close */
	struct dwi *dwi;	/* a uprobe target's DWARF types ($p->a) */
	const char *dwi_path;
	bool entry_mode;	/* generating a .return probe's entry program */
	int entry_slots;	/* r10 offset of the entry values */
};

/* ---- codegen.c ---------------------------------------------------------- */

/* "<what> is not supported by the bpf runtime yet" at tok */
void cg_unsupported(struct cg *cg, const struct token *tok, const char *what);
/* Annotate what follows with tok's "file:line" */
void cg_note(struct cg *cg, const struct token *tok);
int cg_add_map(struct cg *cg, const char *name, enum bpf_map_type type,
	       unsigned key, unsigned value, unsigned max_entries);
/* A scratch buffer of size bytes; released with cg_scratch_release */
int cg_scratch_alloc(struct cg *cg, const struct token *tok, int size);
static inline int cg_scratch_mark(const struct cg *cg)
{
	return cg->scratch_top;
}
static inline void cg_scratch_release(struct cg *cg, int mark)
{
	cg->scratch_top = mark;
}
/*
 * Statement-level control flow.  The verifier refuses unreachable
 * instructions, so statements after next/break/continue are not
 * emitted: cg_goto() marks the position dead, and binding a label some
 * jump targets makes it live again.
 */
int cg_label(struct cg *cg);
void cg_bind(struct cg *cg, int label);
void cg_goto(struct cg *cg, int label);
/* if (reg OP imm) goto label */
void cg_jcond(struct cg *cg, int op, int reg, int32_t imm, int label);

const struct cg_local *cg_local_of(const struct cg *cg,
				   const struct vardecl *v);
struct cg_global *cg_global_of(const struct cg *cg, const struct vardecl *v);

/* ---- codegen_points.c --------------------------------------------------- */

int cg_resolve_points(struct cg *cg);
/* The point's own test at the top of its handler (process.end) */
void cg_point_filter(struct cg *cg, const struct cg_point *pt);

/* ---- codegen_process.c -------------------------------------------------- */

/* process.begin/.end: fill pt; 0, or -1 reported */
int cg_process_point(struct cg *cg, const struct prov_probe *dp,
		     struct cg_point *pt, const struct token *tok);
/* Their test at the top of the handler: return unless it applies */
void cg_process_filter(struct cg *cg, const struct cg_point *pt);
/* Return unless there is no target() or the current process descends
 * from it (within CG_TREE_DEPTH generations) */
void cg_target_tree_filter(struct cg *cg, const struct cg_point *pt);
#define CG_TREE_DEPTH 8
/* r0 = $syscall, $argN or $return of process.syscall[.return] */
void cg_utrace_var(struct cg *cg, const struct expr *e,
		   const struct prov_var *v);

/* ---- codegen_uses.c ----------------------------------------------------- */

int cg_layout_globals(struct cg *cg);

/* ---- codegen_stmt.c ----------------------------------------------------- */

void cg_stmt(struct cg *cg, const struct stmt *s);
/* Charge a probe body's statements to the action budget on entry */
void cg_charge_body(struct cg *cg, const struct stmt *body);
/* Before a loop: the budget left into stack slot entry; at its exit:
 * the verifier forgets how much is left, but for that bound */
void cg_remember_budget(struct cg *cg, int entry);
void cg_forget_budget(struct cg *cg, int entry);
/* Charge one iteration of a loop: 1 plus its body, at tok */
void cg_charge_iteration(struct cg *cg, const struct stmt *body,
			 const struct token *tok);
/* Actions of the longest path through s, loops counted once */
int cg_static_cost(const struct stmt *s);
/* remaining -= n; remaining <= 0 raises MAXACTION exceeded at tok */
void cg_charge(struct cg *cg, int n, const struct token *tok);

/* ---- codegen_expr.c ----------------------------------------------------- */

/* r0 = the long value of e */
void cg_long(struct cg *cg, const struct expr *e);
/* cg_long for a value that becomes offsets or lengths (sprintf digits,
 * substr): a constant as is, anything else through map memory so that
 * the verifier's precision marks stop there (codegen_expr.c) */
void cg_long_opaque(struct cg *cg, const struct expr *e);
/* Evaluate e for its side effects only */
void cg_discard(struct cg *cg, const struct expr *e);
/* r0 = 0 or 1: e is a condition */
void cg_cond(struct cg *cg, const struct expr *e);
/* cond ? a : b, long or string */
void cg_ternary(struct cg *cg, const struct expr *e);
/* r0 = a / b or a % b with r1 = a, r2 = b != 0 (signed, C99) */
void cg_divmod(struct cg *cg, bool mod);
/* Apply the long operator op ("+", "<<", ...) to r1 OP r2 into r0;
 * division checks for zero and reports at tok */
void cg_binop(struct cg *cg, const char *op, const struct token *tok);

/* ---- codegen_str.c ------------------------------------------------------ */

/* r0 = pointer to the string value of e */
void cg_str(struct cg *cg, const struct expr *e);
/* r0 = pointer to a scratch copy of the bytes */
void cg_str_literal(struct cg *cg, const struct token *tok, const char *s,
		    size_t len);
/* Copy the string at the pointer in r3 to the buffer at reg + off */
void cg_str_copy(struct cg *cg, int reg, int off);
/* r0 = a new temporary holding the string at reg + off followed by the
 * string whose pointer is in the stack slot */
void cg_str_concat2(struct cg *cg, const struct token *tok, int reg, int off,
		    int slot);
/* Append the string at r3 to the buffer at scratch offset buf whose
 * length is in stack slot len; updates len */
void cg_str_append(struct cg *cg, int buf, int len);
/* r0 = strcmp(r1, r2) as -1, 0 or 1; clobbers r1-r5 */
void cg_strcmp(struct cg *cg);
/* Zero size bytes (a multiple of 8) at reg + off */
void cg_zero(struct cg *cg, int reg, int off, int size);
/* The same, clobbering r0-r5 */
void cg_clear(struct cg *cg, int reg, int off, int size);

/* ---- codegen_var.c ------------------------------------------------------ */

/* r0 = the value of a variable or array element (long or string ptr) */
void cg_load_var(struct cg *cg, const struct expr *e);
/* Assignment-like operations on an lvalue: op is "=", "+=", ..., "++"
 * (pre) or "++post"; the new value (or pointer) ends in r0 */
void cg_assign(struct cg *cg, const struct expr *e);
void cg_crement(struct cg *cg, const struct expr *e);
void cg_in(struct cg *cg, const struct expr *e);
void cg_delete(struct cg *cg, const struct stmt *s);
void cg_stat_add(struct cg *cg, const struct expr *e);
void cg_stat_op(struct cg *cg, const struct expr *e);

/* The place of a scalar variable: base register and offset (r10 for
 * long locals); false, reported, if the backend cannot reach it */
bool cg_var_place(struct cg *cg, const struct expr *e, int *reg, int *off);
/* The packed key of args (bpf_abi.h layout) in a new scratch buffer;
 * returns its scratch offset */
int cg_build_key(struct cg *cg, const struct cg_global *g,
		 const struct ptrvec *args, const struct token *tok);
/* "Array overflow, ..." for g at tok */
void cg_raise_overflow(struct cg *cg, const struct cg_global *g,
		       const struct token *tok);

/* ---- codegen_sub.c ------------------------------------------------------ */

/* A subprogram is generated between cg_sub_begin() and cg_sub_end()
 * with cg->em (the program being generated is set aside); key names
 * what it does, so that identical ones are shared */
struct cg_sub_save {
	struct emitter em;
	int key_slot, error_label, exit_label;
	bool dead;
	bool *label_used;
	int label_used_cap;
	struct cg_loop *loop;
	const struct token *tok;	/* a loop body's: where its errors
					   are reported, or NULL */
};
int cg_sub_find(const struct cg *cg, const char *key);
void cg_sub_begin(struct cg *cg, struct cg_sub_save *save);
/* A subprogram whose frame mirrors the first depth bytes of the
 * program's (key_slot, act_slot and locals at the same offsets), so
 * that statements lowered for the program can run in it */
void cg_sub_begin_mirror(struct cg *cg, struct cg_sub_save *save, int depth);
int cg_sub_end(struct cg *cg, struct cg_sub_save *save, const char *key);
/* The call frames the program being generated needs when it runs:
 * itself and its deepest chain of callbacks (the verifier allows 8) */
int cg_call_frames(const struct cg *cg);
/* Hand the subprograms to the object */
int cg_subs_finish(struct cg *cg);

/* ---- codegen_stats.c ---------------------------------------------------- */

/* Histogram kinds and @variance shifts of every statistic, from their
 * uses; before the globals are placed */
int cg_stats_scan(struct cg *cg);
/* Bytes of one statistic's per-CPU value */
unsigned cg_stat_size(const struct cg_global *g);
void cg_print_hist(struct cg *cg, const struct expr *e);
void cg_hist_index(struct cg *cg, const struct expr *e);
/* delete s: every CPU's copy cleared */
void cg_stat_clear(struct cg *cg, const struct cg_global *g);
/*
 * Aggregate over the possible CPUs the statistic g (key: scratch offset
 * of the packed key of an array element, or -1) into struct stat_data
 * at scratch offset agg: count and sum, plus what what asks for
 * (CG_AGG_*), with stat_agg_end()'s @variance step.  Clobbers r0-r7.
 */
#define CG_AGG_MINMAX 1		/* @min, @max, @avg */
#define CG_AGG_VARIANCE 2
#define CG_AGG_HIST 4
void cg_stat_aggregate(struct cg *cg, const struct cg_global *g, int key,
		       int agg, int what);
/* The same for the operand x of an operator (s or s[k]), into a new
 * scratch buffer hdr bytes after its start; returns the aggregate's
 * offset, or -1 after reporting */
int cg_aggregate_operand(struct cg *cg, const struct expr *x, int what,
			 int hdr, struct cg_global **gp);

/* ---- codegen_foreach.c -------------------------------------------------- */

void cg_foreach(struct cg *cg, const struct stmt *s);
/* for and while, their bodies run by bpf_loop() as foreach's are */
void cg_for_loop(struct cg *cg, const struct stmt *s);

/* ---- codegen_iter.c ----------------------------------------------------- */

/* A full wrapping array ('%'): delete its oldest element, the head of
 * SystemTap's element list (the smallest seq) */
void cg_wrap_evict(struct cg *cg, const struct cg_global *g);
/* Does an index list hold a '*'? */
bool cg_is_slice(const struct ptrvec *args);
/* delete a[k, *] (in false), or r0 = [k, *] in a (in true) */
void cg_slice_op(struct cg *cg, const struct cg_global *g,
		 const struct ptrvec *args, const struct token *tok, bool in);
/* delete a: every element of an array */
void cg_delete_all(struct cg *cg, const struct cg_global *g,
		   const struct token *tok);

/* ---- codegen_call.c ----------------------------------------------------- */

void cg_call(struct cg *cg, const struct expr *e);
void cg_print(struct cg *cg, const struct expr *e);
/* printd's delimiter as format text: each '%' doubled */
void cg_put_delim(FILE *f, const char *delim, size_t dlen);

/* ---- codegen_rt.c ------------------------------------------------------- */

/* r0 = &sonde_ctl[slot], or goto fail */
void rt_ctl_ptr(struct cg *cg, int slot, int fail);
/* sonde_ctl[slot] += 1 */
void rt_ctl_inc(struct cg *cg, int slot);
/* r6 = ring buffer record of size bytes; drops += 1 and goto fail if none */
void rt_reserve(struct cg *cg, uint32_t size, int fail);
void rt_submit(struct cg *cg);
void rt_exit(struct cg *cg);
/* Raise the run-time error msg at tok: record, counters, end the handler */
void rt_raise(struct cg *cg, const char *msg, const struct token *tok);
/* Raise the error whose text is the string pointed to by stack slot msg */
void rt_raise_str(struct cg *cg, int msg, const struct token *tok);
/* The shared error tail, bound to cg->error_label (if it was used), for
 * errors whose call chain is sites[0..nsites) (string ids, innermost
 * first) */
void rt_error_tail(struct cg *cg, const uint32_t *sites, int nsites);
/* r0 = pointer to map[0] of an array map (key 0), or goto fail */
void rt_lookup0(struct cg *cg, int map, int fail);

/* ---- codegen_func.c ----------------------------------------------------- */

/* MAXNESTING for the program: its deepest static call chain, or more
 * if some function is recursive (runtime.md 2) */
void cg_compute_nesting(struct cg *cg);
/* r0 = the value of a call of a script function, inlined */
void cg_call_function(struct cg *cg, const struct expr *e);
void cg_return(struct cg *cg, const struct stmt *s);
/* The string ids of the call sites of the inlined frames, innermost
 * first; returns how many (at most max) */
int cg_frame_sites(struct cg *cg, uint32_t *ids, int max);
/* Emit the error tails the inlined calls of this program (or loop
 * body callback) left since cg->tails[from] */
void cg_func_tails(struct cg *cg, int from);

/* ---- codegen_try.c ------------------------------------------------------ */

void cg_try(struct cg *cg, const struct stmt *s);
/* Inside a try: store the error text msg in the catch variable and jump
 * to the catch block.  false (nothing emitted) outside a try or for an
 * error try cannot catch. */
bool cg_catch_const(struct cg *cg, const char *msg);
/* The same for a run-time text whose pointer is in stack slot msg */
bool cg_catch_str(struct cg *cg, int msg);

/* ---- codegen_sprintf.c -------------------------------------------------- */

/* r0 = pointer to the string sprintf/sprint/sprintln/sprintd make */
void cg_sprint(struct cg *cg, const struct expr *e);

/* ---- codegen_strfn.c ---------------------------------------------------- */

/* A builtin of codegen_strfn.c: r0 = its value; false if e is none */
bool cg_call_strfn(struct cg *cg, const struct expr *e);
/* r0 = the length of the string at the pointer in r1 (<= MAXSTRINGLEN-1);
 * clobbers r1-r5 */
void cg_strlen(struct cg *cg);
/* ---- codegen_mem.c ------------------------------------------------------ */

/* The memory-reading builtins (kernel_string, user_long, ...); false
 * when e calls none of them */
bool cg_call_mem(struct cg *cg, const struct expr *e);
/* r0 = the size-byte value at the address in stack slot addr, extended;
 * a fault raises "<what>0x<hex> [man error::fault]", or gives 0 when
 * what is NULL */
void cg_read_scalar(struct cg *cg, int addr, int size, bool is_signed,
		    bool user, const char *what, const struct token *tok);
/* Sign- or zero-extend the low size bytes of reg */
void cg_extend(struct cg *cg, int reg, int size, bool is_signed);
/* The 16 hex digits of r1 at scratch offset off, a NUL after them;
 * r4 = how many leading zero digits to skip (at most 15) */
void cg_hex_digits(struct cg *cg, int off);
/* Raise "<prefix>0x<hex of stack slot addr><suffix>" at tok */
void cg_raise_fault(struct cg *cg, const char *prefix, const char *suffix,
		    int addr, const struct token *tok);

/* ---- codegen_ctxvar.c --------------------------------------------------- */

/* The kernel BTF (pass 2's, or opened once); NULL when unreadable */
struct dbtf *cg_kernel_btf(struct cg *cg);
/* r0 = the long value of a $var chain or @cast */
void cg_target(struct cg *cg, const struct expr *e);
/* reg = the program's context pointer */
void cg_load_ctx(struct cg *cg, int reg);
/* The derived probe's context variable name (without '$'), or NULL */
const struct prov_var *cg_find_var(const struct cg *cg, const char *name);
void cg_ctxvar_release(struct cg *cg);

/* ---- codegen_uprobe.c --------------------------------------------------- */

/* r0 = a DWARF variable of a uprobe, or $return */
void cg_uprobe_var(struct cg *cg, const struct expr *e,
		   const struct prov_var *v);
/* Context builtins of uprobes and the task: returnval, int_arg, ...,
 * task_current; false when e calls none of them */
bool cg_call_ctx(struct cg *cg, const struct expr *e);
/* reg = the probed task's DWARF register regno (or CG_REG_CS) from the
 * pt_regs at the start of the context (uprobes, perf events); 0, or -1
 * reported */
int cg_load_reg(struct cg *cg, int reg, int regno, const struct token *tok);
#define CG_REG_CS 1000		/* the code segment: user or kernel mode */

/* ---- codegen_entry.c ---------------------------------------------------- */

/* Find a .return uprobe's entry values, add their map; 0 or -1 */
int cg_entry_plan(struct cg *cg, struct cg_point *pt);
/* The entry program's body */
void cg_entry_save(struct cg *cg, const struct cg_point *pt);
/* The .return program's start: its call's values, or return */
void cg_entry_load(struct cg *cg, const struct cg_point *pt);
/* r0 = e's value saved at entry; false when e is not one */
bool cg_entry_value(struct cg *cg, const struct expr *e);
/* r0 = parameter name's value saved at entry for $$parms; or false */
bool cg_entry_param(struct cg *cg, const char *name);

/* ---- codegen_dollars.c -------------------------------------------------- */

/* r0 = the string of $$vars, $$parms, $$locals, $$name, $$system */
void cg_dollars(struct cg *cg, const struct expr *e);

/* ---- codegen_quoted.c --------------------------------------------------- */

/* kernel_string_quoted, user_string_quoted; false when e calls neither */
bool cg_call_quoted(struct cg *cg, const struct expr *e);

/* ---- codegen_task.c ----------------------------------------------------- */

/* ppid, pexecname, euid, egid, ppfunc, probefunc, is_return, ...;
 * false when e calls none of them */
bool cg_call_task(struct cg *cg, const struct expr *e);

/* ---- codegen_stack.c ---------------------------------------------------- */

/* print_backtrace, print_ubacktrace, ...; false when e calls none */
bool cg_call_stack(struct cg *cg, const struct expr *e);

/* ---- codegen_meta.c ----------------------------------------------------- */

/* Index of the text in the table, added if new */
int cg_strtab_add(struct cg *cg, struct cg_strtab *t, const char *s,
		  size_t len);
/* "operator '/' at t.stp:3:11" */
const char *cg_token_text(struct cg *cg, const struct token *tok);
void cg_meta_begin(struct cg *cg);
void cg_meta_finish(struct cg *cg);

#endif /* SONDE_BPF_CODEGEN_INT_H */
