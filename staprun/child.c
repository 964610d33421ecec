// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * child.c - the -c command: forked before the probes are attached (so its
 * pid is target() and uprobes can be bound to it), held on a pipe until
 * child_release(), then exec'd with staprun's stdin, stdout and stderr.
 *
 * As stapio does, a command with shell metacharacters runs under
 * /bin/sh -c; any other is split with wordexp(3) and run directly.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <wordexp.h>

#include "staprun/log.h"
#include "staprun/staprun.h"

static void reset_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE,
				    SIGCHLD, SIGUSR2 };
	sigset_t none;
	size_t i;

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* In the child: wait for the go, then become the command */
static void __attribute__((noreturn))
run_child(int hold_fd, const char *command, wordexp_t *we)
{
	char go;

	reset_signals();
	if (read(hold_fd, &go, 1) != 1)
		_exit(1);		/* released without a go: staprun failed */
	close(hold_fd);
	if (we)
		execvp(we->we_wordv[0], we->we_wordv);
	else
		execl("/bin/sh", "sh", "-c", command, (char *)NULL);
	fprintf(stderr, "staprun: cannot run '%s': %s\n",
		we ? we->we_wordv[0] : "/bin/sh", strerror(errno));
	_exit(1);
}

int child_start(struct child *c, const char *command)
{
	wordexp_t we, *wep = NULL;
	int fds[2], err;

	memset(c, 0, sizeof(*c));
	c->release_fd = -1;
	if (!strpbrk(command, "|&;<>(){}`\n")) {
		err = wordexp(command, &we, WRDE_NOCMD);
		if (err || !we.we_wordc) {
			if (!err)
				wordfree(&we);
			log_fail("wordexp: syntax error (unmatched quotes?) in "
				 "-c COMMAND");
			return -EINVAL;
		}
		wep = &we;
	}
	if (pipe2(fds, O_CLOEXEC)) {
		err = -errno;
		goto out;
	}
	fflush(NULL);
	c->pid = fork();
	if (c->pid == 0) {
		close(fds[1]);
		run_child(fds[0], command, wep);
	}
	err = c->pid < 0 ? -errno : 0;
	close(fds[0]);
	if (err) {
		close(fds[1]);
		c->pid = 0;
		log_fail("staprun: cannot fork for -c: %s", strerror(-err));
	} else {
		c->release_fd = fds[1];
	}
out:
	if (wep)
		wordfree(wep);
	return err;
}

/* Let the held command exec. */
int child_release(struct child *c)
{
	int err = 0;

	if (c->release_fd < 0)
		return 0;
	if (write(c->release_fd, "g", 1) != 1)
		err = -errno;
	close(c->release_fd);
	c->release_fd = -1;
	return err;
}

int child_poll(struct child *c)
{
	pid_t r;

	if (!c->pid || c->exited)
		return c->exited;
	r = waitpid(c->pid, &c->status, WNOHANG);
	if (r == c->pid)
		c->exited = 1;
	return c->exited;
}

/* A command that never ran (still held) is killed and reaped; one that
 * runs is left to finish on its own. */
void child_kill(struct child *c)
{
	if (!c->pid || c->exited || c->release_fd < 0)
		return;
	close(c->release_fd);
	c->release_fd = -1;
	kill(c->pid, SIGKILL);
	if (waitpid(c->pid, &c->status, 0) == c->pid)
		c->exited = 1;
	c->pid = 0;
}

int child_report(const struct child *c)
{
	int st = c->status;

	if (!c->pid || !c->exited)
		return 0;
	if (WIFEXITED(st) && WEXITSTATUS(st)) {
		log_warn("Child process exited with status %d",
			 WEXITSTATUS(st));
		return 1;
	}
	if (WIFSIGNALED(st)) {
		log_warn("Child process exited with signal %d (%s)",
			 WTERMSIG(st), strsignal(WTERMSIG(st)));
		return 1;
	}
	return 0;
}
