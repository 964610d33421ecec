/* Parser for tracefs events/<system>/<event>/format files:
 *
 *   name: sys_enter_openat
 *   ID: 782
 *   format:
 *   	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
 *   	...
 *
 *   	field:const char * filename;	offset:24;	size:8;	signed:0;
 *   	field:__data_loc char[] name;	offset:8;	size:4;	signed:0;
 *   	field:char comm[16];	offset:8;	size:16;	signed:0;
 *
 *   print fmt: "...", REC->filename
 *
 * A field declaration is C text ending in the field name, perhaps with an
 * array bound after it, perhaps with a __data_loc/__rel_loc marker before
 * it (then the bound, "[]", sits on the type).  Offsets and sizes are
 * taken from the file, never computed from the type: syscall events
 * declare "int dfd" with size 8. */
#define _GNU_SOURCE		/* memrchr */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "translator/debuginfo/tracefs.h"
#include "translator/debuginfo/tracefs_int.h"
#include "translator/debuginfo/util.h"

struct field_list {
	struct tfs_field *v;
	int n, cap;
};

static void list_push(struct field_list *l, const struct tfs_field *f)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		l->v = dbg_xreallocarray(l->v, l->cap, sizeof(*l->v));
	}
	l->v[l->n++] = *f;
}

static bool is_ident(int c)
{
	return isalnum(c) || c == '_';
}

/* Strip a leading "marker " from *s; true if it was there. */
static bool take_prefix(const char **s, const char *marker)
{
	size_t n = strlen(marker);

	if (strncmp(*s, marker, n) != 0 || (*s)[n] != ' ')
		return false;
	*s += n + 1;
	return true;
}

/* A trailing "[N]" or "[]" of s[0..*len): returns N, 0 for "[]", or -1
 * without a bound; *len is cut before the bracket when bound_cut. */
static int array_suffix(const char *s, size_t *len, bool cut)
{
	const char *open;
	size_t n = *len;

	if (!n || s[n - 1] != ']')
		return -1;
	open = memrchr(s, '[', n);
	if (!open)
		return -1;
	if (cut)
		*len = open - s;
	return (int)strtol(open + 1, NULL, 0);
}

/* "TYPE NAME", "TYPE NAME[N]" or "__data_loc TYPE[] NAME". */
static int parse_decl(const char *decl, const char *end, struct tfs_field *f)
{
	size_t len, name_end, name_start, type_end;
	int bound;

	f->is_data_loc = take_prefix(&decl, "__data_loc");
	f->is_rel_loc = !f->is_data_loc && take_prefix(&decl, "__rel_loc");
	len = end - decl;
	name_end = len;
	bound = array_suffix(decl, &name_end, true);
	name_start = name_end;
	while (name_start && is_ident((unsigned char)decl[name_start - 1]))
		name_start--;
	type_end = name_start;
	while (type_end && isspace((unsigned char)decl[type_end - 1]))
		type_end--;
	if (name_start == name_end || !type_end)
		return -EINVAL;
	f->name = dbg_xstrndup(decl + name_start, name_end - name_start);
	if (bound < 0) {	/* maybe on the type: "char[] name" */
		size_t tl = type_end;
		bound = array_suffix(decl, &tl, false);
	}
	f->array_len = bound;
	f->type = dbg_xstrndup(decl, type_end);
	if (name_end < len) {	/* move "[N]" from the name to the type */
		char *t = dbg_xmalloc(type_end + (len - name_end) + 1);
		sprintf(t, "%s%.*s", f->type, (int)(len - name_end), decl + name_end);
		free(f->type);
		f->type = t;
	}
	return 0;
}

static int int_attr(const char *line, const char *key, int *out)
{
	const char *p = strstr(line, key);

	if (!p)
		return -EINVAL;
	*out = (int)strtol(p + strlen(key), NULL, 10);
	return 0;
}

