/* Trace events from tracefs: the list of "system:event" names (for
 * kernel.trace globs) and each event's record layout from
 * events/<system>/<event>/format (field names, C type text, offsets,
 * sizes), plus the event id perf/BPF attach by.
 *
 * The event list is read once from available_events and kept sorted, so
 * exact lookups bisect and globs scan only their literal prefix.  Formats
 * are read on demand and returned as caller-owned structs.
 *
 * Errors: int functions return 0 or a negative errno; pointer functions
 * return NULL and set errno (ENOENT: no such event or no tracefs).  Out
 * of memory aborts (util.h). */
#ifndef SONDE_DEBUGINFO_TRACEFS_H
#define SONDE_DEBUGINFO_TRACEFS_H

#include <stdbool.h>

struct tfs;

/* root: a tracefs mount; NULL tries /sys/kernel/tracing, then
 * /sys/kernel/debug/tracing.  It must have a readable available_events:
 * ENOENT when tracefs is not mounted, EACCES when not root. */
struct tfs *tfs_open(const char *root);
void tfs_close(struct tfs *t);			/* NULL is fine */
const char *tfs_root(const struct tfs *t);	/* the root chosen */

/* Events matching 'pattern' in byte order of "system:event".  The pattern
 * is "SYSGLOB:EVGLOB" or, without a colon, "EVGLOB" in any system (the
 * kernel.trace rule); both halves are fnmatch(3) globs.  A negative
 * return from cb stops the walk and is returned; otherwise returns the
 * number of matches. */
typedef int (*tfs_event_cb)(const char *system, const char *event, void *arg);
int tfs_glob(struct tfs *t, const char *pattern, tfs_event_cb cb, void *arg);

/* Whether events/<system>/<event> is listed. */
bool tfs_exists(struct tfs *t, const char *system, const char *event);

struct tfs_field {
	char *name;		/* "filename" */
	char *type;		/* C type as the file spells it, name removed:
				 * "const char *", "char[16]", "char[]" for a
				 * __data_loc string (the marker removed) */
	int array_len;		/* -1 not an array; 0 "[]" (dynamic); else N */
	int offset;		/* bytes from the start of the record */
	int size;		/* bytes in the record (a syscall "int dfd"
				 * is 8: trust this, not the type) */
	bool is_signed;
	bool is_data_loc;	/* __data_loc: a u32 (len << 16 | offset) */
	bool is_rel_loc;	/* __rel_loc: like __data_loc, the offset
				 * relative to the end of this field */
};

struct tfs_format {
	char *system, *name;
	int id;			/* the ID: line, as perf_event_open wants */
	int nfields;		/* event fields, in record order */
	struct tfs_field *fields;
	int ncommon;		/* common_type, common_pid, ... */
	struct tfs_field *common;
	char *print_fmt;	/* text after "print fmt: " */
};

/* Parse events/<system>/<event>/format. */
struct tfs_format *tfs_format(struct tfs *t, const char *system,
			      const char *event);
/* Parse format text already in memory (for tests and saved formats). */
struct tfs_format *tfs_format_parse(const char *text, const char *system);
void tfs_format_free(struct tfs_format *f);	/* NULL is fine */

/* A field of f by name: event fields first, then common ones. */
const struct tfs_field *tfs_field(const struct tfs_format *f,
				  const char *name);

#endif
