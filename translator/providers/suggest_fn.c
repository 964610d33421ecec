/* "no match (similar functions: ...)" for function patterns. */
#include "translator/providers/prov_int.h"

#include <string.h>

int suggest_no_match_function(struct prov_build *b, const char *pat,
			      void (*walk)(struct suggest *s, void *src), void *src)
{
	struct suggest s;
	const char *star = strpbrk(pat, "*?[");
	const char *sugs;

	if (!b->ctx->suggest || star == pat || b->point->optional)
		return 0;
	if (star)
		pat = arena_strndup(b->ctx->arena, pat, star - pat);
	suggest_init(&s, b->ctx->arena, pat, 5);
	walk(&s, src);
	sugs = suggest_text(&s);
	if (!*sugs)
		return 0;
	return prov_fail(b, NULL, "no match (similar function%s: %s)",
			 strchr(sugs, ',') ? "s" : "", sugs);
}
