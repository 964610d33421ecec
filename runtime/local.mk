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

# The in-kernel runtime of the module backend (runtime/linux/): installed
# with format.[ch] and stats.[ch] into $(runtimedir), where stap's pass 4
# points kbuild (-I).  Kernel code: built by kbuild, never by make here.
runtime_linuxdir = $(runtimedir)/linux
runtime_compatdir = $(runtimedir)/linux/compat
runtime_autoconfdir = $(runtimedir)/linux/autoconf
dist_runtime_DATA = runtime/format.c runtime/format.h runtime/stats.c runtime/stats.h
dist_runtime_linux_DATA = runtime/linux/runtime.h runtime/linux/runtime.c \
	runtime/linux/sonde_abi.h runtime/linux/transport.c runtime/linux/map.c \
	runtime/linux/output.c runtime/linux/probes.c runtime/linux/session.c \
	runtime/linux/kernel_types.h
dist_runtime_compat_DATA = runtime/linux/compat/nofault.h runtime/linux/compat/kprobes.h \
	runtime/linux/compat/clock.h runtime/linux/compat/uprobes.h \
	runtime/linux/compat/procfs.h runtime/linux/compat/timer.h \
	runtime/linux/compat/tracepoint.h
dist_runtime_autoconf_DATA = runtime/linux/autoconf/get_random_u32.c runtime/linux/autoconf/get_kretprobe.c \
	runtime/linux/autoconf/regs_get_kernel_argument.c \
	runtime/linux/autoconf/hrtimer_setup.c runtime/linux/autoconf/kbuild_works.c runtime/linux/autoconf/copy_from_kernel_nofault.c \
	runtime/linux/autoconf/proc_ops.c runtime/linux/autoconf/tracepoint_ptr.c \
	runtime/linux/autoconf/sched_clock_h.c runtime/linux/autoconf/uprobe_register_ptr.c
