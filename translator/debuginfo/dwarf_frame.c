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

/* Typedefs and qualifiers are transparent to the value's shape. */
static Dwarf_Die *strip(Dwarf_Die *t, Dwarf_Die *mem)
{
	Dwarf_Attribute a;
	int depth = 0;

	while (t && depth++ < 64) {
		switch (dwarf_tag(t)) {
		case DW_TAG_typedef:
		case DW_TAG_const_type:
		case DW_TAG_volatile_type:
		case DW_TAG_restrict_type:
		case DW_TAG_atomic_type:
			t = dwarf_formref_die(dwarf_attr_integrate(t, DW_AT_type, &a), mem);
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
