// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * globals.c - script globals in the object's maps: NAME=VALUE from the
 * command line before begin, and the automatic printing of unread
 * globals at exit (runtime.md 6.7) with runtime/format.c's line helpers.
 *
 * Layouts are bpf_abi.h's; load.c has checked each map against its
 * description.  Arrays print sorted by value, descending (statistics by
 * @count), ties by the insertion counter when the metadata gives one,
 * else in map order.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "runtime/format.h"
#include "runtime/stats.h"
#include "staprun/bpf_abi.h"
#include "staprun/log.h"
#include "staprun/staprun.h"

/* One element of a global, read from its map */
struct elem {
	char *key;		/* packed key bytes (arrays) */
	char *val;		/* value bytes: at least the value's size */
	struct stat_data *agg;	/* statistics: the aggregate over CPUs */
	uint64_t seq;		/* insertion counter, or map order */
};

/* What one global needs while it is printed */
struct gview {
	struct session *s;
	const struct meta_global *g;
	struct bpf_map *map;
	int fd;
	uint32_t vsize;		/* bytes of one (per-CPU) value */
	int ncpu;		/* copies per lookup: 1, or the CPUs */
	struct stat_desc desc;
};

static uint32_t slot_size(const struct session *s)
{
	return SONDE_STR_SLOT(s->meta.maxstringlen);
}

/* ---- NAME=VALUE ---------------------------------------------------------- */

static int set_param(struct session *s, const char *arg)
{
	const char *eq = strchr(arg, '='), *why = NULL;
	const struct meta_global *g;
	char name[256], *end, *val;
	struct bpf_map *map;
	uint32_t vsize, slot;
	long long v;

	if (!eq || eq == arg || eq - arg >= (long)sizeof(name)) {
		log_fail("ERROR: bad global assignment '%s'", arg);
		return -EINVAL;
	}
	memcpy(name, arg, eq - arg);
	name[eq - arg] = '\0';
	g = meta_find_global(&s->meta, name);
	if (!g)
		why = "no such global in the script";
	else if (g->nkeys || g->type == META_STATS)
		why = "not a scalar long or string";
	if (why) {
		log_fail("ERROR: cannot set global '%s': %s", name, why);
		return -EINVAL;
	}
	map = bpf_object__find_map_by_name(s->obj, g->map);
	vsize = bpf_map__value_size(map);
	val = calloc(1, vsize);
	if (!val)
		return -ENOMEM;
	slot = g->slot;
	if (bpf_map__lookup_elem(map, &slot, 4, val, vsize, 0))
		memset(val, 0, vsize);
	if (g->type == META_LONG) {
		errno = 0;
		v = strtoll(eq + 1, &end, 0);
		if (errno || !eq[1] || *end) {
			free(val);
			log_fail("ERROR: cannot set global '%s': '%s' is not "
				 "a number", name, eq + 1);
			return -EINVAL;
		}
		memcpy(val + g->off, &v, 8);
	} else {
		memset(val + g->off, 0, slot_size(s));
		strncpy(val + g->off, eq + 1, s->meta.maxstringlen - 1);
	}
	v = bpf_map__update_elem(map, &slot, 4, val, vsize, 0);
	free(val);
	if (v) {
		log_fail("bpf: cannot set global '%s': %s", name,
			 strerror(errno));
		return -errno;
	}
	return 0;
}

int globals_set_params(struct session *s)
{
	int i, err;

	for (i = 0; i < s->opt->nparams; i++) {
		err = set_param(s, s->opt->params[i]);
		if (err)
			return err;
	}
	return 0;
}

/* ---- reading ------------------------------------------------------------- */

