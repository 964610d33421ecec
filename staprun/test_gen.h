/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_gen.h - build Sonde BPF objects by hand for staprun's tests.
 *
 * A struct tobj collects programs (written with bpf-backend's emitter),
 * maps and metadata lines, then writes NAME.bpf.o with object.c and adds
 * the .sonde.meta section with libelf.  The gen_* helpers emit what the
 * code generator will emit for printf, exit(), error() and the session
 * state check, following staprun/bpf_abi.h; they are the executable
 * example of that contract.
 *
 * Map 0 is always sonde_out, map 1 sonde_ctl.  Every program and map
 * name starts with "sonde_" so leak checks can find them.
 */
#ifndef SONDE_STAPRUN_TEST_GEN_H
#define SONDE_STAPRUN_TEST_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "bpf-backend/emit.h"
#include "bpf-backend/object.h"

#define TOBJ_MAX_PROGS 16
#define TOBJ_MAX_MAPS 16
#define TOBJ_MAP_OUT 0
#define TOBJ_MAP_CTL 1

struct tobj {
	struct emitter em[TOBJ_MAX_PROGS];
	struct objprog progs[TOBJ_MAX_PROGS];
	char names[TOBJ_MAX_PROGS][32];
	char sections[TOBJ_MAX_PROGS][128];
	int nprogs;
	struct objmap maps[TOBJ_MAX_MAPS];
	char map_names[TOBJ_MAX_MAPS][32];
	int nmaps;
	char *meta;		/* metadata text, grown by tobj_meta() */
	size_t metalen;
	uint32_t maxstringlen;
	uint32_t maxerrors;
};

/* One printf argument: a long, a literal string, or a sonde_ctl slot */
struct targ {
	int kind;		/* TARG_* */
	int64_t l;		/* the long, or the ctl slot */
	const char *s;
};

enum { TARG_LONG, TARG_STR, TARG_CTL };

#define TLONG(v) ((struct targ) { TARG_LONG, (v), NULL })
#define TSTR(v) ((struct targ) { TARG_STR, 0, (v) })
#define TCTL(slot) ((struct targ) { TARG_CTL, (slot), NULL })

/* Starts the metadata with the magic and a limits line. */
void tobj_init(struct tobj *t, uint32_t maxstringlen, uint32_t maxerrors);
void tobj_release(struct tobj *t);
int tobj_map(struct tobj *t, const char *name, int type, uint32_t key,
	     uint32_t value, uint32_t max_entries);
/* A new program; returns its emitter, ready for code */
struct emitter *tobj_prog(struct tobj *t, const char *name,
			  const char *section);
void tobj_meta(struct tobj *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Finish every emitter, write path, add the metadata section; 0 or -errno */
int tobj_write(struct tobj *t, const char *path);

/* Append a raw section to an ELF file (what object.c cannot do yet) */
int elf_add_section(const char *path, const char *name, const void *data,
		    size_t size);

/* ---- the code generator's runtime lowering, by hand -------------------- */

/* r0 = &sonde_ctl[slot]; jumps to fail if the lookup fails */
void gen_ctl_ptr(struct emitter *em, int slot, int fail);
/* if (sonde_ctl[STATE] != RUNNING) goto out */
void gen_require_running(struct emitter *em, int out);
/* if (current tgid != sonde_ctl[TARGET]) goto out */
void gen_require_target(struct emitter *em, int out);
/* sonde_ctl[slot] += 1, atomically */
void gen_ctl_inc(struct emitter *em, int slot);
/* printf(format id, args): one PRINTF record, or drops += 1.  At most
 * three TCTL arguments (they wait in r7..r9 while the record is built). */
void gen_printf(struct tobj *t, struct emitter *em, uint32_t fmt,
		const struct targ *args, int nargs);
/* exit(): state STOPPING (from STARTING/RUNNING) and an EXIT record */
void gen_exit(struct tobj *t, struct emitter *em, uint32_t probe);
/* an uncaught error: the record, then errors += 1 and the MAXERRORS check.
 * msg is a string id, or SONDE_NO_ID with text in dyn. */
void gen_error(struct tobj *t, struct emitter *em, uint32_t probe,
	       uint32_t msg, const char *dyn, const uint32_t *locs, int nlocs);
/* map[key] += 1 (u32 key, u64 value, array map), atomically */
void gen_map_inc(struct emitter *em, int map, uint32_t key);
/* bpf_map_update_elem(map, key, value, BPF_ANY) with both on the stack;
 * ksize and vsize are multiples of 8 */
void gen_map_put(struct emitter *em, int map, const void *key, int ksize,
		 const void *value, int vsize);
/* return 0 */
void gen_return0(struct emitter *em);

#endif /* SONDE_STAPRUN_TEST_GEN_H */
