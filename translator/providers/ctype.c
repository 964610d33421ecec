/* C type text from trace event formats, rendered as SystemTap renders
 * DWARF types (and as translator/debuginfo renders BTF ones), so -L reads
 * the same whatever the source: qualifiers trail their type ("const char
 * *" -> "char const*"), pointer stars attach ("void *" -> "void*"), array
 * bounds are dropped ("char[16]" -> "char[]"), and integer spellings
 * become GCC's DWARF base-type names ("unsigned long" -> "long unsigned
 * int", "short" -> "short int").  Typedef, struct and enum names are kept. */
#include "translator/providers/prov_int.h"

#include <ctype.h>
#include <string.h>

#include "translator/debuginfo/util.h"

struct int_spec {
	int is_unsigned, is_signed, shorts, longs, has_int, has_char;
	int words;		/* integer words seen */
};

static bool int_word(struct int_spec *s, const char *w, size_t n)
{
#define IS(lit) (n == sizeof(lit) - 1 && !memcmp(w, lit, n))
	if (IS("unsigned"))
		s->is_unsigned = 1;
	else if (IS("signed"))
		s->is_signed = 1;
	else if (IS("short"))
		s->shorts++;
	else if (IS("long"))
		s->longs++;
	else if (IS("int"))
		s->has_int = 1;
	else if (IS("char"))
		s->has_char = 1;
	else
		return false;
#undef IS
	s->words++;
	return true;
}

static const char *int_name(const struct int_spec *s)
{
	if (s->has_char)
		return s->is_unsigned ? "unsigned char" : s->is_signed ? "signed char" : "char";
	if (s->shorts)
		return s->is_unsigned ? "short unsigned int" : "short int";
	if (s->longs >= 2)
		return s->is_unsigned ? "long long unsigned int" : "long long int";
	if (s->longs)
		return s->is_unsigned ? "long unsigned int" : "long int";
	return s->is_unsigned ? "unsigned int" : "int";
}

static bool is_qual(const char *w, size_t n)
{
	return (n == 5 && !memcmp(w, "const", 5)) || (n == 8 && !memcmp(w, "volatile", 8));
}

/* Base words (before the first '*' or '['): qualifiers trail the type. */
static const char *render_base(struct dstr *out, const char *s)
{
	struct int_spec spec = { 0 };
	struct dstr quals = { 0 }, other = { 0 };

	while (*s && *s != '*' && *s != '[') {
		size_t n;

		if (isspace((unsigned char)*s)) {
			s++;
			continue;
		}
		n = strcspn(s, " \t*[");
		if (is_qual(s, n)) {
			dstr_add(&quals, " ");
			dstr_addn(&quals, s, n);
		} else if (!int_word(&spec, s, n)) {
			if (other.len)
				dstr_add(&other, " ");
			dstr_addn(&other, s, n);
		}
		s += n;
	}
	dstr_add(out, other.len ? other.s : spec.words ? int_name(&spec) : "int");
	if (quals.len)
		dstr_add(out, quals.s);
	dstr_release(&quals);
	dstr_release(&other);
	return s;
}

char *prov_ctype_stap(struct arena *a, const char *c_type)
{
	struct dstr out = { 0 };
	const char *s = render_base(&out, c_type);
	char *r;

	while (*s) {
		if (*s == '*') {
			dstr_add(&out, "*");
			s++;
		} else if (*s == '[') {
			dstr_add(&out, "[]");
			s += strcspn(s, "]");
			s += *s == ']';
		} else if (!strncmp(s, "const", 5) || !strncmp(s, "volatile", 8)) {
			size_t n = strcspn(s, " \t*[");

			dstr_add(&out, " ");
			dstr_addn(&out, s, n);
			s += n;
		} else {
			s++;
		}
	}
	r = arena_strdup(a, out.s ? out.s : "");
	dstr_release(&out);
	return r;
}
