/* stap: the translator driver.  main() fills the options once; the passes
 * run in order on one program and stop at the first that fails
 * (spec/cli.md §1, §3). */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "translator/bpf_pass.h"
#include "translator/dump.h"
#include "translator/dump_p2.h"
#include "translator/elaborate.h"
#include "translator/tapsets.h"
#include "translator/kconfig.h"
#include "translator/module_pass.h"
#include "translator/parse.h"
#include "translator/passtime.h"
#include "translator/listing.h"
#include "translator/providers/provider.h"

#define STAP_VERSION "5.2"       /* language level we follow */
#define OPT_DUMP_PROBE_TYPES 0x100

struct options {
	int last_pass;               /* -p N, 5 when not given */
	const char *script_file;     /* NULL with -e */
	const char *script_text;     /* -e */
	char **args;                 /* script arguments */
	int nargs;
	bool guru;
	int verbose;
	bool suppress_warnings;
	bool unoptimized;            /* -u */
	long long timeout_ms;        /* -T, 0 = none */
	const char *runtime;         /* "kernel" or "bpf" */
	const char *release;         /* -r */
	const char *compatible;
	struct bpf_pass_opts bpf;    /* passes 3-5 of --runtime=bpf */
	struct module_pass_opts mod; /* passes 3-5 of --runtime=kernel */
	const char *defines[64];     /* -D NAME[=VALUE] */
	const char *make_args[64];   /* -B NAME=VALUE */
	const char *tapset_dirs[64]; /* -I DIR..., then $SONDE_TAPSETS, then ours */
	int ntapset_dirs;
	bool pass_given;             /* -p was given */
	int list_mode;               /* 'l', 'L', OPT_DUMP_PROBE_TYPES or 0 */
	const char *list_pattern;
};

struct run {
	const struct options *opts;
	int status;
};

static void usage(FILE *out)
{
	fputs("Usage: stap [options] FILE [ARGS ...]       Run script in file.\n"
	      "   or: stap [options] -e SCRIPT [ARGS ...]  Run given script.\n"
	      "\n"
	      "Options:\n"
	      "   --         end of translator options, script options follow\n"
	      "   -h --help  show this help\n"
	      "   -V --version  show version\n"
	      "   -p NUM     stop after pass NUM 1-5\n"
	      "   -v         add verbosity to all passes\n"
	      "   -w         suppress warnings\n"
	      "   -g         guru mode\n"
	      "   -e SCRIPT  run given script instead of file\n"
	      "   -I DIR     look in DIR for additional .stp script files\n"
	      "   -r RELEASE cross-compile to kernel RELEASE (or a build directory)\n"
	      "   -m MODULE  set the name of the compiled module\n"
	      "   -k         keep the temporary directory\n"
	      "   -D NM=VAL  emit macro definition into generated C code\n"
	      "   -B NM=VAL  pass option to kbuild make\n"
	      "   --runtime=MODE  set the pass-5 runtime mode (kernel, bpf)\n"
	      "   --compatible=VERSION  suppress incompatible language changes\n",
	      out);
}

static void version(void)
{
	printf("Systemtap translator/driver (version %s/%s, sonde %s)\n"
	       "Copyright (C) 2026 the Sonde authors\n"
	       "This is free software; see the source for copying conditions.\n"
	       "tested kernel versions: 3.10 ... 6.18\n"
	       "enabled features: BPF LIBBPF\n",
	       STAP_VERSION, "0.188", PACKAGE_VERSION);
}

/* -p1: print the tree of every user file, or the errors and the pass
 * failure line. */
