/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bpf_abi.h - the contract between a generated BPF object and staprun.
 *
 * The BPF code generator includes this header to name what staprun looks
 * for; staprun includes it to find it.  Plain C, no libbpf types.  The
 * full description, with the metadata grammar, is staprun/README.md.
 *
 * An object NAME.bpf.o holds:
 *
 *   programs        one ELF program per probe, in a libbpf section:
 *                   "tracepoint/SYS/EV", "raw_tracepoint/EV", "kprobe/F",
 *                   "uprobe", "uretprobe", "perf_event", ...  staprun
 *                   attaches each one (uprobes and perf events from the
 *                   metadata, the others by bpf_program__attach()).
 *                   begin/end/error probes live in sections
 *                   SONDE_SEC_BEGIN "N", SONDE_SEC_END "N",
 *                   SONDE_SEC_ERROR "N" (N = run order, 0, 1, ...);
 *                   staprun loads them as BPF_PROG_TYPE_RAW_TRACEPOINT
 *                   and runs each once with BPF_PROG_TEST_RUN.
 *   maps            SONDE_MAP_OUT (ring buffer of output records),
 *                   SONDE_MAP_CTL (session control words), plus the
 *                   generator's own maps for globals.
 *   SONDE_META_SECTION  text metadata: formats, probe names, strings,
 *                   program attach details, globals, limits.
 */
#ifndef SONDE_STAPRUN_BPF_ABI_H
#define SONDE_STAPRUN_BPF_ABI_H

#include <stdint.h>

#define SONDE_ABI_VERSION	1

/* ---- ELF sections ------------------------------------------------------ */

/* Metadata: SHT_PROGBITS, flags 0 (not loaded); libbpf skips it. */
#define SONDE_META_SECTION	".sonde.meta"
/* First line of the metadata text */
#define SONDE_META_MAGIC	"sonde-meta"

/* Program sections staprun runs itself; a decimal run order follows. */
#define SONDE_SEC_BEGIN		"sonde/begin/"
#define SONDE_SEC_END		"sonde/end/"
#define SONDE_SEC_ERROR		"sonde/error/"

/* ---- Maps --------------------------------------------------------------- */

/* BPF_MAP_TYPE_RINGBUF; max_entries is the default size (staprun -b MB
 * overrides it) */
#define SONDE_MAP_OUT		"sonde_out"

/*
 * BPF_MAP_TYPE_ARRAY, key u32 slot, value u64, at least SONDE_CTL_NSLOTS
 * entries.  One word per slot, so staprun can write one slot while
 * probes add to another.
 */
#define SONDE_MAP_CTL		"sonde_ctl"

enum sonde_ctl_slot {
	SONDE_CTL_STATE = 0,	/* enum sonde_state; see below             */
	SONDE_CTL_TARGET = 1,	/* target(): -c child or -x pid, else 0    */
	SONDE_CTL_ERRORS = 2,	/* soft errors raised (atomic add by BPF)  */
	SONDE_CTL_SKIPPED = 3,	/* skipped probe hits (atomic add)         */
	SONDE_CTL_DROPS = 4,	/* output records lost: reserve failed     */
	SONDE_CTL_GTOD = 5,	/* CLOCK_REALTIME - CLOCK_MONOTONIC in ns at
				   start: gettimeofday_ns() is
				   bpf_ktime_get_ns() plus this           */
	SONDE_CTL_NSLOTS = 8	/* minimum max_entries; 6..7 reserved      */
};

/*
 * Session state.  Zero (the map's initial value) is STARTING, so probes
 * attached before begin has run see a session that is not RUNNING.
 *   - ordinary probes run their body only while the state is RUNNING;
 *   - exit(): if the state is STARTING or RUNNING, store STOPPING, then
 *     send a SONDE_REC_EXIT record;
 *   - an uncaught error: send SONDE_REC_ERROR, add 1 to CTL_ERRORS and,
 *     if the new count exceeds MAXERRORS, store ERROR;
 *   - staprun stores RUNNING after the begin probes (if still STARTING),
 *     and STOPPING or ERROR at shutdown; begin/end/error programs need no
 *     state check, staprun runs them only when they should run.
 */
enum sonde_state {
	SONDE_STATE_STARTING = 0,
	SONDE_STATE_RUNNING = 1,
	SONDE_STATE_ERROR = 2,
	SONDE_STATE_STOPPING = 3,
	SONDE_STATE_STOPPED = 4
};

/* ---- Output records ------------------------------------------------------ */

/*
 * A ring buffer sample holds one or more records back to back (a probe
 * may batch a handler's output into one sample).  Every record starts
 * with struct sonde_rec, is a multiple of SONDE_REC_ALIGN bytes long, and
 * all integers are in the host's byte order.
 */
#define SONDE_REC_ALIGN		8
#define SONDE_NO_ID		0xffffffffu

/* A string slot: MAXSTRINGLEN bytes rounded up to 8 holding NUL-terminated
 * text; staprun reads at most MAXSTRINGLEN-1 bytes of it. */
#define SONDE_STR_SLOT(maxstringlen)	(((uint32_t)(maxstringlen) + 7u) & ~7u)

