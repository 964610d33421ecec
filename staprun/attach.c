// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * attach.c - attach every probe program, and detach them all.
 *
 * A program with a uprobe path in the metadata is attached to that file
 * offset; one with perf_type gets a perf event per CPU (or on the one CPU
 * given) to hang on; any other program is attached from its section name
 * by libbpf (tracepoint/, raw_tracepoint/, kprobe/, ...).  Programs in
 * sonde/begin|end|error sections are run, not attached (run.c).
 */
#include <errno.h>
#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "staprun/bpf_abi.h"
#include "staprun/log.h"
#include "staprun/staprun.h"

static int add_link(struct session *s, struct bpf_link *l)
{
	struct bpf_link **v = realloc(s->links, (s->nlinks + 1) * sizeof(*v));

	if (!v) {
		bpf_link__destroy(l);
		return -ENOMEM;
	}
	s->links = v;
	s->links[s->nlinks++] = l;
	return 0;
}

static int is_runlist_prog(const struct bpf_program *p)
{
	const char *sec = bpf_program__section_name(p);

	return !strncmp(sec, "sonde/", 6);
}

static int attach_uprobe(struct session *s, struct bpf_program *p,
			 const struct meta_prog *mp)
{
	LIBBPF_OPTS(bpf_uprobe_opts, opts);
	struct bpf_link *l;
	pid_t pid = -1;

	opts.retprobe = !strncmp(bpf_program__section_name(p), "uretprobe", 9);
	/* an SDT marker's semaphore: the kernel counts the probes on it */
	opts.ref_ctr_offset = (size_t)mp->semaphore;
	if (mp->pid == META_PID_TARGET) {
		pid = s->child.pid ? s->child.pid : (pid_t)s->opt->target;
		if (!pid)
			return -ESRCH;
	} else if (mp->pid >= 0) {
		pid = (pid_t)mp->pid;
	}
	l = bpf_program__attach_uprobe_opts(p, pid, mp->path,
					    (size_t)mp->offset, &opts);
	if (!l)
		return -errno;
	return add_link(s, l);
}

static int perf_open(const struct meta_prog *mp, int cpu)
{
	struct perf_event_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = mp->perf_type;
	attr.config = mp->perf_config;
	if (mp->freq) {
		attr.freq = 1;
		attr.sample_freq = mp->freq;
	} else {
		attr.sample_period = mp->period;
	}
	return syscall(SYS_perf_event_open, &attr, -1, cpu, -1,
		       PERF_FLAG_FD_CLOEXEC);
}

/* One perf event on cpu, the program attached to it; 1 if cpu is offline */
static int attach_perf_cpu(struct session *s, struct bpf_program *p,
			   const struct meta_prog *mp, int cpu)
{
	struct bpf_link *l;
	int fd = perf_open(mp, cpu), err;

	if (fd < 0)
		return errno == ENODEV && mp->cpu < 0 ? 1 : -errno;
	l = bpf_program__attach_perf_event(p, fd);
	if (!l) {
		err = -errno;
		close(fd);
		return err;
	}
	return add_link(s, l);	/* the link owns fd now */
}

static int attach_perf(struct session *s, struct bpf_program *p,
		       const struct meta_prog *mp)
{
	int cpu, ncpu, err, attached = 0;

	if (mp->cpu >= 0)
		return attach_perf_cpu(s, p, mp, mp->cpu);
	ncpu = libbpf_num_possible_cpus();
	if (ncpu < 0)
		return ncpu;
	for (cpu = 0; cpu < ncpu; cpu++) {
		err = attach_perf_cpu(s, p, mp, cpu);
		if (err < 0)
			return err;
		attached += !err;
	}
	return attached ? 0 : -ENODEV;
}

static int attach_one(struct session *s, struct bpf_program *p)
{
	const struct meta_prog *mp = meta_find_prog(&s->meta,
						    bpf_program__name(p));
	struct bpf_link *l;

	if (mp && mp->path)
		return attach_uprobe(s, p, mp);
	if (mp && mp->perf)
		return attach_perf(s, p, mp);
	l = bpf_program__attach(p);
	if (!l)
		return -errno;
	return add_link(s, l);
}

static void report(struct session *s, struct bpf_program *p, int err)
{
	const char *name = bpf_program__name(p);
	const struct meta_prog *mp = meta_find_prog(&s->meta, name);
	const struct meta_str *pp = mp ? meta_probe(&s->meta, mp->probe) : NULL;
	const char *why = err == -ESRCH && mp && mp->pid == META_PID_TARGET
		? "no target process (-c or -x)" : strerror(-err);

	/* perf_event_open's ENOENT: the event does not exist here, most
	 * often hardware counters in a VM without a virtual PMU */
	if (mp && mp->perf && err == -ENOENT)
		why = mp->perf_type == PERF_TYPE_HARDWARE
		      ? "this host has no hardware perf events (no CPU PMU; "
			"perf_event_open: No such file or directory)"
		      : "this perf event does not exist on this host "
			"(perf_event_open: No such file or directory)";

	if (pp)
		log_fail("bpf: cannot attach program '%s' for probe %s: %s",
			 name, pp->s, why);
	else
		log_fail("bpf: cannot attach program '%s': %s", name, why);
}

/* Attach in object order; on failure the links made so far stay in
 * s->links for detach_all(). */
int attach_all(struct session *s)
{
	struct bpf_program *p;
	int err;

	bpf_object__for_each_program(p, s->obj) {
		if (is_runlist_prog(p))
			continue;
		err = attach_one(s, p);
		if (err) {
			report(s, p, err);
			return err;
		}
		log_debug(2, "attached '%s'", bpf_program__name(p));
	}
	log_debug(1, "attached %d links", s->nlinks);
	return 0;
}

/* Destroy the links in reverse order of attachment. */
void detach_all(struct session *s)
{
	while (s->nlinks > 0)
		bpf_link__destroy(s->links[--s->nlinks]);
	free(s->links);
	s->links = NULL;
}
