/* begin, end, error (with an optional sequence number) and never
 * (spec/probes.md §2.1): no debug information, no context variables. */
#include "translator/providers/prov_int.h"

#include <string.h>

static const char *const patterns[] = {
	"begin", "begin(number)",
	"end", "end(number)",
	"error", "error(number)",
	"never",
	NULL,
};

static int been_build(struct prov_build *b)
{
	const char *name = b->comps[0]->name;
	enum prov_family f = !strcmp(name, "begin") ? PROV_BEGIN :
			     !strcmp(name, "end") ? PROV_END :
			     !strcmp(name, "error") ? PROV_ERROR : PROV_NEVER;
	struct prov_probe *p = prov_emit(b, f);

	if (!prov_num(b, name, &p->u.been.seq))
		p->u.been.seq = 0;
	return 0;
}

const struct provider prov_been = {
	.name = "begin/end builder",
	.patterns = patterns,
	.build = been_build,
};