enum sonde_rec_kind {
	/*
	 * printf: id = format id.  Then, for each argument of the format in
	 * order (runtime/format.h fmt_arg_types: a '*' width, a '*'
	 * precision, then the value of each conversion):
	 *   long     8 bytes (int64_t)
	 *   %s       a string slot
	 *   %m, %M   uint64_t n, then a string slot whose first n bytes are
	 *            the memory read at probe time (n <= slot size)
	 */
	SONDE_REC_PRINTF = 1,
	/* raw bytes: id = byte count n; n bytes follow, padded to 8 */
	SONDE_REC_PRINT = 2,
	/* exit() was called: id = probe id; no payload */
	SONDE_REC_EXIT = 3,
	/* an uncaught run-time error: struct sonde_rec_error */
	SONDE_REC_ERROR = 4,
	/* warn(): struct sonde_rec_warn */
	SONDE_REC_WARN = 5,
	/* print(@hist_*(s)): struct sonde_rec_hist */
	SONDE_REC_HIST = 6,
	/* print_backtrace() and friends: struct sonde_rec_stack */
	SONDE_REC_STACK = 7
};

struct sonde_rec {
	uint32_t kind;		/* enum sonde_rec_kind */
	uint32_t id;		/* format id, byte count or probe id */
};

/*
 * ERROR: id = probe id (its pp() names the probe in the message).
 * msg is a string id, or SONDE_NO_ID when the text follows in a string
 * slot (error(msg) with a run-time string).  locs[0] is the string id of
 * the failing token ("operator '/' at t.stp:3:11"), locs[1..] the call
 * sites outwards ("identifier 'f' at t.stp:17:5").  Layout:
 *   struct sonde_rec_error, uint32_t locs[nlocs], zero padding to 8,
 *   [string slot if msg == SONDE_NO_ID]
 * staprun prints "ERROR: MSG near LOC0 (called from LOC1)... in probe PP",
 * or "ERROR: MSG" when nlocs is 0.
 */
struct sonde_rec_error {
	uint32_t kind;		/* SONDE_REC_ERROR */
	uint32_t id;		/* probe id */
	uint32_t msg;		/* string id or SONDE_NO_ID */
	uint32_t nlocs;
};

/* WARN: id = probe id; msg a string id, or SONDE_NO_ID and a string slot
 * follows.  staprun prints "WARNING: MSG" (de-duplicated). */
struct sonde_rec_warn {
	uint32_t kind;		/* SONDE_REC_WARN */
	uint32_t id;		/* probe id */
	uint32_t msg;		/* string id or SONDE_NO_ID */
	uint32_t pad;		/* zero */
};

/*
 * HIST: the aggregate of a statistic whose histogram print(@hist_log(s))
 * or print(@hist_linear(s, ...)) prints.  The header describes the
 * histogram (runtime/stats.h STAT_HIST_* and the linear parameters);
 * runtime/stats.h's struct stat_data with nbuckets buckets follows (a
 * multiple of 8 bytes).  staprun draws it with stat_emit_hist(), then a
 * newline if newline is 1 (println).  The probe has already raised
 * "empty aggregate" for a statistic with no values.
 */
struct sonde_rec_hist {
	uint32_t kind;		/* SONDE_REC_HIST */
	uint32_t nbuckets;
	int32_t hist_type;	/* 1 log, 2 linear */
	int32_t start, stop, interval;
	uint32_t newline;
	uint32_t pad;
};

/*
 * STACK: id = SONDE_STACK_* flags; SONDE_STACK_MAX u64 slots follow, the
 * first nframes holding return addresses as bpf_get_stack wrote them,
 * innermost first.  staprun prints one line per frame with its symbol:
 * kernel addresses from kallsyms, user addresses (SONDE_STACK_USER) from
 * process pid's mappings.
 */
#define SONDE_STACK_MAX		20	/* MAXBACKTRACE */
#define SONDE_STACK_USER	0x1	/* user addresses of process pid */
#define SONDE_STACK_BRIEF	0x2	/* "sym+0xoff" lines, no address */
#define SONDE_STACK_TEXT	0x4	/* a string slot follows instead of the
					 * frames: backtrace()'s "0x.. 0x.."
					 * text (print_stack); nframes is 0 */

struct sonde_rec_stack {
	uint32_t kind;		/* SONDE_REC_STACK */
	uint32_t id;		/* SONDE_STACK_* flags */
	uint32_t pid;		/* tgid, for SONDE_STACK_USER */
	uint32_t nframes;	/* <= SONDE_STACK_MAX */
};

/* ---- Globals in maps (for VAR=VALUE and printing at exit) --------------- */

/*
 * Keys of an array global are packed in declaration order: a long as
 * int64_t, a string as a zero-padded string slot (zero padding matters:
 * hash maps compare every byte).  Values at the byte offset the metadata
 * gives: a long as int64_t, a string as a string slot, a statistic as
 * runtime/stats.h's struct stat_data (count, sum, min, max, avg_s, m2,
 * variance_s, hist[nbuckets]) in a per-CPU map, maintained by the probe
 * as stat_add() does.
 */

/* ---- Defaults of the limits line ---------------------------------------- */

#define SONDE_DEF_MAXSTRINGLEN	512
#define SONDE_DEF_MAXERRORS	0
#define SONDE_DEF_MAXSKIPPED	100

#endif /* SONDE_STAPRUN_BPF_ABI_H */
