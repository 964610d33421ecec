/* stap -l PATTERN, stap -L PATTERN and --dump-probe-types (spec/probes.md
 * §4).  main() parses the options and calls listing_run(). */
#ifndef SONDE_LISTING_H
#define SONDE_LISTING_H

#include "translator/preproc.h"

enum listing_mode {
	LISTING_PROBES,		/* -l */
	LISTING_VARS,		/* -L */
	LISTING_TYPES,		/* --dump-probe-types */
};

struct listing_opts {
	enum listing_mode mode;
	const char *pattern;		/* -l/-L argument */
	char **args;			/* script arguments, for $1 in PATTERN */
	int nargs;
	const struct pp_target *target;
	int verbose;
	bool guru;
	const char *const *tapset_dirs;	/* search order, as for a script */
	int ntapset_dirs;
};

/* Print the listing on stdout; returns the exit status (1 when nothing
 * matched or the pattern did not parse). */
int listing_run(const struct listing_opts *o);

#endif
