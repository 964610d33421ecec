/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * session.c - the life of a module: load, the /proc control file,
 * start (begin probes, then registration), stop (unregister, wait, end
 * or error probes), unload.
 *
 *	insmod		contexts, maps and the transport allocated;
 *			/proc/sonde-MODULE created; nothing registered
 *	START		begin probes in order while STARTING; register the
 *			rest; RUNNING; STARTED to the reader
 *	exit()/errors	STOPPING or ERROR; EXIT to the reader
 *	STOP		unregister and wait; end probes (STOPPING) or error
 *			probes (ERROR); STOPPED; DONE with the counters
 *	close w/o STOP	unregister and wait; no end probes (nobody reads)
 *	rmmod		the same if still needed, then free everything
 *
 * START and STOP run on the system workqueue, so that the reader keeps
 * draining output while begin and end probes print.
 */

static int64_t sonde_target_pid;
static struct proc_dir_entry *sonde_ctl_entry;
static atomic_t sonde_ctl_users = ATOMIC_INIT(0);
static DEFINE_MUTEX(sonde_session_mutex);	/* start, stop, release */
static bool sonde_started, sonde_stopped;

static __maybe_unused int64_t sonde_target(void)
{
	return sonde_target_pid;
}

/* Errors past MAXERRORS or too many skipped hits: error probes run
 * next instead of end probes */
static void sonde_set_error_state(void)
{
	int s = atomic_read(&sonde_state);

	while (s == SONDE_STARTING || s == SONDE_RUNNING || s == SONDE_STOPPING) {
		int old = atomic_cmpxchg(&sonde_state, s, SONDE_ERROR);

		if (old == s) {
			sonde_tr_flag(SONDE_TR_EXIT);
			return;
		}
		s = old;
	}
}

static __maybe_unused void sonde_exit(void)
{
	atomic_cmpxchg(&sonde_state, SONDE_RUNNING, SONDE_STOPPING);
	atomic_cmpxchg(&sonde_state, SONDE_STARTING, SONDE_STOPPING);
	sonde_tr_flag(SONDE_TR_EXIT);
}

static void sonde_run_list(const struct sonde_probe *const *list, int n, int state)
{
	int i;

	for (i = 0; i < n; i++)
		sonde_run(list[i], state, NULL, NULL);
}

static void sonde_fill_done(void)
{
	sonde_tr.done.errors = atomic64_read(&sonde_errors);
	sonde_tr.done.skipped = atomic64_read(&sonde_skipped);
	sonde_tr.done.drops = atomic64_read(&sonde_tr.drops);
	sonde_tr.done.bufsize = SONDE_BUFSIZE;
}

static void sonde_start_work_fn(struct work_struct *w)
{
	const struct sonde_program *p = &sonde_program;

	mutex_lock(&sonde_session_mutex);
	if (sonde_started)
		goto out;
	sonde_started = true;
	sonde_run_list(p->begin, p->nbegin, SONDE_STARTING);
	if (atomic_read(&sonde_state) == SONDE_STARTING &&
	    sonde_register_probes()) {
		atomic64_inc(&sonde_errors);
		sonde_set_error_state();
	}
	atomic_cmpxchg(&sonde_state, SONDE_STARTING, SONDE_RUNNING);
	sonde_fill_done();
	sonde_tr_flag(SONDE_TR_STARTED);
out:
	mutex_unlock(&sonde_session_mutex);
	wake_up_interruptible(&sonde_tr.wq);
}

/* Under the session mutex: stop the probes; run end or error probes
 * when someone reads their output */
static void sonde_stop(bool run_end)
{
	const struct sonde_program *p = &sonde_program;

	if (sonde_stopped)
		return;
	sonde_stopped = true;
	sonde_unregister_probes();
	atomic_cmpxchg(&sonde_state, SONDE_RUNNING, SONDE_STOPPING);
	atomic_cmpxchg(&sonde_state, SONDE_STARTING, SONDE_STOPPING);
	if (run_end && atomic_read(&sonde_state) == SONDE_ERROR)
		sonde_run_list(p->error, p->nerror, SONDE_ERROR);
	else if (run_end)
		sonde_run_list(p->end, p->nend, SONDE_STOPPING);
	atomic_set(&sonde_state, SONDE_STOPPED);
	sonde_fill_done();
	sonde_tr_flag(SONDE_TR_DONE);
}

