/* libFuzzer entry for passes 1 and 2: any bytes, as a script with two
 * arguments, through the preprocessor, parser, -p1 printer, and when it
 * parses, elaboration and the -p2 printer. */
#include <stdio.h>
#include <stdint.h>

#include "translator/dump.h"
#include "translator/dump_p2.h"
#include "translator/elaborate.h"
#include "translator/parse.h"

static const char *no_config(void *ctx, const char *name)
{
	return name[7] == 'A' ? "y" : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char arg1[] = "1 + $2", arg2[] = "\"x\"";
	static char *args[] = { arg1, arg2 };
	struct pp_target tg = {
		.kernel_v = "6.1.0", .kernel_vr = "6.1.0-0-amd64", .arch = "x86_64",
		.runtime = "bpf", .systemtap_v = "5.2", .privilege = "stapdev",
		.guru = true, .config = no_config,
	};
	struct macro_table lib = { 0 };
	struct pp_opts ppo = { &tg, args, 2, &lib, false };
	struct program prog = { 0 };
	struct diags d;
	FILE *sink = fopen("/dev/null", "w");

	diags_init(&d, &prog.arena);
	struct source *src = source_from_text(&prog, (const char *)data, size, "<fuzz>");
	src->privileged = size && (data[0] & 1);
	struct stapfile *f = parse_source(&prog, src, &ppo, &d);
	diags_flush(&d, sink, 0, true);
	if (!d.errors) {
		dump_file(sink, f, DUMP_P1);
		ptrvec_push(&prog.arena, &prog.user_files, f);
		if (elaborate(&prog, NULL, NULL, &d) == 0)
			dump_program(sink, &prog);
		diags_flush(&d, sink, 0, true);
	}
	fclose(sink);
	diags_release(&d);
	program_release(&prog);
	return 0;
}