static int view_init(struct gview *v, struct session *s,
		     const struct meta_global *g)
{
	const int shift = g->variance ? g->variance - 1 : 0;
	const int ops = g->variance ? STAT_OP_VARIANCE : 0;

	memset(v, 0, sizeof(*v));
	v->s = s;
	v->g = g;
	v->map = bpf_object__find_map_by_name(s->obj, g->map);
	v->fd = bpf_map__fd(v->map);
	v->vsize = bpf_map__value_size(v->map);
	v->ncpu = 1;
	if (g->type != META_STATS)
		return 0;
	v->ncpu = libbpf_num_possible_cpus();
	if (v->ncpu < 1)
		return -EINVAL;
	v->vsize = (v->vsize + 7) & ~7u;	/* per-CPU values are 8-aligned */
	if (g->hist == META_HIST_LOG)
		stat_desc_init_log(&v->desc, shift, ops);
	else if (g->hist == META_HIST_LINEAR)
		return stat_desc_init_linear(&v->desc, g->start, g->stop,
					     g->interval, shift, ops) < 0
			? -EINVAL : 0;
	else
		stat_desc_init(&v->desc, shift, ops);
	return 0;
}

/* Sum the per-CPU copies in vals into a new aggregate */
static struct stat_data *aggregate(const struct gview *v, const char *vals)
{
	size_t size = STAT_DATA_SIZE(v->desc.nbuckets);
	struct stat_data *agg = malloc(size), *cpu = malloc(size);
	int i;

	if (agg && cpu) {
		stat_agg_begin(&v->desc, agg);
		for (i = 0; i < v->ncpu; i++) {
			memcpy(cpu, vals + (size_t)i * v->vsize + v->g->off,
			       size);
			stat_agg_merge(&v->desc, agg, cpu);
		}
		stat_agg_end(&v->desc, agg);
	} else {
		free(agg);
		agg = NULL;
	}
	free(cpu);
	return agg;
}

/* Look up key into e; 1 if the key is gone */
static int read_elem(const struct gview *v, const void *key, struct elem *e)
{
	size_t total = (size_t)v->vsize * v->ncpu;
	uint32_t ksize = bpf_map__key_size(v->map);
	uint64_t seq;
	int i;

	e->val = calloc(1, total);	/* (valgrind sees one CPU's copy filled) */
	e->key = malloc(ksize);
	if (!e->val || !e->key)
		return -ENOMEM;
	memcpy(e->key, key, ksize);
	if (bpf_map_lookup_elem(v->fd, key, e->val))
		return errno == ENOENT ? 1 : -errno;
	/* a statistic's counter is in the copy of the CPU that inserted
	 * it (the others are zero), or in the last that renumbered it */
	for (i = 0; v->g->seq >= 0 && i < v->ncpu; i++) {
		memcpy(&seq, e->val + (size_t)i * v->vsize + v->g->seq, 8);
		if (!i || seq > e->seq)
			e->seq = seq;
	}
	if (v->g->type == META_STATS) {
		e->agg = aggregate(v, e->val);
		if (!e->agg)
			return -ENOMEM;
	}
	return 0;
}

static void elem_release(struct elem *e)
{
	free(e->key);
	free(e->val);
	free(e->agg);
}

/* Every element of an array global, in map order */
static int read_all(const struct gview *v, struct elem **out, int *n)
{
	uint32_t ksize = bpf_map__key_size(v->map);
	char *prev = NULL, *next = malloc(ksize);
	struct elem *e = NULL, *grown;
	int cap = 0, err = 0, r;

	*n = 0;
	while (next && !bpf_map_get_next_key(v->fd, prev, next)) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			grown = realloc(e, cap * sizeof(*e));
			if (!grown) {
				err = -ENOMEM;
				break;
			}
			e = grown;
		}
		memset(&e[*n], 0, sizeof(*e));
		r = read_elem(v, next, &e[*n]);
		if (r < 0) {
			elem_release(&e[*n]);
			err = r;
			break;
		}
		if (r == 0) {
			if (v->g->seq < 0)
				e[*n].seq = *n;
			(*n)++;
		} else {
			elem_release(&e[*n]);
		}
		if (!prev)
			prev = malloc(ksize);
		if (!prev) {
			err = -ENOMEM;
			break;
		}
		memcpy(prev, next, ksize);
	}
	if (!next)
		err = -ENOMEM;
	free(prev);
	free(next);
	*out = e;
	return err;
}

/* ---- sorting ------------------------------------------------------------- */

static const struct gview *sort_view;	/* qsort has no context argument */

