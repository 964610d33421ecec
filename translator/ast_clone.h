/* Deep copies of parsed statements and expressions (ast_clone.c). */
#ifndef SONDE_AST_CLONE_H
#define SONDE_AST_CLONE_H

#include "translator/ast.h"

struct expr *clone_expr(struct arena *a, const struct expr *e);   /* NULL ok */
struct stmt *clone_stmt(struct arena *a, const struct stmt *s);   /* NULL ok */

#endif
