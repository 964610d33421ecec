/* test_dwarf - functions, variables, locations and lines from the DWARF
 * of a sample program built here.
 *
 * At -O0 the expected -L variable lists are what SystemTap 4.8 prints for
 * this program (stap -L 'process("sample").function("*")'), the lines
 * come from the embedded source, addresses are checked against nm and the
 * SDT note.  At -O2 the static helper is inlined and the parameters live
 * in location lists.  Exits 77 without a C compiler. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <dwarf.h>

#include "translator/debuginfo/dwarf.h"
#include "translator/debuginfo/elfsym.h"
#include "translator/debuginfo/testutil.h"

/* "$name:type ..." of the variables stap -L would show: those with a
 * value at the pc. */
static char *var_list(const struct dwi_vars *vs)
{
	static char buf[1024];
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < vs->n && n < sizeof(buf); i++) {
		const struct dwi_var *v = &vs->v[i];
		if (v->loc.available || v->has_const_value)
			n += snprintf(buf + n, sizeof(buf) - n, "%s$%s:%s",
				      n ? " " : "", v->name, v->type);
	}
	return buf;
}

static const struct dwi_func *func_checked(struct dwi *d, const char *name,
					   const char *src_needle)
{
	const struct dwi_func *fn = dwi_func(d, name);

	CHECK(fn != NULL);
	if (!fn)
		return NULL;
	CHECK_STR(fn->name, name);
	CHECK_INT(fn->decl_line, test_sample_line(src_needle));
	CHECK(fn->decl_file && strstr(fn->decl_file, "/sample.c"));
	CHECK(!fn->inlined && fn->low_pc <= fn->entry_pc && fn->entry_pc < fn->high_pc);
	return fn;
}

/* The function's parameters and locals at its probe point. */
static void check_vars(struct dwi *d, const struct dwi_func *fn,
		       const char *want, int nparams)
{
	struct dwi_vars *vs;
	uint64_t pc;

	CHECK_INT(dwi_prologue_end(d, fn, &pc), 0);
	vs = dwi_vars_at(d, fn, pc);
	CHECK(vs != NULL);
	if (!vs)
		return;
	CHECK_STR(var_list(vs), want);
	printf("%s@%s:%d pc %#llx: %s\n", fn->name, strrchr(fn->decl_file, '/') + 1,
	       fn->decl_line, (unsigned long long)pc, var_list(vs));
	for (size_t i = 0; i < vs->n; i++) {
		const struct dwi_var *v = &vs->v[i];
		CHECK(v->is_param == ((int)i < nparams));
		/* -O0: every variable lives in the frame, one exprloc each. */
		CHECK(v->loc.present && !v->loc.is_loclist && v->loc.nops == 1 &&
		      v->loc.ops[0].atom == DW_OP_fbreg);
		CHECK(v->type_die != 0);
	}
	CHECK(vs->frame_base.available && vs->frame_base.nops == 1 &&
	      vs->frame_base.ops[0].atom == DW_OP_call_frame_cfa);
	/* the CFA rule from the CFI: a register plus an offset */
	CHECK(vs->cfa.available && vs->cfa.nops == 1 &&
	      (vs->cfa.ops[0].atom == DW_OP_bregx ||
	       (vs->cfa.ops[0].atom >= DW_OP_breg0 &&
		vs->cfa.ops[0].atom <= DW_OP_breg31)));
	dwi_vars_free(vs);
}

static void count_name(const char *name, void *arg)
{
	(void)name;
	(*(int *)arg)++;
}

/* Value shapes, types and members for code generators: add_points's
 * $p (struct point *), $scale (long), $buf (char[16]). */
