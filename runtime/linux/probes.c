/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * probes.c - running a handler, and the probe kinds: timers (hrtimers),
 * kernel tracepoints, kprobes, perf events (begin/end/error are run by
 * session.c).
 *
 * Every hit goes through sonde_run(): interrupts off, the session in
 * the state the probe kind needs, this CPU's context free (else the hit
 * is skipped and counted: a handler interrupted by an NMI-context probe,
 * or a probe fired from inside the runtime), the globals lock when the
 * handler uses globals (MAXTRYLOCK attempts, else skipped), then the
 * handler with a fresh MAXACTION budget; an error it left is reported
 * once here.  Overload: the time handlers take on a CPU is summed over
 * STP_OVERLOAD_INTERVAL; past STP_OVERLOAD_THRESHOLD of it the session
 * stops with upstream's "probe overhead exceeded threshold".
 */

static atomic_t sonde_state = ATOMIC_INIT(SONDE_STARTING);
static atomic64_t sonde_skipped;
static struct sonde_context **sonde_contexts;	/* per possible CPU */
static DEFINE_RAW_SPINLOCK(sonde_globals_lock);

static bool sonde_lock_globals(void)
{
	int i;

	for (i = 0; i < MAXTRYLOCK; i++) {
		if (raw_spin_trylock(&sonde_globals_lock))
			return true;
		ndelay(100);
	}
	return false;
}

static void sonde_skip(void)
{
	if (atomic64_inc_return(&sonde_skipped) == MAXSKIPPED + 1) {
		static const char msg[] = "ERROR: Skipped too many probes, check "
			"MAXSKIPPED or try again with stap -t for more details.\n";

		sonde_tr_write(SONDE_MSG_ERROR, msg, sizeof(msg) - 1);
		atomic64_inc(&sonde_errors);
		sonde_set_error_state();
	}
}

static void sonde_overload(struct sonde_context *c, u64 start)
{
	u64 now = local_clock();
	static atomic_t reported = ATOMIC_INIT(0);

	if (now - c->overload_start > STP_OVERLOAD_INTERVAL) {
		c->overload_start = now;
		c->overload_time = 0;
	}
	c->overload_time += now - start;
	if (c->overload_time <= STP_OVERLOAD_THRESHOLD || atomic_xchg(&reported, 1))
		return;
	sonde_tr_write(SONDE_MSG_ERROR, "ERROR: probe overhead exceeded threshold\n",
		       sizeof("ERROR: probe overhead exceeded threshold\n") - 1);
	atomic64_inc(&sonde_errors);
	sonde_set_error_state();
}

/* true when the handler ran to its end without an error */
static bool sonde_run_entry(const struct sonde_probe *p, int state,
			    struct pt_regs *regs, const unsigned long *args,
			    int64_t *entry)
{
	bool ok = false;
	struct sonde_context *c;
	unsigned long flags;
	u64 start;

	local_irq_save(flags);
	if (atomic_read(&sonde_state) != state)
		goto out;
	c = sonde_contexts[smp_processor_id()];
	if (atomic_inc_return(&c->busy) != 1) {
		sonde_skip();
		goto out_busy;
	}
	if (p->locks && !sonde_lock_globals()) {
		sonde_skip();
		goto out_busy;
	}
	c->probe = p;
	c->regs = regs;
	c->args = args;
	c->entry = entry;
	c->error = NULL;
	c->error_loc = NULL;
	c->actions = MAXACTION;
	c->depth = 0;
	start = local_clock();
	p->handler(c);
	if (p->locks)
		raw_spin_unlock(&sonde_globals_lock);
	ok = !c->error;
	if (c->error)
		sonde_report_error(c);
	if (state == SONDE_RUNNING)
		sonde_overload(c, start);
out_busy:
	atomic_dec(&c->busy);
out:
	local_irq_restore(flags);
	return ok;
}

