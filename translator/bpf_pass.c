/* Passes 3-5 for --runtime=bpf (spec/cli.md §3, §5): the code generator
 * of bpf-backend/ lowers the elaborated program, the object is written
 * to a temporary directory, and staprun runs it.  Each pass that fails
 * prints SystemTap's "Pass N: ... failed" line; stap's exit status is
 * 1 then, and staprun's failure is pass 5's. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bpf-backend/codegen.h"
#include "translator/bpf_pass.h"
#include "translator/parse.h"
#include "translator/staprun_exec.h"

/* ---- builtins (transitional) ---------------------------------------- */

/* The functions codegen_call.c, codegen_mem.c (memory reads),
 * codegen_uprobe.c (registers, task_current), codegen_task.c (task and
 * probe facts) and codegen_stack.c (backtraces) implement; replace with tapsets/ files that choose these
 * bodies with %( runtime == "bpf" %?. */
static const char builtins_text[] =
	"function exit () %{ /* bpf builtin */ %}\n"
	"function error (msg:string) %{ /* bpf builtin */ %}\n"
	"function target:long () %{ /* bpf builtin */ %}\n"
	"function pid:long () %{ /* bpf builtin */ %}\n"
	"function tid:long () %{ /* bpf builtin */ %}\n"
	"function uid:long () %{ /* bpf builtin */ %}\n"
	"function gid:long () %{ /* bpf builtin */ %}\n"
	"function cpu:long () %{ /* bpf builtin */ %}\n"
	"function execname:string () %{ /* bpf builtin */ %}\n"
	"function pp:string () %{ /* bpf builtin */ %}\n"
	"function strlen:long (s:string) %{ /* bpf builtin */ %}\n"
	"function substr:string (str:string, start:long, length:long) %{ /* bpf builtin */ %}\n"
	"function stringat:long (str:string, pos:long) %{ /* bpf builtin */ %}\n"
	"function isdigit:long (str:string) %{ /* bpf builtin */ %}\n"
	"function strtol:long (str:string, base:long) %{ /* bpf builtin */ %}\n"
	"function isinstr:long (s1:string, s2:string) %{ /* bpf builtin */ %}\n"
	"function strpos:long (s1:string, s2:string) %{ /* bpf builtin */ %}\n"
	"function str_replace:string (prnt_str:string, srch_str:string, rplc_str:string) %{ /* bpf builtin */ %}\n"
	"function ctime:string (epochsecs:long) %{ /* bpf builtin */ %}\n"
	"function ctime:string () %{ /* bpf builtin */ %}\n"
	"function log (msg:string) %{ /* bpf builtin */ %}\n"
	"function warn (msg:string) %{ /* bpf builtin */ %}\n"
	"function MAJOR:long (dev:long) %{ /* bpf builtin */ %}\n"
	"function MINOR:long (dev:long) %{ /* bpf builtin */ %}\n"
	"function MKDEV:long (major:long, minor:long) %{ /* bpf builtin */ %}\n"
	"function errno_str:string (err:long) %{ /* bpf builtin */ %}\n"
	"function ppfunc:string () %{ /* bpf builtin */ %}\n"
	"function tokenize:string (input:string, delim:string) %{ /* bpf builtin */ %}\n"
	"function tokenize:string (delim:string) %{ /* bpf builtin */ %}\n"
	"function text_str:string (input:string) %{ /* bpf builtin */ %}\n"
	"function gettimeofday_ns:long () %{ /* bpf builtin */ %}\n"
	"function gettimeofday_us:long () %{ /* bpf builtin */ %}\n"
	"function gettimeofday_ms:long () %{ /* bpf builtin */ %}\n"
	"function gettimeofday_s:long () %{ /* bpf builtin */ %}\n"
	"function local_clock_ns:long () %{ /* bpf builtin */ %}\n"
	"function local_clock_us:long () %{ /* bpf builtin */ %}\n"
	"function local_clock_ms:long () %{ /* bpf builtin */ %}\n"
	"function local_clock_s:long () %{ /* bpf builtin */ %}\n"
	"function ktime_get_ns:long () %{ /* bpf builtin */ %}\n"
	"function jiffies:long () %{ /* bpf builtin */ %}\n"
	"function kernel_string:string (addr:long) %{ /* bpf builtin */ %}\n"
	"function kernel_string:string (addr:long, err_msg:string) %{ /* bpf builtin */ %}\n"
	"function kernel_string2:string (addr:long, err_msg:string) %{ /* bpf builtin */ %}\n"
	"function kernel_string_n:string (addr:long, n:long) %{ /* bpf builtin */ %}\n"
	"function user_string:string (addr:long) %{ /* bpf builtin */ %}\n"
	"function user_string:string (addr:long, err_msg:string) %{ /* bpf builtin */ %}\n"
	"function user_string2:string (addr:long, err_msg:string) %{ /* bpf builtin */ %}\n"
	"function user_string_nofault:string (addr:long) %{ /* bpf builtin */ %}\n"
	"function user_string_n:string (addr:long, n:long) %{ /* bpf builtin */ %}\n"
	"function user_string_n:string (addr:long, n:long, err_msg:string) %{ /* bpf builtin */ %}\n"
	"function user_string_n2:string (addr:long, n:long, err_msg:string) %{ /* bpf builtin */ %}\n"
	"function user_string_n_nofault:string (addr:long, n:long) %{ /* bpf builtin */ %}\n"
	"function kernel_long:long (addr:long) %{ /* bpf builtin */ %}\n"
	"function kernel_int:long (addr:long) %{ /* bpf builtin */ %}\n"
	"function kernel_short:long (addr:long) %{ /* bpf builtin */ %}\n"
	"function kernel_char:long (addr:long) %{ /* bpf builtin */ %}\n"
	"function kernel_pointer:long (addr:long) %{ /* bpf builtin */ %}\n"
	"function user_char:long (addr:long) %{ /* bpf builtin */ %}\n"
	"function user_char_error:long (addr:long) %{ /* bpf builtin */ %}\n"
	"function user_short:long (addr:long) %{ /* bpf builtin */ %}\n"
	"function user_short_error:long (addr:long) %{ /* bpf builtin */ %}\n"
	"function user_ushort:long (addr:long) %{ /* bpf builtin */ %}\n"
	"function user_ushort_error:long (addr:long) %{ /* bpf builtin */ %}\n"
	"function user_int:long (addr:long) %{ /* bpf builtin */ %}\n"
	"function user_int_error:long (addr:long) %{ /* bpf builtin */ %}\n"
	"function user_uint:long (addr:long) %{ /* bpf builtin */ %}\n"
	"function user_uint_error:long (addr:long) %{ /* bpf builtin */ %}\n"
	"function user_long:long (addr:long) %{ /* bpf builtin */ %}\n"
	"function user_long_error:long (addr:long) %{ /* bpf builtin */ %}\n"
	"function user_ulong:long (addr:long) %{ /* bpf builtin */ %}\n"
	"function user_ulong_error:long (addr:long) %{ /* bpf builtin */ %}\n"
	"function user_int8:long (addr:long) %{ /* bpf builtin */ %}\n"
	"function user_int8_error:long (addr:long) %{ /* bpf builtin */ %}\n"
	"function user_int16:long (addr:long) %{ /* bpf builtin */ %}\n"
	"function user_int16_error:long (addr:long) %{ /* bpf builtin */ %}\n"
	"function user_int32:long (addr:long) %{ /* bpf builtin */ %}\n"
	"function user_int32_error:long (addr:long) %{ /* bpf builtin */ %}\n"
	"function user_int64:long (addr:long) %{ /* bpf builtin */ %}\n"
	"function user_int64_error:long (addr:long) %{ /* bpf builtin */ %}\n"
	"function user_uint8:long (addr:long) %{ /* bpf builtin */ %}\n"
	"function user_uint8_error:long (addr:long) %{ /* bpf builtin */ %}\n"
	"function user_uint16:long (addr:long) %{ /* bpf builtin */ %}\n"
	"function user_uint16_error:long (addr:long) %{ /* bpf builtin */ %}\n"
	"function user_uint32:long (addr:long) %{ /* bpf builtin */ %}\n"
	"function user_uint32_error:long (addr:long) %{ /* bpf builtin */ %}\n"
	"function user_uint64:long (addr:long) %{ /* bpf builtin */ %}\n"
	"function user_uint64_error:long (addr:long) %{ /* bpf builtin */ %}\n"
	"function task_current:long () %{ /* bpf builtin */ %}\n"
	"function returnval:long () %{ /* bpf builtin */ %}\n"
	"function int_arg:long (n:long) %{ /* bpf builtin */ %}\n"
	"function uint_arg:long (n:long) %{ /* bpf builtin */ %}\n"
	"function long_arg:long (n:long) %{ /* bpf builtin */ %}\n"
	"function ulong_arg:long (n:long) %{ /* bpf builtin */ %}\n"
	"function pointer_arg:long (n:long) %{ /* bpf builtin */ %}\n"
	"function s32_arg:long (n:long) %{ /* bpf builtin */ %}\n"
	"function u32_arg:long (n:long) %{ /* bpf builtin */ %}\n"
	"function s64_arg:long (n:long) %{ /* bpf builtin */ %}\n"
	"function u64_arg:long (n:long) %{ /* bpf builtin */ %}\n"
	"function print_backtrace () %{ /* bpf builtin */ %}\n"
	"function print_ubacktrace () %{ /* bpf builtin */ %}\n"
	"function print_ubacktrace_brief () %{ /* bpf builtin */ %}\n"
	"function backtrace:string () %{ /* bpf builtin */ %}\n"
	"function ubacktrace:string () %{ /* bpf builtin */ %}\n"
	"function print_stack (stk:string) %{ /* bpf builtin */ %}\n"
	"function print_ustack (stk:string) %{ /* bpf builtin */ %}\n"
	"function ppid:long () %{ /* bpf builtin */ %}\n"
	"function pexecname:string () %{ /* bpf builtin */ %}\n"
	"function euid:long () %{ /* bpf builtin */ %}\n"
	"function egid:long () %{ /* bpf builtin */ %}\n"
	"function probefunc:string () %{ /* bpf builtin */ %}\n"
	"function probe_type:string () %{ /* bpf builtin */ %}\n"
	"function is_return:long () %{ /* bpf builtin */ %}\n"
	"function user_mode:long () %{ /* bpf builtin */ %}\n"
	"function addr:long () %{ /* bpf builtin */ %}\n"
	"function uaddr:long () %{ /* bpf builtin */ %}\n"
	"function register:long (name:string) %{ /* bpf builtin */ %}\n"
	"function u_register:long (name:string) %{ /* bpf builtin */ %}\n"
	"function kernel_string_quoted:string (addr:long) %{ /* bpf builtin */ %}\n"
	"function user_string_quoted:string (addr:long) %{ /* bpf builtin */ %}\n";

