// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stack.c - STACK records: the return addresses a probe captured with
 * bpf_get_stack, printed one frame per line with symbols, as the module
 * runtime's print_backtrace / print_ubacktrace do:
 *
 *	full    " 0x%016lx : SYMBOL+0xOFF/0xSIZE [MODULE]"
 *	brief   "SYMBOL+0xOFF"
 *
 * and, without a symbol, " 0x%016lx [MODULE+0xOFF]" or the bare address.
 * Kernel addresses resolve through /proc/kallsyms (module "kernel" or the
 * [module] kallsyms names), user addresses through the process's
 * /proc/PID/maps and the mapped file's ELF symbol tables (.symtab, else
 * .dynsym), read with libelf.  Both are read once and cached; a process
 * that has already exited leaves its frames as addresses.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "staprun/bpf_abi.h"
#include "staprun/staprun.h"

struct sym {
	uint64_t addr, size;
	char *name;
	const char *module;	/* kernel: "kernel" or the module; user: NULL */
};

struct symtab {
	struct sym *v;
	size_t n, cap;
};

/* One mapped ELF file's function symbols, by link-time address */
struct elf_syms {
	char *path;
	struct symtab syms;
	GElf_Phdr *loads;	/* PT_LOAD headers: file offset -> vaddr */
	size_t nloads;
	struct elf_syms *next;
};

/* One process's executable mappings */
struct mapping {
	uint64_t start, end, pgoff;
	struct elf_syms *file;
};

struct proc_maps {
	uint32_t pid;
	struct mapping *v;
	size_t n;
	struct proc_maps *next;
};

struct stack_syms {
	int kernel_read;
	struct symtab kernel;
	char **modules;		/* kernel module names the symbols point to */
	size_t nmodules;
	struct elf_syms *files;
	struct proc_maps *procs;
};

static int push(struct symtab *t, uint64_t addr, uint64_t size,
		const char *name, const char *module)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 1024;
		struct sym *v = realloc(t->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		t->v = v;
		t->cap = cap;
	}
	t->v[t->n].name = strdup(name);
	if (!t->v[t->n].name)
		return -ENOMEM;
	t->v[t->n].addr = addr;
	t->v[t->n].size = size;
	t->v[t->n].module = module;
	t->n++;
	return 0;
}

static int by_addr(const void *a, const void *b)
{
	const struct sym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Sort; a symbol without a size reaches to the next one */
static void finish(struct symtab *t)
{
	size_t i;

	qsort(t->v, t->n, sizeof(*t->v), by_addr);
	for (i = 0; i + 1 < t->n; i++)
		if (!t->v[i].size)
			t->v[i].size = t->v[i + 1].addr - t->v[i].addr;
}

/* The symbol holding addr, or NULL */
static const struct sym *lookup(const struct symtab *t, uint64_t addr)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->v[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	if (t->v[lo - 1].size && addr - t->v[lo - 1].addr >= t->v[lo - 1].size)
		return NULL;
	return &t->v[lo - 1];
}

static void free_symtab(struct symtab *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->v[i].name);
	free(t->v);
}

/* ---- the kernel ---------------------------------------------------------- */

static void read_kallsyms(struct stack_syms *ss)
{
	FILE *f = fopen("/proc/kallsyms", "re");
	char line[512], name[256], mod[128], type;
	unsigned long long addr;
	const char *module;
	int n;

	ss->kernel_read = 1;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		mod[0] = '\0';
		n = sscanf(line, "%llx %c %255s [%127[^]]]", &addr, &type, name, mod);
		if (n < 3 || !addr || (type != 't' && type != 'T' &&
				       type != 'w' && type != 'W'))
			continue;
		module = "kernel";
		if (mod[0]) {
			/* kallsyms lists a module's symbols together */
			if (!ss->nmodules ||
			    strcmp(ss->modules[ss->nmodules - 1], mod)) {
				char **v = realloc(ss->modules, (ss->nmodules + 1) *
						   sizeof(*v));

				if (!v || !(v[ss->nmodules] = strdup(mod))) {
					if (v)
						ss->modules = v;
					break;
				}
				ss->modules = v;
				ss->nmodules++;
			}
			module = ss->modules[ss->nmodules - 1];
		}
		if (push(&ss->kernel, addr, 0, name, module))
			break;
	}
	fclose(f);
	finish(&ss->kernel);
}

/* ---- user space ------------------------------------------------------------- */

