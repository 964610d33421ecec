/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * runtime.h - the in-kernel runtime's API towards the C the translator
 * emits (module-backend/).  A module is one translation unit:
 *
 *	#define MAXSTRINGLEN ... (limits the script or -D overrides)
 *	#include "linux/runtime.h"	this file: limits, types, helpers
 *	... globals, one function per probe handler and script function,
 *	    the probe tables, struct sonde_program sonde_program ...
 *	#include "linux/runtime.c"	session, transport, maps, probes,
 *					module_init/exit, the formatter
 *
 * Invariants the emitted code relies on:
 *  - A handler runs with interrupts off on one CPU, with its context
 *    (struct sonde_context) to itself; script locals live in the
 *    context's frames, never on the kernel stack.
 *  - Strings are NUL-terminated char arrays of MAXSTRINGLEN bytes;
 *    every string helper truncates to MAXSTRINGLEN - 1 bytes.
 *  - A failing operation calls sonde_error() and the emitted code
 *    leaves the handler (or jumps to its catch block); the runtime
 *    reports the error once, when the handler returns.
 *  - Globals (scalars, maps, statistics) are only touched by handlers
 *    that hold the globals lock, which the runtime takes around every
 *    handler whose probe says .locks = 1.
 *  - Nothing here allocates in probe context: maps and contexts are
 *    preallocated at module load.
 *
 * Kernel-version differences live only in the compat headers, driven by the
 * HAVE_* defines of the feature tests in autoconf/ (pass 4 runs them
 * against the target kernel and passes the result with -include).
 */
#ifndef SONDE_RUNTIME_LINUX_RUNTIME_H
#define SONDE_RUNTIME_LINUX_RUNTIME_H

#include <linux/atomic.h>
#include <linux/hrtimer.h>
#include <linux/kprobes.h>
#include <linux/perf_event.h>
#include <linux/uprobes.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/types.h>

#include "format.h"
#include "stats.h"
#include "linux/sonde_abi.h"

/* ---- limits (runtime.md 2; a script or -D may define them first) ---- */

#ifndef MAXSTRINGLEN
#define MAXSTRINGLEN 512
#endif
#ifndef MAXACTION
#define MAXACTION 1000		/* statements per handler hit */
#endif
#ifndef MAXNESTING
#define MAXNESTING 10		/* script function call depth */
#endif
#ifndef MAXMAPENTRIES
#define MAXMAPENTRIES 2048	/* array size when not declared */
#endif
#ifndef MAXERRORS
#define MAXERRORS 0		/* errors before the session stops */
#endif
#ifndef MAXSKIPPED
#define MAXSKIPPED 100		/* skipped hits before the session stops */
#endif
#ifndef MAXTRYLOCK
#define MAXTRYLOCK 1000		/* attempts at the globals lock */
#endif
#ifndef STP_OVERLOAD_INTERVAL
#define STP_OVERLOAD_INTERVAL 1000000000LL	/* ns over which handler time is summed */
#endif
#ifndef STP_OVERLOAD_THRESHOLD
#define STP_OVERLOAD_THRESHOLD 500000000LL	/* ns of handlers allowed per interval */
#endif
#ifndef SONDE_BUFSIZE
#define SONDE_BUFSIZE (1 << 20)	/* transport buffer bytes */
#endif
#define SONDE_MAX_KEYS 9	/* array index arity */

/* ---- session states ---------------------------------------------------- */

enum sonde_state {
	SONDE_STARTING,		/* begin probes run */
	SONDE_RUNNING,		/* ordinary probes run */
	SONDE_ERROR,		/* errors past MAXERRORS: error probes run */
	SONDE_STOPPING,		/* exit() or stop: end probes run */
	SONDE_STOPPED,
};

/* ---- probes and contexts ------------------------------------------------- */

struct sonde_context;

struct sonde_probe {
	const char *pp;		/* pp(): the derived probe point */
	void (*handler)(struct sonde_context *c);
	unsigned locks : 1;	/* the handler touches globals */
};

/* One per CPU.  Frames: (MAXNESTING + 1) * program->frame_size bytes,
 * frame 0 for the probe handler, frame N for a function at depth N. */
