/* Passes 3-5 for --runtime=kernel (spec/cli.md §3, §5): module-backend/
 * emits the module's C, kbuild builds it against the target kernel
 * (feature tests first, both cached), staprun runs it.  Each failing
 * pass prints SystemTap's "Pass N: ... failed" line. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "module-backend/emit.h"
#include "module-backend/kbuild.h"
#include "translator/module_pass.h"
#include "translator/staprun_exec.h"

#ifndef SONDE_RUNTIME_DIR
#define SONDE_RUNTIME_DIR "/usr/local/share/sonde/runtime"
#endif
#ifndef SONDE_SRC_RUNTIME_DIR
#define SONDE_SRC_RUNTIME_DIR SONDE_RUNTIME_DIR
#endif

/* ---- pass 3 ----------------------------------------------------------------- */

static int pass3(struct program *prog, const struct module_pass_opts *o,
		 struct diags *d, char **text, size_t *len)
{
	struct emit_opts eo = { .maxstringlen = 512, .defines = o->defines,
				.ndefines = o->ndefines };
	FILE *f = open_memstream(text, len);
	int from = d->list.n, rc, i;

	for (i = 0; i < o->ndefines; i++)
		if (!strncmp(o->defines[i], "MAXSTRINGLEN=", 13))
			eo.maxstringlen = atoi(o->defines[i] + 13);
	if (eo.maxstringlen < 2)
		eo.maxstringlen = 512;
	rc = emit_module(prog, &eo, f, d);
	fclose(f);
	diags_flush(d, stderr, from, o->verbose > 0);
	if (rc) {
		fputs("Pass 3: translation failed.  [man error::pass3]\n", stderr);
		diags_print_suppressed(d, stderr);
		return 1;
	}
	if (o->last_pass == 3)
		fwrite(*text, 1, *len, stdout);
	return 0;
}

/* ---- pass 4 ----------------------------------------------------------------- */

static bool in_build_tree(void)
{
	char self[PATH_MAX], *slash;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 32);

	if (n <= 0)
		return false;
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (!slash)
		return false;
	strcpy(slash, "/libtranslator.a");
	return access(self, R_OK) == 0;
}

/* $SONDE_RUNTIME, the source tree's runtime/ when running from the build
 * tree, else the installed one */
static const char *runtime_dir(void)
{
	const char *env = getenv("SONDE_RUNTIME");

	if (env && *env)
		return env;
	return in_build_tree() ? SONDE_SRC_RUNTIME_DIR : SONDE_RUNTIME_DIR;
}

static void hash_tree(struct khash *h, const char *dir)
{
	struct dirent **names;
	char path[PATH_MAX];
	struct stat st;
	int n, i;

	n = scandir(dir, &names, NULL, alphasort);
	for (i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		size_t len = strlen(name);

		snprintf(path, sizeof(path), "%s/%s", dir, name);
		if (name[0] != '.' && !stat(path, &st)) {
			if (S_ISDIR(st.st_mode))
				hash_tree(h, path);
			else if (len > 2 && (!strcmp(name + len - 2, ".c") ||
					     !strcmp(name + len - 2, ".h")))
				khash_add_file(h, path);
		}
		free(names[i]);
	}
	free(names);
}

/* NULL when the cache is off */
static const char *cache_dir(char *buf, size_t size)
{
	const char *env = getenv("SONDE_CACHE"), *home = getenv("HOME");

	if (env && !strcmp(env, "off"))
		return NULL;
	if (env && *env)
		snprintf(buf, size, "%s", env);
	else
		snprintf(buf, size, "%s/.sonde/cache", home && *home ? home : "/tmp");
	return buf;
}

struct build {
	char tmpdir[PATH_MAX / 2];
	char name[64];			/* module name */
	char ko[PATH_MAX];		/* the .ko staprun loads */
	bool built;			/* ko is in tmpdir */
};

static double now(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return tv.tv_sec + tv.tv_usec / 1e6;
}

static int build_module(const struct module_pass_opts *o, const char *text, size_t len,
			struct build *b)
{
	char cachebuf[PATH_MAX / 2], key[33], path[PATH_MAX], cached[PATH_MAX];
	struct kbuild_opts ko = { .make_args = o->make_args, .nmake_args = o->nmake_args,
				  .verbose = o->verbose };
	struct ktarget t;
	struct khash h;
	char *features;
	double start = now();
	int i;

