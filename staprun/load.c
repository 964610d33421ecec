// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * load.c - open a generated object, check it against its metadata, load it.
 *
 * Everything that can be checked without the kernel is checked before
 * bpf_object__load(): the programs and maps the metadata names exist and
 * have the shapes it claims, so a generator bug is reported by name
 * rather than as a confusing verifier or lookup failure later.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "runtime/stats.h"
#include "staprun/bpf_abi.h"
#include "staprun/log.h"
#include "staprun/staprun.h"

#define VLOG_SIZE (1 << 20)	/* verifier log of a failed program */
#define VLOG_TAIL 20		/* lines of it shown */

/*
 * libbpf raises RLIMIT_MEMLOCK only on kernels without memcg accounting
 * of BPF memory (before 5.11); this setter, which turns that off, is not
 * exported by libbpf 1.1, hence the weak reference.
 */
extern int libbpf_set_memlock_rlim(size_t memlock_bytes) __attribute__((weak));

static int print_libbpf(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	return log_libbpf(level, fmt, ap);
}

static int read_meta(struct session *s)
{
	const char *path = s->opt->object;
	char *text, err[256];
	size_t len;
	int ret;

	ret = meta_read_elf(path, &text, &len);
	if (ret == -ENODATA) {
		log_fail("bpf: cannot read metadata of '%s': no %s section",
			 path, SONDE_META_SECTION);
		return ret;
	}
	if (ret) {
		log_fail("bpf: cannot read metadata of '%s': %s", path,
			 ret == -EIO ? "not an ELF object" : strerror(-ret));
		return ret;
	}
	ret = meta_parse(&s->meta, text, len, err, sizeof(err));
	free(text);
	if (ret)
		log_fail("bpf: bad metadata in '%s': %s", path, err);
	return ret;
}

/* ---- programs ------------------------------------------------------------ */

/* "sonde/begin/3" -> &s->begin, 3; NULL for other sections */
static struct runlist *runlist_of(struct session *s, const char *sec, long *n)
{
	static const struct { const char *prefix; size_t off; } kinds[] = {
		{ SONDE_SEC_BEGIN, offsetof(struct session, begin) },
		{ SONDE_SEC_END, offsetof(struct session, end) },
		{ SONDE_SEC_ERROR, offsetof(struct session, error) },
	};
	size_t i, len;
	char *e;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		len = strlen(kinds[i].prefix);
		if (strncmp(sec, kinds[i].prefix, len))
			continue;
		errno = 0;
		*n = strtol(sec + len, &e, 10);
		if (errno || e == sec + len || *e || *n < 0 || *n > 65535)
			*n = -1;
		return (struct runlist *)((char *)s + kinds[i].off);
	}
	return NULL;
}

static int runlist_put(struct runlist *rl, long n, struct bpf_program *p)
{
	struct bpf_program **v;

	if (n >= rl->n) {
		v = realloc(rl->progs, (n + 1) * sizeof(*v));
		if (!v)
			return -ENOMEM;
		memset(v + rl->n, 0, (n + 1 - rl->n) * sizeof(*v));
		rl->progs = v;
		rl->n = n + 1;
	}
	if (rl->progs[n])
		return -EEXIST;
	rl->progs[n] = p;
	return 0;
}

/* Sort begin/end/error programs into their run lists. */
static int classify_progs(struct session *s)
{
	struct bpf_program *p;
	struct runlist *rl;
	const char *sec;
	long n;
	int err;

	bpf_object__for_each_program(p, s->obj) {
		sec = bpf_program__section_name(p);
		rl = runlist_of(s, sec, &n);
		if (!rl)
			continue;
		if (n < 0) {
			log_fail("bpf: bad section name '%s' of program '%s'",
				 sec, bpf_program__name(p));
			return -EINVAL;
		}
		err = runlist_put(rl, n, p);
		if (err == -EEXIST)
			log_fail("bpf: two programs in section '%s'", sec);
		if (err)
			return err;
		/* raw_tracepoint: BPF_PROG_TEST_RUN works since 5.10 */
		bpf_program__set_type(p, BPF_PROG_TYPE_RAW_TRACEPOINT);
	}
	return 0;
}

static void release_runlist(struct runlist *rl)
{
	free(rl->progs);
	rl->progs = NULL;
	rl->n = 0;
}

/* Every prog line of the metadata names a program of the object. */
static int check_meta_progs(struct session *s)
{
	int i;

	for (i = 0; i < s->meta.nprogs; i++)
		if (!bpf_object__find_program_by_name(s->obj,
						      s->meta.progs[i].name)) {
			log_fail("bpf: metadata names program '%s', which "
				 "the object lacks", s->meta.progs[i].name);
			return -EINVAL;
		}
	return 0;
}

