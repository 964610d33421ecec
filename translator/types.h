/* Pass 2 type inference (types.c). */
#ifndef SONDE_TYPES_H
#define SONDE_TYPES_H

#include "translator/ast.h"
#include "translator/diag.h"

/* Type every variable, index, parameter, return and expression of the
 * resolved program; 0, or -1 with errors recorded. */
int infer_types(struct program *prog, struct diags *d);
/* A global's type from its initializer. */
void type_set_literal(struct vardecl *v, const struct expr *init);
const char *type_name_of(enum value_type t);

#endif
