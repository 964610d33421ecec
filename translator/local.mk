# translator/: stap, the translator driver, and its pass-1 tools.

bin_PROGRAMS += translator/stap
noinst_LIBRARIES += translator/libtranslator.a
check_PROGRAMS += translator/p1check

translator_libtranslator_a_SOURCES = \
	translator/aliases.c translator/aliases.h \
	translator/arena.c translator/arena.h \
	translator/ast.h translator/ast_clone.c translator/ast_clone.h \
	translator/ast_walk.c translator/ast_walk.h \
	translator/autoprint.c translator/autoprint.h \
	translator/build.c translator/build.h \
	translator/diag.c translator/diag.h \
	translator/dump.c translator/dump.h \
	translator/dump_p2.c translator/dump_p2.h \
	translator/elaborate.c translator/elaborate.h \
	translator/types.c translator/types.h \
	translator/kconfig.c translator/kconfig.h \
	translator/optimize.c translator/optimize.h \
	translator/lexer.l translator/lexer.h \
	translator/parse.c translator/parse.h \
	translator/passtime.c translator/passtime.h \
	translator/parser.y \
	translator/preproc.c translator/preproc.h \
	translator/strlit.c translator/strlit.h \
	translator/strset.c translator/strset.h \
	translator/suggest.c translator/suggest.h \
	translator/tapsets.c translator/tapsets.h

# bison/flex outputs are distributed, so a tarball builds without them
BUILT_SOURCES += translator/parser.h

TRANSLATOR_LIBS = translator/libtranslator.a runtime/libsondefmt.a

translator_stap_SOURCES = translator/main.c \
	translator/listing.c translator/listing.h \
	translator/bpf_pass.c translator/bpf_pass.h \
	translator/module_pass.c translator/module_pass.h \
	translator/staprun_exec.c translator/staprun_exec.h
# the installed stap finds the installed tapsets and staprun without flags
translator_stap_CPPFLAGS = $(AM_CPPFLAGS) -DSONDE_TAPSET_DIR='"$(tapsetdir)"' \
	-DSONDE_BINDIR='"$(bindir)"' -DSONDE_RUNTIME_DIR='"$(runtimedir)"' \
	-DSONDE_SOURCE_TAPSET_DIR='"$(abs_top_srcdir)/tapsets"' \
	-DSONDE_SRC_RUNTIME_DIR='"$(abs_top_srcdir)/runtime"'
# passes 3-5 of --runtime=bpf: bpf-backend's code generator and object
# writer (bpf_pass.c)
translator_stap_CFLAGS = $(AM_CFLAGS) $(LIBBPF_CFLAGS) $(LIBELF_CFLAGS)
translator_stap_LDADD = module-backend/libmodgen.a bpf-backend/libbpfgen.a $(TRANSLATOR_LIBS) \
	$(LIBBPF_LIBS) $(LIBELF_LIBS) -lpthread

translator_p1check_SOURCES = translator/p1check.c
translator_p1check_LDADD = $(TRANSLATOR_LIBS)

# distributed so that tarball builds need neither bison nor flex
EXTRA_DIST += translator/parser.h

# The pass-1 fuzz target (libFuzzer), built and run by make check when
# clang with libFuzzer is available.
EXTRA_DIST += translator/parse_fuzz.c
PARSE_FUZZ_INPUTS = translator/parse_fuzz.c translator/arena.c translator/build.c \
	translator/aliases.c translator/ast_clone.c translator/ast_walk.c translator/optimize.c \
	translator/diag.c translator/dump.c translator/dump_p2.c \
	translator/elaborate.c translator/types.c translator/autoprint.c \
	translator/parse.c \
	translator/preproc.c translator/strlit.c translator/strset.c translator/tapsets.c \
	translator/suggest.c \
	translator/parser.c \
	translator/lexer.c runtime/format.c runtime/stats.c
if HAVE_LIBFUZZER
FUZZ_TARGET = translator/parse_fuzz
# pass 2 links the providers; the fuzzer runs it without them
translator/parse_fuzz: $(PARSE_FUZZ_INPUTS) translator/parser.h translator/providers/libproviders.a translator/debuginfo/libdebuginfo.a
	$(AM_V_CCLD)$(CLANG) -g -O1 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined -I$(top_srcdir) -I$(top_builddir) \
		-o $@ $(filter %.c,$^) $(PROVIDER_LIBS)
CLEANFILES += translator/parse_fuzz
else
FUZZ_TARGET =
endif
