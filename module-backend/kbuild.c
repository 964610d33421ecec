/* kbuild.c - building a module with the target kernel's kbuild.
 *
 * Kernel differences are found by feature tests, the autoconf way: each
 * file in runtime/linux/autoconf/ is a tiny C file that compiles only
 * where the feature exists.  They are compiled together in one kbuild
 * run with make -k; each object that appears defines HAVE_<NAME>.  The
 * resulting header is cached per kernel build tree (its generated
 * config and release) and runtime, so the tests cost one kbuild run per
 * kernel, ever.  The module itself is one translation unit (the emitted
 * C includes the runtime), compiled with -Werror. */
#define _GNU_SOURCE
#include "module-backend/kbuild.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- hashing ---------------------------------------------------------------- */

void khash_init(struct khash *h)
{
	h->a = 14695981039346656037ULL;
	h->b = 0x9e3779b97f4a7c15ULL;
}

void khash_add(struct khash *h, const void *data, size_t n)
{
	const unsigned char *p = data;
	size_t i;

	for (i = 0; i < n; i++) {
		h->a = (h->a ^ p[i]) * 1099511628211ULL;
		h->b = (h->b + p[i] + 1) * 0xff51afd7ed558ccdULL;
		h->b ^= h->b >> 31;
	}
}

void khash_add_str(struct khash *h, const char *s)
{
	khash_add(h, s ? s : "", s ? strlen(s) + 1 : 1);
}

int khash_add_file(struct khash *h, const char *path)
{
	char buf[65536];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	khash_add_str(h, path);
	if (fd < 0) {
		khash_add_str(h, "<missing>");
		return -errno;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		khash_add(h, buf, n);
	close(fd);
	return n < 0 ? -EIO : 0;
}

void khash_hex(const struct khash *h, char out[33])
{
	snprintf(out, 33, "%016llx%016llx", (unsigned long long)h->a,
		 (unsigned long long)h->b);
}

/* ---- files ------------------------------------------------------------------- */

int kbuild_write_file(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	if (fwrite(text, 1, len, f) != len) {
		fclose(f);
		return -1;
	}
	return fclose(f) ? -1 : 0;
}

int kbuild_copy_file(const char *from, const char *to)
{
	char buf[65536], tmp[4096];
	int in = open(from, O_RDONLY | O_CLOEXEC), out;
	ssize_t n = 0;

	if (in < 0)
		return -1;
	/* write a temporary and rename: a concurrent reader of the cache
	 * sees the whole file or none */
	snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", to, (long)getpid());
	out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0) {
		close(in);
		return -1;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n) {
			n = -1;
			break;
		}
	close(in);
	if (close(out) || n < 0 || rename(tmp, to)) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

int kbuild_mkdirs(const char *path)
{
	char buf[4096];
	char *p;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(buf, 0755) && errno != EEXIST ? -1 : 0;
}

void kbuild_remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[4096];
	struct stat st;

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (!lstat(path, &st) && S_ISDIR(st.st_mode))
			kbuild_remove_tree(path);
		else
			unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0, n = 0, r;

	if (!f)
		return NULL;
	for (;;) {
		if (n + 4097 > cap) {
			cap = cap ? cap * 2 : 8192;
			buf = realloc(buf, cap);
		}
		r = fread(buf + n, 1, 4096, f);
		n += r;
		if (r < 4096)
			break;
	}
	fclose(f);
	buf[n] = '\0';
	return buf;
}

/* ---- the target kernel --------------------------------------------------------- */

