// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * run.c - one session, in SystemTap's order (runtime.md 1.4-1.6, 3.5):
 *
 *	begin programs, in order, while the state stays STARTING
 *	STARTING -> RUNNING; release the -c command
 *	relay output until exit(), an error past MAXERRORS, a signal,
 *	    -T, or the end of the -c command
 *	detach every probe; drain
 *	STOPPING: end programs (and the unread globals) | ERROR: error programs
 *	drain; the error/skip summary and lost-output warning
 *
 * begin/end/error programs run once each through BPF_PROG_TEST_RUN
 * (raw_tracepoint programs: Linux 5.10+); the ring buffer is drained
 * after each, so a begin probe's exit() or error is seen before the next
 * one would run.
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "staprun/bpf_abi.h"
#include "staprun/log.h"
#include "staprun/staprun.h"

#define POLL_MS 200		/* longest wait between state checks */
#define GIVE_UP_INTERRUPTS 3	/* stop waiting for end probes */
#ifndef ENOTSUPP
#define ENOTSUPP 524		/* the kernel's internal "not supported" */
#endif

volatile sig_atomic_t sonde_interrupts;
volatile sig_atomic_t sonde_sigchld;

int ctl_get(struct session *s, uint32_t slot, uint64_t *v)
{
	return bpf_map_lookup_elem(s->ctl_fd, &slot, v) ? -errno : 0;
}

int ctl_set(struct session *s, uint32_t slot, uint64_t v)
{
	return bpf_map_update_elem(s->ctl_fd, &slot, &v, BPF_ANY) ? -errno : 0;
}

static uint64_t ctl_value(struct session *s, uint32_t slot)
{
	uint64_t v = 0;

	ctl_get(s, slot, &v);
	return v;
}

static uint64_t errors_total(struct session *s)
{
	return ctl_value(s, SONDE_CTL_ERRORS) + s->user_errors;
}

/* The session state; ERROR as well once the errors exceed MAXERRORS */
static uint64_t state(struct session *s)
{
	uint64_t st = SONDE_STATE_ERROR;

	ctl_get(s, SONDE_CTL_STATE, &st);
	if (st != SONDE_STATE_ERROR && errors_total(s) > s->meta.maxerrors) {
		st = SONDE_STATE_ERROR;
		ctl_set(s, SONDE_CTL_STATE, st);
	}
	return st;
}

static int run_prog(struct session *s, struct bpf_program *p,
		    const char *kind)
{
	uint64_t ctx[8] = { 0 };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = ctx,
		    .ctx_size_in = sizeof(ctx));
	int err;

	err = bpf_prog_test_run_opts(bpf_program__fd(p), &opts);
	if (err) {
		err = -errno;
		s->run_failed = 1;
		log_fail("bpf: cannot run %s program '%s': %s", kind,
			 bpf_program__name(p),
			 err == -ENOTSUPP ? "the kernel cannot test-run "
			 "raw_tracepoint programs (needs Linux 5.10)"
			 : strerror(-err));
		return err;
	}
	log_debug(2, "ran %s program '%s'", kind, bpf_program__name(p));
	transport_drain(s);
	return 0;
}

