/* Private to dwarf*.c. */
#ifndef SONDE_DEBUGINFO_DWARF_INT_H
#define SONDE_DEBUGINFO_DWARF_INT_H

#include <elfutils/libdwfl.h>

#include "translator/debuginfo/dwarf.h"
#include "translator/debuginfo/symindex.h"

struct dwi {
	Dwfl *dwfl;
	Dwfl_Module *mod;
	Dwarf *dw;
	Dwarf_Addr bias;	/* dwfl address = DWARF address + bias */

	bool indexed;
	struct dwi_func *funcs;
	size_t nfuncs;
	struct sidx by_name;	/* name -> index into funcs */
};

/* The CU DIE holding DWARF address pc, or NULL. */
Dwarf_Die *dwi_cu_of(struct dwi *d, uint64_t pc, Dwarf_Die *cu);

/* stap-style C name of a type DIE (dwarf_name.c); malloc'd, never NULL. */
char *dwi_type_name(Dwarf_Die *type);

/* The type name of a DIE's DW_AT_type, "void" without one. */
char *dwi_die_type(Dwarf_Die *die, Dwarf_Off *type_off);

/* The shape of a type DIE (dwarf_frame.c). */
void dwi_scalar_of_type(Dwarf_Die *type, struct dwi_scalar *out);

#endif
