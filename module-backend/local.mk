# module-backend/: pass 3 and 4 of --runtime=kernel.  The emitter turns
# the elaborated program into the C of a kernel module against
# runtime/linux/; kbuild.c runs the feature tests and kbuild and keeps
# the build cache.  See module-backend/README.md.
noinst_LIBRARIES += module-backend/libmodgen.a
module_backend_libmodgen_a_SOURCES = \
	module-backend/emit.c module-backend/emit.h module-backend/emit_int.h \
	module-backend/emit_call.c module-backend/emit_expr.c \
	module-backend/emit_print.c module-backend/emit_stmt.c \
	module-backend/emit_target.c \
	module-backend/kbuild.c module-backend/kbuild.h

EXTRA_DIST += module-backend/README.md
