# man/: manual pages, installed into $(mandir)/man1.
dist_man_MANS += man/stap.1 man/staprun.1
