# runtime/: the in-kernel runtime of the module backend (to come), and the
# formatter shared by every part: printf/sprintf, histograms, statistics and
# the exit-time printing of globals.  format.c and stats.c are freestanding
# C, also compiled by kbuild into each module; see runtime/README.md.
noinst_LIBRARIES += runtime/libsondefmt.a
runtime_libsondefmt_a_SOURCES = \
	runtime/format.c runtime/format.h \
	runtime/stats.c runtime/stats.h
# Compiled freestanding in user space too, as in the kernel (no libc, no
# builtins); `nm -u` on these objects must list nothing (see README.md).
runtime_libsondefmt_a_CFLAGS = $(AM_CFLAGS) -ffreestanding -fno-builtin

check_PROGRAMS += runtime/test_format
runtime_test_format_SOURCES = runtime/test_format.c
runtime_test_format_LDADD = runtime/libsondefmt.a

EXTRA_DIST += runtime/README.md
UNIT_TESTS += runtime/test_format
