/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * staprun.h - the parts of staprun's BPF path and what they share.
 *
 * main() fills struct options once from the command line.  A struct
 * session holds what one run owns: the metadata, the libbpf object, the
 * links, the ring buffer reader and the -c child.  Each file does one
 * step of a run:
 *
 *	load.c		open and load the object, check it against the metadata
 *	attach.c	attach probe programs, and detach them
 *	run.c		begin/end/error programs, the control map, the main loop
 *	transport.c	the ring buffer: records to output and messages
 *	output.c	printf records formatted with runtime/format.c
 *	stack.c		stack records printed with symbols
 *	globals.c	NAME=VALUE before begin; unread globals at exit
 *	child.c		the -c command
 *
 * Functions return 0 or a negative errno and report their own failure
 * once (log.h); only main() picks the exit status.
 */
#ifndef SONDE_STAPRUN_STAPRUN_H
#define SONDE_STAPRUN_STAPRUN_H

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "staprun/meta.h"

struct bpf_object;
struct bpf_program;
struct bpf_link;
struct ring_buffer;
struct stack_syms;

struct options {
	const char *object;	/* NAME.bpf.o */
	const char *outfile;	/* -o, or NULL for stdout */
	const char *command;	/* -c */
	long target;		/* -x PID, or 0 */
	double time_limit;	/* -T seconds, or 0 */
	unsigned buffer_mb;	/* -b, or 0 for the object's size */
	int verbose;		/* -v count */
	int no_warnings;	/* -w / -q */
	char **params;		/* NAME=VALUE ... */
	int nparams;
};

/* The -c command: forked early, held until released, then exec'd */
struct child {
	pid_t pid;		/* 0: none */
	int release_fd;		/* write end of the hold pipe, or -1 */
	int exited;		/* reaped */
	int status;		/* waitpid status once exited */
};

/* Prepared printf formats (output.c) */
struct out_format;

struct output {
	FILE *f;		/* stdout or the -o file */
	int own;		/* f is ours to close */
	struct out_format *formats;	/* by format id */
	uint32_t nformats;
	uint32_t slot;		/* SONDE_STR_SLOT(maxstringlen) */
	char *buf;		/* FMT_MAX_OUTPUT bytes */
};

/* Programs staprun runs itself, in run order */
struct runlist {
	struct bpf_program **progs;
	int n;
};

struct session {
	const struct options *opt;
	struct meta meta;
	struct bpf_object *obj;
	int ctl_fd;			/* sonde_ctl */
	int out_fd;			/* sonde_out */
	uint32_t out_size;		/* its bytes */
	struct runlist begin, end, error;

	struct bpf_link **links;	/* attached probes */
	int nlinks;

	struct ring_buffer *rb;
	struct output out;
	struct child child;

	int exit_seen;			/* an EXIT record arrived */
	int bad_records;		/* malformed records (reported once) */
	int user_errors;		/* errors found here, not counted by BPF */
	int child_failed;		/* -c command failed: exit status 1 */
	int run_failed;			/* staprun could not do its part */
	uint64_t errors;		/* errors of the whole run, at its end */
	struct stack_syms *stacks;	/* symbol caches of stack.c */
};

/* Signals: set by the handlers, read by run.c */
extern volatile sig_atomic_t sonde_interrupts;	/* SIGINT/TERM/HUP count */
extern volatile sig_atomic_t sonde_sigchld;

/* load.c */
int session_load(struct session *s);
void session_unload(struct session *s);

/* attach.c */
int attach_all(struct session *s);
void detach_all(struct session *s);

/* run.c */
int ctl_get(struct session *s, uint32_t slot, uint64_t *v);
int ctl_set(struct session *s, uint32_t slot, uint64_t v);
int run_session(struct session *s);

/* transport.c */
int transport_open(struct session *s);
void transport_close(struct session *s);
int transport_poll(struct session *s, int timeout_ms);
int transport_drain(struct session *s);
/* Handle one ring buffer sample (also used by the unit test). */
int transport_sample(struct session *s, const void *data, size_t size);

/* stack.c: one STACK record at p; *used gets its length */
int stack_record(struct session *s, const char *p, size_t avail, size_t *used);
void stack_release(struct session *s);

/* output.c */
int output_open(struct output *o, const struct meta *m, const char *path);
void output_close(struct output *o);
/* A PRINTF record's payload; 0, or -EINVAL for a malformed record */
int output_printf(struct output *o, const struct meta *m, uint32_t id,
		  const void *payload, size_t len, size_t *used);
void output_write(struct output *o, const void *data, size_t len);
/* A HIST record; 0, or -EINVAL for a malformed record */
int output_hist(struct output *o, const void *rec, size_t avail,
		size_t *used);
void output_flush(struct output *o);

/* globals.c */
int globals_set_params(struct session *s);
int globals_print(struct session *s);

/* child.c */
int child_start(struct child *c, const char *command);
int child_release(struct child *c);
/* Reap if exited; 1 when it has exited (now or before), else 0 */
int child_poll(struct child *c);
void child_kill(struct child *c);
/* Report a failed exit ("WARNING: Child process exited with ..."); 1 if failed */
int child_report(const struct child *c);

#endif /* SONDE_STAPRUN_STAPRUN_H */
