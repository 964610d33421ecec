// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * modload.c - checking, inserting and removing a Sonde module.
 *
 * A module built for another kernel would be refused by the kernel with
 * a bare "Invalid module format"; staprun reads the module's vermagic
 * first and names both releases instead.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "staprun/log.h"
#include "staprun/module.h"

bool module_path_is_ko(const char *path)
{
	size_t n = strlen(path);

	return n > 3 && !strcmp(path + n - 3, ".ko");
}

/* "NAME:long" or "NAME:string" */
static void add_param(struct modinfo *mi, const char *p, size_t len)
{
	const char *colon = memchr(p, ':', len);

	if (!colon || mi->nparams >= MODINFO_MAX_PARAMS)
		return;
	mi->params[mi->nparams] = strndup(p, colon - p);
	mi->param_is_string[mi->nparams] = len - (colon + 1 - p) == 6 &&
					   !strncmp(colon + 1, "string", 6);
	if (mi->params[mi->nparams])
		mi->nparams++;
}

void modinfo_release(struct modinfo *mi)
{
	int i;

	for (i = 0; i < mi->nparams; i++)
		free(mi->params[i]);
	mi->nparams = 0;
}

char *module_params(const struct modinfo *mi, char **args, int nargs)
{
	char *buf = NULL, *end;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int i, j;

	for (i = 0; i < nargs; i++) {
		const char *eq = strchr(args[i], '=');

		if (!eq || eq == args[i]) {
			log_fail("ERROR: bad global assignment '%s'", args[i]);
			goto fail;
		}
		for (j = 0; j < mi->nparams; j++)
			if (strlen(mi->params[j]) == (size_t)(eq - args[i]) &&
			    !strncmp(mi->params[j], args[i], eq - args[i]))
				break;
		if (j == mi->nparams) {
			log_fail("ERROR: cannot set global '%.*s': no such global in the script",
				 (int)(eq - args[i]), args[i]);
			goto fail;
		}
		if (!mi->param_is_string[j]) {
			errno = 0;
			(void)!strtoll(eq + 1, &end, 0);
			if (errno || !eq[1] || *end) {
				log_fail("ERROR: cannot set global '%s': '%s' is not a number",
					 mi->params[j], eq + 1);
				goto fail;
			}
		} else if (strchr(eq + 1, '"')) {
			log_fail("ERROR: cannot set global '%s': a module parameter cannot "
				 "hold '\"'", mi->params[j]);
			goto fail;
		}
		fprintf(f, "%s%s=\"%s\"", i ? " " : "", mi->params[j], eq + 1);
	}
	fclose(f);
	return buf;
fail:
	fclose(f);
	free(buf);
	return NULL;
}

/* name= and vermagic= from the .modinfo section */
static int read_modinfo(Elf *elf, struct modinfo *mi)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	size_t shstrndx;
	Elf_Data *data;
	const char *p, *end, *name;

	if (elf_getshdrstrndx(elf, &shstrndx))
		return -1;
	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &sh))
			continue;
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!name || strcmp(name, ".modinfo"))
			continue;
		data = elf_getdata(scn, NULL);
		if (!data || !data->d_buf)
			return -1;
		p = data->d_buf;
		end = p + data->d_size;
		while (p < end) {
			size_t len = strnlen(p, end - p);

			if (!strncmp(p, "name=", 5))
				snprintf(mi->name, sizeof(mi->name), "%.*s", (int)len - 5, p + 5);
			else if (!strncmp(p, "vermagic=", 9))
				snprintf(mi->vermagic, sizeof(mi->vermagic), "%.*s",
					 (int)len - 9, p + 9);
			else if (!strncmp(p, "parm=", 5))
				add_param(mi, p + 5, len - 5);
			p += len + 1;
		}
		return mi->name[0] && mi->vermagic[0] ? 0 : -1;
	}
	return -1;
}

int module_check(const char *path, struct modinfo *mi)
{
	struct utsname u;
	size_t rlen;
	Elf *elf;
	int fd, rc;

	memset(mi, 0, sizeof(*mi));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		log_fail("module: cannot open '%s': %s", path, strerror(errno));
		return -1;
	}
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	rc = elf ? read_modinfo(elf, mi) : -1;
	elf_end(elf);
	close(fd);
	if (rc) {
		log_fail("module: '%s' is not a kernel module (no .modinfo name and vermagic)",
			 path);
		return -1;
	}
	uname(&u);
	rlen = strlen(u.release);
	if (strncmp(mi->vermagic, u.release, rlen) || mi->vermagic[rlen] != ' ') {
		log_fail("module: '%s' was built for kernel '%.*s', but this is '%s'; "
			 "rebuild it with stap -r %s", path,
			 (int)strcspn(mi->vermagic, " "), mi->vermagic, u.release,
			 u.release);
		return -1;
	}
	return 0;
}

/* init_module for kernels without finit_module (before 3.8) */
static int insert_from_memory(int fd, const char *params)
{
	struct stat st;
	void *buf;
	int rc = -1;

	if (fstat(fd, &st))
		return -1;
	buf = malloc(st.st_size);
	if (buf && pread(fd, buf, st.st_size, 0) == st.st_size)
		rc = syscall(SYS_init_module, buf, (unsigned long)st.st_size, params);
	free(buf);
	return rc;
}

int module_insert(const char *path, const struct modinfo *mi, const char *params)
{
	char sys[128];
	struct stat st;
	int fd, rc;

	snprintf(sys, sizeof(sys), "/sys/module/%s", mi->name);
	if (!stat(sys, &st)) {
		log_fail("module: a module named '%s' is already loaded", mi->name);
		return -1;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		log_fail("module: cannot open '%s': %s", path, strerror(errno));
		return -1;
	}
	rc = syscall(SYS_finit_module, fd, params, 0);
	if (rc && errno == ENOSYS)
		rc = insert_from_memory(fd, params);
	close(fd);
	if (rc) {
		log_fail("module: cannot insert '%s': %s", path, strerror(errno));
		return -1;
	}
	log_debug(1, "inserted module %s", mi->name);
	return 0;
}

int module_remove(const struct modinfo *mi)
{
	int i;

	for (i = 0; i < 100; i++) {
		if (!syscall(SYS_delete_module, mi->name, O_NONBLOCK)) {
			log_debug(1, "removed module %s", mi->name);
			return 0;
		}
		if (errno != EAGAIN && errno != EBUSY && errno != EINTR)
			break;
		usleep(50000);
	}
	log_fail("module: cannot remove '%s': %s", mi->name, strerror(errno));
	return -1;
}