int ktarget_find(struct ktarget *t, const char *arg)
{
	struct utsname u;
	struct khash h;
	char path[4200], *rel;
	struct stat st;

	memset(t, 0, sizeof(*t));
	uname(&u);
	if (arg && strchr(arg, '/'))
		snprintf(t->build_dir, sizeof(t->build_dir), "%s", arg);
	else
		snprintf(t->build_dir, sizeof(t->build_dir), "/lib/modules/%s/build",
			 arg ? arg : u.release);
	snprintf(path, sizeof(path), "%s/Makefile", t->build_dir);
	if (stat(path, &st)) {
		fprintf(stderr, "Checking \"%s\" failed with error: %s\n"
			"Ensure kernel development headers & makefiles are installed.\n",
			path, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof(path), "%s/include/config/kernel.release", t->build_dir);
	rel = read_text(path);
	if (rel) {
		rel[strcspn(rel, "\n")] = '\0';
		snprintf(t->release, sizeof(t->release), "%s", rel);
		free(rel);
	} else {
		snprintf(t->release, sizeof(t->release), "%s", arg && !strchr(arg, '/')
			 ? arg : u.release);
	}
	khash_init(&h);
	khash_add_str(&h, t->release);
	snprintf(path, sizeof(path), "%s/include/generated/autoconf.h", t->build_dir);
	khash_add_file(&h, path);
	snprintf(path, sizeof(path), "%s/include/generated/utsrelease.h", t->build_dir);
	khash_add_file(&h, path);
	snprintf(path, sizeof(path), "%s/Module.symvers", t->build_dir);
	khash_add_file(&h, path);
	khash_hex(&h, t->identity);
	return 0;
}

/* ---- running make ---------------------------------------------------------------- */

/* make -C BUILD M=dir [args] [targets], output to dir/LOG.
 * Returns make's exit status, or -1. */
static int run_make(const struct ktarget *t, const struct kbuild_opts *o,
		    const char *dir, const char *log, const char *const *targets,
		    int ntargets, bool keep_going)
{
	const char *argv[64];
	char mdir[4200], logpath[4200];
	int n = 0, i, status, fd;
	pid_t pid;

	snprintf(mdir, sizeof(mdir), "M=%s", dir);
	snprintf(logpath, sizeof(logpath), "%s/%s", dir, log);
	argv[n++] = "make";
	argv[n++] = "-C";
	argv[n++] = t->build_dir;
	argv[n++] = mdir;
	argv[n++] = "-j2";
	if (keep_going)
		argv[n++] = "-k";
	if (o->verbose < 3)
		argv[n++] = "-s";
	/* a script module's own BTF (pahole over the .ko) serves nobody and
	 * costs a quarter of the build */
	argv[n++] = "CONFIG_DEBUG_INFO_BTF_MODULES=";
	for (i = 0; i < o->nmake_args && n < 50; i++)
		argv[n++] = o->make_args[i];
	for (i = 0; i < ntargets && n < 62; i++)
		argv[n++] = targets[i];
	argv[n] = NULL;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		fd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0 && o->verbose < 3) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execvp("make", (char *const *)argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void show_log(const char *dir, const char *log)
{
	char path[8400];
	char *text;

	snprintf(path, sizeof(path), "%s/%s", dir, log);
	text = read_text(path);
	if (text)
		fputs(text, stderr);
	free(text);
}

/* ---- feature tests ----------------------------------------------------------------- */

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* the test names (autoconf/NAME.c), sorted */
static int list_tests(const char *dir, char ***out)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **v = NULL;
	int n = 0;
	size_t len;

	if (!d)
		return -1;
	while ((de = readdir(d))) {
		len = strlen(de->d_name);
		if (len < 3 || strcmp(de->d_name + len - 2, ".c"))
			continue;
		v = realloc(v, (n + 1) * sizeof(*v));
		v[n++] = strndup(de->d_name, len - 2);
	}
	closedir(d);
	qsort(v, n, sizeof(*v), cmp_names);
	*out = v;
	return n;
}

static char *feature_header(char **names, int n, const char *dir)
{
	char *buf = NULL, path[8400];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct stat st;
	int i;
	const char *p;

	fputs("/* Sonde feature tests (runtime/linux/autoconf) for this kernel */\n", f);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s.o", dir, names[i]);
		if (stat(path, &st))
			continue;
		fputs("#define HAVE_", f);
		for (p = names[i]; *p; p++)
			fputc(toupper((unsigned char)*p), f);
		fputs(" 1\n", f);
	}
	fclose(f);
	return buf;
}

static void cache_path(char *out, size_t size, const struct ktarget *t,
		       const struct kbuild_opts *o, const char *testdir, char **names, int n)
{
	struct khash h;
	char hex[33], path[8400];
	int i;

	khash_init(&h);
	khash_add_str(&h, t->identity);
	khash_add_str(&h, t->build_dir);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s.c", testdir, names[i]);
		khash_add_file(&h, path);
	}
	for (i = 0; i < o->nmake_args; i++)
		khash_add_str(&h, o->make_args[i]);
	khash_hex(&h, hex);
	snprintf(out, size, "%s/autoconf-%s.h", o->cache_dir, hex);
}

