/* Sonde shared formatter: SystemTap's printf/sprintf format language.
 *
 * This header and format.c are freestanding C: they are compiled into the
 * kernel-module runtime (kbuild, __KERNEL__ defined), into staprun (which
 * formats BPF output in user space) and into the translator (which uses
 * fmt_parse to validate formats and type their arguments at compile time).
 * Nothing here allocates, calls libc, uses floating point or keeps state
 * between calls: every function is reentrant and works only on memory the
 * caller passes in.  Semantics: docs runtime.md section 4.4.
 *
 * Ownership: all pointers passed in are borrowed for the duration of the
 * call only.  Output buffers are owned by the caller.
 */
#ifndef SONDE_RUNTIME_FORMAT_H
#define SONDE_RUNTIME_FORMAT_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stddef.h>
#include <stdint.h>
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Limits (runtime.md section 2, 4.4). */
#define FMT_MAX_OUTPUT   8192  /* STP_BUFFER_SIZE: max bytes one printf emits */
#define FMT_PAGE_SIZE    4096  /* %m/%M precision limit                       */

/* <stdint.h> limits are not available in the kernel. */
#define FMT_I64_MAX ((int64_t)0x7fffffffffffffffLL)
#define FMT_I64_MIN (-FMT_I64_MAX - 1)

/* Directive kinds. */
#define FMT_LITERAL 0          /* bytes fmt[offset .. offset+len) verbatim     */
#define FMT_CONV    1          /* a conversion                                 */

/* Conversion flags.  The values equal SystemTap's enum print_flag.  Exactly
 * one of ZEROPAD/PLUS/SPACE/LEFT/SPECIAL can come from the format (the
 * single-flag rule); SIGN is set for %d/%i, LARGE for %X, SPECIAL for %p. */
#define FMT_F_ZEROPAD  0x01
#define FMT_F_SIGN     0x02
#define FMT_F_PLUS     0x04
#define FMT_F_SPACE    0x08
#define FMT_F_LEFT     0x10
#define FMT_F_SPECIAL  0x20
#define FMT_F_LARGE    0x40

/* Width / precision kinds. */
#define FMT_NONE     0         /* not given (value -1)                         */
#define FMT_STATIC   1         /* digits in the format (value in width/prec)   */
#define FMT_DYNAMIC  2         /* '*': taken from the next (long) argument     */

/* Argument types. */
#define FMT_ARG_LONG   1       /* int64_t                                      */
#define FMT_ARG_STRING 2       /* byte string (pointer + length)               */

struct fmt_directive {
	unsigned char kind;        /* FMT_LITERAL or FMT_CONV                      */
	char conv;                 /* one of "diuoxXpcbsmM"; 0 for literals        */
	unsigned char flags;       /* FMT_F_* bits                                 */
	unsigned char width_kind;  /* FMT_NONE / FMT_STATIC / FMT_DYNAMIC          */
	unsigned char prec_kind;   /* FMT_NONE / FMT_STATIC / FMT_DYNAMIC          */
	unsigned char arg_type;    /* type of the value argument (FMT_ARG_*)       */
	unsigned char base;        /* 8, 10, 16 for d i u o x X p; else 0          */
	unsigned char nargs;       /* arguments consumed: 0 (literal) .. 3         */
	int width;                 /* static width (saturated at 2^31-1), else -1  */
	int prec;                  /* static precision, else -1                    */
	size_t offset;             /* literal: its bytes; conversion: its '%'      */
	size_t len;                /* literal: byte count; conversion: text length */
};

/* Parse / run-time error codes (negative return values). */
#define FMT_E_PARSE    (-1)    /* bad format (translate-time error)            */
#define FMT_E_ARGS     (-2)    /* missing argument or wrong argument type      */
#define FMT_E_MEMDUMP  (-3)    /* %m/%M precision > FMT_PAGE_SIZE              */
#define FMT_E_FAULT    (-4)    /* %m/%M memory could not be read               */

struct fmt_error {
	int code;                  /* FMT_E_*, 0 if none                           */
	const char *msg;           /* static text, e.g. the exact parse message    */
	size_t offset;             /* FMT_E_PARSE: byte offset in the format       */
	int64_t value;             /* MEMDUMP: the precision; FAULT: the address   */
};

/* Exact SystemTap parse-error texts. */
#define FMT_MSG_BADCONV   "invalid or missing conversion specifier"
#define FMT_MSG_TRAILING  "trailing incomplete print format conversion"

/* One printf argument. */
struct fmt_value {
	int type;                  /* FMT_ARG_LONG or FMT_ARG_STRING               */
	int64_t l;                 /* FMT_ARG_LONG                                 */
	const char *s;             /* FMT_ARG_STRING: bytes (need not be NUL-      */
	size_t slen;               /*   terminated; a NUL byte ends it early)      */
};

static inline struct fmt_value fmt_long(int64_t v)
{
	struct fmt_value a = { FMT_ARG_LONG, v, 0, 0 };
	return a;
}

static inline struct fmt_value fmt_str(const char *s, size_t n)
{
	struct fmt_value a = { FMT_ARG_STRING, 0, s, n };
	return a;
}

/* Memory access for %m / %M.  read() copies n bytes at addr (user memory
 * if user != 0, i.e. the '#' flag) into dst and returns 0, or non-zero on
 * a fault.  A %m/%M argument of type FMT_ARG_STRING instead supplies the
 * bytes directly (BPF: captured at probe time); it must hold at least the
 * dumped length or the call fails with FMT_E_FAULT. */
