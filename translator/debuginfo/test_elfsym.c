/* test_elfsym - ELF symbols, file offsets, PLT stubs, SDT notes and
 * kallsyms, checked against binutils (nm, objdump, readelf) as oracles.
 *
 * Subjects: a sample program built here (-g -O0 -no-pie, so virtual
 * addresses and file offsets differ), /bin/bash (stripped: .dynsym only)
 * and /proc/kallsyms.  Exits 77 without a C compiler or binutils. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gelf.h>

#include "translator/debuginfo/elfsym.h"
#include "translator/debuginfo/kallsyms.h"
#include "translator/debuginfo/testutil.h"

/* File offset of addr computed the other way: from the section headers. */
static uint64_t section_offset(const char *path, uint64_t addr)
{
	int fd = open(path, O_RDONLY);
	Elf *e = elf_begin(fd, ELF_C_READ, NULL);
	Elf_Scn *scn = NULL;
	uint64_t off = (uint64_t)-1;
	GElf_Shdr sh;

	while (e && (scn = elf_nextscn(e, scn)))
		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_PROGBITS &&
		    (sh.sh_flags & SHF_ALLOC) && addr >= sh.sh_addr &&
		    addr < sh.sh_addr + sh.sh_size)
			off = addr - sh.sh_addr + sh.sh_offset;
	elf_end(e);
	close(fd);
	return off;
}

struct addr_query {
	uint64_t addr;
	bool found;
};

static int match_addr(const struct esym *s, void *arg)
{
	struct addr_query *q = arg;

	q->found |= s->addr == q->addr;
	return 0;
}

/* Every function nm lists must be ours, at the same address (a name may
 * have several entries: static functions of different files).  nm's
 * System V format shows the ELF symbol type, so NOTYPE labels that nm
 * letters 't' or 'W' are left out as we leave them out. */
