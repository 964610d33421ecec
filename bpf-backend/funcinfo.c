// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * funcinfo.c - FUNC types and .BTF.ext func_info (see funcinfo.h).
 *
 * .BTF.ext layout (the kernel's and libbpf's struct btf_ext_header):
 *
 *	u16 magic 0xeB9F, u8 version 1, u8 flags 0, u32 hdr_len (24)
 *	u32 func_info_off, func_info_len, line_info_off, line_info_len
 *	func_info: u32 record size (8), then per section
 *	           { u32 section name (BTF string), u32 count,
 *	             count x { u32 byte offset, u32 FUNC type id } }
 *	line_info: u32 record size (16), then per section the same with
 *	           records { u32 byte offset, u32 file name, u32 line text,
 *	           u32 line << 10 | column }
 *
 * The kernel wants a line record at the start of every function once
 * there are any, and libbpf warns when the main program has none, so
 * each function gets one, naming the function.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>

#include "bpf-backend/funcinfo.h"

#define EXT_MAGIC 0xeB9F
#define EXT_HDR_LEN 24
#define SUB_NARGS 5

/* The two prototypes every function uses; returns 0 or -errno */
static int add_protos(struct btf *btf, int *prog_proto, int *sub_proto)
{
	int int_id = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	int long_id = btf__add_int(btf, "long", 8, BTF_INT_SIGNED);
	int ptr_id = btf__add_ptr(btf, 0);
	int i, err;

	if (int_id < 0 || long_id < 0 || ptr_id < 0)
		return -ENOMEM;
	*prog_proto = btf__add_func_proto(btf, int_id);
	if (*prog_proto < 0 || btf__add_func_param(btf, "ctx", ptr_id))
		return -ENOMEM;
	*sub_proto = btf__add_func_proto(btf, long_id);
	if (*sub_proto < 0)
		return -ENOMEM;
	for (i = 0; i < SUB_NARGS; i++) {
		char name[4] = { 'a', (char)('1' + i), 0 };

		err = btf__add_func_param(btf, name, long_id);
		if (err)
			return err;
	}
	return 0;
}

static void put32(unsigned char **p, uint32_t v)
{
	memcpy(*p, &v, 4);
	*p += 4;
}

/* Programs i.. in the section of program i, if i is its first */
static int section_count(const struct objbuilder *ob, int i)
{
	int j, n = 0;

	for (j = 0; j < ob->nprogs; j++)
		if (!strcmp(ob->progs[j].section, ob->progs[i].section)) {
			if (j < i)
				return 0;
			n++;
		}
	return n;
}

/*
 * One subsection (func_info if line is 0, else line_info): per section
 * name, a record per program at its offset; then .text's subprograms.
 */
static void put_records(unsigned char **p, const struct objbuilder *ob,
			const size_t *prog_off, const size_t *sub_off,
			const uint32_t *prog_ids, const uint32_t *sub_ids,
			const uint32_t *sec_names, const uint32_t *fn_names,
			uint32_t text_name, int line)
{
	int i, j, n;

	put32(p, line ? 16 : 8);
	for (i = 0; i < ob->nprogs; i++) {
		n = section_count(ob, i);
		if (!n)
			continue;
		put32(p, sec_names[i]);
		put32(p, (uint32_t)n);
		for (j = i; j < ob->nprogs; j++) {
			if (strcmp(ob->progs[j].section, ob->progs[i].section))
				continue;
			put32(p, (uint32_t)prog_off[j]);
			put32(p, line ? fn_names[j] : prog_ids[j]);
			if (line) {
				put32(p, fn_names[j]);
				put32(p, 0);
			}
		}
	}
	if (!ob->nsubprogs)
		return;
	put32(p, text_name);
	put32(p, (uint32_t)ob->nsubprogs);
	for (i = 0; i < ob->nsubprogs; i++) {
		put32(p, (uint32_t)sub_off[i]);
		put32(p, line ? fn_names[ob->nprogs + i] : sub_ids[i]);
		if (line) {
			put32(p, fn_names[ob->nprogs + i]);
			put32(p, 0);
		}
	}
}

int funcinfo_build(struct btf *btf, const struct objbuilder *ob,
		   const size_t *prog_off, const size_t *sub_off, void **ext,
		   size_t *ext_size)
{
	int prog_proto, sub_proto, id, text_name = 0, i, err, name, nsec = 0;
	uint32_t *prog_ids, *sub_ids, *sec_names, *fn_names;
	size_t size, fsize, lsize;
	unsigned char *buf, *p;
	uint16_t magic = EXT_MAGIC;

	*ext = NULL;
	err = add_protos(btf, &prog_proto, &sub_proto);
	if (err)
		return err;
	prog_ids = calloc(ob->nprogs + 1, sizeof(*prog_ids));
	sec_names = calloc(ob->nprogs + 1, sizeof(*sec_names));
	sub_ids = calloc(ob->nsubprogs + 1, sizeof(*sub_ids));
	fn_names = calloc(ob->nprogs + ob->nsubprogs + 1, sizeof(*fn_names));
	err = -ENOMEM;
	if (!prog_ids || !sec_names || !sub_ids || !fn_names)
		goto out;
	for (i = 0; i < ob->nprogs + ob->nsubprogs; i++) {
		name = btf__add_str(btf, i < ob->nprogs ? ob->progs[i].name
				    : ob->subprogs[i - ob->nprogs].name);
		if (name < 0)
			goto out;
		fn_names[i] = name;
	}
	for (i = 0; i < ob->nprogs; i++) {
		id = btf__add_func(btf, ob->progs[i].name, BTF_FUNC_GLOBAL,
				   prog_proto);
		name = btf__add_str(btf, ob->progs[i].section);
		if (id < 0 || name < 0)
			goto out;
		prog_ids[i] = id;
		sec_names[i] = name;
		nsec += section_count(ob, i) > 0;
	}
	for (i = 0; i < ob->nsubprogs; i++) {
		id = btf__add_func(btf, ob->subprogs[i].name, BTF_FUNC_STATIC,
				   sub_proto);
		if (id < 0)
			goto out;
		sub_ids[i] = id;
	}
	if (ob->nsubprogs) {
		text_name = btf__add_str(btf, ".text");
		if (text_name < 0)
			goto out;
		nsec++;
	}
	/* record size, 8 bytes per section, a record per function */
	fsize = 4 + 8 * nsec + 8 * (ob->nprogs + ob->nsubprogs);
	lsize = 4 + 8 * nsec + 16 * (ob->nprogs + ob->nsubprogs);
	size = fsize + lsize;
	buf = calloc(1, EXT_HDR_LEN + size);
	if (!buf)
		goto out;
	p = buf;
	memcpy(p, &magic, 2);
	p[2] = 1;
	p[3] = 0;
	p += 4;
	put32(&p, EXT_HDR_LEN);
	put32(&p, 0);			/* func_info_off */
	put32(&p, (uint32_t)fsize);	/* func_info_len */
	put32(&p, (uint32_t)fsize);	/* line_info_off */
	put32(&p, (uint32_t)lsize);	/* line_info_len */
	put_records(&p, ob, prog_off, sub_off, prog_ids, sub_ids, sec_names,
		    fn_names, (uint32_t)text_name, 0);
	put_records(&p, ob, prog_off, sub_off, prog_ids, sub_ids, sec_names,
		    fn_names, (uint32_t)text_name, 1);
	*ext = buf;
	*ext_size = EXT_HDR_LEN + size;
	err = 0;
out:
	free(prog_ids);
	free(sec_names);
	free(sub_ids);
	free(fn_names);
	return err;
}
