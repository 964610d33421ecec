/* Probe aliases: binding their names for the providers, splitting a
 * probe by the alias chains its points expanded through (aliases.c). */
#ifndef SONDE_ALIASES_H
#define SONDE_ALIASES_H

#include "translator/ast.h"
#include "translator/diag.h"
#include "translator/tapsets.h"

struct prov_ctx;

struct alias_env {
	struct program *prog;
	struct tapset_lib *lib;      /* may be NULL */
	struct prov_ctx *prov;
	struct diags *diags;
	struct ptrvec active;        /* aliases being expanded: recursion check */
};

/* Bind every alias name of the user's files and of the tapset index. */
void aliases_bind(struct alias_env *env);

/* After p's points are resolved: append to 'probes' the probes p becomes
 * -- p itself for its directly written points, and one new probe per
 * alias chain with the composed body.  Returns how many. */
int aliases_split(struct alias_env *env, struct probe *p, struct ptrvec *probes);

#endif
