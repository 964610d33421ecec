/* Running staprun as pass 5: find it, start it with the run options,
 * forward interrupts, wait.  (The module backend's; bpf_pass.c still
 * has its own copy of the same steps.) */
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

/* staprun's exit status (128 + signal when killed), or -1 when it could
 * not be started (reported). */
int run_staprun(const struct staprun_args *a);

#endif
