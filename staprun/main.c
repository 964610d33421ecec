// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * main.c - staprun for Sonde's BPF objects.
 *
 *	staprun [-v] [-w] [-q] [-o FILE] [-c CMD | -x PID] [-T SECS] [-b MB]
 *		NAME.bpf.o [NAME=VALUE ...]
 *
 * Loads the object, attaches its probes, runs the session (run.c) and
 * always detaches and closes everything before exiting.  Exit status as
 * spec/cli.md 5.5: 0 for a normal end (exit(), -c command exited 0,
 * SIGINT/SIGTERM/SIGHUP, -T), 1 for usage errors, load/attach failures,
 * any run-time error, or a failed -c command.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"
#endif

#include "staprun/bpf_abi.h"
#include "staprun/log.h"
#include "staprun/module.h"
#include "staprun/staprun.h"

static void usage(FILE *f)
{
	fprintf(f,
"Usage: staprun [options] NAME.bpf.o [NAME=VALUE ...]\n"
"   or: staprun [options] NAME.ko [NAME=VALUE ...]\n"
"Run a Sonde BPF object or kernel module.\n"
"  -v         increase verbosity\n"
"  -w, -q     suppress warnings\n"
"  -o FILE    write the script's output to FILE\n"
"  -c CMD     run CMD, target() is its pid; stop when it exits\n"
"  -x PID     target() is PID (-t PID is the same)\n"
"  -T SECS    stop after SECS seconds (may be fractional)\n"
"  -b MB      output buffer size, 1-4095 MB\n"
"  -V         print the version and exit\n"
"  -h         print this help and exit\n");
}

static void version(void)
{
	printf("Sonde staprun (BPF runtime), version %s, metadata ABI %d\n",
	       PACKAGE_VERSION, SONDE_ABI_VERSION);
}

/* An option error: message, usage on stdout, exit 1 */
static void __attribute__((noreturn)) bad_usage(const char *fmt, const char *arg)
{
	fputs("ERROR: ", stderr);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	usage(stdout);
	exit(1);
}

static void parse_options(struct options *o, int argc, char **argv)
{
	char *end;
	long n;
	int c;

	memset(o, 0, sizeof(*o));
	while ((c = getopt(argc, argv, "+vwqo:c:x:t:T:b:Vh")) != -1) {
		switch (c) {
		case 'v': o->verbose++; break;
		case 'w': case 'q': o->no_warnings = 1; break;
		case 'o': o->outfile = optarg; break;
		case 'c': o->command = optarg; break;
		case 'x': case 't':
			n = strtol(optarg, &end, 10);
			if (*end || n <= 0)
				bad_usage("Invalid target process ID '%s'.",
					  optarg);
			o->target = n;
			break;
		case 'T':
			o->time_limit = strtod(optarg, &end);
			if (*end || !(o->time_limit > 0) ||
			    o->time_limit > 1e9)
				bad_usage("Invalid time limit '%s' (seconds).",
					  optarg);
			break;
		case 'b':
			n = strtol(optarg, &end, 10);
			if (*end || n < 1 || n > 4095)
				bad_usage("Invalid buffer size '%s' "
					  "(should be 1-4095).", optarg);
			o->buffer_mb = (unsigned)n;
			break;
		case 'V': version(); exit(0);
		case 'h': usage(stdout); exit(0);
		default: usage(stdout); exit(1);
		}
	}
	if (o->command && o->target)
		bad_usage("You can't specify the '-c' and '-x' options "
			  "together.%s", "");
	if (optind >= argc)
		bad_usage("Need a module name or path to load.%s", "");
	o->object = argv[optind];
	o->params = argv + optind + 1;
	o->nparams = argc - optind - 1;
}

static void on_interrupt(int sig)
{
	sonde_interrupts++;
}

static void on_child(int sig)
{
	sonde_sigchld = 1;
}

/* No SA_RESTART: a signal must end ring_buffer__poll()'s wait. */
static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_interrupt;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_child;
	sigaction(SIGCHLD, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* Wall-clock time minus the monotonic clock bpf_ktime_get_ns() reads,
 * in ns, for gettimeofday_*() in probes */
static uint64_t gtod_offset(void)
{
	struct timespec rt, mono;

	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	return (uint64_t)(rt.tv_sec - mono.tv_sec) * 1000000000u +
	       (uint64_t)(rt.tv_nsec - mono.tv_nsec);
}

/* Everything up to a running session; on failure the caller cleans up */
static int start(struct session *s)
{
	const struct options *o = s->opt;
	int err;

	err = session_load(s);
	if (!err)
		err = output_open(&s->out, &s->meta, o->outfile);
	if (!err && o->command)
		err = child_start(&s->child, o->command);
	if (!err)
		err = globals_set_params(s);
	if (!err)
		err = ctl_set(s, SONDE_CTL_TARGET,
			      s->child.pid ? (uint64_t)s->child.pid
					   : (uint64_t)o->target);
	if (!err)
		err = ctl_set(s, SONDE_CTL_GTOD, gtod_offset());
	if (!err)
		err = transport_open(s);
	if (!err)
		err = attach_all(s);
	if (!err && sonde_interrupts)
		err = -EINTR;
	return err;
}

static void cleanup(struct session *s)
{
	detach_all(s);
	transport_close(s);
	stack_release(s);
	child_kill(&s->child);
	output_close(&s->out);
	session_unload(s);
}

int main(int argc, char **argv)
{
	struct options opt;
	struct session s;
	int err, status;

	parse_options(&opt, argc, argv);
	log_init(opt.verbose, opt.no_warnings);
	install_signals();
	if (module_path_is_ko(opt.object)) {
		status = module_run(&opt);
		log_release();
		return status;
	}
	memset(&s, 0, sizeof(s));
	s.opt = &opt;
	s.child.release_fd = -1;
	err = start(&s);
	if (!err)
		err = run_session(&s);
	if (err)
		status = 1;
	else
		status = s.errors || log_errors() || s.child_failed ||
			 s.run_failed ? 1 : 0;
	cleanup(&s);
	log_release();
	return status;
}
