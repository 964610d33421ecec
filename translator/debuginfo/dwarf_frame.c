/* What a code generator needs beyond names to read a DWARF variable:
 * the shape of its value (size, signedness, pointer or aggregate) and,
 * for variables addressed from a DW_OP_call_frame_cfa frame base, the
 * canonical frame address rule at the probe pc from the call frame
 * information (.eh_frame, which stripped binaries keep, else
 * .debug_frame), read with libdw's CFI API. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <dwarf.h>

#include "translator/debuginfo/dwarf_int.h"
#include "translator/debuginfo/util.h"

static Dwarf_Die *type_ref(Dwarf_Die *die, Dwarf_Die *mem)
{
	Dwarf_Attribute a;

	return dwarf_formref_die(dwarf_attr_integrate(die, DW_AT_type, &a), mem);
}

/* An unsigned attribute of die; -1 when absent */
static int udata(Dwarf_Die *die, unsigned name, Dwarf_Word *out)
{
	Dwarf_Attribute a;

	return dwarf_formudata(dwarf_attr_integrate(die, name, &a), out);
}

/* Typedefs and qualifiers are transparent to the value's shape. */
static Dwarf_Die *strip(Dwarf_Die *t, Dwarf_Die *mem)
{
	int depth = 0;

	while (t && depth++ < 64) {
		switch (dwarf_tag(t)) {
		case DW_TAG_typedef:
		case DW_TAG_const_type:
		case DW_TAG_volatile_type:
		case DW_TAG_restrict_type:
		case DW_TAG_atomic_type:
			t = type_ref(t, mem);
			break;
		default:
			return t;
		}
	}
	return NULL;
}

void dwi_scalar_of_type(Dwarf_Die *type, struct dwi_scalar *out)
{
	Dwarf_Die mem, *t = strip(type, &mem);
	Dwarf_Attribute a;
	Dwarf_Word enc = 0;
	int size;

	memset(out, 0, sizeof(*out));
	out->kind = DWI_VAL_OTHER;
	if (!t)
		return;
	size = dwarf_bytesize(t);
	switch (dwarf_tag(t)) {
	case DW_TAG_base_type:
		dwarf_formudata(dwarf_attr_integrate(t, DW_AT_encoding, &a), &enc);
		if (enc == DW_ATE_float || enc == DW_ATE_complex_float)
			return;
		out->kind = DWI_VAL_INT;
		out->size = size;
		out->is_signed = enc == DW_ATE_signed || enc == DW_ATE_signed_char;
		return;
	case DW_TAG_enumeration_type:
		out->kind = DWI_VAL_INT;
		out->size = size;
		out->is_signed = true;
		return;
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type:
		out->kind = DWI_VAL_POINTER;
		out->size = size > 0 ? size : 8;
		return;
	case DW_TAG_array_type:
		out->kind = DWI_VAL_ARRAY;
		return;
	case DW_TAG_structure_type:
	case DW_TAG_union_type:
	case DW_TAG_class_type:
		out->kind = DWI_VAL_AGGREGATE;
		out->size = size;
		return;
	default:
		return;
	}
}

int dwi_return_scalar(struct dwi *d, const struct dwi_func *fn,
		      struct dwi_scalar *out)
{
	Dwarf_Die die, mem, *t;
	Dwarf_Attribute a;

	memset(out, 0, sizeof(*out));
	if (!dwarf_offdie(d->dw, fn->die, &die))
		return -ENOENT;
	t = dwarf_formref_die(dwarf_attr_integrate(&die, DW_AT_type, &a), &mem);
	if (!t)
		return -ENOENT;		/* void */
	dwi_scalar_of_type(t, out);
	return 0;
}

static int cfa_from(Dwarf_CFI *cfi, Dwarf_Addr pc, struct dwi_loc *out)
{
	Dwarf_Frame *frame = NULL;
	Dwarf_Op *ops;
	size_t n;

	if (!cfi || dwarf_cfi_addrframe(cfi, pc, &frame) != 0)
		return -ENOENT;
	if (dwarf_frame_cfa(frame, &ops, &n) != 0) {
		free(frame);
		return -ENOENT;
	}
	out->present = out->available = true;
	out->nops = n;
	out->ops = dbg_xcalloc(n ? n : 1, sizeof(*ops));
	memcpy(out->ops, ops, n * sizeof(*ops));
	free(frame);
	return 0;
}

int dwi_cfa_at(struct dwi *d, uint64_t pc, struct dwi_loc *out)
{
	Dwarf_Addr bias = 0;
	Dwarf_CFI *cfi;

	memset(out, 0, sizeof(*out));
	cfi = dwfl_module_eh_cfi(d->mod, &bias);
	if (cfi && cfa_from(cfi, pc + d->bias - bias, out) == 0)
		return 0;
	cfi = dwfl_module_dwarf_cfi(d->mod, &bias);
	if (cfi && cfa_from(cfi, pc + d->bias - bias, out) == 0)
		return 0;
	return -ENOENT;
}