static int cmp_elem(const void *pa, const void *pb)
{
	const struct elem *a = pa, *b = pb;
	const struct meta_global *g = sort_view->g;
	int64_t x, y;
	int c = 0;

	if (g->type == META_STATS) {
		x = a->agg->count;
		y = b->agg->count;
		c = (x < y) - (x > y);
	} else if (g->type == META_LONG) {
		memcpy(&x, a->val + g->off, 8);
		memcpy(&y, b->val + g->off, 8);
		c = (x < y) - (x > y);
	} else {
		c = -strncmp(a->val + g->off, b->val + g->off,
			     sort_view->s->meta.maxstringlen);
	}
	if (c)
		return c;
	return (a->seq > b->seq) - (a->seq < b->seq);
}

/* ---- printing ------------------------------------------------------------ */

static int unpack_keys(const struct gview *v, const char *key,
		       struct fmt_value *keys)
{
	const struct meta *m = &v->s->meta;
	int64_t l;
	int i;

	for (i = 0; i < v->g->nkeys; i++) {
		if (v->g->keys[i] == META_LONG) {
			memcpy(&l, key, 8);
			keys[i] = fmt_long(l);
			key += 8;
		} else {
			keys[i] = fmt_str(key, strnlen(key, m->maxstringlen - 1));
			key += slot_size(v->s);
		}
	}
	return v->g->nkeys;
}

/* One line into buf (grown as needed); returns its length or < 0 */
static int line(const struct gview *v, const struct elem *e, char **buf,
		size_t *size)
{
	struct fmt_value keys[META_MAX_KEYS], val;
	const struct meta_global *g = v->g;
	int nkeys = e->key ? unpack_keys(v, e->key, keys) : 0, n;
	int64_t l;

	for (;;) {
		if (g->type == META_STATS) {
			n = stat_global_line(*buf, *size, g->name, keys, nkeys,
					     e->agg);
		} else {
			if (g->type == META_LONG) {
				memcpy(&l, e->val + g->off, 8);
				val = fmt_long(l);
			} else {
				val = fmt_str(e->val + g->off,
					      strnlen(e->val + g->off,
						      v->s->meta.maxstringlen - 1));
			}
			n = fmt_global_line(*buf, *size, g->name, keys, nkeys,
					    &val, g->hex);
		}
		if (n < 0 || (size_t)n < *size)
			return n;
		free(*buf);
		*size = n + 1;
		*buf = malloc(*size);
		if (!*buf)
			return -ENOMEM;
	}
}

static int print_elems(const struct gview *v, struct elem *e, int n)
{
	size_t size = 256;
	char *buf = malloc(size);
	int i, len = 0;

	for (i = 0; i < n && buf; i++) {
		len = line(v, &e[i], &buf, &size);
		if (len < 0)
			break;
		output_write(&v->s->out, buf, len);
	}
	free(buf);
	return !buf ? -ENOMEM : len < 0 ? len : 0;
}

static int print_global(struct session *s, const struct meta_global *g)
{
	struct elem *e = NULL, one = { 0 };
	struct gview v;
	int n = 0, err, i;

	err = view_init(&v, s, g);
	if (err)
		return err;
	if (g->nkeys) {
		err = read_all(&v, &e, &n);
		if (!err) {
			sort_view = &v;
			qsort(e, n, sizeof(*e), cmp_elem);
			err = print_elems(&v, e, n);
		}
		for (i = 0; i < n; i++)
			elem_release(&e[i]);
		free(e);
		return err;
	}
	err = read_elem(&v, &g->slot, &one);
	free(one.key);
	one.key = NULL;
	if (!err)
		err = print_elems(&v, &one, 1);
	elem_release(&one);
	return err < 0 ? err : 0;
}

/* Print every global marked 'print', in declaration order. */
int globals_print(struct session *s)
{
	const struct meta_global *g;
	int i, err;

	for (i = 0; i < s->meta.nglobals; i++) {
		g = &s->meta.globals[i];
		if (!g->print)
			continue;
		err = print_global(s, g);
		if (err) {
			log_fail("bpf: cannot print global '%s': %s", g->name,
				 strerror(-err));
			return err;
		}
	}
	output_flush(&s->out);
	return 0;
}
