/* Debug-information handles, opened once per context on first use (so
 * `stap -l begin` reads no BTF), and process("PATH") resolution.  A failed
 * open is remembered and reported by the builder that needed it. */
#define _GNU_SOURCE
#include "translator/providers/prov_int.h"

#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "translator/debuginfo/btf.h"
#include "translator/debuginfo/dwarf.h"
#include "translator/debuginfo/elfsym.h"
#include "translator/debuginfo/kallsyms.h"
#include "translator/debuginfo/tracefs.h"

struct dbtf *prov_btf(struct prov_build *b)
{
	struct prov_ctx *c = b->ctx;

	if (!prov_btf_quiet(c))
		prov_fail(b, NULL, "cannot read kernel BTF '%s': %s", DBTF_VMLINUX,
			  strerror(-c->btf_err));
	return c->btf;
}

struct dbtf *prov_btf_quiet(struct prov_ctx *c)
{
	if (!c->btf && !c->btf_err) {
		c->btf = dbtf_open(NULL);
		if (!c->btf)
			c->btf_err = -errno;
	}
	return c->btf;
}

struct tfs *prov_tfs(struct prov_build *b)
{
	struct prov_ctx *c = b->ctx;

	if (!c->tfs && !c->tfs_err) {
		c->tfs = tfs_open(NULL);
		if (!c->tfs)
			c->tfs_err = -errno;
	}
	if (c->tfs)
		return c->tfs;
	if (c->tfs_err == -ENOENT)
		prov_fail(b, NULL, "cannot list trace events: tracefs is not mounted "
			  "(mount -t tracefs none /sys/kernel/tracing)");
	else
		prov_fail(b, NULL, "cannot list trace events: %s", strerror(-c->tfs_err));
	return NULL;
}

struct ksyms *prov_ksyms(struct prov_build *b)
{
	struct prov_ctx *c = b->ctx;

	if (!c->ksyms && !c->ksyms_err) {
		c->ksyms = ksyms_open(NULL);
		if (!c->ksyms)
			c->ksyms_err = -errno;
	}
	if (!c->ksyms)
		prov_fail(b, NULL, "cannot read kernel symbols '%s': %s", KSYMS_PROC,
			  strerror(-c->ksyms_err));
	return c->ksyms;
}

/* The ELF handle of an executable or library, opened once per path. */
struct prov_target *prov_target(struct prov_build *b, const char *path)
{
	struct prov_ctx *c = b->ctx;
	struct prov_target *t;
	struct esym_file *f;

	for (int i = 0; i < c->targets.n; i++) {
		t = c->targets.v[i];
		if (!strcmp(t->path, path))
			return t;
	}
	f = esym_open(path);
	if (!f) {
		prov_fail(b, NULL, "cannot read ELF file '%s': %s", path, strerror(errno));
		return NULL;
	}
	t = arena_alloc(c->arena, sizeof(*t));
	t->path = arena_strdup(c->arena, path);
	t->esym = f;
	ptrvec_push(c->arena, &c->targets, t);
	return t;
}

/* Its DWARF (in the file or found by libdwfl), NULL when there is none. */
struct dwi *prov_target_dwi(struct prov_ctx *c, struct prov_target *t)
{
	if (!t->dwi_tried) {
		t->dwi_tried = true;
		t->dwi = dwi_open(t->path);
	}
	return t->dwi;
}

static int add_faddr(const struct dwi_func *fn, void *arg)
{
	struct prov_target *t = arg;

	if (t->nfaddr == t->faddr_cap) {
		t->faddr_cap = t->faddr_cap ? t->faddr_cap * 2 : 256;
		t->faddr = realloc(t->faddr, t->faddr_cap * sizeof(*t->faddr));
		if (!t->faddr)
			abort();
	}
	t->faddr[t->nfaddr++] = (struct prov_faddr){ fn->entry_pc, fn };
	return 0;
}

static int cmp_faddr(const void *a, const void *b)
{
	const struct prov_faddr *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

const struct dwi_func *prov_target_func_at(struct prov_ctx *c, struct prov_target *t,
					   uint64_t addr)
{
	size_t lo = 0, hi;

	if (!prov_target_dwi(c, t))
		return NULL;
	if (!t->faddr_built) {
		t->faddr_built = true;
		dwi_funcs(t->dwi, "*", DWI_CALL, add_faddr, t);
		if (t->nfaddr)
			qsort(t->faddr, t->nfaddr, sizeof(*t->faddr), cmp_faddr);
	}
	hi = t->nfaddr;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (t->faddr[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < t->nfaddr && t->faddr[lo].addr == addr ? t->faddr[lo].fn : NULL;
}

static bool is_regular(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* execvp's rule: a name without '/' is looked up in $PATH. */
static char *search_path(const char *name)
{
	const char *path = getenv("PATH");
	char *dirs, *dir, *save = NULL;
	char *found = NULL;

	if (!path)
		return NULL;
	dirs = strdup(path);
	for (dir = strtok_r(dirs, ":", &save); dir && !found;
	     dir = strtok_r(NULL, ":", &save)) {
		char *cand = NULL;

		if (asprintf(&cand, "%s/%s", *dir ? dir : ".", name) < 0)
			abort();
		if (access(cand, R_OK) == 0 && is_regular(cand))
			found = cand;
		else
			free(cand);
	}
	free(dirs);
	return found;
}

static int add_real(struct prov_build *b, const char *file, struct ptrvec *paths)
{
	char real[PATH_MAX];

	if (!realpath(file, real) || !is_regular(real))
		return prov_fail(b, prov_tok(b, "process"),
				 "cannot find executable '%s'", file);
	ptrvec_push(b->ctx->arena, paths, arena_strdup(b->ctx->arena, real));
	return 0;
}

int prov_process_paths(struct prov_build *b, struct ptrvec *paths)
{
	const char *spec = prov_str(b, "process");
	glob_t g;
	int rc = 0;

	if (!spec || !*spec)
		return prov_fail(b, prov_tok(b, "process"),
				 "process probes need an executable path");
	if (strpbrk(spec, "*?[")) {
		if (glob(spec, 0, NULL, &g) != 0)
			return 0;
		for (size_t i = 0; i < g.gl_pathc && rc == 0; i++)
			if (is_regular(g.gl_pathv[i]))
				rc = add_real(b, g.gl_pathv[i], paths);
		globfree(&g);
		return rc;
	}
	if (!strchr(spec, '/')) {
		char *found = search_path(spec);

		if (!found)
			return prov_fail(b, prov_tok(b, "process"),
					 "cannot find executable '%s' in $PATH", spec);
		rc = add_real(b, found, paths);
		free(found);
		return rc;
	}
	return add_real(b, spec, paths);
}