/* ---- types by DIE offset, for $p->a->b[i] ------------------------------- */

int dwi_type_at(struct dwi *d, Dwarf_Off type, struct dwi_type *out)
{
	Dwarf_Die die, mem, tmem, *t, *target;
	Dwarf_Word n;
	Dwarf_Die sub;

	memset(out, 0, sizeof(*out));
	if (!type || !dwarf_offdie(d->dw, type, &die))
		return -ENOENT;
	dwi_scalar_of_type(&die, &out->val);
	t = strip(&die, &mem);
	if (!t)
		return -ENOENT;
	out->stripped = dwarf_dieoffset(t);
	out->name = dwi_type_name(t);
	if (out->val.kind != DWI_VAL_POINTER && out->val.kind != DWI_VAL_ARRAY)
		return 0;
	target = type_ref(t, &tmem);
	out->target = target ? dwarf_dieoffset(target) : 0;
	out->elem_size = -1;
	if (target) {
		Dwarf_Die smem, *st = strip(target, &smem);

		if (st && dwarf_aggregate_size(st, &n) == 0)
			out->elem_size = (int64_t)n;
	}
	if (out->val.kind == DWI_VAL_ARRAY && dwarf_child(t, &sub) == 0 &&
	    dwarf_tag(&sub) == DW_TAG_subrange_type) {
		if (udata(&sub, DW_AT_upper_bound, &n) == 0)
			out->nelems = (int64_t)n + 1;
		else if (udata(&sub, DW_AT_count, &n) == 0)
			out->nelems = (int64_t)n;
	}
	return 0;
}

/* Member 'name' of the struct/union t, through anonymous members */
static int find_member(Dwarf_Die *t, const char *name, uint64_t base,
		       struct dwi_member *out, int depth)
{
	Dwarf_Die child, mem, *mt;
	Dwarf_Word loc = 0, bits;
	const char *n;

	if (depth > 32 || dwarf_child(t, &child) != 0)
		return -ENOENT;
	do {
		if (dwarf_tag(&child) != DW_TAG_member)
			continue;
		loc = 0;
		udata(&child, DW_AT_data_member_location, &loc);
		n = dwarf_diename(&child);
		if (!n) {
			mt = strip(type_ref(&child, &mem), &mem);
			if (mt && find_member(mt, name, base + loc, out, depth + 1) == 0)
				return 0;
			continue;
		}
		if (strcmp(n, name))
			continue;
		memset(out, 0, sizeof(*out));
		mt = type_ref(&child, &mem);
		out->type = mt ? dwarf_dieoffset(mt) : 0;
		out->offset = base + loc;
		if (udata(&child, DW_AT_bit_size, &bits) == 0) {
			Dwarf_Word boff = 0;

			out->bit_size = (int)bits;
			/* DWARF 4+: DW_AT_data_bit_offset from the struct start */
			if (udata(&child, DW_AT_data_bit_offset, &boff) == 0) {
				out->offset = base + boff / 8;
				out->bit_offset = (int)(boff % 8);
			}
		}
		return 0;
	} while (dwarf_siblingof(&child, &child) == 0);
	return -ENOENT;
}

int dwi_member(struct dwi *d, Dwarf_Off type, const char *name,
	       struct dwi_member *out)
{
	Dwarf_Die die, mem, *t;
	int tag;

	if (!type || !dwarf_offdie(d->dw, type, &die))
		return -ENOENT;
	t = strip(&die, &mem);
	tag = t ? dwarf_tag(t) : 0;
	if (tag != DW_TAG_structure_type && tag != DW_TAG_union_type &&
	    tag != DW_TAG_class_type)
		return -EINVAL;
	return find_member(t, name, 0, out, 0);
}

static void walk_members(Dwarf_Die *t, dwi_member_name_cb cb, void *arg,
			 int depth)
{
	Dwarf_Die child, mem, *mt;
	const char *n;

	if (depth > 32 || dwarf_child(t, &child) != 0)
		return;
	do {
		if (dwarf_tag(&child) != DW_TAG_member)
			continue;
		n = dwarf_diename(&child);
		if (n) {
			cb(n, arg);
			continue;
		}
		mt = strip(type_ref(&child, &mem), &mem);
		if (mt)
			walk_members(mt, cb, arg, depth + 1);
	} while (dwarf_siblingof(&child, &child) == 0);
}

int dwi_member_names(struct dwi *d, Dwarf_Off type, dwi_member_name_cb cb,
		     void *arg)
{
	Dwarf_Die die, mem, *t;

	if (!type || !dwarf_offdie(d->dw, type, &die))
		return -ENOENT;
	t = strip(&die, &mem);
	if (!t)
		return -ENOENT;
	walk_members(t, cb, arg, 0);
	return 0;
}