static const char feature_kbuild[] = "obj-m := sonde_features.o\n"
	"ccflags-y := -Werror -Wno-unused-function\n";

char *kbuild_features(const struct ktarget *t, const struct kbuild_opts *o,
		      const char *tmpdir)
{
	char testdir[4200], dir[4200], cached[8400], src[8400], dst[8400];
	char **names = NULL, *text = NULL;
	const char **targets;
	int n, i;

	snprintf(testdir, sizeof(testdir), "%s/linux/autoconf", o->runtime_dir);
	n = list_tests(testdir, &names);
	if (n < 0) {
		fprintf(stderr, "ERROR: cannot read the feature tests in '%s': %s\n",
			testdir, strerror(errno));
		return NULL;
	}
	if (o->cache_dir) {
		cache_path(cached, sizeof(cached), t, o, testdir, names, n);
		text = read_text(cached);
		if (text)
			goto out;
	}
	snprintf(dir, sizeof(dir), "%s/autoconf", tmpdir);
	targets = calloc(n + 1, sizeof(*targets));
	if (mkdir(dir, 0755) && errno != EEXIST)
		goto out_targets;
	for (i = 0; i < n; i++) {
		snprintf(src, sizeof(src), "%s/%s.c", testdir, names[i]);
		snprintf(dst, sizeof(dst), "%s/%s.c", dir, names[i]);
		if (kbuild_copy_file(src, dst))
			goto out_targets;
		if (asprintf((char **)&targets[i], "%s.o", names[i]) < 0)
			goto out_targets;
	}
	snprintf(dst, sizeof(dst), "%s/Kbuild", dir);
	kbuild_write_file(dst, feature_kbuild, sizeof(feature_kbuild) - 1);
	if (o->verbose)
		fprintf(stderr, "Running %d feature tests against %s\n", n, t->build_dir);
	/* failures are the point: make -k, and the objects tell */
	run_make(t, o, dir, "make.log", targets, n, true);
	snprintf(dst, sizeof(dst), "%s/kbuild_works.o", dir);
	if (access(dst, R_OK)) {
		show_log(dir, "make.log");
		fprintf(stderr, "ERROR: kbuild cannot compile a trivial file against '%s'\n",
			t->build_dir);
		goto out_targets;
	}
	text = feature_header(names, n, dir);
	if (o->cache_dir && text && !kbuild_mkdirs(o->cache_dir)) {
		snprintf(dst, sizeof(dst), "%s/autoconf.h", dir);
		if (!kbuild_write_file(dst, text, strlen(text)))
			kbuild_copy_file(dst, cached);
	}
out_targets:
	for (i = 0; i < n; i++)
		free((char *)targets[i]);
	free(targets);
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (!text)
		fprintf(stderr, "ERROR: feature tests against '%s' failed\n", t->build_dir);
	return text;
}

/* ---- the module ---------------------------------------------------------------------- */

int kbuild_module(const struct ktarget *t, const struct kbuild_opts *o,
		  const char *dir, const char *name)
{
	char path[4200], *kb = NULL;
	size_t len = 0;
	FILE *f;
	int rc;

	snprintf(path, sizeof(path), "%s/Kbuild", dir);
	f = open_memstream(&kb, &len);
	fprintf(f, "obj-m := %s.o\n"
		"ccflags-y := -I%s -include %s/sonde_autoconf.h -Werror\n",
		name, o->runtime_dir, dir);
	fclose(f);
	rc = kbuild_write_file(path, kb, len);
	free(kb);
	if (rc)
		return -1;
	rc = run_make(t, o, dir, "make.log", (const char *const[]){ "modules" }, 1, false);
	snprintf(path, sizeof(path), "%s/%s.ko", dir, name);
	if (rc || access(path, R_OK)) {
		show_log(dir, "make.log");
		return -1;
	}
	if (o->verbose > 1)
		show_log(dir, "make.log");
	return 0;
}