static void check_types(struct dwi *d, const struct dwi_func *fn)
{
	struct dwi_vars *vs;
	struct dwi_type t, pt;
	struct dwi_member m;
	struct dwi_scalar ret;
	uint64_t pc;
	int nnames;

	CHECK_INT(dwi_prologue_end(d, fn, &pc), 0);
	vs = dwi_vars_at(d, fn, pc);
	CHECK(vs && vs->n >= 5);
	if (!vs || vs->n < 5)
		return;
	CHECK_STR(vs->v[0].name, "p");
	CHECK_INT(vs->v[0].val.kind, DWI_VAL_POINTER);
	CHECK_INT(vs->v[0].val.size, 8);
	CHECK_INT(vs->v[2].val.kind, DWI_VAL_INT);
	CHECK_INT(vs->v[2].val.size, 8);
	CHECK(vs->v[2].val.is_signed);
	CHECK_INT(vs->v[4].val.kind, DWI_VAL_ARRAY);
	CHECK_INT(dwi_type_at(d, vs->v[0].type_die, &t), 0);
	CHECK_STR(t.name, "struct point*");
	CHECK_INT(t.elem_size, 16);
	CHECK_INT(dwi_type_at(d, t.target, &pt), 0);
	CHECK_STR(pt.name, "struct point");
	CHECK_INT(pt.val.kind, DWI_VAL_AGGREGATE);
	CHECK_INT(dwi_member(d, t.target, "y", &m), 0);
	CHECK_INT(m.offset, 4);
	CHECK_INT(m.bit_size, 0);
	CHECK_INT(dwi_member(d, t.target, "label", &m), 0);
	CHECK_INT(m.offset, 8);
	CHECK_INT(dwi_member(d, t.target, "z", &m), -ENOENT);
	CHECK_INT(dwi_member(d, vs->v[0].type_die, "x", &m), -EINVAL);
	nnames = 0;
	CHECK_INT(dwi_member_names(d, t.target, count_name, &nnames), 0);
	CHECK_INT(nnames, 3);	/* x y label */
	free(t.name);
	free(pt.name);
	CHECK_INT(dwi_type_at(d, vs->v[4].type_die, &t), 0);
	CHECK_INT(t.nelems, 16);
	CHECK_INT(t.elem_size, 1);
	free(t.name);
	CHECK_INT(dwi_return_scalar(d, fn, &ret), 0);
	CHECK(ret.kind == DWI_VAL_INT && ret.size == 8 && ret.is_signed);
	dwi_vars_free(vs);
}

static void check_functions(struct dwi *d, const char *bin)
{
	const struct dwi_func *fn;
	uint64_t pc;
	const char *file;
	int line;
	char *ret;

	fn = func_checked(d, "add_points", "long add_points(");
	if (fn) {
		CHECK(fn->external);
		CHECK_INT(fn->entry_pc, test_nm_addr(bin, "", "add_points"));
		check_vars(d, fn, "$p:struct point* $tag:char const* $scale:long int "
			   "$sum:int $buf:char[]", 3);
		check_types(d, fn);
		/* The probe point is past the prologue, on the first statement. */
		CHECK_INT(dwi_prologue_end(d, fn, &pc), 0);
		CHECK(pc > fn->entry_pc && pc < fn->high_pc);
		CHECK_INT(dwi_addr_line(d, pc, &file, &line), 0);
		CHECK_INT(line, test_sample_line("int sum = p->x"));
		ret = dwi_return_type(d, fn);
		CHECK_STR(ret, "long int");
		free(ret);
	}
	fn = func_checked(d, "helper", "static int helper(");
	if (fn) {
		CHECK(!fn->external);
		CHECK_INT(fn->entry_pc, test_nm_addr(bin, "", "helper"));
		check_vars(d, fn, "$v:int $doubled:int", 1);
	}
	fn = func_checked(d, "main", "int main(");
	if (fn)
		check_vars(d, fn, "$argc:int $argv:char** $pt:struct point", 2);
	CHECK_INT(dwi_funcs(d, "*", DWI_ANY, NULL, NULL), 3);
	CHECK_INT(dwi_funcs(d, "*", DWI_INLINE, NULL, NULL), 0);
	CHECK_INT(dwi_funcs(d, "add_*", DWI_CALL, NULL, NULL), 1);
	CHECK(dwi_func(d, "no_such_function") == NULL && errno == ENOENT);
}

/* file:line -> address, and back; the SDT marker's line must give the
 * marker's own address (its nop is the first instruction of the line). */
static void check_lines(struct dwi *d, const struct test_sample *s)
{
	int line = test_sample_line("SAMPLE_PROBE2(sum, scale);");
	struct esym_file *f = esym_open(s->bin);
	const struct sdt_probe *p = NULL;
	struct dwi_line *l = NULL;
	const char *file;
	size_t np = 0;
	int n, back;

	CHECK(f && esym_sdt(f, &p, &np) == 0 && np == 1);
	n = dwi_lines(d, "sample.c", line, &l);
	CHECK_INT(n, 1);
	if (n == 1 && np == 1) {
		CHECK_INT(l[0].addr, p->pc);
		CHECK_STR(l[0].file, s->src);
		CHECK_INT(dwi_addr_line(d, l[0].addr, &file, &back), 0);
		CHECK_INT(back, line);
		printf("sample.c:%d -> %#llx (the SDT pc)\n", line,
		       (unsigned long long)l[0].addr);
	}
	free(l);
	CHECK_INT(dwi_lines(d, s->src, line, &l), 1);	/* the full path */
	free(l);
	CHECK_INT(dwi_lines(d, "*.c", line, &l), 1);
	free(l);
	CHECK_INT(dwi_lines(d, "nosuch.c", line, &l), 0);
	free(l);
	CHECK_INT(dwi_lines(d, "sample.c", 3, &l), 0);	/* a blank line */
	free(l);
	esym_close(f);
}

