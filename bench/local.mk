# bench/: benchmarks, run by `make bench` (never by make check: numbers,
# not pass/fail).  See bench/README.md.  The BPF ones need root, clang
# and libbpf; the C they build (getppid-loop.c, ref/) is built at bench
# time into a temporary directory.
EXTRA_DIST += bench/README.md bench/lib.sh bench/parse.sh bench/pass2.sh \
	bench/startup.sh bench/events.sh bench/getppid-loop.c bench/ref/run.c \
	bench/ref/count.bpf.c bench/ref/hist.bpf.c bench/ref/ustack.bpf.c \
	bench/ref/empty.bpf.c bench/ref/keep.bpf.c bench/module_build.sh

bench: all
	STAP=$(abs_top_builddir)/translator/stap $(top_srcdir)/bench/parse.sh
	$(top_srcdir)/bench/pass2.sh $(abs_top_builddir)/translator/stap
	$(top_srcdir)/bench/startup.sh $(abs_top_builddir)/translator/stap
	$(top_srcdir)/bench/events.sh $(abs_top_builddir)/translator/stap
	STAP=$(abs_top_builddir)/translator/stap $(top_srcdir)/bench/module_build.sh
.PHONY: bench
