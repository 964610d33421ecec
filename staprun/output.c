// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * output.c - the script's output stream: printf records formatted with
 * the shared formatter (runtime/format.c), so the text is byte for byte
 * what the module backend prints.
 *
 * Each format of the metadata is parsed once, at start, into its
 * directives and the layout of its arguments in a PRINTF record.
 * Histograms arrive aggregated (HIST records) and are drawn by
 * runtime/stats.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/format.h"
#include "runtime/stats.h"
#include "staprun/bpf_abi.h"
#include "staprun/log.h"
#include "staprun/staprun.h"

#define MAX_ARGS 96		/* 32 conversions, each with '*' width and precision */

enum arg_kind { ARG_LONG, ARG_STR, ARG_MEM };

struct out_format {
	const char *fmt;		/* the metadata's text */
	struct fmt_directive *dirs;
	int ndirs;
	unsigned char kind[MAX_ARGS];	/* enum arg_kind per argument */
	int nargs;
	size_t size;			/* payload bytes of a record */
	int bad;			/* did not parse: records are refused */
};

/* The record layout of the arguments of f's directives */
static int layout(struct out_format *f, uint32_t slot)
{
	int i, k;

	for (i = 0; i < f->ndirs; i++) {
		const struct fmt_directive *d = &f->dirs[i];
		int n = d->kind == FMT_CONV ? d->nargs : 0;

		if (f->nargs + n > MAX_ARGS)
			return -E2BIG;
		for (k = 0; k < n - 1; k++)	/* '*' width / precision */
			f->kind[f->nargs++] = ARG_LONG;
		if (!n)
			continue;
		if (d->conv == 's')
			f->kind[f->nargs++] = ARG_STR;
		else if (d->conv == 'm' || d->conv == 'M')
			f->kind[f->nargs++] = ARG_MEM;
		else
			f->kind[f->nargs++] = ARG_LONG;
	}
	for (i = 0; i < f->nargs; i++)
		f->size += f->kind[i] == ARG_LONG ? 8
			 : f->kind[i] == ARG_STR ? slot : 8 + slot;
	return 0;
}

static int prepare(struct out_format *f, const struct meta_str *text,
		   uint32_t slot)
{
	struct fmt_error err;
	int n;

	f->fmt = text->s;
	n = fmt_parse(text->s, text->len, NULL, 0, &err);
	if (n < 0)
		return n;
	f->dirs = calloc(n ? n : 1, sizeof(*f->dirs));
	if (!f->dirs)
		return -ENOMEM;
	f->ndirs = fmt_parse(text->s, text->len, f->dirs, n, &err);
	return layout(f, slot);
}

int output_open(struct output *o, const struct meta *m, const char *path)
{
	uint32_t i;
	int err;

	memset(o, 0, sizeof(*o));
	o->slot = SONDE_STR_SLOT(m->maxstringlen);
	o->buf = malloc(FMT_MAX_OUTPUT);
	o->formats = calloc(m->nformats ? m->nformats : 1, sizeof(*o->formats));
	if (!o->buf || !o->formats)
		goto err_nomem;
	o->nformats = m->nformats;
	for (i = 0; i < m->nformats; i++) {
		if (!m->formats[i].s) {
			o->formats[i].bad = 1;
			continue;
		}
		err = prepare(&o->formats[i], &m->formats[i], o->slot);
		if (err == -ENOMEM)
			goto err_nomem;
		if (err) {
			log_fail("bpf: bad format %u in metadata: \"%s\"", i,
				 m->formats[i].s);
			output_close(o);
			return -EINVAL;
		}
	}
	if (path) {
		o->f = fopen(path, "w");
		if (!o->f) {
			err = -errno;
			fprintf(stderr, "Error opening %s for output: %s\n",
				path, strerror(errno));
			output_close(o);
			return err;
		}
		o->own = 1;
	} else {
		o->f = stdout;
	}
	return 0;

err_nomem:
	output_close(o);
	return -ENOMEM;
}

void output_close(struct output *o)
{
	uint32_t i;

	if (o->f)
		fflush(o->f);
	if (o->own)
		fclose(o->f);
	for (i = 0; o->formats && i < o->nformats; i++)
		free(o->formats[i].dirs);
	free(o->formats);
	free(o->buf);
	memset(o, 0, sizeof(*o));
}