struct sonde_context {
	atomic_t busy;		/* reentrancy guard */
	const struct sonde_probe *probe;
	const char *error;	/* pending error message, or NULL */
	const char *error_loc;	/* "operator '/' at f.stp:3:4" */
	struct pt_regs *regs;	/* kprobes: the registers at the hit */
	const unsigned long *args;	/* tracepoints: the arguments */
	int64_t *entry;		/* kretprobes: the @entry values of this call */
	long actions;		/* MAXACTION budget left */
	int depth;		/* script function nesting */
	u64 overload_start;	/* local_clock() at the start of the interval */
	u64 overload_time;	/* ns spent in handlers in it */
	void *frames;
	struct stat_data *agg;	/* aggregation scratch (STAT_MAX_BUCKETS) */
	char error_buf[MAXSTRINGLEN];	/* error(msg) text */
	char out[FMT_MAX_OUTPUT];	/* printf scratch */
};

static size_t sonde_frame_size;	/* program->frame_size, rounded to 8 */

static inline void *sonde_frame(struct sonde_context *c, int depth)
{
	return (char *)c->frames + (size_t)depth * sonde_frame_size;
}

/* Record an error at loc ("identifier 'f' at f.stp:1:2"); the caller
 * then leaves the handler.  msg must outlive the handler (a literal or
 * c->error_buf). */
static inline void sonde_error(struct sonde_context *c, const char *msg,
			       const char *loc)
{
	c->error = msg;
	c->error_loc = loc;
}

/* error(msg): the message is the script's string */
static inline void sonde_error_str(struct sonde_context *c, const char *msg,
				   const char *loc)
{
	strscpy(c->error_buf, msg, sizeof(c->error_buf));
	sonde_error(c, c->error_buf, loc);
}

/* Charge n statements; over budget: "MAXACTION exceeded" at loc, 1 */
static inline int sonde_charge(struct sonde_context *c, long n, const char *loc)
{
	c->actions -= n;
	if (likely(c->actions > 0))
		return 0;
	sonde_error(c, "MAXACTION exceeded", loc);
	return 1;
}

/* Enter a script function (depth + 1): 1 and "MAXNESTING exceeded" when
 * too deep; the caller leaves.  sonde_leave() after the call. */
static inline int sonde_enter(struct sonde_context *c, const char *loc)
{
	if (unlikely(c->depth >= MAXNESTING)) {
		sonde_error(c, "MAXNESTING exceeded", loc);
		return 1;
	}
	c->depth++;
	return 0;
}

static inline void sonde_leave(struct sonde_context *c)
{
	c->depth--;
}

/* ---- embedded C (guru mode, tapsets) ----------------------------------------
 * Inside an embedded-C function body: CONTEXT is the context, THIS the
 * function's frame (members l_NAME, __retvalue), STAP_ARG_NAME a
 * parameter (defined around each body), STAP_RETVALUE the return
 * value; STAP_ERROR(fmt, ...) fails the call with a message. */
#define CONTEXT c
#define THIS l
#define STAP_RETVALUE (l->__retvalue)
#define STAP_ERROR(...) \
	do { \
		snprintf(c->error_buf, sizeof(c->error_buf), __VA_ARGS__); \
		sonde_error(c, c->error_buf, NULL); \
		return; \
	} while (0)

/* ---- longs (runtime.md 4.1) --------------------------------------------- */

/* x / y and x % y once y != 0 is known: C99 truncation, and no trap on
 * INT64_MIN / -1 */
static inline int64_t sonde_div(int64_t x, int64_t y)
{
	if (y == -1)
		return (int64_t)(0 - (uint64_t)x);
	return x / y;
}

static inline int64_t sonde_mod(int64_t x, int64_t y)
{
	if (y == -1)
		return 0;
	return x % y;
}

/* shifts take the count modulo 64, as upstream's generated C does on
 * x86-64 */
static inline int64_t sonde_shl(int64_t x, int64_t n)
{
	return (int64_t)((uint64_t)x << (n & 63));
}

static inline int64_t sonde_shr(int64_t x, int64_t n)
{
	return x >> (n & 63);
}

static inline int64_t sonde_ushr(int64_t x, int64_t n)
{
	return (int64_t)((uint64_t)x >> (n & 63));
}

