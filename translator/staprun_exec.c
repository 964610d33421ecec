/* staprun_exec.c - pass 5's child, for both runtimes: staprun with the
 * run options, checked first as stap checks them (spec/cli.md §1.2).
 * SIGINT/SIGTERM/SIGHUP reach staprun as SIGTERM, as upstream stap
 * forwards them to the children it spawned; staprun then ends the
 * session normally (end probes, unload). */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "translator/staprun_exec.h"

#ifndef SONDE_BINDIR
#define SONDE_BINDIR "/usr/local/bin"
#endif

int check_run_options(const char *command, const char *target_pid, const char *module_name)
{
	char *end;
	const char *p;

	if (command && target_pid) {
		fputs("You can't specify -c and -x together.\n", stderr);
		return -1;
	}
	if (command && !*command) {
		fputs("Empty CMD string invalid.\n", stderr);
		return -1;
	}
	if (target_pid && (strtol(target_pid, &end, 10) <= 0 || *end)) {
		fputs("Invalid target process ID number.\n", stderr);
		return -1;
	}
	if (module_name) {
		for (p = module_name; *p; p++)
			if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
				break;
		/* the kernel's module name limit bounds it for both runtimes */
		if (!*module_name || *p || strlen(module_name) > 55) {
			fprintf(stderr, "ERROR: Safety pattern mismatch for -m parameter "
				"('%s' vs. '^[a-z0-9_]+$') rc=1\n", module_name);
			return -1;
		}
	}
	return 0;
}

static volatile pid_t child_pid;

static void forward_signal(int sig)
{
	if (child_pid > 0)
		kill(child_pid, SIGTERM);
}

/* $SYSTEMTAP_STAPRUN, next to stap (installed), the build tree's
 * ../staprun/staprun, then $(bindir) */
static void find_staprun(char *out, size_t size)
{
	const char *env = getenv("SYSTEMTAP_STAPRUN");
	char self[PATH_MAX / 2], *slash;
	ssize_t n;

	if (env && *env) {
		snprintf(out, size, "%s", env);
		return;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			snprintf(out, size, "%s/staprun", self);
			if (!access(out, X_OK))
				return;
			snprintf(out, size, "%s/../staprun/staprun", self);
			if (!access(out, X_OK))
				return;
		}
	}
	snprintf(out, size, "%s/staprun", SONDE_BINDIR);
}

static void build_argv(const struct staprun_args *a, const char *staprun,
		       const char **argv)
{
	int n = 0, i;

	argv[n++] = staprun;
	for (i = 1; i < a->verbose && i < 8; i++)
		argv[n++] = "-v";
	if (a->suppress_warnings)
		argv[n++] = "-w";
	if (a->outfile) {
		argv[n++] = "-o";
		argv[n++] = a->outfile;
	}
	if (a->command) {
		argv[n++] = "-c";
		argv[n++] = a->command;
	}
	if (a->target_pid) {
		argv[n++] = "-x";
		argv[n++] = a->target_pid;
	}
	argv[n++] = a->object;
	argv[n] = NULL;
}

int run_staprun(const struct staprun_args *a)
{
	static const int sigs[3] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa = { .sa_handler = forward_signal }, old[3];
	const char *argv[24];
	char staprun[PATH_MAX];
	int i, status = 0, rc;
	pid_t pid;

	find_staprun(staprun, sizeof(staprun));
	build_argv(a, staprun, argv);
	fflush(NULL);
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < 3; i++)
		sigaction(sigs[i], &sa, &old[i]);
	pid = fork();
	if (pid == 0) {
		for (i = 0; i < 3; i++)
			sigaction(sigs[i], &old[i], NULL);
		execv(staprun, (char *const *)argv);
		fprintf(stderr, "ERROR: cannot run '%s': %s\n", staprun, strerror(errno));
		_exit(127);
	}
	child_pid = pid;
	rc = -1;
	if (pid > 0) {
		while ((rc = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
			;
		if (rc >= 0)
			rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	}
	child_pid = 0;
	for (i = 0; i < 3; i++)
		sigaction(sigs[i], &old[i], NULL);
	if (pid < 0)
		fprintf(stderr, "ERROR: cannot start '%s': %s\n", staprun, strerror(errno));
	return rc;
}
