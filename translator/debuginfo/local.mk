# translator/debuginfo: what pass 2 knows about the target from BTF, tracefs,
# ELF symbol tables and DWARF.  See translator/debuginfo/README.md.

noinst_LIBRARIES += translator/debuginfo/libdebuginfo.a
translator_debuginfo_libdebuginfo_a_SOURCES = \
	translator/debuginfo/util.c translator/debuginfo/util.h \
	translator/debuginfo/symindex.c translator/debuginfo/symindex.h \
	translator/debuginfo/btf.h translator/debuginfo/btf_int.h \
	translator/debuginfo/btf_load.c translator/debuginfo/btf_name.c \
	translator/debuginfo/btf_type.c translator/debuginfo/btf_proto.c \
	translator/debuginfo/tracefs.h translator/debuginfo/tracefs_int.h \
	translator/debuginfo/tracefs.c translator/debuginfo/tracefs_format.c \
	translator/debuginfo/elfsym.h translator/debuginfo/elfsym_int.h \
	translator/debuginfo/elfsym.c translator/debuginfo/elfsym_table.c \
	translator/debuginfo/elfsym_plt.c translator/debuginfo/sdt.c \
	translator/debuginfo/kallsyms.c translator/debuginfo/kallsyms.h \
	translator/debuginfo/dwarf.h translator/debuginfo/dwarf_int.h \
	translator/debuginfo/dwarf_load.c translator/debuginfo/dwarf_name.c \
	translator/debuginfo/dwarf_vars.c translator/debuginfo/dwarf_line.c \
	translator/debuginfo/dwarf_frame.c
DEBUGINFO_CFLAGS = $(AM_CFLAGS) $(LIBBPF_CFLAGS) $(LIBELF_CFLAGS) $(LIBDW_CFLAGS)
translator_debuginfo_libdebuginfo_a_CFLAGS = $(DEBUGINFO_CFLAGS)

# What a program using the library links with.
DEBUGINFO_LIBS = translator/debuginfo/libdebuginfo.a \
	$(LIBBPF_LIBS) $(LIBDW_LIBS) $(LIBELF_LIBS)

# Unit tests against the running machine (kernel BTF, tracefs, kallsyms)
# and a sample program they compile; each exits 77 when its facility is
# absent.
DEBUGINFO_TESTS = \
	translator/debuginfo/test_btf translator/debuginfo/test_tracefs \
	translator/debuginfo/test_elfsym translator/debuginfo/test_dwarf
check_PROGRAMS += $(DEBUGINFO_TESTS)
UNIT_TESTS += $(DEBUGINFO_TESTS)
DEBUGINFO_TEST_UTIL = translator/debuginfo/testutil.c translator/debuginfo/testutil.h

translator_debuginfo_test_btf_SOURCES = translator/debuginfo/test_btf.c $(DEBUGINFO_TEST_UTIL)
translator_debuginfo_test_btf_CFLAGS = $(DEBUGINFO_CFLAGS)
translator_debuginfo_test_btf_LDADD = $(DEBUGINFO_LIBS)

translator_debuginfo_test_tracefs_SOURCES = translator/debuginfo/test_tracefs.c $(DEBUGINFO_TEST_UTIL)
translator_debuginfo_test_tracefs_CFLAGS = $(DEBUGINFO_CFLAGS)
translator_debuginfo_test_tracefs_LDADD = $(DEBUGINFO_LIBS)

translator_debuginfo_test_elfsym_SOURCES = translator/debuginfo/test_elfsym.c $(DEBUGINFO_TEST_UTIL)
translator_debuginfo_test_elfsym_CFLAGS = $(DEBUGINFO_CFLAGS)
translator_debuginfo_test_elfsym_LDADD = $(DEBUGINFO_LIBS)

translator_debuginfo_test_dwarf_SOURCES = translator/debuginfo/test_dwarf.c $(DEBUGINFO_TEST_UTIL)
translator_debuginfo_test_dwarf_CFLAGS = $(DEBUGINFO_CFLAGS)
translator_debuginfo_test_dwarf_LDADD = $(DEBUGINFO_LIBS)

EXTRA_DIST += translator/debuginfo/README.md