/* wrapping arithmetic without signed-overflow undefined behaviour */
static inline int64_t sonde_add(int64_t x, int64_t y)
{
	return (int64_t)((uint64_t)x + (uint64_t)y);
}

static inline int64_t sonde_sub(int64_t x, int64_t y)
{
	return (int64_t)((uint64_t)x - (uint64_t)y);
}

static inline int64_t sonde_mul(int64_t x, int64_t y)
{
	return (int64_t)((uint64_t)x * (uint64_t)y);
}

static inline int64_t sonde_neg(int64_t x)
{
	return (int64_t)(0 - (uint64_t)x);
}

/* ---- strings (runtime.md 4.2) --------------------------------------------- */

/* dst = src, truncated; src may overlap dst.  Returns dst. */
static inline char *sonde_strcpy(char *dst, const char *src)
{
	size_t n = strnlen(src, MAXSTRINGLEN - 1);

	memmove(dst, src, n);
	dst[n] = '\0';
	return dst;
}

/* dst .= src, truncated.  Returns dst. */
static inline char *sonde_strcat(char *dst, const char *src)
{
	size_t n = strnlen(dst, MAXSTRINGLEN - 1);
	size_t m = strnlen(src, MAXSTRINGLEN - 1 - n);

	memmove(dst + n, src, m);
	dst[n + m] = '\0';
	return dst;
}

/* dst = a . b; dst must be neither a nor b (the emitter uses a fresh
 * temporary) */
static inline char *sonde_concat(char *dst, const char *a, const char *b)
{
	sonde_strcpy(dst, a);
	return sonde_strcat(dst, b);
}

/* byte-wise comparison, as upstream's strncmp on the bytes */
static inline int sonde_strcmp(const char *a, const char *b)
{
	return strncmp(a, b, MAXSTRINGLEN);
}

static inline struct fmt_value sonde_fmt_str(const char *s)
{
	return fmt_str(s, MAXSTRINGLEN - 1);
}

/* ---- output (runtime.c) ---------------------------------------------------- */

/* printf: format into the context and send; output that cannot be
 * queued is counted as a drop.  0, or 1 with an error recorded. */
static int sonde_printf(struct sonde_context *c, const char *fmt, size_t len,
			const struct fmt_value *args, int nargs, const char *loc);
/* sprintf into dst (MAXSTRINGLEN bytes) */
static int sonde_sprintf(struct sonde_context *c, char *dst, const char *fmt,
			 size_t len, const struct fmt_value *args, int nargs,
			 const char *loc);
/* print(@hist_*(s)) and sprint */
static int sonde_print_hist(struct sonde_context *c, const struct stat_desc *d,
			    const struct stat_data *agg, const char *loc);
/* exit(): stop after this handler; end probes run */
static void sonde_exit(void);

/* ---- statistics ------------------------------------------------------------ */

/* The aggregate of one statistic, in c->agg (valid until the next call) */
static const struct stat_data *sonde_stat_get(struct sonde_context *c,
					      const struct stat_desc *d,
					      const struct stat_data *s);

/* @avg/@min/@max/@variance: 1 with "empty aggregate" when count is 0 */
static inline int sonde_stat_check(struct sonde_context *c,
				   const struct stat_data *agg, const char *loc)
{
	if (agg->count)
		return 0;
	sonde_error(c, STAT_MSG_EMPTY, loc);
	return 1;
}

/* ---- arrays (map.c) --------------------------------------------------------- */

enum sonde_type { SONDE_LONG = 1, SONDE_STRING = 2, SONDE_STATS = 3 };

struct sonde_map_desc {
	const char *name;	/* script name, for messages and autoprint */
	int nkeys;
	unsigned char key_type[SONDE_MAX_KEYS];	/* SONDE_LONG / SONDE_STRING */
	unsigned char value_type;		/* enum sonde_type */
	const struct stat_desc *stat;		/* SONDE_STATS */
	int max_entries;	/* declared size, or MAXMAPENTRIES */
	bool declared;		/* the size was declared: overflow says so */
	bool wrap;		/* name%: a full array drops its oldest entry */
};

/* An index tuple, filled by the emitted code for one access */
struct sonde_key {
	int64_t l[SONDE_MAX_KEYS];
	const char *s[SONDE_MAX_KEYS];
};

struct sonde_map;

