/* DWARF of user binaries (and a vmlinux or module with DWARF) through
 * elfutils libdw/libdwfl: functions by name or glob with their inlined
 * instances, decl file:line, entry and post-prologue addresses, the
 * parameters and locals in scope at a pc with stap-style type names and
 * their DWARF location expressions, and file:line -> address lookup.
 *
 * Addresses are link-time (DWARF) addresses, as nm prints them; turn one
 * into a uprobe file offset with esym_vaddr_to_offset() (elfsym.h).  The
 * DWARF may live in the file itself or in separate debuginfo that libdwfl
 * finds (.gnu_debuglink, /usr/lib/debug/.build-id).
 *
 * The function index is built on the first function query by one walk
 * over every CU's DIE tree, and is then a sorted name table.
 *
 * Ownership: const pointers and const char * names belong to the handle
 * (they point into libdw's data) until dwi_close().  dwi_vars_at(),
 * dwi_lines() and the char * returns are the caller's to free.  Errors:
 * int functions return 0 or a negative errno; pointer functions NULL +
 * errno (ENODATA: the file has no DWARF).  Out of memory aborts. */
#ifndef SONDE_DEBUGINFO_DWARF_H
#define SONDE_DEBUGINFO_DWARF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <elfutils/libdw.h>

struct dwi;

struct dwi *dwi_open(const char *path);
void dwi_close(struct dwi *d);			/* NULL is fine */

/* One function: an out-of-line definition (DW_TAG_subprogram with code)
 * or one inlined instance (DW_TAG_inlined_subroutine). */
struct dwi_func {
	const char *name;
	const char *decl_file;	/* as the line table spells it */
	int decl_line;
	const char *cu_name;	/* DW_AT_name of the compile unit */
	uint64_t entry_pc;	/* DW_AT_entry_pc or lowest address */
	uint64_t low_pc;	/* lowest address of the code */
	uint64_t high_pc;	/* end of the range holding entry_pc */
	bool inlined;		/* an inlined instance */
	bool external;		/* DW_AT_external: visible outside its CU */
	Dwarf_Off die;		/* the DIE's offset in .debug_info */
};

/* Which functions a query wants (stap's .call / .inline filters). */
#define DWI_CALL	0x1	/* out-of-line definitions */
#define DWI_INLINE	0x2	/* inlined instances */
#define DWI_ANY		(DWI_CALL | DWI_INLINE)

/* Functions whose names match the fnmatch(3) glob (an exact name is a glob
 * too), in name order, same-named ones by DIE offset.  A negative return
 * from cb stops the walk and is returned; otherwise the match count. */
typedef int (*dwi_func_cb)(const struct dwi_func *fn, void *arg);
int dwi_funcs(struct dwi *d, const char *pattern, unsigned which,
	      dwi_func_cb cb, void *arg);

/* The first out-of-line definition named 'name', preferring an external
 * one; NULL + ENOENT when none. */
const struct dwi_func *dwi_func(struct dwi *d, const char *name);

/* Where a .function probe goes: past the prologue (libdw's
 * dwarf_entry_breakpoints: the line table's prologue_end mark, else the
 * second line), or entry_pc for inlined instances. */
int dwi_prologue_end(struct dwi *d, const struct dwi_func *fn, uint64_t *pc);

/* The function's return type, stap-style; NULL for void. */
char *dwi_return_type(struct dwi *d, const struct dwi_func *fn);

/* A DWARF location description evaluated at one pc. */
struct dwi_loc {
	bool present;		/* the DIE has the attribute at all */
	bool is_loclist;	/* it is a location list, not one expression */
	bool available;		/* an expression covers the pc */
	size_t nops;
	Dwarf_Op *ops;		/* copied; an op's number2 may still point into
				 * libdw data (implicit_value blocks): valid
				 * until dwi_close().  Translating ops is the
				 * code generator's job. */
};

/* The shape of a value, for code that reads one (dwarf_frame.c):
 * typedefs and qualifiers stripped. */
enum dwi_val_kind {
	DWI_VAL_OTHER,		/* void, float, function: not readable as a long */
	DWI_VAL_INT,		/* base integer types, enums, bool */
	DWI_VAL_POINTER,	/* pointers and references */
	DWI_VAL_ARRAY,		/* its address is the value */
	DWI_VAL_AGGREGATE,	/* struct, union, class */
};

struct dwi_scalar {
	enum dwi_val_kind kind;
	int size;		/* bytes (INT, POINTER, AGGREGATE) */
	bool is_signed;
};