int bpf_declare_builtins(struct program *prog, struct diags *d)
{
	static const struct pp_target tg = { .runtime = "bpf" };
	struct pp_opts ppo = { .target = &tg };
	struct source *src;
	struct stapfile *f;
	int errors = d->errors;

	src = source_from_text(prog, builtins_text, sizeof(builtins_text) - 1,
			       "<bpf builtins>");
	src->privileged = true;
	src->is_tapset = true;
	f = parse_source(prog, src, &ppo, d);
	if (!f || d->errors > errors)
		return -1;
	/* a library file: a function the script defines wins */
	ptrvec_push(&prog->arena, &prog->library_files, f);
	return 0;
}

/* ---- options ------------------------------------------------------------ */

/* ---- pass 3 ---------------------------------------------------------------- */

static int pass3(struct program *prog, const struct bpf_pass_opts *o,
		 struct diags *d, struct cg_object *obj)
{
	struct cg_limits lim;
	int from = d->list.n, rc;

	cg_limits_default(&lim);
	rc = codegen(prog, &lim, obj, d);
	diags_flush(d, stderr, from, o->verbose > 0);
	if (rc) {
		fputs("Pass 3: translation failed.  [man error::pass3]\n", stderr);
		diags_print_suppressed(d, stderr);
		return 1;
	}
	if (o->last_pass == 3)
		cg_object_print(stdout, obj);
	return 0;
}

