# Test suite.  Cases live in testsuite/<area>/ and are run by testsuite/run;
# see testsuite/README.md.  Whole case directories are distributed (automake
# copies directories listed in EXTRA_DIST recursively), so adding a case
# needs no change here; a new area directory must be added to the list.
EXTRA_DIST += \
	testsuite/run \
	testsuite/README.md \
	testsuite/parseok \
	testsuite/parseko \
	testsuite/semok \
	testsuite/semko \
	testsuite/listing \
	testsuite/bpf \
	testsuite/module \
	testsuite/vm

# The runner also runs the unit-test programs and the pass-1 fuzz target,
# so `make check` ends with its one "N passed, N failed" line.
check-local: $(UNIT_TESTS) $(FUZZ_TARGET)
	STAP=$(abs_top_builddir)/translator/stap \
	P1CHECK=$(abs_top_builddir)/translator/p1check \
	UNIT_TESTS="$(addprefix $(abs_top_builddir)/,$(UNIT_TESTS))" \
	FUZZER="$(if $(FUZZ_TARGET),$(abs_top_builddir)/$(FUZZ_TARGET))" \
	$(top_srcdir)/testsuite/run