static int pass1(const struct options *o, struct program *prog, struct diags *d,
		 const struct pp_opts *ppo)
{
	struct source *src;
	int printed = 0;

	if (o->script_text) {
		src = source_from_text(prog, o->script_text, strlen(o->script_text),
				       "<input>");
	} else {
		src = source_from_file(prog, o->script_file, NULL);
		if (!src) {
			fprintf(stderr, "Input file '%s' is missing.\n", o->script_file);
			fputs("Pass 1: parse failed.  [man error::pass1]\n", stderr);
			return 1;
		}
	}
	src->privileged = o->guru;
	/* -T is a probe of its own, ahead of the script's (not in -p1) */
	if (o->timeout_ms) {
		char *text = arena_printf(&prog->arena, "probe timer.ms(%lld) { exit() }",
					  o->timeout_ms);
		struct source *t = source_from_text(prog, text, strlen(text), "<timeout>");

		ptrvec_push(&prog->arena, &prog->user_files, parse_source(prog, t, ppo, d));
	}
	struct stapfile *f = parse_source(prog, src, ppo, d);
	printed = diags_flush(d, stderr, printed, o->verbose > 0);
	if (d->errors) {
		if (d->parse_errors && !d->empty_input)
			fprintf(stderr, "%d parse error%s.\n", d->parse_errors,
				d->parse_errors == 1 ? "" : "s");
		fputs("Pass 1: parse failed.  [man error::pass1]\n", stderr);
		diags_print_suppressed(d, stderr);
		return 1;
	}
	ptrvec_push(&prog->arena, &prog->user_files, f);
	if (o->last_pass == 1) {
		puts("# parse tree dump");
		dump_file(stdout, f, DUMP_P1);
		putchar('\n');
	}
	return 0;
}

/* -p2: resolve and type; print the elaborated program, or the errors
 * and the pass failure line. */
static int pass2(const struct options *o, struct program *prog, struct tapset_lib *lib,
		 struct prov_ctx *prov, struct diags *d)
{
	int from = d->list.n;
	int rc = elaborate(prog, lib, prov, d);


	diags_flush(d, stderr, from, o->verbose > 0);
	if (rc) {
		fputs("Pass 2: analysis failed.  [man error::pass2]\n", stderr);
		diags_print_suppressed(d, stderr);
		return 1;
	}
	if (o->last_pass == 2)
		dump_program(stdout, prog);
	return 0;
}

/* "Pass 2: analyzed script: 1 probe, 2 functions, 0 embeds, 1 global "
 * then the resources; the library files parsed lazily in pass 2 are
 * counted here, where upstream counts all of them in pass 1. */
static void pass2_summary(FILE *out, const struct program *prog,
			  const struct tapset_lib *lib)
{
	int embeds = 0;

	for (int i = 0; i < prog->user_files.n; i++)
		embeds += ((const struct stapfile *)prog->user_files.v[i])->embeds.n;
	for (int i = 0; i < prog->library_files.n; i++)
		embeds += ((const struct stapfile *)prog->library_files.v[i])->embeds.n;
	fprintf(out, "Pass 2: analyzed script: %d probe%s, %d function%s, %d embed%s, "
		"%d global%s, %d library script%s ",
		prog->probes.n, prog->probes.n == 1 ? "" : "s",
		prog->functions.n, prog->functions.n == 1 ? "" : "s",
		embeds, embeds == 1 ? "" : "s",
		prog->globals.n, prog->globals.n == 1 ? "" : "s",
		lib->parsed, lib->parsed == 1 ? "" : "s");
}

/* -l, -L, --dump-probe-types: translator/providers/listing.c */
static int run_listing(const struct options *o, const struct pp_target *tg)
{
	struct listing_opts lo = {
		.mode = o->list_mode == 'l' ? LISTING_PROBES :
			o->list_mode == 'L' ? LISTING_VARS : LISTING_TYPES,
		.pattern = o->list_pattern, .args = o->args, .nargs = o->nargs,
		.target = tg, .verbose = o->verbose, .guru = o->guru,
		.tapset_dirs = o->tapset_dirs, .ntapset_dirs = o->ntapset_dirs,
	};

	return listing_run(&lo);
}

