/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * module.h - staprun's module path: NAME.ko files built by stap
 * --runtime=kernel.  modload.c checks and loads the module and removes
 * it; module.c runs the session through the module's control file
 * (runtime/linux/sonde_abi.h).
 */
#ifndef SONDE_STAPRUN_MODULE_H
#define SONDE_STAPRUN_MODULE_H

#include <stdbool.h>

#include "staprun/staprun.h"

/* A .ko rather than a BPF object */
bool module_path_is_ko(const char *path);

#define MODINFO_MAX_PARAMS 256

struct modinfo {
	char name[64];		/* the module's name (modinfo name=) */
	char vermagic[256];	/* its vermagic= */
	/* the globals staprun may set: modinfo parm=NAME:long|string */
	char *params[MODINFO_MAX_PARAMS];
	bool param_is_string[MODINFO_MAX_PARAMS];
	int nparams;
};

void modinfo_release(struct modinfo *mi);
/* "n=5 s=\"text\"" for finit_module from NAME=VALUE arguments; NULL
 * after saying what is wrong (BPF path's messages) */
char *module_params(const struct modinfo *mi, char **args, int nargs);

/* Read the module's .modinfo; check it was built for the running
 * kernel.  0, or -1 after saying why. */
int module_check(const char *path, struct modinfo *mi);
/* finit_module (init_module where that is missing) with the parameter
 * string.  0 or -1 (reported) */
int module_insert(const char *path, const struct modinfo *mi, const char *params);
/* delete_module, retried while the module is busy.  0 or -1 (reported) */
int module_remove(const struct modinfo *mi);

/* The whole run of a module; staprun's exit status. */
int module_run(const struct options *o);

#endif
