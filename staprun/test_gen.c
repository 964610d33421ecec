// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_gen.c - hand-built Sonde BPF objects for staprun's tests; see
 * test_gen.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "staprun/bpf_abi.h"
#include "staprun/test_gen.h"

void tobj_init(struct tobj *t, uint32_t maxstringlen, uint32_t maxerrors)
{
	memset(t, 0, sizeof(*t));
	t->maxstringlen = maxstringlen;
	t->maxerrors = maxerrors;
	tobj_map(t, SONDE_MAP_OUT, BPF_MAP_TYPE_RINGBUF, 0, 0, 1 << 20);
	tobj_map(t, SONDE_MAP_CTL, BPF_MAP_TYPE_ARRAY, 4, 8, SONDE_CTL_NSLOTS);
	tobj_meta(t, "%s %d", SONDE_META_MAGIC, SONDE_ABI_VERSION);
	tobj_meta(t, "limits maxstringlen=%u maxerrors=%u", maxstringlen,
		  maxerrors);
}

void tobj_release(struct tobj *t)
{
	int i;

	for (i = 0; i < t->nprogs; i++)
		emit_release(&t->em[i]);
	free(t->meta);
	t->meta = NULL;
}

int tobj_map(struct tobj *t, const char *name, int type, uint32_t key,
	     uint32_t value, uint32_t max_entries)
{
	int i = t->nmaps++;

	snprintf(t->map_names[i], sizeof(t->map_names[i]), "%s", name);
	t->maps[i] = (struct objmap) { t->map_names[i], type, key, value,
				       max_entries, 0 };
	return i;
}

struct emitter *tobj_prog(struct tobj *t, const char *name,
			  const char *section)
{
	int i = t->nprogs++;

	snprintf(t->names[i], sizeof(t->names[i]), "%s", name);
	snprintf(t->sections[i], sizeof(t->sections[i]), "%s", section);
	emit_init(&t->em[i]);
	return &t->em[i];
}

void tobj_meta(struct tobj *t, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	line[n++] = '\n';
	t->meta = realloc(t->meta, t->metalen + n);
	memcpy(t->meta + t->metalen, line, n);
	t->metalen += n;
}

int tobj_write(struct tobj *t, const char *path)
{
	struct objbuilder ob;
	int i, err;

	for (i = 0; i < t->nprogs; i++) {
		err = emit_finish(&t->em[i]);
		if (err) {
			fprintf(stderr, "emit %s: %s\n", t->names[i],
				t->em[i].errmsg);
			return err;
		}
		t->progs[i] = (struct objprog) {
			t->names[i], t->sections[i], t->em[i].insns,
			t->em[i].len, t->em[i].relocs, t->em[i].nrelocs };
	}
	ob = (struct objbuilder) { .license = "GPL", .progs = t->progs,
				   .nprogs = t->nprogs, .maps = t->maps,
				   .nmaps = t->nmaps };
	err = objwrite_file(&ob, path);
	if (err)
		return err;
	return elf_add_section(path, SONDE_META_SECTION, t->meta, t->metalen);
}

/* ---- a raw section, added with libelf ------------------------------------ */

static int add_section(Elf *elf, const char *name, const void *data,
		       size_t size)
{
	Elf_Scn *strscn, *scn;
	Elf_Data *nd, *d;
	GElf_Shdr strsh, sh;
	size_t shstrndx;

	if (elf_getshdrstrndx(elf, &shstrndx))
		return -EIO;
	strscn = elf_getscn(elf, shstrndx);
	if (!strscn || !gelf_getshdr(strscn, &strsh))
		return -EIO;
	nd = elf_newdata(strscn);
	scn = elf_newscn(elf);
	d = scn ? elf_newdata(scn) : NULL;
	if (!nd || !d || !gelf_getshdr(scn, &sh))
		return -EIO;
	nd->d_buf = (void *)name;
	nd->d_size = strlen(name) + 1;
	nd->d_type = ELF_T_BYTE;
	nd->d_align = 1;
	d->d_buf = (void *)data;
	d->d_size = size;
	d->d_type = ELF_T_BYTE;
	d->d_align = 1;
	sh.sh_name = strsh.sh_size;	/* the name's offset: the old end */
	sh.sh_type = SHT_PROGBITS;
	sh.sh_flags = 0;
	sh.sh_addralign = 1;
	if (!gelf_update_shdr(scn, &sh))
		return -EIO;
	return elf_update(elf, ELF_C_WRITE) < 0 ? -EIO : 0;
}

int elf_add_section(const char *path, const char *name, const void *data,
		    size_t size)
{
	Elf *elf;
	int fd, err;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return -EIO;
	fd = open(path, O_RDWR);
	if (fd < 0)
		return -errno;
	elf = elf_begin(fd, ELF_C_RDWR, NULL);
	err = elf ? add_section(elf, name, data, size) : -EIO;
	if (err)
		fprintf(stderr, "libelf: %s\n", elf_errmsg(-1));
	elf_end(elf);
	close(fd);
	return err;
}

/* ---- code ------------------------------------------------------------------ */