/* The value of key, or NULL when absent */
static void *sonde_map_lookup(struct sonde_map *m, const struct sonde_key *k);
/* The value of key, inserted zeroed when absent; NULL (with "Array
 * overflow, check size limit (N)" recorded at loc) when full */
static void *sonde_map_insert(struct sonde_context *c, struct sonde_map *m,
			      const struct sonde_key *k, const char *loc);
static void sonde_map_delete(struct sonde_map *m, const struct sonde_key *k);
static void sonde_map_clear(struct sonde_map *m);
static int sonde_map_count(const struct sonde_map *m);

/* foreach: the entries in order.  col 0 sorts by value (statistics by
 * the extractor agg), col N by key N; dir +1/-1, 0 insertion order;
 * limit < 0 for all.  Returns the count stored in order[]. */
static int sonde_map_sort(struct sonde_context *c, struct sonde_map *m,
			  unsigned *order, int col, int dir, int agg,
			  long limit);
static int64_t sonde_map_key_long(const struct sonde_map *m, unsigned e, int i);
static const char *sonde_map_key_str(const struct sonde_map *m, unsigned e, int i);
static void *sonde_map_value(const struct sonde_map *m, unsigned e);

/* ---- automatic printing of unread globals (runtime.md 6.7) ---------------- */

static void sonde_autoprint_long(struct sonde_context *c, const char *name,
				 int64_t v);
static void sonde_autoprint_str(struct sonde_context *c, const char *name,
				const char *v);
static void sonde_autoprint_stat(struct sonde_context *c, const char *name,
				 const struct stat_desc *d,
				 const struct stat_data *s);
static void sonde_autoprint_map(struct sonde_context *c, struct sonde_map *m);

/* ---- $var->member: probed memory through the target's own C types ---------
 * The emitted code declares each step with __typeof__ of the member in the
 * kernel headers it is compiled against, so offsets are always the target
 * kernel's.  An embedded struct is stepped into by address, a pointer by
 * reading it (a fault is an error); the last member is a value when it is
 * a scalar of at most 8 bytes, else its address (char comm[16]). */
#define SONDE_IS_RECORD(x) (__builtin_classify_type(x) == 12)
#define SONDE_IS_VALUE(x) (sizeof(x) <= 8 && !SONDE_IS_RECORD(x))
#define SONDE_IS_SIGNED(x) _Generic((x), signed char: 1, short: 1, int: 1, \
				     long: 1, long long: 1, \
				     char: ((char)-1 < 0), default: 0)

/* a failed read of probed memory at addr */
static inline void sonde_fault(struct sonde_context *c, const void *addr,
			       const char *loc)
{
	snprintf(c->error_buf, sizeof(c->error_buf),
		 "kernel read fault at 0x%lx [man error::fault]", (unsigned long)addr);
	sonde_error(c, c->error_buf, loc);
}

/* n bytes read into a zeroed u64, widened as the type's signedness says */
static inline int64_t sonde_widen(u64 raw, size_t n, int is_signed)
{
	if (n >= 8 || !is_signed)
		return (int64_t)raw;
	return (int64_t)(raw << (64 - 8 * n)) >> (64 - 8 * n);
}

/* ---- context functions used by tapsets ------------------------------------- */

static int64_t sonde_target(void);
/* probed memory (compat/nofault.h): 0 or -EFAULT; strings: length or -errno */
static long sonde_read_kernel(void *dst, const void *src, size_t n);
static long sonde_user_string(char *dst, unsigned long addr, long n);
static long sonde_kernel_string(char *dst, unsigned long addr, long n);

/* ---- the program: probe tables and globals, emitted ------------------------ */

struct sonde_timer_probe {
	const struct sonde_probe *probe;
	u64 period_ns;
	u64 randomize_ns;	/* 0: none */
	struct hrtimer timer;
};

/* A kernel tracepoint; the emitted stub has the tracepoint's
 * prototype (all arguments as unsigned long: register-sized on the
 * 64-bit targets) and calls sonde_tracepoint_hit().  syscall_nr >= 0
 * (sys_enter/sys_exit of one system call) filters on the call. */
struct sonde_tp_probe {
	const struct sonde_probe *probe;
	const char *name;	/* "sched_switch", "sys_enter" */
	void *stub;
	long syscall_nr;	/* -1: every hit */
	struct tracepoint *tp;	/* looked up at registration */
	bool registered;
};

