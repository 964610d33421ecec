# bpf-backend: BPF instructions, their -p3 disassembly, the ELF object
# libbpf loads, and the code generator (codegen*.c) that lowers pass 2's
# program for stap --runtime=bpf.  See bpf-backend/README.md.
noinst_LIBRARIES += bpf-backend/libbpfgen.a
bpf_backend_libbpfgen_a_SOURCES = \
	bpf-backend/insn.h \
	bpf-backend/emit.c bpf-backend/emit.h \
	bpf-backend/disasm.c bpf-backend/disasm.h \
	bpf-backend/mapdef.c bpf-backend/mapdef.h \
	bpf-backend/funcinfo.c bpf-backend/funcinfo.h \
	bpf-backend/object.c bpf-backend/object.h \
	bpf-backend/codegen.c bpf-backend/codegen.h \
	bpf-backend/codegen_int.h \
	bpf-backend/codegen_call.c bpf-backend/codegen_expr.c \
	bpf-backend/codegen_func.c bpf-backend/codegen_try.c \
	bpf-backend/codegen_sprintf.c bpf-backend/codegen_strfn.c \
	bpf-backend/codegen_meta.c bpf-backend/codegen_object.c \
	bpf-backend/codegen_points.c \
	bpf-backend/codegen_rt.c bpf-backend/codegen_stmt.c \
	bpf-backend/codegen_str.c bpf-backend/codegen_uses.c \
	bpf-backend/codegen_var.c \
	bpf-backend/codegen_sub.c bpf-backend/codegen_foreach.c \
	bpf-backend/codegen_iter.c bpf-backend/codegen_iter.h \
	bpf-backend/codegen_stats.c \
	bpf-backend/codegen_ctxvar.c bpf-backend/codegen_mem.c \
	bpf-backend/codegen_uprobe.c bpf-backend/codegen_stack.c \
	bpf-backend/codegen_entry.c bpf-backend/codegen_dollars.c \
	bpf-backend/codegen_process.c bpf-backend/codegen_task.c \
	bpf-backend/codegen_quoted.c
bpf_backend_libbpfgen_a_CFLAGS = $(AM_CFLAGS) $(LIBBPF_CFLAGS) $(LIBELF_CFLAGS) \
	$(LIBDW_CFLAGS)

# test_emit needs no kernel; test_object loads into the running kernel and
# exits 77 (skip) without root or BPF.
check_PROGRAMS += bpf-backend/test_emit bpf-backend/test_object
bpf_backend_test_emit_SOURCES = bpf-backend/test_emit.c
bpf_backend_test_emit_LDADD = bpf-backend/libbpfgen.a
bpf_backend_test_object_SOURCES = bpf-backend/test_object.c
bpf_backend_test_object_CFLAGS = $(AM_CFLAGS) $(LIBBPF_CFLAGS) $(LIBELF_CFLAGS)
bpf_backend_test_object_LDADD = bpf-backend/libbpfgen.a \
	$(LIBBPF_LIBS) $(LIBELF_LIBS)

EXTRA_DIST += bpf-backend/README.md bpf-backend/valgrind.supp
UNIT_TESTS += bpf-backend/test_emit bpf-backend/test_object
