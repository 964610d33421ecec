/* Passes 3-5 of the kernel runtime (module_pass.c): emit the module's C,
 * build it with kbuild (or take it from the cache), run it with
 * staprun. */
#ifndef SONDE_MODULE_PASS_H
#define SONDE_MODULE_PASS_H

#include <stdbool.h>

#include "translator/ast.h"
#include "translator/diag.h"

/* What the driver hands over; filled once by main(). */
struct module_pass_opts {
	int last_pass;               /* 3, 4 or 5 */
	int verbose;                 /* -v count */
	bool suppress_warnings;      /* -w */
	const char *module_name;     /* -m NAME, or NULL for stap_<hash> */
	bool keep_tmpdir;            /* -k */
	const char *outfile;         /* -o FILE */
	const char *command;         /* -c CMD */
	const char *target_pid;      /* -x PID */
	const char *release;         /* -r RELEASE or BUILD_DIR, or NULL */
	const char *const *defines;  /* -D NAME[=VALUE] */
	int ndefines;
	const char *const *make_args;  /* -B NAME=VALUE */
	int nmake_args;
};

/* Pass 3: the C source (-p3 prints it); pass 4: NAME.ko, from the cache
 * (~/.sonde/cache, or $SONDE_CACHE; SONDE_CACHE=off disables it) or
 * kbuild (-p4 copies it to the current directory and prints its name);
 * pass 5: staprun NAME.ko.  Returns stap's exit status. */
int module_passes(struct program *prog, const struct module_pass_opts *o,
		  struct diags *d);

#endif
