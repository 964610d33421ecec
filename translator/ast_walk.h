/* Visiting every expression of a parsed tree (ast_walk.c). */
#ifndef SONDE_AST_WALK_H
#define SONDE_AST_WALK_H

#include "translator/ast.h"

/* Called on each expression before its operands; returning false skips
 * the operands (the visitor walks what it wants of them itself). */
typedef bool (*expr_visit_fn)(struct expr *e, void *arg);

void walk_expr(struct expr *e, expr_visit_fn fn, void *arg);      /* NULL ok */
void walk_stmt(struct stmt *s, expr_visit_fn fn, void *arg);      /* NULL ok */

#endif