static void *run_passes(void *arg)
{
	struct run *r = arg;
	const struct options *o = r->opts;
	struct program prog = { .unoptimized = o->unoptimized };
	struct diags d;
	struct utsname u;
	struct kconfig *kc;

	uname(&u);
	const char *release = o->release ? o->release : u.release;
	kc = kconfig_new(release);
	struct pp_target tg = {
		.kernel_vr = release,
		.kernel_v = kconfig_version_of(kc),
		.arch = u.machine,
		.runtime = o->runtime,
		.systemtap_v = o->compatible ? o->compatible : STAP_VERSION,
		.privilege = "stapdev",
		.guru = o->guru,
		.config = kconfig_lookup,
		.config_ctx = kc,
	};

	struct macro_table library = { 0 };
	struct pp_opts ppo = {
		.target = &tg,
		.args = o->args,
		.nargs = o->nargs,
		.library = &library,
	};
	struct tapset_lib lib;
	struct passtime t;
	struct prov_ctx *prov = NULL;

	if (o->list_mode) {
		r->status = run_listing(o, &tg);
		kconfig_free(kc);
		return NULL;
	}
	diags_init(&d, &prog.arena);
	d.no_warnings = o->suppress_warnings;
	passtime_start(&t);
	/* indexed only: a tapset file is parsed when the script needs it */
	tapsets_open(&lib, &prog, &ppo, &d, o->tapset_dirs, o->ntapset_dirs);
	r->status = pass1(o, &prog, &d, &ppo);
	if (r->status == 0 && o->verbose) {
		fputs("Pass 1: parsed user script ", stderr);
		passtime_print(stderr, &t);
	}
	bool bpf = !strcmp(o->runtime, "bpf");
	if (r->status == 0 && o->last_pass >= 2 && bpf)
		r->status = bpf_declare_builtins(&prog, &d) ? 1 : 0;
	if (r->status == 0 && o->last_pass >= 2) {
		passtime_start(&t);
		struct prov_opts po = {
			.runtime = o->runtime, .verbose = o->verbose, .guru = o->guru,
			.config = tg.config, .config_ctx = tg.config_ctx,
		};

		/* the debug information it opens serves the later passes too */
		prov = prov_ctx_new(&prog.arena, &po);
		r->status = pass2(o, &prog, &lib, prov, &d);
		if (r->status == 0 && o->verbose) {
			pass2_summary(stderr, &prog, &lib);
			passtime_print(stderr, &t);
		}
	}
	if (r->status == 0 && o->last_pass > 2 && bpf) {
		r->status = bpf_passes(&prog, &o->bpf, &d);
	} else if (r->status == 0 && o->last_pass > 2) {
		r->status = module_passes(&prog, &o->mod, &d);
	}
	/* failed passes print it with their failure line; a run that got
	 * through prints it last, as upstream does at exit */
	if (r->status == 0) {
		fflush(stdout);
		diags_print_suppressed(&d, stderr);
	}
	prov_ctx_free(prov);
	kconfig_free(kc);
	diags_release(&d);
	program_release(&prog);
	return NULL;
}

/* Deeply nested scripts recurse deeply in every pass: run the passes on a
 * thread with a stack big enough for any input the parser accepts. */
static int run_on_big_stack(struct run *r)
{
	pthread_attr_t attr;
	pthread_t th;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 1024UL << 20);
	if (pthread_create(&th, &attr, run_passes, r)) {
		run_passes(r);
	} else {
		pthread_join(th, NULL);
	}
	pthread_attr_destroy(&attr);
	return r->status;
}

/* The tapset library: the installed one, or the source tree's when this
 * stap runs from its build tree (tests, the README's commands), so an
 * uninstalled stap never mixes with an older installed library. */
static const char *library_dir(void)
{
	static char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (n <= 0)
		return SONDE_TAPSET_DIR;
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (!slash)
		return SONDE_TAPSET_DIR;
	*slash = '\0';
	if (strcmp(self, SONDE_BINDIR) && access(SONDE_SOURCE_TAPSET_DIR, R_OK) == 0)
		return SONDE_SOURCE_TAPSET_DIR;
	return SONDE_TAPSET_DIR;
}

static void add_tapset_dir(struct options *o, const char *dir)
{
	if (o->ntapset_dirs < (int)(sizeof(o->tapset_dirs) / sizeof(o->tapset_dirs[0])))
		o->tapset_dirs[o->ntapset_dirs++] = dir;
}

