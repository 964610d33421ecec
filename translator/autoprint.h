/* Pass 2: end probes printing globals written but never read. */
#ifndef SONDE_AUTOPRINT_H
#define SONDE_AUTOPRINT_H

#include "translator/ast.h"

void autoprint_globals(struct program *prog);

#endif
