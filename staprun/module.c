// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * module.c - a session with a Sonde kernel module.
 *
 *	check vermagic, open the output, fork the held -c command,
 *	insert the module, open /proc/sonde-NAME,
 *	START (target pid) -> the module runs begin probes, registers the
 *	rest and answers STARTED: release the command;
 *	relay records until EXIT (exit(), errors), a signal, -T or the
 *	command's end: then STOP, and relay until DONE;
 *	report errors, skipped hits, drops and the command's failure;
 *	close the control file and remove the module on every path.
 *
 * The module stops its probes by itself when the control file is closed
 * (runtime/linux/session.c), so even a staprun killed with SIGKILL
 * leaves no probe running; only the inert module stays loaded.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "runtime/linux/sonde_abi.h"
#include "staprun/log.h"
#include "staprun/module.h"

#define GIVE_UP_INTERRUPTS 3	/* a third Ctrl-C stops waiting for end probes */
#define READ_SIZE (64 * 1024)

struct msession {
	const struct options *o;
	struct modinfo mi;
	FILE *out;
	int ctl;		/* /proc/sonde-NAME */
	struct child child;
	bool inserted;
	bool stop_sent;
	bool done;
	struct sonde_done counts;
	char *buf;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int send_cmd(struct msession *s, uint32_t kind, int64_t arg)
{
	struct sonde_cmd cmd = { .kind = kind, .arg = arg };

	if (write(s->ctl, &cmd, sizeof(cmd)) != sizeof(cmd)) {
		log_fail("module: cannot send a command to '%s': %s", s->mi.name,
			 strerror(errno));
		return -1;
	}
	return 0;
}

static void send_stop(struct msession *s, const char *why)
{
	if (s->stop_sent)
		return;
	log_debug(1, "stopping: %s", why);
	s->stop_sent = true;
	if (send_cmd(s, SONDE_CMD_STOP, 0))
		s->done = true;
}

/* "ERROR: text\n" from the module: through the logger, which counts it */
static void message(const char *p, uint32_t len, const char *prefix, bool error)
{
	size_t plen = strlen(prefix);

	if (len >= plen && !memcmp(p, prefix, plen)) {
		p += plen;
		len -= plen;
	}
	if (len && p[len - 1] == '\n')
		len--;
	if (error)
		log_error_line(p, len);
	else
		log_warn_line(p, len);
}

static int handle(struct msession *s, const struct sonde_msg *m, const char *p)
{
	switch (m->kind) {
	case SONDE_MSG_OUTPUT:
		fwrite(p, 1, m->len, s->out);
		break;
	case SONDE_MSG_ERROR:
		fflush(s->out);
		message(p, m->len, "ERROR: ", true);
		break;
	case SONDE_MSG_WARNING:
		fflush(s->out);
		message(p, m->len, "WARNING: ", false);
		break;
	case SONDE_MSG_EXIT:
		send_stop(s, "exit");
		break;
	case SONDE_MSG_STARTED:
		log_debug(1, "started");
		child_release(&s->child);
		break;
	case SONDE_MSG_DONE:
		if (m->len >= sizeof(s->counts))
			memcpy(&s->counts, p, sizeof(s->counts));
		s->done = true;
		break;
	default:
		log_fail("module: unknown record kind %u from '%s'", m->kind, s->mi.name);
		return -1;
	}
	return 0;
}

/* One read of the control file; its records handled.  -1 on failure. */
static int relay(struct msession *s)
{
	struct sonde_msg m;
	ssize_t n = read(s->ctl, s->buf, READ_SIZE);
	size_t off = 0;

	if (n < 0 && errno == EINTR)
		return 0;
	if (n < 0) {
		log_fail("module: cannot read from '%s': %s", s->mi.name, strerror(errno));
		return -1;
	}
	while (off + sizeof(m) <= (size_t)n) {
		memcpy(&m, s->buf + off, sizeof(m));
		if (off + sizeof(m) + m.len > (size_t)n) {
			log_fail("module: truncated record from '%s'", s->mi.name);
			return -1;
		}
		if (handle(s, &m, s->buf + off + sizeof(m)))
			return -1;
		off += sizeof(m) + SONDE_MSG_ALIGN(m.len);
	}
	fflush(s->out);
	return 0;
}

static int run_loop(struct msession *s)
{
	double deadline = s->o->time_limit > 0 ? now() + s->o->time_limit : 0;

	while (!s->done) {
		if (relay(s))
			return -1;
		if (sonde_interrupts >= GIVE_UP_INTERRUPTS)
			return -1;
		if (sonde_interrupts)
			send_stop(s, "signal");
		if (deadline && now() >= deadline)
			send_stop(s, "time limit");
		if (s->child.pid && child_poll(&s->child))
			send_stop(s, "command exited");
	}
	return 0;
}

static void report(struct msession *s)
{
	if (s->counts.errors || s->counts.skipped)
		log_warn("Number of errors: %llu, skipped probes: %llu",
			 (unsigned long long)s->counts.errors,
			 (unsigned long long)s->counts.skipped);
	if (s->counts.drops)
		log_warn("There were %llu transport failures. Try stap -s to increase "
			 "the buffer size from %llu.",
			 (unsigned long long)s->counts.drops,
			 (unsigned long long)((s->counts.bufsize + (1 << 20) - 1) >> 20));
}

static int open_output(struct msession *s)
{
	s->out = stdout;
	if (!s->o->outfile)
		return 0;
	s->out = fopen(s->o->outfile, "w");
	if (!s->out) {
		fprintf(stderr, "Error opening %s for output: %s\n", s->o->outfile,
			strerror(errno));
		s->out = stdout;
		return -1;
	}
	return 0;
}

static int start(struct msession *s)
{
	char path[128], *params;
	int rc;

	if (module_check(s->o->object, &s->mi))
		return -1;
	params = module_params(&s->mi, s->o->params, s->o->nparams);
	if (!params || open_output(s)) {
		free(params);
		return -1;
	}
	if (s->o->command && child_start(&s->child, s->o->command)) {
		free(params);
		return -1;
	}
	rc = module_insert(s->o->object, &s->mi, params);
	free(params);
	if (rc)
		return -1;
	s->inserted = true;
	snprintf(path, sizeof(path), "/proc/" SONDE_PROC_PREFIX "%s", s->mi.name);
	s->ctl = open(path, O_RDWR | O_CLOEXEC);
	if (s->ctl < 0) {
		log_fail("module: cannot open '%s': %s", path, strerror(errno));
		return -1;
	}
	return send_cmd(s, SONDE_CMD_START,
			s->child.pid ? (int64_t)s->child.pid : (int64_t)s->o->target);
}

static void cleanup(struct msession *s)
{
	if (s->ctl >= 0)
		close(s->ctl);
	if (s->inserted && module_remove(&s->mi))
		s->counts.errors++;
	child_kill(&s->child);
	if (s->out && s->out != stdout)
		fclose(s->out);
	free(s->buf);
	modinfo_release(&s->mi);
}

int module_run(const struct options *o)
{
	struct msession s;
	int err, failed;

	memset(&s, 0, sizeof(s));
	s.o = o;
	s.ctl = -1;
	s.child.release_fd = -1;
	s.buf = malloc(READ_SIZE);
	if (!s.buf)
		return 1;
	err = start(&s);
	if (!err)
		err = run_loop(&s);
	if (!err) {
		report(&s);
		fflush(s.out);
	}
	cleanup(&s);
	failed = child_report(&s.child);
	return err || failed || s.counts.errors || log_errors() ? 1 : 0;
}
