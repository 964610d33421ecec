# Test suite.  Cases live in testsuite/<area>/ and are run by testsuite/run;
# see testsuite/README.md.  Whole case directories are distributed (automake
# copies directories listed in EXTRA_DIST recursively), so adding a case
# needs no change here; a new area directory must be added to the list.
EXTRA_DIST += \
	testsuite/run \
	testsuite/README.md \
	testsuite/parseok \
	testsuite/parseko

check-local:
	STAP=$(abs_top_builddir)/translator/stap \
	P1CHECK=$(abs_top_builddir)/translator/p1check \
	$(top_srcdir)/testsuite/run
