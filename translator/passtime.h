/* The -v pass lines' resource part: "using V virt/R res/S shr/D data kb,
 * in U usr/S sys/R real ms." (spec/cli.md §3.2). */
#ifndef SONDE_PASSTIME_H
#define SONDE_PASSTIME_H

#include <stdio.h>

struct passtime {
	long usr_ms, sys_ms;         /* process CPU time at the start */
	long real_ms;
};

void passtime_start(struct passtime *t);
/* Print " using ...kb, in ...ms." and a newline. */
void passtime_print(FILE *out, const struct passtime *t);

#endif
