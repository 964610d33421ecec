/* p1check [-g] FILE [ARGS...]: the -p1 round trip.  Parses FILE, prints
 * it as -p1 does, parses that printout, and checks that both trees print
 * the same in the canonical form of dump.h, which undoes what SystemTap's
 * -p1 layout itself changes (format quoting, negative literals, null
 * statements).  Exit 0 when the trees agree; 1 with both dumps otherwise. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/utsname.h>

#include "translator/dump.h"
#include "translator/kconfig.h"
#include "translator/parse.h"
#include "translator/tapsets.h"


static char *dump_to_string(const struct stapfile *f, int flags, size_t *len)
{
	char *buf = NULL;
	FILE *m = open_memstream(&buf, len);

	dump_file(m, f, flags);
	fclose(m);
	return buf;
}

static struct stapfile *parse_or_report(struct program *prog, struct source *src,
					const struct pp_opts *ppo, const char *what)
{
	struct diags d;

	diags_init(&d, &prog->arena);
	struct stapfile *f = parse_source(prog, src, ppo, &d);
	if (d.errors) {
		fprintf(stderr, "p1check: %s does not parse:\n", what);
		diags_flush(&d, stderr, 0, true);
		f = NULL;
	}
	diags_release(&d);
	return f;
}

int main(int argc, char **argv)
{
	struct utsname u;
	struct kconfig *kc;

	uname(&u);
	kc = kconfig_new(u.release);
	struct pp_target tg = {
		.kernel_v = kconfig_version_of(kc), .kernel_vr = u.release,
		.arch = u.machine, .runtime = "kernel", .systemtap_v = "5.2",
		.privilege = "stapdev", .config = kconfig_lookup, .config_ctx = kc,
	};
	struct macro_table lib1 = { 0 }, lib2 = { 0 };
	struct program prog = { 0 };
	int argi = 1, status = 1;
	const char *macro_dirs[16];
	int nmacro_dirs = 0;

	/* the stap options the test runner passes along */
	for (; argi < argc && argv[argi][0] == '-'; argi++) {
		if (!strcmp(argv[argi], "-g"))
			tg.guru = true;
		else if (!strncmp(argv[argi], "--compatible=", 13))
			tg.systemtap_v = argv[argi] + 13;
		else if (!strncmp(argv[argi], "--runtime=", 10))
			tg.runtime = argv[argi] + 10;
		else if (!strcmp(argv[argi], "-I") && argi + 1 < argc && nmacro_dirs < 16)
			macro_dirs[nmacro_dirs++] = argv[++argi];
	}
	if (argi >= argc) {
		fputs("usage: p1check [-g] [--compatible=V] [-I TAPSETDIR] FILE [ARGS...]\n",
		      stderr);
		kconfig_free(kc);
		return 2;
	}
	struct pp_opts ppo = { &tg, argv + argi + 1, argc - argi - 1, &lib1, false };
	struct pp_opts ppo2 = ppo;
	struct tapset_lib tl1, tl2;
	struct diags md;

	/* -I: the library's .stpm macros, once for each of the two parses */
	diags_init(&md, &prog.arena);
	ppo2.library = &lib2;
	tapsets_open(&tl1, &prog, &ppo, &md, macro_dirs, nmacro_dirs);
	tapsets_open(&tl2, &prog, &ppo2, &md, macro_dirs, nmacro_dirs);
	diags_release(&md);
	struct source *src = source_from_file(&prog, argv[argi], NULL);
	if (!src) {
		perror(argv[argi]);
		kconfig_free(kc);
		return 2;
	}
	src->privileged = tg.guru;
	struct stapfile *f1 = parse_or_report(&prog, src, &ppo, "the script");
	if (!f1)
		goto out;

	size_t len1, len2, lenr;
	char *quoted = dump_to_string(f1, DUMP_P1, &lenr);
	char *first = dump_to_string(f1, DUMP_CANONICAL, &len1);
	/* the printout names the file in a comment; parse it as the same name */
	struct source *again = source_from_text(&prog, quoted, lenr, src->name);
	again->privileged = true;
	ppo.library = &lib2;
	ppo.nargs = 0;
	struct stapfile *f2 = parse_or_report(&prog, again, &ppo, "the -p1 printout");
	if (f2) {
		char *second = dump_to_string(f2, DUMP_CANONICAL | DUMP_RAW_FORMATS, &len2);

		if (len1 == len2 && !memcmp(first, second, len1)) {
			status = 0;
		} else {
			fprintf(stderr, "p1check: %s does not round-trip\n--- first\n%s\n--- second\n%s\n",
				argv[argi], first, second);
		}
		free(second);
	} else {
		fprintf(stderr, "%s\n", quoted);
	}
	free(quoted);
	free(first);
out:
	program_release(&prog);
	kconfig_free(kc);
	return status;
}
