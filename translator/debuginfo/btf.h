/* Kernel BTF for pass 2: type names as stap -L prints them, tracepoint and
 * kernel function prototypes, struct layouts for $p->a->b and @cast, enum
 * values.  libbpf's btf__* API does all the parsing.
 *
 * Handle: struct dbtf, opened once per target (the running kernel's
 * /sys/kernel/btf/vmlinux, or a vmlinux/raw BTF file for a cross target).
 * Name indexes (functions, types, enumerators, tracepoints) are sorted
 * tables built lazily, each on first use, so one lookup costs a binary
 * search and a glob scans only names sharing its literal prefix.
 *
 * Ownership: names (const char *) point into the BTF string section and
 * live until dbtf_close().  Strings and structs returned as char * or
 * struct dbtf_proto * are the caller's: free() and dbtf_proto_free().
 * Errors: int functions return 0 or a negative errno (-ENOENT: no such
 * name; -EINVAL: wrong kind of type); pointer functions return NULL and
 * set errno.  Out of memory aborts (util.h). */
#ifndef SONDE_DEBUGINFO_BTF_H
#define SONDE_DEBUGINFO_BTF_H

#include <stdbool.h>
#include <stdint.h>

struct btf;
struct dbtf;

#define DBTF_VMLINUX "/sys/kernel/btf/vmlinux"

/* path: raw BTF or an ELF file with a .BTF section; NULL = DBTF_VMLINUX. */
struct dbtf *dbtf_open(const char *path);
void dbtf_close(struct dbtf *b);		/* NULL is fine */
/* The underlying libbpf object, for users that need raw BTF (the BPF
 * backend's CO-RE relocations).  Owned by the handle. */
const struct btf *dbtf_btf(const struct dbtf *b);

/* --- Type names (btf_name.c) ---------------------------------------- */

/* The C type name of type 'id' exactly as SystemTap renders a DWARF type
 * (dwarf_type_name in dwflpp.cxx): qualifiers trail ("char const*"),
 * pointers and arrays are suffixes without spaces ("struct task_struct*",
 * "char[]": no array bound, as stap), anonymous aggregates are
 * "struct {...}", a pointer to struct __va_list_tag is "va_list", BTF
 * type tags (__user, __rcu) are invisible, and function pointers read
 * "int (*) (struct file*, void*)".  Never NULL; "<unknown>" when the id is
 * invalid.  Caller frees. */
char *dbtf_type_name(const struct dbtf *b, uint32_t id);

/* --- Types and layouts (btf_type.c) -------------------------------- */

enum dbtf_kind {
	DBTF_VOID, DBTF_INT, DBTF_FLOAT, DBTF_PTR, DBTF_ARRAY, DBTF_STRUCT,
	DBTF_UNION, DBTF_ENUM, DBTF_FUNC, DBTF_FWD, DBTF_OTHER
};

/* What a value of some type is, after typedefs, const/volatile/restrict
 * and type tags are stripped. */
struct dbtf_typeinfo {
	enum dbtf_kind kind;
	uint32_t id;		/* the stripped type's id */
	int64_t size;		/* bytes; -1 when unsized (void, func, fwd) */
	bool is_signed;		/* INT and ENUM */
	bool is_bool;		/* INT with BTF_INT_BOOL encoding (_Bool) */
	bool is_char;		/* INT with BTF_INT_CHAR encoding or 1-byte "char" */
	uint32_t target;	/* PTR: pointee; ARRAY: element (both unstripped) */
	uint32_t nelems;	/* ARRAY: element count (0 for flexible arrays) */
	const char *name;	/* tag or base name, "" when anonymous */
};
int dbtf_type_info(const struct dbtf *b, uint32_t id,
		   struct dbtf_typeinfo *out);

/* One member of a struct or union, found through any anonymous struct or
 * union members (their offsets are added in). */
