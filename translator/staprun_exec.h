/* Running staprun as pass 5 for either runtime: check the run options,
 * find staprun, start it with them, forward interrupts, wait. */
#ifndef SONDE_STAPRUN_EXEC_H
#define SONDE_STAPRUN_EXEC_H

#include <stdbool.h>

struct staprun_args {
	int verbose;                 /* stap's -v count: staprun gets one less */
	bool suppress_warnings;
	const char *outfile;         /* -o */
	const char *command;         /* -c */
	const char *target_pid;      /* -x */
	const char *object;          /* NAME.ko or NAME.bpf.o */
};

/* -c/-x/-m as upstream checks them: 0, or -1 with the message printed */
int check_run_options(const char *command, const char *target_pid, const char *module_name);

/* staprun's exit status (128 + signal when killed), or -1 when it could
 * not be started (reported). */
int run_staprun(const struct staprun_args *a);

#endif
