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

int funcinfo_build(struct btf *btf, const struct objbuilder *ob,
		   const size_t *sub_off, void **ext, size_t *ext_size)
{
	int prog_proto, sub_proto, id, text_name = 0, i, err, name;
	uint32_t *prog_ids, *sub_ids, *prog_names, *fn_names;
	size_t size, fsize, lsize;
	unsigned char *buf, *p;
	uint16_t magic = EXT_MAGIC;

	*ext = NULL;
	err = add_protos(btf, &prog_proto, &sub_proto);
	if (err)
		return err;
	prog_ids = calloc(ob->nprogs + 1, sizeof(*prog_ids));
	prog_names = calloc(ob->nprogs + 1, sizeof(*prog_names));
	sub_ids = calloc(ob->nsubprogs + 1, sizeof(*sub_ids));
	fn_names = calloc(ob->nprogs + ob->nsubprogs + 1, sizeof(*fn_names));
	err = -ENOMEM;
	if (!prog_ids || !prog_names || !sub_ids || !fn_names)
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
		prog_names[i] = btf__add_str(btf, ob->progs[i].section);
		if (id < 0 || (int)prog_names[i] < 0)
			goto out;
		prog_ids[i] = id;
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
	}
	/* record size, then a section header and a record per program
	 * and the .text section with a record per subprogram */
	fsize = 4 + ob->nprogs * 16 + (ob->nsubprogs ? 8 + 8 * ob->nsubprogs : 0);
	lsize = 4 + ob->nprogs * 24 + (ob->nsubprogs ? 8 + 16 * ob->nsubprogs : 0);
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
	put32(&p, 8);
	for (i = 0; i < ob->nprogs; i++) {
		put32(&p, prog_names[i]);
		put32(&p, 1);
		put32(&p, 0);
		put32(&p, prog_ids[i]);
	}
	if (ob->nsubprogs) {
		put32(&p, (uint32_t)text_name);
		put32(&p, (uint32_t)ob->nsubprogs);
		for (i = 0; i < ob->nsubprogs; i++) {
			put32(&p, (uint32_t)sub_off[i]);
			put32(&p, sub_ids[i]);
		}
	}
	put32(&p, 16);
	for (i = 0; i < ob->nprogs; i++) {
		put32(&p, prog_names[i]);
		put32(&p, 1);
		put32(&p, 0);
		put32(&p, fn_names[i]);
		put32(&p, fn_names[i]);
		put32(&p, 0);
	}
	if (ob->nsubprogs) {
		put32(&p, (uint32_t)text_name);
		put32(&p, (uint32_t)ob->nsubprogs);
		for (i = 0; i < ob->nsubprogs; i++) {
			put32(&p, (uint32_t)sub_off[i]);
			put32(&p, fn_names[ob->nprogs + i]);
			put32(&p, fn_names[ob->nprogs + i]);
			put32(&p, 0);
		}
	}
	*ext = buf;
	*ext_size = EXT_HDR_LEN + size;
	err = 0;
out:
	free(prog_ids);
	free(prog_names);
	free(sub_ids);
	free(fn_names);
	return err;
}
