// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * meta.c - parse the .sonde.meta text of a generated object.
 *
 * One directive per line, fields separated by spaces:
 *
 *	sonde-meta 1
 *	limits maxstringlen=512 maxerrors=0 maxskipped=100
 *	probe 0 "begin"
 *	format 0 "hello %s %d\n"
 *	string 0 "division by 0"
 *	prog sonde_p1 probe=1 path="/bin/ls" offset=0x4a10 pid=target
 *	global count map=sonde_g type=long slot=0 off=0 print
 *	autoprint end=1
 *
 * A field is a bare word, KEY=WORD, KEY="TEXT" or "TEXT"; TEXT takes the
 * escapes \\ \" \n \t \r \xHH.  '#' lines and blank lines are ignored.
 * Every directive, key and value is checked: an unknown one is a
 * generator bug and fails the load rather than running half a script.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "staprun/bpf_abi.h"
#include "staprun/meta.h"

#define MAX_FIELDS 32

struct field {
	char *key;		/* KEY of KEY=..., or the bare word; NULL for "TEXT" */
	char *val;		/* decoded value, NUL-terminated; NULL for a bare word */
	size_t vlen;
};

struct parser {
	struct meta *m;
	int line;
	char *err;
	size_t errsize;
};

static int fail(struct parser *p, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(p->err, p->errsize, "line %d: ", p->line);
	if (n < 0 || (size_t)n >= p->errsize)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->errsize - n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Decode the quoted text starting at *s (just past the opening quote) in
 * place, NUL-terminate it and leave *s past the closing quote.  Returns
 * the decoded length, or -1 for a bad escape or a missing quote.
 */
static long decode_quoted(char **s, char *end)
{
	char *in = *s, *start = *s, *out = *s;

	while (in < end && *in != '"') {
		if (*in != '\\') {
			*out++ = *in++;
			continue;
		}
		if (++in >= end)
			return -1;
		switch (*in++) {
		case '\\': *out++ = '\\'; break;
		case '"': *out++ = '"'; break;
		case 'n': *out++ = '\n'; break;
		case 't': *out++ = '\t'; break;
		case 'r': *out++ = '\r'; break;
		case 'x':
			if (end - in < 2 || hexval(in[0]) < 0 ||
			    hexval(in[1]) < 0)
				return -1;
			*out++ = (char)(hexval(in[0]) << 4 | hexval(in[1]));
			in += 2;
			break;
		default:
			return -1;
		}
	}
	if (in >= end)
		return -1;
	*out = '\0';		/* at most where the closing quote was */
	*s = in + 1;
	return out - start;
}

/* Split line[0..end) into fields, decoding in place. */
static int split(struct parser *p, char *s, char *end, struct field *f,
		 int *nf)
{
	long n;

	*nf = 0;
	for (;;) {
		while (s < end && *s == ' ')
			s++;
		if (s >= end)
			return 0;
		if (*nf == MAX_FIELDS)
			return fail(p, "too many fields");
		f[*nf] = (struct field) { 0 };
		if (*s != '"') {
			f[*nf].key = s;
			while (s < end && *s != ' ' && *s != '=' && *s != '"')
				s++;
			if (s < end && *s == '"')
				return fail(p, "stray quote");
			if (s < end && *s == '=') {
				*s++ = '\0';
				if (s < end && *s == '"')
					goto quoted;
				f[*nf].val = s;
				while (s < end && *s != ' ' && *s != '"')
					s++;
				if (s < end && *s == '"')
					return fail(p, "stray quote");
				f[*nf].vlen = s - f[*nf].val;
			}
			if (s < end)
				*s++ = '\0';
			(*nf)++;
			continue;
		}
quoted:
		s++;
		f[*nf].val = s;
		n = decode_quoted(&s, end);
		if (n < 0)
			return fail(p, "bad quoted text");
		f[*nf].vlen = n;
		if (s < end && *s != ' ')
			return fail(p, "no space after quoted text");
		(*nf)++;
	}
}

static int num_u64(struct parser *p, const struct field *f, uint64_t max,
		   uint64_t *v)
{
	char *e;

	if (!f->val || !f->vlen || f->val[0] == '-')
		return fail(p, "'%s' needs a number", f->key ? f->key : "");
	errno = 0;
	*v = strtoull(f->val, &e, 0);
	if (errno || *e || *v > max)
		return fail(p, "bad number '%s'", f->val);
	return 0;
}

static int num_i64(struct parser *p, const char *s, int64_t *v)
{
	char *e;

	errno = 0;
	*v = strtoll(s, &e, 0);
	if (errno || !*s || *e)
		return fail(p, "bad number '%s'", s);
	return 0;
}

static int num_u32(struct parser *p, const struct field *f, uint32_t max,
		   uint32_t *v)
{
	uint64_t x;
	int err = num_u64(p, f, max, &x);

	*v = (uint32_t)x;
	return err;
}

static int dup_str(struct parser *p, const struct field *f, char **out)
{
	if (!f->val)
		return fail(p, "'%s' needs a value", f->key);
	if (*out)
		return fail(p, "'%s' given twice", f->key);
	*out = malloc(f->vlen + 1);
	if (!*out)
		return -ENOMEM;
	memcpy(*out, f->val, f->vlen + 1);
	return 0;
}

/* ---- limits, probe, format, string -------------------------------------- */

static int do_limits(struct parser *p, struct field *f, int nf)
{
	struct meta *m = p->m;
	int i, err = 0;

	for (i = 1; i < nf && !err; i++) {
		if (!f[i].key)
			err = fail(p, "unexpected text");
		else if (!strcmp(f[i].key, "maxstringlen"))
			err = num_u32(p, &f[i], 1 << 20, &m->maxstringlen);
		else if (!strcmp(f[i].key, "maxerrors"))
			err = num_u32(p, &f[i], UINT32_MAX, &m->maxerrors);
		else if (!strcmp(f[i].key, "maxskipped"))
			err = num_u32(p, &f[i], UINT32_MAX, &m->maxskipped);
		else
			err = fail(p, "unknown limit '%s'", f[i].key);
	}
	if (!err && m->maxstringlen < 2)
		err = fail(p, "maxstringlen must be at least 2");
	return err;
}

/* probe ID "TEXT", format ID "TEXT", string ID "TEXT" */
static int do_table(struct parser *p, struct field *f, int nf,
		    struct meta_str **tab, uint32_t *n)
{
	struct meta_str *t;
	struct field idf = { f[0].key, f[1].key, 0 };
	uint32_t id;
	int err;

	if (nf != 3 || !f[1].key || f[1].val || f[2].key)
		return fail(p, "expected '%s ID \"TEXT\"'", f[0].key);
	idf.vlen = strlen(idf.val);
	err = num_u32(p, &idf, META_MAX_ID, &id);
	if (err)
		return err;
	if (id >= *n) {
		t = realloc(*tab, (id + 1) * sizeof(*t));
		if (!t)
			return -ENOMEM;
		memset(t + *n, 0, (id + 1 - *n) * sizeof(*t));
		*tab = t;
		*n = id + 1;
	}
	if ((*tab)[id].s)
		return fail(p, "%s %u given twice", f[0].key, id);
	(*tab)[id].s = malloc(f[2].vlen + 1);
	if (!(*tab)[id].s)
		return -ENOMEM;
	memcpy((*tab)[id].s, f[2].val, f[2].vlen + 1);
	(*tab)[id].len = f[2].vlen;
	return 0;
}

/* ---- prog ---------------------------------------------------------------- */

static int prog_field(struct parser *p, struct meta_prog *g,
		      const struct field *f)
{
	uint64_t v;
	int err;

	if (!f->key || !f->val)
		return fail(p, "expected KEY=VALUE");
	if (!strcmp(f->key, "probe"))
		return num_u32(p, f, META_MAX_ID, &g->probe);
	if (!strcmp(f->key, "path"))
		return dup_str(p, f, &g->path);
	if (!strcmp(f->key, "offset"))
		return num_u64(p, f, UINT64_MAX, &g->offset);
	if (!strcmp(f->key, "semaphore"))
		return num_u64(p, f, UINT64_MAX, &g->semaphore);
	if (!strcmp(f->key, "pid")) {
		if (!strcmp(f->val, "target")) {
			g->pid = META_PID_TARGET;
			return 0;
		}
		err = num_u64(p, f, 0x7fffffff, &v);
		g->pid = (long)v;
		return err;
	}
	if (!strcmp(f->key, "perf_type")) {
		g->perf = 1;
		return num_u32(p, f, UINT32_MAX, &g->perf_type);
	}
	if (!strcmp(f->key, "perf_config"))
		return num_u64(p, f, UINT64_MAX, &g->perf_config);
	if (!strcmp(f->key, "period"))
		return num_u64(p, f, UINT64_MAX, &g->period);
	if (!strcmp(f->key, "freq"))
		return num_u64(p, f, UINT64_MAX, &g->freq);
	if (!strcmp(f->key, "cpu")) {
		err = num_u64(p, f, 0x7fffffff, &v);
		g->cpu = (int)v;
		return err;
	}
	return fail(p, "unknown prog field '%s'", f->key);
}

static int do_prog(struct parser *p, struct field *f, int nf)
{
	struct meta *m = p->m;
	struct meta_prog *g;
	int i, err = 0;

	if (nf < 2 || !f[1].key || f[1].val)
		return fail(p, "expected 'prog NAME ...'");
	if (meta_find_prog(m, f[1].key))
		return fail(p, "prog '%s' given twice", f[1].key);
	g = realloc(m->progs, (m->nprogs + 1) * sizeof(*g));
	if (!g)
		return -ENOMEM;
	m->progs = g;
	g += m->nprogs;
	*g = (struct meta_prog) { .probe = SONDE_NO_ID, .pid = META_PID_ALL,
				  .cpu = -1 };
	g->name = strdup(f[1].key);
	if (!g->name)
		return -ENOMEM;
	m->nprogs++;
	for (i = 2; i < nf && !err; i++)
		err = prog_field(p, g, &f[i]);
	if (err)
		return err;
	if (g->perf && !g->period == !g->freq)
		return fail(p, "prog '%s': give one of period and freq", g->name);
	if (!g->path && (g->offset || g->semaphore || g->pid != META_PID_ALL))
		return fail(p, "prog '%s': offset, semaphore or pid without path",
			    g->name);
	if (g->path && g->perf)
		return fail(p, "prog '%s': both path and perf_type", g->name);
	return 0;
}

/* ---- global -------------------------------------------------------------- */

static int parse_type(const char *s, enum meta_type *t)
{
	if (!strcmp(s, "long"))
		*t = META_LONG;
	else if (!strcmp(s, "string"))
		*t = META_STRING;
	else if (!strcmp(s, "stats"))
		*t = META_STATS;
	else
		return -1;
	return 0;
}

/* keys=long,string,... */
static int parse_keys(struct parser *p, struct meta_global *g, char *s)
{
	char *tok, *save = NULL;

	for (tok = strtok_r(s, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (g->nkeys == META_MAX_KEYS)
			return fail(p, "more than %d keys", META_MAX_KEYS);
		if (parse_type(tok, &g->keys[g->nkeys]) ||
		    g->keys[g->nkeys] == META_STATS)
			return fail(p, "bad key type '%s'", tok);
		g->nkeys++;
	}
	if (!g->nkeys)
		return fail(p, "empty keys");
	return 0;
}

/* hist=log or hist=linear:START:STOP:INTERVAL */
static int parse_hist(struct parser *p, struct meta_global *g, char *s)
{
	char *a, *b, *c;
	int err;

	if (!strcmp(s, "log")) {
		g->hist = META_HIST_LOG;
		return 0;
	}
	if (strncmp(s, "linear:", 7))
		return fail(p, "bad hist '%s'", s);
	a = s + 7;
	b = strchr(a, ':');
	c = b ? strchr(b + 1, ':') : NULL;
	if (!c)
		return fail(p, "bad hist '%s'", s);
	*b++ = '\0';
	*c++ = '\0';
	g->hist = META_HIST_LINEAR;
	err = num_i64(p, a, &g->start);
	if (!err)
		err = num_i64(p, b, &g->stop);
	if (!err)
		err = num_i64(p, c, &g->interval);
	return err;
}

static int global_field(struct parser *p, struct meta_global *g,
			struct field *f)
{
	uint32_t v;
	int err;

	if (f->key && !f->val) {
		if (!strcmp(f->key, "print"))
			return g->print = 1, 0;
		if (!strcmp(f->key, "hex"))
			return g->hex = 1, 0;
		return fail(p, "unknown global flag '%s'", f->key);
	}
	if (!f->key)
		return fail(p, "unexpected text");
	if (!strcmp(f->key, "map"))
		return dup_str(p, f, &g->map);
	if (!strcmp(f->key, "type")) {
		if (parse_type(f->val, &g->type))
			return fail(p, "bad type '%s'", f->val);
		return 0;
	}
	if (!strcmp(f->key, "keys"))
		return parse_keys(p, g, f->val);
	if (!strcmp(f->key, "slot"))
		return num_u32(p, f, UINT32_MAX, &g->slot);
	if (!strcmp(f->key, "off"))
		return num_u32(p, f, 1 << 24, &g->off);
	if (!strcmp(f->key, "seq")) {
		err = num_u32(p, f, 1 << 24, &v);
		g->seq = v;
		return err;
	}
	if (!strcmp(f->key, "hist"))
		return parse_hist(p, g, f->val);
	if (!strcmp(f->key, "variance")) {
		err = num_u32(p, f, 62, &v);
		g->variance = (int)v + 1;
		return err;
	}
	return fail(p, "unknown global field '%s'", f->key);
}

static int do_global(struct parser *p, struct field *f, int nf)
{
	struct meta *m = p->m;
	struct meta_global *g;
	int i, err = 0;

	if (nf < 2 || !f[1].key || f[1].val)
		return fail(p, "expected 'global NAME ...'");
	if (meta_find_global(m, f[1].key))
		return fail(p, "global '%s' given twice", f[1].key);
	g = realloc(m->globals, (m->nglobals + 1) * sizeof(*g));
	if (!g)
		return -ENOMEM;
	m->globals = g;
	g += m->nglobals;
	*g = (struct meta_global) { .seq = -1 };
	g->name = strdup(f[1].key);
	if (!g->name)
		return -ENOMEM;
	m->nglobals++;
	for (i = 2; i < nf && !err; i++)
		err = global_field(p, g, &f[i]);
	if (err)
		return err;
	if (!g->map || !g->type)
		return fail(p, "global '%s' needs map and type", g->name);
	if ((g->hist || g->variance) && g->type != META_STATS)
		return fail(p, "global '%s': hist or variance on a non-stats",
			    g->name);
	if (g->nkeys && g->slot)
		return fail(p, "global '%s': slot on an array", g->name);
	if (!g->nkeys && g->seq >= 0)
		return fail(p, "global '%s': seq on a scalar", g->name);
	return 0;
}

static int do_autoprint(struct parser *p, struct field *f, int nf)
{
	uint32_t n;
	int err;

	if (nf != 2 || !f[1].key || strcmp(f[1].key, "end"))
		return fail(p, "expected 'autoprint end=N'");
	err = num_u32(p, &f[1], 1 << 20, &n);
	p->m->autoprint_end = (int)n;
	return err;
}

/* ---- lines ---------------------------------------------------------------- */

static int directive(struct parser *p, struct field *f, int nf)
{
	struct meta *m = p->m;
	const char *d = f[0].key;

	if (!d || f[0].val)
		return fail(p, "expected a directive");
	if (!strcmp(d, "limits"))
		return do_limits(p, f, nf);
	if (!strcmp(d, "probe"))
		return do_table(p, f, nf, &m->probes, &m->nprobes);
	if (!strcmp(d, "format"))
		return do_table(p, f, nf, &m->formats, &m->nformats);
	if (!strcmp(d, "string"))
		return do_table(p, f, nf, &m->strings, &m->nstrings);
	if (!strcmp(d, "prog"))
		return do_prog(p, f, nf);
	if (!strcmp(d, "global"))
		return do_global(p, f, nf);
	if (!strcmp(d, "autoprint"))
		return do_autoprint(p, f, nf);
	return fail(p, "unknown directive '%s'", d);
}

static int header(struct parser *p, struct field *f, int nf)
{
	if (nf != 2 || !f[0].key || strcmp(f[0].key, SONDE_META_MAGIC) ||
	    f[0].val || !f[1].key || f[1].val)
		return fail(p, "not Sonde metadata (no '%s' line)",
			    SONDE_META_MAGIC);
	if (strcmp(f[1].key, "1"))
		return fail(p, "metadata version %s, staprun reads %d",
			    f[1].key, SONDE_ABI_VERSION);
	return 0;
}

static int parse_lines(struct parser *p, char *s, char *end)
{
	struct field f[MAX_FIELDS];
	char *eol;
	int nf, err, seen_header = 0;

	for (; s < end; s = eol + 1) {
		p->line++;
		eol = memchr(s, '\n', end - s);
		if (!eol)
			eol = end;
		if (eol == s || *s == '#')
			continue;
		*eol = '\0';
		err = split(p, s, eol, f, &nf);
		if (!err && !nf)
			continue;
		if (!err)
			err = seen_header ? directive(p, f, nf)
					  : header(p, f, nf);
		if (err)
			return err;
		seen_header = 1;
	}
	if (!seen_header) {
		p->line = 1;
		return fail(p, "empty metadata");
	}
	return 0;
}

int meta_parse(struct meta *m, const char *text, size_t len, char *err,
	       size_t errsize)
{
	struct parser p = { m, 0, err, errsize };
	char *buf;
	int ret;

	memset(m, 0, sizeof(*m));
	m->maxstringlen = SONDE_DEF_MAXSTRINGLEN;
	m->maxerrors = SONDE_DEF_MAXERRORS;
	m->maxskipped = SONDE_DEF_MAXSKIPPED;
	m->autoprint_end = -1;
	if (errsize)
		err[0] = '\0';
	buf = malloc(len + 1);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, text, len);
	buf[len] = '\0';
	ret = parse_lines(&p, buf, buf + len);
	free(buf);
	if (ret == -ENOMEM && errsize)
		snprintf(err, errsize, "out of memory");
	if (ret)
		meta_release(m);
	return ret;
}

static void release_table(struct meta_str *t, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		free(t[i].s);
	free(t);
}

void meta_release(struct meta *m)
{
	int i;

	if (!m)
		return;
	release_table(m->probes, m->nprobes);
	release_table(m->formats, m->nformats);
	release_table(m->strings, m->nstrings);
	for (i = 0; i < m->nprogs; i++) {
		free(m->progs[i].name);
		free(m->progs[i].path);
	}
	free(m->progs);
	for (i = 0; i < m->nglobals; i++) {
		free(m->globals[i].name);
		free(m->globals[i].map);
	}
	free(m->globals);
	memset(m, 0, sizeof(*m));
}

/* ---- lookups -------------------------------------------------------------- */

const struct meta_prog *meta_find_prog(const struct meta *m, const char *name)
{
	int i;

	for (i = 0; i < m->nprogs; i++)
		if (!strcmp(m->progs[i].name, name))
			return &m->progs[i];
	return NULL;
}

const struct meta_global *meta_find_global(const struct meta *m,
					   const char *name)
{
	int i;

	for (i = 0; i < m->nglobals; i++)
		if (!strcmp(m->globals[i].name, name))
			return &m->globals[i];
	return NULL;
}

static const struct meta_str *entry(const struct meta_str *t, uint32_t n,
				    uint32_t id)
{
	return id < n && t[id].s ? &t[id] : NULL;
}

const struct meta_str *meta_probe(const struct meta *m, uint32_t id)
{
	return entry(m->probes, m->nprobes, id);
}

const struct meta_str *meta_format(const struct meta *m, uint32_t id)
{
	return entry(m->formats, m->nformats, id);
}

const struct meta_str *meta_string(const struct meta *m, uint32_t id)
{
	return entry(m->strings, m->nstrings, id);
}