static void sonde_stop_work_fn(struct work_struct *w)
{
	mutex_lock(&sonde_session_mutex);
	sonde_stop(true);
	mutex_unlock(&sonde_session_mutex);
	wake_up_interruptible(&sonde_tr.wq);
}

static DECLARE_WORK(sonde_start_work, sonde_start_work_fn);
static DECLARE_WORK(sonde_stop_work, sonde_stop_work_fn);

/* The reader gone or the module leaving: the queued start and stop work
 * finished, then the probes stopped with no end probes run */
static void sonde_stop_unread(void)
{
	flush_work(&sonde_start_work);
	flush_work(&sonde_stop_work);
	mutex_lock(&sonde_session_mutex);
	sonde_stop(false);
	mutex_unlock(&sonde_session_mutex);
}

/* ---- the control file ---------------------------------------------------- */

static int sonde_ctl_open(struct inode *inode, struct file *file)
{
	if (atomic_inc_return(&sonde_ctl_users) != 1) {
		atomic_dec(&sonde_ctl_users);
		return -EBUSY;
	}
	return 0;
}

/* The reader is gone: no probe may keep running without one */
static int sonde_ctl_release(struct inode *inode, struct file *file)
{
	sonde_stop_unread();
	atomic_dec(&sonde_ctl_users);
	return 0;
}

static ssize_t sonde_ctl_read(struct file *file, char __user *buf,
			      size_t count, loff_t *ppos)
{
	return sonde_tr_read(buf, count);
}

static ssize_t sonde_ctl_write(struct file *file, const char __user *buf,
			       size_t count, loff_t *ppos)
{
	struct sonde_cmd cmd;

	if (count != sizeof(cmd))
		return -EINVAL;
	if (copy_from_user(&cmd, buf, sizeof(cmd)))
		return -EFAULT;
	switch (cmd.kind) {
	case SONDE_CMD_START:
		sonde_target_pid = cmd.arg;
		schedule_work(&sonde_start_work);
		break;
	case SONDE_CMD_STOP:
		flush_work(&sonde_start_work);
		schedule_work(&sonde_stop_work);
		break;
	default:
		return -EINVAL;
	}
	return count;
}

/* ---- load and unload -------------------------------------------------------- */

static void sonde_contexts_free(void)
{
	int cpu;

	if (!sonde_contexts)
		return;
	for_each_possible_cpu(cpu)
		vfree(sonde_contexts[cpu]);
	kfree(sonde_contexts);
	sonde_contexts = NULL;
}

/* one block per CPU: the context, the aggregation scratch, the frames */
static int sonde_contexts_alloc(void)
{
	size_t agg = ALIGN(STAT_DATA_SIZE(STAT_MAX_BUCKETS), 8);
	int cpu;

	sonde_frame_size = ALIGN(sonde_program.frame_size, 8);
	sonde_contexts = kcalloc(nr_cpu_ids, sizeof(*sonde_contexts), GFP_KERNEL);
	if (!sonde_contexts)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		struct sonde_context *c;
		char *block = vzalloc(ALIGN(sizeof(*c), 8) + agg +
				      (MAXNESTING + 1) * sonde_frame_size);

		if (!block)
			return -ENOMEM;
		c = (struct sonde_context *)block;
		c->agg = (struct stat_data *)(block + ALIGN(sizeof(*c), 8));
		c->frames = block + ALIGN(sizeof(*c), 8) + agg;
		sonde_contexts[cpu] = c;
	}
	return 0;
}

static int __init sonde_module_init(void)
{
	char name[64];
	int rc;

	rc = sonde_tr_init();
	if (rc)
		return rc;
	rc = sonde_contexts_alloc();
	if (rc)
		goto err_contexts;
	rc = sonde_program.globals_init();
	if (rc)
		goto err_contexts;
	snprintf(name, sizeof(name), SONDE_PROC_PREFIX "%s", KBUILD_MODNAME);
	sonde_ctl_entry = sonde_ctl_create(name);
	if (!sonde_ctl_entry) {
		rc = -ENOMEM;
		goto err_globals;
	}
	return 0;
err_globals:
	sonde_program.globals_free();
err_contexts:
	sonde_contexts_free();
	sonde_tr_free();
	return rc;
}

static void __exit sonde_module_exit(void)
{
	proc_remove(sonde_ctl_entry);
	sonde_stop_unread();
	sonde_program.globals_free();
	sonde_contexts_free();
	sonde_tr_free();
}

module_init(sonde_module_init);
module_exit(sonde_module_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Sonde script module");
