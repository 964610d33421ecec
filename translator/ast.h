/* The data model of the translator: tokens, locations, the parsed program.
 *
 * Sections are named after the pass that fills them.  Pass 1 (parse.c,
 * lexer.l, preproc.c, parser.y) fills everything here; later passes add
 * their own sections. */
#ifndef SONDE_AST_H
#define SONDE_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "translator/arena.h"
#include "translator/strset.h"

/* ---- sources and tokens (pass 1: lexer.l, preproc.c) ---- */

struct source {
	const char *name;        /* as given: path, "<input>", tapset path */
	const char *rel_name;    /* a tapset's path below its root, or NULL */
	const char *text;        /* whole file, NUL-terminated (may hold NULs) */
	size_t len;
	bool privileged;         /* tapset, or user script under -g */
	bool is_tapset;
	size_t *line_starts;     /* offset of each line, built on first use */
	int nlines;
};

enum tok_kind {
	TK_IDENT,
	TK_KEYWORD,
	TK_OP,
	TK_STRING,
	TK_NUMBER,
	TK_EMBEDDED,
	TK_JUNK,
	TK_EOF,
};

struct token {
	const char *text;          /* strings: contents, escapes kept as in §1.4 */
	const struct source *src;
	const struct token *chain; /* macro invocation this came from, or NULL */
	union {
		const char *junk_msg;      /* JUNK: deferred error message */
		const struct token *next;  /* STRING: the token read after it */
	};
	uint32_t len;
	int line, col;             /* 1-based */
	short type;                /* parser token number (parser.h) */
	unsigned char kind;        /* enum tok_kind */
	bool after_space;          /* whitespace or comment came before it */
	bool pp_error;             /* a preprocessor error, not a lexer one */
};

/* ---- the parsed program (pass 1: parser.y) ---- */

enum value_type { TYPE_UNKNOWN, TYPE_LONG, TYPE_STRING, TYPE_STATS };

struct expr;
struct stmt;
struct vardecl;
struct function;

enum expr_kind {
	E_NUMBER,      /* num */
	E_STRING,      /* str */
	E_SYMBOL,      /* name: variable */
	E_INDEX,       /* name[args]: array element (args may hold E_WILDCARD) */
	E_WILDCARD,    /* '*' index slot */
	E_CALL,        /* name(args) */
	E_PRINT,       /* print family: name, fmt (or delimiter), args */
	E_BINARY,      /* op: arithmetic, bitwise, shift */
	E_COMPARE,     /* op: < <= > >= == != */
	E_LOGICAL,     /* op: && || */
	E_ASSIGN,      /* op: = += ... <<< .= */
	E_UNARY,       /* op: + - ! ~ */
	E_PREINC,      /* op: ++ -- */
	E_POSTINC,     /* op: ++ -- */
	E_TERNARY,     /* cond ? a : b */
	E_CONCAT,      /* args: n-ary '.' chain */
	E_REGEX,       /* left =~/!~ str */
	E_IN,          /* args in base (base: E_SYMBOL or E_HISTOGRAM) */
	E_STATOP,      /* @count(x) etc.: op, left, num (variance shift) */
	E_HISTOGRAM,   /* @hist_log(x) / @hist_linear(x, a, b, c) */
	E_HISTINDEX,   /* histogram[bucket]: base, left */
	E_EMBEDDED,    /* %{ code %} as an expression */
	E_TARGET,      /* $var / @cast / @var / autocast chain */
	E_DEFINED,     /* @defined(left) */
	E_ENTRY,       /* @entry(left) */
	E_PROBEWRITE,  /* @probewrite(name) */
	E_PERF,        /* @perf("name") */
	E_CONST,       /* @const("name") */
	E_ENUM,        /* @enum("name") */
	E_ENUMNAME,    /* @enumname(left [, "type" [, "module"]]) */
	E_REGISTER,    /* @kregister/@uregister(num) */
	E_DEREF,       /* @kderef/@uderef(num, left) */
};

enum stat_op { STAT_COUNT, STAT_SUM, STAT_MIN, STAT_MAX, STAT_AVG, STAT_VARIANCE };
enum hist_kind { HIST_LOG, HIST_LINEAR };