/* A string slot's text: up to its first NUL, at most maxstringlen-1 bytes */
static struct fmt_value slot_str(const char *p, const struct meta *m)
{
	size_t max = m->maxstringlen - 1;

	return fmt_str(p, strnlen(p, max));
}

static void decode_args(const struct out_format *f, const char *p,
			const struct output *o, const struct meta *m,
			struct fmt_value *args)
{
	uint64_t n;
	int64_t v;
	int i;

	for (i = 0; i < f->nargs; i++) {
		switch (f->kind[i]) {
		case ARG_LONG:
			memcpy(&v, p, 8);
			args[i] = fmt_long(v);
			p += 8;
			break;
		case ARG_STR:
			args[i] = slot_str(p, m);
			p += o->slot;
			break;
		case ARG_MEM:
			memcpy(&n, p, 8);
			args[i] = fmt_str(p + 8, n < o->slot ? n : o->slot);
			p += 8 + o->slot;
			break;
		}
	}
}

/* A run-time formatting error, reported as the module's printf would */
static void format_error(const struct fmt_error *err)
{
	char msg[256];
	int n = fmt_error_message(msg, sizeof(msg), err);

	if (n >= (int)sizeof(msg))
		n = sizeof(msg) - 1;
	log_error_line(msg, n > 0 ? (size_t)n : 0);
}

/*
 * Format and write one PRINTF record's payload (after struct sonde_rec).
 * Returns 0, 1 if a formatting error was reported (an ERROR: line), or
 * -EINVAL for an unknown format or a short record.
 */
int output_printf(struct output *o, const struct meta *m, uint32_t id,
		  const void *payload, size_t len, size_t *used)
{
	struct fmt_value args[MAX_ARGS];
	struct fmt_error err = { 0 };
	const struct out_format *f;
	int n;

	if (id >= o->nformats || o->formats[id].bad)
		return -EINVAL;
	f = &o->formats[id];
	if (len < f->size)
		return -EINVAL;
	*used = f->size;
	decode_args(f, payload, o, m, args);
	n = fmt_format_dirs(NULL, 0, f->fmt, f->dirs, f->ndirs, args,
			    f->nargs, NULL, &err);
	if (n >= 0) {
		if (n > FMT_MAX_OUTPUT)
			n = FMT_MAX_OUTPUT;
		n = fmt_emit_dirs(o->buf, n, f->fmt, f->dirs, f->ndirs, args,
				  f->nargs, NULL, &err);
	}
	if (n < 0) {
		format_error(&err);
		return 1;
	}
	output_write(o, o->buf, n);
	return 0;
}

static void emit_piece(void *cookie, const char *text, size_t len)
{
	output_write(cookie, text, len);
}

int output_hist(struct output *o, const void *rec, size_t avail,
		size_t *used)
{
	struct sonde_rec_hist h;
	struct stat_desc d;
	struct stat_data *agg;
	size_t size;
	int err;

	if (avail < sizeof(h))
		return -EINVAL;
	memcpy(&h, rec, sizeof(h));
	if (h.hist_type == STAT_HIST_LOG && h.nbuckets == STAT_LOG_BUCKETS)
		stat_desc_init_log(&d, 0, 0);
	else if (h.hist_type != STAT_HIST_LINEAR ||
		 stat_desc_init_linear(&d, h.start, h.stop, h.interval, 0,
				       0) != (int)h.nbuckets)
		return -EINVAL;
	size = STAT_DATA_SIZE(h.nbuckets);
	if (avail - sizeof(h) < size)
		return -EINVAL;
	agg = malloc(size);
	if (!agg)
		return -ENOMEM;
	memcpy(agg, (const char *)rec + sizeof(h), size);
	err = stat_emit_hist(emit_piece, o, &d, agg);
	free(agg);
	if (err >= 0 && h.newline)
		output_write(o, "\n", 1);
	*used = sizeof(h) + size;
	return err < 0 ? -EINVAL : 0;
}

void output_write(struct output *o, const void *data, size_t len)
{
	if (len)
		fwrite(data, 1, len, o->f);
}

void output_flush(struct output *o)
{
	if (o->f)
		fflush(o->f);
}
