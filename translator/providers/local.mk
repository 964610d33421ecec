# translator/providers: probe-point resolution for pass 2 and stap -l/-L.
# See translator/providers/README.md.

noinst_LIBRARIES += translator/providers/libproviders.a
translator_providers_libproviders_a_SOURCES = \
	translator/providers/provider.h translator/providers/prov_int.h \
	translator/providers/registry.c translator/providers/match.c \
	translator/providers/suggest_fn.c translator/providers/derived.c \
	translator/providers/resolve.c translator/providers/handles.c \
	translator/providers/caps.c translator/providers/ctype.c \
	translator/providers/p_been.c translator/providers/p_timer.c \
	translator/providers/p_perf.c translator/providers/p_trace.c \
	translator/providers/p_kfunc.c translator/providers/p_kprobe.c \
	translator/providers/p_process.c translator/providers/p_pstatement.c \
	translator/providers/p_plt_mark.c translator/providers/p_utrace.c \
	translator/providers/p_procfs.c translator/providers/p_unsupported.c
translator_providers_libproviders_a_CFLAGS = $(DEBUGINFO_CFLAGS)

PROVIDER_LIBS = translator/providers/libproviders.a $(DEBUGINFO_LIBS)

# stap links the providers; the translator library again after them,
# since the providers call the parser and diagnostics.
translator_stap_LDADD += $(PROVIDER_LIBS) $(TRANSLATOR_LIBS)

# stap -L on a program compiled with -g at test time (the runner's cases
# cannot compile one).
check_PROGRAMS += translator/providers/test_listing
UNIT_TESTS += translator/providers/test_listing
translator_providers_test_listing_SOURCES = translator/providers/test_listing.c \
	$(DEBUGINFO_TEST_UTIL)
translator_providers_test_listing_CFLAGS = $(DEBUGINFO_CFLAGS)
translator_providers_test_listing_LDADD = $(DEBUGINFO_LIBS)

EXTRA_DIST += translator/providers/README.md