static void read_elf_symbols(struct elf_syms *es, Elf *elf)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	GElf_Sym sym;
	Elf_Data *data;
	int pass, found = 0;
	size_t i, n;

	/* .symtab when there is one, else .dynsym */
	for (pass = 0; pass < 2 && !found; pass++) {
		scn = NULL;
		while ((scn = elf_nextscn(elf, scn))) {
			if (!gelf_getshdr(scn, &sh) ||
			    sh.sh_type != (pass ? SHT_DYNSYM : SHT_SYMTAB) ||
			    !sh.sh_entsize)
				continue;
			data = elf_getdata(scn, NULL);
			n = sh.sh_size / sh.sh_entsize;
			for (i = 0; data && i < n; i++) {
				const char *name;

				if (!gelf_getsym(data, (int)i, &sym) ||
				    GELF_ST_TYPE(sym.st_info) != STT_FUNC ||
				    sym.st_shndx == SHN_UNDEF || !sym.st_value)
					continue;
				name = elf_strptr(elf, sh.sh_link, sym.st_name);
				if (name && *name &&
				    push(&es->syms, sym.st_value, sym.st_size, name, NULL))
					return;
				found = 1;
			}
		}
	}
}

static void read_loads(struct elf_syms *es, Elf *elf)
{
	size_t i, n;
	GElf_Phdr ph;

	if (elf_getphdrnum(elf, &n))
		return;
	es->loads = calloc(n ? n : 1, sizeof(*es->loads));
	if (!es->loads)
		return;
	for (i = 0; i < n; i++)
		if (gelf_getphdr(elf, (int)i, &ph) && ph.p_type == PT_LOAD)
			es->loads[es->nloads++] = ph;
}

static struct elf_syms *elf_file(struct stack_syms *ss, const char *path)
{
	struct elf_syms *es;
	Elf *elf;
	int fd;

	for (es = ss->files; es; es = es->next)
		if (!strcmp(es->path, path))
			return es;
	es = calloc(1, sizeof(*es));
	if (!es || !(es->path = strdup(path))) {
		free(es);
		return NULL;
	}
	es->next = ss->files;
	ss->files = es;
	elf_version(EV_CURRENT);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return es;
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (elf) {
		read_elf_symbols(es, elf);
		read_loads(es, elf);
		elf_end(elf);
	}
	close(fd);
	finish(&es->syms);
	return es;
}

static struct proc_maps *proc_maps(struct stack_syms *ss, uint32_t pid)
{
	struct proc_maps *pm;
	char path[64], line[4096], file[4096], perms[8];
	unsigned long long start, end, pgoff;
	FILE *f;

	for (pm = ss->procs; pm; pm = pm->next)
		if (pm->pid == pid)
			return pm;
	pm = calloc(1, sizeof(*pm));
	if (!pm)
		return NULL;
	pm->pid = pid;
	pm->next = ss->procs;
	ss->procs = pm;
	snprintf(path, sizeof(path), "/proc/%u/maps", pid);
	f = fopen(path, "re");
	if (!f)
		return pm;
	while (fgets(line, sizeof(line), f)) {
		struct mapping *v;

		file[0] = '\0';
		if (sscanf(line, "%llx-%llx %7s %llx %*s %*s %4095[^\n]", &start,
			   &end, perms, &pgoff, file) < 4 || perms[2] != 'x' ||
		    file[0] != '/')
			continue;
		v = realloc(pm->v, (pm->n + 1) * sizeof(*v));
		if (!v)
			break;
		pm->v = v;
		pm->v[pm->n++] = (struct mapping){ start, end, pgoff,
						   elf_file(ss, file) };
	}
	fclose(f);
	return pm;
}

/* The link-time address of a file offset, from the PT_LOAD headers */
static int offset_to_vaddr(const struct elf_syms *es, uint64_t off,
			   uint64_t *vaddr)
{
	size_t i;

	for (i = 0; i < es->nloads; i++)
		if (off >= es->loads[i].p_offset &&
		    off < es->loads[i].p_offset + es->loads[i].p_filesz) {
			*vaddr = off - es->loads[i].p_offset + es->loads[i].p_vaddr;
			return 0;
		}
	return -ENOENT;
}

/* ---- printing ------------------------------------------------------------- */

static void frame(struct session *s, uint64_t ip, const char *name,
		  uint64_t off, uint64_t size, const char *module, int brief)
{
	char buf[1024];
	int n;

	if (brief && name)
		n = snprintf(buf, sizeof(buf), "%s+0x%" PRIx64 "\n", name, off);
	else if (brief)
		n = snprintf(buf, sizeof(buf), "0x%016" PRIx64 "\n", ip);
	else if (name)
		n = snprintf(buf, sizeof(buf), " 0x%016" PRIx64 " : %s+0x%" PRIx64
			     "/0x%" PRIx64 " [%s]\n", ip, name, off, size, module);
	else if (module)
		n = snprintf(buf, sizeof(buf), " 0x%016" PRIx64 " [%s+0x%" PRIx64
			     "]\n", ip, module, off);
	else
		n = snprintf(buf, sizeof(buf), " 0x%016" PRIx64 "\n", ip);
	if (n > 0)
		output_write(&s->out, buf, (size_t)n < sizeof(buf) ? (size_t)n
								 : sizeof(buf) - 1);
}

