// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * meta_fuzz.c - libFuzzer target for the .sonde.meta parser, the part of
 * staprun that reads text from a file it did not write.
 */
#include <stddef.h>
#include <stdint.h>

#include "staprun/meta.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct meta m;
	char err[256];

	if (!meta_parse(&m, (const char *)data, size, err, sizeof(err)))
		meta_release(&m);
	return 0;
}