static void check_against_nm(struct esym_file *f, const char *flags)
{
	char *out = test_run("nm -f sysv %s '%s'", flags, esym_path(f)), *line, *save;
	int checked = 0;

	CHECK(out != NULL);
	for (line = out ? strtok_r(out, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned long long a;
		char name[512], cls[8], type[16];
		struct addr_query q = { 0, false };

		if (sscanf(line, "%511[^| ] |%llx| %7[^| ] | %15[^| ]", name, &a,
			   cls, type) != 4 || strpbrk(name, "@*?[\\") ||
		    (strcmp(type, "FUNC") != 0 && strcmp(type, "IFUNC") != 0) ||
		    strcmp(cls, "U") == 0)
			continue;
		q.addr = a;
		esym_glob(f, name, ESYM_FUNC, match_addr, &q);
		if (!q.found) {
			fprintf(stderr, "nm %s: %s at %#llx not found\n", flags, name, a);
			test_failures++;
		}
		checked++;
	}
	printf("%s: %d nm functions matched\n", esym_path(f), checked);
	CHECK(checked > 0);
	free(out);
}

static void check_sample_symbols(struct esym_file *f)
{
	const struct esym *s;
	uint64_t off;
	size_t n;

	check_against_nm(f, "");
	s = esym_lookup(f, "add_points", ESYM_FUNC, &n);
	CHECK(s && n == 1);
	if (!s)
		return;
	CHECK_INT(s->addr, test_nm_addr(esym_path(f), "", "add_points"));
	CHECK(s->type == STT_FUNC && s->bind == STB_GLOBAL && s->size > 0 && s->in_symtab);
	CHECK_INT(esym_vaddr_to_offset(f, s->addr, &off), 0);
	CHECK_INT(off, section_offset(esym_path(f), s->addr));
	CHECK(off != s->addr);		/* -no-pie: the mapping is not identity */
	printf("add_points: address %#llx, file offset %#llx\n",
	       (unsigned long long)s->addr, (unsigned long long)off);
	CHECK(esym_by_addr(f, s->addr + 5, &off) == s && off == 5);
	s = esym_lookup(f, "helper", ESYM_FUNC, &n);
	CHECK(s && s->bind == STB_LOCAL && s->addr == test_nm_addr(esym_path(f), "", "helper"));
	CHECK_INT(esym_glob(f, "add_*", ESYM_FUNC, NULL, NULL), 1);
	CHECK_INT(esym_glob(f, "*", ESYM_FUNC, NULL, NULL) >= 3, 1);
	CHECK(esym_lookup(f, "sonde_sample_mark_semaphore", ESYM_FUNC, NULL) == NULL);
	CHECK(esym_lookup(f, "sonde_sample_mark_semaphore", ESYM_OBJECT, NULL) != NULL);
	CHECK(esym_vaddr_to_offset(f, 0x10, &off) == -ENOENT);
}

/* Compare our PLT stubs with objdump's synthetic "name@plt" symbols. */
static void check_plt(struct esym_file *f)
{
	char *out = test_run("objdump -d -j .plt -j .plt.sec '%s' 2>/dev/null",
			     esym_path(f)), *line, *save;
	const struct esym_plt *p;
	size_t n;
	int seen = 0;

	CHECK_INT(esym_plt(f, &p, &n), 0);
	for (line = out ? strtok_r(out, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned long long a;
		char name[512], *at;
		bool found = false;

		if (sscanf(line, "%llx <%511[^>]>:", &a, name) != 2 ||
		    !(at = strstr(name, "@plt")) || at[4])	/* not "x@plt-0x10" */
			continue;
		*at = '\0';
		for (size_t i = 0; i < n && !found; i++)
			found = p[i].addr == a && strcmp(p[i].name, name) == 0;
		if (!found) {
			fprintf(stderr, "%s: objdump's %s@plt at %#llx not found\n",
				esym_path(f), name, a);
			test_failures++;
		}
		seen++;
	}
	printf("%s: %zu PLT stubs, %d matched objdump\n", esym_path(f), n, seen);
	CHECK_INT(seen, n);
	free(out);
}

/* "    Location: 0x..., Base: 0x..., Semaphore: 0x..." from readelf -n. */
static void check_sdt(struct esym_file *f)
{
	char *out = test_run("readelf -n '%s'", esym_path(f)), *loc, *args;
	const struct sdt_probe *p;
	unsigned long long pc = 0, base = 0, sem = 0;
	const struct esym *fn;
	uint64_t off;
	size_t n;

	CHECK_INT(esym_sdt(f, &p, &n), 0);
	CHECK_INT(n, 1);
	loc = out ? strstr(out, "Location: ") : NULL;
	args = out ? strstr(out, "Arguments: ") : NULL;
	CHECK(loc && sscanf(loc, "Location: %llx, Base: %llx, Semaphore: %llx",
			    &pc, &base, &sem) == 3);
	if (n != 1 || !args) {
		free(out);
		return;
	}
	args += strlen("Arguments: ");
	args[strcspn(args, "\n")] = '\0';
	CHECK_STR(p->provider, "sonde");
	CHECK_STR(p->name, "sample_mark");
	CHECK_STR(p->args, args);
	CHECK_INT(p->pc, pc);
	CHECK_INT(p->semaphore, sem);
	CHECK_INT(p->semaphore, test_nm_addr(esym_path(f), "", "sonde_sample_mark_semaphore"));
	CHECK_INT(p->nargs, 2);
	CHECK(p->nargs == 2 && p->argv[0].size == 4 && p->argv[0].is_signed &&
	      p->argv[1].size == 8 && !p->argv[1].is_signed);
	fn = esym_by_addr(f, p->pc, NULL);
	CHECK(fn && strcmp(fn->name, "add_points") == 0);
	CHECK_INT(esym_vaddr_to_offset(f, p->semaphore, &off), 0);
	CHECK_INT(off, section_offset(esym_path(f), p->semaphore));
	printf("mark(\"sonde\", \"sample_mark\"): pc %#llx semaphore %#llx (file offset %#llx) args \"%s\"\n",
	       pc, sem, (unsigned long long)off, p->args);
	CHECK_INT(esym_sdt_glob(f, "son*", "*mark", NULL, NULL), 1);
	CHECK_INT(esym_sdt_glob(f, "*", "nomatch", NULL, NULL), 0);
	free(out);
}

static void check_sample(void)
{
	struct test_sample s;
	struct esym_file *f;

	test_sample_build(&s, "-g -O0 -no-pie");
	f = esym_open(s.bin);
	CHECK(f != NULL);
	if (f) {
		CHECK(esym_info(f)->elf_type == ET_EXEC && esym_info(f)->has_symtab);
		CHECK(strlen(esym_info(f)->build_id) == 40);
		check_sample_symbols(f);
		check_plt(f);
		check_sdt(f);
	}
	esym_close(f);
	test_sample_cleanup(&s);
}

/* Symbol-only lookup in a stripped system binary. */
static void check_bash(void)
{
	struct esym_file *f = esym_open("/bin/bash");
	const struct esym *s;
	uint64_t off;
	size_t n;

	if (!f) {
		printf("note: /bin/bash not readable; skipped\n");
		return;
	}
	s = esym_lookup(f, "readline", ESYM_FUNC, &n);
	CHECK(s && n == 1 && s->in_dynsym);
	if (s) {
		CHECK_INT(s->addr, test_nm_addr("/bin/bash", "-D", "readline"));
		CHECK_INT(esym_vaddr_to_offset(f, s->addr, &off), 0);
		CHECK_INT(off, section_offset("/bin/bash", s->addr));
		printf("/bin/bash: symtab %d dynsym %d debug_info %d; readline %#llx size %llu "
		       "file offset %#llx (%s)\n",
		       esym_info(f)->has_symtab, esym_info(f)->has_dynsym,
		       esym_info(f)->has_debug_info, (unsigned long long)s->addr,
		       (unsigned long long)s->size, (unsigned long long)off,
		       s->in_symtab ? ".symtab+.dynsym" : ".dynsym only");
	}
	check_against_nm(f, "-D");
	check_plt(f);
	esym_close(f);
}

static void check_kallsyms(void)
{
	struct ksyms *k = ksyms_open(NULL), *m;
	const struct ksym *s, *st, *ms, *mst;
	char path[256], *rel;
	uint64_t off;
	size_t n;

	CHECK(k != NULL);
	if (!k)
		return;
	s = ksyms_lookup(k, "vfs_read", &n);
	CHECK(s && s->type == 'T' && !s->module);
	CHECK_INT(ksyms_glob(k, "__pfx_vfs_read", NULL, NULL), ksyms_lookup(k, "__pfx_vfs_read", NULL) ? 1 : 0);
	CHECK_INT(ksyms_glob(k, "*vfs_read", NULL, NULL), 1);
	CHECK(ksyms_glob(k, "vfs_*", NULL, NULL) > 10);
	if (s && !ksyms_addrs_hidden(k)) {
		const struct ksym *b = ksyms_by_addr(k, s->addr + 10, &off);
		CHECK(b && strcmp(b->name, "vfs_read") == 0 && off == 10);
	}
	printf("kallsyms: %zu symbols, addresses %s\n", ksyms_count(k),
	       ksyms_addrs_hidden(k) ? "hidden (kptr_restrict)" : "visible");
	/* System.map agrees up to the KASLR slide, the same for all text. */
	rel = test_run("uname -r");
	snprintf(path, sizeof(path), "/boot/System.map-%.*s", rel ? (int)strcspn(rel, "\n") : 0,
		 rel ? rel : "");
	free(rel);
	m = ksyms_open(path);
	if (m && s && !ksyms_addrs_hidden(k)) {
		ms = ksyms_lookup(m, "vfs_read", NULL);
		st = ksyms_lookup(k, "_stext", NULL);
		mst = ksyms_lookup(m, "_stext", NULL);
		CHECK(ms && st && mst);
		if (ms && st && mst)
			CHECK_INT(s->addr - ms->addr, st->addr - mst->addr);
	}
	ksyms_close(m);
	ksyms_close(k);
}

static void check_speed(void)
{
	double t0 = test_now_ms(), t1;
	struct esym_file *f = esym_open("/bin/bash");
	struct ksyms *k;
	uint64_t off;

	if (!f)
		return;
	esym_lookup(f, "main", ESYM_FUNC, NULL);
	t1 = test_now_ms();
	printf("open /bin/bash + index symbols: %.2f ms\n", t1 - t0);
	t0 = test_now_ms();
	for (int i = 0; i < 500; i++) {
		CHECK(esym_lookup(f, "readline", ESYM_FUNC, NULL) != NULL);
		CHECK(esym_by_addr(f, esym_lookup(f, "main", ESYM_FUNC, NULL)->addr + 1, &off));
	}
	printf("1000 ELF lookups (name, address): %.2f ms\n", test_now_ms() - t0);
	esym_close(f);
	t0 = test_now_ms();
	k = ksyms_open(NULL);
	if (!k)
		return;
	ksyms_lookup(k, "vfs_read", NULL);
	t1 = test_now_ms();
	printf("read + index /proc/kallsyms (%zu symbols): %.1f ms\n", ksyms_count(k), t1 - t0);
	t0 = test_now_ms();
	for (int i = 0; i < 1000; i++)
		CHECK(ksyms_lookup(k, "vfs_read", NULL) != NULL);
	t1 = test_now_ms();
	printf("1000 kallsyms lookups: %.2f ms\n", t1 - t0);
	CHECK(t1 - t0 < 1000);
	ksyms_close(k);
}

int main(void)
{
	elf_version(EV_CURRENT);
	if (!test_have("nm") || !test_have("objdump") || !test_have("readelf"))
		test_skip("binutils (nm, objdump, readelf) not installed");
	check_sample();
	check_bash();
	check_kallsyms();
	check_speed();
	return test_finish("test_elfsym");
}