struct dwi_var {
	char *name;
	char *type;		/* stap-style: "int", "char const*" */
	Dwarf_Off type_die;	/* offset of the type DIE, 0 for none */
	bool is_param;		/* DW_TAG_formal_parameter */
	int decl_line;
	int scope;		/* 0 = innermost scope holding the pc */
	struct dwi_loc loc;	/* DW_AT_location at the pc */
	bool has_const_value;	/* DW_AT_const_value instead of a location */
	int64_t const_value;	/* when it is a plain integer */
	struct dwi_scalar val;	/* the shape of its type */
};

struct dwi_vars {
	uint64_t pc;
	size_t n;
	struct dwi_var *v;	/* innermost scope first, DIE order within */
	struct dwi_loc frame_base; /* the enclosing subprogram's, at pc */
	struct dwi_loc cfa;	/* when frame_base is DW_OP_call_frame_cfa:
				 * the CFA rule at pc from the CFI, as ops
				 * (e.g. DW_OP_breg7 8); else not present */
};

/* Parameters and locals in scope at pc, from the innermost scope out to
 * and including the function (or inlined instance) holding pc; globals
 * are not included.  fn (may be NULL) names the function the probe is
 * for: an inlined instance whose code was folded away (an empty range)
 * holds no pc, and then its own parameters are listed, not its caller's.
 * Callers wanting stap -L's list keep the variables whose loc.available
 * or has_const_value is set.  NULL + ENOENT when no function covers pc. */
struct dwi_vars *dwi_vars_at(struct dwi *d, const struct dwi_func *fn,
			     uint64_t pc);
void dwi_vars_free(struct dwi_vars *vs);	/* NULL is fine */

/* --- Reading values (dwarf_frame.c) --------------------------------- */

/* The shape of fn's return type; -ENOENT for void. */
int dwi_return_scalar(struct dwi *d, const struct dwi_func *fn,
		      struct dwi_scalar *out);

/* The canonical frame address rule at DWARF pc, from .eh_frame or
 * .debug_frame; out->ops is the caller's (free()).  -ENOENT: no CFI
 * covers pc. */
int dwi_cfa_at(struct dwi *d, uint64_t pc, struct dwi_loc *out);

/* A type by DIE offset (a struct dwi_var's type_die, a member's type). */
struct dwi_type {
	struct dwi_scalar val;	/* its shape */
	Dwarf_Off stripped;	/* the type without typedefs and qualifiers */
	char *name;		/* stap-style name of that; caller frees */
	Dwarf_Off target;	/* POINTER, ARRAY: pointee / element (0 void) */
	int64_t elem_size;	/* its byte size, -1 when unknown */
	int64_t nelems;		/* ARRAY: element count, 0 unknown */
};
int dwi_type_at(struct dwi *d, Dwarf_Off type, struct dwi_type *out);

/* Member 'name' of a struct, union or class type (typedefs stripped),
 * found through anonymous members; -EINVAL when not an aggregate,
 * -ENOENT when absent. */
struct dwi_member {
	Dwarf_Off type;		/* declared type */
	uint64_t offset;	/* bytes from the start of the aggregate */
	int bit_offset;		/* bitfields: first bit in byte 'offset', LSB 0 */
	int bit_size;		/* 0 for ordinary members */
};
int dwi_member(struct dwi *d, Dwarf_Off type, const char *name,
	       struct dwi_member *out);

/* Every named member of an aggregate type in declaration order,
 * anonymous members flattened (for "alternatives:" lists). */
typedef void (*dwi_member_name_cb)(const char *name, void *arg);
int dwi_member_names(struct dwi *d, Dwarf_Off type, dwi_member_name_cb cb,
		     void *arg);

/* --- Lines (dwarf_line.c) -------------------------------------------- */

struct dwi_line {
	const char *file;	/* as the line table spells it */
	int line;
	uint64_t addr;
};

/* Statement addresses of 'line' in source files matching 'file_glob'.  As
 * in stap's @FILE, a glob that does not match as written is tried again
 * with any leading directories, so trailing path components suffice
 * ("read_write.c", "fs/read_write.c").  Only is_stmt rows, one per
 * distinct address, sorted by address; *lines is malloc'd (NULL when
 * none).  Returns the count or a negative errno. */
int dwi_lines(struct dwi *d, const char *file_glob, int line,
	      struct dwi_line **lines);

/* The source line of an address; -ENOENT when none. */
int dwi_addr_line(struct dwi *d, uint64_t addr, const char **file, int *line);

#endif