void gen_return0(struct emitter *em)
{
	emit_mov_imm(em, BPF_REG_0, 0);
	emit_exit(em);
}

static void gen_lookup(struct emitter *em, int map, uint32_t key, int fail)
{
	int mark = emit_stack_mark(em);
	int slot = emit_stack_alloc(em, 4);

	emit_store_imm(em, BPF_W, BPF_REG_10, slot, (int32_t)key);
	emit_ld_map(em, BPF_REG_1, map);
	emit_mov_reg(em, BPF_REG_2, BPF_REG_10);
	emit_alu_imm(em, BPF_ADD, BPF_REG_2, slot);
	emit_call_helper(em, BPF_FUNC_map_lookup_elem);
	emit_stack_release(em, mark);
	emit_jcond_imm(em, BPF_JEQ, BPF_REG_0, 0, fail);
}

void gen_ctl_ptr(struct emitter *em, int slot, int fail)
{
	gen_lookup(em, TOBJ_MAP_CTL, slot, fail);
}

void gen_require_running(struct emitter *em, int out)
{
	gen_ctl_ptr(em, SONDE_CTL_STATE, out);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_0, 0);
	emit_jcond_imm(em, BPF_JNE, BPF_REG_1, SONDE_STATE_RUNNING, out);
}

void gen_require_target(struct emitter *em, int out)
{
	emit_call_helper(em, BPF_FUNC_get_current_pid_tgid);
	emit_mov_reg(em, BPF_REG_7, BPF_REG_0);
	emit_alu_imm(em, BPF_RSH, BPF_REG_7, 32);
	gen_ctl_ptr(em, SONDE_CTL_TARGET, out);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_0, 0);
	emit_jcond_reg(em, BPF_JNE, BPF_REG_1, BPF_REG_7, out);
}

void gen_map_inc(struct emitter *em, int map, uint32_t key)
{
	int out = label_new(em);

	gen_lookup(em, map, key, out);
	emit_mov_imm(em, BPF_REG_1, 1);
	emit_atomic_add(em, BPF_DW, BPF_REG_0, 0, BPF_REG_1);
	label_bind(em, out);
}

/* n bytes (a multiple of 8) of data at r10 + off */
static void gen_stack_bytes(struct emitter *em, int off, const void *data,
			    int n)
{
	uint64_t w;
	int k;

	for (k = 0; k < n; k += 8) {
		memcpy(&w, (const char *)data + k, 8);
		emit_ld_imm64(em, BPF_REG_1, w);
		emit_store(em, BPF_DW, BPF_REG_10, off + k, BPF_REG_1);
	}
}

void gen_map_put(struct emitter *em, int map, const void *key, int ksize,
		 const void *value, int vsize)
{
	int mark = emit_stack_mark(em);
	int k = emit_stack_alloc(em, ksize), v = emit_stack_alloc(em, vsize);

	gen_stack_bytes(em, k, key, ksize);
	gen_stack_bytes(em, v, value, vsize);
	emit_ld_map(em, BPF_REG_1, map);
	emit_mov_reg(em, BPF_REG_2, BPF_REG_10);
	emit_alu_imm(em, BPF_ADD, BPF_REG_2, k);
	emit_mov_reg(em, BPF_REG_3, BPF_REG_10);
	emit_alu_imm(em, BPF_ADD, BPF_REG_3, v);
	emit_mov_imm(em, BPF_REG_4, BPF_ANY);
	emit_call_helper(em, BPF_FUNC_map_update_elem);
	emit_stack_release(em, mark);
}

void gen_ctl_inc(struct emitter *em, int slot)
{
	gen_map_inc(em, TOBJ_MAP_CTL, slot);
}

/* r6 = bpf_ringbuf_reserve(sonde_out, size); NULL: drops += 1, goto fail */
static void gen_reserve(struct emitter *em, uint32_t size, int fail)
{
	int ok = label_new(em);

	emit_ld_map(em, BPF_REG_1, TOBJ_MAP_OUT);
	emit_mov_imm(em, BPF_REG_2, (int32_t)size);
	emit_mov_imm(em, BPF_REG_3, 0);
	emit_call_helper(em, BPF_FUNC_ringbuf_reserve);
	emit_jcond_imm(em, BPF_JNE, BPF_REG_0, 0, ok);
	gen_ctl_inc(em, SONDE_CTL_DROPS);
	emit_jump(em, fail);
	label_bind(em, ok);
	emit_mov_reg(em, BPF_REG_6, BPF_REG_0);
}

static void gen_submit(struct emitter *em)
{
	emit_mov_reg(em, BPF_REG_1, BPF_REG_6);
	emit_mov_imm(em, BPF_REG_2, 0);
	emit_call_helper(em, BPF_FUNC_ringbuf_submit);
}

static void gen_header(struct emitter *em, uint32_t kind, uint32_t id)
{
	emit_store_imm(em, BPF_W, BPF_REG_6, 0, (int32_t)kind);
	emit_store_imm(em, BPF_W, BPF_REG_6, 4, (int32_t)id);
}

