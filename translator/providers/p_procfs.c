/* procfs[("PATH")].read[.maxsize(N)], .write, with .umask(U) before
 * them (spec/probes.md §2.9, after tapset-procfs.cxx).  PATH defaults to
 * "command" and is checked as upstream does.  $value (string) is the only
 * context variable; upstream -L does not list it, so it is hidden. */
#include "translator/providers/prov_int.h"

#include <string.h>

#define FORMS(p) p ".read", p ".read.maxsize(number)", p ".write", \
	p ".umask(number).read", p ".umask(number).read.maxsize(number)", \
	p ".umask(number).write"

static const char *const patterns[] = {
	FORMS("procfs"),
	FORMS("procfs(string)"),
	NULL,
};

static int check_path(struct prov_build *b, const char *path)
{
	const struct token *tok = prov_tok(b, "procfs");
	const char *s = path;

	if (*path == '/')
		return prov_fail(b, tok, "procfs path cannot start with a '/'");
	if (*path && path[strlen(path) - 1] == '/')
		return prov_fail(b, tok, "procfs path cannot end with a '/'");
	while (*s) {
		size_t n = strcspn(s, "/");

		if (n == 0)
			return prov_fail(b, tok, "procfs path component cannot be empty");
		if ((n == 1 && s[0] == '.') || (n == 2 && !strncmp(s, "..", 2)))
			return prov_fail(b, tok, "procfs path cannot be relative "
					 "(and contain '.' or '..')");
		s += n + (s[n] == '/');
	}
	return 0;
}

static int procfs_build(struct prov_build *b)
{
	const char *path = prov_str(b, "procfs");
	struct prov_probe *p;
	struct prov_var *v;
	int64_t maxsize = -1, umask = -1;

	if (!path)
		path = "command";
	if (check_path(b, path) < 0)
		return -1;
	if (prov_num(b, "maxsize", &maxsize) && maxsize <= 0)
		return prov_fail(b, prov_tok(b, "maxsize"), "maxsize must be greater than 0");
	prov_num(b, "umask", &umask);
	p = prov_emit(b, PROV_PROCFS);
	p->u.procfs.path = path;
	p->u.procfs.write = prov_has(b, "write");
	p->u.procfs.umask = umask;
	p->u.procfs.maxsize = maxsize;
	v = prov_add_var(b->ctx, p, "value", "string", PROV_VAR_PROCFS);
	v->hidden = true;
	return 0;
}

const struct provider prov_procfs = {
	.name = "procfs builder",
	.patterns = patterns,
	.build = procfs_build,
};
