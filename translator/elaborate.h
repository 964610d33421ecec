/* Pass 2: resolve and type the parsed program (elaborate.c, types.c). */
#ifndef SONDE_ELABORATE_H
#define SONDE_ELABORATE_H

#include "translator/ast.h"
#include "translator/diag.h"
#include "translator/tapsets.h"

/* Fill the pass-2 parts of prog from its user files; 0, or -1 with
 * semantic errors recorded. */
int elaborate(struct program *prog, struct tapset_lib *lib, struct diags *d);

#endif