static void sonde_run(const struct sonde_probe *p, int state,
		      struct pt_regs *regs, const unsigned long *args)
{
	sonde_run_entry(p, state, regs, args, NULL);
}

static __maybe_unused void sonde_probe_hit(const struct sonde_probe *p)
{
	sonde_run(p, SONDE_RUNNING, NULL, NULL);
}

/* ---- timer.s/ms/us/ns/hz/jiffies ------------------------------------- */

static u64 sonde_timer_interval(const struct sonde_timer_probe *t)
{
	u64 ns = t->period_ns;

	if (t->randomize_ns)
		ns += sonde_random_u32() % (2 * t->randomize_ns + 1) - t->randomize_ns;
	return ns ? ns : 1;
}

static enum hrtimer_restart sonde_timer_fn(struct hrtimer *timer)
{
	struct sonde_timer_probe *t =
		container_of(timer, struct sonde_timer_probe, timer);

	sonde_probe_hit(t->probe);
	hrtimer_forward_now(timer, ns_to_ktime(sonde_timer_interval(t)));
	return HRTIMER_RESTART;
}

static void sonde_timer_start(struct sonde_timer_probe *t)
{
	sonde_hrtimer_setup(&t->timer, sonde_timer_fn);
	hrtimer_start(&t->timer, ns_to_ktime(sonde_timer_interval(t)),
		      HRTIMER_MODE_REL);
}

/* ---- kernel.trace ---------------------------------------------------- */

static __maybe_unused void sonde_tracepoint_hit(struct sonde_tp_probe *t,
						long syscall_nr,
						const unsigned long *args)
{
	if (t->syscall_nr >= 0 && syscall_nr != t->syscall_nr)
		return;
	sonde_run(t->probe, SONDE_RUNNING, NULL, args);
}

/* ---- kernel.function, kprobe.function ----------------------------------- */

static __maybe_unused unsigned long sonde_kernel_arg(struct sonde_context *c, int n)
{
	return c->regs ? sonde_regs_arg(c->regs, n) : 0;
}

static __maybe_unused unsigned long sonde_return_value(struct sonde_context *c)
{
	return c->regs ? regs_return_value(c->regs) : 0;
}

static int sonde_kprobe_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct sonde_kprobe *k = container_of(kp, struct sonde_kprobe, kp);

	sonde_run(k->probe, SONDE_RUNNING, regs, NULL);
	return 0;
}

/* The probe a kretprobe instance belongs to, or NULL */
static struct sonde_kprobe *sonde_kprobe_of_ri(struct kretprobe_instance *ri)
{
	struct kretprobe *rp = sonde_kretprobe_of(ri);

	return rp ? container_of(rp, struct sonde_kprobe, rp) : NULL;
}

/* ri->data: a u64 that says the @entry values were taken, then them */
static int sonde_kretprobe_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct sonde_kprobe *k = sonde_kprobe_of_ri(ri);
	u64 *data = (u64 *)ri->data;

	if (!k)
		return 0;
	data[0] = sonde_run_entry(k->entry_probe, SONDE_RUNNING, regs, NULL,
				  (int64_t *)(data + 1));
	return 0;
}

static int sonde_kretprobe_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct sonde_kprobe *k = sonde_kprobe_of_ri(ri);
	u64 *data = (u64 *)ri->data;

	if (!k)
		return 0;
	if (k->entry_probe && !data[0])
		return 0;	/* the entry part was skipped or failed */
	sonde_run_entry(k->probe, SONDE_RUNNING, regs, NULL,
			k->entry_probe ? (int64_t *)(data + 1) : NULL);
	return 0;
}