static int first_func(const struct dwi_func *fn, void *arg)
{
	*(const struct dwi_func **)arg = fn;
	return -1;	/* stop at the first */
}

/* -O2: helper is inlined into add_points; the instance is listed, and
 * its variables are its own, not its caller's. */
static void check_inline(struct dwi *d)
{
	const struct dwi_func *fn = NULL;
	struct dwi_vars *vs;
	uint64_t pc;

	CHECK(dwi_funcs(d, "helper", DWI_INLINE, NULL, NULL) >= 1);
	dwi_funcs(d, "helper", DWI_INLINE, first_func, &fn);
	CHECK(fn && fn->inlined && fn->decl_line == test_sample_line("static int helper("));
	if (!fn || dwi_prologue_end(d, fn, &pc) != 0)
		return;
	CHECK_INT(pc, fn->entry_pc);
	vs = dwi_vars_at(d, fn, pc);
	CHECK(vs && vs->n == 2);
	if (vs && vs->n == 2) {
		CHECK_STR(vs->v[0].name, "v");
		CHECK_STR(vs->v[1].name, "doubled");
		CHECK_STR(vs->v[1].type, "int");
	}
	dwi_vars_free(vs);
}

static void check_optimized(void)
{
	const struct dwi_func *fn;
	struct test_sample s;
	struct dwi_vars *vs;
	bool loclist = false;
	struct dwi *d;
	uint64_t pc;

	test_sample_build(&s, "-g -O2 -no-pie");
	d = dwi_open(s.bin);
	CHECK(d != NULL);
	if (d)
		check_inline(d);
	fn = d ? dwi_func(d, "add_points") : NULL;
	if (fn && dwi_prologue_end(d, fn, &pc) == 0 && (vs = dwi_vars_at(d, fn, pc))) {
		for (size_t i = 0; i < vs->n; i++)
			loclist |= vs->v[i].is_param && vs->v[i].loc.is_loclist;
		printf("-O2 add_points pc %#llx: %s\n", (unsigned long long)pc, var_list(vs));
		dwi_vars_free(vs);
	}
	CHECK(loclist);
	dwi_close(d);
	test_sample_cleanup(&s);
}

static void check_speed(const char *bin)
{
	double t0 = test_now_ms(), t1;
	struct dwi *d = dwi_open(bin);
	const struct dwi_func *fn;
	struct dwi_vars *vs;

	if (!d)
		return;
	dwi_func(d, "main");
	t1 = test_now_ms();
	printf("open + index DWARF: %.2f ms\n", t1 - t0);
	t0 = test_now_ms();
	for (int i = 0; i < 500; i++) {
		fn = dwi_func(d, "add_points");
		vs = fn ? dwi_vars_at(d, fn, fn->entry_pc) : NULL;
		CHECK(vs != NULL);
		dwi_vars_free(vs);
	}
	t1 = test_now_ms();
	printf("1000 DWARF lookups (function, variables at pc): %.2f ms\n", t1 - t0);
	CHECK(t1 - t0 < 1000);
	dwi_close(d);
}

int main(void)
{
	struct test_sample s;
	struct dwi *d;

	test_sample_build(&s, "-g -O0 -no-pie");
	d = dwi_open(s.bin);
	CHECK(d != NULL);
	if (d) {
		check_functions(d, s.bin);
		check_lines(d, &s);
	}
	dwi_close(d);
	check_speed(s.bin);
	test_sample_cleanup(&s);
	check_optimized();
	d = dwi_open("/bin/bash");
	printf("/bin/bash: %s\n", d ? "has DWARF (debuginfo installed)"
				    : errno == ENODATA ? "no DWARF (symbol-only probes)"
						       : strerror(errno));
	CHECK(d || errno == ENODATA || errno == ENOENT);
	dwi_close(d);
	return test_finish("test_dwarf");
}
