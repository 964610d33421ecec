/* Pass 2's optimizer: folding, dead assignments and statements, unused
 * variables and functions, empty probes (optimize.c).  stap -u skips it. */
#ifndef SONDE_OPTIMIZE_H
#define SONDE_OPTIMIZE_H

#include "translator/ast.h"
#include "translator/diag.h"

/* Rewrites prog in place after symbol resolution, before type
 * inference; warns through d.  Returns 0. */
int optimize(struct program *prog, struct diags *d);

#endif