static int sonde_kprobe_register(struct sonde_kprobe *k)
{
	if (k->is_return) {
		memset(&k->rp, 0, sizeof(k->rp));
		k->rp.kp.symbol_name = k->symbol;
		k->rp.handler = sonde_kretprobe_ret;
		k->rp.maxactive = k->maxactive;
		if (k->entry_probe) {
			k->rp.entry_handler = sonde_kretprobe_entry;
			k->rp.data_size = (k->nentry + 1) * sizeof(u64);
		}
		return register_kretprobe(&k->rp);
	}
	memset(&k->kp, 0, sizeof(k->kp));
	k->kp.symbol_name = k->symbol;
	k->kp.pre_handler = sonde_kprobe_pre;
	return register_kprobe(&k->kp);
}

static void sonde_kprobe_unregister(struct sonde_kprobe *k)
{
	if (k->is_return)
		unregister_kretprobe(&k->rp);
	else
		unregister_kprobe(&k->kp);
}

/* ---- perf.*, timer.profile ---------------------------------------------- */

static void sonde_perf_overflow(struct perf_event *ev, struct perf_sample_data *data,
				struct pt_regs *regs)
{
	const struct sonde_perf_probe *pp = ev->overflow_handler_context;

	sonde_run(pp->probe, SONDE_RUNNING, regs, NULL);
}

static void sonde_perf_unregister(struct sonde_perf_probe *pp)
{
	int cpu;

	if (!pp->events)
		return;
	for_each_possible_cpu(cpu)
		if (pp->events[cpu])
			perf_event_release_kernel(pp->events[cpu]);
	kfree(pp->events);
	pp->events = NULL;
}

static int sonde_perf_register(struct sonde_perf_probe *pp)
{
	struct perf_event_attr attr;
	struct perf_event *ev;
	int cpu;

	memset(&attr, 0, sizeof(attr));
	attr.type = pp->type;
	attr.size = sizeof(attr);
	attr.config = pp->config;
	attr.sample_period = pp->sample;
	attr.freq = pp->freq;
	pp->events = kcalloc(nr_cpu_ids, sizeof(*pp->events), GFP_KERNEL);
	if (!pp->events)
		return -ENOMEM;
	for_each_online_cpu(cpu) {
		ev = perf_event_create_kernel_counter(&attr, cpu, NULL,
						      sonde_perf_overflow, pp);
		if (IS_ERR(ev)) {
			sonde_perf_unregister(pp);
			return PTR_ERR(ev);
		}
		pp->events[cpu] = ev;
		if (!pp->per_cpu)
			break;
	}
	return 0;
}

/* ---- process("PATH").function ------------------------------------------ */

static bool sonde_uprobe_wanted(const struct sonde_uprobe *u)
{
	long pid = u->pid == SONDE_PID_TARGET ? (long)sonde_target() : u->pid;

	return pid < 0 || (pid > 0 && current->tgid == pid);
}

static int sonde_uprobe_hit(struct uprobe_consumer *uc, struct pt_regs *regs)
{
	struct sonde_uprobe *u = container_of(uc, struct sonde_uprobe, uc);

	if (sonde_uprobe_wanted(u))
		sonde_run(u->probe, SONDE_RUNNING, regs, NULL);
	return 0;
}

static int sonde_uretprobe_hit(struct uprobe_consumer *uc, unsigned long func,
			       struct pt_regs *regs)
{
	return sonde_uprobe_hit(uc, regs);
}

static int sonde_uprobe_add(struct sonde_uprobe *u)
{
	struct path path;
	int rc;

	rc = kern_path(u->path, LOOKUP_FOLLOW, &path);
	if (rc)
		return rc;
	u->inode = igrab(d_inode(path.dentry));
	path_put(&path);
	if (!u->inode)
		return -ENOENT;
	memset(&u->uc, 0, sizeof(u->uc));
	if (u->is_return)
		u->uc.ret_handler = sonde_uretprobe_hit;
	else
		u->uc.handler = sonde_uprobe_hit;
	rc = sonde_uprobe_register(u);
	if (rc) {
		iput(u->inode);
		u->inode = NULL;
	}
	return rc;
}

/* ---- registration, in the order of the program's tables --------------- */

static bool sonde_timers_started;

