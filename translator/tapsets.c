/* The tapset library, pulled in lazily (spec/tapsets.md §1.2, §1.3).
 *
 * Opening the library only lexes each .stp file on the search path for
 * the names it defines (functions, globals); nothing is parsed.  When
 * elaboration meets a name the user script does not define, the one file
 * that defines it is parsed then, with the files it needs in turn.  So a
 * script pays for the tapsets it uses, not for the whole library.  .stpm
 * macro files are small and global to every file: they are parsed at
 * open. */
#include "translator/tapsets.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "translator/lexer.h"
#include "translator/parse.h"
#include "translator/parser.h"

struct tapset_file {
	const char *path;
	const char *rel_path;        /* below its root, for private names */
	struct stapfile *parsed;     /* NULL until something needs it */
};

/* name -> file, for "f:NAME" (function) and "g:NAME" (global) keys */
struct index_slot {
	const char *key;
	int file;
};

static size_t key_hash(const char *s)
{
	size_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static void index_grow(struct tapset_lib *lib)
{
	size_t cap = lib->index_cap ? lib->index_cap * 2 : 1024;
	struct index_slot *slots = arena_alloc(&lib->prog->arena, cap * sizeof(*slots));

	for (size_t i = 0; i < lib->index_cap; i++) {
		struct index_slot *old = &lib->index[i];
		size_t j = key_hash(old->key) & (cap - 1);

		if (!old->key)
			continue;
		while (slots[j].key)
			j = (j + 1) & (cap - 1);
		slots[j] = *old;
	}
	lib->index = slots;
	lib->index_cap = cap;
}

static int index_find(const struct tapset_lib *lib, const char *key)
{
	if (!lib->index_cap)
		return -1;
	for (size_t j = key_hash(key) & (lib->index_cap - 1); lib->index[j].key;
	     j = (j + 1) & (lib->index_cap - 1))
		if (!strcmp(lib->index[j].key, key))
			return lib->index[j].file;
	return -1;
}

/* The first file on the search path that defines a name wins. */
static void index_add(struct tapset_lib *lib, char kind, const char *name, int file)
{
	char *key = arena_printf(&lib->prog->arena, "%c:%s", kind, name);

	if (index_find(lib, key) >= 0)
		return;
	if (kind == 'f')
		ptrvec_push(&lib->prog->arena, &lib->function_names, (void *)name);
	if (2 * (lib->index_n + 1) > lib->index_cap)
		index_grow(lib);
	size_t j = key_hash(key) & (lib->index_cap - 1);

	while (lib->index[j].key)
		j = (j + 1) & (lib->index_cap - 1);
	lib->index[j] = (struct index_slot){ key, file };
	lib->index_n++;
}

static bool is_word(const struct token *t)
{
	char c = t->text ? t->text[0] : 0;

	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

/* After "probe" at top level: every "a.b.c" followed by '=' or '+=' is an
 * alias name.  Returns the token after the header's names. */
static void index_alias_names(struct tapset_lib *lib, struct lexer *lx, int file,
			      struct token *t)
{
	char name[512];
	size_t len = 0;
	bool plain = true;

	for (;;) {
		lexer_next(lx, t);
		if (is_word(t) && len + t->len + 2 < sizeof(name)) {
			len += snprintf(name + len, sizeof(name) - len, "%s%.*s",
					len ? "." : "", (int)t->len, t->text);
			continue;
		}
		if (t->type == '.')
			continue;
		if (t->type == '(') {   /* a literal argument: not an alias name */
			plain = false;
			continue;
		}
		if (t->type == ')' || t->type == NUMBER || t->type == STRING)
			continue;
		if ((t->type == '=' || (t->type == OP_ASSIGN && !strcmp(t->text, "+="))) &&
		    len && plain) {
			struct tapset_alias *a = arena_alloc(&lib->prog->arena, sizeof(*a));

			a->name = arena_strndup(&lib->prog->arena, name, len);
			a->file = file;
			ptrvec_push(&lib->prog->arena, &lib->aliases, a);
			len = 0;
			continue;
		}
		return;
	}
}

/* Lex one file for "function NAME", "global NAME, NAME" and probe alias
 * names at top level. */
static void index_file(struct tapset_lib *lib, int file, const struct source *src)
{
	struct arena scratch = { 0 };
	struct lexer *lx = lexer_new(&scratch, &lib->prog->names, src, src->text, src->len);
	struct token t, prev = { 0 };
	int depth = 0;
	bool in_globals = false;

	for (;;) {
		lexer_next(lx, &t);
		if (t.type == K_PROBE && depth == 0)
			index_alias_names(lib, lx, file, &t);
		if (t.type == 0)
			break;
		if (t.type == '{')
			depth++;
		else if (t.type == '}' && depth > 0)
			depth--;
		if (depth == 0 && t.type == IDENT && prev.type == K_FUNCTION)
			index_add(lib, 'f', t.text, file);
		if (depth == 0 && t.type == K_GLOBAL)
			in_globals = true;
		else if (in_globals && t.type == IDENT &&
			 (prev.type == K_GLOBAL || prev.type == ','))
			index_add(lib, 'g', t.text, file);
		else if (in_globals && t.type != ',' && t.type != '[' && t.type != ']' &&
			 t.type != NUMBER && t.type != '%' && t.type != '=' &&
			 t.type != STRING && t.type != '-' && t.type != IDENT)
			in_globals = false;
		prev = t;
	}
	lexer_free(lx);
	arena_release(&scratch);
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Files of one directory, in name order so the result is reproducible. */
static void scan_dir(struct tapset_lib *lib, const char *root, const char *dir)
{
	DIR *dp = opendir(dir);
	struct dirent *de;
	struct ptrvec names = { 0 };

	if (!dp)
		return;
	while ((de = readdir(dp)))
		if (has_suffix(de->d_name, ".stp") || has_suffix(de->d_name, ".stpm"))
			ptrvec_push(&lib->prog->arena, &names,
				    arena_printf(&lib->prog->arena, "%s/%s", dir, de->d_name));
	closedir(dp);
	qsort(names.v, names.n, sizeof(*names.v), compare_names);
	for (int i = 0; i < names.n; i++) {
		const char *path = names.v[i];
		struct source *src = source_from_file(lib->prog, path, NULL);

		if (!src)
			continue;
		src->privileged = true;
		src->is_tapset = true;
		if (has_suffix(path, ".stpm")) {
			struct pp_opts ppo = *lib->ppo;

			ppo.defining_library = true;
			ppo.nargs = 0;
			parse_source(lib->prog, src, &ppo, lib->diags);
			continue;
		}
		struct tapset_file *f = arena_alloc(&lib->prog->arena, sizeof(*f));

		f->path = path;
		f->rel_path = path + strlen(root) + 1;
		ptrvec_push(&lib->prog->arena, &lib->files, f);
		index_file(lib, lib->files.n - 1, src);
		lib->sources_len += src->len;
	}
}

/* "6.1.0" -> "6.1": a shorter version family, or NULL at two parts. */
static const char *version_family(struct arena *a, const char *v)
{
	const char *dot = strrchr(v, '.');

	if (!dot || !strchr(v, '.') || strchr(v, '.') == dot)
		return NULL;
	return arena_strndup(a, v, dot - v);
}

/* One root in upstream's order (spec/tapsets.md §1.2): the runtime's
 * directory, then the root itself, each from the most specific kernel
 * release and architecture down to the plain directory. */
static void scan_root(struct tapset_lib *lib, const char *root)
{
	const struct pp_target *tg = lib->ppo->target;
	struct arena *a = &lib->prog->arena;
	const char *rt = !strcmp(tg->runtime, "bpf") ? "bpf" : "linux";
	const char *versions[16];
	int nv = 0;

	if (tg->kernel_vr)
		versions[nv++] = tg->kernel_vr;
	if (tg->kernel_v && (!tg->kernel_vr || strcmp(tg->kernel_v, tg->kernel_vr)))
		versions[nv++] = tg->kernel_v;
	for (const char *f = tg->kernel_v; f && nv < 16 && (f = version_family(a, f));)
		versions[nv++] = f;
	for (int pass = 0; pass < 2; pass++) {
		const char *base = pass ? root : arena_printf(a, "%s/%s", root, rt);

		for (int i = 0; i < nv; i++) {
			scan_dir(lib, root, arena_printf(a, "%s/%s/%s", base, versions[i], tg->arch));
			scan_dir(lib, root, arena_printf(a, "%s/%s", base, versions[i]));
		}
		scan_dir(lib, root, arena_printf(a, "%s/%s", base, tg->arch));
		scan_dir(lib, root, base);
	}
}

void tapsets_open(struct tapset_lib *lib, struct program *prog, const struct pp_opts *ppo,
		  struct diags *d, const char *const *dirs, int ndirs)
{
	memset(lib, 0, sizeof(*lib));
	lib->prog = prog;
	lib->ppo = ppo;
	lib->diags = d;
	for (int i = 0; i < ndirs; i++)
		scan_root(lib, dirs[i]);
}

struct stapfile *tapsets_require_file(struct tapset_lib *lib, int i)
{
	struct tapset_file *f = lib->files.v[i];

	if (!f->parsed) {
		struct source *src = source_from_file(lib->prog, f->path, NULL);
		struct pp_opts ppo = *lib->ppo;

		if (!src)
			return NULL;
		src->privileged = true;
		src->is_tapset = true;
		src->rel_name = f->rel_path;
		ppo.nargs = 0;
		f->parsed = parse_source(lib->prog, src, &ppo, lib->diags);
		ptrvec_push(&lib->prog->arena, &lib->prog->library_files, f->parsed);
		lib->parsed++;
	}
	return f->parsed;
}

static struct stapfile *require(struct tapset_lib *lib, char kind, const char *name)
{
	char key[512];
	int i;

	if (!lib)
		return NULL;
	snprintf(key, sizeof(key), "%c:%s", kind, name);
	i = index_find(lib, key);
	if (i < 0)
		return NULL;
	return tapsets_require_file(lib, i);
}

struct stapfile *tapsets_require_function(struct tapset_lib *lib, const char *name)
{
	return require(lib, 'f', name);
}

struct stapfile *tapsets_require_global(struct tapset_lib *lib, const char *name)
{
	return require(lib, 'g', name);
}
