/* SDT markers from .note.stapsdt, for process().mark.
 *
 * <sys/sdt.h> (and dtrace -G) leave one ELF note per STAP_PROBE site:
 * owner "stapsdt", type 3, and a descriptor of three target-sized
 * addresses (probe pc, the address of .stapsdt.base at link time, the
 * semaphore) followed by "provider\0name\0args\0".  libelf walks the
 * notes and converts the addresses; the strings are used in place.  If
 * the file was prelinked, .stapsdt.base moved and the pc and semaphore
 * move by the same amount. */
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include <gelf.h>

#include "translator/debuginfo/elfsym_int.h"
#include "translator/debuginfo/util.h"

#define NT_STAPSDT 3

/* One target address at p, in the file's class and byte order. */
static uint64_t read_addr(Elf *elf, const void *p, int cls)
{
	uint64_t v64 = 0;
	uint32_t v32 = 0;
	size_t sz = cls == ELFCLASS32 ? 4 : 8;
	Elf_Data src = { .d_buf = (void *)p, .d_type = ELF_T_ADDR,
			 .d_size = sz, .d_version = EV_CURRENT };
	Elf_Data dst = { .d_buf = cls == ELFCLASS32 ? (void *)&v32 : (void *)&v64,
			 .d_size = sz, .d_version = EV_CURRENT };

	if (!gelf_xlatetom(elf, &dst, &src, elf_getident(elf, NULL)[EI_DATA]))
		return 0;
	return cls == ELFCLASS32 ? v32 : v64;
}

/* Split "-4@%eax 8@-8(%rbp)" into arguments.  Operands may hold spaces
 * inside brackets (AArch64 "[sp, 12]"), so split on spaces outside []. */
static void parse_args(const char *s, struct sdt_probe *p)
{
	int cap = 0;

	while (*s) {
		const char *end = s, *at;
		int depth = 0;
		struct sdt_arg a = { 8, false, NULL };

		while (*s == ' ')
			s++;
		if (!*s)
			break;
		for (end = s; *end && (*end != ' ' || depth); end++)
			depth += (*end == '[') - (*end == ']');
		at = memchr(s, '@', end - s);
		if (at) {	/* older notes have no size: a long */
			a.size = abs(atoi(s));
			a.is_signed = *s == '-';
		}
		a.operand = dbg_xstrndup(at ? at + 1 : s, end - (at ? at + 1 : s));
		if (p->nargs == cap) {
			cap = cap ? cap * 2 : 4;
			p->argv = dbg_xreallocarray(p->argv, cap, sizeof(*p->argv));
		}
		p->argv[p->nargs++] = a;
		s = end;
	}
}

/* Decode one note descriptor; false if it is malformed. */
static bool decode(struct esym_file *f, const char *desc, size_t descsz,
		   int64_t base_shift, struct sdt_probe *p)
{
	int cls = f->info.elf_class;
	size_t asz = cls == ELFCLASS32 ? 4 : 8;
	const char *prov = desc + 3 * asz, *end = desc + descsz;
	const char *prov_end, *name_end, *args_end;

	if (descsz < 3 * asz + 2)
		return false;
	prov_end = memchr(prov, '\0', end - prov);
	name_end = prov_end ? memchr(prov_end + 1, '\0', end - prov_end - 1) : NULL;
	if (!name_end)
		return false;
	args_end = memchr(name_end + 1, '\0', end - name_end - 1);
	if (name_end + 1 < end && !args_end)
		return false;
	memset(p, 0, sizeof(*p));
	p->provider = prov;
	p->name = prov_end + 1;
	p->args = args_end ? name_end + 1 : "";
	p->pc = read_addr(f->elf, desc, cls) + base_shift;
	p->semaphore = read_addr(f->elf, desc + 2 * asz, cls);
	if (p->semaphore)
		p->semaphore += base_shift;
	parse_args(p->args, p);
	return true;
}

/* How far .stapsdt.base moved since the notes were written (prelink). */
static int64_t base_shift(struct esym_file *f, Elf_Data *d, size_t desc_off)
{
	GElf_Shdr sh;
	int cls = f->info.elf_class;
	size_t asz = cls == ELFCLASS32 ? 4 : 8;
	uint64_t noted = read_addr(f->elf, (char *)d->d_buf + desc_off + asz, cls);

	if (!noted || !esym_section(f, ".stapsdt.base", &sh))
		return 0;
	return (int64_t)(sh.sh_addr - noted);
}

static void push_probe(struct esym_file *f, size_t *cap,
		       const struct sdt_probe *p)
{
	if (f->nsdt == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		f->sdt = dbg_xreallocarray(f->sdt, *cap, sizeof(*f->sdt));
	}
	f->sdt[f->nsdt++] = *p;
}

static void build(struct esym_file *f)
{
	GElf_Shdr sh;
	Elf_Scn *scn = esym_section(f, ".note.stapsdt", &sh);
	Elf_Data *d = scn ? elf_getdata(scn, NULL) : NULL;
	size_t off = 0, next, name_off, desc_off, cap = 0;
	GElf_Nhdr nh;

	f->sdt_built = true;
	while (d && (next = gelf_getnote(d, off, &nh, &name_off, &desc_off)) > 0) {
		const char *owner = (const char *)d->d_buf + name_off;
		struct sdt_probe p;

		off = next;
		if (nh.n_type != NT_STAPSDT || nh.n_namesz != sizeof("stapsdt") ||
		    memcmp(owner, "stapsdt", sizeof("stapsdt")) != 0)
			continue;
		if (decode(f, (const char *)d->d_buf + desc_off, nh.n_descsz,
			   base_shift(f, d, desc_off), &p))
			push_probe(f, &cap, &p);
		else
			f->sdt_err = -EBADMSG;
	}
}

int esym_sdt(struct esym_file *f, const struct sdt_probe **probes,
	     size_t *count)
{
	if (!f->sdt_built)
		build(f);
	*probes = f->sdt;
	*count = f->nsdt;
	return f->sdt_err;
}

int esym_sdt_glob(struct esym_file *f, const char *provider_glob,
		  const char *name_glob, esym_sdt_cb cb, void *arg)
{
	int matches = 0;

	if (!f->sdt_built)
		build(f);
	for (size_t i = 0; i < f->nsdt; i++) {
		const struct sdt_probe *p = &f->sdt[i];
		int r;
		if (fnmatch(provider_glob, p->provider, 0) != 0 ||
		    fnmatch(name_glob, p->name, 0) != 0)
			continue;
		matches++;
		if (cb && (r = cb(p, arg)) < 0)
			return r;
	}
	return matches;
}