struct dbtf_member {
	const char *name;
	uint32_t type_id;	/* declared type, unstripped: render or inspect */
	uint32_t offset;	/* byte offset from the start of the outer type */
	uint8_t bit_offset;	/* bitfield: first bit inside byte 'offset',
				 * counted from the least significant bit
				 * (little-endian targets); 0 otherwise */
	uint8_t bit_size;	/* bitfield width; 0 for ordinary members */
};

/* Member 'name' of type 'id' (typedefs/qualifiers stripped; it must then
 * be a struct or union: -EINVAL otherwise, -ENOENT when absent).  Pointers
 * are not followed: for $p->a, take the PTR target from dbtf_type_info
 * first, since the caller must emit the load. */
int dbtf_member(const struct dbtf *b, uint32_t id, const char *name,
		struct dbtf_member *out);

/* Every named member of 'id' in declaration order, anonymous members
 * flattened (for $p$ pretty printing).  A negative return from cb stops
 * the walk and is returned; otherwise returns the number of members. */
typedef int (*dbtf_member_cb)(const struct dbtf_member *m, void *arg);
int dbtf_members(const struct dbtf *b, uint32_t id, dbtf_member_cb cb,
		 void *arg);

/* A type by C name, for @cast: "struct task_struct", "union X", "enum X",
 * or a bare name tried as typedef, struct, union, enum, then base type
 * ("task_struct", "u32", "unsigned int").  Complete definitions win over
 * forward declarations.  Trailing '*'s are counted into *ptr_depth (the
 * id is then the pointee's); with ptr_depth NULL they are -EINVAL. */
int dbtf_find_type(struct dbtf *b, const char *cname, uint32_t *id,
		   int *ptr_depth);

/* An enumerator by name (ENUM or ENUM64): its value and enum type. */
int dbtf_enum_value(struct dbtf *b, const char *name, int64_t *value,
		    uint32_t *enum_id);

/* --- Prototypes (btf_proto.c) --------------------------------------- */

struct dbtf_param {
	const char *name;	/* as BTF names it (see names_synthesized) */
	uint32_t type_id;
	char *type;		/* dbtf_type_name() of type_id */
};

struct dbtf_proto {
	const char *name;	/* function or tracepoint (event) name */
	uint32_t id;		/* the FUNC, or the btf_trace_<event> typedef */
	uint32_t ret_type_id;	/* 0 for void */
	char *ret_type;
	int nparams;
	struct dbtf_param *params;
	bool variadic;		/* the C prototype ends in "..." */
	bool names_synthesized;	/* BTF had no names: "arg1".."argN" given */
};

/* Kernel function 'name' (BTF FUNC).  When several static functions share
 * the name, the first in BTF order is returned.  NULL+ENOENT if none. */
struct dbtf_proto *dbtf_func_proto(struct dbtf *b, const char *name);

/* Tracepoint 'event' (the name without "system:"): the arguments the
 * probe handler sees, i.e. the btf_trace_<event> prototype without its
 * leading void *__data.  Those typedefs have unnamed parameters, so the
 * names come from the __traceiter_<event> function (then from
 * __bpf_trace_<event>); failing both they are synthesized.  NULL+ENOENT
 * when BTF has no btf_trace_<event>. */
struct dbtf_proto *dbtf_tracepoint_proto(struct dbtf *b, const char *event);

void dbtf_proto_free(struct dbtf_proto *p);	/* NULL is fine */

/* Glob listings (fnmatch(3)), each distinct name once, in byte order.
 * A negative return from cb stops the walk and is returned; otherwise the
 * number of names.  Kernel functions are BTF FUNCs: those pahole kept, so
 * not every kallsyms symbol; tracepoints are the btf_trace_* typedefs
 * (names given without the prefix), including bare tracepoints with no
 * tracefs event. */
typedef int (*dbtf_name_cb)(const char *name, uint32_t id, void *arg);
int dbtf_func_glob(struct dbtf *b, const char *pattern, dbtf_name_cb cb,
		   void *arg);
int dbtf_tracepoint_glob(struct dbtf *b, const char *pattern,
			 dbtf_name_cb cb, void *arg);

#endif