/* ---- maps ------------------------------------------------------------------ */

static struct bpf_map *need_map(struct session *s, const char *name,
				enum bpf_map_type type)
{
	struct bpf_map *m = bpf_object__find_map_by_name(s->obj, name);

	if (!m)
		log_fail("bpf: object has no map '%s'", name);
	else if (bpf_map__type(m) != type) {
		log_fail("bpf: map '%s' has type %d, not %d", name,
			 bpf_map__type(m), type);
		m = NULL;
	}
	return m;
}

static int check_runtime_maps(struct session *s)
{
	struct bpf_map *out, *ctl;
	uint32_t size;

	out = need_map(s, SONDE_MAP_OUT, BPF_MAP_TYPE_RINGBUF);
	ctl = need_map(s, SONDE_MAP_CTL, BPF_MAP_TYPE_ARRAY);
	if (!out || !ctl)
		return -EINVAL;
	if (bpf_map__key_size(ctl) != 4 || bpf_map__value_size(ctl) != 8 ||
	    bpf_map__max_entries(ctl) < SONDE_CTL_NSLOTS) {
		log_fail("bpf: map '%s' must be u32 -> u64 with %d entries",
			 SONDE_MAP_CTL, SONDE_CTL_NSLOTS);
		return -EINVAL;
	}
	if (s->opt->buffer_mb) {
		size = s->opt->buffer_mb << 20;
		if (bpf_map__set_max_entries(out, size)) {
			log_fail("bpf: cannot size map '%s' to %u MB",
				 SONDE_MAP_OUT, s->opt->buffer_mb);
			return -EINVAL;
		}
	}
	s->out_size = bpf_map__max_entries(out);
	return 0;
}

static uint32_t type_size(const struct meta *m, enum meta_type t,
			  const struct meta_global *g)
{
	struct stat_desc d;
	int nb = 0;

	switch (t) {
	case META_LONG:
		return 8;
	case META_STRING:
		return SONDE_STR_SLOT(m->maxstringlen);
	case META_STATS:
		if (g->hist == META_HIST_LOG)
			nb = STAT_LOG_BUCKETS;
		else if (g->hist == META_HIST_LINEAR)
			nb = stat_desc_init_linear(&d, g->start, g->stop,
						   g->interval, 0, 0);
		return nb < 0 ? 0 : STAT_DATA_SIZE(nb);
	}
	return 0;
}

/* The map of global g has the key and value shape the metadata claims. */
static int check_global(struct session *s, const struct meta_global *g)
{
	struct bpf_map *m = bpf_object__find_map_by_name(s->obj, g->map);
	uint32_t key = 4, vsize = type_size(&s->meta, g->type, g);
	enum bpf_map_type t;
	int i, percpu;

	if (!m) {
		log_fail("bpf: global '%s': object has no map '%s'", g->name,
			 g->map);
		return -EINVAL;
	}
	if (!vsize) {
		log_fail("bpf: global '%s': bad histogram", g->name);
		return -EINVAL;
	}
	if (g->nkeys)
		for (i = 0, key = 0; i < g->nkeys; i++)
			key += type_size(&s->meta, g->keys[i], g);
	t = bpf_map__type(m);
	percpu = t == BPF_MAP_TYPE_PERCPU_ARRAY || t == BPF_MAP_TYPE_PERCPU_HASH ||
		 t == BPF_MAP_TYPE_LRU_PERCPU_HASH;
	if (percpu != (g->type == META_STATS) ||
	    (!g->nkeys && t != BPF_MAP_TYPE_ARRAY &&
	     t != BPF_MAP_TYPE_PERCPU_ARRAY) ||
	    bpf_map__key_size(m) != key ||
	    bpf_map__value_size(m) < g->off + vsize ||
	    (g->seq >= 0 && bpf_map__value_size(m) < g->seq + 8) ||
	    (!g->nkeys && bpf_map__max_entries(m) <= g->slot)) {
		log_fail("bpf: global '%s': map '%s' does not fit its "
			 "description", g->name, g->map);
		return -EINVAL;
	}
	return 0;
}

static int check_globals(struct session *s)
{
	int i, err;

	for (i = 0; i < s->meta.nglobals; i++) {
		err = check_global(s, &s->meta.globals[i]);
		if (err)
			return err;
	}
	return 0;
}

/* ---- load ------------------------------------------------------------------ */