/* One "field:...;	offset:N;	size:N;	signed:N;" line. */
static int parse_field(const char *line, struct tfs_field *f)
{
	const char *decl = strstr(line, "field:"), *semi;
	int sign = 0;

	memset(f, 0, sizeof(*f));
	if (!decl || !(semi = strchr(decl, ';')))
		return -EINVAL;
	decl += strlen("field:");
	if (int_attr(semi, "offset:", &f->offset) ||
	    int_attr(semi, "size:", &f->size))
		return -EINVAL;
	int_attr(semi, "signed:", &sign);	/* absent on old kernels */
	f->is_signed = sign;
	return parse_decl(decl, semi, f);
}

static void field_release(struct tfs_field *f)
{
	free(f->name);
	free(f->type);
}

/* Dispatch one line of the file to the right part of the result. */
static int parse_line(const char *line, struct tfs_format *fmt,
		      struct field_list *fields, struct field_list *common)
{
	struct tfs_field f;
	int r;

	while (isspace((unsigned char)*line))
		line++;
	if (strncmp(line, "name: ", 6) == 0) {
		free(fmt->name);
		fmt->name = dbg_xstrdup(line + 6);
	} else if (strncmp(line, "ID: ", 4) == 0) {
		fmt->id = atoi(line + 4);
	} else if (strncmp(line, "print fmt: ", 11) == 0) {
		free(fmt->print_fmt);
		fmt->print_fmt = dbg_xstrdup(line + 11);
	} else if (strncmp(line, "field:", 6) == 0) {
		if ((r = parse_field(line, &f)) < 0)
			return r;
		list_push(strncmp(f.name, "common_", 7) ? fields : common, &f);
	}
	return 0;
}

struct tfs_format *tfs_format_parse(const char *text, const char *system)
{
	struct tfs_format *fmt = dbg_xcalloc(1, sizeof(*fmt));
	struct field_list fields = { 0 }, common = { 0 };
	char *copy = dbg_xstrdup(text), *line, *save = NULL;
	int r = 0;

	fmt->system = dbg_xstrdup(system ? system : "");
	fmt->id = -1;
	for (line = strtok_r(copy, "\n", &save); line && !r;
	     line = strtok_r(NULL, "\n", &save))
		r = parse_line(line, fmt, &fields, &common);
	free(copy);
	fmt->fields = fields.v;
	fmt->nfields = fields.n;
	fmt->common = common.v;
	fmt->ncommon = common.n;
	if (r || !fmt->name) {
		tfs_format_free(fmt);
		errno = r ? -r : EINVAL;
		return NULL;
	}
	return fmt;
}

struct tfs_format *tfs_format(struct tfs *t, const char *system,
			      const char *event)
{
	struct tfs_format *fmt;
	char path[PATH_MAX], *text;
	int r;

	/* Only listed events: keeps "../" and the like out of the path. */
	if (!tfs_exists(t, system, event)) {
		errno = ENOENT;
		return NULL;
	}
	snprintf(path, sizeof(path), "%s/events/%s/%s/format", t->root,
		 system, event);
	if ((r = dbg_read_file(path, &text, NULL)) < 0) {
		errno = -r;
		return NULL;
	}
	fmt = tfs_format_parse(text, system);
	free(text);
	return fmt;
}

void tfs_format_free(struct tfs_format *f)
{
	if (!f)
		return;
	for (int i = 0; i < f->nfields; i++)
		field_release(&f->fields[i]);
	for (int i = 0; i < f->ncommon; i++)
		field_release(&f->common[i]);
	free(f->fields);
	free(f->common);
	free(f->system);
	free(f->name);
	free(f->print_fmt);
	free(f);
}

const struct tfs_field *tfs_field(const struct tfs_format *f, const char *name)
{
	for (int i = 0; i < f->nfields; i++)
		if (strcmp(f->fields[i].name, name) == 0)
			return &f->fields[i];
	for (int i = 0; i < f->ncommon; i++)
		if (strcmp(f->common[i].name, name) == 0)
			return &f->common[i];
	return NULL;
}
