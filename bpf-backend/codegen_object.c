// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * codegen_object.c - what is done with a generated object: its -p3
 * listing (maps, each program disassembled with labels, map names and
 * script lines, then the metadata), writing it as NAME.bpf.o with its
 * .sonde.meta section, and releasing it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf-backend/codegen.h"
#include "bpf-backend/disasm.h"
#include "staprun/bpf_abi.h"

static const char *map_type_name(enum bpf_map_type t)
{
	switch (t) {
	case BPF_MAP_TYPE_RINGBUF: return "ringbuf";
	case BPF_MAP_TYPE_ARRAY: return "array";
	case BPF_MAP_TYPE_PERCPU_ARRAY: return "percpu_array";
	case BPF_MAP_TYPE_HASH: return "hash";
	default: return "map";
	}
}

/* One program or subprogram, disassembled */
static void print_prog(FILE *out, const struct cg_object *obj,
		       const struct cg_prog *p, const char **maps,
		       const char **subs)
{
	struct disasm_ctx ctx;

	memset(&ctx, 0, sizeof(ctx));
	ctx.insns = p->insns;
	ctx.len = p->len;
	ctx.notes = p->notes;
	ctx.labels = p->labels;
	ctx.nlabels = p->nlabels;
	ctx.relocs = p->relocs;
	ctx.nrelocs = p->nrelocs;
	ctx.maps = maps;
	ctx.nmaps = maps ? obj->nmaps : 0;
	ctx.subprogs = subs;
	ctx.nsubprogs = subs ? obj->nsubprogs : 0;
	disasm_print(out, &ctx);
}

void cg_object_print(FILE *out, const struct cg_object *obj)
{
	const char **names = calloc(obj->nmaps + 1, sizeof(*names));
	const char **subs = calloc(obj->nsubprogs + 1, sizeof(*subs));
	int i;

	fputs("# maps\n", out);
	for (i = 0; i < obj->nmaps; i++) {
		const struct objmap *m = &obj->maps[i];

		if (names)
			names[i] = m->name;
		fprintf(out, "%s: %s key %u value %u max_entries %u\n", m->name,
			map_type_name(m->type), m->key_size, m->value_size,
			m->max_entries);
	}
	for (i = 0; subs && i < obj->nsubprogs; i++)
		subs[i] = obj->subprogs[i].name;
	for (i = 0; i < obj->nprogs; i++) {
		const struct cg_prog *p = &obj->progs[i];

		fprintf(out, "# program %s section %s probe %s\n", p->name,
			p->section, p->pp);
		print_prog(out, obj, p, names, subs);
	}
	for (i = 0; i < obj->nsubprogs; i++) {
		fprintf(out, "# subprogram %s: %s\n", obj->subprogs[i].name,
			obj->subprogs[i].pp);
		print_prog(out, obj, &obj->subprogs[i], names, subs);
	}
	fprintf(out, "# metadata\n%.*s", (int)obj->metalen, obj->meta);
	free(names);
	free(subs);
}

int cg_object_write(const struct cg_object *obj, const char *path)
{
	int n = obj->nprogs + obj->nsubprogs;
	struct objprog *progs = calloc(n + 1, sizeof(*progs));
	struct objsection meta = { SONDE_META_SECTION, obj->meta, obj->metalen };
	struct objbuilder ob = {
		.license = "GPL", .progs = progs, .nprogs = obj->nprogs,
		.subprogs = progs + obj->nprogs, .nsubprogs = obj->nsubprogs,
		.maps = obj->maps, .nmaps = obj->nmaps,
		.sections = &meta, .nsections = 1,
	};
	const struct cg_prog *p;
	int i, err;

	if (!progs)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		p = i < obj->nprogs ? &obj->progs[i]
				    : &obj->subprogs[i - obj->nprogs];
		progs[i] = (struct objprog) {
			p->name, p->section, p->insns, p->len, p->relocs,
			p->nrelocs,
		};
	}
	err = objwrite_file(&ob, path);
	free(progs);
	return err;
}

static void prog_release(struct cg_prog *p)
{
	free(p->insns);
	free((void *)p->notes);
	free(p->relocs);
	free(p->labels);
}

void cg_object_release(struct cg_object *obj)
{
	int i;

	for (i = 0; i < obj->nprogs; i++)
		prog_release(&obj->progs[i]);
	for (i = 0; i < obj->nsubprogs; i++)
		prog_release(&obj->subprogs[i]);
	free(obj->progs);
	free(obj->subprogs);
	arena_release(&obj->arena);
	memset(obj, 0, sizeof(*obj));
}
