/* Passes 3-5 of the bpf runtime (bpf_pass.c): lower the elaborated
 * program to a BPF object, write it, run it with staprun. */
#ifndef SONDE_BPF_PASS_H
#define SONDE_BPF_PASS_H

#include <stdbool.h>

#include "translator/ast.h"
#include "translator/diag.h"

/* What the driver hands over; filled once by main(). */
struct bpf_pass_opts {
	int last_pass;               /* 3, 4 or 5 */
	int verbose;                 /* -v count */
	bool suppress_warnings;      /* -w */
	const char *module_name;     /* -m NAME, or NULL for stap_<pid> */
	bool keep_tmpdir;            /* -k */
	const char *outfile;         /* -o FILE */
	const char *command;         /* -c CMD */
	const char *target_pid;      /* -x PID */
};

/* Pass 3: generate (-p3 prints the listing); pass 4: write NAME.bpf.o
 * in a temporary directory (-p4 and -m copy it to the current directory,
 * -p4 prints its name); pass 5: run it with staprun.  Failures print
 * their diagnostics and SystemTap's "Pass N: ... failed" line.  Returns
 * stap's exit status. */
int bpf_passes(struct program *prog, const struct bpf_pass_opts *o, struct diags *d);

/* TRANSITIONAL, until tapsets/ defines them with %( runtime == "bpf" %?:
 * declare the functions the bpf backend implements as builtins (exit,
 * error, target, pid, ...) as a privileged file of embedded-code
 * declarations, so pass 2 resolves calls to them.  0, or -1 with errors
 * recorded. */
int bpf_declare_builtins(struct program *prog, struct diags *d);

#endif
