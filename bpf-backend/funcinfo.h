/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * funcinfo.h - BTF function types and the .BTF.ext function info of an
 * object with subprograms, used by object.c.
 *
 * The verifier accepts a subprogram as a callback (bpf_loop(),
 * bpf_for_each_map_elem()) only if the program carries BTF function
 * info naming it a static function ("missing btf func_info", "callback
 * function not static").  clang writes that info to .BTF.ext; this file
 * builds the same: a FUNC per program (global, int f(void *ctx)) and per
 * subprogram (static, long f(long, long, long, long, long): the kernel
 * does not match a static function's arguments against its BTF), and
 * one func_info record per function at its byte offset in its section.
 */
#ifndef SONDE_BPF_FUNCINFO_H
#define SONDE_BPF_FUNCINFO_H

#include <stddef.h>
#include "bpf-backend/object.h"

struct btf;

/*
 * Add the FUNC types of every program and subprogram of ob to btf and
 * build the .BTF.ext section for them in a malloc()ed buffer; prog_off
 * gives each program's byte offset in its section (programs sharing a
 * section name share the section), sub_off each subprogram's in .text.
 * Call before btf__raw_data().  Returns 0 or a negative errno.
 */
int funcinfo_build(struct btf *btf, const struct objbuilder *ob,
		   const size_t *prog_off, const size_t *sub_off, void **ext,
		   size_t *ext_size);

#endif /* SONDE_BPF_FUNCINFO_H */
