/* The -p2 dump of the elaborated program (spec/cli.md §3.1). */
#ifndef SONDE_DUMP_P2_H
#define SONDE_DUMP_P2_H

#include <stdio.h>

#include "translator/ast.h"

void dump_program(FILE *out, const struct program *prog);

#endif
