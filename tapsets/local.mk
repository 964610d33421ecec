# tapsets/: the .stp/.stpm tree is installed into $(tapsetdir) as it is
# laid out here (runtime, kernel-version and arch subdirectories; see
# tapsets/README.md), so adding a file needs no edit here.
EXTRA_DIST += tapsets/README.md tapsets/gen/gen-syscalls tapsets/gen/syscall-vars.txt

install-data-local: install-tapsets
install-tapsets:
	@cd $(srcdir)/tapsets && find . -type f \( -name '*.stp' -o -name '*.stpm' \) | \
	while read -r f; do \
		$(MKDIR_P) "$(DESTDIR)$(tapsetdir)/$$(dirname "$$f")" || exit 1; \
		echo " $(INSTALL_DATA) tapsets/$$f $(DESTDIR)$(tapsetdir)/$$f"; \
		$(INSTALL_DATA) "$$f" "$(DESTDIR)$(tapsetdir)/$$f" || exit 1; \
	done

uninstall-local: uninstall-tapsets
uninstall-tapsets:
	rm -rf "$(DESTDIR)$(tapsetdir)"

dist-hook: dist-tapsets
dist-tapsets:
	dst=$$(cd "$(distdir)" && pwd) && cd $(srcdir) && \
	find tapsets -type f \( -name '*.stp' -o -name '*.stpm' \) | \
	while read -r f; do \
		$(MKDIR_P) "$$dst/$$(dirname "$$f")" || exit 1; \
		cp -p "$$f" "$$dst/$$f" || exit 1; \
	done

.PHONY: install-tapsets uninstall-tapsets dist-tapsets
