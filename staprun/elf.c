// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * elf.c - read the metadata section of a generated object with libelf.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "staprun/bpf_abi.h"
#include "staprun/meta.h"

/* The section's bytes, copied; -ENODATA if there is none. */
static int copy_section(Elf *elf, char **text, size_t *len)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	Elf_Data *data;
	size_t shstrndx;
	const char *name;

	if (elf_getshdrstrndx(elf, &shstrndx))
		return -EIO;
	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &sh))
			return -EIO;
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!name || strcmp(name, SONDE_META_SECTION))
			continue;
		if (sh.sh_type != SHT_PROGBITS)
			return -EIO;
		data = elf_getdata(scn, NULL);
		if (!data)
			return -EIO;
		*text = malloc(data->d_size + 1);
		if (!*text)
			return -ENOMEM;
		memcpy(*text, data->d_buf, data->d_size);
		(*text)[data->d_size] = '\0';
		*len = data->d_size;
		return 0;
	}
	return -ENODATA;
}

int meta_read_elf(const char *path, char **text, size_t *len)
{
	Elf *elf;
	int fd, err;

	*text = NULL;
	*len = 0;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -EIO;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF)
		err = -EIO;
	else
		err = copy_section(elf, text, len);
	elf_end(elf);
	close(fd);
	return err;
}