/* SONDE_TAPSETS: a colon-separated list searched after -I directories */
static void add_env_tapset_dirs(struct options *o)
{
	const char *env = getenv("SONDE_TAPSETS");
	char *copy, *dir, *save;

	if (!env || !*env)
		return;
	copy = strdup(env);
	if (!copy)
		return;
	for (dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save))
		add_tapset_dir(o, dir);
	/* copy stays alive for the whole run: the list points into it */
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "runtime", required_argument, NULL, 'R' },
		{ "compatible", required_argument, NULL, 'C' },
		{ "dump-probe-types", no_argument, NULL, OPT_DUMP_PROBE_TYPES },
		{ NULL, 0, NULL, 0 },
	};
	struct options o = { .last_pass = 5, .runtime = "kernel" };
	int c;

	while ((c = getopt_long(argc, argv, "hVp:ve:gwuI:D:B:r:m:ko:c:x:T:s:l:L:", longopts,
				NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			version();
			return 0;
		case 'p':
			o.last_pass = atoi(optarg);
			o.pass_given = true;
			if (o.last_pass < 1 || o.last_pass > 5) {
				fprintf(stderr, "Invalid pass number (should be 1-5).\n");
				return 1;
			}
			break;
		case 'v':
			o.verbose++;
			break;
		case 'e':
			o.script_text = optarg;
			break;
		case 'g':
			o.guru = true;
			break;
		case 'w':
			o.suppress_warnings = true;
			break;
		case 'r':
			o.release = optarg;
			break;
		case 'R':
			if (strcmp(optarg, "kernel") && strcmp(optarg, "bpf")) {
				fprintf(stderr, "Invalid runtime mode: %s\n", optarg);
				return 1;
			}
			o.runtime = optarg;
			break;
		case 'C':
			o.compatible = optarg;
			break;
		case 'I':
			add_tapset_dir(&o, optarg);
			break;
		case 'l': case 'L': case OPT_DUMP_PROBE_TYPES:
			if (o.list_mode) {
				fputs("ERROR: only one of the -l/-L/--dump-* switches may be specified\n",
				      stderr);
				return 1;
			}
			o.list_mode = c;
			o.list_pattern = optarg;
			break;
		case 'm': o.bpf.module_name = optarg; break;
		case 'k': o.bpf.keep_tmpdir = true; break;
		case 'o': o.bpf.outfile = optarg; break;
		case 'c': o.bpf.command = optarg; break;
		case 'x': o.bpf.target_pid = optarg; break;
		case 'T': {
			char *end;
			double secs = strtod(optarg, &end);

			/* upstream: whole milliseconds, at least one */
			if (*end || !(secs * 1000 >= 1)) {
				fputs("Invalid timeout interval.\n", stderr);
				return 1;
			}
			o.timeout_ms = (long long)(secs * 1000);
			break;
		}
		case 'u': o.unoptimized = true; break;
		case 'D':
			if (o.mod.ndefines < 64)
				o.defines[o.mod.ndefines++] = optarg;
			break;
		case 'B':
			if (o.mod.nmake_args < 64)
				o.make_args[o.mod.nmake_args++] = optarg;
			break;
		case 's': {
			/* -s MB: the module's transport buffer */
			static char bufsize[64];
			long mb = strtol(optarg, NULL, 10);

			if (mb < 1 || mb > 4095) {
				fprintf(stderr, "Invalid buffer size (should be 1-4095).\n");
				return 1;
			}
			snprintf(bufsize, sizeof(bufsize), "SONDE_BUFSIZE=(%ldL << 20)", mb);
			if (o.mod.ndefines < 64)
				o.defines[o.mod.ndefines++] = bufsize;
			break;
		}
		default:
			usage(stderr);
			return 1;
		}
	}
	if (o.list_mode && (o.script_text || o.pass_given)) {
		fprintf(stderr, "Cannot specify %s with -l/-L/--dump-* switches.\n",
			o.script_text ? "a script" : "-p");
		return 1;
	}
	if (!o.script_text && !o.list_mode) {
		if (optind >= argc) {
			fputs("A script must be specified.\n", stderr);
			usage(stderr);
			return 1;
		}
		o.script_file = argv[optind++];
	}
	o.args = argv + optind;
	o.nargs = argc - optind;
	o.bpf.last_pass = o.last_pass;
	o.bpf.verbose = o.verbose;
	o.bpf.suppress_warnings = o.suppress_warnings;
	o.mod.last_pass = o.last_pass;
	o.mod.verbose = o.verbose;
	o.mod.suppress_warnings = o.suppress_warnings;
	o.mod.module_name = o.bpf.module_name;
	o.mod.keep_tmpdir = o.bpf.keep_tmpdir;
	o.mod.outfile = o.bpf.outfile;
	o.mod.command = o.bpf.command;
	o.mod.target_pid = o.bpf.target_pid;
	o.mod.release = o.release;
	o.mod.defines = o.defines;
	o.mod.make_args = o.make_args;
	add_env_tapset_dirs(&o);
	add_tapset_dir(&o, library_dir());

	struct run r = { .opts = &o };
	return run_on_big_stack(&r);
}
