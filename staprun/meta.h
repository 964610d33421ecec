/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * meta.h - the .sonde.meta section of a generated object, parsed.
 *
 * meta_parse() reads the text (grammar in staprun/README.md) into plain
 * tables; it touches neither the kernel nor libbpf, so it is unit-tested
 * and fuzzed on its own.  The struct meta owns every string in it;
 * meta_release() frees them and accepts a zeroed or half-built meta.
 */
#ifndef SONDE_STAPRUN_META_H
#define SONDE_STAPRUN_META_H

#include <stddef.h>
#include <stdint.h>

#define META_MAX_ID	65535	/* largest probe / format / string id */
#define META_MAX_KEYS	9	/* keys of an array global */

/* Value and key types of globals */
enum meta_type { META_LONG = 1, META_STRING, META_STATS };

/* Histogram kinds, as runtime/stats.h STAT_HIST_* */
enum meta_hist { META_HIST_NONE = 0, META_HIST_LOG = 1, META_HIST_LINEAR = 2 };

/* A counted byte string (may hold NUL bytes); s is NUL-terminated too. */
struct meta_str {
	char *s;
	size_t len;
};

/* pid=target on a uprobe: the -c child or -x PID */
#define META_PID_TARGET	(-2)
#define META_PID_ALL	(-1)

struct meta_prog {
	char *name;		/* ELF symbol of the program */
	uint32_t probe;		/* probe id, or SONDE_NO_ID */
	char *path;		/* uprobe: binary; NULL otherwise */
	uint64_t offset;	/* uprobe: file offset in path */
	uint64_t semaphore;	/* uprobe: file offset of an SDT semaphore
				 * the kernel counts (ref_ctr_offset), 0 */
	long pid;		/* uprobe: pid, META_PID_ALL or META_PID_TARGET */
	int perf;		/* perf_event: perf_type given */
	uint32_t perf_type;	/* PERF_TYPE_* */
	uint64_t perf_config;	/* PERF_COUNT_* */
	uint64_t period;	/* sample_period, or 0 */
	uint64_t freq;		/* sample_freq, or 0 */
	int cpu;		/* one CPU, or -1 for every online CPU */
};

struct meta_global {
	char *name;		/* script name, printed as is */
	char *map;		/* map holding it */
	enum meta_type type;	/* of the value */
	int nkeys;		/* 0: scalar */
	enum meta_type keys[META_MAX_KEYS];
	uint32_t slot;		/* scalar: u32 key in its array map */
	uint32_t off;		/* byte offset of the value in the map value */
	int64_t seq;		/* offset of a u64 insertion counter, or -1 */
	enum meta_hist hist;
	int64_t start, stop, interval;	/* linear histogram */
	int variance;		/* @variance kept: 1 + shift, 0 if not */
	int hex;		/* print a long as %#x */
	int print;		/* print at exit (written, never read) */
};

struct meta {
	uint32_t maxstringlen;
	uint32_t maxerrors;
	uint32_t maxskipped;
	int autoprint_end;	/* print globals before end program N; -1: last */

	struct meta_str *probes;	/* by id; .s NULL where not given */
	uint32_t nprobes;
	struct meta_str *formats;
	uint32_t nformats;
	struct meta_str *strings;
	uint32_t nstrings;

	struct meta_prog *progs;
	int nprogs;
	struct meta_global *globals;
	int nglobals;
};

/*
 * Parse text[0..len) into m (which need not be initialised).  Returns 0,
 * or -EINVAL with "line N: what" in err, or -ENOMEM; on failure m is
 * released.
 */
int meta_parse(struct meta *m, const char *text, size_t len, char *err,
	       size_t errsize);
void meta_release(struct meta *m);

/* Lookups: NULL if absent. */
const struct meta_prog *meta_find_prog(const struct meta *m, const char *name);
const struct meta_global *meta_find_global(const struct meta *m,
					   const char *name);
const struct meta_str *meta_probe(const struct meta *m, uint32_t id);
const struct meta_str *meta_format(const struct meta *m, uint32_t id);
const struct meta_str *meta_string(const struct meta *m, uint32_t id);

/*
 * Read the SONDE_META_SECTION of the ELF file at path into a malloc()ed
 * buffer.  Returns 0, -ENODATA if the object has no such section, -EIO
 * for a file libelf cannot read, or -errno of open().
 */
int meta_read_elf(const char *path, char **text, size_t *len);

#endif /* SONDE_STAPRUN_META_H */