static int run_begin(struct session *s)
{
	int i, err;

	for (i = 0; i < s->begin.n; i++) {
		if (state(s) != SONDE_STATE_STARTING)
			break;
		if (!s->begin.progs[i])
			continue;
		err = run_prog(s, s->begin.progs[i], "begin");
		if (err)
			return err;
	}
	if (state(s) == SONDE_STATE_STARTING)
		return ctl_set(s, SONDE_CTL_STATE, SONDE_STATE_RUNNING);
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* runtime.md 1.3: past MAXSKIPPED skipped hits the session ends in error */
static int too_many_skipped(struct session *s)
{
	static const char msg[] = "Skipped too many probes, check MAXSKIPPED "
		"or try again with stap -t for more details.";

	if (ctl_value(s, SONDE_CTL_SKIPPED) <= s->meta.maxskipped)
		return 0;
	log_error_line(msg, sizeof(msg) - 1);
	ctl_set(s, SONDE_CTL_STATE, SONDE_STATE_ERROR);
	return 1;
}

/* Relay output until something ends the session. */
static void main_loop(struct session *s)
{
	double deadline = s->opt->time_limit > 0
		? now() + s->opt->time_limit : 0, left;
	int ms;

	for (;;) {
		if (sonde_interrupts || s->exit_seen ||
		    state(s) != SONDE_STATE_RUNNING || too_many_skipped(s))
			break;
		if (s->child.pid && child_poll(&s->child))
			break;
		ms = POLL_MS;
		if (deadline) {
			left = deadline - now();
			if (left <= 0)
				break;
			if (left * 1000 < ms)
				ms = (int)(left * 1000) + 1;
		}
		if (transport_poll(s, ms) < 0) {
			log_fail("bpf: cannot read map '%s': %s",
				 SONDE_MAP_OUT, strerror(errno));
			s->run_failed = 1;
			break;
		}
	}
	log_debug(1, "stopping: %s", sonde_interrupts ? "signal"
		  : s->exit_seen ? "exit()" : state(s) != SONDE_STATE_RUNNING
		  ? "session state" : s->child.exited ? "-c command exited"
		  : "time limit");
}

/* end programs; the unread globals before program autoprint_end */
static void run_end(struct session *s)
{
	int i, printed = 0;

	for (i = 0; i < s->end.n; i++) {
		if (sonde_interrupts >= GIVE_UP_INTERRUPTS ||
		    state(s) != SONDE_STATE_STOPPING)
			return;
		if (i == s->meta.autoprint_end) {
			globals_print(s);
			printed = 1;
		}
		if (s->end.progs[i] && run_prog(s, s->end.progs[i], "end"))
			return;
	}
	if (!printed && state(s) == SONDE_STATE_STOPPING)
		globals_print(s);
}

static void run_error(struct session *s)
{
	int i;

	for (i = 0; i < s->error.n; i++) {
		if (sonde_interrupts >= GIVE_UP_INTERRUPTS)
			return;
		if (s->error.progs[i] &&
		    run_prog(s, s->error.progs[i], "error"))
			return;
	}
}

/* runtime.md 3.5 and 7.3: the final counters and lost output */
static void summary(struct session *s)
{
	uint64_t errors = errors_total(s);
	uint64_t skipped = ctl_value(s, SONDE_CTL_SKIPPED);
	uint64_t drops = ctl_value(s, SONDE_CTL_DROPS);

	if (errors || skipped)
		log_warn("Number of errors: %llu, skipped probes: %llu",
			 (unsigned long long)errors,
			 (unsigned long long)skipped);
	if (drops)
		log_warn("There were %llu transport failures. Try stap -s to "
			 "increase the buffer size from %u.",
			 (unsigned long long)drops,
			 (s->out_size + (1u << 20) - 1) >> 20);
	s->errors = errors;
}

static void shutdown_session(struct session *s)
{
	uint64_t st;

	detach_all(s);
	transport_drain(s);
	st = state(s);
	if (st == SONDE_STATE_STARTING || st == SONDE_STATE_RUNNING) {
		st = SONDE_STATE_STOPPING;
		ctl_set(s, SONDE_CTL_STATE, st);
	}
	if (st == SONDE_STATE_STOPPING)
		run_end(s);
	if (state(s) == SONDE_STATE_ERROR)
		run_error(s);
	ctl_set(s, SONDE_CTL_STATE, SONDE_STATE_STOPPED);
	transport_drain(s);
	if (s->child.pid && child_poll(&s->child))
		s->child_failed = child_report(&s->child);
	summary(s);
	output_flush(&s->out);
}

/*
 * Run the session on a loaded object with its probes attached.  Returns
 * 0 when it ran to its end (whatever the script's errors), or a negative
 * errno when a begin program could not be run at all.
 */
int run_session(struct session *s)
{
	int err;

	err = run_begin(s);
	if (err) {
		child_kill(&s->child);
		return err;
	}
	if (state(s) == SONDE_STATE_RUNNING && !sonde_interrupts) {
		if (child_release(&s->child))
			log_fail("staprun: cannot start the -c command");
		main_loop(s);
	} else {
		child_kill(&s->child);	/* the session ended in begin */
	}
	shutdown_session(s);
	return 0;
}