/* ---- pass 4 ---------------------------------------------------------------- */

static int copy_file(const char *from, const char *to)
{
	char buf[65536];
	int in = open(from, O_RDONLY | O_CLOEXEC), out;
	ssize_t n = 0;

	if (in < 0)
		return -errno;
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0) {
		close(in);
		return -errno;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n) {
			n = -1;
			break;
		}
	close(in);
	if (close(out) || n < 0)
		return -EIO;
	return 0;
}

struct run_files {
	char tmpdir[PATH_MAX / 2];
	char name[PATH_MAX / 4];     /* NAME.bpf.o */
	char path[PATH_MAX];         /* tmpdir/NAME.bpf.o */
};

static int pass4(const struct bpf_pass_opts *o, const struct cg_object *obj,
		 struct run_files *rf)
{
	const char *tmp = getenv("TMPDIR");
	int err;

	snprintf(rf->tmpdir, sizeof(rf->tmpdir), "%s/stapXXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(rf->tmpdir)) {
		fprintf(stderr, "ERROR: cannot create temporary directory '%s': %s\n",
			rf->tmpdir, strerror(errno));
		rf->tmpdir[0] = '\0';
		goto failed;
	}
	if (o->module_name)
		snprintf(rf->name, sizeof(rf->name), "%s.bpf.o", o->module_name);
	else
		snprintf(rf->name, sizeof(rf->name), "stap_%ld.bpf.o", (long)getpid());
	snprintf(rf->path, sizeof(rf->path), "%s/%s", rf->tmpdir, rf->name);
	err = cg_object_write(obj, rf->path);
	if (err) {
		fprintf(stderr, "ERROR: cannot write '%s': %s\n", rf->path,
			strerror(-err));
		goto failed;
	}
	/* like a module: -p4 and -m leave a copy in the current directory */
	if (o->last_pass == 4 || o->module_name) {
		err = copy_file(rf->path, rf->name);
		if (err) {
			fprintf(stderr, "ERROR: cannot copy '%s' to '%s': %s\n",
				rf->path, rf->name, strerror(-err));
			goto failed;
		}
	}
	if (o->last_pass == 4)
		printf("%s\n", rf->name);
	return 0;
failed:
	fputs("Pass 4: compilation failed.  [man error::pass4]\n", stderr);
	return 1;
}