struct fmt_mem {
	int (*read)(void *cookie, uint64_t addr, void *dst, size_t n, int user);
	void *cookie;
};

/* ---- Parsing (translator: compile-time validation) -------------------- */

/* Parse the next directive of fmt[0..len) starting at *pos.  Returns 1 and
 * advances *pos when a directive was stored in *d, 0 at the end, or
 * FMT_E_PARSE with *err filled (err may be NULL).  Literal directives are
 * maximal runs of ordinary bytes; "%%" contributes one '%' which ends the
 * current run (so consecutive literal directives can occur).  Error offsets:
 * "invalid or missing conversion specifier" points at the offending byte,
 * "trailing incomplete print format conversion" at the '%' that starts the
 * unfinished conversion. */
int fmt_next(const char *fmt, size_t len, size_t *pos,
	     struct fmt_directive *d, struct fmt_error *err);

/* Parse a whole format.  Stores at most max directives in out (out may be
 * NULL if max is 0) and returns the total number of directives, or
 * FMT_E_PARSE with *err filled. */
int fmt_parse(const char *fmt, size_t len, struct fmt_directive *out, int max,
	      struct fmt_error *err);

/* Number of arguments the directives consume, in order: for each
 * conversion, the '*' width (long), the '*' precision (long), then the
 * value (d->arg_type).  If types is not NULL the first max argument types
 * are stored there.  Returns the total count. */
int fmt_arg_types(const struct fmt_directive *d, int n,
		  unsigned char *types, int max);

/* ---- Formatting -------------------------------------------------------- */

/* sprintf semantics: writes at most size bytes including a terminating NUL
 * (if size > 0) and returns the length of the full output, as SystemTap
 * sizes a printf before reserving its buffer (each width and precision
 * clamped to FMT_MAX_OUTPUT).  As in SystemTap, widths and precisions are
 * clamped to the space left in buf, so when the result is truncated the
 * text in buf is exactly what SystemTap's sprintf would produce in a
 * buffer of that size (not always a prefix of the full output).  Returns a
 * negative FMT_E_* code on error (buf contents then unspecified).
 * nargs may exceed the arguments used; extra ones are ignored. */
int fmt_format(char *buf, size_t size, const char *fmt, size_t len,
	       const struct fmt_value *args, int nargs);

/* As fmt_format, with a memory reader for %m/%M (may be NULL) and error
 * details (err may be NULL). */
int fmt_format_ex(char *buf, size_t size, const char *fmt, size_t len,
		  const struct fmt_value *args, int nargs,
		  const struct fmt_mem *mem, struct fmt_error *err);

/* printf-to-stream semantics: writes into exactly cap bytes without a
 * terminating NUL and returns the number of bytes stored (<= cap), or a
 * negative FMT_E_* code.  Use n = fmt_format_ex(NULL, 0, ...), clamp n to
 * FMT_MAX_OUTPUT, reserve n bytes, then fmt_emit(res, n, ...): that is how
 * SystemTap's compiled printf behaves, including its 8192-byte cut. */
int fmt_emit(char *buf, size_t cap, const char *fmt, size_t len,
	     const struct fmt_value *args, int nargs,
	     const struct fmt_mem *mem, struct fmt_error *err);

/* The same two entry points for a format parsed in advance (e.g. by the
 * translator, emitted as a static table): dirs[0..ndirs) must come from
 * fmt_parse of the same fmt bytes (literals refer to fmt by offset). */
int fmt_format_dirs(char *buf, size_t size, const char *fmt,
		    const struct fmt_directive *dirs, int ndirs,
		    const struct fmt_value *args, int nargs,
		    const struct fmt_mem *mem, struct fmt_error *err);
int fmt_emit_dirs(char *buf, size_t cap, const char *fmt,
		  const struct fmt_directive *dirs, int ndirs,
		  const struct fmt_value *args, int nargs,
		  const struct fmt_mem *mem, struct fmt_error *err);

/* Render an error as SystemTap words it ("invalid or missing conversion
 * specifier", "4097 is too many bytes for a memory dump",
 * "read fault [man error::fault] at 0x1234", ...).  snprintf-like. */
int fmt_error_message(char *buf, size_t size, const struct fmt_error *err);

/* ---- Automatic printing of unread globals (runtime.md 6.7) ----------- */

/* One line "name=42\n", "name=\"abc\"\n", "name[\"k\",2]=42\n" ...
 * keys[0..nkeys) are the array keys (nkeys 0 for a scalar): integers print
 * as %d, strings as "%s" (quoted, not escaped).  val is a long or a string;
 * hex != 0 prints a long as %#x (pointer-typed DWARF values).
 * snprintf-like (NUL-terminated, returns the full length). */
int fmt_global_line(char *buf, size_t size, const char *name,
		    const struct fmt_value *keys, int nkeys,
		    const struct fmt_value *val, int hex);

/* Internal, shared with stats.c: writes "name" or "name[k1,k2]". */
int fmt__global_prefix(char *buf, size_t size, const char *name,
		       const struct fmt_value *keys, int nkeys);

#ifdef __cplusplus
}
#endif

#endif /* SONDE_RUNTIME_FORMAT_H */