	if (ktarget_find(&t, o->release))
		return -1;
	ko.runtime_dir = runtime_dir();
	ko.cache_dir = cache_dir(cachebuf, sizeof(cachebuf));
	features = kbuild_features(&t, &ko, b->tmpdir);
	if (!features)
		return -1;
	/* the key: what the module is made of, and what it is built for */
	khash_init(&h);
	khash_add_str(&h, PACKAGE_VERSION);
	khash_add(&h, text, len);
	khash_add_str(&h, features);
	khash_add_str(&h, t.identity);
	khash_add_str(&h, t.build_dir);
	for (i = 0; i < o->nmake_args; i++)
		khash_add_str(&h, o->make_args[i]);
	hash_tree(&h, ko.runtime_dir);
	khash_hex(&h, key);
	if (o->module_name)
		snprintf(b->name, sizeof(b->name), "%s", o->module_name);
	else
		snprintf(b->name, sizeof(b->name), "stap_%.16s", key);
	if (ko.cache_dir) {
		snprintf(cached, sizeof(cached), "%s/%.2s/%s_%s.ko", ko.cache_dir, key,
			 b->name, key + 2);
		if (!access(cached, R_OK)) {
			snprintf(b->ko, sizeof(b->ko), "%s", cached);
			if (o->verbose)
				fprintf(stderr, "Pass 4: using cached %s\n", cached);
			free(features);
			return 0;
		}
	}
	snprintf(path, sizeof(path), "%s/sonde_autoconf.h", b->tmpdir);
	if (kbuild_write_file(path, features, strlen(features)))
		goto write_failed;
	free(features);
	snprintf(path, sizeof(path), "%s/%s.c", b->tmpdir, b->name);
	if (kbuild_write_file(path, text, len))
		goto write_failed;
	if (kbuild_module(&t, &ko, b->tmpdir, b->name))
		return -1;
	snprintf(b->ko, sizeof(b->ko), "%s/%s.ko", b->tmpdir, b->name);
	b->built = true;
	if (ko.cache_dir) {
		snprintf(path, sizeof(path), "%s/%.2s", ko.cache_dir, key);
		if (kbuild_mkdirs(path) || kbuild_copy_file(b->ko, cached))
			fprintf(stderr, "WARNING: cannot add '%s' to the cache: %s\n",
				cached, strerror(errno));
	}
	if (o->verbose)
		fprintf(stderr, "Pass 4: compiled %s against %s in %.0f ms\n", b->name,
			t.build_dir, (now() - start) * 1000);
	return 0;
write_failed:
	fprintf(stderr, "ERROR: cannot write '%s': %s\n", path, strerror(errno));
	return -1;
}

static int pass4(const struct module_pass_opts *o, const char *text, size_t len,
		 struct build *b)
{
	const char *tmp = getenv("TMPDIR");
	char local[PATH_MAX];

	snprintf(b->tmpdir, sizeof(b->tmpdir), "%s/stapXXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(b->tmpdir)) {
		fprintf(stderr, "ERROR: cannot create temporary directory '%s': %s\n",
			b->tmpdir, strerror(errno));
		b->tmpdir[0] = '\0';
		goto failed;
	}
	if (build_module(o, text, len, b))
		goto failed;
	/* as upstream: -p4 and -m leave NAME.ko in the current directory */
	if (o->last_pass == 4 || o->module_name) {
		snprintf(local, sizeof(local), "%s.ko", b->name);
		if (kbuild_copy_file(b->ko, local)) {
			fprintf(stderr, "ERROR: cannot copy '%s' to '%s': %s\n", b->ko, local,
				strerror(errno));
			goto failed;
		}
	}
	if (o->last_pass == 4)
		printf("%s.ko\n", b->name);
	return 0;
failed:
	fputs("Pass 4: compilation failed.  [man error::pass4]\n", stderr);
	return 1;
}

static void remove_tmpdir(const struct module_pass_opts *o, const struct build *b)
{
	if (!b->tmpdir[0])
		return;
	if (o->keep_tmpdir) {
		fprintf(stderr, "Keeping temporary directory \"%s\"\n", b->tmpdir);
		return;
	}
	kbuild_remove_tree(b->tmpdir);
}

/* ---- pass 5 ----------------------------------------------------------------- */

static int pass5(const struct module_pass_opts *o, const struct build *b)
{
	struct staprun_args a = {
		.verbose = o->verbose, .suppress_warnings = o->suppress_warnings,
		.outfile = o->outfile, .command = o->command,
		.target_pid = o->target_pid,
		.object = b->ko,
	};

	if (run_staprun(&a)) {
		fputs("Pass 5: run failed.  [man error::pass5]\n", stderr);
		return 1;
	}
	return 0;
}

int module_passes(struct program *prog, const struct module_pass_opts *o,
		  struct diags *d)
{
	struct build b;
	char *text = NULL;
	size_t len = 0;
	int rc;

	memset(&b, 0, sizeof(b));
	if (check_run_options(o->command, o->target_pid, o->module_name))
		return 1;
	rc = pass3(prog, o, d, &text, &len);
	if (!rc && o->last_pass >= 4)
		rc = pass4(o, text, len, &b);
	free(text);
	if (!rc && o->last_pass >= 5)
		rc = pass5(o, &b);
	remove_tmpdir(o, &b);
	return rc;
}