/* The literal s, NUL-terminated and zero-padded to 8, at r6 + off */
static void gen_store_str(struct emitter *em, int off, const char *s)
{
	size_t len = strlen(s) + 1, k;
	uint64_t chunk;

	for (k = 0; k < len; k += 8) {
		chunk = 0;
		memcpy(&chunk, s + k, len - k < 8 ? len - k : 8);
		emit_ld_imm64(em, BPF_REG_1, chunk);
		emit_store(em, BPF_DW, BPF_REG_6, off + k, BPF_REG_1);
	}
}

void gen_printf(struct tobj *t, struct emitter *em, uint32_t fmt,
		const struct targ *args, int nargs)
{
	uint32_t slot = SONDE_STR_SLOT(t->maxstringlen), size = 8;
	int done = label_new(em), i, off, reg = BPF_REG_7, skip;

	for (i = 0; i < nargs; i++) {
		size += args[i].kind == TARG_STR ? slot : 8;
		if (args[i].kind != TARG_CTL)
			continue;
		/* reg = sonde_ctl[slot], or 0 */
		skip = label_new(em);
		emit_mov_imm(em, reg, 0);
		gen_ctl_ptr(em, (int)args[i].l, skip);
		emit_load(em, BPF_DW, reg, BPF_REG_0, 0);
		label_bind(em, skip);
		reg++;
	}
	gen_reserve(em, size, done);
	gen_header(em, SONDE_REC_PRINTF, fmt);
	for (i = 0, off = 8, reg = BPF_REG_7; i < nargs; i++) {
		switch (args[i].kind) {
		case TARG_STR:
			gen_store_str(em, off, args[i].s);
			off += slot;
			break;
		case TARG_LONG:
			emit_ld_imm64(em, BPF_REG_1, (uint64_t)args[i].l);
			emit_store(em, BPF_DW, BPF_REG_6, off, BPF_REG_1);
			off += 8;
			break;
		case TARG_CTL:
			emit_store(em, BPF_DW, BPF_REG_6, off, reg++);
			off += 8;
			break;
		}
	}
	gen_submit(em);
	label_bind(em, done);
}

void gen_exit(struct tobj *t, struct emitter *em, uint32_t probe)
{
	int rec = label_new(em), done = label_new(em);

	gen_ctl_ptr(em, SONDE_CTL_STATE, rec);
	emit_load(em, BPF_DW, BPF_REG_1, BPF_REG_0, 0);
	/* STARTING (0) or RUNNING (1) become STOPPING */
	emit_jcond_imm(em, BPF_JGT, BPF_REG_1, SONDE_STATE_RUNNING, rec);
	emit_mov_imm(em, BPF_REG_1, SONDE_STATE_STOPPING);
	emit_store(em, BPF_DW, BPF_REG_0, 0, BPF_REG_1);
	label_bind(em, rec);
	gen_reserve(em, sizeof(struct sonde_rec), done);
	gen_header(em, SONDE_REC_EXIT, probe);
	gen_submit(em);
	label_bind(em, done);
}

void gen_error(struct tobj *t, struct emitter *em, uint32_t probe,
	       uint32_t msg, const char *dyn, const uint32_t *locs, int nlocs)
{
	uint32_t hdr = (sizeof(struct sonde_rec_error) + 4 * nlocs + 7) & ~7u;
	uint32_t size = hdr + (msg == SONDE_NO_ID
			       ? SONDE_STR_SLOT(t->maxstringlen) : 0);
	int count = label_new(em), out = label_new(em), i;

	gen_reserve(em, size, count);
	gen_header(em, SONDE_REC_ERROR, probe);
	emit_store_imm(em, BPF_W, BPF_REG_6, 8, (int32_t)msg);
	emit_store_imm(em, BPF_W, BPF_REG_6, 12, nlocs);
	for (i = 0; i < nlocs; i++)
		emit_store_imm(em, BPF_W, BPF_REG_6, 16 + 4 * i,
			       (int32_t)locs[i]);
	if (nlocs & 1)
		emit_store_imm(em, BPF_W, BPF_REG_6, 16 + 4 * nlocs, 0);
	if (msg == SONDE_NO_ID)
		gen_store_str(em, hdr, dyn);
	gen_submit(em);
	label_bind(em, count);
	/* errors += 1; past MAXERRORS the session is in ERROR */
	gen_ctl_ptr(em, SONDE_CTL_ERRORS, out);
	emit_mov_imm(em, BPF_REG_1, 1);
	emit_atomic_fetch_add(em, BPF_DW, BPF_REG_0, 0, BPF_REG_1);
	emit_alu_imm(em, BPF_ADD, BPF_REG_1, 1);
	emit_jcond_imm(em, BPF_JLE, BPF_REG_1, (int32_t)t->maxerrors, out);
	gen_ctl_ptr(em, SONDE_CTL_STATE, out);
	emit_mov_imm(em, BPF_REG_1, SONDE_STATE_ERROR);
	emit_store(em, BPF_DW, BPF_REG_0, 0, BPF_REG_1);
	label_bind(em, out);
}