/* A target-value chain: $var->a[3]->b$ */
enum target_base { TB_DOLLAR, TB_CAST, TB_ATVAR, TB_AUTOCAST };
enum comp_kind { COMP_MEMBER, COMP_INDEX };

struct target_comp {
	enum comp_kind kind;
	const struct token *tok;
	const char *member;        /* COMP_MEMBER */
	struct expr *index;        /* COMP_INDEX */
};

struct target {
	enum target_base base;
	const char *name;          /* $name (with '$'), @var name, @cast type */
	const char *module;        /* @cast/@var module, or NULL */
	struct expr *operand;      /* @cast operand, autocast base */
	struct ptrvec comps;       /* struct target_comp * */
	bool addressof;            /* &... */
	int pretty;                /* 0, 1 ($) or 2 ($$) */
};

/* Most nodes use a few of these fields; small ones are packed at the end
 * because a large script holds hundreds of thousands of nodes. */
struct expr {
	const struct token *tok;   /* the token that names the node */
	const char *op;            /* operator text, where there is one */
	const char *name;          /* symbols, calls, print family, @-names */
	const char *str;           /* E_STRING and print formats: raw (escapes kept) */
	size_t str_len;
	const struct token *last;  /* E_STRING: its last STRING token */
	int64_t num;               /* E_NUMBER, register numbers, variance shift */
	struct expr *left, *right, *third;
	struct expr *base;         /* E_IN / E_HISTINDEX: the indexed thing */
	struct ptrvec args;        /* struct expr * */
	int64_t *hist_params;      /* E_HISTOGRAM linear: start, stop, interval */
	struct target *target;
	/* pass 2 (elaborate.c) */
	struct vardecl *var;       /* symbols, arrays, stats operands, foreach */
	struct function *callee;   /* E_CALL */
	enum expr_kind kind : 8;
	enum stat_op stat : 8;
	enum hist_kind hist : 8;
	enum value_type type : 8;  /* inferred (types.c) */
	bool has_num : 1;          /* @variance shift given */
	/* print family */
	bool print_fmt : 1;        /* printf/sprintf: str holds the format */
	bool print_delim : 1;      /* printd*: str holds the delimiter */
	bool print_newline : 1;    /* *ln */
	bool print_to_string : 1;  /* sprint* */
	bool print_char : 1;       /* print_char */
	/* pass 2: a $var that does not resolve; reported only if the code
	 * survives the optimizer (elaborate.c: guarded by @defined) */
	bool target_failed : 1;
	bool target_live : 1;      /* ... and is still in the program */
};

enum stmt_kind {
	S_BLOCK,
	S_EXPR,
	S_NULL,
	S_IF,
	S_FOR,        /* while is a for without init/incr */
	S_FOREACH,
	S_TRY,
	S_RETURN,
	S_DELETE,
	S_NEXT,
	S_BREAK,
	S_CONTINUE,
};

struct foreach_key {
	const struct token *tok;
	const char *name;
	int sort;                  /* 0, +1, -1 */
	const struct token *sort_tok;
	struct vardecl *var;       /* pass 2 */
};

struct stmt {
	enum stmt_kind kind;
	const struct token *tok;
	struct ptrvec stmts;       /* S_BLOCK: struct stmt * */
	struct expr *expr;         /* S_EXPR, S_RETURN, S_DELETE; S_IF/S_FOR cond */
	struct expr *init, *incr;  /* S_FOR */
	struct stmt *body, *else_body;  /* S_IF then/else, S_FOR/S_FOREACH body, S_TRY */
	struct stmt *catch_body;
	const struct token *catch_var;
	struct vardecl *catch_decl;     /* pass 2 */
	struct vardecl *value_decl;     /* pass 2: foreach value variable */
	/* S_FOREACH */
	struct ptrvec keys;        /* struct foreach_key * */
	const struct token *value_var;
	struct expr *array;        /* E_SYMBOL or E_HISTOGRAM */
	struct ptrvec slots;       /* restriction [a, *] or empty */
	bool has_slots;
	int value_sort;            /* 0, +1, -1: sort by value */
	bool has_sort_agg;
	enum stat_op sort_agg;
	struct expr *limit;
};