static void remove_tmpdir(const struct bpf_pass_opts *o, const struct run_files *rf)
{
	if (!rf->tmpdir[0])
		return;
	if (o->keep_tmpdir) {
		fprintf(stderr, "Keeping temporary directory \"%s\"\n", rf->tmpdir);
		return;
	}
	if (rf->path[0])
		unlink(rf->path);
	rmdir(rf->tmpdir);
}

/* ---- pass 5 ---------------------------------------------------------------- */

static int pass5(const struct bpf_pass_opts *o, const struct run_files *rf)
{
	struct staprun_args a = {
		.verbose = o->verbose, .suppress_warnings = o->suppress_warnings,
		.outfile = o->outfile, .command = o->command,
		.target_pid = o->target_pid, .object = rf->path,
	};

	if (run_staprun(&a)) {
		fputs("Pass 5: run failed.  [man error::pass5]\n", stderr);
		return 1;
	}
	return 0;
}

/* ---- the driver's entry ----------------------------------------------------- */

int bpf_passes(struct program *prog, const struct bpf_pass_opts *o, struct diags *d)
{
	struct run_files rf;
	struct cg_object obj;
	int rc;

	memset(&rf, 0, sizeof(rf));
	if (check_run_options(o->command, o->target_pid, o->module_name))
		return 1;
	rc = pass3(prog, o, d, &obj);
	if (rc)
		return rc;
	if (o->last_pass >= 4)
		rc = pass4(o, &obj, &rf);
	cg_object_release(&obj);
	if (!rc && o->last_pass >= 5)
		rc = pass5(o, &rf);
	remove_tmpdir(o, &rf);
	return rc;
}