static void user_frame(struct session *s, struct proc_maps *pm, uint64_t ip,
		       int brief)
{
	const struct mapping *m = NULL;
	const struct sym *sym;
	uint64_t vaddr;
	size_t i;

	for (i = 0; pm && i < pm->n && !m; i++)
		if (ip >= pm->v[i].start && ip < pm->v[i].end)
			m = &pm->v[i];
	if (!m || !m->file) {
		frame(s, ip, NULL, 0, 0, NULL, brief);
		return;
	}
	if (offset_to_vaddr(m->file, ip - m->start + m->pgoff, &vaddr) == 0 &&
	    (sym = lookup(&m->file->syms, vaddr)))
		frame(s, ip, sym->name, vaddr - sym->addr, sym->size,
		      m->file->path, brief);
	else
		frame(s, ip, NULL, ip - m->start + m->pgoff, 0, m->file->path,
		      brief);
}

/*
 * The frames a kernel stack starts with that belong to running the BPF
 * program (the program itself, the raw tracepoint or perf dispatch), not
 * to the probed code: SystemTap's backtraces start at the probe point.
 */
static int bpf_dispatch(const struct sym *sym)
{
	static const char *const prefixes[] = {
		"bpf_", "__bpf_", "trace_call_bpf", "perf_trace_run_bpf_submit",
		"perf_syscall_", "__traceiter_", "perf_trace_", "kprobe_perf_func",
		"uprobe_perf_func", "__uprobe_perf_func", "bpf_overflow_handler",
	};
	size_t i;

	if (!strcmp(sym->module, "bpf"))
		return 1;
	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(sym->name, prefixes[i], strlen(prefixes[i])))
			return 1;
	return 0;
}

/* backtrace()'s text back into addresses */
static uint32_t parse_text(const char *slot, size_t size, uint64_t *ips)
{
	char text[4096], *p, *end;
	uint32_t n = 0;

	if (size >= sizeof(text))
		size = sizeof(text) - 1;
	memcpy(text, slot, size);
	text[size] = '\0';
	for (p = text; n < SONDE_STACK_MAX; p = end) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		ips[n] = strtoull(p, &end, 16);
		if (end == p)
			break;
		n++;
	}
	return n;
}

int stack_record(struct session *s, const char *p, size_t avail, size_t *used)
{
	struct sonde_rec_stack r;
	struct stack_syms *ss;
	struct proc_maps *pm = NULL;
	const struct sym *sym;
	uint64_t ip;
	uint32_t i, skipped = 0;
	int user, brief;

	uint64_t ips[SONDE_STACK_MAX];

	if (avail < sizeof(r))
		return -EINVAL;
	memcpy(&r, p, sizeof(r));
	if (r.id & SONDE_STACK_TEXT) {
		if (avail - sizeof(r) < s->out.slot)
			return -EINVAL;
		*used = sizeof(r) + s->out.slot;
		r.nframes = parse_text(p + sizeof(r), s->out.slot, ips);
	} else {
		if (r.nframes > SONDE_STACK_MAX ||
		    avail - sizeof(r) < 8u * SONDE_STACK_MAX)
			return -EINVAL;
		*used = sizeof(r) + 8u * SONDE_STACK_MAX;
		memcpy(ips, p + sizeof(r), 8u * r.nframes);
	}
	if (!s->stacks && !(s->stacks = calloc(1, sizeof(*s->stacks))))
		return -ENOMEM;
	ss = s->stacks;
	user = r.id & SONDE_STACK_USER;
	brief = r.id & SONDE_STACK_BRIEF;
	if (user)
		pm = proc_maps(ss, r.pid);
	else if (!ss->kernel_read)
		read_kallsyms(ss);
	for (i = 0; i < r.nframes; i++) {
		ip = ips[i];
		/* a frame-pointer walk past the outermost frame */
		if (ip < 4096)
			break;
		if (user) {
			user_frame(s, pm, ip, brief);
		} else if ((sym = lookup(&ss->kernel, ip))) {
			if (i == skipped && bpf_dispatch(sym)) {
				skipped++;
				continue;
			}
			frame(s, ip, sym->name, ip - sym->addr, sym->size,
			      sym->module, brief);
		} else {
			frame(s, ip, NULL, 0, 0, NULL, brief);
		}
	}
	return 0;
}

void stack_release(struct session *s)
{
	struct stack_syms *ss = s->stacks;
	size_t i;

	if (!ss)
		return;
	for (i = 0; i < ss->nmodules; i++)
		free(ss->modules[i]);
	free(ss->modules);
	while (ss->files) {
		struct elf_syms *es = ss->files;

		ss->files = es->next;
		free_symtab(&es->syms);
		free(es->loads);
		free(es->path);
		free(es);
	}
	while (ss->procs) {
		struct proc_maps *pm = ss->procs;

		ss->procs = pm->next;
		free(pm->v);
		free(pm);
	}
	free_symtab(&ss->kernel);
	free(ss);
	s->stacks = NULL;
}
