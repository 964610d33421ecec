/* Pass 2: resolve and type the parsed program (elaborate.c, types.c). */
#ifndef SONDE_ELABORATE_H
#define SONDE_ELABORATE_H

#include "translator/ast.h"
#include "translator/diag.h"
#include "translator/tapsets.h"

struct prov_ctx;

/* Fill the pass-2 parts of prog from its user files, resolving probe
 * points through the providers (prov may be NULL: points stay as
 * written, $vars are refused); 0, or -1 with semantic errors recorded. */
int elaborate(struct program *prog, struct tapset_lib *lib, struct prov_ctx *prov,
	      struct diags *d);

#endif
