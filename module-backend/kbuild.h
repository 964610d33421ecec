/* Pass 4 of --runtime=kernel: the target kernel, its feature tests, the
 * kbuild run and the build cache. */
#ifndef SONDE_MODULE_BACKEND_KBUILD_H
#define SONDE_MODULE_BACKEND_KBUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A content hash for cache keys (128 bits as 32 hex digits) */
struct khash {
	uint64_t a, b;
};

void khash_init(struct khash *h);
void khash_add(struct khash *h, const void *data, size_t n);
void khash_add_str(struct khash *h, const char *s);	/* with its NUL */
/* a file's bytes (a missing file hashes as such); 0 or -errno */
int khash_add_file(struct khash *h, const char *path);
void khash_hex(const struct khash *h, char out[33]);

/* The kernel a module is built for */
struct ktarget {
	char build_dir[4096];	/* its kbuild tree */
	char release[256];	/* include/config/kernel.release */
	char identity[33];	/* hash of the tree's generated config */
};

/* -r RELEASE (under /lib/modules) or -r BUILD_DIR, or the running
 * kernel when arg is NULL.  Prints the reason and returns -1 when there
 * is no usable build tree. */
int ktarget_find(struct ktarget *t, const char *arg);

struct kbuild_opts {
	const char *runtime_dir;	/* holds linux/runtime.h, format.c ... */
	const char *cache_dir;		/* ~/.sonde/cache, or NULL: none */
	const char *const *make_args;	/* -B NAME=VALUE, passed to make */
	int nmake_args;
	int verbose;
};

/* The HAVE_* header of the feature tests (the files of runtime/linux/autoconf/)
 * for this kernel, from the cache or by compiling them in tmpdir.
 * Returns a malloc'ed text, or NULL after printing why. */
char *kbuild_features(const struct ktarget *t, const struct kbuild_opts *o,
		      const char *tmpdir);

/* Build dir/NAME.ko from dir/NAME.c and dir/sonde_autoconf.h.  On a
 * compiler failure its messages are printed.  0 or -1. */
int kbuild_module(const struct ktarget *t, const struct kbuild_opts *o,
		  const char *dir, const char *name);

/* Helpers shared with the driver */
int kbuild_write_file(const char *path, const char *text, size_t len);
int kbuild_copy_file(const char *from, const char *to);
int kbuild_mkdirs(const char *path);	/* mkdir -p */
void kbuild_remove_tree(const char *dir);

#endif