/* "ERROR: WHAT: error RC" to staprun, WHAT from the format; returns rc */
static __printf(2, 3) int sonde_probe_failed(int rc, const char *what, ...)
{
	char buf[300];
	va_list ap;
	int n = scnprintf(buf, sizeof(buf), "ERROR: ");

	va_start(ap, what);
	n += vscnprintf(buf + n, sizeof(buf) - n, what, ap);
	va_end(ap);
	n += scnprintf(buf + n, sizeof(buf) - n, ": error %d\n", rc);
	sonde_tr_write(SONDE_MSG_ERROR, buf, n);
	return rc;
}

static int sonde_register_probes(void)
{
	const struct sonde_program *p = &sonde_program;
	int i, rc;

	for (i = 0; i < p->ntracepoints; i++) {
		struct sonde_tp_probe *t = &p->tracepoints[i];

		rc = sonde_tp_register(t);
		if (rc)
			return sonde_probe_failed(rc, "cannot register tracepoint '%s' "
						  "for probe %s", t->name, t->probe->pp);
		t->registered = true;
	}
	for (i = 0; i < p->nkprobes; i++) {
		struct sonde_kprobe *k = &p->kprobes[i];

		rc = sonde_kprobe_register(k);
		if (rc)
			return sonde_probe_failed(rc, "cannot register %s on '%s' "
						  "for probe %s",
						  k->is_return ? "kretprobe" : "kprobe",
						  k->symbol, k->probe->pp);
		k->registered = true;
	}
	for (i = 0; i < p->nuprobes; i++) {
		struct sonde_uprobe *u = &p->uprobes[i];

		rc = sonde_uprobe_add(u);
		if (rc)
			return sonde_probe_failed(rc, "cannot register uprobe on '%s' "
						  "at 0x%llx for probe %s", u->path,
						  (unsigned long long)u->offset,
						  u->probe->pp);
		u->registered = true;
	}
	for (i = 0; i < p->nperfs; i++) {
		rc = sonde_perf_register(&p->perfs[i]);
		if (rc)
			return sonde_probe_failed(rc, "cannot open perf event "
						  "for probe %s", p->perfs[i].probe->pp);
	}
	for (i = 0; i < p->ntimers; i++)
		sonde_timer_start(&p->timers[i]);
	sonde_timers_started = true;
	return 0;
}

/* Unregister everything, then wait for handlers still running */
static void sonde_unregister_probes(void)
{
	const struct sonde_program *p = &sonde_program;
	bool any = false;
	int i;

	if (sonde_timers_started)
		for (i = 0; i < p->ntimers; i++)
			hrtimer_cancel(&p->timers[i].timer);
	sonde_timers_started = false;
	for (i = 0; i < p->nuprobes; i++) {
		if (!p->uprobes[i].registered)
			continue;
		sonde_uprobe_unregister(&p->uprobes[i]);
		any = true;
	}
	if (any)
		sonde_uprobe_sync();
	for (i = 0; i < p->nuprobes; i++) {
		if (!p->uprobes[i].registered)
			continue;
		iput(p->uprobes[i].inode);
		p->uprobes[i].inode = NULL;
		p->uprobes[i].registered = false;
	}
	/* perf_event_release_kernel waits for a running overflow handler */
	for (i = 0; i < p->nperfs; i++)
		sonde_perf_unregister(&p->perfs[i]);
	any = false;
	for (i = 0; i < p->ntracepoints; i++) {
		if (!p->tracepoints[i].registered)
			continue;
		sonde_tp_unregister(&p->tracepoints[i]);
		p->tracepoints[i].registered = false;
		any = true;
	}
	if (any)
		tracepoint_synchronize_unregister();
	/* unregister_k*probe waits for running handlers itself */
	for (i = 0; i < p->nkprobes; i++) {
		if (!p->kprobes[i].registered)
			continue;
		sonde_kprobe_unregister(&p->kprobes[i]);
		p->kprobes[i].registered = false;
	}
}