/* The first program libbpf did not load: the one the kernel refused */
static struct bpf_program *failed_prog(struct session *s)
{
	struct bpf_program *p;

	bpf_object__for_each_program(p, s->obj)
		if (bpf_program__autoload(p) && bpf_program__fd(p) < 0)
			return p;
	return NULL;
}

static void print_log_tail(const char *log)
{
	const char *p = log + strlen(log);
	int lines = 0;

	while (p > log && p[-1] == '\n')
		p--;
	while (p > log && lines <= VLOG_TAIL)
		if (*--p == '\n')
			lines++;
	if (*p == '\n')
		p++;
	fputs(p, stderr);
	if (*p && p[strlen(p) - 1] != '\n')
		fputc('\n', stderr);
}

static const char *probe_name(struct session *s, const char *prog)
{
	const struct meta_prog *mp = meta_find_prog(&s->meta, prog);
	const struct meta_str *pp = mp ? meta_probe(&s->meta, mp->probe) : NULL;

	return pp ? pp->s : NULL;
}

/* Helpers the generator's foreach and statistics rely on, by the
 * kernel that brought them: the verifier only says "unknown func" */
static void explain_missing_helper(const char *vlog)
{
	static const struct { const char *name, *since; } helpers[] = {
		{ "bpf_for_each_map_elem", "5.13" },
		{ "bpf_loop", "5.17" },
		{ "bpf_map_lookup_percpu_elem", "5.19" },
	};
	char want[64];
	size_t i;

	for (i = 0; i < sizeof(helpers) / sizeof(helpers[0]); i++) {
		snprintf(want, sizeof(want), "unknown func %s#", helpers[i].name);
		if (strstr(vlog, want))
			log_fail("bpf: this kernel has no %s() (Linux %s), which "
				 "foreach and statistics use", helpers[i].name,
				 helpers[i].since);
	}
}

static void report_load_failure(struct session *s, int err, const char *vlog)
{
	struct bpf_program *p = failed_prog(s);
	const char *name, *pp;

	if (!p) {
		log_fail("bpf: cannot load object '%s': %s", s->opt->object,
			 strerror(-err));
		return;
	}
	name = bpf_program__name(p);
	pp = probe_name(s, name);
	if (vlog[0])
		print_log_tail(vlog);
	explain_missing_helper(vlog);
	if (pp)
		log_fail("bpf: cannot load program '%s' for probe %s: %s",
			 name, pp, strerror(-err));
	else
		log_fail("bpf: cannot load program '%s': %s", name,
			 strerror(-err));
}

static int open_object(struct session *s, char *vlog)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .kernel_log_buf = vlog,
		    .kernel_log_size = VLOG_SIZE);

	s->obj = bpf_object__open_file(s->opt->object, &opts);
	if (!s->obj) {
		log_fail("bpf: cannot open object '%s': %s", s->opt->object,
			 strerror(errno));
		return -errno;
	}
	return 0;
}

int session_load(struct session *s)
{
	char *vlog;
	int err;

	libbpf_set_print(print_libbpf);
	if (libbpf_set_memlock_rlim)
		libbpf_set_memlock_rlim(0);	/* never touch RLIMIT_MEMLOCK */
	s->ctl_fd = s->out_fd = -1;
	err = read_meta(s);
	if (err)
		return err;
	vlog = calloc(1, VLOG_SIZE);
	if (!vlog)
		return -ENOMEM;
	err = open_object(s, vlog);
	if (!err)
		err = classify_progs(s);
	if (!err)
		err = check_meta_progs(s);
	if (!err)
		err = check_runtime_maps(s);
	if (!err)
		err = check_globals(s);
	if (!err) {
		err = bpf_object__load(s->obj);
		if (err)
			report_load_failure(s, err, vlog);
	}
	free(vlog);
	if (err)
		return err;
	s->ctl_fd = bpf_object__find_map_fd_by_name(s->obj, SONDE_MAP_CTL);
	s->out_fd = bpf_object__find_map_fd_by_name(s->obj, SONDE_MAP_OUT);
	log_debug(1, "loaded '%s': %d begin, %d end, %d error programs",
		  s->opt->object, s->begin.n, s->end.n, s->error.n);
	return 0;
}

/* Close the object: every program and map fd (links are detach_all's). */
void session_unload(struct session *s)
{
	bpf_object__close(s->obj);
	s->obj = NULL;
	release_runlist(&s->begin);
	release_runlist(&s->end);
	release_runlist(&s->error);
	meta_release(&s->meta);
}
