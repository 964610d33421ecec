/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sonde_abi.h - the contract between a Sonde module and staprun.
 *
 * A loaded module creates /proc/sonde-MODULE (mode 0600, one opener at a
 * time).  staprun opens it read-write:
 *
 *   write: one struct sonde_cmd per write():
 *	SONDE_CMD_START	arg = target pid (or 0): run the begin probes,
 *			register the other probes, answer SONDE_MSG_STARTED
 *	SONDE_CMD_STOP	unregister the probes, wait for running handlers,
 *			run the end probes (or the error probes after
 *			errors past MAXERRORS), answer SONDE_MSG_DONE
 *   read: whole records, struct sonde_msg then len payload bytes padded
 *	to 8; a read waits at most 50 ms for data and may return 0 bytes,
 *	which is not an end of file.  A signal ends the wait with EINTR.
 *
 * Closing the file without a STOP (staprun killed) unregisters the
 * probes without running end probes; the module then only waits to be
 * removed.
 */
#ifndef SONDE_RUNTIME_LINUX_SONDE_ABI_H
#define SONDE_RUNTIME_LINUX_SONDE_ABI_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdint.h>
#endif

#define SONDE_PROC_PREFIX "sonde-"

enum sonde_cmd_kind {
	SONDE_CMD_START = 1,
	SONDE_CMD_STOP = 2,
};

struct sonde_cmd {
	uint32_t kind;
	uint32_t pad;
	int64_t arg;
};

enum sonde_msg_kind {
	SONDE_MSG_OUTPUT = 1,	/* script output bytes */
	SONDE_MSG_ERROR = 2,	/* "ERROR: ...\n" text, counted by the module */
	SONDE_MSG_WARNING = 3,	/* "WARNING: ...\n" text */
	SONDE_MSG_EXIT = 4,	/* exit() was called, or errors past MAXERRORS */
	SONDE_MSG_STARTED = 5,	/* begin probes ran, probes registered */
	SONDE_MSG_DONE = 6,	/* struct sonde_done: the session is over */
};

struct sonde_msg {
	uint32_t kind;
	uint32_t len;		/* payload bytes, not counting padding */
};

/* Counters reported at the end (and in STARTED, for registration
 * failures: errors then says the probes did not all register). */
struct sonde_done {
	uint64_t errors;	/* run-time errors */
	uint64_t skipped;	/* probe hits skipped (reentrancy, lock) */
	uint64_t drops;		/* output records lost to a full buffer */
	uint64_t bufsize;	/* transport buffer bytes */
};

#define SONDE_MSG_ALIGN(n) (((n) + 7) & ~(uint32_t)7)

#endif