struct probe_comp {
	const struct token *tok;
	const char *name;
	struct expr *arg;          /* literal number or string, or NULL */
};

struct probe_point {
	const struct token *tok;
	struct ptrvec comps;       /* struct probe_comp * */
	bool optional;             /* ? */
	bool sufficient;           /* ! */
	struct expr *cond;         /* if (cond) */
};

struct probe {
	const struct token *tok;
	struct ptrvec locals;      /* pass 2: struct vardecl * */
	struct ptrvec derived;     /* pass 2: struct prov_probe *, the concrete
				    * probes its points resolve to */
	struct ptrvec points;      /* struct probe_point * */
	struct stmt *body;
	/* aliases */
	bool is_alias;
	struct ptrvec alias_names; /* struct probe_point * (no ?/!/if) */
	bool epilogue;             /* += */
	struct stmt *epilogue_body;/* second block of "= {..}, {..}" */
	struct ptrvec alias_trail; /* pass 2: struct probe *, the aliases this
				    * probe expanded through, innermost first */
	struct vardecl *autoprint_of;  /* pass 2: the end probe printing this
				       * unread global (autoprint.c) */
};

struct param {
	const struct token *tok;
	const char *name;
	enum value_type type;
	struct vardecl *var;       /* pass 2 */
};

struct function {
	const struct token *tok;
	const char *name;
	enum value_type ret;
	struct ptrvec params;      /* struct param * */
	int64_t priority;
	bool is_private;
	struct stmt *body;         /* block, or NULL with embedded */
	const struct token *embedded;
	/* pass 2 */
	struct ptrvec locals;      /* struct vardecl * */
	const struct token *type_tok;  /* where the return type was inferred */
	bool used;
	bool opt_called;           /* optimize.c: called somewhere, this round */
	signed char purity;        /* optimize.c: 0 unknown, 1 being decided,
				      2 no side effects, 3 side effects */
};

struct global {
	const struct token *tok;
	const char *name;
	bool wrap;                 /* name% */
	int64_t size;              /* [N], 0 if not given */
	bool is_array;             /* [N] given */
	struct expr *init;         /* literal, or NULL */
	bool is_private;
};

struct stapfile {
	const struct source *src;
	struct ptrvec embeds;      /* const struct token * (TK_EMBEDDED) */
	struct ptrvec globals;     /* struct global * */
	struct ptrvec aliases;     /* struct probe * */
	struct ptrvec probes;      /* struct probe * */
	struct ptrvec functions;   /* struct function * */
};

/* ---- the elaborated program (pass 2: elaborate.c, types.c) ---- */

enum var_kind { VAR_LOCAL, VAR_PARAM, VAR_GLOBAL };

struct vardecl {
	const struct token *tok;   /* declaration, or first use of a local */
	const char *name;
	enum var_kind kind;
	enum value_type type;
	const struct token *type_tok;  /* where the type was first inferred */
	int arity;                 /* -1 not known yet, 0 scalar, N array keys;
				      -2 a local misused as a statistic */
	const struct token *arity_tok;
	enum value_type *index_types;  /* arity entries */
	const struct token **index_toks;
	const struct global *decl; /* VAR_GLOBAL */
	bool read;                 /* some code reads it (autoprint.c) */
	bool written;              /* some code assigns it (elaborate.c) */
	bool listed;               /* in program->globals (elaborate.c) */
	const struct token *first_use; /* globals: the first reference */
	bool opt_read;             /* optimize.c: read somewhere, this round */
	bool opt_written;          /* optimize.c: still assigned at the end */
};

struct program {
	struct arena arena;
	bool unoptimized;          /* stap -u: pass 2 keeps everything */
	struct strset names;       /* interned identifier and number texts */
	struct ptrvec user_files;  /* struct stapfile * */
	struct ptrvec library_files;
	/* pass 2, in order of first reference as upstream lists them */
	struct ptrvec globals;     /* struct vardecl * */
	struct ptrvec functions;   /* struct function * */
	struct ptrvec probes;      /* struct probe * */
	struct ptrvec target_errors;   /* struct target_error *, elaborate.c */
};

/* A $var that did not resolve, and why (reported after optimization). */
struct target_error {
	const struct expr *expr;
	const char *msg;
};

#endif
