/* Pass 3 of --runtime=kernel: the elaborated program as the C source of
 * a kernel module, written against runtime/linux/runtime.h (see
 * module-backend/README.md for the shape of the output). */
#ifndef SONDE_MODULE_BACKEND_EMIT_H
#define SONDE_MODULE_BACKEND_EMIT_H

#include <stdio.h>

#include "translator/ast.h"
#include "translator/diag.h"

struct emit_opts {
	int maxstringlen;		/* MAXSTRINGLEN the module is built with */
	const char *const *defines;	/* -D NAME[=VALUE], emitted first */
	int ndefines;
};

/* Write the module source to out.  Constructs the kernel runtime cannot
 * run yet are semantic errors at their token.  0, or -1 with errors
 * recorded in d. */
int emit_module(struct program *prog, const struct emit_opts *o, FILE *out,
		struct diags *d);

#endif
