/* The tapset library on the search path, parsed lazily (tapsets.c). */
#ifndef SONDE_TAPSETS_H
#define SONDE_TAPSETS_H

#include "translator/ast.h"
#include "translator/diag.h"
#include "translator/preproc.h"

struct index_slot;

struct tapset_lib {
	struct program *prog;
	const struct pp_opts *ppo;
	struct diags *diags;
	struct ptrvec files;         /* struct tapset_file *, search order */
	struct index_slot *index;    /* defined name -> file */
	size_t index_cap, index_n;
	size_t sources_len;          /* bytes indexed, for -v */
	int parsed;                  /* files parsed so far, for -v */
	struct ptrvec aliases;       /* struct tapset_alias *, search order */
	struct ptrvec function_names;	/* const char *, for suggestions */
};

/* A probe alias name a library file defines ("syscall.openat"). */
struct tapset_alias {
	const char *name;
	int file;                    /* for tapsets_require_file() */
};

/* Index the .stp files of each root directory and its runtime, kernel
 * version and architecture subdirectories (ppo->target says which), and
 * parse every .stpm macro file into ppo->library. */
void tapsets_open(struct tapset_lib *lib, struct program *prog, const struct pp_opts *ppo,
		  struct diags *d, const char *const *dirs, int ndirs);
/* Library file i, parsed on first use and added to prog->library_files. */
struct stapfile *tapsets_require_file(struct tapset_lib *lib, int i);
/* The parsed file defining a function or global, parsing it on first
 * use and adding it to prog->library_files; NULL if no file does. */
struct stapfile *tapsets_require_function(struct tapset_lib *lib, const char *name);
struct stapfile *tapsets_require_global(struct tapset_lib *lib, const char *name);

#endif
