# staprun/: pass 5 of the BPF backend.  Loads a Sonde BPF object with
# libbpf, attaches its probes, runs begin/end/error programs, formats
# the output records with runtime/format.c, prints unread globals, and
# always detaches and unloads.  The object contract is staprun/bpf_abi.h;
# see staprun/README.md.
noinst_LIBRARIES += staprun/libstaprun.a
staprun_libstaprun_a_SOURCES = \
	staprun/bpf_abi.h staprun/staprun.h \
	staprun/attach.c staprun/child.c staprun/elf.c staprun/globals.c \
	staprun/load.c staprun/log.c staprun/log.h staprun/meta.c \
	staprun/meta.h staprun/output.c staprun/run.c staprun/stack.c \
	staprun/transport.c staprun/module.c staprun/module.h staprun/modload.c
staprun_libstaprun_a_CFLAGS = $(AM_CFLAGS) $(LIBBPF_CFLAGS) $(LIBELF_CFLAGS)

STAPRUN_LIBS = staprun/libstaprun.a runtime/libsondefmt.a \
	$(LIBBPF_LIBS) $(LIBELF_LIBS)

bin_PROGRAMS += staprun/staprun
staprun_staprun_SOURCES = staprun/main.c
staprun_staprun_CFLAGS = $(AM_CFLAGS) $(LIBBPF_CFLAGS) $(LIBELF_CFLAGS)
staprun_staprun_LDADD = $(STAPRUN_LIBS)

# test_meta needs no kernel.  test_staprun runs the staprun binary next to
# it on objects built with bpf-backend (exit 77 without root or BPF).
check_PROGRAMS += staprun/test_meta staprun/test_staprun
staprun_test_meta_SOURCES = staprun/test_meta.c
staprun_test_meta_CFLAGS = $(AM_CFLAGS) $(LIBBPF_CFLAGS) $(LIBELF_CFLAGS)
staprun_test_meta_LDADD = $(STAPRUN_LIBS)
staprun_test_staprun_SOURCES = staprun/test_staprun.c \
	staprun/test_gen.c staprun/test_gen.h
staprun_test_staprun_CFLAGS = $(AM_CFLAGS) $(LIBBPF_CFLAGS) $(LIBELF_CFLAGS)
staprun_test_staprun_LDADD = bpf-backend/libbpfgen.a \
	$(LIBBPF_LIBS) $(LIBELF_LIBS)
EXTRA_staprun_test_staprun_DEPENDENCIES = staprun/staprun$(EXEEXT)

UNIT_TESTS += staprun/test_meta staprun/test_staprun
EXTRA_DIST += staprun/README.md staprun/valgrind.supp staprun/meta_fuzz.c

# libFuzzer target for the metadata parser, when clang can build one:
# `make staprun/meta_fuzz && staprun/meta_fuzz -max_total_time=60`.
if HAVE_LIBFUZZER
STAPRUN_FUZZ_TARGET = staprun/meta_fuzz
staprun/meta_fuzz: staprun/meta_fuzz.c staprun/meta.c staprun/meta.h
	$(AM_V_CCLD)$(CLANG) -g -O1 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined -I$(top_srcdir) -I$(top_builddir) \
		-o $@ $(filter %.c,$^)
CLEANFILES += staprun/meta_fuzz
else
STAPRUN_FUZZ_TARGET =
endif
