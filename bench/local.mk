# bench/: benchmarks, run by `make bench` (never by make check: numbers,
# not pass/fail).  See bench/README.md.
EXTRA_DIST += bench/README.md bench/parse.sh bench/startup.sh bench/module_build.sh

bench: all
	STAP=$(abs_top_builddir)/translator/stap $(top_srcdir)/bench/parse.sh
	$(top_srcdir)/bench/startup.sh $(abs_top_builddir)/translator/stap
	STAP=$(abs_top_builddir)/translator/stap $(top_srcdir)/bench/module_build.sh
.PHONY: bench
