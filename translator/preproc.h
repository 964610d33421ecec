/* The token stream the parser reads: command-line argument substitution,
 * @define macros, %( %) conditionals (spec/language.md §1.8, §2), and the
 * gluing of probe-point component words (§3.3). */
#ifndef SONDE_PREPROC_H
#define SONDE_PREPROC_H

#include "translator/ast.h"
#include "translator/diag.h"

/* What %( %) conditions compare against. */
struct pp_target {
	const char *kernel_v;       /* "6.1.0" */
	const char *kernel_vr;      /* "6.1.0-28-amd64" */
	const char *arch;           /* "x86_64" */
	const char *runtime;        /* "kernel" or "bpf" */
	const char *systemtap_v;    /* --compatible, default our version */
	const char *privilege;      /* "stapdev" */
	bool guru;
	/* CONFIG_ lookup: value, or NULL when unset */
	const char *(*config)(void *ctx, const char *name);
	void *config_ctx;
};

struct macro;

/* Library macros (.stpm) shared by every file; filled by preproc of
 * library macro files. */
struct macro_table {
	struct ptrvec macros;        /* struct macro * */
};

struct pp_opts {
	const struct pp_target *target;
	char **args;                 /* script arguments $1.. */
	int nargs;
	struct macro_table *library; /* may be NULL */
	bool defining_library;       /* this file is a .stpm: defs go to library */
};

struct preproc;

struct preproc *preproc_new(struct arena *a, struct strset *names, struct diags *d,
			    const struct source *src, const struct pp_opts *o);
/* Next token for the parser; a TK_EOF token (type 0) at the end. */
const struct token *preproc_next(struct preproc *pp);
/* True when the lexer saw any token before preprocessing. */
bool preproc_saw_tokens(const struct preproc *pp);
void preproc_free(struct preproc *pp);

#endif