/* kernel.function, kprobe.function and their .return */
struct sonde_kprobe {
	const struct sonde_probe *probe;
	const char *symbol;
	bool is_return;
	int maxactive;		/* kretprobes in flight; 0: the default */
	/* .return with @entry(expr): entry_probe's handler evaluates the
	 * expressions at the call into nentry longs kept with the instance */
	const struct sonde_probe *entry_probe;
	int nentry;
	struct kprobe kp;
	struct kretprobe rp;
	bool registered;
};

/* perf.*, timer.profile: a kernel counter on every online CPU (or on the
 * first), its overflow running the handler */
struct sonde_perf_probe {
	const struct sonde_probe *probe;
	u32 type;
	u64 config;
	u64 sample;		/* period, or frequency with freq */
	bool freq;
	bool per_cpu;
	struct perf_event **events;	/* per possible CPU, at registration */
};

/* process("PATH").function(...) and .return: a uprobe consumer on the
 * file's inode at a file offset; pid >= 0 (or SONDE_PID_TARGET for the
 * -c/-x process) keeps only that process's hits */
#define SONDE_PID_TARGET (-2)

struct sonde_uprobe {
	const struct sonde_probe *probe;
	const char *path;
	u64 offset;
	bool is_return;
	long pid;		/* -1 every process */
	struct inode *inode;	/* held while registered */
	struct uprobe_consumer uc;
	void *handle;		/* struct uprobe * where the API returns one */
	bool registered;
};

struct sonde_program {
	const struct sonde_probe *const *begin;	/* run order */
	int nbegin;
	const struct sonde_probe *const *end;
	int nend;
	const struct sonde_probe *const *error;
	int nerror;
	struct sonde_timer_probe *timers;
	int ntimers;
	struct sonde_tp_probe *tracepoints;
	int ntracepoints;
	struct sonde_kprobe *kprobes;
	int nkprobes;
	struct sonde_perf_probe *perfs;
	int nperfs;
	struct sonde_uprobe *uprobes;
	int nuprobes;
	size_t frame_size;	/* the largest handler or function frame */
	/* allocate and free the maps; 0 or -ENOMEM */
	int (*globals_init)(void);
	void (*globals_free)(void);
};

/* ---- NAME=VALUE on staprun's command line --------------------------------
 * Scalar long and string globals are module parameters (set at load,
 * before module_init): module_param_cb(NAME, &sonde_param_long, &g_NAME, 0)
 * with MODULE_PARM_DESC(NAME, "long") or "string", which staprun reads
 * back from .modinfo to check the names it is given. */
static int sonde_param_set_long(const char *val, const struct kernel_param *kp)
{
	return kstrtoll(val, 0, (long long *)kp->arg);
}

static int sonde_param_set_string(const char *val, const struct kernel_param *kp)
{
	sonde_strcpy((char *)kp->arg, val);
	return 0;
}

static const struct kernel_param_ops __maybe_unused sonde_param_long = {
	.set = sonde_param_set_long,
};
static const struct kernel_param_ops __maybe_unused sonde_param_string = {
	.set = sonde_param_set_string,
};

/* defined by the emitted code, read by the runtime */
static const struct sonde_program sonde_program;

/* ---- probe entry (runtime.c) ----------------------------------------------- */

/* Run one handler for an ordinary probe hit */
static void sonde_probe_hit(const struct sonde_probe *p);
/* A tracepoint stub's body: filter, then the handler */
static void sonde_tracepoint_hit(struct sonde_tp_probe *t, long syscall_nr,
				 const unsigned long *args);

/* $arg of a kernel function (kprobe), argument n from 0; $return */
static unsigned long sonde_kernel_arg(struct sonde_context *c, int n);
static unsigned long sonde_return_value(struct sonde_context *c);
/* $arg of a tracepoint, argument n from 0 */
static inline unsigned long sonde_tp_arg(struct sonde_context *c, int n)
{
	return c->args ? c->args[n] : 0;
}

/* maps for the emitted globals_init */
static struct sonde_map *sonde_map_new(const struct sonde_map_desc *d);
static void sonde_map_free(struct sonde_map *m);

#endif
